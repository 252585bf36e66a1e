//! The loaders: each turns one kind of input into the model and typed input problems.
//!
//! A file that cannot be read stops the run (`LoadError`, exit 2). A file that can be read but is
//! not valid JSON, or not the document it should be, becomes an `InputProblem` that the report
//! shows with its location; the other files are still checked.

pub mod aws_cli;
pub mod cloudformation;
pub mod discover;
pub mod hcl;
pub mod input;
#[cfg(feature = "aws")]
pub mod live;
pub mod snapshot;
pub mod terraform;
pub mod yaml;

pub use input::{Body, Input, InputKind};

use crate::model::Loaded;
use std::io::Read;

/// Files larger than this are refused: the largest AWS document ecslint reads (account
/// authorization details) stays far below it.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path} is larger than {limit} MiB; no AWS document is that large", limit = MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge { path: String },
}

/// Reads every input into one model, in the order of their kinds (task definitions first), each
/// kind in the order given.
pub fn load(inputs: &[Input]) -> Result<Loaded, LoadError> {
    aws_cli::load(inputs, &cloudformation::Settings::default())
}

/// [`load`], with what the command line says about CloudFormation stacks (`--parameter`,
/// `--region`, `--account-id`).
pub fn load_with(inputs: &[Input], stack: &cloudformation::Settings) -> Result<Loaded, LoadError> {
    aws_cli::load(inputs, stack)
}

/// A file's bytes, refusing folders and files over [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &str) -> Result<Vec<u8>, LoadError> {
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: path.to_string(),
        reason: e.to_string().to_lowercase(),
    };
    // Open first and ask the handle: one path lookup instead of two.
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(LoadError::Unreadable {
            path: path.to_string(),
            reason: "it is a directory".to_string(),
        });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
        });
    }
    // A regular file is read in one call of its known length (no probe for the end: a lint
    // reads thousands of files, and every system call counts).
    if meta.is_file() && meta.len() > 0 {
        let mut bytes = vec![0; meta.len() as usize];
        let mut file = file;
        file.read_exact(&mut bytes).map_err(unreadable)?;
        return Ok(bytes);
    }
    // Read through a limit as well: a pipe or device reports no length up front.
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_string(),
        });
    }
    Ok(bytes)
}
