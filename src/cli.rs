//! The command line: clap commands and flags, and the dispatch to `commands/`. Flags and the JSON
//! schema are contracts.

use crate::commands;
use crate::report;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

pub use crate::commands::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};

/// `ecslint --version`: the release, and the data the action catalog was generated from.
static LONG_VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{}\n{}",
        env!("CARGO_PKG_VERSION"),
        crate::catalog::describe_source()
    )
});

#[derive(Debug, Parser)]
#[command(
    name = "ecslint",
    version,
    long_version = LONG_VERSION.as_str(),
    about = "Find, explain and fix the IAM mistakes that stop Amazon ECS tasks from reading their secrets"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check that a task definition's roles grant every access it needs.
    Check(Box<CheckArgs>),
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
    /// Print a shell completion script, generated from these very flags:
    /// `ecslint completions bash > ~/.local/share/bash-completion/completions/ecslint`.
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these very flags: `ecslint man > ecslint.1`,
    /// `ecslint man check > ecslint-check.1` for a command's own page.
    Man {
        /// A command whose page to print (check, lint, diagnose, …); omit for ecslint(1).
        command: Option<String>,
    },
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
    /// The Reviewdog Diagnostic Format: line-anchored review comments with the fixes as
    /// suggestions (`reviewdog -f=rdjson`).
    Rdjson,
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
    /// A service control policy that applies to the account, at a level of the organization
    /// (`root=FILE`, `ou=FILE`, `account=FILE`; any name): an allow is needed at every level, from
    /// any SCP of that level. Without LEVEL=, every such SCP is of one level.
    #[arg(long = "scp", value_name = "[LEVEL=]FILE")]
    pub scps: Vec<String>,
    /// A resource control policy of the organization, at a level as for --scp. It applies to
    /// requests for resources of the services RCPs support (Secrets Manager, KMS, S3, STS, SQS,
    /// ECR, CloudWatch Logs and more: the action catalog's list), where its explicit deny wins
    /// and an allow is needed at every level.
    #[arg(long = "rcp", value_name = "[LEVEL=]FILE")]
    pub rcps: Vec<String>,
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
    /// A condition key the request does not carry (repeatable): `Null` is true for it,
    /// `…IfExists` and negated operators hold, `ForAllValues` is true and `ForAnyValue` false,
    /// and a policy variable naming it matches nothing. (`--context KEY=` is an empty value.)
    #[arg(long = "absent", value_name = "KEY")]
    pub absent: Vec<String>,
    /// The account that owns resources whose ARN names none (S3 buckets and objects): the same as
    /// `--context aws:ResourceAccount=ACCOUNT`, which decides whether a request is cross-account.
    #[arg(long = "resource-account", value_name = "ACCOUNT")]
    pub resource_account: Option<String>,
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

#[derive(Clone, Debug, clap::Args)]
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

