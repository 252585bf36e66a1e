//! `simulate`, `check` and `diagnose` answer one question three ways — "may the execution role
//! read this secret?" — asked as a request, as a task definition's need, and as a pasted
//! AccessDeniedException. On every scenario here, each policy type and each kind of answer, the
//! three must agree (issue: "simulate, check and diagnose agree on every case").

mod support;

use serde_json::Value;
use std::path::Path;
use support::json_of;

const ROLE: &str = "arn:aws:iam::111111111111:role/exec";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-AbCdEf";
const FOREIGN: &str = "arn:aws:secretsmanager:us-east-1:222222222222:secret:shared/db-AbCdEf";

struct Scenario {
    name: &'static str,
    secret: &'static str,
    identity: Option<String>,
    resource_policy: Option<String>,
    scp: Option<String>,
    rcp: Option<String>,
    context: &'static [&'static str],
    expect: &'static str,
}

fn doc(statements: &[&str]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    )
}

fn allow(resource: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#", "Condition": {condition}"#)
    };
    format!(
        r#"{{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{resource}"{condition}}}"#
    )
}

fn scenario(name: &'static str, secret: &'static str, expect: &'static str) -> Scenario {
    Scenario {
        name,
        secret,
        identity: None,
        resource_policy: None,
        scp: None,
        rcp: None,
        context: &[],
        expect,
    }
}

fn scenarios() -> Vec<Scenario> {
    let vpce = r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#;
    let names_role = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": "{ROLE}"}}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}"#
    );
    let denies_all =
        r#"{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"}"#;
    vec![
        Scenario {
            identity: Some(doc(&[&allow(SECRET, "")])),
            ..scenario("the exact ARN", SECRET, "allowed")
        },
        Scenario {
            identity: Some(doc(&[&allow(
                "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db-??????",
                "",
            )])),
            ..scenario("name and ??????", SECRET, "allowed")
        },
        Scenario {
            identity: Some(doc(&[&allow(
                "arn:aws:secretsmanager:us-east-1:111111111111:secret:app/db",
                "",
            )])),
            ..scenario("the display name", SECRET, "denied")
        },
        Scenario {
            identity: Some(doc(&[
                &allow("*", ""),
                r#"{"Effect": "Deny", "Action": "secretsmanager:*", "Resource": "*"}"#,
            ])),
            ..scenario("an explicit deny", SECRET, "denied")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", vpce)])),
            ..scenario("a VPC endpoint condition, not known", SECRET, "depends")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", vpce)])),
            context: &["aws:SourceVpce=vpce-1a2b3c4d"],
            ..scenario("a VPC endpoint condition, given", SECRET, "allowed")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", vpce)])),
            context: &["aws:SourceVpce=vpce-other"],
            ..scenario(
                "a VPC endpoint condition, another endpoint",
                SECRET,
                "denied",
            )
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            scp: Some(doc(&[
                r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
            ])),
            ..scenario("an SCP that allows S3 only", SECRET, "denied")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            scp: Some(doc(&[
                r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#,
            ])),
            ..scenario("FullAWSAccess", SECRET, "allowed")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            ..scenario(
                "another account's secret, its policy not given",
                FOREIGN,
                "depends",
            )
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            resource_policy: Some(doc(&[&names_role])),
            ..scenario(
                "another account's secret whose policy names the role",
                FOREIGN,
                "allowed",
            )
        },
        Scenario {
            resource_policy: Some(doc(&[&names_role])),
            ..scenario(
                "another account's secret, no identity allow",
                FOREIGN,
                "denied",
            )
        },
        Scenario {
            resource_policy: Some(doc(&[&names_role])),
            ..scenario(
                "the account's own secret whose policy names the role",
                SECRET,
                "allowed",
            )
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            resource_policy: Some(doc(&[&names_role, denies_all])),
            ..scenario("the secret's policy denies", SECRET, "denied")
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            rcp: Some(doc(&[
                r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#,
                r#"{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}"#,
            ])),
            context: &["aws:PrincipalOrgID=o-zzzzzzzzzz"],
            ..scenario(
                "an RCP's perimeter, outside the organization",
                SECRET,
                "denied",
            )
        },
        Scenario {
            identity: Some(doc(&[&allow("*", "")])),
            rcp: Some(doc(&[
                r#"{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}"#,
                r#"{"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}"#,
            ])),
            context: &["aws:PrincipalOrgID=o-a1b2c3d4e5"],
            ..scenario(
                "an RCP's perimeter, inside the organization",
                SECRET,
                "allowed",
            )
        },
        scenario("no policy at all", SECRET, "denied"),
    ]
}

