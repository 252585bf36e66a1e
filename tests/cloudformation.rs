//! CloudFormation templates as input (`check --cloudformation`): the traps of a task and its roles
//! found in the template a person wrote, located on its lines, with the intrinsics resolved.

mod support;

use support::{errors, write};

use serde_json::Value;

fn check(template: &str, name: &str, args: &[&str]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, template);
    let (code, v, stderr) =
        support::run_json("check", &[&["--cloudformation", &path], args].concat());
    assert!(!v.is_null(), "{stderr}");
    (code, v)
}

const ROLE_TRUST: &str = r#"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: ecs-tasks.amazonaws.com }
            Action: sts:AssumeRole
            Condition: { StringEquals: { "aws:SourceAccount": !Ref "AWS::AccountId" } }"#;

/// The seed's trap, in YAML: the policy names the secret by its display name.
fn seed(resource: &str) -> String {
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ecsTaskExecutionRole{ROLE_TRUST}
      Policies:
        - PolicyName: registry-credentials
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: {resource}
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: nginx
          Image: registry.gitlab.com/example-group/gitlab-sample/nginx:1.27
          RepositoryCredentials:
            CredentialsParameter: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU
"#
    )
}

#[test]
fn the_display_name_trap_is_found_on_the_templates_line() {
    let (code, v) = check(
        &seed("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry"),
        "t.yaml",
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(errors(&v), ["secret-display-name"]);
    let f = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap()["location"];
    let template =
        seed("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry");
    let line = template
        .lines()
        .position(|l| l.contains("Resource: arn:"))
        .unwrap()
        + 1;
    assert_eq!(f["line"], line, "{f}");
    // The clean twin: `NAME-??????`.
    let (code, v) = check(
        &seed(
            "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????",
        ),
        "t.yaml",
        &[],
    );
    assert_eq!((code, errors(&v)), (0, Vec::<String>::new()), "{v}");
    assert_eq!(v["summary"]["needs_granted"], v["summary"]["needs_checked"]);
}

#[test]
fn the_same_template_in_json() {
    let json = r#"{"Resources": {
      "ExecutionRole": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
          "Resource": {"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:app/db"}}]}}]}},
      "TaskDefinition": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ExecutionRoleArn": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        "ContainerDefinitions": [{"Name": "app", "Image": "nginx", "Secrets": [{"Name": "DB", "ValueFrom": {"Ref": "Db"}}]}]}},
      "Db": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": "app/db"}}}}"#;
    let (code, v) = check(
        json,
        "t.json",
        &["--region", "eu-west-1", "--account-id", "111122223333"],
    );
    assert_eq!(code, 1);
    // The secret the template creates has no suffix yet: the display name cannot match it.
    assert_eq!(errors(&v), ["secret-display-name"], "{v}");
}

/// A secret the template creates, encrypted with the template's key: `Ref` on both sides
/// matches, and `kms:Decrypt` on the key is needed.
fn created(decrypt: bool, on_task_role: bool) -> String {
    let decrypt = if decrypt {
        "\n              - Effect: Allow\n                Action: kms:Decrypt\n                Resource: !GetAtt Key.Arn"
    } else {
        ""
    };
    let policy = format!(
        "\n      Policies:\n        - PolicyName: secrets\n          PolicyDocument:\n            Version: \"2012-10-17\"\n            Statement:\n              - Effect: Allow\n                Action: secretsmanager:GetSecretValue\n                Resource: !Ref DbSecret{decrypt}"
    );
    let (exec_policy, task_policy) = if on_task_role {
        (String::new(), policy)
    } else {
        (policy, String::new())
    };
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{ AWS: !Sub "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root" }}
            Action: kms:*
            Resource: "*"
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "${{Env}}/db"
      KmsKeyId: !GetAtt Key.Arn
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:{ROLE_TRUST}{exec_policy}
  TaskRole:
    Type: AWS::IAM::Role
    Properties:{ROLE_TRUST}{task_policy}
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      TaskRoleArn: !GetAtt TaskRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: nginx:1.27
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: !Sub "${{DbSecret}}:password::"
"#
    )
}

