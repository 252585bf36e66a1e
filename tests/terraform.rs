//! Terraform plans and states as input (`check --terraform-plan`): the traps of a task and its
//! roles found in what `terraform show -json` prints, values known only after apply followed
//! through the configuration, and no sensitive value ever printed.

mod support;

use support::{errors, write};

use serde_json::{Value, json};
use std::path::Path;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/terraform");

fn plan(name: &str) -> String {
    format!("{DATA}/{name}")
}

#[test]
fn the_display_name_trap_is_found_in_a_plan_and_its_clean_twin_is_clean() {
    let (code, v, stderr) =
        support::run_json("check", &["--terraform-plan", &plan("web.plan.json")]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(errors(&v), ["secret-display-name"], "{v}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    // In the policy string of the resource that holds it, named by its address, inside a module;
    // the reference is in the task definition's container definitions string.
    let file = f["location"]["file"].as_str().unwrap();
    assert!(
        file.ends_with("web.plan.json#module.app.aws_iam_role_policy.registry.policy"),
        "{file}"
    );
    assert!(
        f["message"].as_str().unwrap().contains("[role web-exec"),
        "{f}"
    );
    let related = f["related"][0]["location"]["file"].as_str().unwrap();
    assert!(
        related.ends_with("#module.app.aws_ecs_task_definition.web.container_definitions"),
        "{related}"
    );
    // A plan is Terraform's output: the fix is said, for the `.tf` source, not written.
    assert!(f["fix"].is_null(), "{f}");
    assert!(
        f["help"].as_str().unwrap().contains("Terraform source"),
        "{f}"
    );
    // The clean twin: `NAME-??????`; the other policy is a data.aws_iam_policy_document known
    // only after apply, rebuilt from its statements, and grants the database secret.
    let (code, v, stderr) =
        support::run_json("check", &["--terraform-plan", &plan("web-clean.plan.json")]);
    assert_eq!(
        (code, errors(&v)),
        (0, Vec::<String>::new()),
        "{v}\n{stderr}"
    );
    assert_eq!(v["summary"]["needs_checked"], 2, "{v}");
    assert_eq!(v["summary"]["needs_granted"], 2, "{v}");
}

#[test]
fn without_its_configuration_what_is_known_only_after_apply_is_said_not_guessed() {
    let mut p: Value =
        serde_json::from_str(&std::fs::read_to_string(plan("web-clean.plan.json")).unwrap())
            .unwrap();
    p.as_object_mut().unwrap().remove("configuration");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "plan.json", &p.to_string());
    let (code, v, _) = support::run_json("check", &["--terraform-plan", &path]);
    let said = v["findings"].to_string();
    // The policies' role is known only after apply: not attached to a made-up name, said.
    assert!(
        said.contains(
            "`role` of module.app.aws_iam_role_policy.registry is known only after apply"
        ),
        "{said}"
    );
    assert!(
        said.contains("`role` of module.app.aws_iam_role_policy.db"),
        "{said}"
    );
    assert_eq!(errors(&v), Vec::<String>::new(), "{v}");
    assert_eq!(code, 0, "{v}");
}

#[test]
fn a_policy_document_known_only_after_apply_is_rebuilt_and_a_created_secret_named_by_name_is_said()
{
    // A state-free plan: the secret, the role and its policy are all created; the policy is
    // built from `aws_secretsmanager_secret.registry.arn` (unknown), the task definition already
    // exists in the state and names the secret by its full ARN.
    let case = |resource: Value| {
        let policy_known = resource.is_string();
        let mut after_unknown = json!({"id": true, "role": true});
        let mut values = json!({"name": "registry"});
        if policy_known {
            values["policy"] = json!(serde_json::to_string(&json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": resource}]})).unwrap());
        } else {
            after_unknown["policy"] = json!(true);
        }
        json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_secretsmanager_secret.registry", "mode": "managed", "type": "aws_secretsmanager_secret", "name": "registry",
                 "values": {"name": "gitlab-sample-registry", "kms_key_id": null}, "sensitive_values": {}},
                {"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec",
                 "values": {"name": "web-exec", "path": "/"}, "sensitive_values": {}},
                {"address": "aws_iam_role_policy.registry", "mode": "managed", "type": "aws_iam_role_policy", "name": "registry",
                 "values": values, "sensitive_values": {}},
                {"address": "data.aws_iam_policy_document.registry", "mode": "data", "type": "aws_iam_policy_document", "name": "registry",
                 "values": {}, "sensitive_values": {}}
            ]}},
            "resource_changes": [
                {"address": "aws_secretsmanager_secret.registry", "mode": "managed", "type": "aws_secretsmanager_secret", "name": "registry",
                 "change": {"actions": ["create"], "before": null, "after": {"name": "gitlab-sample-registry"}, "after_unknown": {"arn": true, "id": true}}},
                {"address": "aws_iam_role_policy.registry", "mode": "managed", "type": "aws_iam_role_policy", "name": "registry",
                 "change": {"actions": ["create"], "before": null, "after": values, "after_unknown": after_unknown}},
                {"address": "data.aws_iam_policy_document.registry", "mode": "data", "type": "aws_iam_policy_document", "name": "registry",
                 "change": {"actions": ["read"], "before": null, "after": {}, "after_unknown": {"json": true}}}
            ],
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
              "root_module": {"resources": [
                {"address": "aws_iam_role_policy.registry", "mode": "managed", "type": "aws_iam_role_policy", "name": "registry",
                 "expressions": {"role": {"references": ["aws_iam_role.exec.name", "aws_iam_role.exec"]},
                                 "policy": {"references": ["data.aws_iam_policy_document.registry.json", "data.aws_iam_policy_document.registry"]}}},
                {"address": "data.aws_iam_policy_document.registry", "mode": "data", "type": "aws_iam_policy_document", "name": "registry",
                 "expressions": {"statement": [{"actions": {"constant_value": ["secretsmanager:GetSecretValue"]},
                   "resources": {"references": ["aws_secretsmanager_secret.registry.arn", "aws_secretsmanager_secret.registry"]}}]}}
            ]}}
        })
    };
    let task = json!({"family": "web", "executionRoleArn": "arn:aws:iam::111122223333:role/web-exec",
        "containerDefinitions": [{"name": "nginx", "image": "registry.gitlab.com/g/nginx:1",
            "repositoryCredentials": {"credentialsParameter": "gitlab-sample-registry"}}]});
    let dir = tempfile::tempdir().unwrap();
    let td = write(dir.path(), "td.json", &task.to_string());
    let check = |p: Value| {
        let path = write(dir.path(), "plan.json", &p.to_string());
        support::run_json(
            "check",
            &[
                "--terraform-plan",
                &path,
                "--task-definition",
                &td,
                "--account-id",
                "111122223333",
            ],
        )
    };
    // The task definition names the secret the plan creates by its name: IAM evaluates the
    // partial ARN, which the policy rebuilt from the data source (`NAME-??????`, through the
    // secret's own `arn`) does not match. There is no suffix to write yet: no edit, the help
    // says to reference the secret through what creates it.
    let (code, v, stderr) = check(case(Value::Null));
    assert_eq!(
        (code, errors(&v)),
        (1, vec!["secret-reference-partial-arn".to_string()]),
        "{v}\n{stderr}"
    );
    let f = &v["findings"][0];
    assert!(
        f["related"][0]["message"]
            .as_str()
            .unwrap()
            .contains("grants the full ARN"),
        "{f}"
    );
    assert!(f["fix"].is_null(), "{f}");
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("aws_secretsmanager_secret.NAME.arn"),
        "{f}"
    );
    assert!(
        !v["findings"].to_string().contains("known only after apply"),
        "{v}"
    );
    // A literal display-name grant is exactly the partial ARN such a reference requests: IAM
    // allows it, so nothing is wrong (the display-name trap needs a full-ARN reference).
    let (code, v, _) = check(case(json!(
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry"
    )));
    assert_eq!((code, errors(&v)), (0, Vec::<String>::new()), "{v}");
    assert_eq!(v["summary"]["needs_granted"], 1, "{v}");
}

