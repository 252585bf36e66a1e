//! `--format json`: one object on stdout. The schema is a contract (README, "JSON output"):
//! fields are added, never renamed or removed.
//!
//! The report is written straight from borrowed views of the findings: building a
//! `serde_json::Value` first (and `json!` copying it once more) was a fifth of a 2,000-file lint,
//! all of it on one core. The views keep the keys in the order the contract shows them.

use super::{Report, Summary};
use crate::fix::Fix;
use crate::model::source::{Loc, SourceMap};
use crate::rules::Finding;
use serde::Serialize;
use serde_json::Value;

pub fn render(report: &Report<'_>) -> String {
    #[derive(Serialize)]
    struct Tool {
        name: &'static str,
        version: &'static str,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        tool: Tool,
        findings: Vec<FindingView<'a>>,
        summary: Summary,
    }
    let out = Out {
        tool: Tool {
            name: "ecslint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report
            .findings
            .iter()
            .map(|f| FindingView::of(report.sources, f))
            .collect(),
        summary: report.summary(),
    };
    // About 1.4 KiB a finding: one allocation for most reports.
    let mut bytes = Vec::with_capacity(256 + report.findings.len() * 1536);
    // Writing to memory cannot fail, and every string is UTF-8.
    let _ = serde_json::to_writer_pretty(&mut bytes, &out);
    String::from_utf8(bytes).unwrap_or_default()
}

pub fn location(sources: &SourceMap, loc: Loc) -> Value {
    serde_json::to_value(LocationView::of(sources, loc)).unwrap_or_default()
}

pub fn finding(sources: &SourceMap, f: &Finding) -> Value {
    serde_json::to_value(FindingView::of(sources, f)).unwrap_or_default()
}

#[derive(Serialize)]
struct LocationView<'a> {
    file: &'a str,
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl<'a> LocationView<'a> {
    fn of(sources: &'a SourceMap, loc: Loc) -> Self {
        let source = sources.get(loc.source);
        let (line, column) = source.line_col(loc.span.start);
        let (end_line, end_column) = source.line_col(loc.span.end);
        LocationView {
            file: &source.name,
            start: loc.span.start,
            end: loc.span.end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[derive(Serialize)]
struct FindingView<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    location: Option<LocationView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<RelatedView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<FixView<'a>>,
}

impl<'a> FindingView<'a> {
    fn of(sources: &'a SourceMap, f: &'a Finding) -> Self {
        FindingView {
            rule: f.rule,
            severity: f.severity.as_str(),
            message: &f.message,
            location: f.loc.map(|l| LocationView::of(sources, l)),
            note: f.note.as_deref(),
            help: f.help.as_deref(),
            related: f
                .related
                .iter()
                .map(|r| RelatedView {
                    message: &r.message,
                    location: LocationView::of(sources, r.loc),
                })
                .collect(),
            fix: f.fix.as_ref().map(|fix| FixView::of(sources, fix)),
        }
    }
}

#[derive(Serialize)]
struct RelatedView<'a> {
    message: &'a str,
    location: LocationView<'a>,
}

#[derive(Serialize)]
struct FixView<'a> {
    applicability: &'static str,
    message: &'a str,
    edits: Vec<EditView<'a>>,
}

#[derive(Serialize)]
struct EditView<'a> {
    file: &'a str,
    start: usize,
    end: usize,
    replacement: &'a str,
}

impl<'a> FixView<'a> {
    fn of(sources: &'a SourceMap, fix: &'a Fix) -> Self {
        FixView {
            applicability: fix.applicability.as_str(),
            message: &fix.message,
            edits: fix
                .edits
                .iter()
                .map(|e| EditView {
                    file: &sources.get(e.loc.source).name,
                    start: e.loc.span.start,
                    end: e.loc.span.end,
                    replacement: &e.replacement,
                })
                .collect(),
        }
    }
}
