//! Edge cases of the check, written inline: each runs the library on temporary files.

mod support;

use ecslint::load::{Input, InputKind};
use ecslint::model::source::SourceMap;

struct Run {
    rules: Vec<&'static str>,
    checked: usize,
    granted: usize,
    sources: SourceMap,
    findings: Vec<ecslint::rules::Finding>,
}

fn run(task: &str, policies: &[&str], secrets: &[&str]) -> Run {
    run_in(None, task, policies, secrets)
}

/// [`run`] with `--region`.
fn run_in(region: Option<&str>, task: &str, policies: &[&str], secrets: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let named =
        |prefix: &str, i: usize, kind, text| (format!("{prefix}{i}.json"), kind, None, text);
    let files: Vec<(String, InputKind, Option<&str>, &str)> = std::iter::once((
        "task.json".to_string(),
        InputKind::TaskDefinition,
        None,
        task,
    ))
    .chain(
        policies
            .iter()
            .enumerate()
            .map(|(i, p)| named("policy", i, InputKind::Policy, *p)),
    )
    .chain(
        secrets
            .iter()
            .enumerate()
            .map(|(i, s)| named("secrets", i, InputKind::Secrets, *s)),
    )
    .collect();
    let options = ecslint::CheckOptions {
        region: region.map(str::to_string),
        ..Default::default()
    };
    let checked = support::check_files_with(dir.path(), &files, &options);
    Run {
        rules: checked.findings.iter().map(|f| f.rule).collect(),
        checked: checked.needs_checked,
        granted: checked.needs_granted,
        findings: checked.findings,
        sources: checked.sources,
    }
}

fn task_with_credentials(reference: &str) -> String {
    format!(
        r#"{{"family": "web", "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
            "containerDefinitions": [{{"name": "web", "image": "registry.example.com/web:1",
            "repositoryCredentials": {{"credentialsParameter": "{reference}"}}}}]}}"#
    )
}

fn policy_allowing(resource: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue", "Resource": "{resource}"}}]}}"#
    )
}

const PREFIX: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

/// A secret whose own name ends in `-` and six characters: `deploy-abcdef`.
fn lookalike_secrets() -> String {
    format!(
        r#"{{"SecretList": [{{"ARN": "{PREFIX}deploy-abcdef-XyZ123", "Name": "deploy-abcdef"}}]}}"#
    )
}

#[test]
fn a_name_that_itself_ends_like_a_suffix_is_not_mistaken_for_the_arn() {
    let task = task_with_credentials(&format!("{PREFIX}deploy-abcdef-XyZ123"));
    let secrets = lookalike_secrets();
    let display = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-abcdef"))],
        &[&secrets],
    );
    assert_eq!(display.rules, ["secret-display-name"]);
    let fix = display.findings[0].fix.as_ref().unwrap();
    assert_eq!(
        fix.edits[0].replacement,
        format!("\"{PREFIX}deploy-abcdef-??????\"")
    );
    for good in [
        format!("{PREFIX}deploy-abcdef-??????"),
        format!("{PREFIX}deploy-abcdef-XyZ123"),
    ] {
        let r = run(&task, &[&policy_allowing(&good)], &[&secrets]);
        assert_eq!(r.rules, Vec::<&str>::new(), "{good}");
        assert_eq!((r.checked, r.granted), (1, 1));
    }
    // `deploy-??????` looks right but names the secret `deploy`, not `deploy-abcdef`.
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-??????"))],
        &[&secrets],
    );
    assert_eq!(r.rules, ["missing-permission"]);
}

fn task_with_secret(value_from: &str) -> String {
    format!(
        r#"{{"family": "api", "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
            "containerDefinitions": [{{"name": "api", "image": "api:1",
            "secrets": [{{"name": "DB_PASSWORD", "valueFrom": "{value_from}"}}]}}]}}"#
    )
}

fn deploy_secrets() -> String {
    format!(
        r#"{{"SecretList": [{{"ARN": "{PREFIX}deploy-XyZ123", "Name": "deploy"}}, {{"ARN": "{PREFIX}deploy-abcdef-XyZ123", "Name": "deploy-abcdef"}}]}}"#
    )
}