#[test]
fn no_sensitive_value_is_ever_printed_in_any_format() {
    let formats = ["human", "json", "sarif", "markdown", "gitlab", "github"];
    let text = std::fs::read_to_string(plan("web.plan.json")).unwrap();
    assert!(text.contains("s3cr3t-VALUE-never-printed"));
    // The plan as it is, and cut short (not JSON: every string is blanked, the error located).
    let dir = tempfile::tempdir().unwrap();
    let cut = write(
        dir.path(),
        "cut.json",
        &text[..text.find("never-printed").unwrap() + 20],
    );
    for path in [plan("web.plan.json"), cut] {
        for format in formats {
            let out = support::ecslint()
                .args(["check", "--terraform-plan", &path, "--format", format])
                .output()
                .unwrap();
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!printed.contains("s3cr3t"), "{format} {path}:\n{printed}");
            assert!(
                out.status.code().is_some_and(|c| c < 2),
                "{format}: {printed}"
            );
        }
    }
}

#[test]
fn bad_plans_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, says) in [
        (
            "v2.json",
            r#"{"format_version": "2.0", "planned_values": {}}"#,
            "format_version \"2.0\"",
        ),
        (
            "other.json",
            r#"{"Version": "2012-10-17"}"#,
            "not a Terraform plan",
        ),
        (
            "broken.json",
            r#"{"format_version": "1.2", "planned_values": {"#,
            "not valid JSON",
        ),
    ] {
        let path = write(dir.path(), name, text);
        let (code, v, stderr) = support::run_json("check", &["--terraform-plan", &path]);
        assert_eq!(code, 1, "{name}: {stderr}");
        let f = &v["findings"][0];
        assert!(f["message"].as_str().unwrap().contains(says), "{name}: {v}");
        assert!(f["location"]["line"].as_u64().is_some(), "{name}: {v}");
    }
}

