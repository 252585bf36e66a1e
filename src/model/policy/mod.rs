//! IAM policy documents: the typed model and its parser.
//!
//! The parser is forgiving in the way a linter must be: a malformed statement is reported as a
//! `Problem` and skipped, the rest of the document is still read and checked.

pub(crate) mod fast;
pub mod operator;

use crate::json::{Kind, Node};
use crate::model::source::{Loc, SourceId, Span, Spanned};

/// The kinds of policy AWS evaluates (IAM user guide, "Policy types").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyType {
    Identity,
    PermissionsBoundary,
    ResourceBased,
    KeyPolicy,
    ServiceControl,
    ResourceControl,
}

impl PolicyType {
    /// As AWS's AccessDenied messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity-based policy",
            PolicyType::PermissionsBoundary => "permissions boundary",
            PolicyType::ResourceBased => "resource-based policy",
            PolicyType::KeyPolicy => "key policy",
            PolicyType::ServiceControl => "service control policy",
            PolicyType::ResourceControl => "resource control policy",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::PermissionsBoundary => "permissions-boundary",
            PolicyType::ResourceBased => "resource-based",
            PolicyType::KeyPolicy => "key-policy",
            PolicyType::ServiceControl => "service-control-policy",
            PolicyType::ResourceControl => "resource-control-policy",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: one string or an array, kept as written.
#[derive(Clone, Debug)]
pub struct ValueList {
    /// `NotAction` / `NotResource`.
    pub negated: bool,
    /// The element's value: the string, or the array.
    pub loc: Loc,
    pub is_array: bool,
    pub values: Vec<Spanned<String>>,
    /// Each value's [`Shape`], worked out once when the policy is read.
    pub shapes: Vec<Shape>,
}

impl ValueList {
    pub fn new(negated: bool, loc: Loc, is_array: bool, values: Vec<Spanned<String>>) -> ValueList {
        let shapes = values.iter().map(|v| Shape::of(&v.value)).collect();
        ValueList {
            negated,
            loc,
            is_array,
            values,
            shapes,
        }
    }

    /// The shape of value `i`, recomputed if `values` was changed after the list was built.
    #[inline]
    pub fn shape(&self, i: usize) -> Shape {
        match self.shapes.get(i) {
            Some(shape) if self.shapes.len() == self.values.len() => *shape,
            _ => Shape::of(&self.values[i].value),
        }
    }
}

/// What matching needs to know about one `Action` or `Resource` entry, so that evaluating a
/// request does not rescan its text: most entries are settled by their literal beginning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The last eight bytes of the literal text (when it has eight), as one word: entries of
    /// one policy mostly share their beginning (`arn:aws:SERVICE:REGION:ACCOUNT:`) and differ
    /// at its end, so most entries that cannot match are told by this word alone, without
    /// reading the entry's text.
    pub tail: u64,
    /// Bytes before the first `*` or `?`: text any string the entry matches begins with.
    pub literal: u32,
    /// Has a `*` or `?`.
    pub wildcard: bool,
    /// Has `${`: a policy variable, where the document's Version allows them.
    pub variable: bool,
    pub ascii: bool,
    /// The literal text holds an ARN's first five fields whole (five colons): what is left to
    /// match is the resource field alone.
    pub fields_literal: bool,
}

impl Shape {
    pub fn of(text: &str) -> Shape {
        let bytes = text.as_bytes();
        let literal = bytes
            .iter()
            .position(|&b| b == b'*' || b == b'?')
            .unwrap_or(bytes.len());
        Shape {
            tail: Shape::word_before(bytes, literal).unwrap_or(0),
            // Entries longer than 4 GiB are refused by the readers long before.
            literal: u32::try_from(literal).unwrap_or(u32::MAX),
            wildcard: literal < bytes.len(),
            variable: text.contains("${"),
            ascii: text.is_ascii(),
            fields_literal: bytes[..literal]
                .iter()
                .filter(|&&b| b == b':')
                .nth(4)
                .is_some(),
        }
    }

    /// The eight bytes of `text` that end at `end`, as a word; `None` before the eighth byte
    /// or past the end.
    #[inline]
    pub fn word_before(text: &[u8], end: usize) -> Option<u64> {
        let bytes = text.get(end.checked_sub(8)?..end)?;
        Some(u64::from_ne_bytes(bytes.try_into().ok()?))
    }
}

