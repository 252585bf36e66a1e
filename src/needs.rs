//! What a task definition requires of its roles.
//!
//! Each reference in the task definition becomes a `Need`: an IAM request the ECS agent will make
//! with the execution role, the resource as IAM will evaluate it, and where in the task definition
//! it comes from. References that cannot be turned into a request are reported instead.

use crate::arn::{Arn, SecretReference, SecretReferenceError, has_secret_suffix};
use crate::iam::Request;
use crate::inventory::Inventory;
use crate::source::{Loc, Spanned};
use crate::taskdef::TaskDefinition;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RoleKind {
    Execution,
    Task,
}

impl RoleKind {
    pub fn describe(self) -> &'static str {
        match self {
            RoleKind::Execution => "execution role",
            RoleKind::Task => "task role",
        }
    }
}

/// Where a need comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub loc: Loc,
    /// "container \"nginx\" repositoryCredentials.credentialsParameter"
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Reading a Secrets Manager secret. `secret` indexes the inventory when the secret is in it;
    /// `arn` is its real ARN (with suffix).
    Secret { secret: Option<usize>, arn: Arn },
    /// Decrypting a secret with its customer managed key.
    SecretKey { secret: usize },
}

#[derive(Clone, Debug)]
pub struct Need {
    pub role: RoleKind,
    pub request: Request,
    pub subject: Subject,
    pub origins: Vec<Origin>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceProblemKind {
    /// ECS will refuse the reference itself.
    Malformed,
    /// The reference cannot be resolved from what was given.
    Unresolved,
}

#[derive(Clone, Debug)]
pub struct ReferenceProblem {
    pub kind: ReferenceProblemKind,
    pub loc: Loc,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug, Default)]
pub struct Needs {
    pub needs: Vec<Need>,
    pub problems: Vec<ReferenceProblem>,
}

/// The task's partition, region and account, as far as the inputs tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskContext {
    pub partition: String,
    pub region: Option<String>,
    pub account: Option<String>,
}

impl TaskContext {
    /// From `--region`, then the task definition's own ARN, then its role ARNs.
    pub fn of(td: &TaskDefinition, region: Option<&str>) -> TaskContext {
        let arns: Vec<Arn> = [
            &td.task_definition_arn,
            &td.execution_role_arn,
            &td.task_role_arn,
        ]
        .into_iter()
        .flatten()
        .filter_map(|s| Arn::parse(&s.value))
        .collect();
        let first_nonempty = |f: fn(&Arn) -> &str| {
            arns.iter()
                .map(f)
                .find(|v| !v.is_empty())
                .map(str::to_string)
        };
        TaskContext {
            partition: first_nonempty(|a| &a.partition).unwrap_or_else(|| "aws".to_string()),
            region: region
                .map(str::to_string)
                .or_else(|| first_nonempty(|a| &a.region)),
            account: first_nonempty(|a| &a.account),
        }
    }
}

const AWS_MANAGED_SECRETS_KEY: &str = "alias/aws/secretsmanager";

/// Works out every request the task definition makes of its roles.
pub fn derive(td: &TaskDefinition, inventory: &Inventory, context: &TaskContext) -> Needs {
    let mut out = Needs::default();
    for (i, container) in td.containers.iter().enumerate() {
        let who = container.display_name(i);
        for entry in &container.secrets {
            secret_value_from(
                &entry.value_from,
                format!("{who} secrets[{}]", entry_name(&entry.name)),
                inventory,
                &mut out,
            );
        }
        for entry in &container.log_secret_options {
            secret_value_from(
                &entry.value_from,
                format!(
                    "{who} logConfiguration.secretOptions[{}]",
                    entry_name(&entry.name)
                ),
                inventory,
                &mut out,
            );
        }
        if let Some(param) = &container.credentials_parameter {
            credentials_parameter(param, &who, inventory, context, &mut out);
        }
    }
    out
}

