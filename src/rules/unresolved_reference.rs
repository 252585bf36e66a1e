use super::{Context, Decides, Finding};
use crate::model::ProblemKind;
use crate::needs::{Placed, ReferenceIssue, ReferenceProblemKind};

crate::declare_rule!(UnresolvedReference {
    name: "unresolved-reference",
    severity: Warning,
    fix: Never,
    summary: "A referenced secret or key could not be resolved from the inputs, so its access was not checked",
    decides: [
        Decides::Input(ProblemKind::Unresolved),
        Decides::Reference(ReferenceProblemKind::Unresolved)
    ],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    super::problem_findings(
        &META,
        crate::model::ProblemKind::Unresolved,
        "what it grants was left out of the evaluation",
        cx,
        out,
    );
    for problem in super::reference_problems(cx, ReferenceProblemKind::Unresolved) {
        if let ReferenceIssue::Templated { field, expr } = &problem.issue {
            let finding = templated(cx, problem.loc, field, expr);
            // `--ecspresso-env` already said why this one stays a template.
            if !cx.problems.iter().any(|p| Some(p.loc) == finding.loc) {
                out.push(finding);
            }
        } else if let Some((message, help)) = words(&problem.issue) {
            out.push(Finding::new(&META, problem.loc, message).help(help));
        }
    }
}

/// A value that is a template, located on its first expression.
fn templated(
    cx: &Context<'_>,
    value: crate::model::source::Loc,
    field: &str,
    expr: &crate::model::template::Expr,
) -> Finding {
    use crate::model::template::Kind;
    let at = cx
        .sources
        .within_string(value, expr.start, expr.end, &expr.text);
    let help = match expr.kind {
        Kind::Ecspresso => {
            "check what ecspresso deploys: pass --ecspresso-env to fill `env` and `must_env` from \
             the environment as ecspresso does, or check the output of `ecspresso render`"
        }
        Kind::CloudFormation => {
            "`${AWS::…}` is filled in only inside a CloudFormation template's `Fn::Sub`; in a \
             task definition file, write the value"
        }
        Kind::GetAtt => {
            "write the role's ARN (`arn:aws:iam::ACCOUNT:role/NAME`): `!GetAtt Role.Arn` gives it \
             only inside a CloudFormation template"
        }
        Kind::Intrinsic => {
            "ecslint reads the template before it is deployed: what this gives depends on another \
             stack's export or a condition; give the value as a template parameter \
             (--parameter) or check the stack once it is deployed"
        }
        _ => "check the task definition as it is rendered for the deploy",
    };
    Finding::new(
        &META,
        at,
        format!(
            "{field} is a template: `{}` is {}, filled in before the deploy, so what it names was \
             not checked",
            expr.text,
            expr.kind.describe()
        ),
    )
    .label("filled in before the deploy")
    .help(help)
}

/// What could not be resolved, and what input resolves it.
fn words(issue: &ReferenceIssue) -> Option<(String, &'static str)> {
    Some(match issue {
        ReferenceIssue::PlaceUnknown { what, name } => match what {
            Placed::LogGroup => (
                format!(
                    "cannot tell the ARN of log group \"{name}\": the task's region or account is unknown, so its log permissions were not checked"
                ),
                "set `awslogs-region`, or pass --region; the account comes from the execution role's ARN",
            ),
            Placed::FileSystem => (
                "cannot tell the ARN of this file system: the task's region or account is unknown, so the EFS permissions were not checked".to_string(),
                "pass --region; the account comes from the task definition's role ARNs",
            ),
            Placed::Parameter => (
                format!(
                    "cannot tell the ARN of SSM parameter \"{name}\": the task's region or account is unknown, so its access was not checked"
                ),
                "pass --region (a bare name means the task's own region); the account comes from the execution role's ARN",
            ),
            Placed::SecretName => (
                format!(
                    "cannot tell which ARN secret \"{name}\" stands for: the task's region or account is unknown, so its access was not checked"
                ),
                "IAM evaluates `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME` as requested. Pass --region (the account comes from the execution role's ARN) or --secrets with `aws secretsmanager list-secrets` output; better, reference the secret by its full ARN.",
            ),
        },
        ReferenceIssue::SecretNotListed(reference) => (
            format!(
                "cannot tell the real ARN of secret \"{reference}\": it is not in the secrets given \
                 with --secrets, so its access was not checked"
            ),
            "IAM evaluates the secret's full ARN, which ends in `-` and six random characters. \
             Pass `aws secretsmanager list-secrets` (or `describe-secret`) output with --secrets.",
        ),
        ReferenceIssue::KeyAliasUnresolved(alias) => (
            format!(
                "the value is encrypted with the key behind alias \"{alias}\"; without that key's ARN, `kms:Decrypt` was not checked"
            ),
            "IAM needs `kms:Decrypt` on the key ARN (`arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`), not on the alias. Look it up with `aws kms describe-key --key-id ALIAS`, or pass `--kms-aliases` with `aws kms list-aliases` output.",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let by_name =
            task_with(r#""repositoryCredentials": {"credentialsParameter": "registry-creds"}"#);
        Tester::new(&super::META)
            .fail(&[("task-definition", &by_name)])
            // A managed policy that account details leave out.
            .fail(&[
                ("task-definition", &task_with(r#""essential": true"#)),
                ("account-details", r#"{"RoleDetailList": [{"RoleName": "ecsTaskExecutionRole", "Arn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
                    "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "gone", "PolicyArn": "arn:aws:iam::123456789012:policy/gone"}]}], "Policies": []}"#),
            ])
            .pass(&[
                ("task-definition", &by_name),
                ("secrets", r#"{"SecretList": [{"ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:registry-creds-AbCdEf", "Name": "registry-creds"}]}"#),
            ])
            // Templates, each told where it stands: ecspresso, envsubst, the ECS agent's tests.
            .fail(&[(
                "task-definition",
                &task_reading("arn:aws:ssm:eu-west-1:{{ must_env `AWS_ACCOUNT_ID` }}:parameter/db"),
            )])
            .fail(&[(
                "task-definition",
                &task_reading("arn:aws:secretsmanager:${AWS_REGION}:123456789012:secret:db"),
            )])
            .fail(&[(
                "task-definition",
                r#"{"family": "app", "executionRoleArn": "$$$EXECUTION_ROLE$$$",
                    "containerDefinitions": [{"name": "app", "image": "nginx:1"}]}"#,
            )])
            .pass(&[("task-definition", &task_reading(SECRET))])
            .test();
    }
}
