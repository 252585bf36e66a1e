//! Terraform plans and states as input: what `terraform show -json` prints of a plan
//! (`planned_values`, `resource_changes`, `prior_state`, `configuration`) or of a state
//! (`values`). Read into the same shape as a CloudFormation template's resources
//! ([`Expanded`]), so one loader turns both into the model.
//!
//! Known and unknown. A value the plan knows (`planned_values`, or `prior_state` for what
//! exists, such as an existing secret's real ARN) is used as it is, located where it stands in
//! the plan. A value known only after apply (`after_unknown`) is followed through the
//! configuration's `references` when the attribute is one reference to another resource's
//! attribute (`execution_role_arn = aws_iam_role.exec.arn`): a secret the plan creates is then
//! `…:secret:NAME-??????` (its suffix is six characters no one knows yet), a role
//! `…:role/PATH/NAME`, and a policy document built by `data.aws_iam_policy_document` is rebuilt
//! from the data source's statements. Anything else unknown is a `${terraform …}` expression the
//! template check reports as unresolved, never a guess.
//!
//! Sensitive values never leave this module: every string the plan marks sensitive, or that
//! holds a secret by its attribute's name (`secret_string`, `value` of an SSM parameter, …), is
//! blanked in the text before it is kept as a source, so no report can quote it.

use super::cloudformation::{
    Expanded, PolicySpec, RoleSpec, STAND_IN_ACCOUNT, STAND_IN_REGION, SecretSpec,
};
use crate::json::{Kind, Member, Node};
use crate::model::source::Span;
use std::collections::BTreeMap;

/// Whether a parsed document is `terraform show -json` output (a plan or a state).
pub fn is_plan(node: &Node) -> bool {
    node.get("format_version").is_some()
        && [
            "planned_values",
            "values",
            "resource_changes",
            "prior_state",
        ]
        .iter()
        .any(|k| node.get(k).is_some())
}

/// The format versions ecslint reads: 0.x and 1.x (Terraform's promise: a new major version is
/// not backward-compatible). `Err` says where the version stands and why it is refused.
pub fn check_version(node: &Node) -> Result<(), (Span, String)> {
    let Some(v) = node.get("format_version") else {
        return Ok(());
    };
    let text = v.as_str().unwrap_or("");
    let major = text.split('.').next().and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(0 | 1) => Ok(()),
        _ => Err((
            v.span,
            format!(
                "Terraform JSON format_version {text:?} is not one ecslint reads (0.x and 1.x): a new major version changes the format; use a Terraform that writes 1.x, or a newer ecslint"
            ),
        )),
    }
}

/// Attribute names whose string values are secrets, whatever the plan marks.
const SECRET_KEYS: &[&str] = &[
    "secret_string",
    "secret_binary",
    "secret_string_wo",
    "password",
    "master_password",
    "private_key",
    "token",
    "auth_token",
    "access_key",
    "secret",
    "secret_key",
    "ses_smtp_password_v4",
    "plaintext",
];

/// The text with every sensitive string's content blanked (`*`, byte for byte, so every offset
/// stays), and whether anything was blanked. Sensitive: what `sensitive_values`,
/// `before_sensitive` and `after_sensitive` mark, an SSM parameter's `value`, and the strings of
/// [`SECRET_KEYS`].
pub fn redact(text: &str, plan: &Node) -> String {
    let mut spans: Vec<Span> = Vec::new();
    collect_sensitive(plan, &mut spans);
    if spans.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for span in spans {
        // Inside the quotes only.
        let (start, end) = (span.start + 1, span.end.saturating_sub(1));
        if start < end && end <= bytes.len() {
            bytes[start..end].fill(b'*');
        }
    }
    // Only ASCII bytes inside string tokens were replaced by ASCII: still UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The text with the content of every string-like token blanked (`"…"` → `"***"`, byte for
/// byte): for a plan that is not valid JSON, whose sensitive values cannot be told.
pub fn blank_strings(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut inside = false;
    let mut escaped = false;
    for b in bytes.iter_mut() {
        if inside {
            if escaped {
                escaped = false;
                *b = b'*';
            } else if *b == b'\\' {
                escaped = true;
                *b = b'*';
            } else if *b == b'"' {
                inside = false;
            } else if *b != b'\n' {
                *b = b'*';
            } else {
                // A string does not span lines: the next line starts outside one.
                inside = false;
            }
        } else if *b == b'"' {
            inside = true;
        }
    }
    // Multi-byte characters inside strings became `*` byte by byte; outside, they are intact.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn collect_sensitive(node: &Node, out: &mut Vec<Span>) {
    match &node.kind {
        Kind::Object(members) => {
            // A resource (values + sensitive_values) or a change (after + after_sensitive).
            for (values, marks) in [
                ("values", "sensitive_values"),
                ("after", "after_sensitive"),
                ("before", "before_sensitive"),
            ] {
                if let (Some(v), Some(m)) = (node.get(values), node.get(marks)) {
                    marked(v, m, out);
                }
            }
            // An SSM parameter's `value` (in `values`, `before`, `after`) is its secret.
            let ssm = node.get("type").and_then(Node::as_str) == Some("aws_ssm_parameter");
            if ssm {
                for holder in [
                    node.get("values"),
                    node.get("change").and_then(|c| c.get("before")),
                    node.get("change").and_then(|c| c.get("after")),
                ]
                .into_iter()
                .flatten()
                {
                    if let Some(v) = holder.get("value") {
                        strings(v, out);
                    }
                }
            }
            for m in members {
                if SECRET_KEYS.contains(&m.key.as_str()) || m.key.ends_with("_password") {
                    strings(&m.value, out);
                }
                collect_sensitive(&m.value, out);
            }
        }
        Kind::Array(items) => items.iter().for_each(|i| collect_sensitive(i, out)),
        _ => {}
    }
}

/// The strings of `value` that `marks` (true, or a structure of trues) covers.
fn marked(value: &Node, marks: &Node, out: &mut Vec<Span>) {
    match (&value.kind, &marks.kind) {
        (_, Kind::Bool(true)) => strings(value, out),
        (Kind::Object(members), Kind::Object(_)) => {
            for m in members {
                if let Some(mark) = marks.get(&m.key) {
                    marked(&m.value, mark, out);
                }
            }
        }
        (Kind::Array(items), Kind::Array(ms)) => {
            for (i, m) in items.iter().zip(ms) {
                marked(i, m, out);
            }
        }
        _ => {}
    }
}

/// Every string in `node`.
fn strings(node: &Node, out: &mut Vec<Span>) {
    match &node.kind {
        Kind::String(_) => out.push(node.span),
        Kind::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Kind::Object(ms) => ms.iter().for_each(|m| strings(&m.value, out)),
        _ => {}
    }
}

/// What the command line says (`--region`, `--account-id`).
#[derive(Clone, Debug, Default)]
pub struct Settings<'a> {
    pub region: Option<String>,
    pub account: Option<String>,
    /// The `.tf` sources, when given: what the plan knows only after apply is rebuilt from them.
    pub locator: Option<&'a super::hcl::Locator>,
}

