//! The command line: clap commands and flags. Flags and the JSON schema are contracts.

use crate::iam::RequestContext;
use crate::inventory::files::{Inputs, PolicyArg};
use crate::inventory::snapshot::Snapshot;
use crate::report::{self, Report};
use crate::rules::{self, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;

/// Exit codes (README, "Exit codes").
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "ecslint",
    version,
    about = "Find, explain and fix the IAM mistakes that stop Amazon ECS tasks from reading their secrets"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that a task definition's roles grant every access it needs.
    Check(CheckArgs),
    /// Evaluate one request offline, like the IAM policy simulator: the decision, the statements
    /// that decided it, and the closest near misses.
    Simulate(SimulateArgs),
    /// Print a rule's documentation, or list every rule.
    Rule {
        /// The rule's name, e.g. secret-display-name. Omit to list all rules.
        name: Option<String>,
    },
    /// List every rule: name, default severity, fix, summary.
    Rules,
    /// Run the document rules over policy files on their own, without a task definition.
    Lint(LintArgs),
    /// Explain a pasted AccessDenied or stopped-task reason: the request, the cause, the fix.
    Diagnose(DiagnoseArgs),
    /// Fetch what `check --aws` reads and write it as AWS CLI output files, to check offline or
    /// attach to a bug report.
    Snapshot(SnapshotArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitLab Code Quality.
    Gitlab,
    /// GitHub workflow annotations.
    Github,
    /// A merge-request comment.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The account files both `check` and `simulate` read.
#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    /// An IAM policy (a document, or get-role-policy / get-policy-version output), attached to
    /// ROLE (a role name or ARN); without ROLE=, to the task definition's execution role (for
    /// `simulate`: to the principal).
    #[arg(long = "policy", value_name = "[ROLE=]FILE")]
    pub policies: Vec<String>,
    /// Secrets metadata: `aws secretsmanager list-secrets`, `describe-secret` or
    /// `get-resource-policy` output.
    #[arg(long = "secrets", value_name = "FILE")]
    pub secrets: Vec<String>,
    /// Roles with their inline and managed policies and boundaries: `aws iam
    /// get-account-authorization-details` output.
    #[arg(long = "account-details", value_name = "FILE")]
    pub account_details: Vec<String>,
    /// A service control policy that applies to the account.
    #[arg(long = "scp", value_name = "FILE")]
    pub scps: Vec<String>,
    /// A secret's resource policy (`get-resource-policy` output names its secret; a plain
    /// document needs ARN=).
    #[arg(long = "resource-policy", value_name = "[ARN=]FILE")]
    pub resource_policies: Vec<String>,
    /// A KMS key policy (`aws kms get-key-policy` output or a document) for the key KEY_ARN.
    #[arg(long = "key-policy", value_name = "KEY_ARN=FILE")]
    pub key_policies: Vec<String>,
    /// SSM parameters metadata: `aws ssm describe-parameters` output (types and keys).
    #[arg(long = "parameters", value_name = "FILE")]
    pub parameters: Vec<String>,
    /// KMS aliases and the keys they point at: `aws kms list-aliases` output. With it, a policy
    /// naming a key by alias gets a safe fix to the key's ARN.
    #[arg(long = "kms-aliases", value_name = "FILE")]
    pub kms_aliases: Vec<String>,
    /// A condition key's value in the request, e.g. aws:SourceVpce=vpce-0a1b2c3d (repeatable;
    /// repeat a key for several values). Keys not given are unknown, never guessed.
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_context)]
    pub context: Vec<(String, String)>,
}

impl AccountArgs {
    fn inputs(&self, task_definitions: Vec<String>) -> Inputs {
        Inputs {
            task_definitions,
            policies: self.policies.iter().map(|p| PolicyArg::parse(p)).collect(),
            secrets: self.secrets.clone(),
            account_details: self.account_details.clone(),
            scps: self.scps.clone(),
            resource_policies: self
                .resource_policies
                .iter()
                .map(|p| PolicyArg::parse(p))
                .collect(),
            key_policies: self
                .key_policies
                .iter()
                .map(|p| PolicyArg::parse(p))
                .collect(),
            parameters: self.parameters.clone(),
            kms_aliases: self.kms_aliases.clone(),
            memory: Default::default(),
            preread: Default::default(),
        }
    }

    fn context(&self) -> RequestContext {
        let mut context = RequestContext::new();
        for (key, value) in &self.context {
            context.add(key, value.clone());
        }
        context
    }
}

/// Which findings count and what fails the run.
#[derive(Debug, clap::Args)]
pub struct PolicyArgs {
    /// Settings file (default: the nearest ecslint.toml from the working directory upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// The lowest severity that makes the run exit 1 (default: error, or ecslint.toml's fail-on).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<crate::config::FailOn>,
}

impl PolicyArgs {
    fn load(&self) -> Result<crate::config::Config, String> {
        let cwd = std::env::current_dir().unwrap_or_default();
        crate::config::Config::load(self.config.as_deref().map(std::path::Path::new), &cwd)
            .map_err(|e| e.to_string())
    }

