//! The field corpus: ecslint on real, public documents nobody here wrote (`tests/field/README.md`).
//! A false error on a real, valid document is a bug; so is a verified finding that went away.

#[path = "field/corpus.rs"]
mod corpus;

use corpus::{Found, Verified};
use ecslint::rules::Severity;
use std::collections::BTreeSet;

/// The findings at or above `at_least` that no entry of `verified` covers, as lines to print.
fn unverified(found: &[Found], verified: &Verified, at_least: Severity) -> Vec<String> {
    found
        .iter()
        .filter(|f| f.finding.severity >= at_least && verified.covering(f).is_none())
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.finding.severity.as_str(),
                f.finding.rule,
                f.document,
                f.finding.message
            )
        })
        .collect()
}

/// Every entry of `verified` still matches a finding on each document it names: a verified
/// finding that disappears is a rule that stopped seeing a real problem (or a stale entry).
fn every_entry_still_holds(found: &[Found], verified: &Verified, set: &str) {
    for entry in &verified.verified {
        for document in &entry.documents {
            let name = format!("{set}/{document}");
            assert!(
                found.iter().any(|f| f.document == name
                    && f.finding.rule == entry.rule
                    && f.finding.message.contains(&entry.contains)),
                "verified {} \"{}\" on {name} no longer found ({})",
                entry.rule,
                entry.contains,
                entry.reason
            );
        }
    }
}

#[test]
fn aws_managed_policies_raise_no_error_and_almost_no_warning_that_is_not_verified() {
    let policies = corpus::aws_managed();
    assert!(policies.len() > 1300, "{} policies", policies.len());
    let all: Vec<&corpus::Document> = policies.iter().collect();
    let found = corpus::check(&all);
    let verified = Verified::of("aws-managed");
    let errors = unverified(&found, &verified, Severity::Error);
    assert!(
        errors.is_empty(),
        "errors on AWS managed policies:\n{}",
        errors.join("\n")
    );
    // At most 1% of the policies may carry a warning that is not a verified true positive.
    let warned: BTreeSet<&str> = found
        .iter()
        .filter(|f| f.finding.severity == Severity::Warning && verified.covering(f).is_none())
        .map(|f| f.document.as_str())
        .collect();
    assert!(
        warned.len() * 100 <= policies.len(),
        "{} of {} policies warned:\n{}",
        warned.len(),
        policies.len(),
        unverified(&found, &verified, Severity::Warning).join("\n")
    );
    every_entry_still_holds(&found, &verified, "aws-managed");
}

#[test]
fn documentation_and_project_policies_presented_as_working_raise_no_unverified_error() {
    let documents = corpus::policies();
    assert!(documents.len() >= 100, "{} documents", documents.len());
    let (working, rest): (Vec<_>, Vec<_>) = documents.into_iter().partition(|d| d.valid == "yes");
    let found = corpus::check_each(&working);
    let verified = Verified::of("policies");
    let errors = unverified(&found, &verified, Severity::Error);
    assert!(
        errors.is_empty(),
        "errors on working examples:\n{}",
        errors.join("\n")
    );
    every_entry_still_holds(&found, &verified, "policies");
    // The examples their sources call wrong: a ratchet on how many are caught. The rest need a
    // resource the lint is not told (a secret's or key's policy open to `*`), or conditions and
    // resources judged per action (`s3:VersionId` on actions without it); raise it as they land.
    const CAUGHT_AT_LEAST: usize = 10;
    let wrong: Vec<_> = rest.into_iter().filter(|d| d.valid == "no").collect();
    let caught: BTreeSet<String> = corpus::check_each(&wrong)
        .into_iter()
        .filter(|f| f.finding.severity >= Severity::Warning)
        .map(|f| f.document)
        .collect();
    assert!(
        caught.len() >= CAUGHT_AT_LEAST,
        "only {} of {} wrong examples caught: {caught:?}",
        caught.len(),
        wrong.len()
    );
}

