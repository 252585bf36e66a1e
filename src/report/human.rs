//! Human output: miette diagnostics with the source snippet underlined, the rule name, why the
//! task fails, what to do, and the corrected lines.

use super::{Report, terminal_safe};
use crate::fix;
use crate::model::source::{Loc, SourceId, SourceMap};
use crate::rules::{Finding, Severity};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// How to draw: colours only on a terminal without `NO_COLOR`.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

pub fn render(report: &Report<'_>, style: Style) -> String {
    let mut out = render_findings(report.sources, &report.findings, style);
    let s = report.summary();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{}, {}, {} ({} with a fix); {} of {} needed accesses granted\n",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
        s.fixable,
        s.needs_granted,
        s.needs_checked,
    ));
    out
}

/// Each finding as a miette diagnostic, one after the other.
pub fn render_findings(sources: &SourceMap, findings: &[Finding], style: Style) -> String {
    let handler = handler(style);
    let mut out = String::new();
    // Each file is made terminal-safe once, however many findings show it.
    let mut safe = Sources::default();
    // A fix shared by several findings (missing grants written into one new statement) is shown
    // once, under the first of them.
    let mut shown: std::collections::HashSet<Vec<(Loc, &str)>> = Default::default();
    for finding in findings {
        let first_showing = finding.fix.as_ref().is_none_or(|fix| {
            shown.insert(
                fix.edits
                    .iter()
                    .map(|e| (e.loc, e.replacement.as_str()))
                    .collect(),
            )
        });
        let view = View::of(sources, &mut safe, finding, first_showing);
        if handler.render_report(&mut out, &view).is_err() {
            // A span miette cannot show: fall back to the one-line form rather than lose the finding.
            out.push_str(&one_line(sources, finding));
        }
        out.push('\n');
    }
    out
}

/// A place to show with a message that is no rule's finding (a statement that decided a
/// simulated request, or nearly applied).
pub struct Mark {
    pub severity: Severity,
    pub message: String,
    pub loc: Loc,
    pub label: &'static str,
}

/// Each mark as a miette diagnostic without a rule code.
pub fn render_marks(sources: &SourceMap, marks: &[Mark], style: Style) -> String {
    let handler = handler(style);
    let mut out = String::new();
    let mut safe = Sources::default();
    for mark in marks {
        let view = View {
            message: terminal_safe(&mark.message),
            code: None,
            severity: severity(mark.severity),
            help: None,
            source: Some(safe.named(sources, mark.loc.source)),
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(mark.label.to_string()),
                (mark.loc.span.start, mark.loc.span.len()),
            )],
            related: Vec::new(),
        };
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&terminal_safe(&mark.message));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1)
        .with_wrap_lines(false)
        .with_show_related_as_nested(true)
}

/// `file:line:column: severity[rule]: message`.
pub fn one_line(sources: &SourceMap, finding: &Finding) -> String {
    let place = match finding.loc {
        Some(loc) => {
            let source = sources.get(loc.source);
            let (line, column) = source.line_col(loc.span.start);
            format!("{}:{line}:{column}: ", source.name)
        }
        None => String::new(),
    };
    terminal_safe(&format!(
        "{place}{}[{}]: {}\n",
        finding.severity.as_str(),
        finding.rule,
        finding.message
    ))
}