#[test]
fn a_state_is_read_with_everything_known() {
    // `terraform show -json` of a state: `values.root_module`, all known.
    let state = json!({
        "format_version": "1.0", "terraform_version": "1.9.8",
        "values": {"root_module": {"resources": [
            {"address": "aws_ecs_task_definition.web", "mode": "managed", "type": "aws_ecs_task_definition", "name": "web",
             "values": {"arn": "arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7", "family": "web",
                        "execution_role_arn": "arn:aws:iam::111122223333:role/web-exec", "task_role_arn": "arn:aws:iam::111122223333:role/web-task",
                        "requires_compatibilities": ["FARGATE"],
                        "container_definitions": serde_json::to_string(&json!([{"name": "app", "image": "nginx",
                            "secrets": [{"name": "DB", "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbC123"}]}])).unwrap()}},
            {"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec",
             "values": {"name": "web-exec", "arn": "arn:aws:iam::111122223333:role/web-exec", "inline_policy": []}},
            {"address": "aws_iam_role.task", "mode": "managed", "type": "aws_iam_role", "name": "task",
             "values": {"name": "web-task", "arn": "arn:aws:iam::111122223333:role/web-task", "inline_policy": [
                {"name": "db", "policy": serde_json::to_string(&json!({"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-??????"}]})).unwrap()}]}}
        ]}}
    });
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "state.json", &state.to_string());
    let (code, v, stderr) = support::run_json("check", &["--terraform-plan", &path]);
    // The grant is on the task role; the execution role reads the secret.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(errors(&v), ["grant-on-wrong-role"], "{v}");
}

