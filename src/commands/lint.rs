//! `lint`: the document rules over policy files on their own.

use super::{Outcome, usage_error};
use crate::cli::{CheckArgs, LintArgs, LiveArgs};
use crate::load::{Input, InputKind, discover};

/// `ecslint lint`: `check` without task definitions, on the policy files and folders given.
pub fn run(args: LintArgs) -> Outcome {
    let mut skipped = Vec::new();
    let files: Vec<Input> = args
        .paths
        .iter()
        .flat_map(|path| {
            let (inputs, left_out) = discover::inputs_and_skipped(path, InputKind::Policy);
            skipped.extend(left_out);
            inputs
        })
        .collect();
    let note = crate::report::terminal_safe(&discover::skipped_note(&skipped));
    if files.is_empty() && args.account.policies.is_empty() && args.cloudformation.is_empty() {
        let (code, out, err) = usage_error("no policy files found in the paths given");
        return (code, out, format!("{note}{err}"));
    }
    let check_args = CheckArgs {
        live: LiveArgs::default(),
        task_definitions: Vec::new(),
        files: Vec::new(),
        cloudformation: args.cloudformation,
        stack_parameters: Vec::new(),
        account_id: None,
        stack_resources: Vec::new(),
        terraform_plans: Vec::new(),
        terraform_dir: None,
        stacks: Vec::new(),
        account: args.account,
        policy: args.policy,
        region: None,
        ecspresso_env: false,
        deployer: None,
        deploy_tool: Default::default(),
        output: args.output,
        report: args.report,
        fixing: args.fixing,
        extra: files,
        policies_only: true,
    };
    let (code, out, err) = super::check::run(check_args);
    (code, out, format!("{note}{err}"))
}
