use super::{Context, Decides, Finding, check_findings};
use crate::defects::{Check, DefectKind};

crate::declare_rule!(PrincipalFormat {
    name: "principal-format",
    severity: Error,
    fix: Never,
    summary: "A `Principal` entry is not a valid account, role, user, service, identity provider or canonical id",
    decides: [
        Decides::Defect(DefectKind::Check(Check::InvalidPrincipalKey)),
        Decides::Defect(DefectKind::Check(Check::InvalidPrincipalFormat)),
        Decides::Defect(DefectKind::Check(Check::PrincipalUniqueId)),
        Decides::Defect(DefectKind::Check(Check::UnsupportedWildcardInPrincipal)),
        Decides::Defect(DefectKind::Check(Check::InvalidServicePrincipal)),
        Decides::Defect(DefectKind::Check(Check::InvalidFederatedPrincipal)),
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    check_findings(&META, cx, out);
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    fn trusting(principal: &str) -> String {
        trusted_by(&format!(
            r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}"#
        ))
    }

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("account-details", &trusting(r#"{"Service": "ecs-tasks"}"#))])
            .fail(&[("account-details", &trusting(r#"{"Aws": "arn:aws:iam::123456789012:root"}"#))])
            .fail(&[("account-details", &trusting(r#"{"AWS": "arn:aws:iam::123456789012:role/ci-*"}"#))])
            .fail(&[("account-details", &trusting(r#"{"AWS": "AROAEXAMPLEID1234567"}"#))])
            .fail(&[("account-details", &trusting(r#"{"AWS": "arn:aws:iam::12345678901:role/deploy"}"#))])
            .fail(&[("account-details", &trusting(r#"{"Federated": "not a provider"}"#))])
            .pass(&[("account-details", &trusted_by(TRUST_ECS))])
            .pass(&[(
                "account-details",
                &trusting(r#"{"AWS": ["arn:aws:iam::123456789012:role/deploy", "123456789012", "arn:aws:sts::123456789012:assumed-role/ci/s"]}"#),
            )])
            .pass(&[(
                "account-details",
                &trusting(r#"{"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}"#),
            )])
            .pass(&[("account-details", &trusting(r#"{"Service": ["ecs-tasks.amazonaws.com", "states.eu-west-1.amazonaws.com"]}"#))])
            .test();
    }
}
