//! YAML templates read into the JSON tree, with spans: CloudFormation's YAML is JSON's data model
//! plus short-form intrinsic tags (`!Ref Role` is `{"Ref": "Role"}`), so the rest of ecslint reads
//! a YAML template exactly as it reads a JSON one, and a finding points at the line a person wrote.
//!
//! Built on saphyr-parser's event stream, which gives each scalar its start and end (quotes
//! included) and each node its tag. Aliases are expanded under a budget: a billion-laughs
//! document is refused where it starts growing, not after it has eaten the memory.

use crate::json::{Kind, Member, Node, ParseError};
use crate::model::source::Span;
use saphyr_parser::{Event, Parser, ScalarStyle, SpannedEventReceiver, Tag};

/// Nodes a document may expand to, aliases included: far above any real template (a large CDK
/// stack has tens of thousands), far below what would exhaust memory.
pub const MAX_NODES: usize = 2_000_000;
/// Nesting deeper than this is refused, as the JSON reader refuses it.
pub const MAX_DEPTH: usize = 512;

/// The short-form tags CloudFormation defines, and the function each stands for.
fn intrinsic(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "Not" => "Fn::Not",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "FindInMap" => "Fn::FindInMap",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "GetAZs" => "Fn::GetAZs",
        "Transform" => "Fn::Transform",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        _ => return None,
    })
}

/// A node being built: a mapping (with the key waiting for its value), a sequence.
enum Open {
    Mapping {
        start: usize,
        tag: Option<&'static str>,
        anchor: usize,
        members: Vec<Member>,
        key: Option<(String, Span)>,
    },
    Sequence {
        start: usize,
        tag: Option<&'static str>,
        anchor: usize,
        items: Vec<Node>,
    },
}

struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character, for non-ASCII text (saphyr counts characters).
    bytes_at: Option<Vec<usize>>,
    stack: Vec<Open>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    nodes: usize,
    error: Option<ParseError>,
    documents: usize,
}

impl Builder<'_> {
    fn offset(&self, chars: usize) -> usize {
        match &self.bytes_at {
            None => chars.min(self.text.len()),
            Some(map) => map.get(chars).copied().unwrap_or(self.text.len()),
        }
    }

    /// Where a collection ends: after its last item, and after the flow collection's closing
    /// bracket when one follows (a block collection's end event stands at the next token).
    fn closed(&self, after: usize, bracket: char) -> usize {
        let rest = &self.text[after.min(self.text.len())..];
        let gap = rest.len() - rest.trim_start().len();
        if rest.trim_start().starts_with(bracket) {
            after + gap + 1
        } else {
            after
        }
    }

    fn fail(&mut self, span: Span, message: String) {
        if self.error.is_none() {
            self.error = Some(ParseError {
                span,
                message,
                unclosed: None,
            });
        }
    }

    fn tag(
        &mut self,
        tag: Option<std::borrow::Cow<'_, Tag>>,
        span: Span,
    ) -> Option<Option<&'static str>> {
        let Some(tag) = tag else {
            return Some(None);
        };
        if tag.handle == "!" {
            if let Some(f) = intrinsic(&tag.suffix) {
                return Some(Some(f));
            }
            self.fail(span, format!("unknown tag `!{}`: CloudFormation's short forms are !Ref, !GetAtt, !Sub, !Join, !If, !Select, !Split, !ImportValue, !FindInMap and the other Fn:: functions", tag.suffix));
            return None;
        }
        // Standard tags (`!!str`) change nothing ecslint reads.
        Some(None)
    }

    /// A finished node: wrapped in its intrinsic when tagged, kept under its anchor, placed in
    /// its parent.
    fn finish(&mut self, node: Node, tag: Option<&'static str>, anchor: usize) {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            let span = node.span;
            self.fail(
                span,
                format!(
                    "the document expands to more than {MAX_NODES} nodes (an alias bomb?): refused"
                ),
            );
            return;
        }
        let node = match tag {
            Some(function) => Node {
                span: node.span,
                kind: Kind::Object(vec![Member {
                    key: function.to_string(),
                    key_span: node.span,
                    value: node,
                }]),
            },
            None => node,
        };
        if anchor > 0 {
            self.anchors.push((anchor, node.clone()));
        }
        self.place(node);
    }

    fn place(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Open::Sequence { items, .. }) => items.push(node),
            Some(Open::Mapping { key, members, .. }) => match key.take() {
                None => {
                    let name = match &node.kind {
                        Kind::String(s) | Kind::Number(s) => s.clone(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => String::new(),
                        _ => {
                            let span = node.span;
                            self.fail(span, "a mapping key must be a scalar".to_string());
                            return;
                        }
                    };
                    *key = Some((name, node.span));
                }
                Some((name, key_span)) => members.push(Member {
                    key: name,
                    key_span,
                    value: node,
                }),
            },
        }
    }

    /// A plain scalar's type, as YAML's core schema reads it; quoted scalars are strings.
    fn scalar(value: &str, style: ScalarStyle) -> Kind {
        if style != ScalarStyle::Plain {
            return Kind::String(value.to_string());
        }
        match value {
            "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
            "true" | "True" | "TRUE" => Kind::Bool(true),
            "false" | "False" | "FALSE" => Kind::Bool(false),
            v if is_number(v) => Kind::Number(v.to_string()),
            v => Kind::String(v.to_string()),
        }
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E')
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, ev: Event<'input>, span: saphyr_parser::Span) {
        if self.error.is_some() {
            return;
        }
        let (start, end) = (
            self.offset(span.start.index()),
            self.offset(span.end.index()),
        );
        let here = Span::new(start, end.max(start));
        match ev {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        here,
                        "a template is one YAML document; this file has more".to_string(),
                    );
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let Some(tag) = self.tag(tag, here) else {
                    return;
                };
                let node = Node {
                    span: here,
                    kind: Builder::scalar(&value, style),
                };
                self.finish(node, tag, anchor);
            }
            Event::SequenceStart(anchor, tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(here, format!("nested deeper than {MAX_DEPTH} levels"));
                    return;
                }
                let Some(tag) = self.tag(tag, here) else {
                    return;
                };
                self.stack.push(Open::Sequence {
                    start,
                    tag,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(here, format!("nested deeper than {MAX_DEPTH} levels"));
                    return;
                }
                let Some(tag) = self.tag(tag, here) else {
                    return;
                };
                self.stack.push(Open::Mapping {
                    start,
                    tag,
                    anchor,
                    members: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd => {
                if let Some(Open::Sequence {
                    start: s,
                    tag,
                    anchor,
                    items,
                }) = self.stack.pop()
                {
                    let s = items.first().map_or(s, |i| i.span.start.min(s));
                    let end = items.last().map_or(end, |i| self.closed(i.span.end, ']'));
                    let node = Node {
                        span: Span::new(s, end.max(s)),
                        kind: Kind::Array(items),
                    };
                    self.finish(node, tag, anchor);
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Mapping {
                    start: s,
                    tag,
                    anchor,
                    members,
                    ..
                }) = self.stack.pop()
                {
                    let s = members.first().map_or(s, |m| m.key_span.start.min(s));
                    let e = members
                        .last()
                        .map_or(end, |m| self.closed(m.value.span.end, '}'));
                    let node = Node {
                        span: Span::new(s, e.max(s)),
                        kind: Kind::Object(members),
                    };
                    self.finish(node, tag, anchor);
                }
            }
            Event::Alias(id) => {
                let Some(node) = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone())
                else {
                    self.fail(
                        here,
                        "an alias to an anchor not defined before it".to_string(),
                    );
                    return;
                };
                // The copy counts for every node in it.
                self.nodes += count(&node);
                if self.nodes > MAX_NODES {
                    self.fail(here, format!("the document expands to more than {MAX_NODES} nodes through its aliases (an alias bomb?): refused"));
                    return;
                }
                self.place(node);
            }
            _ => {}
        }
    }
}

