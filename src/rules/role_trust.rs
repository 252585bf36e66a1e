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
