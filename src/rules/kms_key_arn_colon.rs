use super::{Context, Decides, Finding};
use crate::defects::DefectKind;
use crate::explain::EntryDefect;
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;

crate::declare_rule!(KmsKeyArnColon {
    name: "kms-key-arn-colon",
    severity: Error,
    fix: Sometimes,
    summary: "A KMS key ARN is written `key:KEY-ID` where AWS writes `key/KEY-ID`",
    decides: [
        Decides::Entry(EntryDefect::KmsKeyColon),
        Decides::Defect(DefectKind::KeyColon)
    ],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let _ = resource;
    "writes the key ARN with `key:` where AWS writes `key/`".to_string()
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
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

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let colon = "arn:aws:kms:eu-west-1:123456789012:key:1234abcd-12ab-34cd-56ef-1234567890ab";
        let slash = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        Tester::new(&super::META)
            .fail(&[("policy", &allow("kms:Decrypt", colon))])
            // The documentation's placeholder form is found too (arn-placeholder fixes it).
            .fail(&[(
                "policy",
                &allow(
                    "kms:Decrypt",
                    "arn:aws:kms:region:aws_account_id:key:key_id",
                ),
            )])
            .pass(&[("policy", &allow("kms:Decrypt", slash))])
            .fix(
                &[("policy", &allow("kms:Decrypt", colon))],
                &[("policy", &allow("kms:Decrypt", slash))],
            )
            .test();
    }
}