#[test]
fn a_created_secret_its_key_and_the_role_that_must_read_it() {
    let args = ["--region", "eu-west-1", "--account-id", "111122223333"];
    // Missing kms:Decrypt on the secret's customer managed key.
    let (code, v) = check(&created(false, false), "t.yaml", &args);
    assert_eq!(code, 1);
    assert_eq!(errors(&v), ["missing-permission"], "{v}");
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("kms:Decrypt")
    );
    // The clean twin.
    let (code, v) = check(&created(true, false), "t.yaml", &args);
    assert_eq!((code, errors(&v)), (0, Vec::<String>::new()), "{v}");
    // Granted to the task role instead of the execution role.
    let (code, v) = check(&created(true, true), "t.yaml", &args);
    assert_eq!(code, 1);
    assert!(
        support::rules_of(&v).contains(&"grant-on-wrong-role".to_string()),
        "{v}"
    );
}

#[test]
fn a_cdk_cloud_assembly_reads_every_stack_its_manifest_lists() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "App.template.json", &serde_json::to_string(&serde_json::json!({
        "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}}}
    })).unwrap());
    write(
        dir.path(),
        "manifest.json",
        r#"{"version": "36.0.0", "artifacts": {"App": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "App.template.json"}}, "Tree": {"type": "cdk:tree"}}}"#,
    );
    let (code, v, stderr) =
        support::run_json("check", &["--cloudformation", dir.path().to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{stderr}");
    assert_eq!(v["summary"]["needs_checked"], 0);
    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = support::run_json(
        "check",
        &["--cloudformation", empty.path().to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("manifest.json"), "{stderr}");
}

#[test]
fn bad_templates_are_located_errors_never_panics() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "syntax.yaml",
            "Resources:\n  A: [1\n  B: {",
            "not a valid YAML template",
        ),
        (
            "tag.yaml",
            "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      X: !Bogus y\n",
            "unknown tag `!Bogus`",
        ),
        (
            "missing.yaml",
            "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ExecutionRoleArn: !GetAtt Nope.Arn\n",
            "no resource `Nope`",
        ),
        (
            "cycle.yaml",
            "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: !Ref A\n",
            "refers to itself",
        ),
        (
            "bomb.yaml",
            &{
                let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                for i in 1..12 {
                    let p = i - 1;
                    t.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
                }
                t
            },
            "alias bomb",
        ),
        (
            "notcfn.yaml",
            "just: a mapping\n",
            "not a CloudFormation template",
        ),
    ];
    for (name, text, says) in cases {
        let (code, v) = check(text, name, &[]);
        assert_eq!(code, 1, "{name}: {v}");
        let messages = v["findings"].to_string();
        assert!(messages.contains(says), "{name}: {messages}");
        assert!(
            v["findings"][0]["location"]["line"].as_u64().is_some(),
            "{name}: {v}"
        );
    }
    // Over CloudFormation's 1 MB: said where the file starts, and still read (its roles' trust
    // policies are checked as usual).
    let mut big = seed(
        "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????",
    );
    big.push_str(&format!(
        "Metadata:\n  Padding: \"{}\"\n",
        "x".repeat(1_100_000)
    ));
    let (code, v) = check(&big, "big.yaml", &[]);
    assert_eq!(code, 1, "{v}");
    let f = &v["findings"][0];
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("CloudFormation accepts at most 1 MB"),
        "{f}"
    );
    assert_eq!(f["location"]["line"], 1);
    assert_eq!(errors(&v).len(), 1, "{v}");
    // Not UTF-8.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.yaml");
    std::fs::write(&path, b"Resources:\n  \xff\xfe: x\n").unwrap();
    let (code, v, _) = support::run_json("check", &["--cloudformation", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(v["findings"].to_string().contains("not UTF-8"));
}

#[test]
fn a_cdk_finding_names_its_construct_and_the_cdk_call_that_fixes_it() {
    // What `Secret.fromSecretNameV2` + `grantRead` synthesise: a partial ARN in the task
    // definition, `NAME-??????` in the grant.
    let (code, v, stderr) = support::run_json(
        "check",
        &[
            "--cloudformation",
            "tests/data/cdk-partial-arn.template.json",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-reference-partial-arn")
        .expect("the partial-ARN trap");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("[CDK construct App/Stack/TaskDef/Resource]"),
        "{f}"
    );
    assert!(
        f["help"]
            .as_str()
            .unwrap()
            .contains("Secret.fromSecretCompleteArn"),
        "{f}"
    );
}

#[test]
fn lint_runs_the_document_rules_on_a_templates_policies() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "t.yaml",
        &seed("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry"),
    );
    let (code, v, _) = support::run_json("lint", &["--cloudformation", &path]);
    assert_eq!(code, 1);
    assert_eq!(support::rules_of(&v), ["secret-arn-without-suffix"]);
    assert_eq!(v["summary"]["needs_checked"], 0);
}

