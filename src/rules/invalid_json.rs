use super::{Context, Decides, Finding, problem_findings};
use crate::model::ProblemKind;

crate::declare_rule!(InvalidJson {
    name: "invalid-json",
    severity: Error,
    fix: Never,
    summary: "An input file is not valid JSON",
    decides: [Decides::Input(ProblemKind::InvalidJson)],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    problem_findings(
        &META,
        ProblemKind::InvalidJson,
        "AWS rejects a document that is not valid JSON (MalformedPolicyDocument), and nothing \
         in this file could be checked",
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
            .fail(&[("policy", r#"{"Version": "2012-10-17", "Statement": [],}"#)])
            .fail(&[("task-definition", "{\"family\": \"app\", // a comment\n}")])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .test();
    }
}
