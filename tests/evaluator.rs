//! Table-driven tests of the evaluator. Each case names the documented rule it rests on (IAM user
//! guide: "Policy evaluation logic", "IAM JSON policy elements", "Condition operators",
//! "Condition keys with multiple values", "Policy variables"; KMS developer guide: "Key policies").

use ecslint::iam::{Decision, PolicySet, PolicyType, Principal, Request, RequestContext, evaluate};
use ecslint::json;
use ecslint::model::policy::{self, PolicyDocument};
use ecslint::model::source::SourceId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Allowed,
    /// Implicitly denied.
    Denied,
    /// Explicitly denied.
    Explicit,
    Depends,
    /// Allowed by the caller's side, waiting for the other account's policy (not given).
    OtherAccount,
}
use Expect::*;

#[path = "evaluator/documented.rs"]
mod documented;

const ROLE: &str = "arn:aws:iam::111111111111:role/ecsTaskExecutionRole";
/// The ECS agent's session of the role.
const SESSION: &str = "arn:aws:sts::111111111111:assumed-role/ecsTaskExecutionRole/8f2a6c";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf";
const FOREIGN_SECRET: &str = "arn:aws:secretsmanager:us-east-1:222222222222:secret:shared-AbCdEf";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FOREIGN_KEY: &str =
    "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OBJECT: &str = "arn:aws:s3:::shared-config/app.env";
const TARGET_ROLE: &str = "arn:aws:iam::111111111111:role/deployer";
const FOREIGN_ROLE: &str = "arn:aws:iam::222222222222:role/deployer";
const GET: &str = "secretsmanager:GetSecretValue";

struct Case {
    rule: String,
    /// The guide page and section a documented case rests on (empty for the older cases,
    /// whose group comments cite them).
    page: &'static str,
    policies: Vec<(PolicyType, String)>,
    action: &'static str,
    resource: &'static str,
    context: Vec<(&'static str, Vec<&'static str>)>,
    absent: Vec<&'static str>,
    expect: Expect,
}

fn case(rule: &'static str, policies: Vec<(PolicyType, String)>, expect: Expect) -> Case {
    Case {
        rule: rule.to_string(),
        page: "",
        policies,
        action: GET,
        resource: SECRET,
        context: Vec::new(),
        absent: Vec::new(),
        expect,
    }
}

impl Case {
    fn on(mut self, action: &'static str, resource: &'static str) -> Case {
        self.action = action;
        self.resource = resource;
        self
    }

    fn with(mut self, key: &'static str, values: &[&'static str]) -> Case {
        self.context.push((key, values.to_vec()));
        self
    }

    fn without(mut self, key: &'static str) -> Case {
        self.absent.push(key);
        self
    }
}

fn id(text: String) -> (PolicyType, String) {
    (PolicyType::Identity, text)
}

fn statement(effect: &str, action: &str, resource: &str) -> String {
    format!(r#"{{"Effect": "{effect}", "Action": "{action}", "Resource": "{resource}"}}"#)
}

fn doc(statements: &[String]) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    )
}

fn allow_all() -> String {
    doc(&[statement("Allow", "*", "*")])
}

/// An allow of everything under one condition block.
fn allow_if(condition: &str) -> String {
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {condition}}}]}}"#
    )
}

fn resource_policy(effect: &str, principal: &str) -> (PolicyType, String) {
    (
        PolicyType::ResourceBased,
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "{effect}", "Principal": {principal}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}}]}}"#
        ),
    )
}

/// A role's trust policy: who may assume it (no `Resource`: the role is its resource).
fn trust(principal: &str) -> (PolicyType, String) {
    (
        PolicyType::ResourceBased,
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRole"}}]}}"#
        ),
    )
}

fn key_policy(principal: &str) -> (PolicyType, String) {
    (
        PolicyType::KeyPolicy,
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": "kms:*", "Resource": "*"}}]}}"#
        ),
    )
}

fn parse(text: &str) -> PolicyDocument {
    let node = json::parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let (doc, problems) = policy::parse(&node, SourceId(0));
    // A case may hold a policy IAM refuses (an unknown operator): it still says what the
    // evaluator does with what it could read.
    assert!(
        problems
            .iter()
            .all(|p| p.message.contains("IAM refuses the policy")),
        "{text}: {problems:?}"
    );
    doc.unwrap()
}

fn run(c: &Case) -> Decision {
    let docs: Vec<(PolicyType, PolicyDocument)> =
        c.policies.iter().map(|(k, t)| (*k, parse(t))).collect();
    let mut set = PolicySet::default();
    for (i, (kind, d)) in docs.iter().enumerate() {
        set.add(i, *kind, d);
    }
    let mut context = RequestContext::new();
    for (k, v) in &c.context {
        context.set(k, v.iter().map(|s| s.to_string()).collect());
    }
    for k in &c.absent {
        context.set_absent(k);
    }
    let mut principal = Principal::from_role_arn(ROLE).unwrap();
    principal.session_arn = Some(SESSION.to_string());
    let request = Request {
        action: c.action.into(),
        resource: c.resource.into(),
    };
    evaluate(&request, &set, Some(&principal), &context).decision
}

fn outcome(d: &Decision) -> Expect {
    match d {
        Decision::Allowed { .. } => Allowed,
        Decision::Denied { explicit, .. } if !explicit.is_empty() => Explicit,
        Decision::Denied { .. } => Denied,
        Decision::Depends { .. } => Depends,
        Decision::DependsOnOtherAccount { .. } => OtherAccount,
    }
}

