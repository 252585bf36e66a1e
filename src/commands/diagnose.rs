//! `ecslint diagnose`: from a pasted AccessDenied or stopped-task reason to its cause and fix.
//!
//! The message enters the line at *evaluate*: it becomes the request that was denied (the need),
//! and from there the evaluator, the explainer and the rules are the ones `check` uses. With a
//! task definition the request is traced back to the reference that made it, so a fix lands on
//! the right side.

use crate::arn::Arn;
use crate::arn::recommended_secret_resource;
use crate::denial::{self, AwsReason, Denial, Failure};
use crate::explain;
use crate::iam::{Decision, PolicyType, Request, RequestContext};
use crate::load::{Input, LoadError};
use crate::model::Loaded;
use crate::model::inventory::Inventory;
use crate::model::source::{Loc, SourceId, SourceMap};
use crate::needs::{self, Needs, Origin};
use crate::rules::{self, Finding};

mod run;
pub use run::run;

/// The request the message reports, as ecslint evaluates it.
#[derive(Clone, Debug)]
pub struct DeniedRequest {
    pub principal: Option<String>,
    pub role: Option<String>,
    pub action: String,
    /// As evaluated: a secret's stored ARN, the account filled in where the paste redacted it.
    pub resource: String,
    /// As the message wrote it, when that differs.
    pub resource_as_written: Option<String>,
    pub reason: Option<AwsReason>,
}

/// The verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The policies given allow the request now.
    Allowed,
    Denied,
    Depends,
    /// Not an IAM failure: nothing to evaluate.
    NotIam,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
            Verdict::Depends => "depends",
            Verdict::NotIam => "not-iam",
        }
    }
}

pub struct Diagnosis {
    pub sources: SourceMap,
    pub denial: Denial,
    pub message: SourceId,
    pub request: Option<DeniedRequest>,
    pub verdict: Verdict,
    /// What the evaluator said, in AWS's words.
    pub reason: Option<String>,
    pub findings: Vec<Finding>,
    /// The cause and what to do, a sentence each.
    pub explanation: Vec<String>,
    pub needs_checked: usize,
    pub needs_granted: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DiagnoseError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(
        "the message holds no failure ecslint understands; expected an AccessDenied (\"User: ARN is not authorized to perform: ACTION on resource: ARN\"), an ECS stopped reason (\"ResourceInitializationError: unable to pull secrets or registry auth: …\"), or a Secrets Manager, SSM, KMS or ECR error"
    )]
    NotUnderstood,
}

/// What live mode should fetch for a message: the role it names, and the secret it names.
pub fn live_subjects(denial: &Denial) -> (Vec<String>, Vec<String>) {
    match &denial.failure {
        Failure::AccessDenied {
            principal,
            resource,
            ..
        } => {
            let secret = Arn::parse(resource)
                .filter(|a| {
                    a.service == "secretsmanager" && !denial::is_redacted_account(&a.account)
                })
                .map(|_| resource.clone());
            (
                role_of(principal).into_iter().collect(),
                secret.into_iter().collect(),
            )
        }
        Failure::KmsAccessDenied { secret: Some(s) }
        | Failure::SecretNotFound { secret: Some(s) } => (Vec::new(), vec![s.clone()]),
        Failure::RoleNotAssumable { role: Some(r) } => {
            (role_of(r).into_iter().collect(), Vec::new())
        }
        _ => (Vec::new(), Vec::new()),
    }
}

/// The role name in a principal ARN: `assumed-role/NAME/SESSION` or `role/PATH/NAME`.
fn role_of(principal: &str) -> Option<String> {
    crate::arn::principal_role(principal).map(str::to_string)
}

