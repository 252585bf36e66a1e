use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;

crate::declare_rule!(GrantOnWrongRole {
    name: "grant-on-wrong-role",
    severity: Error,
    fix: Never,
    summary: "The access is granted to the task role where the execution role needs it, or the reverse",
    decides: [Decides::Cause(CauseKind::WrongRole)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for assessment in cx.assessments {
        let Cause::WrongRole { granted_by, role } = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        let Some(at) = granted_by.first() else {
            continue;
        };
        let statement = cx.statement(at.policy, at.statement);
        let policy = &cx.inventory.policies[at.policy];
        let mut finding = Finding::new(
            &META,
            statement.loc,
            format!(
                "the {} needs {}, but it is granted to the {} (by {} of \"{}\")",
                need.role.describe(),
                describe_need(need),
                role.describe(),
                statement.describe(),
                policy.name
            ),
        )
        .label(format!("grants it to the {}", role.describe()))
        .note(match need.role {
            crate::needs::RoleKind::Execution => {
                "the ECS agent pulls images, reads secrets and parameters and sends awslogs with the execution role, before the containers start; the task role is only what the application's own AWS calls use"
            }
            crate::needs::RoleKind::Task => {
                "EFS IAM authorization and the application's own AWS calls use the task role; the execution role is only the ECS agent's"
            }
            crate::needs::RoleKind::Caller | crate::needs::RoleKind::Deployer => "the principal that made the request must hold the grant",
        })
        .help(format!(
            "attach this statement (or the policy) to the {}",
            need.role.describe()
        ));
        for origin in &need.origins {
            finding = finding.related(origin.loc, format!("{} needs it", origin.what));
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_with_role("app-task", SECRET);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy app-task", &allow(GET_SECRET, SECRET_PATTERN)),
            ])
            .pass(&[
                ("task-definition", &task),
                (
                    "policy ecsTaskExecutionRole",
                    &allow(GET_SECRET, SECRET_PATTERN),
                ),
            ])
            // One role for both jobs: the grant is where it belongs.
            .pass(&[
                (
                    "task-definition",
                    &task_with_role("ecsTaskExecutionRole", SECRET),
                ),
                (
                    "policy ecsTaskExecutionRole",
                    &allow(GET_SECRET, SECRET_PATTERN),
                ),
            ])
            .test();
    }
}
