use super::{Context, Decides, Finding};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::fix::{Applicability, Edit, Fix};

crate::declare_rule!(SecretReferencePartialArn {
    name: "secret-reference-partial-arn",
    severity: Error,
    fix: Sometimes,
    summary: "A task definition names a secret by name or partial ARN, which IAM evaluates as requested, while the policy grants the full ARN",
    decides: [Decides::Cause(CauseKind::PartialReference)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for assessment in cx.assessments {
        let Cause::PartialReference {
            granted_by,
            full_arn,
            stored,
        } = &assessment.cause
        else {
            continue;
        };
        let need = cx.need(assessment);
        let requested = &need.request.resource;
        // A name that ends like a suffix is secret-partial-arn-ambiguous's to report: the
        // same place, the same full-ARN fix.
        if need.origins.iter().any(|o| {
            cx.needs.problems.iter().any(|p| {
                p.loc == o.loc && p.kind() == crate::needs::ReferenceProblemKind::Ambiguous
            })
        }) {
            continue;
        }
        // The places the reference is written, and each one corrected to the full ARN (a
        // `:json-key:…` tail kept).
        let mut edits = Vec::new();
        // A secret not yet created (a template's or a plan's) has no suffix to write: it is
        // referenced through what creates it.
        let not_yet = full_arn
            .as_deref()
            .is_some_and(|f| f.ends_with(crate::arn::SYMBOLIC_SECRET_SUFFIX));
        for origin in &need.origins {
            let Some(full) = full_arn.as_deref().filter(|_| !not_yet) else {
                break;
            };
            if let Some(corrected) = super::full_reference(cx, origin.loc, requested, full)
                && cx.is_file(origin.loc)
            {
                edits.push(Edit::replace(origin.loc, crate::json::quote(&corrected)));
            }
        }
        let Some(origin) = need.origins.first() else {
            continue;
        };
        let fix = (!edits.is_empty()).then(|| Fix {
            applicability: if *stored {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            },
            message: match full_arn {
                Some(full) if *stored => {
                    format!("reference the secret by its full ARN `{full}`")
                }
                Some(full) => format!(
                    "reference the secret by `{full}`, the full ARN the policy names (check it with `aws secretsmanager describe-secret`)"
                ),
                None => String::new(),
            },
            edits,
        });
        let name = requested
            .split_once(":secret:")
            .map_or(requested.as_str(), |(_, n)| n);
        let help = match full_arn {
            Some(_) if not_yet => "reference the secret through what creates it, which gives its full ARN once it exists: `!Ref` of the secret in CloudFormation, `aws_secretsmanager_secret.NAME.arn` in Terraform".to_string(),
            Some(full) => format!(
                "write the secret's full ARN `{full}` where the task definition references it (keep any `:json-key:version-stage:version-id` tail)"
            ),
            None => format!(
                "write the secret's full ARN where the task definition references it: `aws secretsmanager describe-secret --secret-id {name} --query ARN` prints it"
            ),
        };
        let mut finding = Finding::new(
            &META,
            origin.loc,
            format!(
                "{} names secret \"{name}\" without its random suffix, and IAM evaluates `{requested}` as requested: the policy's grant of the secret's full ARN does not match it",
                origin.what
            ),
        )
        .label("IAM evaluates this ARN, not the secret's full ARN")
        .note(format!(
            "Secrets Manager finds a secret by name or partial ARN, but IAM authorizes `{}` against the ARN as requested; `NAME-??????` and the full ARN match only the suffixed ARN, so the call is denied and the task stops with AccessDeniedException on `{requested}`",
            need.request.action
        ))
        .help(help)
        .fix(fix);
        for other in &need.origins[1..] {
            finding = finding.related(other.loc, format!("{} also names it so", other.what));
        }
        for s in granted_by {
            let statement = cx.statement(s.policy, s.statement);
            finding = finding.related(
                statement.resource.loc,
                format!(
                    "{} of policy \"{}\" grants the full ARN",
                    statement.describe(),
                    cx.inventory.policies[s.policy].name
                ),
            );
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let secrets = listed(&[SECRET]);
        let granted = allow(GET_SECRET, SECRET_PATTERN);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task_reading(SECRET_BY_NAME)),
                ("policy", &granted),
                ("secrets", &secrets),
            ])
            .pass(&[
                ("task-definition", &task_reading(SECRET)),
                ("policy", &granted),
                ("secrets", &secrets),
            ])
            // Granted as requested: nothing to change.
            .pass(&[
                ("task-definition", &task_reading(SECRET_BY_NAME)),
                ("policy", &allow(GET_SECRET, SECRET_BY_NAME)),
                ("secrets", &secrets),
            ])
            .fix(
                &[
                    ("task-definition", &task_reading(SECRET_BY_NAME)),
                    ("policy", &granted),
                    ("secrets", &secrets),
                ],
                &[("task-definition", &task_reading(SECRET))],
            )
            .test();
    }
}
