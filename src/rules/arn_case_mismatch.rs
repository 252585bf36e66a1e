use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnCaseMismatch {
    name: "arn-case-mismatch",
    severity: Error,
    fix: Always,
    summary: "A Resource differs from a referenced ARN only in letter case",
    decides: [Decides::Entry(EntryDefect::CaseMismatch)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    format!("differs from `{resource}` only in letter case, and ARNs match case-sensitively")
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::CaseMismatch,
        clause,
        "actions match case-insensitively, but ARNs match case-sensitively: this entry matches nothing the task uses, so the call is denied and the task stops",
        cx,
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        let wrong = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:Prod/DB-AbCdEf";
        let right = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
        entry_field_vectors(&super::META, &task, wrong, right).test();
    }
}
