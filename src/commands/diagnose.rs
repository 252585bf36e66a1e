//! `ecslint diagnose`: from a pasted AccessDenied or stopped-task reason to its cause and fix.
//!
//! The message enters the line at *evaluate*: it becomes the request that was denied (the need),
//! and from there the evaluator, the explainer and the rules are the ones `check` uses. With a
//! task definition the request is traced back to the reference that made it, so a fix lands on
//! the right side.

use crate::arn::Arn;
use crate::arn::recommended_secret_resource;
use crate::denial::{self, AwsReason, Denial, Failure, Part};
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
    /// `None` when the message does not say (and nothing in it implies it).
    pub action: Option<String>,
    /// As evaluated: a secret's stored ARN, the account filled in where the paste redacted it;
    /// `None` when the message does not name it, or names it cut off.
    pub resource: Option<String>,
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
            let secret = resource
                .as_deref()
                .and_then(Arn::parse)
                .filter(|a| {
                    a.service == "secretsmanager" && !denial::is_redacted_account(&a.account)
                })
                .and(resource.clone());
            (
                principal.as_deref().and_then(role_of).into_iter().collect(),
                secret.into_iter().collect(),
            )
        }
        Failure::KmsAccessDenied { secret: Some(s) }
        | Failure::SecretNotFound { secret: Some(s) } => (Vec::new(), vec![s.clone()]),
        Failure::RoleNotAssumable { role: Some(r), .. } => {
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
    let written = written_request(&denial);
    let (principal, action, resource_written, reason) = match reported(&denial, &loaded) {
        Reported::Request {
            principal,
            action,
            resource,
            reason,
        } => (principal, action, resource, reason),
        Reported::RoleNotAssumable(role, service) => {
            return Ok(role_not_assumable(
                (role, service),
                loaded,
                denial,
                message_id,
                given,
            ));
        }
        Reported::Closed(verdict, explanation) => {
            let mut explanation = explanation;
            explanation.extend(noticed(&denial));
            return Ok(Diagnosis {
                sources: loaded.sources,
                denial,
                message: message_id,
                request: written,
                verdict,
                reason: None,
                findings: Vec::new(),
                explanation,
                needs_checked: 0,
                needs_granted: 0,
            });
        }
    };
    let target = resolve(
        principal.as_deref(),
        resource_written.as_deref(),
        &loaded,
        denial.principal_kind,
    );
    let (mut needs, traced) = match &action {
        Some(action) => needs_of(&loaded, &target, action, origin_loc),
        None => (Needs::default(), false),
    };
    // Policies given without ROLE= belong to the principal named in the message.
    if let Some(name) = target.role.as_ref().filter(|_| !target.role_redacted) {
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
    let defects = crate::defects::find(&loaded.inventory, Some(&loaded.sources));
    let assessments = explain::assess(&loaded.inventory, &defects, &needs, given);
    let mut findings = {
        let trust = explain::task_role_trust(&loaded.task_definitions, &loaded.inventory);
        let cx = rules::Context::of(&loaded, &needs, &assessments, &defects, &trust);
        rules::check(&cx)
    };
    let evaluation = assessments.first().map(|a| &a.evaluation);
    let evaluated = match evaluation.map(|e| &e.decision) {
        Some(Decision::Allowed { .. }) => Verdict::Allowed,
        Some(Decision::Depends { .. } | Decision::DependsOnOtherAccount { .. }) => Verdict::Depends,
        _ => Verdict::Denied,
    };
    // What the policies leave open, the message settles: AWS denied the request.
    let verdict = match (evaluated, reason) {
        (Verdict::Depends, Some(_)) => Verdict::Denied,
        (v, _) => v,
    };
    // AWS's stated reason is evidence: no Allow overrides an explicit deny, and a denial by the
    // resource's own policy is fixed there, not in the role's.
    if let Some(r) = reason
        && (r.is_explicit_deny() || !matches!(r, AwsReason::NoAllow(PolicyType::Identity)))
    {
        // "Add an Allow" answers nothing an explicit deny asks.
        if r.is_explicit_deny() {
            findings.retain(|f| f.rule != "missing-permission");
        }
        for f in &mut findings {
            if !matches!(f.rule, "explicit-deny" | "secret-deny-sidestep") {
                f.fix = None;
            }
        }
    }
    // AWS said it denied explicitly; policies that hold no Deny for it do not make that an
    // implicit deny, only one that was not given.
    let decision_reason = match (reason, evaluation) {
        (Some(r), Some(e))
            if r.is_explicit_deny()
                && matches!(&e.decision, Decision::Denied { explicit, .. } if explicit.is_empty()) =>
        {
            Some(format!(
                "{} (as AWS said; no Deny in the policies given applies, so it is in one not given)",
                r.describe()
            ))
        }
        _ => evaluation.map(|e| e.reason()),
    };
    let mut explanation = explanation(
        (resource_written.as_deref(), action.as_deref(), reason),
        &target,
        &loaded,
        (evaluated, evaluation),
        policies_given,
        traced,
        &denial,
    );
    if matches!(denial.failure, Failure::KmsKeyNotFound) {
        explanation.extend(not_iam(&denial.failure, &denial));
    }
    explanation.extend(noticed(&denial));
    let needs_granted = assessments
        .iter()
        .filter(|a| a.evaluation.is_allowed())
        .count();
    // Without a resource in the message, the one the task definition's need names.
    let resource = target.resource.clone().or_else(|| {
        assessments
            .first()
            .and_then(|a| needs.needs.get(a.need))
            .map(|n| n.request.resource.clone())
    });
    Ok(Diagnosis {
        reason: decision_reason,
        request: Some(DeniedRequest {
            principal,
            role: target.role,
            action,
            resource_as_written: resource_written.filter(|w| Some(w) != resource.as_ref()),
            resource,
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

/// The request as the message writes it, for failures that are not evaluated: an AccessDenied's
/// parts, the `kms:Decrypt` a KMS failure implies, the `sts:AssumeRole` ECS could not make.
fn written_request(denial: &Denial) -> Option<DeniedRequest> {
    let (principal, action, resource, reason) = match &denial.failure {
        Failure::AccessDenied {
            principal,
            action,
            resource,
            reason,
        } => (
            principal.clone(),
            action.clone(),
            resource
                .clone()
                .filter(|_| !denial.noticed.truncated.contains(&Part::Resource)),
            *reason,
        ),
        Failure::KmsAccessDenied { .. } | Failure::KmsKeyNotFound => {
            (None, Some("kms:Decrypt".to_string()), None, None)
        }
        Failure::RoleNotAssumable { role, service } => (
            Some((*service).to_string()),
            Some("sts:AssumeRole".to_string()),
            role.clone(),
            None,
        ),
        Failure::CutOff { fetching, .. } => (
            None,
            match fetching {
                Some("asm") => Some("secretsmanager:GetSecretValue".to_string()),
                Some("ssm") => Some("ssm:GetParameters".to_string()),
                _ => None,
            },
            None,
            None,
        ),
        _ => return None,
    };
    Some(DeniedRequest {
        role: principal.as_deref().and_then(role_of),
        principal,
        action,
        resource,
        resource_as_written: None,
        reason,
    })
}

/// What the reader noticed, said: redactions (and what stands for them below), parts cut off,
/// parts the message lacks.
fn noticed(denial: &Denial) -> Vec<String> {
    let n = &denial.noticed;
    let mut out = Vec::new();
    let quote = |t: &str| {
        if t.is_empty() {
            "an empty account field".to_string()
        } else {
            format!("`{t}`")
        }
    };
    for part in [Part::Principal, Part::Resource] {
        let tokens: Vec<String> = n
            .redacted
            .iter()
            .filter(|(p, _)| *p == part)
            .map(|(_, t)| quote(t))
            .collect();
        if !tokens.is_empty() {
            out.push(format!(
                "The {} is redacted in the message ({}): ecslint does not treat that as real; below, `ACCOUNT_ID` stands for a redacted account and `REDACTED` for any other redacted text, to be replaced by the real values.",
                part.as_str(),
                tokens.join(", ")
            ));
        }
    }
    for part in &n.truncated {
        out.push(format!(
            "The message is cut off in the {}: ecslint reasons only from what is there.",
            part.as_str()
        ));
    }
    let missing: Vec<&str> = n.missing.iter().map(|p| p.as_str()).collect();
    if !missing.is_empty() {
        out.push(format!(
            "The message does not name the {}.",
            missing.join(" or the ")
        ));
    }
    if n.action_implied
        && let Failure::AccessDenied {
            action: Some(action),
            ..
        } = &denial.failure
    {
        out.push(format!(
            "The denied action is not written; the stopped reason's words say the agent was calling `{action}`."
        ));
    }
    out
}

/// What the message reports, before anything is evaluated.
enum Reported {
    /// A request to evaluate, as the message writes it.
    Request {
        principal: Option<String>,
        action: Option<String>,
        resource: Option<String>,
        reason: Option<AwsReason>,
    },
    /// ECS could not assume the role (trusted by this service principal).
    RoleNotAssumable(Option<String>, &'static str),
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
            principal: principal.clone(),
            action: action.clone(),
            // A resource cut off is not a resource: the request is read without it.
            resource: resource
                .clone()
                .filter(|_| !denial.noticed.truncated.contains(&Part::Resource)),
            reason: *reason,
        },
        Failure::KmsAccessDenied { secret } => match secret_key(loaded, secret.as_deref()) {
            // The request Secrets Manager made for the role: kms:Decrypt on the secret's key.
            Some(key) => Reported::Request {
                principal: loaded
                    .task_definitions
                    .iter()
                    .find_map(|td| td.execution_role_arn.as_ref().map(|a| a.value.clone())),
                action: Some("kms:Decrypt".to_string()),
                resource: Some(key),
                reason: None,
            },
            None => Reported::Closed(
                Verdict::Denied,
                vec![
                    "Secrets Manager could not decrypt the secret: the role needs `kms:Decrypt` on the secret's customer managed key, and the key policy must allow it. Pass the secret's `describe-secret` output with --secrets to know which key.".to_string(),
                ],
            ),
        },
        Failure::RoleNotAssumable { role, service } => {
            Reported::RoleNotAssumable(role.clone(), service)
        }
        // The key is most often there and the permission missing: with a task definition, its
        // own `kms:Decrypt` needs (the keys of its secrets and parameters) are evaluated.
        Failure::KmsKeyNotFound if task_decrypts(loaded) => Reported::Request {
            principal: loaded
                .task_definitions
                .iter()
                .find_map(|td| td.execution_role_arn.as_ref().map(|a| a.value.clone())),
            action: Some("kms:Decrypt".to_string()),
            resource: None,
            reason: None,
        },
        other => {
            let mut explanation = not_iam(other, denial);
            if let Failure::SecretNotFound { secret: Some(s) } = other
                && let Some(now) = recreated(s, &loaded.inventory)
            {
                explanation.push(format!(
                    "A secret of that name exists with another suffix: `{now}`. It was probably deleted and created again; reference it by that ARN (and grant `NAME-??????` so the next re-creation does not break it)."
                ));
            }
            let verdict = match other {
                // Most often a missing permission on the key, not a missing key; a reason cut
                // before its cause may be either.
                Failure::KmsKeyNotFound | Failure::CutOff { .. } => Verdict::Depends,
                _ => Verdict::NotIam,
            };
            Reported::Closed(verdict, explanation)
        }
    }
}

/// Whether the task definitions given need `kms:Decrypt` on a known key.
fn task_decrypts(loaded: &Loaded) -> bool {
    loaded.task_definitions.iter().any(|td| {
        let context = needs::TaskContext::of(td, None);
        needs::derive(td, &loaded.inventory, &context)
            .needs
            .iter()
            .any(|n| n.request.action.eq_ignore_ascii_case("kms:Decrypt"))
    })
}

/// The request's principal role and resource, with redactions filled in from what the inputs
/// know.
struct Resolved {
    role: Option<String>,
    /// The need's role kind when the principal is not the execution role (a task role, a deploy
    /// principal, a user, an instance's role).
    kind: Option<needs::RoleKind>,
    /// The role's name is redacted in the message (`[redacted]-execution-role`).
    role_redacted: bool,
    role_arn: Option<String>,
    /// As evaluated: the redacted account filled in (or `ACCOUNT_ID` where nothing tells it).
    resource: Option<String>,
    /// The listed secret the resource names, and its stored ARN.
    secret: Option<usize>,
    stored: Option<String>,
}

/// A redaction made plain: the account field `ACCOUNT_ID`, any other redaction `REDACTED`.
fn placeholder(arn: &str) -> String {
    let mut noticed = denial::Noticed::default();
    denial::redactions(Part::Resource, arn, &mut noticed);
    let mut out = arn.to_string();
    if let Some(mut parsed) = Arn::parse(arn) {
        let is_redaction = |field: &str| {
            noticed
                .redacted
                .iter()
                .any(|(_, t)| !t.is_empty() && field.contains(t.as_str()))
        };
        if !parsed.account.is_empty() && denial::is_redacted_account(&parsed.account) {
            parsed.account = "ACCOUNT_ID".to_string();
        }
        if is_redaction(&parsed.region) {
            parsed.region = "REGION".to_string();
        }
        out = parsed.to_string();
    }
    for (_, token) in noticed.redacted {
        if !token.is_empty() && out.contains(token.as_str()) && token != "*" {
            out = out.replace(token.as_str(), "REDACTED");
        }
    }
    out
}

fn resolve(
    principal: Option<&str>,
    resource_written: Option<&str>,
    loaded: &Loaded,
    principal_kind: denial::PrincipalKind,
) -> Resolved {
    let inventory = &loaded.inventory;
    let role = principal.and_then(role_of);
    // Redacted when the name holds a redaction, or the principal's redacted account (CDK's
    // role names carry the account: `cdk-hnb659fds-deploy-role-ACCOUNT-REGION`).
    let role_redacted = role.as_deref().is_some_and(|r| {
        let mut n = denial::Noticed::default();
        denial::redactions(Part::Principal, principal.unwrap_or(r), &mut n);
        denial::redactions(Part::Principal, r, &mut n);
        n.redacted
            .iter()
            .any(|(_, t)| r.contains(t.as_str()) && (t.len() >= 3 || crate::arn::role_name(r) == t))
    });
    let principal_account = principal
        .and_then(Arn::parse)
        .map(|a| a.account)
        .filter(|a| !denial::is_redacted_account(a))
        .or_else(|| known_account(role.as_deref(), inventory, loaded));
    let resource = resource_written.map(|written| {
        let filled = unredact(written, principal_account.as_deref(), inventory);
        placeholder(&filled)
    });
    // IAM evaluated the resource the message names; a secret named there by partial ARN is
    // still known by its stored ARN, which tells whether the partial reference is the cause.
    let secret = resource.as_deref().and_then(|r| {
        inventory
            .secret_by_arn(r)
            .or_else(|| inventory.secret_by_partial_arn(r))
    });
    let stored = secret.map(|i| inventory.secrets[i].arn.value.clone());
    // Where the paste redacted the principal's account, the resource's tells it (same account
    // is by far the common case; a cross-account request names both in the message).
    let account = principal_account.clone().or_else(|| {
        resource
            .as_deref()
            .and_then(Arn::parse)
            .map(|a| a.account)
            .filter(|a| !denial::is_redacted_account(a))
    });
    let role_arn = role.as_deref().filter(|_| !role_redacted).and_then(|name| {
        inventory.role(name).map(|r| r.arn.clone()).or_else(|| {
            account
                .as_ref()
                .map(|a| format!("arn:aws:iam::{a}:role/{name}"))
        })
    });
    use denial::PrincipalKind as K;
    let kind = match principal_kind {
        K::TaskRole => Some(needs::RoleKind::Task),
        K::Deploy | K::User | K::InstanceRole => Some(needs::RoleKind::Caller),
        K::ExecutionRole | K::Unknown => None,
    };
    Resolved {
        role,
        kind,
        role_redacted,
        role_arn,
        resource,
        secret,
        stored,
    }
}

/// The needs that make the request: traced to the task definitions' references that make it
/// (then `true`), else the pasted request's own. Without the resource (missing or cut off in
/// the message), the task definitions' needs for that action, where they were given.
fn needs_of(loaded: &Loaded, target: &Resolved, action: &str, origin_loc: Loc) -> (Needs, bool) {
    let (secret, stored) = (target.secret, &target.stored);
    // With task definitions: the needs that make this request, located where they are written.
    let mut needs = Needs::default();
    for td in &loaded.task_definitions {
        let context = needs::TaskContext::of(td, None);
        needs.merge(needs::derive(td, &loaded.inventory, &context));
    }
    needs.needs.retain(|n| {
        n.request.action.eq_ignore_ascii_case(action)
            && target
                .resource
                .as_ref()
                .is_none_or(|r| n.request.resource == *r)
    });
    let traced = !needs.needs.is_empty();
    if !traced {
        let Some(resource) = target.resource.clone() else {
            return (needs, false);
        };
        let origin = Origin {
            loc: origin_loc,
            what: "the denied request".to_string(),
        };
        let stored = secret.zip(stored.as_deref().and_then(Arn::parse));
        let request = Request {
            action: action.to_string(),
            resource,
        };
        needs.needs.push(needs::of_request(
            request,
            stored,
            target.role_arn.clone(),
            origin,
            target.kind,
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
    reported: (Option<&str>, Option<&str>, Option<AwsReason>),
    target: &Resolved,
    loaded: &Loaded,
    decided: (Verdict, Option<&crate::iam::Evaluation>),
    policies_given: bool,
    traced: bool,
    denial: &Denial,
) -> Vec<String> {
    let (resource_written, action, reason) = reported;
    let (verdict, evaluation) = decided;
    let (resource, stored) = (target.resource.as_deref(), &target.stored);
    let mut explanation = Vec::new();
    if let (Some(written), Some(resource)) = (resource_written, resource)
        && written != resource
    {
        explanation.push(format!(
            "The message names `{written}`; ecslint evaluated `{resource}` (the redacted account filled in where the inputs tell it)."
        ));
    }
    if let Some(stored) = stored.as_deref().filter(|s| Some(*s) != resource) {
        explanation.push(format!(
            "The request named the secret without its suffix; IAM evaluates the ARN as requested, not the secret's stored ARN `{stored}`."
        ));
    }
    explanation.extend(who(denial, action, target));
    if let Some(action) = action {
        if !policies_given {
            explanation.extend(message_alone(resource, action, target, denial, reason));
        } else if verdict == Verdict::Allowed {
            explanation.push(
                "The policies given allow this request now: they were probably changed since the failure, or the denial came from a policy that was not given (an SCP, a permissions boundary, a session policy, or the resource's own policy).".to_string(),
            );
        }
    } else {
        explanation.push(
            "The message does not say which action was denied, so nothing can be evaluated: the call that failed (the operation in the message, or the step of the deployment) names it.".to_string(),
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
        explanation.extend(evidence(r, evaluation, loaded, verdict));
        if let (Some(action), Some(resource), AwsReason::NoAllow(PolicyType::ResourceBased)) =
            (action, resource, r)
        {
            let principal = target
                .role_arn
                .clone()
                .unwrap_or_else(|| "ROLE_ARN".to_string());
            explanation.push(format!(
                "A statement for that policy: {{\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"{principal}\"}}, \"Action\": \"{action}\", \"Resource\": \"{}\"}}.",
                if resource.contains(":secret:") || resource.contains(":key/") { "*" } else { resource }
            ));
        }
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

/// What AWS's stated reason settles: an explicit deny means a Deny applied (its unknown
/// conditions held), and no Allow added anywhere changes that; a resource-based denial is fixed
/// in the resource's policy.
fn evidence(
    reason: AwsReason,
    evaluation: Option<&crate::iam::Evaluation>,
    loaded: &Loaded,
    verdict: Verdict,
) -> Vec<String> {
    use crate::iam::Tri;
    use crate::model::policy::Effect;
    let mut out = Vec::new();
    let trace = evaluation.map_or(&[][..], |e| &e.trace[..]);
    // "statement N of `POLICY`", and the unknown keys as code.
    let statement = |t: &crate::iam::StatementTrace| {
        let name = loaded
            .inventory
            .policies
            .get(t.at.policy)
            .map_or("", |p| p.name.as_str());
        format!("statement {} of `{name}`", t.at.statement + 1)
    };
    let keys = |keys: &std::collections::BTreeSet<String>| {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if reason.is_explicit_deny() {
        let denies: Vec<String> = trace
            .iter()
            .filter(|t| t.effect == Effect::Deny && !t.applies.is_false())
            .map(|t| match &t.applies {
                Tri::Unknown(k) => {
                    format!(
                        "{}, whose condition on {} must have held",
                        statement(t),
                        keys(k)
                    )
                }
                _ => statement(t),
            })
            .collect();
        if !denies.is_empty() && verdict == Verdict::Depends {
            out.push(format!(
                "AWS denied explicitly, so a Deny applied: {}.",
                denies.join("; ")
            ));
        }
        out.push(
            "No Allow overrides an explicit deny: change the Deny (its Action, Resource or Condition) or the request; adding an Allow would change nothing.".to_string(),
        );
    } else if verdict == Verdict::Depends {
        let allows: Vec<String> = trace
            .iter()
            .filter(|t| t.effect == Effect::Allow)
            .filter_map(|t| match &t.applies {
                Tri::Unknown(k) => Some(format!("{} (its condition on {})", statement(t), keys(k))),
                _ => None,
            })
            .collect();
        if !allows.is_empty() {
            out.push(format!(
                "AWS found no allow, so the conditions of the statements that could have allowed it did not hold: {}.",
                allows.join("; ")
            ));
        }
    }
    if matches!(reason, AwsReason::NoAllow(PolicyType::ResourceBased)) {
        out.push(
            "The fix is in the resource's own policy (the secret's resource policy, the repository policy, the key policy — in the account that owns the resource): allow this principal the action there. Across accounts the role's own policy must allow it too.".to_string(),
        );
    } else if let AwsReason::NoAllow(
        kind @ (PolicyType::PermissionsBoundary | PolicyType::ServiceControl),
    ) = reason
    {
        out.push(format!(
            "The fix is in the {}: the role's own policy cannot grant what it does not allow.",
            kind.describe()
        ));
    }
    out
}

/// Who was denied, when that is not the task's execution role: the advice differs.
fn who(denial: &Denial, action: Option<&str>, target: &Resolved) -> Vec<String> {
    use denial::PrincipalKind::*;
    let mut out = Vec::new();
    match denial.principal_kind {
        Deploy => out.push(
            "The principal denied is a deployment's (CI/CD or infrastructure as code), not the task's: the grant belongs in that principal's policy."
                .to_string(),
        ),
        User => out.push(
            "The principal denied is an IAM user: grant it in the user's policy (or a group's), not in a role's.".to_string(),
        ),
        InstanceRole => out.push(
            "The principal denied is an EC2 instance's role (the container instance's, or the host's): the task's own roles are not involved."
                .to_string(),
        ),
        TaskRole => out.push(
            "The principal denied is the task's role: the application's own call, not the ECS agent's."
                .to_string(),
        ),
        ExecutionRole | Unknown => {}
    }
    if action.is_some_and(|a| a.eq_ignore_ascii_case("iam:PassRole")) {
        let passed = target
            .resource
            .as_deref()
            .map(|r| format!("`{r}`"))
            .unwrap_or_else(|| "the role".to_string());
        out.push(format!(
            "Registering or running a task passes its roles to ECS: the deploying principal needs `iam:PassRole` on {passed}, best limited with the condition `iam:PassedToService` = `ecs-tasks.amazonaws.com`."
        ));
    }
    out
}

/// What a denial proves without any policy, and how to fetch the policies.
fn message_alone(
    resource: Option<&str>,
    action: &str,
    target: &Resolved,
    denial: &Denial,
    reason: Option<AwsReason>,
) -> Vec<String> {
    let mut out = Vec::new();
    let explicit = reason.is_some_and(AwsReason::is_explicit_deny);
    match resource {
        _ if explicit => {}
        None => out.push(format!(
            "Without the resource, the grant cannot be written for it: find the resource the call named (the task definition's reference, or the failing step) and grant `{action}` on exactly that."
        )),
        Some(r) if r.ends_with(":parameter/") || r.ends_with(":parameter") || r.ends_with(":*") => out.push(format!(
            "The resource `{r}` has an empty or malformed name: the reference that made the request is wrong (an empty variable, a doubled slash); fix the reference rather than granting `*`."
        )),
        Some(r) if r.contains(":parameter/aws/reference/secretsmanager/") => {
            let name = r.split(":parameter/aws/reference/secretsmanager/").nth(1).unwrap_or("NAME");
            out.push(format!(
                "A `/aws/reference/secretsmanager/` parameter reads a Secrets Manager secret through SSM: the role needs `ssm:GetParameters` on `{r}`, `secretsmanager:GetSecretValue` on the secret (`…:secret:{name}-??????`), and `kms:Decrypt` on its key when that is a customer managed key. Granting only the SSM action is not enough."
            ));
        }
        Some(r) => {
            if let Some(base) = crate::arn::display_name_arn(r) {
                let suffix = &r[base.len()..];
                if suffix[1..].bytes().all(|b| b.is_ascii_lowercase()) {
                    out.push(format!(
                        "`{suffix}` at the end of the secret's name may be Secrets Manager's random suffix or part of the name (it is six letters, like a word): `aws secretsmanager describe-secret --secret-id {r}` shows the full ARN. Grant that name plus `-??????`."
                    ));
                } else {
                    out.push(format!(
                        "The secret's ARN ends in `{suffix}`: a Resource naming `{base}` (the display name) cannot match it. Grant `{base}-??????`, which matches this secret whatever its suffix."
                    ));
                }
            } else {
                out.push(format!(
                    "Grant `{action}` on `{}` to the {}.",
                    recommended_secret_resource(r),
                    match denial.principal_kind {
                        denial::PrincipalKind::User => "user",
                        _ => "role",
                    }
                ));
            }
        }
    }
    let principal_name = match &denial.failure {
        Failure::AccessDenied {
            principal: Some(p), ..
        } => p.rsplit('/').next().map(str::to_string),
        _ => None,
    };
    if denial.principal_kind == denial::PrincipalKind::User {
        let user = principal_name
            .filter(|_| {
                !target.role_redacted
                    && denial
                        .noticed
                        .redacted
                        .iter()
                        .all(|(p, _)| *p != Part::Principal)
            })
            .unwrap_or_else(|| "USER_NAME".to_string());
        out.push(format!(
            "No policy was given. Fetch the user's policies and run again with them: `aws iam list-user-policies --user-name {user}` and `aws iam get-user-policy --user-name {user} --policy-name NAME` (inline), `aws iam list-attached-user-policies --user-name {user}` (managed); a grant is added with `aws iam put-user-policy --user-name {user} --policy-name NAME --policy-document file://policy.json`."
        ));
        return out;
    }
    let role = match (&target.role, target.role_redacted) {
        (Some(r), false) => r.clone(),
        _ => "ROLE_NAME".to_string(),
    };
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

/// Failures that no policy change fixes, or that are not a denial at all: the likely causes in
/// order and what to check.
fn not_iam(failure: &Failure, denial: &Denial) -> Vec<String> {
    let service = match denial.fetching {
        Some("asm") => "Secrets Manager",
        Some("ssm") => "SSM Parameter Store",
        Some("ecr") => "ECR",
        Some("logs") => "CloudWatch Logs",
        _ => "the AWS service",
    };
    let line = match failure {
        Failure::Network { service: None } if denial.line.to_ascii_lowercase().trim_end_matches(['.', ' ']).ends_with("unable to pull secrets or registry auth") => "The reason stops at \"unable to pull secrets or registry auth\": most often the task cannot reach the services (a private subnet without a NAT gateway or VPC endpoints, or a public one without assignPublicIp); less often the execution role lacks a permission. The task's full stopped reason (`aws ecs describe-tasks`) says which.".to_string(),
        Failure::Network { .. }
            if ["docker.io", "ghcr.io", "quay.io", "gcr.io", "registry.gitlab.com"]
                .iter()
                .any(|h| denial.line.contains(h)) =>
        {
            "Not an IAM problem: the task never reached the registry, which is outside AWS, so VPC endpoints cannot reach it: the task's subnets need a route to the internet (a NAT gateway, or a public subnet with assignPublicIp), and its security group must send HTTPS (443) out. Or copy the image into ECR (a pull-through cache rule does it).".to_string()
        }
        Failure::Network { .. } => format!(
            "Not an IAM problem: the task never reached {service}. Give the task's subnets a route to it — a NAT gateway, or VPC interface endpoints (secretsmanager, ssm, ecr.api, ecr.dkr, logs, and the S3 gateway endpoint for ECR layers) — and let its security group send HTTPS (443) out. On Fargate with a public subnet, turn on assignPublicIp."
        ),
        Failure::SecretNotFound { secret } => format!(
            "Not an IAM problem: Secrets Manager has no secret {}. Check the name or ARN in the task definition (the random suffix changes when a secret is deleted and created again) and its region.",
            secret.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "by that name".to_string())
        ),
        Failure::ParameterNotFound { parameters } => format!(
            "Not an IAM problem: SSM has no parameter {}. A bare name means the task's own region; another region needs the full ARN; an empty segment (`//`) means a variable was empty when the name was built.",
            parameters.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "by that name".to_string())
        ),
        Failure::KmsKeyNotFound => "AWS words this the same for a key that does not exist and for a key the caller may not use. Most often it is the permission: the role needs `kms:Decrypt` on the key that encrypted the secret or parameter, and the key policy must allow it (pass --secrets, --key-policy or use --aws to check). Less often the key was deleted, or is in another region or account: then re-encrypt the value with a key that exists.".to_string(),
        Failure::JsonKeyMissing { key } => format!(
            "Not an IAM problem: the secret's JSON has no key {}. Check the `:json-key:` part of valueFrom against the secret's keys.",
            key.as_deref().map(|k| format!("`{k}`")).unwrap_or_default()
        ),
        Failure::SecretNotJson => "Not an IAM problem: `valueFrom` names a JSON key, but the secret's value is not JSON (plain text, or JSON with an error). Store the value as a JSON object, or drop the `:json-key:` part to inject the whole value.".to_string(),
        Failure::ImageNotFound => "Not an IAM problem: the image or tag does not exist in the repository. Check the image name and tag in the task definition.".to_string(),
        Failure::PullRefused { image, ecr, how } => {
            let image = image.as_deref().map(|i| format!("`{i}`")).unwrap_or_else(|| "the image".to_string());
            match (ecr, how) {
                (true, denial::PullRefusal::TokenExpired) => format!("The ECR login token used to pull {image} expired (they last 12 hours): log in again (`aws ecr get-login-password`) right before pulling."),
                (true, denial::PullRefusal::NoCredentials) => format!("The pull of {image} carried no ECR login: run `aws ecr get-login-password | docker login --username AWS --password-stdin ACCOUNT.dkr.ecr.REGION.amazonaws.com` first (in ECS the agent does this with the execution role)."),
                (true, _) => format!("ECR refused the pull of {image}. In order: the repository or tag does not exist under that name or region; the puller lacks `ecr:GetAuthorizationToken`, `ecr:BatchGetImage` and `ecr:GetDownloadUrlForLayer` (the execution role in ECS); the repository is in another account whose repository policy does not allow it."),
                (false, _) => format!("The registry refused the pull of {image}: it is private (or does not exist). For a private registry outside ECR, add `repositoryCredentials.credentialsParameter` with a Secrets Manager secret holding the registry's username and password, and grant the execution role `secretsmanager:GetSecretValue` on it. AWS VPC endpoints do not reach a registry outside AWS: the task needs a route to the internet."),
            }
        }
        Failure::LogGroupNotFound => "The awslogs log group does not exist (or the task cannot reach CloudWatch Logs): create it, or set `\"awslogs-create-group\": \"true\"` in the log options and grant the execution role `logs:CreateLogGroup` on it; in a private subnet, the task needs a NAT gateway or the logs VPC endpoint.".to_string(),
        Failure::ServiceLinkedRole => "ECS's service-linked role `AWSServiceRoleForECS` does not exist in the account: create it (`aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com`), or let whoever first uses ECS have `iam:CreateServiceLinkedRole`.".to_string(),
        Failure::EfsMount { detail } => match *detail {
            "access-denied" => "EFS refused the mount. With IAM authorization on the volume, the task role needs `elasticfilesystem:ClientMount` (and `ClientWrite` to write) and the file system policy must allow it; with an access point, check its root directory and POSIX user.".to_string(),
            "path-not-found" => "The path the volume mounts does not exist on the file system: create the directory, or mount an access point whose root directory is created for you.".to_string(),
            "dns" => "The file system's name did not resolve: check its ID and region, that it has a mount target in the task's subnets' availability zones, and that the VPC has DNS resolution and DNS hostnames turned on.".to_string(),
            "network" => "The task could not reach the file system: the mount targets' security group must allow NFS (TCP 2049) from the task's security group, in each of the task's availability zones.".to_string(),
            "botocore-missing" => "EFS utils could not look up the mount target (botocore is missing where it runs): give the file system a mount target in the task's availability zone, or mount by its DNS name.".to_string(),
            _ => "EFS utils could not mount the volume: check the file system ID, its mount targets in the task's subnets, NFS (TCP 2049) in their security group, and with IAM authorization the task role's `elasticfilesystem:ClientMount`.".to_string(),
        },
        Failure::RoleNotValid => "ECS rejected a role in the task definition: the ARN is malformed or names a role that does not exist, or the role's trust policy does not let `ecs-tasks.amazonaws.com` assume it. Check `executionRoleArn` and `taskRoleArn` (a full `arn:aws:iam::ACCOUNT:role/NAME`).".to_string(),
        Failure::HealthCheck => "Not an IAM problem: the load balancer found the task unhealthy. In order: the health check's path or port does not answer (with bridge networking and dynamic host ports, `hostPort` 0, the check must use the traffic port); the container instances' security group does not let the load balancer reach the ephemeral port range (32768–65535); the application starts slower than the health check grace period.".to_string(),
        Failure::ExecNotConnected => "ECS Exec could not reach the container's SSM agent: turn on `enableExecuteCommand` for the service or task (and start new tasks), give the task role `ssmmessages:CreateControlChannel`, `CreateDataChannel`, `OpenControlChannel` and `OpenDataChannel`, and give the task a route to the ssmmessages endpoint (NAT or VPC endpoint).".to_string(),
        Failure::CutOff { fetching, subject } => {
            let what = match fetching {
                Some("ssm") => "the SSM parameters",
                Some("asm") => "the secret",
                _ => "the secrets or registry auth",
            };
            let subject = subject.as_deref().map(|s| format!(" (`{s}`, cut off)")).unwrap_or_default();
            format!(
                "The stopped reason is cut off before its cause: the agent could not fetch {what}{subject}. In order of likelihood: the execution role is denied it (AccessDeniedException: `secretsmanager:GetSecretValue`, `ssm:GetParameters`, or `kms:Decrypt` on a customer managed key); it does not exist under that name, suffix or region; the task cannot reach the service (no NAT or VPC endpoint). The whole reason is in `aws ecs describe-tasks --cluster CLUSTER --tasks TASK_ID --query 'tasks[].stoppedReason'`, or run `ecslint diagnose --aws --stopped-task CLUSTER/TASK_ID`."
            )
        }
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
    (role, service): (Option<String>, &'static str),
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
    let defects = crate::defects::find(&loaded.inventory, Some(&loaded.sources));
    let assessments = explain::assess(&loaded.inventory, &defects, &needs, given);
    // What role-trust says of this role, and nothing else: the message is about it alone.
    let findings: Vec<Finding> = {
        let cx = rules::Context::of(&loaded, &needs, &assessments, &defects, &trust);
        rules::check_only("role-trust", &cx)
    };
    let shown = name.as_deref().unwrap_or("the task's role");
    let written = written_request(&denial);
    let noticed = noticed(&denial);
    let (verdict, mut explanation) = match trust.first() {
        // The ECS infrastructure role (volumes, Service Connect, VPC Lattice) is assumed by ECS
        // itself, not by tasks.
        _ if service != ECS_TASKS => (
            Verdict::Depends,
            vec![format!(
                "ECS could not assume its infrastructure role `{shown}`: that role's trust policy must allow the service principal `{service}` (not `{ECS_TASKS}`) `sts:AssumeRole`, and it needs the managed policy for the feature that uses it (for EBS volumes, `AmazonECSInfrastructureRolePolicyForVolumes`). Whoever creates the service needs `iam:PassRole` on it."
            )],
        ),
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
    explanation.extend(noticed);
    Diagnosis {
        sources: loaded.sources,
        denial,
        message,
        request: written,
        verdict,
        reason: None,
        findings,
        explanation,
        needs_checked: 0,
        needs_granted: 0,
    }
}
