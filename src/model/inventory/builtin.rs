//! AWS managed policies whose content ecslint knows, for account details and templates that
//! attach a policy without including its document. The documents are generated data
//! (`managed-policies.jsonl`, written by `scripts/gen-managed.py` from the MAMIP snapshot of every
//! AWS managed policy in the field corpus): rerun the script to refresh them.

use std::sync::OnceLock;

/// `arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy` (AWS managed policy
/// reference): ECR pulls and awslogs, nothing for Secrets Manager, SSM or KMS. It has not changed
/// since 2017, so a live run takes it as known rather than reading it.
pub const ECS_TASK_EXECUTION_ROLE_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

const GENERATED: &str = include_str!("managed-policies.jsonl");

/// Each known policy: its ARN (partition `aws`), its version id, and its document laid out for
/// reading (findings point into it).
fn known() -> &'static [(String, String, String)] {
    static KNOWN: OnceLock<Vec<(String, String, String)>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        GENERATED
            .lines()
            .filter_map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).ok()?;
                Some((
                    v["arn"].as_str()?.to_string(),
                    v["version"].as_str()?.to_string(),
                    serde_json::to_string_pretty(&v["document"]).ok()? + "\n",
                ))
            })
            .collect()
    })
}

/// The ARN in the `aws` partition: an AWS managed policy is the same in `aws-cn` and
/// `aws-us-gov`.
fn in_aws_partition(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:")?;
    let (_, rest) = rest.split_once(':')?;
    Some(format!("arn:aws:{rest}"))
}

/// The document of a known AWS managed policy, by ARN.
pub fn managed_policy(arn: &str) -> Option<&'static str> {
    let arn = in_aws_partition(arn)?;
    known()
        .iter()
        .find(|(a, _, _)| *a == arn)
        .map(|(_, _, doc)| doc.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_policy_is_read_and_found_by_its_arn() {
        assert_eq!(known().len(), GENERATED.lines().count());
        for (arn, version, doc) in known() {
            assert_eq!(managed_policy(arn), Some(doc.as_str()));
            assert!(version.starts_with('v'), "{arn}: {version}");
            let parsed: serde_json::Value = serde_json::from_str(doc).unwrap();
            assert!(parsed["Statement"].is_array(), "{arn}");
        }
        let ecs = managed_policy(ECS_TASK_EXECUTION_ROLE_POLICY_ARN).unwrap();
        assert!(ecs.contains("ecr:GetAuthorizationToken") && !ecs.contains("secretsmanager"));
        let cn = "arn:aws-cn:iam::aws:policy/SecretsManagerReadWrite";
        assert!(managed_policy(cn).unwrap().contains("secretsmanager:*"));
        assert_eq!(managed_policy("arn:aws:iam::aws:policy/NoSuchPolicy"), None);
        assert_eq!(managed_policy("not an arn"), None);
    }
}
