//! ECS task definitions: the fields that decide what the task asks of IAM.
//!
//! Both shapes the ECS API uses are read: the `register-task-definition` input and the
//! `describe-task-definition` output (`{"taskDefinition": {…}, "tags": […]}`). Fields that do not
//! matter to IAM are ignored. Other shapes are adapted to this one by their loader, spans kept:
//! [`from_cloudformation`] renames the properties of an `AWS::ECS::TaskDefinition`.

use crate::json::{Kind, Node};
use crate::model::policy::Problem;
use crate::model::source::{Loc, SourceId, Span, Spanned};

/// A `secrets` or `secretOptions` entry.
#[derive(Clone, Debug)]
pub struct SecretEntry {
    pub name: Option<Spanned<String>>,
    pub value_from: Spanned<String>,
}

#[derive(Clone, Debug)]
pub struct ContainerDefinition {
    pub name: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub secrets: Vec<SecretEntry>,
    /// `logConfiguration.secretOptions`.
    pub log_secret_options: Vec<SecretEntry>,
    /// `repositoryCredentials.credentialsParameter`.
    pub credentials_parameter: Option<Spanned<String>>,
    pub log_configuration: Option<LogConfiguration>,
    /// `environmentFiles[].value` of type `s3`.
    pub environment_files: Vec<Spanned<String>>,
    /// `environment` entries that carry a `valueFrom`, which ECS ignores there: the key's place.
    pub environment_value_from: Vec<(Option<String>, Loc)>,
    /// `environment` entries whose value looks like a credential written in plain text. The
    /// value itself is not kept: no report can print it.
    pub plaintext_credentials: Vec<PlaintextCredential>,
    /// Where the container's `environment` and `secrets` arrays and their items stand, for
    /// fixes that move entries between them.
    pub layout: ContainerLayout,
    pub mount_points: Vec<MountPoint>,
}

/// An `environment` entry that holds what looks like a credential.
#[derive(Clone, Debug)]
pub struct PlaintextCredential {
    pub name: Spanned<String>,
    pub why: CredentialSign,
    /// The entry's index in `environment`.
    pub index: usize,
    /// Its `value`'s place.
    pub value: Loc,
}

/// What makes an environment value look like a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialSign {
    /// The variable's name says it (`DB_PASSWORD`, `STRIPE_API_KEY`, `GITHUB_TOKEN`).
    Name,
    /// The value has the shape of an AWS access key id (`AKIA…`, `ASIA…`).
    AccessKeyId,
    /// The value holds a PEM private key.
    PrivateKey,
}

/// Spans of a container definition's lists (an array and its items).
#[derive(Clone, Debug, Default)]
pub struct ContainerLayout {
    pub object: Span,
    pub environment: Option<(Span, Vec<Span>)>,
    pub secrets: Option<(Span, Vec<Span>)>,
}

/// Whether an environment variable's name says it holds a credential: its last word is
/// `PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`, `APIKEY` or `CREDENTIALS`, or its last two are
/// `API_KEY`, `SECRET_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `AUTH_KEY`, `SIGNING_KEY`,
/// `ENCRYPTION_KEY` or `KEY_BASE`. Names that only mention one (`PASSWORD_FILE`,
/// `SECRET_ARN`, `TOKEN_URL`) do not: they name where a credential is, not the credential.
pub fn credential_name(name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    let last = |i: usize| {
        words
            .len()
            .checked_sub(i)
            .and_then(|j| words.get(j))
            .map(String::as_str)
    };
    matches!(
        last(1),
        Some("PASSWORD" | "PASSWD" | "SECRET" | "TOKEN" | "APIKEY" | "CREDENTIALS")
    ) || matches!(
        (last(2), last(1)),
        (
            Some("API" | "SECRET" | "PRIVATE" | "ACCESS" | "AUTH" | "SIGNING" | "ENCRYPTION"),
            Some("KEY")
        ) | (Some("KEY"), Some("BASE"))
    )
}

