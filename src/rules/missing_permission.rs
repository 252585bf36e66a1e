use super::{Context, Decides, Finding, describe_need};
use crate::explain::Cause;
use crate::explain::CauseKind;
use crate::fix::{Applicability, Fix, Grant, grant_edits};
use crate::needs::Need;

crate::declare_rule!(MissingPermission {
    name: "missing-permission",
    severity: Error,
    fix: Sometimes,
    summary: "No statement grants an access the task definition needs",
    decides: [
        Decides::Cause(CauseKind::NotGranted),
        Decides::Cause(CauseKind::KeyPolicyDenies),
    ],
});

fn grant_for(need: &Need) -> Grant {
    // A task's role is passed to ECS tasks only: the grant says so (iam:PassedToService), so
    // the deploy principal cannot hand the same role to another service. (A pasted denial's
    // PassRole may be to any service: its grant is not scoped.)
    let condition = (need.role == crate::needs::RoleKind::Deployer
        && need.request.action.eq_ignore_ascii_case("iam:PassRole"))
    .then(|| {
        (
            "StringEquals".to_string(),
            "iam:PassedToService".to_string(),
            crate::needs::PASSED_TO_ECS_TASKS.to_string(),
        )
    });
    Grant {
        action: need.request.action.clone(),
        resource: need.grant.clone(),
        condition,
    }
}

fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    // Needs of one role share its policies; the fix for each role goes into the first of its
    // policies that is a file of its own.
    let mut roles: Vec<crate::needs::RoleKind> = Vec::new();
    for a in cx.assessments.iter().filter(|a| missing(&a.cause)) {
        let role = cx.need(a).role;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    for role in roles {
        let missing: Vec<usize> = cx
            .assessments
            .iter()
            .enumerate()
            .filter(|(_, a)| missing(&a.cause) && cx.need(a).role == role)
            .map(|(i, _)| i)
            .collect();
        role_findings(cx, &missing, out);
    }
}

/// The causes this rule reports: nothing grants the need.
fn missing(cause: &Cause) -> bool {
    matches!(cause, Cause::NotGranted | Cause::KeyPolicyDenies { .. })
}