#[test]
fn a_secret_encrypted_through_the_templates_alias_needs_the_key_behind_it() {
    let args = ["--region", "eu-west-1", "--account-id", "111122223333"];
    let (code, v, _) = support::run_json(
        "check",
        &[
            &["--cloudformation", "tests/data/cfn-alias.yaml"][..],
            &args,
        ]
        .concat(),
    );
    assert_eq!(
        (code, v["summary"]["needs_checked"].as_u64()),
        (0, Some(2)),
        "{v}"
    );
    assert_eq!(v["summary"]["needs_granted"], 2);
    // Without the grant on the key, kms:Decrypt is missing on the key the alias points at.
    let text = support::read("tests/data/cfn-alias.yaml").replace("                Action: kms:Decrypt\n                Resource: !GetAtt Key.Arn", "                Action: kms:Decrypt\n                Resource: arn:aws:kms:eu-west-1:111122223333:key/other");
    let (code, v) = check(&text, "t.yaml", &args);
    assert_eq!(code, 1);
    assert!(v["findings"].to_string().contains("kms:Decrypt"), "{v}");
}

#[test]
fn fix_writes_a_literal_scalar_in_a_yaml_template_and_keeps_every_other_byte() {
    let dir = tempfile::tempdir().unwrap();
    let before =
        seed("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry");
    let path = write(dir.path(), "t.yaml", &before);
    // reviewdog's suggestion, applied, is the fix below.
    let out = support::ecslint()
        .args(["check", "--cloudformation", "t.yaml", "--format", "rdjson"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let rdjson: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let suggestions = support::apply_rdjson(dir.path(), &rdjson);
    assert_eq!(suggestions, 1, "{rdjson:#}");
    let suggested = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, &before).unwrap();
    let out = support::ecslint()
        .args(["check", "--cloudformation", &path, "--fix"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding in 1 file"),
        "{out:?}"
    );
    let after = std::fs::read_to_string(&path).unwrap();
    let expected = before.replace(
        "Resource: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry\n",
        "Resource: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????\n",
    );
    assert_eq!(after, expected);
    assert_eq!(suggested, expected, "the suggestion applied is the fix");
    // And the template is clean now.
    let (code, v, _) = support::run_json("check", &["--cloudformation", &path]);
    assert_eq!((code, errors(&v)), (0, Vec::<String>::new()));
    // A value that an intrinsic gives is fixed only as an unsafe fix.
    let sub = seed(
        "!Sub 'arn:${AWS::Partition}:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry'",
    );
    let (_, v) = check(&sub, "t.yaml", &[]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    assert_eq!(f["fix"]["applicability"], "unsafe", "{f}");
    // It corrects the expression, its variable kept and its quoting too.
    assert_eq!(
        f["fix"]["edits"][0]["replacement"],
        "'arn:${AWS::Partition}:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????'",
        "{f}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "t.yaml", &sub);
    let (code, _, stderr) = support::run_json(
        "check",
        &["--cloudformation", &path, "--fix", "--unsafe-fixes"],
    );
    assert_eq!(code, 0, "{stderr}");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        sub.replace("gitlab-sample-registry'", "gitlab-sample-registry-??????'")
    );
    // The same in a JSON template's `Fn::Sub`.
    let json = serde_json::json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        "RoleName": "ecsTaskExecutionRole",
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:gitlab-sample-registry"}}]}}]}},
        "T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "ExecutionRoleArn": {"Fn::GetAtt": ["R", "Arn"]},
            "ContainerDefinitions": [{"Name": "n", "Image": "registry.example.com/n",
                "RepositoryCredentials": {"CredentialsParameter": "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU"}}]}}}});
    let (_, v) = check(&serde_json::to_string_pretty(&json).unwrap(), "t.json", &[]);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    assert_eq!(
        f["fix"]["edits"][0]["replacement"],
        "\"arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:gitlab-sample-registry-??????\"",
        "{f}"
    );
}

