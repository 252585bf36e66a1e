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