#[test]
fn a_partial_arn_reference_is_evaluated_as_requested_the_reverse_trap() {
    let secrets = deploy_secrets();
    let task = task_with_credentials(&format!("{PREFIX}deploy"));
    // The policy grants the secret's full ARN, by `-??????`, exactly or by `-*`: the partial ARN
    // the task definition requests matches none of them, and the reference is what to fix.
    for grant in [
        format!("{PREFIX}deploy-??????"),
        format!("{PREFIX}deploy-XyZ123"),
        format!("{PREFIX}deploy-*"),
    ] {
        let r = run(&task, &[&policy_allowing(&grant)], &[&secrets]);
        let mine: Vec<&str> = r
            .rules
            .iter()
            .copied()
            .filter(|r| *r != "secret-wildcard-broad")
            .collect();
        assert_eq!(mine, ["secret-reference-partial-arn"], "{grant}");
        assert_eq!((r.checked, r.granted), (1, 0), "{grant}");
        let finding = r
            .findings
            .iter()
            .find(|f| f.rule == "secret-reference-partial-arn")
            .unwrap();
        let loc = finding.loc.unwrap();
        assert!(r.sources.get(loc.source).name.ends_with("task.json"));
        assert_eq!(r.sources.slice(loc), format!("\"{PREFIX}deploy\""));
        let fix = finding.fix.as_ref().unwrap();
        assert_eq!(fix.applicability, ecslint::fix::Applicability::Safe);
        assert_eq!(
            fix.edits[0].replacement,
            format!("\"{PREFIX}deploy-XyZ123\"")
        );
        // Applied, the reference is the full ARN and the same policy grants it.
        let fixed = task_with_credentials(&format!("{PREFIX}deploy-XyZ123"));
        let r = run(&fixed, &[&policy_allowing(&grant)], &[&secrets]);
        assert!(
            !r.rules.contains(&"secret-reference-partial-arn"),
            "{grant}"
        );
        assert_eq!(r.granted, 1, "{grant}");
    }
    // Correct twins: a grant that matches the ARN as requested lets the task read it.
    for grant in [
        format!("{PREFIX}deploy"),
        format!("{PREFIX}deploy*"),
        "*".to_string(),
    ] {
        let r = run(&task, &[&policy_allowing(&grant)], &[&secrets]);
        assert!(
            !r.rules.contains(&"secret-reference-partial-arn"),
            "{grant}"
        );
        assert!(!r.rules.contains(&"secret-arn-without-suffix"), "{grant}");
        assert_eq!(r.granted, 1, "{grant}");
    }
    // `deploy*` is broad, but narrowing it to `deploy-??????` alone would stop this task: the
    // fix also names the full ARN in the task definition, and the help says why. Without the
    // listing the full ARN is unknown, and there is no fix.
    let broad = |secrets: &[&str]| {
        let r = run(
            &task,
            &[&policy_allowing(&format!("{PREFIX}deploy*"))],
            secrets,
        );
        r.findings
            .into_iter()
            .find(|f| f.rule == "secret-wildcard-broad")
            .unwrap()
    };
    let with_listing = broad(&[&secrets]);
    assert!(
        with_listing
            .help
            .as_deref()
            .unwrap()
            .contains("partial ARN")
    );
    // The grant narrowed, and the reference named by its full ARN.
    let narrowed_and_rewritten = |finding: &ecslint::rules::Finding| {
        let edits: Vec<&str> = finding
            .fix
            .as_ref()
            .unwrap()
            .edits
            .iter()
            .map(|e| e.replacement.as_str())
            .collect();
        assert_eq!(
            edits,
            [
                format!("\"{PREFIX}deploy-??????\""),
                format!("\"{PREFIX}deploy-XyZ123\"")
            ],
            "{}",
            finding.rule
        );
    };
    narrowed_and_rewritten(&with_listing);
    assert!(broad(&[]).fix.is_none());
    // The same for `"Resource": "*"`: its narrowing fix rewrites the reference too.
    let r = run(&task, &[&policy_allowing("*")], &[&secrets]);
    narrowed_and_rewritten(
        r.findings
            .iter()
            .find(|f| f.rule == "resource-star-reads")
            .unwrap(),
    );
    let r = run(&task, &[&policy_allowing("*")], &[]);
    let star = r.findings.iter().find(|f| f.rule == "resource-star-reads");
    assert!(star.unwrap().fix.is_none());
    // The display name in the policy with the full ARN in the task definition is the forward trap.
    let r = run(
        &task_with_credentials(&format!("{PREFIX}deploy-XyZ123")),
        &[&policy_allowing(&format!("{PREFIX}deploy"))],
        &[&secrets],
    );
    assert_eq!(r.rules, ["secret-display-name"]);
}

