//! Span-preserving, strict JSON.
//!
//! jsonc-parser (dprint's) does the parsing, with every JSONC/JSON5 leniency switched off so that
//! what passes here is what AWS accepts. Its AST is turned into an owned tree whose every node and
//! object key keeps its byte range; duplicate keys are kept in order. Nesting is capped by the
//! parser (512 levels), so hostile input cannot exhaust the stack.

use crate::source::Span;
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as written.
    Number(String),
    /// The decoded string.
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    /// The key's token, quotes included.
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    /// The value of `key` in an object. Like IAM and most JSON readers, the last duplicate wins.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    pub fn member(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// What the value is, in words for messages ("a string", "an array").
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    /// The bracket or brace that was still open where parsing failed, when that explains the error
    /// (the documentation snippet that opens `"Statement": {` and closes it with `]`).
    pub unclosed: Option<(Span, char)>,
}

const UTF8_BOM: &str = "\u{feff}";

/// Parses one JSON value. A leading UTF-8 byte-order mark is skipped; spans stay offsets into `text`.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let offset = if text.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let body = &text[offset..];
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    match jsonc_parser::parse_to_ast(body, &collect, &options) {
        Ok(result) => match result.value {
            Some(value) => Ok(convert(&value, offset)),
            None => Err(ParseError {
                span: Span::new(text.len(), text.len()),
                message: if body.trim().is_empty() {
                    "the file is empty; expected a JSON value".to_string()
                } else {
                    "expected a JSON value".to_string()
                },
                unclosed: None,
            }),
        },
        Err(err) => {
            let range = err.range();
            let span = Span::new(range.start + offset, range.end + offset);
            let unclosed = innermost_open_bracket(body, range.start)
                .map(|(at, c)| (Span::new(at + offset, at + offset + 1), c));
            Err(ParseError {
                span,
                message: describe(err.kind(), body, range.start, unclosed),
                unclosed,
            })
        }
    }
}

fn describe(
    kind: &jsonc_parser::errors::ParseErrorKind,
    body: &str,
    at: usize,
    unclosed: Option<(Span, char)>,
) -> String {
    use jsonc_parser::errors::ParseErrorKind as K;
    let found = body[at..].chars().next();
    match (kind, unclosed, found) {
        (_, Some((_, '{')), Some(']')) => {
            "found `]` where the open `{` needs a `}`: the object is closed with the wrong bracket"
                .to_string()
        }
        (_, Some((_, '[')), Some('}')) => {
            "found `}` where the open `[` needs a `]`: the array is closed with the wrong bracket"
                .to_string()
        }
        (K::UnterminatedObject, _, _) => {
            "the file ends inside an object: a `}` is missing".to_string()
        }
        (K::UnterminatedArray, _, _) => {
            "the file ends inside an array: a `]` is missing".to_string()
        }
        (K::NestingDepthExceeded, _, _) => {
            "the JSON is nested more than 512 levels deep; no AWS document is".to_string()
        }
        (K::TrailingCommasNotAllowed, _, _) => {
            "trailing comma: JSON allows no comma before `}` or `]`".to_string()
        }
        (K::CommentsNotAllowed, _, _) => "comments are not allowed in JSON".to_string(),
        (K::SingleQuotedStringsNotAllowed, _, _) => {
            "strings must use double quotes in JSON".to_string()
        }
        (_, _, _) => {
            let mut message = kind.to_string();
            if let Some(first) = message.get_mut(0..1) {
                first.make_ascii_lowercase();
            }
            message
        }
    }
}

/// The innermost bracket still open at byte `end`, skipping string contents. Linear in `end`.
fn innermost_open_bracket(text: &str, end: usize) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.as_bytes().iter().enumerate().take(end) {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => stack.push((i, '{')),
            b'[' => stack.push((i, '[')),
            b'}' | b']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

// Recursion here is bounded by the parser's nesting limit.
fn convert(value: &ast::Value<'_>, offset: usize) -> Node {
    let span = |r: jsonc_parser::common::Range| Span::new(r.start + offset, r.end + offset);
    match value {
        ast::Value::NullKeyword(n) => Node {
            span: span(n.range),
            kind: Kind::Null,
        },
        ast::Value::BooleanLit(b) => Node {
            span: span(b.range),
            kind: Kind::Bool(b.value),
        },
        ast::Value::NumberLit(n) => Node {
            span: span(n.range),
            kind: Kind::Number(n.value.to_string()),
        },
        ast::Value::StringLit(s) => Node {
            span: span(s.range),
            kind: Kind::String(s.value.to_string()),
        },
        ast::Value::Array(a) => Node {
            span: span(a.range),
            kind: Kind::Array(a.elements.iter().map(|e| convert(e, offset)).collect()),
        },
        ast::Value::Object(o) => Node {
            span: span(o.range),
            kind: Kind::Object(
                o.properties
                    .iter()
                    .map(|p| {
                        let (key, key_range) = match &p.name {
                            ast::ObjectPropName::String(s) => (s.value.to_string(), s.range),
                            ast::ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                        };
                        Member {
                            key,
                            key_span: span(key_range),
                            value: convert(&p.value, offset),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

/// Quotes a string as a JSON string literal.
pub fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_values_and_keys() {
        let text = r#"{"a": ["x", 1], "b": null}"#;
        let node = parse(text).unwrap();
        let a = node.member("a").unwrap();
        assert_eq!(&text[a.key_span.start..a.key_span.end], "\"a\"");
        let items = a.value.as_array().unwrap();
        assert_eq!(&text[items[0].span.start..items[0].span.end], "\"x\"");
        assert_eq!(items[0].as_str(), Some("x"));
    }

    #[test]
    fn statement_object_closed_with_bracket_names_both_places() {
        let text = "{\n  \"Statement\": {\n    \"Effect\": \"Allow\"\n  ]\n}";
        let err = parse(text).unwrap_err();
        assert_eq!(&text[err.span.start..err.span.start + 1], "]");
        let (open, c) = err.unclosed.unwrap();
        assert_eq!(c, '{');
        assert_eq!(&text[open.start..open.end], "{");
        assert_eq!(open.start, text.find(": {").unwrap() + 2);
        assert!(err.message.contains("wrong bracket"), "{}", err.message);
    }

    #[test]
    fn rejects_json_leniencies() {
        for bad in [
            "{\"a\": 1,}",
            "{a: 1}",
            "// c\n{}",
            "{'a': 1}",
            "[1 2]",
            "[+1]",
            "[.5]",
            "[0x10]",
            "[NaN]",
            "{} {}",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn empty_and_deep_input_are_errors_not_panics() {
        assert!(parse("").unwrap_err().message.contains("empty"));
        assert!(parse("  \n").is_err());
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        let deep_closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse(&deep_closed).unwrap_err().message.contains("512"));
    }

    #[test]
    fn bom_is_skipped_and_spans_still_index_the_text() {
        let text = "\u{feff}{\"a\": \"b\"}";
        let node = parse(text).unwrap();
        let b = node.get("a").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "\"b\"");
    }

    #[test]
    fn duplicate_keys_are_kept_and_the_last_wins() {
        let node = parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(node.as_object().unwrap().len(), 2);
        assert_eq!(node.get("a").unwrap().kind, Kind::Number("2".into()));
    }
}
