//! The actions of the services ECS tasks touch, written from AWS's Service Authorization Reference,
//! to tell a typo from a real action and to suggest the nearest real one.
//!
//! Only Secrets Manager's list is complete enough to call an action that is not in it unknown; for
//! the other services an action missing from the list is reported only when it is one or two
//! letters away from a listed one (a likely typo), so a new AWS action is never flagged as wrong.

/// Actions that support no resource-level permissions: IAM evaluates them on `*` only
/// (Service Authorization Reference).
const STAR_ONLY_ACTIONS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "secretsmanager:ListSecrets",
    "secretsmanager:GetRandomPassword",
    "ssm:DescribeParameters",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:CreateKey",
    "sts:GetCallerIdentity",
    "s3:ListAllMyBuckets",
];

/// The action as listed, when it takes no resource (IAM evaluates it on `"Resource": "*"` only).
pub fn takes_no_resource(action: &str) -> Option<&'static str> {
    STAR_ONLY_ACTIONS
        .iter()
        .copied()
        .find(|a| a.eq_ignore_ascii_case(action))
}

/// `(service prefix, complete, actions)`.
const SERVICES: &[(&str, bool, &[&str])] = &[
    (
        "secretsmanager",
        true,
        &[
            "BatchGetSecretValue",
            "CancelRotateSecret",
            "CreateSecret",
            "DeleteResourcePolicy",
            "DeleteSecret",
            "DescribeSecret",
            "GetRandomPassword",
            "GetResourcePolicy",
            "GetSecretValue",
            "ListSecretVersionIds",
            "ListSecrets",
            "PutResourcePolicy",
            "PutSecretValue",
            "RemoveRegionsFromReplication",
            "ReplicateSecretToRegions",
            "RestoreSecret",
            "RotateSecret",
            "StopReplicationToReplica",
            "TagResource",
            "UntagResource",
            "UpdateSecret",
            "UpdateSecretVersionStage",
            "ValidateResourcePolicy",
        ],
    ),
    (
        "ssm",
        false,
        &[
            "AddTagsToResource",
            "DeleteParameter",
            "DeleteParameters",
            "DescribeParameters",
            "GetParameter",
            "GetParameterHistory",
            "GetParameters",
            "GetParametersByPath",
            "LabelParameterVersion",
            "ListTagsForResource",
            "PutParameter",
            "RemoveTagsFromResource",
            "UnlabelParameterVersion",
            "SendCommand",
            "StartSession",
            "TerminateSession",
            "ResumeSession",
            "GetDocument",
            "DescribeDocument",
            "ListDocuments",
            "DescribeInstanceInformation",
            "GetCommandInvocation",
            "ListCommands",
            "ListCommandInvocations",
            "StartAutomationExecution",
            "GetAutomationExecution",
            "UpdateInstanceInformation",
            "GetConnectionStatus",
            "DescribeSessions",
            "GetServiceSetting",
        ],
    ),
    (
        "kms",
        false,
        &[
            "CancelKeyDeletion",
            "ConnectCustomKeyStore",
            "CreateAlias",
            "CreateCustomKeyStore",
            "CreateGrant",
            "CreateKey",
            "Decrypt",
            "DeleteAlias",
            "DeleteCustomKeyStore",
            "DeleteImportedKeyMaterial",
            "DeriveSharedSecret",
            "DescribeCustomKeyStores",
            "DescribeKey",
            "DisableKey",
            "DisableKeyRotation",
            "DisconnectCustomKeyStore",
            "EnableKey",
            "EnableKeyRotation",
            "Encrypt",
            "GenerateDataKey",
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
            "GenerateDataKeyWithoutPlaintext",
            "GenerateMac",
            "GenerateRandom",
            "GetKeyPolicy",
            "GetKeyRotationStatus",
            "GetParametersForImport",
            "GetPublicKey",
            "ImportKeyMaterial",
            "ListAliases",
            "ListGrants",
            "ListKeyPolicies",
            "ListKeyRotations",
            "ListKeys",
            "ListResourceTags",
            "ListRetirableGrants",
            "PutKeyPolicy",
            "ReEncryptFrom",
            "ReEncryptTo",
            "ReplicateKey",
            "RetireGrant",
            "RevokeGrant",
            "RotateKeyOnDemand",
            "ScheduleKeyDeletion",
            "Sign",
            "SynchronizeMultiRegionKey",
            "TagResource",
            "UntagResource",
            "UpdateAlias",
            "UpdateCustomKeyStore",
            "UpdateKeyDescription",
            "UpdatePrimaryRegion",
            "Verify",
            "VerifyMac",
        ],
    ),
    (
        "ecr",
        false,
        &[
            "BatchCheckLayerAvailability",
            "BatchDeleteImage",
            "BatchGetImage",
            "BatchGetRepositoryScanningConfiguration",
            "BatchImportUpstreamImage",
            "CompleteLayerUpload",
            "CreatePullThroughCacheRule",
            "CreateRepository",
            "CreateRepositoryCreationTemplate",
            "DeleteLifecyclePolicy",
            "DeletePullThroughCacheRule",
            "DeleteRegistryPolicy",
            "DeleteRepository",
            "DeleteRepositoryCreationTemplate",
            "DeleteRepositoryPolicy",
            "DescribeImageReplicationStatus",
            "DescribeImageScanFindings",
            "DescribeImages",
            "DescribePullThroughCacheRules",
            "DescribeRegistry",
            "DescribeRepositories",
            "DescribeRepositoryCreationTemplates",
            "GetAccountSetting",
            "GetAuthorizationToken",
            "GetDownloadUrlForLayer",
            "GetLifecyclePolicy",
            "GetLifecyclePolicyPreview",
            "GetRegistryPolicy",
            "GetRegistryScanningConfiguration",
            "GetRepositoryPolicy",
            "InitiateLayerUpload",
            "ListImages",
            "ListTagsForResource",
            "PutAccountSetting",
            "PutImage",
            "PutImageScanningConfiguration",
            "PutImageTagMutability",
            "PutLifecyclePolicy",
            "PutRegistryPolicy",
            "PutRegistryScanningConfiguration",
            "PutReplicationConfiguration",
            "ReplicateImage",
            "SetRepositoryPolicy",
            "StartImageScan",
            "StartLifecyclePolicyPreview",
            "TagResource",
            "UntagResource",
            "UpdatePullThroughCacheRule",
            "UpdateRepositoryCreationTemplate",
            "UploadLayerPart",
            "ValidatePullThroughCacheRule",
        ],
    ),
    (
        "logs",
        false,
        &[
            "AssociateKmsKey",
            "CancelExportTask",
            "CreateExportTask",
            "CreateLogGroup",
            "CreateLogStream",
            "DeleteDestination",
            "DeleteLogGroup",
            "DeleteLogStream",
            "DeleteMetricFilter",
            "DeleteQueryDefinition",
            "DeleteResourcePolicy",
            "DeleteRetentionPolicy",
            "DeleteSubscriptionFilter",
            "DescribeDestinations",
            "DescribeExportTasks",
            "DescribeLogGroups",
            "DescribeLogStreams",
            "DescribeMetricFilters",
            "DescribeQueries",
            "DescribeQueryDefinitions",
            "DescribeResourcePolicies",
            "DescribeSubscriptionFilters",
            "DisassociateKmsKey",
            "FilterLogEvents",
            "GetLogEvents",
            "GetLogGroupFields",
            "GetLogRecord",
            "GetQueryResults",
            "ListTagsForResource",
            "ListTagsLogGroup",
            "PutDestination",
            "PutDestinationPolicy",
            "PutLogEvents",
            "PutMetricFilter",
            "PutQueryDefinition",
            "PutResourcePolicy",
            "PutRetentionPolicy",
            "PutSubscriptionFilter",
            "StartLiveTail",
            "StartQuery",
            "StopQuery",
            "TagLogGroup",
            "TagResource",
            "TestMetricFilter",
            "UntagLogGroup",
            "UntagResource",
        ],
    ),
    (
        "s3",
        false,
        &[
            "AbortMultipartUpload",
            "CreateBucket",
            "DeleteBucket",
            "DeleteBucketPolicy",
            "DeleteObject",
            "DeleteObjectTagging",
            "DeleteObjectVersion",
            "GetBucketAcl",
            "GetBucketLocation",
            "GetBucketPolicy",
            "GetBucketTagging",
            "GetBucketVersioning",
            "GetEncryptionConfiguration",
            "GetObject",
            "GetObjectAcl",
            "GetObjectAttributes",
            "GetObjectTagging",
            "GetObjectVersion",
            "ListAllMyBuckets",
            "ListBucket",
            "ListBucketMultipartUploads",
            "ListBucketVersions",
            "ListMultipartUploadParts",
            "PutBucketPolicy",
            "PutBucketTagging",
            "PutBucketVersioning",
            "PutEncryptionConfiguration",
            "PutObject",
            "PutObjectAcl",
            "PutObjectTagging",
        ],
    ),
    (
        "elasticfilesystem",
        false,
        &[
            "Backup",
            "ClientMount",
            "ClientRootAccess",
            "ClientWrite",
            "CreateAccessPoint",
            "CreateFileSystem",
            "CreateMountTarget",
            "CreateReplicationConfiguration",
            "CreateTags",
            "DeleteAccessPoint",
            "DeleteFileSystem",
            "DeleteFileSystemPolicy",
            "DeleteMountTarget",
            "DeleteReplicationConfiguration",
            "DeleteTags",
            "DescribeAccessPoints",
            "DescribeAccountPreferences",
            "DescribeBackupPolicy",
            "DescribeFileSystemPolicy",
            "DescribeFileSystems",
            "DescribeLifecycleConfiguration",
            "DescribeMountTargetSecurityGroups",
            "DescribeMountTargets",
            "DescribeReplicationConfigurations",
            "DescribeTags",
            "ListTagsForResource",
            "ModifyMountTargetSecurityGroups",
            "PutAccountPreferences",
            "PutBackupPolicy",
            "PutFileSystemPolicy",
            "PutLifecycleConfiguration",
            "ReplicationRead",
            "Restore",
            "TagResource",
            "UntagResource",
            "UpdateFileSystem",
            "UpdateFileSystemProtection",
        ],
    ),
    (
        "sts",
        false,
        &[
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "AssumeRoot",
            "DecodeAuthorizationMessage",
            "GetAccessKeyInfo",
            "GetCallerIdentity",
            "GetFederationToken",
            "GetServiceBearerToken",
            "GetSessionToken",
            "SetContext",
            "SetSourceIdentity",
            "TagSession",
        ],
    ),
    (
        "iam",
        false,
        &[
            "AttachRolePolicy",
            "CreateRole",
            "DeleteRole",
            "DeleteRolePolicy",
            "DetachRolePolicy",
            "GetPolicy",
            "GetPolicyVersion",
            "GetRole",
            "GetRolePolicy",
            "ListAttachedRolePolicies",
            "ListPolicies",
            "ListRolePolicies",
            "ListRoles",
            "PassRole",
            "PutRolePolicy",
            "TagRole",
            "UntagRole",
            "UpdateAssumeRolePolicy",
            "UpdateRole",
            "GetAccountAuthorizationDetails",
            "CreateServiceLinkedRole",
        ],
    ),
];

