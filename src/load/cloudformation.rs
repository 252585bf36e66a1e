//! CloudFormation templates (JSON or YAML, and what `cdk synth` writes) as input: the stack's task
//! definitions, roles, policies, secrets and keys, read with the intrinsic functions resolved as
//! CloudFormation resolves them, spans kept on the template's own lines.
//!
//! What cannot be known before the stack exists stays symbolic, never guessed: a secret the
//! template creates has the ARN `…:secret:NAME-??????` (its suffix is six characters no one knows
//! yet, so `NAME-??????`, `NAME-*` and `Ref` on both sides match it and the display name does
//! not); `Fn::ImportValue`, a condition ecslint cannot decide, a parameter with no value become a
//! `${Fn::… …}` expression the template check reports as unresolved.

use crate::json::{Kind, Member, Node};
use crate::model::source::Span;
use std::collections::BTreeMap;

/// What the command line says about the stack: parameter values, its region and account.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub parameters: Vec<(String, String)>,
    pub region: Option<String>,
    pub account: Option<String>,
    /// The deployed stack's name, for `AWS::StackName`.
    pub stack_name: Option<String>,
    /// The deployed stack's resources, logical id to physical id (`describe-stack-resources`):
    /// `Ref` and `Fn::GetAtt` give the names and ARNs the stack really has, not symbolic ones.
    pub physical: BTreeMap<String, String>,
    /// What the deployed stack's SSM-typed parameters (`AWS::SSM::Parameter::Value<…>`) resolved
    /// to (`ResolvedValue` of `describe-stacks`): offline, their value is what SSM holds, unknown.
    pub resolved: Vec<(String, String)>,
    /// The `.tf` sources (`--terraform-dir`): a plan's value known only after apply is rebuilt
    /// from the expression that writes it where that expression can be told.
    pub terraform: Option<std::sync::Arc<crate::load::hcl::Locator>>,
}

/// A deployed stack as the AWS CLI describes it: `describe-stack-resources` (or
/// `list-stack-resources`) for its physical ids, `describe-stacks` for its parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deployed {
    /// Empty when the document does not say (`list-stack-resources`).
    pub name: String,
    /// From the stack's ARN.
    pub region: Option<String>,
    pub account: Option<String>,
    pub physical: BTreeMap<String, String>,
    /// The deployed parameter values; a `NoEcho` one (`****`) is left out, as unknown.
    pub parameters: Vec<(String, String)>,
    /// The values SSM-typed parameters resolved to.
    pub resolved: Vec<(String, String)>,
}

impl Deployed {
    /// This stack's facts under what the command line says, which wins (`--parameter`,
    /// `--region`, `--account-id`).
    pub fn settings(&self, given: &Settings) -> Settings {
        let mut parameters = self.parameters.clone();
        parameters.extend(given.parameters.iter().cloned());
        Settings {
            parameters,
            region: given.region.clone().or_else(|| self.region.clone()),
            account: given.account.clone().or_else(|| self.account.clone()),
            stack_name: Some(self.name.clone()).filter(|n| !n.is_empty()),
            physical: self.physical.clone(),
            resolved: self.resolved.clone(),
            terraform: given.terraform.clone(),
        }
    }

    /// Adds what another document says of the same stack.
    pub fn merge(&mut self, other: Deployed) {
        if self.name.is_empty() {
            self.name = other.name;
        }
        self.region = self.region.take().or(other.region);
        self.account = self.account.take().or(other.account);
        self.physical.extend(other.physical);
        self.parameters.extend(other.parameters);
        self.resolved.extend(other.resolved);
    }
}

/// The stacks a `describe-stack-resources`, `list-stack-resources` or `describe-stacks` output
/// describes, in the order they appear; `None` when the document is none of these.
pub fn read_deployed(node: &Node) -> Option<Vec<Deployed>> {
    let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
    /// The entry of the stack `name`, added when new.
    fn at(out: &mut Vec<Deployed>, name: String, id: Option<String>) -> usize {
        if let Some(i) = out.iter().position(|d| d.name == name) {
            return i;
        }
        // arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID
        let fields: Vec<String> = id
            .as_deref()
            .map(|a| a.split(':').map(str::to_string).collect())
            .unwrap_or_default();
        let field = |i: usize| fields.get(i).filter(|f| !f.is_empty()).cloned();
        out.push(Deployed {
            name,
            region: field(3),
            account: field(4),
            ..Deployed::default()
        });
        out.len() - 1
    }
    let mut out: Vec<Deployed> = Vec::new();
    let resources = node
        .get("StackResources")
        .or_else(|| node.get("StackResourceSummaries"));
    if let Some(list) = resources {
        for r in list.as_array()? {
            let i = at(
                &mut out,
                text(r, "StackName").unwrap_or_default(),
                text(r, "StackId"),
            );
            if let (Some(logical), Some(physical)) =
                (text(r, "LogicalResourceId"), text(r, "PhysicalResourceId"))
            {
                out[i].physical.insert(logical, physical);
            }
        }
        return Some(out);
    }
    let stacks = node.get("Stacks")?.as_array()?;
    for s in stacks {
        let i = at(
            &mut out,
            text(s, "StackName").unwrap_or_default(),
            text(s, "StackId"),
        );
        for p in s
            .get("Parameters")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            if let (Some(k), Some(v)) = (text(p, "ParameterKey"), text(p, "ParameterValue"))
                && v != "****"
            {
                if let Some(resolved) = text(p, "ResolvedValue") {
                    out[i].resolved.push((k.clone(), resolved));
                }
                out[i].parameters.push((k, v));
            }
        }
    }
    Some(out)
}

