//! The offline loader: task definitions, policies and secrets from AWS CLI outputs and plain files.
//!
//! A file that cannot be read stops the run (`LoadError`, exit 2). A file that can be read but is
//! not valid JSON, or not the document it should be, becomes an `InputProblem` that the report
//! shows with its location; the other files are still checked.

use super::{Inventory, RoleKey, RolePolicy, SecretMeta};
use crate::json::{self, Kind, Node};
use crate::policy::{self, Problem};
use crate::source::{Loc, SourceId, SourceMap, Span, Spanned};
use crate::taskdef::{self, TaskDefinition};
use std::io::Read;
use std::path::Path;

/// Files larger than this are refused: the largest AWS document ecslint reads (account
/// authorization details) stays far below it.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} is larger than {limit} MiB; no AWS document is that large", limit = MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge { path: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not valid JSON (or not UTF-8).
    InvalidJson,
    /// Valid JSON that breaks the IAM policy grammar.
    InvalidPolicy,
    /// Valid JSON that is not the document the flag expects.
    InvalidInput,
}

/// A file that was read but could not be understood, or a part of it.
#[derive(Clone, Debug)]
pub struct InputProblem {
    pub kind: ProblemKind,
    pub loc: Loc,
    pub message: String,
    /// A second place that explains the first (the brace that was never closed).
    pub related: Option<(Loc, String)>,
}

/// A `--policy [ROLE=]FILE` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyArg {
    pub role: Option<String>,
    pub path: String,
}

impl PolicyArg {
    /// Splits `ROLE=FILE`. A path that exists as written is taken whole, so file names containing
    /// `=` still work.
    pub fn parse(arg: &str) -> PolicyArg {
        match arg.split_once('=') {
            Some((role, path)) if !role.is_empty() && !Path::new(arg).exists() => PolicyArg {
                role: Some(role.to_string()),
                path: path.to_string(),
            },
            _ => PolicyArg {
                role: None,
                path: arg.to_string(),
            },
        }
    }
}

/// What the files hold.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub task_definition: Option<TaskDefinition>,
    pub inventory: Inventory,
    pub problems: Vec<InputProblem>,
    /// Where each `--policy` file that could not be parsed failed: its grants are unknown.
    pub unreadable_policies: Vec<Loc>,
}

/// The files of one `check` run.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub task_definition: Option<String>,
    pub policies: Vec<PolicyArg>,
    pub secrets: Vec<String>,
}

impl Loaded {
    pub fn load(inputs: &Inputs) -> Result<Loaded, LoadError> {
        let mut loaded = Loaded::default();
        if let Some(path) = &inputs.task_definition {
            loaded.load_task_definition(path)?;
        }
        for arg in &inputs.policies {
            loaded.load_policy(arg)?;
        }
        for path in &inputs.secrets {
            loaded.load_secrets(path)?;
        }
        Ok(loaded)
    }

