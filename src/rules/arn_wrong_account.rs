use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, field_defect_findings};
use crate::explain::EntryDefect;

pub struct ArnWrongAccount;

static META: RuleMeta = RuleMeta {
    name: "arn-wrong-account",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A Resource meant for a referenced resource names another account",
    doc: include_str!("../../rules/arn-wrong-account.md"),
};

impl Rule for ArnWrongAccount {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        field_defect_findings(
            &META,
            EntryDefect::WrongAccount,
            "IAM compares every field of the ARN; an entry in another account matches nothing the task uses, so the call is denied and the task stops",
            cx,
            out,
        );
    }
}
