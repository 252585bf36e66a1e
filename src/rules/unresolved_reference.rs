use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::needs::ReferenceProblemKind;

pub struct UnresolvedReference;

static META: RuleMeta = RuleMeta {
    name: "unresolved-reference",
    severity: Severity::Warning,
    fix: FixAvailability::Never,
    summary: "A referenced secret or key could not be resolved from the inputs, so its access was not checked",
    doc: include_str!("../../rules/unresolved-reference.md"),
};

impl Rule for UnresolvedReference {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        super::problem_findings(
            &META,
            crate::model::ProblemKind::Unresolved,
            "what it grants was left out of the evaluation",
            cx,
            out,
        );
        for problem in super::reference_problems(cx, ReferenceProblemKind::Unresolved) {
            let mut finding = Finding::new(&META, problem.loc, problem.message.clone());
            if let Some(help) = &problem.help {
                finding = finding.help(help.clone());
            }
            out.push(finding);
        }
    }
}
