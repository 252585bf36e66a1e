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
        let details = |trust: &str| {
            format!(
                r#"{{"RoleDetailList": [{{"RoleName": "ecsTaskExecutionRole", "Arn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
                    "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{trust}]}},
                    "RolePolicyList": [], "AttachedManagedPolicies": []}}], "Policies": []}}"#
            )
        };
        let task = task_with(r#""essential": true"#);
        let ecs = r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}"#;
        let guarded = r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}"#;
        let ec2 = r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#;

        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("account-details", &details(ec2)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("account-details", &details(guarded)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("account-details", &details(ecs)),
            ])
            .test();
    }
}
