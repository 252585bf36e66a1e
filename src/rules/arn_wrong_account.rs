use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongAccount {
    name: "arn-wrong-account",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another account",
    decides: [Decides::Entry(EntryDefect::WrongAccount)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let account = super::arn_field(resource, |a| a.account);
    format!("names another account; the resource is in `{account}`")
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongAccount,
        clause,
        "IAM compares every field of the ARN; an entry in another account matches nothing the task uses, so the call is denied and the task stops",
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
        let wrong = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????";
        let right = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????";
        entry_field_vectors(&super::META, &task, wrong, right).test();
    }
}