/// The account flags of a scenario, its files written into `dir`.
fn account_args(s: &Scenario, dir: &Path) -> Vec<String> {
    let mut args = Vec::new();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Without an identity policy the role still has one, which allows nothing here.
    let identity = s.identity.clone().unwrap_or_else(|| {
        doc(&[r#"{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}"#])
    });
    args.extend(["--policy".to_string(), write("identity.json", &identity)]);
    if let Some(p) = &s.resource_policy {
        let path = write("resource.json", p);
        args.extend([
            "--resource-policy".to_string(),
            format!("{}={path}", s.secret),
        ]);
    }
    if let Some(p) = &s.scp {
        args.extend(["--scp".to_string(), write("scp.json", p)]);
    }
    if let Some(p) = &s.rcp {
        args.extend(["--rcp".to_string(), write("rcp.json", p)]);
    }
    for c in s.context {
        args.extend(["--context".to_string(), c.to_string()]);
    }
    args
}

fn simulate(s: &Scenario, args: &[String]) -> String {
    let (_, out) = json_of(
        support::ecslint()
            .args([
                "simulate",
                "--principal",
                ROLE,
                "--action",
                "secretsmanager:GetSecretValue",
                "--resource",
                s.secret,
            ])
            .args(args),
    );
    out["decision"].as_str().unwrap().to_string()
}

fn check(s: &Scenario, args: &[String], dir: &Path) -> String {
    let task = format!(
        r#"{{"family": "app", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "executionRoleArn": "{ROLE}",
            "containerDefinitions": [{{"name": "app", "image": "nginx:1.27",
                "secrets": [{{"name": "DB", "valueFrom": "{}"}}]}}]}}"#,
        s.secret
    );
    let path = dir.join("task.json");
    std::fs::write(&path, task).unwrap();
    let (_, out) = json_of(
        support::ecslint()
            .args([
                "check",
                "--task-definition",
                path.to_str().unwrap(),
                "--region",
                "us-east-1",
            ])
            .args(args),
    );
    let summary = &out["summary"];
    assert_eq!(summary["needs_checked"], 1, "{}: {out}", s.name);
    if summary["needs_granted"] == 1 {
        return "allowed".into();
    }
    let rules = support::rules_of(&out);
    if rules
        .iter()
        .any(|r| r == "condition-dependent" || r == "cross-account-policy-missing")
    {
        "depends".into()
    } else {
        "denied".into()
    }
}

/// The message in its older form, without AWS's reason clause: a stated reason is evidence that
/// settles what the policies leave open, which is `diagnose`'s own business, not the evaluator's.
fn diagnose(s: &Scenario, args: &[String]) -> String {
    let message = format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret {} from secrets manager: AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role/exec/5c1e0b2a is not authorized to perform: secretsmanager:GetSecretValue on resource: {} status code: 400",
        s.secret, s.secret
    );
    let (_, out): (i32, Value) =
        json_of(support::ecslint().args(["diagnose", &message]).args(args));
    out["decision"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: {out}", s.name))
        .to_string()
}

#[test]
fn simulate_check_and_diagnose_give_the_same_answer() {
    let mut disagreements = Vec::new();
    for s in scenarios() {
        let dir = tempfile::tempdir().unwrap();
        let args = account_args(&s, dir.path());
        let answers = [
            ("simulate", simulate(&s, &args)),
            ("check", check(&s, &args, dir.path())),
            ("diagnose", diagnose(&s, &args)),
        ];
        if answers.iter().any(|(_, a)| a != s.expect) {
            disagreements.push(format!(
                "{}: expected {}, got {answers:?}",
                s.name, s.expect
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