/// Fills a redacted account (`xxxxxxxxxxxx`, `account_id`) in with one the inputs know.
fn unredact(arn: &str, account: Option<&str>, inventory: &Inventory) -> String {
    let Some(parsed) = Arn::parse(arn) else {
        return arn.to_string();
    };
    if parsed.account.is_empty() || !denial::is_redacted_account(&parsed.account) {
        return arn.to_string();
    }
    // A secret in the listing with the same service, region and name settles it.
    for s in &inventory.secrets {
        if let Some(known) = Arn::parse(&s.arn.value)
            && known.service == parsed.service
            && known.region == parsed.region
            && known.resource == parsed.resource
        {
            return s.arn.value.clone();
        }
    }
    match account {
        Some(a) if !denial::is_redacted_account(a) => Arn {
            account: a.to_string(),
            ..parsed
        }
        .to_string(),
        _ => arn.to_string(),
    }
}

/// The account the inputs know for a role: its ARN in account details or a task definition.
fn known_account(role: Option<&str>, inventory: &Inventory, loaded: &Loaded) -> Option<String> {
    let from_roles = role
        .and_then(|r| inventory.role(r))
        .and_then(|r| Arn::parse(&r.arn))
        .map(|a| a.account);
    from_roles.or_else(|| {
        loaded
            .task_definitions
            .iter()
            .filter_map(|td| td.execution_role_arn.as_ref())
            .filter_map(|a| Arn::parse(&a.value))
            .map(|a| a.account)
            .next()
    })
}

pub fn diagnose(
    message: &str,
    message_name: &str,
    inputs: &[Input],
    given: &RequestContext,
) -> Result<Diagnosis, DiagnoseError> {
    let denial = denial::parse(message).ok_or(DiagnoseError::NotUnderstood)?;
    let mut loaded = crate::load::load(inputs)?;
    let message_id = loaded.sources.add(message_name, message);
    let origin_loc = Loc::new(message_id, denial.resource_span.unwrap_or(denial.span));
    let policies_given = !loaded.inventory.policies.is_empty();
    let (principal, action, resource_written, reason) = match reported(&denial, &loaded) {
        Reported::Request {
            principal,
            action,
            resource,
            reason,
        } => (principal, action, resource, reason),
        Reported::RoleNotAssumable(role) => {
            return Ok(role_not_assumable(role, loaded, denial, message_id, given));
        }
        Reported::Closed(verdict, explanation) => {
            return Ok(Diagnosis {
                sources: loaded.sources,
                denial,
                message: message_id,
                request: None,
                verdict,
                reason: None,
                findings: Vec::new(),
                explanation,
                needs_checked: 0,
                needs_granted: 0,
            });
        }
    };
    let target = resolve(principal.as_deref(), &resource_written, &loaded);
    let request = Request {
        action: action.clone(),
        resource: target.resource.clone(),
    };
    let (mut needs, traced) = needs_of(&loaded, &target, request, origin_loc);
    // Policies given without ROLE= belong to the principal named in the message.
    if let Some(name) = &target.role {
        for p in &mut loaded.inventory.policies {
            if p.attachment == crate::model::inventory::Attachment::DefaultRole {
                p.attachment = crate::model::inventory::Attachment::Role(name.clone());
            }
        }
        for n in &mut needs.needs {
            if n.role_arn.is_none() {
                n.role_arn.clone_from(&target.role_arn);
            }
        }
    }
    let defects = crate::defects::find(&loaded.inventory);
    let assessments = explain::assess(&loaded.inventory, &defects, &needs, given);
    let findings = {
        let trust = explain::task_role_trust(&loaded.task_definitions, &loaded.inventory);
        let cx = rules::Context::of(&loaded, &needs, &assessments, &defects, &trust);
        rules::check(&cx)
    };
    let evaluation = assessments.first().map(|a| &a.evaluation);
    let verdict = match evaluation.map(|e| &e.decision) {
        Some(Decision::Allowed { .. }) => Verdict::Allowed,
        Some(Decision::Depends { .. } | Decision::DependsOnOtherAccount { .. }) => Verdict::Depends,
        _ => Verdict::Denied,
    };
    let explanation = explanation(
        (&resource_written, &action, reason),
        &target,
        &loaded,
        verdict,
        policies_given,
        traced,
    );
    let needs_granted = assessments
        .iter()
        .filter(|a| a.evaluation.is_allowed())
        .count();
    let resource = target.resource.clone();
    Ok(Diagnosis {
        reason: evaluation.map(|e| e.reason()),
        request: Some(DeniedRequest {
            principal,
            role: target.role,
            action,
            resource: resource.clone(),
            resource_as_written: (resource_written != resource).then_some(resource_written),
            reason,
        }),
        sources: loaded.sources,
        denial,
        message: message_id,
        verdict,
        findings,
        explanation,
        needs_checked: assessments.len(),
        needs_granted,
    })
}

