//! The rules. Each file holds one rule: its metadata, declared once, and its check. This module is
//! the registry: one line per rule in `ALL`.

mod action_near_miss;
mod arn_case_mismatch;
mod arn_placeholder;
mod arn_wrong_account;
mod arn_wrong_partition;
mod arn_wrong_region;
mod condition_dependent;
mod condition_not_met;
mod explicit_deny;
mod grant_on_wrong_role;
mod invalid_input;
mod invalid_json;
mod invalid_policy;
mod invalid_value_from;
mod kms_alias_resource;
mod kms_key_arn_colon;
mod missing_execution_role;
mod missing_permission;
mod resource_star_reads;
pub(crate) mod role_trust;
mod role_trust_confused_deputy;
mod secret_arn_without_suffix;
mod secret_deny_sidestep;
mod secret_display_name;
mod secret_json_key_tail;
mod secret_partial_arn_ambiguous;
mod secret_reference_partial_arn;
mod secret_wildcard_broad;
mod ssm_parameter_other_region;
mod star_only_action_scoped;
mod unknown_action;
mod unresolved_reference;
mod value_from_in_environment;

use crate::explain::{Assessment, EntryRef};
use crate::fix::Fix;
use crate::model::InputProblem;
use crate::model::inventory::Inventory;
use crate::model::policy::Statement;
use crate::model::source::{Loc, SourceMap, Spanned};
use crate::model::taskdef::TaskDefinition;
use crate::needs::{Need, Needs};