    fn threshold(&self, config: &crate::config::Config) -> Severity {
        self.fail_on
            .or(config.fail_on)
            .unwrap_or(crate::config::FailOn::Error)
            .threshold()
    }
}

#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colours in human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Suggestion blocks in --format markdown: GitLab's `suggestion:-0+0` or GitHub's.
    #[arg(long, value_enum, default_value_t = report::ci::Flavor::Gitlab)]
    pub markdown_flavor: report::ci::Flavor,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

impl OutputArgs {
    /// Renders a check report in the chosen format.
    fn render(&self, report: &Report<'_>) -> String {
        match self.format {
            Format::Json => report::json::render(report) + "\n",
            Format::Sarif => report::ci::render_sarif(report) + "\n",
            Format::Gitlab => report::ci::render_gitlab(report) + "\n",
            Format::Github => report::ci::render_github(report),
            Format::Markdown => report::ci::render_markdown(report, self.markdown_flavor),
            Format::Human if self.quiet => {
                report::human::render_findings(report.sources, &report.findings, self.human_style())
            }
            Format::Human => report::human::render(report, self.human_style()),
        }
    }

    pub fn human_style(&self) -> report::human::Style {
        let is_tty = std::io::stdout().is_terminal();
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let width = if is_tty {
            terminal_width().unwrap_or(100)
        } else {
            100
        };
        report::human::Style { color, width }
    }
}

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The role making the request: a name, a role ARN, or an assumed-role session ARN.
    #[arg(long, value_name = "ROLE_NAME_OR_ARN")]
    pub principal: String,
    /// The action, e.g. secretsmanager:GetSecretValue.
    #[arg(long, value_name = "SERVICE:ACTION")]
    pub action: String,
    /// The resource ARN. A secret by name is evaluated as `…:secret:NAME` (found through
    /// --secrets), a partial ARN as written: IAM evaluates the ARN as requested.
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// Read the principal's role (its policies, boundary and trust), and the resource's own
    /// policy (a secret's resource policy, a KMS key's key policy), from AWS.
    #[arg(long)]
    pub aws: bool,
    /// With --aws: the AWS profile to use (default: AWS_PROFILE, then the default profile).
    #[arg(long, value_name = "NAME", requires = "aws")]
    pub profile: Option<String>,
    /// With --aws: the region (default: AWS_REGION, then the profile's).
    #[arg(long, value_name = "REGION", requires = "aws")]
    pub region: Option<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct DiagnoseArgs {
    /// The message, or `-` to read it from standard input.
    #[arg(value_name = "MESSAGE", conflicts_with_all = ["message_file", "stopped_task"])]
    pub message: Option<String>,
    /// With --aws: diagnose why a task stopped (its `stoppedReason` and containers' reasons, read
    /// with ecs:DescribeTasks) against the task definition it ran. CLUSTER/TASK_ID or a task ARN.
    #[arg(
        long,
        value_name = "CLUSTER/TASK_ID",
        conflicts_with = "message_file",
        requires = "aws"
    )]
    pub stopped_task: Option<String>,
    /// Read the message from a file (a pasted log is fine: the relevant line is found).
    #[arg(long, value_name = "FILE")]
    pub message_file: Option<String>,
    /// Task definitions, to trace the request back to the reference that made it (with --aws:
    /// FAMILY[:REVISION] or ARN).
    #[arg(long = "task-definition", value_name = "FILE")]
    pub task_definitions: Vec<String>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// The region, with --aws (default: AWS_REGION, then the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Policy files, or folders searched for *.json policy documents.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub fixing: FixArgs,
}

/// Reading from AWS instead of files.
#[derive(Debug, Default, clap::Args)]
pub struct LiveArgs {
    /// Read the task definitions (by FAMILY[:REVISION] or ARN), their roles' policies and the
    /// referenced secrets' metadata from AWS, with the AWS CLI's credentials, profile, region and
    /// AWS_ENDPOINT_URL. Secret values are never read.
    #[arg(long)]
    pub aws: bool,
    /// The AWS profile to use (default: AWS_PROFILE, then the default profile).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// With --aws: check a service's current task definition (repeatable).
    #[arg(long = "service", value_name = "CLUSTER/SERVICE")]
    pub services: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub live: LiveArgs,
    /// Task definitions to fetch: FAMILY[:REVISION] or ARN.
    #[arg(
        long = "task-definition",
        value_name = "NAME",
        required_unless_present = "services"
    )]
    pub task_definitions: Vec<String>,
    /// The region (default: AWS_REGION, then the profile's).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The folder to write the files into (created if missing).
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: String,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// An ECS task definition: register-task-definition input or describe-task-definition output
    /// (repeatable; a folder means every *.json task definition in it).
    #[arg(long = "task-definition", value_name = "FILE|DIR")]
    pub task_definitions: Vec<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The task's region, for bare secret and parameter names, when the task definition does not
    /// give it. Defaults to AWS_REGION, then AWS_DEFAULT_REGION, as the AWS CLI does.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub fixing: FixArgs,
    /// Files a folder search already read (`lint DIR`), not read again.
    #[arg(skip)]
    pub preread: Preread,
}