/// What the message reports, before anything is evaluated.
enum Reported {
    /// A request to evaluate, as the message writes it.
    Request {
        principal: Option<String>,
        action: String,
        resource: String,
        reason: Option<AwsReason>,
    },
    /// ECS could not assume the role.
    RoleNotAssumable(Option<String>),
    /// Nothing to evaluate: the verdict and what to say.
    Closed(Verdict, Vec<String>),
}

/// The request a denial reports: an AccessDenied's, or the `kms:Decrypt` a KMS denial implies.
fn reported(denial: &Denial, loaded: &Loaded) -> Reported {
    match &denial.failure {
        Failure::AccessDenied {
            principal,
            action,
            resource,
            reason,
        } => Reported::Request {
            principal: Some(principal.clone()),
            action: action.clone(),
            resource: resource.clone(),
            reason: *reason,
        },
        Failure::KmsAccessDenied { secret } => match secret_key(loaded, secret.as_deref()) {
            // The request Secrets Manager made for the role: kms:Decrypt on the secret's key.
            Some(key) => Reported::Request {
                principal: loaded
                    .task_definitions
                    .iter()
                    .find_map(|td| td.execution_role_arn.as_ref().map(|a| a.value.clone())),
                action: "kms:Decrypt".to_string(),
                resource: key,
                reason: None,
            },
            None => Reported::Closed(
                Verdict::Denied,
                vec![
                    "Secrets Manager could not decrypt the secret: the role needs `kms:Decrypt` on the secret's customer managed key, and the key policy must allow it. Pass the secret's `describe-secret` output with --secrets to know which key.".to_string(),
                ],
            ),
        },
        Failure::RoleNotAssumable { role } => Reported::RoleNotAssumable(role.clone()),
        other => {
            let mut explanation = not_iam(other, denial);
            if let Failure::SecretNotFound { secret: Some(s) } = other
                && let Some(now) = recreated(s, &loaded.inventory)
            {
                explanation.push(format!(
                    "A secret of that name exists with another suffix: `{now}`. It was probably deleted and created again; reference it by that ARN (and grant `NAME-??????` so the next re-creation does not break it)."
                ));
            }
            Reported::Closed(Verdict::NotIam, explanation)
        }
    }
}

/// The request's principal role and resource, with redactions filled in from what the inputs
/// know.
struct Resolved {
    role: Option<String>,
    role_arn: Option<String>,
    /// As evaluated: the redacted account filled in.
    resource: String,
    /// The listed secret the resource names, and its stored ARN.
    secret: Option<usize>,
    stored: Option<String>,
}

