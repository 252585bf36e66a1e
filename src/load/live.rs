//! The live loader: reads the task definition, its roles' policies and the referenced secrets'
//! metadata from AWS through the official SDK, and renders them as the AWS CLI prints them.
//!
//! The rendering is the point: a live run is a snapshot (`describe-task-definition.json`,
//! `account-details.json`, `list-secrets.json`) read by the same offline loader, so findings,
//! spans and fixes work the same, and `ecslint snapshot` can write the files for a bug report.
//! Credentials, region, profile and `AWS_ENDPOINT_URL` resolve as in the AWS CLI (aws-config).
//! Secrets are described, never read: no `GetSecretValue` call exists here.

use crate::arn::{Arn, SecretReference};
use crate::load::InputKind;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

pub use super::snapshot::{ServiceEvent, Snapshot, StoppedTask};

/// What to fetch.
#[derive(Clone, Debug, Default)]
pub struct LiveTarget {
    /// `FAMILY`, `FAMILY:REVISION` or a task definition ARN.
    pub task_definitions: Vec<String>,
    /// Services (`CLUSTER/SERVICE`) whose current task definition to read.
    pub services: Vec<String>,
    /// Stopped tasks (`CLUSTER/TASK_ID` or a task ARN): their stopped reason and task definition.
    pub stopped_tasks: Vec<String>,
    /// Services (`CLUSTER/SERVICE`) whose recently stopped tasks (as `stopped_tasks`) and failure
    /// events to read.
    pub stopped_of_services: Vec<String>,
    /// Roles to read besides the task definitions' (the principal of a pasted AccessDenied).
    pub roles: Vec<String>,
    /// Secrets to describe besides the task definitions' references (by ARN or name).
    pub secrets: Vec<String>,
    /// KMS keys (by ARN) whose key policy to read besides the secrets' and parameters' keys.
    pub keys: Vec<String>,
    /// Deployed CloudFormation stacks (by name or ARN): their template, resources and parameters,
    /// and what the template names but does not create.
    pub stacks: Vec<String>,
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// At most this many distinct stopped reasons, and as many failure events, per service: enough
/// to see every cause of a failing deploy, few enough to read.
const RECENT_PER_SERVICE: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(
        "no AWS credentials or region: {0} (configure them as for the AWS CLI: AWS_PROFILE/--profile, AWS_REGION/--region, or environment credentials)"
    )]
    Credentials(String),
    #[error(
        "sts:GetCallerIdentity failed (is AWS_ENDPOINT_URL right, are the credentials valid?): {0}"
    )]
    Identity(String),
    #[error("cannot read task definition {name}: {reason}")]
    TaskDefinition { name: String, reason: String },
    #[error("cannot read service {name}: {reason}")]
    Service { name: String, reason: String },
    #[error("cannot read task {name}: {reason}")]
    Task { name: String, reason: String },
    #[error("cannot read stack {name}: {reason}")]
    Stack { name: String, reason: String },
    #[error("cannot start the AWS client: {0}")]
    Runtime(String),
}

/// The service's recently stopped tasks that gave a reason (`ecs:ListTasks` with
/// `desiredStatus=STOPPED`, then `ecs:DescribeTasks`), newest first, one per distinct reason.
async fn recent_stopped_tasks(
    ecs: &aws_sdk_ecs::Client,
    service: &str,
) -> Result<Vec<StoppedTask>, LiveError> {
    let (cluster, name) = service.split_once('/').unwrap_or(("default", service));
    let error = |reason: String| LiveError::Service {
        name: service.to_string(),
        reason,
    };
    let mut arns = Vec::new();
    let mut pages = ecs
        .list_tasks()
        .cluster(cluster)
        .service_name(name)
        .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| error(reason(&e)))?;
        arns.extend(page.task_arns().iter().cloned());
    }
    let group = format!("service:{name}");
    let mut found: Vec<(Option<aws_sdk_ecs::primitives::DateTime>, StoppedTask)> = Vec::new();
    // DescribeTasks takes at most 100 tasks per call.
    for chunk in arns.chunks(100) {
        let out = ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| error(reason(&e)))?;
        for task in out.tasks() {
            // ECS puts a service's tasks in the group `service:NAME`; anything else is not its.
            if task.group().is_some_and(|g| g != group) {
                continue;
            }
            let stopped = stopped_task(task, task.task_arn().unwrap_or_default());
            if stopped.reasons.is_empty() {
                continue;
            }
            // By stop time, else by creation.
            let at = task.stopped_at().or(task.created_at()).copied();
            found.push((at, stopped));
        }
    }
    found.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut distinct: Vec<StoppedTask> = Vec::new();
    for (_, task) in found {
        if distinct.len() < RECENT_PER_SERVICE
            && !distinct.iter().any(|t| t.reasons == task.reasons)
        {
            distinct.push(task);
        }
    }
    Ok(distinct)
}

/// What a service said went wrong: its failure events (newest first, distinct) and each failed
/// deployment's reason (`ecs:DescribeServices`); and the task definition it runs.
async fn service_failures(
    ecs: &aws_sdk_ecs::Client,
    service: &str,
) -> Result<(Vec<ServiceEvent>, Option<String>), LiveError> {
    let found = describe_service(ecs, service).await?;
    let mut events: Vec<ServiceEvent> = Vec::new();
    let mut add = |at: Option<&aws_sdk_ecs::primitives::DateTime>, message: &str| {
        if events.len() < RECENT_PER_SERVICE
            && is_failure(message)
            && !events.iter().any(|e| e.message == message)
        {
            events.push(ServiceEvent {
                service: service.to_string(),
                at: at.map(|t| t.to_string()),
                message: message.to_string(),
            });
        }
    };
    for d in found.deployments() {
        if d.rollout_state() == Some(&aws_sdk_ecs::types::DeploymentRolloutState::Failed)
            && let Some(why) = d.rollout_state_reason()
        {
            add(d.updated_at(), why);
        }
    }
    // ECS lists events newest first.
    for e in found.events() {
        if let Some(message) = e.message() {
            add(e.created_at(), message);
        }
    }
    Ok((events, found.task_definition().map(str::to_string)))
}

/// `CLUSTER/SERVICE` (cluster `default` without one) through `ecs:DescribeServices`.
async fn describe_service(
    ecs: &aws_sdk_ecs::Client,
    service: &str,
) -> Result<aws_sdk_ecs::types::Service, LiveError> {
    let (cluster, name) = service.split_once('/').unwrap_or(("default", service));
    let error = |reason: String| LiveError::Service {
        name: service.to_string(),
        reason,
    };
    let out = ecs
        .describe_services()
        .cluster(cluster)
        .services(name)
        .send()
        .await
        .map_err(|e| error(reason(&e)))?;
    out.services()
        .first()
        .cloned()
        .ok_or_else(|| error(format!("no service {name:?} in cluster {cluster:?}")))
}

