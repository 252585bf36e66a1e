//! `ecslint.toml`: which rules run, at which severity, and what fails the run. IAM JSON holds no
//! comments, so suppressions live here (searched upward from the working directory, or given with
//! `--config FILE`).
//!
//! ```toml
//! fail-on = "warning"            # or "error" (the default)
//!
//! [rules]
//! resource-star-reads = "error"  # raise a warning
//! secret-wildcard-broad = "off"  # or turn a rule off
//! ```

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

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub fail_on: Option<FailOn>,
    #[serde(default)]
    pub rules: BTreeMap<String, Level>,
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
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
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
        Ok(config)
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