/// The region and account a template or plan is read in when nothing says them: stand-ins, the
/// same on both sides of every comparison (a map keyed by them is not looked up).
pub const STAND_IN_REGION: &str = "us-east-1";
pub const STAND_IN_ACCOUNT: &str = "123456789012";

/// A resource of the template.
struct Resource<'n> {
    kind: &'n str,
    properties: Option<&'n Node>,
}

/// What the template holds, API-shaped where ecslint reads it.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Task definitions, their properties renamed to the ECS API's (and resolved).
    pub task_definitions: Vec<Node>,
    /// What names each task definition, where the input says (a plan's resource address).
    pub labels: Vec<String>,
    /// Roles: logical id, name, ARN, the resolved trust policy.
    pub roles: Vec<RoleSpec>,
    /// Identity policies: the role names they attach to, a name, the resolved document.
    pub policies: Vec<PolicySpec>,
    /// Secrets the template creates or names: ARN (symbolic for created ones), name, key.
    pub secrets: Vec<SecretSpec>,
    /// Resource and key policies: the resource's ARN, whether a key policy, the document.
    pub resource_policies: Vec<(String, bool, Node)>,
    /// KMS aliases: the alias's ARN and the id of the key it points at.
    pub aliases: Vec<(String, String)>,
    /// SSM parameters: name, type, ARN, where.
    pub parameters: Vec<(String, Option<String>, String, Span)>,
    /// `Fn::If`s only the deployment decides, read with their branch that has a value: where,
    /// and what to say.
    pub undecided: Vec<(Span, String)>,
    /// Each resource's extent and its CDK construct path (`aws:cdk:path` metadata).
    pub constructs: Vec<(Span, String)>,
    /// What CloudFormation itself would refuse (a `Ref` to a missing logical id, a circular
    /// reference): where, and why. Each once.
    pub problems: Vec<(Span, String)>,
}

#[derive(Debug)]
pub struct RoleSpec {
    pub name: String,
    pub arn: String,
    pub span: Span,
    pub trust: Option<Node>,
    /// What names the trust policy where it is embedded as a string; `None`:
    /// `AssumeRolePolicyDocument`.
    pub trust_field: Option<String>,
    pub boundary: Option<(String, Span)>,
    pub managed: Vec<(String, Span)>,
}

#[derive(Debug)]
pub struct PolicySpec {
    pub roles: Vec<String>,
    pub name: String,
    pub document: Node,
    pub boundary: bool,
    /// What names the document where it is embedded as a string (a plan's
    /// `module.app.aws_iam_role_policy.exec.policy`); `None`: `PolicyDocument`.
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct SecretSpec {
    pub arn: String,
    pub name: String,
    pub span: Span,
    pub kms_key_id: Option<(String, Span)>,
}

/// Whether a template's text is JSON (else it is read as YAML).
pub fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Whether a parsed file is a CloudFormation template.
pub fn is_template(node: &Node) -> bool {
    node.get("Resources")
        .is_some_and(|r| matches!(r.kind, Kind::Object(_)))
        && (node.get("AWSTemplateFormatVersion").is_some()
            || node
                .get("Resources")
                .and_then(|r| match &r.kind {
                    Kind::Object(ms) => ms.first(),
                    _ => None,
                })
                .and_then(|m| m.value.get("Type"))
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("AWS::") || t.starts_with("Custom::")))
}

struct Resolver<'n> {
    resources: BTreeMap<&'n str, Resource<'n>>,
    /// The template's `Conditions`, by name.
    conditions: BTreeMap<&'n str, &'n Node>,
    /// The template's `Mappings`, by name.
    mappings: BTreeMap<&'n str, &'n Node>,
    /// Whether `region` and `account` are stand-ins (nothing said them): a map keyed by them is
    /// then not looked up, as its row would be a guess.
    region_guessed: bool,
    account_guessed: bool,
    parameters: BTreeMap<String, Option<String>>,
    region: String,
    account: String,
    partition: String,
    stack_name: String,
    /// The deployed stack's physical ids, by logical id.
    physical: BTreeMap<String, String>,
    /// Logical ids being resolved, against circular references.
    visiting: Vec<String>,
    problems: Vec<(Span, String)>,
    /// `Fn::If`s whose condition only the deployment decides, read with the branch that has a
    /// value: where, and the condition.
    undecided: Vec<(Span, String)>,
    /// Conditions only the deployment decides that choose between two values.
    two_values: Vec<String>,
    /// Conditions taken as true or false, to read a task definition in each world.
    assume: BTreeMap<String, bool>,
}

