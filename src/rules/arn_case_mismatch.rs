use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, field_defect_findings};
use crate::explain::EntryDefect;

pub struct ArnCaseMismatch;

static META: RuleMeta = RuleMeta {
    name: "arn-case-mismatch",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A Resource differs from a referenced ARN only in letter case",
    doc: include_str!("../../rules/arn-case-mismatch.md"),
};

impl Rule for ArnCaseMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        field_defect_findings(
            &META,
            EntryDefect::CaseMismatch,
            "actions match case-insensitively, but ARNs match case-sensitively: this entry matches nothing the task uses, so the call is denied and the task stops",
            cx,
            out,
        );
    }
}
