//! `ecslint lint`: the document rules over policy files, without a task definition.

mod support;

use serde_json::Value;

fn lint(args: &[&str]) -> (i32, Value) {
    let (code, value, _) = support::run_json("lint", args);
    (code, value)
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
    // The full-ARN pattern is added; the bare ARN stays, for any request by that partial ARN.
    let fix = &report["findings"][0]["fix"]["edits"][0]["replacement"];
    assert_eq!(
        fix,
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry\",\n        \
         \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\""
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
    let out = support::ecslint()
        .arg("lint")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = support::ecslint().arg("lint").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Many files are read and parsed on every core; a few are read one by one. Both must find the
/// same things in the same places.
#[test]
fn many_files_at_once_give_the_same_findings_as_one_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/seed/execution-role-policy.json"
    ))
    .unwrap();
    let variants = [
        seed.clone(),
        "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"kms:Decrypt\" ]}".to_string(),
        r#"{"Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}"#.to_string(),
        r#"{"RoleName": "r", "PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "secretmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"}]}}"#.to_string(),
        r#"{"PolicyDocument": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22kms%3ADecrypt%22%2C%22Resource%22%3A%22arn%3Aaws%3Akms%3Aus-east-1%3A1%3Akey%3Aabc%22%7D%5D%7D"}"#.to_string(),
        r#"{"PolicyVersion": {"Document": {"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:region:aws_account_id:secret:secret_name"}]}}}"#.to_string(),
    ];
    let mut paths = Vec::new();
    for i in 0..90 {
        let path = dir.path().join(format!("p{i:03}.json"));
        std::fs::write(&path, &variants[i % variants.len()]).unwrap();
        paths.push(path.to_string_lossy().into_owned());
    }
    let findings = |files: &[String]| -> Vec<String> {
        let (_, report) = lint(&files.iter().map(String::as_str).collect::<Vec<_>>());
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {} {}",
                    f["rule"],
                    f["location"]["file"],
                    f["location"]["start"],
                    f["location"]["end"],
                    f["message"]
                )
            })
            .collect()
    };
    let together = findings(&paths);
    let mut apart: Vec<String> = paths.chunks(10).flat_map(findings).collect();
    let mut together_sorted = together.clone();
    together_sorted.sort();
    apart.sort();
    assert!(together.len() > 90, "{}", together.len());
    assert_eq!(together_sorted, apart);
}

#[test]
fn a_link_loop_in_a_folder_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.json"),
        r#"{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}"#,
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let out = support::ecslint()
        .arg("lint")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn ecslint_passes_its_own_check_on_the_read_only_policy_it_publishes() {
    let (code, report) = lint(&[
        "examples/ecslint-read-only-policy.json",
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["findings"], serde_json::json!([]));
}

/// The published policy, evaluated by ecslint itself: every call the live mode makes is allowed
/// on the resources it makes it on (moto, which the live tests run against, checks only the
/// actions), and no secret or parameter value can be read.
#[test]
fn the_published_read_only_policy_allows_every_live_call_and_no_value_read() {
    let simulate = |action: &str, resource: &str| {
        support::ecslint()
            .args(["simulate", "--principal", "ecslint-reader"])
            .args(["--policy", "examples/ecslint-read-only-policy.json"])
            .args(["--action", action, "--resource", resource])
            .output()
            .unwrap()
            .status
            .code()
    };
    let role = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
    let policy = "arn:aws:iam::123456789012:policy/service-role/web-logs";
    let secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:db-AbCdEf";
    let key = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let allowed = [
        ("ecs:DescribeTaskDefinition", "*"),
        ("ecs:DescribeServices", "*"),
        ("ecs:DescribeTasks", "*"),
        ("ecs:ListTasks", "*"),
        ("iam:GetRole", role),
        ("iam:ListRolePolicies", role),
        ("iam:GetRolePolicy", role),
        ("iam:ListAttachedRolePolicies", role),
        ("iam:GetPolicy", policy),
        ("iam:GetPolicyVersion", policy),
        (
            "iam:GetPolicyVersion",
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        ),
        ("secretsmanager:DescribeSecret", secret),
        ("secretsmanager:GetResourcePolicy", secret),
        ("ssm:DescribeParameters", "*"),
        ("kms:DescribeKey", key),
        ("kms:GetKeyPolicy", key),
        ("kms:ListAliases", "*"),
    ];
    for (action, resource) in allowed {
        assert_eq!(
            simulate(action, resource),
            Some(0),
            "{action} on {resource}"
        );
    }
    let parameter = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/web/db-url";
    for (action, resource) in [
        ("secretsmanager:GetSecretValue", secret),
        ("ssm:GetParameters", parameter),
        ("ssm:GetParameter", parameter),
        ("ssm:GetParametersByPath", parameter),
        ("kms:Decrypt", key),
    ] {
        assert_eq!(
            simulate(action, resource),
            Some(1),
            "{action} on {resource}"
        );
    }
}

#[test]
fn the_readme_shows_the_read_only_policy_as_it_is_in_examples() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let policy =
        std::fs::read_to_string(format!("{root}/examples/ecslint-read-only-policy.json")).unwrap();
    assert!(
        readme.contains(&format!("```json\n{policy}```")),
        "README.md's read-only policy differs from examples/ecslint-read-only-policy.json"
    );
}

#[test]
fn a_folder_fixed_reports_what_is_left_and_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("exec.json");
    // Only a safe fix: once applied, nothing is left.
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("empty.json"), "\n").unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    let folder = dir.path().to_string_lossy().into_owned();
    let out = support::ecslint()
        .args(["lint", &folder, "--fix", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules(&report), Vec::new(), "the fixed finding is gone");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 1 finding in 1 file"), "{stderr}");
    assert!(stderr.contains("empty.json: empty"), "{stderr}");
    assert!(
        stderr.contains("package.json (not a policy: no `Statement`)"),
        "{stderr}"
    );
    assert!(
        std::fs::read_to_string(&policy)
            .unwrap()
            .contains("secret:db-??????")
    );
    // The file on its own is reported as what it is, as before.
    let (code, report) = lint(&[&dir.path().join("empty.json").to_string_lossy()]);
    assert_eq!((code, rules(&report).len()), (1, 1));
}
