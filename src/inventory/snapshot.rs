//! What a live run fetched, as plain data: the files the AWS CLI would print and what ECS said
//! about stopped tasks and services. Built by `aws.rs`; read by the CLI with or without the
//! `aws` feature.

use std::collections::BTreeMap;

/// What was fetched, as the AWS CLI would print it: file name → JSON text.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, String>,
    /// Things that could not be read (the tool's own missing permissions), one sentence each.
    pub notes: Vec<String>,
    /// Why each stopped task stopped: the task's `stoppedReason`, then each container's reason.
    pub stopped: Vec<StoppedTask>,
    /// Failures a service reported in its events and deployments, newest first.
    pub events: Vec<ServiceEvent>,
    /// Key policy files among `files`, with the key ARN each belongs to (`--key-policy ARN=FILE`).
    pub key_policies: BTreeMap<String, String>,
}

impl Snapshot {
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