#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct FixArgs {
    /// Apply every safe fix to the files read (policy files and task definitions), writing each
    /// file atomically; then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix, --diff or --print-corrected: include unsafe fixes.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is a diff.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Print each document the fixes change, corrected and whole — including documents inside
    /// account details or URL-encoded strings, which --fix does not write.
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub print_corrected: bool,
}

/// Runs a parsed command line; returns the exit code and what to print on stdout and stderr.
pub fn run(cli: Cli) -> (u8, String, String) {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Simulate(args) => simulate(args),
        Command::Rule { name } => rule(name.as_deref()),
        Command::Rules => rule(None),
        Command::Lint(args) => lint(args),
        Command::Diagnose(args) => diagnose(args),
        Command::Snapshot(args) => snapshot(args),
    }
}

fn check(args: CheckArgs) -> (u8, String, String) {
    if !args.live.aws
        && args.task_definitions.is_empty()
        && args.account.policies.is_empty()
        && args.account.account_details.is_empty()
    {
        return (
            EXIT_ERROR,
            String::new(),
            "ecslint: nothing to check: give --task-definition FILE and --policy FILE (see `ecslint check --help`)\n"
                .to_string(),
        );
    }
    let config = match args.policy.load() {
        Ok(c) => c,
        Err(e) => return usage_error(&e),
    };
    if args.live.aws {
        return check_live(args, config);
    }
    let mut task_definitions = Vec::new();
    let mut preread = std::collections::HashMap::new();
    for path in &args.task_definitions {
        let p = std::path::Path::new(path);
        if p.is_dir() {
            json_files_in(
                p,
                &["\"containerDefinitions\""],
                &mut task_definitions,
                &mut preread,
            );
        } else {
            task_definitions.push(path.clone());
        }
    }
    if task_definitions.is_empty()
        && args.account.policies.is_empty()
        && args.account.account_details.is_empty()
    {
        return usage_error("no task definitions found in the paths given");
    }
    let mut inputs = args.account.inputs(task_definitions);
    inputs.preread = preread;
    inputs.preread.extend(args.preread.clone());
    let options = crate::CheckOptions {
        region: args.region.clone(),
        default_region: ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|r| !r.is_empty()),
        context: args.account.context(),
    };
    let checked = match crate::check(&inputs, &options) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    finish_check(checked, &config, &args, &inputs, &options, String::new())
}

/// `check`'s last step, offline or live: apply, diff or print the fixes the flags ask for, then
/// render what is left. Live documents are not files: there `--fix` prints each corrected
/// document and the AWS CLI command that puts it in place.
fn finish_check(
    mut checked: crate::Checked,
    config: &crate::config::Config,
    args: &CheckArgs,
    inputs: &crate::inventory::files::Inputs,
    options: &crate::CheckOptions,
    mut stderr: String,
) -> (u8, String, String) {
    let mut fixing = args.fixing;
    if args.live.aws && fixing.fix {
        fixing.fix = false;
        fixing.print_corrected = true;
        stderr.push_str(
            "ecslint: --fix does not write to AWS: each corrected document is printed with the command that applies it\n",
        );
    }
    if fixing.fix || fixing.diff || fixing.print_corrected {
        let findings = config.apply(std::mem::take(&mut checked.findings));
        let fixes: Vec<Option<&crate::fix::Fix>> =
            findings.iter().map(|f| f.fix.as_ref()).collect();
        let writable = checked.writable.clone();
        let all = |_| true;
        let only_files = |id| writable.contains(&id);
        let plan = crate::fix::plan(
            &checked.sources,
            &fixes,
            fixing.unsafe_fixes,
            // Live documents are no files: their diff is the corrected document's.
            if fixing.print_corrected || (fixing.diff && args.live.aws) {
                &all
            } else {
                &only_files
            },
        );
        if fixing.diff || fixing.print_corrected {
            let mut out = String::new();
            for (id, text) in &plan.files {
                let source = checked.sources.get(*id);
                if checked.writable.contains(id) && fixing.diff {
                    out.push_str(&crate::fix::unified_diff(&source.name, &source.text, text));
                } else if checked.writable.contains(id) {
                    out.push_str(&format!("== {} ==\n{text}", source.name));
                    if !text.ends_with('\n') {
                        out.push('\n');
                    }
                } else {
                    // A document inside another file (or fetched live): each changed policy on
                    // its own, corrected or as a diff.
                    out.push_str(&corrected_documents(
                        &checked,
                        &findings,
                        &plan,
                        *id,
                        fixing.diff,
                    ));
                }
            }
            // A live --fix changed nothing yet: the account is as wrong as it was.
            let threshold = args.policy.threshold(config);
            let unfixed = args.fixing.fix && findings.iter().any(|f| f.severity >= threshold);
            let code = if (fixing.diff && !plan.files.is_empty()) || unfixed {
                EXIT_FINDINGS
            } else {
                EXIT_CLEAN
            };
            stderr.push_str(&skipped_note(&findings, &plan));
            return (
                code,
                report::terminal_safe(&out),
                report::terminal_safe(&stderr),
            );
        }
        for (id, text) in &plan.files {
            let path = checked.sources.get(*id).name.clone();
            if let Err(e) = crate::fix::write_atomically(std::path::Path::new(&path), text) {
                return usage_error(&format!("cannot write {path}: {e}; the file is unchanged"));
            }
        }
        stderr.push_str(&format!(
            "ecslint: fixed {} finding{} in {} file{}\n",
            plan.applied.len(),
            if plan.applied.len() == 1 { "" } else { "s" },
            plan.files.len(),
            if plan.files.len() == 1 { "" } else { "s" },
        ));
        stderr.push_str(&skipped_note(&findings, &plan));
        // Report what is left, from the files as they are now.
        checked = match crate::check(inputs, options) {
            Ok(c) => c,
            Err(e) => return usage_error(&e.to_string()),
        };
    }
    let (code, stdout) = render_checked(checked, config, &args.policy, &args.output);
    (code, stdout, report::terminal_safe(&stderr))
}

