//! `check`: what the task definitions need, whether their roles grant it, and why not.

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Outcome, usage_error};
use crate::cli::{CheckArgs, OutputArgs};
use crate::load::{Input, InputKind, LoadError};
use crate::model::{inventory, source};
use crate::report::{self, Report};
use crate::rules::Finding;
use crate::{explain, iam, needs, rules};

/// What a `check` run found.
pub struct Checked {
    pub sources: source::SourceMap,
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

/// `--ecspresso-env`: every value of the task definitions with ecspresso's `env` and `must_env`
/// filled in; an unset `must_env` variable is an input problem at its expression. The value keeps
/// its place (the string as written).
fn render_ecspresso_env(
    loaded: &mut crate::model::Loaded,
    env: &std::collections::BTreeMap<String, String>,
) {
    let var = |name: &str| env.get(name).cloned();
    for td in &mut loaded.task_definitions {
        for value in td.strings_mut() {
            match crate::model::template::render_env(&value.value, &var) {
                Ok(rendered) => value.value = rendered,
                Err(expr) => {
                    let loc = loaded
                        .sources
                        .within_string(value.loc, expr.start, expr.end, &expr.text);
                    loaded.problems.push(crate::model::InputProblem {
                        kind: crate::model::ProblemKind::InvalidInput,
                        loc,
                        message: format!(
                            "`{}`: the environment variable is not set, and ecspresso stops here \
                             (`must_env` has no default)",
                            expr.text
                        ),
                        related: None,
                    });
                }
            }
        }
    }
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
    /// With `--ecspresso-env`: the environment to fill ecspresso's `env` and `must_env` from.
    pub template_env: Option<std::collections::BTreeMap<String, String>>,
    /// What the command line says about CloudFormation stacks (`--parameter`, `--account-id`).
    pub stack: crate::load::cloudformation::Settings,
    /// The document rules only (`lint`): task definitions read are not checked.
    pub policies_only: bool,
    /// `--terraform-dir`: the `.tf` sources of the plans, to locate findings and fixes in.
    pub terraform_dir: Option<String>,
    /// `--deployer`: the principal that deploys the task definitions, and with what.
    pub deployer: Option<crate::deploy::Deployer>,
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

/// Fixes for templates, kept only where they fit. In a JSON template every edit is JSON. In a
/// YAML template an edit that replaces one scalar on its line with a JSON string or a flow
/// sequence is YAML too; one that inserts structure (a statement into a block sequence) is not,
/// and is shown without being written. A value that came from an intrinsic (`!Sub` with
/// `${AWS::Region}`) would be replaced by what it resolved to: that fix is unsafe.
fn fit_fixes_to_templates(findings: &mut [Finding], loaded: &crate::model::Loaded) {
    if loaded.templates.is_empty() {
        return;
    }
    for finding in findings {
        let Some(fix) = &mut finding.fix else {
            continue;
        };
        let mut fits = true;
        let mut from_expression = false;
        let mut kept_expression = false;
        for edit in &mut fix.edits {
            if loaded.templates.contains(&edit.loc.source) {
                let text = &loaded.sources.get(edit.loc.source).text;
                let replaced = text
                    .get(edit.loc.span.start..edit.loc.span.end)
                    .unwrap_or("");
                if let Some(corrected) = extend_sub(replaced, &edit.replacement) {
                    edit.replacement = corrected;
                    kept_expression = true;
                } else if let Some(styled) = yaml_style(replaced, &edit.replacement) {
                    edit.replacement = styled;
                }
            }
        }
        for edit in &fix.edits {
            if !loaded.templates.contains(&edit.loc.source) {
                continue;
            }
            let text = &loaded.sources.get(edit.loc.source).text;
            let replaced = text
                .get(edit.loc.span.start..edit.loc.span.end)
                .unwrap_or("");
            let yaml = !crate::load::cloudformation::is_json(text);
            if yaml
                && (edit.loc.span.start == edit.loc.span.end
                    || replaced.contains('\n')
                    || edit.replacement.contains('\n')
                    || edit.replacement.starts_with(['{', ',']))
            {
                fits = false;
            }
            let before = text[..edit.loc.span.start.min(text.len())]
                .rsplit('\n')
                .next()
                .unwrap_or("");
            if replaced.contains("${") || before.contains('!') || before.contains("Fn::") {
                from_expression = true;
            }
        }
        if !fits {
            finding.fix = None;
            let note = "the fix adds structure to a YAML template, which ecslint does not write: apply it by hand";
            finding.help = Some(match finding.help.take() {
                Some(h) => format!("{h}\n{note}"),
                None => note.to_string(),
            });
        } else if kept_expression {
            fix.applicability = crate::fix::Applicability::Unsafe;
            fix.message = format!(
                "append `{}` to the `Fn::Sub` text, its variables kept (review it, as for any change to an expression)",
                crate::arn::SECRET_SUFFIX_PATTERN
            );
        } else if from_expression {
            fix.applicability = crate::fix::Applicability::Unsafe;
            fix.message.push_str(" (the value comes from an intrinsic function: the fix writes what it resolved to; keep the function and correct its text instead, where that is what you mean)");
        }
    }
}

/// A fix that appends `-??????` to what a `Fn::Sub` resolved to (a secret named by its display
/// name), made to the `Fn::Sub` text instead, in the scalar's own quoting: its `${…}` variables
/// stay. `None` when the fix is not such an append or the text does not end in literal text.
fn extend_sub(replaced: &str, replacement: &str) -> Option<String> {
    let value: String = serde_json::from_str(replacement).ok()?;
    let (sub, style) = if replaced.starts_with('"') {
        (serde_json::from_str::<String>(replaced).ok()?, '"')
    } else if let Some(inner) = replaced.strip_prefix('\'') {
        (inner.strip_suffix('\'')?.replace("''", "'"), '\'')
    } else {
        (replaced.to_string(), ' ')
    };
    let tail = crate::arn::SECRET_SUFFIX_PATTERN;
    // The literal text after the last variable must be what the resolved value ends with.
    let literal = &sub[sub.rfind('}')? + 1..];
    if literal.is_empty() || !value.strip_suffix(tail)?.ends_with(literal) {
        return None;
    }
    let corrected = format!("{sub}{tail}");
    Some(match style {
        '"' => serde_json::to_string(&corrected).ok()?,
        '\'' => format!("'{}'", corrected.replace('\'', "''")),
        // `?` is plain-safe inside a scalar; the text was plain and only grows at its end.
        _ => corrected,
    })
}

/// Reads the `.tf` files under `dir`.
fn read_terraform_dir(dir: &str) -> Result<crate::load::hcl::Locator, LoadError> {
    crate::load::hcl::Locator::read(std::path::Path::new(dir)).map_err(|reason| {
        LoadError::Unreadable {
            path: dir.to_string(),
            reason,
        }
    })
}

/// A `.tf` file that is not HCL is an input problem where it fails.
fn terraform_problems(locator: &crate::load::hcl::Locator, loaded: &mut crate::model::Loaded) {
    for (path, text, offset, message) in &locator.problems {
        let id = loaded.sources.add(path.clone(), text.clone());
        loaded.problems.push(crate::model::InputProblem {
            kind: crate::model::ProblemKind::InvalidInput,
            loc: source::Loc::new(id, source::Span::new(*offset, *offset)),
            message: message.clone(),
            related: None,
        });
    }
}

/// A finding inside a document a plan holds (a policy string, the container definitions) is
/// moved to the `.tf` line that wrote the value, the plan's place kept as related; its fix,
/// where the value is a literal there, becomes an edit of that line. The `.tf` sources used.
fn locate_in_terraform(
    findings: &mut [Finding],
    loaded: &mut crate::model::Loaded,
    locator: &crate::load::hcl::Locator,
) -> Vec<source::SourceId> {
    use crate::load::hcl::How;
    let mut ids: Vec<Option<source::SourceId>> = vec![None; locator.files.len()];
    // Where a place of a plan's document was written in the `.tf` files, each file added to the
    // sources once.
    let mut on_tf = |loaded: &mut crate::model::Loaded, at: source::Loc| {
        let (address, attr, value) = plan_value(loaded, at)?;
        let place = locator.find(
            &address,
            &attr,
            &value,
            module_dir(loaded, locator, &address),
        )?;
        let file = &locator.files[place.file];
        let id = *ids[place.file]
            .get_or_insert_with(|| loaded.sources.add(file.path.clone(), file.text.clone()));
        let tf = source::Loc::new(id, source::Span::new(place.span.start, place.span.end));
        Some((tf, place, address, attr))
    };
    for finding in findings {
        let Some(loc) = finding.loc else { continue };
        let Some((tf, place, address, attr)) = on_tf(loaded, loc) else {
            continue;
        };
        let path = locator.files[place.file].path.clone();
        finding.related.insert(
            0,
            crate::rules::Related {
                loc,
                message: format!("in the plan, `{attr}` of {address}"),
            },
        );
        finding.loc = Some(tf);
        // The places the finding names in the plan's documents, on their `.tf` lines too.
        for r in finding.related.iter_mut().skip(1) {
            if let Some((tf, ..)) = on_tf(loaded, r.loc) {
                r.loc = tf;
            }
        }
        let Some(fix) = &mut finding.fix else {
            continue;
        };
        // The one edit that replaced this JSON string with another: the same, in HCL.
        let replaced: Option<String> = match &fix.edits[..] {
            [edit] if edit.loc == loc => serde_json::from_str(&edit.replacement).ok(),
            _ => None,
        };
        let file = &locator.files[place.file];
        let how = if file.vendored.is_some() {
            How::Expression
        } else {
            place.how
        };
        match (how, replaced) {
            (How::HclString, Some(new)) => {
                fix.edits = vec![crate::fix::Edit::replace(
                    tf,
                    crate::load::hcl::hcl_string(&new),
                )];
            }
            (How::JsonInHeredoc, Some(new)) => {
                fix.edits = vec![crate::fix::Edit::replace(
                    tf,
                    crate::load::hcl::heredoc_json_string(&new),
                )];
            }
            _ => {
                let note = match &file.vendored {
                    Some(source) => format!(
                        "the value is written in the module `{source}`, of which {path} is the copy `terraform init` made: change it where that module is maintained, or pass it another input: {}",
                        fix.message
                    ),
                    None => {
                        let written = file
                            .text
                            .get(place.span.clone())
                            .map(str::trim)
                            .filter(|t| t.len() <= 80 && !t.contains('\n'));
                        match written {
                            Some(e) => format!(
                                "the value comes from the expression `{e}` in {path}, not a literal there: {}",
                                fix.message
                            ),
                            None => format!(
                                "the value comes from an expression in {path} (not a literal there): {}",
                                fix.message
                            ),
                        }
                    }
                };
                finding.fix = None;
                finding.help = Some(match finding.help.take() {
                    Some(h) => format!("{h}\n{note}"),
                    None => note,
                });
            }
        }
    }
    ids.into_iter().flatten().collect()
}

/// Whether a source is a Terraform plan or a document embedded in one.
fn in_plan(loaded: &crate::model::Loaded, id: source::SourceId) -> bool {
    let holder = loaded.sources.get(id).embedded_in.map_or(id, |l| l.source);
    loaded.plans.contains(&id) || loaded.plans.contains(&holder)
}

/// The resource address, attribute and string value of a place inside a document a plan holds
/// (`plan.json#ADDRESS.ATTRIBUTE`, as the Terraform loader names what it embeds); `None`
/// elsewhere. A place that is not a JSON string has the value "".
fn plan_value(loaded: &crate::model::Loaded, at: source::Loc) -> Option<(String, String, String)> {
    let source = loaded.sources.get(at.source);
    if source.embedded_in.is_none() || !in_plan(loaded, at.source) {
        return None;
    }
    let (_, field) = source.name.rsplit_once('#')?;
    let (address, attr) = field.rsplit_once('.')?;
    let token = source.text.get(at.span.start..at.span.end).unwrap_or("");
    let value = serde_json::from_str(token).unwrap_or_default();
    Some((address.to_string(), attr.to_string(), value))
}

/// The folder of the module an address is in, relative to the root module's: the plans'
/// configuration's, else the copy `terraform init` installed (`""` for the root module).
fn module_dir<'l>(
    loaded: &'l crate::model::Loaded,
    locator: &'l crate::load::hcl::Locator,
    address: &str,
) -> Option<&'l str> {
    let module =
        crate::load::terraform::module_of(&crate::load::terraform::config_address(address));
    locator.module_dir(&module, &loaded.module_dirs)
}