#[derive(Debug)]
struct View {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<std::sync::Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

/// A code frame prints whole lines: a line longer than this (a plan `terraform show -json`
/// prints on one line, a minified template) is shown as an excerpt around the span instead.
const LONG_LINE: usize = 1000;

/// Whether the line that holds `offset` is too long to print whole.
fn on_long_line(text: &str, offset: usize) -> bool {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    end - start > LONG_LINE
}

/// `FILE:LINE:COLUMN: `…text…``: where a span on a long line stands, and up to 160 bytes of it.
fn excerpt(sources: &SourceMap, loc: Loc) -> String {
    let source = sources.get(loc.source);
    let text = source.shown();
    let (line, column) = source.line_col(loc.span.start);
    let mut end = (loc.span.start + 160).min(loc.span.end).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let start = loc.span.start.min(end);
    let more = if end < loc.span.end { "…" } else { "" };
    format!(
        "{}:{line}:{column}: `{}{more}`",
        source.name,
        text.get(start..end).unwrap_or("")
    )
}

impl View {
    fn of(sources: &SourceMap, safe: &mut Sources, finding: &Finding, preview: bool) -> View {
        // On a line too long to print whole, the place is said with an excerpt instead.
        if let Some(loc) = finding.loc
            && on_long_line(&sources.get(loc.source).text, loc.span.start)
        {
            let mut plain = finding.clone();
            plain.loc = None;
            let at = format!("at {}", excerpt(sources, loc));
            plain.help = Some(match plain.help.take() {
                Some(h) => format!("{at}\n{h}"),
                None => at,
            });
            plain.related.clear();
            let mut view = View::of(sources, safe, &plain, preview);
            for r in &finding.related {
                view.related
                    .push(View::related(sources, safe, r.loc, &r.message));
            }
            return view;
        }
        let mut help = Vec::new();
        if let Some(note) = &finding.note {
            help.push(format!("why: {note}"));
        }
        if let Some(h) = &finding.help {
            help.push(h.clone());
        }
        if let Some(fix) = &finding.fix {
            let mut text = format!("fix ({}): {}", fix.applicability.as_str(), fix.message);
            if !preview {
                text.push_str(" (the same edit as above, shown there)");
            } else if let Ok(preview) = fix::preview(sources, fix) {
                text.push('\n');
                text.push_str(preview.trim_end());
            }
            help.push(text);
        }
        let primary_source = finding.loc.map(|l| l.source);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(loc) = finding.loc {
            labels.push(LabeledSpan::new_primary_with_span(
                finding.label.as_deref().map(terminal_safe),
                (loc.span.start, loc.span.len()),
            ));
        }
        for r in &finding.related {
            if Some(r.loc.source) == primary_source {
                labels.push(LabeledSpan::new_with_span(
                    Some(terminal_safe(&r.message)),
                    (r.loc.span.start, r.loc.span.len()),
                ));
            } else {
                related.push(View::related(sources, safe, r.loc, &r.message));
            }
        }
        View {
            message: terminal_safe(&finding.message),
            code: Some(finding.rule.to_string()),
            severity: severity(finding.severity),
            help: (!help.is_empty()).then(|| terminal_safe(&help.join("\n"))),
            source: primary_source.map(|id| safe.named(sources, id)),
            labels,
            related,
        }
    }

    fn related(sources: &SourceMap, safe: &mut Sources, loc: Loc, message: &str) -> View {
        if on_long_line(&sources.get(loc.source).text, loc.span.start) {
            return View {
                message: terminal_safe(&format!("{message} (at {})", excerpt(sources, loc))),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: None,
                labels: Vec::new(),
                related: Vec::new(),
            };
        }
        View {
            message: terminal_safe(message),
            code: None,
            severity: miette::Severity::Advice,
            help: None,
            source: Some(safe.named(sources, loc.source)),
            labels: vec![LabeledSpan::new_primary_with_span(
                None,
                (loc.span.start, loc.span.len()),
            )],
            related: Vec::new(),
        }
    }
}

/// The terminal-safe name and text of each source shown so far.
#[derive(Default)]
struct Sources(std::collections::HashMap<SourceId, (String, std::sync::Arc<str>)>);

impl Sources {
    fn named(&mut self, sources: &SourceMap, id: SourceId) -> NamedSource<std::sync::Arc<str>> {
        let (name, text) = self.0.entry(id).or_insert_with(|| {
            let source = sources.get(id);
            (
                terminal_safe(&source.name),
                terminal_safe(source.shown()).into(),
            )
        });
        NamedSource::new(name.clone(), text.clone())
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        (!self.related.is_empty()).then(|| {
            Box::new(self.related.iter().map(|r| r as &dyn Diagnostic))
                as Box<dyn Iterator<Item = &'a dyn Diagnostic>>
        })
    }
}
