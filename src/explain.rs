//! Why a need is or is not granted: evaluation results turned into causes.
//!
//! Each need is evaluated against its role's policies once, here, and given exactly one cause. The
//! rules render causes into findings; none of them re-decides why access fails. The precedence,
//! first match wins (`assess`, then `cause`), and the one rule that owns each cause (a registry
//! test in `rules/mod.rs` proves the ownership):
//!
//! | # | when | cause | rule |
//! |---|---|---|---|
//! | 1 | a secret named without its suffix is denied as requested, and its full ARN would be allowed | `PartialReference` | secret-reference-partial-arn |
//! | 2 | allowed | `Granted` | — |
//! | 3 | the answer turns on context unknown offline | `Conditional` | condition-dependent |
//! | 4 | an explicit deny matches | `ExplicitDeny` | explicit-deny |
//! | 5 | an Allow that missed has a `Resource` entry meant for the resource, but wrong | `DefectiveEntries` | one per `EntryDefect` |
//! | 6 | an Allow names the action and resource, but a condition is false | `ConditionNotMet` | condition-not-met |
//! | 7 | an Allow on the resource names an action a letter or two off | `ActionNearMiss` | action-near-miss |
//! | 8 | the task's other role would be allowed | `WrongRole` | grant-on-wrong-role |
//! | 9 | a KMS key policy neither allows the role nor delegates to IAM | `KeyPolicyDenies` | missing-permission |
//! | 10 | nothing grants it | `NotGranted` | missing-permission |

use crate::arn::{Arn, SECRET_SUFFIX_PATTERN, display_name_arn, secret_name_pattern};
use crate::defects::{Defects, EntryFacts};
use crate::iam::PolicyType;
use crate::iam::pattern::resource_matches;
use crate::iam::{
    Decision, Evaluation, Principal, RequestContext, StatementRef, decision, evaluate,
};
use crate::model::inventory::{Attachment, Inventory};
use crate::model::policy::Effect;
use crate::needs::{Need, Needs, RoleKind, Subject};

/// One entry of a statement's `Resource` list: `policies[policy].statements[statement]
/// .resource.values[entry]`, with `policy` an index into the inventory's policies. Ordered as in
/// the documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryRef {
    pub policy: usize,
    pub statement: usize,
    pub entry: usize,
}

/// What is wrong with a `Resource` entry that was meant to grant a need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryDefect {
    /// `…:secret:NAME` where the real ARN is `…:secret:NAME-AbCdEf`.
    DisplayName,
    /// Documentation placeholders (and possibly `key:` for `key/`) stand where the real values go.
    Placeholder,
    /// `…:key:ID` where AWS writes `…:key/ID`.
    KmsKeyColon,
    /// The `:json-key:version-stage:version-id` tail of a `valueFrom`, copied into the ARN.
    JsonKeyTail,
    /// Right but for the region.
    WrongRegion,
    /// Right but for the account.
    WrongAccount,
    /// Right but for the partition.
    WrongPartition,
    /// Right but for letter case: ARNs match case-sensitively.
    CaseMismatch,
    /// A KMS alias ARN where IAM needs the key ARN.
    KmsAlias,
    /// A resource-scoped grant of an action that takes no resource (only `*`).
    StarOnlyScoped,
}

impl EntryDefect {
    pub const ALL: &[EntryDefect] = &[
        EntryDefect::DisplayName,
        EntryDefect::Placeholder,
        EntryDefect::KmsKeyColon,
        EntryDefect::JsonKeyTail,
        EntryDefect::WrongRegion,
        EntryDefect::WrongAccount,
        EntryDefect::WrongPartition,
        EntryDefect::CaseMismatch,
        EntryDefect::KmsAlias,
        EntryDefect::StarOnlyScoped,
    ];
}

