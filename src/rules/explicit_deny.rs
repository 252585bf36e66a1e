use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::iam::StatementRef;

crate::declare_rule!(ExplicitDeny {
    name: "explicit-deny",
    severity: Error,
    fix: Never,
    summary: "A Deny statement blocks access the task needs; no Allow can override it",
    decides: [Decides::Cause(CauseKind::ExplicitDeny)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // One finding per deny statement, naming every need it blocks.
    let mut by_statement: Vec<(StatementRef, Vec<usize>)> = Vec::new();
    for (a, assessment) in cx.assessments.iter().enumerate() {
        let Cause::ExplicitDeny(statements) = &assessment.cause else {
            continue;
        };
        for s in statements {
            match by_statement.iter_mut().find(|(r, _)| r == s) {
                Some((_, list)) => list.push(a),
                None => by_statement.push((*s, vec![a])),
            }
        }
    }
    for (s, assessments) in by_statement {
        let statement = cx.statement(s.policy, s.statement);
        let policy = &cx.inventory.policies[s.policy];
        let needs: Vec<String> = assessments
            .iter()
            .map(|&a| describe_need(cx.need(&cx.assessments[a])))
            .collect();
        let mut finding = Finding::new(
            &META,
            statement.effect.loc,
            format!(
                "{} of policy \"{}\" denies {}",
                statement.describe(),
                policy.name,
                needs.join(" and ")
            ),
        )
        .label("this Deny matches the request")
        .note(
            "an explicit deny overrides every allow, in any policy, so the ECS agent's call \
             fails and the task stops",
        )
        .help(
            "narrow the Deny so it no longer matches what the task definition references \
             (its `Resource`/`NotResource`, or a `Condition`), or move the reference to a \
             resource the Deny is meant to allow",
        );
        for &a in &assessments {
            for origin in &cx.need(&cx.assessments[a]).origins {
                finding = finding.related(origin.loc, format!("{} needs it", origin.what));
            }
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        let with_deny = |actions: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                    {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}"}},
                    {{"Effect": "Deny", "Action": {actions}, "Resource": "arn:aws:secretsmanager:*:*:secret:prod/*"}}]}}"#
            )
        };
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy", &with_deny(r#""secretsmanager:Get*""#)),
            ])
            .pass(&[
                ("task-definition", &task),
                ("policy", &with_deny(r#"["secretsmanager:DeleteSecret"]"#)),
            ])
            .test();
    }
}
