//! The evaluator: AWS's policy evaluation logic for one request, pure and synchronous.
//!
//! It follows the IAM user guide, "Policy evaluation logic": an explicit deny in any policy wins;
//! then service control policies must allow; within one account an allow from an identity-based
//! policy (limited by a permissions boundary) or from a resource-based policy is enough, across
//! accounts both sides must allow; a KMS key policy gates every use of its key. The answer is
//! tri-state: a condition that reads context unknown offline makes it `Depends`, never a guess.
//! The trace records every statement whose action matched, and why it did or did not apply.

pub mod condition;
pub mod context;
pub mod pattern;
pub mod variables;

use crate::arn::Arn;
use crate::model::inventory::{Attachment, Inventory};
use crate::model::policy::{Effect, PolicyDocument, PrincipalBlock, Statement, ValueList};
pub use context::{Lookup, RequestContext, Tri};
use pattern::{action_matches_shaped, arn_tokens_match};
use std::ops::Not;
use variables::{Subst, substitute};

/// The request a principal makes: an action on a resource ARN.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub action: String,
    pub resource: String,
}

/// Who makes the request: a role (the ECS agent uses a session of the execution role).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// `arn:aws:iam::ACCOUNT:role/PATH/NAME`.
    pub role_arn: String,
    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`, when known.
    pub session_arn: Option<String>,
    pub account: String,
}

impl Principal {
    /// A principal from a role ARN; `None` for text that is not one.
    pub fn from_role_arn(role_arn: &str) -> Option<Principal> {
        let arn = Arn::parse(role_arn)?;
        Some(Principal {
            role_arn: role_arn.to_string(),
            session_arn: None,
            account: arn.account,
        })
    }
}

pub use crate::model::policy::PolicyType;

/// A policy handed to the evaluator; `id` is the caller's own index, echoed in `StatementRef`.
#[derive(Clone, Copy, Debug)]
pub struct PolicyRef<'a> {
    pub id: usize,
    pub kind: PolicyType,
    pub document: &'a PolicyDocument,
    /// For a service control policy, its level in the organization (empty: the one level).
    pub level: &'a str,
}

/// Every policy that bears on one request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet<'a> {
    pub policies: Vec<PolicyRef<'a>>,
}

impl<'a> PolicySet<'a> {
    /// Identity policies only, numbered in order.
    pub fn identity(documents: &[&'a PolicyDocument]) -> PolicySet<'a> {
        PolicySet {
            policies: documents
                .iter()
                .enumerate()
                .map(|(id, document)| PolicyRef {
                    id,
                    kind: PolicyType::Identity,
                    document,
                    level: "",
                })
                .collect(),
        }
    }

    /// Every policy in the inventory that bears on a request by the role to `resource`: the
    /// role's identity policies and boundary, the SCPs, and the resource's own policy.
    pub fn for_request(
        inventory: &'a Inventory,
        role_name: Option<&str>,
        is_default_role: bool,
        resource: &str,
    ) -> PolicySet<'a> {
        let mut set = PolicySet::default();
        let policies = &inventory.policies;
        for p in inventory.policies_of(role_name, is_default_role) {
            set.add(p, policies[p].kind, &policies[p].document);
        }
        for (i, p) in policies.iter().enumerate() {
            match &p.attachment {
                Attachment::Organization(level) => set.add_at(i, p.kind, &p.document, level),
                Attachment::Resource(arn) if arn == resource => set.add(i, p.kind, &p.document),
                // Assuming a role is decided by its trust policy too.
                Attachment::Trust(name)
                    if !name.is_empty()
                        && Arn::parse(resource).is_some_and(|a| {
                            a.service == "iam" && crate::arn::role_name(resource) == name
                        }) =>
                {
                    set.add(i, PolicyType::ResourceBased, &p.document)
                }
                _ => {}
            }
        }
        set
    }

    pub fn add(&mut self, id: usize, kind: PolicyType, document: &'a PolicyDocument) {
        self.add_at(id, kind, document, "");
    }

    /// A service control policy at a level of the organization.
    pub fn add_at(
        &mut self,
        id: usize,
        kind: PolicyType,
        document: &'a PolicyDocument,
        level: &'a str,
    ) {
        self.policies.push(PolicyRef {
            id,
            kind,
            document,
            level,
        });
    }

    fn has(&self, kind: PolicyType) -> bool {
        self.policies.iter().any(|p| p.kind == kind)
    }
}

/// A statement: `policies[policy].statements[statement]`, with `policy` the caller's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StatementRef {
    pub policy: usize,
    pub statement: usize,
}

/// How one statement whose action matched fared against the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementTrace {
    pub at: StatementRef,
    pub kind: PolicyType,
    pub effect: Effect,
    pub resource: Tri,
    /// For resource-based and key policies: whether `Principal` names the requester.
    pub principal: Option<PrincipalMatch>,
    /// One result per `Condition` entry, in order.
    pub conditions: Vec<Tri>,
    /// Whether the statement applies: resource, principal and every condition.
    pub applies: Tri,
}

/// How a resource policy's `Principal` relates to the requester.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalMatch {
    /// Names the role's session (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`): within the
    /// account, what it grants is not limited by the role's permissions boundary.
    Session,
    /// Names the role, or anyone.
    Direct,
    /// Names the requester's account (`arn:aws:iam::ACCOUNT:root`): it delegates to IAM policies.
    Account,
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Allowed, by these statements.
    Allowed { by: Vec<StatementRef> },
    /// Denied: by these explicit deny statements, or (when empty) implicitly because `missing`
    /// gave no allow.
    Denied {
        explicit: Vec<StatementRef>,
        missing: Option<PolicyType>,
    },
    /// Turns on conditions whose context keys are unknown offline.
    Depends {
        on: Vec<StatementRef>,
        keys: Vec<String>,
    },
    /// The caller's own policies allow (`by`), but the resource is in another account, whose
    /// policy (`kind`: the resource's own policy, or a KMS key policy) must allow too and was not
    /// given (IAM user guide, "Cross-account policy evaluation logic").
    DependsOnOtherAccount {
        account: String,
        kind: PolicyType,
        by: Vec<StatementRef>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// Every statement whose action matched.
    pub trace: Vec<StatementTrace>,
}