/// The corrected text of each policy document in `id` that the plan's fixes edit.
fn corrected_documents(
    checked: &crate::Checked,
    findings: &[crate::rules::Finding],
    plan: &crate::fix::Plan,
    id: crate::source::SourceId,
    as_diff: bool,
) -> String {
    let edits: Vec<&crate::fix::Edit> = plan
        .applied
        .iter()
        .filter_map(|&i| findings[i].fix.as_ref())
        .flat_map(|f| &f.edits)
        .filter(|e| e.loc.source == id)
        .collect();
    let text = &checked.sources.get(id).text;
    let mut out = String::new();
    for (name, loc, update) in checked.documents.iter().filter(|(_, l, _)| l.source == id) {
        let inside: Vec<crate::fix::Edit> = edits
            .iter()
            .filter(|e| e.loc.span.start >= loc.span.start && e.loc.span.end <= loc.span.end)
            .map(|e| {
                let mut shifted = (*e).clone();
                shifted.loc.span.start -= loc.span.start;
                shifted.loc.span.end -= loc.span.start;
                shifted
            })
            .collect();
        if inside.is_empty() {
            continue;
        }
        let refs: Vec<&crate::fix::Edit> = inside.iter().collect();
        let document = text.get(loc.span.start..loc.span.end).unwrap_or("");
        if let Ok(fixed) = crate::fix::apply_edits(document, &refs) {
            // Laid out on its own, then on one line in the command that puts it in place.
            let value = serde_json::from_str::<serde_json::Value>(&fixed).ok();
            let pretty = value
                .as_ref()
                .and_then(|v| serde_json::to_string_pretty(v).ok())
                .unwrap_or_else(|| fixed.clone());
            if as_diff {
                // Both sides laid out alike, so the diff shows the fix and nothing else.
                let before = serde_json::from_str::<serde_json::Value>(document)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| document.to_string());
                let label = format!("{} ({name})", checked.sources.get(id).name);
                out.push_str(&crate::fix::unified_diff(
                    &label,
                    &format!("{before}\n"),
                    &format!("{pretty}\n"),
                ));
                continue;
            }
            out.push_str(&format!(
                "== {} ({name}) ==\n{pretty}\n",
                checked.sources.get(id).name
            ));
            if let Some(command) = update {
                let compact = value
                    .and_then(|v| serde_json::to_string(&v).ok())
                    .unwrap_or(fixed);
                out.push_str(&format!(
                    "-- apply it with:\n{command} {}\n",
                    crate::inventory::shell_quote(&compact)
                ));
            }
        }
    }
    out
}

/// One line per fix that was not applied, and why.
fn skipped_note(findings: &[crate::rules::Finding], plan: &crate::fix::Plan) -> String {
    plan.skipped
        .iter()
        .map(|(i, why)| format!("ecslint: not applied: {} ({why})\n", findings[*i].rule))
        .collect::<String>()
}