/// Whether a value is not itself the credential: empty, a reference (`arn:…`, a path), or a slot a
/// template fills at deploy time (`${X}`, `{{x}}`, `{x}`, `%s`, `$X`, `<x>`, `#{x}`).
fn filled_elsewhere(value: &str) -> bool {
    let v = value.trim();
    let slot = |open: &str, close: &str| {
        v.starts_with(open) && v.ends_with(close) && v.len() >= open.len() + close.len()
    };
    v.is_empty()
        || v.starts_with("arn:")
        || v.starts_with('/')
        || v.contains("${")
        || v.contains("{{")
        || v.contains("#{")
        || slot("{", "}")
        || slot("<", ">")
        || slot("%(", ")s")
        || matches!(v, "%s" | "%v" | "%d")
        || (v.starts_with('$')
            && v[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// What in a value itself shows a credential, whatever the variable is named.
fn credential_value(value: &str) -> Option<CredentialSign> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some(CredentialSign::PrivateKey);
    }
    let bytes = value.as_bytes();
    let boundary = |i: usize| bytes.get(i).is_none_or(|b| !b.is_ascii_alphanumeric());
    for start in 0..bytes.len().saturating_sub(19) {
        let head = &bytes[start..start + 4];
        if (head == b"AKIA" || head == b"ASIA")
            && (start == 0 || boundary(start - 1))
            && boundary(start + 20)
            && bytes[start + 4..start + 20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Some(CredentialSign::AccessKeyId);
        }
    }
    None
}

#[derive(Clone, Debug)]
pub struct LogConfiguration {
    pub driver: Spanned<String>,
    /// `options`, as written.
    pub options: Vec<(String, Spanned<String>)>,
}

impl LogConfiguration {
    pub fn option(&self, key: &str) -> Option<&Spanned<String>> {
        self.options.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

#[derive(Clone, Debug)]
pub struct MountPoint {
    pub source_volume: String,
    pub read_only: bool,
}

/// A task-level `volumes` entry with an EFS configuration.
#[derive(Clone, Debug)]
pub struct EfsVolume {
    pub name: String,
    pub file_system_id: Spanned<String>,
    /// `authorizationConfig.iam` is `ENABLED`.
    pub iam: bool,
}

impl ContainerDefinition {
    /// The container's name for messages.
    pub fn display_name(&self, index: usize) -> String {
        match &self.name {
            Some(n) => format!("container \"{}\"", n.value),
            None => format!("container {}", index + 1),
        }
    }
}

#[derive(Clone, Debug)]
pub struct TaskDefinition {
    pub source: SourceId,
    pub family: Option<Spanned<String>>,
    /// Present in `describe-task-definition` output; gives the task's region and account.
    pub task_definition_arn: Option<Spanned<String>>,
    pub execution_role_arn: Option<Spanned<String>>,
    pub task_role_arn: Option<Spanned<String>>,
    pub containers: Vec<ContainerDefinition>,
    /// `requiresCompatibilities` (the launch types it must run on).
    pub requires_compatibilities: Vec<String>,
    /// `compatibilities` of describe-task-definition output and console exports: the launch types
    /// ECS found it can run on.
    pub compatibilities: Vec<String>,
    /// A bare array of container definitions (a Terraform `container_definitions` file): the
    /// roles and launch type are set where it is used, not here.
    pub containers_only: bool,
    pub efs_volumes: Vec<EfsVolume>,
    /// The task definition object, for findings about the whole of it.
    pub loc: Loc,
}

impl TaskDefinition {
    /// Whether the task runs on Fargate: it requires it, or (saying nothing of what it requires)
    /// Fargate is the only launch type ECS found it compatible with.
    pub fn on_fargate(&self) -> bool {
        let fargate = |c: &String| c.eq_ignore_ascii_case("FARGATE");
        self.requires_compatibilities.iter().any(fargate)
            || (self.requires_compatibilities.is_empty()
                && !self.compatibilities.is_empty()
                && self.compatibilities.iter().all(fargate))
    }

    /// Every string value read, to fill templates in (`--ecspresso-env`).
    pub fn strings_mut(&mut self) -> Vec<&mut Spanned<String>> {
        let mut out: Vec<&mut Spanned<String>> = [
            &mut self.family,
            &mut self.task_definition_arn,
            &mut self.execution_role_arn,
            &mut self.task_role_arn,
        ]
        .into_iter()
        .flatten()
        .collect();
        for c in &mut self.containers {
            out.extend(c.name.as_mut());
            out.extend(c.image.as_mut());
            out.extend(c.credentials_parameter.as_mut());
            for e in c.secrets.iter_mut().chain(&mut c.log_secret_options) {
                out.extend(e.name.as_mut());
                out.push(&mut e.value_from);
            }
            if let Some(log) = &mut c.log_configuration {
                out.push(&mut log.driver);
                out.extend(log.options.iter_mut().map(|(_, v)| v));
            }
            out.extend(c.environment_files.iter_mut());
        }
        out.extend(self.efs_volumes.iter_mut().map(|v| &mut v.file_system_id));
        out
    }

    /// Whether the agent pulls ECR images and sends awslogs with the execution role: on Fargate,
    /// and on every launch type when the task has one. The ECS backend then marks ECR pulls
    /// `UseExecutionRole` and awslogs `LogsAuthStrategy: ExecutionRole`, and the agent acts on
    /// both whatever the launch type (amazon-ecs-agent: `Container.ShouldPullWithExecutionRole`,
    /// `Container.AWSLogAuthExecutionRole` → `Task.ApplyExecutionRoleLogsAuth`); without one, on
    /// EC2 the container instance's role does.
    pub fn agent_uses_execution_role(&self) -> bool {
        self.on_fargate() || self.execution_role_arn.is_some()
    }
}

/// The ECS API's name for a property of CloudFormation's `AWS::ECS::TaskDefinition`: its first
/// letter lowercased, but for the few names CloudFormation spells otherwise.
pub fn api_key(cloudformation: &str) -> String {
    match cloudformation {
        "EFSVolumeConfiguration" => "efsVolumeConfiguration".to_string(),
        "FilesystemId" => "fileSystemId".to_string(),
        "IAM" => "iam".to_string(),
        _ => {
            let mut chars = cloudformation.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}

/// A CloudFormation task definition's `Properties`, with every key renamed to the API's (spans
/// kept), so [`parse`] reads it. The keys of `Options` maps (`awslogs-group`) are the user's and
/// stay as written.
pub fn from_cloudformation(properties: &Node) -> Node {
    rename(properties, false)
}

fn rename(node: &Node, user_keys: bool) -> Node {
    let kind = match &node.kind {
        Kind::Object(members) => Kind::Object(
            members
                .iter()
                .map(|m| crate::json::Member {
                    key: if user_keys {
                        m.key.clone()
                    } else {
                        api_key(&m.key)
                    },
                    key_span: m.key_span,
                    value: rename(&m.value, !user_keys && m.key == "Options"),
                })
                .collect(),
        ),
        Kind::Array(items) => Kind::Array(items.iter().map(|i| rename(i, false)).collect()),
        other => other.clone(),
    };
    Node {
        span: node.span,
        kind,
    }
}

/// Reads a task definition from its JSON tree. Returns `None` when the value is not one.
pub fn parse(root: &Node, source: SourceId) -> (Option<TaskDefinition>, Vec<Problem>) {
    let loc = |span: Span| Loc::new(source, span);
    let mut problems = Vec::new();
    // A bare array of container definitions, as Terraform's `templatefile` container
    // definitions are kept: read as the task definition that holds them.
    let wrapped;
    let containers_only = matches!(root.kind, Kind::Array(_));
    let root = if containers_only {
        wrapped = Node {
            span: root.span,
            kind: Kind::Object(vec![crate::json::Member {
                key: "containerDefinitions".to_string(),
                key_span: root.span,
                value: root.clone(),
            }]),
        };
        &wrapped
    } else {
        root
    };
    let node = match root.get("taskDefinition") {
        Some(inner) => inner,
        None => root,
    };
    if !matches!(node.kind, Kind::Object(_)) {
        problems.push(Problem {
            loc: loc(node.span),
            message: format!(
                "a task definition must be a JSON object, found {}",
                node.type_name()
            ),
        });
        return (None, problems);
    }
    let Some(containers_node) = node.get("containerDefinitions") else {
        problems.push(Problem {
            loc: loc(node.span),
            message: "not a task definition: there is no `containerDefinitions` (expected the \
                      register-task-definition input or the describe-task-definition output)"
                .to_string(),
        });
        return (None, problems);
    };
    let mut containers = Vec::new();
    match containers_node.as_array() {
        Some(items) => {
            for item in items {
                if let Some(c) = parse_container(item, source, &mut problems) {
                    containers.push(c);
                }
            }
        }
        None => problems.push(Problem {
            loc: loc(containers_node.span),
            message: format!(
                "`containerDefinitions` must be an array, found {}",
                containers_node.type_name()
            ),
        }),
    }
    let requires_compatibilities = strings(node, "requiresCompatibilities");
    let efs_volumes = node
        .get("volumes")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let efs = v.get("efsVolumeConfiguration")?;
            let id = efs.get("fileSystemId")?;
            Some(EfsVolume {
                name: v
                    .get("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string(),
                file_system_id: Spanned::new(id.as_str()?.to_string(), Loc::new(source, id.span)),
                iam: efs
                    .get("authorizationConfig")
                    .and_then(|a| a.get("iam"))
                    .and_then(Node::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("ENABLED")),
            })
        })
        .collect();
    let compatibilities = strings(node, "compatibilities");
    let td = TaskDefinition {
        requires_compatibilities,
        compatibilities,
        containers_only,
        efs_volumes,
        loc: Loc::new(source, node.span),
        source,
        family: string_field(node, "family", source, &mut problems),
        task_definition_arn: string_field(node, "taskDefinitionArn", source, &mut problems),
        execution_role_arn: string_field(node, "executionRoleArn", source, &mut problems),
        task_role_arn: string_field(node, "taskRoleArn", source, &mut problems),
        containers,
    };
    (Some(td), problems)
}

/// The strings of an array field (`["FARGATE"]`); none when it is missing or not an array.
fn strings(node: &Node, key: &str) -> Vec<String> {
    node.get(key)
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect()
}

fn string_field(
    node: &Node,
    key: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Option<Spanned<String>> {
    let value = node.get(key)?;
    match value.as_str() {
        Some(s) => Some(Spanned::new(s.to_string(), Loc::new(source, value.span))),
        None if matches!(value.kind, Kind::Null) => None,
        None => {
            problems.push(Problem {
                loc: Loc::new(source, value.span),
                message: format!("`{key}` must be a string, found {}", value.type_name()),
            });
            None
        }
    }
}

fn parse_container(
    node: &Node,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Option<ContainerDefinition> {
    if !matches!(node.kind, Kind::Object(_)) {
        problems.push(Problem {
            loc: Loc::new(source, node.span),
            message: format!(
                "a container definition must be an object, found {}",
                node.type_name()
            ),
        });
        return None;
    }
    let secrets = match node.get("secrets") {
        Some(list) => secret_entries(list, "secrets", source, problems),
        None => Vec::new(),
    };
    // ECS refuses `logConfiguration` as an array; read its object all the same, so what it
    // holds is still checked once the brackets are fixed.
    let log_node = match node.get("logConfiguration") {
        Some(l) if matches!(l.kind, Kind::Array(_)) => {
            let items = l.as_array().unwrap_or_default();
            problems.push(Problem {
                loc: Loc::new(source, l.span),
                message: format!(
                    "`logConfiguration` must be an object, found an array{}: ECS refuses the task \
                     definition (write the object without the brackets)",
                    if items.len() == 1 { " of one" } else { "" }
                ),
            });
            items.first().filter(|i| matches!(i.kind, Kind::Object(_)))
        }
        other => other,
    };
    let log_secret_options = match log_node.and_then(|l| l.get("secretOptions")) {
        Some(list) => secret_entries(list, "secretOptions", source, problems),
        None => Vec::new(),
    };
    let credentials_parameter = node
        .get("repositoryCredentials")
        .and_then(|r| string_field(r, "credentialsParameter", source, problems));
    let log_configuration = log_node.and_then(|l| {
        let driver = string_field(l, "logDriver", source, problems)?;
        let options = l
            .get("options")
            .and_then(Node::as_object)
            .unwrap_or_default()
            .iter()
            .filter_map(|m| {
                Some((
                    m.key.clone(),
                    Spanned::new(
                        m.value.as_str()?.to_string(),
                        Loc::new(source, m.value.span),
                    ),
                ))
            })
            .collect();
        Some(LogConfiguration { driver, options })
    });
    let environment_files = node
        .get("environmentFiles")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter(|f| {
            f.get("type")
                .and_then(Node::as_str)
                .is_none_or(|t| t.eq_ignore_ascii_case("s3"))
        })
        .filter_map(|f| string_field(f, "value", source, problems))
        .collect();
    let environment_value_from = node
        .get("environment")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let member = e.member("valueFrom")?;
            let name = e.get("name").and_then(Node::as_str).map(str::to_string);
            Some((name, Loc::new(source, member.key_span)))
        })
        .collect();
    let environment = node
        .get("environment")
        .and_then(Node::as_array)
        .unwrap_or_default();
    let plaintext_credentials = environment
        .iter()
        .enumerate()
        .filter_map(|(index, e)| {
            let name = e.get("name")?;
            let value = e.get("value")?;
            let text = value.as_str()?;
            let why = credential_value(text).or_else(|| {
                (credential_name(name.as_str()?) && !filled_elsewhere(text))
                    .then_some(CredentialSign::Name)
            })?;
            Some(PlaintextCredential {
                name: Spanned::new(
                    name.as_str().unwrap_or("").to_string(),
                    Loc::new(source, name.span),
                ),
                why,
                index,
                value: Loc::new(source, value.span),
            })
        })
        .collect();
    let items = |key: &str| {
        let list = node.get(key)?;
        Some((list.span, list.as_array()?.iter().map(|i| i.span).collect()))
    };
    let layout = ContainerLayout {
        object: node.span,
        environment: items("environment"),
        secrets: items("secrets"),
    };
    let mount_points = node
        .get("mountPoints")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            Some(MountPoint {
                source_volume: m.get("sourceVolume")?.as_str()?.to_string(),
                read_only: matches!(m.get("readOnly").map(|r| &r.kind), Some(Kind::Bool(true))),
            })
        })
        .collect();
    Some(ContainerDefinition {
        name: string_field(node, "name", source, problems),
        image: string_field(node, "image", source, problems),
        secrets,
        log_secret_options,
        credentials_parameter,
        log_configuration,
        environment_files,
        environment_value_from,
        plaintext_credentials,
        layout,
        mount_points,
    })
}

fn secret_entries(
    list: &Node,
    key: &str,
    source: SourceId,
    problems: &mut Vec<Problem>,
) -> Vec<SecretEntry> {
    let Some(items) = list.as_array() else {
        if !matches!(list.kind, Kind::Null) {
            problems.push(Problem {
                loc: Loc::new(source, list.span),
                message: format!("`{key}` must be an array, found {}", list.type_name()),
            });
        }
        return Vec::new();
    };
    let mut entries = Vec::new();
    for item in items {
        match string_field(item, "valueFrom", source, problems) {
            Some(value_from) => entries.push(SecretEntry {
                name: string_field(item, "name", source, problems),
                value_from,
            }),
            None => problems.push(Problem {
                loc: Loc::new(source, item.span),
                message: format!("each `{key}` entry needs a `valueFrom` string"),
            }),
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Option<TaskDefinition>, Vec<Problem>) {
        parse(&crate::json::parse(text).unwrap(), SourceId(0))
    }

    #[test]
    fn a_log_configuration_written_as_an_array_is_refused_and_still_read() {
        // The ECS guide's Splunk snippet writes it in brackets.
        let text = r#"{"executionRoleArn": "arn:aws:iam::1:role/e", "containerDefinitions": [{"name": "app",
            "logConfiguration": [{"logDriver": "splunk",
                "secretOptions": [{"name": "splunk-token", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter//splunk"}]}]}]}"#;
        let (td, problems) = read(text);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("must be an object, found an array of one")
        );
        assert_eq!(
            problems[0].loc.span.start,
            text.find("[{\"logDriver").unwrap()
        );
        let c = &td.unwrap().containers[0];
        assert_eq!(c.log_configuration.as_ref().unwrap().driver.value, "splunk");
        assert!(
            c.log_secret_options[0]
                .value_from
                .value
                .ends_with("parameter//splunk")
        );
    }

    #[test]
    fn a_bare_array_of_containers_is_their_task_definition() {
        let (td, problems) = read(r#"[{"name": "app", "image": "nginx:1"}, {"name": "sidecar"}]"#);
        assert!(problems.is_empty(), "{problems:?}");
        let td = td.unwrap();
        assert!(td.containers_only && td.execution_role_arn.is_none());
        assert_eq!(td.containers.len(), 2);
        let (td, _) = read(r#"{"containerDefinitions": []}"#);
        assert!(!td.unwrap().containers_only);
    }

    #[test]
    fn the_launch_type_comes_from_what_it_requires_else_what_ecs_found() {
        let on = |text: &str| {
            let td = read(text).0.unwrap();
            (td.on_fargate(), td.agent_uses_execution_role())
        };
        let exec = r#""executionRoleArn": "arn:aws:iam::1:role/e""#;
        assert_eq!(
            on(r#"{"requiresCompatibilities": ["FARGATE"], "containerDefinitions": []}"#),
            (true, true)
        );
        // A console export: only `compatibilities`.
        assert_eq!(
            on(r#"{"compatibilities": ["FARGATE"], "containerDefinitions": []}"#),
            (true, true)
        );
        assert_eq!(
            on(r#"{"compatibilities": ["EC2", "FARGATE"], "containerDefinitions": []}"#),
            (false, false)
        );
        // On EC2 and EXTERNAL the agent pulls and logs with the execution role when there is one.
        assert_eq!(
            on(&format!(
                r#"{{"requiresCompatibilities": ["EC2"], {exec}, "containerDefinitions": []}}"#
            )),
            (false, true)
        );
        assert_eq!(
            on(r#"{"requiresCompatibilities": ["EXTERNAL"], "containerDefinitions": []}"#),
            (false, false)
        );
    }

    #[test]
    fn a_cloudformation_task_definition_reads_like_the_api_one() {
        let text = r#"{"ExecutionRoleArn": "arn:aws:iam::1:role/exec", "RequiresCompatibilities": ["FARGATE"],
            "Volumes": [{"Name": "data", "EFSVolumeConfiguration": {"FilesystemId": "fs-1", "AuthorizationConfig": {"IAM": "ENABLED"}}}],
            "ContainerDefinitions": [{"Name": "app", "Image": "app:1",
                "Secrets": [{"Name": "DB", "ValueFrom": "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf"}],
                "LogConfiguration": {"LogDriver": "awslogs", "Options": {"awslogs-group": "/app", "Awslogs-Odd": "x"}},
                "MountPoints": [{"SourceVolume": "data", "ContainerPath": "/d", "ReadOnly": true}]}]}"#;
        let node = crate::json::parse(text).unwrap();
        let (td, problems) = parse(&from_cloudformation(&node), SourceId(0));
        assert!(problems.is_empty(), "{problems:?}");
        let td = td.unwrap();
        assert_eq!(
            td.execution_role_arn.as_ref().unwrap().value,
            "arn:aws:iam::1:role/exec"
        );
        assert!(td.on_fargate());
        assert_eq!(td.efs_volumes[0].file_system_id.value, "fs-1");
        assert!(td.efs_volumes[0].iam);
        let c = &td.containers[0];
        assert_eq!(
            c.secrets[0].value_from.value,
            "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf"
        );
        // The value keeps its place in the template.
        let at = text.find("\"arn:aws:secretsmanager").unwrap();
        assert_eq!(c.secrets[0].value_from.loc.span.start, at);
        let log = c.log_configuration.as_ref().unwrap();
        assert!(log.option("awslogs-group").is_some() && log.option("Awslogs-Odd").is_some());
        assert!(c.mount_points[0].read_only);
    }
    use crate::json;

    fn parse_text(text: &str) -> (Option<TaskDefinition>, Vec<Problem>) {
        parse(&json::parse(text).unwrap(), SourceId(0))
    }

    #[test]
    fn reads_both_shapes() {
        let register = r#"{"family":"web","executionRoleArn":"arn:aws:iam::1:role/x",
            "containerDefinitions":[{"name":"nginx","repositoryCredentials":{"credentialsParameter":"arn:p"},
            "secrets":[{"name":"A","valueFrom":"arn:a"}],
            "logConfiguration":{"logDriver":"awsfirelens","secretOptions":[{"name":"k","valueFrom":"arn:b"}]}}]}"#;
        let describe = format!(r#"{{"taskDefinition": {register}, "tags": []}}"#);
        for text in [register.to_string(), describe] {
            let (td, problems) = parse_text(&text);
            assert!(problems.is_empty(), "{problems:?}");
            let td = td.unwrap();
            assert_eq!(td.family.unwrap().value, "web");
            let c = &td.containers[0];
            assert_eq!(c.credentials_parameter.as_ref().unwrap().value, "arn:p");
            assert_eq!(c.secrets[0].value_from.value, "arn:a");
            assert_eq!(c.log_secret_options[0].value_from.value, "arn:b");
        }
    }

    #[test]
    fn a_policy_is_not_a_task_definition() {
        let (td, problems) = parse_text(r#"{"Statement": []}"#);
        assert!(td.is_none());
        assert!(problems[0].message.contains("containerDefinitions"));
    }

    #[test]
    fn wrong_types_are_problems_not_panics() {
        let (td, problems) = parse_text(
            r#"{"containerDefinitions":[1,{"secrets":{"a":1}},{"secrets":[{"name":"x"}]}],"executionRoleArn":5}"#,
        );
        assert_eq!(td.unwrap().containers.len(), 2);
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
