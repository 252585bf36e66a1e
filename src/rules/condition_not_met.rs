use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::iam::{Lookup, Tri};

crate::declare_rule!(ConditionNotMet {
    name: "condition-not-met",
    severity: Error,
    fix: Never,
    summary: "A statement would grant a needed access, but its Condition does not hold for the request",
    decides: [Decides::Cause(CauseKind::ConditionNotMet)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for assessment in cx.assessments {
        let Cause::ConditionNotMet(statements) = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        for at in statements {
            let statement = cx.statement(at.policy, at.statement);
            let Some(trace) = assessment.evaluation.trace.iter().find(|t| t.at == *at) else {
                continue;
            };
            // Point at the first condition that fails, and name what the request carries.
            let Some((entry, _)) = statement
                .conditions
                .iter()
                .zip(&trace.conditions)
                .find(|(_, result)| **result == Tri::False)
            else {
                continue;
            };
            let carried = match assessment.context.lookup(&entry.key.value) {
                Lookup::Present(values) => {
                    format!("the request carries `{}`", values.join("`, `"))
                }
                Lookup::Absent => "the request does not carry that key".to_string(),
                Lookup::Unknown => "its value is unknown".to_string(),
            };
            let mut finding = Finding::new(
                &META,
                entry.operator.loc,
                format!(
                    "{} would allow {}, but its condition `{}` on `{}` does not hold: {carried}",
                    statement.describe(),
                    describe_need(need),
                    entry.operator.value,
                    entry.key.value,
                ),
            )
            .label("this condition is false for the ECS agent's request")
            .note("a statement applies only when every condition holds; this one grants nothing to the request")
            .help("correct the condition's values, or the context you gave with --context, so that the ECS agent's request satisfies it");
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
        let task = task_reading(SECRET);
        let other = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}", "Condition": {{"StringEquals": {{"aws:ResourceAccount": "999999999999"}}}}}}]}}"#
        );
        Tester::new(&super::META)
            .fail(&[("task-definition", &task), ("policy", &other)])
            .pass(&[("task-definition", &task), ("policy", &format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}", "Condition": {{"StringEquals": {{"aws:ResourceAccount": "123456789012"}}}}}}]}}"#))])
            .pass(&[("task-definition", &task), ("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .test();
    }
}
