use super::{Context, Finding};

crate::declare_rule!(ExecutionRoleIsTaskRole {
    name: "execution-role-is-task-role",
    severity: Info,
    fix: Never,
    summary: "One role does both jobs: the application holds the agent's permissions, every secret included",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for td in cx.task_definitions {
        let (Some(exec), Some(task)) = (&td.execution_role_arn, &td.task_role_arn) else {
            continue;
        };
        let same = exec.value == task.value
            || (!exec.value.is_empty()
                && crate::arn::role_name(&exec.value) == crate::arn::role_name(&task.value)
                && account(&exec.value) == account(&task.value));
        if !same || exec.value.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                &META,
                task.loc,
                format!(
                    "the task role is the execution role (`{}`): the application runs with the permissions ECS needs to start it",
                    crate::arn::role_name(&task.value)
                ),
            )
            .label("the same role as `executionRoleArn`")
            .related(exec.loc, "the execution role")
            .note("ECS uses the execution role to pull the image and fetch every secret in `secrets` before the container starts; the task role is what the application's own code gets. One role for both hands the code every one of those secrets and the registry's credentials, whether or not it needs them. ECS allows it and ecslint checks it as one role: nothing fails because of it")
            .help("give the task a role of its own, trusted by `ecs-tasks.amazonaws.com`, holding only what the application calls (often nothing); keep `secretsmanager:GetSecretValue`, `ssm:GetParameters` and `kms:Decrypt` for the secrets on the execution role"),
        );
    }
}

/// The account of a role ARN, `None` for a bare name (the task's own account).
fn account(role: &str) -> Option<String> {
    crate::arn::Arn::parse(role)
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[(
                "task-definition",
                &task_with_role("ecsTaskExecutionRole", SECRET),
            )])
            .pass(&[("task-definition", &task_with_role("app-task", SECRET))])
            .pass(&[("task-definition", &task_reading(SECRET))])
            .test();
    }
}
