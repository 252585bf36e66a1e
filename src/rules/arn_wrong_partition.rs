use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, field_defect_findings};
use crate::explain::EntryDefect;

pub struct ArnWrongPartition;

static META: RuleMeta = RuleMeta {
    name: "arn-wrong-partition",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A Resource meant for a referenced resource names another partition (aws, aws-cn, aws-us-gov)",
    doc: include_str!("../../rules/arn-wrong-partition.md"),
};

impl Rule for ArnWrongPartition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        field_defect_findings(
            &META,
            EntryDefect::WrongPartition,
            "IAM compares every field of the ARN; an entry in another partition matches nothing the task uses, so the call is denied and the task stops",
            cx,
            out,
        );
    }
}
