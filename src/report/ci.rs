//! Where CI reads findings: SARIF 2.1.0 (code scanning), GitLab Code Quality, GitHub workflow
//! annotations, and Markdown for merge-request comments.

use super::Report;
use crate::fix;
use crate::model::source::{Loc, SourceMap};
use crate::rules::{self, Finding, Severity};
use serde_json::{Value, json};

/// A stable 64-bit FNV-1a hash, in hex: fingerprints must not change with the toolchain.
fn fnv1a(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// A finding's identity across runs: its rule, file, the text it points at and the message —
/// not its line, so findings survive edits elsewhere in the file.
pub fn fingerprint(sources: &SourceMap, f: &Finding) -> String {
    match f.loc {
        Some(loc) => fnv1a(&[
            f.rule,
            &sources.get(loc.source).name,
            sources.slice(loc),
            &f.message,
        ]),
        None => fnv1a(&[f.rule, &f.message]),
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn sarif_region(sources: &SourceMap, loc: Loc) -> Value {
    let source = sources.get(loc.source);
    let (line, column) = source.line_col(loc.span.start);
    let (end_line, end_column) = source.line_col(loc.span.end);
    json!({
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
        "byteOffset": loc.span.start,
        "byteLength": loc.span.len(),
    })
}

fn sarif_location(sources: &SourceMap, loc: Loc, message: Option<&str>) -> Value {
    let mut out = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": sources.get(loc.source).name},
            "region": sarif_region(sources, loc),
        }
    });
    if let (Some(m), Value::Object(map)) = (message, &mut out) {
        map.insert("message".into(), json!({"text": m}));
    }
    out
}

/// SARIF 2.1.0: the rules with their docs, results with regions, related places and fixes.
pub fn render_sarif(report: &Report<'_>) -> String {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            let m = r.meta();
            json!({
                "id": m.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": m.doc, "markdown": m.doc},
                "defaultConfiguration": {"level": sarif_level(m.severity)},
                "properties": {"fix": m.fix.as_str()},
            })
        })
        .collect();
    let index = |name: &str| rules::ALL.iter().position(|r| r.meta().name == name);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule,
                "level": sarif_level(f.severity),
                "message": {"text": match &f.help {
                    Some(h) => format!("{} — {h}", f.message),
                    None => f.message.clone(),
                }},
                "locations": f.loc.map(|l| vec![sarif_location(report.sources, l, None)]).unwrap_or_default(),
                "relatedLocations": f.related.iter().enumerate().map(|(i, r)| {
                    let mut v = sarif_location(report.sources, r.loc, Some(&r.message));
                    if let Value::Object(m) = &mut v {
                        m.insert("id".into(), json!(i + 1));
                    }
                    v
                }).collect::<Vec<_>>(),
                "partialFingerprints": {"ecslint/v1": fingerprint(report.sources, f)},
            });
            if let (Value::Object(map), Some(i)) = (&mut result, index(f.rule)) {
                map.insert("ruleIndex".into(), json!(i));
            }
            if let (Value::Object(map), Some(fix)) = (&mut result, &f.fix) {
                let mut files: Vec<&str> = Vec::new();
                for e in &fix.edits {
                    let name = report.sources.get(e.loc.source).name.as_str();
                    if !files.contains(&name) {
                        files.push(name);
                    }
                }
                let changes: Vec<Value> = files
                    .iter()
                    .map(|file| {
                        let replacements: Vec<Value> = fix
                            .edits
                            .iter()
                            .filter(|e| report.sources.get(e.loc.source).name == *file)
                            .map(|e| json!({
                                "deletedRegion": {"byteOffset": e.loc.span.start, "byteLength": e.loc.span.len()},
                                "insertedContent": {"text": e.replacement},
                            }))
                            .collect();
                        json!({"artifactLocation": {"uri": file}, "replacements": replacements})
                    })
                    .collect();
                map.insert(
                    "fixes".into(),
                    json!([{ "description": {"text": format!("{} ({})", fix.message, fix.applicability.as_str())}, "artifactChanges": changes }]),
                );
            }
            result
        })
        .collect();
    let out = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecslint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

