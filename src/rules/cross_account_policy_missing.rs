use super::{Context, Decides, Finding, describe_need};
use crate::explain::{Cause, CauseKind};

crate::declare_rule!(CrossAccountPolicyMissing {
    name: "cross-account-policy-missing",
    severity: Warning,
    fix: Never,
    summary: "The resource is in another account, whose own policy must allow the role too, and that policy was not given",
    decides: [Decides::Cause(CauseKind::OtherAccount)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for assessment in cx.assessments {
        let Cause::OtherAccount { account, kind, .. } = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        let Some(origin) = need.origins.first() else {
            continue;
        };
        let key = *kind == crate::iam::PolicyType::KeyPolicy;
        let mut finding = Finding::new(
            &META,
            origin.loc,
            format!(
                "the {} is allowed {} by its own policies, but the resource is in account {account}: \
                 across accounts its {} must allow it too, and it was not given",
                need.role.describe(),
                describe_need(need),
                kind.describe()
            ),
        )
        .label(format!("in account {account}"))
        .note("IAM allows a cross-account request only when both the caller's policies and the resource's own policy allow it (IAM user guide, cross-account policy evaluation logic)")
        .help(if key {
            format!(
                "give the key policy with --key-policy {}=FILE (`aws kms get-key-policy --key-id {} --policy-name default`, run in account {account})",
                need.request.resource, need.request.resource
            )
        } else {
            format!(
                "give the resource's policy with --resource-policy {}=FILE (for a secret, `aws secretsmanager get-resource-policy --secret-id {}`, run in account {account})",
                need.request.resource, need.request.resource
            )
        });
        for origin in need.origins.iter().skip(1) {
            finding = finding.related(origin.loc, format!("{} needs it", origin.what));
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let elsewhere = "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shared-db-AbCdEf";
        let task = task_reading(elsewhere);
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, "*")),
            ])
            // The secret's own policy, given, decides.
            .pass(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, "*")),
                (
                    "resource-policy arn:aws:secretsmanager:eu-west-1:222222222222:secret:shared-db-AbCdEf",
                    r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"},
                        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#,
                ),
            ])
            .pass(&[
                ("task-definition", &task_reading(SECRET)),
                ("policy", &allow(GET_SECRET, "*")),
            ])
            .test();
    }
}
