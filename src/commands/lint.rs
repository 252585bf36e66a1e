//! `lint`: the document rules over policy files on their own.

use super::{Outcome, usage_error};
use crate::cli::{CheckArgs, LintArgs, LiveArgs};
use crate::load::{Input, InputKind, discover};

/// `ecslint lint`: `check` without task definitions, on the policy files and folders given.
pub fn run(args: LintArgs) -> Outcome {
    let files: Vec<Input> = args
        .paths
        .iter()
        .flat_map(|path| discover::inputs_at(path, InputKind::Policy))
        .collect();
    if files.is_empty() && args.account.policies.is_empty() {
        return usage_error("no policy files found in the paths given");
    }
    let check_args = CheckArgs {
        live: LiveArgs::default(),
        task_definitions: Vec::new(),
        account: args.account,
        policy: args.policy,
        region: None,
        ecspresso_env: false,
        output: args.output,
        fixing: args.fixing,
        extra: files,
    };
    super::check::run(check_args)
}
