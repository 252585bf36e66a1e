//! `snapshot`: what `check --aws` reads, written as AWS CLI output files.

use super::{EXIT_CLEAN, Outcome, usage_error};
use crate::cli::SnapshotArgs;
use crate::load::snapshot::Snapshot;
use crate::report;

/// `ecslint snapshot --aws`.
pub fn run(args: SnapshotArgs) -> Outcome {
    if !args.live.aws {
        return usage_error("snapshot reads from AWS: add --aws");
    }
    let snapshot = match super::fetch_task_definitions(
        &args.live,
        &args.task_definitions,
        &args.stacks,
        &[],
        args.region.as_deref(),
    ) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    let dir = std::path::Path::new(&args.output);
    if let Err(e) = std::fs::create_dir_all(dir) {
        return usage_error(&format!("cannot create {}: {e}", args.output));
    }
    let mut command = String::from("ecslint check");
    for document in &snapshot.documents {
        let path = dir.join(&document.name);
        if let Err(e) = crate::fix::write_atomically(&path, Snapshot::text(document)) {
            return usage_error(&format!("cannot write {}: {e}", path.display()));
        }
        let flag = document.kind.flag();
        // A stack's documents say which stack they describe; its template takes `STACK=`.
        let owner = document
            .owner
            .as_ref()
            .filter(|_| document.kind != crate::load::InputKind::Stack);
        match owner {
            Some(owner) => command.push_str(&format!(" {flag} {owner}={}", path.display())),
            None => command.push_str(&format!(" {flag} {}", path.display())),
        }
    }
    let notes = snapshot.stderr_notes();
    (
        EXIT_CLEAN,
        report::terminal_safe(&format!(
            "wrote {} files to {}; check them offline with:\n{command}\n",
            snapshot.documents.len(),
            args.output
        )),
        report::terminal_safe(&notes),
    )
}
