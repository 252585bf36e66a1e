//! Hostile input: whatever the bytes, the tool answers with a located error and a documented exit
//! code, never a panic, and never lets a file steer the terminal.

mod support;

use serde_json::Value;
use std::path::Path;

const TASK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/seed/task-definition.json"
);

fn check_policy_bytes(bytes: &[u8]) -> (i32, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, bytes).unwrap();
    let out = support::ecslint()
        .args([
            "check",
            "--format",
            "json",
            "--task-definition",
            TASK,
            "--policy",
        ])
        .arg(&policy)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), report, dir)
}

/// The invalid-json finding about the policy file.
fn invalid_json(report: &Value) -> &Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "invalid-json")
        .unwrap_or_else(|| panic!("no invalid-json finding: {report:#}"))
}

#[test]
fn empty_file() {
    let (code, report, _d) = check_policy_bytes(b"");
    assert_eq!(code, 1);
    let f = invalid_json(&report);
    assert!(f["message"].as_str().unwrap().contains("empty"));
    assert_eq!(f["location"]["start"], 0);
}

#[test]
fn truncated_json_is_located_at_the_end() {
    let text = br#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "#;
    let (code, report, _d) = check_policy_bytes(text);
    assert_eq!(code, 1);
    let f = invalid_json(&report);
    let start = f["location"]["start"].as_u64().unwrap() as usize;
    assert!(start >= text.len() - 1, "{start}");
}

#[test]
fn non_utf8_bytes_are_located_at_the_first_bad_byte() {
    let mut bytes = br#"{"Statement": [{"Sid": "caf"#.to_vec();
    let bad_at = bytes.len();
    bytes.extend_from_slice(&[0xe9, 0xff, b'"', b'}', b']', b'}']);
    let (code, report, _d) = check_policy_bytes(&bytes);
    assert_eq!(code, 1);
    let f = invalid_json(&report);
    assert_eq!(f["location"]["start"], bad_at);
    assert!(f["message"].as_str().unwrap().contains("UTF-8"));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let open = "[".repeat(100_000);
    let (code, report, _d) = check_policy_bytes(open.as_bytes());
    assert_eq!(code, 1);
    invalid_json(&report);
    let balanced = format!(
        "{{\"Statement\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (code, report, _d) = check_policy_bytes(balanced.as_bytes());
    assert_eq!(code, 1);
    assert!(
        invalid_json(&report)["message"]
            .as_str()
            .unwrap()
            .contains("nested")
    );
}

#[test]
fn a_policy_of_more_statements_than_iam_could_hold_is_refused_at_the_first_too_many() {
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        vec![statement; 20_000].join(",")
    );
    let (code, report, _d) = check_policy_bytes(text.as_bytes());
    assert_eq!(code, 1);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "invalid-policy")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("20000 statements"),
        "{finding:#}"
    );
    // Located on statement 10,001: the first the limit refuses.
    let offset = r#"{"Version":"2012-10-17","Statement":["#.len() + 10_000 * (statement.len() + 1);
    assert_eq!(finding["location"]["start"], offset, "{finding:#}");
}

#[test]
fn binary_garbage_and_wrong_types_do_not_panic() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let (code, _, _d) = check_policy_bytes(&garbage);
    assert_eq!(code, 1);
    for text in [
        "null",
        "[]",
        "\"Statement\"",
        r#"{"Statement": null}"#,
        r#"{"Statement": [null, 1, "x", [], {}]}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": [[]], "Resource": {"a": 1}}}"#,
        r#"{"PolicyDocument": "%7B%22Statement%22%3A%5B"}"#,
        r#"{"PolicyDocument": "%ZZ%E9"}"#,
        r#"{"PolicyVersion": {"Document": 5}}"#,
    ] {
        let (code, report, _d) = check_policy_bytes(text.as_bytes());
        assert_eq!(code, 1, "{text}: {report:#}");
    }
}