/// A statement that would have applied but did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearMiss {
    pub statement: StatementRef,
    pub effect: Effect,
}

impl Evaluation {
    pub fn is_allowed(&self) -> bool {
        matches!(self.decision, Decision::Allowed { .. })
    }

    /// Statements whose action matched but whose resource did not.
    pub fn near_misses(&self) -> Vec<NearMiss> {
        self.trace
            .iter()
            .filter(|t| t.resource.is_false())
            .map(|t| NearMiss {
                statement: t.at,
                effect: t.effect,
            })
            .collect()
    }

    /// One sentence on why, in the words AWS uses.
    pub fn reason(&self) -> String {
        match &self.decision {
            Decision::Allowed { by } => {
                let kinds = self.kinds_of(by);
                format!("allowed by {}", kinds.join(" and "))
            }
            Decision::Denied { explicit, .. } if !explicit.is_empty() => {
                let kinds = self.kinds_of(explicit);
                format!("explicitly denied in a {}", kinds.join(" and a "))
            }
            Decision::Denied { missing, .. } => match missing {
                Some(PolicyType::Identity) | None => {
                    "implicitly denied: no identity-based policy allows the action".to_string()
                }
                Some(PolicyType::ResourceBased) => {
                    "implicitly denied: no resource-based policy allows the action".to_string()
                }
                Some(kind) => format!(
                    "implicitly denied: the {} does not allow it",
                    kind.describe()
                ),
            },
            Decision::Depends { keys, .. } => format!(
                "depends on condition keys not known offline: {}",
                keys.join(", ")
            ),
            Decision::DependsOnOtherAccount { account, kind, .. } => format!(
                "depends on the {} in account {account}, which was not given: across accounts it must allow too",
                kind.describe()
            ),
        }
    }

