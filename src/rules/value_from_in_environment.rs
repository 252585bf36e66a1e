use super::{Context, Finding};

crate::declare_rule!(ValueFromInEnvironment {
    name: "value-from-in-environment",
    severity: Error,
    fix: Never,
    summary: "A valueFrom sits in environment, where ECS does not read it; secrets go in secrets",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for td in cx.task_definitions {
        for (i, container) in td.containers.iter().enumerate() {
            for (name, loc) in &container.environment_value_from {
                out.push(
                Finding::new(
                    &META,
                    *loc,
                    format!(
                        "{} puts `valueFrom` in `environment`{}: ECS reads `valueFrom` only under `secrets`",
                        container.display_name(i),
                        name.as_ref().map(|n| format!(" (\"{n}\")")).unwrap_or_default()
                    ),
                )
                .label("not read here")
                .note("`environment` entries take `name` and `value`; the AWS CLI rejects the registration (\"Unknown parameter … valueFrom\"), and where a tool drops the key the variable is simply missing")
                .help("move the entry to the container's `secrets` list: `{\"name\": …, \"valueFrom\": ARN}`"),
            );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[(
                "task-definition",
                &task_with(&format!(
                    r#""environment": [{{"name": "DB", "valueFrom": "{SECRET}"}}]"#
                )),
            )])
            .pass(&[(
                "task-definition",
                &task_with(r#""environment": [{"name": "MODE", "value": "prod"}]"#),
            )])
            .pass(&[("task-definition", &task_reading(SECRET))])
            .test();
    }
}
