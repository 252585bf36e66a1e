//! Cases taken from AWS's own guides, each group under the page and section it rests on. Where a
//! page gives an example policy, the case uses it (names changed to this file's principals and
//! resources); where it states a rule, the case is the smallest policy set that shows it.

use super::*;

const BUCKET_OBJECT: &str = "arn:aws:s3:::amzn-s3-demo-bucket/home/Bob/notes.txt";
const PAYROLL_OBJECT: &str = "arn:aws:s3:::HRBucket/Payroll/2026.csv";
const QUEUE: &str = "arn:aws:sqs:us-east-1:111111111111:orders";
const FOREIGN_QUEUE: &str = "arn:aws:sqs:us-east-1:222222222222:orders";
const PARAMETER: &str = "arn:aws:ssm:us-east-1:111111111111:parameter/app/db-password";
const LOG_STREAM: &str =
    "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/app:log-stream:ecs/app/0f1e2d";
const USER: &str = "arn:aws:iam::111111111111:user/Bob";

const EVAL: &str = "IAM User Guide, Policy evaluation logic § Determining whether a request is allowed or denied within an account";
const CROSS: &str = "IAM User Guide, Cross-account policy evaluation logic";
const BOUNDARY: &str = "IAM User Guide, Permissions boundaries for IAM entities § Evaluating effective permissions with boundaries";
const NOT_PRINCIPAL: &str =
    "IAM User Guide, AWS JSON policy elements: NotPrincipal § NotPrincipal with Deny";
const PRINCIPAL: &str = "IAM User Guide, AWS JSON policy elements: Principal";
const NOT_ACTION: &str = "IAM User Guide, AWS JSON policy elements: NotAction";
const NOT_RESOURCE: &str = "IAM User Guide, AWS JSON policy elements: NotResource";
const RESOURCE: &str = "IAM User Guide, AWS JSON policy elements: Resource § Resource ARNs and wildcards; Service Authorization Reference, resource types of Secrets Manager, Systems Manager and CloudWatch Logs";
const ACTION: &str = "IAM User Guide, AWS JSON policy elements: Action";
const CONDITION: &str = "IAM User Guide, IAM JSON policy elements: Condition operators (string, numeric, date, Boolean, binary, IP address, ARN, ...IfExists, Null)";
const MULTIVALUED: &str = "IAM User Guide, Single-valued vs. multivalued context keys § Set operators for multivalued context keys";
const VARIABLES: &str = "IAM User Guide, IAM policy elements: Variables and tags";
const SCP: &str = "AWS Organizations User Guide, SCP evaluation; Service control policies (SCPs) § Effects on permissions";
const RCP: &str = "AWS Organizations User Guide, Resource control policies (RCPs) § Effects on permissions and List of AWS services that support RCPs";
const KEY_POLICY: &str = "KMS Developer Guide, Key policies in AWS KMS § Default key policy; Allowing users in other accounts to use a KMS key";
const KMS_CONTEXT: &str = "KMS Developer Guide, AWS KMS condition keys (kms:ViaService, kms:CallerAccount, kms:EncryptionContext:context-key); Secrets Manager User Guide, Secret encryption and decryption § Encryption context; Systems Manager User Guide, How Parameter Store uses AWS KMS § Parameter Store encryption context";
const TRUST: &str = "IAM User Guide, How IAM roles differ from resource-based policies; IAM tutorial: Delegate access across AWS accounts using IAM roles; IAM User Guide, AWS STS condition keys (sts:ExternalId)";

/// A statement. A leading `!` on the action or resource makes it `NotAction`/`NotResource`;
/// values starting with `[` are JSON arrays as written. `condition` is a JSON object or empty.
fn st(effect: &str, action: &str, resource: &str, condition: &str) -> String {
    let element = |name: &str, value: &str| {
        let (name, value) = match value.strip_prefix('!') {
            Some(v) => (format!("Not{name}"), v),
            None => (name.to_string(), value),
        };
        if value.starts_with('[') {
            format!(r#""{name}": {value}"#)
        } else {
            format!(r#""{name}": "{value}""#)
        }
    };
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#", "Condition": {condition}"#)
    };
    format!(
        r#"{{"Effect": "{effect}", {}, {}{condition}}}"#,
        element("Action", action),
        element("Resource", resource)
    )
}

/// A statement of a resource-based policy: `principal` is the element's JSON value, with a
/// leading `!` for `NotPrincipal`.
fn pst(effect: &str, principal: &str, action: &str, resource: &str, condition: &str) -> String {
    let (name, principal) = match principal.strip_prefix('!') {
        Some(p) => ("NotPrincipal", p),
        None => ("Principal", principal),
    };
    st(effect, action, resource, condition).replacen(
        '{',
        &format!(r#"{{"{name}": {principal}, "#),
        1,
    )
}

fn of(kind: PolicyType, statements: &[String]) -> (PolicyType, String) {
    (kind, doc(statements))
}

fn ids(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::Identity, statements)
}

fn rbp(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::ResourceBased, statements)
}

fn kp(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::KeyPolicy, statements)
}

fn pb(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::PermissionsBoundary, statements)
}

fn scp(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::ServiceControl, statements)
}

fn rcp(statements: &[String]) -> (PolicyType, String) {
    of(PolicyType::ResourceControl, statements)
}