fn count(node: &Node) -> usize {
    match &node.kind {
        Kind::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        Kind::Object(members) => 1 + members.iter().map(|m| count(&m.value)).sum::<usize>(),
        _ => 1,
    }
}

/// Parses a YAML document into the JSON tree; spans are byte offsets into `text`.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let bytes_at = (!text.is_ascii()).then(|| {
        let mut map: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        map.push(text.len());
        map
    });
    let mut builder = Builder {
        text,
        bytes_at,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        nodes: 0,
        error: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, true) {
        let at = builder.offset(e.marker().index());
        return Err(ParseError {
            span: Span::new(at, at),
            message: e.info().to_string(),
            unclosed: None,
        });
    }
    if let Some(e) = builder.error {
        return Err(e);
    }
    builder.root.ok_or_else(|| ParseError {
        span: Span::new(0, 0),
        message: "the file holds no YAML document".to_string(),
        unclosed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_tags_are_the_intrinsics_they_stand_for() {
        let text = "A:\n  Arn: !GetAtt Role.Arn\n  Sub: !Sub 'arn:${AWS::Partition}:x'\n  J: !Join ['', [a, !Ref B]]\n  Q: \"quoted\"\n  N: 10\n  T: true\n";
        let node = parse(text).unwrap();
        let a = node.get("A").unwrap();
        let arn = a.get("Arn").unwrap();
        assert_eq!(
            arn.get("Fn::GetAtt").and_then(Node::as_str),
            Some("Role.Arn")
        );
        assert_eq!(&text[arn.span.start..arn.span.end], "Role.Arn");
        let sub = a.get("Sub").unwrap().get("Fn::Sub").unwrap();
        assert_eq!(sub.as_str(), Some("arn:${AWS::Partition}:x"));
        assert_eq!(
            &text[sub.span.start..sub.span.end],
            "'arn:${AWS::Partition}:x'"
        );
        let join = a.get("J").unwrap().get("Fn::Join").unwrap();
        let Kind::Array(parts) = &join.kind else {
            panic!()
        };
        let Kind::Array(list) = &parts[1].kind else {
            panic!()
        };
        assert_eq!(list[1].get("Ref").and_then(Node::as_str), Some("B"));
        assert_eq!(a.get("Q").and_then(Node::as_str), Some("quoted"));
        assert_eq!(a.get("N").unwrap().kind, Kind::Number("10".into()));
        assert_eq!(a.get("T").unwrap().kind, Kind::Bool(true));
    }

    #[test]
    fn spans_are_bytes_in_non_ascii_text() {
        let text = "é: \"ü\"\nk: v\n";
        let node = parse(text).unwrap();
        let k = node.get("k").unwrap();
        assert_eq!(&text[k.span.start..k.span.end], "v");
    }

    #[test]
    fn bad_yaml_is_a_located_error() {
        let e = parse("a: [1\nb: {").unwrap_err();
        assert!(e.span.start > 0, "{e:?}");
        let e = parse("a: !Bogus x").unwrap_err();
        assert!(e.message.contains("unknown tag `!Bogus`"), "{e:?}");
        assert!(parse("a: *nope").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn an_alias_bomb_is_refused_early() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e:?}");
        // Ordinary aliases are kept.
        let node = parse("base: &b {x: 1}\nother: *b\n").unwrap();
        assert_eq!(
            node.get("other").unwrap().get("x").unwrap().kind,
            Kind::Number("1".into())
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(2000);
        assert!(parse(&text).is_err());
    }
}
