//! The Reviewdog Diagnostic Format (`rdjson`): one diagnostic per finding, its fix as
//! suggestions, so `reviewdog -f=rdjson -reporter=gitlab-mr-discussion` (or `github-pr-review`)
//! posts each fix as a suggestion that applies with one click on the changed lines.
//!
//! The fixes offered are the ones `--fix --unsafe-fixes` applies: chosen by the same plan (no two
//! that edit the same bytes, only into files), so applying every suggestion gives exactly what
//! the fix gives. An unsafe fix says so in the message: a suggestion is applied after review,
//! which is what an unsafe fix asks for. A fix that edits a second file carries that file's
//! edits in a diagnostic of its own there, as a suggestion has no path of its own.

use super::Report;
use crate::fix::{self, Applicability, Edit};
use crate::model::source::{Loc, SourceId, SourceMap};
use crate::rules::{Finding, Severity};
use serde_json::{Value, json};

/// Where rule pages are published, when the package says (`repository` in Cargo.toml).
fn rule_url(rule: &str) -> Option<String> {
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repository.is_empty()).then(|| {
        format!(
            "{repository}/blob/v{}/rules/{rule}.md",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// reviewdog's range: 1-based lines, 1-based columns counted in UTF-8 bytes.
fn range(sources: &SourceMap, loc: Loc) -> Value {
    let source = sources.get(loc.source);
    let position = |offset| {
        let (line, column) = source.line_byte_col(offset);
        json!({"line": line, "column": column})
    };
    json!({"start": position(loc.span.start), "end": position(loc.span.end)})
}

fn location(sources: &SourceMap, loc: Loc) -> Value {
    json!({"path": sources.get(loc.source).name, "range": range(sources, loc)})
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

fn suggestions(sources: &SourceMap, edits: &[&Edit]) -> Vec<Value> {
    edits
        .iter()
        .map(|e| {
            let source = sources.get(e.loc.source);
            json!({
                "range": range(sources, e.loc),
                "text": source.mask(&e.replacement),
            })
        })
        .collect()
}

fn diagnostic(sources: &SourceMap, f: &Finding, loc: Option<Loc>, message: String) -> Value {
    let mut code = json!({"value": f.rule});
    if let (Some(url), Value::Object(map)) = (rule_url(f.rule), &mut code) {
        map.insert("url".into(), json!(url));
    }
    let mut out = json!({
        "message": message,
        "severity": severity(f.severity),
        "source": {"name": "ecslint"},
        "code": code,
    });
    if let Value::Object(map) = &mut out {
        if let Some(loc) = loc {
            map.insert("location".into(), location(sources, loc));
        }
        if !f.related.is_empty() {
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|r| json!({"message": r.message, "location": location(sources, r.loc)}))
                .collect();
            map.insert("related_locations".into(), json!(related));
        }
    }
    out
}

/// The finding's message with its help and, when it has one, what its fix does.
fn message(f: &Finding, fix: Option<&fix::Fix>) -> String {
    let mut out = f.message.clone();
    if let Some(help) = &f.help {
        out.push_str(" — ");
        out.push_str(help);
    }
    if let Some(fix) = fix {
        out.push_str(&format!(
            "\n\nSuggested fix ({}): {}",
            match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe: review it before applying",
            },
            fix.message
        ));
    }
    out
}

pub fn render(report: &Report<'_>) -> String {
    let sources = report.sources;
    let fixes: Vec<Option<&fix::Fix>> = report.findings.iter().map(|f| f.fix.as_ref()).collect();
    let writable = |id: SourceId| report.is_writable(id);
    let plan = fix::plan(sources, &fixes, true, &writable);
    let mut diagnostics = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        let fix = f.fix.as_ref().filter(|_| plan.applied.contains(&i));
        let mut main = diagnostic(sources, f, f.loc, message(f, fix));
        let Some(fix) = fix else {
            diagnostics.push(main);
            continue;
        };
        // The edits by file, the finding's own file first.
        let mut files: Vec<SourceId> = f.loc.map(|l| l.source).into_iter().collect();
        for e in &fix.edits {
            if !files.contains(&e.loc.source) {
                files.push(e.loc.source);
            }
        }
        let mut others = Vec::new();
        for (n, id) in files.iter().enumerate() {
            let edits: Vec<&Edit> = fix.edits.iter().filter(|e| e.loc.source == *id).collect();
            if edits.is_empty() {
                continue;
            }
            if n == 0 && f.loc.is_some() {
                if let Value::Object(map) = &mut main {
                    map.insert("suggestions".into(), json!(suggestions(sources, &edits)));
                }
            } else {
                let mut other = diagnostic(
                    sources,
                    f,
                    Some(edits[0].loc),
                    format!(
                        "{}\n\n(This file's part of the fix for the finding in {}.)",
                        message(f, Some(fix)),
                        f.loc
                            .map_or("another file", |l| sources.get(l.source).name.as_str())
                    ),
                );
                if let Value::Object(map) = &mut other {
                    map.insert("suggestions".into(), json!(suggestions(sources, &edits)));
                }
                others.push(other);
            }
        }
        diagnostics.push(main);
        diagnostics.extend(others);
    }
    let out = json!({
        "source": {"name": "ecslint"},
        "diagnostics": diagnostics,
    });
    serde_json::to_string_pretty(&out).unwrap_or_default()
}
