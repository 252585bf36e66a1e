use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::arn::{Arn, has_secret_suffix};
use crate::explain::{Cause, EntryDefect};
use crate::fix::{Applicability, Edit, Fix};
use crate::policy::Effect;

pub struct SecretArnWithoutSuffix;

static META: RuleMeta = RuleMeta {
    name: "secret-arn-without-suffix",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A secret ARN in a policy lacks the random suffix every secret ARN ends with, so it matches no secret",
    doc: include_str!("../../rules/secret-arn-without-suffix.md"),
};

impl Rule for SecretArnWithoutSuffix {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // Where the secret is known, secret-display-name reports the same entry with its real ARN.
        let known: Vec<crate::source::Loc> = cx
            .assessments
            .iter()
            .filter_map(|a| match &a.cause {
                Cause::DefectiveEntries(entries) => Some(entries),
                _ => None,
            })
            .flatten()
            .filter(|(_, d)| *d == EntryDefect::DisplayName)
            .map(|(e, _)| cx.entry(*e).loc)
            .collect();
        for policy in &cx.inventory.policies {
            for statement in &policy.document.statements {
                if statement.resource.negated {
                    continue;
                }
                for entry in &statement.resource.values {
                    if !entry.value.contains(":secretsmanager:") {
                        continue;
                    }
                    // Most entries end with a suffix: settle them before parsing anything.
                    if entry
                        .value
                        .split_once(":secret:")
                        .is_some_and(|(_, id)| has_secret_suffix(id))
                    {
                        continue;
                    }
                    // Placeholders are arn-placeholder's to report and fix.
                    if known.contains(&entry.loc)
                        || entry.value.contains(['*', '?', '$'])
                        || !crate::arn::placeholders(&entry.value).is_empty()
                    {
                        continue;
                    }
                    let Some(arn) = Arn::parse(&entry.value) else {
                        continue;
                    };
                    let Some(id) = arn.resource.strip_prefix("secret:") else {
                        continue;
                    };
                    if arn.service != "secretsmanager" || id.is_empty() || has_secret_suffix(id) {
                        continue;
                    }
                    let fixed = format!("{}-??????", entry.value);
                    let effect = match statement.effect.value {
                        Effect::Allow => "grants",
                        Effect::Deny => "denies",
                    };
                    out.push(
                        Finding::new(
                            &META,
                            entry.loc,
                            format!(
                                "`{}` ends without the `-` and six characters every secret ARN ends with, so this {effect} nothing",
                                entry.value
                            ),
                        )
                        .label("matches no secret")
                        .note("Secrets Manager appends `-` and six random characters to the name to build the ARN; IAM compares the whole ARN")
                        .help(format!("write `{fixed}` to name the secret `{id}`"))
                        .fix(Some(Fix {
                            applicability: Applicability::Safe,
                            message: format!("replace with `{fixed}`"),
                            edits: vec![Edit::replace(entry.loc, crate::json::quote(&fixed))],
                        })),
                    );
                }
            }
        }
    }
}
