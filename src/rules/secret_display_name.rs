use super::{Context, Decides, Finding};
use crate::arn::recommended_secret_resource;
use crate::explain::{Cause, EntryDefect};
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;
use crate::needs::Subject;

crate::declare_rule!(SecretDisplayName {
    name: "secret-display-name",
    severity: Error,
    fix: Always,
    summary: "A policy names a secret by its display name instead of its ARN, which ends in a random suffix",
    decides: [Decides::Entry(EntryDefect::DisplayName)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    format!("names the secret by its display name; its ARN is `{resource}`")
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
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
            // Task definitions that name the secret by that same partial ARN are granted by
            // this entry as it stands (IAM evaluates the ARN as requested); once it is
            // corrected, they must name the full ARN too, so the fix rewrites them as well.
            let mut edits = vec![Edit::replace(entry.loc, quote(&corrected))];
            let mut also = Vec::new();
            for other in cx.assessments {
                let n = cx.need(other);
                let by_partial = matches!(
                    n.subject,
                    Subject::Secret {
                        by_partial: true,
                        ..
                    }
                );
                if !by_partial
                    || !other.evaluation.is_allowed()
                    || !crate::iam::pattern::resource_matches(&entry.value, &n.request.resource)
                    || crate::iam::pattern::resource_matches(&corrected, &n.request.resource)
                {
                    continue;
                }
                for origin in &n.origins {
                    if let Some(full) =
                        super::full_reference(cx, origin.loc, &n.request.resource, &real)
                        && cx.is_file(origin.loc)
                    {
                        edits.push(Edit::replace(origin.loc, quote(&full)));
                        also.push((origin.loc, origin.what.clone()));
                    }
                }
            }
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
                message: if also.is_empty() {
                    format!("replace with `{corrected}`")
                } else {
                    format!(
                        "replace with `{corrected}`, and name the secret by its full ARN where {} names it without its suffix",
                        if also.len() == 1 { "a task definition" } else { "task definitions" }
                    )
                },
                edits,
            }));
            for origin in &need.origins {
                finding = finding.related(
                    origin.loc,
                    format!("{} references the secret here", origin.what),
                );
            }
            for (loc, what) in also {
                finding = finding.related(
                    loc,
                    format!(
                        "{what} names it without its suffix, which only the display name matched"
                    ),
                );
            }
            out.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        let secrets = listed(&[SECRET]);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, SECRET_BY_NAME)),
                ("secrets", &secrets),
            ])
            .pass(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, SECRET_PATTERN)),
                ("secrets", &secrets),
            ])
            // Without the listing the entry is not known to be a display name.
            .pass(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, SECRET)),
            ])
            .fix(
                &[
                    ("task-definition", &task),
                    ("policy", &allow(GET_SECRET, SECRET_BY_NAME)),
                    ("secrets", &secrets),
                ],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
