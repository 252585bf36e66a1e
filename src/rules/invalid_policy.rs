use super::{Context, Decides, Finding, problem_findings};
use crate::model::ProblemKind;

crate::declare_rule!(InvalidPolicy {
    name: "invalid-policy",
    severity: Error,
    fix: Never,
    summary: "A policy document breaks the IAM policy grammar",
    decides: [Decides::Input(ProblemKind::InvalidPolicy)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    problem_findings(
        &META,
        ProblemKind::InvalidPolicy,
        "IAM refuses to save such a policy (MalformedPolicyDocument); the statement was left \
         out of the evaluation",
        cx,
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}"#,
            )])
            .fail(&[("policy", &policy("Permit", GET_SECRET, SECRET_PATTERN))])
            // IAM refuses an operator it does not know, and a value its operator cannot read.
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "*", "Condition": {"StringEqualz": {"aws:PrincipalAccount": "123456789012"}}}]}"#,
            )])
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}]}"#,
            )])
            .pass(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}"#,
            )])
            // `Null` already tests presence: IAM refuses it with `IfExists`.
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                    "Resource": "*", "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}]}"#,
            )])
            // A key written twice: IAM refuses it, a JSON reader keeps the last.
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}"#,
            )])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .test();
    }
}
