//! The offline loader: task definitions, policies and secrets from AWS CLI outputs and plain files
//! (and the same documents fetched live).

use super::{Body, Input, InputKind, LoadError, read_bytes};
use crate::iam::PolicyType;
use crate::json::{self, Kind, Node};
use crate::model::inventory::{
    AttachedPolicy, Attachment, KeyAlias, ParameterMeta, RoleInfo, SecretMeta, builtin,
};
use crate::model::policy::{self, PolicyDocument, Problem};
use crate::model::source::{Loc, SourceId, Span, Spanned};
use crate::model::taskdef;
use crate::model::{InputProblem, Loaded, ProblemKind};

/// A file read and parsed ahead of loading.
/// The largest template CloudFormation accepts (from S3; CloudFormation quotas).
const MAX_TEMPLATE_BYTES: usize = 1024 * 1024;

/// The text of UTF-16 bytes that start with a byte-order mark (little or big endian), without
/// the mark; `None` for anything else or for invalid UTF-16.
fn utf16_text(bytes: &[u8]) -> Option<String> {
    let little = match bytes.get(..2)? {
        [0xFF, 0xFE] => true,
        [0xFE, 0xFF] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return None;
    }
    let units = body.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

#[derive(Debug)]
struct Prepared {
    text: std::sync::Arc<str>,
    invalid_at: Option<usize>,
    parsed: Option<Result<Node, json::ParseError>>,
    /// The policy a policy file read ahead holds as an object, parsed against [`UNPLACED`] until
    /// the file gets its place in the source map; its JSON tree is then not kept.
    document: Option<Preparsed>,
}

/// A policy file parsed on a reading thread: the document, and what its wrapper says.
#[derive(Debug)]
struct Preparsed {
    document: Option<PolicyDocument>,
    problems: Vec<Problem>,
    role_name: Option<String>,
    policy_name: Option<String>,
    resource_arn: Option<String>,
    /// The file's top value.
    span: Span,
}

/// The source of a document parsed before its file was added to the source map.
const UNPLACED: SourceId = SourceId(usize::MAX);

impl Prepared {
    fn read(path: &str) -> Result<Prepared, LoadError> {
        Ok(Prepared::from_bytes(read_bytes(path)?))
    }

    fn from_bytes(bytes: Vec<u8>) -> Prepared {
        // Windows PowerShell 5's `>` writes UTF-16 with a byte-order mark: `terraform show -json
        // > plan.json` and `aws … > out.json` there give such files. Read them as the text they
        // hold.
        if let Some(text) = utf16_text(&bytes) {
            let parsed = Some(json::parse(&text));
            return Prepared {
                text: text.into(),
                invalid_at: None,
                parsed,
                document: None,
            };
        }
        match String::from_utf8(bytes) {
            Ok(text) => {
                let parsed = Some(json::parse(&text));
                Prepared {
                    text: text.into(),
                    invalid_at: None,
                    parsed,
                    document: None,
                }
            }
            Err(e) => Prepared {
                invalid_at: Some(e.utf8_error().valid_up_to()),
                text: String::from_utf8_lossy(e.as_bytes()).into(),
                parsed: None,
                document: None,
            },
        }
    }

    /// Also parses the policy document a policy file holds as an object, so that work — and
    /// freeing the JSON tree — happens on the reading threads too.
    fn read_policy(path: &str, preread: Option<&[u8]>) -> Result<Prepared, LoadError> {
        let bytes = match preread {
            Some(bytes) => bytes.to_vec(),
            None => read_bytes(path)?,
        };
        // A plain, valid policy is read straight from its text; anything else goes through the
        // JSON tree, which reports what is wrong.
        let bytes = match String::from_utf8(bytes) {
            Ok(text) => match policy::fast::parse(&text, UNPLACED) {
                Some(document) => {
                    return Ok(Prepared {
                        document: Some(Preparsed {
                            span: document.loc.span,
                            document: Some(document),
                            problems: Vec::new(),
                            role_name: None,
                            policy_name: None,
                            resource_arn: None,
                        }),
                        text: text.into(),
                        invalid_at: None,
                        parsed: None,
                    });
                }
                None => text.into_bytes(),
            },
            Err(e) => e.into_bytes(),
        };
        let mut prepared = Prepared::from_bytes(bytes);
        if let Some(Ok(node)) = &prepared.parsed {
            let located = locate(node);
            if matches!(located.node.kind, Kind::Object(_)) {
                let (document, problems) = policy::parse(located.node, UNPLACED);
                let owned = |s: Option<&str>| s.map(str::to_string);
                prepared.document = Some(Preparsed {
                    document,
                    problems,
                    role_name: owned(located.role_name),
                    policy_name: owned(located.policy_name),
                    resource_arn: owned(located.resource_arn),
                    span: node.span,
                });
                prepared.parsed = None;
            }
        }
        Ok(prepared)
    }
}

/// The offline loader's state: what it has loaded so far, and the files it read ahead.
#[derive(Default)]
struct Loader {
    out: Loaded,
    /// Files read ahead, by path.
    prepared: foldhash::HashMap<String, Result<Prepared, LoadError>>,
    /// The file read ahead for the next policy file to load (many files: read in order on
    /// several threads, without a map).
    next: Option<Result<Prepared, LoadError>>,
    /// Documents in memory, by name.
    memory: std::collections::BTreeMap<String, std::sync::Arc<str>>,
    /// Deployed stacks (`--stack-resources`), one entry per stack name.
    deployed: Vec<super::cloudformation::Deployed>,
    /// The account details' managed policies (with their file), which a template's roles may
    /// attach.
    account_policies: Vec<(SourceId, String, Node)>,
}

/// Where a policy document sits in a file, and what the wrapper says about it.
struct Located<'n> {
    node: &'n Node,
    /// The field that held it, to name an embedded source (`FILE#PolicyDocument`).
    field: &'static str,
    role_name: Option<&'n str>,
    policy_name: Option<&'n str>,
    /// A resource ARN the wrapper names (get-resource-policy output).
    resource_arn: Option<&'n str>,
}