/// The entry as it was meant, for the defects that a single field explains.
pub fn corrected_entry(entry: &str, resource: &str, defect: &EntryDefect) -> Option<String> {
    let (e, r) = (Arn::parse(entry)?, Arn::parse(resource)?);
    let fixed = match defect {
        EntryDefect::JsonKeyTail => {
            let base: Vec<&str> = e.resource.splitn(3, ':').take(2).collect();
            Arn {
                resource: base.join(":"),
                ..e
            }
        }
        EntryDefect::WrongRegion => Arn {
            region: r.region,
            ..e
        },
        EntryDefect::WrongAccount => Arn {
            account: r.account,
            ..e
        },
        EntryDefect::WrongPartition => Arn {
            partition: r.partition,
            ..e
        },
        EntryDefect::CaseMismatch | EntryDefect::KmsAlias => return Some(resource.to_string()),
        _ => return None,
    };
    Some(fixed.to_string())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    Granted,
    /// Allow statements name the resource, but wrongly.
    DefectiveEntries(Vec<(EntryRef, EntryDefect)>),
    /// Unconditional deny statements match the request.
    ExplicitDeny(Vec<StatementRef>),
    /// Allow statements name the action and resource, but a `Condition` does not hold for the
    /// request.
    ConditionNotMet(Vec<StatementRef>),
    /// Allow statements name the resource but an action one or two letters off, or a sibling
    /// (`ssm:GetParameter` for `ssm:GetParameters`): `(statement, index in its Action list)`.
    ActionNearMiss(Vec<(StatementRef, usize)>),
    /// The other role's policies grant it: the grant sits on the wrong role.
    WrongRole {
        granted_by: Vec<StatementRef>,
        role: RoleKind,
    },
    /// The answer turns on `Condition` blocks reading these context keys.
    Conditional(Vec<StatementRef>, Vec<String>),
    /// The task definition names a secret without its suffix (a partial ARN or a name), and IAM
    /// evaluates the ARN as requested, while these statements grant the secret's full ARN (or
    /// `NAME-??????`): the reference, not the policy, must change.
    PartialReference {
        granted_by: Vec<StatementRef>,
        /// The secret's full ARN: stored (from `--secrets`) or named in a granting statement.
        full_arn: Option<String>,
        /// Whether `full_arn` comes from the secrets listing rather than from a policy.
        stored: bool,
    },
    /// A KMS key policy neither allows the role nor delegates to IAM, so the role's own policies
    /// do not count; `key_policy` indexes the inventory's policies when it was given.
    KeyPolicyDenies {
        key_policy: Option<usize>,
    },
    /// The role's own policies allow it, but the resource is in another account, whose policy
    /// (`kind`) must allow too and was not given.
    OtherAccount {
        account: String,
        kind: crate::iam::PolicyType,
        allowed_by: Vec<StatementRef>,
    },
    /// No statement grants it and none was meant to.
    NotGranted,
}

/// A cause without its data: what a rule declares it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CauseKind {
    Granted,
    /// Owned per entry defect (`Decides::Entry`).
    DefectiveEntries,
    ExplicitDeny,
    ConditionNotMet,
    ActionNearMiss,
    WrongRole,
    Conditional,
    PartialReference,
    KeyPolicyDenies,
    OtherAccount,
    NotGranted,
}

impl CauseKind {
    /// Every cause that is a failure (not `Granted`) and is owned as a whole (not
    /// `DefectiveEntries`, whose defects are owned one by one).
    pub const OWNED: &[CauseKind] = &[
        CauseKind::ExplicitDeny,
        CauseKind::ConditionNotMet,
        CauseKind::ActionNearMiss,
        CauseKind::WrongRole,
        CauseKind::Conditional,
        CauseKind::PartialReference,
        CauseKind::KeyPolicyDenies,
        CauseKind::OtherAccount,
        CauseKind::NotGranted,
    ];
}