#[test]
fn the_reverse_trap_keeps_the_json_key_tail_and_works_without_the_listing() {
    let task = task_with_secret(&format!("{PREFIX}deploy:password::"));
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-??????"))],
        &[&deploy_secrets()],
    );
    assert_eq!(r.rules, ["secret-reference-partial-arn"]);
    let fix = r.findings[0].fix.as_ref().unwrap();
    assert_eq!(
        fix.edits[0].replacement,
        format!("\"{PREFIX}deploy-XyZ123:password::\"")
    );
    // No listing: a `-??????` grant is still a grant of the full ARN, but which one is unknown,
    // so there is no fix, only how to look it up.
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-??????"))],
        &[],
    );
    assert_eq!(r.rules, ["secret-reference-partial-arn"]);
    assert!(r.findings[0].fix.is_none());
    assert!(
        r.findings[0]
            .help
            .as_deref()
            .unwrap()
            .contains("describe-secret --secret-id deploy")
    );
    // A full ARN in the policy says which one, for a fix to review.
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-XyZ123"))],
        &[],
    );
    assert_eq!(r.rules, ["secret-reference-partial-arn"]);
    let fix = r.findings[0].fix.as_ref().unwrap();
    assert_eq!(fix.applicability, ecslint::fix::Applicability::Unsafe);
    assert_eq!(
        fix.edits[0].replacement,
        format!("\"{PREFIX}deploy-XyZ123:password::\"")
    );
    // Nothing grants it at all: that is a missing permission, not the reverse trap, and its help
    // says the grant alone will not do.
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}other-??????"))],
        &[],
    );
    assert_eq!(r.rules, ["missing-permission"]);
    assert!(r.findings[0].help.as_deref().unwrap().contains("full ARN"));
    // An entry with its own mistake (another region) is reported for the stored ARN it was
    // written for; once it is right, the reverse trap shows.
    let other_region = format!("{PREFIX}deploy-??????").replace("us-east-1", "us-west-2");
    let r = run(
        &task,
        &[&policy_allowing(&other_region)],
        &[&deploy_secrets()],
    );
    assert_eq!(r.rules, ["arn-wrong-region"]);
    assert_eq!(
        r.findings[0].fix.as_ref().unwrap().edits[0].replacement,
        format!("\"{PREFIX}deploy-??????\"")
    );
}