/// Finds the policy document in a file: a plain document, or the AWS CLI output that wraps one
/// (`get-role-policy`, `get-policy-version`, `secretsmanager get-resource-policy`,
/// `kms get-key-policy`).
fn locate(node: &Node) -> Located<'_> {
    let text = |key: &str| node.get(key).and_then(Node::as_str);
    let located = |n: &'static str, doc: &'static str| Located {
        node,
        field: doc,
        role_name: None,
        policy_name: text(n),
        resource_arn: None,
    };
    if let Some(doc) = node.get("PolicyDocument") {
        return Located {
            node: doc,
            role_name: text("RoleName"),
            ..located("PolicyName", "PolicyDocument")
        };
    }
    if let Some(doc) = node.get("PolicyVersion").and_then(|v| v.get("Document")) {
        return Located {
            node: doc,
            ..located("", "Document")
        };
    }
    if node.get("Statement").is_none() {
        if let Some(doc) = node.get("ResourcePolicy") {
            return Located {
                node: doc,
                resource_arn: text("ARN"),
                ..located("Name", "ResourcePolicy")
            };
        }
        if let Some(doc) = node.get("Policy") {
            return Located {
                node: doc,
                ..located("PolicyName", "Policy")
            };
        }
    }
    Located {
        node,
        field: "",
        role_name: None,
        policy_name: None,
        resource_arn: None,
    }
}

/// Reads every input, in the order of their kinds (task definitions first), each kind in the order
/// given.
pub fn load(
    inputs: &[Input],
    stack: &super::cloudformation::Settings,
) -> Result<Loaded, LoadError> {
    let mut order: Vec<&Input> = inputs.iter().collect();
    // Stable: inputs of one kind keep their order.
    order.sort_by_key(|i| i.kind);
    let mut loader = Loader::default();
    let mut preread: std::collections::HashMap<&str, std::sync::Arc<[u8]>> = Default::default();
    for input in &order {
        match &input.body {
            Body::Fetched(text) => {
                loader.memory.insert(input.name.clone(), text.clone());
            }
            Body::Read(bytes) if input.kind == InputKind::Policy => {
                preread.insert(&input.name, bytes.clone());
            }
            Body::Read(bytes) => {
                let prepared = Prepared::from_bytes(bytes.to_vec());
                loader.prepared.insert(input.name.clone(), Ok(prepared));
            }
            Body::File => {}
        }
    }
    let paths: Vec<&str> = order
        .iter()
        .filter(|i| i.kind == InputKind::Policy && i.is_file())
        .map(|i| i.name.as_str())
        .collect();
    // Grown once for every file, not by doubling into fresh memory.
    loader.out.sources.reserve(paths.len());
    loader.out.inventory.policies.reserve(paths.len());
    // Read ahead in the order of `paths`: each is handed to its load in turn.
    let mut ahead = loader.prepare_all(&paths, &preread).into_iter();
    for input in order {
        let owner = || input.owner.clone().unwrap_or_default();
        let path = input.name.as_str();
        match input.kind {
            InputKind::TaskDefinition => loader.load_task_definition(path)?,
            InputKind::Policy => {
                let attachment = match &input.owner {
                    Some(r) => Attachment::Role(crate::arn::role_name(r).to_string()),
                    None => Attachment::DefaultRole,
                };
                if input.is_file() {
                    loader.next = ahead.next();
                }
                loader.load_policy_file(path, attachment, PolicyType::Identity)?;
            }
            InputKind::ServiceControlPolicy => loader.load_policy_file(
                path,
                Attachment::Organization(input.owner.clone().unwrap_or_default()),
                PolicyType::ServiceControl,
            )?,
            InputKind::ResourceControlPolicy => loader.load_policy_file(
                path,
                Attachment::Organization(input.owner.clone().unwrap_or_default()),
                PolicyType::ResourceControl,
            )?,
            InputKind::ResourcePolicy => loader.load_policy_file(
                path,
                Attachment::Resource(owner()),
                PolicyType::ResourceBased,
            )?,
            InputKind::KeyPolicy => loader.load_policy_file(
                path,
                Attachment::Resource(owner()),
                PolicyType::KeyPolicy,
            )?,
            InputKind::AccountDetails => loader.load_account_details(path)?,
            InputKind::Secrets => loader.load_secrets(path)?,
            InputKind::Parameters => loader.load_parameters(path)?,
            InputKind::KmsAliases => loader.load_aliases(path)?,
            InputKind::Stack => loader.load_stack(path)?,
            InputKind::TerraformPlan => loader.load_terraform(path, stack)?,
            InputKind::CloudFormation => {
                loader.load_template(path, stack, input.owner.as_deref())?
            }
        }
    }
    // A credential written in plain text in a task definition is never shown by any report.
    let hidden: Vec<_> = loader
        .out
        .task_definitions
        .iter()
        .flat_map(|td| &td.containers)
        .flat_map(|c| &c.plaintext_credentials)
        .map(|p| p.value)
        .collect();
    for loc in hidden {
        loader.out.sources.hide(loc);
    }
    Ok(loader.out)
}

impl Loader {
    /// Reads a file into the source map and parses it as JSON; a parse failure becomes a problem.
    fn read_json(&mut self, path: &str) -> Result<(SourceId, Option<Node>), LoadError> {
        self.read_prepared(path).map(|(id, node, _)| (id, node))
    }

    /// `read_json`, or the policy when it was parsed ahead (placed in the file; no tree then).
    fn read_prepared(
        &mut self,
        path: &str,
    ) -> Result<(SourceId, Option<Node>, Option<Preparsed>), LoadError> {
        let ahead = self.next.take().or_else(|| self.prepared.remove(path));
        let prepared = self.prepared_text(path, ahead, true)?;
        let id = self.out.sources.add(path, prepared.text);
        if let Some(mut pre) = prepared.document {
            if let Some(d) = &mut pre.document {
                d.relocate(id);
            }
            pre.problems.iter_mut().for_each(|p| p.loc.source = id);
            return Ok((id, None, Some(pre)));
        }
        if let Some(at) = prepared.invalid_at {
            self.not_utf8(id, at);
            return Ok((id, None, None));
        }
        let text = self.out.sources.get(id).text.clone();
        let parsed = prepared.parsed.unwrap_or_else(|| json::parse(&text));
        Ok((id, self.json_problem(id, parsed), None))
    }

