use super::{Context, Finding};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::policy::Effect;

crate::declare_rule!(ResourceStarReads {
    name: "resource-star-reads",
    severity: Warning,
    fix: Sometimes,
    summary: "Secret or parameter reads are granted on \"Resource\": \"*\": every secret in the account",
    decides: [],
});

/// Read actions whose `*` grant reaches every secret or parameter.
const READS: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "ssm:GetParameters",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
];

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for policy in &cx.inventory.policies {
        if policy.kind != crate::iam::PolicyType::Identity {
            continue;
        }
        for statement in &policy.document.statements {
            if statement.effect.value != Effect::Allow
                || statement.action.negated
                || statement.resource.negated
                || statement.condition.is_some()
            {
                continue;
            }
            // Only actions named outright: `*` or `secretsmanager:*` is another conversation.
            let reads: Vec<&str> = statement
                .action
                .values
                .iter()
                .filter_map(|a| READS.iter().find(|r| r.eq_ignore_ascii_case(&a.value)))
                .copied()
                .collect();
            let Some(star) = statement.resource.values.iter().find(|r| r.value == "*") else {
                continue;
            };
            if reads.is_empty() || statement.action.values.len() != reads.len() {
                continue;
            }
            // The resources the task definition references for these actions.
            let mut wanted: Vec<String> = Vec::new();
            let read_needs: Vec<&crate::needs::Need> = cx
                .needs
                .needs
                .iter()
                .filter(|n| {
                    reads
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(&n.request.action))
                })
                .collect();
            for need in &read_needs {
                if !wanted.contains(&need.grant) {
                    wanted.push(need.grant.clone());
                }
            }
            // A secret named by partial ARN is granted by `*` as requested, and by its
            // `NAME-??????` grant only once the reference names the full ARN.
            let rewrites = super::full_reference_edits(cx, read_needs.iter().copied());
            let fix = (!wanted.is_empty() && statement.resource.values.len() == 1)
                .then_some(rewrites)
                .flatten()
                .map(|rewrites| {
                    let quoted: Vec<String> =
                        wanted.iter().map(|w| crate::json::quote(w)).collect();
                    Fix {
                        applicability: Applicability::Unsafe,
                        message: format!(
                            "grant only {}",
                            wanted
                                .iter()
                                .map(|w| format!("`{w}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        edits: std::iter::once(Edit::replace(
                            star.loc,
                            if quoted.len() == 1 {
                                quoted[0].clone()
                            } else {
                                format!("[{}]", quoted.join(", "))
                            },
                        ))
                        .chain(rewrites)
                        .collect(),
                    }
                });
            out.push(
                Finding::new(
                    &META,
                    star.loc,
                    format!(
                        "{} on `*` reads every secret or parameter the account has",
                        reads.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .label("every secret")
                .note("the task works, but a leaked task role or a compromised agent can read all of them")
                .help("name the resources the task definition references (secrets as `NAME-??????`)")
                .fix(fix),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        Tester::new(&super::META)
            .fail(&[("policy", &allow(GET_SECRET, "*"))])
            .fail(&[("policy", &allow("ssm:GetParameters", "*"))])
            // Actions that take no resource are never flagged for `*`.
            .pass(&[("policy", &allow("ecr:GetAuthorizationToken", "*"))])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .fix(
                &[
                    ("task-definition", &task),
                    ("policy", &allow(GET_SECRET, "*")),
                ],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