#[test]
fn a_deny_on_the_suffixed_arn_is_sidestepped_by_a_partial_arn() {
    let policy = |deny: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}},
                {{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "{deny}"}}]}}"#
        )
    };
    let task = task_with_secret(&format!("{PREFIX}deploy"));
    for deny in [
        format!("{PREFIX}deploy-*"),
        format!("{PREFIX}deploy-??????"),
        format!("{PREFIX}deploy-XyZ123"),
    ] {
        let r = run(&task, &[&policy(&deny)], &[&deploy_secrets()]);
        // The partial-ARN request is allowed: the Deny does not match it.
        assert_eq!(r.granted, 1, "{deny}");
        let sidestep: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == "secret-deny-sidestep")
            .collect();
        assert_eq!(sidestep.len(), 1, "{deny}: {:?}", r.rules);
        assert_eq!(
            r.sources.slice(sidestep[0].loc.unwrap()),
            format!("\"{deny}\"")
        );
        let fix = sidestep[0].fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].replacement, format!("\"{PREFIX}deploy*\""));
    }
    // Widened, the Deny stops the request and the warning is gone.
    let r = run(
        &task,
        &[&policy(&format!("{PREFIX}deploy*"))],
        &[&deploy_secrets()],
    );
    assert!(!r.rules.contains(&"secret-deny-sidestep"));
    assert!(r.rules.contains(&"explicit-deny"));
    assert_eq!(r.granted, 0);
    // A Deny that lists the bare ARN too is complete; a Deny on other actions is not about reads.
    let both = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue",
            "Resource": ["{PREFIX}deploy-??????", "{PREFIX}deploy"]}}]}}"#
    );
    let writes = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "secretsmanager:DeleteSecret",
            "Resource": "{PREFIX}deploy-??????"}}]}}"#
    );
    // `prod-*` with no secret called `prod` is a prefix of many secrets: a partial ARN of any of
    // them (`prod-db`) matches it.
    let prefix = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Action": "secretsmanager:*",
            "Resource": "{PREFIX}prod-*"}}]}}"#
    );
    for doc in [both, writes, prefix] {
        let r = run(
            &task_with_secret(&format!("{PREFIX}deploy-XyZ123")),
            &[&doc],
            &[&deploy_secrets()],
        );
        assert!(!r.rules.contains(&"secret-deny-sidestep"), "{doc}");
    }
}

#[test]
fn a_partial_arn_of_a_name_that_looks_suffixed_is_flagged_and_fixed_to_the_full_arn() {
    let task = task_with_credentials(&format!("{PREFIX}deploy-abcdef"));
    let r = run(
        &task,
        &[&policy_allowing(&format!("{PREFIX}deploy-abcdef-??????"))],
        &[&lookalike_secrets()],
    );
    // One finding for the place, though the partial ARN is also denied as requested: the fix
    // (the full ARN) is the same.
    assert_eq!(r.rules, ["secret-partial-arn-ambiguous"]);
    let fix = r.findings[0].fix.as_ref().unwrap();
    assert_eq!(
        fix.edits[0].replacement,
        format!("\"{PREFIX}deploy-abcdef-XyZ123\"")
    );
    assert_eq!(r.granted, 0, "IAM evaluates the partial ARN as requested");
}

