use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;

crate::declare_rule!(ActionNearMiss {
    name: "action-near-miss",
    severity: Error,
    fix: Always,
    summary: "A statement names the resource the task needs but an action a letter or two away: a typo, a wrong service prefix, or ssm:GetParameter for ssm:GetParameters",
    decides: [Decides::Cause(CauseKind::ActionNearMiss)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for assessment in cx.assessments {
        let Cause::ActionNearMiss(entries) = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        let wanted = &need.request.action;
        for &(at, index) in entries {
            if seen.contains(&(at, index, wanted.clone())) {
                continue;
            }
            seen.push((at, index, wanted.clone()));
            let statement = cx.statement(at.policy, at.statement);
            let action = &statement.action.values[index];
            let real = crate::catalog::is_known(&action.value);
            let (message, fix) = if real {
                // A real, different action: add the one the agent calls beside it.
                let replacement = if statement.action.is_array {
                    format!("{}, {}", quote(&action.value), quote(wanted))
                } else {
                    format!("[{}, {}]", quote(&action.value), quote(wanted))
                };
                (
                    format!(
                        "{} allows `{}`, but the ECS agent calls `{wanted}`: it does not grant {}",
                        statement.describe(),
                        action.value,
                        describe_need(need)
                    ),
                    Fix {
                        // The statement's resources may be wider than the reference.
                        applicability: Applicability::Unsafe,
                        message: format!("add `{wanted}` to the statement's actions"),
                        edits: vec![Edit::replace(action.loc, replacement)],
                    },
                )
            } else {
                (
                    format!(
                        "`{}` is not an action; the ECS agent calls `{wanted}`, so {} grants nothing",
                        action.value,
                        statement.describe()
                    ),
                    Fix {
                        applicability: Applicability::Safe,
                        message: format!("replace with `{wanted}`"),
                        edits: vec![Edit::replace(action.loc, quote(wanted))],
                    },
                )
            };
            let mut finding = Finding::new(&META, action.loc, message)
                .label(format!("the agent calls `{wanted}`"))
                .note("IAM matches action names exactly (ignoring case, honouring wildcards); a near miss grants nothing for the call the agent makes")
                .help(format!("write `{wanted}`"))
                .fix(Some(fix));
            for origin in &need.origins {
                finding = finding.related(origin.loc, format!("{} needs it", origin.what));
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let param = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/url";
        let task = task_reading(param);
        let secret_task = task_reading(SECRET);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                (
                    "policy",
                    &allow(
                        "ssm:GetParameter",
                        "arn:aws:ssm:eu-west-1:123456789012:parameter/app/*",
                    ),
                ),
            ])
            .fail(&[
                ("task-definition", &secret_task),
                (
                    "policy",
                    &allow("secretmanager:GetSecretValue", SECRET_PATTERN),
                ),
            ])
            .pass(&[
                ("task-definition", &task),
                (
                    "policy",
                    &allow(
                        "ssm:GetParameters",
                        "arn:aws:ssm:eu-west-1:123456789012:parameter/app/*",
                    ),
                ),
            ])
            // The action is a letter off, but the resource is another: not meant for this need.
            .pass(&[
                ("task-definition", &task),
                (
                    "policy",
                    &allow(
                        "ssm:GetParameter",
                        "arn:aws:ssm:eu-west-1:123456789012:parameter/other",
                    ),
                ),
            ])
            .fix(
                &[
                    ("task-definition", &secret_task),
                    (
                        "policy",
                        &allow("secretsmanager:GetSecretValu", SECRET_PATTERN),
                    ),
                ],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
