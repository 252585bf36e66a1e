//! Span-preserving, strict JSON.
//!
//! Two parsers, one answer. jiter (pydantic's strict, fast JSON iterator) builds the tree directly
//! for documents it accepts — the common case, and most of a lint run's time. Anything it refuses,
//! and anything nested deeper than [`FAST_DEPTH`], goes to jsonc-parser (dprint's), with every
//! JSONC/JSON5 leniency switched off so that what passes is what AWS accepts: it decides, and its
//! errors carry the positions and wording the messages use. A differential test keeps the two
//! trees identical. Every node and object key keeps its byte range; duplicate keys are kept in
//! order. Nesting is capped (512 levels in jsonc-parser), so hostile input cannot exhaust the
//! stack.

use crate::model::source::Span;
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
    if let Some(node) = parse_fast(body, offset) {
        return Ok(node);
    }
    parse_jsonc(text, offset)
}

/// Both readings of `text` (no byte-order mark): jiter's fast path (`None` when it leaves the text
/// to jsonc-parser) and jsonc-parser's, for the differential fuzz target.
#[doc(hidden)]
pub fn both_readings(text: &str) -> (Option<Node>, Result<Node, ParseError>) {
    (parse_fast(text, 0), parse_jsonc(text, 0))
}

/// jsonc-parser's answer: the deciding one, and the only one with error positions.
fn parse_jsonc(text: &str, offset: usize) -> Result<Node, ParseError> {
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
            // jsonc-parser lets a raw control character stand in a string; JSON (RFC 8259 §7)
            // and IAM do not (the guide's snippet with a line break inside an action name).
            Some(_) if let Some((at, byte)) = raw_control_in_string(body) => Err(ParseError {
                span: Span::new(at + offset, at + offset + 1),
                message: if byte == b'\n' || byte == b'\r' {
                    "a line break inside a string: JSON strings cannot hold one (join the lines, or write \\n)".to_string()
                } else {
                    format!(
                        "a raw control character (U+{byte:04X}) inside a string: JSON needs it escaped"
                    )
                },
                unclosed: None,
            }),
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

/// The first control character (below U+0020) standing raw inside a string, and its byte.
fn raw_control_in_string(text: &str) -> Option<(usize, u8)> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if !in_string {
            in_string = b == b'"';
            continue;
        }
        match (escaped, b) {
            (_, b) if b < 0x20 => return Some((i, b)),
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => in_string = false,
            _ => {}
        }
    }
    None
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

/// Deeper documents are left to jsonc-parser, whose limit decides: no AWS document nests this deep.
const FAST_DEPTH: usize = 128;

/// The tree, when jiter accepts `body` whole; `None` sends it to jsonc-parser.
fn parse_fast(body: &str, offset: usize) -> Option<Node> {
    let mut jiter = jiter::Jiter::new(body.as_bytes());
    let node = fast_value(&mut jiter, body, offset, 0)?;
    jiter.finish().ok()?;
    Some(node)
}

// Recursion is bounded by FAST_DEPTH.
fn fast_value(
    jiter: &mut jiter::Jiter<'_>,
    body: &str,
    offset: usize,
    depth: usize,
) -> Option<Node> {
    use jiter::Peek;
    if depth > FAST_DEPTH {
        return None;
    }
    let peek = jiter.peek().ok()?;
    let start = jiter.current_index();
    let kind = match peek {
        Peek::Null => {
            jiter.known_null().ok()?;
            Kind::Null
        }
        Peek::True | Peek::False => Kind::Bool(jiter.known_bool(peek).ok()?),
        Peek::String => Kind::String(jiter.known_str().ok()?.to_string()),
        Peek::Array => {
            let mut items = Vec::new();
            let mut next = jiter.known_array().ok()?;
            while next.is_some() {
                items.push(fast_value(jiter, body, offset, depth + 1)?);
                next = jiter.array_step().ok()?;
            }
            Kind::Array(items)
        }
        Peek::Object => {
            let mut members = Vec::new();
            let mut key = jiter.next_object_bytes().ok()?.map(|k| key_at(body, k));
            while let Some((from, to)) = key {
                let raw = &body[from..to];
                // The key's text, decoded when it has escapes (rare in policies).
                let decoded = if raw.contains('\\') {
                    serde_json::from_str::<String>(&body[from - 1..to + 1]).ok()?
                } else {
                    raw.to_string()
                };
                let value = fast_value(jiter, body, offset, depth + 1)?;
                members.push(Member {
                    key: decoded,
                    key_span: Span::new(from - 1 + offset, to + 1 + offset),
                    value,
                });
                key = jiter.next_key_bytes().ok()?.map(|k| key_at(body, k));
            }
            Kind::Object(members)
        }
        _ if peek.is_num() => {
            let bytes = jiter.known_number_bytes(peek).ok()?;
            Kind::Number(std::str::from_utf8(bytes).ok()?.to_string())
        }
        _ => return None,
    };
    Some(Node {
        span: Span::new(start + offset, jiter.current_index() + offset),
        kind,
    })
}

