use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::iam::StatementRef;

crate::declare_rule!(ConditionDependent {
    name: "condition-dependent",
    severity: Warning,
    fix: Never,
    summary: "Access the task needs depends on a Condition that cannot be evaluated offline",
    decides: [Decides::Cause(CauseKind::Conditional)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // One finding per deciding statement, naming every need that turns on it.
    let mut by_statement: Vec<(StatementRef, Vec<usize>)> = Vec::new();
    for (a, assessment) in cx.assessments.iter().enumerate() {
        let Cause::Conditional(statements, _) = &assessment.cause else {
            continue;
        };
        let Some(first) = statements.first() else {
            continue;
        };
        match by_statement.iter_mut().find(|(r, _)| r == first) {
            Some((_, list)) => list.push(a),
            None => by_statement.push((*first, vec![a])),
        }
    }
    for (s, assessments) in by_statement {
        let statement = cx.statement(s.policy, s.statement);
        let needs: Vec<String> = assessments
            .iter()
            .map(|&a| describe_need(cx.need(&cx.assessments[a])))
            .collect();
        let mut keys: Vec<String> = Vec::new();
        for &a in &assessments {
            if let Cause::Conditional(_, k) = &cx.assessments[a].cause {
                for key in k {
                    let key = format!("`{key}`");
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
        }
        let mut finding = Finding::new(
            &META,
            statement.condition.unwrap_or(statement.loc),
            format!(
                "whether the execution role may {} depends on {}, read by the `Condition` of {}",
                needs.join(" and "),
                keys.join(", "),
                statement.describe()
            ),
        )
        .label("reads request context not known offline")
        .note(
            "the decision turns on request context (VPC endpoint, source account, tags…) that \
             only exists when the ECS agent makes the call",
        )
        .help(
            "check that the condition holds for the ECS agent's request, or grant the access \
             in a statement without a condition; if you know the value, pass it with \
             `--context KEY=VALUE` and ecslint evaluates the condition",
        );
        for &a in &assessments {
            let Cause::Conditional(statements, _) = &cx.assessments[a].cause else {
                continue;
            };
            for other in &statements[1..] {
                let o = cx.statement(other.policy, other.statement);
                finding = finding.related(
                    o.condition.unwrap_or(o.loc),
                    "this condition decides it too",
                );
            }
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
        let vpce = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}", "Condition": {{"StringEquals": {{"aws:SourceVpce": "vpce-0a1b2c3d"}}}}}}]}}"#
        );
        Tester::new(&super::META)
            .fail(&[("task-definition", &task), ("policy", &vpce)])
            .pass(&[("task-definition", &task), ("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            // A key the request is known to carry is decided, not dependent.
            .pass(&[("task-definition", &task), ("policy", &format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}", "Condition": {{"StringEquals": {{"aws:ResourceAccount": "123456789012"}}}}}}]}}"#))])
            .test();
    }
}
