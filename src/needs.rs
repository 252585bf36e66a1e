//! What a task definition requires of its roles.
//!
//! Each reference in the task definition becomes a `Need`: an IAM request the ECS agent will make
//! with the execution role, the resource as IAM will evaluate it, and where in the task definition
//! it comes from. References that cannot be turned into a request are reported instead.

use crate::arn::{Arn, SecretReference, SecretReferenceError, has_secret_suffix};
use crate::iam::Request;
use crate::model::inventory::Inventory;
use crate::model::source::{Loc, Spanned};
use crate::model::taskdef::{EfsVolume, LogConfiguration, TaskDefinition};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    Execution,
    Task,
    /// The principal a pasted message names when it is neither of a task's roles: a deploy
    /// principal, an IAM user, an instance's role.
    Caller,
    /// The principal that deploys the task definition (`check --deployer`): it registers the
    /// task definition, updates the service and passes the task's roles to ECS.
    Deployer,
}

/// The service a deploy principal passes a task's roles to: `iam:PassedToService` of the
/// `iam:PassRole` that `ecs:RegisterTaskDefinition` makes (ECS developer guide, "Task execution
/// IAM role": the deploying principal needs `iam:PassRole` on the roles).
pub const PASSED_TO_ECS_TASKS: &str = "ecs-tasks.amazonaws.com";

impl RoleKind {
    pub fn describe(self) -> &'static str {
        match self {
            RoleKind::Execution => "execution role",
            RoleKind::Task => "task role",
            RoleKind::Caller => "principal",
            RoleKind::Deployer => "deploy principal",
        }
    }
}

/// Where a need comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub loc: Loc,
    /// "container \"nginx\" repositoryCredentials.credentialsParameter"
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Reading a Secrets Manager secret. `secret` indexes the inventory when the secret is in it;
    /// `arn` is its real ARN (with suffix) where that is known, else the ARN as referenced.
    /// `by_partial`: the reference names the secret without its suffix (a partial ARN or a
    /// name), and IAM evaluates the ARN as requested, which is then `Need::request`'s resource.
    Secret {
        secret: Option<usize>,
        arn: Arn,
        by_partial: bool,
    },
    /// Decrypting a secret with its customer managed key.
    SecretKey { secret: usize },
    /// Reading an SSM parameter; `parameter` indexes the inventory when it is in it.
    Parameter { parameter: Option<usize> },
    /// Decrypting a SecureString parameter with its customer managed key.
    ParameterKey { parameter: usize },
    /// Anything else (ECR, logs, S3, EFS).
    Other,
}

#[derive(Clone, Debug)]
pub struct Need {
    pub role: RoleKind,
    pub request: Request,
    pub subject: Subject,
    pub origins: Vec<Origin>,
    /// The `Resource` entry a fix writes to grant it: exactly the resource, a secret by name and
    /// `-??????`, `*` for actions that take no resource, a log group with `:*`.
    pub grant: String,
    /// The ARN of the role that makes the request, from the task definition.
    pub role_arn: Option<String>,
    /// The ARN of the task definition's other role, where a misplaced grant may sit.
    pub other_role_arn: Option<String>,
    /// The task definition names the role by a template (`${EXEC_ROLE_ARN}`, an unresolved
    /// CloudFormation expression): which role it is, and so its grants, is unknown.
    pub role_templated: bool,
}

impl Need {
    /// Whether policies given without a role (`--policy FILE`) are this need's role's: they are
    /// the execution role's, and so the task role's too when the task definition names one role
    /// for both jobs (about a quarter of real task definitions do).
    pub fn uses_default_policies(&self) -> bool {
        matches!(self.role, RoleKind::Execution | RoleKind::Caller) || self.is_one_role_for_both()
    }

    /// Whether the task definition's execution and task roles are the same role.
    pub fn is_one_role_for_both(&self) -> bool {
        self.role_arn.is_some() && self.role_arn == self.other_role_arn
    }
}

impl RoleKind {
    pub fn other(self) -> RoleKind {
        match self {
            RoleKind::Execution => RoleKind::Task,
            RoleKind::Task => RoleKind::Execution,
            RoleKind::Caller => RoleKind::Caller,
            RoleKind::Deployer => RoleKind::Deployer,
        }
    }

    /// The role's ARN, when the task definition writes a real one (not a template, not a
    /// documentation placeholder).
    pub(crate) fn arn_in(self, td: &TaskDefinition) -> Option<String> {
        self.field_in(td)
            .as_ref()
            .filter(|a| is_literal(&a.value))
            .map(|a| a.value.clone())
    }

    fn field_in(self, td: &TaskDefinition) -> &Option<Spanned<String>> {
        match self {
            RoleKind::Execution => &td.execution_role_arn,
            RoleKind::Task => &td.task_role_arn,
            RoleKind::Caller | RoleKind::Deployer => &None,
        }
    }
}

