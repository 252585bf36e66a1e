use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongPartition {
    name: "arn-wrong-partition",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another partition (aws, aws-cn, aws-us-gov)",
    decides: [Decides::Entry(EntryDefect::WrongPartition)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongPartition,
        "IAM compares every field of the ARN; an entry in another partition matches nothing the task uses, so the call is denied and the task stops",
        cx,
        out,
    );
}
