//! Property tests of the evaluator, on random policies of a small grammar: a statement that
//! cannot apply to the request changes nothing, and an explicit deny never makes a request
//! allowed (IAM user guide, "Policy evaluation logic": deny wins, and only statements that apply
//! decide).

use ecslint::iam::{
    Decision, PolicySet, PolicyType, Principal, Request, RequestContext, decision, evaluate,
};
use ecslint::json;
use ecslint::model::policy::{self, PolicyDocument};
use ecslint::model::source::SourceId;
use proptest::prelude::*;

const ROLE: &str = "arn:aws:iam::111111111111:role/exec";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf";

fn statement() -> impl Strategy<Value = String> {
    let effect = prop_oneof![Just("Allow"), Just("Deny")];
    let action = prop_oneof![
        Just("secretsmanager:GetSecretValue"),
        Just("secretsmanager:*"),
        Just("secretsmanager:Get*"),
        Just("*"),
        Just("kms:Decrypt")
    ];
    let resource = prop_oneof![
        Just(SECRET.to_string()),
        Just("arn:aws:secretsmanager:us-east-1:111111111111:secret:app-??????".to_string()),
        Just("arn:aws:secretsmanager:*:*:secret:other-*".to_string()),
        Just("*".to_string())
    ];
    let condition = prop_oneof![
        Just(String::new()),
        Just(
            r#", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}"#.to_string()
        ),
        Just(
            r#", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}"#.to_string()
        ),
        Just(r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#.to_string())
    ];
    (effect, action, resource, condition).prop_map(|(e, a, r, c)| {
        format!(r#"{{"Effect": "{e}", "Action": "{a}", "Resource": "{r}"{c}}}"#)
    })
}

fn parse(statements: &[String]) -> PolicyDocument {
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    );
    let node = json::parse(&text).unwrap();
    policy::parse(&node, SourceId(0)).0.unwrap()
}

fn decide(documents: &[(PolicyType, &PolicyDocument)], known_region: bool) -> Decision {
    let mut set = PolicySet::default();
    for (i, (kind, d)) in documents.iter().enumerate() {
        set.add(i, *kind, d);
    }
    let mut context = RequestContext::new();
    if known_region {
        context.set("aws:RequestedRegion", vec!["us-east-1".into()]);
    }
    let request = Request {
        action: "secretsmanager:GetSecretValue".into(),
        resource: SECRET.into(),
    };
    let principal = Principal::from_role_arn(ROLE).unwrap();
    let full = evaluate(&request, &set, Some(&principal), &context).decision;
    // The decision-only path must give exactly the same answer, statements included.
    let brief = decision(&request, &set, Some(&principal), &context);
    assert_eq!(
        full, brief,
        "decision() differs from evaluate() on {documents:?}"
    );
    full
}

/// A statement of a resource-based policy or key policy: principals as well.
fn resource_statement() -> impl Strategy<Value = String> {
    let principal = prop_oneof![
        Just(r#""Principal": "*""#.to_string()),
        Just(format!(r#""Principal": {{"AWS": "{ROLE}"}}"#)),
        Just(r#""Principal": {"AWS": "arn:aws:iam::111111111111:root"}"#.to_string()),
        Just(r#""Principal": {"AWS": "arn:aws:iam::222222222222:root"}"#.to_string()),
        Just(r#""NotPrincipal": {"AWS": "arn:aws:iam::222222222222:root"}"#.to_string()),
        Just(r#""Principal": {"Service": "ecs-tasks.amazonaws.com"}"#.to_string()),
    ];
    (statement(), principal).prop_map(|(s, p)| s.replacen('{', &format!("{{{p}, "), 1))
}

/// The decision without which statements decided it (their numbering shifts when one is added).
fn verdict(d: &Decision) -> &'static str {
    match d {
        Decision::Allowed { .. } => "allowed",
        Decision::Denied { explicit, .. } if !explicit.is_empty() => "explicit",
        Decision::Denied { .. } => "denied",
        Decision::Depends { .. } => "depends",
        Decision::DependsOnOtherAccount { .. } => "other-account",
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn a_statement_that_cannot_apply_changes_nothing(
        statements in prop::collection::vec(statement(), 1..6),
        known_region in any::<bool>(),
        deny in any::<bool>(),
    ) {
        let doc = parse(&statements);
        let before = verdict(&decide(&[(PolicyType::Identity, &doc)], known_region));
        // Another service's action, on another resource: it never applies to this request.
        let mut more = statements.clone();
        more.push(format!(
            r#"{{"Effect": "{}", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}}"#,
            if deny { "Deny" } else { "Allow" }
        ));
        let with = parse(&more);
        let after = verdict(&decide(&[(PolicyType::Identity, &with)], known_region));
        prop_assert_eq!(before, after);
    }

    #[test]
    fn an_explicit_deny_never_makes_a_request_allowed(
        statements in prop::collection::vec(statement(), 1..6),
        deny in statement(),
        known_region in any::<bool>(),
    ) {
        let doc = parse(&statements);
        let before = decide(&[(PolicyType::Identity, &doc)], known_region);
        let deny = deny.replacen("\"Allow\"", "\"Deny\"", 1);
        let denies = parse(&[deny]);
        let after = decide(
            &[(PolicyType::Identity, &doc), (PolicyType::Identity, &denies)],
            known_region,
        );
        if after.clone() != before && matches!(after, Decision::Allowed { .. }) {
            prop_assert!(false, "a deny turned {:?} into {:?}", before, after);
        }
        // And an unconditional deny that matches decides it.
        let flat = parse(&[format!(
            r#"{{"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "{SECRET}"}}"#
        )]);
        let denied = decide(&[(PolicyType::Identity, &doc), (PolicyType::Identity, &flat)], known_region);
        prop_assert_eq!(verdict(&denied), "explicit");
    }

    #[test]
    fn the_decision_alone_is_the_decision_of_the_trace(
        identity in prop::collection::vec(statement(), 0..4),
        boundary in prop::collection::vec(statement(), 0..3),
        scp in prop::collection::vec(statement(), 0..3),
        resource in prop::collection::vec(resource_statement(), 0..4),
        key in any::<bool>(),
        known_region in any::<bool>(),
    ) {
        // Every policy type at once; `decide` asserts that both paths agree.
        let docs: Vec<(PolicyType, PolicyDocument)> = [
            (PolicyType::Identity, identity),
            (PolicyType::PermissionsBoundary, boundary),
            (PolicyType::ServiceControl, scp),
            (if key { PolicyType::KeyPolicy } else { PolicyType::ResourceBased }, resource),
        ]
        .into_iter()
        .filter(|(_, statements)| !statements.is_empty())
        .map(|(kind, statements)| (kind, parse(&statements)))
        .collect();
        let refs: Vec<(PolicyType, &PolicyDocument)> = docs.iter().map(|(k, d)| (*k, d)).collect();
        decide(&refs, known_region);
    }
}
