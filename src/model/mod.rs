//! Plain data owned by no loader: sources and spans, task definitions, policies, the inventory of
//! the account, and the problems found while reading them.

pub mod inventory;
pub mod policy;
pub mod problem;
pub mod source;
pub mod taskdef;
pub mod template;

pub use problem::{InputProblem, ProblemKind};

/// What a run's inputs hold, whichever loaders read them.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: source::SourceMap,
    pub task_definitions: Vec<taskdef::TaskDefinition>,
    pub inventory: inventory::Inventory,
    pub problems: Vec<InputProblem>,
    /// Where each policy that could not be read failed: its grants are unknown.
    pub unreadable_policies: Vec<source::Loc>,
    /// CloudFormation templates read: what they hold is resolved from expressions, so fixes
    /// are not written to them as edits of a JSON document.
    pub templates: Vec<source::SourceId>,
    /// Terraform plans and states read: never written (a fix belongs in the `.tf` source).
    pub plans: Vec<source::SourceId>,
    /// The local module calls of the plans' configuration: module address and its folder
    /// relative to the root module's (`module.app`, `./modules/app`).
    pub module_dirs: Vec<(String, String)>,
    /// Managed policies attached but not given (not in the account details, not built in):
    /// they exist in AWS, their grants are unknown here.
    pub unknown_policies: Vec<source::Loc>,
    /// Roles a template's task definitions run as that neither the template nor the account
    /// files define: they exist elsewhere, their grants are unknown. Each name once, where the
    /// task definition names it.
    pub unknown_roles: Vec<(String, source::Loc)>,
    /// The ARNs of those policies, each once (what a live run fetches for a template's roles).
    pub unknown_policy_arns: Vec<String>,
    /// A CDK stack's resources: where each stands in its template, and its construct path.
    pub constructs: Vec<(source::Loc, String)>,
}
