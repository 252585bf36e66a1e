use super::{Context, Finding, FixAvailability, Rule, RuleMeta, Severity};
use crate::model::policy::Effect;

pub struct StarOnlyActionScoped;

static META: RuleMeta = RuleMeta {
    name: "star-only-action-scoped",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    summary: "An action that takes no resource is granted on a specific resource, which grants nothing",
    doc: include_str!("../../rules/star-only-action-scoped.md"),
};

/// Actions that support no resource-level permissions: IAM evaluates them on `*` only
/// (Service Authorization Reference).
pub const STAR_ONLY_ACTIONS: &[&str] = &[
    "ecr:GetAuthorizationToken",
    "secretsmanager:ListSecrets",
    "secretsmanager:GetRandomPassword",
    "ssm:DescribeParameters",
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:CreateKey",
    "sts:GetCallerIdentity",
    "s3:ListAllMyBuckets",
];

impl Rule for StarOnlyActionScoped {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for policy in &cx.inventory.policies {
            for statement in &policy.document.statements {
                if statement.effect.value != Effect::Allow
                    || statement.action.negated
                    || statement.resource.negated
                    || statement.resource.values.iter().any(|r| r.value == "*")
                {
                    continue;
                }
                for action in &statement.action.values {
                    let Some(known) = STAR_ONLY_ACTIONS
                        .iter()
                        .find(|a| a.eq_ignore_ascii_case(&action.value))
                    else {
                        continue;
                    };
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
                    finding =
                        finding.related(statement.resource.loc, "these resources never match it");
                    out.push(finding);
                }
            }
        }
    }
}