impl Needs {
    /// Adds another task definition's needs: the same request by the same role is one need with
    /// the origins of both.
    pub fn merge(&mut self, other: Needs) {
        for need in other.needs {
            match self.needs.iter_mut().find(|n| {
                n.role == need.role && n.role_arn == need.role_arn && n.request == need.request
            }) {
                Some(existing) => {
                    for origin in need.origins {
                        if !existing.origins.contains(&origin) {
                            existing.origins.push(origin);
                        }
                    }
                }
                None => self.needs.push(need),
            }
        }
        self.problems.extend(other.problems);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferenceProblemKind {
    /// ECS will refuse the reference itself.
    Malformed,
    /// The reference cannot be resolved from what was given.
    Unresolved,
    /// The reference resolves here, but Secrets Manager may read it differently.
    Ambiguous,
    /// A bare SSM name, read in the task's region, for a parameter that lives in another.
    OtherRegion,
}

impl ReferenceProblemKind {
    pub const ALL: &[ReferenceProblemKind] = &[
        ReferenceProblemKind::Malformed,
        ReferenceProblemKind::Unresolved,
        ReferenceProblemKind::Ambiguous,
        ReferenceProblemKind::OtherRegion,
    ];
}

/// A resource whose ARN is built from the task's region and account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    LogGroup,
    FileSystem,
    Parameter,
    /// A secret named by name (`credentialsParameter`).
    SecretName,
}

/// What is wrong with a reference in a task definition, as facts: the rules word them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReferenceIssue {
    /// A Secrets Manager `valueFrom` with this many fields after the service's ARN prefix (ECS
    /// takes the ARN alone, or followed by `:json-key:version-stage:version-id`).
    SecretFieldCount(usize),
    /// A Secrets Manager ARN that names no secret.
    NotASecret,
    /// A `credentialsParameter` that is not a secret's ARN or name.
    CredentialsNotASecret,
    /// An SSM parameter ARN with its slash doubled (`…:parameter//app/db`), and the ARN meant.
    ParameterSlashDoubled(String),
    /// The resource's ARN needs the task's region or account, and the inputs give neither.
    PlaceUnknown { what: Placed, name: String },
    /// A secret referenced by ARN that is not in the listing given.
    SecretNotListed(String),
    /// A key named by an alias whose target is not known.
    KeyAliasUnresolved(String),
    /// A secret referenced by partial ARN whose name ends like a suffix.
    SuffixLikeName { id: String, full: String },
    /// A value that is a template (`{{ must_env `X` }}`, `${VAR}`, `$$$ROLE$$$`): filled in
    /// before deploy, so nothing is derived from it. `field` names it; `expr` is the first
    /// expression, a byte range into the value.
    Templated {
        field: String,
        expr: crate::model::template::Expr,
    },
    /// A bare SSM name read in the task's region for a parameter that lives at `full`.
    ParameterInOtherRegion {
        name: String,
        region: String,
        full: String,
    },
}