/// A fix inside a Terraform plan is not an edit anyone can apply (the plan is Terraform's
/// output): it is said as what to change in the `.tf` source that produced the value.
fn fit_fixes_to_plans(findings: &mut [Finding], loaded: &crate::model::Loaded) {
    if loaded.plans.is_empty() {
        return;
    }
    for finding in findings {
        let Some(fix) = &finding.fix else { continue };
        if !fix.edits.iter().any(|e| in_plan(loaded, e.loc.source)) {
            continue;
        }
        let note = format!(
            "in the Terraform source that produced this value: {} (a plan is Terraform's output, so ecslint does not edit it)",
            fix.message
        );
        finding.fix = None;
        finding.help = Some(match finding.help.take() {
            Some(h) => format!("{h}\n{note}"),
            None => note,
        });
    }
}

/// A JSON string written where a YAML scalar stood, in that scalar's style: plain where it was
/// plain and the value needs no quotes, single-quoted where it was single-quoted. `None` keeps the
/// JSON form (valid YAML too), as for a JSON template.
fn yaml_style(replaced: &str, replacement: &str) -> Option<String> {
    let value: String = serde_json::from_str(replacement).ok()?;
    if replaced.starts_with(['{', '[', '"']) {
        return None;
    }
    if let Some(inner) = replaced.strip_prefix('\'') {
        inner.strip_suffix('\'')?;
        return Some(format!("'{}'", value.replace('\'', "''")));
    }
    // Plain: only text YAML reads back as the same string.
    let plain_safe = !value.is_empty()
        && !value.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with([' ', ':'])
        && value.chars().all(|c| !c.is_control())
        && value.parse::<f64>().is_err()
        && !matches!(
            value.as_str(),
            "true" | "false" | "null" | "~" | "yes" | "no"
        );
    plain_safe.then_some(value)
}

