//! `--format json`: one object on stdout. The schema is a contract (README, "JSON output"):
//! fields are added, never renamed or removed.

use super::Report;
use crate::fix::Fix;
use crate::model::source::{Loc, SourceMap};
use crate::rules::Finding;
use serde_json::{Value, json};

pub fn render(report: &Report<'_>) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| finding(report.sources, f))
        .collect();
    let out = json!({
        "tool": {"name": "ecslint", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "summary": report.summary(),
    });
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

pub fn location(sources: &SourceMap, loc: Loc) -> Value {
    let source = sources.get(loc.source);
    let (line, column) = source.line_col(loc.span.start);
    let (end_line, end_column) = source.line_col(loc.span.end);
    json!({
        "file": source.name,
        "start": loc.span.start,
        "end": loc.span.end,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

pub fn finding(sources: &SourceMap, f: &Finding) -> Value {
    let mut out = json!({
        "rule": f.rule,
        "severity": f.severity.as_str(),
        "message": f.message,
        "location": f.loc.map(|l| location(sources, l)),
    });
    let Value::Object(map) = &mut out else {
        return out;
    };
    if let Some(note) = &f.note {
        map.insert("note".into(), note.clone().into());
    }
    if let Some(help) = &f.help {
        map.insert("help".into(), help.clone().into());
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .map(|r| json!({"message": r.message, "location": location(sources, r.loc)}))
            .collect();
        map.insert("related".into(), related.into());
    }
    if let Some(fix) = &f.fix {
        map.insert("fix".into(), fix_value(sources, fix));
    }
    out
}

fn fix_value(sources: &SourceMap, fix: &Fix) -> Value {
    let edits: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "file": sources.get(e.loc.source).name,
                "start": e.loc.span.start,
                "end": e.loc.span.end,
                "replacement": e.replacement,
            })
        })
        .collect();
    json!({
        "applicability": fix.applicability.as_str(),
        "message": fix.message,
        "edits": edits,
    })
}
