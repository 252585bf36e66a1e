use super::{Context, Decides, Finding, check_findings};
use crate::defects::{Check, DefectKind};
use crate::model::inventory::Attachment;
use crate::model::policy::{Effect, PolicyType};

crate::declare_rule!(PolicySecurity {
    name: "policy-security",
    severity: Warning,
    fix: Never,
    summary: "A policy grants more than it seems to: `iam:PassRole` on every role, `Allow` with `NotPrincipal`, a secret open to anyone, `Allow` with `NotAction` on an execution role",
    decides: [
        Decides::Defect(DefectKind::Check(Check::PassRoleWithStar)),
        Decides::Defect(DefectKind::Check(Check::AllowWithNotPrincipal)),
        Decides::Defect(DefectKind::Check(Check::SecretPolicyOpen)),
        Decides::Defect(DefectKind::Check(Check::TrustOpen)),
        Decides::Defect(DefectKind::Check(Check::DenyNotActionTagCondition)),
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    check_findings(&META, cx, out);
    // `Allow` + `NotAction` on a role the task definitions name as their execution role: the
    // role the ECS agent holds gets every action but a few, on whatever the resources are.
    let mut roles: Vec<&str> = Vec::new();
    for td in cx.task_definitions {
        if let Some(arn) = &td.execution_role_arn
            && let Some(name) = arn.value.rsplit('/').next()
            && !roles.contains(&name)
        {
            roles.push(name);
        }
    }
    for policy in &cx.inventory.policies {
        let on_execution_role = match &policy.attachment {
            Attachment::Role(name) => roles.contains(&name.as_str()),
            Attachment::DefaultRole => !roles.is_empty(),
            _ => false,
        };
        if !on_execution_role || policy.kind != PolicyType::Identity {
            continue;
        }
        for statement in &policy.document.statements {
            if statement.effect.value == Effect::Allow && statement.action.negated {
                out.push(
                    Finding::new(
                        &META,
                        statement.action.loc,
                        format!(
                            "{} of policy \"{}\" on the execution role allows every action but those in `NotAction`",
                            statement.describe(),
                            policy.name
                        ),
                    )
                    .label("`Allow` with `NotAction`")
                    .note("the execution role is the ECS agent's: it needs to pull the image, write logs and read the task's secrets, and `NotAction` grants every other action of every service — including ones AWS adds later (IAM Access Analyzer: ALLOW_WITH_NOT_ACTION)")
                    .help("list the actions the agent needs: `ecr:GetAuthorizationToken`, `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`, `logs:CreateLogStream`, `logs:PutLogEvents`, and `secretsmanager:GetSecretValue`/`ssm:GetParameters`/`kms:Decrypt` on the task's secrets"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("policy", &allow("iam:PassRole", "*"))])
            .pass(&[("policy", &allow("iam:PassRole", "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"))])
            .pass(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                    "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}"#,
            )])
            .fail(&[(
                "resource-policy arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#,
            )])
            .pass(&[(
                "resource-policy arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#,
            )])
            .fail(&[(
                "resource-policy arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#,
            )])
            .fail(&[(
                "resource-policy arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#,
            )])
            .fail(&[(
                "account-details",
                &trusted_by(r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}"#),
            )])
            .pass(&[("account-details", &trusted_by(TRUST_ECS_GUARDED))])
            .fail(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}]}"#,
            )])
            .pass(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}}]}"#,
            )])
            .fail(&[
                ("task-definition", &task_reading(SECRET)),
                ("policy", r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#),
            ])
            .pass(&[
                ("task-definition", &task_reading(SECRET)),
                ("policy", &allow(GET_SECRET, SECRET_PATTERN)),
            ])
            .test();
    }
}
