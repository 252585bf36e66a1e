//! What a rule is: its metadata, declared once, and its check; what it produces (findings); and
//! what it may read (the context).

use crate::explain::{Assessment, EntryRef};
use crate::fix::Fix;
use crate::model::InputProblem;
use crate::model::inventory::Inventory;
use crate::model::policy::Statement;
use crate::model::source::{Loc, SourceMap, Spanned};
use crate::model::taskdef::TaskDefinition;
use crate::needs::{Need, Needs};

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
    /// The causes, defects and problems this rule owns.
    pub decides: &'static [Decides],
}

/// Declares a rule's metadata shell: the rule's type, its `META` (the doc is `rules/NAME.md`) and
/// the `Rule` impl that runs the file's own `fn check(cx, out)`.
#[macro_export]
macro_rules! declare_rule {
    (
        $ty:ident {
            name: $name:literal,
            severity: $severity:ident,
            fix: $fix:ident,
            summary: $summary:expr,
            decides: [$($decides:expr),* $(,)?] $(,)?
        }
    ) => {
        pub struct $ty;

        static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            name: $name,
            severity: $crate::rules::Severity::$severity,
            fix: $crate::rules::FixAvailability::$fix,
            summary: $summary,
            doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $name, ".md")),
            decides: &[$($decides),*],
        };

        impl $crate::rules::Rule for $ty {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &META
            }

            fn check(
                &self,
                cx: &$crate::rules::Context<'_>,
                out: &mut Vec<$crate::rules::Finding>,
            ) {
                check(cx, out)
            }
        }
    };
}

/// What a rule is the one owner of: each cause the explainer gives, each defect the defect pass
/// finds, each input and reference problem the loaders and the needs stage report is worded by
/// exactly one rule (a registry test proves it). Rules may read other causes to stay out of
/// their way; they report only what they own, and checks of their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Decides {
    Cause(crate::explain::CauseKind),
    /// One defect behind `Cause::DefectiveEntries`.
    Entry(crate::explain::EntryDefect),
    Defect(crate::defects::DefectKind),
    Input(crate::model::ProblemKind),
    Reference(crate::needs::ReferenceProblemKind),
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
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
    /// Managed policies attached but not given: they exist, their grants are unknown.
    pub unknown_policies: &'a [Loc],
    /// Roles a template names but nothing read defines: their grants are unknown.
    pub unknown_roles: &'a [(String, Loc)],
    pub needs: &'a Needs,
    pub assessments: &'a [Assessment],
    /// What the policies hold that is wrong on its face: the one typed defect pass.
    pub defects: &'a crate::defects::Defects,
    /// The trust of the roles the run is about (the task definitions' roles).
    pub trust: &'a [crate::explain::RoleTrust],
}

impl<'a> Context<'a> {
    /// The context of a check over everything `loaded` read.
    pub fn of(
        loaded: &'a crate::model::Loaded,
        needs: &'a Needs,
        assessments: &'a [Assessment],
        defects: &'a crate::defects::Defects,
        trust: &'a [crate::explain::RoleTrust],
    ) -> Self {
        Context {
            sources: &loaded.sources,
            task_definitions: &loaded.task_definitions,
            inventory: &loaded.inventory,
            problems: &loaded.problems,
            unreadable_policies: &loaded.unreadable_policies,
            unknown_policies: &loaded.unknown_policies,
            unknown_roles: &loaded.unknown_roles,
            needs,
            assessments,
            defects,
            trust,
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