impl ReferenceIssue {
    pub fn kind(&self) -> ReferenceProblemKind {
        match self {
            ReferenceIssue::SecretFieldCount(_)
            | ReferenceIssue::NotASecret
            | ReferenceIssue::CredentialsNotASecret
            | ReferenceIssue::ParameterSlashDoubled(_) => ReferenceProblemKind::Malformed,
            ReferenceIssue::PlaceUnknown { .. }
            | ReferenceIssue::Templated { .. }
            | ReferenceIssue::SecretNotListed(_)
            | ReferenceIssue::KeyAliasUnresolved(_) => ReferenceProblemKind::Unresolved,
            ReferenceIssue::SuffixLikeName { .. } => ReferenceProblemKind::Ambiguous,
            ReferenceIssue::ParameterInOtherRegion { .. } => ReferenceProblemKind::OtherRegion,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReferenceProblem {
    pub issue: ReferenceIssue,
    pub loc: Loc,
    /// The reference as it should be written, where that is known.
    pub corrected: Option<String>,
}

impl ReferenceProblem {
    fn new(loc: Loc, issue: ReferenceIssue) -> ReferenceProblem {
        ReferenceProblem {
            issue,
            loc,
            corrected: None,
        }
    }

    pub fn kind(&self) -> ReferenceProblemKind {
        self.issue.kind()
    }
}

#[derive(Debug, Default)]
pub struct Needs {
    pub needs: Vec<Need>,
    pub problems: Vec<ReferenceProblem>,
}

/// The task's partition, region and account, as far as the inputs tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskContext {
    pub partition: String,
    pub region: Option<String>,
    pub account: Option<String>,
}

impl TaskContext {
    /// From `--region`, then the task definition's own ARN, then its role ARNs.
    pub fn of(td: &TaskDefinition, region: Option<&str>) -> TaskContext {
        let arns: Vec<Arn> = [
            &td.task_definition_arn,
            &td.execution_role_arn,
            &td.task_role_arn,
        ]
        .into_iter()
        .flatten()
        .filter(|s| is_literal(&s.value))
        .filter_map(|s| Arn::parse(&s.value))
        .collect();
        let first_nonempty = |f: fn(&Arn) -> &str| {
            arns.iter()
                .map(f)
                .find(|v| !v.is_empty())
                .map(str::to_string)
        };
        TaskContext {
            partition: first_nonempty(|a| &a.partition).unwrap_or_else(|| "aws".to_string()),
            region: region
                .map(str::to_string)
                .or_else(|| first_nonempty(|a| &a.region)),
            account: first_nonempty(|a| &a.account),
        }
    }
}

const AWS_MANAGED_SECRETS_KEY: &str = "alias/aws/secretsmanager";

/// Whether a value is what AWS will see: no template expression, no documentation placeholder.
fn is_literal(value: &str) -> bool {
    crate::model::template::find(value, false).is_empty()
        && crate::arn::placeholders(value).is_empty()
}

/// Whether a value can be used as it is. A template is reported here, once, and a value with a
/// documentation placeholder is left to `arn-placeholder`: nothing is derived from either, so
/// no need is built on text AWS will never see. `angle_brackets` counts `<…>` as a template
/// (CodeDeploy's `<IMAGE1_NAME>` in an image, `<aws_region>` in a log option).
fn usable(value: &Spanned<String>, field: &str, angle_brackets: bool, out: &mut Needs) -> bool {
    if let Some(expr) = crate::model::template::find(&value.value, angle_brackets)
        .into_iter()
        .next()
    {
        out.problems.push(ReferenceProblem::new(
            value.loc,
            ReferenceIssue::Templated {
                field: field.to_string(),
                expr,
            },
        ));
        return false;
    }
    crate::arn::placeholders(&value.value).is_empty()
}

/// Works out every request the task definition makes of its roles.
pub fn derive(td: &TaskDefinition, inventory: &Inventory, context: &TaskContext) -> Needs {
    let mut out = Needs::default();
    let mut roles_templated = false;
    for (role, field) in [
        (RoleKind::Execution, "`executionRoleArn`"),
        (RoleKind::Task, "`taskRoleArn`"),
    ] {
        if let Some(value) = role.field_in(td) {
            roles_templated |= !usable(value, field, false, &mut out);
        }
    }
    for (i, container) in td.containers.iter().enumerate() {
        let who = container.display_name(i);
        for entry in &container.secrets {
            if !usable(&entry.value_from, "`valueFrom`", false, &mut out) {
                continue;
            }
            secret_value_from(
                &entry.value_from,
                format!("{who} secrets[{}]", entry_name(&entry.name)),
                inventory,
                context,
                &mut out,
            );
        }
        for entry in &container.log_secret_options {
            if !usable(&entry.value_from, "`valueFrom`", false, &mut out) {
                continue;
            }
            secret_value_from(
                &entry.value_from,
                format!(
                    "{who} logConfiguration.secretOptions[{}]",
                    entry_name(&entry.name)
                ),
                inventory,
                context,
                &mut out,
            );
        }
        if let Some(param) = &container.credentials_parameter
            && usable(param, "`credentialsParameter`", false, &mut out)
        {
            credentials_parameter(param, &who, inventory, context, &mut out);
        }
        if td.agent_uses_execution_role()
            && container.credentials_parameter.is_none()
            && let Some(image) = &container.image
            && usable(image, "`image`", true, &mut out)
        {
            ecr_image(image, &who, &mut out);
        }
        if td.agent_uses_execution_role()
            && let Some(log) = &container.log_configuration
            && log.driver.value == "awslogs"
            && ["awslogs-group", "awslogs-region"].iter().all(|option| {
                log.option(option)
                    .is_none_or(|v| usable(v, &format!("`{option}`"), true, &mut out))
            })
        {
            awslogs(log, &who, context, &mut out);
        }
        for file in &container.environment_files {
            if usable(file, "`environmentFiles`", false, &mut out) {
                environment_file(file, &who, &mut out);
            }
        }
    }
    for volume in td.efs_volumes.iter().filter(|v| v.iam) {
        if usable(&volume.file_system_id, "`fileSystemId`", false, &mut out) {
            efs_volume(td, volume, context, &mut out);
        }
    }
    for need in &mut out.needs {
        need.role_arn = need.role.arn_in(td);
        need.other_role_arn = need.role.other().arn_in(td);
        need.role_templated = need
            .role
            .field_in(td)
            .as_ref()
            .is_some_and(|a| !is_literal(&a.value));
    }
    // The account comes from the role ARNs: when they are templates, that is the one cause of
    // every "account unknown", already told where the template stands.
    if roles_templated && context.account.is_none() {
        out.problems
            .retain(|p| !matches!(p.issue, ReferenceIssue::PlaceUnknown { .. }));
    }
    out
}

/// An ECR image reference, `ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPOSITORY[:TAG][@DIGEST]`:
/// its account, region, whether it is in China (`aws-cn`), and repository. Read by hand: a
/// regex compiled for it was a fifth of a short `check`.
fn ecr_reference(image: &str) -> Option<(&str, &str, bool, &str)> {
    let (host, path) = image.split_once('/')?;
    let (account, rest) = host.split_once('.')?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix("dkr.ecr")?;
    let rest = rest
        .strip_prefix("-fips")
        .unwrap_or(rest)
        .strip_prefix('.')?;
    let (region, domain) = rest.split_once('.')?;
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    let china = match domain {
        "amazonaws.com" => false,
        "amazonaws.com.cn" => true,
        _ => return None,
    };
    let end = path.find([':', '@']).unwrap_or(path.len());
    let repository = &path[..end];
    // Then an optional `:TAG` (up to an `@`) and an optional `@DIGEST` (not empty, one line).
    let mut rest = &path[end..];
    if let Some(tag) = rest.strip_prefix(':') {
        rest = &tag[tag.find('@').unwrap_or(tag.len())..];
    }
    let digest_ok = match rest.strip_prefix('@') {
        Some(digest) => !digest.is_empty() && !digest.contains('\n'),
        None => rest.is_empty(),
    };
    (!repository.is_empty() && digest_ok).then_some((account, region, china, repository))
}

/// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG|@DIGEST]`.
fn ecr_image(image: &Spanned<String>, who: &str, out: &mut Needs) {
    let Some((account, region, china, repository)) = ecr_reference(&image.value) else {
        return;
    };
    let partition = if china { "aws-cn" } else { "aws" };
    let repo_arn = Arn::new(
        partition,
        "ecr",
        region,
        account,
        &format!("repository/{repository}"),
    )
    .to_string();
    let origin = Origin {
        loc: image.loc,
        what: format!("{who} image (ECR, pulled with the execution role)"),
    };
    add_need(
        out,
        RoleKind::Execution,
        request("ecr:GetAuthorizationToken", "*"),
        Subject::Other,
        origin.clone(),
        "*".to_string(),
    );
    for action in [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
    ] {
        add_need(
            out,
            RoleKind::Execution,
            request(action, &repo_arn),
            Subject::Other,
            origin.clone(),
            repo_arn.clone(),
        );
    }
}

fn request(action: &str, resource: &str) -> Request {
    Request {
        action: action.to_string(),
        resource: resource.to_string(),
    }
}

/// The `awslogs` driver, sent with the execution role: it creates the stream and puts events.
fn awslogs(log: &LogConfiguration, who: &str, context: &TaskContext, out: &mut Needs) {
    let Some(group) = log.option("awslogs-group") else {
        return;
    };
    let region = log
        .option("awslogs-region")
        .map(|r| r.value.clone())
        .or_else(|| context.region.clone());
    let (Some(region), Some(account)) = (region, context.account.clone()) else {
        out.problems.push(ReferenceProblem::new(
            group.loc,
            ReferenceIssue::PlaceUnknown {
                what: Placed::LogGroup,
                name: group.value.clone(),
            },
        ));
        return;
    };
    let base = format!(
        "arn:{}:logs:{region}:{account}:log-group:{}",
        context.partition, group.value
    );
    let grant = format!("{base}:*");
    let prefix = log
        .option("awslogs-stream-prefix")
        .map(|p| format!("{}/", p.value))
        .unwrap_or_default();
    let container = who
        .strip_prefix("container \"")
        .and_then(|w| w.strip_suffix('"'))
        .unwrap_or("*");
    let stream = format!("{base}:log-stream:{prefix}{container}/*");
    let origin = Origin {
        loc: log.driver.loc,
        what: format!(
            "{who} awslogs to \"{}\" (sent with the execution role)",
            group.value
        ),
    };
    let mut wanted = vec![
        ("logs:CreateLogStream", grant.clone()),
        ("logs:PutLogEvents", stream),
    ];
    if log
        .option("awslogs-create-group")
        .is_some_and(|v| v.value.eq_ignore_ascii_case("true"))
    {
        wanted.push(("logs:CreateLogGroup", grant.clone()));
    }
    for (action, resource) in wanted {
        add_need(
            out,
            RoleKind::Execution,
            request(action, &resource),
            Subject::Other,
            origin.clone(),
            grant.clone(),
        );
    }
}

/// `environmentFiles` in S3: the object, and its bucket's location.
fn environment_file(file: &Spanned<String>, who: &str, out: &mut Needs) {
    let Some(arn) = Arn::parse(&file.value).filter(|a| a.service == "s3") else {
        return;
    };
    let bucket = arn.resource.split('/').next().unwrap_or_default();
    let bucket_arn = Arn::new(&arn.partition, "s3", "", "", bucket).to_string();
    let origin = Origin {
        loc: file.loc,
        what: format!("{who} environmentFiles"),
    };
    add_need(
        out,
        RoleKind::Execution,
        request("s3:GetObject", &file.value),
        Subject::Other,
        origin.clone(),
        file.value.clone(),
    );
    add_need(
        out,
        RoleKind::Execution,
        request("s3:GetBucketLocation", &bucket_arn),
        Subject::Other,
        origin,
        bucket_arn.clone(),
    );
}

/// An EFS volume with IAM authorization: the task role mounts it, and writes unless every mount
/// of it is read-only.
fn efs_volume(td: &TaskDefinition, volume: &EfsVolume, context: &TaskContext, out: &mut Needs) {
    let mounts: Vec<&crate::model::taskdef::MountPoint> = td
        .containers
        .iter()
        .flat_map(|c| &c.mount_points)
        .filter(|m| m.source_volume == volume.name)
        .collect();
    if mounts.is_empty() {
        return;
    }
    let (Some(region), Some(account)) = (context.region.clone(), context.account.clone()) else {
        out.problems.push(ReferenceProblem::new(
            volume.file_system_id.loc,
            ReferenceIssue::PlaceUnknown {
                what: Placed::FileSystem,
                name: volume.file_system_id.value.clone(),
            },
        ));
        return;
    };
    let fs_arn = Arn::new(
        &context.partition,
        "elasticfilesystem",
        &region,
        &account,
        &format!("file-system/{}", volume.file_system_id.value),
    )
    .to_string();
    let origin = Origin {
        loc: volume.file_system_id.loc,
        what: format!(
            "volume \"{}\" (EFS with IAM authorization, mounted with the task role)",
            volume.name
        ),
    };
    let mut actions = vec!["elasticfilesystem:ClientMount"];
    if mounts.iter().any(|m| !m.read_only) {
        actions.push("elasticfilesystem:ClientWrite");
    }
    for action in actions {
        add_need(
            out,
            RoleKind::Task,
            request(action, &fs_arn),
            Subject::Other,
            origin.clone(),
            fs_arn.clone(),
        );
    }
}

const SECRETS_MANAGER_REFERENCE: &str = "/aws/reference/secretsmanager/";
const AWS_MANAGED_SSM_KEY: &str = "alias/aws/ssm";

/// A parameter named without its ARN: read in the task's own region (its ARN and name), or
/// `None` when the task's region or account is unknown (a problem then says so). A listing that
/// finds it only in another region is a problem too.
fn bare_parameter(
    value: &Spanned<String>,
    inventory: &Inventory,
    context: &TaskContext,
    out: &mut Needs,
) -> Option<(String, String)> {
    let (Some(region), Some(account)) = (&context.region, &context.account) else {
        out.problems.push(ReferenceProblem::new(
            value.loc,
            ReferenceIssue::PlaceUnknown {
                what: Placed::Parameter,
                name: value.value.clone(),
            },
        ));
        return None;
    };
    // A leading slash is not doubled: `/a/b` is `parameter/a/b`.
    let path = value.value.trim_start_matches('/');
    let elsewhere = inventory.parameters.iter().find_map(|p| {
        let arn = Arn::parse(p.arn.as_ref()?)?;
        (p.name.trim_start_matches('/') == path && &arn.region != region)
            .then(|| p.arn.clone())
            .flatten()
    });
    let here = inventory.parameters.iter().any(|p| {
        p.name.trim_start_matches('/') == path
            && p.arn
                .as_deref()
                .and_then(Arn::parse)
                .is_none_or(|a| &a.region == region)
    });
    if let (Some(full), false) = (elsewhere, here) {
        out.problems.push(ReferenceProblem {
            corrected: Some(full.clone()),
            ..ReferenceProblem::new(
                value.loc,
                ReferenceIssue::ParameterInOtherRegion {
                    name: value.value.clone(),
                    region: region.clone(),
                    full,
                },
            )
        });
    }
    let arn = Arn::new(
        &context.partition,
        "ssm",
        region,
        account,
        &format!("parameter/{path}"),
    );
    Some((arn.to_string(), format!("/{path}")))
}

/// A SecureString parameter encrypted with a customer managed key: `kms:Decrypt` on that key.
fn parameter_key_need(
    index: usize,
    arn: &str,
    origin: Origin,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let meta = &inventory.parameters[index];
    if meta.kind.as_deref() != Some("SecureString") {
        return;
    }
    let Some(key) = &meta.key_id else { return };
    if key.value == AWS_MANAGED_SSM_KEY || key.value.ends_with(&format!(":{AWS_MANAGED_SSM_KEY}")) {
        return;
    }
    let Some(param_arn) = Arn::parse(arn) else {
        return;
    };
    match customer_managed_key_arn(&key.value, &param_arn, inventory) {
        KeyRef::Key(key_arn) => add_need(
            out,
            RoleKind::Execution,
            request("kms:Decrypt", &key_arn),
            Subject::ParameterKey { parameter: index },
            origin,
            key_arn.clone(),
        ),
        KeyRef::AwsManaged => {}
        KeyRef::Alias => alias_unresolved(key, out),
    }
}

/// An SSM parameter, by full ARN or by name in the task's own region. The ECS agent reads it with
/// `ssm:GetParameters` (plural); `/aws/reference/secretsmanager/NAME` also reads that secret.
fn ssm_parameter(
    value: &Spanned<String>,
    what: String,
    inventory: &Inventory,
    context: &TaskContext,
    out: &mut Needs,
) {
    let (arn, name) = match Arn::parse(&value.value) {
        Some(arn) => {
            // `/app/db`'s ARN is `…:parameter/app/db`: the name's own slash is not added again.
            if let Some(rest) = arn.resource.strip_prefix("parameter//") {
                let meant = Arn {
                    resource: format!("parameter/{}", rest.trim_start_matches('/')),
                    ..arn.clone()
                }
                .to_string();
                out.problems.push(ReferenceProblem {
                    corrected: Some(meant.clone()),
                    ..ReferenceProblem::new(value.loc, ReferenceIssue::ParameterSlashDoubled(meant))
                });
            }
            let name = arn
                .resource
                .strip_prefix("parameter")
                .unwrap_or(&arn.resource)
                .to_string();
            (arn.to_string(), name)
        }
        None => match bare_parameter(value, inventory, context, out) {
            Some(found) => found,
            None => return,
        },
    };
    let parameter = inventory
        .parameter_by_name(&name)
        .or_else(|| inventory.parameter_by_name(name.trim_start_matches('/')));
    let origin = Origin {
        loc: value.loc,
        what,
    };
    add_need(
        out,
        RoleKind::Execution,
        request("ssm:GetParameters", &arn),
        Subject::Parameter { parameter },
        origin.clone(),
        arn.clone(),
    );
    if let Some(secret_name) = name.strip_prefix(SECRETS_MANAGER_REFERENCE) {
        match inventory.secret_by_name(secret_name, context.region.as_deref()) {
            Some(index) => {
                if let Some(secret_arn) = Arn::parse(&inventory.secrets[index].arn.value) {
                    add_secret_need(
                        Some(index),
                        secret_arn,
                        None,
                        origin.loc,
                        origin.what.clone(),
                        inventory,
                        out,
                    );
                }
            }
            None => unresolved(value.loc, secret_name, out),
        }
    }
    if let Some(index) = parameter {
        parameter_key_need(index, &arn, origin, inventory, out);
    }
}

fn entry_name(name: &Option<Spanned<String>>) -> String {
    name.as_ref()
        .map_or_else(|| "?".to_string(), |n| format!("\"{}\"", n.value))
}

/// A `secrets` / `secretOptions` `valueFrom`. Only Secrets Manager ARNs are read here; anything
/// else is an SSM parameter.
fn secret_value_from(
    value: &Spanned<String>,
    what: String,
    inventory: &Inventory,
    context: &TaskContext,
    out: &mut Needs,
) {
    let Some(arn) = Arn::parse(&value.value) else {
        return ssm_parameter(value, what, inventory, context, out);
    };
    if arn.service == "ssm" {
        return ssm_parameter(value, what, inventory, context, out);
    }
    if arn.service != "secretsmanager" {
        return;
    }
    match SecretReference::parse(&arn) {
        Ok(reference) => secret_reference(&reference, value.loc, what, inventory, out),
        Err(SecretReferenceError::WrongFieldCount(n)) => out.problems.push(ReferenceProblem::new(
            value.loc,
            ReferenceIssue::SecretFieldCount(n),
        )),
        Err(SecretReferenceError::NotASecret) => out
            .problems
            .push(ReferenceProblem::new(value.loc, ReferenceIssue::NotASecret)),
    }
}

/// `repositoryCredentials.credentialsParameter`: a secret's ARN, or its name in the task's region.
fn credentials_parameter(
    value: &Spanned<String>,
    who: &str,
    inventory: &Inventory,
    context: &TaskContext,
    out: &mut Needs,
) {
    let what = format!("{who} repositoryCredentials.credentialsParameter");
    if let Some(arn) = Arn::parse(&value.value) {
        match SecretReference::parse(&arn) {
            Ok(reference) if !reference.has_tail => {
                secret_reference(&reference, value.loc, what, inventory, out)
            }
            _ => out.problems.push(ReferenceProblem::new(
                value.loc,
                ReferenceIssue::CredentialsNotASecret,
            )),
        }
        return;
    }
    // A bare name: Secrets Manager looks it up in the task's region, and IAM evaluates the ARN
    // the name stands for, without the suffix.
    let stored = inventory
        .secret_by_name(&value.value, context.region.as_deref())
        .and_then(|i| Some((i, Arn::parse(&inventory.secrets[i].arn.value)?)));
    let requested = match &stored {
        Some((_, arn)) => Some(Arn {
            resource: format!("secret:{}", value.value),
            ..arn.clone()
        }),
        None => context
            .region
            .as_ref()
            .zip(context.account.as_ref())
            .map(|(region, account)| {
                Arn::new(
                    &context.partition,
                    "secretsmanager",
                    region,
                    account,
                    &format!("secret:{}", value.value),
                )
            }),
    };
    let Some(requested) = requested else {
        out.problems.push(ReferenceProblem::new(
            value.loc,
            ReferenceIssue::PlaceUnknown {
                what: Placed::SecretName,
                name: value.value.clone(),
            },
        ));
        return;
    };
    let (index, arn) = match stored {
        Some((i, arn)) => (Some(i), arn),
        None => (None, requested.clone()),
    };
    add_secret_need(
        index,
        arn,
        Some(requested.to_string()),
        value.loc,
        what,
        inventory,
        out,
    );
}

fn unresolved(loc: Loc, reference: &str, out: &mut Needs) {
    out.problems.push(ReferenceProblem::new(
        loc,
        ReferenceIssue::SecretNotListed(reference.to_string()),
    ));
}

fn secret_reference(
    reference: &SecretReference,
    loc: Loc,
    what: String,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let written = reference.arn.to_string();
    if let Some(index) = inventory.secret_by_arn(&written) {
        return add_secret_need(
            Some(index),
            reference.arn.clone(),
            None,
            loc,
            what,
            inventory,
            out,
        );
    }
    // A partial ARN (no suffix): Secrets Manager finds the secret, but IAM evaluates the ARN as
    // requested (AWS-FACTS, "valueFrom and credentialsParameter").
    if let Some(index) = inventory.secret_by_partial_arn(&written)
        && let Some(arn) = Arn::parse(&inventory.secrets[index].arn.value)
    {
        if has_secret_suffix(&reference.id) {
            // The name itself ends like a suffix: Secrets Manager may take the partial ARN for a
            // full one and find nothing (Secrets Manager troubleshooting guide).
            let full = &inventory.secrets[index].arn.value;
            out.problems.push(ReferenceProblem {
                corrected: Some(format!("{full}{}", reference.tail)),
                ..ReferenceProblem::new(
                    loc,
                    ReferenceIssue::SuffixLikeName {
                        id: reference.id.clone(),
                        full: full.clone(),
                    },
                )
            });
        }
        return add_secret_need(Some(index), arn, Some(written), loc, what, inventory, out);
    }
    if has_secret_suffix(&reference.id) {
        // Not in the inventory, but written as a full ARN: that is what IAM will see.
        return add_secret_need(None, reference.arn.clone(), None, loc, what, inventory, out);
    }
    // Not in the inventory and without a suffix: surely a partial ARN, evaluated as written.
    add_secret_need(
        None,
        reference.arn.clone(),
        Some(written),
        loc,
        what,
        inventory,
        out,
    );
}

/// The grant a secret's name deserves: `NAME-??????` of its stored ARN, or of the ARN requested
/// when the secret is not listed. A partial reference must also become the full ARN, which the
/// rules say where it is written.
fn secret_grant(requested: Option<&str>, listed: bool, stored: &str) -> String {
    match (requested, listed) {
        (Some(partial), false) => crate::arn::secret_name_pattern(partial),
        _ => crate::arn::recommended_secret_resource(stored),
    }
}

/// The need behind a request made outside any task definition (a pasted AccessDenied): `stored`
/// is the secret the listing knows for it, with its stored ARN. A secret named without its
/// suffix is evaluated as requested, like a reference in a task definition.
/// The need a pasted request makes. `caller` marks a principal that is neither of a task's
/// roles (a deploy principal, a user); otherwise the request is the execution role's (or the task
/// role's, for EFS).
pub fn of_request(
    request: Request,
    stored: Option<(usize, Arn)>,
    role_arn: Option<String>,
    origin: Origin,
    caller: Option<RoleKind>,
) -> Need {
    let resource = request.resource.clone();
    let subject = match Arn::parse(&resource) {
        Some(a) if a.service == "secretsmanager" && a.resource.starts_with("secret:") => {
            let id = a.resource.trim_start_matches("secret:");
            let by_partial = match &stored {
                Some((_, arn)) => arn.to_string() != resource,
                None => !crate::arn::has_secret_suffix(id),
            };
            Subject::Secret {
                secret: stored.as_ref().map(|(i, _)| *i),
                arn: stored.as_ref().map_or(a, |(_, arn)| arn.clone()),
                by_partial,
            }
        }
        _ => Subject::Other,
    };
    let grant = match &subject {
        Subject::Secret {
            arn, by_partial, ..
        } => secret_grant(
            by_partial.then_some(resource.as_str()),
            stored.is_some(),
            &arn.to_string(),
        ),
        _ => resource.clone(),
    };
    Need {
        role: match caller {
            Some(kind) => kind,
            None if request.action.starts_with("elasticfilesystem:") => RoleKind::Task,
            None => RoleKind::Execution,
        },
        request,
        subject,
        origins: vec![origin],
        grant,
        role_arn,
        other_role_arn: None,
        role_templated: false,
    }
}

/// `arn` is the secret's stored ARN where it is known; `requested`, the ARN the reference
/// requests when it names the secret without its suffix.
fn add_secret_need(
    secret: Option<usize>,
    arn: Arn,
    requested: Option<String>,
    loc: Loc,
    what: String,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let origin = Origin { loc, what };
    let stored = arn.to_string();
    let grant = secret_grant(requested.as_deref(), secret.is_some(), &stored);
    add_need(
        out,
        RoleKind::Execution,
        request(
            "secretsmanager:GetSecretValue",
            requested.as_deref().unwrap_or(&stored),
        ),
        Subject::Secret {
            secret,
            arn: arn.clone(),
            by_partial: requested.is_some(),
        },
        origin.clone(),
        grant,
    );
    let Some(index) = secret else { return };
    let Some(key) = &inventory.secrets[index].kms_key_id else {
        return;
    };
    match customer_managed_key_arn(&key.value, &arn, inventory) {
        KeyRef::AwsManaged => {}
        KeyRef::Key(key_arn) => add_need(
            out,
            RoleKind::Execution,
            request("kms:Decrypt", &key_arn),
            Subject::SecretKey { secret: index },
            origin,
            key_arn.clone(),
        ),
        KeyRef::Alias => alias_unresolved(key, out),
    }
}

/// A key given by alias: IAM needs the key ARN, which only a lookup tells.
fn alias_unresolved(key: &Spanned<String>, out: &mut Needs) {
    if out
        .problems
        .iter()
        .any(|p| p.loc == key.loc && p.kind() == ReferenceProblemKind::Unresolved)
    {
        return;
    }
    out.problems.push(ReferenceProblem::new(
        key.loc,
        ReferenceIssue::KeyAliasUnresolved(key.value.clone()),
    ));
}

fn add_need(
    out: &mut Needs,
    role: RoleKind,
    request: Request,
    subject: Subject,
    origin: Origin,
    grant: String,
) {
    if let Some(existing) = out
        .needs
        .iter_mut()
        .find(|n| n.role == role && n.request == request)
    {
        if !existing.origins.contains(&origin) {
            existing.origins.push(origin);
        }
        return;
    }
    out.needs.push(Need {
        role,
        request,
        subject,
        origins: vec![origin],
        grant,
        role_arn: None,
        other_role_arn: None,
        role_templated: false,
    });
}

#[derive(Debug, PartialEq, Eq)]
enum KeyRef {
    AwsManaged,
    Key(String),
    Alias,
}

/// The key ARN behind a secret's or parameter's key ID: a key ARN as it is, a key ID in the secret's region
/// and account; an alias through `list-aliases` when it was given, else it stays unresolved.
fn customer_managed_key_arn(kms_key_id: &str, owner: &Arn, inventory: &Inventory) -> KeyRef {
    let resolved = customer_managed_key_id(kms_key_id, owner);
    if resolved != KeyRef::Alias {
        return resolved;
    }
    match inventory.alias_target(kms_key_id, &owner.region, &owner.account) {
        Some(key_arn) => KeyRef::Key(key_arn),
        None => KeyRef::Alias,
    }
}

fn customer_managed_key_id(kms_key_id: &str, owner: &Arn) -> KeyRef {
    if kms_key_id.is_empty()
        || kms_key_id == AWS_MANAGED_SECRETS_KEY
        || kms_key_id.ends_with(&format!(":{AWS_MANAGED_SECRETS_KEY}"))
    {
        return KeyRef::AwsManaged;
    }
    if let Some(arn) = Arn::parse(kms_key_id) {
        return if arn.resource.starts_with("key/") {
            KeyRef::Key(kms_key_id.to_string())
        } else {
            KeyRef::Alias
        };
    }
    if kms_key_id.starts_with("alias/") {
        return KeyRef::Alias;
    }
    KeyRef::Key(crate::arn::kms_key_arn(owner, kms_key_id))
}

#[cfg(test)]
mod tests {
    /// The reader agrees with the pattern it replaced on real references, near misses and every
    /// cut and one-byte change of them.
    #[test]
    fn ecr_references_are_read_as_the_pattern_read_them() {
        let pattern = regex::Regex::new(
            r"^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/([^:@]+)(?::[^@]*)?(?:@.+)?$",
        )
        .unwrap();
        let oracle = |image: &str| {
            pattern.captures(image).map(|c| {
                (
                    c.get(1).unwrap().as_str().to_string(),
                    c.get(2).unwrap().as_str().to_string(),
                    c.get(3).is_some(),
                    c.get(4).unwrap().as_str().to_string(),
                )
            })
        };
        let seeds = [
            "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/web/nginx:1.27",
            "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app@sha256:abc",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app:latest@sha256:0",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/a/b/c",
            "12345678901.dkr.ecr.eu-west-1.amazonaws.com/app",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/",
            "123456789012.dkr.ecr.EU-west-1.amazonaws.com/app",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:tag@",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha\n1",
            "123456789012.dkr.ecr..amazonaws.com/app",
            "public.ecr.aws/nginx/nginx:1.27",
            "registry.gitlab.com/group/project/nginx:1.27",
            "nginx",
        ];
        let mut cases: Vec<String> = Vec::new();
        for seed in seeds {
            cases.push(seed.to_string());
            for i in 0..=seed.len() {
                if seed.is_char_boundary(i) {
                    cases.push(seed[..i].to_string());
                    cases.push(seed[i..].to_string());
                }
            }
            for (i, _) in seed.char_indices() {
                for b in [":", "@", "/", ".", "x", "1", "\n", "-", "A"] {
                    let mut changed = seed.to_string();
                    changed.replace_range(i..i + 1, b);
                    cases.push(changed);
                }
            }
        }
        for case in &cases {
            let read = super::ecr_reference(case)
                .map(|(a, r, cn, repo)| (a.to_string(), r.to_string(), cn, repo.to_string()));
            assert_eq!(read, oracle(case), "{case:?}");
        }
        assert!(cases.iter().filter(|c| oracle(c).is_some()).count() > 100);
    }
}
