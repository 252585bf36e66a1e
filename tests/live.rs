//! Live mode against a real AWS API on this machine: moto's standalone server, installed from PyPI
//! into a virtual environment under the target folder the first time, started on a free loopback
//! port, stopped at the end. The scenario is created with boto3 (which moto brings), then read by
//! ecslint through the official AWS SDK for Rust via AWS_ENDPOINT_URL. No test talks to real AWS.
#![cfg(feature = "aws")]
mod support;

use assert_cmd::Command;
use serde_json::Value;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The virtual environment with moto.
fn moto_venv() -> PathBuf {
    support::python_venv("moto-venv", "moto[server]>=5", "bin/moto_server")
}

/// A moto server on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
    venv: PathBuf,
    recording: tempfile::TempPath,
}

impl Moto {
    /// The JSON-protocol operations (`X-Amz-Target`, e.g. `secretsmanager.DescribeSecret`)
    /// requested so far, one per request; Query-protocol requests (IAM, STS) give "".
    fn operations(&self) -> Vec<String> {
        std::fs::read_to_string(&self.recording)
            .unwrap()
            .lines()
            .map(|line| {
                let entry: Value = serde_json::from_str(line).unwrap();
                entry["headers"]
                    .as_object()
                    .and_then(|h| {
                        h.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
                    })
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }
}

impl Moto {
    fn start() -> Moto {
        let venv = moto_venv();
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap();
        let recording = tempfile::NamedTempFile::new().unwrap().into_temp_path();
        let child = std::process::Command::new(venv.join("bin/moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            // Every request the server answers is logged, to prove what ecslint never asks for.
            .env("MOTO_ENABLE_RECORDING", "true")
            .env("MOTO_RECORDER_FILEPATH", &recording)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            venv,
            recording,
        }
    }

    /// An AWS environment that reaches only this server.
    fn env(&self, cmd: &mut std::process::Command) {
        aws_env(cmd, &self.endpoint);
    }

    /// Runs a script of `tests/live` (boto3 against this server) and returns what it printed.
    fn python(&self, script: &str) -> String {
        let mut cmd = std::process::Command::new(self.venv.join("bin/python"));
        self.env(&mut cmd);
        let out = cmd.arg(Path::new(ROOT).join(script)).output().unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// Test credentials, a region and an endpoint; nothing from the developer's own AWS setup.
fn aws_env(cmd: &mut std::process::Command, endpoint: &str) {
    {
        cmd.env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "ap-northeast-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN");
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn ecslint(moto: &Moto, args: &[&str]) -> std::process::Output {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
    moto.env(&mut cmd);
    cmd.current_dir(ROOT).args(args).output().unwrap()
}

/// Runs ecslint with `--format json`, checks its exit code (showing stderr if it differs) and
/// parses what it printed.
fn json_run(moto: &Moto, args: &[&str], code: i32) -> Value {
    json_and_stderr(moto, args, code).0
}

/// `json_run`, with what the command said on stderr.
fn json_and_stderr(moto: &Moto, args: &[&str], code: i32) -> (Value, String) {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let out = ecslint(moto, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    (serde_json::from_slice(&out.stdout).unwrap(), stderr)
}

/// `snapshot --aws WHAT` (`--task-definition FAMILY`, `--stack NAME`) into a new folder, then
/// the offline `check` command it printed, run without any AWS environment; its JSON findings,
/// and the folder.
fn snapshot_then_offline(moto: &Moto, what: &[&str]) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let out = ecslint(
        moto,
        &[&["snapshot", "--aws"][..], what, &["-o", folder]].concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8(out.stdout).unwrap();
    let command = said.lines().last().unwrap();
    assert!(command.starts_with("ecslint check "), "{said}");
    let offline = Command::cargo_bin("ecslint")
        .unwrap()
        .args(command.split_whitespace().skip(1))
        .args(["--format", "json"])
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    (dir, serde_json::from_slice(&offline.stdout).unwrap())
}

fn rules(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// One test, one server: the scenarios share it and run in order.
#[test]
fn live_mode_against_moto() {
    let moto = Moto::start();
    let printed = moto.python("tests/live/setup_scenario.py");
    let mut printed = printed.lines();
    let secret_arn = printed.next().unwrap().trim().to_string();
    let stopped_task = printed.next().unwrap().trim().to_string();
    let key_arn = printed.next().unwrap().trim().to_string();
    let params_key = printed.next().unwrap().trim().to_string();
    let set_up = moto.operations().len();

    // check --aws finds the display name in the role's inline policy, as fetched.
    let live = json_run(
        &moto,
        &["check", "--aws", "--task-definition", "nginx-web"],
        1,
    );
    assert!(
        rules(&live).contains(&"secret-display-name".to_string()),
        "{live:#}"
    );
    let finding = live["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    assert_eq!(
        finding["location"]["file"],
        "aws://account-details.json#role/ecsTaskExecutionRole/inline/registry-credentials"
    );
    assert!(finding["message"].as_str().unwrap().contains(&secret_arn));
    // The managed policy was fetched too (it grants the logs actions; nothing else needs it here).
    let text = live.to_string();
    assert!(!text.contains("not-read-by-ecslint") && !text.contains("must-not-be-printed"));

    // --fix does not write to AWS: it prints the corrected document and the command to apply
    // it, and exits 1 (the account is still wrong); --print-corrected shows the same document.
    let out = ecslint(
        &moto,
        &["check", "--aws", "--task-definition", "nginx-web", "--fix"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fix does not write to AWS"));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("aws iam put-role-policy --role-name ecsTaskExecutionRole --policy-name registry-credentials --policy-document '{"),
        "{printed}"
    );
    let out = ecslint(
        &moto,
        &[
            "check",
            "--aws",
            "--task-definition",
            "nginx-web",
            "--print-corrected",
        ],
    );
    let corrected = String::from_utf8(out.stdout).unwrap();
    // --diff shows the corrected document against the fetched one, and exits 1.
    let out = ecslint(
        &moto,
        &["check", "--aws", "--task-definition", "nginx-web", "--diff"],
    );
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("aws://account-details.json#role/ecsTaskExecutionRole/inline/registry-credentials (registry-credentials)"),
        "{diff}"
    );
    assert!(
        diff.lines()
            .any(|l| l.starts_with('+') && l.contains("gitlab-sample-registry-??????")),
        "{diff}"
    );
    assert!(
        corrected.contains("gitlab-sample-registry-??????"),
        "{corrected}"
    );

    // snapshot writes what was fetched; checking the folder offline gives the same findings.
    let (dir, offline) = snapshot_then_offline(&moto, &["--task-definition", "nginx-web"]);
    for file in [
        "describe-task-definition.json",
        "account-details.json",
        "list-secrets.json",
    ] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(
            !text.contains("not-read-by-ecslint"),
            "a secret value in {file}"
        );
        assert!(
            !text.contains("must-not-be-printed"),
            "an environment value in {file}"
        );
    }
    assert_eq!(rules(&offline), rules(&live));
    assert_eq!(offline["summary"], live["summary"]);

    // --service CLUSTER/SERVICE checks the service's current task definition.
    let by_service = json_run(&moto, &["check", "--aws", "--service", "web/nginx"], 1);
    assert_eq!(rules(&by_service), rules(&live));
    // snapshot --service writes the revision the service runs.
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().to_str().unwrap();
    let out = ecslint(
        &moto,
        &["snapshot", "--aws", "--service", "web/nginx", "-o", folder],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written =
        std::fs::read_to_string(dir.path().join("describe-task-definition.json")).unwrap();
    assert!(written.contains("\"family\": \"nginx-web\""), "{written}");

    let out = ecslint(&moto, &["check", "--aws", "--service", "web/missing"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read service web/missing"),
        "{stderr}"
    );

    // diagnose --aws fetches the role the message names and finds the same cause.
    let message = format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for {secret_arn}: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/5e6f7a is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret_arn} status code: 400"
    );
    let diagnosed = json_run(&moto, &["diagnose", &message, "--aws"], 1);
    assert_eq!(diagnosed["decision"], "denied");
    let finding = &diagnosed["findings"][0];
    assert_eq!(finding["rule"], "secret-display-name", "{diagnosed:#}");
    assert_eq!(
        finding["location"]["file"],
        "aws://account-details.json#role/ecsTaskExecutionRole/inline/registry-credentials"
    );

    // diagnose --aws --stopped-task reads why the task stopped and the task definition it ran.
    let task_id = stopped_task.rsplit('/').next().unwrap();
    let diagnosed = json_run(
        &moto,
        &[
            "diagnose",
            "--aws",
            "--stopped-task",
            &format!("web/{task_id}"),
        ],
        1,
    );
    assert_eq!(diagnosed["decision"], "denied", "{diagnosed:#}");
    // Traced back to the task definition the task ran, as fetched.
    assert!(
        rules(&diagnosed).contains(&"secret-display-name".to_string()),
        "{diagnosed:#}"
    );
    let text = diagnosed.to_string();
    assert!(
        text.contains("\"aws://describe-task-definition.json\""),
        "{diagnosed:#}"
    );
    assert!(
        text.contains(&format!("\"ecs://stopped-task/web/{task_id}\"")),
        "{diagnosed:#}"
    );
    // The task ARN works too; a task that does not exist is one line, exit 2.
    let out = ecslint(
        &moto,
        &["diagnose", "--aws", "--stopped-task", &stopped_task],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ecslint(
        &moto,
        &[
            "diagnose",
            "--aws",
            "--stopped-task",
            "web/0123456789abcdef",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read task web/0123456789abcdef"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    // diagnose --aws --service: each distinct reason its stopped tasks gave, diagnosed; the same
    // reason twice is diagnosed once; a reason that is not an IAM failure is quoted, not dropped.
    let (by_service, stderr) =
        json_and_stderr(&moto, &["diagnose", "--aws", "--service", "web/nginx"], 1);
    assert!(
        stderr.contains("service web/nginx: 4 stopped-task reason(s) and 0 failure event(s)"),
        "{stderr}"
    );
    let diagnoses = by_service["diagnoses"].as_array().unwrap();
    let failures: Vec<&str> = diagnoses
        .iter()
        .map(|d| d["failure"].as_str().unwrap())
        .collect();
    assert_eq!(failures.len(), 2, "{by_service:#}");
    assert!(failures.contains(&"access-denied") && failures.contains(&"secret-not-found"));
    for d in diagnoses {
        assert_eq!(d["source"]["kind"], "stopped-task");
        assert!(d["source"]["id"].as_str().unwrap().contains(":task/web/"));
    }
    // The access denied one is the seed's: the same findings as diagnosing its task alone.
    let denied = diagnoses
        .iter()
        .find(|d| d["failure"] == "access-denied")
        .unwrap();
    assert_eq!(rules(denied), rules(&diagnosed));
    // Two tasks stopped for it (their session names differ): one diagnosis, counted twice.
    assert_eq!(denied["source"]["count"], 2, "{by_service:#}");
    // The top level is the first diagnosis, as a single diagnose prints it.
    assert_eq!(by_service["failure"], diagnoses[0]["failure"]);
    assert_eq!(by_service["findings"], diagnoses[0]["findings"]);
    let unknown = by_service["not_understood"].as_array().unwrap();
    assert_eq!(unknown.len(), 1, "{by_service:#}");
    assert_eq!(unknown[0]["message"], "Essential container in task exited");
    // The human report has one section per diagnosis.
    let out = ecslint(&moto, &["diagnose", "--aws", "--service", "web/nginx"]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("── 1 of 2: stopped task arn:"), "{human}");
    assert!(human.contains("── 2 of 2: stopped task arn:"), "{human}");
    assert!(
        human.contains("── not understood: stopped task arn:"),
        "{human}"
    );
    // A service with no stopped task says so (exit 2).
    let out = ecslint(&moto, &["diagnose", "--aws", "--service", "web/missing"]);
    assert_eq!(out.status.code(), Some(2));

    // A clean scenario, whose only grant sits on the second page of attached policies: no finding
    // about the secret, every need granted, exit 0.
    let clean = json_run(
        &moto,
        &["check", "--aws", "--task-definition", "nginx-clean"],
        0,
    );
    assert_eq!(clean["summary"]["needs_checked"], 1, "{clean:#}");
    assert_eq!(clean["summary"]["needs_granted"], 1, "{clean:#}");
    assert_eq!(rules(&clean), Vec::<String>::new(), "{clean:#}");
    // The same secret by partial ARN: denied as requested, and the finding (in the task
    // definition as fetched) rewrites the reference to the ARN DescribeSecret returned.
    let partial = json_run(
        &moto,
        &["check", "--aws", "--task-definition", "nginx-partial"],
        1,
    );
    assert_eq!(
        rules(&partial),
        ["secret-reference-partial-arn"],
        "{partial:#}"
    );
    assert_eq!(partial["summary"]["needs_granted"], 0, "{partial:#}");
    let edits = partial["findings"][0]["fix"]["edits"].to_string();
    assert!(edits.contains(&secret_arn), "{partial:#}");

    // The secret's resource policy is read (GetResourcePolicy): its deny is found and located.
    let denied = json_run(
        &moto,
        &["check", "--aws", "--task-definition", "api-denied"],
        1,
    );
    let deny = denied["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "explicit-deny")
        .unwrap_or_else(|| panic!("{denied:#}"));
    assert!(
        deny["location"]["file"]
            .as_str()
            .unwrap()
            .starts_with("aws://list-secrets.json"),
        "{deny:#}"
    );

    // A secret under a key named by alias: DescribeKey resolves it to the key ARN, and the key
    // policy (GetKeyPolicy), which does not delegate to IAM, denies what the role's policy allows.
    let keyed = json_run(&moto, &["check", "--aws", "--task-definition", "db-app"], 1);
    assert_eq!(rules(&keyed), ["missing-permission"], "{keyed:#}");
    let finding = &keyed["findings"][0];
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("the key policy of `{key_arn}`")),
        "{message}"
    );
    assert!(
        !keyed.to_string().contains("alias/web-secrets"),
        "{keyed:#}"
    );
    let key_id = key_arn.rsplit('/').next().unwrap();
    assert_eq!(
        finding["related"][0]["location"]["file"],
        format!("aws://key-policy-{key_id}.json#Policy")
    );
    // The snapshot keeps the key policy, and its offline check command reads it back.
    let (dir, offline) = snapshot_then_offline(&moto, &["--task-definition", "db-app"]);
    let key_id_file = dir.path().join(format!("key-policy-{key_id}.json"));
    assert!(key_id_file.exists(), "{key_id_file:?}");
    assert_eq!(rules(&offline), rules(&keyed));
    assert_eq!(
        offline["findings"][0]["message"],
        keyed["findings"][0]["message"]
    );

    // simulate --aws reads the principal's role and the resource's own policy: the seed's display
    // name denies the secret's ARN; the secret given by name is evaluated as `…:secret:NAME`,
    // which that same entry matches (IAM evaluates the ARN as requested). Then the key policy
    // that leaves the paged role out although its identity policy grants kms:Decrypt.
    let simulate = |principal: &str, action: &str, resource: &str, code: i32| {
        json_run(
            &moto,
            &[
                "simulate",
                "--aws",
                "--principal",
                principal,
                "--action",
                action,
                "--resource",
                resource,
            ],
            code,
        )
    };
    let simulated = simulate(
        "ecsTaskExecutionRole",
        "secretsmanager:GetSecretValue",
        &secret_arn,
        1,
    );
    assert_eq!(simulated["decision"], "denied", "{simulated:#}");
    assert_eq!(simulated["request"]["resource"], secret_arn.as_str());
    let near = simulated["near_misses"].to_string();
    assert!(near.contains("display name"), "{simulated:#}");
    let by_name = simulate(
        "ecsTaskExecutionRole",
        "secretsmanager:GetSecretValue",
        "gitlab-sample-registry",
        0,
    );
    let partial = &secret_arn[..secret_arn.len() - "-AbCdEf".len()];
    assert_eq!(by_name["request"]["resource"], partial, "{by_name:#}");
    assert_eq!(by_name["request"]["stored_arn"], secret_arn.as_str());
    assert_eq!(by_name["request"]["stored_arn_allowed"], false);
    let on_key = simulate("pagedExecutionRole", "kms:Decrypt", &key_arn, 1);
    assert_eq!(on_key["missing_allow_from"], "key-policy", "{on_key:#}");
    // The same request by the role the key policy names is allowed (its identity policy says
    // nothing of KMS, and the key policy grants the role directly).
    let by_named = simulate("ecsTaskExecutionRole", "kms:Decrypt", &key_arn, 0);
    assert_eq!(by_named["decision"], "allowed", "{by_named:#}");

    // SSM parameters: DescribeParameters gives the SecureString's key (by alias), DescribeKey
    // resolves it, and ListAliases proves that the policy's alias ARN names that very key, so the
    // fix to the key ARN is safe. The missing parameter is named on stderr.
    let (params, stderr) = json_and_stderr(
        &moto,
        &["check", "--aws", "--task-definition", "params-app"],
        1,
    );
    assert_eq!(rules(&params), ["kms-alias-resource"], "{params:#}");
    let fix = &params["findings"][0]["fix"];
    assert_eq!(fix["applicability"], "safe", "{params:#}");
    assert!(
        fix["message"].as_str().unwrap().contains(&params_key),
        "{params:#}"
    );
    assert_eq!(params["summary"]["needs_checked"], 4, "{params:#}");
    assert!(
        stderr.contains("SSM parameter /web/missing was not found"),
        "{stderr}"
    );
    let (dir, offline) = snapshot_then_offline(&moto, &["--task-definition", "params-app"]);
    for file in ["describe-parameters.json", "list-aliases.json"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(!text.contains("not-read-by-ecslint"), "a value in {file}");
    }
    assert_eq!(rules(&offline), rules(&params));
    for field in ["applicability", "message"] {
        assert_eq!(
            offline["findings"][0]["fix"][field],
            params["findings"][0]["fix"][field]
        );
    }

    // The deploy principal, read live with the service's task definition: one that may pass the
    // execution role to ECS tasks is told only of ecs-deploy's other calls; one with the ECS
    // calls only cannot pass it, said on its policy as fetched.
    let deploy = |who: &str| {
        json_run(
            &moto,
            &[
                "check",
                "--aws",
                "--service",
                "web/nginx",
                "--deployer",
                &format!("arn:aws:iam::123456789012:role/{who}"),
                "--deploy-tool",
                "ecs-deploy",
            ],
            1,
        )
    };
    let deployer_findings = |v: &Value| -> Vec<Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["message"].as_str().unwrap().contains("deploy principal"))
            .cloned()
            .collect()
    };
    let allowed = deploy("gitlab-deploy");
    let found = deployer_findings(&allowed);
    // ecs-deploy also reads the task definition and polls the tasks, which this role may not.
    assert!(
        found
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("iam:PassRole")
                && !f["message"].as_str().unwrap().contains("cannot pass")),
        "{found:#?}"
    );
    assert!(!found.is_empty(), "{allowed:#}");
    let bare = deploy("bare-deploy");
    let passing: Vec<Value> = deployer_findings(&bare)
        .into_iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("cannot pass role `ecsTaskExecutionRole`")
        })
        .collect();
    assert_eq!(passing.len(), 1, "{bare:#}");
    assert_eq!(
        passing[0]["location"]["file"],
        "aws://account-details.json#role/bare-deploy/inline/deploy"
    );

    // Everything ecslint asked for, across every command above: metadata, never a secret's value.
    let asked = &moto.operations()[set_up..];
    assert!(
        asked.iter().any(|op| op == "secretsmanager.DescribeSecret"),
        "{asked:?}"
    );
    assert!(
        asked
            .iter()
            .any(|op| op.starts_with("AmazonEC2ContainerServiceV20141113.")),
        "{asked:?}"
    );
    assert!(
        !asked.iter().any(|op| op.ends_with(".GetSecretValue")),
        "{asked:?}"
    );
    // Nor a parameter's: DescribeParameters only, never GetParameter(s)/GetParametersByPath.
    assert!(
        asked.iter().any(|op| op == "AmazonSSM.DescribeParameters"),
        "{asked:?}"
    );
    assert!(
        !asked
            .iter()
            .any(|op| op.starts_with("AmazonSSM.GetParameter")),
        "{asked:?}"
    );

    // A task definition that does not exist, and no credentials at all: one line, exit 2.
    let out = ecslint(
        &moto,
        &["check", "--aws", "--task-definition", "no-such-family"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-family"));
    let mut bare = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
    moto.env(&mut bare);
    let out = bare
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["check", "--aws", "--task-definition", "nginx-web"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no AWS credentials"), "{stderr}");

    // Last, because from here on moto enforces IAM: a reader denied kms:GetKeyPolicy gets the
    // check without the key-policy gate, and a note saying so, not a crash.
    let printed = moto.python("tests/live/limit_auth.py");
    let mut printed = printed.lines();
    let (key_id, secret_key) = (printed.next().unwrap(), printed.next().unwrap());
    let as_reader = |family: &str| {
        let mut reader = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
        moto.env(&mut reader);
        reader
            .env("AWS_ACCESS_KEY_ID", key_id)
            .env("AWS_SECRET_ACCESS_KEY", secret_key)
            .args(["check", "--aws", "--task-definition", family])
            .args(["--format", "json"])
            .current_dir(ROOT)
            .output()
            .unwrap()
    };
    let out = as_reader("db-app");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("could not read the key policy of {key_arn}"))
            && stderr.contains("the key-policy check was skipped"),
        "{stderr}"
    );
    // Without the key policy, the role's own kms:Decrypt grant counts: nothing is missing.
    let unchecked: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(rules(&unchecked), Vec::<String>::new(), "{unchecked:#}");

    // The published policy is enough for everything else: parameters, aliases, keys, roles.
    let out = as_reader("params-app");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let refused: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("could not") && !l.contains("could not read the key policy"))
        .collect();
    assert!(refused.is_empty(), "{stderr}");
    let params: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rules(&params),
        ["kms-alias-resource"],
        "{params:#}\n{stderr}"
    );
    assert_eq!(params["findings"][0]["fix"]["applicability"], "safe");
}

/// An endpoint that answers every request with `status`, counting the requests it saw.
fn failing_endpoint(
    status: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            // Read the request head and body (small: STS requests are a form of a few fields).
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= head_end + 4 + length {
                        break;
                    }
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            let code = if status.starts_with("429") {
                "Throttling"
            } else {
                "InternalFailure"
            };
            let body = format!(
                "<ErrorResponse><Error><Type>Receiver</Type><Code>{code}</Code><Message>try again</Message></Error></ErrorResponse>"
            );
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (endpoint, seen)
}

/// A failing or throttling endpoint is retried by the SDK, then reported in one line (exit 2).
#[test]
fn failing_endpoint_is_retried_then_reported() {
    for status in ["500 Internal Server Error", "429 Too Many Requests"] {
        let (endpoint, seen) = failing_endpoint(status);
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
        aws_env(&mut cmd, &endpoint);
        let out = cmd
            .args(["check", "--aws", "--task-definition", "nginx-web"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{status}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains("sts:GetCallerIdentity failed"), "{stderr}");
        let tries = seen.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(
            tries, 3,
            "{status}: the SDK's standard retry mode makes 3 attempts"
        );
    }
}

/// `check --aws --stack`: the deployed template read with its resources' physical ids and its
/// parameters' deployed values, and what it names but does not create (a secret, a customer
/// managed policy) read from the account, as for a task definition.
#[test]
fn a_deployed_stack_against_moto() {
    let moto = Moto::start();
    let secret = moto.python("tests/live/setup_stack.py").trim().to_string();
    let before = moto.operations().len();
    let (v, stderr) = json_and_stderr(&moto, &["check", "--aws", "--stack", "web"], 1);
    let errors: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{v}\n{stderr}");
    let f = errors[0];
    assert_eq!(f["rule"], "secret-display-name", "{f}");
    // On the line of the deployed template, naming the secret's real ARN: the task definition's
    // `!Ref RegistrySecretArn` took the value the stack was deployed with, not the default.
    assert_eq!(
        f["location"]["file"], "aws://stack-web.template.yaml",
        "{f}"
    );
    let template =
        std::fs::read_to_string(Path::new(ROOT).join("tests/live/setup_stack.py")).unwrap();
    let body = &template[template.find("AWSTemplateFormatVersion").unwrap()..];
    let line = body
        .lines()
        .position(|l| l.contains("Resource: !Sub"))
        .unwrap()
        + 1;
    assert_eq!(f["location"]["line"], line, "{f}");
    assert!(f["message"].as_str().unwrap().contains(&secret), "{f}");
    // The role is the one CloudFormation created (its physical name), and the customer managed
    // policy it attaches was read from IAM: no grant of it is unknown.
    let said = v["findings"].to_string();
    assert!(!said.contains("placeholder-AbCdEf"), "{said}");
    assert!(!said.contains("grants are unknown"), "{said}");
    assert!(!said.contains("role ExecutionRole,"), "{said}");
    let asked = moto.operations()[before..].to_vec();
    assert!(
        asked.iter().any(|op| op == "secretsmanager.DescribeSecret"),
        "{asked:?}"
    );
    assert!(
        !asked.iter().any(|op| op.ends_with(".GetSecretValue")),
        "{asked:?}"
    );
    // A fix to a stack's template is not written anywhere: it is a fetched document.
    let out = ecslint(
        &moto,
        &[
            "check",
            "--aws",
            "--stack",
            "web",
            "--fix",
            "--unsafe-fixes",
        ],
    );
    assert!(!Path::new(ROOT).join("aws:").exists());
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A stack that does not exist: a usage error naming it.
    let out = ecslint(&moto, &["check", "--aws", "--stack", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read stack nope"));
    // The snapshot's files, read offline, give the same finding.
    let (_dir, offline) = snapshot_then_offline(&moto, &["--stack", "web"]);
    let offline_errors: Vec<&Value> = offline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(offline_errors.len(), 1, "{offline}");
    assert_eq!(offline_errors[0]["message"], f["message"], "{offline}");

    // The published read-only policy is enough to read a stack: with moto enforcing IAM, a
    // reader holding only it gets the same finding and no note of anything refused.
    let printed = moto.python("tests/live/limit_auth.py");
    let mut printed = printed.lines();
    let (key_id, secret_key) = (printed.next().unwrap(), printed.next().unwrap());
    let mut reader = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
    moto.env(&mut reader);
    let out = reader
        .env("AWS_ACCESS_KEY_ID", key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
        .args(["check", "--aws", "--stack", "web", "--format", "json"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("could not"), "{stderr}");
    let as_reader: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(as_reader["findings"], v["findings"], "{stderr}");
}

/// How long each request takes behind [`DelayProxy`]: a round trip to a far-away region.
const DELAY: Duration = Duration::from_secs(1);

/// One request as the delay proxy recorded it.
#[derive(Debug)]
struct Call {
    operation: String,
    /// The resource it names: a role, policy ARN, secret id or key id.
    named: String,
    arrived: f64,
    answered: f64,
}

/// A proxy in front of `moto` answering every request [`DELAY`] after it arrived
/// (`tests/live/delay_proxy.py`); killed when dropped.
struct DelayProxy {
    child: Child,
    endpoint: String,
    recording: tempfile::TempPath,
}

impl DelayProxy {
    fn start(moto: &Moto) -> DelayProxy {
        let recording = tempfile::NamedTempFile::new().unwrap().into_temp_path();
        let upstream = moto.endpoint.rsplit(':').next().unwrap().to_string();
        let mut child = std::process::Command::new(moto.venv.join("bin/python"))
            .arg(Path::new(ROOT).join("tests/live/delay_proxy.py"))
            .args([&upstream, &DELAY.as_secs_f64().to_string()])
            .arg(&recording)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut port = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut port)
            .unwrap();
        DelayProxy {
            child,
            endpoint: format!("http://127.0.0.1:{}", port.trim()),
            recording,
        }
    }

    /// Every request so far, in the order they arrived.
    fn calls(&self) -> Vec<Call> {
        let mut calls: Vec<Call> = std::fs::read_to_string(&self.recording)
            .unwrap()
            .lines()
            .map(|line| {
                let v: Value = serde_json::from_str(line).unwrap();
                let named = v["named"].as_object().unwrap();
                Call {
                    operation: v["operation"].as_str().unwrap().to_string(),
                    named: [
                        "PolicyArn",
                        "KeyId",
                        "SecretId",
                        "RoleName",
                        "taskDefinition",
                    ]
                    .iter()
                    .find_map(|k| named.get(*k).and_then(Value::as_str))
                    .unwrap_or_default()
                    .to_string(),
                    arrived: v["arrived"].as_f64().unwrap(),
                    answered: v["answered"].as_f64().unwrap(),
                }
            })
            .collect();
        calls.sort_by(|a, b| a.arrived.total_cmp(&b.arrived));
        calls
    }
}

impl Drop for DelayProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The most requests in `calls` that had to follow one another: the longest chain in which each
/// request arrived only after the one before it was answered. Requests sent at the same time
/// are one round trip however many there are; each chained request costs another.
fn sequential_round_trips(calls: &[&Call]) -> usize {
    let mut depth: Vec<usize> = Vec::with_capacity(calls.len());
    for (i, call) in calls.iter().enumerate() {
        let before = (0..i)
            .filter(|&j| calls[j].answered <= call.arrived)
            .map(|j| depth[j])
            .max()
            .unwrap_or(0);
        depth.push(before + 1);
    }
    depth.into_iter().max().unwrap_or(0)
}

/// Live mode against real latency: with every request held [`DELAY`] on its way to moto, a task
/// definition with 10 secrets under 3 customer managed keys, an execution role with 20 attached
/// managed policies and a task role are read in three round trips after the task definition,
/// each thing once, and the run takes about five delays in all (the caller's identity, the task
/// definition, three waves).
#[test]
fn live_mode_reads_in_three_round_trips_after_the_task_definition() {
    let moto = Moto::start();
    let secrets = moto.python("tests/live/setup_latency.py");
    let secrets: Vec<&str> = secrets.lines().collect();
    assert_eq!(secrets.len(), 10);
    // The round trips are counted on every run; the wall time is the best of up to three, as a
    // busy machine only ever adds to it.
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let wall = read_through_the_proxy(&moto);
        best = best.min(wall);
        if best < DELAY * 6 {
            break;
        }
    }
    // The wall time is that of five round trips: a sixth would not fit.
    assert!(best >= DELAY * 5, "{best:?}: the proxy was not in the way");
    assert!(best < DELAY * 6, "{best:?} for 5 round trips of {DELAY:?}");
    eprintln!("best of the runs: {best:?} for 5 round trips of {DELAY:?}");
}

/// One `check --aws` of latency-app through a new [`DelayProxy`]: asserts what it asked for and
/// in how many round trips; its wall time.
fn read_through_the_proxy(moto: &Moto) -> Duration {
    let proxy = DelayProxy::start(moto);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("ecslint"));
    aws_env(&mut cmd, &proxy.endpoint);
    cmd.current_dir(ROOT).args([
        "check",
        "--aws",
        "--task-definition",
        "latency-app",
        "--format",
        "json",
    ]);
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("could not"), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let said = v["findings"].to_string();
    // Everything was read: no grant unknown, no secret unresolved.
    assert!(!said.contains("grants are unknown"), "{said}");
    assert!(!said.contains("unresolved"), "{said}");

    let calls = proxy.calls();
    let listed: Vec<String> = calls
        .iter()
        .map(|c| {
            format!(
                "{:.3}–{:.3} {} {}",
                c.arrived, c.answered, c.operation, c.named
            )
        })
        .collect();
    let listed = listed.join("\n");
    let count = |op: &str| calls.iter().filter(|c| c.operation == op).count();
    // Each thing once.
    for (op, n) in [
        ("GetCallerIdentity", 1),
        ("DescribeTaskDefinition", 1),
        ("GetRole", 2),
        ("ListRolePolicies", 2),
        ("GetRolePolicy", 2),
        ("ListAttachedRolePolicies", 2),
        ("GetPolicy", 20),
        ("GetPolicyVersion", 20),
        ("DescribeSecret", 10),
        ("GetResourcePolicy", 10),
        ("DescribeKey", 3),
        ("GetKeyPolicy", 3),
    ] {
        assert_eq!(count(op), n, "{op}:\n{listed}");
    }
    assert_eq!(count("GetSecretValue"), 0, "{listed}");
    // What depends on an answer waits for it: a policy's version for the policy, a key's policy
    // for the key, the task definition's references for the task definition.
    let answered = |op: &str, named: &str| {
        calls
            .iter()
            .find(|c| c.operation == op && c.named == named)
            .unwrap_or_else(|| panic!("no {op} {named}:\n{listed}"))
            .answered
    };
    let read = answered("DescribeTaskDefinition", "latency-app");
    for c in &calls {
        match c.operation.as_str() {
            "GetPolicyVersion" => assert!(c.arrived >= answered("GetPolicy", &c.named), "{listed}"),
            "GetKeyPolicy" => assert!(
                calls
                    .iter()
                    .any(|d| d.operation == "DescribeKey" && d.answered <= c.arrived),
                "{listed}"
            ),
            "GetCallerIdentity" | "DescribeTaskDefinition" => {}
            _ => assert!(
                c.arrived >= read,
                "{} before the task definition:\n{listed}",
                c.operation
            ),
        }
    }
    // Three round trips after the task definition, however many calls each holds.
    let after: Vec<&Call> = calls.iter().filter(|c| c.arrived >= read).collect();
    assert_eq!(sequential_round_trips(&after), 3, "{listed}");
    let all: Vec<&Call> = calls.iter().collect();
    assert_eq!(sequential_round_trips(&all), 5, "{listed}");
    let first = calls.iter().map(|c| c.arrived).fold(f64::MAX, f64::min);
    let last = calls.iter().map(|c| c.answered).fold(0.0, f64::max);
    eprintln!(
        "{} calls in {wall:?}, {:.3} s from the first request to the last answer",
        calls.len(),
        last - first
    );
    wall
}
