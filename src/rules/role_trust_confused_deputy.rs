use super::role_trust::{ECS_TASKS, roles_with_trust, trusting_statements};
use super::{Context, Finding};

crate::declare_rule!(RoleTrustConfusedDeputy {
    name: "role-trust-confused-deputy",
    severity: Info,
    fix: Never,
    summary: "The role trusts ecs-tasks.amazonaws.com without aws:SourceAccount or aws:SourceArn conditions",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (which, name, trust) in roles_with_trust(cx) {
        for statement in trusting_statements(trust) {
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
