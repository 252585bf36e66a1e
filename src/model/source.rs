//! Sources (named texts) and spans (byte ranges into them).
//!
//! Every parsed value remembers the `Loc` it came from, so a diagnostic can point at the exact bytes
//! and a fix can replace them. Line and column are computed only when a report is rendered.

use std::sync::Arc;

/// A half-open byte range `start..end` into one source's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Index of a source in its `SourceMap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub usize);

/// A place: a span in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub source: SourceId,
    pub span: Span,
}

impl Loc {
    pub fn new(source: SourceId, span: Span) -> Self {
        Loc { source, span }
    }
}

/// A value and the place it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Spanned<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Spanned { value, loc }
    }
}

/// A named text the tool read: a file given on the command line, or a document embedded in one.
#[derive(Debug)]
pub struct Source {
    /// The name as the user wrote it (a path as given on the command line), or `FILE#Field` for an
    /// embedded document.
    pub name: String,
    pub text: Arc<str>,
    /// For an embedded document (a URL-encoded policy inside a JSON string): where its text came from.
    /// Edits to such a source cannot be written back byte for byte.
    pub embedded_in: Option<Loc>,
    /// Tokens of the text that hold secrets (a credential written in plain text): every report
    /// shows them masked, through [`Source::shown`] and [`Source::mask`].
    hidden: Vec<String>,
    shown: Option<Arc<str>>,
}

impl Source {
    /// The text as reports may show it: secrets masked, same length, same offsets.
    pub fn shown(&self) -> &Arc<str> {
        self.shown.as_ref().unwrap_or(&self.text)
    }

    /// `text` (this source's, or what a fix makes of it) with every secret token masked.
    pub fn mask<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let mut out = std::borrow::Cow::Borrowed(text);
        for token in &self.hidden {
            if out.contains(token.as_str()) {
                out = std::borrow::Cow::Owned(out.replace(token.as_str(), &masked(token)));
            }
        }
        out
    }

    /// Whether fixes may be written to this source's file.
    pub fn is_file(&self) -> bool {
        self.embedded_in.is_none()
    }

    /// 1-based line and 1-based column (counted in Unicode scalar values) of a byte offset.
    /// Offsets inside a character or past the end are clamped.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, line_start, offset) = self.line_of(offset);
        (line, self.text[line_start..offset].chars().count() + 1)
    }

    /// 1-based line and 1-based column counted in UTF-8 bytes (reviewdog's), clamped likewise.
    pub fn line_byte_col(&self, offset: usize) -> (usize, usize) {
        let (line, line_start, offset) = self.line_of(offset);
        (line, offset - line_start + 1)
    }

    /// The 1-based line of a byte offset, where that line starts, and the offset clamped to the
    /// text and moved back to a character boundary.
    fn line_of(&self, offset: usize) -> (usize, usize, usize) {
        let text = &*self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, line_start, offset)
    }

    /// The text of a span, or "" when the span does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Every source of one run, addressed by `SourceId`.
#[derive(Debug, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

/// A token with every byte but a JSON string's quotes replaced by `*`: as long as it was.
fn masked(token: &str) -> String {
    let quoted = token.len() >= 2 && token.starts_with('"') && token.ends_with('"');
    if quoted {
        format!("\"{}\"", "*".repeat(token.len() - 2))
    } else {
        "*".repeat(token.len())
    }
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceId {
        self.push(Source {
            name: name.into(),
            text: text.into(),
            embedded_in: None,
            hidden: Vec::new(),
            shown: None,
        })
    }

    pub fn add_embedded(
        &mut self,
        name: impl Into<String>,
        text: impl Into<Arc<str>>,
        embedded_in: Loc,
    ) -> SourceId {
        self.push(Source {
            name: name.into(),
            text: text.into(),
            embedded_in: Some(embedded_in),
            hidden: Vec::new(),
            shown: None,
        })
    }

    /// Room for `more` sources: a run of thousands of files grows the map once, instead of
    /// copying it into fresh memory at every doubling.
    pub fn reserve(&mut self, more: usize) {
        self.sources.reserve(more);
    }

    fn push(&mut self, source: Source) -> SourceId {
        self.sources.push(source);
        SourceId(self.sources.len() - 1)
    }

    /// Marks the text at `loc` (a JSON string token, quotes included) as a secret: no report
    /// shows it (see [`Source::shown`]); the same token is masked wherever a report would show
    /// it, in a fix's preview or diff too.
    pub fn hide(&mut self, loc: Loc) {
        let source = &mut self.sources[loc.source.0];
        let Some(token) = source.text.get(loc.span.start..loc.span.end) else {
            return;
        };
        let token = token.to_string();
        let mut shown = source.shown().to_string();
        if shown.is_char_boundary(loc.span.start) && shown.is_char_boundary(loc.span.end) {
            shown.replace_range(loc.span.start..loc.span.end, &masked(&token));
        }
        source.shown = Some(shown.into());
        if !token.is_empty() && !source.hidden.contains(&token) {
            source.hidden.push(token);
        }
    }

    /// The source with this id. Ids are only minted by this map, so the index is always valid.
    pub fn get(&self, id: SourceId) -> &Source {
        &self.sources[id.0]
    }

    pub fn slice(&self, loc: Loc) -> &str {
        self.get(loc.source).slice(loc.span)
    }

    /// `text` at bytes `start..end` of the string value whose JSON token is at `string`: exactly
    /// there when the token holds it there as written (no escape before it, the value not
    /// rewritten since it was read), else the whole token.
    pub fn within_string(&self, string: Loc, start: usize, end: usize, text: &str) -> Loc {
        let token = self.slice(string);
        if token.starts_with('"') && token.get(1 + start..1 + end) == Some(text) {
            Loc::new(
                string.source,
                Span::new(string.span.start + 1 + start, string.span.start + 1 + end),
            )
        } else {
            string
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Source)> {
        self.sources
            .iter()
            .enumerate()
            .map(|(i, s)| (SourceId(i), s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let mut map = SourceMap::new();
        let id = map.add("f", "ab\nçd\n");
        let src = map.get(id);
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(3), (2, 1));
        // 'd' follows the two-byte 'ç'
        assert_eq!(src.line_col(5), (2, 2));
        // inside 'ç' clamps back to its start
        assert_eq!(src.line_col(4), (2, 1));
        assert_eq!(src.line_col(999), (3, 1));
    }
}
