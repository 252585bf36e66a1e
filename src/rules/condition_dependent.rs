use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, describe_need};
use crate::explain::Cause;

pub struct ConditionDependent;

static META: RuleMeta = RuleMeta {
    name: "condition-dependent",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    summary: "Access the task needs depends on a Condition that cannot be evaluated offline",
    doc: include_str!("../../rules/condition-dependent.md"),
};

impl Rule for ConditionDependent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for assessment in cx.assessments {
            let Cause::Conditional(statements) = &assessment.cause else {
                continue;
            };
            let Some(first) = statements.first() else {
                continue;
            };
            let need = cx.need(assessment);
            let statement = cx.statement(first.policy, first.statement);
            let loc = statement.condition.unwrap_or(statement.loc);
            let mut finding = Finding::new(
                &META,
                loc,
                format!(
                    "whether the execution role may {} depends on the `Condition` of {}",
                    describe_need(need),
                    statement.describe()
                ),
            )
            .label("decides the access; not evaluated offline")
            .note(
                "the decision turns on request context (VPC endpoint, source account, tags…) that \
                 only exists when the ECS agent makes the call",
            )
            .help(
                "check that the condition holds for the ECS agent's request, or grant the access \
                 in a statement without a condition",
            );
            for other in &statements[1..] {
                let s = cx.statement(other.policy, other.statement);
                finding = finding.related(s.condition.unwrap_or(s.loc), "this condition too");
            }
            for origin in &need.origins {
                finding = finding.related(origin.loc, format!("{} needs it", origin.what));
            }
            out.push(finding);
        }
    }
}