#[test]
fn conditions_are_decided_from_parameters_and_otherwise_read_both_ways() {
    let template = |default: &str| {
        format!(
            r#"Parameters:
  UseShared:
    Type: String{default}
Conditions:
  Shared: !Equals [!Ref UseShared, "yes"]
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:{ROLE_TRUST}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: arn:aws:secretsmanager:eu-west-1:111122223333:secret:own-??????
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: nginx
          Secrets:
            - Name: DB
              ValueFrom: !If [Shared, arn:aws:secretsmanager:eu-west-1:111122223333:secret:shared-AbCdEf, arn:aws:secretsmanager:eu-west-1:111122223333:secret:own-AbCdEf]
"#
        )
    };
    let args = ["--region", "eu-west-1", "--account-id", "111122223333"];
    // Decided by the default: only the secret the role may read.
    let (code, v) = check(&template("\n    Default: \"no\""), "t.yaml", &args);
    assert_eq!(
        (code, v["summary"]["needs_checked"].as_u64()),
        (0, Some(1)),
        "{v}"
    );
    // Decided by --parameter: the shared secret, not granted.
    let (code, v) = check(
        &template("\n    Default: \"no\""),
        "t.yaml",
        &[&args[..], &["--parameter", "UseShared=yes"]].concat(),
    );
    assert_eq!(code, 1, "{v}");
    // Not decided: both worlds are checked, and that is said.
    let (code, v) = check(&template(""), "t.yaml", &args);
    assert_eq!(
        (code, v["summary"]["needs_checked"].as_u64()),
        (1, Some(2)),
        "{v}"
    );
    assert!(
        v["findings"]
            .to_string()
            .contains("read both ways for condition `Shared`"),
        "{v}"
    );
}

/// A stack that creates its registry secret and grants it by display name; its execution role
/// has no `RoleName`, so CloudFormation names it.
fn created_secret_stack(resource: &str, managed: &str) -> String {
    format!(
        r#"Resources:
  RegistrySecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: gitlab-sample-registry
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:{ROLE_TRUST}{managed}
      Policies:
        - PolicyName: registry-credentials
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: {resource}
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub "${{AWS::StackName}}-web"
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: nginx
          Image: registry.gitlab.com/example-group/gitlab-sample/nginx:1.27
          RepositoryCredentials:
            CredentialsParameter: !Ref RegistrySecret
"#
    )
}

/// `aws cloudformation describe-stack-resources --stack-name web` of that stack, deployed.
const DEPLOYED: &str = r#"{
    "StackResources": [
        {"StackName": "web", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/web/6c2b7f10-0c4e-11f0-9a4e-0a1b2c3d4e5f",
         "LogicalResourceId": "RegistrySecret", "ResourceType": "AWS::SecretsManager::Secret",
         "PhysicalResourceId": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry-y54JnU",
         "ResourceStatus": "CREATE_COMPLETE"},
        {"StackName": "web", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/web/6c2b7f10-0c4e-11f0-9a4e-0a1b2c3d4e5f",
         "LogicalResourceId": "ExecutionRole", "ResourceType": "AWS::IAM::Role",
         "PhysicalResourceId": "web-ExecutionRole-1A2B3C4D5E6F", "ResourceStatus": "CREATE_COMPLETE"},
        {"StackName": "web", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/web/6c2b7f10-0c4e-11f0-9a4e-0a1b2c3d4e5f",
         "LogicalResourceId": "TaskDefinition", "ResourceType": "AWS::ECS::TaskDefinition",
         "PhysicalResourceId": "arn:aws:ecs:eu-west-1:111122223333:task-definition/web-web:3", "ResourceStatus": "CREATE_COMPLETE"}
    ]
}"#;