fn entry_name(name: &Option<Spanned<String>>) -> String {
    name.as_ref()
        .map_or_else(|| "?".to_string(), |n| format!("\"{}\"", n.value))
}

/// A `secrets` / `secretOptions` `valueFrom`. Only Secrets Manager ARNs are read here; anything
/// else is an SSM parameter.
fn secret_value_from(
    value: &Spanned<String>,
    what: String,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let Some(arn) = Arn::parse(&value.value) else {
        return;
    };
    if arn.service != "secretsmanager" {
        return;
    }
    match SecretReference::parse(&arn) {
        Ok(reference) => secret_reference(&reference, value.loc, what, inventory, out),
        Err(SecretReferenceError::WrongFieldCount(n)) => out.problems.push(ReferenceProblem {
            kind: ReferenceProblemKind::Malformed,
            loc: value.loc,
            message: format!(
                "this Secrets Manager `valueFrom` has {n} fields after the service's ARN prefix; \
                 ECS accepts the secret's ARN alone or followed by exactly \
                 `:json-key:version-stage:version-id`"
            ),
            help: Some(
                "ECS stops the task with \"an invalid ARN format for the AWS Secrets Manager \
                 secret was specified. Specify a valid ARN and try again.\" Write the full ARN, \
                 and for one JSON key `ARN:json-key::` (the empty fields keep their colons)."
                    .to_string(),
            ),
        }),
        Err(SecretReferenceError::NotASecret) => out.problems.push(ReferenceProblem {
            kind: ReferenceProblemKind::Malformed,
            loc: value.loc,
            message: "this Secrets Manager ARN does not name a secret (expected `…:secret:NAME`)"
                .to_string(),
            help: None,
        }),
    }
}

/// `repositoryCredentials.credentialsParameter`: a secret's ARN, or its name in the task's region.
fn credentials_parameter(
    value: &Spanned<String>,
    who: &str,
    inventory: &Inventory,
    context: &TaskContext,
    out: &mut Needs,
) {
    let what = format!("{who} repositoryCredentials.credentialsParameter");
    if let Some(arn) = Arn::parse(&value.value) {
        match SecretReference::parse(&arn) {
            Ok(reference) if !reference.has_tail => {
                secret_reference(&reference, value.loc, what, inventory, out)
            }
            _ => out.problems.push(ReferenceProblem {
                kind: ReferenceProblemKind::Malformed,
                loc: value.loc,
                message: "`credentialsParameter` must be the ARN (or name) of a Secrets Manager \
                          secret"
                    .to_string(),
                help: Some(
                    "The secret holds the registry's {\"username\": …, \"password\": …}; name it \
                     by its full ARN."
                        .to_string(),
                ),
            }),
        }
        return;
    }
    // A bare name: Secrets Manager looks it up in the task's region.
    match inventory.secret_by_name(&value.value, context.region.as_deref()) {
        Some(index) => {
            let secret = &inventory.secrets[index];
            match Arn::parse(&secret.arn.value) {
                Some(arn) => add_secret_need(Some(index), arn, value.loc, what, inventory, out),
                None => unresolved(value.loc, &value.value, out),
            }
        }
        None => unresolved(value.loc, &value.value, out),
    }
}

fn unresolved(loc: Loc, reference: &str, out: &mut Needs) {
    out.problems.push(ReferenceProblem {
        kind: ReferenceProblemKind::Unresolved,
        loc,
        message: format!(
            "cannot tell the real ARN of secret \"{reference}\": it is not in the secrets given \
             with --secrets, so its access was not checked"
        ),
        help: Some(
            "IAM evaluates the secret's full ARN, which ends in `-` and six random characters. \
             Pass `aws secretsmanager list-secrets` (or `describe-secret`) output with --secrets."
                .to_string(),
        ),
    });
}