fn role() -> String {
    format!(r#"{{"AWS": "{ROLE}"}}"#)
}

fn allow_everything() -> String {
    st("Allow", "*", "*", "")
}

/// One condition on a real key, in an identity policy that otherwise allows everything.
fn cond(
    operator: &str,
    key: &'static str,
    values: &str,
    request: Option<&[&'static str]>,
    expect: Expect,
) -> Case {
    let c = Case {
        rule: format!("{operator} on {key} {values} given {request:?}"),
        ..case(
            "",
            vec![id(allow_if(&format!(
                r#"{{"{operator}": {{"{key}": {values}}}}}"#
            )))],
            expect,
        )
    };
    match request {
        Some(v) => c.with(key, v),
        None => c.without(key),
    }
}

fn named(rule: &str, policies: Vec<(PolicyType, String)>, expect: Expect) -> Case {
    Case {
        rule: rule.to_string(),
        ..case("", policies, expect)
    }
}

fn cite(page: &'static str, cases: Vec<Case>) -> Vec<Case> {
    cases.into_iter().map(|c| Case { page, ..c }).collect()
}

#[rustfmt::skip]
pub fn documented_cases() -> Vec<Case> {
    let mut all = Vec::new();
    let vpce = r#"{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#;
    let insecure = r#"{"Bool": {"aws:SecureTransport": "false"}}"#;
    all.extend(cite(EVAL, vec![
        named("an identity allow of the exact object", vec![ids(&[st("Allow", "s3:GetObject", OBJECT, "")])], Allowed).on("s3:GetObject", OBJECT),
        named("allowing s3:GetObject does not allow s3:PutObject", vec![ids(&[st("Allow", "s3:GetObject", OBJECT, "")])], Denied).on("s3:PutObject", OBJECT),
        named("a bucket's ARN does not cover its objects", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::shared-config", "")])], Denied).on("s3:GetObject", OBJECT),
        named("bucket/* covers the bucket's objects", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::shared-config/*", "")])], Allowed).on("s3:GetObject", OBJECT),
        named("action and resource must match in one statement", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::other/*", ""), st("Allow", "s3:PutObject", OBJECT, "")])], Denied).on("s3:GetObject", OBJECT),
        named("a deny of every action wins over a specific allow", vec![ids(&[st("Allow", GET, SECRET, ""), st("Deny", "*", "*", "")])], Explicit),
        named("a deny of another action does not apply", vec![ids(&[st("Allow", GET, SECRET, ""), st("Deny", "secretsmanager:PutSecretValue", "*", "")])], Allowed),
        named("an unconditional deny decides even beside an allow that depends", vec![ids(&[st("Allow", "*", "*", vpce)]), ids(&[st("Deny", GET, "*", "")])], Explicit),
        named("a resource-based policy naming the role allows within the account", vec![rbp(&[pst("Allow", &role(), "sqs:SendMessage", QUEUE, "")])], Allowed).on("sqs:SendMessage", QUEUE),
        named("an identity policy's deny overrides a resource policy's allow", vec![ids(&[st("Deny", "sqs:*", "*", "")]), rbp(&[pst("Allow", &role(), "sqs:SendMessage", QUEUE, "")])], Explicit).on("sqs:SendMessage", QUEUE),
        named("a resource policy's conditional deny that holds wins", vec![ids(&[allow_everything()]), rbp(&[pst("Deny", r#""*""#, "secretsmanager:*", "*", insecure)])], Explicit).with("aws:SecureTransport", &["false"]),
        named("a resource policy's conditional deny that does not hold leaves the allow", vec![ids(&[allow_everything()]), rbp(&[pst("Deny", r#""*""#, "secretsmanager:*", "*", insecure)])], Allowed).with("aws:SecureTransport", &["true"]),
        named("a resource policy statement for another action grants nothing", vec![rbp(&[pst("Allow", &role(), "secretsmanager:DescribeSecret", "*", "")])], Denied),
        named("an SCP's deny wins over the identity and resource policies' allows", vec![ids(&[allow_everything()]), rbp(&[pst("Allow", &role(), GET, "*", "")]), scp(&[allow_everything(), st("Deny", GET, "*", "")])], Explicit),
        named("a permissions boundary and an SCP grant nothing by themselves", vec![pb(&[allow_everything()]), scp(&[allow_everything()])], Denied),
        named("an allow from any identity policy of the role suffices", vec![ids(&[st("Allow", "kms:Decrypt", "*", "")]), ids(&[st("Allow", GET, SECRET, "")])], Allowed),
    ]));
    let foreign_root = r#"{"AWS": "arn:aws:iam::111111111111:root"}"#;
    all.extend(cite(CROSS, vec![
        named("sqs:SendMessage on * to another account's queue, its policy not given", vec![ids(&[st("Allow", "sqs:SendMessage", "*", "")])], OtherAccount).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("the queue policy trusts the caller's account and the identity policy allows", vec![ids(&[st("Allow", "sqs:SendMessage", "*", "")]), rbp(&[pst("Allow", foreign_root, "sqs:SendMessage", FOREIGN_QUEUE, "")])], Allowed).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("the queue policy names the role but the identity policy does not allow", vec![rbp(&[pst("Allow", &role(), "sqs:SendMessage", FOREIGN_QUEUE, "")])], Denied).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("the queue policy allows anyone and the identity policy allows", vec![ids(&[st("Allow", "sqs:*", "*", "")]), rbp(&[pst("Allow", r#""*""#, "sqs:SendMessage", "*", "")])], Allowed).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("anyone in the organization, and the caller is", vec![ids(&[st("Allow", "sqs:*", "*", "")]), rbp(&[pst("Allow", r#""*""#, "sqs:SendMessage", "*", r#"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#)])], Allowed).on("sqs:SendMessage", FOREIGN_QUEUE).with("aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
        named("anyone in the organization, and the caller is not", vec![ids(&[st("Allow", "sqs:*", "*", "")]), rbp(&[pst("Allow", r#""*""#, "sqs:SendMessage", "*", r#"{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#)])], Denied).on("sqs:SendMessage", FOREIGN_QUEUE).with("aws:PrincipalOrgID", &["o-zzzzzzzzzz"]),
        named("the queue policy denies the caller's account", vec![ids(&[st("Allow", "sqs:*", "*", "")]), rbp(&[pst("Allow", r#""*""#, "sqs:*", "*", ""), pst("Deny", r#"{"AWS": "111111111111"}"#, "sqs:*", "*", "")])], Explicit).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("the caller's own deny wins over the other account's allow", vec![ids(&[allow_everything(), st("Deny", "sqs:*", "*", "")]), rbp(&[pst("Allow", &role(), "sqs:*", "*", "")])], Explicit).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("the queue policy names another role of the caller's account", vec![ids(&[st("Allow", "sqs:*", "*", "")]), rbp(&[pst("Allow", r#"{"AWS": "arn:aws:iam::111111111111:role/other"}"#, "sqs:*", "*", "")])], Denied).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("each side allows a different action", vec![ids(&[st("Allow", "sqs:ReceiveMessage", "*", "")]), rbp(&[pst("Allow", foreign_root, "sqs:SendMessage", "*", "")])], Denied).on("sqs:SendMessage", FOREIGN_QUEUE),
        named("another account's bucket: its policy names the role and the identity policy allows", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::shared-config/*", "")]), rbp(&[pst("Allow", &role(), "s3:GetObject", "arn:aws:s3:::shared-config/*", "")])], Allowed).on("s3:GetObject", OBJECT).with("aws:ResourceAccount", &["222222222222"]),
        named("another account's bucket: its policy names the role, the identity policy is silent", vec![rbp(&[pst("Allow", &role(), "s3:GetObject", "arn:aws:s3:::shared-config/*", "")])], Denied).on("s3:GetObject", OBJECT).with("aws:ResourceAccount", &["222222222222"]),
        named("another account's secret: its policy names the role's session", vec![ids(&[st("Allow", GET, "*", "")]), rbp(&[pst("Allow", &format!(r#"{{"AWS": "{SESSION}"}}"#), GET, "*", "")])], Allowed).on(GET, FOREIGN_SECRET),
        named("another account's secret: its policy depends on the VPC endpoint", vec![ids(&[st("Allow", GET, "*", "")]), rbp(&[pst("Allow", foreign_root, GET, "*", vpce)])], Depends).on(GET, FOREIGN_SECRET),
        named("another account's secret: its policy names the account by ID", vec![ids(&[st("Allow", GET, "*", "")]), rbp(&[pst("Allow", r#"{"AWS": "111111111111"}"#, GET, "*", "")])], Allowed).on(GET, FOREIGN_SECRET),
        named("another account's key, its policy not given and no IAM allow", vec![ids(&[st("Allow", GET, "*", "")])], Denied).on("kms:Decrypt", FOREIGN_KEY),
        named("another account's key: its policy trusts the caller's account and IAM allows kms:*", vec![ids(&[st("Allow", "kms:*", "*", "")]), kp(&[pst("Allow", foreign_root, "kms:Decrypt", "*", "")])], Allowed).on("kms:Decrypt", FOREIGN_KEY),
    ]));
    let boundary_doc = pb(&[st("Allow", r#"["s3:*", "cloudwatch:*", "ec2:*"]"#, "*", "")]);
    all.extend(cite(BOUNDARY, vec![
        named("the guide's example: the boundary allows S3, CloudWatch and EC2, the policy iam:CreateUser", vec![ids(&[st("Allow", "iam:CreateUser", "*", "")]), boundary_doc.clone()], Denied).on("iam:CreateUser", USER),
        named("an action both allow", vec![ids(&[st("Allow", "s3:GetObject", "*", "")]), boundary_doc.clone()], Allowed).on("s3:GetObject", OBJECT),
        named("the boundary allows other resources only", vec![ids(&[allow_everything()]), pb(&[st("Allow", GET, "arn:aws:secretsmanager:*:*:secret:other-*", "")])], Denied),
        named("a boundary written with NotAction allows the rest", vec![ids(&[allow_everything()]), pb(&[st("Allow", "!iam:*", "*", "")])], Allowed),
        named("a boundary written with NotAction excludes the service", vec![ids(&[allow_everything()]), pb(&[st("Allow", "!secretsmanager:*", "*", "")])], Denied),
        named("a boundary limited to a region, in that region", vec![ids(&[allow_everything()]), pb(&[st("Allow", "*", "*", r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}}"#)])], Allowed).with("aws:RequestedRegion", &["us-east-1"]),
        named("a boundary limited to a region, in another", vec![ids(&[allow_everything()]), pb(&[st("Allow", "*", "*", r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1"}}"#)])], Denied).with("aws:RequestedRegion", &["eu-west-1"]),
        named("a resource policy naming the role, within the boundary", vec![pb(&[st("Allow", "secretsmanager:*", "*", "")]), rbp(&[pst("Allow", &role(), GET, "*", "")])], Allowed),
        named("a resource policy naming the account: identity allow limited by the boundary", vec![ids(&[allow_everything()]), pb(&[st("Allow", "s3:*", "*", "")]), rbp(&[pst("Allow", r#"{"AWS": "arn:aws:iam::111111111111:root"}"#, GET, "*", "")])], Denied),
        named("a key policy naming the role's session is not limited by the boundary", vec![pb(&[st("Allow", "s3:*", "*", "")]), kp(&[pst("Allow", &format!(r#"{{"AWS": "{SESSION}"}}"#), "kms:Decrypt", "*", "")])], Allowed).on("kms:Decrypt", KEY),
        named("a key policy naming the role is limited by the boundary", vec![pb(&[st("Allow", "s3:*", "*", "")]), kp(&[pst("Allow", &role(), "kms:Decrypt", "*", "")])], Denied).on("kms:Decrypt", KEY),
    ]));
    let deny_except = |listed: &str| rbp(&[pst("Deny", &format!("!{{\"AWS\": {listed}}}"), "secretsmanager:*", "*", "")]);
    all.extend(cite(NOT_PRINCIPAL, vec![
        named("the guide's role example: the session, the role and the account are listed", vec![ids(&[allow_everything()]), deny_except(&format!(r#"["{SESSION}", "{ROLE}", "arn:aws:iam::111111111111:root"]"#))], Allowed),
        named("the role and its account listed", vec![ids(&[allow_everything()]), deny_except(&format!(r#"["{ROLE}", "arn:aws:iam::111111111111:root"]"#))], Allowed),
        named("the role listed without its account: the account, and so the role, is denied", vec![ids(&[allow_everything()]), deny_except(&format!(r#""{ROLE}""#))], Explicit),
        named("only the account listed: the role in it is still denied", vec![ids(&[allow_everything()]), deny_except(r#""arn:aws:iam::111111111111:root""#)], Explicit),
        named("another account's role listed", vec![ids(&[allow_everything()]), deny_except(r#"["arn:aws:iam::222222222222:role/app", "arn:aws:iam::222222222222:root"]"#)], Explicit),
        named("with a permissions boundary the principal is denied whatever is listed", vec![ids(&[allow_everything()]), pb(&[allow_everything()]), deny_except(&format!(r#"["{SESSION}", "{ROLE}", "arn:aws:iam::111111111111:root"]"#))], Explicit),
        named("an Allow with NotPrincipal excludes the principals it lists", vec![rbp(&[pst("Allow", &format!(r#"!{{"AWS": ["{ROLE}", "arn:aws:iam::111111111111:root"]}}"#), GET, "*", "")])], Denied),
    ]));
    let grant = |principal: &str| rbp(&[pst("Allow", principal, GET, "*", "")]);
    all.extend(cite(PRINCIPAL, vec![
        named("an array of roles naming this one", vec![grant(&format!(r#"{{"AWS": ["arn:aws:iam::111111111111:role/other", "{ROLE}"]}}"#))], Allowed),
        named("AWS: * is everyone", vec![grant(r#"{"AWS": "*"}"#)], Allowed),
        named("AWS: [*] is everyone", vec![grant(r#"{"AWS": ["*"]}"#)], Allowed),
        named("the account ID alone delegates to IAM policies, which do not allow", vec![grant(r#"{"AWS": "111111111111"}"#)], Denied),
        named("a role of the same name under another path is another role", vec![grant(r#"{"AWS": "arn:aws:iam::111111111111:role/service/ecsTaskExecutionRole"}"#)], Denied),
        named("a federated principal is not the role", vec![grant(r#"{"Federated": "cognito-identity.amazonaws.com"}"#)], Denied),
        named("a canonical user is not the role", vec![grant(r#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#)], Denied),
        named("another session of the role", vec![grant(r#"{"AWS": "arn:aws:sts::111111111111:assumed-role/ecsTaskExecutionRole/other-session"}"#)], Denied),
        named("this session of the role", vec![grant(&format!(r#"{{"AWS": "{SESSION}"}}"#))], Allowed),
        named("a wildcard inside a principal ARN matches nothing", vec![grant(r#"{"AWS": "arn:aws:iam::111111111111:role/*"}"#)], Denied),
        named("a service and the role in one Principal", vec![grant(&format!(r#"{{"Service": ["ecs-tasks.amazonaws.com"], "AWS": "{ROLE}"}}"#))], Allowed),
    ]));
    let mfa = r#"{"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}"#;
    all.extend(cite(NOT_ACTION, vec![
        named("Allow NotAction of two services allows the rest", vec![ids(&[st("Allow", r#"!["iam:*", "organizations:*"]"#, "*", "")])], Allowed),
        named("Allow NotAction of the service allows none of it", vec![ids(&[st("Allow", "!secretsmanager:*", "*", "")])], Denied),
        named("the guide's MFA example: deny all but IAM without MFA, key absent", vec![ids(&[allow_everything(), st("Deny", "!iam:*", "*", mfa)])], Explicit).without("aws:MultiFactorAuthPresent"),
        named("the guide's MFA example: deny all but IAM without MFA, with MFA", vec![ids(&[allow_everything(), st("Deny", "!iam:*", "*", mfa)])], Allowed).with("aws:MultiFactorAuthPresent", &["true"]),
        named("NotAction with a wildcard excludes what it matches", vec![ids(&[st("Allow", "!secretsmanager:Get*", "*", "")])], Denied),
        named("NotAction matches actions case-insensitively", vec![ids(&[st("Allow", "!SECRETSMANAGER:GETSECRETVALUE", "*", "")])], Denied),
        named("NotAction and NotResource together", vec![ids(&[st("Allow", "!iam:*", "!arn:aws:secretsmanager:*:*:secret:other-*", "")])], Allowed),
    ]));
    let payroll = r#"!["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]"#;
    all.extend(cite(NOT_RESOURCE, vec![
        named("the guide's example: deny everything but the payroll folder, another object", vec![ids(&[allow_everything(), st("Deny", "s3:*", payroll, "")])], Explicit).on("s3:GetObject", OBJECT),
        named("the guide's example: deny everything but the payroll folder, a payroll object", vec![ids(&[allow_everything(), st("Deny", "s3:*", payroll, "")])], Allowed).on("s3:GetObject", PAYROLL_OBJECT),
        named("Allow NotResource of other things", vec![ids(&[st("Allow", "*", r#"!["arn:aws:secretsmanager:*:*:secret:other-*", "arn:aws:s3:::*"]"#, "")])], Allowed),
        named("Allow NotResource * allows nothing", vec![ids(&[st("Allow", "*", "!*", "")])], Denied),
        named("NotResource with a policy variable naming this secret", vec![ids(&[st("Allow", "*", "!arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*", "")])], Denied).with("aws:PrincipalTag/app", &["app"]),
        named("NotResource with a policy variable on an unknown tag", vec![ids(&[st("Allow", "*", "!arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/app}-*", "")])], Depends),
    ]));
    all.extend(cite(RESOURCE, vec![
        named("? in the region field", vec![ids(&[st("Allow", GET, "arn:aws:secretsmanager:us-east-?:111111111111:secret:app-??????", "")])], Allowed),
        named("a wildcard in the region cannot take the account", vec![ids(&[st("Allow", GET, "arn:aws:secretsmanager:us-east-1*:secret:app-*", "")])], Denied),
        named("an empty region field is not any region", vec![ids(&[st("Allow", GET, "arn:aws:secretsmanager::111111111111:secret:app-??????", "")])], Denied),
        named("name followed by *", vec![ids(&[st("Allow", GET, "arn:aws:secretsmanager:us-east-1:111111111111:secret:app*", "")])], Allowed),
        named("an SSM parameter path with *", vec![ids(&[st("Allow", "ssm:GetParameters", "arn:aws:ssm:us-east-1:111111111111:parameter/app/*", "")])], Allowed).on("ssm:GetParameters", PARAMETER),
        named("an SSM parameter ARN with a doubled slash matches nothing", vec![ids(&[st("Allow", "ssm:GetParameters", "arn:aws:ssm:us-east-1:111111111111:parameter//app/db-password", "")])], Denied).on("ssm:GetParameters", PARAMETER),
        named("a log group's streams through :*", vec![ids(&[st("Allow", "logs:CreateLogStream", "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/app:*", "")])], Allowed).on("logs:CreateLogStream", LOG_STREAM),
        named("a log group's ARN without :* does not cover its streams", vec![ids(&[st("Allow", "logs:CreateLogStream", "arn:aws:logs:us-east-1:111111111111:log-group:/ecs/app", "")])], Denied).on("logs:CreateLogStream", LOG_STREAM),
    ]));
    all.extend(cite(ACTION, vec![
        named("a wildcard inside the action name", vec![ids(&[st("Allow", "secretsmanager:*Secret*", SECRET, "")])], Allowed),
        named("wildcards on both sides of the action name", vec![ids(&[st("Allow", "secretsmanager:Get*Value", SECRET, "")])], Allowed),
        named("a prefix of other actions", vec![ids(&[st("Allow", "secretsmanager:Describe*", SECRET, "")])], Denied),
    ]));
    all.extend(cite(CONDITION, vec![
        cond("StringEquals", "aws:PrincipalTag/job-category", r#""iamuser-admin""#, Some(&["iamuser-admin"]), Allowed),
        cond("StringEquals", "aws:PrincipalTag/job-category", r#""iamuser-admin""#, Some(&["IAMUser-Admin"]), Denied),
        cond("StringEqualsIgnoreCase", "aws:PrincipalTag/job-category", r#""IAMUser-Admin""#, Some(&["iamuser-admin"]), Allowed),
        cond("StringNotEquals", "aws:PrincipalTag/job-category", r#""iamuser-admin""#, None, Allowed),
        cond("StringLike", "s3:prefix", r#"["", "home/", "home/Bob/*"]"#, Some(&["home/Bob/photos"]), Allowed),
        cond("StringLike", "s3:prefix", r#"["", "home/", "home/Bob/*"]"#, Some(&["home/Alice/photos"]), Denied),
        cond("StringLike", "s3:prefix", r#"["", "home/", "home/Bob/*"]"#, Some(&[""]), Allowed),
        cond("StringNotLike", "s3:prefix", r#""home/*""#, Some(&["work/x"]), Allowed),
        cond("StringLike", "aws:userid", r#""AROA*:8f2a6c""#, Some(&["AROAEXAMPLEID:8f2a6c"]), Allowed),
        cond("StringEquals", "s3:max-keys", "10", Some(&["10"]), Allowed),
        cond("NumericLessThanEquals", "s3:max-keys", r#""10""#, Some(&["10"]), Allowed),
        cond("NumericLessThanEquals", "s3:max-keys", r#""10""#, Some(&["11"]), Denied),
        cond("NumericLessThan", "s3:max-keys", r#""10""#, Some(&["10"]), Denied),
        cond("NumericGreaterThan", "test:Ratio", r#""1.5""#, Some(&["2"]), Allowed),
        cond("NumericNotEquals", "s3:max-keys", r#""5""#, Some(&["5"]), Denied),
        cond("NumericGreaterThanEqualsIfExists", "s3:max-keys", r#""1""#, None, Allowed),
        cond("DateGreaterThan", "aws:CurrentTime", r#""2020-04-01T00:00:00Z""#, Some(&["2026-12-02T00:00:00Z"]), Allowed),
        cond("DateLessThan", "aws:CurrentTime", r#""2020-06-30T00:00:00Z""#, Some(&["2026-12-02T00:00:00Z"]), Denied),
        cond("DateEquals", "aws:CurrentTime", r#""1767225600""#, Some(&["2026-01-01T00:00:00Z"]), Allowed),
        cond("DateNotEquals", "aws:CurrentTime", r#""1767225600""#, Some(&["2026-01-01T00:00:00Z"]), Denied),
        cond("DateLessThanEquals", "aws:CurrentTime", r#""2026-01-01T00:00:00Z""#, Some(&["2026-01-01T00:00:00Z"]), Allowed),
        cond("DateGreaterThan", "aws:TokenIssueTime", r#""2026-12-01T12:00:00Z""#, Some(&["2026-12-01T11:59:59Z"]), Denied),
        named("DateGreaterThan on aws:CurrentTime, not known offline", vec![id(allow_if(r#"{"DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"}}"#))], Depends),
        cond("Bool", "aws:SecureTransport", r#""true""#, Some(&["true"]), Allowed),
        cond("Bool", "aws:SecureTransport", r#""true""#, Some(&["false"]), Denied),
        cond("Bool", "aws:MultiFactorAuthPresent", r#""true""#, None, Denied),
        cond("BoolIfExists", "aws:MultiFactorAuthPresent", r#""false""#, None, Allowed),
        cond("BinaryEquals", "test:BinaryKey", r#""QmluYXJ5VmFsdWVJbkJhc2U2NA==""#, Some(&["QmluYXJ5VmFsdWVJbkJhc2U2NA=="]), Allowed),
        cond("BinaryEquals", "test:BinaryKey", r#""QmluYXJ5VmFsdWVJbkJhc2U2NA==""#, Some(&["T3RoZXJWYWx1ZQ=="]), Denied),
        cond("IpAddress", "aws:SourceIp", r#""203.0.113.0/24""#, Some(&["203.0.113.7"]), Allowed),
        cond("IpAddress", "aws:SourceIp", r#""203.0.113.0/24""#, Some(&["198.51.100.7"]), Denied),
        cond("NotIpAddress", "aws:SourceIp", r#""203.0.113.0/24""#, Some(&["198.51.100.7"]), Allowed),
        cond("IpAddress", "aws:SourceIp", r#""2001:DB8:1234:5678::/64""#, Some(&["2001:db8:1234:5678::1"]), Allowed),
        cond("IpAddress", "aws:SourceIp", r#"["203.0.113.0/24", "2001:DB8:1234:5678::/64"]"#, Some(&["2001:db8:1234:5678:abcd::9"]), Allowed),
        cond("IpAddress", "aws:SourceIp", r#""203.0.113.7""#, Some(&["203.0.113.7"]), Allowed),
        cond("NotIpAddress", "aws:SourceIp", r#""203.0.113.0/24""#, None, Allowed),
        cond("ArnLike", "aws:SourceArn", r#""arn:aws:sns:us-east-1:111111111111:*""#, Some(&["arn:aws:sns:us-east-1:111111111111:alerts"]), Allowed),
        cond("ArnEquals", "aws:SourceArn", r#""arn:aws:sns:us-east-1:111111111111:alerts""#, Some(&["arn:aws:sns:us-east-1:111111111111:alerts"]), Allowed),
        cond("ArnLike", "aws:SourceArn", r#""arn:aws:sns:*:alerts""#, Some(&["arn:aws:sns:us-east-1:111111111111:alerts"]), Denied),
        cond("ArnNotLike", "aws:PrincipalArn", r#""arn:aws:iam::111111111111:role/admin*""#, Some(&[ROLE]), Allowed),
        cond("ArnLike", "aws:SourceArn", r#""arn:aws:sns:*:*:*""#, Some(&["alerts"]), Denied),
        cond("ArnEquals", "aws:SourceArn", r#""arn:aws:sns:us-east-1:111111111111:Alerts""#, Some(&["arn:aws:sns:us-east-1:111111111111:alerts"]), Denied),
        cond("ArnLikeIfExists", "aws:SourceArn", r#""arn:aws:sns:*:*:*""#, None, Allowed),
        cond("Null", "aws:TokenIssueTime", r#""true""#, None, Allowed),
        cond("Null", "aws:TokenIssueTime", r#""true""#, Some(&["2026-12-01T11:59:59Z"]), Denied),
        cond("Null", "aws:TokenIssueTime", r#""false""#, Some(&["2026-12-01T11:59:59Z"]), Allowed),
        cond("Null", "aws:TokenIssueTime", r#""false""#, None, Denied),
    ]));
    all.extend(cite(MULTIVALUED, vec![
        cond("ForAllValues:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, Some(&["environment"]), Allowed),
        cond("ForAllValues:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, Some(&["environment", "owner"]), Denied),
        cond("ForAllValues:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, None, Allowed),
        cond("ForAnyValue:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, Some(&["owner", "cost-center"]), Allowed),
        cond("ForAnyValue:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, Some(&["owner"]), Denied),
        cond("ForAnyValue:StringEquals", "aws:TagKeys", r#"["environment", "cost-center"]"#, None, Denied),
        cond("ForAllValues:StringLike", "aws:TagKeys", r#""env*""#, Some(&["environment", "envoy"]), Allowed),
        cond("ForAnyValue:StringNotEquals", "aws:TagKeys", r#""environment""#, Some(&["environment", "owner"]), Allowed),
        cond("ForAllValues:StringNotEquals", "aws:TagKeys", r#""environment""#, Some(&["owner", "team"]), Allowed),
        cond("ForAllValues:StringNotEquals", "aws:TagKeys", r#""environment""#, Some(&["environment", "team"]), Denied),
        named("ForAllValues on a key not known offline", vec![id(allow_if(r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["environment"]}}"#))], Depends),
    ]));
    all.extend(cite(VARIABLES, vec![
        named("the guide's home folder: ${aws:username} is Bob", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*", "")])], Allowed).on("s3:GetObject", BUCKET_OBJECT).with("aws:username", &["Bob"]),
        named("the guide's home folder: ${aws:username} is Alice", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*", "")])], Denied).on("s3:GetObject", BUCKET_OBJECT).with("aws:username", &["Alice"]),
        named("a variable in a StringLike value", vec![ids(&[st("Allow", "s3:ListBucket", "*", r#"{"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}"#)])], Allowed).on("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket").with("aws:username", &["Bob"]).with("s3:prefix", &["home/Bob/photos"]),
        named("a default value used when the tag is absent", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*", "")])], Allowed).on("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/company-wide/handbook.pdf").without("aws:PrincipalTag/team"),
        named("a default value not used when the tag is present", vec![ids(&[st("Allow", "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*", "")])], Denied).on("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/company-wide/handbook.pdf").with("aws:PrincipalTag/team", &["web"]),
        named("${?} is a literal question mark", vec![id(allow_if(r#"{"StringEquals": {"test:Key": "a${?}"}}"#))], Denied).with("test:Key", &["ab"]),
        named("${$} is a literal dollar sign", vec![id(allow_if(r#"{"StringEquals": {"test:Key": "cost${$}"}}"#))], Allowed).with("test:Key", &["cost$"]),
        named("${aws:PrincipalAccount} in the account field", vec![ids(&[st("Allow", GET, "arn:aws:secretsmanager:us-east-1:${aws:PrincipalAccount}:secret:app-*", "")])], Allowed).with("aws:PrincipalAccount", &["111111111111"]),
    ]));
    all.extend(cite(SCP, vec![
        named("FullAWSAccess with a deny list that names another action", vec![ids(&[allow_everything()]), scp(&[allow_everything(), st("Deny", "secretsmanager:DeleteSecret", "*", "")])], Allowed),
        named("a deny list that names the action", vec![ids(&[allow_everything()]), scp(&[allow_everything(), st("Deny", GET, "*", "")])], Explicit),
        named("an allow list with the service", vec![ids(&[allow_everything()]), scp(&[st("Allow", r#"["secretsmanager:*", "kms:*"]"#, "*", "")])], Allowed),
        named("a deny of everything but the service, with FullAWSAccess", vec![ids(&[allow_everything()]), scp(&[allow_everything(), st("Deny", "!secretsmanager:*", "*", "")])], Allowed),
        named("a region deny, outside the region", vec![ids(&[allow_everything()]), scp(&[allow_everything(), st("Deny", "*", "*", r#"{"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}"#)])], Explicit).with("aws:RequestedRegion", &["eu-west-1"]),
        named("a region deny, inside the region", vec![ids(&[allow_everything()]), scp(&[allow_everything(), st("Deny", "*", "*", r#"{"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}"#)])], Allowed).with("aws:RequestedRegion", &["us-east-1"]),
        named("an SCP limits what a resource policy grants the account's principals", vec![scp(&[st("Allow", "s3:*", "*", "")]), rbp(&[pst("Allow", &role(), GET, "*", "")])], Denied),
        named("an SCP allow limited to other secrets", vec![ids(&[allow_everything()]), scp(&[st("Allow", GET, "arn:aws:secretsmanager:*:*:secret:prod-*", "")])], Denied),
    ]));
    let rcp_full = pst("Allow", r#""*""#, "*", "*", "");
    let perimeter = pst("Deny", r#""*""#, "secretsmanager:*", "*", r#"{"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}"#);
    all.extend(cite(RCP, vec![
        named("RCPFullAWSAccess", vec![ids(&[allow_everything()]), rcp(std::slice::from_ref(&rcp_full))], Allowed),
        named("an identity perimeter, a principal of the organization", vec![ids(&[allow_everything()]), rcp(&[rcp_full.clone(), perimeter.clone()])], Allowed).with("aws:PrincipalOrgID", &["o-a1b2c3d4e5"]).with("aws:PrincipalIsAWSService", &["false"]),
        named("an identity perimeter, a principal outside the organization", vec![ids(&[allow_everything()]), rcp(&[rcp_full.clone(), perimeter])], Explicit).with("aws:PrincipalOrgID", &["o-zzzzzzzzzz"]).with("aws:PrincipalIsAWSService", &["false"]),
        named("an RCP that allows S3 only", vec![ids(&[allow_everything()]), rcp(&[pst("Allow", r#""*""#, "s3:*", "*", "")])], Denied),
        named("RCPs do not apply to SSM parameters", vec![ids(&[allow_everything()]), rcp(&[pst("Allow", r#""*""#, "s3:*", "*", "")])], Allowed).on("ssm:GetParameters", PARAMETER),
        named("an RCP that denies KMS over plain HTTP", vec![ids(&[allow_everything()]), kp(&[pst("Allow", r#"{"AWS": "arn:aws:iam::111111111111:root"}"#, "kms:*", "*", "")]), rcp(&[rcp_full, pst("Deny", r#""*""#, "kms:*", "*", insecure)])], Explicit).on("kms:Decrypt", KEY).with("aws:SecureTransport", &["false"]),
    ]));
    let root = r#"{"AWS": "arn:aws:iam::111111111111:root"}"#;
    let default_key_policy = kp(&[pst("Allow", root, "kms:*", "*", "")]);
    all.extend(cite(KEY_POLICY, vec![
        named("the default key policy and an IAM allow", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", KEY, "")])], Allowed).on("kms:Decrypt", KEY),
        named("the default key policy alone", vec![default_key_policy.clone()], Denied).on("kms:Decrypt", KEY),
        named("a key policy that gives the role kms:Encrypt only", vec![kp(&[pst("Allow", &role(), "kms:Encrypt", "*", "")]), ids(&[st("Allow", "kms:Decrypt", "*", "")])], Denied).on("kms:Decrypt", KEY),
        named("the default key policy and an IAM allow on every key of the account", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "arn:aws:kms:*:111111111111:key/*", "")])], Allowed).on("kms:Decrypt", KEY),
        named("a key policy deny on an unknown VPC endpoint beside an allow", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", KEY, "")]), kp(&[pst("Deny", r#""*""#, "kms:Decrypt", "*", r#"{"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#)])], Depends).on("kms:Decrypt", KEY),
    ]));
    let via = |service: &str| format!(r#"{{"StringEquals": {{"kms:ViaService": "{service}.us-east-1.amazonaws.com"}}}}"#);
    all.extend(cite(KMS_CONTEXT, vec![
        named("kms:ViaService secretsmanager, through Secrets Manager", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "*", &via("secretsmanager"))])], Allowed).on("kms:Decrypt", KEY).with("kms:ViaService", &["secretsmanager.us-east-1.amazonaws.com"]),
        named("kms:ViaService secretsmanager, through SSM", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "*", &via("secretsmanager"))])], Denied).on("kms:Decrypt", KEY).with("kms:ViaService", &["ssm.us-east-1.amazonaws.com"]),
        named("kms:ViaService not known", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "*", &via("secretsmanager"))])], Depends).on("kms:Decrypt", KEY),
        named("the aws/secretsmanager key's policy: anyone in the account, through Secrets Manager", vec![kp(&[pst("Allow", r#"{"AWS": "*"}"#, "kms:Decrypt", "*", r#"{"StringEquals": {"kms:CallerAccount": "111111111111", "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}"#)])], Allowed).on("kms:Decrypt", KEY).with("kms:CallerAccount", &["111111111111"]).with("kms:ViaService", &["secretsmanager.us-east-1.amazonaws.com"]),
        named("the aws/secretsmanager key's policy, another caller account", vec![kp(&[pst("Allow", r#"{"AWS": "*"}"#, "kms:Decrypt", "*", r#"{"StringEquals": {"kms:CallerAccount": "111111111111", "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}"#)])], Denied).on("kms:Decrypt", KEY).with("kms:CallerAccount", &["333333333333"]).with("kms:ViaService", &["secretsmanager.us-east-1.amazonaws.com"]),
        named("kms:EncryptionContext:SecretARN names the secret", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "*", &format!(r#"{{"StringEquals": {{"kms:EncryptionContext:SecretARN": "{SECRET}"}}}}"#))])], Allowed).on("kms:Decrypt", KEY).with("kms:EncryptionContext:SecretARN", &[SECRET]),
        named("kms:EncryptionContext:SecretARN names another secret", vec![default_key_policy.clone(), ids(&[st("Allow", "kms:Decrypt", "*", &format!(r#"{{"StringEquals": {{"kms:EncryptionContext:SecretARN": "{SECRET}"}}}}"#))])], Denied).on("kms:Decrypt", KEY).with("kms:EncryptionContext:SecretARN", &[FOREIGN_SECRET]),
        named("kms:EncryptionContext:PARAMETER_ARN names the parameter", vec![default_key_policy, ids(&[st("Allow", "kms:Decrypt", "*", &format!(r#"{{"StringEquals": {{"kms:EncryptionContext:PARAMETER_ARN": "{PARAMETER}"}}}}"#))])], Allowed).on("kms:Decrypt", KEY).with("kms:EncryptionContext:PARAMETER_ARN", &[PARAMETER]),
    ]));
    let trust_doc = |principal: &str, condition: &str| rbp(&[pst("Allow", principal, "sts:AssumeRole", "*", condition)]);
    let external_id = r#"{"StringEquals": {"sts:ExternalId": "Unique-ID-4f1c"}}"#;
    all.extend(cite(TRUST, vec![
        named("the trust names the role with an external ID, which matches", vec![trust_doc(&role(), external_id)], Allowed).on("sts:AssumeRole", TARGET_ROLE).with("sts:ExternalId", &["Unique-ID-4f1c"]),
        named("the trust names the role with an external ID, which differs", vec![trust_doc(&role(), external_id)], Denied).on("sts:AssumeRole", TARGET_ROLE).with("sts:ExternalId", &["other"]),
        named("the trust names the role with an external ID, not known", vec![trust_doc(&role(), external_id)], Depends).on("sts:AssumeRole", TARGET_ROLE),
        named("the trust allows the account but denies the role", vec![ids(&[allow_everything()]), rbp(&[pst("Allow", root, "sts:AssumeRole", "*", ""), pst("Deny", &role(), "sts:AssumeRole", "*", "")])], Explicit).on("sts:AssumeRole", TARGET_ROLE),
        named("the trust names the role's session", vec![trust_doc(&format!(r#"{{"AWS": "{SESSION}"}}"#), "")], Allowed).on("sts:AssumeRole", TARGET_ROLE),
        named("another account's role trusts the caller's account and the caller's policy allows", vec![ids(&[st("Allow", "sts:AssumeRole", FOREIGN_ROLE, "")]), trust_doc(root, "")], Allowed).on("sts:AssumeRole", FOREIGN_ROLE),
        named("another account's role trusts the caller's account, the caller's policy is silent", vec![trust_doc(root, "")], Denied).on("sts:AssumeRole", FOREIGN_ROLE),
        named("the caller's policy allows, the trust policy allows another action", vec![ids(&[allow_everything()]), rbp(&[pst("Allow", &role(), "sts:TagSession", "*", "")])], Denied).on("sts:AssumeRole", TARGET_ROLE),
    ]));
    all
}