#[test]
fn a_deployed_stacks_resources_make_its_symbolic_arns_real() {
    let display = "!Sub arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:gitlab-sample-registry";
    let dir = tempfile::tempdir().unwrap();
    let template = write(dir.path(), "web.yaml", &created_secret_stack(display, ""));
    let resources = write(dir.path(), "resources.json", DEPLOYED);
    // Before the deploy: the secret is `NAME-??????`, the role its logical id.
    let (code, before, _) = support::run_json("check", &["--cloudformation", &template]);
    assert_eq!(
        (code, errors(&before)),
        (1, vec!["secret-display-name".to_string()])
    );
    let said = before["findings"].to_string();
    assert!(said.contains("gitlab-sample-registry-??????"), "{said}");
    // Deployed: the real suffix, the name CloudFormation gave the role, the stack's account and
    // region; the finding is still on the template's line.
    let (code, after, stderr) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &template,
            "--stack-resources",
            &resources,
        ],
    );
    assert_eq!(
        (code, errors(&after)),
        (1, vec!["secret-display-name".to_string()]),
        "{stderr}"
    );
    let said = after["findings"].to_string();
    for real in [
        "gitlab-sample-registry-y54JnU",
        "web-ExecutionRole-1A2B3C4D5E6F",
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry",
    ] {
        assert!(said.contains(real), "{real} not in {said}");
    }
    let finding = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "secret-display-name")
        .unwrap();
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("y54JnU") && !message.contains("??????"),
        "{message}"
    );
    let line = created_secret_stack(display, "")
        .lines()
        .position(|l| l.contains("Resource: !Sub"))
        .unwrap()
        + 1;
    assert_eq!(finding["location"]["line"], line, "{finding}");
    assert!(
        finding["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("web.yaml")
    );
    // The clean twin, granted by `Ref`: clean before and after the deploy.
    let granted = write(
        dir.path(),
        "granted.yaml",
        &created_secret_stack("!Ref RegistrySecret", ""),
    );
    for extra in [&[][..], &["--stack-resources", &resources][..]] {
        let (code, v, _) = support::run_json(
            "check",
            &[&["--cloudformation", &granted][..], extra].concat(),
        );
        assert_eq!((code, errors(&v)), (0, Vec::<String>::new()), "{v}");
        assert_eq!(v["summary"]["needs_granted"], v["summary"]["needs_checked"]);
    }
}

#[test]
fn deployed_parameters_decide_conditions_and_the_account_details_hold_customer_managed_policies() {
    let dir = tempfile::tempdir().unwrap();
    let managed =
        "\n      ManagedPolicyArns:\n        - arn:aws:iam::111122223333:policy/registry-read";
    let template = write(
        dir.path(),
        "web.yaml",
        &created_secret_stack(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:unrelated-??????",
            managed,
        ),
    );
    let resources = write(dir.path(), "resources.json", DEPLOYED);
    // The customer managed policy is not in the template: its grants are unknown, so the
    // missing grant is only a warning.
    let (code, v, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &template,
            "--stack-resources",
            &resources,
        ],
    );
    assert_eq!((code, errors(&v)), (0, Vec::<String>::new()), "{v}");
    assert!(v["findings"].to_string().contains("registry-read"), "{v}");
    // The account details hold it, and it grants the secret: clean, no warning about it.
    let details = serde_json::json!({
        "RoleDetailList": [],
        "Policies": [{
            "PolicyName": "registry-read",
            "Arn": "arn:aws:iam::111122223333:policy/registry-read",
            "DefaultVersionId": "v1",
            "PolicyVersionList": [{
                "VersionId": "v1", "IsDefaultVersion": true,
                "Document": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                    "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:gitlab-sample-registry-??????"}]}
            }]
        }]
    });
    let details = write(dir.path(), "account.json", &details.to_string());
    let (code, v, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &template,
            "--stack-resources",
            &resources,
            "--account-details",
            &details,
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert!(!v["findings"].to_string().contains("unknown"), "{v}");
    assert_eq!(v["summary"]["needs_granted"], v["summary"]["needs_checked"]);
    // A deployed parameter decides a condition the template leaves open.
    let conditional = r#"Parameters:
  Private:
    Type: String
    Default: "yes"
Conditions:
  IsPrivate: !Equals [!Ref Private, "yes"]
Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          RepositoryCredentials: !If
            - IsPrivate
            - CredentialsParameter: arn:aws:secretsmanager:eu-west-1:111122223333:secret:reg-AbCdEf
            - !Ref AWS::NoValue
"#;
    let conditional = write(dir.path(), "cond.yaml", conditional);
    let stacks = write(
        dir.path(),
        "stacks.json",
        r#"{"Stacks": [{"StackName": "web", "StackId": "arn:aws:cloudformation:eu-west-1:111122223333:stack/web/x",
            "Parameters": [{"ParameterKey": "Private", "ParameterValue": "no"}]}]}"#,
    );
    let (_, by_default, _) = support::run_json("check", &["--cloudformation", &conditional]);
    let (_, deployed, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &conditional,
            "--stack-resources",
            &stacks,
        ],
    );
    // The default reads the registry credentials (and misses an execution role); the deployed
    // value `no` drops them.
    assert!(
        by_default["findings"].to_string().contains("reg-AbCdEf"),
        "{by_default}"
    );
    assert!(
        !deployed["findings"].to_string().contains("reg-AbCdEf"),
        "{deployed}"
    );
    // `STACK=FILE` names the stack; one no file describes is said, not guessed.
    let (_, v, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &format!("other={conditional}"),
            "--stack-resources",
            &stacks,
        ],
    );
    assert!(v["findings"].to_string().contains("reg-AbCdEf"), "{v}");
    assert!(
        v["findings"]
            .to_string()
            .contains("no --stack-resources file describes"),
        "{v}"
    );
    let (_, v, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &format!("web={conditional}"),
            "--stack-resources",
            &stacks,
        ],
    );
    assert!(!v["findings"].to_string().contains("reg-AbCdEf"), "{v}");
    // Not a stack description: a located error.
    let bogus = write(dir.path(), "bogus.json", r#"{"Stacks": 3}"#);
    let (code, v, _) = support::run_json(
        "check",
        &[
            "--cloudformation",
            &conditional,
            "--stack-resources",
            &bogus,
        ],
    );
    assert_eq!(code, 1, "{v}");
    assert!(
        v["findings"]
            .to_string()
            .contains("not a stack description"),
        "{v}"
    );
}

