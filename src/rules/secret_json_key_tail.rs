use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(SecretJsonKeyTail {
    name: "secret-json-key-tail",
    severity: Error,
    fix: Always,
    summary: "A Resource carries the :json-key:version-stage:version-id tail of a valueFrom",
    decides: [Decides::Entry(EntryDefect::JsonKeyTail)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    format!(
        "carries the `:json-key:version-stage:version-id` tail of a `valueFrom`; the secret's ARN is `{resource}`"
    )
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::JsonKeyTail,
        clause,
        "ECS strips the tail before it calls Secrets Manager, and IAM evaluates the secret's ARN alone; the entry with the tail matches nothing, so the call is denied and the task stops",
        cx,
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::",
        );
        let wrong =
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::";
        let right = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
        entry_field_vectors(&super::META, &task, wrong, right).test();
    }
}
