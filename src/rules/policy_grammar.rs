use super::{Context, Decides, Finding, check_findings};
use crate::defects::{Check, DefectKind};

crate::declare_rule!(PolicyGrammar {
    name: "policy-grammar",
    severity: Warning,
    fix: Sometimes,
    summary: "A policy breaks a rule of the policy language that IAM or Access Analyzer enforces: Version, Sid, empty elements, a trust policy's elements",
    decides: [
        Decides::Defect(DefectKind::Check(Check::MissingVersion)),
        Decides::Defect(DefectKind::Check(Check::VariableWithoutVersion)),
        Decides::Defect(DefectKind::Check(Check::DuplicateSid)),
        Decides::Defect(DefectKind::Check(Check::UnsupportedSid)),
        Decides::Defect(DefectKind::Check(Check::EmptySid)),
        Decides::Defect(DefectKind::Check(Check::EmptyArray)),
        Decides::Defect(DefectKind::Check(Check::EmptyObject)),
        Decides::Defect(DefectKind::Check(Check::WildcardInServiceName)),
        Decides::Defect(DefectKind::Check(Check::TrustActionNotSts)),
        Decides::Defect(DefectKind::Check(Check::TrustNotPrincipal)),
        Decides::Defect(DefectKind::Check(Check::TrustResource)),
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    check_findings(&META, cx, out);
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    const NO_VERSION: &str = "{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]\n}\n";
    const WITH_VERSION: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"*\"}]\n}\n";

    fn statements(body: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{body}]}}"#)
    }

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("policy", NO_VERSION)])
            .fix(&[("policy", NO_VERSION)], &[("policy", WITH_VERSION)])
            .pass(&[("policy", WITH_VERSION)])
            // A variable under the 2008 language is literal text.
            .fail(&[(
                "policy",
                r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                    "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:${aws:PrincipalTag/team}/*"}]}"#,
            )])
            // Sids: two alike, characters IAM refuses in an identity policy, an empty one.
            .fail(&[(
                "policy",
                &statements(
                    r#"{"Sid": "Read", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                       {"Sid": "Read", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}"#,
                ),
            )])
            .fail(&[(
                "policy",
                &statements(
                    r#"{"Sid": "read secrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}"#,
                ),
            )])
            .fail(&[(
                "policy",
                &statements(r#"{"Sid": "", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}"#),
            )])
            // A key policy's Sid may hold spaces (the default key policy's does).
            .pass(&[(
                "key-policy",
                &statements(
                    r#"{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}"#,
                ),
            )])
            // Empty arrays grant nothing; a wildcard service prefix matches any service.
            .fail(&[(
                "policy",
                &statements(r#"{"Effect": "Allow", "Action": [], "Resource": "*"}"#),
            )])
            .fail(&[(
                "policy",
                &statements(r#"{"Effect": "Allow", "Action": "secrets*:GetSecretValue", "Resource": "*"}"#),
            )])
            // A trust policy: only sts actions, no Resource, no NotPrincipal.
            .fail(&[(
                "account-details",
                &trusted_by(
                    r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": ["sts:AssumeRole", "secretsmanager:GetSecretValue"]}"#,
                ),
            )])
            .fail(&[(
                "account-details",
                &trusted_by(
                    r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}"#,
                ),
            )])
            .pass(&[("account-details", &trusted_by(TRUST_ECS_GUARDED))])
            .pass(&[(
                "account-details",
                &trusted_by(
                    r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}"#,
                ),
            )])
            .test();
    }
}
