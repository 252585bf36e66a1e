use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;

pub struct KmsKeyArnColon;

static META: RuleMeta = RuleMeta {
    name: "kms-key-arn-colon",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    summary: "A KMS key ARN is written `key:KEY-ID` where AWS writes `key/KEY-ID`",
    doc: include_str!("../../rules/kms-key-arn-colon.md"),
};

impl Rule for KmsKeyArnColon {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for (at, facts) in &cx.defects.entries {
            let entry = cx.entry(*at);
            let Some(corrected) = facts.key_colon.clone() else {
                continue;
            };
            // With placeholders in it, correcting the colon alone gives no working ARN:
            // arn-placeholder owns that fix.
            let fix = facts.placeholders_corrected.is_empty().then(|| {
                let referenced = cx
                    .needs
                    .needs
                    .iter()
                    .any(|n| n.request.resource == corrected);
                Fix {
                    applicability: if referenced {
                        Applicability::Safe
                    } else {
                        Applicability::Unsafe
                    },
                    message: format!("replace with `{corrected}`"),
                    edits: vec![Edit::replace(entry.loc, quote(&corrected))],
                }
            });
            out.push(
                Finding::new(
                    &META,
                    entry.loc,
                    "KMS key ARN uses `key:` where AWS writes `key/`",
                )
                .label("`:key:` should be `:key/`")
                .note(
                    "a key's ARN is `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`; with a colon it \
                     matches no key, so `kms:Decrypt` is denied and a secret encrypted with \
                     that key cannot be read",
                )
                .help(match &fix {
                    Some(_) => format!("write `{corrected}`"),
                    None => {
                        "write the key's ARN as `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`".to_string()
                    }
                })
                .fix(fix),
            );
        }
    }
}