/// One resource instance of the plan.
struct Resource<'n> {
    /// `module.app.aws_iam_role.exec[0]`.
    address: String,
    /// `module.app` (instance keys dropped), "" for the root module.
    module: String,
    data: bool,
    kind: &'n str,
    name: &'n str,
    values: &'n Node,
    /// `after_unknown` of its change: which attributes are known only after apply.
    unknown: Option<&'n Node>,
    /// Its configuration block's `expressions`.
    config: Option<&'n Node>,
}

/// `module.a["x"].aws_y.z[0]` without its instance keys: `module.a.aws_y.z`.
pub fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    let mut quoted = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            match c {
                _ if escaped => escaped = false,
                '\\' if quoted => escaped = true,
                '"' => quoted = !quoted,
                '[' if !quoted => depth += 1,
                ']' if !quoted => depth -= 1,
                _ => {}
            }
            continue;
        }
        if c == '[' {
            depth = 1;
            continue;
        }
        out.push(c);
    }
    out
}

/// The module part of a configuration address (`module.a.module.b`), "" for the root.
pub fn module_of(config_address: &str) -> String {
    let parts: Vec<&str> = config_address.split('.').collect();
    let mut i = 0;
    let mut module = Vec::new();
    while i + 1 < parts.len() && parts[i] == "module" {
        module.push(format!("module.{}", parts[i + 1]));
        i += 2;
    }
    module.join(".")
}

fn walk_module<'n>(module: &'n Node, out: &mut Vec<(&'n Node, String)>) {
    for r in module
        .get("resources")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        if let Some(a) = r.get("address").and_then(Node::as_str) {
            out.push((r, a.to_string()));
        }
    }
    for c in module
        .get("child_modules")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        walk_module(c, out);
    }
}