fn structure_cases() -> Vec<Case> {
    vec![
        // Evaluation logic: default deny, explicit allow, explicit deny wins.
        case("no policy: implicit deny", vec![], Denied),
        case("allow applies", vec![id(doc(&[statement("Allow", GET, SECRET)]))], Allowed),
        case("allow for another action", vec![id(doc(&[statement("Allow", "kms:Decrypt", SECRET)]))], Denied),
        case("explicit deny overrides allow in the same policy", vec![id(doc(&[statement("Allow", "*", "*"), statement("Deny", GET, "*")]))], Explicit),
        case("explicit deny overrides allow in another policy", vec![id(allow_all()), id(doc(&[statement("Deny", "secretsmanager:*", "*")]))], Explicit),
        case("deny for another resource does not apply", vec![id(allow_all()), id(doc(&[statement("Deny", "*", "arn:aws:secretsmanager:*:*:secret:other-*")]))], Allowed),
        case("statement may be a single object", vec![id(format!(r#"{{"Statement": {}}}"#, statement("Allow", GET, SECRET)))], Allowed),
        case("empty statement list", vec![id(r#"{"Statement": []}"#.into())], Denied),
        // Action element.
        case("action matches case-insensitively", vec![id(doc(&[statement("Allow", "SECRETSMANAGER:getsecretvalue", SECRET)]))], Allowed),
        case("action wildcard *", vec![id(doc(&[statement("Allow", "secretsmanager:*", SECRET)]))], Allowed),
        case("action wildcard prefix", vec![id(doc(&[statement("Allow", "secretsmanager:Get*", SECRET)]))], Allowed),
        case("action wildcard ?", vec![id(doc(&[statement("Allow", "secretsmanager:GetSecretValu?", SECRET)]))], Allowed),
        case("action of another service", vec![id(doc(&[statement("Allow", "secretmanager:GetSecretValue", SECRET)]))], Denied),
        case("action list", vec![id(doc(&[r#"{"Effect": "Allow", "Action": ["kms:Decrypt", "secretsmanager:GetSecretValue"], "Resource": "*"}"#.into()]))], Allowed),
        // NotAction.
        case("Allow with NotAction allows every other action", vec![id(doc(&[r#"{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#.into()]))], Allowed),
        case("Allow with NotAction excludes the listed action", vec![id(doc(&[r#"{"Effect": "Allow", "NotAction": "secretsmanager:GetSecretValue", "Resource": "*"}"#.into()]))], Denied),
        case("Deny with NotAction denies everything else", vec![id(allow_all()), id(doc(&[r#"{"Effect": "Deny", "NotAction": "kms:*", "Resource": "*"}"#.into()]))], Explicit),
        case("Deny with NotAction spares the listed action", vec![id(allow_all()), id(doc(&[r#"{"Effect": "Deny", "NotAction": "secretsmanager:*", "Resource": "*"}"#.into()]))], Allowed),
        // Resource element.
        case("resource exact", vec![id(doc(&[statement("Allow", GET, SECRET)]))], Allowed),
        case("resource by name and ??????", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-??????")]))], Allowed),
        case("resource display name matches nothing", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:app")]))], Denied),
        case("resource is case-sensitive", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:APP-??????")]))], Denied),
        case("resource * matches all", vec![id(doc(&[statement("Allow", GET, "*")]))], Allowed),
        case("resource wildcard in region and account", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:app-*")]))], Allowed),
        case("resource wrong region", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-west-2:111111111111:secret:app-??????")]))], Denied),
        case("resource wrong account", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-east-1:222222222222:secret:app-??????")]))], Denied),
        case("resource wrong partition", vec![id(doc(&[statement("Allow", GET, "arn:aws-cn:secretsmanager:us-east-1:111111111111:secret:app-??????")]))], Denied),
        case("resource ? is exactly one character", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-?????")]))], Denied),
        case("resource trailing * crosses colons", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*")]))], Allowed),
        case("resource list", vec![id(doc(&[r#"{"Effect": "Allow", "Action": "*", "Resource": ["arn:aws:s3:::b", "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-AbCdEf"]}"#.into()]))], Allowed),
        // NotResource.
        case("Allow with NotResource allows other resources", vec![id(doc(&[r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:secretsmanager:*:*:secret:other-*"}"#.into()]))], Allowed),
        case("Allow with NotResource excludes the listed resource", vec![id(doc(&[r#"{"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:secretsmanager:*:*:secret:app-*"}"#.into()]))], Denied),
        case("Deny with NotResource denies all but the listed", vec![id(allow_all()), id(doc(&[r#"{"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::*"}"#.into()]))], Explicit),
        case("Deny with NotResource spares the listed", vec![id(allow_all()), id(doc(&[r#"{"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:secretsmanager:*:*:secret:app-*"}"#.into()]))], Allowed),
        // Conditional statements.
        case("conditional deny that does not hold leaves the allow", vec![id(allow_all()), id(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#.into())], Allowed).with("aws:SecureTransport", &["true"]),
        case("conditional deny that holds wins", vec![id(allow_all()), id(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}"#.into())], Explicit).with("aws:SecureTransport", &["false"]),
        case("conditional deny on unknown key beside an allow depends", vec![id(allow_all()), id(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#.into())], Depends),
        case("conditional deny without any allow stays an implicit deny", vec![id(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#.into())], Denied),
        case("conditional allow on unknown key depends", vec![id(allow_if(r#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#))], Depends),
        case("unconditional allow beside a conditional one", vec![id(allow_if(r#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}}"#)), id(allow_all())], Allowed),
        // Permissions boundary: an allow needs both.
        case("boundary and identity both allow", vec![id(allow_all()), (PolicyType::PermissionsBoundary, doc(&[statement("Allow", "secretsmanager:*", "*")]))], Allowed),
        case("boundary does not allow", vec![id(allow_all()), (PolicyType::PermissionsBoundary, doc(&[statement("Allow", "s3:*", "*")]))], Denied),
        case("boundary allows but identity does not", vec![(PolicyType::PermissionsBoundary, allow_all())], Denied),
        case("deny in a boundary is explicit", vec![id(allow_all()), (PolicyType::PermissionsBoundary, doc(&[statement("Allow", "*", "*"), statement("Deny", GET, "*")]))], Explicit),
        case("boundary allow depends on unknown key", vec![id(allow_all()), (PolicyType::PermissionsBoundary, allow_if(r#"{"StringEquals": {"aws:SourceIp": "10.0.0.1"}}"#))], Depends),
        // IAM user guide, "Permissions boundaries for IAM entities", resource-based policies: a
        // grant to the role's session is not limited by the boundary, a grant to the role is.
        case("boundary limits a resource policy that names the role", vec![(PolicyType::PermissionsBoundary, doc(&[statement("Allow", "s3:*", "*")])), resource_policy("Allow", &format!(r#"{{"AWS": "{ROLE}"}}"#))], Denied),
        case("boundary does not limit a resource policy that names the session", vec![(PolicyType::PermissionsBoundary, doc(&[statement("Allow", "s3:*", "*")])), resource_policy("Allow", &format!(r#"{{"AWS": "{SESSION}"}}"#))], Allowed),
        case("a session grant across accounts still needs the identity side", vec![(PolicyType::PermissionsBoundary, allow_all()), resource_policy("Allow", &format!(r#"{{"AWS": "{SESSION}"}}"#))], Denied).on(GET, FOREIGN_SECRET),
        // IAM user guide, "NotPrincipal": a Deny with NotPrincipal denies every principal with a
        // permissions boundary, whatever it lists.
        case("Deny NotPrincipal naming the role still denies it under a boundary", vec![id(allow_all()), (PolicyType::PermissionsBoundary, allow_all()), (PolicyType::ResourceBased, format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "NotPrincipal": {{"AWS": "{ROLE}"}}, "Action": "*", "Resource": "*"}}]}}"#))], Explicit),
        case("Deny NotPrincipal naming the role and its account spares it without a boundary", vec![id(allow_all()), (PolicyType::ResourceBased, format!(r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "NotPrincipal": {{"AWS": ["{ROLE}", "arn:aws:iam::111111111111:root"]}}, "Action": "*", "Resource": "*"}}]}}"#))], Allowed),
        // IAM user guide, "How IAM roles differ from resource-based policies" and "Cross-account
        // policy evaluation logic": a role's trust policy must allow sts:AssumeRole explicitly;
        // naming the caller suffices within the account, naming its account needs the caller's
        // own policy too, and across accounts both must allow.
        case("trust names the caller: assumed without an identity allow", vec![trust(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed).on("sts:AssumeRole", TARGET_ROLE),
        case("trust names the caller's account: the identity policy must allow", vec![trust(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Denied).on("sts:AssumeRole", TARGET_ROLE),
        case("trust names the caller's account and the identity policy allows", vec![id(allow_all()), trust(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Allowed).on("sts:AssumeRole", TARGET_ROLE),
        case("trust names another account: an identity allow is not enough", vec![id(allow_all()), trust(r#"{"AWS": "arn:aws:iam::333333333333:root"}"#)], Denied).on("sts:AssumeRole", TARGET_ROLE),
        case("trust names a service only", vec![id(allow_all()), trust(r#"{"Service": "ecs-tasks.amazonaws.com"}"#)], Denied).on("sts:AssumeRole", TARGET_ROLE),
        case("cross account trust names the caller and its policy allows", vec![id(allow_all()), trust(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed).on("sts:AssumeRole", FOREIGN_ROLE),
        case("cross account trust names the caller but its policy does not allow", vec![trust(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Denied).on("sts:AssumeRole", FOREIGN_ROLE),
        // Service control policies.
        case("SCP allows and identity allows", vec![id(allow_all()), (PolicyType::ServiceControl, allow_all())], Allowed),
        case("SCP does not allow the service", vec![id(allow_all()), (PolicyType::ServiceControl, doc(&[statement("Allow", "s3:*", "*")]))], Denied),
        case("SCP deny is explicit", vec![id(allow_all()), (PolicyType::ServiceControl, doc(&[statement("Allow", "*", "*"), statement("Deny", "secretsmanager:*", "*")]))], Explicit),
        case("SCP allows but identity does not", vec![(PolicyType::ServiceControl, allow_all())], Denied),
        // Resource-based policies, same account: either side may allow.
        case("same account: resource policy names the role", vec![resource_policy("Allow", &format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed),
        case("same account: resource policy allows anyone", vec![resource_policy("Allow", r#""*""#)], Allowed),
        case("same account: resource policy names the account only", vec![resource_policy("Allow", r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Denied),
        case("same account: account root plus identity allow", vec![id(allow_all()), resource_policy("Allow", r#"{"AWS": "111111111111"}"#)], Allowed),
        case("same account: identity allows, resource policy silent", vec![id(allow_all()), resource_policy("Allow", r#"{"AWS": "arn:aws:iam::111111111111:role/other"}"#)], Allowed),
        case("same account: resource policy deny is explicit", vec![id(allow_all()), resource_policy("Deny", r#""*""#)], Explicit),
        case("same account: resource policy names another role", vec![resource_policy("Allow", r#"{"AWS": "arn:aws:iam::111111111111:role/other"}"#)], Denied),
        case("same account: NotPrincipal excludes only others", vec![resource_policy("Allow", r#"{"AWS": "arn:aws:iam::111111111111:role/other"}"#).0].into_iter().map(|k| (k, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/other"}, "Action": "*", "Resource": "*"}]}"#.to_string())).collect(), Allowed),
        case("resource policy with a service principal does not match a role", vec![resource_policy("Allow", r#"{"Service": "ecs-tasks.amazonaws.com"}"#)], Denied),
        // Cross account: both sides must allow.
        case("cross account: both allow", vec![id(allow_all()), resource_policy("Allow", &format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed).on(GET, FOREIGN_SECRET),
        case("cross account: resource policy trusts the account", vec![id(allow_all()), resource_policy("Allow", r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Allowed).on(GET, FOREIGN_SECRET),
        case("cross account: identity only", vec![id(allow_all()), resource_policy("Allow", r#"{"AWS": "arn:aws:iam::333333333333:root"}"#)], Denied).on(GET, FOREIGN_SECRET),
        case("cross account: resource policy only", vec![resource_policy("Allow", &format!(r#"{{"AWS": "{ROLE}"}}"#))], Denied).on(GET, FOREIGN_SECRET),
        // IAM user guide, "Cross-account policy evaluation logic": without the resource's own
        // policy the identity side's allow is not the answer.
        case("cross account: identity allows, resource policy not given", vec![id(allow_all())], OtherAccount).on(GET, FOREIGN_SECRET),
        case("cross account: identity does not allow, resource policy not given", vec![id(doc(&[statement("Allow", "s3:*", "*")]))], Denied).on(GET, FOREIGN_SECRET),
        case("cross account: an explicit deny still wins", vec![id(allow_all()), id(doc(&[statement("Deny", GET, "*")]))], Explicit).on(GET, FOREIGN_SECRET),
        case("cross account: an SCP that does not allow still denies", vec![id(allow_all()), (PolicyType::ServiceControl, doc(&[statement("Allow", "s3:*", "*")]))], Denied).on(GET, FOREIGN_SECRET),
        // An ARN without an account (S3) belongs to aws:ResourceAccount's account.
        case("cross account by aws:ResourceAccount: S3 object of another account", vec![id(allow_all())], OtherAccount).on("s3:GetObject", OBJECT).with("aws:ResourceAccount", &["222222222222"]),
        case("same account by aws:ResourceAccount: S3 object of the caller's account", vec![id(allow_all())], Allowed).on("s3:GetObject", OBJECT).with("aws:ResourceAccount", &["111111111111"]),
        case("S3 object of an unknown account is decided as the caller's", vec![id(allow_all())], Allowed).on("s3:GetObject", OBJECT),
        // KMS developer guide, "Allowing users in other accounts to use a KMS key": the key
        // policy and the caller's IAM policy must both allow.
        case("cross account key: key policy names the role, no IAM policy", vec![key_policy(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Denied).on("kms:Decrypt", FOREIGN_KEY),
        case("cross account key: key policy names the role and IAM allows", vec![id(doc(&[statement("Allow", "kms:Decrypt", FOREIGN_KEY)])), key_policy(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed).on("kms:Decrypt", FOREIGN_KEY),
        case("cross account key: key policy names the caller's account and IAM allows", vec![id(doc(&[statement("Allow", "kms:Decrypt", FOREIGN_KEY)])), key_policy(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Allowed).on("kms:Decrypt", FOREIGN_KEY),
        case("cross account key: key policy names another account", vec![id(doc(&[statement("Allow", "kms:Decrypt", FOREIGN_KEY)])), key_policy(r#"{"AWS": "arn:aws:iam::333333333333:root"}"#)], Denied).on("kms:Decrypt", FOREIGN_KEY),
        case("cross account key: key policy not given", vec![id(doc(&[statement("Allow", "kms:Decrypt", FOREIGN_KEY)]))], OtherAccount).on("kms:Decrypt", FOREIGN_KEY),
        // KMS key policies gate their key.
        case("key policy delegates to the account and IAM allows", vec![id(doc(&[statement("Allow", "kms:Decrypt", KEY)])), key_policy(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Allowed).on("kms:Decrypt", KEY),
        case("key policy delegates but IAM does not allow", vec![key_policy(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#)], Denied).on("kms:Decrypt", KEY),
        case("key policy names the role directly", vec![key_policy(&format!(r#"{{"AWS": "{ROLE}"}}"#))], Allowed).on("kms:Decrypt", KEY),
        case("key policy names neither: IAM allow has no effect", vec![id(allow_all()), key_policy(r#"{"AWS": "arn:aws:iam::111111111111:role/admin"}"#)], Denied).on("kms:Decrypt", KEY),
        case("key policy with a deny", vec![id(allow_all()), key_policy(r#"{"AWS": "arn:aws:iam::111111111111:root"}"#), (PolicyType::KeyPolicy, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]}"#.into())], Explicit).on("kms:Decrypt", KEY),
        case("IAM alias ARN does not cover the key", vec![id(doc(&[statement("Allow", "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:alias/app")]))], Denied).on("kms:Decrypt", KEY),
        case("KMS key ARN with a colon matches nothing", vec![id(doc(&[statement("Allow", "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key:1234abcd-12ab-34cd-56ef-1234567890ab")]))], Denied).on("kms:Decrypt", KEY),
        // Policy variables: only in Version 2012-10-17.
        case("variable substituted in 2012-10-17", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")]))], Allowed).with("aws:PrincipalTag/app", &["app"]),
        case("variable substituted with another value", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")]))], Denied).with("aws:PrincipalTag/app", &["web"]),
        case("variable is literal text in 2008-10-17", vec![id(format!(r#"{{"Version": "2008-10-17", "Statement": [{}]}}"#, statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")))], Denied).with("aws:PrincipalTag/app", &["app"]),
        case("variable is literal text without Version", vec![id(format!(r#"{{"Statement": [{}]}}"#, statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")))], Denied).with("aws:PrincipalTag/app", &["app"]),
        case("variable on an unknown key depends", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")]))], Depends),
        case("variable on an absent key without default matches nothing", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*")]))], Denied).without("aws:PrincipalTag/app"),
        case("variable default used when the key is absent", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app, 'app'}-*")]))], Allowed).without("aws:PrincipalTag/app"),
        case("${*} is a literal asterisk", vec![id(doc(&[statement("Allow", GET, "arn:aws:secretsmanager:*:*:secret:${*}")]))], Denied),
        case("variable in a condition value", vec![id(allow_if(r#"{"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}}"#))], Allowed).with("aws:PrincipalTag/team", &["web"]).with("aws:ResourceTag/team", &["web"]),
        case("variable in a condition value, mismatch", vec![id(allow_if(r#"{"StringEquals": {"aws:PrincipalTag/team": "${aws:ResourceTag/team}"}}"#))], Denied).with("aws:PrincipalTag/team", &["web"]).with("aws:ResourceTag/team", &["ops"]),
        // Condition structure.
        case("values within a key are OR-ed", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}"#))], Allowed).with("aws:RequestedRegion", &["us-east-1"]),
        case("keys within an operator are AND-ed", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:PrincipalAccount": "999999999999"}}"#))], Denied).with("aws:RequestedRegion", &["us-east-1"]).with("aws:PrincipalAccount", &["111111111111"]),
        case("operators are AND-ed", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "Bool": {"aws:SecureTransport": "true"}}"#))], Allowed).with("aws:RequestedRegion", &["us-east-1"]).with("aws:SecureTransport", &["true"]),
        case("one false operator fails the statement", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "Bool": {"aws:SecureTransport": "true"}}"#))], Denied).with("aws:RequestedRegion", &["us-east-1"]).with("aws:SecureTransport", &["false"]),
        case("a false operator decides even beside an unknown one", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": "eu-west-1", "aws:SourceVpce": "vpce-1"}}"#))], Denied).with("aws:RequestedRegion", &["us-east-1"]),
        case("condition key names are case-insensitive", vec![id(allow_if(r#"{"StringEquals": {"AWS:REQUESTEDREGION": "us-east-1"}}"#))], Allowed).with("aws:RequestedRegion", &["us-east-1"]),
        case("condition values are case-sensitive for StringEquals", vec![id(allow_if(r#"{"StringEquals": {"aws:RequestedRegion": "US-EAST-1"}}"#))], Denied).with("aws:RequestedRegion", &["us-east-1"]),
        case("unknown operator grants nothing", vec![id(allow_if(r#"{"StringEqualz": {"aws:RequestedRegion": "us-east-1"}}"#))], Denied).with("aws:RequestedRegion", &["us-east-1"]),
    ]
}

/// One operator, one policy value (or several), one request value (or absence / unknown).
fn op(
    operator: &'static str,
    policy: &'static str,
    request: Option<&'static [&'static str]>,
    expect: Expect,
) -> Case {
    let condition = format!(r#"{{"{operator}": {{"test:Key": {policy}}}}}"#);
    let c = case(operator, vec![id(allow_if(&condition))], expect);
    match request {
        Some(values) => c.with("test:Key", values),
        None => c.without("test:Key"),
    }
}

fn unknown(operator: &'static str, policy: &'static str, expect: Expect) -> Case {
    let condition = format!(r#"{{"{operator}": {{"test:Key": {policy}}}}}"#);
    case(operator, vec![id(allow_if(&condition))], expect)
}

fn operator_cases() -> Vec<Case> {
    vec![
        // String operators.
        op("StringEquals", r#""a""#, Some(&["a"]), Allowed),
        op("StringEquals", r#""a""#, Some(&["A"]), Denied),
        op("StringEquals", r#""a*""#, Some(&["abc"]), Denied),
        op("StringEquals", r#""a""#, None, Denied),
        unknown("StringEquals", r#""a""#, Depends),
        op("StringNotEquals", r#""a""#, Some(&["b"]), Allowed),
        op("StringNotEquals", r#""a""#, Some(&["a"]), Denied),
        op("StringNotEquals", r#""a""#, None, Allowed),
        unknown("StringNotEquals", r#""a""#, Depends),
        op(
            "StringEqualsIgnoreCase",
            r#""ABC""#,
            Some(&["abc"]),
            Allowed,
        ),
        op("StringEqualsIgnoreCase", r#""ABC""#, Some(&["abd"]), Denied),
        op(
            "StringNotEqualsIgnoreCase",
            r#""ABC""#,
            Some(&["abc"]),
            Denied,
        ),
        op(
            "StringNotEqualsIgnoreCase",
            r#""ABC""#,
            Some(&["xyz"]),
            Allowed,
        ),
        op("StringLike", r#""a*""#, Some(&["abc"]), Allowed),
        op("StringLike", r#""a?c""#, Some(&["abc"]), Allowed),
        op("StringLike", r#""a?c""#, Some(&["ac"]), Denied),
        op("StringLike", r#""A*""#, Some(&["abc"]), Denied),
        op("StringLike", r#""a*""#, None, Denied),
        op("StringNotLike", r#""a*""#, Some(&["b"]), Allowed),
        op("StringNotLike", r#""a*""#, Some(&["abc"]), Denied),
        op("StringNotLike", r#""a*""#, None, Allowed),
        // IfExists.
        op("StringEqualsIfExists", r#""a""#, None, Allowed),
        op("StringEqualsIfExists", r#""a""#, Some(&["b"]), Denied),
        op("StringEqualsIfExists", r#""a""#, Some(&["a"]), Allowed),
        unknown("StringEqualsIfExists", r#""a""#, Depends),
        op("StringLikeIfExists", r#""a*""#, None, Allowed),
        op("NumericLessThanIfExists", "5", None, Allowed),
        op("BoolIfExists", r#""true""#, None, Allowed),
        op("BoolIfExists", r#""true""#, Some(&["false"]), Denied),
        op(
            "ArnLikeIfExists",
            r#""arn:aws:iam::*:role/*""#,
            None,
            Allowed,
        ),
        op("IpAddressIfExists", r#""10.0.0.0/8""#, None, Allowed),
        op("DateLessThanIfExists", r#""2030-01-01""#, None, Allowed),
        // Numeric operators.
        op("NumericEquals", "10", Some(&["10"]), Allowed),
        op("NumericEquals", r#""10""#, Some(&["10.0"]), Allowed),
        op("NumericEquals", "10", Some(&["11"]), Denied),
        op("NumericEquals", "10", Some(&["ten"]), Denied),
        op("NumericEquals", "10", None, Denied),
        op("NumericNotEquals", "10", Some(&["11"]), Allowed),
        op("NumericNotEquals", "10", Some(&["10"]), Denied),
        op("NumericNotEquals", "10", None, Allowed),
        op("NumericLessThan", "10", Some(&["9"]), Allowed),
        op("NumericLessThan", "10", Some(&["10"]), Denied),
        op("NumericLessThanEquals", "10", Some(&["10"]), Allowed),
        op("NumericLessThanEquals", "10", Some(&["11"]), Denied),
        op("NumericGreaterThan", "10", Some(&["11"]), Allowed),
        op("NumericGreaterThan", "10", Some(&["10"]), Denied),
        op("NumericGreaterThanEquals", "10", Some(&["10"]), Allowed),
        op("NumericGreaterThanEquals", "10", Some(&["9.5"]), Denied),
        unknown("NumericLessThan", "10", Depends),
        // Date operators: ISO 8601 and epoch seconds.
        op(
            "DateLessThan",
            r#""2030-01-01T00:00:00Z""#,
            Some(&["2026-11-27T10:00:00Z"]),
            Allowed,
        ),
        op(
            "DateLessThan",
            r#""2020-01-01T00:00:00Z""#,
            Some(&["2026-11-27T10:00:00Z"]),
            Denied,
        ),
        op(
            "DateGreaterThan",
            r#""2020-01-01T00:00:00Z""#,
            Some(&["2026-11-27T10:00:00Z"]),
            Allowed,
        ),
        op(
            "DateGreaterThan",
            r#""2030-01-01""#,
            Some(&["2026-11-27"]),
            Denied,
        ),
        op(
            "DateEquals",
            r#""2020-01-01T00:00:00Z""#,
            Some(&["1577836800"]),
            Allowed,
        ),
        op(
            "DateEquals",
            r#""2020-01-01T01:00:00+01:00""#,
            Some(&["2020-01-01T00:00:00Z"]),
            Allowed,
        ),
        op(
            "DateNotEquals",
            r#""2020-01-01T00:00:00Z""#,
            Some(&["2020-01-02T00:00:00Z"]),
            Allowed,
        ),
        op("DateNotEquals", r#""2020-01-01T00:00:00Z""#, None, Allowed),
        op(
            "DateLessThanEquals",
            r#""2020-01-01""#,
            Some(&["2020-01-01T00:00:00Z"]),
            Allowed,
        ),
        op(
            "DateGreaterThanEquals",
            r#""2020-01-01""#,
            Some(&["2019-12-31T23:59:59Z"]),
            Denied,
        ),
        op(
            "DateLessThan",
            r#""not a date""#,
            Some(&["2020-01-01"]),
            Denied,
        ),
        op("DateLessThan", r#""2030-01-01""#, None, Denied),
        unknown("DateLessThan", r#""2030-01-01""#, Depends),
        // Bool.
        op("Bool", r#""true""#, Some(&["true"]), Allowed),
        op("Bool", r#""true""#, Some(&["false"]), Denied),
        op("Bool", r#""TRUE""#, Some(&["true"]), Allowed),
        op("Bool", "true", Some(&["true"]), Allowed),
        op("Bool", r#""true""#, None, Denied),
        unknown("Bool", r#""true""#, Depends),
        // BinaryEquals.
        op(
            "BinaryEquals",
            r#""QmluYXJ5VmFsdWU=""#,
            Some(&["QmluYXJ5VmFsdWU="]),
            Allowed,
        ),
        op(
            "BinaryEquals",
            r#""QmluYXJ5VmFsdWU=""#,
            Some(&["b3RoZXI="]),
            Denied,
        ),
        op("BinaryEquals", r#""QmluYXJ5VmFsdWU=""#, None, Denied),
        // IP addresses.
        op(
            "IpAddress",
            r#""203.0.113.0/24""#,
            Some(&["203.0.113.7"]),
            Allowed,
        ),
        op(
            "IpAddress",
            r#""203.0.113.0/24""#,
            Some(&["198.51.100.1"]),
            Denied,
        ),
        op(
            "IpAddress",
            r#""203.0.113.7""#,
            Some(&["203.0.113.7"]),
            Allowed,
        ),
        op(
            "IpAddress",
            r#""2001:db8::/32""#,
            Some(&["2001:db8::1"]),
            Allowed,
        ),
        op(
            "IpAddress",
            r#""2001:db8::/32""#,
            Some(&["2001:db9::1"]),
            Denied,
        ),
        op(
            "IpAddress",
            r#""203.0.113.0/24""#,
            Some(&["not-an-ip"]),
            Denied,
        ),
        op(
            "IpAddress",
            r#"["10.0.0.0/8", "203.0.113.0/24"]"#,
            Some(&["10.1.2.3"]),
            Allowed,
        ),
        op("IpAddress", r#""203.0.113.0/24""#, None, Denied),
        op(
            "NotIpAddress",
            r#""203.0.113.0/24""#,
            Some(&["198.51.100.1"]),
            Allowed,
        ),
        op(
            "NotIpAddress",
            r#""203.0.113.0/24""#,
            Some(&["203.0.113.9"]),
            Denied,
        ),
        op("NotIpAddress", r#""203.0.113.0/24""#, None, Allowed),
        unknown("IpAddress", r#""203.0.113.0/24""#, Depends),
        // ARN operators: each of the six fields separately, with wildcards.
        op(
            "ArnEquals",
            r#""arn:aws:iam::111111111111:role/app""#,
            Some(&["arn:aws:iam::111111111111:role/app"]),
            Allowed,
        ),
        op(
            "ArnEquals",
            r#""arn:aws:iam::111111111111:role/app""#,
            Some(&["arn:aws:iam::111111111111:role/other"]),
            Denied,
        ),
        op(
            "ArnLike",
            r#""arn:aws:iam::*:role/*""#,
            Some(&["arn:aws:iam::111111111111:role/app"]),
            Allowed,
        ),
        op(
            "ArnLike",
            r#""arn:aws:ecs:us-east-1:111111111111:*""#,
            Some(&["arn:aws:ecs:us-east-1:111111111111:task/c/abc"]),
            Allowed,
        ),
        op(
            "ArnLike",
            r#""arn:aws:ecs:*:111111111111:*""#,
            Some(&["arn:aws:ecs:us-east-1:222222222222:task/c/abc"]),
            Denied,
        ),
        op(
            "ArnLike",
            r#""arn:aws:iam::*:role/app""#,
            Some(&["arn:aws:iam::111111111111:role/APP"]),
            Denied,
        ),
        op(
            "ArnNotEquals",
            r#""arn:aws:iam::111111111111:role/app""#,
            Some(&["arn:aws:iam::111111111111:role/other"]),
            Allowed,
        ),
        op(
            "ArnNotLike",
            r#""arn:aws:iam::*:role/*""#,
            Some(&["arn:aws:iam::111111111111:user/u"]),
            Allowed,
        ),
        op(
            "ArnNotLike",
            r#""arn:aws:iam::*:role/*""#,
            Some(&["arn:aws:iam::111111111111:role/r"]),
            Denied,
        ),
        op("ArnNotLike", r#""arn:aws:iam::*:role/*""#, None, Allowed),
        op("ArnLike", r#""arn:aws:iam::*:role/*""#, None, Denied),
        // Null: tests whether the key is present.
        op("Null", r#""true""#, None, Allowed),
        op("Null", r#""true""#, Some(&["x"]), Denied),
        op("Null", r#""false""#, Some(&["x"]), Allowed),
        op("Null", r#""false""#, None, Denied),
        unknown("Null", r#""true""#, Depends),
        // Multivalued keys: ForAllValues / ForAnyValue.
        op(
            "ForAllValues:StringEquals",
            r#"["a", "b"]"#,
            Some(&["a"]),
            Allowed,
        ),
        op(
            "ForAllValues:StringEquals",
            r#"["a", "b"]"#,
            Some(&["a", "b"]),
            Allowed,
        ),
        op(
            "ForAllValues:StringEquals",
            r#"["a", "b"]"#,
            Some(&["a", "c"]),
            Denied,
        ),
        op("ForAllValues:StringEquals", r#"["a", "b"]"#, None, Allowed),
        op(
            "ForAllValues:StringEquals",
            r#"["a", "b"]"#,
            Some(&[]),
            Allowed,
        ),
        op(
            "ForAllValues:StringLike",
            r#""a*""#,
            Some(&["ab", "ac"]),
            Allowed,
        ),
        op(
            "ForAllValues:StringNotEquals",
            r#"["a"]"#,
            Some(&["b", "c"]),
            Allowed,
        ),
        op(
            "ForAllValues:StringNotEquals",
            r#"["a"]"#,
            Some(&["b", "a"]),
            Denied,
        ),
        op(
            "ForAnyValue:StringEquals",
            r#"["a"]"#,
            Some(&["b", "a"]),
            Allowed,
        ),
        op(
            "ForAnyValue:StringEquals",
            r#"["a"]"#,
            Some(&["b", "c"]),
            Denied,
        ),
        op("ForAnyValue:StringEquals", r#"["a"]"#, None, Denied),
        op("ForAnyValue:StringEquals", r#"["a"]"#, Some(&[]), Denied),
        op(
            "ForAnyValue:StringNotEquals",
            r#"["a"]"#,
            Some(&["a", "b"]),
            Allowed,
        ),
        op(
            "ForAnyValue:StringNotEquals",
            r#"["a"]"#,
            Some(&["a"]),
            Denied,
        ),
        op(
            "ForAnyValue:StringLike",
            r#""x*""#,
            Some(&["a", "xy"]),
            Allowed,
        ),
        op(
            "ForAnyValue:NumericGreaterThan",
            "5",
            Some(&["1", "9"]),
            Allowed,
        ),
        op(
            "forallvalues:StringEquals",
            r#"["a"]"#,
            Some(&["a"]),
            Allowed,
        ),
        unknown("ForAllValues:StringEquals", r#"["a"]"#, Depends),
        unknown("ForAnyValue:StringEquals", r#"["a"]"#, Depends),
        // Without a qualifier, a multivalued key matches when any value does.
        op("StringEquals", r#""a""#, Some(&["b", "a"]), Allowed),
        op("StringNotEquals", r#""a""#, Some(&["b", "a"]), Denied),
        // Several policy values are OR-ed.
        op("StringEquals", r#"["x", "a"]"#, Some(&["a"]), Allowed),
        op("StringNotEquals", r#"["x", "a"]"#, Some(&["a"]), Denied),
        op("NumericLessThan", r#"["1", "100"]"#, Some(&["50"]), Allowed),
    ]
}

#[test]
fn evaluator_follows_aws_documented_logic() {
    let cases: Vec<Case> = structure_cases()
        .into_iter()
        .chain(operator_cases())
        .collect();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let got = outcome(&run(c));
        if got != c.expect {
            failures.push(format!(
                "{}: expected {:?}, got {got:?} (context {:?}, absent {:?})",
                c.rule, c.expect, c.context, c.absent
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The cases from AWS's guides, each citing its page and section (`tests/evaluator/documented.rs`).
#[test]
fn evaluator_agrees_with_the_examples_of_aws_guides() {
    let cases = documented::documented_cases();
    assert!(cases.len() >= 150, "only {} documented cases", cases.len());
    assert!(cases.iter().all(|c| !c.page.is_empty()));
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = outcome(&run(c));
            (got != c.expect).then(|| {
                format!(
                    "{} [{}]: expected {:?}, got {got:?} (context {:?}, absent {:?})",
                    c.rule, c.page, c.expect, c.context, c.absent
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documented cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn denials_name_the_policy_type_that_gave_no_allow() {
    let missing = |c: &Case| match run(c) {
        Decision::Denied { missing, .. } => missing,
        other => panic!("{}: {other:?}", c.rule),
    };
    assert_eq!(
        missing(&case("identity", vec![], Denied)),
        Some(PolicyType::Identity)
    );
    assert_eq!(
        missing(&case(
            "boundary",
            vec![
                id(allow_all()),
                (
                    PolicyType::PermissionsBoundary,
                    doc(&[statement("Allow", "s3:*", "*")])
                )
            ],
            Denied
        )),
        Some(PolicyType::PermissionsBoundary)
    );
    assert_eq!(
        missing(&case(
            "scp",
            vec![
                id(allow_all()),
                (
                    PolicyType::ServiceControl,
                    doc(&[statement("Allow", "s3:*", "*")])
                )
            ],
            Denied
        )),
        Some(PolicyType::ServiceControl)
    );
    assert_eq!(
        missing(
            &case(
                "cross",
                vec![
                    id(allow_all()),
                    resource_policy("Allow", r#"{"AWS": "arn:aws:iam::333333333333:root"}"#)
                ],
                Denied
            )
            .on(GET, FOREIGN_SECRET)
        ),
        Some(PolicyType::ResourceBased)
    );
    assert_eq!(
        missing(
            &case(
                "key",
                vec![
                    id(allow_all()),
                    key_policy(r#"{"AWS": "arn:aws:iam::111111111111:role/admin"}"#)
                ],
                Denied
            )
            .on("kms:Decrypt", KEY)
        ),
        Some(PolicyType::KeyPolicy)
    );
}

#[test]
fn depends_names_the_unknown_keys() {
    let c = case(
        "vpce",
        vec![id(allow_if(
            r#"{"StringEquals": {"aws:SourceVpce": "vpce-1"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
        ))],
        Depends,
    );
    match run(&c) {
        Decision::Depends { keys, on } => {
            assert_eq!(keys, ["aws:SourceIp", "aws:SourceVpce"]);
            assert_eq!(on.len(), 1);
        }
        other => panic!("{other:?}"),
    }
}

/// AWS Organizations user guide, "SCP evaluation": an action must be allowed at every level —
/// the root, each OU on the path, the account — by at least one SCP attached there.
#[test]
fn service_control_policies_must_allow_at_every_level() {
    let allow_secrets = parse(&doc(&[statement("Allow", "secretsmanager:*", "*")]));
    let allow_all_doc = parse(&allow_all());
    let allow_s3 = parse(&doc(&[statement("Allow", "s3:*", "*")]));
    let identity = parse(&allow_all());
    let principal = Principal::from_role_arn(ROLE).unwrap();
    let request = Request {
        action: GET.into(),
        resource: SECRET.into(),
    };
    let decide = |scps: &[(&PolicyDocument, &'static str)]| {
        let mut set = PolicySet::default();
        set.add(0, PolicyType::Identity, &identity);
        for (i, (d, level)) in scps.iter().enumerate() {
            set.add_at(i + 1, PolicyType::ServiceControl, d, level);
        }
        outcome(&evaluate(&request, &set, Some(&principal), &RequestContext::new()).decision)
    };
    // Every level allows (one SCP of each suffices).
    assert_eq!(
        decide(&[
            (&allow_all_doc, "root"),
            (&allow_secrets, "ou"),
            (&allow_all_doc, "account")
        ]),
        Allowed
    );
    // The OU allows only S3: denied, whatever the root and the account allow.
    assert_eq!(
        decide(&[
            (&allow_all_doc, "root"),
            (&allow_s3, "ou"),
            (&allow_all_doc, "account")
        ]),
        Denied
    );
    // Two SCPs at one level: either may allow.
    assert_eq!(
        decide(&[
            (&allow_all_doc, "root"),
            (&allow_s3, "ou"),
            (&allow_secrets, "ou")
        ]),
        Allowed
    );
    // Without levels they are one level, as before.
    assert_eq!(decide(&[(&allow_s3, ""), (&allow_secrets, "")]), Allowed);
}

/// AWS Organizations user guide, "Resource control policies (RCPs)": they apply to requests for
/// the resources of the services that support them; an explicit deny in one wins, and like SCPs
/// an allow is needed at every level. They do not apply to other services' resources.
#[test]
fn resource_control_policies_apply_to_their_services_resources() {
    let identity = parse(&allow_all());
    let rcp_allow_all = parse(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#,
    );
    let rcp_deny_outside = parse(
        r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
              "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}}}]}"#,
    );
    let rcp_s3_only = parse(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    let principal = Principal::from_role_arn(ROLE).unwrap();
    let decide =
        |action: &str, resource: &str, rcps: &[(&PolicyDocument, &'static str)], org: &str| {
            let mut set = PolicySet::default();
            set.add(0, PolicyType::Identity, &identity);
            for (i, (d, level)) in rcps.iter().enumerate() {
                set.add_at(i + 1, PolicyType::ResourceControl, d, level);
            }
            let mut context = RequestContext::new();
            context.set("aws:PrincipalOrgID", vec![org.to_string()]);
            let request = Request {
                action: action.into(),
                resource: resource.into(),
            };
            outcome(&evaluate(&request, &set, Some(&principal), &context).decision)
        };
    assert_eq!(
        decide(GET, SECRET, &[(&rcp_allow_all, "root")], "o-abc"),
        Allowed
    );
    // The deny of a principal outside the organization wins.
    assert_eq!(
        decide(GET, SECRET, &[(&rcp_deny_outside, "root")], "o-other"),
        Explicit
    );
    assert_eq!(
        decide(GET, SECRET, &[(&rcp_deny_outside, "root")], "o-abc"),
        Allowed
    );
    // An allow is needed: an RCP that allows only S3 denies a secret's read.
    assert_eq!(
        decide(GET, SECRET, &[(&rcp_s3_only, "root")], "o-abc"),
        Denied
    );
    // SSM parameters are not among the services RCPs apply to: the RCP is not consulted.
    let parameter = "arn:aws:ssm:us-east-1:111111111111:parameter/app";
    assert_eq!(
        decide(
            "ssm:GetParameters",
            parameter,
            &[(&rcp_s3_only, "root")],
            "o-abc"
        ),
        Allowed
    );
}