/// Whether a service event reports a failure (not "has started 1 tasks" or "reached a steady
/// state").
fn is_failure(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "failed",
        "unable",
        "error",
        "denied",
        "not authorized",
        "cannot",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// `CLUSTER/TASK_ID` (or a task ARN, whose cluster is in it) through `ecs:DescribeTasks`.
async fn describe_stopped_task(
    ecs: &aws_sdk_ecs::Client,
    task: &str,
) -> Result<StoppedTask, LiveError> {
    let (cluster, id) = match Arn::parse(task) {
        // arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID
        Some(arn) => match arn
            .resource
            .strip_prefix("task/")
            .and_then(|r| r.split_once('/'))
        {
            Some((cluster, _)) => (cluster.to_string(), task.to_string()),
            None => ("default".to_string(), task.to_string()),
        },
        None => match task.split_once('/') {
            Some((cluster, id)) => (cluster.to_string(), id.to_string()),
            None => ("default".to_string(), task.to_string()),
        },
    };
    let error = |reason: String| LiveError::Task {
        name: task.to_string(),
        reason,
    };
    let out = ecs
        .describe_tasks()
        .cluster(&cluster)
        .tasks(&id)
        .send()
        .await
        .map_err(|e| error(describe(&e)))?;
    let Some(found) = out.tasks().first() else {
        let why = out
            .failures()
            .first()
            .and_then(|f| f.reason())
            .unwrap_or("not found");
        return Err(error(format!(
            "{why} in cluster {cluster:?} (ECS keeps stopped tasks for about an hour)"
        )));
    };
    let stopped = stopped_task(found, task);
    if stopped.reasons.is_empty() && found.last_status() != Some("STOPPED") {
        return Err(error(format!(
            "the task has not stopped (last status {})",
            found.last_status().unwrap_or("unknown")
        )));
    }
    Ok(stopped)
}

/// A described task's reasons: its `stoppedReason`, then each container's `reason`.
fn stopped_task(found: &aws_sdk_ecs::types::Task, asked: &str) -> StoppedTask {
    let mut reasons: Vec<String> = found
        .stopped_reason()
        .map(str::to_string)
        .into_iter()
        .collect();
    for container in found.containers() {
        if let Some(r) = container.reason() {
            reasons.push(format!("{}: {r}", container.name().unwrap_or("container")));
        }
    }
    StoppedTask {
        task: found.task_arn().unwrap_or(asked).to_string(),
        task_definition: found.task_definition_arn().unwrap_or_default().to_string(),
        reasons: reasons.join("\n"),
        stopped_at: found.stopped_at().map(|t| t.to_string()),
    }
}

/// The SDK's error, with its cause chain, in one line.
fn describe<E: std::error::Error>(e: &E) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Runs the fetch on a runtime of its own: the rest of ecslint is synchronous.
pub fn fetch_blocking(target: &LiveTarget) -> Result<Snapshot, LiveError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Runtime(e.to_string()))?;
    runtime.block_on(fetch(target))
}

pub async fn fetch(target: &LiveTarget) -> Result<Snapshot, LiveError> {
    let config = connect(target).await?;
    let ecs = aws_sdk_ecs::Client::new(&config);
    let mut snapshot = Snapshot::default();
    let names = task_definition_names(&ecs, target, &mut snapshot).await?;
    let mut referenced = Referenced {
        roles: target.roles.clone(),
        secret_ids: target.secrets.clone(),
        parameters: Vec::new(),
        managed: Vec::new(),
    };
    // Stacks and task definitions do not depend on one another.
    let (stacks, task_definitions) = tokio::join!(
        fetch_stacks(&config, &target.stacks),
        fetch_task_definitions(&ecs, &names, &mut referenced, &mut snapshot),
    );
    task_definitions?;
    for (name, documents) in stacks? {
        for (kind, file, text) in documents {
            // The template and its stack's documents name the stack, which pairs them.
            snapshot.add(kind, file, text).owner = Some(name.clone());
        }
    }
    if !target.stacks.is_empty() {
        stack_references(&snapshot, &mut referenced);
    }
    referenced.secret_ids.sort();
    referenced.secret_ids.dedup();
    referenced.parameters.sort();
    referenced.parameters.dedup();
    fetch_account(&config, target, referenced, &mut snapshot).await;
    Ok(snapshot)
}

/// The SDK's configuration, with deadlines and retries, once credentials and the caller's
/// identity are known to work.
async fn connect(target: &LiveTarget) -> Result<aws_config::SdkConfig, LiveError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(p) = &target.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &target.region {
        loader = loader.region(aws_config::Region::new(r.clone()));
    }
    // A hung endpoint must not hang a CI job: every call has a deadline, and throttling or 5xx
    // answers are retried by the SDK's standard mode (with backoff) before ecslint gives up.
    let timeouts = aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .operation_attempt_timeout(std::time::Duration::from_secs(20))
        .operation_timeout(std::time::Duration::from_secs(60))
        .build();
    let config = loader
        .timeout_config(timeouts)
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
        .load()
        .await;
    if config.region().is_none() {
        return Err(LiveError::Credentials(
            "no region is configured".to_string(),
        ));
    }
    // Resolving credentials first tells "none configured" apart from "the endpoint refused them".
    use aws_sdk_sts::config::ProvideCredentials;
    match config.credentials_provider() {
        None => {
            return Err(LiveError::Credentials(
                "no credential provider is configured".to_string(),
            ));
        }
        Some(provider) => {
            provider
                .provide_credentials()
                .await
                .map_err(|e| LiveError::Credentials(describe(&e)))?;
        }
    }
    let sts = aws_sdk_sts::Client::new(&config);
    sts.get_caller_identity()
        .send()
        .await
        .map_err(|e| LiveError::Identity(describe(&e)))?;
    Ok(config)
}