#[test]
fn odd_unicode_keeps_offsets_on_the_original_bytes() {
    // Multi-byte characters before the entry: offsets are bytes, columns are characters.
    let text = "{\"Statement\": [{\"Sid\": \"日本語🙂\", \"Effect\": \"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry\"}]}";
    // The task definition names the secret by its full ARN: the display name is found without
    // --secrets.
    let (_, report, _d) = check_policy_bytes(text.as_bytes());
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    let start = f["location"]["start"].as_u64().unwrap() as usize;
    let end = f["location"]["end"].as_u64().unwrap() as usize;
    assert!(text[start..end].contains("gitlab-sample-registry"));
    let column = f["location"]["column"].as_u64().unwrap() as usize;
    assert_eq!(column, text[..start].chars().count() + 1);
}

#[test]
fn terminal_escapes_in_inputs_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        // Escaped as JSON, so the strings hold the control characters themselves.
        r#"{"Statement": [{"Sid": "\u001b]0;pwned\u0007\u001b[2J", "Effect": "Deny\u001b[31m", "Action": "*", "Resource": "arn:aws:s3:::\u202ex"}]}"#,
    )
    .unwrap();
    let out = support::ecslint()
        .args([
            "check",
            "--color",
            "never",
            "--task-definition",
            TASK,
            "--policy",
        ])
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(!text.contains('\u{7}'));
    assert!(!text.contains('\u{202e}'));
    assert!(text.contains("invalid-policy"));
    // Raw, they are not JSON at all: refused where they stand, and not echoed either.
    std::fs::write(&policy, "{\"Sid\": \"\u{1b}]0;pwned\u{7}\"}").unwrap();
    let out = support::ecslint()
        .args(["lint", "--color", "never"])
        .arg(&policy)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("raw control character"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let file = std::fs::File::create(&big).unwrap();
    // Sparse: no disk is written.
    file.set_len(65 * 1024 * 1024).unwrap();
    let out = support::ecslint()
        .args(["check", "--task-definition", TASK, "--policy"])
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("larger than 64 MiB"), "{stderr}");
    assert!(stderr.contains(&*Path::new(&big).to_string_lossy()));
}

#[test]
fn a_closed_stdout_does_not_panic() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("ecslint"))
        .args(["check", "--task-definition", TASK])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn every_account_file_flag_answers_hostile_bytes_with_a_located_finding() {
    // Each listing flag, given garbage, the wrong shape, or entries of the wrong types.
    let dir = tempfile::tempdir().unwrap();
    for flag in [
        "--kms-aliases",
        "--parameters",
        "--secrets",
        "--account-details",
    ] {
        for (name, bytes) in [
            ("binary", &b"\x00\xff\xfe{[\x1b]"[..]),
            ("shape", &b"[1, 2, 3]"[..]),
            (
                "types",
                &br#"{"Aliases": [{"AliasArn": 7, "TargetKeyId": null}], "Parameters": [{"Name": []}], "SecretList": [{"ARN": {}}], "RoleDetailList": [{"RoleName": 1}]}"#[..],
            ),
        ] {
            let path = dir.path().join(format!("{}-{name}.json", &flag[2..]));
            std::fs::write(&path, bytes).unwrap();
            let out = support::ecslint()
                .args(["check", "--format", "json", "--task-definition", TASK, flag])
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{flag} {name}: {stderr}");
            assert_eq!(out.status.code(), Some(1), "{flag} {name}: {stderr}");
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            // Wrong shapes and binary are named at a place in that file; entries of the wrong
            // types are skipped (or named) without stopping the check.
            if name != "types" {
                let named = report["findings"].as_array().unwrap().iter().any(|f| {
                    f["location"]["file"]
                        .as_str()
                        .is_some_and(|file| file.ends_with(&format!("{}-{name}.json", &flag[2..])))
                });
                assert!(named, "{flag} {name}: {report:#}");
            }
        }
    }
}
