use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongPartition {
    name: "arn-wrong-partition",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another partition (aws, aws-cn, aws-us-gov)",
    decides: [Decides::Entry(EntryDefect::WrongPartition)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let partition = super::arn_field(resource, |a| a.partition);
    format!("names another partition; the resource is in `{partition}`")
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongPartition,
        clause,
        "IAM compares every field of the ARN; an entry in another partition matches nothing the task uses, so the call is denied and the task stops",
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
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db-AbCdEf",
        );
        let wrong = "arn:aws:secretsmanager:us-gov-west-1:123456789012:secret:prod/db-??????";
        let right =
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db-??????";
        entry_field_vectors(&super::META, &task, wrong, right).test();
    }
}