fn resolve(principal: Option<&str>, resource_written: &str, loaded: &Loaded) -> Resolved {
    let inventory = &loaded.inventory;
    let role = principal.and_then(role_of);
    let principal_account = principal
        .and_then(Arn::parse)
        .map(|a| a.account)
        .filter(|a| !denial::is_redacted_account(a))
        .or_else(|| known_account(role.as_deref(), inventory, loaded));
    let resource_filled = unredact(resource_written, principal_account.as_deref(), inventory);
    // IAM evaluated the resource the message names; a secret named there by partial ARN is
    // still known by its stored ARN, which tells whether the partial reference is the cause.
    let secret = inventory
        .secret_by_arn(&resource_filled)
        .or_else(|| inventory.secret_by_partial_arn(&resource_filled));
    let stored = secret.map(|i| inventory.secrets[i].arn.value.clone());
    let resource = resource_filled.clone();
    // Where the paste redacted the principal's account, the resource's tells it (same account
    // is by far the common case; a cross-account request names both in the message).
    let account = principal_account.clone().or_else(|| {
        Arn::parse(&resource)
            .map(|a| a.account)
            .filter(|a| !denial::is_redacted_account(a))
    });
    let role_arn = role.as_deref().and_then(|name| {
        inventory.role(name).map(|r| r.arn.clone()).or_else(|| {
            account
                .as_ref()
                .map(|a| format!("arn:aws:iam::{a}:role/{name}"))
        })
    });
    Resolved {
        role,
        role_arn,
        resource,
        secret,
        stored,
    }
}

/// The needs that make the request: traced to the task definitions' references that make it
/// (then `true`), else the pasted request's own.
fn needs_of(
    loaded: &Loaded,
    target: &Resolved,
    request: Request,
    origin_loc: Loc,
) -> (Needs, bool) {
    let (resource, secret, stored) = (&target.resource, target.secret, &target.stored);
    // With task definitions: the needs that make this request, located where they are written.
    let mut needs = Needs::default();
    for td in &loaded.task_definitions {
        let context = needs::TaskContext::of(td, None);
        needs.merge(needs::derive(td, &loaded.inventory, &context));
    }
    needs.needs.retain(|n| {
        n.request.action.eq_ignore_ascii_case(&request.action) && n.request.resource == *resource
    });
    let traced = !needs.needs.is_empty();
    if !traced {
        let origin = Origin {
            loc: origin_loc,
            what: "the denied request".to_string(),
        };
        let stored = secret.zip(stored.as_deref().and_then(Arn::parse));
        needs.needs.push(needs::of_request(
            request,
            stored,
            target.role_arn.clone(),
            origin,
        ));
    } else {
        for n in &mut needs.needs {
            n.origins.push(Origin {
                loc: origin_loc,
                what: "the denied request".to_string(),
            });
        }
    }
    (needs, traced)
}

/// What the diagnosis says beyond the findings.
fn explanation(
    reported: (&str, &str, Option<AwsReason>),
    target: &Resolved,
    loaded: &Loaded,
    verdict: Verdict,
    policies_given: bool,
    traced: bool,
) -> Vec<String> {
    let (resource_written, action, reason) = reported;
    let (resource, stored, role) = (&target.resource, &target.stored, &target.role);
    let mut explanation = Vec::new();
    if resource_written != resource {
        explanation.push(format!(
            "The message names `{resource_written}`; IAM evaluated `{resource}` (the redacted account filled in)."
        ));
    }
    if let Some(stored) = stored.as_deref().filter(|s| s != resource) {
        explanation.push(format!(
            "The request named the secret without its suffix; IAM evaluates the ARN as requested, not the secret's stored ARN `{stored}`."
        ));
    }
    if !policies_given {
        explanation.extend(message_alone(resource, action, role.as_deref()));
    } else if verdict == Verdict::Allowed {
        explanation.push(
            "The policies given allow this request now: they were probably changed since the failure, or the denial came from a policy that was not given (an SCP, a permissions boundary, a session policy, or the resource's own policy).".to_string(),
        );
    }
    if let Some(r) = reason {
        let given_kinds: Vec<PolicyType> =
            loaded.inventory.policies.iter().map(|p| p.kind).collect();
        let missing_kind = match r {
            AwsReason::ExplicitDeny(k) | AwsReason::NoAllow(k) => {
                (!given_kinds.contains(&k)).then_some(k)
            }
            _ => None,
        };
        explanation.push(format!("AWS says: {}.", r.describe()));
        if let Some(k) = missing_kind
            && k != PolicyType::Identity
        {
            explanation.push(format!(
                "No {} was given, so ecslint could not check that part; pass it to see the statement.",
                k.describe()
            ));
        }
    }
    if traced {
        explanation.push(
            "The request comes from the task definition reference shown; findings point at it and at the policy."
                .to_string(),
        );
    }
    explanation
}