/// Each module call's folder, relative to the root module's: `("module.app", "modules/app")`,
/// nested calls joined to their parent's. Only local sources (`./…`, `../…`): a registry or git
/// module lives under `.terraform/`, which is not the user's to edit.
pub fn module_dirs(plan: &Node) -> Vec<(String, String)> {
    fn walk(module: &Node, prefix: &str, dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Some(Kind::Object(calls)) = module.get("module_calls").map(|c| &c.kind) else {
            return;
        };
        for call in calls {
            let address = if prefix.is_empty() {
                format!("module.{}", call.key)
            } else {
                format!("{prefix}.module.{}", call.key)
            };
            let Some(source) = call.value.get("source").and_then(Node::as_str) else {
                continue;
            };
            if !(source.starts_with("./") || source.starts_with("../")) {
                continue;
            }
            let here = dir.join(source);
            out.push((address.clone(), here.to_string_lossy().into_owned()));
            if let Some(inner) = call.value.get("module") {
                walk(inner, &address, &here, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(root) = plan.get("configuration").and_then(|c| c.get("root_module")) {
        walk(root, "", std::path::Path::new(""), &mut out);
    }
    out
}

/// Configuration blocks by their configuration address (`module.app.aws_iam_role.exec`).
fn walk_config<'n>(module: &'n Node, prefix: &str, out: &mut BTreeMap<String, &'n Node>) {
    for r in module
        .get("resources")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        if let (Some(a), Some(e)) = (
            r.get("address").and_then(Node::as_str),
            r.get("expressions"),
        ) {
            let key = if prefix.is_empty() {
                a.to_string()
            } else {
                format!("{prefix}.{a}")
            };
            out.insert(key, e);
        }
    }
    if let Some(Kind::Object(calls)) = module.get("module_calls").map(|c| &c.kind) {
        for call in calls {
            if let Some(inner) = call.value.get("module") {
                let p = if prefix.is_empty() {
                    format!("module.{}", call.key)
                } else {
                    format!("{prefix}.module.{}", call.key)
                };
                walk_config(inner, &p, out);
            }
        }
    }
}

struct Reader<'n> {
    resources: Vec<Resource<'n>>,
    /// The `.tf` sources, the module folders the configuration gives, and the plan's root
    /// module variables: what an unknown value is rebuilt from.
    locator: Option<&'n super::hcl::Locator>,
    module_dirs: Vec<(String, String)>,
    variables: Option<&'n Node>,
    region: String,
    account: String,
    partition: String,
    /// What could not be read: where, and why.
    problems: Vec<(Span, String)>,
}

/// A value of an attribute: known where it stands, rebuilt from a reference, or unknown.
enum Value {
    Known(Node),
    Unknown(String),
}

fn text(span: Span, s: String) -> Node {
    Node {
        span,
        kind: Kind::String(s),
    }
}

impl<'n> Reader<'n> {
    fn find(&self, module: &str, reference: &str) -> Option<&Resource<'n>> {
        let key = if module.is_empty() {
            reference.to_string()
        } else {
            format!("{module}.{reference}")
        };
        self.resources
            .iter()
            .find(|r| config_address(&r.address) == key)
    }

    fn arn(&self, service: &str, resource: &str, regional: bool) -> String {
        let region = if regional { self.region.as_str() } else { "" };
        format!(
            "arn:{}:{service}:{region}:{}:{resource}",
            self.partition, self.account
        )
    }

    /// A string attribute's value: known, or followed through its one reference.
    fn value(&self, r: &Resource<'n>, attr: &str, depth: usize) -> Option<Value> {
        let present = |v: &&Node| !matches!(&v.kind, Kind::Null) && v.as_str() != Some("");
        if let Some(v) = r.values.get(attr).filter(present) {
            return Some(Value::Known(v.clone()));
        }
        let unknown = r
            .unknown
            .and_then(|u| u.get(attr))
            .is_some_and(|u| matches!(u.kind, Kind::Bool(true)));
        if !unknown {
            return None;
        }
        let at = r.values.span;
        let expression = r.config.and_then(|c| c.get(attr));
        let references: Vec<&str> = expression
            .and_then(|e| e.get("references"))
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        // `aws_x.y.attr` and `aws_x.y` name one attribute of one resource: follow it. Anything
        // else (a variable, a local, two resources, a module output) is not rebuilt.
        let attribute_refs: Vec<&str> = references
            .iter()
            .copied()
            .filter(|s| names_an_attribute(s))
            .collect();
        let unknown_said =
            || Value::Unknown(format!("terraform {}.{attr}, known after apply", r.address));
        // Terraform 0.12's format lists only the resource (`aws_iam_role.exec`): the attribute
        // is the one the referring attribute takes (`execution_role_arn` an ARN, `role` a name).
        let inferred;
        let reference = match (&attribute_refs[..], &references[..]) {
            ([one], _) => *one,
            ([], [one]) => match implied_attribute(attr) {
                Some(a) => {
                    inferred = format!("{one}.{a}");
                    inferred.as_str()
                }
                None => return Some(unknown_said()),
            },
            _ => return Some(unknown_said()),
        };
        if depth > MAX_REFERENCE_DEPTH {
            return Some(unknown_said());
        }
        let (target, target_attr) = reference.rsplit_once('.')?;
        // Terraform's configuration lists the references of an expression, not its shape: a
        // document attribute that references another resource's ARN is `jsonencode({…})` of it,
        // not that ARN. Only a document is taken for a document.
        if is_document(attr) && !is_document(target_attr) {
            return Some(unknown_said());
        }
        let Some(target) = self.find(&r.module, target) else {
            return Some(unknown_said());
        };
        match self.symbolic(target, target_attr, at, depth + 1) {
            Some(node) => Some(Value::Known(node)),
            None => Some(Value::Unknown(format!(
                "terraform {reference}, known after apply"
            ))),
        }
    }

    /// A known string attribute, or the reference it is rebuilt from.
    fn string(&self, r: &Resource<'n>, attr: &str) -> Option<Node> {
        match self.value(r, attr, 0)? {
            Value::Known(n) => Some(n),
            Value::Unknown(what) => match self.rebuild(r, attr, r.values.span) {
                Ok(Some(n)) => Some(n),
                _ => Some(text(r.values.span, format!("${{{what}}}"))),
            },
        }
    }

    fn known_str(&self, r: &Resource<'n>, attr: &str) -> Option<String> {
        match self.value(r, attr, 0)? {
            Value::Known(n) => n.as_str().map(str::to_string),
            Value::Unknown(_) => None,
        }
    }

    /// What an attribute of a resource the plan creates will be, where it can be told before
    /// apply: names and ARNs built from its known name, a policy document from its statements.
    fn symbolic(&self, r: &Resource<'n>, attr: &str, at: Span, depth: usize) -> Option<Node> {
        // References can loop (a document whose statement names the document itself): past
        // this depth the attribute cannot be told.
        if depth > MAX_REFERENCE_DEPTH {
            return None;
        }
        if let Some(Value::Known(n)) = self.value(r, attr, depth) {
            return Some(n);
        }
        let name = || match self.value(r, "name", depth) {
            Some(Value::Known(n)) => n.as_str().map(str::to_string),
            _ => None,
        };
        let path = || {
            self.value(r, "path", depth)
                .and_then(|v| match v {
                    Value::Known(n) => n.as_str().map(str::to_string),
                    Value::Unknown(_) => None,
                })
                .unwrap_or_else(|| "/".to_string())
        };
        let s = match (r.data, r.kind, attr) {
            (false, "aws_secretsmanager_secret", "arn" | "id") => crate::arn::secret_name_pattern(
                &self.arn("secretsmanager", &format!("secret:{}", name()?), true),
            ),
            (false, "aws_iam_role", "arn") => {
                self.arn("iam", &format!("role{}{}", path(), name()?), false)
            }
            (false, "aws_iam_role", "name" | "id") => name()?,
            (false, "aws_iam_policy", "arn" | "id") => {
                self.arn("iam", &format!("policy{}{}", path(), name()?), false)
            }
            (false, "aws_kms_key", "arn") => {
                self.arn("kms", &format!("key/{}", key_stand_in(&r.address)), true)
            }
            (false, "aws_kms_key", "key_id" | "id") => key_stand_in(&r.address),
            (false, "aws_kms_alias", "arn") => self.arn("kms", &name()?, true),
            (false, "aws_ssm_parameter", "arn") => self.arn(
                "ssm",
                &format!("parameter/{}", name()?.trim_start_matches('/')),
                true,
            ),
            (false, "aws_ssm_parameter", "name" | "id") => name()?,
            (true, "aws_iam_policy_document", "json" | "minified_json") => {
                return self.policy_document(r, at, depth);
            }
            (true, "aws_caller_identity", "account_id") => self.account.clone(),
            _ => return None,
        };
        Some(text(at, s))
    }

    /// Attribute `attr` of `res`, known only after apply, rebuilt from the `.tf` expression that
    /// writes it (`jsonencode([...])` of literals and references the plan can tell); `Err` says
    /// why it cannot be, `Ok(None)` when there are no `.tf` sources to read.
    fn rebuild(&self, res: &Resource<'n>, attr: &str, at: Span) -> Result<Option<Node>, String> {
        let Some(locator) = self.locator else {
            return Ok(None);
        };
        let dir = locator.module_dir(&res.module, &self.module_dirs);
        let Some((file, e)) = locator.attribute(&res.address, attr, dir) else {
            return Err(format!(
                "no one block of the `.tf` files writes `{attr}` of {}",
                res.address
            ));
        };
        let path = &locator.files[file].path;
        let mut resolve = |reference: &str| self.reference(res, reference, file, at, 0);
        match super::hcl::evaluate(e, &mut resolve, 0) {
            Ok(serde_json::Value::String(s)) => Ok(Some(text(at, s))),
            Ok(_) => Err(format!("`{attr}` in {path} is not a string")),
            Err(what) => Err(format!("{what} in {path} is not known before apply")),
        }
    }

    /// What a reference in a `.tf` expression of `res` stands for, where the plan tells it: a
    /// root module variable's value, a local (from the `locals` of the folder of `file`), or
    /// another resource's attribute, known or symbolic.
    fn reference(
        &self,
        res: &Resource<'n>,
        reference: &str,
        file: usize,
        at: Span,
        depth: usize,
    ) -> Option<serde_json::Value> {
        if depth > MAX_REFERENCE_DEPTH {
            return None;
        }
        let parts: Vec<&str> = reference.splitn(2, '.').collect();
        match parts[..] {
            ["var", name] => {
                // A module's variables are its caller's expressions: not followed.
                if !res.module.is_empty() {
                    return None;
                }
                let value = self.variables?.get(name)?.get("value")?;
                return Some(to_json(value));
            }
            ["local", name] => {
                let (f, e) = self.locator?.local(file, name)?;
                let mut resolve = |r: &str| self.reference(res, r, f, at, depth + 1);
                return super::hcl::evaluate(e, &mut resolve, 0).ok();
            }
            _ => {}
        }
        let (target, attr) = reference.rsplit_once('.')?;
        let instance = if res.module.is_empty() {
            target.to_string()
        } else {
            format!("{}.{target}", res.module)
        };
        let target = self
            .resources
            .iter()
            .find(|r| r.address == instance)
            .or_else(|| self.find(&res.module, &config_address(target)))?;
        let node = self.symbolic(target, attr, at, depth + 1)?;
        Some(to_json(&node))
    }

    /// A `data.aws_iam_policy_document` the plan could not render, rebuilt from its
    /// configuration's `statement` blocks when each value is a constant or one reference that can
    /// be told; `None` otherwise.
    fn policy_document(&self, r: &Resource<'n>, at: Span, depth: usize) -> Option<Node> {
        // Each statement's every field may name another document: bound the nesting (a real
        // document is rebuilt from literals and ARNs, at most a level or two away), or a few
        // documents naming one another would be rebuilt exponentially many times.
        if depth > MAX_DOCUMENT_DEPTH {
            return None;
        }
        let statements = r.config?.get("statement")?.as_array()?;
        let mut out = Vec::new();
        for s in statements {
            let mut statement = serde_json::Map::new();
            if let Some(sid) = self.expression(r, s.get("sid"), depth)? {
                statement.insert("Sid".into(), sid);
            }
            let effect = self
                .expression(r, s.get("effect"), depth)?
                .unwrap_or_else(|| serde_json::json!("Allow"));
            statement.insert("Effect".into(), effect);
            for (tf, iam) in [
                ("actions", "Action"),
                ("not_actions", "NotAction"),
                ("resources", "Resource"),
                ("not_resources", "NotResource"),
            ] {
                if let Some(v) = self.expression(r, s.get(tf), depth)? {
                    statement.insert(iam.into(), v);
                }
            }
            for (tf, iam) in [
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
            ] {
                let Some(blocks) = s.get(tf).and_then(Node::as_array) else {
                    continue;
                };
                let mut principal = serde_json::Map::new();
                for b in blocks {
                    let kind = self.expression(r, b.get("type"), depth)??;
                    let ids = self.expression(r, b.get("identifiers"), depth)??;
                    principal.insert(kind.as_str()?.to_string(), ids);
                }
                statement.insert(iam.into(), serde_json::Value::Object(principal));
            }
            if let Some(conditions) = s.get("condition").and_then(Node::as_array) {
                let mut condition = serde_json::Map::new();
                for c in conditions {
                    let test = self.expression(r, c.get("test"), depth)??;
                    let variable = self.expression(r, c.get("variable"), depth)??;
                    let values = self.expression(r, c.get("values"), depth)??;
                    let entry = condition
                        .entry(test.as_str()?.to_string())
                        .or_insert_with(|| serde_json::json!({}));
                    entry
                        .as_object_mut()?
                        .insert(variable.as_str()?.to_string(), values);
                }
                statement.insert("Condition".into(), serde_json::Value::Object(condition));
            }
            out.push(serde_json::Value::Object(statement));
        }
        let document = serde_json::json!({"Version": "2012-10-17", "Statement": out});
        Some(text(at, serde_json::to_string_pretty(&document).ok()?))
    }

    /// A configuration expression as JSON: `Ok(None)` when absent, `None` when it cannot be told.
    fn expression(
        &self,
        r: &Resource<'n>,
        e: Option<&Node>,
        depth: usize,
    ) -> Option<Option<serde_json::Value>> {
        let Some(e) = e else { return Some(None) };
        if let Some(c) = e.get("constant_value") {
            return Some(Some(to_json(c)));
        }
        let references: Vec<&str> = e
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(Node::as_str)
            .filter(|s| names_an_attribute(s))
            .collect();
        let [reference] = references[..] else {
            return None;
        };
        let (target, attr) = reference.rsplit_once('.')?;
        let target = self.find(&r.module, target)?;
        let node = self.symbolic(target, attr, r.values.span, depth + 1)?;
        Some(Some(to_json(&node)))
    }
}