#[test]
fn every_field_document_has_its_provenance() {
    for set in [
        "policies",
        "taskdefs",
        "messages",
        "cloudformation",
        "terraform",
        "terraform-hcl",
    ] {
        let rows = corpus::manifest(set);
        assert!(!rows.is_empty(), "{set}");
        for row in &rows {
            let file = &row["file"];
            let folder = if matches!(
                set,
                "messages" | "cloudformation" | "terraform" | "terraform-hcl"
            ) {
                ""
            } else {
                "files"
            };
            let path = corpus::root().join(set).join(folder).join(file);
            assert!(
                path.is_file()
                    || (file.starts_with("cdk-assemblies/")
                        && path.join("manifest.json").is_file()),
                "{set}/{file} listed but missing"
            );
            let origin = row
                .get("repo")
                .or_else(|| row.get("repo_or_url"))
                .or_else(|| row.get("repository"))
                .or_else(|| row.get("source_url"));
            assert!(
                origin.is_some_and(|o| !o.is_empty()),
                "{set}/{file} has no source"
            );
        }
    }
}

/// Whether text holds a template expression or a documentation placeholder: what no need may be
/// built on.
fn unfilled(text: &str) -> bool {
    [
        "{{",
        "${",
        "$$$",
        "<",
        "__",
        "XXXX",
        "xxxx",
        "aws_account_id",
        "$AWS",
    ]
    .iter()
    .any(|t| text.contains(t))
}

#[test]
fn real_task_definitions_are_read_and_templates_are_told_once_where_they_stand() {
    let documents = corpus::task_definitions();
    assert!(
        documents.len() >= 40,
        "{} task definitions",
        documents.len()
    );
    let found = corpus::check_each(&documents);
    for f in &found {
        let m = &f.finding.message;
        // Terraform's bare container arrays are task definitions too.
        assert!(
            !m.contains("must be a JSON object, found an array"),
            "{}: {m}",
            f.document
        );
        // Nothing is derived from a template or a placeholder: a need names a real ARN.
        if f.finding.rule == "missing-permission" {
            let arn = m.split('`').nth(3).unwrap_or_default();
            assert!(!unfilled(arn), "{}: a need built on {arn}", f.document);
        }
        // A template is pointed at exactly: the bytes under the finding are the expression.
        if let Some((expr, _)) = m
            .split_once("is a template: `")
            .and_then(|(_, rest)| rest.split_once("` is "))
        {
            assert_eq!(f.located, expr, "{}", f.document);
        }
    }
    // Each template or placeholder is explained once: no two such findings on the same bytes.
    let mut places = BTreeSet::new();
    let explains = ["unresolved-reference", "arn-placeholder", "invalid-input"];
    for f in found
        .iter()
        .filter(|f| f.finding.loc.is_some() && explains.contains(&f.finding.rule))
    {
        let at = (
            f.document.clone(),
            f.finding.loc.map(|l| (l.span.start, l.span.end)),
        );
        assert!(
            places.insert(at),
            "{} twice at {:?}: {}",
            f.document,
            f.finding.loc,
            f.finding.message
        );
    }
    let templated = found
        .iter()
        .filter(|f| f.finding.message.contains("is a template: `"))
        .count();
    assert!(templated >= 20, "{templated} templates told");
}

#[test]
fn an_ecspresso_task_definition_is_checked_as_ecspresso_renders_it() {
    let documents = corpus::task_definitions();
    let ecspresso = documents
        .iter()
        .find(|d| d.name.contains("kayac-ecspresso-ecs-task-def-daemon"))
        .expect("in the corpus");
    // As written: templates, told where they stand, nothing derived.
    let raw = corpus::check(&[ecspresso]);
    // One role for both jobs is said as information, nothing more.
    assert!(raw.iter().all(|f| f.finding.rule == "unresolved-reference"
        || f.finding.rule == "execution-role-is-task-role"
            && f.finding.severity == ecslint::rules::Severity::Info));
    assert!(
        raw.iter()
            .any(|f| f.located == "{{must_env `AWS_ACCOUNT_ID`}}")
    );
    // Rendered from the environment: the real needs, on real ARNs.
    let options = |env: &[(&str, &str)]| ecslint::CheckOptions {
        template_env: Some(
            env.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    };
    let rendered = corpus::check_with(
        &[ecspresso],
        &options(&[("AWS_ACCOUNT_ID", "123456789012")]),
    );
    assert!(
        rendered.iter().any(|f| f.finding.rule == "missing-permission"
            && f.finding.message.contains(
                "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:ecspresso-test/baz-06XQOH"
            )),
        "{:?}",
        rendered.iter().map(|f| &f.finding.message).collect::<Vec<_>>()
    );
    assert!(
        !rendered
            .iter()
            .any(|f| f.finding.message.contains("is a template"))
    );
    // An unset `must_env` stops ecspresso: an error at the expression, said once.
    let unset = corpus::check_with(&[ecspresso], &options(&[]));
    let errors: Vec<_> = unset
        .iter()
        .filter(|f| f.finding.rule == "invalid-input")
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .all(|f| f.located == "{{must_env `AWS_ACCOUNT_ID`}}")
    );
    assert!(
        !unset
            .iter()
            .any(|f| f.finding.message.contains("is a template"))
    );
}

