//! The rule tester (after oxc's): each rule file ends with pass, fail and fix vectors run through
//! it. A vector is a set of files, each named by its role (`task-definition`, `policy`,
//! `policy ROLE`, `secrets`, `account-details`, `parameters`, `key-policy KEY_ARN`, `scp`).
//! Fixes are applied until the rule offers no more; the fixed files must then equal the expected
//! ones, and a check with every rule must find nothing the unfixed files did not. The first fail
//! vector's human report is the rule's snapshot.

use super::{Finding, FixAvailability, RuleMeta};
use crate::fix::{Applicability, Edit};
use crate::load::{Input, InputKind};
use std::collections::BTreeMap;

/// Files by role, in the order given.
pub type Files = Vec<(&'static str, String)>;

/// The files of one vector: `(role, text)` pairs.
pub fn files(pairs: &[(&'static str, &str)]) -> Files {
    pairs.iter().map(|(r, t)| (*r, t.to_string())).collect()
}

pub struct Tester {
    meta: &'static RuleMeta,
    pass: Vec<Files>,
    fail: Vec<Files>,
    fix: Vec<(Files, Files)>,
    snapshot: bool,
}

/// What a check of some files found.
struct Run {
    findings: Vec<Finding>,
    sources: crate::model::source::SourceMap,
    /// The index of the file each path holds.
    paths: BTreeMap<String, usize>,
    human: String,
}

fn check(files: &Files) -> Run {
    // ok: the tester runs only in tests, where a failure to set up is the test's failure.
    let dir = tempfile::tempdir().expect("a temporary folder"); // ok: test setup
    let mut inputs = Vec::new();
    let mut paths = BTreeMap::new();
    let mut names = Vec::new();
    for (i, (role, text)) in files.iter().enumerate() {
        let path = dir
            .path()
            .join(format!("{i}-{}.json", role.replace(' ', "-")));
        std::fs::write(&path, text).expect("a written file"); // ok: test setup
        let path = path.to_string_lossy().into_owned();
        let (kind, owner) = match role.split_once(' ') {
            Some((kind, owner)) => (kind, Some(owner)),
            None => (*role, None),
        };
        let kind = match kind {
            "task-definition" => InputKind::TaskDefinition,
            "policy" => InputKind::Policy,
            "secrets" => InputKind::Secrets,
            "account-details" => InputKind::AccountDetails,
            "parameters" => InputKind::Parameters,
            "key-policy" => InputKind::KeyPolicy,
            "resource-policy" => InputKind::ResourcePolicy,
            "scp" => InputKind::ServiceControlPolicy,
            "rcp" => InputKind::ResourceControlPolicy,
            other => panic!("unknown file role {other}"),
        };
        let mut input = Input::file(kind, path.clone());
        input.owner = owner.map(str::to_string);
        inputs.push(input);
        paths.insert(path.clone(), i);
        names.push(path);
    }
    let checked = crate::check(&inputs, &Default::default()).expect("files that can be read"); // ok: test setup
    let style = crate::report::human::Style {
        color: false,
        width: 100,
    };
    let mut human =
        crate::report::human::render_findings(&checked.sources, &checked.findings, style);
    // The temporary folder differs per run: name the files by their role.
    for (i, name) in names.iter().enumerate() {
        human = human.replace(
            name.as_str(),
            &format!("{}.json", files[i].0.replace(' ', "-")),
        );
    }
    Run {
        findings: checked.findings,
        sources: checked.sources,
        paths,
        human,
    }
}

impl Tester {
    pub fn new(meta: &'static RuleMeta) -> Tester {
        Tester {
            meta,
            pass: Vec::new(),
            fail: Vec::new(),
            fix: Vec::new(),
            snapshot: true,
        }
    }

    /// Files on which the rule must not fire.
    pub fn pass(mut self, pairs: &[(&'static str, &str)]) -> Tester {
        self.pass.push(files(pairs));
        self
    }

    /// Files on which the rule must fire.
    pub fn fail(mut self, pairs: &[(&'static str, &str)]) -> Tester {
        self.fail.push(files(pairs));
        self
    }

    /// Files the rule's fixes (safe and unsafe) turn into `after` (the files that change).
    pub fn fix(
        mut self,
        before: &[(&'static str, &str)],
        after: &[(&'static str, &str)],
    ) -> Tester {
        self.fix.push((files(before), files(after)));
        self
    }

    /// Runs every vector; panics with what went wrong.
    pub fn test(self) {
        let name = self.meta.name;
        assert!(!self.fail.is_empty(), "{name}: a rule needs a fail vector");
        assert!(!self.pass.is_empty(), "{name}: a rule needs a pass vector");
        // Like oxc's tester: a rule that can fix is tested fixing.
        if self.meta.fix != FixAvailability::Never {
            assert!(
                !self.fix.is_empty(),
                "{name}: a fixable rule needs a fix vector"
            );
        } else {
            assert!(
                self.fix.is_empty(),
                "{name} declares no fix but has fix vectors"
            );
        }
        for (i, files) in self.pass.iter().enumerate() {
            let run = check(files);
            let mine: Vec<&Finding> = run.findings.iter().filter(|f| f.rule == name).collect();
            assert!(mine.is_empty(), "{name}: pass vector {i} raised {mine:#?}");
        }
        for (i, files) in self.fail.iter().enumerate() {
            let run = check(files);
            let mine: Vec<&Finding> = run.findings.iter().filter(|f| f.rule == name).collect();
            assert!(
                !mine.is_empty(),
                "{name}: fail vector {i} raised nothing; found {:#?}",
                run.findings
            );
            for f in &mine {
                assert!(f.loc.is_some(), "{name}: a finding without a place");
                if self.meta.fix == FixAvailability::Never {
                    assert!(f.fix.is_none(), "{name} declares no fix but offers one");
                }
                if self.meta.fix == FixAvailability::Always {
                    assert!(
                        f.fix.is_some(),
                        "{name} declares a fix always but offers none"
                    );
                }
            }
            if i == 0 && self.snapshot {
                let mut settings = insta::Settings::clone_current();
                settings.set_snapshot_path("snapshots");
                settings.set_prepend_module_to_snapshot(false);
                settings.bind(|| insta::assert_snapshot!(name, run.human));
            }
        }
        for (i, (before, after)) in self.fix.iter().enumerate() {
            let fixed = fix_until_stable(name, before);
            for (role, expected) in after {
                let got = fixed
                    .iter()
                    .find(|(r, _)| r == role)
                    .map(|(_, t)| t.as_str())
                    .unwrap_or_else(|| panic!("{name}: fix vector {i} has no file {role}"));
                assert_eq!(got, expected, "{name}: fix vector {i}, file {role}");
            }
            let unfixed = check(before);
            let now = check(&fixed);
            let mine: Vec<&Finding> = now.findings.iter().filter(|f| f.rule == name).collect();
            assert!(mine.is_empty(), "{name}: fix vector {i} left {mine:#?}");
            let count =
                |run: &Run, rule: &str| run.findings.iter().filter(|f| f.rule == rule).count();
            for f in &now.findings {
                assert!(
                    count(&now, f.rule) <= count(&unfixed, f.rule),
                    "{name}: fix vector {i} brought a new finding {f:#?}"
                );
            }
        }
    }
}

/// Applies the rule's fixes and checks again, until it offers none (at most five rounds).
fn fix_until_stable(name: &str, start: &Files) -> Files {
    let mut files = start.clone();
    for _ in 0..5 {
        let run = check(&files);
        let fixes: Vec<&crate::fix::Fix> = run
            .findings
            .iter()
            .filter(|f| f.rule == name)
            .filter_map(|f| f.fix.as_ref())
            .collect();
        if fixes.is_empty() {
            return files;
        }
        let edits: Vec<&Edit> = fixes.iter().flat_map(|f| &f.edits).collect();
        assert!(
            fixes
                .iter()
                .all(|f| matches!(f.applicability, Applicability::Safe | Applicability::Unsafe)),
            "{name}: a fix without an applicability"
        );
        for (i, (_, text)) in files.iter_mut().enumerate() {
            let here: Vec<&Edit> = edits
                .iter()
                .copied()
                .filter(|e| {
                    let source = run.sources.get(e.loc.source);
                    run.paths.get(&source.name) == Some(&i)
                })
                .collect();
            if !here.is_empty() {
                *text = crate::fix::apply_edits(text, &here)
                    .unwrap_or_else(|e| panic!("{name}: edits that do not apply: {e}"));
            }
        }
    }
    panic!("{name}: fixes still offered after five rounds");
}

/// A task definition (Fargate, execution role `ecsTaskExecutionRole` in 123456789012) whose one
/// container reads `value_from` as a secret.
pub fn task_reading(value_from: &str) -> String {
    task_with(&format!(
        r#""secrets": [{{"name": "S", "valueFrom": "{value_from}"}}]"#
    ))
}

/// A task definition whose one container has these fields besides name and image.
pub fn task_with(fields: &str) -> String {
    format!(
        r#"{{"family": "app", "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{{"name": "app", "image": "nginx:1", {fields}}}]}}"#
    )
}

/// A task definition with a task role (by name, in 123456789012) reading `value_from`.
pub fn task_with_role(task_role: &str, value_from: &str) -> String {
    format!(
        r#"{{"family": "app", "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "taskRoleArn": "arn:aws:iam::123456789012:role/{task_role}",
  "containerDefinitions": [{{"name": "app", "image": "nginx:1", "secrets": [{{"name": "S", "valueFrom": "{value_from}"}}]}}]}}"#
    )
}

/// Account details with the one role `ecsTaskExecutionRole`, trusting by this statement.
pub fn trusted_by(statement: &str) -> String {
    format!(
        r#"{{"RoleDetailList": [{{"RoleName": "ecsTaskExecutionRole", "Arn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
                    "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{statement}]}},
                    "RolePolicyList": [], "AttachedManagedPolicies": []}}], "Policies": []}}"#
    )
}

/// Trust statements: ECS tasks without a condition, with `aws:SourceAccount`, and EC2.
pub const TRUST_ECS: &str = r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}"#;
pub const TRUST_ECS_GUARDED: &str = r#"{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}}"#;
pub const TRUST_EC2: &str = r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#;

/// The vectors of a rule that corrects one field of an entry meant for what `task` reads: the
/// `wrong` entry fires and is fixed to `right`, which does not; without a task definition
/// nothing says what the entry was meant for.
pub fn entry_field_vectors(
    meta: &'static RuleMeta,
    task: &str,
    wrong: &str,
    right: &str,
) -> Tester {
    Tester::new(meta)
        .fail(&[
            ("task-definition", task),
            ("policy", &allow(GET_SECRET, wrong)),
        ])
        .pass(&[
            ("task-definition", task),
            ("policy", &allow(GET_SECRET, right)),
        ])
        .pass(&[("policy", &allow(GET_SECRET, wrong))])
        .fix(
            &[
                ("task-definition", task),
                ("policy", &allow(GET_SECRET, wrong)),
            ],
            &[("policy", &allow(GET_SECRET, right))],
        )
}

/// A policy of one statement.
pub fn policy(effect: &str, action: &str, resource: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {{\n      \"Effect\": \"{effect}\",\n      \"Action\": \"{action}\",\n      \"Resource\": \"{resource}\"\n    }}\n  ]\n}}\n"
    )
}

/// `allow` of one action on one resource.
pub fn allow(action: &str, resource: &str) -> String {
    policy("Allow", action, resource)
}

/// `list-secrets` output naming each secret by its ARN (the name is the ARN's, less the suffix).
pub fn listed(arns: &[&str]) -> String {
    let entries: Vec<String> = arns
        .iter()
        .map(|arn| {
            let id = arn.split(":secret:").nth(1).unwrap_or_default();
            let name = id.get(..id.len().saturating_sub(7)).unwrap_or(id);
            format!(r#"{{"ARN": "{arn}", "Name": "{name}"}}"#)
        })
        .collect();
    format!(r#"{{"SecretList": [{}]}}"#, entries.join(", "))
}

/// The secret most vectors read, its display-name ARN and its `NAME-??????` pattern.
pub const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
pub const SECRET_BY_NAME: &str = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db";
pub const SECRET_PATTERN: &str =
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-??????";
pub const GET_SECRET: &str = "secretsmanager:GetSecretValue";