/// The task definitions to read: those named, each service's current one, and the ones its
/// stopped tasks ran (whose reasons, and the services' failure events, join the snapshot).
async fn task_definition_names(
    ecs: &aws_sdk_ecs::Client,
    target: &LiveTarget,
    snapshot: &mut Snapshot,
) -> Result<Vec<String>, LiveError> {
    let mut task_definitions = target.task_definitions.clone();
    for service in &target.services {
        match describe_service(ecs, service).await?.task_definition() {
            Some(td) => task_definitions.push(td.to_string()),
            None => {
                return Err(LiveError::Service {
                    name: service.clone(),
                    reason: "it names no task definition".to_string(),
                });
            }
        }
    }
    for service in &target.stopped_of_services {
        let (events, current) = service_failures(ecs, service).await?;
        let stopped = recent_stopped_tasks(ecs, service).await?;
        if stopped.is_empty() && events.is_empty() {
            return Err(LiveError::Service {
                name: service.clone(),
                reason: "no stopped task gives a reason and no event reports a failure (ECS keeps stopped tasks for about an hour)".to_string(),
            });
        }
        snapshot.notes.push(format!(
            "service {service}: {} stopped-task reason(s) and {} failure event(s) to diagnose, newest first",
            stopped.len(),
            events.len()
        ));
        // Events are traced to the revision the service runs, stopped tasks to the one each ran.
        for td in stopped
            .iter()
            .map(|t| t.task_definition.clone())
            .chain(current)
            .filter(|td| !td.is_empty())
        {
            if !task_definitions.contains(&td) {
                task_definitions.push(td);
            }
        }
        snapshot.stopped.extend(stopped);
        snapshot.events.extend(events);
    }
    for task in &target.stopped_tasks {
        let stopped = describe_stopped_task(ecs, task).await?;
        if !stopped.task_definition.is_empty()
            && !task_definitions.contains(&stopped.task_definition)
        {
            task_definitions.push(stopped.task_definition.clone());
        }
        snapshot.stopped.push(stopped);
    }
    Ok(task_definitions)
}

/// What the task definitions reference, to read next.
struct Referenced {
    roles: Vec<String>,
    secret_ids: Vec<String>,
    /// `(region of the ARN, or None for the task's; name)`.
    parameters: Vec<(Option<String>, String)>,
    /// Customer managed policies a stack's roles attach, by ARN.
    managed: Vec<String>,
}

/// Each stack's documents as the AWS CLI prints them: the template as `get-template` returns
/// its body (the file named `stack-NAME.template.json` or `.yaml`), `describe-stack-resources`
/// (built from `list-stack-resources`, which pages past the 100 resources
/// `describe-stack-resources` stops at) and `describe-stacks` (its parameters). The three calls
/// of a stack, and the stacks, at the same time.
async fn fetch_stacks(
    config: &aws_config::SdkConfig,
    stacks: &[String],
) -> Result<Vec<(String, Vec<(InputKind, String, String)>)>, LiveError> {
    let cfn = aws_sdk_cloudformation::Client::new(config);
    let fetched = concurrently(stacks.to_vec(), |stack| {
        let cfn = cfn.clone();
        async move { fetch_stack(&cfn, &stack).await }
    })
    .await;
    let mut out = Vec::new();
    for (stack, result) in fetched {
        let (name, documents) = result.map_err(|reason| LiveError::Stack {
            name: stack.clone(),
            reason,
        })?;
        out.push((name, documents));
    }
    Ok(out)
}

async fn fetch_stack(
    cfn: &aws_sdk_cloudformation::Client,
    stack: &str,
) -> Result<(String, Vec<(InputKind, String, String)>), String> {
    use aws_sdk_cloudformation::types::TemplateStage;
    let template = async {
        cfn.get_template()
            .stack_name(stack)
            .template_stage(TemplateStage::Original)
            .send()
            .await
            .map_err(|e| reason(&e))
    };
    let resources = async {
        let mut pages = cfn
            .list_stack_resources()
            .stack_name(stack)
            .into_paginator()
            .send();
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| reason(&e))?;
            all.extend(page.stack_resource_summaries().iter().cloned());
        }
        Ok::<_, String>(all)
    };
    let described = async {
        cfn.describe_stacks()
            .stack_name(stack)
            .send()
            .await
            .map_err(|e| reason(&e))
    };
    let (template, resources, described) = tokio::join!(template, resources, described);
    let described = described?;
    let Some(found) = described.stacks().first() else {
        return Err("AWS returned no stack".to_string());
    };
    let name = found.stack_name().unwrap_or(stack).to_string();
    let id = found.stack_id().unwrap_or_default();
    let body = template?
        .template_body()
        .ok_or("AWS returned no template body")?
        .to_string();
    let resources: Vec<Value> = resources?
        .iter()
        .map(|r| {
            json!({
                "StackName": name,
                "StackId": id,
                "LogicalResourceId": r.logical_resource_id(),
                "PhysicalResourceId": r.physical_resource_id(),
                "ResourceType": r.resource_type(),
                "ResourceStatus": r.resource_status().map(|s| s.as_str()),
            })
        })
        .collect();
    let parameters: Vec<Value> = found
        .parameters()
        .iter()
        .map(|p| json!({"ParameterKey": p.parameter_key(), "ParameterValue": p.parameter_value()}))
        .collect();
    let extension = if super::cloudformation::is_json(&body) {
        "json"
    } else {
        "yaml"
    };
    // A stack name is letters, digits and `-`: a file name as it is.
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        name.clone(),
        vec![
            (
                InputKind::CloudFormation,
                format!("stack-{file}.template.{extension}"),
                body,
            ),
            (
                InputKind::Stack,
                format!("describe-stack-resources-{file}.json"),
                pretty(&json!({"StackResources": resources})),
            ),
            (
                InputKind::Stack,
                format!("describe-stacks-{file}.json"),
                pretty(
                    &json!({"Stacks": [{"StackName": name, "StackId": id, "Parameters": parameters}]}),
                ),
            ),
        ],
    ))
}

