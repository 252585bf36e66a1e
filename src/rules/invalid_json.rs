use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, problem_findings};
use crate::model::ProblemKind;

pub struct InvalidJson;

static META: RuleMeta = RuleMeta {
    name: "invalid-json",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "An input file is not valid JSON",
    doc: include_str!("../../rules/invalid-json.md"),
};

impl Rule for InvalidJson {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        problem_findings(
            &META,
            ProblemKind::InvalidJson,
            "AWS rejects a document that is not valid JSON (MalformedPolicyDocument), and nothing \
             in this file could be checked",
            cx,
            out,
        );
    }
}
