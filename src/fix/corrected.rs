//! Documents that are not files of their own (a role's policy inside account details, a
//! URL-encoded document, a document fetched live): printed corrected on their own, or as a diff,
//! with the AWS CLI command that puts each in place.

use super::Plan;
use crate::model::inventory::shell_quote;
use crate::model::source::{Loc, SourceId, SourceMap};
use crate::rules::Finding;

/// The corrected text of each policy document in `id` that the plan's fixes edit.
pub fn documents(
    sources: &SourceMap,
    documents: &[(String, Loc, Option<String>)],
    findings: &[Finding],
    plan: &Plan,
    id: SourceId,
    as_diff: bool,
) -> String {
    let edits: Vec<&super::Edit> = plan
        .applied
        .iter()
        .filter_map(|&i| findings[i].fix.as_ref())
        .flat_map(|f| &f.edits)
        .filter(|e| e.loc.source == id)
        .collect();
    let text = &sources.get(id).text;
    let mut out = String::new();
    for (name, loc, update) in documents.iter().filter(|(_, l, _)| l.source == id) {
        let inside: Vec<super::Edit> = edits
            .iter()
            .filter(|e| e.loc.span.start >= loc.span.start && e.loc.span.end <= loc.span.end)
            .map(|e| {
                let mut shifted = (*e).clone();
                shifted.loc.span.start -= loc.span.start;
                shifted.loc.span.end -= loc.span.start;
                shifted
            })
            .collect();
        if inside.is_empty() {
            continue;
        }
        let refs: Vec<&super::Edit> = inside.iter().collect();
        let document = text.get(loc.span.start..loc.span.end).unwrap_or("");
        if let Ok(fixed) = super::apply_edits(document, &refs) {
            // Laid out on its own, then on one line in the command that puts it in place.
            let value = serde_json::from_str::<serde_json::Value>(&fixed).ok();
            let pretty = value
                .as_ref()
                .and_then(|v| serde_json::to_string_pretty(v).ok())
                .unwrap_or_else(|| fixed.clone());
            if as_diff {
                // Both sides laid out alike, so the diff shows the fix and nothing else.
                let before = serde_json::from_str::<serde_json::Value>(document)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| document.to_string());
                let label = format!("{} ({name})", sources.get(id).name);
                out.push_str(&super::unified_diff(
                    &label,
                    &format!("{before}\n"),
                    &format!("{pretty}\n"),
                ));
                continue;
            }
            out.push_str(&format!(
                "== {} ({name}) ==\n{pretty}\n",
                sources.get(id).name
            ));
            if let Some(command) = update {
                let compact = value
                    .and_then(|v| serde_json::to_string(&v).ok())
                    .unwrap_or(fixed);
                out.push_str(&format!(
                    "-- apply it with:\n{command} {}\n",
                    shell_quote(&compact)
                ));
            }
        }
    }
    out
}