#[test]
fn a_plan_powershell_wrote_as_utf16_is_read_as_its_text() {
    // `terraform show -json plan.bin > plan.json` in Windows PowerShell 5 writes UTF-16LE with a
    // byte-order mark (the field corpus has one: terraform/012).
    let text = std::fs::read_to_string(plan("web.plan.json")).unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    std::fs::write(&path, &bytes).unwrap();
    let (code, v, stderr) =
        support::run_json("check", &["--terraform-plan", path.to_str().unwrap()]);
    assert_eq!(
        (code, errors(&v)),
        (1, vec!["secret-display-name".to_string()]),
        "{stderr}"
    );
    // An odd byte count is not UTF-16: said, not guessed.
    bytes.push(0);
    std::fs::write(&path, &bytes).unwrap();
    let (code, v, _) = support::run_json("check", &["--terraform-plan", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(v["findings"].to_string().contains("not UTF-8"), "{v}");
}

#[test]
fn a_finding_on_a_plans_one_long_line_is_shown_as_an_excerpt_not_the_whole_line() {
    // `terraform show -json` prints one line (755 KB here): a code frame would print all of it
    // for each finding.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/field/terraform/014-cloud-native-platform-plan.json"
    );
    let out = support::ecslint()
        .args(["check", "--terraform-plan", path, "--color", "never"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.matches("unresolved-reference").count() >= 3,
        "{printed}"
    );
    assert!(printed.len() < 20_000, "{} bytes printed", printed.len());
    assert!(
        printed.contains("014-cloud-native-platform-plan.json:1:"),
        "{printed}"
    );
}

#[test]
fn with_the_tf_sources_a_finding_is_on_the_tf_line_and_fix_edits_only_that_literal() {
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("web");
    support::copy_dir(&Path::new(DATA).join("web"), &tf);
    let tf_dir = tf.to_str().unwrap();
    let module = tf.join("modules/app/main.tf");
    let before = std::fs::read_to_string(&module).unwrap();
    // Another module with a resource of the same type and name: the plan's configuration says
    // `module.app` is `./modules/app`, so the decoy is not taken.
    std::fs::create_dir_all(tf.join("modules/other")).unwrap();
    std::fs::write(tf.join("modules/other/main.tf"), before.clone()).unwrap();
    let plan_bytes = std::fs::read(plan("web.plan.json")).unwrap();
    let (code, v, stderr) = support::run_json(
        "check",
        &[
            "--terraform-plan",
            &plan("web.plan.json"),
            "--terraform-dir",
            tf_dir,
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    // On the `.tf` line, the plan's place kept; the task definition's reference on its line too.
    let line = before
        .lines()
        .position(|l| l.contains("Resource = \"arn:aws:secretsmanager"))
        .unwrap()
        + 1;
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("modules/app/main.tf"),
        "{f}"
    );
    assert_eq!(f["location"]["line"], line, "{f}");
    let related: Vec<&str> = f["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["file"].as_str().unwrap())
        .collect();
    assert!(
        related[0].contains("web.plan.json#module.app.aws_iam_role_policy.registry.policy"),
        "{related:?}"
    );
    assert!(related[1].ends_with("modules/app/main.tf"), "{related:?}");
    assert_eq!(f["fix"]["applicability"], "safe", "{f}");
    // reviewdog's suggestion lands on the `.tf` line, and applying it is the fix below.
    let out = support::ecslint()
        .args([
            "check",
            "--terraform-plan",
            &plan("web.plan.json"),
            "--terraform-dir",
            tf_dir,
            "--format",
            "rdjson",
        ])
        .output()
        .unwrap();
    let rdjson: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let suggested = rdjson["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"]["value"] == "secret-display-name")
        .unwrap();
    assert!(
        suggested["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("modules/app/main.tf"),
        "{suggested}"
    );
    assert_eq!(suggested["suggestions"][0]["range"]["start"]["line"], line);
    let applied = tempfile::tempdir().unwrap();
    let module_copy = applied.path().join("main.tf");
    std::fs::write(&module_copy, &before).unwrap();
    let mut only_tf = rdjson.clone();
    only_tf["diagnostics"] = serde_json::json!([suggested]);
    only_tf["diagnostics"][0]["location"]["path"] = serde_json::json!("main.tf");
    assert_eq!(support::apply_rdjson(applied.path(), &only_tf), 1);
    let suggested_text = std::fs::read_to_string(&module_copy).unwrap();
    // --fix writes the `.tf` file: the literal gets `-??????`, every other byte stays.
    let out = support::ecslint()
        .args([
            "check",
            "--terraform-plan",
            &plan("web.plan.json"),
            "--terraform-dir",
            tf_dir,
            "--fix",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&module).unwrap();
    assert_eq!(
        after,
        before.replace(
            "secret:gitlab-sample-registry\" # the display name",
            "secret:gitlab-sample-registry-??????\" # the display name"
        )
    );
    assert_eq!(suggested_text, after, "the suggestion applied is the fix");
    // The plan is never written.
    assert_eq!(std::fs::read(plan("web.plan.json")).unwrap(), plan_bytes);
    let root = std::fs::read_to_string(tf.join("main.tf")).unwrap();
    assert_eq!(
        root,
        std::fs::read_to_string(Path::new(DATA).join("web/main.tf")).unwrap()
    );
}

#[test]
fn tf_sources_that_are_not_hcl_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.tf"),
        "resource \"aws_iam_role\" \"x\" {\n  name = \n",
    )
    .unwrap();
    let (code, v, stderr) = support::run_json(
        "check",
        &[
            "--terraform-plan",
            &plan("web.plan.json"),
            "--terraform-dir",
            dir.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("not valid HCL"))
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("broken.tf"),
        "{f}"
    );
    assert!(f["location"]["line"].as_u64().is_some(), "{f}");
    // A folder that does not exist: a usage error, exit 2.
    let (code, _, stderr) = support::run_json(
        "check",
        &[
            "--terraform-plan",
            &plan("web.plan.json"),
            "--terraform-dir",
            "/nonexistent/tf",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/tf"), "{stderr}");
}

/// One trap of a plan that creates everything (nothing known before apply but names), with its
/// `.tf` source: the task definition's `container_definitions` is `jsonencode([...])` of
/// references, so the plan does not know it and only the `.tf` source can tell it.
struct Created {
    /// The policy's `Resource`: an HCL expression.
    resource: &'static str,
    /// The role the policy is put on.
    role: &'static str,
    /// The secret is encrypted with a key the plan creates; the policy grants `kms:Decrypt` on it.
    kms: Option<bool>,
}

impl Created {
    fn tf(&self) -> String {
        let key = match self.kms {
            Some(_) => "\n  kms_key_id = aws_kms_key.db.arn",
            None => "",
        };
        let decrypt = match self.kms {
            Some(true) => {
                ", {\n      Effect   = \"Allow\"\n      Action   = \"kms:Decrypt\"\n      Resource = aws_kms_key.db.arn\n    }"
            }
            _ => "",
        };
        format!(
            r#"locals {{
  family = "web"
}}

resource "aws_kms_key" "db" {{
  description = "db"
}}

resource "aws_secretsmanager_secret" "db" {{
  name = "prod/db"{key}
}}

resource "aws_iam_role" "exec" {{
  name               = "web-exec"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ecs-tasks.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}

resource "aws_iam_role" "task" {{
  name               = "web-task"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "ecs-tasks.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}

resource "aws_iam_role_policy" "secrets" {{
  name = "secrets"
  role = aws_iam_role.{role}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = {resource}
    }}{decrypt}]
  }})
}}

resource "aws_ecs_task_definition" "web" {{
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  execution_role_arn       = aws_iam_role.exec.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([{{
    name    = "app"
    image   = var.image
    secrets = [{{ name = "DB_PASSWORD", valueFrom = "${{aws_secretsmanager_secret.db.arn}}:password::" }}]
  }}])
}}
"#,
            role = self.role,
            resource = self.resource,
        )
    }

    /// What `terraform show -json` prints for [`Created::tf`]: the policy is known when its
    /// `Resource` is a literal (and no key is referenced), else after apply.
    fn plan(&self) -> Value {
        let literal = self.resource.starts_with('"') && self.kms != Some(true);
        let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string();
        let mut policy = json!({"name": "secrets"});
        let mut policy_unknown = json!({"id": true, "role": true});
        if literal {
            let resource: String = serde_json::from_str(self.resource).unwrap();
            policy["policy"] = json!(json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": resource}]}).to_string());
        } else {
            policy_unknown["policy"] = json!(true);
        }
        let mut resources = vec![
            (
                "aws_secretsmanager_secret",
                "db",
                json!({"name": "prod/db"}),
                json!({"arn": true, "id": true, "kms_key_id": self.kms.is_some()}),
            ),
            (
                "aws_iam_role",
                "exec",
                json!({"name": "web-exec", "path": "/", "assume_role_policy": trust}),
                json!({"arn": true, "id": true}),
            ),
            (
                "aws_iam_role",
                "task",
                json!({"name": "web-task", "path": "/", "assume_role_policy": trust}),
                json!({"arn": true, "id": true}),
            ),
            ("aws_iam_role_policy", "secrets", policy, policy_unknown),
            (
                "aws_ecs_task_definition",
                "web",
                json!({"family": "web", "requires_compatibilities": ["FARGATE"], "network_mode": "awsvpc"}),
                json!({"arn": true, "container_definitions": true, "execution_role_arn": true, "task_role_arn": true}),
            ),
        ];
        if self.kms.is_some() {
            resources.push((
                "aws_kms_key",
                "db",
                json!({"description": "db"}),
                json!({"arn": true, "key_id": true, "id": true, "policy": true}),
            ));
        }
        let refs = |r: &str| json!({"references": [r, r.rsplit_once('.').unwrap().0]});
        let mut policy_expressions = json!({"name": {"constant_value": "secrets"}, "role": refs(&format!("aws_iam_role.{}.id", self.role))});
        if !literal {
            let mut r = vec![
                json!("aws_secretsmanager_secret.db.arn"),
                json!("aws_secretsmanager_secret.db"),
            ];
            if self.kms == Some(true) {
                r.extend([json!("aws_kms_key.db.arn"), json!("aws_kms_key.db")]);
            }
            policy_expressions["policy"] = json!({"references": r});
        }
        let mut secret_expressions = json!({"name": {"constant_value": "prod/db"}});
        if self.kms.is_some() {
            secret_expressions["kms_key_id"] = refs("aws_kms_key.db.arn");
        }
        let config = json!([
            {"address": "aws_secretsmanager_secret.db", "mode": "managed", "type": "aws_secretsmanager_secret", "name": "db", "expressions": secret_expressions},
            {"address": "aws_iam_role_policy.secrets", "mode": "managed", "type": "aws_iam_role_policy", "name": "secrets", "expressions": policy_expressions},
            {"address": "aws_ecs_task_definition.web", "mode": "managed", "type": "aws_ecs_task_definition", "name": "web", "expressions": {
                "family": {"references": ["local.family"]},
                "execution_role_arn": refs("aws_iam_role.exec.arn"), "task_role_arn": refs("aws_iam_role.task.arn"),
                "container_definitions": {"references": ["var.image", "aws_secretsmanager_secret.db.arn", "aws_secretsmanager_secret.db"]}}},
        ]);
        let planned: Vec<Value> = resources.iter().map(|(t, n, v, _)| json!({
            "address": format!("{t}.{n}"), "mode": "managed", "type": t, "name": n, "values": v, "sensitive_values": {}})).collect();
        let changes: Vec<Value> = resources
            .iter()
            .map(|(t, n, v, u)| {
                json!({
            "address": format!("{t}.{n}"), "mode": "managed", "type": t, "name": n,
            "change": {"actions": ["create"], "before": null, "after": v, "after_unknown": u}})
            })
            .collect();
        json!({
            "format_version": "1.2",
            "variables": {"image": {"value": "public.ecr.aws/nginx/nginx:1.27"}},
            "planned_values": {"root_module": {"resources": planned}},
            "resource_changes": changes,
            "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
                "root_module": {"resources": config}},
        })
    }

    /// `check --terraform-plan` of the plan, with and without `--terraform-dir`: exit code, the
    /// errors' rules, and the report with the sources.
    fn check(&self) -> (i32, Vec<String>, Value, Value, String) {
        let dir = tempfile::tempdir().unwrap();
        let tf = dir.path().join("tf");
        std::fs::create_dir(&tf).unwrap();
        write(&tf, "main.tf", &self.tf());
        let plan = write(dir.path(), "plan.json", &self.plan().to_string());
        let args = [
            "--terraform-plan",
            plan.as_str(),
            "--account-id",
            "111122223333",
        ];
        let (_, without, _) = support::run_json("check", &args);
        let mut with = args.to_vec();
        with.extend(["--terraform-dir", tf.to_str().unwrap()]);
        let (code, v, stderr) = support::run_json("check", &with);
        let tf_text = std::fs::read_to_string(tf.join("main.tf")).unwrap();
        (code, errors(&v), v, without, format!("{stderr}\n{tf_text}"))
    }
}

