//! How `diagnose` prints: `check`'s report plus the request and the verdict.

use super::human::{self, Style};
use super::json::finding;
use super::{Report, terminal_safe};
use crate::commands::diagnose::Diagnosis;
use crate::denial::Failure;
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
        Failure::SecretNotJson => "secret-not-json",
        Failure::PullRefused { .. } => "pull-refused",
        Failure::ServiceLinkedRole => "service-linked-role",
        Failure::EfsMount { .. } => "efs-mount",
        Failure::RoleNotValid => "role-not-valid",
        Failure::ExecNotConnected => "exec-not-connected",
        Failure::HealthCheck => "health-check",
        Failure::CutOff { .. } => "cut-off",
    }
}

fn report(d: &Diagnosis) -> Report<'_> {
    Report {
        sources: &d.sources,
        findings: d.findings.clone(),
        needs_checked: d.needs_checked,
        needs_granted: d.needs_granted,
        fixable: Default::default(),
    }
}

pub fn render_json(d: &Diagnosis) -> String {
    serde_json::to_string_pretty(&json_value(d)).unwrap_or_default()
}

/// The JSON of one diagnosis (`render_json` prints it).
pub fn json_value(d: &Diagnosis) -> Value {
    let r = report(d);
    let n = &d.denial.noticed;
    let request = d.request.as_ref().map(|q| {
        json!({
            "principal": q.principal,
            "principal_kind": d.denial.principal_kind.as_str(),
            "role": q.role,
            "action": q.action,
            "action_implied": n.action_implied,
            "resource": q.resource,
            "resource_as_written": q.resource_as_written,
            "reason": q.reason.map(|r| r.describe()),
            "redacted": n.redacted.iter().map(|(p, t)| json!({"part": p.as_str(), "text": t})).collect::<Vec<Value>>(),
            "truncated": n.truncated.iter().map(|p| p.as_str()).collect::<Vec<&str>>(),
            "missing": n.missing.iter().map(|p| p.as_str()).collect::<Vec<&str>>(),
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
            (None, crate::commands::diagnose::Verdict::NotIam) => "not an IAM failure".to_string(),
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
        let unknown = |part: crate::denial::Part| {
            if d.denial.noticed.truncated.contains(&part) {
                "(cut off in the message)"
            } else {
                "(not in the message)"
            }
        };
        head.push_str(&format!(
            "  action     {}\n",
            q.action
                .as_deref()
                .unwrap_or(unknown(crate::denial::Part::Action))
        ));
        head.push_str(&format!(
            "  resource   {}\n",
            q.resource
                .as_deref()
                .unwrap_or(unknown(crate::denial::Part::Resource))
        ));
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

/// One failure a service reported, to diagnose on its own.
pub struct FailureSource {
    /// `stopped-task` or `service-event`.
    pub kind: &'static str,
    /// The task ARN, or the service.
    pub id: String,
    pub at: Option<String>,
    /// The message's source name (`ecs://stopped-task/CLUSTER/ID`, `ecs://service/CLUSTER/NAME/event-N`).
    pub name: String,
    pub text: String,
}

impl FailureSource {
    fn json(&self, count: usize) -> Value {
        json!({"kind": self.kind, "id": self.id, "at": self.at, "count": count})
    }
}

/// `diagnose --aws --service` as JSON: the first diagnosis's fields (the single-diagnosis schema),
/// every diagnosis under `diagnoses` with its source and count, and the messages not understood,
/// quoted, under `not_understood`.
pub fn render_json_each(
    understood: &[(&FailureSource, Diagnosis, usize)],
    not_understood: &[&FailureSource],
) -> String {
    let Some((_, first, _)) = understood.first() else {
        return String::new();
    };
    let mut top = json_value(first);
    let all: Vec<Value> = understood
        .iter()
        .map(|(s, d, count)| {
            let mut v = json_value(d);
            if let Value::Object(map) = &mut v {
                map.remove("tool");
                map.insert("source".into(), s.json(*count));
            }
            v
        })
        .collect();
    let unknown: Vec<Value> = not_understood
        .iter()
        .map(|s| json!({"source": s.json(1), "message": s.text}))
        .collect();
    if let Value::Object(map) = &mut top {
        map.insert("diagnoses".into(), all.into());
        map.insert("not_understood".into(), unknown.into());
    }
    serde_json::to_string_pretty(&top).unwrap_or_default() + "\n"
}

/// `diagnose --aws --service` for a person: a section per diagnosis, then each message not
/// understood, quoted as AWS wrote it (made terminal-safe).
pub fn render_human_each(
    understood: &[(&FailureSource, Diagnosis, usize)],
    not_understood: &[&FailureSource],
    style: Style,
) -> String {
    let mut out = String::new();
    for (i, (s, d, count)) in understood.iter().enumerate() {
        let when =
            s.at.as_deref()
                .map(|t| format!(" at {t}"))
                .unwrap_or_default();
        let more = match count {
            1 => String::new(),
            n => format!(" (and {} more like it)", n - 1),
        };
        out.push_str(&format!(
            "{}── {} of {}: {} {}{when}{more} ──\n",
            if i == 0 { "" } else { "\n" },
            i + 1,
            understood.len(),
            s.kind.replace('-', " "),
            s.id
        ));
        out.push_str(&render_human(d, style));
    }
    for s in not_understood {
        out.push_str(&format!(
            "\n── not understood: {} {} ──\n{}\n",
            s.kind.replace('-', " "),
            s.id,
            s.text
        ));
    }
    // What AWS said is quoted as it came: no escape sequence reaches the terminal.
    super::terminal_safe(&out)
}
