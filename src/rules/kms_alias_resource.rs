use super::{Context, Decides, Finding, entry_defect_findings};
use crate::explain::EntryDefect;
use crate::fix::Applicability;

crate::declare_rule!(KmsAliasResource {
    name: "kms-alias-resource",
    severity: Error,
    fix: Always,
    summary: "kms:Decrypt is granted on a KMS alias ARN, where IAM evaluates the key ARN",
    decides: [Decides::Entry(EntryDefect::KmsAlias)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Safe only when `list-aliases` (`--kms-aliases`, or live) shows the alias points at the
    // very key the task needs; otherwise nothing proves it, and the fix is a suggestion.
    let proven = |alias: &str, key: &str| {
        if cx.inventory.alias_points_at(alias, key) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        }
    };
    entry_defect_findings(
        &META,
        EntryDefect::KmsAlias,
        "an alias ARN in `Resource` covers only alias operations; to scope a key by alias, \
         use the `kms:ResourceAliases` condition key instead",
        &proven,
        cx,
        out,
    );
}