    fn kinds_of(&self, refs: &[StatementRef]) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = Vec::new();
        for r in refs {
            if let Some(t) = self.trace.iter().find(|t| t.at == *r) {
                let d = t.kind.describe();
                if !kinds.contains(&d) {
                    kinds.push(d);
                }
            }
        }
        kinds
    }
}

/// Whether the statement's `Action`/`NotAction` covers the action.
pub fn statement_covers_action(statement: &Statement, action: &str) -> bool {
    let list = &statement.action;
    let any = list
        .values
        .iter()
        .enumerate()
        .any(|(i, v)| action_matches_shaped(&v.value, list.shape(i), action));
    any != list.negated
}

/// Whether a `Resource`/`NotResource` list covers the ARN, with policy variables substituted when
/// the policy's Version allows them.
fn resource_covers(list: &ValueList, arn: &str, context: &RequestContext, variables: bool) -> Tri {
    // One entry that matches settles it; unknowns are gathered only while none does.
    let mut any = Tri::False;
    for (i, v) in list.values.iter().enumerate() {
        let shape = list.shape(i);
        if !(variables && shape.variable) && pattern::cannot_match(shape, arn) {
            continue;
        }
        let one = if !variables || !shape.variable {
            Tri::from_bool(pattern::resource_matches_shaped(&v.value, shape, arn))
        } else {
            match substitute(&v.value, context, true) {
                Subst::Pattern(p) => Tri::from_bool(arn_tokens_match(&p, arn)),
                Subst::NoMatch => Tri::False,
                Subst::Unknown(key) => Tri::unknown(&key),
            }
        };
        match one {
            Tri::True => {
                any = Tri::True;
                break;
            }
            Tri::False => {}
            unknown => any = any.or(unknown),
        }
    }
    if list.negated { any.not() } else { any }
}

/// Whether an `AWS` principal entry names the requester, or only its account.
fn principal_entry(value: &str, principal: &Principal) -> PrincipalMatch {
    if value == "*" {
        return PrincipalMatch::Direct;
    }
    let account_root = format!("arn:aws:iam::{}:root", principal.account);
    if value == principal.account || value == account_root {
        return PrincipalMatch::Account;
    }
    let account_root_other_partition = Arn::parse(value).is_some_and(|a| {
        a.service == "iam" && a.account == principal.account && a.resource == "root"
    });
    if account_root_other_partition {
        return PrincipalMatch::Account;
    }
    if Some(value) == principal.session_arn.as_deref() {
        return PrincipalMatch::Session;
    }
    if value == principal.role_arn {
        return PrincipalMatch::Direct;
    }
    // `arn:aws:sts::ACCOUNT:assumed-role/NAME/*`-style entries do not exist: principals take no
    // wildcards except "*". Matching a role given by name only is not something IAM does either.
    PrincipalMatch::None
}

/// How a statement's `Principal`/`NotPrincipal` relates to the requester. A `Deny` with
/// `NotPrincipal` denies every principal that has a permissions boundary, whatever it lists (IAM
/// user guide, "AWS JSON policy elements: NotPrincipal"): `deny_despite_not_principal`.
fn principal_matches(
    block: &PrincipalBlock,
    principal: Option<&Principal>,
    deny_despite_not_principal: bool,
) -> PrincipalMatch {
    if block.negated && deny_despite_not_principal {
        return PrincipalMatch::Direct;
    }
    let entries = || {
        block
            .entries
            .iter()
            .filter(|(kind, _)| kind == "AWS")
            .map(move |(_, v)| {
                principal.map_or(PrincipalMatch::None, |p| principal_entry(&v.value, p))
            })
    };
    if block.negated {
        // NotPrincipal: everyone except those listed. A role's session is spared only when the
        // list names its account as well as the role or the session: AWS checks the account
        // too, and an account not listed is denied with everything in it (IAM user guide,
        // "NotPrincipal with Deny": "you must also specify the account ARN").
        let anyone = block.anyone
            || block
                .entries
                .iter()
                .any(|(kind, v)| kind == "AWS" && v.value == "*");
        let account = entries().any(|m| m == PrincipalMatch::Account);
        let itself =
            entries().any(|m| matches!(m, PrincipalMatch::Session | PrincipalMatch::Direct));
        return if anyone || (account && itself) {
            PrincipalMatch::None
        } else {
            PrincipalMatch::Direct
        };
    }
    if block.anyone {
        return PrincipalMatch::Direct;
    }
    if principal.is_none() {
        return PrincipalMatch::None;
    }
    entries().fold(PrincipalMatch::None, |acc, m| match (acc, m) {
        (PrincipalMatch::Session, _) | (_, PrincipalMatch::Session) => PrincipalMatch::Session,
        (PrincipalMatch::Direct, _) | (_, PrincipalMatch::Direct) => PrincipalMatch::Direct,
        (PrincipalMatch::Account, _) | (_, PrincipalMatch::Account) => PrincipalMatch::Account,
        _ => PrincipalMatch::None,
    })
}

