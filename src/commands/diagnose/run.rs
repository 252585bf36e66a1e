//! The `diagnose` command: where the message comes from (an argument, standard input, a file, or
//! AWS: a stopped task, a service's recent failures), and how its diagnoses are reported.

use crate::cli::DiagnoseArgs;
use crate::cli::Format;
use crate::commands::{EXIT_CLEAN, EXIT_FINDINGS, LiveRequest, Outcome, fetch, usage_error};
use crate::load::snapshot::Snapshot;
use crate::load::{Input, InputKind};
use crate::report::diagnosis::FailureSource;
use crate::report::{self, Report};

/// The most a message may be: a pasted log, not a file system.
const MAX_MESSAGE_BYTES: u64 = 4 * 1024 * 1024;

/// `ecslint diagnose`.
pub fn run(args: DiagnoseArgs) -> Outcome {
    let (mut text, mut name) = match message(&args) {
        Ok(m) => m,
        Err(outcome) => return outcome,
    };
    let task_definitions = args
        .task_definitions
        .iter()
        .map(|p| Input::file(InputKind::TaskDefinition, p))
        .collect();
    let mut inputs = args.account.inputs(task_definitions);
    let mut notes = String::new();
    // A service without a message: each distinct recent failure, diagnosed in turn.
    let mut subjects: Vec<FailureSource> = Vec::new();
    if args.live.aws {
        let live = match from_aws(&args, &text) {
            Ok(live) => live,
            Err(outcome) => return outcome,
        };
        if let Some((task_text, task_name)) = live.stopped {
            (text, name) = (task_text, task_name);
        }
        subjects = live.subjects;
        // The task definitions named were fetched: their names are no files.
        inputs.retain(|i| i.kind != InputKind::TaskDefinition);
        notes = live.snapshot.stderr_notes();
        inputs.extend(live.snapshot.inputs());
    }
    if !subjects.is_empty() {
        return diagnose_each(&subjects, &inputs, &args, notes);
    }
    let diagnosis = match super::diagnose(&text, &name, &inputs, &args.account.context()) {
        Ok(d) => d,
        Err(e) => return usage_error(&e.to_string()),
    };
    let code = if diagnosis.verdict == super::Verdict::Allowed {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    };
    let stdout = match args.output.format {
        Format::Json => report::diagnosis::render_json(&diagnosis) + "\n",
        Format::Human => report::diagnosis::render_human(&diagnosis, args.output.human_style()),
        _ => args.output.render(&Report {
            sources: &diagnosis.sources,
            findings: diagnosis.findings.clone(),
            needs_checked: diagnosis.needs_checked,
            needs_granted: diagnosis.needs_granted,
            fixable: Default::default(),
        }),
    };
    (code, stdout, report::terminal_safe(&notes))
}

/// The message and its source name: an argument, standard input or a file; empty when it is to
/// come from AWS.
fn message(args: &DiagnoseArgs) -> Result<(String, String), Outcome> {
    use std::io::Read;
    let message = match (&args.message, &args.message_file) {
        (Some(m), None) if m == "-" => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin()
                .take(MAX_MESSAGE_BYTES)
                .read_to_end(&mut bytes)
            {
                return Err(usage_error(&format!(
                    "cannot read the message from standard input: {e}"
                )));
            }
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                "<stdin>".to_string(),
            )
        }
        (Some(m), None) => (m.clone(), "<message>".to_string()),
        (None, Some(path)) => {
            let mut bytes = Vec::new();
            let read = std::fs::File::open(path)
                .and_then(|f| f.take(MAX_MESSAGE_BYTES).read_to_end(&mut bytes));
            if let Err(e) = read {
                return Err(usage_error(&format!(
                    "cannot read {path}: {}",
                    e.to_string().to_lowercase()
                )));
            }
            (String::from_utf8_lossy(&bytes).into_owned(), path.clone())
        }
        (None, None)
            if args.live.aws && (args.stopped_task.is_some() || !args.live.services.is_empty()) =>
        {
            (String::new(), String::new())
        }
        _ => {
            return Err(usage_error(
                "give the message as an argument, `-` for standard input, or --message-file FILE (or --aws with --stopped-task CLUSTER/TASK_ID or --service CLUSTER/SERVICE)",
            ));
        }
    };
    Ok(message)
}

/// What a live diagnose fetched.
struct Live {
    snapshot: Snapshot,
    /// A stopped task's reasons, and the name to show them by, when they are the message.
    stopped: Option<(String, String)>,
    /// A service's distinct recent failures, each to diagnose.
    subjects: Vec<FailureSource>,
}