/// What a denial proves without any policy, and how to fetch the policies.
fn message_alone(resource: &str, action: &str, role: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(base) = crate::arn::display_name_arn(resource) {
        let suffix = &resource[base.len()..];
        out.push(format!(
            "The secret's ARN ends in `{suffix}`: a Resource naming `{base}` (the display name) cannot match it. Grant `{base}-??????`, which matches this secret whatever its suffix."
        ));
    } else {
        out.push(format!(
            "Grant `{action}` on `{}` to the role.",
            recommended_secret_resource(resource)
        ));
    }
    let role = role.unwrap_or("ROLE");
    out.push(format!(
        "No policy was given. Fetch the role's policies and run again with them: `aws iam list-role-policies --role-name {role}` and `aws iam get-role-policy --role-name {role} --policy-name NAME` (inline), `aws iam list-attached-role-policies --role-name {role}` (managed), or all at once `aws iam get-account-authorization-details --filter Role` (pass it with --account-details)."
    ));
    out
}

/// The key ARN of the secret a KMS denial names, from the secrets listing.
fn secret_key(loaded: &Loaded, secret: Option<&str>) -> Option<String> {
    let inventory = &loaded.inventory;
    let secret = secret?;
    let index = inventory
        .secret_by_arn(secret)
        .or_else(|| inventory.secret_by_partial_arn(secret))
        .or_else(|| inventory.secret_by_arn(&unredact(secret, None, inventory)))?;
    let meta = &inventory.secrets[index];
    let key = &meta.kms_key_id.as_ref()?.value;
    if Arn::parse(key).is_some_and(|a| a.resource.starts_with("key/")) {
        return Some(key.clone());
    }
    if key.starts_with("alias/") || key.contains(":alias/") {
        return None;
    }
    let owner = Arn::parse(&meta.arn.value)?;
    Some(crate::arn::kms_key_arn(&owner, key))
}

/// The listed secret with the same name as `arn` but another random suffix.
fn recreated(arn: &str, inventory: &Inventory) -> Option<String> {
    let base = crate::arn::display_name_arn(arn).unwrap_or(arn);
    let parsed = Arn::parse(base)?;
    let name = parsed.resource.strip_prefix("secret:")?;
    let index = inventory.secret_by_name(name, Some(&parsed.region))?;
    let now = &inventory.secrets[index].arn.value;
    (now != arn).then(|| now.clone())
}

/// Failures that no policy change fixes.
fn not_iam(failure: &Failure, denial: &Denial) -> Vec<String> {
    let service = match denial.fetching {
        Some("asm") => "Secrets Manager",
        Some("ssm") => "SSM Parameter Store",
        Some("ecr") => "ECR",
        Some("logs") => "CloudWatch Logs",
        _ => "the AWS service",
    };
    let line = match failure {
        Failure::Network { .. } => format!(
            "Not an IAM problem: the task never reached {service}. Give the task's subnets a route to it — a NAT gateway, or VPC interface endpoints (secretsmanager, ssm, ecr.api, ecr.dkr, logs, and the S3 gateway endpoint for ECR layers) — and let its security group send HTTPS (443) out. On Fargate with a public subnet, turn on assignPublicIp."
        ),
        Failure::SecretNotFound { secret } => format!(
            "Not an IAM problem: Secrets Manager has no secret {}. Check the name or ARN in the task definition (the random suffix changes when a secret is deleted and created again) and its region.",
            secret.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "by that name".to_string())
        ),
        Failure::ParameterNotFound { parameters } => format!(
            "Not an IAM problem: SSM has no parameter {}. A bare name means the task's own region; another region needs the full ARN.",
            parameters.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "by that name".to_string())
        ),
        Failure::KmsKeyNotFound => "The key that encrypted the value no longer exists (or is in another account or region the role cannot use): re-encrypt the secret or parameter with a key that exists, and grant kms:Decrypt on it.".to_string(),
        Failure::JsonKeyMissing { key } => format!(
            "Not an IAM problem: the secret's JSON has no key {}. Check the `:json-key:` part of valueFrom against the secret's keys.",
            key.as_deref().map(|k| format!("`{k}`")).unwrap_or_default()
        ),
        Failure::ImageNotFound => "Not an IAM problem: the image or tag does not exist in the repository. Check the image name and tag in the task definition.".to_string(),
        Failure::LogGroupNotFound => "The awslogs log group does not exist: create it, or set `\"awslogs-create-group\": \"true\"` in the log options and grant the execution role `logs:CreateLogGroup` on it.".to_string(),
        Failure::AccessDenied { .. }
        | Failure::KmsAccessDenied { .. }
        | Failure::RoleNotAssumable { .. } => String::new(),
    };
    vec![line]
}

