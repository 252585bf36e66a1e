//! Fixes are byte-range edits on sources, so everything outside the edited bytes — indentation,
//! key order, the trailing newline — stays as the user wrote it.

pub mod corrected;

use crate::json;
use crate::model::policy::{PolicyDocument, Statement};
use crate::model::source::{Loc, Source, SourceId, SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// The edit grants exactly what the task definition references and nothing else.
    Safe,
    /// The edit may change what is granted beyond the references; review it.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub loc: Loc,
    pub replacement: String,
}

impl Edit {
    pub fn replace(loc: Loc, replacement: impl Into<String>) -> Edit {
        Edit {
            loc,
            replacement: replacement.into(),
        }
    }

    pub fn insert(source: SourceId, at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(Loc::new(source, Span::new(at, at)), text)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("two fixes edit overlapping bytes ({0}..{1} and {2}..{3})")]
    Overlap(usize, usize, usize, usize),
    #[error("an edit falls outside the text or inside a character")]
    OutOfRange,
}

/// Applies edits (all for one source) to its text. Identical edits count once, so fixes that share
/// an edit compose; insertions at one offset keep their given order.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> Result<String, ApplyError> {
    let mut unique: Vec<&Edit> = Vec::new();
    for edit in edits {
        if !unique.contains(edit) {
            unique.push(edit);
        }
    }
    // A stable sort keeps same-offset insertions in order.
    unique.sort_by_key(|e| (e.loc.span.start, e.loc.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (i, edit) in unique.iter().enumerate() {
        let Span { start, end } = edit.loc.span;
        if start < at {
            let prev = unique[i - 1].loc.span;
            return Err(ApplyError::Overlap(prev.start, prev.end, start, end));
        }
        let (Some(kept), true) = (text.get(at..start), text.is_char_boundary(end)) else {
            return Err(ApplyError::OutOfRange);
        };
        if end > text.len() || start > end {
            return Err(ApplyError::OutOfRange);
        }
        out.push_str(kept);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(text.get(at..).ok_or(ApplyError::OutOfRange)?);
    Ok(out)
}

/// The lines a fix changes, before and after, for showing it: `- old` / `+ new` per source.
pub fn preview(sources: &SourceMap, fix: &Fix) -> Result<String, ApplyError> {
    let mut out = String::new();
    let mut ids: Vec<SourceId> = fix.edits.iter().map(|e| e.loc.source).collect();
    ids.sort();
    ids.dedup();
    // A fix that edits several files says which lines are whose.
    let several = ids.len() > 1;
    for id in ids {
        let source = sources.get(id);
        if several {
            out.push_str(&format!("--- {0}\n+++ {0}\n", source.name));
        }
        let edits: Vec<&Edit> = fix.edits.iter().filter(|e| e.loc.source == id).collect();
        let first = edits.iter().map(|e| e.loc.span.start).min().unwrap_or(0);
        let last = edits.iter().map(|e| e.loc.span.end).max().unwrap_or(0);
        let text = &*source.text;
        let line_start = text
            .get(..first)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = text
            .get(last..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| last + i);
        let fixed = apply_edits(text, &edits)?;
        let growth = fixed.len() as isize - text.len() as isize;
        let new_end = (line_end as isize + growth).max(line_start as isize) as usize;
        // What a report shows: secrets masked, before and after.
        let old_lines = source.mask(text.get(line_start..line_end).unwrap_or(""));
        let new_lines = source.mask(fixed.get(line_start..new_end).unwrap_or(""));
        for line in old_lines.lines() {
            out.push_str(&format!("- {line}\n"));
        }
        for line in new_lines.lines() {
            out.push_str(&format!("+ {line}\n"));
        }
    }
    Ok(out)
}

/// The fixes chosen to apply, and the text of each file after them.
#[derive(Debug, Default)]
pub struct Plan {
    /// `(source, corrected text)` for every source a chosen fix edits.
    pub files: Vec<(SourceId, String)>,
    /// Indices of the findings whose fixes were chosen.
    pub applied: Vec<usize>,
    /// Findings with a fix that was left out, and why.
    pub skipped: Vec<(usize, String)>,
}

/// Chooses the fixes to apply: safe ones (and unsafe ones when asked), only into sources for
/// which `writable` holds, and never two that edit the same bytes (the later one waits for a
/// re-run).
pub fn plan(
    sources: &SourceMap,
    fixes: &[Option<&Fix>],
    include_unsafe: bool,
    writable: &dyn Fn(SourceId) -> bool,
) -> Plan {
    let mut plan = Plan::default();
    let mut edits: Vec<&Edit> = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let Some(fix) = fix else { continue };
        if fix.applicability == Applicability::Unsafe && !include_unsafe {
            plan.skipped.push((
                i,
                "unsafe: apply with --unsafe-fixes after review".to_string(),
            ));
            continue;
        }
        if let Some(e) = fix.edits.iter().find(|e| !writable(e.loc.source)) {
            plan.skipped.push((
                i,
                format!(
                    "{} is not a policy file of its own: use --print-corrected",
                    sources.get(e.loc.source).name
                ),
            ));
            continue;
        }
        let mut trial = edits.clone();
        trial.extend(fix.edits.iter());
        let conflict = fix.edits.iter().any(|e| {
            let here: Vec<&Edit> = trial
                .iter()
                .copied()
                .filter(|x| x.loc.source == e.loc.source)
                .collect();
            apply_edits(&sources.get(e.loc.source).text, &here).is_err()
        });
        if conflict {
            plan.skipped
                .push((i, "overlaps another fix: run again to apply it".to_string()));
            continue;
        }
        edits = trial;
        plan.applied.push(i);
    }
    let mut ids: Vec<SourceId> = edits.iter().map(|e| e.loc.source).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let here: Vec<&Edit> = edits
            .iter()
            .copied()
            .filter(|e| e.loc.source == id)
            .collect();
        if let Ok(text) = apply_edits(&sources.get(id).text, &here) {
            plan.files.push((id, text));
        }
    }
    plan
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, flushed, given the
/// original's permissions, then renamed over it. If anything fails, the original is untouched.
pub fn write_atomically(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of one file, as `diff -u` prints it.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// A permission to add: `action` on `resource`, under `condition` when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub action: String,
    pub resource: String,
    /// `(operator, key, value)`: `iam:PassRole` scoped with `StringEquals`
    /// `iam:PassedToService` `ecs-tasks.amazonaws.com`.
    pub condition: Option<(String, String, String)>,
}

/// The edits that add `grants` to a policy document: into an `Allow` statement that already names
/// exactly that action (its `Resource` array gains the entry), otherwise into one new statement per
/// action appended to the `Statement` list. Returns, for each grant, the edits that make it.
/// Grants that share a new statement share its edits (identical edits apply once), so every
/// grant's edits together apply cleanly.
pub fn grant_edits(doc: &PolicyDocument, source: &Source, grants: &[Grant]) -> Vec<Vec<Edit>> {
    let style = Style::of(&source.text);
    let mut per_grant: Vec<Vec<Edit>> = vec![Vec::new(); grants.len()];
    // Resources to append, per statement with a Resource array.
    let mut appended: Vec<(usize, Vec<usize>)> = Vec::new();
    // Grants needing a new statement, grouped by action.
    let mut new_statements: Vec<(String, Vec<usize>)> = Vec::new();
    for (g, grant) in grants.iter().enumerate() {
        // A grant under a condition never widens a statement without it: it gets its own.
        let joins = grant.condition.is_none();
        match doc
            .statements
            .iter()
            .position(|s| joins && can_take_resource(s, &grant.action))
        {
            Some(s) => match appended.iter_mut().find(|(i, _)| *i == s) {
                Some((_, list)) => list.push(g),
                None => appended.push((s, vec![g])),
            },
            None => match new_statements.iter_mut().find(|(a, list)| {
                a.eq_ignore_ascii_case(&grant.action)
                    && list.first().map(|&f| &grants[f].condition) == Some(&grant.condition)
            }) {
                Some((_, list)) => list.push(g),
                None => new_statements.push((grant.action.clone(), vec![g])),
            },
        }
    }
    for (s, list) in appended {
        let statement = &doc.statements[s];
        let Some(last) = statement.resource.values.last() else {
            continue;
        };
        let separator = match style.line_indent(last.loc.span.start) {
            Some(indent) if is_multiline(source, statement.resource.loc.span) => {
                format!(",{}{indent}", style.newline)
            }
            _ => ", ".to_string(),
        };
        // One insertion per grant, all at the same offset: each fix grants exactly its need,
        // and applied together they keep the grants' order.
        for g in list {
            let text = format!("{separator}{}", json::quote(&grants[g].resource));
            per_grant[g].push(Edit::insert(doc.source, last.loc.span.end, text));
        }
    }
    // Actions whose resources are the same share one statement: the pairs it grants are still
    // exactly the needed ones.
    let mut merged: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
    for (action, list) in new_statements {
        let resources = |l: &[usize]| -> Vec<&str> {
            let mut r: Vec<&str> = l.iter().map(|&g| grants[g].resource.as_str()).collect();
            r.sort_unstable();
            r.dedup();
            r
        };
        let condition = |l: &[usize]| l.first().and_then(|&g| grants[g].condition.clone());
        match merged.iter_mut().find(|(_, other)| {
            resources(other) == resources(&list) && condition(other) == condition(&list)
        }) {
            Some((actions, other)) => {
                actions.push(action);
                other.extend(list);
            }
            None => merged.push((vec![action], list)),
        }
    }
    if !merged.is_empty() {
        let edits = new_statement_edits(doc, source, &style, grants, &merged);
        for (_, list) in &merged {
            for &g in list {
                per_grant[g].extend(edits.iter().cloned());
            }
        }
    }
    per_grant
}

/// An `Allow` statement with no condition whose `Resource` is an array and whose only action is
/// exactly this one: adding a resource to it grants nothing else.
fn can_take_resource(s: &Statement, action: &str) -> bool {
    s.effect.value == crate::model::policy::Effect::Allow
        && s.condition.is_none()
        && !s.action.negated
        && !s.resource.negated
        && s.resource.is_array
        && !s.resource.values.is_empty()
        && s.action.values.len() == 1
        && s.action.values[0].value.eq_ignore_ascii_case(action)
}

fn is_multiline(source: &Source, span: Span) -> bool {
    source.slice(span).contains('\n')
}

fn new_statement_edits(
    doc: &PolicyDocument,
    source: &Source,
    style: &Style,
    grants: &[Grant],
    groups: &[(Vec<String>, Vec<usize>)],
) -> Vec<Edit> {
    let Some(block) = &doc.statement_block else {
        // No `Statement` at all: the document is reported as invalid; no edit can be placed safely.
        return Vec::new();
    };
    let nl = &style.newline;
    let multiline = is_multiline(source, doc.loc.span);
    let block_indent = style.leading_indent(block.loc.span.start);
    let element_indent = match doc.statements.last() {
        Some(last) if block.is_array => style
            .line_indent(last.loc.span.start)
            .unwrap_or_else(|| format!("{block_indent}{}", style.unit)),
        _ => format!("{block_indent}{}", style.unit),
    };
    let rendered: Vec<String> = groups
        .iter()
        .map(|(actions, list)| {
            let mut resources: Vec<&str> = Vec::new();
            for &g in list {
                if !resources.contains(&grants[g].resource.as_str()) {
                    resources.push(&grants[g].resource);
                }
            }
            let condition = list.first().and_then(|&g| grants[g].condition.as_ref());
            render_statement(
                actions,
                &resources,
                condition,
                &element_indent,
                style,
                multiline,
            )
        })
        .collect();
    let separator = if multiline {
        format!(",{nl}{element_indent}")
    } else {
        ", ".to_string()
    };
    if block.is_array {
        let array_text = source.slice(block.loc.span);
        let at = match doc.statements.last() {
            Some(last) => last.loc.span.end,
            None => block.loc.span.start + 1,
        };
        let body: String = if doc.statements.is_empty()
            && !array_text.get(1..).unwrap_or("").trim().starts_with(']')
        {
            // Only malformed statements: append after whatever is there is not safe.
            return Vec::new();
        } else if doc.statements.is_empty() {
            let inner = rendered.join(&separator);
            if multiline {
                format!("{nl}{element_indent}{inner}{nl}{block_indent}")
            } else {
                inner
            }
        } else {
            rendered.iter().map(|r| format!("{separator}{r}")).collect()
        };
        if doc.statements.is_empty() {
            // Replace the empty array's inside.
            return vec![Edit::replace(
                Loc::new(
                    doc.source,
                    Span::new(block.loc.span.start + 1, block.loc.span.end - 1),
                ),
                body,
            )];
        }
        return vec![Edit::insert(doc.source, at, body)];
    }
    // A single statement object: make the block an array of it and the new ones.
    let tail: String = rendered.iter().map(|r| format!("{separator}{r}")).collect();
    vec![
        Edit::insert(doc.source, block.loc.span.start, "["),
        Edit::insert(doc.source, block.loc.span.end, format!("{tail}]")),
    ]
}

/// A new `Allow` statement, in the document's style.
fn render_statement(
    actions: &[String],
    resources: &[&str],
    condition: Option<&(String, String, String)>,
    indent: &str,
    style: &Style,
    multiline: bool,
) -> String {
    let nl = &style.newline;
    let list = |values: &[&str]| match values {
        [one] => json::quote(one),
        many if multiline => {
            let inner_indent = format!("{indent}{}{}", style.unit, style.unit);
            let items: Vec<String> = many
                .iter()
                .map(|r| format!("{inner_indent}{}", json::quote(r)))
                .collect();
            format!(
                "[{nl}{}{nl}{indent}{}]",
                items.join(&format!(",{nl}")),
                style.unit
            )
        }
        many => format!(
            "[{}]",
            many.iter()
                .map(|r| json::quote(r))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
    let mut fields = vec![
        ("Effect", json::quote("Allow")),
        ("Action", list(&actions)),
        ("Resource", list(resources)),
    ];
    if let Some((operator, key, value)) = condition {
        fields.push((
            "Condition",
            format!(
                "{{{}{}{{{}{}{}}}}}",
                json::quote(operator),
                style.colon,
                json::quote(key),
                style.colon,
                json::quote(value)
            ),
        ));
    }
    if multiline {
        let inner = format!("{indent}{}", style.unit);
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{inner}\"{k}\"{}{v}", style.colon))
            .collect();
        format!("{{{nl}{}{nl}{indent}}}", body.join(&format!(",{nl}")))
    } else {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("\"{k}\"{}{v}", style.colon))
            .collect();
        format!("{{{}}}", body.join(", "))
    }
}

