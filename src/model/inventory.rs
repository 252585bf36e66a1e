//! The account as the tool sees it: roles and their policies, secrets and their keys, resource
//! policies and SCPs.
//!
//! Rules never know whether an inventory came from files or from AWS: the loaders in `load/` fill
//! it.

pub mod builtin;

use crate::model::policy::PolicyDocument;
use crate::model::policy::PolicyType;
use crate::model::source::{Loc, Spanned};

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
    /// The organization: service control policies, at a level of it (the root, an OU, the
    /// account; empty when not said). An allow is needed at every level.
    Organization(String),
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
    /// A managed policy's ARN (the document is its default version); `None` for an inline one.
    pub managed_arn: Option<String>,
}

impl AttachedPolicy {
    /// The AWS CLI command that replaces this document in the account, less its last argument
    /// (the document, to append with [`shell_quote`]), when the inputs say where it lives: what
    /// `--print-corrected` and a live `--fix` offer instead of writing to AWS.
    pub fn update_command(&self) -> Option<String> {
        let command = match (&self.attachment, self.kind, &self.managed_arn) {
            // AWS managed policies (account `aws`) cannot be changed.
            (_, _, Some(arn)) if arn.split(':').nth(4) == Some("aws") => return None,
            (Attachment::Role(_) | Attachment::DefaultRole, _, Some(arn)) => format!(
                "aws iam create-policy-version --policy-arn {} --set-as-default --policy-document",
                shell_quote(arn)
            ),
            (Attachment::Role(role), PolicyType::Identity, None) => format!(
                "aws iam put-role-policy --role-name {} --policy-name {} --policy-document",
                shell_quote(role),
                shell_quote(&self.name)
            ),
            (Attachment::Trust(role), _, _) => format!(
                "aws iam update-assume-role-policy --role-name {} --policy-document",
                shell_quote(role)
            ),
            (Attachment::Resource(arn), PolicyType::KeyPolicy, _) => format!(
                "aws kms put-key-policy --key-id {} --policy-name default --policy",
                shell_quote(arn)
            ),
            (Attachment::Resource(arn), _, _) if arn.contains(":secretsmanager:") => format!(
                "aws secretsmanager put-resource-policy --secret-id {} --resource-policy",
                shell_quote(arn)
            ),
            _ => return None,
        };
        Some(command)
    }
}

/// `text` as one POSIX shell word: single quotes, each `'` written `'\''`. Plain words
/// (letters, digits, `-_./:=@+`) stay as they are, so the command reads naturally.
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
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

/// A KMS alias and the key it points at, as `list-aliases` reports them.
#[derive(Clone, Debug)]
pub struct KeyAlias {
    /// `arn:aws:kms:REGION:ACCOUNT:alias/NAME`.
    pub arn: String,
    /// The key's ID (not its ARN).
    pub target_key_id: String,
}

#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub policies: Vec<AttachedPolicy>,
    pub secrets: Vec<SecretMeta>,
    pub roles: Vec<RoleInfo>,
    pub parameters: Vec<ParameterMeta>,
    pub aliases: Vec<KeyAlias>,
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

    /// Whether the alias ARN `alias` is known to point at the key ARN `key` (`list-aliases`).
    pub fn alias_points_at(&self, alias: &str, key: &str) -> bool {
        let Some(key_arn) = crate::arn::Arn::parse(key) else {
            return false;
        };
        self.aliases.iter().any(|a| {
            a.arn == alias
                && crate::arn::Arn::parse(&a.arn).is_some_and(|arn| {
                    arn.region == key_arn.region
                        && arn.account == key_arn.account
                        && key_arn.resource.strip_prefix("key/") == Some(a.target_key_id.as_str())
                })
        })
    }

    /// The key ARN an alias points at (`list-aliases`), the alias given by ARN or as
    /// `alias/NAME` in `region` and `account`.
    pub fn alias_target(&self, alias: &str, region: &str, account: &str) -> Option<String> {
        self.aliases.iter().find_map(|a| {
            let arn = crate::arn::Arn::parse(&a.arn)?;
            let named = a.arn == alias
                || (arn.resource == alias && arn.region == region && arn.account == account);
            named.then(|| crate::arn::kms_key_arn(&arn, &a.target_key_id))
        })
    }

    pub fn parameter_by_name(&self, name: &str) -> Option<usize> {
        self.parameters.iter().position(|p| p.name == name)
    }

    /// The index of the trust policy of the role named `name`, when the inputs include it.
    pub fn trust_policy(&self, name: &str) -> Option<usize> {
        self.policies
            .iter()
            .position(|p| matches!(&p.attachment, Attachment::Trust(r) if r == name))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::source::SourceId;

    fn policy(attachment: Attachment, kind: PolicyType, managed: Option<&str>) -> AttachedPolicy {
        let node = crate::json::parse(r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap();
        AttachedPolicy {
            attachment,
            kind,
            name: "it's-mine".to_string(),
            document: crate::model::policy::parse(&node, SourceId(0)).0.unwrap(),
            editable: false,
            managed_arn: managed.map(str::to_string),
        }
    }

    #[test]
    fn update_commands_name_where_the_document_lives() {
        let role = || Attachment::Role("exec".to_string());
        let inline = policy(role(), PolicyType::Identity, None);
        assert_eq!(
            inline.update_command().unwrap(),
            r#"aws iam put-role-policy --role-name exec --policy-name 'it'\''s-mine' --policy-document"#
        );
        let arn = "arn:aws:iam::123456789012:policy/secrets";
        let managed = policy(role(), PolicyType::Identity, Some(arn));
        assert_eq!(
            managed.update_command().unwrap(),
            format!(
                "aws iam create-policy-version --policy-arn {arn} --set-as-default --policy-document"
            )
        );
        let aws = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
        assert_eq!(
            policy(role(), PolicyType::Identity, Some(aws)).update_command(),
            None
        );
        let key = "arn:aws:kms:us-east-1:123456789012:key/1234";
        let key_policy = policy(
            Attachment::Resource(key.into()),
            PolicyType::KeyPolicy,
            None,
        );
        assert!(
            key_policy
                .update_command()
                .unwrap()
                .starts_with("aws kms put-key-policy --key-id arn:aws:kms:")
        );
        let secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
        let resource = policy(
            Attachment::Resource(secret.into()),
            PolicyType::ResourceBased,
            None,
        );
        assert!(
            resource
                .update_command()
                .unwrap()
                .contains("put-resource-policy --secret-id arn:")
        );
        let trust = policy(
            Attachment::Trust("exec".into()),
            PolicyType::ResourceBased,
            None,
        );
        assert!(
            trust
                .update_command()
                .unwrap()
                .starts_with("aws iam update-assume-role-policy --role-name exec ")
        );
        assert_eq!(
            policy(
                Attachment::Organization(String::new()),
                PolicyType::ServiceControl,
                None
            )
            .update_command(),
            None
        );
    }

    #[test]
    fn shell_words_survive_quotes_and_spaces() {
        assert_eq!(shell_quote("plain-name_1"), "plain-name_1");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote(r#"{"a": "it's"}"#), r#"'{"a": "it'\''s"}'"#);
        assert_eq!(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
    }
}
