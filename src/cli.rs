//! The command line: clap commands and flags. Flags and the JSON schema are contracts.

use crate::inventory::files::{Inputs, PolicyArg};
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
    /// Print a rule's documentation, or list every rule.
    Rule {
        /// The rule's name, e.g. secret-display-name. Omit to list all rules.
        name: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// An ECS task definition: register-task-definition input or describe-task-definition output.
    #[arg(long, value_name = "FILE")]
    pub task_definition: Option<String>,
    /// An IAM policy (a document, or get-role-policy / get-policy-version output), attached to
    /// ROLE (a role name or ARN); without ROLE=, to the task definition's execution role.
    #[arg(long = "policy", value_name = "[ROLE=]FILE")]
    pub policies: Vec<String>,
    /// Secrets metadata: `aws secretsmanager list-secrets` or `describe-secret` output.
    #[arg(long = "secrets", value_name = "FILE")]
    pub secrets: Vec<String>,
    /// The task's region, for bare secret names, when the task definition does not give it.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// A condition key's value in the ECS agent's request, e.g. aws:SourceVpce=vpce-0a1b2c3d
    /// (repeatable; repeat a key for several values). Keys not given are unknown, never guessed.
    #[arg(long = "context", value_name = "KEY=VALUE", value_parser = parse_context)]
    pub context: Vec<(String, String)>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colours in human output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Runs a parsed command line; returns the exit code and what to print on stdout and stderr.
pub fn run(cli: Cli) -> (u8, String, String) {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rule { name } => rule(name.as_deref()),
    }
}

fn check(args: CheckArgs) -> (u8, String, String) {
    if args.task_definition.is_none() && args.policies.is_empty() {
        return (
            EXIT_ERROR,
            String::new(),
            "ecslint: nothing to check: give --task-definition FILE and --policy FILE (see `ecslint check --help`)\n"
                .to_string(),
        );
    }
    let inputs = Inputs {
        task_definition: args.task_definition.clone(),
        policies: args.policies.iter().map(|p| PolicyArg::parse(p)).collect(),
        secrets: args.secrets.clone(),
    };
    let mut options = crate::CheckOptions {
        region: args.region.clone(),
        ..Default::default()
    };
    for (key, value) in &args.context {
        options.context.add(key, value.clone());
    }
    let checked = match crate::check(&inputs, &options) {
        Ok(c) => c,
        Err(e) => {
            return (
                EXIT_ERROR,
                String::new(),
                report::terminal_safe(&format!("ecslint: {e}\n")),
            );
        }
    };
    let report = Report {
        sources: &checked.sources,
        findings: checked.findings,
        needs_checked: checked.needs_checked,
        needs_granted: checked.needs_granted,
    };
    let code = if report
        .findings
        .iter()
        .any(|f| f.severity >= Severity::Error)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    let stdout = match args.format {
        Format::Json => report::json::render(&report) + "\n",
        Format::Human => {
            let is_tty = std::io::stdout().is_terminal();
            let color = match args.color {
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
            report::human::render(&report, report::human::Style { color, width })
        }
    };
    (code, stdout, String::new())
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
