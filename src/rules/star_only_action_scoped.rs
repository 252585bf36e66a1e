use super::{Context, Decides, Finding};
use crate::defects::DefectKind;
use crate::explain::EntryDefect;

crate::declare_rule!(StarOnlyActionScoped {
    name: "star-only-action-scoped",
    severity: Error,
    fix: Never,
    summary: "An action whose request names no resource of its own (only `*`, or a fixed ARN) is granted on specific resources, which grants nothing",
    decides: [
        Decides::Entry(EntryDefect::StarOnlyScoped),
        Decides::Defect(DefectKind::StarOnlyScoped)
    ],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let _ = resource;
    "names a resource for an action that takes none: it applies only to `\"Resource\": \"*\"`"
        .to_string()
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for defect in &cx.defects.star_only_scoped {
        let statement = cx.statement(defect.policy, defect.statement);
        let action = &statement.action.values[defect.action];
        let known = defect.known;
        let finding = if defect.request == "*" {
            Finding::new(
                &META,
                action.loc,
                format!(
                    "`{known}` takes no resource, so this statement, scoped to specific resources, does not grant it"
                ),
            )
            .label("evaluated on `*` only")
            .note("IAM checks this action against `\"Resource\": \"*\"`; a statement naming resources never matches it")
            .help(format!(
                "move `{known}` to a statement of its own with `\"Resource\": \"*\"` — a star there is required, not a broad grant"
            ))
        } else {
            let asked = defect
                .request
                .replace("${Partition}", "PARTITION")
                .replace("${Region}", "REGION")
                .replace("${Account}", "ACCOUNT");
            Finding::new(
                &META,
                action.loc,
                format!(
                    "`{known}` is asked on `{asked}`, which none of this statement's resources matches, so it does not grant it"
                ),
            )
            .label(format!("asked on `{asked}`"))
            .note("the action has no resource type of its own: the service names this resource in the request, whatever the call is about")
            .help(format!(
                "grant `{known}` in a statement of its own with `\"Resource\": \"*\"` (or a pattern matching `{asked}`)"
            ))
        };
        out.push(finding.related(statement.resource.loc, "these resources never match it"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let repository = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
        Tester::new(&super::META)
            .fail(&[("policy", &allow("ecr:GetAuthorizationToken", repository))])
            .fail(&[(
                "policy",
                &allow("secretsmanager:ListSecrets", SECRET_PATTERN),
            )])
            .pass(&[("policy", &allow("ecr:GetAuthorizationToken", "*"))])
            .pass(&[("policy", &allow("ecr:BatchGetImage", repository))])
            // Asked on `arn:aws:logs:R:A:log-group::log-stream:`, not on a log group's ARN.
            .fail(&[(
                "policy",
                &allow(
                    "logs:DescribeLogGroups",
                    "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app:*",
                ),
            )])
            // The forms AWS's managed policies use, which match what the request names.
            .pass(&[(
                "policy",
                &allow("logs:DescribeLogGroups", "arn:aws:logs:*:*:log-group:*"),
            )])
            .pass(&[("policy", &allow("s3:ListAllMyBuckets", "arn:aws:s3:::*"))])
            .fail(&[("policy", &allow("s3:ListAllMyBuckets", "arn:aws:s3:::app"))])
            // Granted on `*` by another statement: this one is redundant, not broken.
            .pass(&[(
                "policy",
                r#"{"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
                    {"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"],
                     "Resource": "arn:aws:ecr:eu-west-1:123456789012:repository/app"}]}"#,
            )])
            // A Deny scoped to resources is not a grant that fails.
            .pass(&[(
                "policy",
                &policy("Deny", "ecr:GetAuthorizationToken", repository),
            )])
            .test();
    }
}