#[test]
fn a_url_encoded_policy_document_is_its_own_source() {
    let task = task_with_credentials(&format!("{PREFIX}app-AbCdEf"));
    let document = policy_allowing(&format!("{PREFIX}app"));
    let encoded: String = document
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let wrapper =
        format!(r#"{{"RoleName": "exec", "PolicyName": "inline", "PolicyDocument": "{encoded}"}}"#);
    let r = run(&task, &[&wrapper], &[]);
    assert_eq!(r.rules, ["secret-display-name"]);
    let loc = r.findings[0].loc.unwrap();
    let source = r.sources.get(loc.source);
    assert!(
        source.name.ends_with("policy0.json#PolicyDocument"),
        "{}",
        source.name
    );
    assert!(!source.is_file());
    assert_eq!(source.slice(loc.span), format!("\"{PREFIX}app\""));
}

#[test]
fn kms_needs_follow_the_secret_key() {
    let task = task_with_credentials(&format!("{PREFIX}app-AbCdEf"));
    let policy = policy_allowing(&format!("{PREFIX}app-??????"));
    let with_key = |key: &str| {
        format!(r#"{{"ARN": "{PREFIX}app-AbCdEf", "Name": "app", "KmsKeyId": "{key}"}}"#)
    };
    // The AWS managed key needs no kms:Decrypt grant.
    let r = run(&task, &[&policy], &[&with_key("alias/aws/secretsmanager")]);
    assert_eq!((r.rules.len(), r.checked, r.granted), (0, 1, 1));
    // A key ID is a key in the secret's region and account.
    let r = run(
        &task,
        &[&policy],
        &[&with_key("1234abcd-12ab-34cd-56ef-1234567890ab")],
    );
    assert_eq!(r.rules, ["missing-permission"]);
    assert!(
        r.findings[0].message.contains(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )
    );
    // An alias cannot be resolved offline: say so instead of guessing.
    let r = run(&task, &[&policy], &[&with_key("alias/app-secrets")]);
    assert_eq!(r.rules, ["unresolved-reference"]);
}

#[test]
fn wildcards_and_not_resource_grant_as_iam_does() {
    let task = task_with_credentials(&format!("{PREFIX}app-AbCdEf"));
    for (policy, granted) in [
        (policy_allowing("*"), 1),
        (policy_allowing("arn:aws:secretsmanager:*:123456789012:secret:app-*"), 1),
        (policy_allowing("arn:aws:secretsmanager:us-east-1:123456789012:secret:APP-??????"), 0),
        (
            r#"{"Statement": {"Effect": "Allow", "Action": "secretsmanager:*", "NotResource": "arn:aws:secretsmanager:*:*:secret:other-*"}}"#.to_string(),
            1,
        ),
        (
            r#"{"Statement": {"Effect": "Allow", "NotAction": "secretsmanager:GetSecretValue", "Resource": "*"}}"#.to_string(),
            0,
        ),
    ] {
        let r = run(&task, &[&policy], &[]);
        assert_eq!(r.granted, granted, "{policy}: {:?}", r.rules);
    }
}

#[test]
fn policies_from_several_files_are_evaluated_together() {
    let task = task_with_credentials(&format!("{PREFIX}app-AbCdEf"));
    let allow = policy_allowing(&format!("{PREFIX}app-??????"));
    let deny = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;
    let r = run(&task, &[&allow, deny], &[]);
    assert_eq!(r.rules, ["explicit-deny"]);
    assert_eq!(r.granted, 0);
}

#[test]
fn fargate_without_an_execution_role_cannot_pull_from_ecr() {
    let task = r#"{"family": "web", "requiresCompatibilities": ["FARGATE"],
        "containerDefinitions": [{"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1",
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web"}}}]}"#;
    let r = run(task, &[], &[]);
    assert!(r.rules.contains(&"missing-execution-role"), "{:?}", r.rules);
    let f = r
        .findings
        .iter()
        .find(|f| f.rule == "missing-execution-role")
        .unwrap();
    assert!(f.note.as_deref().unwrap().contains("to support ECR images"));
    assert_eq!(f.related.len(), 1, "the awslogs driver is named too");
    // On EC2 the container instance role pulls images: nothing to report.
    let ec2 = task.replace("\"FARGATE\"", "\"EC2\"");
    let r = run(&ec2, &[], &[]);
    assert!(
        !r.rules.contains(&"missing-execution-role"),
        "{:?}",
        r.rules
    );
}

/// A key policy that names another role and does not delegate to IAM denies `kms:Decrypt`
/// whatever the execution role's policy says; one that delegates lets that policy count.
/// A task reading `secret` through repositoryCredentials, a policy granting it and `kms:Decrypt`
/// on `decrypt`, and the secret listed under the key `kms_key_id`; `more` adds a test's own files
/// (it gets the inputs and a writer into the same folder). The check's result.
fn keyed_check(
    secret: &str,
    decrypt: &str,
    kms_key_id: &str,
    more: impl FnOnce(&mut Vec<Input>, &dyn Fn(&str, &str) -> String),
) -> ecslint::Checked {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let identity = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "{secret}"}},
            {{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "{decrypt}"}}]}}"#
    );
    let name = secret
        .trim_start_matches(PREFIX)
        .rsplit_once('-')
        .map_or(secret, |(n, _)| n);
    let listing = format!(
        r#"{{"SecretList": [{{"ARN": "{secret}", "Name": "{name}", "KmsKeyId": "{kms_key_id}"}}]}}"#
    );
    let mut inputs = vec![
        Input::file(
            InputKind::TaskDefinition,
            write("task.json", &task_with_credentials(secret)),
        ),
        Input::file(InputKind::Policy, write("policy.json", &identity)),
        Input::file(InputKind::Secrets, write("secrets.json", &listing)),
    ];
    more(&mut inputs, &write);
    ecslint::check(&inputs, &Default::default()).unwrap()
}