/// A finding in a CDK stack's template names the construct it is in (a fix belongs in the CDK
/// code, which ecslint cannot edit), and the CDK traps are named with the call that fixes them.
fn name_constructs(findings: &mut [Finding], constructs: &[(source::Loc, String)]) {
    if constructs.is_empty() {
        return;
    }
    for finding in findings {
        let Some(loc) = finding.loc else { continue };
        let holder = constructs
            .iter()
            .filter(|(c, _)| {
                c.source == loc.source
                    && c.span.start <= loc.span.start
                    && loc.span.end <= c.span.end
            })
            .min_by_key(|(c, _)| c.span.end - c.span.start);
        let Some((_, path)) = holder else { continue };
        finding.message = format!("{} [CDK construct {path}]", finding.message);
        let cdk = match finding.rule {
            "secret-reference-partial-arn" => Some(
                "in CDK this is `Secret.fromSecretNameV2` (or `fromSecretPartialArn`, or `fromSecretAttributes` with only `secretPartialArn`): the task definition gets the ARN without its suffix while `grantRead` grants `NAME-??????`; import the secret with `Secret.fromSecretCompleteArn` (or `fromSecretAttributes({ secretCompleteArn })`) so both name the full ARN",
            ),
            "secret-display-name" | "secret-arn-without-suffix" => Some(
                "in CDK, grant through the secret object (`secret.grantRead(role)`), which writes `NAME-??????`, rather than a hand-written ARN",
            ),
            "grant-on-wrong-role" => Some(
                "in CDK, `taskDefinition.obtainExecutionRole()` is the execution role; `grantRead(taskDefinition.taskRole)` grants the application's role instead",
            ),
            _ => None,
        };
        if let Some(cdk) = cdk {
            finding.help = Some(match finding.help.take() {
                Some(h) => format!("{h}\n{cdk}"),
                None => cdk.to_string(),
            });
        }
    }
}