/// One request as every statement sees it: who asks, what, in which context, and whether the
/// principal has a permissions boundary.
struct Asking<'a> {
    request: &'a Request,
    principal: Option<&'a Principal>,
    context: &'a RequestContext,
    has_boundary: bool,
}

/// How much of the evaluation to keep: the whole trace, or only what the decision needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Trace,
    Decision,
}

/// How one statement fares; with `Detail::Decision`, `None` as soon as it cannot apply (the
/// decision only reads statements that apply or may apply).
fn trace_statement(
    at: StatementRef,
    policy: &PolicyRef<'_>,
    statement: &Statement,
    asking: &Asking<'_>,
    detail: Detail,
) -> Option<StatementTrace> {
    let Asking {
        request,
        principal,
        context,
        has_boundary,
    } = *asking;
    let (kind, document) = (policy.kind, policy.document);
    let variables = document.supports_variables();
    let resource = resource_covers(&statement.resource, &request.resource, context, variables);
    let brief = detail == Detail::Decision;
    if brief && resource.is_false() {
        return None;
    }
    let principal_match = match (kind, &statement.principal) {
        (PolicyType::ResourceBased | PolicyType::KeyPolicy, Some(block)) => {
            Some(principal_matches(
                block,
                principal,
                has_boundary && statement.effect.value == Effect::Deny,
            ))
        }
        (PolicyType::ResourceBased | PolicyType::KeyPolicy, None) => Some(PrincipalMatch::None),
        _ => None,
    };
    let principal_ok = match principal_match {
        Some(PrincipalMatch::None) => Tri::False,
        _ => Tri::True,
    };
    if brief && principal_ok.is_false() {
        return None;
    }
    let mut conditions: Vec<Tri> = Vec::new();
    let mut all = Tri::True;
    for c in &statement.conditions {
        let one = condition::evaluate(c, context, variables);
        if brief {
            all = all.and(one);
            if all.is_false() {
                return None;
            }
        } else {
            conditions.push(one);
        }
    }
    if !brief {
        all = Tri::all(conditions.iter().cloned());
    }
    let applies = resource.clone().and(principal_ok).and(all);
    Some(StatementTrace {
        at,
        kind,
        effect: statement.effect.value,
        resource,
        principal: principal_match,
        conditions,
        applies,
    })
}

/// What the decision needs to know about the requested resource, read once from its ARN.
struct Target<'r> {
    service: &'r str,
    /// The ARN's account field (empty for S3 and other ARNs without one).
    account: &'r str,
    /// Resource control policies are given and apply: the service is one that supports them
    /// (the action catalog's list, from AWS's).
    rcps_apply: bool,
}

impl<'r> Target<'r> {
    fn of(resource: &'r str, set: &PolicySet<'_>) -> Target<'r> {
        let (service, account) = match crate::arn::fields(resource) {
            Some([_, service, _, account, _]) => (service, account),
            None => ("", ""),
        };
        let rcps_apply = !service.is_empty()
            && set.has(PolicyType::ResourceControl)
            && crate::catalog::catalog()
                .service(service)
                .is_some_and(|s| s.rcp);
        Target {
            service,
            account,
            rcps_apply,
        }
    }
}

