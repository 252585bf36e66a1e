//! `ecslint lint`: the document rules over policy files, without a task definition.

use assert_cmd::Command;
use serde_json::Value;

fn lint(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("ecslint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), value)
}

fn rules(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_seed_policy_alone_is_caught_without_any_inventory() {
    let (code, report) = lint(&["fixtures/seed/execution-role-policy.json"]);
    assert_eq!(code, 1);
    let found: Vec<String> = rules(&report).into_iter().map(|(r, _)| r).collect();
    assert_eq!(found, ["secret-arn-without-suffix", "kms-key-arn-colon"]);
    let fix = &report["findings"][0]["fix"]["edits"][0]["replacement"];
    assert_eq!(
        fix,
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\""
    );
}

#[test]
fn correct_policies_lint_clean() {
    for file in [
        "fixtures/fixed/execution-role-policy.json",
        "fixtures/exact-arn/execution-role-policy.json",
        "fixtures/fargate-app/execution-role-policy.json",
    ] {
        let (code, report) = lint(&[file]);
        assert_eq!((code, rules(&report)), (0, Vec::new()), "{file}");
    }
}

#[test]
fn a_folder_is_searched_for_policies_only() {
    let (code, report) = lint(&["fixtures"]);
    assert_eq!(code, 1);
    let found = rules(&report);
    // Task definitions, listings and account details in the folder are not linted as policies.
    assert!(
        found
            .iter()
            .all(|(_, file)| !file.contains("task-definition")
                && !file.contains("secrets.json")
                && !file.contains("account-details"))
    );
    assert!(found.contains(&(
        "invalid-json".to_string(),
        "fixtures/docs-snippet/execution-role-policy.json".to_string()
    )));
    assert!(found.contains(&(
        "secret-arn-without-suffix".to_string(),
        "fixtures/describe-output/get-role-policy.json".to_string()
    )));
}

#[test]
fn with_secrets_the_display_name_is_named_with_its_real_arn() {
    let (_, report) = lint(&[
        "fixtures/seed/execution-role-policy.json",
        "--secrets",
        "fixtures/seed/secrets.json",
    ]);
    // No task definition: nothing says which secret the task reads, so the document rule speaks.
    assert!(
        rules(&report)
            .iter()
            .any(|(r, _)| r == "secret-arn-without-suffix")
    );
}

#[test]
fn nothing_to_lint_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("ecslint")
        .unwrap()
        .arg("lint")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::cargo_bin("ecslint")
        .unwrap()
        .arg("lint")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
