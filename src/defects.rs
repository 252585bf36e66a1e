//! What is wrong in a policy document by itself, whatever the task definition: found once per run,
//! in one typed pass. The document rules (those `lint` runs) report these defects, and the
//! explainer reads them when it decides why an entry meant for a need does not grant it. Each
//! defect is detected here and nowhere else.

mod checks;

pub use checks::{Check, Checked, Level};

use crate::arn::{Arn, Placeholder, has_secret_suffix, kms_key_colon_corrected, placeholders};
use crate::explain::EntryRef;
use crate::model::inventory::{AttachedPolicy, Inventory};
use crate::model::policy::Effect;

/// What one `Resource` entry holds that is wrong on its face.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryFacts {
    /// `…:key:KEY-ID` where AWS writes `…:key/KEY-ID`: the entry as AWS writes it.
    pub key_colon: Option<String>,
    /// Placeholder text from documentation, as written.
    pub placeholders: Vec<Placeholder>,
    /// The placeholders of the entry once `key:` is corrected (the same unless `key_colon`).
    pub placeholders_corrected: Vec<Placeholder>,
    /// In an Allow: a Secrets Manager secret ARN that ends without the random suffix; the
    /// secret's name.
    pub unsuffixed_secret: Option<String>,
}

impl EntryFacts {
    fn of(entry: &str, allow: bool) -> EntryFacts {
        let key_colon = kms_key_colon_corrected(entry);
        let placeholders = placeholders(entry);
        let placeholders_corrected = match &key_colon {
            Some(corrected) => crate::arn::placeholders(corrected),
            None => placeholders.clone(),
        };
        let unsuffixed_secret = (allow && placeholders.is_empty())
            .then(|| unsuffixed_secret(entry))
            .flatten();
        EntryFacts {
            key_colon,
            placeholders,
            placeholders_corrected,
            unsuffixed_secret,
        }
    }

    fn is_empty(&self) -> bool {
        *self == EntryFacts::default()
    }
}

/// A secret ARN without the suffix every secret ARN ends with: the secret's name. Patterns
/// (`*`, `?`, variables) are not names of one secret.
fn unsuffixed_secret(entry: &str) -> Option<String> {
    if !entry.contains(":secretsmanager:") || entry.contains(['*', '?', '$']) {
        return None;
    }
    // Most entries end with a suffix: settle them before parsing anything.
    if entry
        .split_once(":secret:")
        .is_some_and(|(_, id)| has_secret_suffix(id))
    {
        return None;
    }
    let arn = Arn::parse(entry)?;
    let id = arn.resource.strip_prefix("secret:")?;
    // `NAME-AbCdEf:json-key::` is a `valueFrom` tail copied in: secret-json-key-tail's.
    let tail = id
        .split_once(':')
        .is_some_and(|(base, _)| has_secret_suffix(base));
    (arn.service == "secretsmanager" && !id.is_empty() && !tail && !has_secret_suffix(id))
        .then(|| id.to_string())
}

/// A defect without its data: what a rule declares it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefectKind {
    KeyColon,
    Placeholder,
    UnsuffixedSecret,
    StarOnlyScoped,
    ResourceTypeMismatch,
    Oversized,
    /// One of Access Analyzer's policy checks.
    Check(Check),
}

impl DefectKind {
    pub const ALL: &[DefectKind] = &[
        DefectKind::KeyColon,
        DefectKind::Placeholder,
        DefectKind::UnsuffixedSecret,
        DefectKind::StarOnlyScoped,
        DefectKind::ResourceTypeMismatch,
        DefectKind::Oversized,
    ];
}

/// An action whose request names no resource of its own (`*`, or a fixed ARN), granted by an
/// Allow scoped to resources none of which matches what the request names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarOnlyScoped {
    pub policy: usize,
    pub statement: usize,
    /// Index into the statement's `Action` list.
    pub action: usize,
    /// The action as the catalog spells it.
    pub known: &'static str,
    /// The resource its request names (`*`, or an ARN template: `catalog::request_resource`).
    pub request: &'static str,
}

/// Every defect of every policy in the inventory.
#[derive(Debug, Default)]
pub struct Defects {
    /// Entries with something wrong on their face, in document order.
    pub entries: Vec<(EntryRef, EntryFacts)>,
    pub star_only_scoped: Vec<StarOnlyScoped>,
    /// Allow statements whose resources are all of types none of their actions accepts:
    /// `(policy, statement)`.
    pub type_mismatches: Vec<(usize, usize)>,
    /// Policies over IAM's size quota (see [`oversized`]).
    pub oversized: Vec<Oversized>,
    /// What Access Analyzer's policy checks would find ([`Check`]), in policy order.
    pub checks: Vec<Checked>,
}

