//! Why a need is or is not granted: evaluation results turned into causes.
//!
//! Each need is evaluated against its role's policies once, here, and given exactly one cause. The
//! rules render causes into findings; none of them re-decides why access fails.

use crate::arn::{Arn, SECRET_SUFFIX_LEN, kms_key_colon_corrected, placeholders};
use crate::iam::pattern::resource_matches;
use crate::iam::{Decision, Evaluation, Principal, RequestContext, StatementRef, evaluate};
use crate::inventory::Inventory;
use crate::needs::{Need, Needs, RoleKind, Subject};
use crate::policy::Effect;
use crate::taskdef::TaskDefinition;

/// One entry of a statement's `Resource` list: `policies[policy].statements[statement]
/// .resource.values[entry]`, with `policy` an index into the inventory's policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntryRef {
    pub policy: usize,
    pub statement: usize,
    pub entry: usize,
}

/// What is wrong with a `Resource` entry that was meant to grant a need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryDefect {
    /// `…:secret:NAME` where the real ARN is `…:secret:NAME-AbCdEf`.
    DisplayName,
    /// Documentation placeholders (and possibly `key:` for `key/`) stand where the real values go.
    Placeholder,
    /// `…:key:ID` where AWS writes `…:key/ID`.
    KmsKeyColon,
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
    /// The answer turns on `Condition` blocks reading these context keys.
    Conditional(Vec<StatementRef>, Vec<String>),
    /// No statement grants it and none was meant to.
    NotGranted,
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

/// The name of the task definition's role of this kind.
fn role_name(td: &TaskDefinition, role: RoleKind) -> Option<&str> {
    let arn = match role {
        RoleKind::Execution => &td.execution_role_arn,
        RoleKind::Task => &td.task_role_arn,
    };
    arn.as_ref().map(|a| crate::arn::role_name(&a.value))
}

/// The identity policies and boundary of the role a need belongs to.
pub fn role_policies(td: &TaskDefinition, inventory: &Inventory, role: RoleKind) -> Vec<usize> {
    inventory.policies_of(role_name(td, role), role == RoleKind::Execution)
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
    for (key, values) in given.entries() {
        context.set(key, values.to_vec());
    }
    context
}

pub fn assess(
    td: &TaskDefinition,
    inventory: &Inventory,
    needs: &Needs,
    given: &RequestContext,
) -> Vec<Assessment> {
    let principal = td
        .execution_role_arn
        .as_ref()
        .and_then(|a| Principal::from_role_arn(&a.value));
    needs
        .needs
        .iter()
        .enumerate()
        .map(|(index, need)| {
            let policies = role_policies(td, inventory, need.role);
            let role_name = role_name(td, need.role);
            let set = inventory.policy_set(
                role_name,
                need.role == RoleKind::Execution,
                &need.request.resource,
            );
            let secret = match &need.subject {
                Subject::Secret { secret, .. } => *secret,
                _ => None,
            };
            let context = request_context(
                &need.request.resource,
                secret,
                principal.as_ref(),
                inventory,
                given,
            );
            let evaluation = evaluate(&need.request, &set, principal.as_ref(), &context);
            let cause = cause(need, &evaluation, inventory);
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

fn cause(need: &Need, evaluation: &Evaluation, inventory: &Inventory) -> Cause {
    match &evaluation.decision {
        Decision::Allowed { .. } => Cause::Granted,
        Decision::Depends { on, keys } => Cause::Conditional(on.clone(), keys.clone()),
        Decision::Denied { explicit, .. } if !explicit.is_empty() => {
            Cause::ExplicitDeny(explicit.clone())
        }
        Decision::Denied { .. } => {
            let mut defects = Vec::new();
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
                    if let Some(defect) = entry_defect(&value.value, &need.request.resource) {
                        defects.push((
                            EntryRef {
                                policy: miss.statement.policy,
                                statement: miss.statement.statement,
                                entry,
                            },
                            defect,
                        ));
                    }
                }
            }
            if !defects.is_empty() {
                return Cause::DefectiveEntries(defects);
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
            if unmet.is_empty() {
                Cause::NotGranted
            } else {
                Cause::ConditionNotMet(unmet)
            }
        }
    }
}

/// The display-name form of a secret ARN: the ARN without its random suffix.
pub fn display_name_arn(secret_arn: &str) -> Option<&str> {
    let arn = Arn::parse(secret_arn)?;
    let id = arn.resource.strip_prefix("secret:")?;
    if !crate::arn::has_secret_suffix(id) {
        return None;
    }
    secret_arn.get(..secret_arn.len() - SECRET_SUFFIX_LEN)
}

/// The `Resource` entry AWS recommends for a secret: its name followed by `-??????`, which matches
/// the secret's ARN and survives the secret being deleted and created again.
pub fn recommended_secret_resource(secret_arn: &str) -> String {
    match display_name_arn(secret_arn) {
        Some(base) => format!("{base}-??????"),
        None => secret_arn.to_string(),
    }
}

/// What a resource entry most likely meant, when it was meant to grant `resource` (for a secret,
/// its stored ARN).
pub fn entry_defect(entry: &str, resource: &str) -> Option<EntryDefect> {
    if display_name_arn(resource) == Some(entry) {
        return Some(EntryDefect::DisplayName);
    }
    let corrected = kms_key_colon_corrected(entry);
    let candidate = corrected.as_deref().unwrap_or(entry);
    let found = placeholders(candidate);
    if !found.is_empty() {
        let mut pattern = String::with_capacity(candidate.len());
        let mut at = 0;
        for p in &found {
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
    None
}
