use super::{Context, Decides, Finding};
use crate::arn::placeholders;
use crate::defects::DefectKind;
use crate::explain::{Cause, EntryDefect, EntryRef};
use crate::fix::{Applicability, Edit, Fix};
use crate::json::quote;
use crate::model::source::{Loc, Span, Spanned};

crate::declare_rule!(ArnPlaceholder {
    name: "arn-placeholder",
    severity: Error,
    fix: Sometimes,
    summary: "An ARN still holds placeholder text from documentation, such as `region` or `secret_name`",
    decides: [
        Decides::Entry(EntryDefect::Placeholder),
        Decides::Defect(DefectKind::Placeholder),
        Decides::Defect(DefectKind::Check(
            crate::defects::Check::PrincipalPlaceholder
        ))
    ],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let _ = resource;
    "still holds placeholder text".to_string()
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for (entry_ref, facts) in &cx.defects.entries {
        let entry = cx.entry(*entry_ref);
        let statement = cx.statement(entry_ref.policy, entry_ref.statement);
        if let Some(finding) = finding(cx, entry, &facts.placeholders, "`Resource`") {
            out.push(finding.fix(fix_for(cx, *entry_ref, entry, statement)));
        }
    }
    for c in &cx.defects.checks {
        if c.check != crate::defects::Check::PrincipalPlaceholder {
            continue;
        }
        let principal = cx.inventory.policies[c.policy]
            .document
            .statements
            .iter()
            .filter_map(|s| s.principal.as_ref())
            .flat_map(|p| &p.entries)
            .map(|(_, v)| v)
            .find(|v| v.loc == c.loc);
        if let Some(value) = principal
            && let Some(finding) = finding(cx, value, &placeholders(&value.value), "`Principal`")
        {
            out.push(finding);
        }
    }
    for td in cx.task_definitions {
        references_of(cx, td, out);
    }
}

fn references_of(
    cx: &Context<'_>,
    td: &crate::model::taskdef::TaskDefinition,
    out: &mut Vec<Finding>,
) {
    let mut references: Vec<(&Spanned<String>, &str)> = Vec::new();
    for (field, value) in [
        ("`executionRoleArn`", &td.execution_role_arn),
        ("`taskRoleArn`", &td.task_role_arn),
    ] {
        if let Some(v) = value {
            references.push((v, field));
        }
    }
    for c in &td.containers {
        for entry in c.secrets.iter().chain(&c.log_secret_options) {
            references.push((&entry.value_from, "`valueFrom`"));
        }
        if let Some(v) = &c.credentials_parameter {
            references.push((v, "`credentialsParameter`"));
        }
    }
    for (value, field) in references {
        // A template is reported once, by unresolved-reference.
        if !crate::model::template::find(&value.value, false).is_empty() {
            continue;
        }
        if let Some(finding) = finding(cx, value, &placeholders(&value.value), field) {
            out.push(finding);
        }
    }
}

fn finding(
    cx: &Context<'_>,
    value: &Spanned<String>,
    found: &[crate::arn::Placeholder],
    field: &str,
) -> Option<Finding> {
    let first = found.first()?;
    let names: Vec<String> = found.iter().map(|p| format!("`{}`", p.text)).collect();
    // Point at each placeholder when the string has no escapes, so offsets in the value are
    // offsets in the token (after its opening quote).
    let token = cx.sources.slice(value.loc);
    let plain = token.len() == value.value.len() + 2;
    let at = |start: usize, end: usize| {
        Loc::new(
            value.loc.source,
            Span::new(
                value.loc.span.start + 1 + start,
                value.loc.span.start + 1 + end,
            ),
        )
    };
    let mut finding = Finding::new(
        &META,
        if plain {
            at(first.start, first.end)
        } else {
            value.loc
        },
        format!(
            "{field} ARN still holds placeholder text: {}",
            names.join(", ")
        ),
    )
    .label("placeholder from a documentation example")
    .note("an ARN with placeholder text names no real resource, so it matches nothing")
    .help("replace each placeholder with the real value: the region, the 12-digit account ID, the resource's name or ID");
    if plain {
        for p in &found[1..] {
            finding = finding.related(at(p.start, p.end), "another placeholder");
        }
    }
    Some(finding)
}

/// The entry's intended resources are the needs that explained their denial by it.
fn fix_for(
    cx: &Context<'_>,
    entry_ref: EntryRef,
    entry: &Spanned<String>,
    statement: &crate::model::policy::Statement,
) -> Option<Fix> {
    let mut intended: Vec<String> = Vec::new();
    for assessment in cx.assessments {
        let Cause::DefectiveEntries(entries) = &assessment.cause else {
            continue;
        };
        if !entries.contains(&(entry_ref, EntryDefect::Placeholder)) {
            continue;
        }
        let need = cx.need(assessment);
        let resource = need.grant.clone();
        if !intended.contains(&resource) {
            intended.push(resource);
        }
    }
    if intended.is_empty() {
        return None;
    }
    let quoted: Vec<String> = intended.iter().map(|r| quote(r)).collect();
    let replacement = if statement.resource.is_array || quoted.len() == 1 {
        quoted.join(", ")
    } else {
        format!("[{}]", quoted.join(", "))
    };
    Some(Fix {
        applicability: Applicability::Safe,
        message: format!(
            "replace with {}, what the task definition references",
            intended
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        edits: vec![Edit::replace(entry.loc, replacement)],
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        let docs = "arn:aws:secretsmanager:region:aws_account_id:secret:secret_name";
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, docs)),
            ])
            // In a task definition too, and in a policy linted alone.
            .fail(&[(
                "task-definition",
                &task_reading("arn:aws:secretsmanager:eu-west-1:<account-id>:secret:db"),
            )])
            .fail(&[("policy", &allow(GET_SECRET, docs))])
            .pass(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, SECRET_PATTERN)),
            ])
            // The Service Authorization Reference's ARN format, copied unfilled: a placeholder,
            // not a policy variable that a condition decides.
            .fail(&[
                ("task-definition", &task),
                (
                    "policy",
                    &allow(
                        GET_SECRET,
                        "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
                    ),
                ),
            ])
            // A template is not a placeholder: unresolved-reference says it once.
            .pass(&[(
                "task-definition",
                &task_reading("arn:aws:secretsmanager:${AWS_REGION}:123456789012:secret:db"),
            )])
            // In a trust policy's `Principal` too.
            .fail(&[(
                "account-details",
                &trusted_by(
                    r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::ACCOUNT_ID:role/deployer"}, "Action": "sts:AssumeRole"}"#,
                ),
            )])
            // A policy variable is not a placeholder.
            .pass(&[(
                "policy",
                &allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"),
            )])
            .fix(
                &[
                    ("task-definition", &task),
                    ("policy", &allow(GET_SECRET, docs)),
                ],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
