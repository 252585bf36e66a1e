use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::needs::ReferenceProblemKind;

pub struct InvalidValueFrom;

static META: RuleMeta = RuleMeta {
    name: "invalid-value-from",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "A secret reference in the task definition has a shape ECS refuses",
    doc: include_str!("../../rules/invalid-value-from.md"),
};

impl Rule for InvalidValueFrom {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for problem in super::reference_problems(cx, ReferenceProblemKind::Malformed) {
            let mut finding = Finding::new(&META, problem.loc, problem.message.clone())
                .note("the task stops before its containers start");
            if let Some(help) = &problem.help {
                finding = finding.help(help.clone());
            }
            out.push(finding);
        }
    }
}