#[test]
fn a_key_policy_that_does_not_delegate_to_iam_is_named_as_the_cause() {
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let secret = format!("{PREFIX}db-AbCdEf");
    let run = |key_policy: &str| {
        keyed_check(&secret, key, key, |inputs, write| {
            inputs.push(
                Input::file(InputKind::KeyPolicy, write("key-policy.json", key_policy))
                    .owned_by(key),
            );
        })
    };
    let other_role_only = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/other"}, "Action": "kms:Decrypt", "Resource": "*"}]}"#;
    let checked = run(other_role_only);
    let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["missing-permission"]);
    let finding = &checked.findings[0];
    assert!(
        finding.message.starts_with(&format!(
            "the key policy of `{key}` neither allows the execution role"
        )),
        "{}",
        finding.message
    );
    assert!(
        finding.fix.is_none(),
        "the identity policy is not what to edit"
    );
    assert_eq!(checked.needs_granted, 1);

    let delegating = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
    let checked = run(delegating);
    assert!(checked.findings.is_empty(), "{:?}", checked.findings);
    assert_eq!((checked.needs_checked, checked.needs_granted), (2, 2));
}

#[test]
fn list_aliases_resolves_a_key_named_by_alias_and_proves_the_alias_fix() {
    let key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
    let key = format!("arn:aws:kms:us-east-1:123456789012:key/{key_id}");
    let alias = "arn:aws:kms:us-east-1:123456789012:alias/app-secrets";
    let secret = format!("{PREFIX}app-AbCdEf");
    let run = |aliases: Option<&str>, secret_key: &str, alias_target: &str| {
        let listing = format!(
            r#"{{"Aliases": [
                {{"AliasName": "alias/aws/secretsmanager", "AliasArn": "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"}},
                {{"AliasName": "alias/app-secrets", "AliasArn": "{alias}", "TargetKeyId": "{alias_target}"}}]}}"#
        );
        keyed_check(&secret, alias, secret_key, |inputs, write| {
            if aliases.is_some() {
                inputs.push(Input::file(
                    InputKind::KmsAliases,
                    write("aliases.json", &listing),
                ));
            }
        })
    };
    // The secret names its key by alias, as DescribeSecret may. Without the listing the alias
    // cannot be followed: said, not guessed.
    let checked = run(None, "alias/app-secrets", key_id);
    let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["unresolved-reference"]);

    // With it, kms:Decrypt is checked on the key, and the alias in `Resource` is fixed safely.
    let checked = run(Some("listed"), "alias/app-secrets", key_id);
    let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["kms-alias-resource"]);
    let fix = checked.findings[0].fix.as_ref().unwrap();
    assert_eq!(fix.applicability, ecslint::fix::Applicability::Safe);
    assert!(fix.message.contains(&key), "{}", fix.message);

    // An alias that points at another key proves nothing about the secret's: still a finding,
    // but the fix to the secret's key stays a suggestion.
    let checked = run(Some("listed"), &key, "99999999-0000-0000-0000-000000000000");
    let rules: Vec<&str> = checked.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["kms-alias-resource"]);
    let fix = checked.findings[0].fix.as_ref().unwrap();
    assert_eq!(fix.applicability, ecslint::fix::Applicability::Unsafe);
    assert!(fix.message.contains(&key), "{}", fix.message);
}

/// A Fargate task mounting an EFS file system with IAM authorization, with `role` as its
/// execution role and `task_role` as its task role.
fn task_mounting_efs(role: &str, task_role: &str) -> String {
    format!(
        r#"{{"family": "app", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "executionRoleArn": "arn:aws:iam::123456789012:role/{role}",
            "taskRoleArn": "arn:aws:iam::123456789012:role/{task_role}",
            "volumes": [{{"name": "data", "efsVolumeConfiguration": {{"fileSystemId": "fs-12345678",
                "transitEncryption": "ENABLED", "authorizationConfig": {{"iam": "ENABLED"}}}}}}],
            "containerDefinitions": [{{"name": "app", "image": "nginx:1",
                "mountPoints": [{{"sourceVolume": "data", "containerPath": "/data"}}]}}]}}"#
    )
}

