//! The account as the tool sees it: roles and their policies, secrets and their keys, resource
//! policies and SCPs.
//!
//! Rules never know whether an inventory came from files or from AWS; `files.rs` is the offline
//! loader.

#[cfg(feature = "aws")]
pub mod aws;
pub mod builtin;
pub mod files;

use crate::iam::{PolicySet, PolicyType};
use crate::policy::PolicyDocument;
use crate::source::{Loc, Spanned};

/// What a policy is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attachment {
    /// The task definition's execution role (or, for `simulate`, the principal), whatever its
    /// name: a `--policy FILE` without `ROLE=`.
    DefaultRole,
    /// A role by name (the last segment of a role ARN).
    Role(String),
    /// A resource by ARN: a secret's resource policy, a KMS key policy.
    Resource(String),
    /// The organization: service control policies.
    Organization,
    /// A role's trust policy (who may assume it), by role name.
    Trust(String),
}

#[derive(Clone, Debug)]
pub struct AttachedPolicy {
    pub attachment: Attachment,
    pub kind: PolicyType,
    /// How messages name the policy: its `PolicyName`, else the file.
    pub name: String,
    pub document: PolicyDocument,
    /// Whether the document is a policy file of its own that a fix may edit (not account
    /// details, not a document embedded in a string, not a built-in).
    pub editable: bool,
}

/// A role from account authorization details.
#[derive(Clone, Debug)]
pub struct RoleInfo {
    pub name: String,
    pub arn: String,
    pub tags: Vec<(String, String)>,
    pub loc: Loc,
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

/// An SSM parameter's metadata as `describe-parameters` reports it. Never its value.
#[derive(Clone, Debug)]
pub struct ParameterMeta {
    /// As listed: `/app/db` or `app-db`.
    pub name: String,
    /// `String`, `StringList` or `SecureString`.
    pub kind: Option<String>,
    /// The key of a SecureString; `alias/aws/ssm` for the AWS managed key.
    pub key_id: Option<Spanned<String>>,
    /// The parameter's ARN, where the listing gives it (it tells the region).
    pub arn: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub policies: Vec<AttachedPolicy>,
    pub secrets: Vec<SecretMeta>,
    pub roles: Vec<RoleInfo>,
    pub parameters: Vec<ParameterMeta>,
}

impl Inventory {
    /// Indices of the identity policies and permissions boundaries of the role named `role_name`
    /// (policies given without a role count when `is_default_role`).
    pub fn policies_of(&self, role_name: Option<&str>, is_default_role: bool) -> Vec<usize> {
        self.policies
            .iter()
            .enumerate()
            .filter(|(_, p)| match &p.attachment {
                Attachment::DefaultRole => is_default_role,
                Attachment::Role(n) => Some(n.as_str()) == role_name,
                _ => false,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Every policy that bears on a request by the role to `resource`: the role's identity
    /// policies and boundary, the SCPs, and the resource's own policy.
    pub fn policy_set(
        &self,
        role_name: Option<&str>,
        is_default_role: bool,
        resource: &str,
    ) -> PolicySet<'_> {
        let mut set = PolicySet::default();
        for p in self.policies_of(role_name, is_default_role) {
            set.add(p, self.policies[p].kind, &self.policies[p].document);
        }
        for (i, p) in self.policies.iter().enumerate() {
            let applies = match &p.attachment {
                Attachment::Organization => true,
                Attachment::Resource(arn) => arn == resource,
                _ => false,
            };
            if applies {
                set.add(i, p.kind, &p.document);
            }
        }
        set
    }

    pub fn parameter_by_name(&self, name: &str) -> Option<usize> {
        self.parameters.iter().position(|p| p.name == name)
    }

    /// The trust policy of the role named `name`, when the inputs include it.
    pub fn trust_policy(&self, name: &str) -> Option<&AttachedPolicy> {
        self.policies
            .iter()
            .find(|p| p.attachment == Attachment::Trust(name.to_string()))
    }

    pub fn role(&self, name: &str) -> Option<&RoleInfo> {
        self.roles.iter().find(|r| r.name == name)
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