/// Loads the inputs, works out what the task definition needs, evaluates it and runs every rule.
pub fn check(inputs: &[Input], options: &CheckOptions) -> Result<Checked, LoadError> {
    let mut stack = options.stack.clone();
    if stack.region.is_none() {
        stack.region.clone_from(&options.region);
    }
    // `--terraform-dir`: the `.tf` sources, read before the plans (what a plan knows only after
    // apply is rebuilt from them) and reported before the rules (a file that is not HCL is an
    // input problem like any other).
    let locator = match &options.terraform_dir {
        Some(dir) => Some(std::sync::Arc::new(read_terraform_dir(dir)?)),
        None => None,
    };
    stack.terraform.clone_from(&locator);
    let mut loaded = crate::load::load_with(inputs, &stack)?;
    if let Some(locator) = &locator {
        terraform_problems(locator, &mut loaded);
    }
    if options.policies_only {
        loaded.task_definitions.clear();
    }
    if let Some(env) = &options.template_env {
        render_ecspresso_env(&mut loaded, env);
    }
    let mut needs = needs::Needs::default();
    for td in &loaded.task_definitions {
        let mut context = needs::TaskContext::of(td, options.region.as_deref());
        if context.region.is_none() {
            context.region.clone_from(&options.default_region);
        }
        needs.merge(needs::derive(td, &loaded.inventory, &context));
        if let Some(deployer) = &options.deployer {
            needs.merge(crate::deploy::needs(td, deployer, &context));
        }
    }
    let mut defects = crate::defects::find(&loaded.inventory, Some(&loaded.sources));
    defects.oversized = crate::defects::oversized(&loaded.inventory, &loaded.sources);
    let assessments = explain::assess(&loaded.inventory, &defects, &needs, &options.context);
    let trust = explain::task_role_trust(&loaded.task_definitions, &loaded.inventory);
    let cx = rules::Context::of(&loaded, &needs, &assessments, &defects, &trust);
    let mut findings = rules::check(&cx);
    name_embedded_policies(&mut findings, &loaded.inventory);
    name_constructs(&mut findings, &loaded.constructs);
    // A template read in several worlds (an `Fn::If` only the deployment decides) says the same
    // thing of the same place once.
    if !loaded.templates.is_empty() {
        let mut seen = std::collections::HashSet::new();
        findings.retain(|f| seen.insert((f.rule, f.loc, f.message.clone())));
    }
    fit_fixes_to_templates(&mut findings, &loaded);
    let tf_sources = match &locator {
        Some(locator) => locate_in_terraform(&mut findings, &mut loaded, locator),
        None => Vec::new(),
    };
    fit_fixes_to_plans(&mut findings, &loaded);
    let needs_granted = assessments
        .iter()
        .filter(|a| a.evaluation.is_allowed())
        .count();
    // Usually none: only a live run holds documents that are no files.
    let fetched: foldhash::HashSet<&str> = inputs
        .iter()
        .filter(|i| !i.is_file())
        .map(|i| i.name.as_str())
        .collect();
    let mut writable: Vec<source::SourceId> = loaded
        .inventory
        .policies
        .iter()
        .filter(|p| p.editable)
        .map(|p| p.document.source)
        .chain(loaded.task_definitions.iter().map(|td| td.source))
        // Templates are files to write, with the fixes that fit them
        // (`fit_fixes_to_templates`); documents fetched live (a stack's template too) are not.
        .chain(loaded.templates.iter().copied())
        .chain(tf_sources.iter().copied())
        .filter(|id| !fetched.contains(loaded.sources.get(*id).name.as_str()))
        // A plan is Terraform's output, not a source: never written, nor what is inside it.
        .filter(|id| !in_plan(&loaded, *id))
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

/// The templates `--cloudformation` names: a file, or a CDK cloud assembly folder whose
/// `manifest.json` lists its stacks' templates.
fn templates(paths: &[String]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for arg in paths {
        let input = Input::owned_file(InputKind::CloudFormation, arg);
        let path = &input.name;
        let dir = std::path::Path::new(path);
        if !dir.is_dir() {
            out.push(input);
            continue;
        }
        let manifest = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest).map_err(|e| {
            format!(
                "{path} is a folder without a readable manifest.json ({}): give a template file or a CDK cloud assembly (cdk.out)",
                e.to_string().to_lowercase()
            )
        })?;
        let node = crate::json::parse(&text)
            .map_err(|e| format!("{}: not valid JSON: {}", manifest.display(), e.message))?;
        let stacks = node
            .get("artifacts")
            .and_then(|a| match &a.kind {
                crate::json::Kind::Object(ms) => Some(ms),
                _ => None,
            })
            .into_iter()
            .flatten()
            .filter(|m| {
                m.value.get("type").and_then(crate::json::Node::as_str)
                    == Some("aws:cloudformation:stack")
            })
            .filter_map(|m| {
                m.value
                    .get("properties")
                    .and_then(|p| p.get("templateFile"))
                    .and_then(crate::json::Node::as_str)
            });
        let before = out.len();
        for file in stacks {
            out.push(Input::file(
                InputKind::CloudFormation,
                dir.join(file).to_string_lossy().into_owned(),
            ));
        }
        if out.len() == before {
            return Err(format!(
                "{}: the cloud assembly lists no stack",
                manifest.display()
            ));
        }
    }
    Ok(out)
}