fn role_findings(cx: &Context<'_>, missing: &[usize], out: &mut Vec<Finding>) {
    let Some(&first) = missing.first() else {
        return;
    };
    let grants: Vec<Grant> = missing
        .iter()
        .map(|&a| grant_for(cx.need(&cx.assessments[a])))
        .collect();
    let policies = &cx.assessments[first].policies;
    // A role a template names but nothing read defines: what it grants is unknown. One warning
    // for the role, listing what it needs.
    let need = cx.need(&cx.assessments[first]);
    let unknown_role = need.role_arn.as_deref().and_then(|arn| {
        let name = crate::arn::role_name(arn);
        cx.unknown_roles.iter().find(|(n, _)| n == name)
    });
    if let (true, Some((name, loc))) = (policies.is_empty(), unknown_role) {
        let needs: Vec<String> = missing
            .iter()
            .map(|&a| describe_need(cx.need(&cx.assessments[a])))
            .collect();
        let mut finding = Finding::new(
            &META,
            *loc,
            format!(
                "role `{name}` is not defined in the template and no account files describe it, so whether the {} may do what the task needs is unknown: {}",
                need.role.describe(),
                needs.join(", ")
            ),
        )
        .label("this role is made elsewhere")
        .note("its policies are not in what was read, so nothing says it lacks these grants, nor that it has them")
        .help(format!(
            "check the deployed role: pass account details that include `{name}` (aws iam get-account-authorization-details), or run with --aws"
        ));
        finding.severity = super::Severity::Warning;
        for &a in missing {
            if let Some(origin) = cx.need(&cx.assessments[a]).origins.first() {
                finding = finding.related(origin.loc, format!("{} needs a grant", origin.what));
            }
        }
        out.push(finding);
        return;
    }
    let target = policies
        .iter()
        .map(|&p| &cx.inventory.policies[p])
        .find(|p| p.editable && p.kind == crate::iam::PolicyType::Identity);
    let edits =
        target.map(|p| grant_edits(&p.document, cx.sources.get(p.document.source), &grants));
    for (i, &a) in missing.iter().enumerate() {
        let need = cx.need(&cx.assessments[a]);
        let Some(origin) = need.origins.first() else {
            continue;
        };
        let role = need.role.describe();
        // A KMS key policy that neither names the role nor delegates to IAM denies whatever the
        // role's own policies say: the fix belongs in the key policy.
        let key_policy = match cx.assessments[a].cause {
            Cause::KeyPolicyDenies { key_policy } => {
                Some(key_policy.map(|p| &cx.inventory.policies[p]))
            }
            _ => None,
        };
        if let Some(policy) = key_policy {
            out.push(key_policy_finding(need, origin, policy));
            continue;
        }
        // A role known only at deploy time (`executionRoleArn` is a template, said once as
        // `unresolved-reference`) has unknown grants: nothing to say it lacks.
        if policies.is_empty() && need.role_templated {
            continue;
        }
        let pass_role = need.request.action.eq_ignore_ascii_case("iam:PassRole");
        let message = if need.role == crate::needs::RoleKind::Deployer && pass_role {
            format!(
                "the deploy principal `{}` cannot pass role `{}` to ECS: {}",
                need.role_arn.as_deref().unwrap_or("?"),
                crate::arn::role_name(&need.request.resource),
                if policies.is_empty() {
                    "no readable policy was given for it"
                } else {
                    "no statement of its policies allows `iam:PassRole` on the role for `ecs-tasks.amazonaws.com`"
                }
            )
        } else if need.role == crate::needs::RoleKind::Deployer {
            format!(
                "the deploy principal `{}` needs {}, {}",
                need.role_arn.as_deref().unwrap_or("?"),
                describe_need(need),
                if policies.is_empty() {
                    "and no readable policy was given for it"
                } else {
                    "and no statement of its policies allows it"
                }
            )
        } else if policies.is_empty() {
            format!(
                "the {role} needs {}, and no readable policy was given for it",
                describe_need(need)
            )
        } else {
            format!(
                "no statement of the {role}'s policies allows {}",
                describe_need(need)
            )
        };
        let fix = match (&edits, target) {
            (Some(edits), Some(target)) if !edits[i].is_empty() => {
                let sharing = edits
                    .iter()
                    .enumerate()
                    .filter(|(j, e)| *j != i && e.iter().any(|x| edits[i].contains(x)))
                    .count();
                let together = match sharing {
                    0 => String::new(),
                    n => format!(
                        " (one edit adds it with the {n} other missing grant{} of this role)",
                        if n == 1 { "" } else { "s" }
                    ),
                };
                Some(Fix {
                    applicability: Applicability::Safe,
                    message: format!(
                        "grant `{}` on `{}` in {}{together}",
                        grants[i].action,
                        grants[i].resource,
                        cx.sources.get(target.document.source).name
                    ),
                    edits: edits[i].clone(),
                })
            }
            _ => None,
        };
        let mut help = if fix.is_some() {
            let under = match &grants[i].condition {
                Some((op, key, value)) => format!(" under `{op}` `{key}` `{value}`"),
                None => String::new(),
            };
            format!(
                "allow `{}` on `{}`{under}",
                grants[i].action, grants[i].resource
            )
        } else {
            format!(
                "attach a policy like this to the {role}:\n{}",
                standalone_policy(&grants)
            )
        };
        if matches!(
            need.subject,
            crate::needs::Subject::Secret {
                by_partial: true,
                ..
            }
        ) {
            help.push_str(&format!(
                "\nand reference the secret by its full ARN: the task definition names it without its suffix, and IAM evaluates `{}` as requested, which that grant does not match",
                need.request.resource
            ));
        }
        // A deploy principal's finding stands on its policy, where the grant goes; the task
        // definition's field that asks for it is related.
        let deployer_policy = (need.role == crate::needs::RoleKind::Deployer)
            .then(|| target.or_else(|| policies.first().map(|&p| &cx.inventory.policies[p])))
            .flatten();
        // Its first byte: the grant is missing from the whole document, not from one part of it.
        let at = deployer_policy.map_or(origin.loc, |p| {
            let start = p.document.loc.span.start;
            crate::model::source::Loc::new(
                p.document.loc.source,
                crate::model::source::Span::new(start, start + 1),
            )
        });
        let mut finding = Finding::new(&META, at, message)
            .label(match deployer_policy {
                Some(_) => "the deploy principal's policy".to_string(),
                None => format!("{} needs this", origin.what),
            })
            .note(match need.role {
                crate::needs::RoleKind::Deployer if pass_role => "registering a task definition passes its execution and task roles to ECS: the deploying principal needs `iam:PassRole` on each, or the deployment fails with `AccessDeniedException: … is not authorized to perform: iam:PassRole on resource: …` before any task starts; scope it to those roles and to `iam:PassedToService` `ecs-tasks.amazonaws.com`, so the pipeline cannot hand them — or other roles — to another service".to_string(),
                crate::needs::RoleKind::Deployer => format!(
                    "the deploy tool calls `{}` with the deploy principal's credentials; without an allow the deployment fails with AccessDenied before any task starts",
                    need.request.action
                ),
                crate::needs::RoleKind::Caller => format!(
                    "the principal calls `{}` itself; without an allow the call is denied",
                    need.request.action
                ),
                _ => format!(
                    "the ECS agent calls `{}` with the {role} before the containers start; \
                     without an allow the call is denied and the task stops",
                    need.request.action
                ),
            })
            .help(help)
            .fix(fix);
        if deployer_policy.is_some() {
            finding = finding.related(origin.loc, format!("{} needs this", origin.what));
        }
        for other in &need.origins[1..] {
            finding = finding.related(other.loc, format!("{} needs it too", other.what));
        }
        // A policy that could not be read may be the one meant to grant it.
        for &loc in cx.unreadable_policies {
            finding = finding.related(
                loc,
                "this policy could not be read, so it was not evaluated: fix it first",
            );
        }
        // A managed policy that exists but was not given may grant it: not an error then, since
        // the answer turns on that policy.
        if !cx.unknown_policies.is_empty() {
            finding.severity = super::Severity::Warning;
            finding
                .message
                .push_str(", unless a managed policy that was not given grants it");
            for &loc in cx.unknown_policies {
                finding = finding.related(
                    loc,
                    "this managed policy was not given, so what it grants is unknown: pass account details that include it",
                );
            }
        }
        out.push(finding);
    }
}

