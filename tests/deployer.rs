//! The deploy principal (`check --deployer`): what the pipeline that deploys must be allowed to
//! do, per deploy tool, from files; and the same rule explaining a pasted denial.

mod support;

use serde_json::Value;
use support::{ecslint, json_of, write};

const TASK: &str = r#"{
  "family": "web",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "taskRoleArn": "arn:aws:iam::123456789012:role/web-task",
  "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]
}
"#;

/// The usual first deploy policy: the ECS calls, no `iam:PassRole`.
const NO_PASS_ROLE: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:DescribeServices", "ecs:UpdateService", "ecs:ListTasks", "ecs:DescribeTasks"],
      "Resource": "*"
    }
  ]
}
"#;

const DEPLOYER: &str = "arn:aws:iam::123456789012:role/gitlab-deploy";

fn deployer_findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("deploy principal"))
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn check(dir: &std::path::Path, policy: &str, tool: &str) -> (i32, Value) {
    let td = write(dir, "td.json", TASK);
    let p = write(dir, "deploy.json", policy);
    json_of(ecslint().args([
        "check",
        "--task-definition",
        &td,
        "--deployer",
        DEPLOYER,
        "--deploy-tool",
        tool,
        "--service",
        "prod/web",
        "--region",
        "eu-west-1",
        "--policy",
        &format!("{DEPLOYER}={p}"),
    ]))
}

#[test]
fn roles_the_deployer_cannot_pass_are_named_and_the_fix_scopes_pass_role_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report) = check(dir.path(), NO_PASS_ROLE, "ecs-deploy");
    assert_eq!(code, 1, "{report:#}");
    let found = deployer_findings(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|m| m.contains("cannot pass role `ecsTaskExecutionRole`"))
    );
    assert!(
        found
            .iter()
            .any(|m| m.contains("cannot pass role `web-task`"))
    );
    // Located on the deployer's policy, the task definition's field related.
    for f in report["findings"].as_array().unwrap() {
        assert!(
            f["location"]["file"]
                .as_str()
                .unwrap()
                .ends_with("deploy.json"),
            "{f:#}"
        );
    }
    // The fix: one statement, exactly those roles, for ECS tasks only; then nothing is missing.
    let td = dir.path().join("td.json");
    let p = dir.path().join("deploy.json");
    let out = ecslint()
        .args(["check", "--task-definition"])
        .arg(&td)
        .args([
            "--deployer",
            DEPLOYER,
            "--deploy-tool",
            "ecs-deploy",
            "--service",
            "prod/web",
        ])
        .args(["--region", "eu-west-1", "--policy"])
        .arg(format!("{DEPLOYER}={}", p.display()))
        .arg("--fix")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let pass = fixed["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Action"] == "iam:PassRole")
        .expect("a PassRole statement");
    assert_eq!(
        pass["Resource"],
        serde_json::json!([
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            "arn:aws:iam::123456789012:role/web-task"
        ])
    );
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        "ecs-tasks.amazonaws.com"
    );
    let (code, report) = check(
        dir.path(),
        &std::fs::read_to_string(&p).unwrap(),
        "ecs-deploy",
    );
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn pass_role_is_evaluated_with_the_service_ecs_passes_it_to() {
    let dir = tempfile::tempdir().unwrap();
    let with = |service: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [
  {{"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeServices", "ecs:UpdateService"], "Resource": "*"}},
  {{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {{"StringEquals": {{"iam:PassedToService": "{service}"}}}}}}]}}"#
        )
    };
    let (code, report) = check(dir.path(), &with("ecs-tasks.amazonaws.com"), "aws-cli");
    assert_eq!(code, 0, "{report:#}");
    let (code, report) = check(dir.path(), &with("lambda.amazonaws.com"), "aws-cli");
    assert_eq!(code, 1, "{report:#}");
    let rules = support::rules_of(&report);
    assert!(rules.iter().all(|r| r == "condition-not-met"), "{rules:?}");
    assert_eq!(rules.len(), 2, "{report:#}");
}