/// What the stacks' templates name but do not create: roles their task definitions run as,
/// secrets and parameters they read, customer managed policies their roles attach. Read by
/// the offline loader, as the check will read them.
fn stack_references(snapshot: &Snapshot, referenced: &mut Referenced) {
    let inputs: Vec<super::Input> = snapshot
        .documents
        .iter()
        .filter(|d| matches!(d.kind, InputKind::CloudFormation | InputKind::Stack))
        .cloned()
        .collect();
    let Ok(loaded) = super::load(&inputs) else {
        return;
    };
    let created_role = |arn: &str| {
        let name = crate::arn::role_name(arn);
        loaded.inventory.roles.iter().any(|r| r.name == name)
    };
    let created_secret = |id: &str| loaded.inventory.secrets.iter().any(|s| s.arn.value == id);
    for td in &loaded.task_definitions {
        let arns = [&td.execution_role_arn, &td.task_role_arn];
        for arn in arns.into_iter().flatten().map(|a| a.value.as_str()) {
            let role = crate::arn::role_name(arn).to_string();
            if !arn.contains("${") && !created_role(arn) && !referenced.roles.contains(&role) {
                referenced.roles.push(role);
            }
        }
        for c in &td.containers {
            let values = c
                .secrets
                .iter()
                .chain(&c.log_secret_options)
                .map(|s| s.value_from.value.as_str())
                .chain(c.credentials_parameter.iter().map(|p| p.value.as_str()));
            for value in values.filter(|v| !v.contains("${")) {
                match reference(value) {
                    Reference::Secret(id) if !created_secret(&id) => referenced.secret_ids.push(id),
                    Reference::Parameter { region, name } => {
                        match name.strip_prefix("/aws/reference/secretsmanager/") {
                            Some(secret) => referenced.secret_ids.push(secret.to_string()),
                            None => referenced.parameters.push((region, name)),
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    referenced
        .managed
        .extend(loaded.unknown_policy_arns.iter().cloned());
}

/// Each task definition, rendered as `describe-task-definition` output, and what it references.
async fn fetch_task_definitions(
    ecs: &aws_sdk_ecs::Client,
    task_definitions: &[String],
    referenced: &mut Referenced,
    snapshot: &mut Snapshot,
) -> Result<(), LiveError> {
    let Referenced {
        roles,
        secret_ids,
        parameters,
        ..
    } = referenced;
    // All at once (a service's current revision and those its stopped tasks ran), then each
    // taken in the order asked, so the snapshot's files are numbered the same every run.
    let fetched = concurrently(task_definitions.to_vec(), |name| {
        let ecs = ecs.clone();
        async move {
            let out = ecs
                .describe_task_definition()
                .task_definition(name)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            out.task_definition
                .ok_or_else(|| "AWS returned no task definition".to_string())
        }
    })
    .await;
    for (i, (name, td)) in fetched.into_iter().enumerate() {
        let td = td.map_err(|reason| LiveError::TaskDefinition { name, reason })?;
        for arn in [td.execution_role_arn(), td.task_role_arn()]
            .into_iter()
            .flatten()
        {
            let role = crate::arn::role_name(arn).to_string();
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        for c in td.container_definitions() {
            let refs = c
                .secrets()
                .iter()
                .chain(
                    c.log_configuration()
                        .map(|l| l.secret_options())
                        .unwrap_or_default(),
                )
                .map(|s| s.value_from());
            for value in refs {
                match reference(value) {
                    Reference::Secret(id) => secret_ids.push(id),
                    Reference::Parameter { region, name } => {
                        // `/aws/reference/secretsmanager/NAME` is the secret NAME, read through SSM.
                        match name.strip_prefix("/aws/reference/secretsmanager/") {
                            Some(secret) => secret_ids.push(secret.to_string()),
                            None => parameters.push((region, name)),
                        }
                    }
                    Reference::Other => {}
                }
            }
            if let Some(p) = c.repository_credentials() {
                secret_ids.push(p.credentials_parameter().to_string());
            }
        }
        let file = if task_definitions.len() == 1 {
            "describe-task-definition.json".to_string()
        } else {
            format!("describe-task-definition-{}.json", i + 1)
        };
        snapshot.add(
            InputKind::TaskDefinition,
            file,
            pretty(&json!({"taskDefinition": render_task_definition(&td), "tags": []})),
        );
    }
    Ok(())
}

/// The roles, secrets, parameters and keys referenced, and the KMS aliases when a policy names
/// one. What cannot be read becomes a note.
///
/// Everything the task definitions name is asked for at once, and each answer starts what
/// depends on it as soon as it arrives, so the reads take three round trips however many there
/// are: (1) each role, its inline policy names and its attached policies
/// (`GetRole`, `ListRolePolicies`, `ListAttachedRolePolicies`), each secret and its resource
/// policy (`DescribeSecret`, `GetResourcePolicy`), the parameters (`DescribeParameters`) and the
/// keys given by `--key` (`DescribeKey`); (2) the inline policies (`GetRolePolicy`), each managed
/// policy as its page of attachments arrives (`GetPolicy`) and each key a secret or parameter
/// is encrypted with (`DescribeKey`); (3) the managed policies' default versions
/// (`GetPolicyVersion`) and the customer managed keys' policies (`GetKeyPolicy`).
async fn fetch_account(
    config: &aws_config::SdkConfig,
    target: &LiveTarget,
    referenced: Referenced,
    snapshot: &mut Snapshot,
) {
    let iam = aws_sdk_iam::Client::new(config);
    let secrets = aws_sdk_secretsmanager::Client::new(config);
    let keys = Keys::new(aws_sdk_kms::Client::new(config));
    let Referenced {
        roles,
        secret_ids,
        parameters,
        managed,
    } = referenced;
    // Whether a policy names a key by alias is known only once the policies are read: list the
    // aliases from the start, and drop the listing (unfinished or not) when none does.
    let aliases = tokio::spawn({
        let kms = keys.kms.clone();
        async move { list_aliases(&kms).await }
    });
    let (account, secrets_read, parameters_read, _) = tokio::join!(
        fetch_roles(&iam, roles, managed),
        fetch_secrets(&secrets, &keys, secret_ids),
        fetch_parameters(config, &keys, parameters),
        keys.resolve_all(target.keys.clone()),
    );
    let (role_details, policies, notes) = account;
    snapshot.notes.extend(notes);
    let account_details = pretty(&json!({
        "RoleDetailList": role_details,
        "Policies": policies,
    }));

    // Every read is done: take the keys' answers in the order they were referenced, so notes
    // and key policies come out the same every run.
    let mut recorded = BTreeSet::new();
    let mut listed = Vec::new();
    for (entry, key, notes) in secrets_read {
        snapshot.notes.extend(notes);
        if let Some(key) = key {
            keys.record(&key, &mut recorded, snapshot);
        }
        listed.extend(entry);
    }
    snapshot.add(
        InputKind::Secrets,
        "list-secrets.json",
        pretty(&json!({"SecretList": listed})),
    );
    for key in &target.keys {
        keys.record(key, &mut recorded, snapshot);
    }
    let (found, asked, notes) = parameters_read;
    snapshot.notes.extend(notes);
    for key in asked {
        keys.record(&key, &mut recorded, snapshot);
    }
    if !found.is_empty() {
        snapshot.add(
            InputKind::Parameters,
            "describe-parameters.json",
            pretty(&json!({"Parameters": found})),
        );
    }
    // A policy naming a key by alias is only fixable for sure when the alias's target is known.
    // (Documents arrive URL-encoded: look for the alias ARN in them decoded.)
    if percent_encoding::percent_decode_str(&account_details)
        .decode_utf8_lossy()
        .contains(":alias/")
    {
        let listing = aliases
            .await
            .unwrap_or_else(|_| Err("the listing was interrupted".to_string()));
        match listing {
            Ok(aliases) => {
                snapshot.add(
                    InputKind::KmsAliases,
                    "list-aliases.json",
                    pretty(&json!({"Aliases": aliases})),
                );
            }
            Err(e) => snapshot.notes.push(format!(
                "could not list the KMS aliases ({e}): a policy naming a key by alias is fixed only as a suggestion"
            )),
        }
    } else {
        aliases.abort();
    }
    snapshot.add(
        InputKind::AccountDetails,
        "account-details.json",
        account_details,
    );
}

/// The key SSM uses for a SecureString when none is chosen; it needs no grant.
const AWS_MANAGED_SSM_KEY: &str = "alias/aws/ssm";

/// What a `valueFrom` reads.
enum Reference {
    /// A secret, as Secrets Manager takes its id (no json-key tail).
    Secret(String),
    /// An SSM parameter: the region of its ARN (`None`: the task's), and its name as stored.
    Parameter {
        region: Option<String>,
        name: String,
    },
    Other,
}

fn reference(value: &str) -> Reference {
    let Some(arn) = Arn::parse(value) else {
        return Reference::Parameter {
            region: None,
            name: value.to_string(),
        };
    };
    match arn.service.as_str() {
        "secretsmanager" => match SecretReference::parse(&arn) {
            Ok(r) => Reference::Secret(r.arn.to_string()),
            Err(_) => Reference::Other,
        },
        "ssm" => match arn.resource.strip_prefix("parameter/") {
            // `parameter/a/b` is the parameter `/a/b`; `parameter/a` is `a`.
            Some(path) => Reference::Parameter {
                region: Some(arn.region.clone()),
                name: if path.contains('/') {
                    format!("/{path}")
                } else {
                    path.to_string()
                },
            },
            None => Reference::Other,
        },
        _ => Reference::Other,
    }
}

/// The roles (as account details list them), the customer managed policies they and `managed`
/// attach (or are bounded by), each read once, and notes on what could not be read.
async fn fetch_roles(
    iam: &aws_sdk_iam::Client,
    roles: Vec<String>,
    managed: Vec<String>,
) -> (Vec<Value>, Vec<Value>, Vec<String>) {
    let policies = ManagedPolicies::new(iam.clone());
    // A stack's roles' policies are known already: start reading them now.
    for arn in &managed {
        policies.prefetch(arn);
    }
    let fetched = concurrently(roles, |role| {
        let (iam, policies) = (iam.clone(), policies.clone());
        async move { Ok::<_, String>(fetch_role(&iam, &role, &policies).await) }
    })
    .await;
    let (mut details, mut notes, mut wanted) = (Vec::new(), Vec::new(), managed);
    for (_, result) in fetched {
        let Ok((detail, role_notes, managed)) = result else {
            continue;
        };
        details.extend(detail);
        notes.extend(role_notes);
        for arn in managed {
            if !wanted.contains(&arn) {
                wanted.push(arn);
            }
        }
    }
    // Each was started as soon as it was known; this only collects them, in a stable order.
    let fetched = concurrently(wanted, |arn| {
        let policies = policies.clone();
        async move { policies.get(&arn).await }
    })
    .await;
    let mut read = Vec::new();
    for (arn, result) in fetched {
        match result {
            Ok(v) => read.push(v),
            Err(e) => notes.push(format!(
                "could not read managed policy {arn} ({e}): what it grants was not checked"
            )),
        }
    }
    (details, read, notes)
}

/// Each secret as `list-secrets` lists it (with its `ResourcePolicy` when it has one, and its
/// key resolved to the key ARN; `None` when it cannot be described), its key as described (for
/// [`Keys::record`]), and notes. Metadata only: never `GetSecretValue`.
async fn fetch_secrets(
    secrets: &aws_sdk_secretsmanager::Client,
    keys: &Keys,
    ids: Vec<String>,
) -> Vec<(Option<Value>, Option<String>, Vec<String>)> {
    let fetched = concurrently(ids, |id| {
        let (secrets, keys) = (secrets.clone(), keys.clone());
        async move { Ok::<_, String>(fetch_secret(&secrets, &keys, &id).await) }
    })
    .await;
    fetched
        .into_iter()
        .filter_map(|(_, result)| result.ok())
        .collect()
}

async fn fetch_secret(
    secrets: &aws_sdk_secretsmanager::Client,
    keys: &Keys,
    id: &str,
) -> (Option<Value>, Option<String>, Vec<String>) {
    // A resource policy can deny what the role allows: read it too, at the same time (as
    // get-resource-policy prints it; the loader takes it from a listing entry).
    let (described, policy) = tokio::join!(
        secrets.describe_secret().secret_id(id).send(),
        secrets.get_resource_policy().secret_id(id).send(),
    );
    let s = match described {
        Ok(s) => s,
        Err(e) => {
            // Nothing listed: the check then says the reference is unresolved.
            let note = format!(
                "could not describe secret {id} ({}): its real ARN and key were not checked",
                reason(&e)
            );
            return (None, None, vec![note]);
        }
    };
    let tags: Vec<Value> = s
        .tags()
        .iter()
        .map(|t| json!({"Key": t.key(), "Value": t.value()}))
        .collect();
    let mut entry = json!({"ARN": s.arn(), "Name": s.name(), "Tags": tags});
    let mut notes = Vec::new();
    match policy {
        Ok(p) => {
            if let (Value::Object(map), Some(policy)) = (&mut entry, p.resource_policy()) {
                map.insert("ResourcePolicy".into(), json!(policy));
            }
        }
        Err(e) => notes.push(format!(
            "could not read the resource policy of secret {id} ({}): a deny in it was not checked",
            reason(&e)
        )),
    }
    let key = s.kms_key_id().map(str::to_string);
    // IAM and the key policy speak of the key ARN: resolve an alias or key id. An AWS managed
    // key needs no grant, so it is left as written, like the default.
    if let Some(key) = &key
        && let Some(key_arn) = keys.resolve(key).await
        && let Value::Object(map) = &mut entry
    {
        map.insert("KmsKeyId".into(), json!(key_arn));
    }
    (Some(entry), key, notes)
}

/// The SSM parameters referenced, as `describe-parameters` lists them (name, ARN, type, key
/// resolved to its ARN: metadata only, never a value), each region asked at the same time, once
/// per 50 names; the keys asked of [`Keys`]; and notes.
async fn fetch_parameters(
    config: &aws_config::SdkConfig,
    keys: &Keys,
    parameters: Vec<(Option<String>, String)>,
) -> (Vec<Value>, Vec<String>, Vec<String>) {
    let mut by_region: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for (region, name) in parameters {
        by_region.entry(region).or_default().push(name);
    }
    let regions: Vec<(Option<String>, Vec<String>)> = by_region.into_iter().collect();
    let fetched = concurrently(regions, |(region, names)| {
        let (config, keys) = (config.clone(), keys.clone());
        async move { Ok::<_, String>(fetch_region_parameters(&config, &keys, region, names).await) }
    })
    .await;
    let (mut found, mut asked, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for (_, result) in fetched {
        if let Ok((f, a, n)) = result {
            found.extend(f);
            asked.extend(a);
            notes.extend(n);
        }
    }
    (found, asked, notes)
}

async fn fetch_region_parameters(
    config: &aws_config::SdkConfig,
    keys: &Keys,
    region: Option<String>,
    names: Vec<String>,
) -> (Vec<Value>, Vec<String>, Vec<String>) {
    let mut builder = aws_sdk_ssm::config::Builder::from(config);
    if let Some(r) = &region {
        builder = builder.region(aws_config::Region::new(r.clone()));
    }
    let ssm = aws_sdk_ssm::Client::from_conf(builder.build());
    let where_ = region
        .clone()
        .or_else(|| config.region().map(|r| r.to_string()))
        .unwrap_or_default();
    let (mut found, mut notes) = (Vec::new(), Vec::new());
    let mut listed: Vec<String> = Vec::new();
    // DescribeParameters takes at most 50 values per filter.
    for chunk in names.chunks(50) {
        let filter = aws_sdk_ssm::types::ParameterStringFilter::builder()
            .key("Name")
            .option("Equals")
            .set_values(Some(chunk.to_vec()))
            .build();
        let filter = match filter {
            Ok(f) => f,
            Err(e) => {
                notes.push(format!("cannot ask SSM for parameters ({e})"));
                continue;
            }
        };
        let mut pages = ssm
            .describe_parameters()
            .parameter_filters(filter)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(page) => {
                    for p in page.parameters() {
                        listed.extend(p.name().map(str::to_string));
                        // As the CLI prints it: absent fields are left out, not null.
                        let fields = [
                            ("Name", p.name()),
                            ("ARN", p.arn()),
                            ("Type", p.r#type().map(|t| t.as_str())),
                            ("KeyId", p.key_id()),
                        ];
                        found.push(Value::Object(
                            fields
                                .into_iter()
                                .filter_map(|(k, v)| Some((k.to_string(), json!(v?))))
                                .collect(),
                        ));
                    }
                }
                Err(e) => {
                    notes.push(format!(
                        "could not describe SSM parameters in {where_} ({}): their types and keys were not checked",
                        reason(&e)
                    ));
                    break;
                }
            }
        }
    }
    for name in names.iter().filter(|n| !listed.contains(n)) {
        notes.push(format!(
            "SSM parameter {name} was not found in {where_}: ECS cannot read what does not exist"
        ));
    }
    // Each parameter's key resolved to its ARN, all at once (the same key described once).
    let asked: Vec<String> = found
        .iter()
        .filter_map(|p| p.get("KeyId").and_then(Value::as_str))
        .filter(|k| *k != AWS_MANAGED_SSM_KEY)
        .map(str::to_string)
        .collect();
    let resolved: BTreeMap<String, Option<String>> =
        keys.resolve_all(asked.clone()).await.into_iter().collect();
    for p in &mut found {
        let key = p.get("KeyId").and_then(Value::as_str).map(str::to_string);
        if let Some(arn) = key.and_then(|k| resolved.get(&k))
            && let Value::Object(map) = p
        {
            map.insert(
                "KeyId".into(),
                json!(arn.as_deref().unwrap_or(AWS_MANAGED_SSM_KEY)),
            );
        }
    }
    (found, asked, notes)
}

/// Every KMS alias in the region (`kms:ListAliases`), as `aws kms list-aliases` prints them.
async fn list_aliases(kms: &aws_sdk_kms::Client) -> Result<Vec<Value>, String> {
    let aliases = kms
        .list_aliases()
        .limit(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| reason(&e))?;
    Ok(aliases
        .iter()
        .map(|a| {
            json!({
                "AliasName": a.alias_name(),
                "AliasArn": a.alias_arn(),
                "TargetKeyId": a.target_key_id(),
            })
        })
        .collect())
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Each key's answer computed once: whoever asks for a key while it is being read waits for the
/// same call.
type Memo<T> = Arc<Mutex<HashMap<String, Arc<tokio::sync::OnceCell<T>>>>>;

fn memo_cell<T>(memo: &Memo<T>, key: &str) -> Arc<tokio::sync::OnceCell<T>> {
    memo.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key.to_string())
        .or_default()
        .clone()
}

fn memo_get<T: Clone>(memo: &Memo<T>, key: &str) -> Option<T> {
    memo.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(key)
        .and_then(|cell| cell.get().cloned())
}

/// How `DescribeKey` answered for a key as referenced.
#[derive(Clone, Debug)]
enum Described {
    /// The ARN of a customer managed key; `None` for an AWS managed one, which needs no grant.
    Resolved(Option<String>),
    /// It could not be described (why): `kms:Decrypt` is checked on the key as written.
    Unknown(String),
}

/// The KMS keys that secrets, parameters and `--key` name: each described once (`DescribeKey`
/// resolves an alias or key id to the key ARN) and each customer managed key's policy read once
/// (`GetKeyPolicy`), however many references share it and however concurrently they ask.
#[derive(Clone)]
struct Keys {
    kms: aws_sdk_kms::Client,
    described: Memo<Described>,
    policies: Memo<Result<Option<String>, String>>,
}

impl Keys {
    fn new(kms: aws_sdk_kms::Client) -> Keys {
        Keys {
            kms,
            described: Memo::default(),
            policies: Memo::default(),
        }
    }

    /// The ARN of a customer managed key (`None` for an AWS managed one), its policy read before
    /// this returns; the key as written when it cannot be described.
    async fn resolve(&self, key: &str) -> Option<String> {
        let cell = memo_cell(&self.described, key);
        let described = cell
            .get_or_init(|| async {
                match self.kms.describe_key().key_id(key).send().await {
                    Ok(out) => Described::Resolved(out.key_metadata().and_then(|m| {
                        let customer =
                            m.key_manager() != Some(&aws_sdk_kms::types::KeyManagerType::Aws);
                        customer.then(|| m.arn().map(str::to_string)).flatten()
                    })),
                    Err(e) => Described::Unknown(reason(&e)),
                }
            })
            .await
            .clone();
        match described {
            Described::Unknown(_) => Some(key.to_string()),
            Described::Resolved(None) => None,
            Described::Resolved(Some(arn)) => {
                let cell = memo_cell(&self.policies, &arn);
                cell.get_or_init(|| async {
                    self.kms
                        .get_key_policy()
                        .key_id(&arn)
                        .policy_name("default")
                        .send()
                        .await
                        .map(|out| out.policy().map(str::to_string))
                        .map_err(|e| reason(&e))
                })
                .await;
                Some(arn)
            }
        }
    }

    /// [`Keys::resolve`] for each key, all at once; each key with its answer.
    async fn resolve_all(&self, keys: Vec<String>) -> Vec<(String, Option<String>)> {
        let resolved = concurrently(keys, |key| {
            let this = self.clone();
            async move { Ok::<_, String>(this.resolve(&key).await) }
        })
        .await;
        resolved
            .into_iter()
            .filter_map(|(key, arn)| Some((key, arn.ok()?)))
            .collect()
    }

    /// Puts what reading `key` found into the snapshot, once per key and once per key policy
    /// (`key-policy-KEY_ID.json`, as `aws kms get-key-policy` prints it): notes on what could not
    /// be read, the key policy of a customer managed key.
    fn record(&self, key: &str, recorded: &mut BTreeSet<String>, snapshot: &mut Snapshot) {
        if !recorded.insert(format!("key {key}")) {
            return;
        }
        match memo_get(&self.described, key) {
            Some(Described::Unknown(why)) => snapshot.notes.push(format!(
                "could not describe KMS key {key} ({why}): kms:Decrypt was checked on it as written"
            )),
            Some(Described::Resolved(Some(arn))) => {
                if !recorded.insert(format!("policy {arn}")) {
                    return;
                }
                match memo_get(&self.policies, &arn) {
                    Some(Ok(policy)) => {
                        let id = arn.rsplit('/').next().unwrap_or(&arn);
                        let file = format!("key-policy-{id}.json");
                        let policy = pretty(&json!({"Policy": policy, "PolicyName": "default"}));
                        snapshot.add(InputKind::KeyPolicy, file, policy).owner = Some(arn);
                    }
                    Some(Err(e)) => snapshot.notes.push(format!(
                        "could not read the key policy of {arn} ({e}): the key-policy check was skipped"
                    )),
                    None => {}
                }
            }
            Some(Described::Resolved(None)) | None => {}
        }
    }
}

/// Why a call failed, for notes: AWS's error code and message (`AccessDenied: User … is not
/// authorized …`), else the first part of the SDK's error chain (a timeout, a refused connection).
fn reason<E>(e: &E) -> String
where
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::error::Error,
{
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => describe(e),
    }
}

/// The task definition fields ecslint reads, as `describe-task-definition` prints them.
/// Environment values are left out: they may hold secrets, and no rule needs them.
fn render_task_definition(td: &aws_sdk_ecs::types::TaskDefinition) -> Value {
    let containers: Vec<Value> = td
        .container_definitions()
        .iter()
        .map(|c| {
            let secret = |s: &aws_sdk_ecs::types::Secret| json!({"name": s.name(), "valueFrom": s.value_from()});
            let mut v = json!({
                "name": c.name(),
                "image": c.image(),
                "secrets": c.secrets().iter().map(secret).collect::<Vec<_>>(),
                "environmentFiles": c.environment_files().iter().map(|f| json!({"value": f.value(), "type": f.r#type().as_str()})).collect::<Vec<_>>(),
                "mountPoints": c.mount_points().iter().map(|m| json!({"sourceVolume": m.source_volume(), "containerPath": m.container_path(), "readOnly": m.read_only().unwrap_or(false)})).collect::<Vec<_>>(),
            });
            if let Value::Object(map) = &mut v {
                if let Some(p) = c.repository_credentials() {
                    map.insert("repositoryCredentials".into(), json!({"credentialsParameter": p.credentials_parameter()}));
                }
                if let Some(l) = c.log_configuration() {
                    map.insert(
                        "logConfiguration".into(),
                        json!({
                            "logDriver": l.log_driver().as_str(),
                            "options": l.options().cloned().unwrap_or_default().into_iter().collect::<BTreeMap<_, _>>(),
                            "secretOptions": l.secret_options().iter().map(secret).collect::<Vec<_>>(),
                        }),
                    );
                }
            }
            v
        })
        .collect();
    let volumes: Vec<Value> = td
        .volumes()
        .iter()
        .map(|v| {
            let mut out = json!({"name": v.name()});
            if let (Value::Object(map), Some(efs)) = (&mut out, v.efs_volume_configuration()) {
                let mut conf = json!({"fileSystemId": efs.file_system_id()});
                if let (Value::Object(c), Some(auth)) = (&mut conf, efs.authorization_config()) {
                    c.insert(
                        "authorizationConfig".into(),
                        json!({"iam": auth.iam().map(|i| i.as_str()), "accessPointId": auth.access_point_id()}),
                    );
                }
                map.insert("efsVolumeConfiguration".into(), conf);
            }
            out
        })
        .collect();
    json!({
        "taskDefinitionArn": td.task_definition_arn(),
        "family": td.family(),
        "revision": td.revision(),
        "executionRoleArn": td.execution_role_arn(),
        "taskRoleArn": td.task_role_arn(),
        "requiresCompatibilities": td.requires_compatibilities().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "containerDefinitions": containers,
        "volumes": volumes,
    })
}

/// One role as `get-account-authorization-details` prints it (`None` when it cannot be read),
/// notes on what could not be read, and the managed policies it attaches or is bounded by (each
/// started in `policies` as soon as it is known; the caller collects them).
async fn fetch_role(
    iam: &aws_sdk_iam::Client,
    name: &str,
    policies: &ManagedPolicies,
) -> (Option<Value>, Vec<String>, Vec<String>) {
    // The role, its inline policies and its attachments are asked for at once.
    let role = async {
        let out = iam.get_role().role_name(name).send().await;
        if let Ok(Some(arn)) = out.as_ref().map(|o| {
            o.role()
                .and_then(|r| r.permissions_boundary())
                .and_then(|b| b.permissions_boundary_arn())
        }) {
            policies.prefetch(arn);
        }
        out
    };
    let inline = async {
        let mut notes = Vec::new();
        let names: Vec<String> = match iam
            .list_role_policies()
            .role_name(name)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
        {
            Ok(n) => n,
            Err(e) => {
                notes.push(format!(
                    "could not list the inline policies of {name} ({})",
                    reason(&e)
                ));
                Vec::new()
            }
        };
        let fetched = concurrently(names, |policy| {
            let (iam, role) = (iam.clone(), name.to_string());
            async move {
                iam.get_role_policy()
                    .role_name(role)
                    .policy_name(policy)
                    .send()
                    .await
                    .map(|out| out.policy_document().to_string())
                    .map_err(|e| reason(&e))
            }
        })
        .await;
        let mut inline = Vec::new();
        for (policy, result) in fetched {
            match result {
                // The API returns documents URL-encoded; the loader decodes them.
                Ok(document) => {
                    inline.push(json!({"PolicyName": policy, "PolicyDocument": document}))
                }
                Err(e) => notes.push(format!(
                    "could not read inline policy {policy} of {name} ({e})"
                )),
            }
        }
        (inline, notes)
    };
    // Each page of attachments starts reading its policies while the next page is asked for.
    let attached = async {
        let mut pages = iam
            .list_attached_role_policies()
            .role_name(name)
            .into_paginator()
            .send();
        let mut attached = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| reason(&e))?;
            for p in page.attached_policies() {
                if let (Some(n), Some(a)) = (p.policy_name(), p.policy_arn()) {
                    policies.prefetch(a);
                    attached.push((n.to_string(), a.to_string()));
                }
            }
        }
        Ok::<_, String>(attached)
    };
    let (role, (inline, mut notes), attached) = tokio::join!(role, inline, attached);
    let role = match role {
        Ok(out) => match out.role {
            Some(role) => role,
            None => return (None, Vec::new(), Vec::new()),
        },
        Err(e) => {
            let note = format!(
                "could not read role {name} ({}): its policies were not checked",
                reason(&e)
            );
            return (None, vec![note], Vec::new());
        }
    };
    let attached = attached.unwrap_or_else(|e| {
        notes.push(format!(
            "could not list the managed policies of {name} ({e})"
        ));
        Vec::new()
    });
    let boundary = role
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .map(str::to_string);
    let managed: Vec<String> = attached
        .iter()
        .map(|(_, a)| a.clone())
        .chain(boundary.clone())
        .filter(|a| a != crate::model::inventory::builtin::ECS_TASK_EXECUTION_ROLE_POLICY_ARN)
        .collect();
    let mut detail = json!({
        "Path": role.path(),
        "RoleName": role.role_name(),
        "Arn": role.arn(),
        "AssumeRolePolicyDocument": role.assume_role_policy_document(),
        "RolePolicyList": inline,
        "AttachedManagedPolicies": attached.iter().map(|(n, a)| json!({"PolicyName": n, "PolicyArn": a})).collect::<Vec<_>>(),
        "Tags": role.tags().iter().map(|t| json!({"Key": t.key(), "Value": t.value()})).collect::<Vec<_>>(),
    });
    if let (Value::Object(map), Some(b)) = (&mut detail, boundary) {
        map.insert(
            "PermissionsBoundary".into(),
            json!({"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": b}),
        );
    }
    (Some(detail), notes, managed)
}

/// At most this many reads of one kind in flight: enough that a role with 20 managed policies,
/// or a task definition with a few dozen secrets, is read in one round trip, few enough that
/// IAM's request rate is not what a run trips over (throttling is retried with backoff).
const CONCURRENT_READS: usize = 32;

/// `fetch` applied to every item, at most [`CONCURRENT_READS`] at a time, results in the items'
/// order (so snapshots stay deterministic).
async fn concurrently<I, T, F, Fut>(items: Vec<I>, fetch: F) -> Vec<(I, Result<T, String>)>
where
    I: Clone,
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>> + Send + 'static,
    T: Send + 'static,
{
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_READS));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, item) in items.iter().enumerate() {
        let future = fetch(item.clone());
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (i, future.await)
        });
    }
    let mut results: Vec<Option<Result<T, String>>> = items.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, result)) = joined {
            results[i] = Some(result);
        }
    }
    items
        .into_iter()
        .zip(results)
        .map(|(item, result)| {
            (
                item,
                result.unwrap_or_else(|| Err("the read was interrupted".to_string())),
            )
        })
        .collect()
}

