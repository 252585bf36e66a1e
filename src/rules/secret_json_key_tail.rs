use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, field_defect_findings};
use crate::explain::EntryDefect;

pub struct SecretJsonKeyTail;

static META: RuleMeta = RuleMeta {
    name: "secret-json-key-tail",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A Resource carries the :json-key:version-stage:version-id tail of a valueFrom",
    doc: include_str!("../../rules/secret-json-key-tail.md"),
};

impl Rule for SecretJsonKeyTail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        field_defect_findings(
            &META,
            EntryDefect::JsonKeyTail,
            "ECS strips the tail before it calls Secrets Manager, and IAM evaluates the secret's ARN alone; the entry with the tail matches nothing, so the call is denied and the task stops",
            cx,
            out,
        );
    }
}