fn simulate(args: SimulateArgs) -> (u8, String, String) {
    if !args.action.contains(':') || args.action.starts_with(':') {
        return (
            EXIT_ERROR,
            String::new(),
            report::terminal_safe(&format!(
                "ecslint: --action must be SERVICE:ACTION (e.g. secretsmanager:GetSecretValue), found \"{}\"\n",
                args.action
            )),
        );
    }
    let mut inputs = args.account.inputs(Vec::new());
    let mut notes = String::new();
    if args.aws {
        // The role the principal names, and the resource when it carries a policy of its own.
        let role = match crate::arn::Arn::parse(&args.principal) {
            Some(arn) => match arn.resource.strip_prefix("assumed-role/") {
                Some(rest) => rest.split('/').next().unwrap_or(rest).to_string(),
                None => crate::arn::role_name(&args.principal).to_string(),
            },
            None => args.principal.clone(),
        };
        let resource = crate::arn::Arn::parse(&args.resource);
        let service = resource.as_ref().map(|a| a.service.as_str());
        let request = LiveRequest {
            roles: vec![role],
            // A secret by ARN, partial ARN or (for a Secrets Manager action) name.
            secrets: match service {
                Some("secretsmanager") => vec![args.resource.clone()],
                None if args.action.starts_with("secretsmanager:") => vec![args.resource.clone()],
                _ => Vec::new(),
            },
            keys: match (service, &resource) {
                (Some("kms"), Some(arn)) if arn.resource.starts_with("key/") => {
                    vec![args.resource.clone()]
                }
                _ => Vec::new(),
            },
            ..Default::default()
        };
        let live = LiveArgs {
            aws: true,
            profile: args.profile.clone(),
            services: Vec::new(),
        };
        let snapshot = match fetch(&live, request, args.region.as_deref()) {
            Ok(s) => s,
            Err(e) => return usage_error(&e),
        };
        notes = snapshot.stderr_notes();
        absorb(&mut inputs, snapshot.files, &snapshot.key_policies);
    }
    let sim = match crate::simulate::simulate(
        &inputs,
        &args.principal,
        &args.action,
        &args.resource,
        &args.account.context(),
    ) {
        Ok(sim) => sim,
        Err(e) => {
            return (
                EXIT_ERROR,
                String::new(),
                report::terminal_safe(&format!("ecslint: {e}\n")),
            );
        }
    };
    let code = if sim.evaluation.is_allowed() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    };
    let stdout = match args.output.format {
        Format::Json => report::simulation::render_json(&sim) + "\n",
        Format::Human => report::simulation::render_human(&sim, args.output.human_style()),
        _ => args.output.render(&Report {
            sources: &sim.sources,
            findings: sim.findings.clone(),
            needs_checked: 0,
            needs_granted: 0,
        }),
    };
    (code, stdout, report::terminal_safe(&notes))
}

fn lint(args: LintArgs) -> (u8, String, String) {
    let mut files = Vec::new();
    let mut preread = Preread::new();
    for path in &args.paths {
        let p = std::path::Path::new(path);
        if p.is_dir() {
            json_files_in(
                p,
                &["\"Statement\"", "\"PolicyDocument\"", "\"PolicyVersion\""],
                &mut files,
                &mut preread,
            );
        } else {
            files.push(path.clone());
        }
    }
    let account = AccountArgs {
        policies: [files, args.account.policies.clone()].concat(),
        ..args.account
    };
    let check_args = CheckArgs {
        live: LiveArgs::default(),
        task_definitions: Vec::new(),
        account,
        policy: args.policy,
        region: None,
        output: args.output,
        fixing: args.fixing,
        preread,
    };
    if check_args.account.policies.is_empty() {
        return usage_error("no policy files found in the paths given");
    }
    check(check_args)
}

/// Bytes already read from disk, by path, for the loader not to read them again.
type Preread = std::collections::HashMap<String, std::sync::Arc<[u8]>>;

/// The JSON files under `dir` that hold one of `keys` (a policy document, a task definition), in a
/// stable order, with their bytes (read to tell what they are) in `preread`. Hidden folders and
/// `target` are skipped; account details are not policies; unreadable files are left out.
fn json_files_in(
    dir: &std::path::Path,
    keys: &[&str],
    out: &mut Vec<String>,
    preread: &mut Preread,
) {
    let mut candidates = Vec::new();
    json_paths_in(dir, &mut candidates);
    // Reading thousands of files is most of a folder's lint: read them on every core.
    let read = crate::parallel::map(&candidates, |p| crate::inventory::files::read_bytes(p).ok());
    for (path, bytes) in candidates.into_iter().zip(read) {
        let Some(bytes) = bytes else { continue };
        // The start tells a policy from a task definition or a listing.
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
        if keys.iter().any(|k| text.contains(k)) && !text.contains("\"RoleDetailList\"") {
            preread.insert(path.clone(), bytes.into());
            out.push(path);
        }
    }
}

/// Every `*.json` file under `dir`, sorted per folder; hidden folders, `target`, `node_modules`
/// and linked folders (a link loop would never end) are not entered.
fn json_paths_in(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // The entry's type comes with the listing (no `stat` per file); like `symlink_metadata`, a
    // link is not followed.
    let mut paths: Vec<(std::path::PathBuf, bool)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some((e.path(), is_dir))
        })
        .collect();
    paths.sort();
    for (path, is_dir) in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if is_dir {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                json_paths_in(&path, out);
            }
        } else if name.ends_with(".json") {
            out.push(path.to_string_lossy().into_owned());
        }
    }
}

/// The most a message may be: a pasted log, not a file system.
const MAX_MESSAGE_BYTES: u64 = 4 * 1024 * 1024;