/// `--parameter KEY=VALUE`, `--region` and `--account-id`, for templates.
fn stack_settings(args: &CheckArgs) -> Result<crate::load::cloudformation::Settings, String> {
    let mut parameters = Vec::new();
    for p in &args.stack_parameters {
        let Some((k, v)) = p.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(format!("--parameter {p}: expected KEY=VALUE"));
        };
        parameters.push((k.to_string(), v.to_string()));
    }
    if let Some(a) = &args.account_id
        && !(a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("--account-id {a}: an account ID is 12 digits"));
    }
    Ok(crate::load::cloudformation::Settings {
        parameters,
        region: args.region.clone(),
        account: args.account_id.clone(),
        ..Default::default()
    })
}

/// `ecslint check`.
pub fn run(mut args: CheckArgs) -> Outcome {
    let files = std::mem::take(&mut args.files);
    args.task_definitions.extend(files);
    if !args.live.aws
        && args.task_definitions.is_empty()
        && args.cloudformation.is_empty()
        && args.terraform_plans.is_empty()
        && args.extra.is_empty()
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
    let deployer = match deployer_of(&args) {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    let mut skipped = Vec::new();
    let task_definitions: Vec<Input> = args
        .task_definitions
        .iter()
        .flat_map(|path| {
            let (inputs, left_out) =
                crate::load::discover::inputs_and_skipped(path, InputKind::TaskDefinition);
            skipped.extend(left_out);
            inputs
        })
        .collect();
    let note = crate::load::discover::skipped_note(&skipped);
    let templates = match templates(&args.cloudformation) {
        Ok(t) => t,
        Err(e) => return usage_error(&e),
    };
    let stack = match stack_settings(&args) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    if task_definitions.is_empty()
        && templates.is_empty()
        && args.terraform_plans.is_empty()
        && args.extra.is_empty()
        && args.account.policies.is_empty()
        && args.account.account_details.is_empty()
    {
        return usage_error("no task definitions found in the paths given");
    }
    let deployed = args
        .stack_resources
        .iter()
        .map(|p| Input::file(InputKind::Stack, p.clone()))
        .collect();
    let plans = args
        .terraform_plans
        .iter()
        .map(|p| Input::file(InputKind::TerraformPlan, p.clone()))
        .collect();
    let inputs = [
        task_definitions,
        templates,
        deployed,
        plans,
        args.extra.clone(),
        args.account.inputs(Vec::new()),
    ]
    .concat();
    let options = CheckOptions {
        region: args.region.clone(),
        default_region: ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|r| !r.is_empty()),
        context: args.account.context(),
        template_env: args.ecspresso_env.then(|| std::env::vars().collect()),
        stack,
        policies_only: args.policies_only,
        terraform_dir: args.terraform_dir.clone(),
        deployer,
    };
    let checked = match check(&inputs, &options) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    finish_check(checked, &config, &args, &inputs, &options, note)
}

