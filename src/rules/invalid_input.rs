use super::{Context, Decides, Finding, problem_findings};
use crate::model::ProblemKind;

crate::declare_rule!(InvalidInput {
    name: "invalid-input",
    severity: Error,
    fix: Never,
    summary: "An input file is JSON, but not the document its flag expects",
    decides: [Decides::Input(ProblemKind::InvalidInput)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    problem_findings(
        &META,
        ProblemKind::InvalidInput,
        "the part that could not be read was left out of the check",
        cx,
        out,
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[("task-definition", r#"{"family": "app"}"#)])
            .fail(&[("secrets", r#"{"SecretList": {"ARN": 1}}"#)])
            .pass(&[("task-definition", &task_with(r#""essential": true"#))])
            .test();
    }
}
