use super::{Context, Decides, Finding};
use crate::defects::DefectKind;
use crate::explain::EntryDefect;

crate::declare_rule!(StarOnlyActionScoped {
    name: "star-only-action-scoped",
    severity: Error,
    fix: Never,
    summary: "An action that takes no resource is granted on a specific resource, which grants nothing",
    decides: [
        Decides::Entry(EntryDefect::StarOnlyScoped),
        Decides::Defect(DefectKind::StarOnlyScoped)
    ],
});

/// What is wrong with an entry meant for `resource`, as a clause after "its `Resource`".
pub(super) fn clause(resource: &str) -> String {
    let _ = resource;
    "names a resource for an action that takes none: it applies only to `\"Resource\": \"*\"`"
        .to_string()
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
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

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        let repository = "arn:aws:ecr:eu-west-1:123456789012:repository/app";
        Tester::new(&super::META)
            .fail(&[("policy", &allow("ecr:GetAuthorizationToken", repository))])
            .fail(&[(
                "policy",
                &allow("secretsmanager:ListSecrets", SECRET_PATTERN),
            )])
            .pass(&[("policy", &allow("ecr:GetAuthorizationToken", "*"))])
            .pass(&[("policy", &allow("ecr:BatchGetImage", repository))])
            // A Deny scoped to resources is not a grant that fails.
            .pass(&[(
                "policy",
                &policy("Deny", "ecr:GetAuthorizationToken", repository),
            )])
            .test();
    }
}
