use super::{Context, Decides, Finding, check_findings};
use crate::defects::{Check, DefectKind};

crate::declare_rule!(ArnFormat {
    name: "arn-format",
    severity: Warning,
    fix: Never,
    summary: "A `Resource` entry is not a well-formed ARN of a real service: a missing field, prefix, region or account, or one the service's ARNs never have",
    decides: [
        Decides::Defect(DefectKind::Check(Check::InvalidArnPrefix)),
        Decides::Defect(DefectKind::Check(Check::MissingArnField)),
        Decides::Defect(DefectKind::Check(Check::InvalidArnService)),
        Decides::Defect(DefectKind::Check(Check::InvalidArnServiceCase)),
        Decides::Defect(DefectKind::Check(Check::MissingArnRegion)),
        Decides::Defect(DefectKind::Check(Check::ArnRegionNotAllowed)),
        Decides::Defect(DefectKind::Check(Check::InvalidArnRegion)),
        Decides::Defect(DefectKind::Check(Check::InvalidArnAccount)),
        Decides::Defect(DefectKind::Check(Check::ArnAccountNotAllowed)),
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    check_findings(&META, cx, out);
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            // The region left out: `::` where Secrets Manager ARNs always have one.
            .fail(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager::123456789012:secret:prod/db-??????",
                ),
            )])
            .fail(&[("policy", &allow(GET_SECRET, "secret:prod/db"))])
            .fail(&[(
                "policy",
                &allow(GET_SECRET, "arn:aws:secretsmanager:eu-west-1:secret:db"),
            )])
            .fail(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretmanager:eu-west-1:123456789012:secret:db-??????",
                ),
            )])
            .fail(&[(
                "policy",
                &allow("iam:GetRole", "arn:aws:iam:eu-west-1:123456789012:role/app"),
            )])
            .fail(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager:eu-west-1a:123456789012:secret:db-??????",
                ),
            )])
            .fail(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager:eu-west-1:1234-5678-9012:secret:db-??????",
                ),
            )])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .pass(&[("policy", &allow("s3:GetObject", "arn:aws:s3:::bucket/*"))])
            .pass(&[(
                "policy",
                &allow("iam:GetRole", "arn:aws:iam::123456789012:role/app"),
            )])
            .pass(&[(
                "policy",
                &allow("ssm:GetParameters", "arn:aws:ssm:*:*:parameter/app/*"),
            )])
            .pass(&[(
                "policy",
                &allow("iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            )])
            .test();
    }
}