fn diagnose(args: DiagnoseArgs) -> (u8, String, String) {
    use std::io::Read;
    let (text, name) = match (&args.message, &args.message_file) {
        (Some(m), None) if m == "-" => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin()
                .take(MAX_MESSAGE_BYTES)
                .read_to_end(&mut bytes)
            {
                return usage_error(&format!("cannot read the message from standard input: {e}"));
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
                return usage_error(&format!(
                    "cannot read {path}: {}",
                    e.to_string().to_lowercase()
                ));
            }
            (String::from_utf8_lossy(&bytes).into_owned(), path.clone())
        }
        (None, None)
            if args.live.aws && (args.stopped_task.is_some() || !args.live.services.is_empty()) =>
        {
            (String::new(), String::new())
        }
        _ => {
            return usage_error(
                "give the message as an argument, `-` for standard input, or --message-file FILE (or --aws with --stopped-task CLUSTER/TASK_ID or --service CLUSTER/SERVICE)",
            );
        }
    };
    let (mut text, mut name) = (text, name);
    let mut inputs = args.account.inputs(args.task_definitions.clone());
    let mut notes = String::new();
    // A service without a message: each distinct recent failure, diagnosed in turn.
    let mut subjects: Vec<Subject> = Vec::new();
    if args.live.aws {
        // Fetch the role named in the message, the secret it names, and any task definitions;
        // for a stopped task, the task (its reasons are the message) and the task definition it ran.
        // Without a message, `--service` means: why do its tasks stop, what do its events say?
        let from_task = args.stopped_task.is_some() || text.is_empty();
        let (roles, secrets) = match from_task {
            true => (Vec::new(), Vec::new()),
            false => match crate::denial::parse(&text) {
                Some(denial) => crate::diagnose::live_subjects(&denial),
                None => {
                    return usage_error(&crate::diagnose::DiagnoseError::NotUnderstood.to_string());
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
        };
        let snapshot = match fetch(&args.live, request, args.region.as_deref()) {
            Ok(s) => s,
            Err(e) => return usage_error(&e),
        };
        if of_services {
            subjects = service_subjects(&snapshot);
        } else if from_task {
            let Some(task) = snapshot.stopped.first() else {
                return usage_error("no stopped task to diagnose");
            };
            let label = args
                .stopped_task
                .clone()
                .unwrap_or_else(|| task.task.clone());
            if task.reasons.is_empty() {
                return usage_error(&format!(
                    "task {label} stopped without giving a reason: nothing to diagnose"
                ));
            }
            text = task.reasons.clone();
            name = format!("ecs://stopped-task/{}", short_task(&label));
        }
        inputs.task_definitions.clear();
        notes = snapshot.stderr_notes();
        absorb(&mut inputs, snapshot.files, &snapshot.key_policies);
    }
    if !subjects.is_empty() {
        return diagnose_each(&subjects, &inputs, &args, notes);
    }
    let diagnosis = match crate::diagnose::diagnose(&text, &name, &inputs, &args.account.context())
    {
        Ok(d) => d,
        Err(e) => return usage_error(&e.to_string()),
    };
    let code = if diagnosis.verdict == crate::diagnose::Verdict::Allowed {
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
        }),
    };
    (code, stdout, report::terminal_safe(&notes))
}

/// A task ARN's resource is `task/CLUSTER/ID`: named as CLUSTER/ID, like the flag takes it.
fn short_task(label: &str) -> String {
    crate::arn::Arn::parse(label)
        .and_then(|a| a.resource.strip_prefix("task/").map(str::to_string))
        .unwrap_or_else(|| label.to_string())
}

/// What makes two diagnoses the same failure: its kind and the request it was about (or, for
/// failures without a request, the line that said it).
fn same_failure(d: &crate::diagnose::Diagnosis) -> String {
    let kind = std::mem::discriminant(&d.denial.failure);
    match &d.request {
        Some(q) => format!("{kind:?} {:?} {} {}", q.role, q.action, q.resource),
        None => format!("{kind:?} {}", d.denial.line),
    }
}

/// One failure a service reported, to diagnose on its own.
struct Subject {
    /// `stopped-task` or `service-event`.
    kind: &'static str,
    /// The task ARN, or the service.
    id: String,
    at: Option<String>,
    /// The message's source name (`ecs://stopped-task/CLUSTER/ID`, `ecs://service/CLUSTER/NAME/event-N`).
    name: String,
    text: String,
}

