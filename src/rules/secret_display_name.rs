use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::explain::{Cause, EntryDefect, recommended_secret_resource};
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;
use crate::needs::Subject;

pub struct SecretDisplayName;

static META: RuleMeta = RuleMeta {
    name: "secret-display-name",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    summary: "A policy names a secret by its display name instead of its ARN, which ends in a random suffix",
    doc: include_str!("../../rules/secret-display-name.md"),
};

impl Rule for SecretDisplayName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut seen = Vec::new();
        for assessment in cx.assessments {
            let Cause::DefectiveEntries(entries) = &assessment.cause else {
                continue;
            };
            let need = cx.need(assessment);
            let Subject::Secret { arn, .. } = &need.subject else {
                continue;
            };
            let real = arn.to_string();
            for (entry_ref, defect) in entries {
                if *defect != EntryDefect::DisplayName || seen.contains(entry_ref) {
                    continue;
                }
                seen.push(*entry_ref);
                let entry = cx.entry(*entry_ref);
                let suffix = &real[real.len().saturating_sub(crate::arn::SECRET_SUFFIX_LEN)..];
                let name = arn.resource.trim_start_matches("secret:");
                let name = &name[..name.len().saturating_sub(crate::arn::SECRET_SUFFIX_LEN)];
                let corrected = recommended_secret_resource(&real);
                let mut finding = Finding::new(
                    &META,
                    entry.loc,
                    format!(
                        "`Resource` names secret \"{name}\" by its display name; its ARN is `{real}`"
                    ),
                )
                .label(format!("matches no secret: the real ARN ends in `{suffix}`"))
                .note(format!(
                    "IAM compares the secret's full ARN, which Secrets Manager builds from the name \
                     plus `-` and six random characters. This entry matches nothing, so `{}` is \
                     denied and the task stops with AccessDeniedException",
                    need.request.action
                ))
                .help(format!(
                    "write `{corrected}`: each `?` matches exactly one character, so it covers this \
                     secret's suffix (also after the secret is deleted and created again) and no \
                     other secret; `{name}-*` would also match secrets named `{name}-anything`"
                ))
                .fix(Some(Fix {
                    applicability: Applicability::Safe,
                    message: format!("replace with `{corrected}`"),
                    edits: vec![Edit::replace(entry.loc, quote(&corrected))],
                }));
                for origin in &need.origins {
                    finding = finding.related(
                        origin.loc,
                        format!("{} references the secret here", origin.what),
                    );
                }
                out.push(finding);
            }
        }
    }
}
