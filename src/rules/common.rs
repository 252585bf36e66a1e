//! What several rules share: findings for input problems and defective entries, the rewrite of a
//! partial reference to a full ARN, and how a need is described.

use super::{Context, Finding, RuleMeta};
use crate::explain::EntryRef;
use crate::model::source::Loc;
use crate::needs::Need;

/// The findings of the policy checks this rule owns (its `decides` list): the defect pass
/// decided and worded them, the rule reports them with the Access Analyzer issue code.
pub(super) fn check_findings(meta: &RuleMeta, cx: &Context<'_>, out: &mut Vec<Finding>) {
    use crate::defects::{DefectKind, Level};
    for c in &cx.defects.checks {
        if !meta
            .decides
            .contains(&super::Decides::Defect(DefectKind::Check(c.check)))
        {
            continue;
        }
        let mut finding = Finding::new(meta, c.loc, c.message.clone())
            .note(format!(
                "{} (IAM Access Analyzer: {})",
                c.note,
                c.check.code()
            ))
            .help(c.help.clone())
            .fix(c.fix.clone());
        finding.severity = match c.level {
            Level::Error => super::Severity::Error,
            Level::Warning => super::Severity::Warning,
            Level::Info => super::Severity::Info,
        };
        if let Some((loc, message)) = &c.related {
            finding = finding.related(*loc, message.clone());
        }
        out.push(finding);
    }
}

/// The findings of one kind of input problem: the loaders decided them, the rule names them.
pub(super) fn problem_findings(
    meta: &RuleMeta,
    kind: crate::model::ProblemKind,
    note: &str,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    for problem in cx.problems.iter().filter(|p| p.kind == kind) {
        let mut finding = Finding::new(meta, problem.loc, problem.message.clone()).note(note);
        if let Some((loc, message)) = &problem.related {
            finding = finding.related(*loc, message.clone());
        }
        out.push(finding);
    }
}

/// Findings for `Resource` entries that were meant to grant a need but got one field wrong: one
/// per entry, located on it, with the corrected entry as the fix.
pub(super) fn field_defect_findings(
    meta: &RuleMeta,
    defect: crate::explain::EntryDefect,
    clause: fn(&str) -> String,
    note: &str,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    entry_defect_findings(
        meta,
        defect,
        clause,
        note,
        &|_, _| crate::fix::Applicability::Safe,
        cx,
        out,
    )
}

/// Like `field_defect_findings`, with the applicability an exact correction gets, given the
/// entry as written and the resource it was meant for.
pub(super) fn entry_defect_findings(
    meta: &RuleMeta,
    defect: crate::explain::EntryDefect,
    clause: fn(&str) -> String,
    note: &str,
    exact: &dyn Fn(&str, &str) -> crate::fix::Applicability,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    use crate::explain::{Cause, corrected_entry};
    use crate::fix::{Applicability, Edit, Fix};
    let mut seen: Vec<EntryRef> = Vec::new();
    for assessment in cx.assessments {
        let Cause::DefectiveEntries(entries) = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        let resource = &crate::explain::meant_resource(need);
        for (entry_ref, d) in entries {
            if *d != defect || seen.contains(entry_ref) {
                continue;
            }
            seen.push(*entry_ref);
            let entry = cx.entry(*entry_ref);
            let fix = corrected_entry(&entry.value, resource, &defect).map(|fixed| Fix {
                // A corrected entry with wildcards may grant more than the reference.
                applicability: if fixed.contains('*') {
                    Applicability::Unsafe
                } else {
                    exact(&entry.value, resource)
                },
                message: format!("replace with `{fixed}`"),
                edits: vec![Edit::replace(entry.loc, crate::json::quote(&fixed))],
            });
            let mut finding = Finding::new(
                meta,
                entry.loc,
                format!(
                    "`Resource` {}, so it does not grant {}",
                    clause(resource),
                    describe_need(need)
                ),
            )
            .label("meant for the referenced resource, but matches another")
            .note(note)
            .fix(fix);
            for origin in &need.origins {
                finding = finding.related(origin.loc, format!("{} needs it", origin.what));
            }
            out.push(finding);
        }
    }
}

/// The secret reference written at `loc` (a JSON string in a task definition), which requests
/// `requested` without the suffix, rewritten to name the secret by its full ARN `full`: a partial
/// ARN keeps its `:json-key:version-stage:version-id` tail, a bare name becomes the ARN. `None`
/// when the place does not hold such a reference.
pub(super) fn full_reference(
    cx: &Context<'_>,
    loc: Loc,
    requested: &str,
    full: &str,
) -> Option<String> {
    let written: String = serde_json::from_str(cx.sources.slice(loc)).ok()?;
    match written.strip_prefix(requested) {
        Some(tail) => Some(format!("{full}{tail}")),
        None => requested
            .ends_with(&format!(":secret:{written}"))
            .then(|| full.to_string()),
    }
}

/// Edits that make every reference of these needs name its secret by the full ARN, for a fix
/// that narrows the grant a partial reference relies on (IAM evaluates the ARN as requested, so
/// `NAME-??????` would not match it). `None` when one of them cannot be rewritten: the secret's
/// stored ARN is unknown, or the reference is not in a file.
pub(super) fn full_reference_edits<'n>(
    cx: &Context<'_>,
    needs: impl IntoIterator<Item = &'n Need>,
) -> Option<Vec<crate::fix::Edit>> {
    let mut edits = Vec::new();
    for need in needs {
        let stored = match &need.subject {
            crate::needs::Subject::Secret {
                secret: Some(_),
                arn,
                by_partial: true,
            } => arn.to_string(),
            crate::needs::Subject::Secret {
                by_partial: true, ..
            } => return None,
            _ => continue,
        };
        for origin in &need.origins {
            let full = full_reference(cx, origin.loc, &need.request.resource, &stored)
                .filter(|_| cx.is_file(origin.loc))?;
            edits.push(crate::fix::Edit::replace(
                origin.loc,
                crate::json::quote(&full),
            ));
        }
    }
    Some(edits)
}

/// The task definition references of one kind of problem, as the needs stage found them.
pub(super) fn reference_problems<'a>(
    cx: &Context<'a>,
    kind: crate::needs::ReferenceProblemKind,
) -> impl Iterator<Item = &'a crate::needs::ReferenceProblem> {
    cx.needs.problems.iter().filter(move |p| p.kind() == kind)
}

/// One field of the ARN `resource` (empty when it is no ARN), for a message that names it.
pub(super) fn arn_field(resource: &str, field: fn(crate::arn::Arn) -> String) -> String {
    crate::arn::Arn::parse(resource)
        .map(field)
        .unwrap_or_default()
}

/// How a need is described in messages: "secretsmanager:GetSecretValue on arn:…".
pub fn describe_need(need: &Need) -> String {
    format!("`{}` on `{}`", need.request.action, need.request.resource)
}
