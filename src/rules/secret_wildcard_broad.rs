use super::{Context, Finding};
use crate::arn::Arn;
use crate::fix::{Applicability, Edit, Fix};
use crate::iam::statement_covers_action;
use crate::model::policy::Effect;

crate::declare_rule!(SecretWildcardBroad {
    name: "secret-wildcard-broad",
    severity: Warning,
    fix: Always,
    summary: "A secret granted as NAME-* or NAME* also matches other secrets; NAME-?????? matches only it",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for policy in &cx.inventory.policies {
        // In a secret's own policy the resource is that secret.
        if !matches!(
            policy.kind,
            crate::iam::PolicyType::Identity | crate::iam::PolicyType::PermissionsBoundary
        ) {
            continue;
        }
        for statement in &policy.document.statements {
            // The cheap test first: most statements name no secret ending in `*`.
            let candidate = |v: &str| v.ends_with('*') && v.contains(":secret:");
            if statement.effect.value != Effect::Allow
                || statement.resource.negated
                || !statement
                    .resource
                    .values
                    .iter()
                    .any(|e| candidate(&e.value))
                || !statement_covers_action(statement, "secretsmanager:GetSecretValue")
            {
                continue;
            }
            for entry in &statement.resource.values {
                if !entry.value.ends_with('*') || !entry.value.contains(":secret:") {
                    continue;
                }
                let Some(arn) = Arn::parse(&entry.value) else {
                    continue;
                };
                let Some(name) = arn
                    .resource
                    .strip_prefix("secret:")
                    .and_then(|r| r.strip_suffix('*'))
                else {
                    continue;
                };
                // `prod/*` means "everything under prod/": a deliberate prefix, not a name.
                let base = name.strip_suffix('-').unwrap_or(name);
                if base.is_empty() || base.ends_with('/') || base.contains(['*', '?']) {
                    continue;
                }
                // A family of secrets, not one: any region or account (`…:*:*:secret:greengrass-*`,
                // as AWS's managed policies write), or a service's own prefix (`events!`,
                // `datasync!`: names services create with `!`).
                let any = |field: &str| field.is_empty() || field.contains(['*', '?']);
                if any(&arn.region) || any(&arn.account) || base.contains('!') {
                    continue;
                }
                out.push(finding(cx, entry, &arn, name, base));
            }
        }
    }
}

/// The finding for an entry `…:secret:NAME*` (`name` is what precedes the star, `base` the name
/// without a trailing `-`), with the narrowing fix where every reference can follow it.
fn finding(
    cx: &Context<'_>,
    entry: &crate::model::source::Spanned<String>,
    arn: &Arn,
    name: &str,
    base: &str,
) -> Finding {
    let exact = Arn {
        resource: crate::arn::secret_name_pattern(&format!("secret:{base}")),
        ..arn.clone()
    }
    .to_string();
    // Task definitions that name the secret by partial ARN are granted only by a
    // wildcard like this one (IAM evaluates the ARN as requested): narrowing it
    // alone would stop them, so the fix also names the full ARN there, where the
    // listing tells it.
    let partial: Vec<&crate::needs::Need> = cx
        .needs
        .needs
        .iter()
        .filter(|n| {
            matches!(
                n.subject,
                crate::needs::Subject::Secret {
                    by_partial: true,
                    ..
                }
            ) && crate::iam::pattern::resource_matches(&entry.value, &n.request.resource)
                && !crate::iam::pattern::resource_matches(&exact, &n.request.resource)
        })
        .collect();
    let rewrites = super::full_reference_edits(cx, partial.iter().copied());
    let help = match partial.first() {
        Some(need) => format!(
            "{} names the secret by partial ARN `{}`, which `{exact}` would not match: reference it by its full ARN there as well as writing `{exact}`",
            need.origins
                .first()
                .map_or("the task definition", |o| o.what.as_str()),
            need.request.resource
        ),
        None => format!(
            "write `{exact}`: each `?` matches one character, exactly the random suffix of `{base}`"
        ),
    };
    let fix = rewrites.map(|rewrites| Fix {
        // Narrowing may remove access someone relies on.
        applicability: Applicability::Unsafe,
        message: if partial.is_empty() {
            format!("replace with `{exact}`")
        } else {
            format!(
                "replace with `{exact}`, and name the secret by its full ARN where a task definition names it without its suffix"
            )
        },
        edits: std::iter::once(Edit::replace(
            entry.loc,
            crate::json::quote(&exact),
        ))
        .chain(rewrites)
        .collect(),
    });
    Finding::new(
            &META,
            entry.loc,
            format!(
                "`{}` matches every secret whose name starts with `{}`, not only `{base}`",
                entry.value,
                if name.ends_with('-') { format!("{base}-") } else { base.to_string() }
            ),
        )
        .label("broader than one secret")
        .note(format!(
            "`{base}-*` also matches `{base}-staging-AbCdEf`, a different secret; `{base}*` matches `{base}2`. A Deny written this way has the mirror problem."
        ))
        .help(help)
        .fix(fix)
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let broad = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-*";
        Tester::new(&super::META)
            .fail(&[("policy", &allow(GET_SECRET, broad))])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            // A prefix of many secrets is a choice, not a slip.
            .pass(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/*",
                ),
            )])
            // Families AWS's managed policies grant: any account, or a service's `!` prefix.
            .pass(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager:*:*:secret:AmazonSageMaker-*",
                ),
            )])
            .pass(&[(
                "policy",
                &allow(
                    GET_SECRET,
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!*",
                ),
            )])
            .fix(
                &[("policy", &allow(GET_SECRET, broad))],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