/// The expression that stands for what cannot be resolved offline: the template check reports it
/// where it stands.
fn unresolved(what: &str, span: Span) -> Node {
    Node {
        span,
        kind: Kind::String(format!("${{Fn::{what}}}")),
    }
}

fn text(span: Span, s: String) -> Node {
    Node {
        span,
        kind: Kind::String(s),
    }
}

/// `AWS::NoValue`: the property is dropped.
const NO_VALUE: &str = "\u{0}AWS::NoValue";

impl<'n> Resolver<'n> {
    /// The secret's name as the template sets it, or the one CloudFormation would generate.
    fn secret_name(&mut self, logical: &str) -> String {
        let props = self.resources.get(logical).and_then(|r| r.properties);
        match props.and_then(|p| p.get("Name")) {
            Some(n) => {
                let n = n.clone();
                match self.resolve(&n).kind {
                    Kind::String(s) if !s.contains("${") => s,
                    _ => logical.to_string(),
                }
            }
            None => logical.to_string(),
        }
    }

    fn named(&mut self, logical: &str, key: &str) -> Option<String> {
        let node = self.resources.get(logical)?.properties?.get(key)?.clone();
        match self.resolve(&node).kind {
            Kind::String(s) if !s.contains("${") => Some(s),
            _ => None,
        }
    }

    /// A resource's name as its `key` property sets it; its logical id when it has none (the
    /// stand-in for the name CloudFormation generates, the same wherever it is used); `None` when
    /// the property is there but known only at deploy time: another name would be a guess.
    fn name_of(&mut self, logical: &str, key: &str) -> Option<String> {
        if let Some(name) = self.physical.get(logical) {
            return Some(name.clone());
        }
        let given = self
            .resources
            .get(logical)
            .and_then(|r| r.properties)
            .is_some_and(|p| p.get(key).is_some());
        match self.named(logical, key) {
            Some(name) => Some(name),
            None if given => None,
            None => Some(logical.to_string()),
        }
    }

    /// A task definition with the ARN `Ref` gives it, which tells the task's region and account
    /// (a bare SSM parameter name or log group is in them), as a deployed task definition's
    /// `taskDefinitionArn` does. Where the key stands, since no text of the template holds it.
    fn with_arn(&mut self, mut td: Node, logical: &str, at: Span) -> Node {
        let arn = self.reference(logical, at);
        if let (Kind::Object(members), Some(arn)) = (&mut td.kind, arn.as_str())
            && !members.iter().any(|m| m.key == "taskDefinitionArn")
            && !arn.contains("${")
        {
            members.push(Member {
                key: "taskDefinitionArn".to_string(),
                key_span: at,
                value: text(at, arn.to_string()),
            });
        }
        td
    }

    /// A role's name: the deployed one, the template's `RoleName`, else its logical id.
    fn role_name(&mut self, logical: &str) -> String {
        if let Some(name) = self.physical.get(logical) {
            return name.clone();
        }
        self.named(logical, "RoleName")
            .unwrap_or_else(|| logical.to_string())
    }

    /// A key's id: the deployed one, else a stand-in named after its logical id.
    fn key_id(&self, logical: &str) -> String {
        match self.physical.get(logical) {
            Some(id) => id.clone(),
            None => format!("{logical}-key-id"),
        }
    }

    /// A secret's ARN: the deployed one (with its real suffix), else the symbolic one.
    fn secret_arn(&mut self, logical: &str) -> String {
        if let Some(arn) = self.physical.get(logical) {
            return arn.clone();
        }
        let name = self.secret_name(logical);
        self.created_secret(&name)
    }

    /// The ARN of a secret the template creates: its name and six characters no one knows yet
    /// (`arn.rs` builds the `NAME-??????` form).
    fn created_secret(&self, name: &str) -> String {
        crate::arn::secret_name_pattern(&self.arn(
            "secretsmanager",
            &format!("secret:{name}"),
            true,
        ))
    }

    fn arn(&self, service: &str, resource: &str, regional: bool) -> String {
        let region = if regional { self.region.as_str() } else { "" };
        let account = self.account.as_str();
        format!(
            "arn:{}:{service}:{region}:{account}:{resource}",
            self.partition
        )
    }