#[test]
fn each_tool_is_checked_for_its_own_calls() {
    let dir = tempfile::tempdir().unwrap();
    // What the AWS CLI path, the GitHub Action and ecspresso call; ecs-deploy also reads the
    // task definition and polls the new tasks.
    let policy = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeServices", "ecs:UpdateService"], "Resource": "*"},
  {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ["arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "arn:aws:iam::123456789012:role/web-task"],
   "Condition": {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}}]}"#;
    for (tool, missing) in [
        ("aws-cli", &[][..]),
        ("aws-actions", &[]),
        ("ecspresso", &[]),
        (
            "ecs-deploy",
            &[
                "ecs:DescribeTaskDefinition",
                "ecs:ListTasks",
                "ecs:DescribeTasks",
            ],
        ),
    ] {
        let (_, report) = check(dir.path(), policy, tool);
        let found = deployer_findings(&report);
        assert_eq!(found.len(), missing.len(), "{tool}: {found:#?}");
        for action in missing {
            assert!(
                found.iter().any(|m| m.contains(action)),
                "{tool}: {action} {found:#?}"
            );
        }
    }
}

#[test]
fn a_user_found_in_account_details_deploys_with_its_groups_policies() {
    let dir = tempfile::tempdir().unwrap();
    let td = write(dir.path(), "td.json", TASK);
    let details = r#"{"RoleDetailList": [], "Policies": [],
  "UserDetailList": [{"UserName": "ci", "Arn": "arn:aws:iam::123456789012:user/ci", "GroupList": ["deployers"],
    "UserPolicyList": [{"PolicyName": "ecs", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["ecs:RegisterTaskDefinition", "ecs:DescribeServices", "ecs:UpdateService"], "Resource": "*"}]}}],
    "AttachedManagedPolicies": []}],
  "GroupDetailList": [{"GroupName": "deployers", "GroupPolicyList": [{"PolicyName": "pass", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"}]}}], "AttachedManagedPolicies": []}]}"#;
    let details = write(dir.path(), "details.json", details);
    let (code, report) = json_of(ecslint().args([
        "check",
        "--task-definition",
        &td,
        "--account-details",
        &details,
        "--deployer",
        "arn:aws:iam::123456789012:user/ci",
        "--service",
        "prod/web",
        "--region",
        "eu-west-1",
    ]));
    assert_eq!(code, 1, "{report:#}");
    // The group grants the execution role; the task role is the one left.
    let found = deployer_findings(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].contains("cannot pass role `web-task`"),
        "{found:#?}"
    );
}

#[test]
fn a_deployer_that_is_no_principal_arn_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let td = write(dir.path(), "td.json", TASK);
    let out = ecslint()
        .args([
            "check",
            "--task-definition",
            &td,
            "--deployer",
            "gitlab-deploy",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--deployer gitlab-deploy"));
    // --deploy-tool means nothing without a deployer.
    let out = ecslint()
        .args([
            "check",
            "--task-definition",
            &td,
            "--deploy-tool",
            "ecspresso",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_pasted_pass_role_denial_is_explained_by_the_same_rule() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "deploy.json", NO_PASS_ROLE);
    let message = "User: arn:aws:sts::123456789012:assumed-role/gitlab-deploy/runner-42 is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/ecsTaskExecutionRole because no identity-based policy allows the iam:PassRole action";
    let (_, report) = json_of(ecslint().args(["diagnose", "--policy", &p, message]));
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing-permission")
        .unwrap_or_else(|| panic!("{report:#}"));
    let edits = finding["fix"]["edits"].to_string();
    assert!(edits.contains("role/ecsTaskExecutionRole"), "{finding:#}");
    // The service a pasted PassRole is for is not in the message: the explanation says how to
    // scope it, the grant does not guess.
    assert!(!edits.contains("iam:PassedToService"), "{finding:#}");
    assert!(
        report.to_string().contains("iam:PassedToService"),
        "{report:#}"
    );
}

#[test]
fn a_pasted_register_task_definition_denial_names_the_deploy_principal_grant() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "deploy.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:UpdateService", "Resource": "*"}]}"#,
    );
    let message = "An error occurred (AccessDeniedException) when calling the RegisterTaskDefinition operation: User: arn:aws:iam::123456789012:user/gitlab-ci is not authorized to perform: ecs:RegisterTaskDefinition on resource: * because no identity-based policy allows the ecs:RegisterTaskDefinition action";
    let (_, report) = json_of(ecslint().args(["diagnose", "--policy", &p, message]));
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "missing-permission")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("ecs:RegisterTaskDefinition"),
        "{finding:#}"
    );
    assert!(
        finding["fix"]["edits"]
            .to_string()
            .contains("ecs:RegisterTaskDefinition"),
        "{finding:#}"
    );
}