fn secret_reference(
    reference: &SecretReference,
    loc: Loc,
    what: String,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let written = reference.arn.to_string();
    if let Some(index) = inventory.secret_by_arn(&written) {
        return add_secret_need(
            Some(index),
            reference.arn.clone(),
            loc,
            what,
            inventory,
            out,
        );
    }
    // A partial ARN (no suffix): Secrets Manager resolves it, and IAM evaluates the stored ARN.
    if let Some(index) = inventory.secret_by_partial_arn(&written)
        && let Some(arn) = Arn::parse(&inventory.secrets[index].arn.value)
    {
        return add_secret_need(Some(index), arn, loc, what, inventory, out);
    }
    if has_secret_suffix(&reference.id) {
        // Not in the inventory, but written as a full ARN: that is what IAM will see.
        return add_secret_need(None, reference.arn.clone(), loc, what, inventory, out);
    }
    unresolved(loc, &written, out);
}

fn add_secret_need(
    secret: Option<usize>,
    arn: Arn,
    loc: Loc,
    what: String,
    inventory: &Inventory,
    out: &mut Needs,
) {
    let origin = Origin { loc, what };
    add_need(
        out,
        Request {
            action: "secretsmanager:GetSecretValue".to_string(),
            resource: arn.to_string(),
        },
        Subject::Secret {
            secret,
            arn: arn.clone(),
        },
        origin.clone(),
    );
    let Some(index) = secret else { return };
    let Some(key) = &inventory.secrets[index].kms_key_id else {
        return;
    };
    match customer_managed_key_arn(&key.value, &arn) {
        KeyRef::AwsManaged => {}
        KeyRef::Key(key_arn) => add_need(
            out,
            Request {
                action: "kms:Decrypt".to_string(),
                resource: key_arn,
            },
            Subject::SecretKey { secret: index },
            origin,
        ),
        KeyRef::Alias => {
            if !out
                .problems
                .iter()
                .any(|p| p.loc == key.loc && p.kind == ReferenceProblemKind::Unresolved)
            {
                out.problems.push(ReferenceProblem {
                    kind: ReferenceProblemKind::Unresolved,
                    loc: key.loc,
                    message: format!(
                        "the secret is encrypted with the key behind alias \"{}\"; without that \
                         key's ARN, `kms:Decrypt` was not checked",
                        key.value
                    ),
                    help: Some(
                        "IAM needs `kms:Decrypt` on the key ARN (`arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`), \
                         not on the alias. Look it up with `aws kms describe-key --key-id ALIAS`."
                            .to_string(),
                    ),
                });
            }
        }
    }
}

fn add_need(out: &mut Needs, request: Request, subject: Subject, origin: Origin) {
    if let Some(existing) = out
        .needs
        .iter_mut()
        .find(|n| n.role == RoleKind::Execution && n.request == request)
    {
        if !existing.origins.contains(&origin) {
            existing.origins.push(origin);
        }
        return;
    }
    out.needs.push(Need {
        role: RoleKind::Execution,
        request,
        subject,
        origins: vec![origin],
    });
}

enum KeyRef {
    AwsManaged,
    Key(String),
    Alias,
}

/// The key ARN behind a secret's `KmsKeyId`: a key ARN as it is, a key ID in the secret's region
/// and account; aliases need a lookup.
fn customer_managed_key_arn(kms_key_id: &str, secret: &Arn) -> KeyRef {
    if kms_key_id.is_empty()
        || kms_key_id == AWS_MANAGED_SECRETS_KEY
        || kms_key_id.ends_with(&format!(":{AWS_MANAGED_SECRETS_KEY}"))
    {
        return KeyRef::AwsManaged;
    }
    if let Some(arn) = Arn::parse(kms_key_id) {
        return if arn.resource.starts_with("key/") {
            KeyRef::Key(kms_key_id.to_string())
        } else {
            KeyRef::Alias
        };
    }
    if kms_key_id.starts_with("alias/") {
        return KeyRef::Alias;
    }
    KeyRef::Key(
        Arn::new(
            &secret.partition,
            "kms",
            &secret.region,
            &secret.account,
            &format!("key/{kms_key_id}"),
        )
        .to_string(),
    )
}