    /// Reads a file into the source map and parses it as JSON; a parse failure becomes a problem.
    fn read_json(&mut self, path: &str) -> Result<(SourceId, Option<Node>), LoadError> {
        let bytes = read_bytes(path)?;
        let (text, invalid_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let id = self.sources.add(path, text);
        if let Some(at) = invalid_at {
            self.problems.push(InputProblem {
                kind: ProblemKind::InvalidJson,
                loc: Loc::new(id, Span::new(at, at)),
                message: format!("the file is not UTF-8 text: invalid byte at offset {at}"),
                related: None,
            });
            return Ok((id, None));
        }
        let text = self.sources.get(id).text.clone();
        match json::parse(&text) {
            Ok(node) => Ok((id, Some(node))),
            Err(err) => {
                let related = err.unclosed.map(|(span, c)| {
                    (
                        Loc::new(id, span),
                        format!("this `{c}` is still open where parsing failed"),
                    )
                });
                self.problems.push(InputProblem {
                    kind: ProblemKind::InvalidJson,
                    loc: Loc::new(id, err.span),
                    message: format!("not valid JSON: {}", err.message),
                    related,
                });
                Ok((id, None))
            }
        }
    }

    fn push_problems(&mut self, kind: ProblemKind, problems: Vec<Problem>) {
        self.problems
            .extend(problems.into_iter().map(|p| InputProblem {
                kind,
                loc: p.loc,
                message: p.message,
                related: None,
            }));
    }

    fn input_problem(&mut self, loc: Loc, message: String) {
        self.problems.push(InputProblem {
            kind: ProblemKind::InvalidInput,
            loc,
            message,
            related: None,
        });
    }

    fn load_task_definition(&mut self, path: &str) -> Result<(), LoadError> {
        let (id, node) = self.read_json(path)?;
        if let Some(node) = node {
            let (td, problems) = taskdef::parse(&node, id);
            self.push_problems(ProblemKind::InvalidInput, problems);
            self.task_definition = td;
        }
        Ok(())
    }

    fn load_policy(&mut self, arg: &PolicyArg) -> Result<(), LoadError> {
        let (id, node) = self.read_json(&arg.path)?;
        let Some(node) = node else {
            if let Some(problem) = self.problems.last() {
                self.unreadable_policies.push(problem.loc);
            }
            return Ok(());
        };
        // get-role-policy output: {"RoleName", "PolicyName", "PolicyDocument"};
        // get-policy-version output: {"PolicyVersion": {"Document", …}}; else a plain document.
        let (doc_node, role_name, policy_name) = if let Some(doc) = node.get("PolicyDocument") {
            (
                doc,
                node.get("RoleName").and_then(Node::as_str),
                node.get("PolicyName").and_then(Node::as_str),
            )
        } else if let Some(doc) = node.get("PolicyVersion").and_then(|v| v.get("Document")) {
            (doc, None, None)
        } else {
            (&node, None, None)
        };
        let role = match (&arg.role, role_name) {
            (Some(r), _) => RoleKey::Named(crate::arn::role_name(r).to_string()),
            (None, Some(r)) => RoleKey::Named(r.to_string()),
            (None, None) => RoleKey::ExecutionRole,
        };
        let name = policy_name.unwrap_or(&arg.path).to_string();
        // The IAM API returns documents URL-encoded inside a string: an embedded source of its own.
        let embedded;
        let (doc_source, doc_node) = match &doc_node.kind {
            Kind::String(encoded) => {
                let holder = Loc::new(id, doc_node.span);
                let decoded = match percent_encoding::percent_decode_str(encoded).decode_utf8() {
                    Ok(d) => d.into_owned(),
                    Err(_) => {
                        self.input_problem(
                            holder,
                            "the policy document is a string that is not URL-encoded UTF-8 JSON"
                                .to_string(),
                        );
                        return Ok(());
                    }
                };
                let field_name = if node.get("PolicyDocument").is_some() {
                    "PolicyDocument"
                } else {
                    "Document"
                };
                let sub = self.sources.add_embedded(
                    format!("{}#{field_name}", arg.path),
                    decoded.clone(),
                    holder,
                );
                match json::parse(&decoded) {
                    Ok(n) => {
                        embedded = n;
                        (sub, &embedded)
                    }
                    Err(err) => {
                        let loc = Loc::new(sub, err.span);
                        self.problems.push(InputProblem {
                            kind: ProblemKind::InvalidJson,
                            loc,
                            message: format!("not valid JSON: {}", err.message),
                            related: None,
                        });
                        self.unreadable_policies.push(loc);
                        return Ok(());
                    }
                }
            }
            _ => (id, doc_node),
        };
        let (document, problems) = policy::parse(doc_node, doc_source);
        self.push_problems(ProblemKind::InvalidPolicy, problems);
        if let Some(document) = document {
            self.inventory.policies.push(RolePolicy {
                role,
                name,
                document,
            });
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
                    self.input_problem(
                        loc(list.span),
                        format!("`SecretList` must be an array, found {}", list.type_name()),
                    );
                    return Ok(());
                }
            },
            None if node.get("ARN").is_some() => vec![&node],
            None => {
                self.input_problem(
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
            match string("ARN") {
                Some(arn) => self.inventory.secrets.push(SecretMeta {
                    arn,
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
                }),
                None => self.input_problem(
                    loc(item.span),
                    "this secret has no `ARN` string".to_string(),
                ),
            }
        }
        Ok(())
    }
}

fn read_bytes(path: &str) -> Result<Vec<u8>, LoadError> {
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: path.to_string(),
        reason: e.to_string().to_lowercase(),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.is_dir() {
        return Err(LoadError::Unreadable {
            path: path.to_string(),
            reason: "it is a directory".to_string(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
        });
    }
    // Read through a limit as well: a pipe or device reports no length up front.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
        });
    }
    Ok(bytes)
}
