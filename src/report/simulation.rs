//! How `simulate` prints its answer: JSON (a contract, see the README) or human text with the
//! deciding statements and near misses shown in their files.

use super::human::{self, Style};
use super::json::{finding, location};
use super::terminal_safe;
use crate::commands::simulate::{Explained, Simulation};
use crate::iam::{Decision, Tri};
use crate::model::policy::Effect;
use crate::rules::Severity;
use serde_json::{Value, json};

fn tri(t: &Tri) -> Value {
    match t {
        Tri::True => json!(true),
        Tri::False => json!(false),
        Tri::Unknown(_) => json!("unknown"),
    }
}

fn statement(sim: &Simulation, e: &Explained<'_>) -> Value {
    let policy = &sim.inventory.policies[e.trace.at.policy];
    let s = &policy.document.statements[e.trace.at.statement];
    let conditions: Vec<Value> = s
        .conditions
        .iter()
        .zip(&e.trace.conditions)
        .map(|(c, r)| {
            json!({
                "operator": c.operator.value,
                "key": c.key.value,
                "values": c.values.iter().map(|v| v.value.clone()).collect::<Vec<_>>(),
                "result": tri(r),
                "location": location(&sim.sources, c.operator.loc),
            })
        })
        .collect();
    json!({
        "policy": e.policy,
        "policy_type": e.trace.kind.as_str(),
        "statement": e.trace.at.statement + 1,
        "sid": s.sid.as_ref().map(|v| v.value.clone()),
        "effect": match e.trace.effect { Effect::Allow => "Allow", Effect::Deny => "Deny" },
        "applies": tri(&e.trace.applies),
        "resource_matched": tri(&e.trace.resource),
        "conditions": conditions,
        "why": e.why,
        "location": location(&sim.sources, s.loc),
        "focus": location(&sim.sources, e.loc),
    })
}

pub fn render_json(sim: &Simulation) -> String {
    let (explicit, missing, keys) = match &sim.evaluation.decision {
        Decision::Denied { explicit, missing } => (
            !explicit.is_empty(),
            missing.map(|m| m.as_str()),
            Vec::new(),
        ),
        Decision::Depends { keys, .. } => (false, None, keys.clone()),
        Decision::Allowed { .. } | Decision::DependsOnOtherAccount { .. } => {
            (false, None, Vec::new())
        }
    };
    // Whose policy the answer waits for, when it is another account's.
    let other_account = match &sim.evaluation.decision {
        Decision::DependsOnOtherAccount { account, kind, .. } => {
            json!({"account": account, "policy": kind.as_str()})
        }
        _ => Value::Null,
    };
    let context: serde_json::Map<String, Value> = sim
        .context
        .entries()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let out = json!({
        "tool": {"name": "ecslint", "version": env!("CARGO_PKG_VERSION")},
        "decision": sim.decision_word(),
        "reason": sim.evaluation.reason(),
        "explicit": explicit,
        "missing_allow_from": missing,
        "unknown_keys": keys,
        "depends_on_account": other_account,
        "request": {
            "principal": sim.principal.role_arn,
            "principal_session": sim.principal.session_arn,
            "action": sim.request.action,
            "resource": sim.request.resource,
            "resource_as_given": sim.resolved_from,
            "stored_arn": sim.stored_arn,
            "stored_arn_allowed": sim.stored_arn.as_ref().map(|_| sim.stored_allowed),
            "context": context,
        },
        "statements": sim.deciding().iter().map(|e| statement(sim, e)).collect::<Vec<_>>(),
        "near_misses": sim.near_misses().iter().map(|e| statement(sim, e)).collect::<Vec<_>>(),
        "findings": sim.findings.iter().map(|f| finding(&sim.sources, f)).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&out).unwrap_or_default()
}

/// A deciding statement or near miss shown in its file, like a finding but no rule's.
fn mark(e: &Explained<'_>, label: &'static str, severity: Severity) -> human::Mark {
    human::Mark {
        severity,
        message: format!(
            "statement {} of {} ({}) {}",
            e.trace.at.statement + 1,
            e.policy,
            e.trace.kind.describe(),
            e.why
        ),
        loc: e.loc,
        label,
    }
}

pub fn render_human(sim: &Simulation, style: Style) -> String {
    let mut out = header(sim);
    let severity = match sim.evaluation.decision {
        Decision::Allowed { .. } => Severity::Info,
        Decision::Denied { .. } => Severity::Error,
        Decision::Depends { .. } | Decision::DependsOnOtherAccount { .. } => Severity::Warning,
    };
    let deciding: Vec<human::Mark> = sim
        .deciding()
        .iter()
        .map(|e| mark(e, "decided", severity))
        .collect();
    let near: Vec<human::Mark> = sim
        .near_misses()
        .iter()
        .map(|e| mark(e, "did not apply", Severity::Warning))
        .collect();
    out.push_str(&human::render_marks(&sim.sources, &deciding, style));
    if !near.is_empty() {
        out.push_str("Closest statements that did not apply:\n\n");
        out.push_str(&human::render_marks(&sim.sources, &near, style));
    }
    if !sim.findings.is_empty() {
        out.push_str("Problems in the inputs:\n\n");
        out.push_str(&human::render_findings(&sim.sources, &sim.findings, style));
    }
    out
}

/// The decision and the request, one line each.
fn header(sim: &Simulation) -> String {
    let mut out = String::new();
    let word = sim.decision_word().to_uppercase();
    out.push_str(&format!("{word}: {}\n", sim.evaluation.reason()));
    out.push_str(&format!("  principal  {}\n", sim.principal.role_arn));
    out.push_str(&format!("  action     {}\n", sim.request.action));
    match &sim.resolved_from {
        Some(given) => out.push_str(&format!(
            "  resource   {} (given as {given}; IAM evaluates the ARN the name stands for)\n",
            sim.request.resource
        )),
        None => out.push_str(&format!("  resource   {}\n", sim.request.resource)),
    }
    if let Some(stored) = &sim.stored_arn {
        out.push_str(&format!(
            "  stored     {stored} (not evaluated: IAM evaluates the ARN as requested{})\n",
            if sim.stored_allowed {
                "; a request for the full ARN would be allowed"
            } else {
                ""
            }
        ));
    }
    let kinds: Vec<&str> = sim.policy_kinds().iter().map(|k| k.describe()).collect();
    if !kinds.is_empty() {
        out.push_str(&format!("  evaluated  {}\n", kinds.join(", ")));
    }
    out.push('\n');
    terminal_safe(&out)
}
