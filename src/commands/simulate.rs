//! `ecslint simulate`: one request evaluated offline, like the IAM policy simulator, with the
//! statements that decided it and the ones that almost applied.

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, LiveRequest, Outcome, fetch, usage_error};
use crate::arn::Arn;
use crate::cli::{Format, LiveArgs, SimulateArgs};
use crate::explain::{entry_defect, request_context};
use crate::iam::{
    Decision, Evaluation, PolicyType, Principal, Request, RequestContext, StatementRef,
    StatementTrace, Tri, evaluate,
};
use crate::load::{Input, LoadError};
use crate::model::inventory::Inventory;
use crate::model::source::{Loc, SourceMap};
use crate::needs::Needs;
use crate::report::{self, Report};
use crate::rules::{self, Finding};

/// A simulated request and its answer.
pub struct Simulation {
    pub sources: SourceMap,
    pub inventory: Inventory,
    /// What the policies hold that is wrong on their face.
    pub defects: crate::defects::Defects,
    /// What the inputs themselves are found to hold (invalid JSON, placeholders …).
    pub findings: Vec<Finding>,
    pub principal: Principal,
    pub request: Request,
    /// When the resource was given by name: the name, evaluated as the ARN it stands for.
    pub resolved_from: Option<String>,
    /// When the secret was named without its suffix: its stored ARN, which IAM did not evaluate.
    pub stored_arn: Option<String>,
    /// Whether a request for `stored_arn` would have been allowed.
    pub stored_allowed: bool,
    pub context: RequestContext,
    pub evaluation: Evaluation,
}

/// A statement shown in the answer, with where it is and why it counts.
pub struct Explained<'a> {
    pub trace: &'a StatementTrace,
    pub policy: &'a str,
    pub loc: Loc,
    /// For a near miss: what did not match.
    pub why: String,
}

/// Turns `--principal` into a principal: a role ARN, an assumed-role session ARN, or a role name
/// (looked up in account details, else assumed to be in the resource's account).
pub fn resolve_principal(given: &str, inventory: &Inventory, resource: &str) -> Principal {
    if let Some(arn) = Arn::parse(given) {
        if arn.service == "sts"
            && arn.resource.starts_with("assumed-role/")
            && let Some(name) = crate::arn::principal_role(given)
        {
            let role_arn = inventory
                .role(name)
                .map(|r| r.arn.clone())
                .unwrap_or_else(|| {
                    format!("arn:{}:iam::{}:role/{name}", arn.partition, arn.account)
                });
            return Principal {
                role_arn,
                session_arn: Some(given.to_string()),
                account: arn.account,
            };
        }
        return Principal {
            role_arn: given.to_string(),
            session_arn: None,
            account: arn.account,
        };
    }
    if let Some(role) = inventory.role(given)
        && let Some(p) = Principal::from_role_arn(&role.arn)
    {
        return p;
    }
    let (partition, account) = Arn::parse(resource)
        .map(|a| (a.partition, a.account))
        .unwrap_or_else(|| ("aws".to_string(), String::new()));
    Principal {
        role_arn: format!("arn:{partition}:iam::{account}:role/{given}"),
        session_arn: None,
        account,
    }
}

/// `ecslint simulate`.
pub fn run(args: SimulateArgs) -> Outcome {
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
        let role = crate::arn::principal_role(&args.principal)
            .unwrap_or_else(|| crate::arn::role_name(&args.principal))
            .to_string();
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
        inputs.extend(snapshot.inputs());
    }
    let sim = match simulate(
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
            fixable: Default::default(),
        }),
    };
    (code, stdout, report::terminal_safe(&notes))
}

pub fn simulate(
    inputs: &[Input],
    principal: &str,
    action: &str,
    resource: &str,
    given: &RequestContext,
) -> Result<Simulation, LoadError> {
    let loaded = crate::load::load(inputs)?;
    let inventory = loaded.inventory;
    let principal = resolve_principal(principal, &inventory, resource);
    // IAM evaluates the ARN as requested: a partial ARN as written, a secret's bare name as the
    // ARN it stands for (no suffix). The stored ARN is kept to say when it would be allowed.
    let by_name = Arn::parse(resource).is_none();
    let secret = inventory
        .secret_by_arn(resource)
        .or_else(|| inventory.secret_by_partial_arn(resource))
        .or_else(|| {
            by_name
                .then(|| inventory.secret_by_name(resource, None))
                .flatten()
        });
    let stored = secret.map(|i| inventory.secrets[i].arn.value.clone());
    let evaluated = match stored.as_deref().and_then(Arn::parse) {
        Some(arn) if by_name => Arn {
            resource: format!("secret:{resource}"),
            ..arn
        }
        .to_string(),
        _ => resource.to_string(),
    };
    let resolved_from = (evaluated != resource).then(|| resource.to_string());
    let stored_arn = stored.filter(|s| *s != evaluated);
    let request = Request {
        action: action.to_string(),
        resource: evaluated,
    };
    let context = request_context(
        &request.resource,
        secret,
        Some(&principal),
        &inventory,
        given,
    );
    let role_name = crate::arn::role_name(&principal.role_arn).to_string();
    let set =
        crate::iam::PolicySet::for_request(&inventory, Some(&role_name), true, &request.resource);
    let evaluation = evaluate(&request, &set, Some(&principal), &context);
    // Would the stored ARN have been allowed? Then naming the secret without its suffix is what
    // denies it.
    let stored_allowed = match &stored_arn {
        Some(arn) if !evaluation.is_allowed() => crate::explain::Asked {
            role: Some(&role_name),
            is_default_role: true,
            principal: Some(&principal),
            secret,
        }
        .allowed(action, arn, &inventory, given)
        .is_some(),
        _ => false,
    };
    let needs = Needs::default();
    let defects = crate::defects::find(&inventory, Some(&loaded.sources));
    let cx = rules::Context {
        sources: &loaded.sources,
        task_definitions: &[],
        inventory: &inventory,
        problems: &loaded.problems,
        unreadable_policies: &loaded.unreadable_policies,
        unknown_policies: &loaded.unknown_policies,
        unknown_roles: &loaded.unknown_roles,
        needs: &needs,
        assessments: &[],
        defects: &defects,
        trust: &[],
    };
    let findings = rules::check(&cx);
    Ok(Simulation {
        sources: loaded.sources,
        inventory,
        defects,
        findings,
        principal,
        request,
        resolved_from,
        stored_arn,
        stored_allowed,
        context,
        evaluation,
    })
}

