use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, problem_findings};
use crate::model::ProblemKind;

pub struct InvalidInput;

static META: RuleMeta = RuleMeta {
    name: "invalid-input",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "An input file is JSON, but not the document its flag expects",
    doc: include_str!("../../rules/invalid-input.md"),
};

impl Rule for InvalidInput {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        problem_findings(
            &META,
            ProblemKind::InvalidInput,
            "the part that could not be read was left out of the check",
            cx,
            out,
        );
    }
}
