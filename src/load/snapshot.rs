//! What a live run fetched, as plain data: the documents the AWS CLI would print, as inputs the
//! offline loader reads, and what ECS said about stopped tasks and services. Built by `live.rs`;
//! read by the commands with or without the `aws` feature.

use super::{Body, Input, InputKind};

/// What was fetched, as the AWS CLI would print it.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Each document as an input of its kind, named by the file `ecslint snapshot` writes it to,
    /// in the order of their names.
    pub documents: Vec<Input>,
    /// Things that could not be read (the tool's own missing permissions), one sentence each.
    pub notes: Vec<String>,
    /// Why each stopped task stopped: the task's `stoppedReason`, then each container's reason.
    pub stopped: Vec<StoppedTask>,
    /// Failures a service reported in its events and deployments, newest first.
    pub events: Vec<ServiceEvent>,
}

impl Snapshot {
    /// Adds a fetched document, which the caller may still give an owner (a key policy's key
    /// ARN); one of the same name replaces it.
    pub fn add(&mut self, kind: InputKind, file: impl Into<String>, text: String) -> &mut Input {
        let input = Input::fetched(kind, file, text);
        let at = match self
            .documents
            .binary_search_by(|d| d.name.as_str().cmp(&input.name))
        {
            Ok(i) => {
                self.documents[i] = input;
                i
            }
            Err(i) => {
                self.documents.insert(i, input);
                i
            }
        };
        &mut self.documents[at]
    }

    /// The documents as inputs named `aws://FILE`: a finding in one names the fetched document.
    pub fn inputs(&self) -> Vec<Input> {
        self.documents
            .iter()
            .map(|d| Input {
                name: format!("aws://{}", d.name),
                ..d.clone()
            })
            .collect()
    }

    /// The text of a fetched document.
    pub fn text(input: &Input) -> &str {
        match &input.body {
            Body::Fetched(text) => text,
            _ => "",
        }
    }

    /// The notes as ecslint prints them on stderr, a line each.
    pub fn stderr_notes(&self) -> String {
        self.notes
            .iter()
            .map(|n| format!("ecslint: {n}\n"))
            .collect()
    }
}

/// A task as `ecs:DescribeTasks` reports it after it stopped.
#[derive(Clone, Debug, Default)]
pub struct StoppedTask {
    /// The task's ARN.
    pub task: String,
    /// The task definition it ran.
    pub task_definition: String,
    /// `stoppedReason` and the containers' `reason`s, one per line (empty if it gave none).
    pub reasons: String,
    /// When it stopped (RFC 3339), when ECS says.
    pub stopped_at: Option<String>,
}

/// A failure a service reported: an event (`failed to launch a task with (error …)`) or a failed
/// deployment's `rolloutStateReason`.
#[derive(Clone, Debug, Default)]
pub struct ServiceEvent {
    /// `CLUSTER/SERVICE`.
    pub service: String,
    /// When (RFC 3339), when ECS says.
    pub at: Option<String>,
    pub message: String,
}