/// A policy (or a role's inline policies together) over the size IAM accepts, counted as IAM
/// counts: characters, white space not included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Oversized {
    /// The policy reported (for a role's inline policies, the largest).
    pub policy: usize,
    pub size: usize,
    pub quota: usize,
    /// The quota can be raised up to this (trust policies: 4,096), else `quota`.
    pub raisable_to: usize,
    /// What the quota is of: "a customer managed policy", "the inline policies of role X", ….
    pub what: String,
}

/// Characters IAM counts in a policy: all but white space outside and inside strings.
fn counted(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// The policies over IAM's size quotas, judged where the inputs say what kind of policy it is: a
/// customer managed policy (6,144 characters), a role's inline policies together (10,240), a
/// role's trust policy (2,048 by default, 4,096 at most). A policy file given without a role or
/// linted alone is not judged: its kind, and so its quota, is unknown. AWS managed policies are
/// AWS's.
pub fn oversized(
    inventory: &Inventory,
    sources: &crate::model::source::SourceMap,
) -> Vec<Oversized> {
    use crate::model::inventory::Attachment;
    use crate::model::policy::PolicyType;
    let size = |p: &AttachedPolicy| {
        let loc = p.document.loc;
        sources
            .get(loc.source)
            .text
            .get(loc.span.start..loc.span.end)
            .map_or(0, counted)
    };
    let mut out = Vec::new();
    let mut inline: Vec<(&str, usize, usize, usize)> = Vec::new();
    for (i, p) in inventory.policies.iter().enumerate() {
        let aws_managed = p
            .managed_arn
            .as_deref()
            .is_some_and(|a| a.split(':').nth(4) == Some("aws"));
        if aws_managed {
            continue;
        }
        match (&p.attachment, p.kind, &p.managed_arn) {
            (_, PolicyType::Identity | PolicyType::PermissionsBoundary, Some(_)) => {
                let n = size(p);
                if n > 6_144 {
                    out.push(Oversized {
                        policy: i,
                        size: n,
                        quota: 6_144,
                        raisable_to: 6_144,
                        what: "the customer managed policy".into(),
                    });
                }
            }
            (Attachment::Role(role), PolicyType::Identity, None) => {
                let n = size(p);
                match inline.iter_mut().find(|(r, ..)| *r == role.as_str()) {
                    Some((_, total, largest, at)) => {
                        *total += n;
                        if n > *largest {
                            (*largest, *at) = (n, i);
                        }
                    }
                    None => inline.push((role.as_str(), n, n, i)),
                }
            }
            (Attachment::Trust(role), _, _) => {
                let n = size(p);
                if n > 2_048 {
                    out.push(Oversized {
                        policy: i,
                        size: n,
                        quota: 2_048,
                        raisable_to: 4_096,
                        what: format!("the trust policy of role {role}"),
                    });
                }
            }
            _ => {}
        }
    }
    for (role, total, _, at) in inline {
        if total > 10_240 {
            out.push(Oversized {
                policy: at,
                size: total,
                quota: 10_240,
                raisable_to: 10_240,
                what: format!("the inline policies of role {role} together"),
            });
        }
    }
    out
}

impl Defects {
    /// What is wrong with one entry (nothing, for most).
    pub fn entry(&self, entry: EntryRef) -> Option<&EntryFacts> {
        self.entries
            .binary_search_by(|(e, _)| e.cmp(&entry))
            .ok()
            .map(|i| &self.entries[i].1)
    }
}

/// The defects of one policy.
fn of_policy(
    index: usize,
    policy: &AttachedPolicy,
    sources: Option<&crate::model::source::SourceMap>,
) -> Defects {
    let mut out = Defects {
        checks: checks::of_policy(index, policy, sources),
        ..Defects::default()
    };
    for (s, statement) in policy.document.statements.iter().enumerate() {
        let allow = statement.effect.value == Effect::Allow;
        for (e, entry) in statement.resource.values.iter().enumerate() {
            // A `NotResource` entry's text can still be wrong (`key:`, placeholders); it names
            // no secret to grant.
            let facts = EntryFacts::of(&entry.value, allow && !statement.resource.negated);
            if !facts.is_empty() {
                let at = EntryRef {
                    policy: index,
                    statement: s,
                    entry: e,
                };
                out.entries.push((at, facts));
            }
        }
        // An entry already wrong on its face (`key:`, a placeholder, no suffix) or a key's alias
        // (kms-alias-resource's) is explained by its own rule, once.
        let explained_elsewhere = out.entries.last().is_some_and(|(at, _)| at.statement == s)
            || statement
                .resource
                .values
                .iter()
                .any(|r| r.value.contains(":kms:") && r.value.contains(":alias/"));
        if allow && !explained_elsewhere && fits_no_action(statement) {
            out.type_mismatches.push((index, s));
        }
        if allow && !statement.action.negated && !statement.resource.negated {
            for (a, action) in statement.action.values.iter().enumerate() {
                let Some((known, request)) = crate::catalog::request_resource(&action.value) else {
                    continue;
                };
                let grants = |st: &crate::model::policy::Statement| {
                    st.resource
                        .values
                        .iter()
                        .any(|r| crate::catalog::entry_matches_request(&r.value, request))
                };
                if grants(statement) {
                    continue;
                }
                // Another statement of the policy that grants it where it is asked makes this
                // one redundant, not broken.
                let granted_elsewhere = policy.document.statements.iter().any(|other| {
                    other.effect.value == Effect::Allow
                        && !other.resource.negated
                        && other.condition.is_none()
                        && crate::iam::statement_covers_action(other, known)
                        && grants(other)
                });
                if !granted_elsewhere {
                    out.star_only_scoped.push(StarOnlyScoped {
                        policy: index,
                        statement: s,
                        action: a,
                        known,
                        request,
                    });
                }
            }
        }
    }
    out
}

/// Whether every resource of a statement is of a type none of its actions accepts, from the
/// catalog's resource types and their ARN formats: such a statement grants nothing. Judged only
/// when every action is known and takes resources (an action with none names what its request
/// names, `catalog::REQUEST_RESOURCES`), and every resource is an ARN; a statement with one
/// action-resource pair that may fit is merely broad, not broken.
fn fits_no_action(statement: &crate::model::policy::Statement) -> bool {
    if statement.action.negated || statement.resource.negated {
        return false;
    }
    let entries = &statement.resource.values;
    if entries.is_empty() || entries.iter().any(|r| !r.value.starts_with("arn:")) {
        return false;
    }
    let catalog = crate::catalog::catalog();
    let mut judged = false;
    for action in &statement.action.values {
        let Some((prefix, name)) = action.value.split_once(':') else {
            return false;
        };
        let Some(service) = catalog.service(prefix) else {
            return false;
        };
        let actions: Vec<&crate::catalog::Action> = if name.contains(['*', '?']) {
            service
                .actions()
                .iter()
                .filter(|a| {
                    crate::iam::pattern::wildcard_match(name, &a.full[prefix.len() + 1..], true)
                })
                .collect()
        } else {
            service.action(name).into_iter().collect()
        };
        if actions.is_empty() {
            return false;
        }
        for a in actions {
            if a.takes_no_resource()
                || service.resource_types_of(a).any(|(t, _)| {
                    entries
                        .iter()
                        .any(|e| crate::catalog::entry_may_be_of_type(&e.value, t.arn))
                })
            {
                return false;
            }
        }
        judged = true;
    }
    judged
}

/// The one pass: every policy, on every core when there are many. With `sources`, the checks
/// that have a fix offer it.
pub fn find(inventory: &Inventory, sources: Option<&crate::model::source::SourceMap>) -> Defects {
    const WORTH_THREADS: usize = 64;
    let indexed: Vec<(usize, &AttachedPolicy)> = inventory.policies.iter().enumerate().collect();
    let parts = if indexed.len() < WORTH_THREADS {
        indexed
            .iter()
            .map(|(i, p)| of_policy(*i, p, sources))
            .collect()
    } else {
        crate::parallel::map(&indexed, |(i, p)| of_policy(*i, p, sources))
    };
    let mut all = Defects::default();
    for part in parts {
        all.entries.extend(part.entries);
        all.star_only_scoped.extend(part.star_only_scoped);
        all.type_mismatches.extend(part.type_mismatches);
        all.checks.extend(part.checks);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_judged_on_its_face() {
        let colon = EntryFacts::of("arn:aws:kms:us-east-1:123456789012:key:1234abcd", true);
        assert_eq!(
            colon.key_colon.as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/1234abcd")
        );
        let docs = EntryFacts::of("arn:aws:kms:region:aws_account_id:key:key_id", true);
        assert!(docs.key_colon.is_some() && !docs.placeholders.is_empty());
        let bare = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db";
        assert_eq!(
            EntryFacts::of(bare, true).unsuffixed_secret.as_deref(),
            Some("db")
        );
        // In a Deny the bare ARN is what stops a request by partial ARN.
        assert!(EntryFacts::of(bare, false).is_empty());
        // A `valueFrom` tail copied in is secret-json-key-tail's, not a name without suffix.
        let tail = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::";
        assert!(EntryFacts::of(tail, true).is_empty());
        for fine in [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-??????",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd",
            "*",
        ] {
            assert!(EntryFacts::of(fine, true).is_empty(), "{fine}");
        }
    }
}
