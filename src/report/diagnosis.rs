//! How `diagnose` prints: `check`'s report plus the request and the verdict.

use super::human::{self, Style};
use super::json::finding;
use super::{Report, terminal_safe};
use crate::denial::Failure;
use crate::diagnose::Diagnosis;
use serde_json::{Value, json};

fn failure_kind(f: &Failure) -> &'static str {
    match f {
        Failure::AccessDenied { .. } => "access-denied",
        Failure::KmsAccessDenied { .. } => "kms-access-denied",
        Failure::SecretNotFound { .. } => "secret-not-found",
        Failure::ParameterNotFound { .. } => "parameter-not-found",
        Failure::KmsKeyNotFound => "kms-key-not-found",
        Failure::JsonKeyMissing { .. } => "json-key-missing",
        Failure::Network { .. } => "network",
        Failure::ImageNotFound => "image-not-found",
        Failure::LogGroupNotFound => "log-group-not-found",
        Failure::RoleNotAssumable { .. } => "role-not-assumable",
    }
}

fn report(d: &Diagnosis) -> Report<'_> {
    Report {
        sources: &d.sources,
        findings: d.findings.clone(),
        needs_checked: d.needs_checked,
        needs_granted: d.needs_granted,
    }
}

pub fn render_json(d: &Diagnosis) -> String {
    serde_json::to_string_pretty(&json_value(d)).unwrap_or_default()
}

/// The JSON of one diagnosis (`render_json` prints it).
pub fn json_value(d: &Diagnosis) -> Value {
    let r = report(d);
    let request = d.request.as_ref().map(|q| {
        json!({
            "principal": q.principal,
            "role": q.role,
            "action": q.action,
            "resource": q.resource,
            "resource_as_written": q.resource_as_written,
            "reason": q.reason.map(|r| r.describe()),
        })
    });
    json!({
        "tool": {"name": "ecslint", "version": env!("CARGO_PKG_VERSION")},
        "failure": failure_kind(&d.denial.failure),
        "message_line": d.denial.line,
        "request": request,
        "decision": d.verdict.as_str(),
        "decision_reason": d.reason,
        "explanation": d.explanation,
        "findings": r.findings.iter().map(|f| finding(r.sources, f)).collect::<Vec<Value>>(),
        "summary": r.summary(),
    })
}

pub fn render_human(d: &Diagnosis, style: Style) -> String {
    let mut head = String::new();
    head.push_str(&format!(
        "{}: {}\n",
        d.verdict.as_str().to_uppercase(),
        match (&d.reason, d.verdict) {
            (Some(r), _) => r.clone(),
            (None, crate::diagnose::Verdict::NotIam) => "not an IAM failure".to_string(),
            (None, _) => "could not be evaluated".to_string(),
        }
    ));
    if let Some(q) = &d.request {
        if let Some(p) = &q.principal {
            head.push_str(&format!("  principal  {p}\n"));
        }
        if let Some(r) = &q.role {
            head.push_str(&format!("  role       {r}\n"));
        }
        head.push_str(&format!("  action     {}\n", q.action));
        head.push_str(&format!("  resource   {}\n", q.resource));
        if let Some(r) = q.reason {
            head.push_str(&format!("  AWS said   {}\n", r.describe()));
        }
    }
    head.push('\n');
    for line in &d.explanation {
        head.push_str(&format!("{line}\n"));
    }
    if !d.explanation.is_empty() {
        head.push('\n');
    }
    let mut out = terminal_safe(&head);
    out.push_str(&human::render_findings(&d.sources, &d.findings, style));
    out
}