impl Simulation {
    pub fn decision_word(&self) -> &'static str {
        match self.evaluation.decision {
            Decision::Allowed { .. } => "allowed",
            Decision::Denied { .. } => "denied",
            Decision::Depends { .. } | Decision::DependsOnOtherAccount { .. } => "depends",
        }
    }

    fn explained<'a>(&'a self, trace: &'a StatementTrace, why: String) -> Explained<'a> {
        let policy = &self.inventory.policies[trace.at.policy];
        let statement = &policy.document.statements[trace.at.statement];
        Explained {
            trace,
            policy: &policy.name,
            loc: statement.loc,
            why,
        }
    }

    /// The statements that decided: the allows, the explicit denies, or the conditions it turns
    /// on.
    pub fn deciding(&self) -> Vec<Explained<'_>> {
        let refs: &[StatementRef] = match &self.evaluation.decision {
            Decision::Allowed { by } => by,
            Decision::Denied { explicit, .. } => explicit,
            Decision::Depends { on, .. } => on,
            Decision::DependsOnOtherAccount { by, .. } => by,
        };
        self.evaluation
            .trace
            .iter()
            .filter(|t| refs.contains(&t.at))
            .map(|t| {
                let why = match &t.applies {
                    Tri::Unknown(keys) => format!(
                        "depends on {}",
                        keys.iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => match t.effect {
                        crate::model::policy::Effect::Allow => {
                            format!("allows it ({})", t.kind.describe())
                        }
                        crate::model::policy::Effect::Deny => {
                            format!("denies it explicitly ({})", t.kind.describe())
                        }
                    },
                };
                self.explained(t, why)
            })
            .collect()
    }

    /// Allow statements whose action matched but that did not apply, with what did not match.
    pub fn near_misses(&self) -> Vec<Explained<'_>> {
        if self.evaluation.is_allowed() {
            return Vec::new();
        }
        self.evaluation
            .trace
            .iter()
            .filter(|t| t.effect == crate::model::policy::Effect::Allow && t.applies.is_false())
            .map(|t| {
                let (why, at) = self.why_not(t);
                let mut e = self.explained(t, why);
                e.loc = at.or_else(|| self.focus(t)).unwrap_or(e.loc);
                e
            })
            .collect()
    }

    /// The narrowest place that explains a near miss.
    fn focus(&self, t: &StatementTrace) -> Option<Loc> {
        let statement = &self.inventory.policies[t.at.policy].document.statements[t.at.statement];
        if t.resource.is_false() {
            return Some(statement.resource.loc);
        }
        if let Some(i) = t.conditions.iter().position(Tri::is_false) {
            return statement.conditions.get(i).map(|c| c.operator.loc);
        }
        statement.principal.as_ref().map(|p| p.loc)
    }

    /// What did not match, and the narrowest place that shows it when that is one entry.
    fn why_not(&self, t: &StatementTrace) -> (String, Option<Loc>) {
        let statement = &self.inventory.policies[t.at.policy].document.statements[t.at.statement];
        if t.resource.is_false() {
            for (i, entry) in statement.resource.values.iter().enumerate() {
                let at = crate::explain::EntryRef {
                    policy: t.at.policy,
                    statement: t.at.statement,
                    entry: i,
                };
                let facts = self.defects.entry(at);
                if let Some(defect) = entry_defect(&entry.value, facts, &self.request.resource) {
                    return (
                        format!(
                            "would allow it, but its Resource {}",
                            rules::defect_clause(defect, &self.request.resource)
                        ),
                        Some(entry.loc),
                    );
                }
            }
            let word = if statement.resource.negated {
                "NotResource excludes"
            } else {
                "Resource does not match"
            };
            return (format!("its {word} `{}`", self.request.resource), None);
        }
        if let Some((entry, _)) = statement
            .conditions
            .iter()
            .zip(&t.conditions)
            .find(|(_, r)| r.is_false())
        {
            let carried = match self.context.lookup(&entry.key.value) {
                crate::iam::Lookup::Present(v) => {
                    format!("the request carries `{}`", v.join("`, `"))
                }
                _ => "the request does not carry the key".to_string(),
            };
            return (
                format!(
                    "would allow it, but its condition `{}` on `{}` is false: {carried}",
                    entry.operator.value, entry.key.value
                ),
                Some(entry.operator.loc),
            );
        }
        if matches!(t.principal, Some(crate::iam::PrincipalMatch::None)) {
            return (
                format!("its Principal does not name `{}`", self.principal.role_arn),
                None,
            );
        }
        ("it does not apply".to_string(), None)
    }

    /// Which kinds of policy were evaluated, for the summary.
    pub fn policy_kinds(&self) -> Vec<PolicyType> {
        let mut kinds = Vec::new();
        for t in &self.evaluation.trace {
            if !kinds.contains(&t.kind) {
                kinds.push(t.kind);
            }
        }
        kinds
    }
}