/// One operator–key pair of a `Condition` block: `{"StringEquals": {"aws:SourceVpce": [...]}}`.
#[derive(Clone, Debug)]
pub struct ConditionEntry {
    /// As written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: Spanned<String>,
    pub key: Spanned<String>,
    /// The values, as text (numbers and booleans as written); OR-ed together.
    pub values: Vec<Spanned<String>>,
}

/// `Principal` / `NotPrincipal` of a resource or trust policy.
#[derive(Clone, Debug)]
pub struct PrincipalBlock {
    pub negated: bool,
    pub loc: Loc,
    /// `"Principal": "*"`.
    pub anyone: bool,
    /// `(kind, value)`: kind is `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub entries: Vec<(String, Spanned<String>)>,
}

#[derive(Clone, Debug)]
pub struct Statement {
    /// Position in the document's `Statement` list.
    pub index: usize,
    /// The statement object.
    pub loc: Loc,
    pub sid: Option<Spanned<String>>,
    pub effect: Spanned<Effect>,
    pub action: ValueList,
    pub resource: ValueList,
    /// The `Condition` block, when there is one.
    pub condition: Option<Loc>,
    /// Its entries, AND-ed together.
    pub conditions: Vec<ConditionEntry>,
    pub principal: Option<PrincipalBlock>,
}

impl Statement {
    /// "statement 2 (Sid \"ReadSecrets\")" — how messages name a statement.
    pub fn describe(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.value.is_empty() => {
                format!("statement {} (Sid \"{}\")", self.index + 1, sid.value)
            }
            _ => format!("statement {}", self.index + 1),
        }
    }
}

/// Where the statements are written, so a fix can add one.
#[derive(Clone, Debug)]
pub struct StatementBlock {
    pub loc: Loc,
    pub is_array: bool,
}

#[derive(Clone, Debug)]
pub struct PolicyDocument {
    pub source: SourceId,
    /// The document object.
    pub loc: Loc,
    pub version: Option<Spanned<String>>,
    pub statements: Vec<Statement>,
    pub statement_block: Option<StatementBlock>,
}

impl PolicyDocument {
    /// Policy variables (`${aws:username}`) are substituted only under `"Version": "2012-10-17"`;
    /// with `2008-10-17` or no `Version` they are literal text (IAM user guide, Version element).
    pub fn supports_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == "2012-10-17")
    }
}

impl PolicyDocument {
    /// Moves every place in the document to source `id`: for a document parsed before its file
    /// had a place in the source map (on another thread, while files are read ahead).
    pub fn relocate(&mut self, id: SourceId) {
        let at = |loc: &mut Loc| loc.source = id;
        let spanned = |s: &mut Spanned<String>| s.loc.source = id;
        self.source = id;
        at(&mut self.loc);
        if let Some(v) = &mut self.version {
            spanned(v);
        }
        if let Some(block) = &mut self.statement_block {
            at(&mut block.loc);
        }
        for st in &mut self.statements {
            at(&mut st.loc);
            if let Some(sid) = &mut st.sid {
                spanned(sid);
            }
            st.effect.loc.source = id;
            for list in [&mut st.action, &mut st.resource] {
                at(&mut list.loc);
                list.values.iter_mut().for_each(spanned);
            }
            if let Some(c) = &mut st.condition {
                at(c);
            }
            for c in &mut st.conditions {
                spanned(&mut c.operator);
                spanned(&mut c.key);
                c.values.iter_mut().for_each(spanned);
            }
            if let Some(p) = &mut st.principal {
                at(&mut p.loc);
                p.entries.iter_mut().for_each(|(_, v)| spanned(v));
            }
        }
    }
}

/// Something in a document that is not a valid IAM policy.
#[derive(Clone, Debug)]
pub struct Problem {
    pub loc: Loc,
    pub message: String,
}

impl PolicyDocument {
    /// Whether the document is a resource-based policy by its own content: a statement names a
    /// `Principal` or `NotPrincipal`, which identity policies cannot.
    pub fn names_principals(&self) -> bool {
        self.statements.iter().any(|s| s.principal.is_some())
    }