/// The key's own policy shuts IAM out: the fix belongs in the key policy, which is shown.
fn key_policy_finding(
    need: &Need,
    origin: &crate::needs::Origin,
    policy: Option<&crate::model::inventory::AttachedPolicy>,
) -> Finding {
    let role = need.role.describe();
    let principal = need.role_arn.as_deref().unwrap_or("ROLE_ARN");
    let mut finding = Finding::new(
        &META,
        origin.loc,
        format!(
            "the key policy of `{}` neither allows the {role} `{}` nor lets IAM policies grant it, so the role's own policies do not count",
            need.request.resource, need.request.action
        ),
    )
    .label(format!("{} needs this", origin.what))
    .note("a KMS key policy gates its key: it must allow the role itself, or allow the account (`arn:aws:iam::ACCOUNT:root`) so that IAM policies can grant use of the key")
    .help(format!(
        "add a statement like this to the key policy:\n{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": need.request.action,
            "Resource": "*"
        }))
        .unwrap_or_default()
    ));
    if let Some(policy) = policy {
        finding = finding.related(policy.document.loc, "the key policy");
    }
    finding
}

/// A complete policy granting `grants`, for when there is no policy file to edit.
fn standalone_policy(grants: &[Grant]) -> String {
    type Condition = Option<(String, String, String)>;
    let mut statements: Vec<(serde_json::Value, &Condition)> = Vec::new();
    for grant in grants {
        let existing = statements
            .iter_mut()
            .find(|(s, c)| s["Action"] == grant.action.as_str() && **c == grant.condition);
        match existing {
            Some((s, _)) => {
                let resource = s["Resource"].take();
                let mut list = match resource {
                    serde_json::Value::Array(list) => list,
                    other => vec![other],
                };
                list.push(grant.resource.clone().into());
                s["Resource"] = serde_json::Value::Array(list);
            }
            None => {
                let mut statement = serde_json::json!({
                    "Effect": "Allow",
                    "Action": grant.action,
                    "Resource": grant.resource,
                });
                if let Some((operator, key, value)) = &grant.condition {
                    statement["Condition"] = serde_json::json!({ operator: { key: value } });
                }
                statements.push((statement, &grant.condition));
            }
        }
    }
    let statements: Vec<serde_json::Value> = statements.into_iter().map(|(s, _)| s).collect();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": statements});
    serde_json::to_string_pretty(&policy).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::rules::tester::*;

    /// The new statement goes in after the last, in the file's own indentation.
    const FIXED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::uploads/*"
    },
    {
      "Effect": "Allow",
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????"
    }
  ]
}
"#;

    #[test]
    fn vectors() {
        let task = task_reading(SECRET);
        let other = allow("s3:GetObject", "arn:aws:s3:::uploads/*");
        Tester::new(&super::META)
            .fail(&[("task-definition", &task), ("policy", &other)])
            // No policy at all for the role.
            .fail(&[("task-definition", &task)])
            .pass(&[
                ("task-definition", &task),
                ("policy", &allow(GET_SECRET, SECRET_PATTERN)),
            ])
            .fix(
                &[("task-definition", &task), ("policy", &other)],
                &[("policy", FIXED)],
            )
            .test();
    }
}
