use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity, entry_defect_findings};
use crate::explain::EntryDefect;
use crate::fix::Applicability;

pub struct KmsAliasResource;

static META: RuleMeta = RuleMeta {
    name: "kms-alias-resource",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "kms:Decrypt is granted on a KMS alias ARN, where IAM evaluates the key ARN",
    doc: include_str!("../../rules/kms-alias-resource.md"),
};

impl Rule for KmsAliasResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // Unsafe: offline nothing proves the alias points at this key.
        entry_defect_findings(
            &META,
            EntryDefect::KmsAlias,
            "an alias ARN in `Resource` covers only alias operations; to scope a key by alias, \
             use the `kms:ResourceAliases` condition key instead",
            Applicability::Unsafe,
            cx,
            out,
        );
    }
}
