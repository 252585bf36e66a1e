//! `ecslint.toml`: which rules run, at which severity, what fails the run, and which findings are
//! accepted (`[[ignore]]`, each with its reason). IAM JSON holds no comments, so suppressions live
//! here (searched upward from the working directory, or given with
//! `--config FILE`).
//!
//! ```toml
//! fail-on = "warning"            # or "error" (the default)
//!
//! [rules]
//! resource-star-reads = "error"  # raise a warning
//! secret-wildcard-broad = "off"  # or turn a rule off
//!
//! [[ignore]]                     # one finding, or a family of them, with the reason why
//! rule = "resource-star-reads"
//! path = "policies/legacy/*.json"          # a glob on the file's path (`**` crosses folders)
//! sid = "ReadAll"                          # optional: the statement's Sid
//! pointer = "/Statement/0"                 # optional: a JSON pointer at or above the finding
//! resource = "arn:aws:secretsmanager:*"    # optional: an ARN pattern the located text matches
//! reason = "the legacy batch job reads every secret until it is retired (JIRA-123)"
//! ```

use crate::model::source::SourceMap;
use crate::rules::{self, Finding, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "ecslint.toml";

/// A rule's setting: a severity, or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

/// One `[[ignore]]` entry: which findings it suppresses, and why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    pub rule: String,
    /// A glob on the finding's file (`*` within a folder name, `**` across folders, `?`).
    pub path: Option<String>,
    /// The `Sid` of the statement the finding is in.
    pub sid: Option<String>,
    /// A JSON pointer at or above the finding's place (`/Statement/0`).
    pub pointer: Option<String>,
    /// An ARN pattern (IAM wildcards) the finding's located text matches.
    pub resource: Option<String>,
    pub reason: String,
    /// `path` as a regex.
    #[serde(skip)]
    path_regex: Option<regex::Regex>,
}

/// What the `[[ignore]]` entries did to a run's findings.
#[derive(Debug, Default)]
pub struct Suppressed {
    pub kept: Vec<Finding>,
    /// Each suppressed finding with the index of the entry that suppressed it.
    pub suppressed: Vec<(Finding, usize)>,
    /// Entries that suppressed nothing (stale: to clean up).
    pub unused: Vec<usize>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
    #[serde(default)]
    pub ignore: Vec<Ignore>,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: {reason}")]
    Invalid { path: String, reason: String },
}

impl Config {
    /// `--config FILE`, else the nearest `ecslint.toml` from `start` upward, else defaults.
    pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => start
                .ancestors()
                .map(|d| d.join(FILE_NAME))
                .find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError::Unreadable {
            path: shown.clone(),
            reason: e.to_string().to_lowercase(),
        })?;
        Config::parse(&text, &shown).map(|mut c| {
            c.path = Some(path);
            c
        })
    }

    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_string(),
            reason: e.message().to_string()
                + &e.span()
                    .map(|s| {
                        let line = text[..s.start.min(text.len())].lines().count().max(1);
                        format!(" (line {line})")
                    })
                    .unwrap_or_default(),
        })?;
        for name in config.rules.keys() {
            if rules::find(name).is_none() {
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    reason: format!("no rule named \"{name}\"; `ecslint rules` lists them"),
                });
            }
        }
        for (i, entry) in config.ignore.iter_mut().enumerate() {
            let invalid = |reason: String| ConfigError::Invalid {
                path: path.to_string(),
                reason: format!("[[ignore]] #{}: {reason}", i + 1),
            };
            if rules::find(&entry.rule).is_none() {
                return Err(invalid(format!(
                    "no rule named \"{}\"; `ecslint rules` lists them",
                    entry.rule
                )));
            }
            if entry.reason.trim().is_empty() {
                return Err(invalid(
                    "`reason` is empty: say why the finding is accepted".to_string(),
                ));
            }
            if let Some(p) = &entry.pointer
                && !(p.is_empty() || p.starts_with('/'))
            {
                return Err(invalid(format!(
                    "`pointer` \"{p}\" is not a JSON pointer (it starts with `/`)"
                )));
            }
            if let Some(glob) = &entry.path {
                entry.path_regex = Some(glob_regex(glob).map_err(invalid)?);
            }
        }
        Ok(config)
    }

    /// Drops the findings an `[[ignore]]` entry covers, keeping them apart with the entry that
    /// covered them; entries that covered nothing are listed.
    pub fn suppress(&self, findings: Vec<Finding>, sources: &SourceMap) -> Suppressed {
        let mut out = Suppressed::default();
        if self.ignore.is_empty() {
            out.kept = findings;
            return out;
        }
        let mut used = vec![false; self.ignore.len()];
        let mut trees: BTreeMap<usize, Option<crate::json::Node>> = BTreeMap::new();
        for f in findings {
            let hit = self
                .ignore
                .iter()
                .position(|e| e.covers(&f, sources, &mut trees));
            match hit {
                Some(i) => {
                    used[i] = true;
                    out.suppressed.push((f, i));
                }
                None => out.kept.push(f),
            }
        }
        out.unused = (0..self.ignore.len()).filter(|&i| !used[i]).collect();
        out
    }

    /// Applies rule settings where findings are collected: drops rules that are off, sets
    /// severities.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                match self.rules.get(f.rule) {
                    Some(Level::Off) => return None,
                    Some(Level::Info) => f.severity = Severity::Info,
                    Some(Level::Warning) => f.severity = Severity::Warning,
                    Some(Level::Error) => f.severity = Severity::Error,
                    None => {}
                }
                Some(f)
            })
            .collect()
    }
}

