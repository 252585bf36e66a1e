//! The common case of a policy file, read straight from its text.
//!
//! A lint reads thousands of plain, valid identity policies. For those, building the JSON tree
//! and then reading the tree is most of the work, so this reads the document in one pass with
//! jiter (the same parser the tree's fast path uses, so it accepts exactly the same text). It
//! answers only when the document is plainly valid — a top-level object of `Version`,
//! `Statement` and `Id`, statements of `Sid`, `Effect`, `Action`/`NotAction`,
//! `Resource`/`NotResource` and `Condition`, every value of the type IAM expects, no key twice —
//! and returns `None` for anything else, which the tree-based parser then reads and reports. A
//! differential test keeps both readings identical.

use super::{ConditionEntry, Effect, PolicyDocument, Statement, StatementBlock, ValueList};
use crate::model::source::{Loc, SourceId, Span, Spanned};
use jiter::{Jiter, Peek};

/// The document in `text` (no byte-order mark), with every place in `source`; `None` when it is
/// anything but a plain, valid identity policy.
pub fn parse(text: &str, source: SourceId) -> Option<PolicyDocument> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let mut reader = Reader {
        jiter: Jiter::new(text.as_bytes()),
        text,
        source,
    };
    let document = reader.document()?;
    reader.jiter.finish().ok()?;
    Some(document)
}

struct Reader<'a> {
    jiter: Jiter<'a>,
    text: &'a str,
    source: SourceId,
}

/// Which keys an object has had, to turn down a key written twice (the tree reads the last one).
#[derive(Default)]
struct Seen(u16);

impl Seen {
    fn first(&mut self, bit: u16) -> Option<()> {
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }
}

impl<'a> Reader<'a> {
    fn loc(&self, start: usize, end: usize) -> Loc {
        Loc::new(self.source, Span::new(start, end))
    }

    /// Where the value that was just read ends.
    fn here(&self) -> usize {
        self.jiter.current_index()
    }

    /// The start of the next value, and what it is.
    fn peek(&mut self) -> Option<(usize, Peek)> {
        let peek = self.jiter.peek().ok()?;
        Some((self.here(), peek))
    }

    /// The first key of the object just entered, or the next one: its text and the span of its
    /// token. An escaped key is the tree's to read.
    fn raw_key(&mut self, first: bool) -> Option<Option<(&'a str, Span)>> {
        let raw = if first {
            self.jiter.next_object_bytes().ok()?
        } else {
            self.jiter.next_key_bytes().ok()?
        };
        let Some(raw) = raw else {
            return Some(None);
        };
        let (from, to) = crate::json::key_at(self.text, raw);
        let key = &self.text[from..to];
        if key.contains('\\') {
            return None;
        }
        Some(Some((key, Span::new(from - 1, to + 1))))
    }

    /// `raw_key`, for the keys of the document and its statements: an unknown one is the tree's
    /// to read.
    fn key(&mut self, first: bool) -> Option<Option<(&'static str, Span)>> {
        let Some((key, span)) = self.raw_key(first)? else {
            return Some(None);
        };
        let known = KEYS.iter().find(|k| **k == key)?;
        Some(Some((known, span)))
    }

    fn string(&mut self) -> Option<Spanned<String>> {
        let (start, peek) = self.peek()?;
        if peek != Peek::String {
            return None;
        }
        let value = self.jiter.known_str().ok()?.to_string();
        Some(Spanned::new(value, self.loc(start, self.here())))
    }

    fn document(&mut self) -> Option<PolicyDocument> {
        let (start, peek) = self.peek()?;
        if peek != Peek::Object {
            return None;
        }
        let mut seen = Seen::default();
        let mut version = None;
        let mut block = None;
        let mut key = self.key(true)?;
        while let Some((name, _)) = key {
            match name {
                "Version" => {
                    seen.first(1)?;
                    let v = self.string()?;
                    if v.value != "2012-10-17" && v.value != "2008-10-17" {
                        return None;
                    }
                    version = Some(v);
                }
                "Id" => {
                    seen.first(2)?;
                    self.string()?;
                }
                "Statement" => {
                    seen.first(4)?;
                    block = Some(self.statements()?);
                }
                _ => return None,
            }
            key = self.key(false)?;
        }
        let (statements, statement_block) = block?;
        Some(PolicyDocument {
            source: self.source,
            loc: self.loc(start, self.here()),
            version,
            statements,
            statement_block: Some(statement_block),
        })
    }