/// Real templates (aws-samples, AWS's template repository, Copilot's golden stacks, CDK
/// integration snapshots): each is read whole, and raises no error that `verified.toml` does not
/// explain.
#[test]
fn real_terraform_plans_are_read_and_raise_no_error() {
    let documents = corpus::plans();
    assert!(documents.len() >= 12, "{} plans", documents.len());
    let found = corpus::check_each(&documents);
    let errors: Vec<String> = found
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| format!("{}: {} {}", f.document, f.finding.rule, f.finding.message))
        .collect();
    assert!(
        errors.is_empty(),
        "errors on real plans:\n{}",
        errors.join("\n")
    );
    // What the plans hold is read: their roles, policies and task definitions.
    let mut policies = 0;
    let mut task_definitions = 0;
    for d in &documents {
        let inputs = [ecslint::load::Input {
            kind: d.kind,
            name: d.name.clone(),
            owner: None,
            body: ecslint::load::Body::Read(d.bytes.clone().into()),
        }];
        let loaded = ecslint::load::load(&inputs).unwrap();
        policies += loaded.inventory.policies.len();
        task_definitions += loaded.task_definitions.len();
    }
    assert!(
        policies >= 20,
        "only {policies} policies read from the plans"
    );
    assert!(
        task_definitions >= 3,
        "only {task_definitions} task definitions read"
    );
}

