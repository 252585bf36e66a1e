//! The account as the tool sees it: roles and their policies, secrets and their keys.
//!
//! Rules never know whether an inventory came from files or from AWS; `files.rs` is the offline
//! loader.

pub mod files;

use crate::policy::PolicyDocument;
use crate::source::{Loc, Spanned};

/// Which role a policy is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleKey {
    /// The task definition's execution role, whatever its name (a `--policy FILE` without `ROLE=`).
    ExecutionRole,
    /// A role by name (the last segment of a role ARN).
    Named(String),
}

#[derive(Clone, Debug)]
pub struct RolePolicy {
    pub role: RoleKey,
    /// How messages name the policy: its `PolicyName`, else the file.
    pub name: String,
    pub document: PolicyDocument,
}

/// A secret's metadata as `list-secrets` / `describe-secret` report it. Never its value.
#[derive(Clone, Debug)]
pub struct SecretMeta {
    /// The secret's real ARN, with the random suffix.
    pub arn: Spanned<String>,
    pub name: Option<Spanned<String>>,
    /// Key ID, key ARN, alias name or alias ARN; absent for the AWS managed key `aws/secretsmanager`.
    pub kms_key_id: Option<Spanned<String>>,
    /// `Tags` as `(Key, Value)`, when the listing includes them (then they are all of them).
    pub tags: Option<Vec<(String, String)>>,
    /// The whole secret object.
    pub loc: Loc,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub policies: Vec<RolePolicy>,
    pub secrets: Vec<SecretMeta>,
}

impl Inventory {
    /// Indices of the policies attached to the role named `role_name` (the execution role when
    /// `is_execution_role`).
    pub fn policies_of(&self, role_name: Option<&str>, is_execution_role: bool) -> Vec<usize> {
        self.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| match &p.role {
                RoleKey::ExecutionRole => is_execution_role,
                RoleKey::Named(n) => Some(n.as_str()) == role_name,
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn secret_by_arn(&self, arn: &str) -> Option<usize> {
        self.secrets.iter().position(|s| s.arn.value == arn)
    }

    /// The secret whose ARN is `partial_arn` plus the random suffix: how Secrets Manager resolves a
    /// partial ARN.
    pub fn secret_by_partial_arn(&self, partial_arn: &str) -> Option<usize> {
        let matches: Vec<usize> = self
            .secrets
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.arn.value.strip_prefix(partial_arn).is_some_and(|rest| {
                    rest.len() == crate::arn::SECRET_SUFFIX_LEN && rest.starts_with('-')
                })
            })
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The secret with this name, in `region` when it is known. `None` when none or several match.
    pub fn secret_by_name(&self, name: &str, region: Option<&str>) -> Option<usize> {
        let matches: Vec<usize> = self
            .secrets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.name.as_ref().is_some_and(|n| n.value == name))
            .filter(
                |(_, s)| match (region, crate::arn::Arn::parse(&s.arn.value)) {
                    (Some(r), Some(arn)) => arn.region == r,
                    _ => true,
                },
            )
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}
