//! The CI formats on the seed scenario: SARIF, GitLab Code Quality, GitHub annotations, Markdown.

mod support;

use serde_json::Value;
use std::path::Path;

fn seed(format: &str, extra: &[&str]) -> String {
    let out = support::ecslint()
        .args([
            "check",
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
            "--format",
            format,
        ])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sarif_has_rules_regions_and_fixes() {
    let v: Value = serde_json::from_str(&seed("sarif", &[])).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), ecslint::rules::ALL.len());
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["markdown"].as_str().unwrap().starts_with("# "))
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let first = &results[0];
    assert_eq!(first["ruleId"], "secret-display-name");
    assert_eq!(first["level"], "error");
    let index = first["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "secret-display-name");
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(11), Some(9))
    );
    let replacement = &first["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["deletedRegion"]["byteOffset"],
        region["byteOffset"]
    );
    assert!(
        replacement["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .ends_with("-??????\"")
    );
    assert_eq!(
        first["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/seed/task-definition.json"
    );
}

#[test]
fn gitlab_fingerprints_survive_edits_elsewhere_in_the_file() {
    let before: Value = serde_json::from_str(&seed("gitlab", &[])).unwrap();
    assert_eq!(before[0]["check_name"], "secret-display-name");
    assert_eq!(before[0]["severity"], "major");
    assert_eq!(before[0]["location"]["lines"]["begin"], 11);
    // The same policy with two lines added at the top: lines move, fingerprints do not.
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let policy =
        std::fs::read_to_string(root.join("fixtures/seed/execution-role-policy.json")).unwrap();
    let moved = dir.path().join("execution-role-policy.json");
    std::fs::write(&moved, format!("\n\n{policy}")).unwrap();
    let out = support::ecslint()
        .current_dir(root)
        .args([
            "check",
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--secrets",
            "fixtures/seed/secrets.json",
            "--format",
            "gitlab",
            "--policy",
        ])
        .arg(&moved)
        .output()
        .unwrap();
    let after: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(after[0]["location"]["lines"]["begin"], 13);
    // The path differs, so compare against a run on the same path.
    let fingerprints = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    let again = support::ecslint()
        .current_dir(root)
        .args([
            "check",
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--secrets",
            "fixtures/seed/secrets.json",
            "--format",
            "gitlab",
            "--policy",
        ])
        .arg(&moved)
        .output()
        .unwrap();
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(fingerprints(&after), fingerprints(&again));
    std::fs::write(&moved, &policy).unwrap();
    let unmoved = support::ecslint()
        .current_dir(root)
        .args([
            "check",
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--secrets",
            "fixtures/seed/secrets.json",
            "--format",
            "gitlab",
            "--policy",
        ])
        .arg(&moved)
        .output()
        .unwrap();
    let unmoved: Value = serde_json::from_slice(&unmoved.stdout).unwrap();
    assert_eq!(fingerprints(&after), fingerprints(&unmoved));
    assert_ne!(fingerprints(&after)[0], fingerprints(&after)[1]);
}

#[test]
fn github_annotations_are_one_line_each() {
    let text = seed("github", &[]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(
        "::error file=fixtures/seed/execution-role-policy.json,line=11,col=9,endLine=11,endColumn=91,title=secret-display-name::"
    ));
    assert!(
        lines[0].contains("%0A"),
        "the help is on an escaped second line"
    );
}

/// Markdown as GitHub and GitLab render it: GFM tables, autolinks and strikethrough, raw HTML
/// passed through (so any that came from the input would show).
fn render_gfm(md: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    options.extension.strikethrough = true;
    options.render.r#unsafe = true;
    comrak::markdown_to_html(md, &options)
}

#[test]
fn markdown_keeps_code_as_code_and_gives_each_fix_as_a_diff() {
    let md = seed("markdown", &[]);
    assert!(
        md.contains(
            "| 🔴 | `secret-display-name` | `fixtures/seed/execution-role-policy.json:11` |"
        ),
        "{md}"
    );
    assert!(md.contains("```diff\n-         \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry\",\n+         \"arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\",\n```"), "{md}");
    let html = render_gfm(&md);
    // The messages' code is code, not escaped backticks.
    assert!(
        html.contains("<code>Resource</code> names secret"),
        "{html}"
    );
    assert!(html.contains("<code>key:</code>"), "{html}");
    assert!(!html.contains('`'), "a backtick shows literally: {html}");
    assert!(!md.contains("\\("), "{md}");
    assert_eq!(html.matches("<tr>").count(), 3, "{html}");
    // Both flavours give the same note: the suggestions go through rdjson.
    assert_eq!(seed("markdown", &["--markdown-flavor", "github"]), md);
}

#[test]
fn markdown_folds_the_details_of_a_long_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = support::ecslint()
        .current_dir(root)
        .args(["lint", "--format", "markdown", "tests/field/policies/files"])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| 🔴") || l.starts_with("| 🟡") || l.starts_with("| 🔵"))
        .count();
    assert!(rows > 5, "{md}");
    let html = render_gfm(&md);
    let details = html.find("<details>").expect("no <details>");
    let table_end = html.find("</table>").unwrap();
    assert!(table_end < details, "the table stays outside the fold");
    assert!(html.trim_end().ends_with("</details>"), "{html}");
    assert_eq!(
        html.matches("<h3>").count(),
        rows,
        "each finding's heading inside the fold"
    );
}

