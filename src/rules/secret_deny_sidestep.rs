use super::{Context, Finding};
use crate::arn::{Arn, has_secret_suffix};
use crate::fix::{Applicability, Edit, Fix};
use crate::iam::pattern::resource_matches;
use crate::iam::statement_covers_action;
use crate::model::policy::Effect;

crate::declare_rule!(SecretDenySidestep {
    name: "secret-deny-sidestep",
    severity: Warning,
    fix: Always,
    summary: "A Deny on a secret's suffixed ARN (NAME-*, NAME-??????, the full ARN) does not stop a request by partial ARN",
    decides: [],
});

/// The secret name a Deny entry means to cover when it is written for the suffixed ARN only:
/// `NAME-??????` or `NAME-AbCdEf`, and `NAME-*` (with whether it was that form: it is also how
/// a prefix of many secrets is written, `prod-*`).
fn suffixed_only(id: &str) -> Option<(&str, bool)> {
    let (base, star) = match id.strip_suffix("-*") {
        Some(base) => (base, true),
        None => (
            id.strip_suffix(crate::arn::SECRET_SUFFIX_PATTERN)
                .or_else(|| {
                    has_secret_suffix(id).then(|| &id[..id.len() - crate::arn::SECRET_SUFFIX_LEN])
                })?,
            false,
        ),
    };
    (!base.is_empty() && !base.contains(['*', '?'])).then_some((base, star))
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for policy in &cx.inventory.policies {
        for statement in &policy.document.statements {
            if statement.effect.value != Effect::Deny
                || statement.resource.negated
                || !statement
                    .resource
                    .values
                    .iter()
                    .any(|e| e.value.contains(":secret:"))
                || !statement_covers_action(statement, "secretsmanager:GetSecretValue")
            {
                continue;
            }
            for entry in &statement.resource.values {
                let Some(arn) = Arn::parse(&entry.value) else {
                    continue;
                };
                let Some((base, star)) =
                    arn.resource.strip_prefix("secret:").and_then(suffixed_only)
                else {
                    continue;
                };
                if arn.service != "secretsmanager" {
                    continue;
                }
                let partial = Arn {
                    resource: format!("secret:{base}"),
                    ..arn.clone()
                }
                .to_string();
                // `NAME-*` names one secret only when there is a secret called NAME: the
                // listing has one, or a task definition names it so. Otherwise it is a prefix
                // (`prod-*`), and a partial ARN of any secret under it (`prod-db`) matches.
                if star
                    && !cx.inventory.secrets.iter().any(|s| {
                        crate::arn::display_name_arn(&s.arn.value)
                            .is_some_and(|d| resource_matches(&partial, d))
                    })
                    && !cx
                        .needs
                        .needs
                        .iter()
                        .any(|n| resource_matches(&partial, &n.request.resource))
                {
                    continue;
                }
                // Another entry of the statement may already cover the partial ARN.
                if statement
                    .resource
                    .values
                    .iter()
                    .any(|e| resource_matches(&e.value, &partial))
                {
                    continue;
                }
                let widened = format!("{partial}*");
                out.push(
                    Finding::new(
                        &META,
                        entry.loc,
                        format!(
                            "this Deny matches only the suffixed ARN of secret \"{base}\"; a request for `{partial}` (the secret by name or partial ARN) is not denied"
                        ),
                    )
                    .label("a partial-ARN request sidesteps this Deny")
                    .note("Secrets Manager finds a secret by name or partial ARN, and IAM evaluates the ARN as requested: `NAME-*`, `NAME-??????` and the full ARN match only requests that carry the suffix, so anyone allowed elsewhere reads the secret by naming it without one")
                    .help(format!(
                        "deny `{widened}`, which matches the secret whether or not the request carries the suffix (it also matches other secrets whose names start with `{base}`)"
                    ))
                    .fix(Some(Fix {
                        // It also denies other secrets that share the prefix.
                        applicability: Applicability::Unsafe,
                        message: format!("replace with `{widened}`"),
                        edits: vec![Edit::replace(entry.loc, crate::json::quote(&widened))],
                    })),
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
        let with_deny = |resource: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [
    {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}},
    {{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "{resource}"}}]}}"#
            )
        };
        let prefix = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db*";
        Tester::new(&super::META)
            .fail(&[("policy", &with_deny(SECRET_PATTERN))])
            .fail(&[("policy", &with_deny(SECRET))])
            .pass(&[("policy", &with_deny(prefix))])
            .pass(&[("policy", &with_deny(SECRET_BY_NAME))])
            .fix(
                &[("policy", &with_deny(SECRET_PATTERN))],
                &[("policy", &with_deny(prefix))],
            )
            .test();
    }
}
