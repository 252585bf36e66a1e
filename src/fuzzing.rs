//! The bodies of the fuzz targets: `fuzz/fuzz_targets/NAME.rs` calls [`run`] under libFuzzer
//! (nightly, `cargo fuzz run NAME`), and `tests/fuzz_regressions.rs` replays the seed corpora
//! (`fuzz/corpus/NAME/`) and every minimised crash (`tests/fuzz-regressions/NAME/`) through the
//! same functions under stable `cargo test`.
//!
//! A target fails (panics) on a crash and on a broken promise: a reader that points outside the
//! text it read, two readers of one text that disagree, a finding located outside its source.

use crate::load::input::{Input, InputKind};
use crate::model::source::{SourceId, Span};

/// A target's body: panics on a crash or a broken promise.
pub type Target = fn(&[u8]);

/// Every target: its name (the fuzz target's and the corpus folders') and its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("json", json),
    ("policy", policy),
    ("taskdef", taskdef),
    ("account", account),
    ("denial", denial),
    ("config", config),
    ("yaml", yaml),
    ("cloudformation", cloudformation),
    ("terraform", terraform),
    ("hcl", hcl),
];

/// The target named `name` on `data`; `false` when there is no such target.
pub fn run(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(n, _)| *n == name) {
        Some((_, body)) => {
            body(data);
            true
        }
        None => false,
    }
}

/// The task definition and policy the `check` targets put beside the fuzzed input, so that the
/// input meets roles, secrets and documents to be evaluated against.
const SEED_TASK_DEFINITION: &str = include_str!("../fixtures/seed/task-definition.json");
const SEED_POLICY: &str = include_str!("../fixtures/seed/execution-role-policy.json");

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn assert_span(span: Span, text: &str, what: &str) {
    assert!(
        span.start <= span.end && text.get(span.start..span.end).is_some(),
        "{what}: span {}..{} outside the text or inside a character ({} bytes)",
        span.start,
        span.end,
        text.len()
    );
}

fn assert_tree(node: &crate::json::Node, text: &str) {
    assert_span(node.span, text, "JSON node");
    match &node.kind {
        crate::json::Kind::Array(items) => items.iter().for_each(|n| assert_tree(n, text)),
        crate::json::Kind::Object(members) => {
            for m in members {
                assert_span(m.key_span, text, "JSON key");
                assert_tree(&m.value, text);
            }
        }
        _ => {}
    }
}

/// The JSON tree: jiter's fast path and jsonc-parser accept and refuse the same texts and build
/// the same tree; every span is in the text.
fn json(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let (fast, full) = crate::json::both_readings(text);
    match (&fast, &full) {
        (Some(fast), Ok(full)) => assert_eq!(fast, full, "the two JSON readers disagree"),
        (Some(_), Err(e)) => panic!("the fast path accepts what jsonc-parser refuses: {e:?}"),
        _ => {}
    }
    match crate::json::parse(text) {
        Ok(node) => assert_tree(&node, text),
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len() + 1),
    }
}

/// Policy documents: the one-pass reader answers only for documents the tree reader reads the
/// same way with no problem.
fn policy(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let source = SourceId(0);
    let fast = crate::model::policy::fast::parse(text, source);
    let Ok(node) = crate::json::parse(text) else {
        assert!(fast.is_none(), "the fast policy reader read invalid JSON");
        return;
    };
    let (tree, problems) = crate::model::policy::parse(&node, source);
    if let Some(fast) = fast {
        assert!(
            problems.is_empty(),
            "the fast reader read a document with problems"
        );
        assert_eq!(
            Some(format!("{fast:?}")),
            tree.map(|t| format!("{t:?}")),
            "the two policy readers disagree"
        );
    }
    let _ = crate::model::policy::parse_trust(&node, source);
}

/// `check` on one input of `kind` (beside the seed task definition and policy unless it is a
/// task definition itself): no crash, every finding and related place inside its source, every
/// fix previewed without a crash.
fn check_as(kind: InputKind, data: &[u8]) {
    let Some(text) = text(data) else { return };
    let mut inputs = vec![Input::fetched(kind, "fuzzed", text)];
    if kind != InputKind::TaskDefinition {
        inputs.push(Input::fetched(
            InputKind::TaskDefinition,
            "task-definition.json",
            SEED_TASK_DEFINITION,
        ));
        inputs.push(
            Input::fetched(InputKind::Policy, "policy.json", SEED_POLICY)
                .owned_by("ecsTaskExecutionRole"),
        );
    }
    let options = crate::CheckOptions {
        default_region: Some("eu-west-1".into()),
        ..Default::default()
    };
    let Ok(checked) = crate::check(&inputs, &options) else {
        return;
    };
    for f in &checked.findings {
        let places = f.loc.iter().chain(f.related.iter().map(|r| &r.loc));
        for loc in places {
            let source = checked.sources.get(loc.source);
            assert_span(loc.span, &source.text, f.rule);
        }
        if let Some(fix) = &f.fix {
            let _ = crate::fix::preview(&checked.sources, fix);
        }
    }
}

/// Task definitions (`register-task-definition` input, `describe-task-definition` output).
fn taskdef(data: &[u8]) {
    check_as(InputKind::TaskDefinition, data);
}

/// Account details and the AWS CLI listings: the first byte picks which.
fn account(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kinds = [
        InputKind::AccountDetails,
        InputKind::Secrets,
        InputKind::Parameters,
        InputKind::KmsAliases,
        InputKind::Stack,
        InputKind::ResourcePolicy,
        InputKind::KeyPolicy,
        InputKind::Policy,
    ];
    check_as(kinds[pick as usize % kinds.len()], rest);
}

/// The pasted-message reader: no crash, its places in the text.
fn denial(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Some(d) = crate::denial::parse(text) {
        assert_span(d.span, text, "denial line");
        if let Some(span) = d.resource_span {
            assert_span(span, text, "denied resource");
        }
    }
}

/// `ecslint.toml`.
fn config(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = crate::config::Config::parse(text, "ecslint.toml");
}

/// The YAML reader (CloudFormation templates, ecspresso files): every span in the text.
fn yaml(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if let Ok(node) = crate::load::yaml::parse(text) {
        assert_tree(&node, text);
    }
}

/// CloudFormation templates, JSON or YAML, through `check`.
fn cloudformation(data: &[u8]) {
    check_as(InputKind::CloudFormation, data);
}

/// Terraform plans and states (`terraform show -json`), through `check`.
fn terraform(data: &[u8]) {
    check_as(InputKind::TerraformPlan, data);
}

/// The HCL locator: every place it gives for every resource's attributes is in its file.
fn hcl(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let locator = crate::load::hcl::Locator::from_text("main.tf", text);
    for kind in [
        "aws_iam_role_policy",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_ecs_task_definition",
        "aws_secretsmanager_secret",
        "aws_kms_key",
    ] {
        for (file, name) in locator.resources(kind) {
            assert!(file < locator.files.len());
            let address = format!("{kind}.{name}");
            for attr in [
                "policy",
                "assume_role_policy",
                "container_definitions",
                "name",
                "arn",
            ] {
                for value in ["*", "", "arn:aws:secretsmanager:eu-west-1:1:secret:x"] {
                    if let Some(place) = locator.find(&address, attr, value, None) {
                        let text = &locator.files[place.file].text;
                        assert!(
                            text.get(place.span.clone()).is_some(),
                            "HCL place outside its file"
                        );
                    }
                }
            }
        }
    }
}
