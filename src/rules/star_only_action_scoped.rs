use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};

pub struct StarOnlyActionScoped;

static META: RuleMeta = RuleMeta {
    name: "star-only-action-scoped",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "An action that takes no resource is granted on a specific resource, which grants nothing",
    doc: include_str!("../../rules/star-only-action-scoped.md"),
};

impl Rule for StarOnlyActionScoped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for defect in &cx.defects.star_only_scoped {
            let statement = cx.statement(defect.policy, defect.statement);
            let action = &statement.action.values[defect.action];
            let known = defect.known;
            let mut finding = Finding::new(
                &META,
                action.loc,
                format!(
                    "`{known}` takes no resource, so this statement, scoped to specific resources, does not grant it"
                ),
            )
            .label("evaluated on `*` only")
            .note("IAM checks this action against `\"Resource\": \"*\"`; a statement naming resources never matches it")
            .help(format!(
                "move `{known}` to a statement of its own with `\"Resource\": \"*\"` — a star there is required, not a broad grant"
            ));
            finding = finding.related(statement.resource.loc, "these resources never match it");
            out.push(finding);
        }
    }
}
