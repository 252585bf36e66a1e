use super::{Context, Decides, Finding, check_findings};
use crate::defects::{Check, DefectKind};

crate::declare_rule!(ConditionFormat {
    name: "condition-format",
    severity: Warning,
    fix: Sometimes,
    summary: "A condition cannot test what it seems to: a wildcard without a `Like` operator, a key the actions never carry, `ForAllValues` on a single-valued key, a malformed value",
    decides: [
        Decides::Defect(DefectKind::Check(Check::DuplicateConditionKeyCase)),
        Decides::Defect(DefectKind::Check(Check::WildcardWithoutLike)),
        Decides::Defect(DefectKind::Check(Check::ForAllValuesSingleValued)),
        Decides::Defect(DefectKind::Check(Check::InvalidVpceFormat)),
        Decides::Defect(DefectKind::Check(Check::InvalidVpcFormat)),
        Decides::Defect(DefectKind::Check(Check::ConditionKeyOfOtherService)),
        Decides::Defect(DefectKind::Check(Check::EmptyConditionValues)),
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    check_findings(&META, cx, out);
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    fn conditioned(action: &str, condition: &str) -> String {
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"*\",\n    \"Condition\": {condition}}}]\n}}\n"
        )
    }

    #[test]
    fn vectors() {
        let wildcard = conditioned(
            GET_SECRET,
            r#"{"StringEquals": {"secretsmanager:SecretId": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*"}}"#,
        );
        let like = conditioned(
            GET_SECRET,
            r#"{"StringLike": {"secretsmanager:SecretId": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*"}}"#,
        );
        Tester::new(&super::META)
            .fail(&[("policy", &wildcard)])
            .fix(&[("policy", &wildcard)], &[("policy", &like)])
            .pass(&[("policy", &like)])
            // A Secrets Manager tag key on a KMS action is never in the request.
            .fail(&[(
                "policy",
                &conditioned("kms:Decrypt", r#"{"StringEquals": {"secretsmanager:ResourceTag/team": "payments"}}"#),
            )])
            .pass(&[(
                "policy",
                &conditioned("kms:Decrypt", r#"{"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}"#),
            )])
            .fail(&[(
                "policy",
                &conditioned(GET_SECRET, r#"{"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#),
            )])
            .fail(&[(
                "policy",
                &conditioned(GET_SECRET, r#"{"StringEquals": {"aws:SourceVpce": "vpc-1a2b3c4d"}}"#),
            )])
            .pass(&[(
                "policy",
                &conditioned(GET_SECRET, r#"{"StringEquals": {"aws:SourceVpce": ["vpce-1a2b3c4d", "vpce-0123456789abcdef0"]}}"#),
            )])
            .fail(&[(
                "policy",
                &conditioned(GET_SECRET, r#"{"StringEquals": {"aws:SourceAccount": "123456789012", "aws:sourceaccount": "123456789012"}}"#),
            )])
            .pass(&[(
                "policy",
                &conditioned(GET_SECRET, r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#),
            )])
            .test();
    }
}