    /// A file's text: read ahead, in memory (parsed as JSON when `json`), or read now.
    fn prepared_text(
        &mut self,
        path: &str,
        ahead: Option<Result<Prepared, LoadError>>,
        json: bool,
    ) -> Result<Prepared, LoadError> {
        Ok(match (ahead, self.memory.get(path)) {
            (Some(p), _) => p?,
            (None, Some(text)) => Prepared {
                parsed: json.then(|| json::parse(text)),
                text: text.clone(),
                invalid_at: None,
                document: None,
            },
            (None, None) => Prepared::read(path)?,
        })
    }

    fn not_utf8(&mut self, id: SourceId, at: usize) {
        self.problem(
            ProblemKind::InvalidJson,
            Loc::new(id, Span::new(at, at)),
            format!("the file is not UTF-8 text: invalid byte at offset {at}"),
        );
    }

    fn parse_json(&mut self, id: SourceId, text: &str) -> Option<Node> {
        self.json_problem(id, json::parse(text))
    }

    /// Reads, decodes and parses many files at once, on every core, ahead of loading them in
    /// order: the files are independent, and lint runs read thousands.
    /// Many files: read and parsed on every core, returned in the order of `paths`. Few: the
    /// bytes already read are kept by path, the rest is read as it is loaded, and nothing is
    /// returned.
    fn prepare_all(
        &mut self,
        paths: &[&str],
        preread: &std::collections::HashMap<&str, std::sync::Arc<[u8]>>,
    ) -> Vec<Result<Prepared, LoadError>> {
        const WORTH_THREADS: usize = 64;
        if paths.len() < WORTH_THREADS {
            for path in paths {
                if let Some(bytes) = preread.get(*path) {
                    let prepared = Prepared::from_bytes(bytes.to_vec());
                    self.prepared.insert(path.to_string(), Ok(prepared));
                }
            }
            return Vec::new();
        }
        // The results line up with `paths`.
        crate::parallel::map(paths, |p| {
            Prepared::read_policy(p, preread.get(*p).map(|b| &b[..]))
        })
    }

    fn json_problem(
        &mut self,
        id: SourceId,
        parsed: Result<Node, json::ParseError>,
    ) -> Option<Node> {
        match parsed {
            Ok(node) => Some(node),
            Err(err) => {
                let related = err.unclosed.map(|(span, c)| {
                    (
                        Loc::new(id, span),
                        format!("this `{c}` is still open where parsing failed"),
                    )
                });
                self.out.problems.push(InputProblem {
                    kind: ProblemKind::InvalidJson,
                    loc: Loc::new(id, err.span),
                    message: format!("not valid JSON: {}", err.message),
                    related,
                });
                None
            }
        }
    }

    fn push_problems(&mut self, kind: ProblemKind, problems: Vec<Problem>) {
        self.out
            .problems
            .extend(problems.into_iter().map(|p| InputProblem {
                kind,
                loc: p.loc,
                message: p.message,
                related: None,
            }));
    }

    fn problem(&mut self, kind: ProblemKind, loc: Loc, message: String) {
        self.out.problems.push(InputProblem {
            kind,
            loc,
            message,
            related: None,
        });
    }