/// "ECS was unable to assume the role": the role's trust policy, when the inputs include it
/// (account details), says whether ECS tasks may assume it. If they may, the role is not the
/// problem as written: it may not exist (deleted, or re-created after the task definition was
/// registered) or whoever deploys may lack `iam:PassRole` on it.
fn role_not_assumable(
    role: Option<String>,
    loaded: Loaded,
    denial: Denial,
    message: SourceId,
    given: &RequestContext,
) -> Diagnosis {
    use crate::explain::ECS_TASKS;
    let name = role
        .as_deref()
        .map(|r| crate::arn::role_name(r).to_string());
    // Named as the task definitions use it when they do ("the execution role").
    let mut trust = explain::task_role_trust(&loaded.task_definitions, &loaded.inventory);
    trust.retain(|t| Some(&t.name) == name.as_ref());
    if trust.is_empty() {
        trust = explain::role_trust(&loaded.inventory, name.as_deref().map(|n| ("role", n)));
    }
    let needs = Needs::default();
    let defects = crate::defects::find(&loaded.inventory);
    let assessments = explain::assess(&loaded.inventory, &defects, &needs, given);
    // What role-trust says of this role, and nothing else: the message is about it alone.
    let findings: Vec<Finding> = {
        let cx = rules::Context::of(&loaded, &needs, &assessments, &defects, &trust);
        rules::check_only("role-trust", &cx)
    };
    let shown = name.as_deref().unwrap_or("the task's role");
    let (verdict, explanation) = match trust.first() {
        Some(t) if t.trusting.is_empty() => (
            Verdict::Denied,
            vec![format!(
                "The trust policy of `{shown}` does not let `{ECS_TASKS}` call `sts:AssumeRole`, so ECS cannot use the role: add a statement allowing the service principal `{ECS_TASKS}` the action `sts:AssumeRole` (with an `aws:SourceAccount` condition)."
            )],
        ),
        Some(_) => (
            Verdict::NotIam,
            vec![format!(
                "The trust policy of `{shown}` lets `{ECS_TASKS}` assume it, so the trust is not the cause. Check that the role exists under exactly that ARN (a role deleted and created again is another role to ECS until the task definition is registered again), and that whoever deploys may `iam:PassRole` it."
            )],
        ),
        None => (
            Verdict::Depends,
            vec![format!(
                "ECS could not assume `{shown}`. Its trust policy must allow the service principal `{ECS_TASKS}` `sts:AssumeRole`; pass account details (`aws iam get-account-authorization-details`, or --aws) to check it. If it does, the role may not exist under that ARN, or the deployer may lack `iam:PassRole` on it."
            )],
        ),
    };
    Diagnosis {
        sources: loaded.sources,
        denial,
        message,
        request: None,
        verdict,
        reason: None,
        findings,
        explanation,
        needs_checked: 0,
        needs_granted: 0,
    }
}