const CLIENT_MOUNT: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
    "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": "*"}]}"#;

#[test]
fn one_role_for_both_jobs_holds_the_policies_given_without_a_role() {
    // About a quarter of real task definitions name the same role twice; `--policy FILE` is that
    // role's, so the task role's EFS mount is granted, not "granted to the execution role".
    let region = Some("eu-west-1");
    let same = run_in(
        region,
        &task_mounting_efs("app", "app"),
        &[CLIENT_MOUNT],
        &[],
    );
    // Said once as information, and no other rule treats it as a mistake.
    assert_eq!(same.rules, vec!["execution-role-is-task-role"]);
    assert!(same.checked >= 1 && same.checked == same.granted);
    // Two roles: the policy given without a role is the execution role's, which is wrong here.
    let two = run_in(
        region,
        &task_mounting_efs("exec", "app"),
        &[CLIENT_MOUNT],
        &[],
    );
    assert!(
        two.rules.contains(&"grant-on-wrong-role"),
        "{:?}",
        two.rules
    );
}

#[test]
fn trust_and_resource_policies_given_as_policies_are_read_as_what_they_are() {
    // The standard trust policy has no `Resource`: the role is its resource.
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    // A secret's resource policy, where `*` is that secret, not every secret.
    let secret_policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/exec"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}"#;
    let task = task_with_credentials(&format!("{PREFIX}deploy-AbCdEf"));
    let r = run(&task, &[trust, secret_policy], &[]);
    assert!(
        !r.rules
            .iter()
            .any(|r| ["invalid-policy", "resource-star-reads"].contains(r)),
        "{:?}",
        r.rules
    );
    // Neither grants the execution role anything: the secret is not read through them.
    assert!(r.rules.contains(&"missing-permission"), "{:?}", r.rules);
    // Without a principal the same statement is an identity policy's, and broken.
    let no_principal = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "sts:AssumeRole"}]}"#;
    assert!(
        run(&task, &[no_principal], &[])
            .rules
            .contains(&"invalid-policy")
    );
}

#[test]
fn the_agents_kms_request_carries_what_secrets_manager_sends() {
    // The key policy AWS's Secrets Manager guide shows for a secret's key: decrypt only through
    // Secrets Manager, in the caller's account, for this secret (Secrets Manager user guide,
    // "Secret encryption and decryption": kms:ViaService, kms:CallerAccount and the encryption
    // context SecretARN).
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let secret = format!("{PREFIX}db-AbCdEf");
    let key_policy = |via: &str, secret_arn: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
            "Principal": {{"AWS": "arn:aws:iam::123456789012:role/exec"}}, "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {{"StringEquals": {{"kms:ViaService": "{via}", "kms:CallerAccount": "123456789012",
                "kms:EncryptionContext:SecretARN": "{secret_arn}"}}}}}}]}}"#
        )
    };
    let run = |key_policy: String| {
        keyed_check(&secret, key, key, |inputs, write| {
            inputs.push(
                Input::file(InputKind::KeyPolicy, write("key-policy.json", &key_policy))
                    .owned_by(key),
            );
        })
    };
    let granted = run(key_policy(
        "secretsmanager.us-east-1.amazonaws.com",
        &secret,
    ));
    assert!(granted.findings.is_empty(), "{:?}", granted.findings);
    assert_eq!((granted.needs_checked, granted.needs_granted), (2, 2));
    // Through another service, or for another secret, the same request is refused: known, not
    // "depends on a condition".
    for (via, arn) in [
        ("ssm.us-east-1.amazonaws.com", secret.clone()),
        (
            "secretsmanager.us-east-1.amazonaws.com",
            format!("{PREFIX}other-AbCdEf"),
        ),
    ] {
        let denied = run(key_policy(via, &arn));
        let rules: Vec<&str> = denied.findings.iter().map(|f| f.rule).collect();
        assert!(
            rules.contains(&"condition-not-met") || rules.contains(&"missing-permission"),
            "{via} {arn}: {rules:?}"
        );
        assert!(!rules.contains(&"condition-dependent"), "{rules:?}");
    }
}
