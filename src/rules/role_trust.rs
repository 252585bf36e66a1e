use super::{Context, Finding};
use crate::iam::statement_covers_action;
use crate::model::inventory::AttachedPolicy;
use crate::model::policy::{Effect, Statement};

crate::declare_rule!(RoleTrust {
    name: "role-trust",
    severity: Error,
    fix: Never,
    summary: "The execution or task role does not trust ecs-tasks.amazonaws.com to assume it",
    decides: [],
});

pub const ECS_TASKS: &str = "ecs-tasks.amazonaws.com";

/// The statements of a trust policy that let ECS tasks assume the role.
pub fn trusting_statements(trust: &AttachedPolicy) -> Vec<&Statement> {
    trust
        .document
        .statements
        .iter()
        .filter(|s| s.effect.value == Effect::Allow)
        .filter(|s| statement_covers_action(s, "sts:AssumeRole"))
        .filter(|s| {
            s.principal.as_ref().is_some_and(|p| {
                !p.negated
                    && (p.anyone
                        || p.entries.iter().any(|(kind, v)| {
                            (kind == "Service" && v.value.eq_ignore_ascii_case(ECS_TASKS))
                                || (kind == "AWS" && v.value == "*")
                        }))
            })
        })
        .collect()
}

/// The task definition's roles whose trust policy the inputs include: (which, name, policy).
pub fn roles_with_trust<'a>(cx: &Context<'a>) -> Vec<(&'static str, String, &'a AttachedPolicy)> {
    let mut out: Vec<(&'static str, String, &'a AttachedPolicy)> = Vec::new();
    for td in cx.task_definitions {
        for (which, arn) in [
            ("execution role", &td.execution_role_arn),
            ("task role", &td.task_role_arn),
        ] {
            let Some(arn) = arn else { continue };
            let name = crate::arn::role_name(&arn.value).to_string();
            if out.iter().any(|(_, n, _)| *n == name) {
                continue;
            }
            if let Some(trust) = cx.inventory.trust_policy(&name) {
                out.push((which, name, trust));
            }
        }
    }
    out
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (which, name, trust) in roles_with_trust(cx) {
        if !trusting_statements(trust).is_empty() {
            continue;
        }
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