    /// What `Ref` returns for a logical id: a parameter's value, or the resource's documented
    /// return value (a role's name, a secret's ARN, a managed policy's ARN, a key's id).
    fn reference(&mut self, name: &str, span: Span) -> Node {
        match name {
            "AWS::Region" => return text(span, self.region.clone()),
            "AWS::AccountId" => return text(span, self.account.clone()),
            "AWS::Partition" => return text(span, self.partition.clone()),
            "AWS::URLSuffix" => return text(span, "amazonaws.com".to_string()),
            "AWS::StackName" => return text(span, self.stack_name.clone()),
            "AWS::NoValue" => return text(span, NO_VALUE.to_string()),
            _ => {}
        }
        if let Some(value) = self.parameters.get(name) {
            return match value {
                Some(v) => text(span, v.clone()),
                None => unresolved(&format!("Ref {name}"), span),
            };
        }
        if self.visiting.iter().any(|v| v == name) {
            self.problems.push((
                span,
                format!("`Ref {name}` refers to itself, through the resources it names"),
            ));
            return unresolved(&format!("Ref {name}"), span);
        }
        let Some(kind) = self.resources.get(name).map(|r| r.kind) else {
            self.problems.push((
                span,
                format!("`Ref {name}`: the template has no resource or parameter `{name}`"),
            ));
            return unresolved(&format!("Ref {name}"), span);
        };
        // A deployed resource: `Ref` gives its physical id (a secret's ARN, a role's name, a key's
        // id, a parameter's name), as CloudFormation does.
        if let Some(id) = self.physical.get(name) {
            return text(span, id.clone());
        }
        self.visiting.push(name.to_string());
        let out = match kind {
            "AWS::SecretsManager::Secret" => Some(self.secret_arn(name)),
            "AWS::IAM::Role" => Some(self.role_name(name)),
            "AWS::IAM::ManagedPolicy" => self
                .name_of(name, "ManagedPolicyName")
                .map(|n| self.arn("iam", &format!("policy/{n}"), false)),
            "AWS::KMS::Key" => Some(format!("{name}-key-id")),
            "AWS::KMS::Alias" => self.named(name, "AliasName"),
            "AWS::SSM::Parameter" => self.name_of(name, "Name"),
            "AWS::Logs::LogGroup" => self.name_of(name, "LogGroupName"),
            "AWS::ECS::TaskDefinition" => {
                Some(self.arn("ecs", &format!("task-definition/{name}:1"), true))
            }
            _ => None,
        };
        self.visiting.pop();
        match out {
            Some(v) => text(span, v),
            None => unresolved(&format!("Ref {name}"), span),
        }
    }

    /// `Fn::GetAtt`: the attributes ecslint reads (`Role.Arn`, `Key.Arn`, `LogGroup.Arn`, …).
    fn attribute(&mut self, logical: &str, attr: &str, span: Span) -> Node {
        let Some(kind) = self.resources.get(logical).map(|r| r.kind) else {
            self.problems.push((
                span,
                format!("`Fn::GetAtt {logical}.{attr}`: the template has no resource `{logical}`"),
            ));
            return unresolved(&format!("GetAtt {logical}.{attr}"), span);
        };
        let value = match (kind, attr) {
            ("AWS::IAM::Role", "Arn") => {
                let n = self.role_name(logical);
                let path = self
                    .named(logical, "Path")
                    .unwrap_or_else(|| "/".to_string());
                Some(self.arn("iam", &format!("role{path}{n}"), false))
            }
            ("AWS::IAM::Role", "RoleId") => Some(format!("{logical}-role-id")),
            ("AWS::KMS::Key", "Arn") => {
                let id = self.key_id(logical);
                Some(self.arn("kms", &format!("key/{id}"), true))
            }
            ("AWS::KMS::Key", "KeyId") => Some(self.key_id(logical)),
            ("AWS::SecretsManager::Secret", "Id") => Some(self.secret_arn(logical)),
            ("AWS::Logs::LogGroup", "Arn") => self
                .name_of(logical, "LogGroupName")
                .map(|n| self.arn("logs", &format!("log-group:{n}:*"), true)),
            ("AWS::SSM::Parameter", "Value") => None,
            _ => None,
        };
        match value {
            Some(v) => text(span, v),
            None => unresolved(&format!("GetAtt {logical}.{attr}"), span),
        }
    }