#[test]
fn what_the_template_cannot_know_is_said_and_what_it_can_is_resolved() {
    let template = |role: &str| {
        format!(
            r#"Parameters:
  DbPassword:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/db-password-name
  AppName:
    Type: String
  ExecutionRole:
    Type: String
Mappings:
  Images:
    us-west-2:
      web: 123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Sub "/app/${{AppName}}"
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: {role}
      ContainerDefinitions:
        - Name: web
          Image: !FindInMap [Images, !Ref "AWS::Region", web]
          Secrets:
            - Name: PASSWORD
              ValueFrom: db-password
            - Name: OTHER
              ValueFrom: !Ref DbPassword
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: !Ref Logs
              awslogs-region: !Ref "AWS::Region"
              awslogs-stream-prefix: web
"#
        )
    };
    let made_elsewhere = template("arn:aws:iam::123456789012:role/made-elsewhere");
    let (code, v) = check(&made_elsewhere, "t.yaml", &["--region", "us-west-2"]);
    let findings = v["findings"].as_array().unwrap();
    let said = |rule: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| format!("{} {}", f["severity"], f["message"]))
            .collect()
    };
    // A role the template only names has unknown grants: a warning that says so, on the bare
    // SSM name in the task's region (which `--region` gives the template's task definition).
    assert_eq!(code, 0, "{v}");
    let missing = said("missing-permission");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].starts_with("\"warning\"")
            && missing[0].contains("arn:aws:ssm:us-west-2:123456789012:parameter/db-password")
            && missing[0].contains("arn:aws:ecr:us-west-2:123456789012:repository/web")
            && missing[0].contains("role `made-elsewhere` is not defined in the template"),
        "{missing:?}"
    );
    // `Fn::FindInMap` on the known region gives the image; an SSM-typed parameter's `Ref` is what
    // SSM holds, and a log group named from a parameter without a value is unknown: both said.
    let unresolved = said("unresolved-reference").join("\n");
    assert!(!unresolved.contains("FindInMap"), "{unresolved}");
    assert!(unresolved.contains("Ref DbPassword"), "{unresolved}");
    assert!(unresolved.contains("Ref Logs"), "{unresolved}");
    assert!(!v["findings"].to_string().contains("log-group:Logs"), "{v}");
    // Without a region, the map's row would be a guess: not looked up.
    let (_, v) = check(&made_elsewhere, "t.yaml", &[]);
    assert!(
        v["findings"].to_string().contains("FindInMap Images"),
        "{v}"
    );
    // A role known only at deploy time: nothing to say it lacks, only that it is unknown.
    let (code, v) = check(
        &template("!Ref ExecutionRole"),
        "t.yaml",
        &["--region", "us-west-2"],
    );
    assert_eq!(code, 0, "{v}");
    let findings = v["findings"].to_string();
    assert!(!findings.contains("missing-permission"), "{findings}");
    assert!(findings.contains("Ref ExecutionRole"), "{findings}");
}