impl Cause {
    pub fn kind(&self) -> CauseKind {
        match self {
            Cause::Granted => CauseKind::Granted,
            Cause::DefectiveEntries(_) => CauseKind::DefectiveEntries,
            Cause::ExplicitDeny(_) => CauseKind::ExplicitDeny,
            Cause::ConditionNotMet(_) => CauseKind::ConditionNotMet,
            Cause::ActionNearMiss(_) => CauseKind::ActionNearMiss,
            Cause::WrongRole { .. } => CauseKind::WrongRole,
            Cause::Conditional(..) => CauseKind::Conditional,
            Cause::PartialReference { .. } => CauseKind::PartialReference,
            Cause::KeyPolicyDenies { .. } => CauseKind::KeyPolicyDenies,
            Cause::OtherAccount { .. } => CauseKind::OtherAccount,
            Cause::NotGranted => CauseKind::NotGranted,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Assessment {
    /// Index into `Needs::needs`.
    pub need: usize,
    /// The inventory's policies attached to the need's role.
    pub policies: Vec<usize>,
    /// Statement references here index the inventory's policies.
    pub evaluation: Evaluation,
    /// The request context it was evaluated in.
    pub context: RequestContext,
    pub cause: Cause,
}

/// The identity policies and boundary of the role that makes a need's request.
pub fn role_policies(need: &Need, inventory: &Inventory) -> Vec<usize> {
    let name = need.role_arn.as_deref().map(crate::arn::role_name);
    inventory.policies_of(name, need.uses_default_policies())
}

/// What the ECS agent's request to KMS is known to carry when a service decrypts on its behalf:
/// Secrets Manager asks with `kms:ViaService` `secretsmanager.REGION.amazonaws.com` and the
/// encryption context `SecretARN` (Secrets Manager user guide, "Secret encryption and
/// decryption"); SSM with `ssm.REGION.amazonaws.com` and `PARAMETER_ARN` (Systems Manager user
/// guide, "How Parameter Store uses AWS KMS"); both with `kms:CallerAccount`, the role's account.
/// Nothing else is assumed (no source VPC endpoint, no IP).
pub fn agent_context(
    subject: &Subject,
    principal: Option<&Principal>,
    inventory: &Inventory,
    context: &mut RequestContext,
) {
    let (service, key, arn) = match subject {
        Subject::SecretKey { secret } => (
            "secretsmanager",
            "kms:EncryptionContext:SecretARN",
            Some(inventory.secrets[*secret].arn.value.clone()),
        ),
        Subject::ParameterKey { parameter } => (
            "ssm",
            "kms:EncryptionContext:PARAMETER_ARN",
            inventory.parameters[*parameter].arn.clone(),
        ),
        _ => return,
    };
    let Some(arn) = arn else { return };
    let Some(region) = Arn::parse(&arn).map(|a| a.region).filter(|r| !r.is_empty()) else {
        return;
    };
    context.set(
        "kms:ViaService",
        vec![format!("{service}.{region}.amazonaws.com")],
    );
    context.set(key, vec![arn]);
    if let Some(p) = principal {
        context.set("kms:CallerAccount", vec![p.account.clone()]);
    }
}

/// What is known offline about the ECS agent's request for a need: the principal's ARN and
/// account, the region and account of the resource, the secret's tags when the listing has them,
/// and whatever the user gave with `--context`.
pub fn request_context(
    resource: &str,
    secret: Option<usize>,
    principal: Option<&Principal>,
    inventory: &Inventory,
    given: &RequestContext,
) -> RequestContext {
    let mut context = RequestContext::new();
    if let Some(p) = principal {
        context.set("aws:PrincipalArn", vec![p.role_arn.clone()]);
        context.set("aws:PrincipalAccount", vec![p.account.clone()]);
        context.set("aws:PrincipalType", vec!["AssumedRole".to_string()]);
        if let Some(role) = inventory.role(crate::arn::role_name(&p.role_arn)) {
            context.complete_prefix("aws:PrincipalTag/");
            for (key, value) in &role.tags {
                context.set(&format!("aws:PrincipalTag/{key}"), vec![value.clone()]);
            }
        }
    }
    if let Some(arn) = Arn::parse(resource) {
        if !arn.region.is_empty() {
            context.set("aws:RequestedRegion", vec![arn.region.clone()]);
        }
        if !arn.account.is_empty() {
            context.set("aws:ResourceAccount", vec![arn.account.clone()]);
        }
    }
    if let Some(index) = secret
        && let Some(tags) = &inventory.secrets[index].tags
    {
        for prefix in ["aws:ResourceTag/", "secretsmanager:ResourceTag/"] {
            context.complete_prefix(prefix);
            for (key, value) in tags {
                context.set(&format!("{prefix}{key}"), vec![value.clone()]);
            }
        }
    }
    context.override_with(given);
    context
}

pub fn assess(
    inventory: &Inventory,
    defects: &Defects,
    needs: &Needs,
    given: &RequestContext,
) -> Vec<Assessment> {
    needs
        .needs
        .iter()
        .enumerate()
        .map(|(index, need)| {
            let principal = need.role_arn.as_deref().and_then(Principal::from_role_arn);
            let policies = role_policies(need, inventory);
            let set = crate::iam::PolicySet::for_request(
                inventory,
                need.role_arn.as_deref().map(crate::arn::role_name),
                need.uses_default_policies(),
                &need.request.resource,
            );
            let secret = match &need.subject {
                Subject::Secret { secret, .. } => *secret,
                _ => None,
            };
            let mut context = request_context(
                &need.request.resource,
                secret,
                principal.as_ref(),
                inventory,
                &RequestContext::new(),
            );
            agent_context(&need.subject, principal.as_ref(), inventory, &mut context);
            // Registering a task definition passes its roles to ECS tasks. (A pasted denial's
            // PassRole may be to any service: CloudFormation, Lambda.)
            if need.role == crate::needs::RoleKind::Deployer
                && need.request.action.eq_ignore_ascii_case("iam:PassRole")
            {
                context.set(
                    "iam:PassedToService",
                    vec![crate::needs::PASSED_TO_ECS_TASKS.to_string()],
                );
            }
            // What the user gave wins over what is known of the agent's request.
            context.override_with(given);
            let evaluation = evaluate(&need.request, &set, principal.as_ref(), &context);
            // Would the task's other role have been allowed? Then the grant sits on the wrong one
            // (not when both jobs are one role's).
            let other_role = need.role.other();
            let other = need
                .other_role_arn
                .as_deref()
                .filter(|_| !need.is_one_role_for_both())
                .map(|arn| {
                    let set = crate::iam::PolicySet::for_request(
                        inventory,
                        Some(crate::arn::role_name(arn)),
                        other_role == RoleKind::Execution,
                        &need.request.resource,
                    );
                    (
                        other_role,
                        evaluate(&need.request, &set, principal.as_ref(), &context),
                    )
                });
            let cause = partial_reference(need, &evaluation, inventory, principal.as_ref(), given)
                .unwrap_or_else(|| cause(need, &evaluation, inventory, defects, other));
            Assessment {
                need: index,
                policies,
                evaluation,
                context,
                cause,
            }
        })
        .collect()
}

fn cause(
    need: &Need,
    evaluation: &Evaluation,
    inventory: &Inventory,
    defects: &Defects,
    other: Option<(RoleKind, Evaluation)>,
) -> Cause {
    match &evaluation.decision {
        Decision::Allowed { .. } => Cause::Granted,
        Decision::Depends { on, keys } => Cause::Conditional(on.clone(), keys.clone()),
        Decision::DependsOnOtherAccount { account, kind, by } => Cause::OtherAccount {
            account: account.clone(),
            kind: *kind,
            allowed_by: by.clone(),
        },
        Decision::Denied { explicit, .. } if !explicit.is_empty() => {
            Cause::ExplicitDeny(explicit.clone())
        }
        Decision::Denied { .. } => {
            let meant = meant_resource(need);
            let mut defective = Vec::new();
            for miss in &evaluation.near_misses() {
                if miss.effect != Effect::Allow {
                    continue;
                }
                let statement = &inventory.policies[miss.statement.policy]
                    .document
                    .statements[miss.statement.statement];
                if statement.resource.negated {
                    continue;
                }
                for (entry, value) in statement.resource.values.iter().enumerate() {
                    let at = EntryRef {
                        policy: miss.statement.policy,
                        statement: miss.statement.statement,
                        entry,
                    };
                    if let Some(defect) = entry_defect(&value.value, defects.entry(at), &meant) {
                        defective.push((at, defect));
                    }
                }
            }
            if !defective.is_empty() {
                return Cause::DefectiveEntries(defective);
            }
            let unmet: Vec<StatementRef> = evaluation
                .trace
                .iter()
                .filter(|t| {
                    t.effect == Effect::Allow
                        && t.resource.is_true()
                        && t.conditions.iter().any(|c| c.is_false())
                })
                .map(|t| t.at)
                .collect();
            if !unmet.is_empty() {
                return Cause::ConditionNotMet(unmet);
            }
            let near = action_near_misses(need, inventory);
            if !near.is_empty() {
                return Cause::ActionNearMiss(near);
            }
            match other {
                Some((
                    role,
                    Evaluation {
                        decision: Decision::Allowed { by },
                        ..
                    },
                )) => Cause::WrongRole {
                    granted_by: by,
                    role,
                },
                _ => not_granted(need, evaluation, inventory),
            }
        }
    }
}

/// Nothing grants the need: because the key's own policy shuts IAM out, or because no statement
/// was written for it.
fn not_granted(need: &Need, evaluation: &Evaluation, inventory: &Inventory) -> Cause {
    let Decision::Denied {
        missing: Some(PolicyType::KeyPolicy),
        ..
    } = evaluation.decision
    else {
        return Cause::NotGranted;
    };
    let key_policy = inventory.policies.iter().position(|p| {
        p.kind == PolicyType::KeyPolicy
            && matches!(&p.attachment, Attachment::Resource(r) if *r == need.request.resource)
    });
    Cause::KeyPolicyDenies { key_policy }
}

/// The resource a policy entry meant to grant a need was written for: the request's resource,
/// except for a secret the task definition names by partial ARN, whose entries are written for
/// its stored ARN (the partial reference is reported once the entry is right).
pub fn meant_resource(need: &Need) -> String {
    match &need.subject {
        Subject::Secret {
            arn,
            secret: Some(_),
            by_partial: true,
        } => arn.to_string(),
        _ => need.request.resource.clone(),
    }
}

/// Who asks, for [`Asked::allowed`].
pub struct Asked<'a> {
    /// The role's name.
    pub role: Option<&'a str>,
    /// Whether policies given without a role belong to it.
    pub is_default_role: bool,
    pub principal: Option<&'a Principal>,
    /// The secret the resource is, when the listing knows it (its tags are request context).
    pub secret: Option<usize>,
}

impl Asked<'_> {
    /// The statements that would allow `action` on `resource`, if they do: how the reverse trap
    /// is told ("the full ARN would have been allowed") wherever it is told.
    pub fn allowed(
        &self,
        action: &str,
        resource: &str,
        inventory: &Inventory,
        given: &RequestContext,
    ) -> Option<Vec<StatementRef>> {
        let request = crate::iam::Request {
            action: action.to_string(),
            resource: resource.to_string(),
        };
        let set = crate::iam::PolicySet::for_request(
            inventory,
            self.role,
            self.is_default_role,
            resource,
        );
        let context = request_context(resource, self.secret, self.principal, inventory, given);
        match decision(&request, &set, self.principal, &context) {
            Decision::Allowed { by } => Some(by),
            _ => None,
        }
    }
}

/// The reverse trap: a secret requested without its suffix is denied, but the same request for
/// the secret's full ARN would be allowed. The full ARN is the stored one where `--secrets` knows
/// it; otherwise a full ARN for this name that the role's policies grant, or any suffix at all
/// (which `NAME-??????` and `NAME-*` match).
fn partial_reference(
    need: &Need,
    evaluation: &Evaluation,
    inventory: &Inventory,
    principal: Option<&Principal>,
    given: &RequestContext,
) -> Option<Cause> {
    let Subject::Secret {
        secret,
        arn,
        by_partial: true,
    } = &need.subject
    else {
        return None;
    };
    if !matches!(&evaluation.decision, Decision::Denied { explicit, .. } if explicit.is_empty()) {
        return None;
    }
    let requested = &need.request.resource;
    let stored = arn.to_string();
    let mut candidates: Vec<(String, bool)> = Vec::new();
    if secret.is_some() || stored != *requested {
        candidates.push((stored, true));
    } else {
        for p in role_policies(need, inventory) {
            for statement in &inventory.policies[p].document.statements {
                for entry in &statement.resource.values {
                    if display_name_arn(&entry.value) == Some(requested.as_str())
                        && !candidates.iter().any(|(c, _)| *c == entry.value)
                    {
                        candidates.push((entry.value.clone(), false));
                    }
                }
            }
        }
        candidates.push((secret_name_pattern(requested), false));
    }
    let role = need.role_arn.as_deref().map(crate::arn::role_name);
    for (candidate, from_listing) in candidates {
        let asked = Asked {
            role,
            is_default_role: need.uses_default_policies(),
            principal,
            secret: *secret,
        };
        if let Some(by) = asked.allowed(&need.request.action, &candidate, inventory, given) {
            let real = from_listing || !candidate.ends_with(SECRET_SUFFIX_PATTERN);
            return Some(Cause::PartialReference {
                granted_by: by,
                full_arn: real.then_some(candidate),
                stored: from_listing,
            });
        }
    }
    None
}

/// Allow statements of the need's role whose resources cover it and whose actions miss it by a
/// letter or two.
fn action_near_misses(need: &Need, inventory: &Inventory) -> Vec<(StatementRef, usize)> {
    let mut out = Vec::new();
    for p in role_policies(need, inventory) {
        let policy = &inventory.policies[p];
        if policy.kind != crate::iam::PolicyType::Identity {
            continue;
        }
        for (s, statement) in policy.document.statements.iter().enumerate() {
            if statement.effect.value != Effect::Allow
                || statement.action.negated
                || statement.resource.negated
                || !statement
                    .resource
                    .values
                    .iter()
                    .any(|r| resource_matches(&r.value, &need.request.resource))
            {
                continue;
            }
            for (a, action) in statement.action.values.iter().enumerate() {
                let close = crate::catalog::distance(&action.value, &need.request.action)
                    .is_some_and(|d| (1..=2).contains(&d));
                let misspelled_service = matches!(
                    crate::catalog::check(&action.value),
                    crate::catalog::ActionCheck::UnknownService { suggestion: Some(ref suggestion) }
                        if suggestion.eq_ignore_ascii_case(&need.request.action)
                );
                if close || misspelled_service {
                    out.push((
                        StatementRef {
                            policy: p,
                            statement: s,
                        },
                        a,
                    ));
                }
            }
        }
    }
    out
}

/// What a resource entry most likely meant, when it was meant to grant `resource` (for a secret,
/// its stored ARN), given what the defect pass found on its face (`facts`).
pub fn entry_defect(
    entry: &str,
    facts: Option<&EntryFacts>,
    resource: &str,
) -> Option<EntryDefect> {
    if crate::arn::display_name_of_secret(resource) == Some(entry) {
        return Some(EntryDefect::DisplayName);
    }
    if resource == "*" {
        return (entry != "*").then_some(EntryDefect::StarOnlyScoped);
    }
    if let (Some(e), Some(r)) = (Arn::parse(entry), Arn::parse(resource))
        && e.service == "kms"
        && r.service == "kms"
        && e.resource.starts_with("alias/")
        && r.resource.starts_with("key/")
        && [(&e.region, &r.region), (&e.account, &r.account)]
            .iter()
            .all(|(a, b)| a == b || a.as_str() == "*")
    {
        return Some(EntryDefect::KmsAlias);
    }
    let corrected = facts.and_then(|f| f.key_colon.as_deref());
    let candidate = corrected.unwrap_or(entry);
    let found = facts.map_or(&[][..], |f| &f.placeholders_corrected[..]);
    if !found.is_empty() {
        let mut pattern = String::with_capacity(candidate.len());
        let mut at = 0;
        for p in found {
            pattern.push_str(&candidate[at..p.start]);
            pattern.push('*');
            at = p.end;
        }
        pattern.push_str(&candidate[at..]);
        return resource_matches(&pattern, resource).then_some(EntryDefect::Placeholder);
    }
    if corrected.is_some() && resource_matches(candidate, resource) {
        return Some(EntryDefect::KmsKeyColon);
    }
    let (Some(e), Some(r)) = (Arn::parse(entry), Arn::parse(resource)) else {
        return None;
    };
    if e.service == "secretsmanager"
        && e.resource.starts_with("secret:")
        && e.resource.split(':').count() == 5
    {
        let base = corrected_entry(entry, resource, &EntryDefect::JsonKeyTail)?;
        if resource_matches(&base, resource) {
            return Some(EntryDefect::JsonKeyTail);
        }
    }
    for (defect, differs) in [
        (EntryDefect::WrongRegion, e.region != r.region),
        (EntryDefect::WrongAccount, e.account != r.account),
        (EntryDefect::WrongPartition, e.partition != r.partition),
    ] {
        if differs
            && let Some(fixed) = corrected_entry(entry, resource, &defect)
            && resource_matches(&fixed, resource)
        {
            return Some(defect);
        }
    }
    if crate::iam::pattern::wildcard_match(entry, resource, true) {
        return Some(EntryDefect::CaseMismatch);
    }
    None
}

/// The service principal ECS tasks assume their roles as.
pub const ECS_TASKS: &str = "ecs-tasks.amazonaws.com";

/// A role whose trust policy the inputs include, and the statements of it that let ECS tasks
/// assume the role (none: ECS cannot use it).
#[derive(Clone, Debug)]
pub struct RoleTrust {
    /// How the task definition uses it ("execution role", "task role"), or "role".
    pub which: &'static str,
    pub name: String,
    /// Index into the inventory's policies: the trust policy.
    pub policy: usize,
    /// Indices into the trust policy's statements.
    pub trusting: Vec<usize>,
}

/// The indices of the statements of a trust policy that let ECS tasks assume the role: the one
/// place this is decided.
fn trusting_statements(trust: &crate::model::inventory::AttachedPolicy) -> Vec<usize> {
    trust
        .document
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| s.effect.value == Effect::Allow)
        .filter(|(_, s)| crate::iam::statement_covers_action(s, "sts:AssumeRole"))
        .filter(|(_, s)| {
            s.principal.as_ref().is_some_and(|p| {
                !p.negated
                    && (p.anyone
                        || p.entries.iter().any(|(kind, v)| {
                            (kind == "Service" && v.value.eq_ignore_ascii_case(ECS_TASKS))
                                || (kind == "AWS" && v.value == "*")
                        }))
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The trust of each named role whose trust policy the inventory holds, each role once:
/// `(which, role name or ARN)`.
pub fn role_trust<'r>(
    inventory: &Inventory,
    roles: impl IntoIterator<Item = (&'static str, &'r str)>,
) -> Vec<RoleTrust> {
    let mut out: Vec<RoleTrust> = Vec::new();
    for (which, role) in roles {
        let name = crate::arn::role_name(role).to_string();
        if out.iter().any(|t| t.name == name) {
            continue;
        }
        let Some(policy) = inventory.trust_policy(&name) else {
            continue;
        };
        let trusting = trusting_statements(&inventory.policies[policy]);
        out.push(RoleTrust {
            which,
            name,
            policy,
            trusting,
        });
    }
    out
}

/// The trust of the task definitions' roles.
pub fn task_role_trust(
    task_definitions: &[crate::model::taskdef::TaskDefinition],
    inventory: &Inventory,
) -> Vec<RoleTrust> {
    let roles = task_definitions.iter().flat_map(|td| {
        [
            ("execution role", &td.execution_role_arn),
            ("task role", &td.task_role_arn),
        ]
        .into_iter()
        .filter_map(|(which, arn)| arn.as_ref().map(|a| (which, a.value.as_str())))
    });
    role_trust(inventory, roles)
}