    /// `Fn::Sub`: `${Name}`, `${Name.Attr}`, `${!Literal}`, the pseudo parameters, and the
    /// variables of its two-argument form.
    fn sub(&mut self, template: &str, vars: &BTreeMap<String, Node>, span: Span) -> Node {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let inner = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = inner.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let value = if let Some(v) = vars.get(inner) {
                self.resolve(v)
            } else if let Some((logical, attr)) = inner.split_once('.') {
                self.attribute(logical, attr, span)
            } else {
                self.reference(inner, span)
            };
            match value.kind {
                Kind::String(s) => out.push_str(&s),
                Kind::Number(n) => out.push_str(&n),
                _ => out.push_str(&format!("${{Fn::Sub {inner}}}")),
            }
        }
        out.push_str(rest);
        text(span, out)
    }

    /// The node with every intrinsic it holds resolved.
    fn resolve(&mut self, node: &Node) -> Node {
        match &node.kind {
            Kind::Object(members) if members.len() == 1 && is_intrinsic(&members[0].key) => {
                self.intrinsic(&members[0].key, &members[0].value, node.span)
            }
            Kind::Object(members) => Node {
                span: node.span,
                kind: Kind::Object(
                    members
                        .iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            key_span: m.key_span,
                            value: self.resolve(&m.value),
                        })
                        .filter(|m| m.value.as_str() != Some(NO_VALUE))
                        .collect(),
                ),
            },
            Kind::Array(items) => Node {
                span: node.span,
                kind: Kind::Array(
                    items
                        .iter()
                        .map(|i| self.resolve(i))
                        .filter(|i| i.as_str() != Some(NO_VALUE))
                        .collect(),
                ),
            },
            _ => node.clone(),
        }
    }

    fn intrinsic(&mut self, function: &str, arg: &Node, span: Span) -> Node {
        let strings = |n: &Node| -> Vec<String> {
            n.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        match function {
            "Ref" => match arg.as_str() {
                Some(name) => self.reference(name, arg.span),
                None => unresolved("Ref", span),
            },
            "Fn::GetAtt" => {
                let parts: Vec<String> = match &arg.kind {
                    Kind::String(s) => s.splitn(2, '.').map(str::to_string).collect(),
                    Kind::Array(_) => strings(arg),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [logical, attr] => self.attribute(logical, attr, arg.span),
                    _ => unresolved("GetAtt", span),
                }
            }
            "Fn::Sub" => match &arg.kind {
                Kind::String(t) => self.sub(t, &BTreeMap::new(), arg.span),
                Kind::Array(items) if !items.is_empty() => {
                    let vars: BTreeMap<String, Node> = match items.get(1).map(|v| &v.kind) {
                        Some(Kind::Object(ms)) => ms
                            .iter()
                            .map(|m| (m.key.clone(), m.value.clone()))
                            .collect(),
                        _ => BTreeMap::new(),
                    };
                    match items[0].as_str() {
                        Some(t) => self.sub(t, &vars, items[0].span),
                        None => unresolved("Sub", span),
                    }
                }
                _ => unresolved("Sub", span),
            },
            "Fn::Join" => {
                let Some([sep, list]) = arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok())
                else {
                    return unresolved("Join", span);
                };
                let sep = sep.as_str().unwrap_or("").to_string();
                let list = self.resolve(list);
                let Some(items) = list.as_array() else {
                    return unresolved("Join", span);
                };
                let mut parts = Vec::new();
                for i in items {
                    match &i.kind {
                        Kind::String(s) => parts.push(s.clone()),
                        Kind::Number(n) => parts.push(n.clone()),
                        _ => parts.push("${Fn::Join part}".to_string()),
                    }
                }
                text(span, parts.join(&sep))
            }
            "Fn::Select" => {
                let Some([index, list]) =
                    arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok())
                else {
                    return unresolved("Select", span);
                };
                let index = self.resolve(index);
                let i = match &index.kind {
                    Kind::Number(n) | Kind::String(n) => n.parse::<usize>().ok(),
                    _ => None,
                };
                let list = self.resolve(list);
                match (i, list.as_array()) {
                    (Some(i), Some(items)) if i < items.len() => items[i].clone(),
                    _ => unresolved("Select", span),
                }
            }
            "Fn::Split" => {
                let Some([sep, source]) =
                    arg.as_array().and_then(|a| <&[Node; 2]>::try_from(a).ok())
                else {
                    return unresolved("Split", span);
                };
                let source = self.resolve(source);
                match (sep.as_str(), source.as_str()) {
                    (Some(sep), Some(s)) if !sep.is_empty() && !s.contains("${") => Node {
                        span,
                        kind: Kind::Array(
                            s.split(sep).map(|p| text(span, p.to_string())).collect(),
                        ),
                    },
                    _ => unresolved("Split", span),
                }
            }
            "Fn::If" => {
                let Some([name, yes, no]) =
                    arg.as_array().and_then(|a| <&[Node; 3]>::try_from(a).ok())
                else {
                    return unresolved("If", span);
                };
                let name = name.as_str().unwrap_or("");
                match self.condition(name, span) {
                    Some(true) => self.resolve(yes),
                    Some(false) => self.resolve(no),
                    None => {
                        // Not decided before deployment. A property or list item that exists in
                        // one branch only is read as existing (what it needs is worth checking);
                        // two values leave it unresolved. Either way it is said.
                        let (y, n) = (self.resolve(yes), self.resolve(no));
                        let structural =
                            |v: &Node| matches!(v.kind, Kind::Object(_) | Kind::Array(_));
                        match (y.as_str() == Some(NO_VALUE), n.as_str() == Some(NO_VALUE)) {
                            (false, true) if structural(&y) => {
                                self.undecided.push((span, name.to_string()));
                                y
                            }
                            (true, false) if structural(&n) => {
                                self.undecided.push((span, name.to_string()));
                                n
                            }
                            _ => {
                                self.two_values.push(name.to_string());
                                unresolved(&format!("If {name}"), span)
                            }
                        }
                    }
                }
            }
            "Fn::FindInMap" => {
                let items = arg.as_array().unwrap_or_default();
                if !(3..=4).contains(&items.len()) {
                    return unresolved("FindInMap", span);
                }
                let keys: Vec<Option<String>> = items[..3]
                    .iter()
                    .map(|k| match self.resolve(k).kind {
                        Kind::String(s) | Kind::Number(s) if !s.contains("${") => Some(s),
                        _ => None,
                    })
                    .collect();
                let guessed = |k: &str| {
                    (self.region_guessed && k == self.region)
                        || (self.account_guessed && k == self.account)
                };
                let [Some(map), Some(top), Some(second)] = &keys[..] else {
                    return unresolved("FindInMap", span);
                };
                if guessed(top) || guessed(second) {
                    return unresolved(&format!("FindInMap {map}"), span);
                }
                let found = self
                    .mappings
                    .get(map.as_str())
                    .and_then(|m| m.get(top))
                    .and_then(|t| t.get(second))
                    .cloned();
                // `AWS::LanguageExtensions`' fourth argument: `{DefaultValue: …}` when absent.
                let default = items.get(3).and_then(|d| d.get("DefaultValue")).cloned();
                match found.or(default) {
                    Some(value) => self.resolve(&value),
                    None => unresolved(&format!("FindInMap {map}"), span),
                }
            }
            "Fn::ImportValue" => {
                let name = self.resolve(arg);
                unresolved(
                    &format!("ImportValue {}", name.as_str().unwrap_or("…")),
                    span,
                )
            }
            other => unresolved(other.trim_start_matches("Fn::"), span),
        }
    }
}