/// Service prefixes that look like a typo of an ECS-related one but are real services.
const OTHER_SERVICES: &[&str] = &[
    "sms",
    "ses",
    "sns",
    "sqs",
    "ecs",
    "ec2",
    "eks",
    "emr",
    "es",
    "ram",
    "rds",
    "swf",
    "sdb",
    "iq",
    "mq",
    "ecr-public",
    "ssmmessages",
    "ec2messages",
    "ssm-contacts",
    "ssm-incidents",
    "ssm-guiconnect",
    "ssm-quicksetup",
    "kinesis",
    "lambda",
    "events",
    "cloudwatch",
    "s3express",
    "s3-object-lambda",
    "s3-outposts",
    "logs",
    "iam",
    "sts",
    "kms",
    "elasticloadbalancing",
    "elasticache",
    "elasticbeanstalk",
    "elastictranscoder",
    "elasticmapreduce",
];

/// What is known about an `Action` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionCheck {
    /// A listed action, a wildcard, or a service the catalog does not cover.
    Fine,
    /// Not a real action; the nearest real one, when there is a close one.
    Unknown { suggestion: Option<String> },
    /// The service prefix is misspelled.
    UnknownService { suggestion: String },
}

/// Each service's action names, lowercased, by service prefix, for lookups that do not scan the
/// list: `check` runs on every `Action` entry of every policy a lint reads.
static LOWERCASE: std::sync::LazyLock<foldhash::HashMap<&'static str, foldhash::HashSet<String>>> =
    std::sync::LazyLock::new(|| {
        SERVICES
            .iter()
            .map(|(prefix, _, names)| {
                (
                    *prefix,
                    names.iter().map(|n| n.to_ascii_lowercase()).collect(),
                )
            })
            .collect()
    });

