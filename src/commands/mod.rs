//! The library's entry points, one module per command: each takes the parsed flags and returns
//! the exit code with what to print on stdout and stderr. Nothing below them prints.

pub mod check;
pub mod diagnose;
pub mod lint;
pub mod simulate;
pub mod snapshot;

use crate::cli::{AccountArgs, ColorChoice, Format, LiveArgs, OutputArgs, PolicyArgs};
use crate::iam::RequestContext;
use crate::load::snapshot::Snapshot;
use crate::load::{Input, InputKind};
use crate::report::{self, Report};
use crate::rules::Severity;
use std::io::IsTerminal;

/// Exit codes (README, "Exit codes").
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// What a command ends with: its exit code, stdout and stderr.
pub type Outcome = (u8, String, String);

impl AccountArgs {
    /// The account files the flags name, as inputs, after `first` (the task definitions).
    fn inputs(&self, first: Vec<Input>) -> Vec<Input> {
        let owned = |kind, args: &[String]| -> Vec<Input> {
            args.iter().map(|a| Input::owned_file(kind, a)).collect()
        };
        let files = |kind, paths: &[String]| -> Vec<Input> {
            paths.iter().map(|p| Input::file(kind, p)).collect()
        };
        [
            first,
            owned(InputKind::Policy, &self.policies),
            files(InputKind::Secrets, &self.secrets),
            files(InputKind::AccountDetails, &self.account_details),
            owned(InputKind::ServiceControlPolicy, &self.scps),
            owned(InputKind::ResourceControlPolicy, &self.rcps),
            owned(InputKind::ResourcePolicy, &self.resource_policies),
            owned(InputKind::KeyPolicy, &self.key_policies),
            files(InputKind::Parameters, &self.parameters),
            files(InputKind::KmsAliases, &self.kms_aliases),
        ]
        .concat()
    }

    fn context(&self) -> RequestContext {
        let mut context = RequestContext::new();
        for (key, value) in &self.context {
            context.add(key, value.clone());
        }
        for key in &self.absent {
            context.set_absent(key);
        }
        if let Some(account) = &self.resource_account {
            context.set("aws:ResourceAccount", vec![account.clone()]);
        }
        context
    }
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

impl OutputArgs {
    /// Renders a check report in the chosen format.
    fn render(&self, report: &Report<'_>) -> String {
        match self.format {
            Format::Json => report::json::render(report) + "\n",
            Format::Sarif => report::ci::render_sarif(report) + "\n",
            Format::Gitlab => report::ci::render_gitlab(report) + "\n",
            Format::Github => report::ci::render_github(report),
            Format::Markdown => report::ci::render_markdown(report, self.markdown_flavor),
            Format::Rdjson => report::rdjson::render(report) + "\n",
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
    /// CloudFormation stacks to read (`check --stack`).
    stacks: Vec<String>,
}

#[cfg(feature = "aws")]
fn fetch(live: &LiveArgs, request: LiveRequest, region: Option<&str>) -> Result<Snapshot, String> {
    crate::load::live::fetch_blocking(&crate::load::live::LiveTarget {
        task_definitions: request.task_definitions,
        services: live.services.clone(),
        stopped_tasks: request.stopped_tasks,
        stopped_of_services: request.stopped_of_services,
        stacks: request.stacks,
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

/// Fetches what the task definitions named (and the services' current ones) and the stacks'
/// templates lead to.
fn fetch_task_definitions(
    live: &LiveArgs,
    task_definitions: &[String],
    stacks: &[String],
    roles: &[String],
    region: Option<&str>,
) -> Result<Snapshot, Outcome> {
    let request = LiveRequest {
        task_definitions: task_definitions.to_vec(),
        stacks: stacks.to_vec(),
        roles: roles.to_vec(),
        ..Default::default()
    };
    fetch(live, request, region).map_err(|e| usage_error(&e))
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

fn terminal_width() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.parse().ok()
}

/// `ecslint rule [NAME]`: a rule's documentation, or the list of every rule.
pub fn rule(name: Option<&str>) -> Outcome {
    match name {
        None => {
            let mut out = String::new();
            let width = crate::rules::ALL
                .iter()
                .map(|r| r.meta().name.len())
                .max()
                .unwrap_or(0);
            for r in crate::rules::ALL {
                let m = r.meta();
                out.push_str(&format!(
                    "{:<width$} {:<8} fix: {:<9} {}\n",
                    m.name,
                    m.severity.as_str(),
                    m.fix.as_str(),
                    m.summary
                ));
            }
            (EXIT_CLEAN, out, String::new())
        }
        Some(name) => match crate::rules::find(name) {
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
