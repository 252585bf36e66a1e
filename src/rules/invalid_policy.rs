use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, problem_findings};
use crate::model::ProblemKind;

pub struct InvalidPolicy;

static META: RuleMeta = RuleMeta {
    name: "invalid-policy",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "A policy document breaks the IAM policy grammar",
    doc: include_str!("../../rules/invalid-policy.md"),
};

impl Rule for InvalidPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        problem_findings(
            &META,
            ProblemKind::InvalidPolicy,
            "IAM refuses to save such a policy (MalformedPolicyDocument); the statement was left \
             out of the evaluation",
            cx,
            out,
        );
    }
}