/// How many references are followed from one attribute before it is left unknown.
const MAX_REFERENCE_DEPTH: usize = 8;
/// How deep a policy document is rebuilt inside the references of another.
const MAX_DOCUMENT_DEPTH: usize = 3;

/// Whether a configuration reference names one attribute of one resource
/// (`aws_iam_role.exec.arn`, `data.aws_iam_policy_document.db.json`), not only the resource.
fn names_an_attribute(reference: &str) -> bool {
    let n = reference.split('.').count();
    if reference.starts_with("data.") {
        n == 4
    } else {
        n == 3
    }
}

/// Whether an attribute holds a JSON document (a policy, container definitions), not a name.
fn is_document(attr: &str) -> bool {
    matches!(
        attr,
        "policy" | "assume_role_policy" | "container_definitions" | "json" | "minified_json"
    )
}

/// The attribute of another resource an attribute takes when its expression names only that
/// resource (Terraform 0.12's `references`).
fn implied_attribute(attr: &str) -> Option<&'static str> {
    match attr {
        "role" => Some("name"),
        "policy" => Some("json"),
        "kms_key_id" | "target_key_id" => Some("arn"),
        a if a == "arn" || a.ends_with("_arn") => Some("arn"),
        _ => None,
    }
}

/// The stand-in for the id of a key the plan creates: its address, the same wherever it is used.
fn key_stand_in(address: &str) -> String {
    format!("{}-key-id", address.replace(['[', ']', '"'], ""))
}