/// The stopped tasks' reasons first (newest first), then the service's failure events.
fn service_subjects(snapshot: &Snapshot) -> Vec<Subject> {
    let tasks = snapshot.stopped.iter().map(|t| Subject {
        kind: "stopped-task",
        id: t.task.clone(),
        at: t.stopped_at.clone(),
        name: format!("ecs://stopped-task/{}", short_task(&t.task)),
        text: t.reasons.clone(),
    });
    let events = snapshot.events.iter().enumerate().map(|(i, e)| Subject {
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
    subjects: &[Subject],
    inputs: &crate::inventory::files::Inputs,
    args: &DiagnoseArgs,
    notes: String,
) -> (u8, String, String) {
    let context = args.account.context();
    // Diagnosed once per distinct failure: tasks stopped for one cause differ only in session
    // names and task ids, so the same failure of the same request counts as one (with a count).
    let mut understood: Vec<(&Subject, crate::diagnose::Diagnosis, usize)> = Vec::new();
    let mut not_understood = Vec::new();
    for subject in subjects {
        match crate::diagnose::diagnose(&subject.text, &subject.name, inputs, &context) {
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
            Err(crate::diagnose::DiagnoseError::NotUnderstood) => not_understood.push(subject),
            Err(e) => return usage_error(&e.to_string()),
        }
    }
    let source = |s: &Subject, count: usize| serde_json::json!({"kind": s.kind, "id": s.id, "at": s.at, "count": count});
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
        .all(|(_, d, _)| d.verdict == crate::diagnose::Verdict::Allowed)
    {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    };
    let stdout = match args.output.format {
        Format::Json => {
            let mut top = report::diagnosis::json_value(&understood[0].1);
            let all: Vec<serde_json::Value> = understood
                .iter()
                .map(|(s, d, count)| {
                    let mut v = report::diagnosis::json_value(d);
                    if let serde_json::Value::Object(map) = &mut v {
                        map.remove("tool");
                        map.insert("source".into(), source(s, *count));
                    }
                    v
                })
                .collect();
            let unknown: Vec<serde_json::Value> = not_understood
                .iter()
                .map(|s| serde_json::json!({"source": source(s, 1), "message": s.text}))
                .collect();
            if let serde_json::Value::Object(map) = &mut top {
                map.insert("diagnoses".into(), all.into());
                map.insert("not_understood".into(), unknown.into());
            }
            serde_json::to_string_pretty(&top).unwrap_or_default() + "\n"
        }
        Format::Human => {
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
                out.push_str(&report::diagnosis::render_human(
                    d,
                    args.output.human_style(),
                ));
            }
            for s in &not_understood {
                out.push_str(&format!(
                    "\n── not understood: {} {} ──\n{}\n",
                    s.kind.replace('-', " "),
                    s.id,
                    s.text
                ));
            }
            // What AWS said is quoted as it came: no escape sequence reaches the terminal.
            report::terminal_safe(&out)
        }
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
            })
        }
    };
    (code, stdout, report::terminal_safe(&notes))
}

/// What a live command asks AWS for, besides what its task definitions lead to.
#[derive(Default)]
// Without the `aws` feature the request is built (the flags still parse) but never sent.
#[cfg_attr(not(feature = "aws"), allow(dead_code))]
struct LiveRequest {
    /// FAMILY[:REVISION] or ARN.
    task_definitions: Vec<String>,
    /// Roles named by a pasted message.
    roles: Vec<String>,
    /// Secrets named by a pasted message.
    secrets: Vec<String>,
    /// CLUSTER/TASK_ID or task ARN, to diagnose.
    stopped_tasks: Vec<String>,
    /// CLUSTER/SERVICE whose recent failures to diagnose.
    stopped_of_services: Vec<String>,
    /// KMS key ARNs whose key policy to read (`simulate` on a key).
    keys: Vec<String>,
}

#[cfg(feature = "aws")]
fn fetch(live: &LiveArgs, request: LiveRequest, region: Option<&str>) -> Result<Snapshot, String> {
    crate::inventory::aws::fetch_blocking(&crate::inventory::aws::LiveTarget {
        task_definitions: request.task_definitions,
        services: live.services.clone(),
        stopped_tasks: request.stopped_tasks,
        stopped_of_services: request.stopped_of_services,
        roles: request.roles,
        secrets: request.secrets,
        keys: request.keys,
        profile: live.profile.clone(),
        region: region.map(str::to_string),
    })
    .map_err(|e| e.to_string())
}

#[cfg(not(feature = "aws"))]
fn fetch(_: &LiveArgs, _: LiveRequest, _: Option<&str>) -> Result<Snapshot, String> {
    Err("this ecslint was built without the `aws` feature: live mode is not available".to_string())
}

