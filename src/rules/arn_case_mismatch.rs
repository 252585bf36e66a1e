use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnCaseMismatch {
    name: "arn-case-mismatch",
    severity: Error,
    fix: Always,
    summary: "A Resource differs from a referenced ARN only in letter case",
    decides: [Decides::Entry(EntryDefect::CaseMismatch)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::CaseMismatch,
        "actions match case-insensitively, but ARNs match case-sensitively: this entry matches nothing the task uses, so the call is denied and the task stops",
        cx,
        out,
    );
}