    fn statements(&mut self) -> Option<(Vec<Statement>, StatementBlock)> {
        let (start, peek) = self.peek()?;
        let mut statements = Vec::new();
        let is_array = match peek {
            Peek::Object => {
                statements.push(self.statement(0)?);
                false
            }
            Peek::Array => {
                let mut next = self.jiter.known_array().ok()?;
                while next.is_some() {
                    if statements.len() == super::MAX_STATEMENTS {
                        // The tree reader says so, located.
                        return None;
                    }
                    statements.push(self.statement(statements.len())?);
                    next = self.jiter.array_step().ok()?;
                }
                true
            }
            _ => return None,
        };
        let block = StatementBlock {
            loc: self.loc(start, self.here()),
            is_array,
        };
        Some((statements, block))
    }

    fn statement(&mut self, index: usize) -> Option<Statement> {
        let (start, peek) = self.peek()?;
        if peek != Peek::Object {
            return None;
        }
        let mut seen = Seen::default();
        let (mut sid, mut effect, mut action, mut resource) = (None, None, None, None);
        let (mut condition, mut conditions) = (None, Vec::new());
        let mut key = self.key(true)?;
        while let Some((name, _)) = key {
            match name {
                "Sid" => {
                    seen.first(1)?;
                    sid = Some(self.string()?);
                }
                "Effect" => {
                    seen.first(2)?;
                    let e = self.string()?;
                    let value = match e.value.as_str() {
                        "Allow" => Effect::Allow,
                        "Deny" => Effect::Deny,
                        _ => return None,
                    };
                    effect = Some(Spanned::new(value, e.loc));
                }
                "Action" | "NotAction" => {
                    // One of the two, once: the tree reports both, or a key twice.
                    seen.first(4)?;
                    action = Some(self.value_list(name == "NotAction")?);
                }
                "Resource" | "NotResource" => {
                    seen.first(8)?;
                    resource = Some(self.value_list(name == "NotResource")?);
                }
                "Condition" => {
                    seen.first(16)?;
                    let (at, list) = self.conditions()?;
                    condition = Some(at);
                    conditions = list;
                }
                _ => return None,
            }
            key = self.key(false)?;
        }
        Some(Statement {
            index,
            loc: self.loc(start, self.here()),
            sid,
            effect: effect?,
            action: action?,
            resource: resource?,
            condition,
            conditions,
            principal: None,
        })
    }

    fn value_list(&mut self, negated: bool) -> Option<ValueList> {
        let (start, peek) = self.peek()?;
        let (values, is_array) = match peek {
            Peek::String => (vec![self.string()?], false),
            Peek::Array => {
                let mut values = Vec::new();
                let mut next = self.jiter.known_array().ok()?;
                while next.is_some() {
                    values.push(self.string()?);
                    next = self.jiter.array_step().ok()?;
                }
                (values, true)
            }
            _ => return None,
        };
        Some(ValueList::new(
            negated,
            self.loc(start, self.here()),
            is_array,
            values,
        ))
    }

    /// `{"Operator": {"key": value | [values]}}`; operators and keys are any text, so they are
    /// read here rather than through the known keys.
    fn conditions(&mut self) -> Option<(Loc, Vec<ConditionEntry>)> {
        let (start, peek) = self.peek()?;
        if peek != Peek::Object {
            return None;
        }
        let mut out = Vec::new();
        let mut operators: Vec<String> = Vec::new();
        let mut op = self.any_key(true)?;
        while let Some(operator) = op {
            if operators.contains(&operator.value) {
                return None;
            }
            operators.push(operator.value.clone());
            let (_, peek) = self.peek()?;
            if peek != Peek::Object {
                return None;
            }
            let mut keys: Vec<String> = Vec::new();
            let mut key = self.any_key(true)?;
            while let Some(k) = key {
                if keys.contains(&k.value) {
                    return None;
                }
                keys.push(k.value.clone());
                let values = self.condition_values()?;
                // An unknown operator or an unreadable value: the tree parser reports it.
                let texts: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
                super::operator::entry_problem(&operator.value, &texts).ok()?;
                out.push(ConditionEntry {
                    operator: operator.clone(),
                    key: k,
                    values,
                });
                key = self.any_key(false)?;
            }
            op = self.any_key(false)?;
        }
        Some((self.loc(start, self.here()), out))
    }

    /// `raw_key`, for the operators and keys of a condition, which may be any text.
    fn any_key(&mut self, first: bool) -> Option<Option<Spanned<String>>> {
        let Some((key, span)) = self.raw_key(first)? else {
            return Some(None);
        };
        Some(Some(Spanned::new(
            key.to_string(),
            self.loc(span.start, span.end),
        )))
    }

