//! Reports are views of one `Report`: the findings and the sources they point into.

pub mod ci;
pub mod diagnosis;
pub mod human;
pub mod json;
pub mod rdjson;
pub mod simulation;

use crate::model::source::SourceMap;
use crate::rules::{Finding, Severity};

pub struct Report<'a> {
    pub sources: &'a SourceMap,
    pub findings: Vec<Finding>,
    /// How many accesses the task definition needs, and how many of them are granted.
    pub needs_checked: usize,
    pub needs_granted: usize,
    /// The sources fixes may be written to (`None`: every file read), and the policy documents
    /// read with the AWS CLI command that replaces each: where the reports put suggestions, and
    /// what they say of documents that are not files.
    pub fixable: Fixable<'a>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Fixable<'a> {
    pub writable: Option<&'a [crate::model::source::SourceId]>,
    pub documents: &'a [(String, crate::model::source::Loc, Option<String>)],
}

impl Report<'_> {
    /// Whether a fix may edit this source in place.
    pub fn is_writable(&self, id: crate::model::source::SourceId) -> bool {
        match self.fixable.writable {
            Some(ids) => ids.contains(&id),
            None => self.sources.get(id).is_file(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings that carry a fix.
    pub fixable: usize,
    pub needs_checked: usize,
    pub needs_granted: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            fixable: self.findings.iter().filter(|f| f.fix.is_some()).count(),
            needs_checked: self.needs_checked,
            needs_granted: self.needs_granted,
        }
    }
}

/// Replaces characters that could steer a terminal (escape sequences, C1 controls, bidirectional
/// overrides) with visible stand-ins of the same UTF-8 length, so byte offsets stay valid.
pub fn terminal_safe(text: &str) -> String {
    // Nearly every text is printable ASCII and lines: copied as it is.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\t' | b'\r'))
    {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\n' | '\t' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{7f}' => '?',
            '\u{80}'..='\u{9f}' => '\u{bf}',
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                '\u{fffd}'
            }
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_keeps_byte_length() {
        let hostile = "a\u{1b}[31mred\u{9b}x\u{202e}y\n";
        let safe = terminal_safe(hostile);
        assert_eq!(safe.len(), hostile.len());
        assert!(!safe.contains('\u{1b}'));
        assert!(!safe.contains('\u{202e}'));
        assert!(safe.ends_with('\n'));
    }
}
