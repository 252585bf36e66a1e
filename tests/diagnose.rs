//! `ecslint diagnose` on real-format messages.

mod support;

use serde_json::Value;

const SEED: &str = "Asm fetching secret from the service for ARN: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f2a6c is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU status code: 400, request id: 1f2e3d4c";

/// The seed's policy after its fix (`NAME-??????`), with the seed's secrets listing.
const FIXED: [&str; 4] = [
    "--policy",
    "fixtures/fixed/execution-role-policy.json",
    "--secrets",
    "fixtures/seed/secrets.json",
];

fn diagnose(message: &str, args: &[&str]) -> (i32, Value, String) {
    support::run_json("diagnose", &[&[message], args].concat())
}

use support::rules_of as rules;

fn text(v: &Value) -> String {
    v["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn seed_message_with_the_policy_points_at_the_display_name() {
    let (code, v, _) = diagnose(
        SEED,
        &[
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["failure"], "access-denied");
    assert_eq!(v["decision"], "denied");
    assert_eq!(v["request"]["role"], "ecsTaskExecutionRole");
    assert_eq!(v["request"]["action"], "secretsmanager:GetSecretValue");
    let found = rules(&v);
    assert_eq!(found[0], "secret-display-name");
    assert_eq!(
        v["findings"][0]["location"]["file"],
        "fixtures/seed/execution-role-policy.json"
    );
    assert_eq!(v["findings"][0]["fix"]["applicability"], "safe");
}

#[test]
fn seed_message_alone_says_what_it_proves_and_how_to_fetch_the_policies() {
    let (code, v, _) = diagnose(SEED, &[]);
    assert_eq!(code, 1);
    let t = text(&v);
    assert!(t.contains("ends in `-y54JnU`"), "{t}");
    assert!(t.contains("gitlab-sample-registry-??????"), "{t}");
    assert!(
        t.contains("aws iam get-role-policy --role-name ecsTaskExecutionRole"),
        "{t}"
    );
}

#[test]
fn an_already_fixed_policy_is_allowed_with_exit_0() {
    let (code, v, _) = diagnose(SEED, &FIXED);
    assert_eq!(code, 0);
    assert_eq!(v["decision"], "allowed");
    assert!(text(&v).contains("changed since"));
}

#[test]
fn redacted_accounts_and_a_wrapped_arn_in_a_pasted_log() {
    let log = "2026-11-27T01:02:03Z deploying service\nStopped reason: ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for arn:aws:secretsmanager:ap-northeast-1:xxxxxxxxxxxx:secret:gitlab-sample-registry-y54JnU: AccessDeniedException: User: arn:aws:sts::xxxxxxxxxxxx:assumed-role/ecsTaskExecutionRole/8f2a6c is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:ap-northeast-1:xxxxxxxxxxxx:secret:gitlab-sample-\nregistry-y54JnU because no identity-based policy allows the secretsmanager:GetSecretValue action\nJob failed: exit code 1\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ci.log");
    std::fs::write(&file, log).unwrap();
    let out = support::ecslint()
        .args(["diagnose", "--message-file"])
        .arg(&file)
        .args([
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["request"]["resource"],
        "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU"
    );
    assert_eq!(v["request"]["reason"], "no identity-based policy allows it");
    assert_eq!(rules(&v)[0], "secret-display-name");
}

#[test]
fn stdin_works_and_nonsense_is_exit_2() {
    let out = support::ecslint()
        .args(["diagnose", "-", "--format", "json"])
        .write_stdin(SEED)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (code, _, stderr) = diagnose("Essential container in task exited", &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected an AccessDenied"), "{stderr}");
}

#[test]
fn kms_access_denied_finds_the_secret_key() {
    let message = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/stripe-Pq34Rs from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, request id: a87a66d9";
    let (code, v, _) = diagnose(
        message,
        &[
            "--policy",
            "fixtures/missing-grant/execution-role-policy.json",
            "--secrets",
            "fixtures/missing-grant/secrets.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(v["failure"], "kms-access-denied");
    assert_eq!(v["request"]["action"], "kms:Decrypt");
    assert_eq!(
        v["request"]["resource"],
        "arn:aws:kms:eu-west-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    );
    assert_eq!(rules(&v), ["missing-permission"]);
    // With the grant in place, it is allowed.
    let (code, v, _) = diagnose(
        message,
        &[
            "--policy",
            "fixtures/explicit-deny/execution-role-policy.json",
            "--secrets",
            "fixtures/missing-grant/secrets.json",
        ],
    );
    assert_eq!((code, v["decision"].as_str()), (0, Some("allowed")));
}

#[test]
fn ssm_singular_action_and_explicit_deny() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/api/*"}]}"#,
    )
    .unwrap();
    let message = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/api-execution/abc is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/api/db-url because no identity-based policy allows the ssm:GetParameters action";
    let (code, v, _) = diagnose(message, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(rules(&v), ["action-near-miss"]);

    let deny = "User: arn:aws:sts::123456789012:assumed-role/api-execution/abc is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api/db-Xy12Ab with an explicit deny in an identity-based policy";
    let (code, v, _) = diagnose(
        deny,
        &[
            "--policy",
            "fixtures/explicit-deny/execution-role-policy.json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(rules(&v), ["explicit-deny"]);
    assert_eq!(
        v["request"]["reason"],
        "an explicit deny in an identity-based policy"
    );
}

#[test]
fn network_failures_are_not_iam() {
    let message = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.";
    let (code, v, _) = diagnose(message, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["decision"], "not-iam");
    assert_eq!(v["failure"], "network");
    assert!(text(&v).contains("NAT gateway"));
    assert_eq!(v["findings"], serde_json::json!([]));
}

#[test]
fn a_task_definition_traces_the_request_to_its_reference() {
    let (_, v, _) = diagnose(
        SEED,
        &[
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
        ],
    );
    let related: Vec<&str> = v["findings"][0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["file"].as_str().unwrap())
        .collect();
    assert!(
        related.contains(&"fixtures/seed/task-definition.json"),
        "{related:?}"
    );
}

#[test]
fn a_secret_not_found_that_was_recreated_names_its_new_arn() {
    let message = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-Ab12Cd from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret.";
    let (code, v, _) = diagnose(message, &["--secrets", "fixtures/seed/secrets.json"]);
    assert_eq!(code, 1);
    assert_eq!(v["failure"], "secret-not-found");
    assert_eq!(v["decision"], "not-iam");
    assert!(
        text(&v).contains("gitlab-sample-registry-y54JnU"),
        "{}",
        text(&v)
    );
}

#[test]
fn ecs_unable_to_assume_the_role_reads_its_trust_policy() {
    let event = "(service web) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.).";
    // Nothing given: what to check, not a guess.
    let (code, v, _) = diagnose(event, &[]);
    assert_eq!(
        (code, v["failure"].as_str()),
        (1, Some("role-not-assumable"))
    );
    assert_eq!(v["decision"], "depends");
    assert!(text(&v).contains("pass account details"), "{v:#}");

    // The seed's role trusts ecs-tasks.amazonaws.com: the trust is not the cause.
    let (code, v, _) = diagnose(
        event,
        &["--account-details", "fixtures/seed/account-details.json"],
    );
    assert_eq!(
        (code, v["decision"].as_str()),
        (1, Some("not-iam")),
        "{v:#}"
    );
    assert!(text(&v).contains("iam:PassRole"), "{v:#}");

    // A role that trusts EC2 instead: denied, and the trust policy is pointed at.
    let dir = tempfile::tempdir().unwrap();
    let details = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/seed/account-details.json"
    ))
    .unwrap()
    .replace("ecs-tasks.amazonaws.com", "ec2.amazonaws.com");
    let path = dir.path().join("account-details.json");
    std::fs::write(&path, details).unwrap();
    let (code, v, _) = diagnose(
        event,
        &[
            "--account-details",
            path.to_str().unwrap(),
            "--task-definition",
            "fixtures/seed/task-definition.json",
        ],
    );
    assert_eq!((code, v["decision"].as_str()), (1, Some("denied")), "{v:#}");
    assert!(
        text(&v).contains("does not let `ecs-tasks.amazonaws.com`"),
        "{v:#}"
    );
    assert_eq!(rules(&v), ["role-trust"], "{v:#}");
    // Without the task definition the message still names the role, and its trust is read.
    let (code, v, _) = diagnose(event, &["--account-details", path.to_str().unwrap()]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("denied")), "{v:#}");
    assert_eq!(rules(&v), ["role-trust"], "{v:#}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("the role \"ecsTaskExecutionRole\"")),
        "{v:#}"
    );
}

#[test]
fn a_denial_on_a_partial_arn_is_the_reverse_trap_when_the_full_arn_is_granted() {
    // The task definition named the secret without its suffix; the message shows IAM evaluated
    // exactly that, and the fixed policy grants `NAME-??????`.
    let partial = SEED.replace("gitlab-sample-registry-y54JnU", "gitlab-sample-registry");
    let (code, v, _) = diagnose(&partial, &FIXED);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["decision"], "denied");
    assert_eq!(
        v["request"]["resource"],
        "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry"
    );
    assert_eq!(rules(&v), ["secret-reference-partial-arn"]);
    assert!(
        text(&v).contains("IAM evaluates the ARN as requested"),
        "{}",
        text(&v)
    );
    // (With the same policy the full ARN is allowed: an_already_fixed_policy_is_allowed_with_exit_0.)
}

/// A policy file in `dir`.
fn policy_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn no_fix_adds_an_allow(v: &Value) -> bool {
    v["findings"].as_array().unwrap().iter().all(|f| {
        f["rule"] != "missing-permission"
            && !f["fix"]["edits"].as_array().is_some_and(|e| {
                e.iter().any(|e| {
                    e["replacement"]
                        .as_str()
                        .unwrap_or("")
                        .contains("\"Allow\"")
                })
            })
    })
}

#[test]
fn an_explicit_deny_is_evidence_and_never_gets_an_allow() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_file(
        &dir,
        "exec.json",
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
            {"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "orders"}}}]}"#,
    );
    let message = "User: arn:aws:sts::123456789012:assumed-role/exec/1a2b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-Xy12Ab with an explicit deny in an identity-based policy";
    let (code, v, _) = diagnose(message, &["--policy", &policy]);
    assert_eq!(code, 1);
    let said = text(&v);
    assert!(
        said.contains("AWS denied explicitly, so a Deny applied: statement 2 of"),
        "{said}"
    );
    assert!(said.contains("`aws:ResourceTag/team`"), "{said}");
    assert!(
        said.contains("No Allow overrides an explicit deny"),
        "{said}"
    );
    assert!(no_fix_adds_an_allow(&v), "{v}");

    // Denied in an SCP that was not given: AWS's words, and no Allow proposed.
    let scp = "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/1a2b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-Xy12Ab with an explicit deny in a service control policy";
    let (_, v, _) = diagnose(scp, &[]);
    assert!(no_fix_adds_an_allow(&v), "{v}");
    assert!(
        v["decision_reason"]
            .as_str()
            .unwrap()
            .contains("as AWS said"),
        "{v}"
    );
}

#[test]
fn a_resource_policy_denial_is_fixed_in_the_resource_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_file(
        &dir,
        "exec.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:222222222222:secret:shared-??????"}]}"#,
    );
    let message = "User: arn:aws:sts::111111111111:assumed-role/exec/1a2b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:222222222222:secret:shared-Xy12Ab because no resource-based policy allows the secretsmanager:GetSecretValue action";
    let (_, v, _) = diagnose(message, &["--policy", &policy]);
    assert!(text(&v).contains("resource's own policy"), "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["fix"].is_null()),
        "{v}"
    );
}

#[test]
fn redactions_are_opaque_and_never_reach_a_fix_or_a_command() {
    let message = "AccessDeniedException: User: arn:aws:sts::<account id>:assumed-role/[redacted]-execution-role/abc is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-2:<account id>:parameter/x";
    let (code, v, _) = diagnose(message, &[]);
    assert_eq!(code, 1);
    let q = &v["request"];
    assert_eq!(
        q["resource"],
        "arn:aws:ssm:eu-west-2:ACCOUNT_ID:parameter/x"
    );
    assert_eq!(
        q["resource_as_written"],
        "arn:aws:ssm:eu-west-2:<account id>:parameter/x"
    );
    let redacted: Vec<&str> = q["redacted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert!(
        redacted.contains(&"<account id>") && redacted.contains(&"[redacted]"),
        "{redacted:?}"
    );
    // Fixes and commands never carry a redaction (the sentences that quote the message may).
    let findings = v["findings"].to_string();
    assert!(
        !findings.contains("<account") && !findings.contains("[redacted]"),
        "{findings}"
    );
    let said = text(&v);
    for command in said.lines().filter(|l| l.contains("`aws ")) {
        assert!(
            !command.contains("<account") && !command.contains("[redacted]"),
            "{command}"
        );
    }
    assert!(said.contains("--role-name ROLE_NAME"), "{said}");
    // A space inside a redaction does not cut the ARN.
    let spaced = "User: arn:aws:iam::358974 REMOVED:user/ci is not authorized to perform: iam:PassRole on resource: arn:aws:iam::358974 REMOVED:role/app";
    let (_, v, _) = diagnose(spaced, &[]);
    assert_eq!(
        v["request"]["principal"],
        "arn:aws:iam::358974 REMOVED:user/ci"
    );
    assert_eq!(
        v["request"]["resource_as_written"],
        "arn:aws:iam::358974 REMOVED:role/app"
    );
}

#[test]
fn wrapped_cut_and_missing_parts() {
    // Broken at spaces, the resource on its own line.
    let wrapped = "AccessDeniedException: \nUser: arn:aws:sts::123456789012:assumed-role/deployer/ci \nis not authorized to perform: iam:PassRole on resource:\narn:aws:iam::123456789012:role/app-task";
    let (_, v, _) = diagnose(wrapped, &[]);
    assert_eq!(
        v["request"]["resource"],
        "arn:aws:iam::123456789012:role/app-task"
    );
    assert_eq!(v["request"]["principal_kind"], "deploy");
    // Cut off by a console: not used as if whole.
    let cut = "User: arn:aws:sts::123456789012:assumed-role/exec/1 is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/my-para...";
    let (_, v, _) = diagnose(cut, &[]);
    assert_eq!(v["request"]["truncated"], serde_json::json!(["resource"]));
    assert!(v["request"]["resource"].is_null());
    assert!(!format!("{}", v["findings"]).contains("my-para"), "{v}");
    // No resource at all: missing, not `*`.
    let none = "User: arn:aws:sts::123456789012:assumed-role/exec/1 is not authorized to perform: ssm:GetParameters";
    let (_, v, _) = diagnose(none, &[]);
    assert_eq!(v["request"]["missing"], serde_json::json!(["resource"]));
    assert!(v["request"]["resource"].is_null());
    // The ECS agent's reason cut after the principal: its words imply the action.
    let logs = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecs-exec/123456a999ee4b919";
    let (code, v, _) = diagnose(logs, &[]);
    assert_eq!(code, 1);
    assert_eq!(v["request"]["action"], "logs:CreateLogStream");
    assert_eq!(v["request"]["action_implied"], true);
    assert_eq!(v["request"]["role"], "ecs-exec");
}

#[test]
fn advice_fits_who_was_denied_and_what_was_asked() {
    let user = "User: arn:aws:iam::123456789012:user/ci-bot is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:app-Xy12Ab";
    let (_, v, _) = diagnose(user, &[]);
    assert_eq!(v["request"]["principal_kind"], "user");
    assert!(
        text(&v).contains("put-user-policy --user-name ci-bot"),
        "{v}"
    );
    assert!(!text(&v).contains("--role-name"), "{v}");
    let ambiguous = "User: arn:aws:sts::123456789012:assumed-role/exec/1 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:test-secret";
    assert!(
        text(&diagnose(ambiguous, &[]).1)
            .contains("may be Secrets Manager's random suffix or part of the name")
    );
    let reference = "User: arn:aws:sts::123456789012:assumed-role/exec/1 is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/aws/reference/secretsmanager/prod/db";
    let said = text(&diagnose(reference, &[]).1);
    assert!(
        said.contains("`secretsmanager:GetSecretValue` on the secret")
            && said.contains("kms:Decrypt"),
        "{said}"
    );
    let empty = "User: arn:aws:sts::123456789012:assumed-role/exec/1 is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/";
    assert!(text(&diagnose(empty, &[]).1).contains("empty or malformed name"));
    let infra = "ECS was unable to assume the configured ECS Infrastructure Role 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'";
    let (_, v, _) = diagnose(infra, &[]);
    assert_eq!(v["failure"], "role-not-assumable");
    assert_eq!(v["request"]["principal"], "ecs.amazonaws.com");
    assert!(
        text(&v).contains("`ecs.amazonaws.com` (not `ecs-tasks.amazonaws.com`)"),
        "{v}"
    );
    let trail = r#"{"eventSource": "secretsmanager.amazonaws.com", "eventName": "GetSecretValue", "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/exec/1"}, "errorCode": "AccessDenied"}"#;
    let (_, v, _) = diagnose(trail, &[]);
    assert_eq!(v["request"]["action"], "secretsmanager:GetSecretValue");
    assert_eq!(
        v["request"]["principal"],
        "arn:aws:sts::123456789012:assumed-role/exec/1"
    );
}

#[test]
fn the_message_settles_what_the_policies_leave_open() {
    let dir = tempfile::tempdir().unwrap();
    let policy = policy_file(
        &dir,
        "exec.json",
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}"#,
    );
    let message = "User: arn:aws:sts::123456789012:assumed-role/exec/1a2b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-Xy12Ab because no identity-based policy allows the secretsmanager:GetSecretValue action";
    let (code, v, _) = diagnose(message, &["--policy", &policy]);
    assert_eq!((code, v["decision"].as_str()), (1, Some("denied")));
    assert!(text(&v).contains("did not hold: statement 1 of"), "{v}");
    assert!(text(&v).contains("`aws:SourceVpce`"), "{v}");
    // Without the reason clause the policies alone decide: it depends.
    let old = message.split(" because").next().unwrap();
    assert_eq!(
        diagnose(old, &["--policy", &policy]).1["decision"],
        "depends"
    );

    // Across accounts, the resource policy's statement is shown for that document.
    let foreign = "User: arn:aws:sts::111111111111:assumed-role/exec/1a2b is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:222222222222:secret:shared-Xy12Ab because no resource-based policy allows the secretsmanager:GetSecretValue action";
    let said = text(&diagnose(foreign, &[]).1);
    assert!(
        said.contains(r#""Principal": {"AWS": "arn:aws:iam::111111111111:role/exec"}"#),
        "{said}"
    );

    let health = "service web (port 80) is unhealthy in target-group web-tg due to (reason Health checks failed).";
    let (code, v, _) = diagnose(health, &[]);
    assert_eq!((code, v["failure"].as_str()), (1, Some("health-check")));
}

#[test]
fn a_missing_key_message_is_decided_with_the_task_definition() {
    let message = "Fetching secret data from SSM Parameter Store in ap-northeast-1: AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";
    let (_, alone, _) = diagnose(message, &[]);
    assert_eq!(alone["decision"], "depends");
    assert!(text(&alone).contains("Most often it is the permission"));
    let (code, v, _) = diagnose(
        message,
        &[
            "--task-definition",
            "fixtures/seed/task-definition.json",
            "--policy",
            "fixtures/seed/execution-role-policy.json",
            "--secrets",
            "fixtures/seed/secrets.json",
        ],
    );
    assert_eq!((code, v["decision"].as_str()), (1, Some("denied")));
    assert_eq!(v["request"]["action"], "kms:Decrypt");
    assert!(v["request"]["resource"].as_str().unwrap().contains(":key/"));
    assert!(rules(&v).contains(&"kms-key-arn-colon".to_string()), "{v}");
}
