use super::{Context, Decides, Finding, entry_defect_findings};
use crate::explain::EntryDefect;
use crate::fix::Applicability;

crate::declare_rule!(KmsAliasResource {
    name: "kms-alias-resource",
    severity: Error,
    fix: Always,
    summary: "kms:Decrypt is granted on a KMS alias ARN, where IAM evaluates the key ARN",
    decides: [Decides::Entry(EntryDefect::KmsAlias)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    format!(
        "names a KMS alias, which covers only alias operations; `kms:Decrypt` is evaluated on the key `{resource}`"
    )
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Safe only when `list-aliases` (`--kms-aliases`, or live) shows the alias points at the
    // very key the task needs; otherwise nothing proves it, and the fix is a suggestion.
    let proven = |alias: &str, key: &str| {
        if cx.inventory.alias_points_at(alias, key) {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        }
    };
    entry_defect_findings(
        &META,
        EntryDefect::KmsAlias,
        clause,
        "an alias ARN in `Resource` covers only alias operations; to scope a key by alias, \
         use the `kms:ResourceAliases` condition key instead",
        &proven,
        cx,
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let key = "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
        let alias = "arn:aws:kms:eu-west-1:123456789012:alias/prod-secrets";
        let task = task_reading(SECRET);
        let secrets = format!(
            r#"{{"SecretList": [{{"ARN": "{SECRET}", "Name": "prod/db", "KmsKeyId": "{key}"}}]}}"#
        );
        let grants = |decrypt: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [
    {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET_PATTERN}"}},
    {{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "{decrypt}"}}]}}"#
            )
        };
        Tester::new(&super::META)
            .fail(&[
                ("task-definition", &task),
                ("policy", &grants(alias)),
                ("secrets", &secrets),
            ])
            .pass(&[
                ("task-definition", &task),
                ("policy", &grants(key)),
                ("secrets", &secrets),
            ])
            .fix(
                &[
                    ("task-definition", &task),
                    ("policy", &grants(alias)),
                    ("secrets", &secrets),
                ],
                &[("policy", &grants(key))],
            )
            .test();
    }
}