    /// Whether every action the document names is one of the `sts:` actions a trust policy
    /// grants: who may assume the role, tag the session, set its source identity.
    pub fn is_trust_policy(&self) -> bool {
        self.names_principals()
            && self.statements.iter().all(|s| {
                !s.action.negated && s.action.values.iter().all(|a| is_trust_action(&a.value))
            })
    }
}

/// The most statements a document may have: far above what IAM's largest policy quota (a KMS key
/// policy's 32,768 characters, some 700 statements) lets a real one hold, and a bound on the work
/// a document makes.
pub const MAX_STATEMENTS: usize = 10_000;

/// Whether an action is one a role's trust policy can grant: the `sts:` actions that assume the
/// role, tag the session, set its source identity or context (or `sts:*`).
pub fn is_trust_action(action: &str) -> bool {
    const TRUST_ACTIONS: &[&str] = &[
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sts:TagSession",
        "sts:SetSourceIdentity",
        "sts:SetContext",
        "sts:*",
    ];
    TRUST_ACTIONS.iter().any(|t| t.eq_ignore_ascii_case(action))
}

/// Reads a policy document from its JSON tree. Returns the statements it could read and the
/// problems it found; `None` when the value is not a policy document at all.
pub fn parse(node: &Node, source: SourceId) -> (Option<PolicyDocument>, Vec<Problem>) {
    parse_as(node, source, true)
}

/// Reads a trust policy: its statements name a `Principal` and no `Resource` (the role itself).
pub fn parse_trust(node: &Node, source: SourceId) -> (Option<PolicyDocument>, Vec<Problem>) {
    parse_as(node, source, false)
}

fn parse_as(
    node: &Node,
    source: SourceId,
    resource_required: bool,
) -> (Option<PolicyDocument>, Vec<Problem>) {
    let mut problems = Vec::new();
    let loc = |span: Span| Loc::new(source, span);
    let Kind::Object(_) = node.kind else {
        problems.push(Problem {
            loc: loc(node.span),
            message: format!(
                "a policy document must be a JSON object, found {}",
                node.type_name()
            ),
        });
        return (None, problems);
    };
    duplicate_keys(node, "the policy", source, &mut problems);
    let version = match node.get("Version") {
        None => None,
        Some(v) => match v.as_str() {
            Some(s) => {
                if s != "2012-10-17" && s != "2008-10-17" {
                    problems.push(Problem {
                        loc: loc(v.span),
                        message: format!(
                            "`Version` must be \"2012-10-17\" (or the older \"2008-10-17\"), found \"{s}\""
                        ),
                    });
                }
                Some(Spanned::new(s.to_string(), loc(v.span)))
            }
            None => {
                problems.push(Problem {
                    loc: loc(v.span),
                    message: format!("`Version` must be a string, found {}", v.type_name()),
                });
                None
            }
        },
    };
    let mut statements = Vec::new();
    let statement_block = match node.get("Statement") {
        None => {
            // Guides show a key policy's or trust policy's statements one at a time.
            let one_statement = node.get("Effect").is_some()
                && (node.get("Action").is_some() || node.get("NotAction").is_some());
            problems.push(Problem {
                loc: loc(node.span),
                message: if one_statement {
                    "this is one statement, not a policy: IAM needs it inside \
                     {\"Version\": \"2012-10-17\", \"Statement\": [ … ]}"
                        .to_string()
                } else {
                    "the policy has no `Statement`".to_string()
                },
            });
            None
        }
        Some(block) => {
            let items: Vec<&Node> = match &block.kind {
                Kind::Array(items) => items.iter().collect(),
                Kind::Object(_) => vec![block],
                _ => {
                    problems.push(Problem {
                        loc: loc(block.span),
                        message: format!(
                            "`Statement` must be an object or an array of objects, found {}",
                            block.type_name()
                        ),
                    });
                    Vec::new()
                }
            };
            if let Some(extra) = items.get(MAX_STATEMENTS) {
                problems.push(Problem {
                    loc: loc(extra.span),
                    message: format!(
                        "the policy has {} statements: no IAM policy holds more than about 700 \
                         (the largest quota, a KMS key policy's, is 32,768 characters), and \
                         ecslint reads at most {MAX_STATEMENTS}: refused",
                        items.len()
                    ),
                });
            }
            let items = if items.len() > MAX_STATEMENTS {
                Vec::new()
            } else {
                items
            };
            for (index, item) in items.into_iter().enumerate() {
                if let Some(statement) =
                    parse_statement(item, index, source, resource_required, &mut problems)
                {
                    statements.push(statement);
                }
            }
            Some(StatementBlock {
                loc: loc(block.span),
                is_array: matches!(block.kind, Kind::Array(_)),
            })
        }
    };
    let document = PolicyDocument {
        source,
        loc: loc(node.span),
        version,
        statements,
        statement_block,
    };
    (Some(document), problems)
}