#[test]
fn container_definitions_known_only_after_apply_are_rebuilt_from_the_tf_source_with_each_trap_and_its_twin()
 {
    let secret_ref = "aws_secretsmanager_secret.db.arn";
    // The secret referenced on both sides, both known only after apply: granted.
    let clean = Created {
        resource: secret_ref,
        role: "exec",
        kms: None,
    };
    let (code, errs, v, without, why) = clean.check();
    assert_eq!((code, errs), (0, Vec::<String>::new()), "{v}\n{why}");
    assert_eq!(v["summary"]["needs_checked"], 1, "{v}");
    assert_eq!(v["summary"]["needs_granted"], 1, "{v}");
    assert!(
        !v["findings"].to_string().contains("known only after apply"),
        "{v}"
    );
    // Without the `.tf` source the plan cannot tell them: said, not guessed.
    assert_eq!(without["summary"]["needs_checked"], 0, "{without}");
    assert!(
        without["findings"].to_string().contains("--terraform-dir"),
        "{without}"
    );

    // The display name in the policy: the reference is the full ARN (`prod/db-??????`), which
    // the literal does not match. On the `.tf` line, with an edit of that literal.
    let trap = Created {
        resource: "\"arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db\"",
        role: "exec",
        kms: None,
    };
    let (code, errs, v, _, why) = trap.check();
    assert_eq!(
        (code, errs),
        (1, vec!["secret-display-name".to_string()]),
        "{v}\n{why}"
    );
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    assert!(
        f["location"]["file"].as_str().unwrap().ends_with("main.tf"),
        "{f}"
    );
    let line = trap
        .tf()
        .lines()
        .position(|l| l.contains("Resource = \"arn:"))
        .unwrap()
        + 1;
    assert_eq!(f["location"]["line"], line, "{f}");
    assert_eq!(f["fix"]["applicability"], "safe", "{f}");

    // The grant on the task role, not the execution role that reads the secret.
    let trap = Created {
        resource: secret_ref,
        role: "task",
        kms: None,
    };
    let (code, errs, v, _, why) = trap.check();
    assert_eq!(code, 1, "{v}\n{why}");
    assert!(
        errs.contains(&"grant-on-wrong-role".to_string()),
        "{errs:?}\n{v}"
    );

    // A secret under a key the plan creates: `kms:Decrypt` is needed too.
    let trap = Created {
        resource: secret_ref,
        role: "exec",
        kms: Some(false),
    };
    let (code, errs, v, _, why) = trap.check();
    assert_eq!(code, 1, "{v}\n{why}");
    assert!(
        errs.contains(&"missing-permission".to_string()),
        "{errs:?}\n{v}"
    );
    assert!(v["findings"].to_string().contains("kms:Decrypt"), "{v}");
    let twin = Created {
        resource: secret_ref,
        role: "exec",
        kms: Some(true),
    };
    let (code, errs, v, _, why) = twin.check();
    assert_eq!((code, errs), (0, Vec::<String>::new()), "{v}\n{why}");
    assert_eq!(v["summary"]["needs_granted"], 2, "{v}");
}

