use super::{Context, Finding};
use crate::explain::ECS_TASKS;

crate::declare_rule!(RoleTrustConfusedDeputy {
    name: "role-trust-confused-deputy",
    severity: Info,
    fix: Never,
    summary: "The role trusts ecs-tasks.amazonaws.com without aws:SourceAccount or aws:SourceArn conditions",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for trust in cx.trust {
        let (which, name) = (trust.which, &trust.name);
        let policy = &cx.inventory.policies[trust.policy];
        for statement in trust
            .trusting
            .iter()
            .map(|&s| &policy.document.statements[s])
        {
            let guarded = statement.conditions.iter().any(|c| {
                c.key.value.eq_ignore_ascii_case("aws:SourceAccount")
                    || c.key.value.eq_ignore_ascii_case("aws:SourceArn")
            });
            if guarded {
                continue;
            }
            out.push(
                Finding::new(
                    &META,
                    statement.loc,
                    format!(
                        "the {which} \"{name}\" trusts `{ECS_TASKS}` from any account"
                    ),
                )
                .label("no aws:SourceAccount / aws:SourceArn condition")
                .note("AWS recommends scoping the service's trust to your account and cluster, against the confused-deputy problem")
                .help("add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"ACCOUNT\"}, \"ArnLike\": {\"aws:SourceArn\": \"arn:aws:ecs:REGION:ACCOUNT:*\"}}"),
            );
        }
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
                ("account-details", &trusted_by(TRUST_ECS)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("account-details", &trusted_by(TRUST_ECS_GUARDED)),
            ])
            // Not trusted at all: role-trust's finding, not this one.
            .pass(&[
                ("task-definition", &task),
                ("account-details", &trusted_by(TRUST_EC2)),
            ])
            .test();
    }
}
