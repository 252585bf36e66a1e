use super::{Context, Decides, Finding, Severity};
use crate::defects::DefectKind;

crate::declare_rule!(PolicySizeQuota {
    name: "policy-size-quota",
    severity: Error,
    fix: Never,
    summary: "A policy is larger than IAM's size quota for its kind, so IAM refuses to save it",
    decides: [Decides::Defect(DefectKind::Oversized)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for o in &cx.defects.oversized {
        let policy = &cx.inventory.policies[o.policy];
        // Over the default trust quota but within what it can be raised to: it may be raised.
        let raisable = o.size <= o.raisable_to;
        let message = if o.what.contains("together") {
            format!(
                "{} count {} characters, white space not counted, over IAM's quota of {} (the largest is policy \"{}\")",
                o.what, o.size, o.quota, policy.name
            )
        } else {
            format!(
                "{} (\"{}\") is {} characters, white space not counted, over IAM's quota of {}",
                o.what, policy.name, o.size, o.quota
            )
        };
        let mut finding = Finding::new(&META, policy.document.loc, message)
        .label(format!("{} characters", o.size))
        .note(if raisable {
            format!(
                "IAM refuses a trust policy over {} characters unless the account's quota was raised (Service Quotas, up to {}): the deployment fails with LimitExceeded",
                o.quota, o.raisable_to
            )
        } else {
            "IAM refuses to save it (LimitExceeded: Cannot exceed quota for PolicySize / ACLSizePerRole): the deployment that writes it fails before any task starts".to_string()
        })
        .help("split it: move statements into customer managed policies attached to the role (up to 10 by default, 6,144 characters each), merge statements that differ only in their resources, and prefer ARN patterns (`NAME-??????`, a path prefix) over long lists; CDK stacks reach this as grants accumulate on one role — give the grants their own managed policy");
        if raisable {
            finding.severity = Severity::Warning;
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    /// An account-details export whose role `big` has an inline policy of `n` statements (about
    /// 140 counted characters each).
    fn account(n: usize) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/{i}-??????"}}"#
                )
            })
            .collect();
        let doc = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            statements.join(", ")
        );
        format!(
            r#"{{"RoleDetailList": [{{"RoleName": "big", "Arn": "arn:aws:iam::123456789012:role/big", "Path": "/",
  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Service": "ecs-tasks.amazonaws.com"}}, "Action": "sts:AssumeRole"}}]}},
  "RolePolicyList": [{{"PolicyName": "grants", "PolicyDocument": {doc}}}], "AttachedManagedPolicies": []}}],
  "Policies": [], "UserDetailList": [], "GroupDetailList": []}}"#
        )
    }

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("account-details", &account(80))])
            .pass(&[("account-details", &account(60))])
            .test();
    }
}