/// Evaluates a request made by `principal` against every policy in `set`, with the trace of
/// every statement whose action matched.
pub fn evaluate(
    request: &Request,
    set: &PolicySet<'_>,
    principal: Option<&Principal>,
    context: &RequestContext,
) -> Evaluation {
    let (decision, trace) = run(request, set, principal, context, Detail::Trace);
    Evaluation { decision, trace }
}

/// The decision [`evaluate`] gives, without building its trace: for callers that need only the
/// answer (fix verification, bulk checks).
pub fn decision(
    request: &Request,
    set: &PolicySet<'_>,
    principal: Option<&Principal>,
    context: &RequestContext,
) -> Decision {
    run(request, set, principal, context, Detail::Decision).0
}

fn run(
    request: &Request,
    set: &PolicySet<'_>,
    principal: Option<&Principal>,
    context: &RequestContext,
    detail: Detail,
) -> (Decision, Vec<StatementTrace>) {
    let mut trace = Vec::new();
    let asking = Asking {
        request,
        principal,
        context,
        has_boundary: set.has(PolicyType::PermissionsBoundary),
    };
    let target = Target::of(&request.resource, set);
    for policy in &set.policies {
        if policy.kind == PolicyType::ResourceControl && !target.rcps_apply {
            continue;
        }
        for (s, statement) in policy.document.statements.iter().enumerate() {
            if !statement_covers_action(statement, &request.action) {
                continue;
            }
            let at = StatementRef {
                policy: policy.id,
                statement: s,
            };
            trace.extend(trace_statement(at, policy, statement, &asking, detail));
        }
    }
    let decision = decide(request, &target, set, principal, context, &trace);
    (decision, trace)
}

/// OR of the allow statements of one policy type, optionally restricted by principal match.
fn allows(
    trace: &[StatementTrace],
    kind: PolicyType,
    want: Option<PrincipalMatch>,
) -> (Tri, Vec<StatementRef>) {
    let mut result = Tri::False;
    let mut by = Vec::new();
    for t in trace
        .iter()
        .filter(|t| t.kind == kind && t.effect == Effect::Allow)
        .filter(|t| want.is_none() || t.principal == want)
    {
        if t.applies.is_true() {
            by.push(t.at);
        }
        result = result.or(t.applies.clone());
    }
    (result, by)
}

/// What the identity side says: the identity policies' allow and the permissions boundary's.
struct Sides {
    identity: (Tri, Vec<StatementRef>),
    boundary: Tri,
}

/// An allow and the statements that gave it, or the policy type whose missing allow denies.
type Gate = Result<(Tri, Vec<StatementRef>), PolicyType>;

impl Sides {
    fn identity_allow(&self) -> Tri {
        self.identity.0.clone().and(self.boundary.clone())
    }

    /// No resource policy: the identity policies must allow, within the boundary.
    fn identity_alone(self) -> Gate {
        if self.identity.0.is_false() {
            return Err(PolicyType::Identity);
        }
        if self.boundary.is_false() {
            return Err(PolicyType::PermissionsBoundary);
        }
        let allow = self.identity_allow();
        Ok((allow, self.identity.1))
    }