/// `check --aws`: fetch, then check the fetched documents like files named `aws://FILE`.
fn check_live(mut args: CheckArgs, config: crate::config::Config) -> (u8, String, String) {
    if args.task_definitions.is_empty() && args.live.services.is_empty() {
        return usage_error(
            "--aws needs --task-definition FAMILY[:REVISION]|ARN or --service CLUSTER/SERVICE",
        );
    }
    let request = LiveRequest {
        task_definitions: args.task_definitions.clone(),
        ..Default::default()
    };
    let snapshot = match fetch(&args.live, request, args.region.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let mut inputs = args.account.inputs(Vec::new());
    let notes = snapshot.stderr_notes();
    absorb(&mut inputs, snapshot.files, &snapshot.key_policies);
    let options = crate::CheckOptions {
        region: args.region.take(),
        default_region: None,
        context: args.account.context(),
    };
    let checked = match crate::check(&inputs, &options) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    finish_check(checked, &config, &args, &inputs, &options, notes)
}

/// `check`'s findings after the configuration, rendered, with the exit code `--fail-on` gives.
fn render_checked(
    checked: crate::Checked,
    config: &crate::config::Config,
    policy: &PolicyArgs,
    output: &OutputArgs,
) -> (u8, String) {
    let report = Report {
        sources: &checked.sources,
        findings: config.apply(checked.findings),
        needs_checked: checked.needs_checked,
        needs_granted: checked.needs_granted,
    };
    let threshold = policy.threshold(config);
    let code = if report.findings.iter().any(|f| f.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    (code, output.render(&report))
}

fn snapshot(args: SnapshotArgs) -> (u8, String, String) {
    if !args.live.aws {
        return usage_error("snapshot reads from AWS: add --aws");
    }
    let request = LiveRequest {
        task_definitions: args.task_definitions.clone(),
        ..Default::default()
    };
    let snapshot = match fetch(&args.live, request, args.region.as_deref()) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let dir = std::path::Path::new(&args.output);
    if let Err(e) = std::fs::create_dir_all(dir) {
        return usage_error(&format!("cannot create {}: {e}", args.output));
    }
    let mut command = String::from("ecslint check");
    for (file, text) in &snapshot.files {
        let path = dir.join(file);
        if let Err(e) = crate::fix::write_atomically(&path, text) {
            return usage_error(&format!("cannot write {}: {e}", path.display()));
        }
        match snapshot_flag(file, &snapshot.key_policies) {
            (flag, Some(key)) => command.push_str(&format!(" {flag} {key}={}", path.display())),
            (flag, None) => command.push_str(&format!(" {flag} {}", path.display())),
        }
    }
    let notes = snapshot.stderr_notes();
    (
        EXIT_CLEAN,
        report::terminal_safe(&format!(
            "wrote {} files to {}; check them offline with:\n{command}\n",
            snapshot.files.len(),
            args.output
        )),
        report::terminal_safe(&notes),
    )
}

/// The `check` flag that reads a snapshot file, and the key ARN before `=` for a key policy.
fn snapshot_flag<'a>(
    file: &str,
    key_policies: &'a std::collections::BTreeMap<String, String>,
) -> (&'static str, Option<&'a str>) {
    if file.starts_with("describe-task-definition") {
        ("--task-definition", None)
    } else if file == "account-details.json" {
        ("--account-details", None)
    } else if file == "describe-parameters.json" {
        ("--parameters", None)
    } else if file == "list-aliases.json" {
        ("--kms-aliases", None)
    } else if let Some(key) = key_policies.get(file) {
        ("--key-policy", Some(key))
    } else {
        ("--secrets", None)
    }
}

/// Fetched documents join the inputs as if read from files named `aws://FILE`.
fn absorb(
    inputs: &mut crate::inventory::files::Inputs,
    files: std::collections::BTreeMap<String, String>,
    key_policies: &std::collections::BTreeMap<String, String>,
) {
    for (file, text) in files {
        let name = format!("aws://{file}");
        match snapshot_flag(&file, key_policies) {
            ("--task-definition", _) => inputs.task_definitions.push(name.clone()),
            ("--account-details", _) => inputs.account_details.push(name.clone()),
            ("--parameters", _) => inputs.parameters.push(name.clone()),
            ("--kms-aliases", _) => inputs.kms_aliases.push(name.clone()),
            ("--key-policy", key) => inputs
                .key_policies
                .push(crate::inventory::files::PolicyArg {
                    role: key.map(str::to_string),
                    path: name.clone(),
                }),
            _ => inputs.secrets.push(name.clone()),
        }
        inputs.memory.insert(name, text);
    }
}

fn usage_error(message: &str) -> (u8, String, String) {
    // One line, whatever the cause chain looked like.
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    (
        EXIT_ERROR,
        String::new(),
        report::terminal_safe(&format!("ecslint: {line}\n")),
    )
}

/// `KEY=VALUE` for `--context`.
fn parse_context(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!(
            "expected KEY=VALUE (e.g. aws:SourceVpce=vpce-0a1b2c3d), found \"{arg}\""
        )),
    }
}

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

fn rule(name: Option<&str>) -> (u8, String, String) {
    match name {
        None => {
            let mut out = String::new();
            for r in rules::ALL {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<24} {:<8} fix: {:<9} {}\n",
                    m.name,
                    m.severity.as_str(),
                    m.fix.as_str(),
                    m.summary
                ));
            }
            (EXIT_CLEAN, out, String::new())
        }
        Some(name) => match rules::find(name) {
            Some(meta) => (EXIT_CLEAN, meta.doc.to_string(), String::new()),
            None => (
                EXIT_ERROR,
                String::new(),
                report::terminal_safe(&format!(
                    "ecslint: no rule named \"{name}\"; `ecslint rule` lists them\n"
                )),
            ),
        },
    }
}