/// What a CI job asks of `check` and `lint` besides the report on stdout.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ReportArgs {
    /// Also write the report in FORMAT to PATH, from the same run (repeatable):
    /// `--output sarif=ecslint.sarif --output gitlab=gl-code-quality-report.json`. Each file is
    /// written atomically; the exit code is computed once.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub outputs: Vec<(Format, String)>,
    /// Report, never fail on findings: exit 0 whatever they are (for advisory jobs). Errors in
    /// the inputs or the command line still exit 2.
    #[arg(long)]
    pub exit_zero: bool,
    /// List on stderr the findings `[[ignore]]` entries of ecslint.toml suppressed, each with
    /// its entry's reason (they are always counted there).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Report only findings not in this baseline (written by --write-baseline): matched by
    /// their stable fingerprints, so lines moving does not matter.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// Write every finding of this run (after ecslint.toml) to FILE as a baseline, atomically.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<String>,
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
    #[arg(required_unless_present = "cloudformation", value_name = "FILE|DIR")]
    pub paths: Vec<String>,
    /// A CloudFormation template (JSON or YAML) or a CDK cloud assembly folder: the document
    /// rules on every policy in it (its task definitions are `check`'s business).
    #[arg(long = "cloudformation", value_name = "FILE|DIR")]
    pub cloudformation: Vec<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub report: ReportArgs,
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
        required_unless_present_any = ["services", "stacks"]
    )]
    pub task_definitions: Vec<String>,
    /// CloudFormation stacks to fetch: their template, resources and parameters, and what the
    /// template names but does not create (repeatable).
    #[arg(long = "stack", value_name = "NAME")]
    pub stacks: Vec<String>,
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
    /// More task definitions, as for --task-definition: what a pre-commit hook or `xargs`
    /// appends.
    #[arg(value_name = "TASK_DEFINITION")]
    pub files: Vec<String>,
    /// A CloudFormation template (JSON or YAML): its task definitions, roles, policies, secrets
    /// and keys, intrinsic functions resolved (repeatable). A CDK cloud assembly folder
    /// (`cdk.out/`) means every stack template its manifest lists. `STACK=FILE` says which
    /// deployed stack (`--stack-resources`) it is the template of.
    #[arg(long = "cloudformation", value_name = "[STACK=]FILE|DIR")]
    pub cloudformation: Vec<String>,
    /// `terraform show -json` of a plan (`terraform plan -out plan.bin && terraform show -json
    /// plan.bin`) or of a state: its task definitions, roles, policies, secrets and keys, values
    /// known only after apply followed through the configuration (repeatable).
    #[arg(long = "terraform-plan", value_name = "FILE")]
    pub terraform_plans: Vec<String>,
    /// With --terraform-plan: the folder of the `.tf` sources (searched with its subfolders,
    /// not `.terraform/`). A finding is then located on the `.tf` line that wrote the value, and
    /// its fix edits that line where the value is a literal.
    #[arg(
        long = "terraform-dir",
        value_name = "DIR",
        requires = "terraform_plans"
    )]
    pub terraform_dir: Option<String>,
    /// A template parameter's value (repeatable); parameters not given take their `Default`.
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub stack_parameters: Vec<String>,
    /// The account a template is deployed to, for `AWS::AccountId` (default: the account its
    /// literal ARNs name, else a placeholder).
    #[arg(long = "account-id", value_name = "ID")]
    pub account_id: Option<String>,
    /// A deployed stack's resources (`aws cloudformation describe-stack-resources` or
    /// `list-stack-resources` output) or parameters (`describe-stacks`): its template is read
    /// with the names and real ARNs the stack has, symbolic ones made real (repeatable).
    #[arg(long = "stack-resources", value_name = "FILE")]
    pub stack_resources: Vec<String>,
    /// With --aws: check a deployed CloudFormation stack, its template
    /// (`cloudformation:GetTemplate`) read with its resources' real names and ARNs (repeatable).
    #[arg(long = "stack", value_name = "NAME", requires = "aws")]
    pub stacks: Vec<String>,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub live: LiveArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The principal that deploys the task definitions (a role, user or assumed-role ARN): check
    /// that it may register them, update the service (`--service CLUSTER/SERVICE`) and pass
    /// their execution and task roles to ECS (`iam:PassRole` with `iam:PassedToService`
    /// `ecs-tasks.amazonaws.com`). Its policies come from `--policy PRINCIPAL_ARN=FILE`,
    /// `--account-details` (roles and users) or `--aws`.
    #[arg(long, value_name = "PRINCIPAL_ARN")]
    pub deployer: Option<String>,
    /// With --deployer: the tool that deploys, whose AWS calls are checked (each tool's calls
    /// are listed in rules/missing-permission.md).
    #[arg(
        long = "deploy-tool",
        value_enum,
        value_name = "TOOL",
        default_value_t = crate::deploy::DeployTool::AwsCli,
        requires = "deployer"
    )]
    pub deploy_tool: crate::deploy::DeployTool,
    /// The task's region, for bare secret and parameter names, when the task definition does not
    /// give it. Defaults to AWS_REGION, then AWS_DEFAULT_REGION, as the AWS CLI does.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Fill ecspresso's `{{ env `NAME` `default` }}` and `{{ must_env `NAME` }}` in task
    /// definitions from the environment, as `ecspresso render` does, and check the result (an
    /// unset `must_env` variable is an error at its place). Other template functions stay
    /// unchecked.
    #[arg(long)]
    pub ecspresso_env: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub fixing: FixArgs,
    /// Inputs a command gives besides the flags (`lint`'s files).
    #[arg(skip)]
    pub extra: Vec<crate::load::Input>,
    /// The document rules only: task definitions in the inputs (a template's) are not checked
    /// (`lint`).
    #[arg(skip)]
    pub policies_only: bool,
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

/// Runs a command: its exit code, and what to print on stdout and stderr.
pub fn run(cli: Cli) -> commands::Outcome {
    match cli.command {
        Command::Check(args) => commands::check::run(*args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Rule { name } => commands::rule(name.as_deref()),
        Command::Rules => commands::rule(None),
        Command::Lint(args) => commands::lint::run(args),
        Command::Diagnose(args) => commands::diagnose::run(args),
        Command::Snapshot(args) => commands::snapshot::run(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "ecslint", &mut out);
            (0, String::from_utf8_lossy(&out).into_owned(), String::new())
        }
        Command::Man { command } => {
            let mut out = Vec::new();
            let mut cli = Cli::command();
            cli.build();
            let page = match &command {
                None => cli,
                Some(name) => match cli.find_subcommand(name) {
                    Some(sub) => sub
                        .clone()
                        .name(format!("ecslint-{name}"))
                        .version(env!("CARGO_PKG_VERSION")),
                    None => {
                        return (
                            2,
                            String::new(),
                            format!("ecslint: no command `{name}`: see `ecslint --help`\n"),
                        );
                    }
                },
            };
            match clap_mangen::Man::new(page).render(&mut out) {
                Ok(()) => (0, String::from_utf8_lossy(&out).into_owned(), String::new()),
                Err(e) => (
                    2,
                    String::new(),
                    format!("ecslint: cannot render the man page: {e}\n"),
                ),
            }
        }
    }
}

/// `FORMAT=PATH` for `--output`.
fn parse_output(arg: &str) -> Result<(Format, String), String> {
    let Some((format, path)) = arg.split_once('=').filter(|(_, p)| !p.is_empty()) else {
        return Err(format!(
            "expected FORMAT=PATH (e.g. sarif=ecslint.sarif), found \"{arg}\""
        ));
    };
    let format = <Format as ValueEnum>::from_str(format, true).map_err(|_| {
        format!("unknown format \"{format}\": one of human, json, sarif, gitlab, github, markdown")
    })?;
    Ok((format, path.to_string()))
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
