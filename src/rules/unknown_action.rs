use super::{Context, Finding, Severity};
use crate::catalog::{self, ActionCheck};
use crate::explain::Cause;
use crate::fix::{Applicability, Edit, Fix};
use crate::model::policy::Effect;

crate::declare_rule!(UnknownAction {
    name: "unknown-action",
    severity: Error,
    fix: Sometimes,
    summary: "An Action names no real action (a typo, or a misspelled service prefix)",
    decides: [],
});

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Entries that action-near-miss already explains for a need.
    let explained: Vec<crate::model::source::Loc> = cx
        .assessments
        .iter()
        .filter_map(|a| match &a.cause {
            Cause::ActionNearMiss(entries) => Some(entries),
            _ => None,
        })
        .flatten()
        .map(|(at, i)| cx.statement(at.policy, at.statement).action.values[*i].loc)
        .collect();
    for policy in &cx.inventory.policies {
        for statement in &policy.document.statements {
            for action in &statement.action.values {
                if explained.contains(&action.loc) {
                    continue;
                }
                let checked = catalog::check(&action.value);
                let whole_service = matches!(checked, ActionCheck::UnknownService { .. });
                let (message, suggestion, certain) = match checked {
                    ActionCheck::Fine => continue,
                    ActionCheck::UnknownService {
                        suggestion: Some(suggestion),
                    } => (
                        format!(
                            "`{}` names no AWS service; did you mean `{suggestion}`?",
                            action.value
                        ),
                        Some(suggestion),
                        true,
                    ),
                    ActionCheck::UnknownService { suggestion: None } => (
                        format!(
                            "`{}` names no AWS service in the catalog ({}): a retired service, or one newer than the catalog",
                            action.value,
                            catalog::catalog().date
                        ),
                        None,
                        false,
                    ),
                    ActionCheck::Unknown {
                        suggestion: Some(s),
                    } => (
                        format!(
                            "`{}` is not an action we know; did you mean `{s}`?",
                            action.value
                        ),
                        Some(s),
                        true,
                    ),
                    // Nothing near it: a mistake, or an action AWS retired (or added) since.
                    ActionCheck::Unknown { suggestion: None } => (
                        format!(
                            "`{}` matches no action of its service in the catalog ({})",
                            action.value,
                            catalog::catalog().date
                        ),
                        None,
                        false,
                    ),
                };
                let effect = match statement.effect.value {
                    Effect::Allow => "grants",
                    Effect::Deny => "denies",
                };
                let mut finding = Finding::new(&META, action.loc, message)
                    .label("not an action")
                    .note(format!(
                        "IAM accepts the policy, but this entry {effect} nothing{}",
                        if statement.effect.value == Effect::Deny {
                            ": the guard it was meant to be is not there"
                        } else {
                            ""
                        }
                    ))
                    .fix(suggestion.map(|s| Fix {
                        // Which action was meant is a guess.
                        applicability: Applicability::Unsafe,
                        message: format!("replace with `{s}`"),
                        edits: vec![Edit::replace(action.loc, crate::json::quote(&s))],
                    }));
                if !certain {
                    // Likely a mistake, possibly an action newer than the catalog or retired.
                    finding.severity = Severity::Warning;
                    if whole_service {
                        // A whole service: retired (the entry grants nothing, harmlessly) or new.
                        finding.severity = Severity::Info;
                    }
                }
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    #[test]
    fn vectors() {
        Tester::new(&super::META)
            .fail(&[(
                "policy",
                &allow("secretsmanager:GetSecretVal", SECRET_PATTERN),
            )])
            .fail(&[(
                "policy",
                &allow("secretmanager:GetSecretValue", SECRET_PATTERN),
            )])
            .pass(&[("policy", &allow(GET_SECRET, SECRET_PATTERN))])
            .pass(&[("policy", &allow("secretsmanager:Get*", SECRET_PATTERN))])
            .fix(
                &[(
                    "policy",
                    &allow("secretsmanager:GetSecretVal", SECRET_PATTERN),
                )],
                &[("policy", &allow(GET_SECRET, SECRET_PATTERN))],
            )
            .test();
    }
}