/// GitLab Code Quality (the Code Climate subset GitLab reads), with stable fingerprints so the
/// merge-request widget tells new findings from resolved ones.
pub fn render_gitlab(report: &Report<'_>) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let (path, line) = match f.loc {
                Some(loc) => {
                    let s = report.sources.get(loc.source);
                    (s.name.clone(), s.line_col(loc.span.start).0)
                }
                None => (String::new(), 1),
            };
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": f.message,
                "categories": ["Security"],
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "fingerprint": fingerprint(report.sources, f),
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default()
}

/// `%`, CR and LF in a workflow command's message; also `:` and `,` in its properties.
fn github_escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// GitHub workflow commands: one `::error`/`::warning`/`::notice` annotation per finding.
pub fn render_github(report: &Report<'_>) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!("title={}", github_escape(f.rule, true))];
        if let Some(loc) = f.loc {
            let s = report.sources.get(loc.source);
            let (line, col) = s.line_col(loc.span.start);
            let (end_line, end_col) = s.line_col(loc.span.end);
            props.insert(0, format!("file={}", github_escape(&s.name, true)));
            props.insert(
                1,
                format!("line={line},col={col},endLine={end_line},endColumn={end_col}"),
            );
        }
        let message = match &f.help {
            Some(h) => format!("{}\n{h}", f.message),
            None => f.message.clone(),
        };
        out.push_str(&format!(
            "::{level} {}::{}\n",
            props.join(","),
            github_escape(&message, false)
        ));
    }
    super::terminal_safe(&out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Flavor {
    Gitlab,
    Github,
}

/// Characters that never reach Markdown: controls (a line break becomes a space) and the
/// bidirectional and zero-width marks that make text read other than it is.
fn md_clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            '\u{feff}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// `content` as one code span: a fence longer than any run of backticks in it (padded with a
/// space where it starts or ends with a backtick or a space, which the renderer strips). In a
/// table cell a `|` is escaped even there (GFM splits cells before it reads code spans).
fn code_span(content: &str, in_table: bool) -> String {
    if content.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_backticks(content) + 1);
    let pad = if content.starts_with(['`', ' ']) || content.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    let content = if in_table {
        content.replace('|', "\\|")
    } else {
        content.to_string()
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Whether GitHub's or GitLab's autolinker would make a link of a word (`https://…`, `www.…`,
/// an e-mail address): such a word is written as code, where nothing links.
fn links_itself(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    lower.contains("://")
        || lower.contains("www.")
        || lower.contains("mailto:")
        || word
            .split_once('@')
            .is_some_and(|(_, host)| host.contains('.'))
}

/// Prose made inert: every character that could start Markdown structure is escaped, and a word
/// an autolinker would link is code.
fn md_prose(s: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_inclusive(' ') {
        let (body, space) = match word.strip_suffix(' ') {
            Some(b) => (b, " "),
            None => (word, ""),
        };
        if links_itself(body) {
            out.push_str(&code_span(body, in_table));
            out.push_str(space);
            continue;
        }
        for c in body.chars() {
            match c {
                '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                c => out.push(c),
            }
        }
        out.push_str(space);
    }
    out
}

/// A message in Markdown: its `code` spans stay code spans, with fences no text inside can
/// close; the prose between them is inert (no formatting, links, images, HTML or line breaks
/// can come from a name in the input). A backtick without a partner is prose.
pub fn md_text(s: &str, in_table: bool) -> String {
    let s = md_clean(s);
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s.as_str();
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        out.push_str(&md_prose(&rest[..open], in_table));
        out.push_str(&code_span(&rest[open + 1..open + 1 + len], in_table));
        rest = &rest[open + 2 + len..];
    }
    out.push_str(&md_prose(rest, in_table));
    out
}

/// The longest run of backticks in `content`: a fence must be longer to hold it.
fn longest_backticks(content: &str) -> usize {
    content.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A code fence longer than any run of backticks in `content`, so it cannot be closed early.
fn fence(content: &str) -> String {
    "`".repeat(longest_backticks(content).max(2) + 1)
}

/// Findings past this many have their details folded in a `<details>` block.
const UNFOLDED: usize = 5;

/// A merge-request note: a summary table, then each finding with its place, why, and its fix as
/// a diff (the one-click suggestions on the diff's lines come through `--format rdjson`). Past
/// [`UNFOLDED`] findings, the details are folded.
pub fn render_markdown(report: &Report<'_>, _flavor: Flavor) -> String {
    let s = report.summary();
    let mut out = String::from("## ecslint\n\n");
    if report.findings.is_empty() {
        out.push_str(&format!(
            "No findings: {} of {} needed accesses granted.\n",
            s.needs_granted, s.needs_checked
        ));
        return out;
    }
    let place = |l: Loc| {
        let src = report.sources.get(l.source);
        format!("{}:{}", src.name, src.line_col(l.span.start).0)
    };
    out.push_str("| | rule | where | finding |\n|---|---|---|---|\n");
    for f in &report.findings {
        let icon = match f.severity {
            Severity::Error => "🔴",
            Severity::Warning => "🟡",
            Severity::Info => "🔵",
        };
        let at = f
            .loc
            .map_or(String::new(), |l| code_span(&md_clean(&place(l)), true));
        out.push_str(&format!(
            "| {icon} | `{}` | {at} | {} |\n",
            f.rule,
            md_text(&f.message, true)
        ));
    }
    out.push_str(&format!(
        "\n{} errors, {} warnings, {} infos; {} of {} needed accesses granted.\n",
        s.errors, s.warnings, s.infos, s.needs_granted, s.needs_checked
    ));
    let fold = report.findings.len() > UNFOLDED;
    if fold {
        out.push_str(&format!(
            "\n<details>\n<summary>What each of the {} findings means, and its fix</summary>\n",
            report.findings.len()
        ));
    }
    for f in &report.findings {
        out.push_str(&format!(
            "\n### `{}` {}\n\n",
            f.rule,
            md_text(&f.message, false)
        ));
        if let Some(l) = f.loc {
            out.push_str(&format!(
                "At {}\n\n",
                code_span(&md_clean(&place(l)), false)
            ));
        }
        if let Some(note) = &f.note {
            out.push_str(&format!("Why: {}\n\n", md_text(note, false)));
        }
        if let Some(help) = &f.help {
            out.push_str(&format!("{}\n\n", md_text(help, false)));
        }
        let Some(fx) = &f.fix else { continue };
        out.push_str(&format!(
            "Fix ({}): {}\n\n",
            fx.applicability.as_str(),
            md_text(&fx.message, false)
        ));
        if let Ok(preview) = fix::preview(report.sources, fx) {
            let preview = super::terminal_safe(&preview);
            let fence = fence(&preview);
            out.push_str(&format!("{fence}diff\n{preview}{fence}\n"));
        }
    }
    out.push_str(&not_files(report));
    if fold {
        out.push_str("\n</details>\n");
    }
    out
}

/// The documents the fixes edit that are not files (a role's policy inside account details, a
/// document read live): each corrected, with the AWS CLI command that puts it in place.
fn not_files(report: &Report<'_>) -> String {
    let fixes: Vec<Option<&fix::Fix>> = report.findings.iter().map(|f| f.fix.as_ref()).collect();
    let plan = fix::plan(report.sources, &fixes, true, &|_| true);
    let mut ids: Vec<_> = plan
        .files
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !report.is_writable(*id))
        .collect();
    ids.dedup();
    let mut body = String::new();
    for id in ids {
        let text = fix::corrected::documents(
            report.sources,
            report.fixable.documents,
            &report.findings,
            &plan,
            id,
            false,
        );
        body.push_str(&report.sources.get(id).mask(&text));
    }
    if body.is_empty() {
        return String::new();
    }
    let body = super::terminal_safe(&body);
    let fence = fence(&body);
    format!(
        "\n### Documents that are not files\n\nThese fixes edit documents that live in AWS, not in \
         this repository: each is shown corrected, with the AWS CLI command that applies it.\n\n\
         {fence}text\n{body}{fence}\n"
    )
}