/// The managed policies the roles attach, each read once ([`fetch_managed`]), started as soon as
/// an attachment names it, at most [`CONCURRENT_READS`] at a time.
#[derive(Clone)]
struct ManagedPolicies {
    iam: aws_sdk_iam::Client,
    read: Memo<Result<Value, String>>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl ManagedPolicies {
    fn new(iam: aws_sdk_iam::Client) -> ManagedPolicies {
        ManagedPolicies {
            iam,
            read: Memo::default(),
            permits: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_READS)),
        }
    }

    /// Starts reading `arn` (unless it is the bundled execution-role policy), without waiting.
    fn prefetch(&self, arn: &str) {
        if arn == crate::model::inventory::builtin::ECS_TASK_EXECUTION_ROLE_POLICY_ARN {
            return;
        }
        let (this, arn) = (self.clone(), arn.to_string());
        tokio::spawn(async move {
            this.get(&arn).await.ok();
        });
    }

    /// The policy with its default version, read now or by whoever asked first.
    async fn get(&self, arn: &str) -> Result<Value, String> {
        let cell = memo_cell(&self.read, arn);
        cell.get_or_init(|| async {
            let _permit = self.permits.acquire().await;
            fetch_managed(&self.iam, arn).await
        })
        .await
        .clone()
    }
}