/// `check`'s last step, offline or live: apply, diff or print the fixes the flags ask for, then
/// render what is left. Live documents are not files: there `--fix` prints each corrected
/// document and the AWS CLI command that puts it in place.
fn finish_check(
    mut checked: Checked,
    config: &crate::config::Config,
    args: &CheckArgs,
    inputs: &[Input],
    options: &CheckOptions,
    mut stderr: String,
) -> Outcome {
    let mut fixing = args.fixing;
    if args.live.aws && fixing.fix {
        fixing.fix = false;
        fixing.print_corrected = true;
        stderr.push_str(
            "ecslint: --fix does not write to AWS: each corrected document is printed with the command that applies it\n",
        );
    }
    if fixing.fix || fixing.diff || fixing.print_corrected {
        // Suppressed findings are not fixed either.
        let findings = config
            .suppress(
                config.apply(std::mem::take(&mut checked.findings)),
                &checked.sources,
            )
            .kept;
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
            return show_fixes(&checked, &findings, &plan, fixing, args, config, stderr);
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
        // Report what is left, from the files as they are now (read again: a folder's files
        // were read ahead, before the fixes).
        let fresh: Vec<Input> = inputs
            .iter()
            .map(|i| match i.body {
                crate::load::Body::Read(_) => Input {
                    body: crate::load::Body::File,
                    ..i.clone()
                },
                _ => i.clone(),
            })
            .collect();
        checked = match check(&fresh, options) {
            Ok(c) => c,
            Err(e) => return usage_error(&e.to_string()),
        };
    }
    let (code, stdout, notes) = match render_checked(checked, config, args) {
        Ok(rendered) => rendered,
        Err(e) => return usage_error(&e),
    };
    stderr.push_str(&notes);
    (code, stdout, report::terminal_safe(&stderr))
}

