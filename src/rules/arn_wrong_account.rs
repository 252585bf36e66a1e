use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongAccount {
    name: "arn-wrong-account",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another account",
    decides: [Decides::Entry(EntryDefect::WrongAccount)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongAccount,
        "IAM compares every field of the ARN; an entry in another account matches nothing the task uses, so the call is denied and the task stops",
        cx,
        out,
    );
}