/// A key written twice in one object: IAM refuses the policy (a JSON reader would keep the last
/// one, and so would this parser).
fn duplicate_keys(node: &Node, what: &str, source: SourceId, problems: &mut Vec<Problem>) {
    let Kind::Object(members) = &node.kind else {
        return;
    };
    if members.len() < 2 {
        return;
    }
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|earlier| earlier.key == m.key) {
            problems.push(Problem {
                loc: Loc::new(source, m.key_span),
                message: format!(
                    "`{}` is written twice in {what}: IAM refuses a policy with a duplicate key (a JSON reader keeps only the last one)",
                    m.key
                ),
            });
        }
    }
}

fn parse_statement(
    node: &Node,
    index: usize,
    source: SourceId,
    resource_required: bool,
    problems: &mut Vec<Problem>,
) -> Option<Statement> {
    duplicate_keys(node, &format!("statement {}", index + 1), source, problems);
    let loc = |span: Span| Loc::new(source, span);
    let mut report = |span: Span, message: String| {
        problems.push(Problem {
            loc: loc(span),
            message,
        })
    };
    if !matches!(node.kind, Kind::Object(_)) {
        report(
            node.span,
            format!("a statement must be an object, found {}", node.type_name()),
        );
        return None;
    }
    let sid = node
        .get("Sid")
        .and_then(|s| s.as_str().map(|v| Spanned::new(v.to_string(), loc(s.span))));
    let effect = match node.get("Effect") {
        None => {
            report(node.span, "the statement has no `Effect`".to_string());
            None
        }
        Some(e) => match e.as_str() {
            Some("Allow") => Some(Spanned::new(Effect::Allow, loc(e.span))),
            Some("Deny") => Some(Spanned::new(Effect::Deny, loc(e.span))),
            Some(other) => {
                report(
                    e.span,
                    format!("`Effect` must be exactly \"Allow\" or \"Deny\", found \"{other}\""),
                );
                None
            }
            None => {
                report(
                    e.span,
                    format!("`Effect` must be a string, found {}", e.type_name()),
                );
                None
            }
        },
    };
    let action = value_list(node, "Action", "NotAction", source, problems);
    // A statement naming a `Principal` is a resource-based policy's: its resource is the one the
    // policy is attached to, which trust policies and ECR repository policies leave unwritten.
    let resource_required =
        resource_required && node.get("Principal").is_none() && node.get("NotPrincipal").is_none();
    let resource = if !resource_required
        && node.get("Resource").is_none()
        && node.get("NotResource").is_none()
    {
        // The resource of a trust policy is the role it is attached to.
        Some(ValueList::new(
            false,
            loc(node.span),
            false,
            vec![Spanned::new("*".to_string(), loc(node.span))],
        ))
    } else {
        value_list(node, "Resource", "NotResource", source, problems)
    };
    let mut conditions = Vec::new();
    let condition = match node.get("Condition") {
        Some(c) if matches!(c.kind, Kind::Object(_)) => {
            conditions = parse_conditions(c, source, problems);
            Some(loc(c.span))
        }
        Some(c) => {
            problems.push(Problem {
                loc: loc(c.span),
                message: format!("`Condition` must be an object, found {}", c.type_name()),
            });
            Some(loc(c.span))
        }
        None => None,
    };
    let principal = parse_principal(node, source, problems);
    let (effect, action, resource) = (effect?, action?, resource?);
    Some(Statement {
        index,
        loc: loc(node.span),
        sid,
        effect,
        action,
        resource,
        condition,
        conditions,
        principal,
    })
}