fn to_json(node: &Node) -> serde_json::Value {
    match &node.kind {
        Kind::Null => serde_json::Value::Null,
        Kind::Bool(b) => serde_json::Value::Bool(*b),
        Kind::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
        Kind::String(s) => serde_json::Value::String(s.clone()),
        Kind::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Kind::Object(ms) => serde_json::Value::Object(
            ms.iter()
                .map(|m| (m.key.clone(), to_json(&m.value)))
                .collect(),
        ),
    }
}

fn member(key: &str, at: Span, value: Node) -> Member {
    Member {
        key: key.to_string(),
        key_span: at,
        value,
    }
}

/// The strings of a list attribute, each where it stands.
fn string_list(node: Option<&Node>) -> Vec<(String, Span)> {
    node.and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i.as_str().map(|s| (s.to_string(), i.span)))
        .filter(|(s, _)| !s.is_empty())
        .collect()
}

/// A Terraform nested block (a list of one object) as the object, its keys in camelCase as the
/// ECS API spells them (`efs_volume_configuration` → `efsVolumeConfiguration`).
fn api_shape(node: &Node) -> Node {
    let kind = match &node.kind {
        Kind::Object(ms) => Kind::Object(
            ms.iter()
                .filter(|m| !matches!(m.value.kind, Kind::Null))
                .map(|m| {
                    let value = match &m.value.kind {
                        Kind::Array(items)
                            if items.len() == 1 && matches!(items[0].kind, Kind::Object(_)) =>
                        {
                            api_shape(&items[0])
                        }
                        _ => api_shape(&m.value),
                    };
                    member(&camel(&m.key), m.key_span, value)
                })
                .collect(),
        ),
        Kind::Array(items) => Kind::Array(items.iter().map(api_shape).collect()),
        other => other.clone(),
    };
    Node {
        span: node.span,
        kind,
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The region and account the plan states: the AWS provider's `region`, `data.aws_region`,
/// `data.aws_caller_identity`, else the ones its known ARNs name most.
fn region_and_account(plan: &Node, resources: &[Resource<'_>]) -> (Option<String>, Option<String>) {
    let mut region = plan
        .get("configuration")
        .and_then(|c| c.get("provider_config"))
        .and_then(|p| p.get("aws"))
        .and_then(|a| a.get("expressions"))
        .and_then(|e| e.get("region"))
        .and_then(|r| r.get("constant_value"))
        .and_then(Node::as_str)
        .map(str::to_string);
    let mut account = None;
    for r in resources.iter().filter(|r| r.data) {
        let s = |k: &str| r.values.get(k).and_then(Node::as_str).map(str::to_string);
        match r.kind {
            "aws_region" => region = region.or_else(|| s("name").or_else(|| s("region"))),
            "aws_caller_identity" => account = account.or_else(|| s("account_id")),
            _ => {}
        }
    }
    let mut regions: BTreeMap<String, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<String, usize> = BTreeMap::new();
    for r in resources {
        if let Some(arn) = r.values.get("arn").and_then(Node::as_str)
            && let Some(a) = crate::arn::Arn::parse(arn)
        {
            if !a.region.is_empty() {
                *regions.entry(a.region.to_string()).or_default() += 1;
            }
            if a.account.len() == 12 {
                *accounts.entry(a.account.to_string()).or_default() += 1;
            }
        }
    }
    let most = |m: BTreeMap<String, usize>| m.into_iter().max_by_key(|(_, n)| *n).map(|(k, _)| k);
    (
        region.or_else(|| most(regions)),
        account.or_else(|| most(accounts)),
    )
}

/// Reads a plan or state into the template shape. Problems (a task definition whose container
/// definitions are not known before apply) are in `problems` and `undecided`.
pub fn expand(plan: &Node, settings: &Settings) -> Expanded {
    let mut out = Expanded::default();
    let mut found: Vec<(&Node, String)> = Vec::new();
    for root in [
        plan.get("planned_values")
            .and_then(|p| p.get("root_module")),
        plan.get("values").and_then(|p| p.get("root_module")),
        plan.get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|v| v.get("root_module")),
    ]
    .into_iter()
    .flatten()
    {
        walk_module(root, &mut found);
    }
    // Each change entry (address, mode, type, name, change) by its address.
    let entries: BTreeMap<&str, &Node> = plan
        .get("resource_changes")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| Some((c.get("address")?.as_str()?, c)))
        .collect();
    let mut config = BTreeMap::new();
    if let Some(root) = plan.get("configuration").and_then(|c| c.get("root_module")) {
        walk_config(root, "", &mut config);
    }
    let empty = Node {
        span: plan.span,
        kind: Kind::Object(Vec::new()),
    };
    let mut resources: Vec<Resource<'_>> = Vec::new();
    for (node, address) in found {
        // planned_values first: what prior_state says of the same instance is the past.
        if resources.iter().any(|r| r.address == address) {
            continue;
        }
        let key = config_address(&address);
        let change = entries.get(address.as_str()).and_then(|c| c.get("change"));
        // A resource the plan deletes is not there after apply.
        let deleted = change
            .and_then(|c| c.get("actions"))
            .and_then(Node::as_array)
            .is_some_and(|a| a.iter().any(|x| x.as_str() == Some("delete")))
            && change
                .and_then(|c| c.get("after"))
                .is_some_and(|a| matches!(a.kind, Kind::Null));
        if deleted {
            continue;
        }
        resources.push(Resource {
            module: module_of(&key),
            data: node.get("mode").and_then(Node::as_str) == Some("data"),
            kind: node.get("type").and_then(Node::as_str).unwrap_or(""),
            name: node.get("name").and_then(Node::as_str).unwrap_or(""),
            values: node.get("values").unwrap_or(&empty),
            unknown: change.and_then(|c| c.get("after_unknown")),
            config: config.get(&key).copied(),
            address,
        });
    }
    // A resource only resource_changes knows (all of it unknown) is still a resource.
    for (address, c) in &entries {
        if resources.iter().any(|r| r.address == *address) {
            continue;
        }
        let Some(change) = c.get("change") else {
            continue;
        };
        let Some(after) = change
            .get("after")
            .filter(|a| matches!(a.kind, Kind::Object(_)))
        else {
            continue;
        };
        let key = config_address(address);
        resources.push(Resource {
            module: module_of(&key),
            data: c.get("mode").and_then(Node::as_str) == Some("data"),
            kind: c.get("type").and_then(Node::as_str).unwrap_or(""),
            name: c.get("name").and_then(Node::as_str).unwrap_or(""),
            values: after,
            unknown: change.get("after_unknown"),
            config: config.get(&key).copied(),
            address: address.to_string(),
        });
    }
    let (region, account) = region_and_account(plan, &resources);
    let r = Reader {
        region: settings
            .region
            .clone()
            .or(region)
            .unwrap_or_else(|| STAND_IN_REGION.to_string()),
        account: settings
            .account
            .clone()
            .or(account)
            .unwrap_or_else(|| STAND_IN_ACCOUNT.to_string()),
        partition: "aws".to_string(),
        resources,
        locator: settings.locator,
        module_dirs: module_dirs(plan),
        variables: plan.get("variables"),
        problems: Vec::new(),
    };
    // Managed policies the plan holds: ARN → index in `out.policies`.
    let mut managed: Vec<(String, usize)> = Vec::new();
    let mut attachments: Vec<(String, String, Span)> = Vec::new();
    for res in &r.resources {
        let at = res.values.span;
        let s = |attr: &str| r.string(res, attr);
        match (res.data, res.kind) {
            (false, "aws_ecs_task_definition") => {
                let mut members = Vec::new();
                for (tf, api) in [
                    ("family", "family"),
                    ("execution_role_arn", "executionRoleArn"),
                    ("task_role_arn", "taskRoleArn"),
                    ("network_mode", "networkMode"),
                    ("arn", "taskDefinitionArn"),
                ] {
                    if let Some(v) = s(tf) {
                        members.push(member(api, v.span, v));
                    }
                }
                if let Some(v) = res.values.get("requires_compatibilities") {
                    members.push(member("requiresCompatibilities", v.span, v.clone()));
                }
                if let Some(v) = res.values.get("volume") {
                    members.push(member("volumes", v.span, api_shape(v)));
                }
                let arn_known = members.iter().any(|m| m.key == "taskDefinitionArn");
                if !arn_known {
                    let family = r
                        .known_str(res, "family")
                        .unwrap_or_else(|| res.name.to_string());
                    members.push(member(
                        "taskDefinitionArn",
                        at,
                        text(
                            at,
                            r.arn("ecs", &format!("task-definition/{family}:1"), true),
                        ),
                    ));
                }
                let mut defs = s("container_definitions");
                let mut why = None;
                if defs
                    .as_ref()
                    .and_then(Node::as_str)
                    .is_some_and(|d| d.starts_with("${terraform"))
                {
                    match r.rebuild(res, "container_definitions", at) {
                        Ok(Some(rebuilt)) => defs = Some(rebuilt),
                        Ok(None) => {}
                        Err(e) => why = Some(e),
                    }
                }
                match defs {
                    Some(defs) if defs.as_str().is_some_and(|d| !d.starts_with("${terraform")) => {
                        members.push(member("containerDefinitions", defs.span, defs));
                        out.labels.push(res.address.clone());
                        out.task_definitions.push(Node {
                            span: at,
                            kind: Kind::Object(members),
                        });
                    }
                    Some(_) => out.undecided.push((
                        at,
                        match why {
                            Some(why) => format!(
                                "the container definitions of {} are known only after apply and cannot be rebuilt from the `.tf` sources ({why}), so what they reference was not checked",
                                res.address
                            ),
                            None => format!(
                                "the container definitions of {} are known only after apply (they use values the plan does not know yet), so what they reference was not checked; with `--terraform-dir` they are rebuilt from the `.tf` sources where their expression allows, and `terraform show -json` of the state after apply shows them",
                                res.address
                            ),
                        },
                    )),
                    None => {}
                }
            }
            (false, "aws_iam_role") => {
                let name = r
                    .known_str(res, "name")
                    .unwrap_or_else(|| res.address.clone());
                let arn = r
                    .symbolic(res, "arn", at, 0)
                    .and_then(|n| n.as_str().map(str::to_string))
                    .unwrap_or_else(|| r.arn("iam", &format!("role/{name}"), false));
                for p in res
                    .values
                    .get("inline_policy")
                    .and_then(Node::as_array)
                    .unwrap_or_default()
                {
                    if let Some(doc) = p
                        .get("policy")
                        .filter(|d| d.as_str().is_some_and(|t| !t.is_empty()))
                    {
                        out.policies.push(PolicySpec {
                            roles: vec![name.clone()],
                            name: p
                                .get("name")
                                .and_then(Node::as_str)
                                .unwrap_or(res.name)
                                .to_string(),
                            document: doc.clone(),
                            boundary: false,
                            field: Some(format!("{}.inline_policy", res.address)),
                        });
                    }
                }
                out.roles.push(RoleSpec {
                    name,
                    arn,
                    span: at,
                    trust: s("assume_role_policy").filter(|t| !is_unknown(t)),
                    trust_field: Some(format!("{}.assume_role_policy", res.address)),
                    boundary: s("permissions_boundary")
                        .and_then(|b| b.as_str().map(|t| (t.to_string(), b.span))),
                    managed: string_list(res.values.get("managed_policy_arns")),
                });
            }
            (false, "aws_iam_role_policy") => {
                let Some(doc) = s("policy") else { continue };
                let Some(role) = r.known_str(res, "role") else {
                    if let Some(role) = s("role") {
                        r_unknown(&mut out, &role, &res.address, "role");
                    }
                    continue;
                };
                // `role` takes the role's name (its id is its name).
                if is_unknown(&doc) {
                    r_unknown(&mut out, &doc, &res.address, "policy");
                    continue;
                }
                out.policies.push(PolicySpec {
                    roles: vec![role],
                    name: r
                        .known_str(res, "name")
                        .unwrap_or_else(|| res.name.to_string()),
                    document: doc,
                    boundary: false,
                    field: Some(format!("{}.policy", res.address)),
                });
            }
            (_, "aws_iam_policy") => {
                let Some(doc) = s("policy") else { continue };
                if is_unknown(&doc) {
                    r_unknown(&mut out, &doc, &res.address, "policy");
                    continue;
                }
                if let Some(arn) = r
                    .symbolic(res, "arn", at, 0)
                    .and_then(|n| n.as_str().map(str::to_string))
                {
                    managed.push((arn, out.policies.len()));
                }
                out.policies.push(PolicySpec {
                    roles: Vec::new(),
                    name: r
                        .known_str(res, "name")
                        .unwrap_or_else(|| res.name.to_string()),
                    document: doc,
                    boundary: false,
                    field: Some(format!("{}.policy", res.address)),
                });
            }
            (false, "aws_iam_role_policy_attachment") => {
                if let (Some(role), Some(arn)) = (r.known_str(res, "role"), s("policy_arn")) {
                    if is_unknown(&arn) {
                        r_unknown(&mut out, &arn, &res.address, "policy_arn");
                    } else if let Some(a) = arn.as_str() {
                        attachments.push((role, a.to_string(), arn.span));
                    }
                }
            }
            (false, "aws_iam_policy_attachment") => {
                if let Some(arn) =
                    s("policy_arn").and_then(|a| a.as_str().map(|t| (t.to_string(), a.span)))
                {
                    for (role, _) in string_list(res.values.get("roles")) {
                        attachments.push((role, arn.0.clone(), arn.1));
                    }
                }
            }
            (_, "aws_secretsmanager_secret") => {
                let Some(arn) = r
                    .symbolic(res, "arn", at, 0)
                    .and_then(|n| n.as_str().map(str::to_string))
                else {
                    continue;
                };
                let name = r
                    .known_str(res, "name")
                    .unwrap_or_else(|| res.name.to_string());
                out.secrets.push(SecretSpec {
                    arn,
                    name,
                    span: at,
                    kms_key_id: s("kms_key_id")
                        .filter(|k| !is_unknown(k) && k.as_str().is_some_and(|t| !t.is_empty()))
                        .and_then(|k| k.as_str().map(|t| (t.to_string(), k.span))),
                });
            }
            (false, "aws_secretsmanager_secret_policy") => {
                if let (Some(arn), Some(doc)) = (s("secret_arn"), s("policy"))
                    && let Some(arn) = arn.as_str()
                    && !is_unknown(&doc)
                {
                    out.resource_policies.push((arn.to_string(), false, doc));
                }
            }
            (_, "aws_kms_key") => {
                if let (Some(arn), Some(doc)) = (r.symbolic(res, "arn", at, 0), s("policy"))
                    && let Some(arn) = arn.as_str()
                    && !is_unknown(&doc)
                {
                    out.resource_policies.push((arn.to_string(), true, doc));
                }
            }
            (_, "aws_kms_alias") => {
                if let (Some(name), Some(target)) =
                    (r.known_str(res, "name"), r.string(res, "target_key_id"))
                    && let Some(target) = target.as_str()
                {
                    let id = target.rsplit('/').next().unwrap_or(target).to_string();
                    out.aliases.push((r.arn("kms", &name, true), id));
                }
            }
            (_, "aws_ssm_parameter") => {
                let Some(name) = r.known_str(res, "name") else {
                    continue;
                };
                let kind = r.known_str(res, "type");
                let arn = r.arn(
                    "ssm",
                    &format!("parameter/{}", name.trim_start_matches('/')),
                    true,
                );
                out.parameters.push((name, kind, arn, at));
            }
            _ => {}
        }
    }
    for (role, arn, span) in attachments {
        match managed.iter().find(|(m, _)| *m == arn) {
            Some((_, i)) => {
                if !out.policies[*i].roles.contains(&role) {
                    out.policies[*i].roles.push(role);
                }
            }
            None => {
                if let Some(spec) = out.roles.iter_mut().find(|x| x.name == role) {
                    spec.managed.push((arn, span));
                }
            }
        }
    }
    // A role's `managed_policy_arns` naming a policy the plan holds: that policy.
    for role in &mut out.roles {
        role.managed
            .retain(|(arn, _)| match managed.iter().find(|(m, _)| m == arn) {
                Some((_, i)) => {
                    if !out.policies[*i].roles.contains(&role.name) {
                        out.policies[*i].roles.push(role.name.clone());
                    }
                    false
                }
                None => true,
            });
    }
    out.problems.extend(r.problems);
    out
}

/// Whether a value stands for something known only after apply.
fn is_unknown(node: &Node) -> bool {
    node.as_str().is_some_and(|s| s.starts_with("${terraform"))
}

fn r_unknown(out: &mut Expanded, node: &Node, address: &str, attr: &str) {
    out.undecided.push((
        node.span,
        format!(
            "`{attr}` of {address} is known only after apply and could not be rebuilt from the configuration, so what the policy grants was not checked"
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_keys_are_dropped_from_addresses() {
        assert_eq!(
            config_address(r#"module.app["a.b[0]"].aws_iam_role.exec[0]"#),
            "module.app.aws_iam_role.exec"
        );
        assert_eq!(config_address("aws_iam_role.exec"), "aws_iam_role.exec");
        assert_eq!(module_of("module.a.module.b.aws_x.y"), "module.a.module.b");
        assert_eq!(module_of("data.aws_x.y"), "");
    }

    #[test]
    fn sensitive_strings_are_blanked_byte_for_byte() {
        let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[
{"address":"aws_secretsmanager_secret_version.v","type":"aws_secretsmanager_secret_version","values":{"secret_string":"hunter2-é","secret_id":"x"},"sensitive_values":{}},
{"address":"aws_ssm_parameter.p","type":"aws_ssm_parameter","values":{"name":"/a","value":"s3cr3t"},"sensitive_values":{"value":true}},
{"address":"aws_db_instance.d","type":"aws_db_instance","values":{"tags":{"k":"marked"}},"sensitive_values":{"tags":{"k":true}}}]}}}"#;
        let plan = crate::json::parse(text).unwrap();
        let redacted = redact(text, &plan);
        assert_eq!(redacted.len(), text.len());
        for secret in ["hunter2", "s3cr3t", "marked"] {
            assert!(!redacted.contains(secret), "{redacted}");
        }
        assert!(redacted.contains("\"name\":\"/a\"") && redacted.contains("\"secret_id\":\"x\""));
        crate::json::parse(&redacted).unwrap();
    }
}