    /// A policy that must allow for anything to be allowed — a KMS key's key policy, a role's
    /// trust policy: it allows the principal itself, or names its account and the principal's
    /// IAM policies allow too; across accounts, both (IAM user guide, "How IAM roles differ
    /// from resource-based policies"; KMS developer guide, "Key policies" and "Allowing users
    /// in other accounts to use a KMS key").
    fn through_gate(self, trace: &[StatementTrace], kind: PolicyType, same_account: bool) -> Gate {
        let named = allows(trace, kind, Some(PrincipalMatch::Direct));
        let session = allows(trace, kind, Some(PrincipalMatch::Session));
        let delegated = allows(trace, kind, Some(PrincipalMatch::Account));
        // Within the account a grant to the role is limited by its boundary, one to its session
        // is not (IAM user guide, "Permissions boundaries for IAM entities"): key policies and
        // trust policies are resource-based policies.
        let same_account_result = named
            .0
            .clone()
            .and(self.boundary.clone())
            .or(session.0.clone())
            .or(delegated.0.clone().and(self.identity_allow()));
        let direct = (
            named.0.or(session.0),
            named.1.into_iter().chain(session.1).collect::<Vec<_>>(),
        );
        let result = if same_account {
            same_account_result
        } else {
            direct
                .0
                .clone()
                .or(delegated.0.clone())
                .and(self.identity_allow())
        };
        if result.is_false() {
            return Err(if direct.0.is_false() && delegated.0.is_false() {
                kind
            } else if self.boundary.is_false() {
                PolicyType::PermissionsBoundary
            } else {
                PolicyType::Identity
            });
        }
        let mut by = direct.1;
        by.extend(delegated.1);
        by.extend(self.identity.1);
        Ok((result, by))
    }

    /// A resource policy: within an account either side may allow; across accounts both sides
    /// must (IAM user guide, "Cross-account policy evaluation logic").
    fn with_resource_policy(self, trace: &[StatementTrace], same_account: bool) -> Gate {
        let direct = allows(
            trace,
            PolicyType::ResourceBased,
            Some(PrincipalMatch::Direct),
        );
        let delegated = allows(
            trace,
            PolicyType::ResourceBased,
            Some(PrincipalMatch::Account),
        );
        // A grant to the role's session is not limited by its boundary; one to the role is
        // (IAM user guide, "Permissions boundaries for IAM entities").
        let session = allows(
            trace,
            PolicyType::ResourceBased,
            Some(PrincipalMatch::Session),
        );
        let result = if same_account {
            self.identity_allow()
                .or(direct.0.clone().and(self.boundary.clone()))
                .or(session.0.clone())
        } else {
            self.identity_allow().and(
                direct
                    .0
                    .clone()
                    .or(delegated.0.clone())
                    .or(session.0.clone()),
            )
        };
        if result.is_false() {
            return Err(if self.boundary.is_false() {
                PolicyType::PermissionsBoundary
            } else if !same_account && self.identity.0.is_true() {
                PolicyType::ResourceBased
            } else {
                PolicyType::Identity
            });
        }
        let mut by = self.identity.1;
        by.extend(direct.1);
        by.extend(delegated.1);
        by.extend(session.1);
        Ok((result, by))
    }
}

/// The allow of organization policies of `kind` (SCPs or RCPs): at every level given, from any
/// policy of that level; `None` when a level does not allow.
fn every_level_allows(
    set: &PolicySet<'_>,
    trace: &[StatementTrace],
    kind: PolicyType,
) -> Option<(Tri, Vec<StatementRef>)> {
    let mut levels: Vec<&str> = set
        .policies
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| p.level)
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut all = Tri::True;
    let mut by = Vec::new();
    for level in levels {
        let ids: Vec<usize> = set
            .policies
            .iter()
            .filter(|p| p.kind == kind && p.level == level)
            .map(|p| p.id)
            .collect();
        let at_level: Vec<StatementTrace> = trace
            .iter()
            .filter(|t| t.kind == kind && ids.contains(&t.at.policy))
            .cloned()
            .collect();
        let (result, refs) = allows(&at_level, kind, None);
        if result.is_false() {
            return None;
        }
        by.extend(refs);
        all = all.and(result);
    }
    Some((all, by))
}

