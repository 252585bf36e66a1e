use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, field_defect_findings};
use crate::explain::EntryDefect;

pub struct ArnWrongRegion;

static META: RuleMeta = RuleMeta {
    name: "arn-wrong-region",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A Resource meant for a referenced resource names another region",
    doc: include_str!("../../rules/arn-wrong-region.md"),
};

impl Rule for ArnWrongRegion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        field_defect_findings(
            &META,
            EntryDefect::WrongRegion,
            "IAM compares every field of the ARN; an entry in another region matches nothing the task uses, so the call is denied and the task stops",
            cx,
            out,
        );
    }
}
