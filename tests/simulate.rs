//! `ecslint simulate` end to end: decisions, deciding statements, near misses, exit codes.

mod support;

use serde_json::Value;

const SEED_SECRET: &str =
    "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU";
const GET: &str = "secretsmanager:GetSecretValue";
const API_ROLE: &str = "arn:aws:iam::111111111111:role/service-role/api-execution";

fn simulate(args: &[&str]) -> (i32, Value) {
    support::json_of(support::ecslint().arg("simulate").args(args))
}

fn account(resource: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "--principal",
        API_ROLE,
        "--action",
        GET,
        "--resource",
        resource,
        "--account-details",
        "fixtures/account/account-details.json",
        "--secrets",
        "fixtures/account/secrets.json",
        "--scp",
        "fixtures/account/scp.json",
    ];
    args.extend_from_slice(extra);
    simulate(&args)
}

#[test]
fn seed_is_denied_and_the_near_miss_names_the_display_name() {
    let (code, out) = simulate(&[
        "--principal",
        "ecsTaskExecutionRole",
        "--action",
        GET,
        "--resource",
        SEED_SECRET,
        "--policy",
        "fixtures/seed/execution-role-policy.json",
        "--secrets",
        "fixtures/seed/secrets.json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out["decision"], "denied");
    assert_eq!(out["explicit"], false);
    assert_eq!(out["missing_allow_from"], "identity");
    assert_eq!(out["statements"], serde_json::json!([]));
    let miss = &out["near_misses"][0];
    assert!(miss["why"].as_str().unwrap().contains("display name"));
    assert_eq!(miss["focus"]["line"], 11);
    assert_eq!(
        out["request"]["principal"],
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    );
    // The policy's own problems are reported alongside.
    let rules: Vec<&str> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["secret-arn-without-suffix", "kms-key-arn-colon"]);
}

#[test]
fn fixed_seed_is_allowed_by_its_arn_and_denied_by_name_as_requested() {
    let run = |resource: &str| {
        simulate(&[
            "--principal",
            "ecsTaskExecutionRole",
            "--action",
            GET,
            "--resource",
            resource,
            "--policy",
            "fixtures/fixed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
        ])
    };
    let (code, out) = run(SEED_SECRET);
    assert_eq!(code, 0, "{out:#}");
    assert_eq!(out["decision"], "allowed");
    assert_eq!(out["request"]["resource"], SEED_SECRET);
    assert_eq!(out["request"]["stored_arn"], serde_json::Value::Null);
    assert_eq!(out["statements"][0]["statement"], 1);
    assert_eq!(out["statements"][0]["policy_type"], "identity");
    // By name or partial ARN, IAM evaluates the ARN as requested, which `NAME-??????` does not
    // match; the answer says the stored ARN would have been allowed.
    let partial = SEED_SECRET.trim_end_matches("-y54JnU");
    for resource in ["gitlab-sample-registry", partial] {
        let (code, out) = run(resource);
        assert_eq!(code, 1, "{resource}: {out:#}");
        assert_eq!(out["decision"], "denied");
        assert_eq!(out["request"]["resource"], partial);
        assert_eq!(out["request"]["stored_arn"], SEED_SECRET);
        assert_eq!(out["request"]["stored_arn_allowed"], true);
    }
    let (_, out) = run("gitlab-sample-registry");
    assert_eq!(
        out["request"]["resource_as_given"],
        "gitlab-sample-registry"
    );
}

#[test]
fn boundary_condition_with_tags_from_the_inventory_allows() {
    let (code, out) = account(
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:api/db-Xy12Ab",
        &[],
    );
    assert_eq!(code, 0, "{out:#}");
    let kinds: Vec<&str> = out["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["policy_type"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"permissions-boundary"), "{kinds:?}");
    assert!(kinds.contains(&"service-control-policy"), "{kinds:?}");
    // The default version of the managed policy (v2, URL-encoded) decided, not v1.
    assert!(
        out["statements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["policy"] == "api-secrets")
    );
}

#[test]
fn boundary_condition_false_for_another_team_denies() {
    let (code, out) = account(
        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:api/legacy-Qw34Er",
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(out["decision"], "denied");
    assert_eq!(out["missing_allow_from"], "permissions-boundary");
    assert!(
        out["reason"]
            .as_str()
            .unwrap()
            .contains("permissions boundary")
    );
}

#[test]
fn unknown_tags_make_it_depend_and_context_decides() {
    let vendor = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:api/vendor-Zx56Cv";
    let (code, out) = account(vendor, &[]);
    assert_eq!(code, 1);
    assert_eq!(out["decision"], "depends");
    assert_eq!(
        out["unknown_keys"],
        serde_json::json!(["aws:ResourceTag/team"])
    );
    let (code, out) = account(vendor, &["--context", "aws:ResourceTag/team=api"]);
    assert_eq!((code, out["decision"].as_str()), (0, Some("allowed")));
}

#[test]
fn resource_policy_deny_is_explicit() {
    let vendor = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:api/vendor-Zx56Cv";
    let (code, out) = account(
        vendor,
        &[
            "--resource-policy",
            "fixtures/account/get-resource-policy.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out["decision"], "denied");
    assert_eq!(out["explicit"], true);
    assert_eq!(out["statements"][0]["policy_type"], "resource-based");
    assert_eq!(out["statements"][0]["sid"], "NoOneButBreakGlass");
}

#[test]
fn scp_region_guard_denies_other_regions() {
    let (code, out) = account(
        "arn:aws:secretsmanager:us-east-1:111111111111:secret:api/db-Ab12Cd",
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(out["explicit"], true);
    assert_eq!(
        out["statements"][0]["policy_type"],
        "service-control-policy"
    );
    assert_eq!(out["statements"][0]["sid"], "DenyOutsideEurope");
}

#[test]
fn key_policy_gates_kms() {
    let key = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let key_policy = format!("{key}=fixtures/account/key-policy.json");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--principal",
            "api-execution",
            "--action",
            "kms:Decrypt",
            "--resource",
            key,
            "--key-policy",
            &key_policy,
        ];
        args.extend_from_slice(extra);
        simulate(&args)
    };
    // The default key policy delegates to IAM; no IAM policy allows kms:Decrypt.
    let (code, out) = run(&[]);
    assert_eq!((code, out["decision"].as_str()), (1, Some("denied")));
    assert_eq!(out["missing_allow_from"], "identity");
    // With an IAM allow, the delegation makes it effective.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("kms.json");
    std::fs::write(
        &policy,
        format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "{key}"}}]}}"#),
    )
    .unwrap();
    let (code, out) = run(&["--policy", policy.to_str().unwrap()]);
    assert_eq!(
        (code, out["decision"].as_str()),
        (0, Some("allowed")),
        "{out:#}"
    );
    let kinds: Vec<&str> = out["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["policy_type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"key-policy") && kinds.contains(&"identity"),
        "{kinds:?}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["--action", GET, "--resource", SEED_SECRET],
        vec![
            "--principal",
            "r",
            "--action",
            "GetSecretValue",
            "--resource",
            SEED_SECRET,
        ],
        vec![
            "--principal",
            "r",
            "--action",
            GET,
            "--resource",
            SEED_SECRET,
            "--policy",
            "fixtures/none.json",
        ],
        vec![
            "--principal",
            "r",
            "--action",
            GET,
            "--resource",
            SEED_SECRET,
            "--context",
            "x",
        ],
    ] {
        let out = support::ecslint()
            .arg("simulate")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
}

