use super::{Context, Decides, Finding};
use crate::needs::{ReferenceIssue, ReferenceProblemKind};

crate::declare_rule!(InvalidValueFrom {
    name: "invalid-value-from",
    severity: Error,
    fix: Never,
    summary: "A secret reference in the task definition has a shape ECS refuses",
    decides: [Decides::Reference(ReferenceProblemKind::Malformed)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for problem in super::reference_problems(cx, ReferenceProblemKind::Malformed) {
        let Some((message, help)) = words(&problem.issue) else {
            continue;
        };
        let mut finding = Finding::new(&META, problem.loc, message)
            .note("the task stops before its containers start");
        if let Some(help) = help {
            finding = finding.help(help);
        }
        out.push(finding);
    }
}

/// What is wrong, and what to do.
fn words(issue: &ReferenceIssue) -> Option<(String, Option<&'static str>)> {
    Some(match issue {
        ReferenceIssue::SecretFieldCount(n) => (
            format!(
                "this Secrets Manager `valueFrom` has {n} fields after the service's ARN prefix; \
                 ECS accepts the secret's ARN alone or followed by exactly \
                 `:json-key:version-stage:version-id`"
            ),
            Some(
                "ECS stops the task with \"an invalid ARN format for the AWS Secrets Manager \
                 secret was specified. Specify a valid ARN and try again.\" Write the full ARN, \
                 and for one JSON key `ARN:json-key::` (the empty fields keep their colons).",
            ),
        ),
        ReferenceIssue::NotASecret => (
            "this Secrets Manager ARN does not name a secret (expected `…:secret:NAME`)"
                .to_string(),
            None,
        ),
        ReferenceIssue::CredentialsNotASecret => (
            "`credentialsParameter` must be the ARN (or name) of a Secrets Manager secret"
                .to_string(),
            Some(
                "The secret holds the registry's {\"username\": …, \"password\": …}; name it \
                 by its full ARN.",
            ),
        ),
        ReferenceIssue::ParameterSlashDoubled(meant) => (
            format!(
                "this SSM parameter ARN doubles the slash after `parameter`: the ARN of a \
                 parameter named `/a/b` is `…:parameter/a/b`; write `{meant}`"
            ),
            Some(
                "SSM reads the doubled slash as part of the name, finds no such parameter, and \
                 ECS stops the task (\"invalid parameters\"); a policy granting the parameter's \
                 real ARN does not match it either.",
            ),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("task-definition", &task_reading(&format!("{SECRET}:password:AWSCURRENT")))])
            .fail(&[("task-definition", &task_with(r#""repositoryCredentials": {"credentialsParameter": "arn:aws:ssm:eu-west-1:123456789012:parameter/creds"}"#))])
            .pass(&[("task-definition", &task_reading(&format!("{SECRET}:password:AWSCURRENT:")))])
            .pass(&[("task-definition", &task_reading(SECRET))])
            .fail(&[(
                "task-definition",
                &task_reading("arn:aws:ssm:eu-west-1:123456789012:parameter//app/db"),
            )])
            .pass(&[(
                "task-definition",
                &task_reading("arn:aws:ssm:eu-west-1:123456789012:parameter/app/db"),
            )])
            .test();
    }
}