/// Whether `name` is one of the actions of the service `prefix` (as the catalog spells it),
/// ignoring case.
fn listed(prefix: &str, name: &str) -> bool {
    let Some(names) = LOWERCASE.get(prefix) else {
        return false;
    };
    let mut buf = [0u8; 64];
    match buf.get_mut(..name.len()) {
        Some(slot) => {
            slot.copy_from_slice(name.as_bytes());
            slot.make_ascii_lowercase();
            std::str::from_utf8(slot).is_ok_and(|l| names.contains(l))
        }
        None => names.contains(&name.to_ascii_lowercase()),
    }
}

fn service(prefix: &str) -> Option<&'static (&'static str, bool, &'static [&'static str])> {
    SERVICES
        .iter()
        .find(|(p, _, _)| p.eq_ignore_ascii_case(prefix))
}

/// Whether the catalog lists every action of the action's service.
pub fn is_complete(action: &str) -> bool {
    action
        .split_once(':')
        .and_then(|(prefix, _)| service(prefix))
        .is_some_and(|(_, complete, _)| *complete)
}

/// Whether `service:Action` is a listed action (case-insensitively, as IAM matches actions).
pub fn is_known(action: &str) -> bool {
    let Some((prefix, name)) = action.split_once(':') else {
        return false;
    };
    service(prefix).is_some_and(|(canonical, _, _)| listed(canonical, name))
}