fn parse_conditions(
    block: &Node,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Vec<ConditionEntry> {
    let loc = |span: Span| Loc::new(source, span);
    let mut out = Vec::new();
    duplicate_keys(block, "the `Condition` block", source, problems);
    for op in block.as_object().unwrap_or_default() {
        let Some(keys) = op.value.as_object() else {
            problems.push(Problem {
                loc: loc(op.value.span),
                message: format!(
                    "condition operator `{}` must map keys to values, found {}",
                    op.key,
                    op.value.type_name()
                ),
            });
            continue;
        };
        duplicate_keys(&op.value, &format!("`{}`", op.key), source, problems);
        for key in keys {
            let items: Vec<&Node> = match &key.value.kind {
                Kind::Array(items) => items.iter().collect(),
                _ => vec![&key.value],
            };
            let mut values = Vec::new();
            for item in items {
                let text = match &item.kind {
                    Kind::String(s) => s.clone(),
                    Kind::Number(n) => n.clone(),
                    Kind::Bool(b) => b.to_string(),
                    _ => {
                        problems.push(Problem {
                            loc: loc(item.span),
                            message: format!(
                                "a condition value must be a string, number or boolean, found {}",
                                item.type_name()
                            ),
                        });
                        continue;
                    }
                };
                values.push(Spanned::new(text, loc(item.span)));
            }
            let texts: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            if let Err((at, message)) = operator::entry_problem(&op.key, &texts) {
                let place = match at {
                    Some(i) => values[i].loc,
                    None => loc(op.key_span),
                };
                // Said once per operator, not once per key under it.
                if !problems.iter().any(|p| p.loc == place) {
                    problems.push(Problem {
                        loc: place,
                        message,
                    });
                }
            }
            out.push(ConditionEntry {
                operator: Spanned::new(op.key.clone(), loc(op.key_span)),
                key: Spanned::new(key.key.clone(), loc(key.key_span)),
                values,
            });
        }
    }
    out
}

fn parse_principal(
    statement: &Node,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Option<PrincipalBlock> {
    let loc = |span: Span| Loc::new(source, span);
    let (node, negated) = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(n), _) => (n, false),
        (None, Some(n)) => (n, true),
        (None, None) => return None,
    };
    let mut block = PrincipalBlock {
        negated,
        loc: loc(node.span),
        anyone: false,
        entries: Vec::new(),
    };
    match &node.kind {
        Kind::String(s) if s == "*" => block.anyone = true,
        Kind::Object(members) => {
            duplicate_keys(node, "the `Principal`", source, problems);
            for m in members {
                let items: Vec<&Node> = match &m.value.kind {
                    Kind::Array(items) => items.iter().collect(),
                    _ => vec![&m.value],
                };
                for item in items {
                    match item.as_str() {
                        Some(v) => block
                            .entries
                            .push((m.key.clone(), Spanned::new(v.to_string(), loc(item.span)))),
                        None => problems.push(Problem {
                            loc: loc(item.span),
                            message: format!(
                                "each `{}` principal must be a string, found {}",
                                m.key,
                                item.type_name()
                            ),
                        }),
                    }
                }
            }
        }
        _ => problems.push(Problem {
            loc: loc(node.span),
            message: format!(
                "`Principal` must be \"*\" or an object such as {{\"AWS\": …}}, found {}",
                node.type_name()
            ),
        }),
    }
    Some(block)
}