/// A path glob as a regex: `**` any characters, `*` any but `/`, `?` one but `/`.
fn glob_regex(glob: &str) -> Result<regex::Regex, String> {
    let mut re = String::from("^(?:.*/)?");
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                // `**/` also matches no folder at all.
                if chars.peek() == Some(&'/') {
                    chars.next();
                    re.push_str("(?:.*/)?");
                } else {
                    re.push_str(".*");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).map_err(|e| format!("`path` \"{glob}\" is not a glob: {e}"))
}

impl Ignore {
    fn covers(
        &self,
        f: &Finding,
        sources: &SourceMap,
        trees: &mut BTreeMap<usize, Option<crate::json::Node>>,
    ) -> bool {
        if f.rule != self.rule {
            return false;
        }
        let Some(loc) = f.loc else {
            // A finding with no place is covered only by an entry that asks for no place.
            return self.path.is_none()
                && self.sid.is_none()
                && self.pointer.is_none()
                && self.resource.is_none();
        };
        let source = sources.get(loc.source);
        if let Some(re) = &self.path_regex {
            let name = source.name.strip_prefix("./").unwrap_or(&source.name);
            if !re.is_match(name) {
                return false;
            }
        }
        if let Some(pattern) = &self.resource {
            let text = sources.slice(loc);
            let text = text.trim().trim_matches('"');
            if !crate::iam::pattern::wildcard_match(pattern, text, false) {
                return false;
            }
        }
        if self.sid.is_none() && self.pointer.is_none() {
            return true;
        }
        let tree = trees
            .entry(loc.source.0)
            .or_insert_with(|| crate::json::parse(&source.text).ok());
        let Some(tree) = tree else {
            return false;
        };
        let (pointer, sid) = place_of(tree, loc.span);
        if let Some(want) = &self.sid
            && sid.as_deref() != Some(want.as_str())
        {
            return false;
        }
        if let Some(want) = &self.pointer {
            let want = want.trim_end_matches('/');
            if !(pointer == want || pointer.starts_with(&format!("{want}/"))) {
                return false;
            }
        }
        true
    }
}

/// The JSON pointer of the innermost value holding `span`, and the `Sid` of the innermost
/// object on the way that has one (the statement).
fn place_of(
    root: &crate::json::Node,
    span: crate::model::source::Span,
) -> (String, Option<String>) {
    use crate::json::Kind;
    let within = |s: crate::model::source::Span| s.start <= span.start && span.end <= s.end;
    let mut pointer = String::new();
    let mut sid = None;
    let mut node = root;
    loop {
        match &node.kind {
            Kind::Object(members) => {
                if let Some(s) = members
                    .iter()
                    .rev()
                    .find(|m| m.key == "Sid")
                    .and_then(|m| m.value.as_str())
                {
                    sid = Some(s.to_string());
                }
                let Some(m) = members
                    .iter()
                    .find(|m| within(m.value.span) || within(m.key_span))
                else {
                    break;
                };
                pointer.push('/');
                pointer.push_str(&m.key.replace('~', "~0").replace('/', "~1"));
                if within(m.key_span) && !within(m.value.span) {
                    break;
                }
                node = &m.value;
            }
            Kind::Array(items) => {
                let Some((i, item)) = items.iter().enumerate().find(|(_, n)| within(n.span)) else {
                    break;
                };
                pointer.push_str(&format!("/{i}"));
                node = item;
            }
            _ => break,
        }
    }
    (pointer, sid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_levels_and_fail_on() {
        let c = Config::parse(
            "fail-on = \"warning\"\n[rules]\nresource-star-reads = \"error\"\nsecret-wildcard-broad = \"off\"\n",
            "ecslint.toml",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.rules["resource-star-reads"], Level::Error);
        assert_eq!(c.rules["secret-wildcard-broad"], Level::Off);
    }

    #[test]
    fn globs_cross_folders_only_with_two_stars() {
        let re = glob_regex("policies/*.json").unwrap();
        assert!(re.is_match("policies/a.json") && re.is_match("repo/policies/a.json"));
        assert!(!re.is_match("policies/legacy/a.json"));
        let re = glob_regex("policies/**/*.json").unwrap();
        assert!(re.is_match("policies/a.json") && re.is_match("policies/legacy/old/a.json"));
        assert!(!glob_regex("a?.json").unwrap().is_match("a/.json"));
    }

    #[test]
    fn a_place_is_its_pointer_and_its_statement_sid() {
        let text = r#"{"Statement": [{"Sid": "A", "Resource": "x"}, {"Sid": "B", "Resource": ["y", "z"]}]}"#;
        let tree = crate::json::parse(text).unwrap();
        let at = text.find("\"z\"").unwrap();
        let (pointer, sid) = place_of(&tree, crate::model::source::Span::new(at, at + 3));
        assert_eq!(pointer, "/Statement/1/Resource/1");
        assert_eq!(sid.as_deref(), Some("B"));
    }

    #[test]
    fn unknown_rules_keys_and_values_are_errors() {
        for bad in [
            "[rules]\nno-such-rule = \"off\"\n",
            "[rules]\nresource-star-reads = \"loud\"\n",
            "fail_on = \"error\"\n",
            "fail-on = \"sometimes\"\n",
            "[rules\n",
        ] {
            let err = Config::parse(bad, "ecslint.toml").unwrap_err().to_string();
            assert!(err.starts_with("ecslint.toml: "), "{bad}: {err}");
        }
    }
}
