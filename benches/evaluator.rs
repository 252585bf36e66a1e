//! Evaluations per second for a realistic role, and the pathological-pattern time.
//! `cargo bench`; the figures are recorded in the README's performance section.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecslint::iam::pattern::resource_matches;
use ecslint::iam::{PolicySet, Principal, Request, RequestContext, decision, evaluate};
use ecslint::json;
use ecslint::model::policy;
use ecslint::model::source::SourceId;
use std::hint::black_box;

/// A role policy with 50 statements of 20 resources each; none matches the request, so every
/// statement and resource is tried.
fn big_policy() -> policy::PolicyDocument {
    let statements: Vec<String> = (0..50)
        .map(|s| {
            let resources: Vec<String> = (0..20)
                .map(|r| format!("\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:team{s}/svc{r}-??????\""))
                .collect();
            format!(
                r#"{{"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "Resource": [{}]}}"#,
                resources.join(", ")
            )
        })
        .collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    );
    let (doc, _) = policy::parse(&json::parse(&text).unwrap(), SourceId(0));
    doc.unwrap()
}

/// A typical execution role: AmazonECSTaskExecutionRolePolicy and an inline policy of two
/// statements naming ten resources.
fn typical_role() -> (policy::PolicyDocument, policy::PolicyDocument) {
    let managed = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [
        "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}]}"#;
    let secrets: Vec<String> = (0..8)
        .map(|r| {
            format!("\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/s{r}-??????\"")
        })
        .collect();
    let inline = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
            {{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [{}]}},
            {{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": [
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "arn:aws:kms:eu-west-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"]}}]}}"#,
        secrets.join(", ")
    );
    let parse = |t: &str| {
        policy::parse(&json::parse(t).unwrap(), SourceId(0))
            .0
            .unwrap()
    };
    (parse(managed), parse(&inline))
}

/// One request for a secret against `set`, by the execution role, as criterion's `name`: the
/// decision alone (what `check` and fix verification ask), and with the full trace.
fn bench_evaluation(c: &mut Criterion, name: &str, set: &PolicySet<'_>, secret: &str) {
    let principal = Principal::from_role_arn("arn:aws:iam::123456789012:role/exec").unwrap();
    let context = RequestContext::new();
    let request = Request {
        action: "secretsmanager:GetSecretValue".into(),
        resource: secret.into(),
    };
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        b.iter(|| decision(black_box(&request), set, Some(&principal), &context))
    });
    group.bench_function(format!("{name}, with trace"), |b| {
        b.iter(|| evaluate(black_box(&request), set, Some(&principal), &context))
    });
    group.finish();
}

fn typical(c: &mut Criterion) {
    let (managed, inline) = typical_role();
    let set = PolicySet::identity(&[&managed, &inline]);
    let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/s5-AbCdEf";
    bench_evaluation(c, "typical execution role", &set, secret);
}

fn evaluations(c: &mut Criterion) {
    let doc = big_policy();
    let set = PolicySet::identity(&[&doc]);
    let secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other/app-AbCdEf";
    bench_evaluation(c, "50 statements x 20 resources", &set, secret);
}

fn pathological(c: &mut Criterion) {
    let pattern = format!("arn:aws:s3:::{}b", "*a".repeat(500));
    let arn = format!("arn:aws:s3:::{}", "a".repeat(10_000));
    c.bench_function("500 stars against a 10 KB ARN", |b| {
        b.iter(|| resource_matches(black_box(&pattern), black_box(&arn)))
    });
}

criterion_group!(benches, typical, evaluations, pathological);
criterion_main!(benches);
