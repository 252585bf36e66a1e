//! What went wrong reading an input, as plain data: the loaders decide it, the rules word it.

use super::source::Loc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// Not valid JSON (or not UTF-8).
    InvalidJson,
    /// Valid JSON that breaks the IAM policy grammar.
    InvalidPolicy,
    /// Valid JSON that is not the document the flag expects.
    InvalidInput,
    /// Something the input refers to is not in it (a managed policy missing from account details).
    Unresolved,
}

impl ProblemKind {
    pub const ALL: &[ProblemKind] = &[
        ProblemKind::InvalidJson,
        ProblemKind::InvalidPolicy,
        ProblemKind::InvalidInput,
        ProblemKind::Unresolved,
    ];
}

/// A file that was read but could not be understood, or a part of it.
#[derive(Clone, Debug)]
pub struct InputProblem {
    pub kind: ProblemKind,
    pub loc: Loc,
    pub message: String,
    /// A second place that explains the first (the brace that was never closed).
    pub related: Option<(Loc, String)>,
}
