use super::{Context, Finding};
use crate::explain::ECS_TASKS;

crate::declare_rule!(RoleTrust {
    name: "role-trust",
    severity: Error,
    fix: Never,
    summary: "The execution or task role does not trust ecs-tasks.amazonaws.com to assume it",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for trust in cx.trust.iter().filter(|t| t.trusting.is_empty()) {
        let (which, name) = (trust.which, &trust.name);
        let trust = &cx.inventory.policies[trust.policy];
        out.push(
            Finding::new(
                &META,
                trust.document.loc,
                format!(
                    "the {which} \"{name}\" does not trust `{ECS_TASKS}` to assume it"
                ),
            )
            .label("no statement allows ecs-tasks.amazonaws.com sts:AssumeRole")
            .note("ECS cannot assume the role: the task fails to start (\"ECS was unable to assume the role … Please verify that the ECS service principal has permissions to assume this role\")")
            .help(format!(
                "add a statement: {{\"Effect\": \"Allow\", \"Principal\": {{\"Service\": \"{ECS_TASKS}\"}}, \"Action\": \"sts:AssumeRole\"}}"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_with(r#""essential": true"#);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("account-details", &trusted_by(TRUST_EC2)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("account-details", &trusted_by(TRUST_ECS_GUARDED)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("account-details", &trusted_by(TRUST_ECS)),
            ])
            .test();
    }
}