#[test]
fn human_output_shows_the_decision_and_the_statement_in_its_file() {
    let out = support::ecslint()
        .args([
            "simulate",
            "--principal",
            "ecsTaskExecutionRole",
            "--action",
            GET,
            "--resource",
            SEED_SECRET,
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("simulate-seed", text);
}

#[test]
fn a_key_declared_absent_decides_null_if_exists_and_negated_operators() {
    // IAM user guide, "Condition operator to check existence of condition keys" (Null) and
    // "...IfExists condition operators": a missing key makes Null true and IfExists hold.
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"Null": {"aws:SourceVpce": "true"}}},
            {"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}}]}"#,
    )
    .unwrap();
    let policy = policy.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--principal",
            "arn:aws:iam::123456789012:role/exec",
            "--action",
            GET,
            "--resource",
            SEED_SECRET,
            "--policy",
            &policy,
        ];
        args.extend_from_slice(extra);
        simulate(&args).1["decision"].as_str().unwrap().to_string()
    };
    assert_eq!(run(&[]), "depends");
    assert_eq!(
        run(&[
            "--absent",
            "aws:SourceVpce",
            "--context",
            "aws:SourceVpc=vpc-1"
        ]),
        "allowed"
    );
    // Absent, the IfExists deny holds too: the deny wins.
    assert_eq!(
        run(&["--absent", "aws:SourceVpce", "--absent", "aws:SourceVpc"]),
        "denied"
    );
    // A present key is not absent.
    assert_eq!(
        run(&[
            "--context",
            "aws:SourceVpce=vpce-1",
            "--context",
            "aws:SourceVpc=vpc-1"
        ]),
        "denied"
    );
}