/// Every rule, in the order their findings are reported when they share a place.
pub static ALL: &[&dyn Rule] = &[
    &invalid_json::InvalidJson,
    &invalid_policy::InvalidPolicy,
    &invalid_input::InvalidInput,
    &invalid_value_from::InvalidValueFrom,
    &secret_partial_arn_ambiguous::SecretPartialArnAmbiguous,
    &secret_reference_partial_arn::SecretReferencePartialArn,
    &ssm_parameter_other_region::SsmParameterOtherRegion,
    &missing_execution_role::MissingExecutionRole,
    &secret_display_name::SecretDisplayName,
    &secret_arn_without_suffix::SecretArnWithoutSuffix,
    &secret_json_key_tail::SecretJsonKeyTail,
    &arn_wrong_region::ArnWrongRegion,
    &arn_wrong_account::ArnWrongAccount,
    &arn_wrong_partition::ArnWrongPartition,
    &arn_case_mismatch::ArnCaseMismatch,
    &arn_placeholder::ArnPlaceholder,
    &kms_key_arn_colon::KmsKeyArnColon,
    &kms_alias_resource::KmsAliasResource,
    &star_only_action_scoped::StarOnlyActionScoped,
    &grant_on_wrong_role::GrantOnWrongRole,
    &explicit_deny::ExplicitDeny,
    &condition_not_met::ConditionNotMet,
    &action_near_miss::ActionNearMiss,
    &unknown_action::UnknownAction,
    &missing_permission::MissingPermission,
    &role_trust::RoleTrust,
    &condition_dependent::ConditionDependent,
    &role_trust_confused_deputy::RoleTrustConfusedDeputy,
    &value_from_in_environment::ValueFromInEnvironment,
    &secret_wildcard_broad::SecretWildcardBroad,
    &secret_deny_sidestep::SecretDenySidestep,
    &resource_star_reads::ResourceStarReads,
    &unresolved_reference::UnresolvedReference,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    Never,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Never => "never",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

pub struct RuleMeta {
    /// Stable, kebab-case: part of the output contract.
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    pub summary: &'static str,
    /// `rules/<name>.md`.
    pub doc: &'static str,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Looks a rule up by name.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    ALL.iter().map(|r| r.meta()).find(|m| m.name == name)
}

/// A second place that helps explain a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub loc: Loc,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    pub loc: Option<Loc>,
    /// The text under the primary span.
    pub label: Option<String>,
    pub related: Vec<Related>,
    /// Why the task fails.
    pub note: Option<String>,
    /// What to do.
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(meta: &RuleMeta, loc: Loc, message: impl Into<String>) -> Finding {
        Finding {
            rule: meta.name,
            severity: meta.severity,
            message: message.into(),
            loc: Some(loc),
            label: None,
            related: Vec::new(),
            note: None,
            help: None,
            fix: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds a related place; a place already shown is not repeated.
    pub fn related(mut self, loc: Loc, message: impl Into<String>) -> Self {
        if self.loc == Some(loc) || self.related.iter().any(|r| r.loc == loc) {
            return self;
        }
        self.related.push(Related {
            loc,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
}

/// Everything a rule may read.
pub struct Context<'a> {
    pub sources: &'a SourceMap,
    pub task_definitions: &'a [TaskDefinition],
    pub inventory: &'a Inventory,
    pub problems: &'a [InputProblem],
    /// Policies given but unreadable: their grants are unknown.
    pub unreadable_policies: &'a [Loc],
    pub needs: &'a Needs,
    pub assessments: &'a [Assessment],
    /// What the policies hold that is wrong on its face: the one typed defect pass.
    pub defects: &'a crate::defects::Defects,
}

impl<'a> Context<'a> {
    /// The context of a check over everything `loaded` read.
    pub fn of(
        loaded: &'a crate::model::Loaded,
        needs: &'a Needs,
        assessments: &'a [Assessment],
        defects: &'a crate::defects::Defects,
    ) -> Self {
        Context {
            sources: &loaded.sources,
            task_definitions: &loaded.task_definitions,
            inventory: &loaded.inventory,
            problems: &loaded.problems,
            unreadable_policies: &loaded.unreadable_policies,
            needs,
            assessments,
            defects,
        }
    }

    pub fn need(&self, assessment: &Assessment) -> &'a Need {
        &self.needs.needs[assessment.need]
    }

    pub fn statement(&self, policy: usize, statement: usize) -> &'a Statement {
        &self.inventory.policies[policy].document.statements[statement]
    }

    pub fn entry(&self, entry: EntryRef) -> &'a Spanned<String> {
        &self
            .statement(entry.policy, entry.statement)
            .resource
            .values[entry.entry]
    }

    /// Whether fixes may edit this place: a file, not an embedded document.
    pub fn is_file(&self, loc: Loc) -> bool {
        self.sources.get(loc.source).is_file()
    }
}

/// Runs every rule and orders the findings by file and position.
pub fn check(cx: &Context<'_>) -> Vec<Finding> {
    // Rules read the context and share nothing else: run them on every core, then put their
    // findings back in registry order, so the output does not depend on scheduling.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let run = |rule: &dyn Rule| {
        let mut out = Vec::new();
        rule.check(cx, &mut out);
        out
    };
    let per_rule: Vec<Vec<Finding>> = if threads > 1 && cx.inventory.policies.len() > 64 {
        // A shared queue rather than fixed halves: a few rules (placeholders, catalog lookups)
        // cost most of the time, and whichever thread is free takes the next rule.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let done: Vec<(usize, Vec<Finding>)> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads.min(ALL.len()))
                .map(|_| {
                    scope.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(rule) = ALL.get(i) else { break mine };
                            mine.push((i, run(*rule)));
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                // A rule that panics panics the run, as it would on one thread.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut ordered: Vec<Vec<Finding>> = ALL.iter().map(|_| Vec::new()).collect();
        for (i, findings) in done {
            ordered[i] = findings;
        }
        ordered
    } else {
        ALL.iter().map(|rule| run(*rule)).collect()
    };
    let mut findings: Vec<Finding> = per_rule.into_iter().flatten().collect();
    // Stable: findings at one place keep the registry's order.
    findings.sort_by_key(|f| f.loc.map(|l| (l.source, l.span.start)));
    findings
}

/// The findings of one kind of input problem: the loaders decided them, the rule names them.
fn problem_findings(
    meta: &RuleMeta,
    kind: crate::model::ProblemKind,
    note: &str,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    for problem in cx.problems.iter().filter(|p| p.kind == kind) {
        let mut finding = Finding::new(meta, problem.loc, problem.message.clone()).note(note);
        if let Some((loc, message)) = &problem.related {
            finding = finding.related(*loc, message.clone());
        }
        out.push(finding);
    }
}

/// Findings for `Resource` entries that were meant to grant a need but got one field wrong: one
/// per entry, located on it, with the corrected entry as the fix.
fn field_defect_findings(
    meta: &RuleMeta,
    defect: crate::explain::EntryDefect,
    note: &str,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    entry_defect_findings(
        meta,
        defect,
        note,
        &|_, _| crate::fix::Applicability::Safe,
        cx,
        out,
    )
}

/// Like `field_defect_findings`, with the applicability an exact correction gets, given the
/// entry as written and the resource it was meant for.
fn entry_defect_findings(
    meta: &RuleMeta,
    defect: crate::explain::EntryDefect,
    note: &str,
    exact: &dyn Fn(&str, &str) -> crate::fix::Applicability,
    cx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    use crate::explain::{Cause, corrected_entry};
    use crate::fix::{Applicability, Edit, Fix};
    let mut seen: Vec<EntryRef> = Vec::new();
    for assessment in cx.assessments {
        let Cause::DefectiveEntries(entries) = &assessment.cause else {
            continue;
        };
        let need = cx.need(assessment);
        let resource = &crate::explain::meant_resource(need);
        for (entry_ref, d) in entries {
            if *d != defect || seen.contains(entry_ref) {
                continue;
            }
            seen.push(*entry_ref);
            let entry = cx.entry(*entry_ref);
            let fix = corrected_entry(&entry.value, resource, &defect).map(|fixed| Fix {
                // A corrected entry with wildcards may grant more than the reference.
                applicability: if fixed.contains('*') {
                    Applicability::Unsafe
                } else {
                    exact(&entry.value, resource)
                },
                message: format!("replace with `{fixed}`"),
                edits: vec![Edit::replace(entry.loc, crate::json::quote(&fixed))],
            });
            let mut finding = Finding::new(
                meta,
                entry.loc,
                format!(
                    "`Resource` {}, so it does not grant {}",
                    defect.describe(resource),
                    describe_need(need)
                ),
            )
            .label("meant for the referenced resource, but matches another")
            .note(note)
            .fix(fix);
            for origin in &need.origins {
                finding = finding.related(origin.loc, format!("{} needs it", origin.what));
            }
            out.push(finding);
        }
    }
}

/// The secret reference written at `loc` (a JSON string in a task definition), which requests
/// `requested` without the suffix, rewritten to name the secret by its full ARN `full`: a partial
/// ARN keeps its `:json-key:version-stage:version-id` tail, a bare name becomes the ARN. `None`
/// when the place does not hold such a reference.
fn full_reference(cx: &Context<'_>, loc: Loc, requested: &str, full: &str) -> Option<String> {
    let written: String = serde_json::from_str(cx.sources.slice(loc)).ok()?;
    match written.strip_prefix(requested) {
        Some(tail) => Some(format!("{full}{tail}")),
        None => requested
            .ends_with(&format!(":secret:{written}"))
            .then(|| full.to_string()),
    }
}

/// Edits that make every reference of these needs name its secret by the full ARN, for a fix
/// that narrows the grant a partial reference relies on (IAM evaluates the ARN as requested, so
/// `NAME-??????` would not match it). `None` when one of them cannot be rewritten: the secret's
/// stored ARN is unknown, or the reference is not in a file.
fn full_reference_edits<'n>(
    cx: &Context<'_>,
    needs: impl IntoIterator<Item = &'n Need>,
) -> Option<Vec<crate::fix::Edit>> {
    let mut edits = Vec::new();
    for need in needs {
        let stored = match &need.subject {
            crate::needs::Subject::Secret {
                secret: Some(_),
                arn,
                by_partial: true,
            } => arn.to_string(),
            crate::needs::Subject::Secret {
                by_partial: true, ..
            } => return None,
            _ => continue,
        };
        for origin in &need.origins {
            let full = full_reference(cx, origin.loc, &need.request.resource, &stored)
                .filter(|_| cx.is_file(origin.loc))?;
            edits.push(crate::fix::Edit::replace(
                origin.loc,
                crate::json::quote(&full),
            ));
        }
    }
    Some(edits)
}

/// The task definition references of one kind of problem, as the needs stage found them.
fn reference_problems<'a>(
    cx: &Context<'a>,
    kind: crate::needs::ReferenceProblemKind,
) -> impl Iterator<Item = &'a crate::needs::ReferenceProblem> {
    cx.needs.problems.iter().filter(move |p| p.kind() == kind)
}

/// How a need is described in messages: "secretsmanager:GetSecretValue on arn:…".
pub fn describe_need(need: &Need) -> String {
    format!("`{}` on `{}`", need.request.action, need.request.resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_kebab_case_name_a_doc_and_a_unique_name() {
        let mut names = std::collections::HashSet::new();
        for rule in ALL {
            let meta = rule.meta();
            assert!(names.insert(meta.name), "duplicate {}", meta.name);
            assert!(
                meta.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                meta.name
            );
            assert!(
                meta.doc.starts_with(&format!("# {}\n", meta.name)),
                "rules/{}.md must start with its name",
                meta.name
            );
            for heading in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(meta.doc.contains(heading), "{} lacks {heading}", meta.name);
            }
        }
    }

    #[test]
    fn every_doc_in_rules_belongs_to_a_registered_rule() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules");
        let mut docs: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .map(|n| n.trim_end_matches(".md").to_string())
            .collect();
        docs.sort();
        let mut names: Vec<String> = ALL.iter().map(|r| r.meta().name.to_string()).collect();
        names.sort();
        assert_eq!(docs, names);
    }
}