#[test]
fn real_cdk_cloud_assemblies_are_read_through_their_manifest_and_raise_no_error() {
    let assemblies: Vec<String> = corpus::manifest("cloudformation")
        .into_iter()
        .map(|row| row["file"].clone())
        .filter(|f| f.starts_with("cdk-assemblies/"))
        .collect();
    assert!(!assemblies.is_empty());
    for a in assemblies {
        let dir = corpus::root().join("cloudformation").join(&a);
        let out = assert_cmd::Command::cargo_bin("ecslint")
            .unwrap()
            .args([
                "check",
                "--cloudformation",
                dir.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{a}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let errors: Vec<&serde_json::Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        assert!(errors.is_empty(), "{a}: {errors:?}");
        // Each assembly's task definition reads its secrets, and its execution role grants them.
        let (checked, granted) = (
            &v["summary"]["needs_checked"],
            &v["summary"]["needs_granted"],
        );
        assert!(checked.as_u64().unwrap() >= 1, "{a}: {v}");
        assert_eq!(checked, granted, "{a}: {v}");
        // Integration snapshots are synthesised without `aws:cdk:path` metadata: where a
        // template has it, every finding names its construct.
        let template_has_paths = std::fs::read_dir(&dir).unwrap().any(|e| {
            let p = e.unwrap().path();
            p.to_string_lossy().ends_with(".template.json")
                && std::fs::read_to_string(&p)
                    .unwrap()
                    .contains("aws:cdk:path")
        });
        for f in v["findings"].as_array().unwrap() {
            let named = f["message"].as_str().unwrap().contains("[CDK construct ");
            assert_eq!(named, template_has_paths, "{a}: {f}");
        }
    }
}

#[test]
fn real_cloudformation_templates_are_read_and_raise_no_unverified_error() {
    let documents = corpus::templates();
    assert!(documents.len() >= 15, "{} templates", documents.len());
    let found = corpus::check_each(&documents);
    let unreadable: Vec<String> = found
        .iter()
        .filter(|f| matches!(f.finding.rule, "invalid-json" | "invalid-input"))
        .map(|f| format!("{}: {}", f.document, f.finding.message))
        .collect();
    assert!(
        unreadable.is_empty(),
        "templates not read:\n{}",
        unreadable.join("\n")
    );
    let verified = Verified::of("cloudformation");
    let errors = unverified(&found, &verified, Severity::Error);
    assert!(
        errors.is_empty(),
        "errors on real templates:\n{}",
        errors.join("\n")
    );
    every_entry_still_holds(&found, &verified, "cloudformation");
    // What the templates hold is read: the needs of their task definitions.
    let checked: usize = documents
        .iter()
        .map(|d| {
            let inputs = [ecslint::load::Input {
                kind: d.kind,
                name: d.name.clone(),
                owner: None,
                body: ecslint::load::Body::Read(d.bytes.clone().into()),
            }];
            ecslint::check(&inputs, &Default::default())
                .unwrap()
                .needs_checked
        })
        .sum();
    assert!(
        checked >= 50,
        "only {checked} needs read from the templates"
    );
}

#[test]
fn real_tf_sources_parse_and_their_container_definitions_are_told_only_from_what_is_known() {
    use ecslint::load::hcl::{Locator, evaluate};
    let rows = corpus::manifest("terraform-hcl");
    assert!(rows.len() >= 30, "{}", rows.len());
    let (mut blocks, mut told, mut with_secrets) = (0, 0, 0);
    let mut untold: std::collections::BTreeMap<String, usize> = Default::default();
    for row in &rows {
        // Each file alone, as `--terraform-dir` reads a folder.
        let dir = tempfile::tempdir().unwrap();
        let file = &row["file"];
        std::fs::copy(
            corpus::root().join("terraform-hcl").join(file),
            dir.path().join("main.tf"),
        )
        .unwrap();
        let locator = Locator::read(dir.path()).unwrap();
        assert!(
            locator.problems.is_empty(),
            "{file}: {:?}",
            locator.problems.iter().map(|p| &p.3).collect::<Vec<_>>()
        );
        for (_, name) in locator.resources("aws_ecs_task_definition") {
            let address = format!("aws_ecs_task_definition.{name}");
            let Some((_, e)) = locator.attribute(&address, "container_definitions", None) else {
                continue;
            };
            blocks += 1;
            // What a plan could tell of a resource another block creates: a stand-in ARN. No
            // variable, local or data source is known here.
            let mut resolve = |r: &str| {
                let parts: Vec<&str> = r.split('.').collect();
                (parts.len() == 3 && parts[0].starts_with("aws_") && parts[2] == "arn")
                    .then(|| serde_json::json!(format!("arn:aws:x:eu-west-1:111122223333:{r}")))
            };
            match evaluate(e, &mut resolve, 0) {
                Ok(serde_json::Value::String(json)) => {
                    // What it tells is container definitions: a JSON array of objects, or (one
                    // test fixture writes it so) a whole task definition object.
                    let v: serde_json::Value = serde_json::from_str(&json)
                        .unwrap_or_else(|e| panic!("{file} {address}: {e}\n{json}"));
                    assert!(v.is_array() || v.is_object(), "{file}: {v}");
                    told += 1;
                    if json.contains("valueFrom") || json.contains("credentialsParameter") {
                        with_secrets += 1;
                    }
                }
                Ok(other) => panic!("{file} {address}: not a string: {other}"),
                Err(why) => {
                    let head = why.split(['.', '(', '[']).next().unwrap_or("").to_string();
                    *untold.entry(head).or_default() += 1;
                }
            }
        }
    }
    eprintln!(
        "{blocks} task definitions, {told} told ({with_secrets} with secrets), untold by what: {untold:?}"
    );
    // The figures in tests/field/README.md; a change in the evaluator shows here.
    assert!(blocks >= 35, "{blocks}");
    assert!(told >= 5, "{told} told");
}