    fn condition_values(&mut self) -> Option<Vec<Spanned<String>>> {
        let (_, peek) = self.peek()?;
        if peek != Peek::Array {
            return Some(vec![self.scalar()?]);
        }
        let mut values = Vec::new();
        let mut next = self.jiter.known_array().ok()?;
        while next.is_some() {
            values.push(self.scalar()?);
            next = self.jiter.array_step().ok()?;
        }
        Some(values)
    }

    /// A condition value: a string, a number as written, or a boolean.
    fn scalar(&mut self) -> Option<Spanned<String>> {
        let (start, peek) = self.peek()?;
        let text = match peek {
            Peek::String => self.jiter.known_str().ok()?.to_string(),
            Peek::True | Peek::False => self.jiter.known_bool(peek).ok()?.to_string(),
            _ if peek.is_num() => {
                let bytes = self.jiter.known_number_bytes(peek).ok()?;
                std::str::from_utf8(bytes).ok()?.to_string()
            }
            _ => return None,
        };
        Some(Spanned::new(text, self.loc(start, self.here())))
    }
}

/// The keys this reader knows; any other key sends the document to the tree.
const KEYS: [&str; 10] = [
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: SourceId = SourceId(7);

    /// The tree's reading of a text, when it finds nothing wrong.
    fn tree(text: &str) -> Option<String> {
        let node = crate::json::parse(text).ok()?;
        match super::super::parse(&node, SOURCE) {
            (Some(doc), problems) if problems.is_empty() => Some(format!("{doc:?}")),
            _ => None,
        }
    }

    /// Whenever the fast reader answers, its answer is the tree's, and the tree found nothing
    /// wrong.
    fn agrees(text: &str) -> bool {
        match parse(text, SOURCE) {
            Some(doc) => {
                assert_eq!(Some(format!("{doc:?}")), tree(text), "{text}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_policies_are_read_as_the_tree_reads_them() {
        for text in [
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["a:b"], "Resource": "*"}]}"#,
            r#"{"Version":"2008-10-17","Id":"x","Statement":{"Sid":"One","Effect":"Deny","NotAction":"s3:*","NotResource":["arn:aws:s3:::b/*","*"]}}"#,
            "\n  {\r\n\t\"Statement\" : [ ] }  ",
            r#"{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:1:key/k",
                "Condition": {"StringEquals": {"kms:ViaService": ["secretsmanager.eu-west-1.amazonaws.com", "x"]},
                              "NumericLessThan": {"aws:MultiFactorAuthAge": 3600.5}, "Bool": {"aws:SecureTransport": false}}}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "tab\there \u00e9 \ud83d\ude00 \/ \\"}]}"#,
            "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"ключ:значение\", \"Resource\": \"🙂\"}}",
        ] {
            assert!(agrees(text), "the fast reader refused {text}");
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_tree() {
        for text in [
            // Wrappers, principals, unknown keys and types, keys twice, escaped keys.
            r#"{"PolicyName": "p", "PolicyDocument": {"Statement": []}}"#,
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "a:b", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Extra": 1}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*"}], "Statement": []}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "NotAction": "c:d", "Resource": "*"}]}"#,
            r#"{"Statement": [{"\u0045ffect": "Allow", "Action": "a:b", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "allow", "Action": "a:b", "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": ["a:b", 1], "Resource": "*"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b"}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"Bool": {"k": null}}}]}"#,
            r#"{"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": {"A": {"k": 1}, "A": {"k": 2}}}]}"#,
            r#"{"Version": "2012-10-18", "Statement": []}"#,
            r#"{"Version": "2012-10-17"}"#,
            r#"{"Statement": "x"}"#,
            "\u{feff}{\"Statement\": []}",
            r#"{"Statement": [],}"#,
            r#"[{"Statement": []}]"#,
            "",
        ] {
            assert!(parse(text, SOURCE).is_none(), "the fast reader took {text}");
        }
    }

    #[test]
    fn every_bundled_policy_reads_the_same_either_way() {
        let texts = crate::json::tests::bundled_json_texts();
        let read = texts.iter().filter(|t| agrees(t)).count();
        let texts = texts.len();
        // The fixtures' plain policies do take the fast path.
        assert!(texts > 20 && read >= 10, "{read} of {texts}");
    }

    #[test]
    fn the_lint_benchmarks_policies_all_take_the_fast_path() {
        // The shapes of benches/support/policies.rs: secrets, parameters, a key with a
        // condition, a deny, single and listed values.
        for i in 0..200 {
            let text = format!(
                r#"{{
  "Version": "2012-10-17",
  "Statement": [
    {{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "logs:PutLogEvents"], "Resource": "*"}},
    {{"Sid": "Secrets{i}", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": ["arn:aws:secretsmanager:eu-west-1:{i:012}:secret:app{i}/db-??????"]}},
    {{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:{i:012}:key/k{i}", "Condition": {{"StringEquals": {{"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}}}},
    {{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "arn:aws:secretsmanager:*:{i:012}:secret:prod-*"}}
  ]
}}"#
            );
            assert!(agrees(&text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_refused_or_read_as_the_tree_reads_it(
            text in "[\\[\\]{}\",:0-9a-zA-Z.eE+\\- \\\\/*]{0,60}",
            wrapped in proptest::bool::ANY,
        ) {
            // Short texts of JSON's characters, alone or as a statement's values.
            let text = if wrapped {
                format!(r#"{{"Statement": {{"Effect": "Allow", "Action": {text}, "Resource": "*"}}}}"#)
            } else {
                text
            };
            if let Some(doc) = parse(&text, SOURCE) {
                proptest::prop_assert_eq!(Some(format!("{doc:?}")), tree(&text), "{}", text);
            }
        }

        #[test]
        fn generated_policies_read_the_same_either_way(
            statements in proptest::collection::vec(statement(), 0..4),
            single in proptest::bool::ANY,
            version in proptest::option::of(proptest::sample::select(vec!["2012-10-17", "2008-10-17", "2012-10-18"])),
            pretty in proptest::bool::ANY,
            twice in proptest::bool::ANY,
        ) {
            let mut doc = serde_json::Map::new();
            if let Some(v) = version {
                doc.insert("Version".into(), v.into());
            }
            let block = match (single, statements.as_slice()) {
                (true, [one]) => one.clone(),
                _ => serde_json::Value::Array(statements.clone()),
            };
            doc.insert("Statement".into(), block);
            let value = serde_json::Value::Object(doc);
            let mut text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            if twice {
                // A key written twice: the tree reads the last one.
                text = text.replacen('{', "{\"Version\": \"2012-10-17\", ", 1);
            }
            let fast = parse(&text, SOURCE);
            if let Some(doc) = fast {
                proptest::prop_assert_eq!(Some(format!("{doc:?}")), tree(&text), "{}", text);
            }
        }
    }

    /// A statement that is usually valid, sometimes not in one of the ways the tree reports.
    fn statement() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let text = prop_oneof![
            Just("*".to_string()),
            "[a-z]{1,8}:[A-Za-z*?]{1,12}",
            "arn:aws:[a-z]{2,6}:[a-z0-9-]{0,9}:[0-9]{0,12}:[ -~]{0,20}",
            any::<String>(),
        ];
        let list = prop_oneof![
            text.clone().prop_map(serde_json::Value::from),
            proptest::collection::vec(text.clone(), 0..4).prop_map(serde_json::Value::from),
            Just(serde_json::json!(42)),
        ];
        let scalar = prop_oneof![
            text.clone().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            any::<bool>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ];
        let condition = proptest::collection::btree_map(
            "[A-Za-z:]{1,12}",
            proptest::collection::btree_map(
                "[a-z:/]{1,12}",
                prop_oneof![
                    scalar.clone(),
                    proptest::collection::vec(scalar, 0..3).prop_map(serde_json::Value::from)
                ],
                0..3,
            ),
            0..3,
        );
        (
            proptest::option::of(text.clone()),
            proptest::sample::select(vec!["Allow", "Deny", "allow", ""]),
            proptest::bool::ANY,
            list.clone(),
            proptest::bool::ANY,
            list,
            proptest::option::of(condition),
            proptest::option::of(Just(serde_json::json!({"AWS": "*"}))),
        )
            .prop_map(
                |(
                    sid,
                    effect,
                    not_action,
                    action,
                    not_resource,
                    resource,
                    condition,
                    principal,
                )| {
                    let mut s = serde_json::Map::new();
                    if let Some(sid) = sid {
                        s.insert("Sid".into(), sid.into());
                    }
                    if !effect.is_empty() {
                        s.insert("Effect".into(), effect.into());
                    }
                    s.insert(
                        if not_action { "NotAction" } else { "Action" }.into(),
                        action,
                    );
                    s.insert(
                        if not_resource {
                            "NotResource"
                        } else {
                            "Resource"
                        }
                        .into(),
                        resource,
                    );
                    if let Some(c) = condition {
                        s.insert("Condition".into(), serde_json::json!(c));
                    }
                    if let Some(p) = principal {
                        s.insert("Principal".into(), p);
                    }
                    serde_json::Value::Object(s)
                },
            )
    }
}