impl Resolver<'_> {
    /// A condition's value, where the parameters decide it; `None` when only the deployment
    /// does.
    fn condition(&mut self, name: &str, span: Span) -> Option<bool> {
        if let Some(&assumed) = self.assume.get(name) {
            return Some(assumed);
        }
        let node = *self.conditions.get(name)?;
        let guard = format!("condition {name}");
        if self.visiting.contains(&guard) {
            self.problems
                .push((span, format!("condition `{name}` refers to itself")));
            return None;
        }
        self.visiting.push(guard);
        let value = self.truth(node);
        self.visiting.pop();
        value
    }

    fn truth(&mut self, node: &Node) -> Option<bool> {
        let Kind::Object(members) = &node.kind else {
            return match &node.kind {
                Kind::Bool(b) => Some(*b),
                Kind::String(s) if s == "true" => Some(true),
                Kind::String(s) if s == "false" => Some(false),
                _ => None,
            };
        };
        let [m] = members.as_slice() else { return None };
        let items = m.value.as_array().unwrap_or_default();
        match m.key.as_str() {
            "Fn::Equals" => {
                let [a, b] = items else { return None };
                let (a, b) = (self.resolve(a), self.resolve(b));
                let plain = |n: &Node| match &n.kind {
                    Kind::String(s) if !s.contains("${") => Some(s.clone()),
                    Kind::Number(s) => Some(s.clone()),
                    Kind::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                Some(plain(&a)? == plain(&b)?)
            }
            "Fn::Not" => items.first().and_then(|c| self.truth(c)).map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let and = m.key == "Fn::And";
                let values: Vec<Option<bool>> = items.iter().map(|c| self.truth(c)).collect();
                if values.contains(&Some(!and)) {
                    Some(!and)
                } else if values.iter().all(Option::is_some) {
                    Some(and)
                } else {
                    None
                }
            }
            "Condition" => {
                let name = m.value.as_str()?.to_string();
                self.condition(&name, m.value.span)
            }
            _ => None,
        }
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

/// The most common region and account the template's own literal ARNs name: the stack's, most
/// likely, when the command line does not say.
fn literal_defaults(node: &Node) -> (Option<String>, Option<String>) {
    let mut regions: BTreeMap<String, usize> = BTreeMap::new();
    let mut accounts: BTreeMap<String, usize> = BTreeMap::new();
    fn walk(n: &Node, r: &mut BTreeMap<String, usize>, a: &mut BTreeMap<String, usize>) {
        match &n.kind {
            Kind::String(s) if !s.contains("${") => {
                if let Some([_, _, region, account, _]) = crate::arn::fields(s) {
                    let is_region = region.split('-').count() >= 3
                        && region
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                        && region.ends_with(|c: char| c.is_ascii_digit());
                    if is_region {
                        *r.entry(region.to_string()).or_default() += 1;
                    }
                    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
                        *a.entry(account.to_string()).or_default() += 1;
                    }
                }
            }
            Kind::Array(items) => items.iter().for_each(|i| walk(i, r, a)),
            Kind::Object(ms) => ms.iter().for_each(|m| walk(&m.value, r, a)),
            _ => {}
        }
    }
    walk(node, &mut regions, &mut accounts);
    let top = |m: BTreeMap<String, usize>| m.into_iter().max_by_key(|(_, c)| *c).map(|(k, _)| k);
    (top(regions), top(accounts))
}