/// A managed policy with its default version, as account details list it.
async fn fetch_managed(iam: &aws_sdk_iam::Client, arn: &str) -> Result<Value, String> {
    let policy = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| reason(&e))?;
    let policy = policy.policy().ok_or("no policy returned")?;
    let version = policy.default_version_id().ok_or("no default version")?;
    let document = iam
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| reason(&e))?;
    let document = document
        .policy_version()
        .and_then(|v| v.document())
        .ok_or("no document returned")?
        .to_string();
    Ok(json!({
        "PolicyName": policy.policy_name(),
        "Arn": arn,
        "DefaultVersionId": version,
        "PolicyVersionList": [{"Document": document, "VersionId": version, "IsDefaultVersion": true}],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_events_that_report_failures_are_told_from_progress() {
        for failure in [
            "(service web) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task.)",
            "(service web) was unable to place a task because no container instance met all of its requirements.",
            "(service web) deployment ecs-svc/1234 deployment failed: tasks failed to start.",
            "(service web) is unable to consistently start tasks successfully.",
        ] {
            assert!(is_failure(failure), "{failure}");
        }
        for progress in [
            "(service web) has started 1 tasks: (task 0f1e2d3c).",
            "(service web) has reached a steady state.",
            "(service web) registered 1 targets in (target-group arn:aws:elasticloadbalancing:…)",
        ] {
            assert!(!is_failure(progress), "{progress}");
        }
    }

    #[test]
    fn value_from_references_name_what_they_read() {
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::";
        assert!(
            matches!(reference(secret), Reference::Secret(id) if id == "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf")
        );
        let nested = "arn:aws:ssm:eu-west-1:123456789012:parameter/web/db-url";
        assert!(
            matches!(reference(nested), Reference::Parameter { region: Some(r), name } if r == "eu-west-1" && name == "/web/db-url")
        );
        let flat = "arn:aws:ssm:eu-west-1:123456789012:parameter/web-mode";
        assert!(matches!(reference(flat), Reference::Parameter { name, .. } if name == "web-mode"));
        assert!(
            matches!(reference("/web/db-url"), Reference::Parameter { region: None, name } if name == "/web/db-url")
        );
        assert!(matches!(
            reference("arn:aws:s3:::bucket/key"),
            Reference::Other
        ));
    }
}