/// Where a key's raw text (between its quotes) sits in `body`, from the slice jiter returned.
pub(crate) fn key_at(body: &str, key: &[u8]) -> (usize, usize) {
    let from = key.as_ptr() as usize - body.as_ptr() as usize;
    (from, from + key.len())
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
pub(crate) mod tests {
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
    fn a_raw_control_character_in_a_string_is_refused_where_it_stands() {
        // The Secrets Manager guide's key policy, wrapped inside "kms:DescribeKey".
        let text = "{\"Action\": [\"kms:Describ\neKey\"], \"Sid\": \"a\\\"b\"}";
        let err = parse(text).unwrap_err();
        assert_eq!(err.span.start, text.find('\n').unwrap());
        assert!(
            err.message.contains("line break inside a string"),
            "{}",
            err.message
        );
        assert!(
            parse("{\"a\": \"x\ty\"}")
                .unwrap_err()
                .message
                .contains("U+0009")
        );
        // Escaped, and outside strings, they are fine.
        assert!(parse("{\n\t\"a\": \"x\\ny\"\r\n}").is_ok());
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

    /// Every bundled fixture, test file and example that is JSON.
    pub(crate) fn bundled_json_texts() -> Vec<String> {
        let mut texts = Vec::new();
        for dir in ["fixtures", "tests/data", "examples"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            let mut stack = vec![root];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "json")
                        && let Ok(text) = std::fs::read_to_string(&path)
                    {
                        texts.push(text);
                    }
                }
            }
        }
        texts
    }

    /// jiter's tree, jsonc-parser's tree, and whether each accepted the text.
    fn both(text: &str) -> (Option<Node>, Result<Node, ParseError>) {
        both_readings(text)
    }

    #[test]
    fn the_fast_path_builds_the_same_tree_as_jsonc_parser() {
        let mut texts: Vec<String> = vec![
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["a:b"], "Resource": "*"}]}"#.into(),
            "  {\r\n\t\"k\" :\n [ 1 , -2.5e10 , 0 , true , false , null , {} , [] ] }  ".into(),
            r#"{"esc\"aped\u00e9key": "tab\there \u2028 \ud83d\ude00 \/ \\"}"#.into(),
            r#"{"a": 1, "a": 2, "": ""}"#.into(),
            "\"just a string\"".into(),
            "[[[[[[[[[[]]]]]]]]]]".into(),
            "{\"ключ\": \"значение\", \"emoji\": \"🙂\"}".into(),
        ];
        texts.extend(bundled_json_texts());
        assert!(texts.len() > 20);
        for text in &texts {
            let (fast, slow) = both(text);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), slow, "{text}");
            }
        }
    }

    #[test]
    fn the_fast_path_refuses_what_jsonc_parser_refuses() {
        for bad in [
            "{\"a\": 1,}",
            "[1,]",
            "{a: 1}",
            "// c\n{}",
            "/* c */ {}",
            "{'a': 1}",
            "[1 2]",
            "[+1]",
            "[.5]",
            "[01]",
            "[1.]",
            "[0x10]",
            "[NaN]",
            "[Infinity]",
            "{} {}",
            "\"bad escape \\x\"",
            "{\"a\" 1}",
            "[",
            "{\"a\":",
            "",
        ] {
            let (fast, slow) = both(bad);
            assert!(fast.is_none(), "the fast path accepted {bad:?}");
            assert!(slow.is_err(), "jsonc-parser accepted {bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_document_parses_to_the_same_tree_either_way(
            value in json_value(),
            pretty in proptest::bool::ANY,
        ) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let (fast, slow) = both(&text);
            proptest::prop_assert!(fast.is_some(), "refused {}", text);
            proptest::prop_assert_eq!(fast.map(Ok), Some(slow));
        }

        #[test]
        fn any_text_gets_the_same_verdict_either_way(text in "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\/nrtu]{0,40}") {
            let (fast, slow) = both(&text);
            if let Some(fast) = fast {
                proptest::prop_assert_eq!(Ok(fast), slow);
            }
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| serde_json::json!(f)),
            any::<String>().prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn duplicate_keys_are_kept_and_the_last_wins() {
        let node = parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(node.as_object().unwrap().len(), 2);
        assert_eq!(node.get("a").unwrap().kind, Kind::Number("2".into()));
    }
}