#[test]
fn markdown_and_annotations_cannot_be_steered_by_hostile_names() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hostile = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "x`<script>alert(1)</script>](javascript:alert(1)) | ``` ![i](https://evil.example/i.png) www.evil.example a@evil.example \u202e<b>\n::error::pwned", "Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;
    // The file name is hostile too.
    let policy = dir
        .path()
        .join("p|`<i>x`[l](https:e) www.evil.example.json");
    std::fs::write(&policy, hostile).unwrap();
    let run = |format: &str| {
        let out = support::ecslint()
            .current_dir(root)
            .args([
                "check",
                "--task-definition",
                "fixtures/seed/task-definition.json",
                "--secrets",
                "fixtures/seed/secrets.json",
                "--format",
                format,
                "--policy",
            ])
            .arg(&policy)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let md = run("markdown");
    assert!(md.contains("explicit-deny"), "{md}");
    assert!(md.contains("pwned"), "the hostile Sid is reported: {md}");
    assert!(!md.contains("\n::error"), "{md}");
    assert!(!md.contains('\u{202e}'), "{md}");
    let html = render_gfm(&md);
    for forbidden in ["<a ", "<img", "<script", "<b>", "<i>", "javascript:"] {
        let outside_code: String = html
            .split("<code>")
            .map(|part| part.split_once("</code>").map_or(part, |(_, after)| after))
            .collect();
        assert!(
            !outside_code.contains(forbidden),
            "{forbidden} outside code in:\n{html}"
        );
    }
    // What is inside code is escaped text, never markup.
    assert!(!html.contains("<script"), "{html}");
    // Every table row stays one row of four cells.
    let rows = md.lines().filter(|l| l.starts_with("| 🔴")).count();
    assert!(rows >= 1);
    assert_eq!(
        html.matches("<tr>").count(),
        rows + md
            .lines()
            .filter(|l| l.starts_with("| 🟡") || l.starts_with("| 🔵"))
            .count()
            + 1,
        "{html}"
    );
    for row in html.split("<tr>").skip(2) {
        assert_eq!(row.matches("<td").count(), 4, "{row}");
    }
    let gh = run("github");
    assert!(gh.lines().all(|l| l.starts_with("::")), "{gh}");
    // The Sid is named by the findings about it (explicit-deny's, policy-grammar's), never as
    // an annotation of its own.
    assert!(gh.lines().any(|l| l.contains("pwned")), "{gh}");
    assert!(!gh.lines().any(|l| l.starts_with("::error::pwned")), "{gh}");
}

#[test]
fn every_format_snapshot() {
    for format in ["sarif", "gitlab", "github", "markdown", "rdjson"] {
        insta::assert_snapshot!(format!("format-{format}"), seed(format, &[]));
    }
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-2.1.0-rtm.5.json"
    ))
    .unwrap();
    // The published schema's `run.language` pattern has a stray `]` that strict regex engines
    // reject when checking the schema itself; escape it (ecslint writes no `language`).
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for extra in [&[][..], &["--fail-on", "warning"][..]] {
        let sarif: Value = serde_json::from_str(&seed("sarif", extra)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    // The schema is really checked: a broken document fails it.
    let mut broken: Value = serde_json::from_str(&seed("sarif", &[])).unwrap();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn a_plaintext_credential_is_never_printed_by_any_format_nor_by_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let password = "Zq8-plaintext-VALUE-never-printed";
    let key = "AKIAZZZZZZZZZZZZZZZZ";
    let td = format!(
        r#"{{
  "family": "api",
  "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/api:3",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [{{
    "name": "api",
    "image": "api:1",
    "environment": [
      {{"name": "MODE", "value": "prod"}},
      {{"name": "DB_PASSWORD", "value": "{password}"}},
      {{"name": "UPLOADS_AWS_KEY", "value": "{key}"}}
    ],
    "secrets": [{{"name": "DB_PASSWORD_OLD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/x"}}]
  }}]
}}
"#
    );
    let path = support::write(dir.path(), "td.json", &td);
    let leaks = |text: &str| text.contains(password) || text.contains(key);
    for format in ["human", "json", "sarif", "markdown", "gitlab", "github"] {
        for extra in [&[][..], &["--diff", "--unsafe-fixes"][..]] {
            let out = support::ecslint()
                .args(["check", "--task-definition", &path, "--format", format])
                .args(extra)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !leaks(&stdout) && !leaks(&stderr),
                "{format} {extra:?}:\n{stdout}\n{stderr}"
            );
            if extra.is_empty() {
                assert!(
                    stdout.contains("plaintext-secret-in-environment"),
                    "{format}:\n{stdout}"
                );
            } else {
                assert!(
                    stdout.contains("app") || stdout.contains("secretsmanager"),
                    "{format}:\n{stdout}"
                );
            }
        }
    }
    let (_, v, _) = support::run_json("check", &["--task-definition", &path]);
    let found: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "plaintext-secret-in-environment")
        .collect();
    assert_eq!(found.len(), 2, "{v}");
    assert_eq!(found[0]["severity"], "warning");
    // The unsafe fix moves both to `secrets`, by the ARN of the secret to create; the values
    // are gone from the file, the rest stays.
    let out = support::ecslint()
        .args([
            "check",
            "--task-definition",
            &path,
            "--fix",
            "--unsafe-fixes",
        ])
        .output()
        .unwrap();
    assert!(!leaks(&String::from_utf8_lossy(&out.stderr)));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(!leaks(&fixed), "{fixed}");
    let parsed: Value = serde_json::from_str(&fixed).unwrap();
    let c = &parsed["containerDefinitions"][0];
    assert_eq!(
        c["environment"],
        serde_json::json!([{"name": "MODE", "value": "prod"}])
    );
    assert_eq!(c["secrets"][0]["name"], "DB_PASSWORD");
    assert_eq!(
        c["secrets"][0]["valueFrom"],
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/api/DB_PASSWORD"
    );
    assert_eq!(c["secrets"][1]["name"], "UPLOADS_AWS_KEY");
    assert_eq!(c["secrets"][2]["name"], "DB_PASSWORD_OLD");
}

