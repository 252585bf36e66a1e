//! ecslint finds, explains and fixes the IAM mistakes that stop Amazon ECS tasks from reading
//! their secrets.
//!
//! The data flows one way: load → model → needs → evaluate → explain → findings → report
//! (see DESIGN.md). `check` runs the whole line on files.

pub mod arn;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod denial;
pub mod diagnose;
pub mod explain;
pub mod fix;
pub mod iam;
pub mod inventory;
pub mod json;
pub mod needs;
mod parallel;
pub mod policy;
pub mod report;
pub mod rules;
pub mod simulate;
pub mod source;
pub mod taskdef;

use inventory::files::{Inputs, LoadError, Loaded};
use rules::Finding;
use source::SourceMap;

/// What a `check` run found.
pub struct Checked {
    pub sources: SourceMap,
    pub findings: Vec<Finding>,
    pub needs_checked: usize,
    pub needs_granted: usize,
    /// The files `--fix` may write: policy files of their own and task definitions (not account
    /// details, not documents embedded in strings).
    pub writable: Vec<source::SourceId>,
    /// Every policy document read: `(name, where it is, the AWS CLI command that replaces it
    /// less the document)`, to print one corrected on its own with the way to apply it.
    pub documents: Vec<(String, source::Loc, Option<String>)>,
}

/// What a `check` run knows beyond its files.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The task's region, overriding what the inputs say (`--region`).
    pub region: Option<String>,
    /// The region to assume when neither `region` nor the inputs give one (the environment's).
    pub default_region: Option<String>,
    /// Request context the user knows (`--context KEY=VALUE`).
    pub context: iam::RequestContext,
}

/// A finding inside a document that is not a file of its own (a role's policy in account
/// details, a URL-encoded document) says which role and policy it is in: the file alone does not.
fn name_embedded_policies(findings: &mut [Finding], inventory: &inventory::Inventory) {
    // Only documents that are not files of their own need naming: usually none, or a few.
    let embedded: Vec<&inventory::AttachedPolicy> =
        inventory.policies.iter().filter(|p| !p.editable).collect();
    if embedded.is_empty() {
        return;
    }
    for finding in findings {
        let Some(loc) = finding.loc else { continue };
        let holder = embedded.iter().find(|p| {
            p.document.loc.source == loc.source
                && p.document.loc.span.start <= loc.span.start
                && loc.span.end <= p.document.loc.span.end
        });
        let Some(policy) = holder else { continue };
        let place = match &policy.attachment {
            inventory::Attachment::Role(r) => format!("role {r}, policy {}", policy.name),
            inventory::Attachment::Trust(r) => format!("trust policy of role {r}"),
            _ => format!("policy {}", policy.name),
        };
        finding.message = format!("{} [{place}]", finding.message);
    }
}

/// Loads the inputs, works out what the task definition needs, evaluates it and runs every rule.
pub fn check(inputs: &Inputs, options: &CheckOptions) -> Result<Checked, LoadError> {
    let loaded = Loaded::load(inputs)?;
    let mut needs = needs::Needs::default();
    for td in &loaded.task_definitions {
        let mut context = needs::TaskContext::of(td, options.region.as_deref());
        if context.region.is_none() {
            context.region.clone_from(&options.default_region);
        }
        needs.merge(needs::derive(td, &loaded.inventory, &context));
    }
    let assessments = explain::assess(&loaded.inventory, &needs, &options.context);
    let cx = rules::Context::of(&loaded, &needs, &assessments);
    let mut findings = rules::check(&cx);
    name_embedded_policies(&mut findings, &loaded.inventory);
    let needs_granted = assessments
        .iter()
        .filter(|a| a.evaluation.is_allowed())
        .count();
    let mut writable: Vec<source::SourceId> = loaded
        .inventory
        .policies
        .iter()
        .filter(|p| p.editable)
        .map(|p| p.document.source)
        .chain(loaded.task_definitions.iter().map(|td| td.source))
        // Documents fetched live are not files to write.
        .filter(|id| !inputs.memory.contains_key(&loaded.sources.get(*id).name))
        .collect();
    writable.sort();
    writable.dedup();
    let documents = loaded
        .inventory
        .policies
        .iter()
        .map(|p| {
            let update = (!p.editable).then(|| p.update_command()).flatten();
            (p.name.clone(), p.document.loc, update)
        })
        .collect();
    Ok(Checked {
        documents,
        writable,
        findings,
        needs_checked: assessments.len(),
        needs_granted,
        sources: loaded.sources,
    })
}
