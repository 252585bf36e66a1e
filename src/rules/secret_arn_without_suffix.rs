use super::{Context, Decides, Finding};
use crate::defects::DefectKind;
use crate::explain::{Cause, EntryDefect};
use crate::fix::{Applicability, Edit, Fix};

crate::declare_rule!(SecretArnWithoutSuffix {
    name: "secret-arn-without-suffix",
    severity: Error,
    fix: Always,
    summary: "A secret ARN in a policy lacks the random suffix every secret ARN ends with, so it matches no secret",
    decides: [Decides::Defect(DefectKind::UnsuffixedSecret)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Where the secret is known, secret-display-name reports the same entry with its real ARN.
    let known: Vec<crate::model::source::Loc> = cx
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
    // A task definition that names the secret by the same partial ARN is granted by it: IAM
    // evaluates the ARN as requested.
    let granted_as_requested = |entry: &str| {
        cx.assessments.iter().any(|a| {
            a.cause == Cause::Granted
                && matches!(
                    cx.need(a).subject,
                    crate::needs::Subject::Secret {
                        by_partial: true,
                        ..
                    }
                )
                && cx.need(a).request.resource == entry
        })
    };
    // The defect pass finds these in Allow statements only: in a Deny, the bare ARN is what
    // stops a request by partial ARN (IAM evaluates the ARN as requested), and
    // secret-deny-sidestep asks for it. Placeholders are arn-placeholder's.
    for (at, facts) in &cx.defects.entries {
        let Some(id) = &facts.unsuffixed_secret else {
            continue;
        };
        let entry = cx.entry(*at);
        let statement = cx.statement(at.policy, at.statement);
        let fixed = crate::arn::secret_name_pattern(&entry.value);
        // Beside an entry that names the secret's full ARN, the bare one is deliberate: it
        // grants requests by partial ARN, which the other does not.
        let beside_full = statement.resource.values.iter().any(|r| {
            crate::iam::pattern::resource_matches(&r.value, &format!("{}-AbCdEf", entry.value))
        });
        if known.contains(&entry.loc) || granted_as_requested(&entry.value) || beside_full {
            continue;
        }
        // The fix adds the full-ARN pattern and keeps the bare ARN: a task definition elsewhere
        // may name the secret by that partial ARN, and only the bare ARN grants it.
        // On a line of its own in an array, the new entry gets a line of its own too.
        let source = cx.sources.get(entry.loc.source);
        let before = &source.text[..entry.loc.span.start];
        let indent = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
        let separator = if statement.resource.is_array && indent.trim().is_empty() {
            format!(",\n{indent}")
        } else {
            ", ".to_string()
        };
        let quoted = format!(
            "{}{separator}{}",
            crate::json::quote(&entry.value),
            crate::json::quote(&fixed)
        );
        let edit = if statement.resource.is_array {
            Edit::replace(entry.loc, quoted)
        } else {
            Edit::replace(entry.loc, format!("[{quoted}]"))
        };
        out.push(
            Finding::new(
                &META,
                entry.loc,
                format!(
                    "`{}` ends without the `-` and six characters every secret ARN ends with, so this grants no request for the secret's ARN",
                    entry.value
                ),
            )
            .label("matches no secret's ARN")
            .note("Secrets Manager appends `-` and six random characters to the name to build the ARN, and IAM compares the whole ARN; this entry matches only a request that names the secret by partial ARN, which is not how a task definition should name it")
            .help(format!("add `{fixed}` to name the secret `{id}` by its ARN; keep the bare ARN only for a task definition that names the secret by partial ARN"))
            .fix(Some(Fix {
                applicability: Applicability::Safe,
                message: format!("add `{fixed}` beside it"),
                edits: vec![edit],
            })),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("policy", &allow(GET_SECRET, SECRET_BY_NAME))])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            // In a Deny the bare ARN is what stops a request by partial ARN.
            .pass(&[("policy", &policy("Deny", GET_SECRET, SECRET_BY_NAME))])
            // A task definition naming the secret by that partial ARN is granted as requested.
            .pass(&[
                ("task-definition", &task_reading(SECRET_BY_NAME)),
                ("policy", &allow(GET_SECRET, SECRET_BY_NAME)),
            ])
            // The fix adds the full-ARN pattern and keeps what the bare ARN grants.
            .fix(
                &[("policy", &allow(GET_SECRET, SECRET_BY_NAME))],
                &[(
                    "policy",
                    &allow(GET_SECRET, SECRET_BY_NAME).replace(
                        &format!("\"{SECRET_BY_NAME}\""),
                        &format!("[\"{SECRET_BY_NAME}\", \"{SECRET_PATTERN}\"]"),
                    ),
                )],
            )
            .pass(&[(
                "policy",
                &allow(GET_SECRET, SECRET_BY_NAME).replace(
                    &format!("\"{SECRET_BY_NAME}\""),
                    &format!("[\"{SECRET_BY_NAME}\", \"{SECRET_PATTERN}\"]"),
                ),
            )])
            .test();
    }
}