/// How a document is laid out: indentation unit, newline, `": "` or `":"`.
struct Style {
    unit: String,
    newline: String,
    colon: String,
    text: String,
}

impl Style {
    fn of(text: &str) -> Style {
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let unit = text
            .lines()
            .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
            .filter(|indent| !indent.is_empty())
            .min_by_key(|indent| indent.len())
            .unwrap_or("  ")
            .to_string();
        let colon = if text.contains("\":") && !text.contains("\": ") {
            ":"
        } else {
            ": "
        };
        Style {
            unit,
            newline: newline.to_string(),
            colon: colon.to_string(),
            text: text.to_string(),
        }
    }

    /// The whitespace that starts the line `offset` is on.
    fn leading_indent(&self, offset: usize) -> String {
        let before = self.text.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = &self.text[line_start..];
        line[..line.len() - line.trim_start_matches([' ', '\t']).len()].to_string()
    }

    /// The indentation of the line `offset` is on, when only whitespace precedes it there.
    fn line_indent(&self, offset: usize) -> Option<String> {
        let before = self.text.get(..offset)?;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let prefix = &before[line_start..];
        prefix
            .chars()
            .all(|c| c == ' ' || c == '\t')
            .then(|| prefix.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{PolicySet, Request, RequestContext, evaluate};
    use crate::model::policy;

    fn load(text: &str) -> (SourceMap, PolicyDocument) {
        let mut map = SourceMap::new();
        let id = map.add("p.json", text);
        let (doc, problems) = policy::parse(&json::parse(text).unwrap(), id);
        assert!(problems.is_empty());
        (map, doc.unwrap())
    }

    #[test]
    fn a_preview_of_a_fix_over_two_files_names_each() {
        let mut map = SourceMap::new();
        let a = map.add("a.json", "{\n  \"x\": 1\n}\n");
        let b = map.add("b.json", "{\n  \"y\": 2\n}\n");
        let at = |id, start, end| Loc::new(id, crate::model::source::Span::new(start, end));
        // Edits out of file order: each file is shown once, in file order.
        let fix = Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits: vec![
                Edit::replace(at(b, 9, 10), "3"),
                Edit::replace(at(a, 9, 10), "4"),
            ],
        };
        assert_eq!(
            preview(&map, &fix).unwrap(),
            "--- a.json\n+++ a.json\n-   \"x\": 1\n+   \"x\": 4\n--- b.json\n+++ b.json\n-   \"y\": 2\n+   \"y\": 3\n"
        );
        // One file: the lines alone, as before.
        let one = Fix {
            edits: vec![Edit::replace(at(a, 9, 10), "4")],
            ..fix
        };
        assert_eq!(preview(&map, &one).unwrap(), "-   \"x\": 1\n+   \"x\": 4\n");
    }

    fn grant(action: &str, resource: &str) -> Grant {
        Grant {
            action: action.into(),
            resource: resource.into(),
            condition: None,
        }
    }

    /// Applies every grant's edits and checks the result is a valid policy allowing each grant.
    fn apply_all(text: &str, grants: &[Grant]) -> String {
        let (map, doc) = load(text);
        let per = grant_edits(&doc, map.get(doc.source), grants);
        let edits: Vec<&Edit> = per.iter().flatten().collect();
        let fixed = apply_edits(text, &edits).unwrap();
        let (_, fixed_doc) = load(&fixed);
        for g in grants {
            let request = Request {
                action: g.action.clone(),
                resource: g.resource.clone(),
            };
            let set = PolicySet::identity(&[&fixed_doc]);
            let context = RequestContext::new();
            assert!(
                evaluate(&request, &set, None, &context).is_allowed(),
                "{fixed}"
            );
        }
        fixed
    }

    #[test]
    fn appends_to_a_matching_statement_in_its_indentation() {
        let text = "{\n    \"Statement\": [\n        {\n            \"Effect\": \"Allow\",\n            \"Action\": \"secretsmanager:GetSecretValue\",\n            \"Resource\": [\n                \"arn:aws:secretsmanager:us-east-1:1:secret:a-??????\"\n            ]\n        }\n    ]\n}\n";
        let fixed = apply_all(
            text,
            &[grant(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:1:secret:b-AbCdEf",
            )],
        );
        assert!(fixed.contains(
            "\"arn:aws:secretsmanager:us-east-1:1:secret:a-??????\",\n                \"arn:aws:secretsmanager:us-east-1:1:secret:b-AbCdEf\"\n"
        ), "{fixed}");
        assert!(fixed.ends_with("}\n"));
    }

    #[test]
    fn adds_statements_to_an_array_and_to_a_single_object() {
        let array = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"ecr:*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
        let grants = [
            grant("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k"),
            grant(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:1:secret:a-AbCdEf",
            ),
            grant(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:us-east-1:1:secret:b-AbCdEf",
            ),
        ];
        let fixed = apply_all(array, &grants);
        assert!(fixed.contains("    },\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"kms:Decrypt\",\n      \"Resource\": \"arn:aws:kms:us-east-1:1:key/k\"\n    }"), "{fixed}");
        let object =
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}}";
        let fixed = apply_all(object, &grants);
        assert!(fixed.starts_with("{\"Statement\": [{\"Effect\""), "{fixed}");
    }

    #[test]
    fn fills_an_empty_statement_array() {
        let text = "{\n  \"Statement\": []\n}\n";
        let fixed = apply_all(
            text,
            &[grant("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k")],
        );
        assert!(fixed.ends_with("}\n  ]\n}\n"), "{fixed}");
    }

    #[test]
    fn a_failed_write_leaves_the_original_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.json");
        std::fs::write(&path, "original").unwrap();
        write_atomically(&path, "fixed").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed");
        // A folder that cannot take the temporary file: the write fails, the file stays.
        let missing = dir.path().join("no-such-dir").join("p.json");
        assert!(write_atomically(&missing, "x").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "fixed");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }

    #[test]
    fn plans_skip_unsafe_unwritable_and_overlapping_fixes() {
        let mut map = SourceMap::new();
        let a = map.add("a.json", "abcdef");
        let safe = |s: usize, e: usize, r: &str| Fix {
            applicability: Applicability::Safe,
            message: String::new(),
            edits: vec![Edit::replace(Loc::new(a, Span::new(s, e)), r)],
        };
        let one = safe(0, 2, "X");
        let overlapping = safe(1, 3, "Y");
        let mut unsafe_fix = safe(4, 5, "Z");
        unsafe_fix.applicability = Applicability::Unsafe;
        let fixes = [Some(&one), Some(&overlapping), Some(&unsafe_fix), None];
        let p = plan(&map, &fixes, false, &|_| true);
        assert_eq!(p.applied, [0]);
        assert_eq!(p.skipped.len(), 2);
        assert_eq!(p.files, [(a, "Xcdef".to_string())]);
        let p = plan(&map, &fixes, true, &|_| true);
        assert_eq!(p.files, [(a, "XcdZf".to_string())]);
        let p = plan(&map, &fixes, true, &|_| false);
        assert!(p.files.is_empty());
    }

    #[test]
    fn overlapping_edits_are_refused_and_identical_ones_merge() {
        let a = Edit::replace(Loc::new(SourceId(0), Span::new(0, 3)), "x");
        let b = Edit::replace(Loc::new(SourceId(0), Span::new(2, 4)), "y");
        assert!(matches!(
            apply_edits("abcdef", &[&a, &b]),
            Err(ApplyError::Overlap(..))
        ));
        assert_eq!(apply_edits("abcdef", &[&a, &a]).unwrap(), "xdef");
        let out_of_range = Edit::replace(Loc::new(SourceId(0), Span::new(5, 9)), "z");
        assert_eq!(
            apply_edits("abcdef", &[&out_of_range]),
            Err(ApplyError::OutOfRange)
        );
    }
}