fn rdjson_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/reviewdog/DiagnosticResult.json"
    ))
    .unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

#[test]
fn rdjson_validates_against_reviewdogs_schema() {
    let validator = rdjson_schema();
    let rdjson: Value = serde_json::from_str(&seed("rdjson", &[])).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&rdjson)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let diagnostics = rdjson["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    let first = &diagnostics[0];
    assert_eq!(first["code"]["value"], "secret-display-name");
    assert_eq!(first["severity"], "ERROR");
    assert_eq!(
        first["location"]["path"],
        "fixtures/seed/execution-role-policy.json"
    );
    assert!(
        first["suggestions"][0]["text"]
            .as_str()
            .unwrap()
            .contains("-??????")
    );
    // The schema is really checked: a broken document fails it.
    let mut broken = rdjson.clone();
    broken["diagnostics"][0]["severity"] = Value::from("FATAL");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn rdjson_suggestions_applied_give_exactly_what_fix_gives() {
    let validator = rdjson_schema();
    let mut suggested = 0;
    for scenario in [
        "seed",
        "bare-name",
        "condition",
        "docs-snippet",
        "missing-grant",
        "placeholders",
        "explicit-deny",
        "invalid-value-from",
    ] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(scenario);
        let mut args = vec!["check", "--task-definition", "task-definition.json"];
        for (flag, file) in [
            ("--policy", "execution-role-policy.json"),
            ("--secrets", "secrets.json"),
            ("--parameters", "parameters.json"),
        ] {
            if from.join(file).is_file() {
                args.extend([flag, file]);
            }
        }
        let fixed = tempfile::tempdir().unwrap();
        let suggested_dir = tempfile::tempdir().unwrap();
        support::copy_dir(&from, fixed.path());
        support::copy_dir(&from, suggested_dir.path());
        support::ecslint()
            .args(&args)
            .args(["--fix", "--unsafe-fixes"])
            .current_dir(fixed.path())
            .output()
            .unwrap();
        let out = support::ecslint()
            .args(&args)
            .args(["--format", "rdjson"])
            .current_dir(suggested_dir.path())
            .output()
            .unwrap();
        let rdjson: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(validator.is_valid(&rdjson), "{scenario}: {rdjson:#}");
        suggested += support::apply_rdjson(suggested_dir.path(), &rdjson);
        for entry in std::fs::read_dir(&from).unwrap().flatten() {
            let name = entry.file_name();
            assert_eq!(
                std::fs::read_to_string(suggested_dir.path().join(&name)).unwrap(),
                std::fs::read_to_string(fixed.path().join(&name)).unwrap(),
                "{scenario}/{}: the suggestions applied differ from --fix",
                name.to_string_lossy()
            );
        }
    }
    assert!(
        suggested >= 5,
        "only {suggested} suggestions in all the scenarios"
    );
}

#[test]
fn documents_that_are_not_files_get_the_command_in_the_note_and_no_suggestion() {
    let run = |format: &str| {
        let out = support::ecslint()
            .args([
                "check",
                "--task-definition",
                "fixtures/seed/task-definition.json",
                "--account-details",
                "fixtures/seed/account-details.json",
                "--secrets",
                "fixtures/seed/secrets.json",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let md = run("markdown");
    let section = md
        .split("### Documents that are not files")
        .nth(1)
        .unwrap_or_else(|| panic!("{md}"));
    assert!(section.contains("aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name registry-credentials"), "{section}");
    assert!(
        section.contains("gitlab-sample-registry-??????"),
        "{section}"
    );
    // reviewdog cannot apply an edit to an exported file that is not the document in AWS.
    let rdjson: Value = serde_json::from_str(&run("rdjson")).unwrap();
    let diagnostics = rdjson["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    assert!(
        diagnostics.iter().all(|d| d["suggestions"].is_null()),
        "{rdjson:#}"
    );
}