/// Checks one `Action` entry.
pub fn check(action: &str) -> ActionCheck {
    if action == "*" {
        return ActionCheck::Fine;
    }
    let Some((prefix, name)) = action.split_once(':') else {
        return ActionCheck::Unknown { suggestion: None };
    };
    let Some((canonical, complete, names)) = service(prefix) else {
        // A misspelled long prefix (`secretmanager`); short ones are too close to real services.
        let lower = prefix.to_ascii_lowercase();
        if OTHER_SERVICES.contains(&lower.as_str()) {
            return ActionCheck::Fine;
        }
        return SERVICES
            .iter()
            .filter(|(p, _, _)| p.len() >= 6)
            .find(|(p, _, _)| strsim::damerau_levenshtein(p, &lower) <= 2)
            .map_or(ActionCheck::Fine, |(p, _, _)| ActionCheck::UnknownService {
                suggestion: format!("{p}:{name}"),
            });
    };
    if name.contains(['*', '?']) {
        let matches_any = names
            .iter()
            .any(|n| crate::iam::pattern::wildcard_match(name, n, true));
        return if matches_any || !*complete {
            ActionCheck::Fine
        } else {
            ActionCheck::Unknown { suggestion: None }
        };
    }
    if listed(canonical, name) {
        return ActionCheck::Fine;
    }
    let lower = name.to_ascii_lowercase();
    let nearest = names
        .iter()
        .map(|n| {
            (
                strsim::damerau_levenshtein(&n.to_ascii_lowercase(), &lower),
                n,
            )
        })
        .min_by_key(|(d, _)| *d);
    match nearest {
        Some((d, n)) if d <= 2 => ActionCheck::Unknown {
            suggestion: Some(format!("{canonical}:{n}")),
        },
        _ if *complete => ActionCheck::Unknown { suggestion: None },
        _ => ActionCheck::Fine,
    }
}

/// The edit distance between two actions' names, ignoring case; services must match.
pub fn distance(a: &str, b: &str) -> Option<usize> {
    let (pa, na) = a.split_once(':')?;
    let (pb, nb) = b.split_once(':')?;
    pa.eq_ignore_ascii_case(pb)
        .then(|| strsim::damerau_levenshtein(&na.to_ascii_lowercase(), &nb.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_actions_and_wildcards_are_fine() {
        for a in [
            "secretsmanager:GetSecretValue",
            "SecretsManager:getsecretvalue",
            "ssm:GetParameters",
            "kms:Decrypt",
            "ecr:GetAuthorizationToken",
            "secretsmanager:Get*",
            "*",
            "s3:PutBucketNotification", // not listed, but s3's list is partial
            "dynamodb:GetItem",         // a service the catalog does not cover
            "sms:GetConnectors",        // a real service one letter from ssm
        ] {
            assert_eq!(check(a), ActionCheck::Fine, "{a}");
        }
    }

    #[test]
    fn typos_get_the_nearest_real_action() {
        assert_eq!(
            check("secretsmanager:GetSecretValues"),
            ActionCheck::Unknown {
                suggestion: Some("secretsmanager:GetSecretValue".into())
            }
        );
        assert_eq!(
            check("kms:Decrpyt"),
            ActionCheck::Unknown {
                suggestion: Some("kms:Decrypt".into())
            }
        );
        assert_eq!(
            check("secretmanager:GetSecretValue"),
            ActionCheck::UnknownService {
                suggestion: "secretsmanager:GetSecretValue".into()
            }
        );
        assert_eq!(
            check("secretsmanager:ReadSecret"),
            ActionCheck::Unknown { suggestion: None }
        );
        assert_eq!(
            check("secretsmanager:Fetch*"),
            ActionCheck::Unknown { suggestion: None }
        );
    }

    #[test]
    fn catalog_entries_are_unique_per_service() {
        for (prefix, _, names) in SERVICES {
            let mut seen = std::collections::HashSet::new();
            for n in *names {
                assert!(seen.insert(n.to_ascii_lowercase()), "{prefix}:{n} twice");
            }
        }
    }
}