#[test]
fn across_accounts_the_answer_waits_for_the_resources_own_policy() {
    // IAM user guide, "Cross-account policy evaluation logic": both sides must allow. The role is
    // in 111111111111, the secret in 123456789012, and only the role's side is given.
    let (code, out) = simulate(&[
        "--principal",
        API_ROLE,
        "--action",
        GET,
        "--resource",
        SEED_SECRET,
        "--policy",
        "fixtures/fixed/execution-role-policy.json",
    ]);
    assert_eq!(out["decision"], "depends", "{out:#}");
    assert_eq!(out["depends_on_account"]["account"], "123456789012");
    assert_eq!(out["depends_on_account"]["policy"], "resource-based");
    assert!(
        out["reason"]
            .as_str()
            .unwrap()
            .contains("account 123456789012")
    );
    assert_ne!(code, 0);
}

#[test]
fn scps_take_their_level_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let all = write(
        "all.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
    );
    let s3 = write(
        "s3.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    let run = |scps: &[String]| {
        let mut args = vec![
            "--principal".to_string(),
            "ecsTaskExecutionRole".into(),
            "--action".into(),
            GET.into(),
            "--resource".into(),
            SEED_SECRET.into(),
            "--policy".into(),
            "fixtures/fixed/execution-role-policy.json".into(),
        ];
        for scp in scps {
            args.push("--scp".into());
            args.push(scp.clone());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        simulate(&args).1["decision"].as_str().unwrap().to_string()
    };
    // One level (today's form): either SCP allows.
    assert_eq!(run(&[all.clone(), s3.clone()]), "allowed");
    // The OU's SCP allows only S3: denied, though the root's allows everything.
    assert_eq!(run(&[format!("root={all}"), format!("ou={s3}")]), "denied");
    assert_eq!(
        run(&[format!("root={all}"), format!("ou={all}")]),
        "allowed"
    );
}

#[test]
fn assuming_a_role_is_decided_by_its_trust_policy_from_account_details() {
    let dir = tempfile::tempdir().unwrap();
    let details = dir.path().join("details.json");
    let trusting = |principal: &str| {
        format!(
            r#"{{"RoleDetailList": [
                {{"RoleName": "deployer", "Arn": "arn:aws:iam::111111111111:role/deployer",
                  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                    "Principal": {{"AWS": "{principal}"}}, "Action": "sts:AssumeRole"}}]}},
                  "RolePolicyList": [], "AttachedManagedPolicies": []}},
                {{"RoleName": "ci", "Arn": "arn:aws:iam::111111111111:role/ci",
                  "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": []}},
                  "RolePolicyList": [{{"PolicyName": "assume", "PolicyDocument": {{"Version": "2012-10-17",
                    "Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}}]}}}}],
                  "AttachedManagedPolicies": []}}], "Policies": []}}"#
        )
    };
    let run = |principal: &str| {
        std::fs::write(&details, trusting(principal)).unwrap();
        let path = details.to_string_lossy().into_owned();
        simulate(&[
            "--principal",
            "arn:aws:iam::111111111111:role/ci",
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::111111111111:role/deployer",
            "--account-details",
            &path,
        ])
        .1["decision"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(run("arn:aws:iam::111111111111:role/ci"), "allowed");
    assert_eq!(run("arn:aws:iam::111111111111:root"), "allowed");
    // The trust names another account: the caller's own allow is not enough.
    assert_eq!(run("arn:aws:iam::333333333333:root"), "denied");
}

#[test]
fn an_s3_object_belongs_to_the_resource_account_given() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::config/*"}]}"#,
    )
    .unwrap();
    let policy = policy.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--principal",
            API_ROLE,
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::config/app.env",
            "--policy",
            &policy,
        ];
        args.extend_from_slice(extra);
        simulate(&args).1
    };
    assert_eq!(run(&[])["decision"], "allowed");
    let other = run(&["--resource-account", "222222222222"]);
    assert_eq!(other["decision"], "depends");
    assert_eq!(other["depends_on_account"]["account"], "222222222222");
    assert_eq!(
        run(&["--resource-account", "111111111111"])["decision"],
        "allowed"
    );
}
