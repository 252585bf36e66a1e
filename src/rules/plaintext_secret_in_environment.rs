use super::{Context, Finding};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::source::{Loc, Span};
use crate::model::taskdef::{ContainerDefinition, CredentialSign, TaskDefinition};

crate::declare_rule!(PlaintextSecretInEnvironment {
    name: "plaintext-secret-in-environment",
    severity: Warning,
    fix: Sometimes,
    summary: "A credential is written in plain text in a container's environment; it belongs in secrets",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for td in cx.task_definitions {
        for (i, container) in td.containers.iter().enumerate() {
            if container.plaintext_credentials.is_empty() {
                continue;
            }
            // One fix per container moves all of its credentials at once: the edits of two
            // would rewrite the same arrays.
            let fix = if cx.is_file(td.loc) {
                move_to_secrets(cx, td, container, i)
            } else {
                None
            };
            for (n, p) in container.plaintext_credentials.iter().enumerate() {
                let why = match p.why {
                    CredentialSign::Name => "its name says it holds a credential",
                    CredentialSign::AccessKeyId => {
                        "its value has the shape of an AWS access key id"
                    }
                    CredentialSign::PrivateKey => "its value holds a private key",
                };
                out.push(
                    Finding::new(
                        &META,
                        p.name.loc,
                        format!(
                            "{} sets `{}` in `environment` in plain text: {why}",
                            container.display_name(i),
                            p.name.value
                        ),
                    )
                    .label("a credential in plain text")
                    .related(p.value, "its value (never shown by ecslint)")
                    .note("an `environment` value is stored in the task definition as written: anyone who can describe the task definition (`ecs:DescribeTaskDefinition`, the console, CloudTrail, a CI log) reads it, and every revision keeps it; `secrets` makes ECS fetch it from Secrets Manager or Parameter Store at start, with the execution role")
                    .help(format!(
                        "store the value in Secrets Manager without putting it on a command line — `aws secretsmanager create-secret --name {} --secret-string file://{}.txt` (a file only you can read, deleted afterwards) — and reference the ARN it prints from `secrets`, granting the execution role `secretsmanager:GetSecretValue` on it; rotate the value, since it has been exposed",
                        secret_name(td, container, i, &p.name.value),
                        p.name.value
                    ))
                    .fix(if n == 0 { fix.clone() } else { None }),
                );
            }
        }
    }
}

/// The name a secret for this variable would take: `FAMILY/CONTAINER/VARIABLE`.
fn secret_name(td: &TaskDefinition, c: &ContainerDefinition, i: usize, variable: &str) -> String {
    let family = td.family.as_ref().map_or("task", |f| f.value.as_str());
    let container = c
        .name
        .as_ref()
        .map_or_else(|| format!("container-{}", i + 1), |n| n.value.clone());
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "/_+=.@-".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!(
        "{}/{}/{}",
        clean(family),
        clean(&container),
        clean(variable)
    )
}

/// The edit that takes the container's credentials out of `environment` and puts each in
/// `secrets` as a reference to the secret to create, by its ARN without the suffix Secrets
/// Manager adds (which exists only once it is created): unsafe, since the secret does not exist
/// yet. `None` when the task's region or account is unknown.
fn move_to_secrets(
    cx: &Context<'_>,
    td: &TaskDefinition,
    c: &ContainerDefinition,
    container: usize,
) -> Option<Fix> {
    let source = td.loc.source;
    let text = &cx.sources.get(source).text;
    let (env, items) = c.layout.environment.as_ref()?;
    let slice = |s: Span| text.get(s.start..s.end);
    let moved: Vec<usize> = c.plaintext_credentials.iter().map(|p| p.index).collect();
    let kept: Vec<&str> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| !moved.contains(i))
        .map(|(_, s)| slice(*s))
        .collect::<Option<_>>()?;
    // The separator the list uses between items, and its space inside the brackets.
    let separator = match items.as_slice() {
        [a, b, ..] => text.get(a.end..b.start)?,
        _ => ", ",
    };
    let (first, last) = (items.first()?, items.last()?);
    let env_text = if kept.is_empty() {
        "[]".to_string()
    } else {
        format!(
            "{}{}{}",
            text.get(env.start..first.start)?,
            kept.join(separator),
            text.get(last.end..env.end)?
        )
    };
    // `valueFrom` by name is a Parameter Store parameter: a secret is named by its ARN, which
    // takes the task's region and account.
    let task = crate::needs::TaskContext::of(td, None);
    let (region, account) = (task.region?, task.account?);
    let entries: Vec<String> = c
        .plaintext_credentials
        .iter()
        .map(|p| {
            let name = serde_json::to_string(&p.name.value).unwrap_or_default();
            let arn = format!(
                "arn:{}:secretsmanager:{region}:{account}:secret:{}",
                task.partition,
                secret_name(td, c, container, &p.name.value)
            );
            let from = serde_json::to_string(&arn).unwrap_or_default();
            format!("{{\"name\": {name}, \"valueFrom\": {from}}}")
        })
        .collect();
    let mut edits = Vec::new();
    match &c.layout.secrets {
        Some((_, present)) if !present.is_empty() => {
            edits.push(Edit::replace(Loc::new(source, *env), env_text));
            let sep = match present.as_slice() {
                [a, b, ..] => text.get(a.end..b.start)?,
                _ => separator,
            };
            edits.push(Edit::insert(
                source,
                present[0].start,
                format!("{}{sep}", entries.join(sep)),
            ));
        }
        Some((list, _)) => {
            edits.push(Edit::replace(Loc::new(source, *env), env_text));
            edits.push(Edit::replace(
                Loc::new(source, *list),
                format!("[{}]", entries.join(separator)),
            ));
        }
        None => edits.push(Edit::replace(
            Loc::new(source, *env),
            format!("{env_text}, \"secrets\": [{}]", entries.join(separator)),
        )),
    }
    Some(Fix {
        applicability: Applicability::Unsafe,
        message: "move the credentials from `environment` to `secrets`, each referencing the secret to create first by the ARN of its name — once it is created, write the full ARN Secrets Manager prints (the value is not copied anywhere)".to_string(),
        edits,
    })
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    /// A task definition that says its region and account, its container with `fields`.
    fn fix_task(fields: &str) -> String {
        format!(
            r#"{{"family": "app", "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{{"name": "app", "image": "nginx:1", {}}}]}}"#,
            fields.replace("SECRET", SECRET)
        )
    }

    /// The execution role's policy: the secret read now, and the ones the fix names.
    fn granting() -> String {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
  "Resource": ["{SECRET}", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*"]}}]}}"#
        )
    }

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[(
                "task-definition",
                &task_with(r#""environment": [{"name": "MODE", "value": "prod"}, {"name": "DB_PASSWORD", "value": "hunter2-prod"}]"#),
            )])
            .fail(&[(
                "task-definition",
                &task_with(r#""environment": [{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"}]"#),
            )])
            .pass(&[(
                "task-definition",
                &task_with(r#""environment": [{"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"}, {"name": "API_TOKEN", "value": "${API_TOKEN}"}, {"name": "SECRET_ARN", "value": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"}, {"name": "DB_PASSWORD", "value": ""}]"#),
            )])
            .pass(&[("task-definition", &task_reading(SECRET))])
            .fix(
                &[
                    ("task-definition", &fix_task(r#""environment": [{"name": "MODE", "value": "prod"}, {"name": "DB_PASSWORD", "value": "hunter2-prod"}], "secrets": [{"name": "S", "valueFrom": "SECRET"}]"#)),
                    ("policy ecsTaskExecutionRole", &granting()),
                ],
                &[
                    ("task-definition", &fix_task(r#""environment": [{"name": "MODE", "value": "prod"}], "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/app/DB_PASSWORD"}, {"name": "S", "valueFrom": "SECRET"}]"#)),
                    ("policy ecsTaskExecutionRole", &granting()),
                ],
            )
            .fix(
                &[
                    ("task-definition", &fix_task(r#""environment": [{"name": "GITHUB_TOKEN", "value": "ghp_0123456789"}]"#)),
                    ("policy ecsTaskExecutionRole", &granting()),
                ],
                &[
                    ("task-definition", &fix_task(r#""environment": [], "secrets": [{"name": "GITHUB_TOKEN", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/app/GITHUB_TOKEN"}]"#)),
                    ("policy ecsTaskExecutionRole", &granting()),
                ],
            )
            .test();
    }
}