/// Reads a template: every resource ecslint understands, resolved.
pub fn expand(template: &Node, settings: &Settings) -> Expanded {
    let mut out = Expanded::default();
    let Some(Kind::Object(resources)) = template.get("Resources").map(|r| &r.kind) else {
        out.problems.push((
            template.span,
            "a template needs a `Resources` object".to_string(),
        ));
        return out;
    };
    let mut parameters = BTreeMap::new();
    if let Some(Kind::Object(ps)) = template.get("Parameters").map(|p| &p.kind) {
        for p in ps {
            let default = p.value.get("Default").and_then(|d| match &d.kind {
                Kind::String(s) | Kind::Number(s) => Some(s.clone()),
                _ => None,
            });
            parameters.insert(p.key.clone(), default);
        }
    }
    for (k, v) in &settings.parameters {
        parameters.insert(k.clone(), Some(v.clone()));
    }
    // `AWS::SSM::Parameter::Value<String>`: the parameter's value (default or given) is an SSM
    // parameter's name, and `Ref` gives what that SSM parameter holds, read at deploy time.
    if let Some(Kind::Object(ps)) = template.get("Parameters").map(|p| &p.kind) {
        for p in ps {
            let ssm = p
                .value
                .get("Type")
                .and_then(Node::as_str)
                .is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value<"));
            if ssm {
                let resolved = settings.resolved.iter().find(|(k, _)| *k == p.key);
                parameters.insert(p.key.clone(), resolved.map(|(_, v)| v.clone()));
            }
        }
    }
    let (region, account) = literal_defaults(template);
    let mut r = Resolver {
        resources: resources
            .iter()
            .map(|m| {
                (
                    m.key.as_str(),
                    Resource {
                        kind: m.value.get("Type").and_then(Node::as_str).unwrap_or(""),
                        properties: m.value.get("Properties"),
                    },
                )
            })
            .collect(),
        conditions: match template.get("Conditions").map(|c| &c.kind) {
            Some(Kind::Object(ms)) => ms.iter().map(|m| (m.key.as_str(), &m.value)).collect(),
            _ => BTreeMap::new(),
        },
        mappings: match template.get("Mappings").map(|c| &c.kind) {
            Some(Kind::Object(ms)) => ms.iter().map(|m| (m.key.as_str(), &m.value)).collect(),
            _ => BTreeMap::new(),
        },
        region_guessed: settings.region.is_none() && region.is_none(),
        account_guessed: settings.account.is_none() && account.is_none(),
        parameters,
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
        stack_name: settings
            .stack_name
            .clone()
            .unwrap_or_else(|| "STACK".to_string()),
        physical: settings.physical.clone(),
        visiting: Vec::new(),
        problems: Vec::new(),
        undecided: Vec::new(),
        two_values: Vec::new(),
        assume: BTreeMap::new(),
    };
    let empty = Node {
        span: template.span,
        kind: Kind::Object(Vec::new()),
    };
    // Managed policies the template creates: their ARN, and their index in `out.policies`.
    let mut managed: Vec<(String, usize)> = Vec::new();
    for m in resources {
        let logical = m.key.as_str();
        let kind = m.value.get("Type").and_then(Node::as_str).unwrap_or("");
        if let Some(path) = m
            .value
            .get("Metadata")
            .and_then(|md| md.get("aws:cdk:path"))
            .and_then(Node::as_str)
        {
            out.constructs.push((m.value.span, path.to_string()));
        }
        r.two_values.clear();
        let props = r.resolve(m.value.get("Properties").unwrap_or(&empty));
        let role_names = |p: &Node| -> Vec<String> {
            p.get("Roles")
                .and_then(Node::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        match kind {
            "AWS::ECS::TaskDefinition" => {
                // A value only the deployment chooses (`ExecutionRoleArn: !If [CreateRole, ...]`)
                // is read both ways: the task definition as it is in each world, up to eight.
                let mut choices: Vec<String> = std::mem::take(&mut r.two_values);
                choices.sort();
                choices.dedup();
                let raw = m.value.get("Properties").unwrap_or(&empty);
                if choices.is_empty() || choices.len() > 3 {
                    let td = crate::model::taskdef::from_cloudformation(&props);
                    out.task_definitions
                        .push(r.with_arn(td, logical, m.key_span));
                } else {
                    for world in 0..(1u32 << choices.len()) {
                        r.assume = choices
                            .iter()
                            .enumerate()
                            .map(|(i, c)| (c.clone(), world & (1 << i) != 0))
                            .collect();
                        let variant = r.resolve(raw);
                        let td = crate::model::taskdef::from_cloudformation(&variant);
                        out.task_definitions
                            .push(r.with_arn(td, logical, m.key_span));
                    }
                    r.assume.clear();
                    r.two_values.clear();
                    out.undecided.push((
                        raw.span,
                        format!(
                            "the task definition is read both ways for condition{} {}, which only the deployment decides",
                            if choices.len() > 1 { "s" } else { "" },
                            choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
            "AWS::IAM::Role" => {
                let name = r.role_name(logical);
                let arn = r
                    .attribute(logical, "Arn", m.key_span)
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                if let Some(Kind::Array(policies)) = props.get("Policies").map(|p| &p.kind) {
                    for p in policies {
                        if let Some(doc) = p.get("PolicyDocument") {
                            out.policies.push(PolicySpec {
                                roles: vec![name.clone()],
                                name: p
                                    .get("PolicyName")
                                    .and_then(Node::as_str)
                                    .unwrap_or(logical)
                                    .to_string(),
                                document: doc.clone(),
                                boundary: false,
                                field: None,
                            });
                        }
                    }
                }
                let strings_at = |key: &str| -> Vec<(String, Span)> {
                    props
                        .get(key)
                        .and_then(Node::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(|i| i.as_str().map(|s| (s.to_string(), i.span)))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                out.roles.push(RoleSpec {
                    name,
                    arn,
                    span: m.key_span,
                    trust: props.get("AssumeRolePolicyDocument").cloned(),
                    trust_field: None,
                    boundary: props
                        .get("PermissionsBoundary")
                        .and_then(|b| b.as_str().map(|s| (s.to_string(), b.span))),
                    managed: strings_at("ManagedPolicyArns"),
                });
            }
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                if let Some(doc) = props.get("PolicyDocument") {
                    if kind == "AWS::IAM::ManagedPolicy"
                        && let Some(arn) = r.reference(logical, m.key_span).as_str()
                    {
                        managed.push((arn.to_string(), out.policies.len()));
                    }
                    let name = props
                        .get("PolicyName")
                        .or_else(|| props.get("ManagedPolicyName"))
                        .and_then(Node::as_str)
                        .unwrap_or(logical)
                        .to_string();
                    out.policies.push(PolicySpec {
                        roles: role_names(&props),
                        name,
                        document: doc.clone(),
                        boundary: false,
                        field: None,
                    });
                }
            }
            "AWS::SecretsManager::Secret" => {
                let arn = r.secret_arn(logical);
                let name = match r.physical.get(logical) {
                    Some(deployed) => crate::arn::secret_name_of(deployed)
                        .unwrap_or(logical)
                        .to_string(),
                    None => r.secret_name(logical),
                };
                let key = props
                    .get("KmsKeyId")
                    .and_then(|k| k.as_str().map(|s| (s.to_string(), k.span)));
                out.secrets.push(SecretSpec {
                    arn,
                    name,
                    span: m.key_span,
                    kms_key_id: key,
                });
            }
            "AWS::SecretsManager::ResourcePolicy" => {
                if let (Some(arn), Some(doc)) = (
                    props.get("SecretId").and_then(Node::as_str),
                    props.get("ResourcePolicy"),
                ) {
                    out.resource_policies
                        .push((arn.to_string(), false, doc.clone()));
                }
            }
            "AWS::KMS::Alias" => {
                if let (Some(name), Some(target)) = (
                    props.get("AliasName").and_then(Node::as_str),
                    props.get("TargetKeyId").and_then(Node::as_str),
                ) {
                    // TargetKeyId takes a key id or ARN; the alias points at the key id.
                    let id = target.rsplit('/').next().unwrap_or(target).to_string();
                    out.aliases.push((r.arn("kms", name, true), id));
                }
            }
            "AWS::SSM::Parameter" => {
                let Some(name) = r.name_of(logical, "Name") else {
                    continue;
                };
                let kind = props.get("Type").and_then(Node::as_str).map(str::to_string);
                let arn = r.arn(
                    "ssm",
                    &format!("parameter/{}", name.trim_start_matches('/')),
                    true,
                );
                out.parameters.push((name, kind, arn, m.key_span));
            }
            "AWS::KMS::Key" => {
                if let Some(doc) = props.get("KeyPolicy") {
                    let arn = r
                        .attribute(logical, "Arn", m.key_span)
                        .as_str()
                        .unwrap_or("")
                        .to_string();
                    out.resource_policies.push((arn, true, doc.clone()));
                }
            }
            _ => {}
        }
    }
    // Managed policies the template creates attach to the roles that list them too, and one a
    // role names as its boundary is that role's boundary.
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
        if let Some((arn, _)) = &role.boundary
            && let Some((_, i)) = managed.iter().find(|(m, _)| m == arn)
        {
            let p = &out.policies[*i];
            let boundary = PolicySpec {
                roles: vec![role.name.clone()],
                name: p.name.clone(),
                document: p.document.clone(),
                boundary: true,
                field: None,
            };
            out.policies.push(boundary);
            role.boundary = None;
        }
    }
    for (span, name) in std::mem::take(&mut r.undecided) {
        let said = format!(
            "condition `{name}` is decided only when the stack is deployed: ecslint read the branch that has a value, as if the condition held for it"
        );
        if !out.undecided.iter().any(|(s, m)| *s == span && *m == said) {
            out.undecided.push((span, said));
        }
    }
    for p in r.problems {
        if !out.problems.contains(&p) {
            out.problems.push(p);
        }
    }
    out
}
