//! What a run reads: a list of inputs, each one document of a known kind, read from a file, from
//! bytes already read, or from memory (fetched live). A loader is chosen by the kind alone, so a
//! new input format is one `InputKind` variant and one loader module.

use std::path::Path;
use std::sync::Arc;

/// The kind of document an input holds. The order is the order inputs are loaded in (task
/// definitions first), which is also the order their findings are reported in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// An ECS task definition (`register-task-definition` input or `describe-task-definition`
    /// output).
    TaskDefinition,
    /// An identity policy (a document, `get-role-policy` or `get-policy-version` output); its owner
    /// is the role it belongs to.
    Policy,
    /// A service control policy; its owner is its level in the organization.
    ServiceControlPolicy,
    /// A resource control policy; its owner is its level in the organization.
    ResourceControlPolicy,
    /// A secret's resource policy; its owner is the secret's ARN.
    ResourcePolicy,
    /// A KMS key policy; its owner is the key's ARN.
    KeyPolicy,
    /// `aws iam get-account-authorization-details` output.
    AccountDetails,
    /// `aws secretsmanager list-secrets`, `describe-secret` or `get-resource-policy` output.
    Secrets,
    /// `aws ssm describe-parameters` output.
    Parameters,
    /// `aws kms list-aliases` output.
    KmsAliases,
    /// A deployed CloudFormation stack: `aws cloudformation describe-stack-resources`,
    /// `list-stack-resources` or `describe-stacks` output. Read before the templates, whose
    /// resources it gives their real names and ARNs; its owner, when given, is the stack's name.
    Stack,
    /// `terraform show -json` output of a plan or a state.
    TerraformPlan,
    /// A CloudFormation template (JSON or YAML, or one stack of a CDK cloud assembly); its owner,
    /// when given, is the deployed stack it is the template of.
    CloudFormation,
}

impl InputKind {
    /// The command-line flag that reads a file of this kind.
    pub fn flag(self) -> &'static str {
        match self {
            InputKind::TaskDefinition => "--task-definition",
            InputKind::Policy => "--policy",
            InputKind::ServiceControlPolicy => "--scp",
            InputKind::ResourceControlPolicy => "--rcp",
            InputKind::ResourcePolicy => "--resource-policy",
            InputKind::KeyPolicy => "--key-policy",
            InputKind::AccountDetails => "--account-details",
            InputKind::Secrets => "--secrets",
            InputKind::Parameters => "--parameters",
            InputKind::KmsAliases => "--kms-aliases",
            InputKind::Stack => "--stack-resources",
            InputKind::TerraformPlan => "--terraform-plan",
            InputKind::CloudFormation => "--cloudformation",
        }
    }
}

/// Where an input's text comes from.
#[derive(Clone, Debug)]
pub enum Body {
    /// A file, read when it is loaded.
    File,
    /// A file whose bytes were already read (a folder's files, read to tell what they are): still
    /// a file (fixes write it), not read again.
    Read(Arc<[u8]>),
    /// A document in memory that is no file (fetched live): fixes print it instead of writing it.
    Fetched(Arc<str>),
}

/// One document to read.
#[derive(Clone, Debug)]
pub struct Input {
    pub kind: InputKind,
    /// The path, or the name a document in memory is known by (`aws://account-details.json`).
    pub name: String,
    /// What the document belongs to, when its flag said (`ROLE=`, `ARN=`, `KEY_ARN=`).
    pub owner: Option<String>,
    pub body: Body,
}

impl Input {
    /// A file of this kind.
    pub fn file(kind: InputKind, path: impl Into<String>) -> Input {
        Input {
            kind,
            name: path.into(),
            owner: None,
            body: Body::File,
        }
    }

    /// A `[OWNER=]FILE` argument (`--policy ROLE=FILE`, `--resource-policy ARN=FILE`). A path that
    /// exists as written is taken whole, so file names containing `=` still work.
    pub fn owned_file(kind: InputKind, arg: &str) -> Input {
        match arg.split_once('=') {
            Some((owner, path)) if !owner.is_empty() && !Path::new(arg).exists() => {
                Input::file(kind, path).owned_by(owner)
            }
            _ => Input::file(kind, arg),
        }
    }

    /// A document in memory, known by `name`.
    pub fn fetched(kind: InputKind, name: impl Into<String>, text: impl Into<Arc<str>>) -> Input {
        Input {
            kind,
            name: name.into(),
            owner: None,
            body: Body::Fetched(text.into()),
        }
    }

    pub fn owned_by(mut self, owner: impl Into<String>) -> Input {
        self.owner = Some(owner.into());
        self
    }

    /// Whether the input is a file, which `--fix` may write.
    pub fn is_file(&self) -> bool {
        !matches!(self.body, Body::Fetched(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_is_split_off_unless_the_whole_argument_is_a_path() {
        let input = Input::owned_file(InputKind::Policy, "ecsTaskExecutionRole=policy.json");
        assert_eq!(input.owner.as_deref(), Some("ecsTaskExecutionRole"));
        assert_eq!(input.name, "policy.json");
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("a=b.json");
        std::fs::write(&odd, "{}").unwrap();
        let odd = odd.to_string_lossy().into_owned();
        let input = Input::owned_file(InputKind::Policy, &odd);
        assert_eq!((input.owner, input.name), (None, odd));
        let input = Input::owned_file(InputKind::Policy, "=x.json");
        assert_eq!((input.owner, input.name.as_str()), (None, "=x.json"));
    }

    #[test]
    fn kinds_load_task_definitions_first_and_name_their_flag() {
        assert!(InputKind::TaskDefinition < InputKind::Policy);
        assert!(InputKind::AccountDetails < InputKind::Secrets);
        assert_eq!(InputKind::KeyPolicy.flag(), "--key-policy");
    }
}