/// Fetches the role named in the message, the secret it names, and any task definitions; for a
/// stopped task, the task (its reasons are the message) and the task definition it ran. Without a
/// message, `--service` means: why do its tasks stop, what do its events say?
fn from_aws(args: &DiagnoseArgs, text: &str) -> Result<Live, Outcome> {
    let from_task = args.stopped_task.is_some() || text.is_empty();
    let (roles, secrets) = match from_task {
        true => (Vec::new(), Vec::new()),
        false => match crate::denial::parse(text) {
            Some(denial) => super::live_subjects(&denial),
            None => {
                return Err(usage_error(
                    &super::DiagnoseError::NotUnderstood.to_string(),
                ));
            }
        },
    };
    let stopped: Vec<String> = args.stopped_task.iter().cloned().collect();
    let of_services = from_task && stopped.is_empty();
    let request = LiveRequest {
        task_definitions: args.task_definitions.clone(),
        roles,
        secrets,
        stopped_tasks: stopped,
        stopped_of_services: if of_services {
            args.live.services.clone()
        } else {
            Vec::new()
        },
        keys: Vec::new(),
        stacks: Vec::new(),
    };
    let snapshot = match fetch(&args.live, request, args.region.as_deref()) {
        Ok(s) => s,
        Err(e) => return Err(usage_error(&e)),
    };
    let mut live = Live {
        stopped: None,
        subjects: Vec::new(),
        snapshot: Snapshot::default(),
    };
    if of_services {
        live.subjects = service_subjects(&snapshot);
    } else if from_task {
        let Some(task) = snapshot.stopped.first() else {
            return Err(usage_error("no stopped task to diagnose"));
        };
        let label = args
            .stopped_task
            .clone()
            .unwrap_or_else(|| task.task.clone());
        if task.reasons.is_empty() {
            return Err(usage_error(&format!(
                "task {label} stopped without giving a reason: nothing to diagnose"
            )));
        }
        let name = format!("ecs://stopped-task/{}", short_task(&label));
        live.stopped = Some((task.reasons.clone(), name));
    }
    live.snapshot = snapshot;
    Ok(live)
}

/// A task ARN's resource is `task/CLUSTER/ID`: named as CLUSTER/ID, like the flag takes it.
fn short_task(label: &str) -> String {
    crate::arn::Arn::parse(label)
        .and_then(|a| a.resource.strip_prefix("task/").map(str::to_string))
        .unwrap_or_else(|| label.to_string())
}

/// What makes two diagnoses the same failure: its kind and the request it was about (or, for
/// failures without a request, the line that said it).
fn same_failure(d: &super::Diagnosis) -> String {
    let kind = std::mem::discriminant(&d.denial.failure);
    match &d.request {
        Some(q) => format!("{kind:?} {:?} {:?} {:?}", q.role, q.action, q.resource),
        None => format!("{kind:?} {}", d.denial.line),
    }
}

/// The stopped tasks' reasons first (newest first), then the service's failure events.
fn service_subjects(snapshot: &Snapshot) -> Vec<FailureSource> {
    let tasks = snapshot.stopped.iter().map(|t| FailureSource {
        kind: "stopped-task",
        id: t.task.clone(),
        at: t.stopped_at.clone(),
        name: format!("ecs://stopped-task/{}", short_task(&t.task)),
        text: t.reasons.clone(),
    });
    let events = snapshot
        .events
        .iter()
        .enumerate()
        .map(|(i, e)| FailureSource {
            kind: "service-event",
            id: e.service.clone(),
            at: e.at.clone(),
            name: format!("ecs://service/{}/event-{}", e.service, i + 1),
            text: e.message.clone(),
        });
    tasks.chain(events).collect()
}

/// `diagnose --aws --service`: each subject diagnosed against the same inputs. JSON keeps the
/// single diagnosis's fields for the first one understood and lists all under `diagnoses`;
/// messages ecslint does not understand are listed under `not_understood`, quoted.
fn diagnose_each(
    subjects: &[FailureSource],
    inputs: &[Input],
    args: &DiagnoseArgs,
    notes: String,
) -> Outcome {
    let context = args.account.context();
    // Diagnosed once per distinct failure: tasks stopped for one cause differ only in session
    // names and task ids, so the same failure of the same request counts as one (with a count).
    let mut understood: Vec<(&FailureSource, super::Diagnosis, usize)> = Vec::new();
    let mut not_understood = Vec::new();
    for subject in subjects {
        match super::diagnose(&subject.text, &subject.name, inputs, &context) {
            Ok(d) => {
                let key = same_failure(&d);
                match understood
                    .iter_mut()
                    .find(|(_, e, _)| same_failure(e) == key)
                {
                    Some((_, _, count)) => *count += 1,
                    None => understood.push((subject, d, 1)),
                }
            }
            Err(super::DiagnoseError::NotUnderstood) => not_understood.push(subject),
            Err(e) => return usage_error(&e.to_string()),
        }
    }
    if understood.is_empty() {
        let quoted: Vec<String> = not_understood
            .iter()
            .map(|s| format!("{} {}: {}", s.kind, s.id, s.text.replace('\n', " / ")))
            .collect();
        return usage_error(&format!(
            "none of the service's failures is one ecslint understands: {}",
            quoted.join("; ")
        ));
    }
    let code = if understood
        .iter()
        .all(|(_, d, _)| d.verdict == super::Verdict::Allowed)
    {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    };
    let stdout = match args.output.format {
        Format::Json => report::diagnosis::render_json_each(&understood, &not_understood),
        Format::Human => report::diagnosis::render_human_each(
            &understood,
            &not_understood,
            args.output.human_style(),
        ),
        _ => {
            // One report of every finding, each once.
            let Some((first, rest)) = understood.split_first() else {
                return usage_error("nothing was diagnosed");
            };
            let mut findings = first.1.findings.clone();
            for (_, d, _) in rest {
                for f in &d.findings {
                    if !findings
                        .iter()
                        .any(|g| g.rule == f.rule && g.message == f.message)
                    {
                        findings.push(f.clone());
                    }
                }
            }
            args.output.render(&Report {
                sources: &first.1.sources,
                findings,
                needs_checked: first.1.needs_checked,
                needs_granted: first.1.needs_granted,
                fixable: Default::default(),
            })
        }
    };
    (code, stdout, report::terminal_safe(&notes))
}