#[test]
fn a_registry_modules_copy_under_dot_terraform_is_located_and_never_edited() {
    // The same plan, its module now from a registry: `terraform init` copied it under
    // `.terraform/modules/` and says where in `modules.json`.
    let dir = tempfile::tempdir().unwrap();
    let tf = dir.path().join("web");
    std::fs::create_dir_all(tf.join(".terraform/modules/app")).unwrap();
    let source = "registry.terraform.io/example-group/app/aws";
    std::fs::write(
        tf.join("main.tf"),
        format!("module \"app\" {{\n  source  = \"{source}\"\n  version = \"1.0.0\"\n}}\n"),
    )
    .unwrap();
    let copy = tf.join(".terraform/modules/app/main.tf");
    std::fs::copy(Path::new(DATA).join("web/modules/app/main.tf"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    std::fs::write(
        tf.join(".terraform/modules/modules.json"),
        json!({"Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {"Key": "app", "Source": source, "Version": "1.0.0", "Dir": ".terraform/modules/app"},
            // Pointing outside `.terraform/` is not followed.
            {"Key": "evil", "Source": source, "Dir": ".terraform/../../"}
        ]})
        .to_string(),
    )
    .unwrap();
    let text = std::fs::read_to_string(plan("web.plan.json"))
        .unwrap()
        .replace(
            "\"source\":\"./modules/app\"",
            &format!("\"source\":\"{source}\""),
        );
    assert!(text.contains(source));
    let plan_path = write(dir.path(), "plan.json", &text);
    let args = [
        "--terraform-plan",
        plan_path.as_str(),
        "--terraform-dir",
        tf.to_str().unwrap(),
    ];
    let (code, v, stderr) = support::run_json("check", &args);
    assert_eq!(code, 1, "{stderr}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    assert!(
        f["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with(".terraform/modules/app/main.tf"),
        "{f}"
    );
    assert!(f["fix"].is_null(), "{f}");
    let help = f["help"].as_str().unwrap();
    assert!(
        help.contains(source) && help.contains("terraform init"),
        "{help}"
    );
    let mut fix = args.to_vec();
    fix.push("--fix");
    support::ecslint().arg("check").args(&fix).output().unwrap();
    assert_eq!(std::fs::read(&copy).unwrap(), before);
}