fn decide(
    request: &Request,
    target: &Target<'_>,
    set: &PolicySet<'_>,
    principal: Option<&Principal>,
    context: &RequestContext,
    trace: &[StatementTrace],
) -> Decision {
    // 1. An explicit deny in any policy wins.
    let explicit: Vec<StatementRef> = trace
        .iter()
        .filter(|t| t.effect == Effect::Deny && t.applies.is_true())
        .map(|t| t.at)
        .collect();
    if !explicit.is_empty() {
        return Decision::Denied {
            explicit,
            missing: None,
        };
    }
    let maybe_deny = Tri::any(
        trace
            .iter()
            .filter(|t| t.effect == Effect::Deny)
            .map(|t| t.applies.clone()),
    );
    let denied = |missing: PolicyType| Decision::Denied {
        explicit: Vec::new(),
        missing: Some(missing),
    };
    let mut by = Vec::new();
    // The resource's account: its ARN's, or (S3 and other ARNs without one) `aws:ResourceAccount`.
    let resource_account = Some(target.account)
        .filter(|a| !a.is_empty())
        .or_else(|| match context.lookup("aws:ResourceAccount") {
            context::Lookup::Present([one]) => Some(one.as_str()),
            _ => None,
        });
    // An account not known on either side is not another account.
    let same_account = match (principal, &resource_account) {
        (Some(p), Some(acct)) if !p.account.is_empty() => p.account == *acct,
        _ => true,
    };
    // 2. Service control policies must allow (when given).
    // Every level of the organization must allow, each from any of its SCPs (Organizations user
    // guide, "SCP evaluation"); and RCPs the same, where they apply.
    let mut scp = Tri::True;
    for kind in [PolicyType::ServiceControl, PolicyType::ResourceControl] {
        if !set.has(kind) || (kind == PolicyType::ResourceControl && !target.rcps_apply) {
            continue;
        }
        match every_level_allows(set, trace, kind) {
            Some((result, refs)) => {
                by.extend(refs);
                scp = scp.and(result);
            }
            None => return denied(kind),
        }
    }
    // 3. A permissions boundary limits what identity policies (and resource policies naming the
    //    role rather than its session) can grant.
    let boundary = if set.has(PolicyType::PermissionsBoundary) {
        let (result, refs) = allows(trace, PolicyType::PermissionsBoundary, None);
        by.extend(refs);
        result
    } else {
        Tri::True
    };
    let (identity, identity_by) = allows(trace, PolicyType::Identity, None);
    let sides = Sides {
        identity: (identity, identity_by),
        boundary,
    };
    let is_key = target.service == "kms";
    let assumes_role = request
        .action
        .get(..14)
        .is_some_and(|a| a.eq_ignore_ascii_case("sts:assumerole"))
        && target.service == "iam";
    let gate = if set.has(PolicyType::KeyPolicy) {
        sides.through_gate(trace, PolicyType::KeyPolicy, same_account)
    } else if assumes_role && set.has(PolicyType::ResourceBased) {
        // The role's trust policy must allow, even within the account.
        sides.through_gate(trace, PolicyType::ResourceBased, same_account)
    } else if set.has(PolicyType::ResourceBased) {
        sides.with_resource_policy(trace, same_account)
    } else if !same_account {
        // Across accounts the resource's own policy must allow too; without it the identity
        // side's allow is not the answer.
        match sides.identity_alone() {
            Ok((allow, refs)) if !allow.is_false() => {
                if scp.is_false() || maybe_deny.is_true() {
                    return denied(PolicyType::Identity);
                }
                by.extend(refs);
                return Decision::DependsOnOtherAccount {
                    account: resource_account.unwrap_or_default().to_string(),
                    kind: if is_key {
                        PolicyType::KeyPolicy
                    } else {
                        PolicyType::ResourceBased
                    },
                    by,
                };
            }
            other => other,
        }
    } else {
        sides.identity_alone()
    };
    let allow = match gate {
        Ok((result, refs)) => {
            by.extend(refs);
            result
        }
        Err(missing) => return denied(missing),
    };
    let allow = scp.and(allow);
    // A conditional deny cannot change an implicit deny, but can block an allow.
    match allow.and(maybe_deny.clone().not()) {
        Tri::True => Decision::Allowed { by },
        Tri::False => Decision::Denied {
            explicit: Vec::new(),
            missing: Some(PolicyType::Identity),
        },
        Tri::Unknown(keys) => Decision::Depends {
            on: trace
                .iter()
                .filter(|t| matches!(t.applies, Tri::Unknown(_)))
                .map(|t| t.at)
                .collect(),
            keys: keys.into_iter().collect(),
        },
    }
}