/// `--diff` and `--print-corrected` (and a live `--fix`): the fixes shown, not written. Files
/// as a diff or whole; documents that are no files of their own each on their own.
fn show_fixes(
    checked: &Checked,
    findings: &[Finding],
    plan: &crate::fix::Plan,
    fixing: crate::cli::FixArgs,
    args: &CheckArgs,
    config: &crate::config::Config,
    mut stderr: String,
) -> Outcome {
    let mut out = String::new();
    for (id, text) in &plan.files {
        let source = checked.sources.get(*id);
        if checked.writable.contains(id) && fixing.diff {
            // Shown, not applied: secrets masked on both sides.
            out.push_str(&crate::fix::unified_diff(
                &source.name,
                source.shown(),
                &source.mask(text),
            ));
        } else if checked.writable.contains(id) {
            out.push_str(&format!("== {} ==\n{}", source.name, source.mask(text)));
            if !text.ends_with('\n') {
                out.push('\n');
            }
        } else {
            // A document inside another file (or fetched live): each changed policy on
            // its own, corrected or as a diff.
            out.push_str(&crate::fix::corrected::documents(
                &checked.sources,
                &checked.documents,
                findings,
                plan,
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
    stderr.push_str(&skipped_note(findings, plan));
    (
        code,
        report::terminal_safe(&out),
        report::terminal_safe(&stderr),
    )
}

/// One line per fix that was not applied, and why.
fn skipped_note(findings: &[crate::rules::Finding], plan: &crate::fix::Plan) -> String {
    plan.skipped
        .iter()
        .map(|(i, why)| format!("ecslint: not applied: {} ({why})\n", findings[*i].rule))
        .collect::<String>()
}

/// `check --aws`: fetch, then check the fetched documents like files named `aws://FILE`.
/// `--deployer`, `--deploy-tool` and the service it deploys (`--service`, when one is given).
fn deployer_of(args: &CheckArgs) -> Result<Option<crate::deploy::Deployer>, String> {
    let Some(arn) = &args.deployer else {
        return Ok(None);
    };
    let parsed = crate::arn::Arn::parse(arn).filter(|a| {
        (a.service == "iam" && (a.resource.starts_with("role/") || a.resource.starts_with("user/")))
            || (a.service == "sts" && a.resource.starts_with("assumed-role/"))
    });
    if parsed.is_none() {
        return Err(format!(
            "--deployer {arn}: expected the ARN of an IAM role or user (arn:aws:iam::ACCOUNT:role/NAME, …:user/NAME) or an assumed-role session"
        ));
    }
    if args.live.services.len() > 1 {
        return Err(
            "--deployer checks one service: give at most one --service CLUSTER/SERVICE".to_string(),
        );
    }
    let service = args.live.services.first().cloned();
    if let Some(s) = &service
        && s.split('/').filter(|p| !p.is_empty()).count() != 2
    {
        return Err(format!("--service {s}: expected CLUSTER/SERVICE"));
    }
    Ok(Some(crate::deploy::Deployer {
        arn: arn.clone(),
        tool: args.deploy_tool,
        service,
    }))
}

fn check_live(mut args: CheckArgs, config: crate::config::Config) -> Outcome {
    if args.task_definitions.is_empty() && args.live.services.is_empty() && args.stacks.is_empty() {
        return usage_error(
            "--aws needs --task-definition FAMILY[:REVISION]|ARN, --service CLUSTER/SERVICE or --stack NAME",
        );
    }
    let stack = match stack_settings(&args) {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let deployer = match deployer_of(&args) {
        Ok(d) => d,
        Err(e) => return usage_error(&e),
    };
    // The deploy principal's role is read with the task's (a user's policies come from
    // --account-details or --policy: live mode reads roles).
    let deploy_roles: Vec<String> = deployer
        .iter()
        .filter(|d| !d.arn.contains(":user/"))
        .map(|d| d.name().to_string())
        .collect();
    let snapshot = match super::fetch_task_definitions(
        &args.live,
        &args.task_definitions,
        &args.stacks,
        &deploy_roles,
        args.region.as_deref(),
    ) {
        Ok(s) => s,
        Err(outcome) => return outcome,
    };
    let inputs = [args.account.inputs(Vec::new()), snapshot.inputs()].concat();
    let mut notes = snapshot.stderr_notes();
    if let Some(d) = deployer.as_ref().filter(|d| d.arn.contains(":user/")) {
        notes.push_str(&format!(
            "ecslint: the deploy principal {} is a user: --aws reads roles, so its policies come only from --policy {}=FILE or --account-details\n",
            d.arn, d.arn
        ));
    }
    let options = CheckOptions {
        region: args.region.take(),
        default_region: None,
        context: args.account.context(),
        template_env: None,
        stack,
        policies_only: false,
        terraform_dir: None,
        deployer,
    };
    let checked = match check(&inputs, &options) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    finish_check(checked, &config, &args, &inputs, &options, notes)
}

/// `check`'s findings after the configuration — rule settings, `[[ignore]]` entries, the
/// baseline — rendered, with the exit code `--fail-on` gives (0 with `--exit-zero`); each
/// `--output FORMAT=PATH` written from the same report. Also what to say on stderr.
fn render_checked(
    checked: Checked,
    config: &crate::config::Config,
    args: &CheckArgs,
) -> Result<(u8, String, String), String> {
    let (findings, notes) = settle_findings(checked.findings, &checked.sources, config, args)?;
    let report = Report {
        sources: &checked.sources,
        findings,
        needs_checked: checked.needs_checked,
        needs_granted: checked.needs_granted,
        fixable: crate::report::Fixable {
            writable: Some(&checked.writable),
            documents: &checked.documents,
        },
    };
    let threshold = args.policy.threshold(config);
    let code = if !args.report.exit_zero && report.findings.iter().any(|f| f.severity >= threshold)
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    for (format, path) in &args.report.outputs {
        let file = OutputArgs {
            format: *format,
            // A file is no terminal: no colour codes in it.
            color: crate::cli::ColorChoice::Never,
            ..args.output.clone()
        };
        crate::fix::write_atomically(std::path::Path::new(path), &file.render(&report))
            .map_err(|e| format!("cannot write --output {path}: {e}"))?;
    }
    Ok((code, args.output.render(&report), notes))
}

/// The findings to report: the rule settings applied, the `[[ignore]]` entries' findings and
/// those of the baseline taken out (and counted), the baseline written when asked.
fn settle_findings(
    findings: Vec<Finding>,
    sources: &source::SourceMap,
    config: &crate::config::Config,
    args: &CheckArgs,
) -> Result<(Vec<Finding>, String), String> {
    let mut notes = String::new();
    let settled = config.suppress(config.apply(findings), sources);
    let from = config
        .path
        .as_ref()
        .map_or("ecslint.toml".to_string(), |p| p.display().to_string());
    if !settled.suppressed.is_empty() {
        notes.push_str(&format!(
            "ecslint: {} finding{} suppressed by [[ignore]] entries of {from}{}\n",
            settled.suppressed.len(),
            if settled.suppressed.len() == 1 {
                ""
            } else {
                "s"
            },
            if args.report.show_suppressed {
                ":"
            } else {
                " (--show-suppressed lists them)"
            }
        ));
        if args.report.show_suppressed {
            for (f, i) in &settled.suppressed {
                let place = f.loc.map_or(String::new(), |loc| {
                    let s = sources.get(loc.source);
                    let (line, col) = s.line_col(loc.span.start);
                    format!("{}:{line}:{col}: ", s.name)
                });
                notes.push_str(&format!(
                    "  {place}{} {}: {} — suppressed: {}\n",
                    f.severity.as_str(),
                    f.rule,
                    f.message,
                    config.ignore[*i].reason
                ));
            }
        }
    }
    for &i in &settled.unused {
        let e = &config.ignore[i];
        notes.push_str(&format!(
            "ecslint: warning: [[ignore]] #{} of {from} (rule {}{}) suppressed nothing: remove it, or correct it\n",
            i + 1,
            e.rule,
            e.path.as_ref().map_or(String::new(), |p| format!(", path {p}"))
        ));
    }
    let mut findings = settled.kept;
    if let Some(path) = &args.report.write_baseline {
        let fingerprints: Vec<String> = findings
            .iter()
            .map(|f| crate::report::ci::fingerprint(sources, f))
            .collect();
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "ecslint-baseline": 1,
            "fingerprints": fingerprints,
        }))
        .unwrap_or_default()
            + "\n";
        crate::fix::write_atomically(std::path::Path::new(path), &text)
            .map_err(|e| format!("cannot write --write-baseline {path}: {e}"))?;
    }
    if let Some(path) = &args.report.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "cannot read --baseline {path}: {}",
                e.to_string().to_lowercase()
            )
        })?;
        let known: std::collections::HashSet<String> = serde_json::from_str::<serde_json::Value>(
            &text,
        )
        .ok()
        .filter(|v| v["ecslint-baseline"] == 1)
        .and_then(|v| {
            v["fingerprints"].as_array().map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
        })
        .ok_or_else(|| {
            format!("--baseline {path}: not an ecslint baseline (write one with --write-baseline)")
        })?;
        let before = findings.len();
        findings.retain(|f| !known.contains(&crate::report::ci::fingerprint(sources, f)));
        let known_count = before - findings.len();
        if known_count > 0 {
            notes.push_str(&format!(
                "ecslint: {known_count} finding{} already in the baseline {path}, not reported\n",
                if known_count == 1 { "" } else { "s" }
            ));
        }
    }
    Ok((findings, notes))
}
