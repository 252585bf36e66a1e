use super::{Context, Decides, Finding, field_defect_findings};
use crate::explain::EntryDefect;

crate::declare_rule!(ArnWrongRegion {
    name: "arn-wrong-region",
    severity: Error,
    fix: Always,
    summary: "A Resource meant for a referenced resource names another region",
    decides: [Decides::Entry(EntryDefect::WrongRegion)],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let region = super::arn_field(resource, |a| a.region);
    format!("names another region; the resource is in `{region}`")
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    field_defect_findings(
        &META,
        EntryDefect::WrongRegion,
        clause,
        "IAM compares every field of the ARN; an entry in another region matches nothing the task uses, so the call is denied and the task stops",
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
        let wrong = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-??????";
        let right = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????";
        entry_field_vectors(&super::META, &task, wrong, right).test();
    }
}