    /// A CloudFormation template: its task definitions, roles, policies, secrets and keys, with
    /// the intrinsics resolved (`cloudformation.rs`). YAML is read into the same tree as JSON.
    fn load_template(
        &mut self,
        path: &str,
        stack: &super::cloudformation::Settings,
        owner: Option<&str>,
    ) -> Result<(), LoadError> {
        use super::cloudformation::expand;
        let ahead = self.prepared.remove(path);
        let prepared = self.prepared_text(path, ahead, false)?;
        let id = self.out.sources.add(path, prepared.text.clone());
        self.out.templates.push(id);
        if let Some(at) = prepared.invalid_at {
            self.not_utf8(id, at);
            return Ok(());
        }
        let text = prepared.text;
        // CloudFormation quotas: a template body is at most 51,200 bytes inline and 1 MB from
        // S3 (which CDK uses). Larger, it cannot be deployed; it is still read.
        if text.len() > MAX_TEMPLATE_BYTES {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, Span::new(0, 0)),
                format!(
                    "the template is {} bytes: CloudFormation accepts at most 1 MB ({MAX_TEMPLATE_BYTES} bytes) from S3 and 51,200 bytes inline, so this stack cannot be deployed as it is (split it into nested stacks)",
                    text.len()
                ),
            );
        }
        let json = super::cloudformation::is_json(&text);
        let parsed = if json {
            json::parse(&text)
        } else {
            super::yaml::parse(&text)
        };
        let node = match parsed {
            Ok(node) => node,
            Err(err) => {
                self.problem(
                    ProblemKind::InvalidJson,
                    Loc::new(id, err.span),
                    format!(
                        "not a valid {} template: {}",
                        if json { "JSON" } else { "YAML" },
                        err.message
                    ),
                );
                return Ok(());
            }
        };
        if !super::cloudformation::is_template(&node) {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, node.span),
                "not a CloudFormation template: expected `Resources` with typed resources"
                    .to_string(),
            );
            return Ok(());
        }
        let expanded = match self.deployed_for(&node, owner) {
            Some(deployed) => expand(&node, &deployed.settings(stack)),
            None => {
                if let Some(name) = owner {
                    self.problem(
                        ProblemKind::Unresolved,
                        Loc::new(id, node.span),
                        format!(
                            "the template is given as stack `{name}`'s, but no --stack-resources file describes that stack: it is read as not yet deployed"
                        ),
                    );
                }
                expand(&node, stack)
            }
        };
        self.ingest(id, path, expanded);
        Ok(())
    }

    /// A template's or a plan's resources, read into the model.
    fn ingest(&mut self, id: SourceId, path: &str, expanded: super::cloudformation::Expanded) {
        for (span, message) in &expanded.undecided {
            self.problem(
                ProblemKind::Unresolved,
                Loc::new(id, *span),
                message.clone(),
            );
        }
        for (span, path) in &expanded.constructs {
            self.out
                .constructs
                .push((Loc::new(id, *span), path.clone()));
        }
        // CloudFormation refuses such a template: an error where it stands.
        for (span, message) in expanded.problems {
            self.problem(ProblemKind::InvalidInput, Loc::new(id, span), message);
        }
        let first_task_definition = self.out.task_definitions.len();
        for (i, td) in expanded.task_definitions.iter().enumerate() {
            let label = expanded.labels.get(i).map(String::as_str);
            self.ingest_task_definition(id, path, td, label);
        }
        for role in &expanded.roles {
            self.out.inventory.roles.push(RoleInfo {
                name: role.name.clone(),
                arn: role.arn.clone(),
                tags: Vec::new(),
                loc: Loc::new(id, role.span),
            });
            if let Some(trust) = &role.trust {
                let name = format!("{} trust policy", role.name);
                self.add_document(
                    id,
                    path,
                    role.trust_field
                        .as_deref()
                        .unwrap_or("AssumeRolePolicyDocument"),
                    trust,
                    Attachment::Trust(role.name.clone()),
                    PolicyType::ResourceBased,
                    name,
                );
            }
            let attachment = Attachment::Role(role.name.clone());
            let boundary = role
                .boundary
                .iter()
                .map(|b| (b, PolicyType::PermissionsBoundary));
            let managed = role.managed.iter().map(|m| (m, PolicyType::Identity));
            for ((arn, span), kind) in managed.chain(boundary) {
                // A customer managed policy the account details hold is read from there.
                let known = self.account_policies.iter().position(|(_, _, p)| {
                    p.get("Arn").and_then(Node::as_str) == Some(arn.as_str())
                });
                let at = Loc::new(id, *span);
                match known {
                    Some(i) => {
                        let (file, file_path, policy) = self.account_policies[i].clone();
                        self.attach_managed(
                            file,
                            &file_path,
                            &[&policy],
                            arn,
                            at,
                            &attachment,
                            kind,
                        );
                    }
                    None => self.attach_managed(id, path, &[], arn, at, &attachment, kind),
                }
            }
        }
        // A role the template only names (made by another stack, or by hand) is not missing its
        // grants: they are unknown, unless account files describe it.
        for td in &self.out.task_definitions[first_task_definition..] {
            for arn in [&td.execution_role_arn, &td.task_role_arn]
                .into_iter()
                .flatten()
            {
                if arn.value.contains("${") {
                    continue;
                }
                let name = crate::arn::role_name(&arn.value);
                let known = self.out.inventory.roles.iter().any(|r| r.name == name)
                    || self.out.unknown_roles.iter().any(|(n, _)| n == name);
                if !known {
                    self.out.unknown_roles.push((name.to_string(), arn.loc));
                }
            }
        }
        for p in &expanded.policies {
            let kind = if p.boundary {
                PolicyType::PermissionsBoundary
            } else {
                PolicyType::Identity
            };
            for role in &p.roles {
                self.add_document(
                    id,
                    path,
                    p.field.as_deref().unwrap_or("PolicyDocument"),
                    &p.document,
                    Attachment::Role(role.clone()),
                    kind,
                    p.name.clone(),
                );
            }
        }
        for (arn, key, doc) in &expanded.resource_policies {
            let kind = if *key {
                PolicyType::KeyPolicy
            } else {
                PolicyType::ResourceBased
            };
            self.add_document(
                id,
                path,
                "Policy",
                doc,
                Attachment::Resource(arn.clone()),
                kind,
                format!("policy of {arn}"),
            );
        }
        for (arn, target) in &expanded.aliases {
            self.out.inventory.aliases.push(KeyAlias {
                arn: arn.clone(),
                target_key_id: target.clone(),
            });
        }
        for (name, kind, arn, span) in &expanded.parameters {
            self.out.inventory.parameters.push(ParameterMeta {
                name: name.clone(),
                kind: kind.clone(),
                key_id: None,
                arn: Some(arn.clone()),
                loc: Loc::new(id, *span),
            });
        }
        for secret in &expanded.secrets {
            self.out.inventory.secrets.push(SecretMeta {
                arn: Spanned::new(secret.arn.clone(), Loc::new(id, secret.span)),
                name: Some(Spanned::new(secret.name.clone(), Loc::new(id, secret.span))),
                kms_key_id: secret
                    .kms_key_id
                    .as_ref()
                    .map(|(k, span)| Spanned::new(k.clone(), Loc::new(id, *span))),
                tags: None,
                loc: Loc::new(id, secret.span),
            });
        }
        // What the template holds is not edited as a JSON file would be.
        for p in &mut self.out.inventory.policies {
            if p.document.source == id {
                p.editable = false;
            }
        }
    }

    /// A task definition of a template or plan. A plan's `container_definitions` is a JSON
    /// string: read as a document embedded where it stands, findings pointing into it.
    fn ingest_task_definition(&mut self, id: SourceId, path: &str, td: &Node, label: Option<&str>) {
        let embedded = td
            .get("containerDefinitions")
            .and_then(|d| d.as_str().map(|t| (t.to_string(), d.span)));
        let Some((text, span)) = embedded else {
            let (td, problems) = taskdef::parse(td, id);
            self.push_problems(ProblemKind::InvalidInput, problems);
            self.out.task_definitions.extend(td);
            return;
        };
        let field = match label {
            Some(address) => format!("{address}.container_definitions"),
            None => "container_definitions".to_string(),
        };
        let sub = self.out.sources.add_embedded(
            format!("{path}#{field}"),
            text.clone(),
            Loc::new(id, span),
        );
        let Some(containers) = self.parse_json(sub, &text) else {
            return;
        };
        let mut base = td.clone();
        if let Kind::Object(members) = &mut base.kind {
            for m in members
                .iter_mut()
                .filter(|m| m.key == "containerDefinitions")
            {
                m.value.kind = Kind::Array(Vec::new());
            }
        }
        let (base, problems) = taskdef::parse(&base, id);
        self.push_problems(ProblemKind::InvalidInput, problems);
        let (inner, problems) = taskdef::parse(&containers, sub);
        self.push_problems(ProblemKind::InvalidInput, problems);
        if let (Some(mut base), Some(inner)) = (base, inner) {
            base.containers = inner.containers;
            self.out.task_definitions.push(base);
        }
    }

    /// `terraform show -json` of a plan or a state: its task definitions, roles, policies,
    /// secrets and keys (`terraform.rs`). Sensitive values are blanked before the text is kept.
    fn load_terraform(
        &mut self,
        path: &str,
        stack: &super::cloudformation::Settings,
    ) -> Result<(), LoadError> {
        let ahead = self.prepared.remove(path);
        let prepared = self.prepared_text(path, ahead, false)?;
        if let Some(at) = prepared.invalid_at {
            let id = self.out.sources.add(path, String::new());
            self.not_utf8(id, at);
            return Ok(());
        }
        let raw = prepared.text;
        let parsed = json::parse(&raw);
        // The text kept (and quoted by reports) is the plan with its sensitive values blanked;
        // one that is not JSON has every string blanked, since which are secrets is unknown.
        let text: std::sync::Arc<str> = match &parsed {
            Ok(node) => super::terraform::redact(&raw, node).into(),
            Err(_) => super::terraform::blank_strings(&raw).into(),
        };
        let id = self.out.sources.add(path, text.clone());
        self.out.plans.push(id);
        let node = match parsed {
            Ok(_) => match json::parse(&text) {
                Ok(node) => node,
                Err(err) => {
                    self.problem(
                        ProblemKind::InvalidJson,
                        Loc::new(id, err.span),
                        err.message,
                    );
                    return Ok(());
                }
            },
            Err(err) => {
                self.problem(
                    ProblemKind::InvalidJson,
                    Loc::new(id, err.span),
                    format!("not valid JSON: {}", err.message),
                );
                return Ok(());
            }
        };
        if !super::terraform::is_plan(&node) {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, node.span),
                "not a Terraform plan or state: expected the output of `terraform show -json` (with `format_version` and `planned_values` or `values`)"
                    .to_string(),
            );
            return Ok(());
        }
        if let Err((span, message)) = super::terraform::check_version(&node) {
            self.problem(ProblemKind::InvalidInput, Loc::new(id, span), message);
            return Ok(());
        }
        let settings = super::terraform::Settings {
            region: stack.region.clone(),
            account: stack.account.clone(),
            locator: stack.terraform.as_deref(),
        };
        for dir in super::terraform::module_dirs(&node) {
            if !self.out.module_dirs.contains(&dir) {
                self.out.module_dirs.push(dir);
            }
        }
        let expanded = super::terraform::expand(&node, &settings);
        self.ingest(id, path, expanded);
        Ok(())
    }

    fn load_task_definition(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        if let Some(node) = node {
            let (td, problems) = taskdef::parse(&node, id);
            self.push_problems(ProblemKind::InvalidInput, problems);
            self.out.task_definitions.extend(td);
        }
        Ok(())
    }

    fn load_policy_file(
        &mut self,
        path: &str,
        attachment: Attachment,
        kind: PolicyType,
    ) -> Result<(), LoadError> {
        let (id, node, preparsed) = self.read_prepared(path)?;
        let index = if let Some(pre) = preparsed {
            let wrapper = (pre.role_name.as_deref(), pre.resource_arn.as_deref());
            let Some(attachment) =
                self.attachment_of(id, path, kind, attachment, wrapper, pre.span)
            else {
                return Ok(());
            };
            let name = pre.policy_name.unwrap_or_else(|| path.to_string());
            self.attach(attachment, kind, name, pre.document, pre.problems)
        } else {
            let Some(node) = node else {
                if let Some(problem) = self.out.problems.last() {
                    self.out.unreadable_policies.push(problem.loc);
                }
                return Ok(());
            };
            let located = locate(&node);
            let wrapper = (located.role_name, located.resource_arn);
            let Some(attachment) =
                self.attachment_of(id, path, kind, attachment, wrapper, node.span)
            else {
                return Ok(());
            };
            let name = located.policy_name.unwrap_or(path).to_string();
            let (field, doc_node) = (located.field, located.node);
            self.add_document(id, path, field, doc_node, attachment, kind, name)
        };
        if let Some(index) = index {
            let policy = &mut self.out.inventory.policies[index];
            policy.editable = self.out.sources.get(policy.document.source).is_file();
        }
        Ok(())
    }

    /// What a policy file's policy is attached to: as given, else what its wrapper names
    /// (`get-role-policy`'s `RoleName`, `get-resource-policy`'s `ARN`). `None`, with a problem
    /// at `span`, when a resource policy's resource is unknown.
    fn attachment_of(
        &mut self,
        id: SourceId,
        path: &str,
        kind: PolicyType,
        mut attachment: Attachment,
        (role_name, resource_arn): (Option<&str>, Option<&str>),
        span: Span,
    ) -> Option<Attachment> {
        // Without ROLE=, get-role-policy output names its role.
        if let (Attachment::DefaultRole, Some(role)) = (&attachment, role_name) {
            attachment = Attachment::Role(role.to_string());
        }
        if let (Attachment::Resource(arn), Some(named)) = (&attachment, resource_arn)
            && arn.is_empty()
        {
            attachment = Attachment::Resource(named.to_string());
        }
        if attachment == Attachment::Resource(String::new()) {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, span),
                format!(
                    "cannot tell which resource this {} belongs to: write ARN={path}",
                    kind.describe()
                ),
            );
            return None;
        }
        Some(attachment)
    }

    /// Reads a policy document held by `node` in source `id`: an object, or a string holding the
    /// JSON text (URL-encoded as the IAM API returns it, or plain as the CLI prints key and
    /// resource policies), which becomes an embedded source of its own. Returns the new policy's
    /// index.
    #[allow(clippy::too_many_arguments)]
    fn add_document(
        &mut self,
        id: SourceId,
        path: &str,
        field: &str,
        node: &Node,
        attachment: Attachment,
        kind: PolicyType,
        name: String,
    ) -> Option<usize> {
        let embedded;
        let (doc_source, doc_node) = match &node.kind {
            Kind::String(text) => {
                let holder = Loc::new(id, node.span);
                let decoded = if text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%7B")) {
                    match percent_encoding::percent_decode_str(text).decode_utf8() {
                        Ok(d) => d.into_owned(),
                        Err(_) => {
                            self.problem(
                                ProblemKind::InvalidInput,
                                holder,
                                "the policy document is URL-encoded, but not as UTF-8 text"
                                    .to_string(),
                            );
                            self.out.unreadable_policies.push(holder);
                            return None;
                        }
                    }
                } else {
                    text.clone()
                };
                let field = if field.is_empty() { "Policy" } else { field };
                let sub = self.out.sources.add_embedded(
                    format!("{path}#{field}"),
                    decoded.clone(),
                    holder,
                );
                match self.parse_json(sub, &decoded) {
                    Some(n) => {
                        embedded = n;
                        (sub, &embedded)
                    }
                    None => {
                        if let Some(problem) = self.out.problems.last() {
                            self.out.unreadable_policies.push(problem.loc);
                        }
                        return None;
                    }
                }
            }
            _ => (id, node),
        };
        let (document, problems) = match attachment {
            Attachment::Trust(_) => policy::parse_trust(doc_node, doc_source),
            _ => policy::parse(doc_node, doc_source),
        };
        self.attach(attachment, kind, name, document, problems)
    }

    /// Adds a parsed policy to the inventory (its problems to the problems); its index.
    fn attach(
        &mut self,
        attachment: Attachment,
        kind: PolicyType,
        name: String,
        document: Option<PolicyDocument>,
        problems: Vec<Problem>,
    ) -> Option<usize> {
        self.push_problems(ProblemKind::InvalidPolicy, problems);
        let document = document?;
        // A document given as an identity policy that names principals is a trust policy or a
        // resource policy (a secret's, a repository's): read it as what it is, attached to no
        // role's permissions.
        let (attachment, kind) = if kind == PolicyType::Identity && document.names_principals() {
            let role = match attachment {
                Attachment::Role(name) => name,
                _ => String::new(),
            };
            if document.is_trust_policy() {
                (Attachment::Trust(role), PolicyType::ResourceBased)
            } else {
                (
                    Attachment::Resource(String::new()),
                    PolicyType::ResourceBased,
                )
            }
        } else {
            (attachment, kind)
        };
        self.out.inventory.policies.push(AttachedPolicy {
            attachment,
            kind,
            name,
            document,
            editable: false,
            managed_arn: None,
        });
        Some(self.out.inventory.policies.len() - 1)
    }

    /// `aws iam get-account-authorization-details`: roles, their inline and managed policies
    /// (the default version) and permissions boundaries.
    fn load_account_details(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        let Some(node) = node else { return Ok(()) };
        let loc = |span: Span| Loc::new(id, span);
        let Some(roles) = node.get("RoleDetailList").and_then(Node::as_array) else {
            self.problem(
                ProblemKind::InvalidInput,
                loc(node.span),
                "not account authorization details: expected the output of `aws iam \
                 get-account-authorization-details` with a `RoleDetailList`"
                    .to_string(),
            );
            return Ok(());
        };
        let managed: Vec<&Node> = node
            .get("Policies")
            .and_then(Node::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        for role in roles {
            self.load_role(id, path, role, &managed);
        }
        // Users (a deploy principal is often one), with the policies of their groups.
        let groups: Vec<&Node> = node
            .get("GroupDetailList")
            .and_then(Node::as_array)
            .map(|g| g.iter().collect())
            .unwrap_or_default();
        for user in node
            .get("UserDetailList")
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            self.load_user(id, path, user, &groups, &managed);
        }
        self.account_policies
            .extend(managed.iter().map(|p| (id, path.to_string(), (*p).clone())));
        Ok(())
    }

    /// One role of account details: its tags, trust policy, inline policies, managed policies
    /// and permissions boundary.
    fn load_role(&mut self, id: SourceId, path: &str, role: &Node, managed: &[&Node]) {
        let loc = |span: Span| Loc::new(id, span);
        let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
        let (Some(name), Some(arn)) = (text(role, "RoleName"), text(role, "Arn")) else {
            self.problem(
                ProblemKind::InvalidInput,
                loc(role.span),
                "this role has no `RoleName` and `Arn` strings".to_string(),
            );
            return;
        };
        let tags = role
            .get("Tags")
            .and_then(Node::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| Some((text(t, "Key")?, text(t, "Value")?)))
                    .collect()
            })
            .unwrap_or_default();
        self.out.inventory.roles.push(RoleInfo {
            name: name.clone(),
            arn,
            tags,
            loc: loc(role.span),
        });
        if let Some(trust) = role.get("AssumeRolePolicyDocument") {
            self.add_document(
                id,
                path,
                &format!("role/{name}/trust"),
                trust,
                Attachment::Trust(name.clone()),
                PolicyType::ResourceBased,
                format!("trust policy of {name}"),
            );
        }
        let attachment = Attachment::Role(name.clone());
        self.load_grants(
            id,
            path,
            role,
            "RolePolicyList",
            &format!("role/{name}"),
            &attachment,
            managed,
        );
    }

    /// One user of account details, with the policies of its groups: its grants are attached
    /// by the user's name, as a role's are (a deploy principal given as `--deployer
    /// arn:aws:iam::ACCOUNT:user/NAME` finds them so).
    fn load_user(
        &mut self,
        id: SourceId,
        path: &str,
        user: &Node,
        groups: &[&Node],
        managed: &[&Node],
    ) {
        let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
        let Some(name) = text(user, "UserName") else {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, user.span),
                "this user has no `UserName` string".to_string(),
            );
            return;
        };
        let attachment = Attachment::Role(name.clone());
        self.load_grants(
            id,
            path,
            user,
            "UserPolicyList",
            &format!("user/{name}"),
            &attachment,
            managed,
        );
        for group in user
            .get("GroupList")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str)
        {
            if let Some(g) = groups
                .iter()
                .find(|g| text(g, "GroupName").as_deref() == Some(group))
            {
                self.load_grants(
                    id,
                    path,
                    g,
                    "GroupPolicyList",
                    &format!("group/{group}"),
                    &attachment,
                    managed,
                );
            }
        }
    }

    /// The inline policies (under `list`), attached managed policies and permissions boundary
    /// of a role, user or group of account details, attached to `attachment`.
    #[allow(clippy::too_many_arguments)]
    fn load_grants(
        &mut self,
        id: SourceId,
        path: &str,
        holder: &Node,
        list: &str,
        key: &str,
        attachment: &Attachment,
        managed: &[&Node],
    ) {
        let loc = |span: Span| Loc::new(id, span);
        let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
        for inline in holder
            .get(list)
            .and_then(Node::as_array)
            .unwrap_or_default()
        {
            let policy_name = text(inline, "PolicyName").unwrap_or_else(|| path.to_string());
            match inline.get("PolicyDocument") {
                Some(doc) => {
                    self.add_document(
                        id,
                        path,
                        &format!("{key}/inline/{policy_name}"),
                        doc,
                        attachment.clone(),
                        PolicyType::Identity,
                        policy_name.clone(),
                    );
                }
                None => self.problem(
                    ProblemKind::InvalidInput,
                    loc(inline.span),
                    "this inline policy has no `PolicyDocument`".to_string(),
                ),
            }
        }
        let mut attached: Vec<(String, Loc, PolicyType)> = holder
            .get("AttachedManagedPolicies")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                let arn = p.get("PolicyArn")?;
                Some((
                    arn.as_str()?.to_string(),
                    loc(arn.span),
                    PolicyType::Identity,
                ))
            })
            .collect();
        if let Some(b) = holder
            .get("PermissionsBoundary")
            .and_then(|b| b.get("PermissionsBoundaryArn"))
            && let Some(arn) = b.as_str()
        {
            attached.push((
                arn.to_string(),
                loc(b.span),
                PolicyType::PermissionsBoundary,
            ));
        }
        for (policy_arn, at, kind) in attached {
            self.attach_managed(id, path, managed, &policy_arn, at, attachment, kind);
        }
    }

    /// Finds a managed policy's default version in account details and attaches it.
    #[allow(clippy::too_many_arguments)]
    fn attach_managed(
        &mut self,
        id: SourceId,
        path: &str,
        managed: &[&Node],
        policy_arn: &str,
        at: Loc,
        attachment: &Attachment,
        kind: PolicyType,
    ) {
        let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_str).map(str::to_string);
        let found = managed
            .iter()
            .find(|p| text(p, "Arn").as_deref() == Some(policy_arn));
        let name = policy_arn
            .rsplit('/')
            .next()
            .unwrap_or(policy_arn)
            .to_string();
        if let Some(policy) = found {
            let default_id = text(policy, "DefaultVersionId");
            let version = policy
                .get("PolicyVersionList")
                .and_then(Node::as_array)
                .unwrap_or_default()
                .iter()
                .find(|v| {
                    matches!(
                        v.get("IsDefaultVersion").map(|b| &b.kind),
                        Some(Kind::Bool(true))
                    ) || (default_id.is_some() && text(v, "VersionId") == default_id)
                });
            match version.and_then(|v| v.get("Document")) {
                Some(doc) => {
                    let field = format!("policy/{name}");
                    let added =
                        self.add_document(id, path, &field, doc, attachment.clone(), kind, name);
                    if let Some(i) = added {
                        self.out.inventory.policies[i].managed_arn = Some(policy_arn.to_string());
                    }
                }
                None => self.problem(
                    ProblemKind::Unresolved,
                    at,
                    format!("managed policy {policy_arn} has no default version in the account details; its grants are unknown"),
                ),
            }
            return;
        }
        if let Some(text) = builtin::managed_policy(policy_arn) {
            let sub = self
                .out
                .sources
                .add_embedded(format!("builtin:{name}"), text, at);
            if let Some(node) = self.parse_json(sub, text) {
                let (document, _) = policy::parse(&node, sub);
                if let Some(document) = document {
                    self.out.inventory.policies.push(AttachedPolicy {
                        attachment: attachment.clone(),
                        kind,
                        name,
                        document,
                        editable: false,
                        managed_arn: Some(policy_arn.to_string()),
                    });
                }
            }
            return;
        }
        let message = if policy_arn.starts_with("${terraform ") {
            format!(
                "the ARN of an attached managed policy is known only after apply (`{policy_arn}`); its grants are unknown"
            )
        } else if policy_arn.contains("${") {
            format!(
                "managed policy `{policy_arn}` is not a resolved ARN (`${{…}}` is substituted only inside `Fn::Sub`); its grants are unknown"
            )
        } else if self.out.templates.contains(&at.source) {
            format!(
                "managed policy {policy_arn} is attached, but neither the template, the account details nor ecslint's built-in AWS managed policies hold it; its grants are unknown (pass --account-details that include it, or check the deployed stack with --aws --stack)"
            )
        } else if self.out.plans.contains(&at.source) {
            format!(
                "managed policy {policy_arn} is attached, but neither the plan, the account details nor ecslint's built-in AWS managed policies hold it; its grants are unknown (pass --account-details that include it)"
            )
        } else {
            format!(
                "managed policy {policy_arn} is attached but not included in the account details; its grants are unknown (run get-account-authorization-details without a --filter that leaves it out)"
            )
        };
        self.problem(ProblemKind::Unresolved, at, message);
        self.out.unknown_policies.push(at);
        if !self.out.unknown_policy_arns.iter().any(|a| a == policy_arn) {
            self.out.unknown_policy_arns.push(policy_arn.to_string());
        }
    }

    /// `aws ssm describe-parameters` (`{"Parameters": […]}`): names, types and keys, no values.
    fn load_parameters(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        let Some(node) = node else { return Ok(()) };
        let loc = |span: Span| Loc::new(id, span);
        let Some(items) = node.get("Parameters").and_then(Node::as_array) else {
            self.problem(
                ProblemKind::InvalidInput,
                loc(node.span),
                "not a parameters listing: expected the output of `aws ssm describe-parameters` \
                 ({\"Parameters\": […]})"
                    .to_string(),
            );
            return Ok(());
        };
        for item in items {
            let Some(name) = item.get("Name").and_then(Node::as_str) else {
                self.problem(
                    ProblemKind::InvalidInput,
                    loc(item.span),
                    "this parameter has no `Name` string".to_string(),
                );
                continue;
            };
            self.out.inventory.parameters.push(ParameterMeta {
                name: name.to_string(),
                kind: item.get("Type").and_then(Node::as_str).map(str::to_string),
                arn: item.get("ARN").and_then(Node::as_str).map(str::to_string),
                key_id: item
                    .get("KeyId")
                    .and_then(|k| k.as_str().map(|s| Spanned::new(s.to_string(), loc(k.span)))),
                loc: loc(item.span),
            });
        }
        Ok(())
    }

    /// `aws kms list-aliases` (`{"Aliases": […]}`): which key each alias points at.
    /// A deployed stack's resources or parameters, kept for the templates read after it.
    fn load_stack(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        let Some(node) = node else { return Ok(()) };
        let Some(stacks) = super::cloudformation::read_deployed(&node) else {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, node.span),
                "not a stack description: expected the output of `aws cloudformation \
                 describe-stack-resources` ({\"StackResources\": […]}), `list-stack-resources` or \
                 `describe-stacks`"
                    .to_string(),
            );
            return Ok(());
        };
        for stack in stacks {
            match self.deployed.iter_mut().find(|d| d.name == stack.name) {
                Some(known) => known.merge(stack),
                None => self.deployed.push(stack),
            }
        }
        Ok(())
    }

    /// The deployed stack a template belongs to: the one its input names, the only one read, or
    /// the one whose logical ids it shares most.
    fn deployed_for(
        &self,
        template: &Node,
        owner: Option<&str>,
    ) -> Option<&super::cloudformation::Deployed> {
        if let Some(name) = owner {
            return self.deployed.iter().find(|d| d.name == name);
        }
        if self.deployed.len() == 1 {
            return self.deployed.first();
        }
        let logical: Vec<&str> = match template.get("Resources").map(|r| &r.kind) {
            Some(Kind::Object(ms)) => ms.iter().map(|m| m.key.as_str()).collect(),
            _ => return None,
        };
        let shared = |d: &super::cloudformation::Deployed| {
            logical
                .iter()
                .filter(|l| d.physical.contains_key(**l))
                .count()
        };
        let best = self.deployed.iter().map(shared).max().filter(|n| *n > 0)?;
        let mut tied = self.deployed.iter().filter(|d| shared(d) == best);
        let first = tied.next();
        // Two stacks made from one template: which one is meant only the user knows.
        if tied.next().is_some() { None } else { first }
    }

    fn load_aliases(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        let Some(node) = node else { return Ok(()) };
        let Some(items) = node.get("Aliases").and_then(Node::as_array) else {
            self.problem(
                ProblemKind::InvalidInput,
                Loc::new(id, node.span),
                "not an aliases listing: expected the output of `aws kms list-aliases` \
                 ({\"Aliases\": […]})"
                    .to_string(),
            );
            return Ok(());
        };
        for item in items {
            let text = |key: &str| item.get(key).and_then(Node::as_str).map(str::to_string);
            // An alias without a target (an AWS managed alias not yet used) points nowhere.
            if let (Some(arn), Some(target)) = (text("AliasArn"), text("TargetKeyId")) {
                self.out.inventory.aliases.push(KeyAlias {
                    arn,
                    target_key_id: target,
                });
            }
        }
        Ok(())
    }

    fn load_secrets(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        let Some(node) = node else { return Ok(()) };
        let loc = |span: Span| Loc::new(id, span);
        let items: Vec<&Node> = match node.get("SecretList") {
            Some(list) => match list.as_array() {
                Some(items) => items.iter().collect(),
                None => {
                    self.problem(
                        ProblemKind::InvalidInput,
                        loc(list.span),
                        format!("`SecretList` must be an array, found {}", list.type_name()),
                    );
                    return Ok(());
                }
            },
            None if node.get("ARN").is_some() => vec![&node],
            None => {
                self.problem(
                    ProblemKind::InvalidInput,
                    loc(node.span),
                    "not a secrets listing: expected the output of `aws secretsmanager \
                     list-secrets` ({\"SecretList\": […]}) or `describe-secret` (an object with \
                     \"ARN\")"
                        .to_string(),
                );
                return Ok(());
            }
        };
        for item in items {
            let string = |key: &str| {
                item.get(key)
                    .and_then(|n| n.as_str().map(|s| Spanned::new(s.to_string(), loc(n.span))))
            };
            let Some(arn) = string("ARN") else {
                self.problem(
                    ProblemKind::InvalidInput,
                    loc(item.span),
                    "this secret has no `ARN` string".to_string(),
                );
                continue;
            };
            // get-resource-policy output carries the secret's resource policy.
            if let Some(policy) = item.get("ResourcePolicy") {
                let name = format!("resource policy of {}", arn.value);
                self.add_document(
                    id,
                    path,
                    "ResourcePolicy",
                    policy,
                    Attachment::Resource(arn.value.clone()),
                    PolicyType::ResourceBased,
                    name,
                );
            }
            self.out.inventory.secrets.push(SecretMeta {
                name: string("Name"),
                kms_key_id: string("KmsKeyId"),
                tags: item.get("Tags").and_then(Node::as_array).map(|tags| {
                    tags.iter()
                        .filter_map(|t| {
                            Some((
                                t.get("Key")?.as_str()?.to_string(),
                                t.get("Value")?.as_str()?.to_string(),
                            ))
                        })
                        .collect()
                }),
                loc: loc(item.span),
                arn,
            });
        }
        Ok(())
    }
}
