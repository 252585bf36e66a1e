use super::{Context, Finding};

crate::declare_rule!(MissingExecutionRole {
    name: "missing-execution-role",
    severity: Error,
    fix: Never,
    summary: "The task definition reads secrets or registry credentials, or pulls ECR images or sends awslogs on Fargate, but names no execution role",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for td in cx.task_definitions {
        check_one(td, out);
    }
}

fn check_one(td: &crate::model::taskdef::TaskDefinition, out: &mut Vec<Finding>) {
    {
        // A bare array of container definitions names its roles where it is used.
        if td.execution_role_arn.is_some() || td.containers_only {
            return;
        }
        let secrets: Vec<_> = td
            .containers
            .iter()
            .flat_map(|c| c.secrets.iter().chain(&c.log_secret_options))
            .map(|e| e.value_from.loc)
            .collect();
        let credentials: Vec<_> = td
            .containers
            .iter()
            .filter_map(|c| c.credentials_parameter.as_ref())
            .map(|p| p.loc)
            .collect();
        // On Fargate the execution role also pulls ECR images and sends awslogs.
        let (ecr, awslogs): (Vec<_>, Vec<_>) = if td.on_fargate() {
            (
                td.containers
                    .iter()
                    .filter(|c| c.credentials_parameter.is_none())
                    .filter_map(|c| c.image.as_ref())
                    .filter(|i| i.value.contains(".dkr.ecr."))
                    .map(|i| i.loc)
                    .collect(),
                td.containers
                    .iter()
                    .filter_map(|c| c.log_configuration.as_ref())
                    .filter(|l| l.driver.value == "awslogs")
                    .map(|l| l.driver.loc)
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let all: Vec<_> = secrets
            .iter()
            .chain(&credentials)
            .chain(&ecr)
            .chain(&awslogs)
            .copied()
            .collect();
        let Some(&first) = all.first() else {
            return;
        };
        let note = if !secrets.is_empty() {
            "ECS rejects the registration: \"ClientException: When you are specifying container \
             secrets, you must also specify a value for 'executionRoleArn'.\""
        } else if !ecr.is_empty() {
            "ECS rejects the registration: \"ClientException: Fargate requires task definition to \
             have execution role ARN to support ECR images.\""
        } else if !awslogs.is_empty() {
            "ECS rejects the registration: \"ClientException: Fargate requires task definition to \
             have execution role ARN to support log driver awslogs.\""
        } else {
            "the ECS agent reads `repositoryCredentials` with the execution role; without one it \
             cannot authenticate to the registry and the task stops"
        };
        let what = if !secrets.is_empty() || !credentials.is_empty() {
            "reads secrets"
        } else if !ecr.is_empty() {
            "pulls an ECR image on Fargate"
        } else {
            "sends awslogs on Fargate"
        };
        let mut finding = Finding::new(
            &META,
            first,
            format!("the task definition {what} but has no `executionRoleArn`"),
        )
        .label("done with the execution role")
        .note(note)
        .help(
            "add `\"executionRoleArn\": \"arn:aws:iam::ACCOUNT:role/ecsTaskExecutionRole\"` (a role \
             trusting ecs-tasks.amazonaws.com) and grant it what these references need",
        );
        for &loc in all.iter().skip(1) {
            finding = finding.related(loc, "also done with the execution role");
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let without = |fields: &str| {
            format!(
                r#"{{"family": "app", "containerDefinitions": [{{"name": "app", "image": "nginx:1", {fields}}}]}}"#
            )
        };
        Tester::new(&super::META)
            .fail(&[(
                "task-definition",
                &without(&format!(
                    r#""secrets": [{{"name": "S", "valueFrom": "{SECRET}"}}]"#
                )),
            )])
            .fail(&[(
                "task-definition",
                &without(r#""repositoryCredentials": {"credentialsParameter": "registry"}"#),
            )])
            .pass(&[("task-definition", &without(r#""essential": true"#))])
            .pass(&[("task-definition", &task_reading(SECRET))])
            // Terraform's container definitions: the role is on the resource that uses them.
            .pass(&[(
                "task-definition",
                &format!(
                    r#"[{{"name": "app", "image": "nginx:1", "secrets": [{{"name": "S", "valueFrom": "{SECRET}"}}]}}]"#
                ),
            )])
            .test();
    }
}