fn value_list(
    statement: &Node,
    key: &str,
    not_key: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Option<ValueList> {
    let loc = |span: Span| Loc::new(source, span);
    let (node, negated) = match (statement.get(key), statement.get(not_key)) {
        (Some(_), Some(n)) => {
            problems.push(Problem {
                loc: loc(n.span),
                message: format!("a statement cannot have both `{key}` and `{not_key}`"),
            });
            return None;
        }
        (Some(n), None) => (n, false),
        (None, Some(n)) => (n, true),
        (None, None) => {
            problems.push(Problem {
                loc: loc(statement.span),
                message: format!("the statement has neither `{key}` nor `{not_key}`"),
            });
            return None;
        }
    };
    let name = if negated { not_key } else { key };
    let to_value = |n: &Node| n.as_str().map(|s| Spanned::new(s.to_string(), loc(n.span)));
    let (values, is_array) = match &node.kind {
        Kind::String(_) => (to_value(node).into_iter().collect(), false),
        Kind::Array(items) => {
            let mut values = Vec::new();
            for item in items {
                match to_value(item) {
                    Some(v) => values.push(v),
                    None => problems.push(Problem {
                        loc: loc(item.span),
                        message: format!(
                            "each `{name}` entry must be a string, found {}",
                            item.type_name()
                        ),
                    }),
                }
            }
            (values, true)
        }
        _ => {
            problems.push(Problem {
                loc: loc(node.span),
                message: format!(
                    "`{name}` must be a string or an array of strings, found {}",
                    node.type_name()
                ),
            });
            return None;
        }
    };
    Some(ValueList::new(negated, loc(node.span), is_array, values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn parse_text(text: &str) -> (Option<PolicyDocument>, Vec<Problem>) {
        parse(&json::parse(text).unwrap(), SourceId(0))
    }

    #[test]
    fn a_statement_on_its_own_is_named_as_such() {
        let (_, problems) = parse_text(
            r#"{"Sid": "Enable IAM policies", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}"#,
        );
        assert!(problems[0].message.contains("one statement, not a policy"));
        let (_, problems) = parse_text(r#"{"Version": "2012-10-17"}"#);
        assert_eq!(problems[0].message, "the policy has no `Statement`");
    }

    #[test]
    fn statement_principals_make_a_resource_based_policy_and_trust_is_told_by_its_actions() {
        let (doc, problems) = parse_text(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let doc = doc.unwrap();
        assert!(doc.names_principals() && doc.is_trust_policy());
        let (doc, problems) = parse_text(
            r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage"}]}"#,
        );
        assert!(
            problems.is_empty(),
            "an ECR repository policy has no Resource: {problems:?}"
        );
        let doc = doc.unwrap();
        assert!(doc.names_principals() && !doc.is_trust_policy());
        let (doc, problems) =
            parse_text(r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}"#);
        assert!(!problems.is_empty());
        assert!(!doc.unwrap().names_principals());
    }

    #[test]
    fn statement_object_and_string_fields() {
        let (doc, problems) = parse_text(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let doc = doc.unwrap();
        assert_eq!(doc.statements.len(), 1);
        assert!(!doc.statement_block.unwrap().is_array);
        let s = &doc.statements[0];
        assert_eq!(s.effect.value, Effect::Allow);
        assert!(!s.action.is_array);
        assert_eq!(s.action.values[0].value, "kms:Decrypt");
    }

    #[test]
    fn bad_statements_are_reported_and_the_rest_is_read() {
        let (doc, problems) = parse_text(
            r#"{"Statement":[{"Effect":"allow","Action":"a:b","Resource":"*"},
                {"Effect":"Deny","NotAction":["a:b", 3],"NotResource":"x"}, "oops"]}"#,
        );
        let doc = doc.unwrap();
        assert_eq!(doc.statements.len(), 1);
        assert!(doc.statements[0].action.negated);
        assert!(doc.statements[0].resource.negated);
        let messages: Vec<_> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("\"allow\""));
        assert!(messages[1].contains("must be a string, found a number"));
        assert!(messages[2].contains("must be an object"));
    }

    #[test]
    fn both_action_and_not_action_is_a_problem() {
        let (doc, problems) = parse_text(
            r#"{"Statement":[{"Effect":"Allow","Action":"a:b","NotAction":"c:d","Resource":"*"}]}"#,
        );
        assert!(doc.unwrap().statements.is_empty());
        assert!(problems[0].message.contains("both"));
    }
}

#[cfg(test)]
mod relocate_tests {
    use super::*;

    #[test]
    fn a_relocated_document_is_the_document_parsed_in_place() {
        // Every kind of place the model keeps: Version, Sid, Effect, Action/NotAction,
        // Resource/NotResource, Condition entries, Principal entries, the statement block.
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
             "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}},
            {"Effect": "Deny", "NotAction": "kms:Decrypt", "NotResource": ["*"],
             "Principal": {"AWS": ["arn:aws:iam::123456789012:root"], "Service": "ecs-tasks.amazonaws.com"}}
        ]}"#;
        let node = crate::json::parse(text).unwrap();
        let (placed, _) = parse(&node, SourceId(7));
        let (mut moved, _) = parse(&node, SourceId(usize::MAX));
        let moved_doc = moved.as_mut().unwrap();
        moved_doc.relocate(SourceId(7));
        assert_eq!(format!("{placed:?}"), format!("{moved:?}"));
        assert!(!format!("{moved:?}").contains(&usize::MAX.to_string()));
    }
}
