use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongRegion {
    name: "arn-wrong-region",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another region",
    decides: [Decides::Entry(EntryDefect::WrongRegion)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongRegion,
        "IAM compares every field of the ARN; an entry in another region matches nothing the task uses, so the call is denied and the task stops",
        cx,
        out,
    );
}
