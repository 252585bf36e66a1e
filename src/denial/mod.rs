//! AccessDenied and stopped-task messages: what was asked, by whom, and what went wrong.
//!
//! Formats come from AWS's AccessDenied messages ("User: PRINCIPAL is not authorized to perform:
//! ACTION on resource: ARN", with or without the newer "because no … policy allows" / "with an
//! explicit deny in …" reasons), the ECS agent's stopped reasons (`ResourceInitializationError:
//! unable to pull secrets or registry auth: …`), the container runtime's pull errors, CloudTrail
//! records, and what real pastes do to all of them (`tests/field/messages/`): redactions of every
//! shape, wrapping at any column, truncation by consoles and people, decorations. The paste is
//! first made one logical text (`text.rs`); the reader then takes what is there and says what is
//! not: a part the message lacks is *missing*, a part cut off is *truncated*, a redaction is one
//! opaque token, and none of them is ever used as if it were real.

mod text;

use crate::iam::PolicyType;
use crate::model::source::Span;
use regex::Regex;
use std::sync::LazyLock;
pub use text::Logical;

/// What AWS said about why it denied the request (the newer AccessDenied messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsReason {
    /// "because no POLICY-TYPE allows the ACTION action".
    NoAllow(PolicyType),
    /// "because no session policy allows …": session policies are not something ecslint reads.
    NoSessionAllow,
    /// "with an explicit deny in a(n) POLICY-TYPE".
    ExplicitDeny(PolicyType),
    /// "with an explicit deny in a session policy".
    ExplicitDenySession,
    /// "with an explicit deny", the policy type not named (older messages).
    ExplicitDenyUnnamed,
}

impl AwsReason {
    pub fn describe(self) -> String {
        match self {
            AwsReason::NoAllow(kind) => format!("no {} allows it", kind.describe()),
            AwsReason::NoSessionAllow => "no session policy allows it".to_string(),
            AwsReason::ExplicitDeny(kind) => {
                let words = kind.describe();
                let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                };
                format!("an explicit deny in {article} {words}")
            }
            AwsReason::ExplicitDenySession => "an explicit deny in a session policy".to_string(),
            AwsReason::ExplicitDenyUnnamed => "an explicit deny".to_string(),
        }
    }

    pub fn is_explicit_deny(self) -> bool {
        matches!(
            self,
            AwsReason::ExplicitDeny(_)
                | AwsReason::ExplicitDenySession
                | AwsReason::ExplicitDenyUnnamed
        )
    }
}

/// What went wrong when an image pull was refused without an IAM denial in the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullRefusal {
    /// "pull access denied … may require 'docker login'", "requested access to the resource is
    /// denied".
    AccessDenied,
    /// The registry answered 403 Forbidden.
    Forbidden,
    /// "no basic auth credentials": the pull carried no login.
    NoCredentials,
    /// The ECR authorization token expired.
    TokenExpired,
}

/// What the message reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An IAM denial of ACTION on RESOURCE for PRINCIPAL, as far as the message tells them.
    AccessDenied {
        principal: Option<String>,
        action: Option<String>,
        resource: Option<String>,
        reason: Option<AwsReason>,
    },
    /// "Access to KMS is not allowed": the secret's key is the problem (`kms:Decrypt`).
    KmsAccessDenied { secret: Option<String> },
    /// Secrets Manager cannot find the secret (wrong name, wrong suffix, wrong region).
    SecretNotFound { secret: Option<String> },
    /// SSM cannot find the parameter(s).
    ParameterNotFound { parameters: Option<String> },
    /// "The ciphertext refers to a customer master key that does not exist, does not exist in
    /// this region, or you are not allowed to access": a missing key, or (most often) a missing
    /// permission on it.
    KmsKeyNotFound,
    /// The secret has no such JSON key.
    JsonKeyMissing { key: Option<String> },
    /// The secret's value is not JSON, and `valueFrom` names a JSON key in it.
    SecretNotJson,
    /// The agent never reached the service: no route (NAT gateway, VPC endpoint, egress rule).
    Network { service: Option<&'static str> },
    /// The image or tag does not exist.
    ImageNotFound,
    /// The registry refused the pull, with no IAM denial in the message.
    PullRefused {
        image: Option<String>,
        /// The image is in ECR (`ACCOUNT.dkr.ecr.REGION.amazonaws.com/…`).
        ecr: bool,
        how: PullRefusal,
    },
    /// The awslogs log group does not exist (and the driver may not create it).
    LogGroupNotFound,
    /// ECS could not assume a role: a task's role (a service event: "ECS was unable to assume
    /// the role 'ARN' that was provided for this task"), trusted by `ecs-tasks.amazonaws.com`, or
    /// the ECS infrastructure role, trusted by `ecs.amazonaws.com`.
    RoleNotAssumable {
        role: Option<String>,
        service: &'static str,
    },
    /// ECS's service-linked role is missing.
    ServiceLinkedRole,
    /// EFS utils could not mount the volume: `detail` says how it failed.
    EfsMount { detail: &'static str },
    /// RegisterTaskDefinition: "Role is not valid".
    RoleNotValid,
    /// ECS Exec: the container's SSM agent is not connected (`TargetNotConnectedException`).
    ExecNotConnected,
    /// The load balancer's health checks failed (often dynamic host ports on bridge networking).
    HealthCheck,
    /// A stopped reason cut off before its cause: what the agent was fetching, and which secret
    /// or parameter, as far as the message goes.
    CutOff {
        fetching: Option<&'static str>,
        subject: Option<String>,
    },
}

/// A part of the request a message reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Principal,
    Action,
    Resource,
    Reason,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Principal => "principal",
            Part::Action => "action",
            Part::Resource => "resource",
            Part::Reason => "reason",
        }
    }
}

/// Who was denied, as the message shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The ECS agent, for a task (pulling secrets, images, logs).
    ExecutionRole,
    /// The application, inside a task.
    TaskRole,
    /// A CI/CD or infrastructure-as-code principal.
    Deploy,
    /// An IAM user.
    User,
    /// An EC2 instance's role.
    InstanceRole,
    Unknown,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::ExecutionRole => "execution-role",
            PrincipalKind::TaskRole => "task-role",
            PrincipalKind::Deploy => "deploy",
            PrincipalKind::User => "user",
            PrincipalKind::InstanceRole => "instance-role",
            PrincipalKind::Unknown => "unknown",
        }
    }
}

/// What the reader noticed about the parts it read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Noticed {
    /// Redactions, as written, in the part they stand in.
    pub redacted: Vec<(Part, String)>,
    /// Parts cut off before their end (the rest of the message lost).
    pub truncated: Vec<Part>,
    /// Parts of an AccessDenied the message does not carry at all.
    pub missing: Vec<Part>,
    /// The action is not written: the stopped reason's own words imply it
    /// ("failed to create Cloudwatch log stream" is `logs:CreateLogStream`).
    pub action_implied: bool,
}

/// A message understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    pub failure: Failure,
    /// The line (or joined lines) that says it.
    pub line: String,
    /// Where that line is in the message text.
    pub span: Span,
    /// Where the denied resource is in the message text, when the message names one.
    pub resource_span: Option<Span>,
    /// What the agent was fetching: "asm" (Secrets Manager), "ssm", "ecr", "logs".
    pub fetching: Option<&'static str>,
    pub noticed: Noticed,
    pub principal_kind: PrincipalKind,
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid constant pattern") // ok: every caller passes a constant pattern, exercised by the tests below
}

/// `User: PRINCIPAL is not authorized to perform: ACTION`, the rest read piece by piece. The
/// principal is whatever stands before "is not authorized" (redactions may hold spaces).
static ACCESS_DENIED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i:\b(?:User|Principal)):\s*(?P<principal>[^\n]{1,400}?)\s+(?i:is\s+not\s+authori[sz]ed\s+to\s+perform):?\s*(?P<action>[A-Za-z0-9-]+:\s?[A-Za-z0-9*?]+)",
    )
});
/// The sentence without `User:` (CloudTrail's `errorMessage` quoted from its middle): the ARN
/// before "is not authorized" is the principal.
static BARE_PRINCIPAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?P<principal>\barn:[^\s]+)\s+(?i:is\s+not\s+authori[sz]ed\s+to\s+perform):?\s*(?P<action>[A-Za-z0-9-]+:\s?[A-Za-z0-9*?]+)",
    )
});
/// `AccessDeniedException: User: PRINCIPAL` with the rest cut off.
static CUT_AFTER_USER: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i:AccessDenied(?:Exception)?)\)?:?\s*(?i:User|Principal):\s*(?P<principal>[^\n]*)")
});
/// Principal-less forms: "Not authorized to perform sts:AssumeRole", "… because no
/// identity-based policy allows the ACTION action", "User is not authorized to perform that
/// action on the specified resource".
static NOT_AUTHORIZED: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\bnot\s+authori[sz]ed\s+to\s+perform:?\s+(?P<action>[a-z0-9-]+:[A-Za-z0-9*]+)")
});
static ALLOWS_THE_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)AccessDenied(?:Exception)?\)?:?\s+because\s+no\s+[a-z -]+?\s+allows\s+the\s+(?P<action>[A-Za-z0-9-]+:[A-Za-z0-9*]+)\s+action",
    )
});
static THAT_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\bUser\s+is\s+not\s+authori[sz]ed\s+to\s+perform\s+that\s+action")
});
static NO_ALLOW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)because\s+no\s+(identity-based\s+policy|resource-based\s+policy|permissions\s+boundary|service\s+control\s+policy|resource\s+control\s+policy|session\s+policy)\s+allows",
    )
});
static NO_ALLOW_CUT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)because\s+no\b\s*(?P<words>[a-z -]*)$"));
static EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)with\s+an\s+explicit\s+deny(?:\s+in\s+an?\s+(identity-based\s+policy|resource-based\s+policy|permissions\s+boundary|service\s+control\s+policy|resource\s+control\s+policy|session\s+policy))?",
    )
});
static FETCH_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:failed to fetch secret|fetching secret from the service for(?: ARN)?:?)\s*(?P<arn>arn:\S+?|[^\s:]+)(?:\s+from secrets manager|:?\s+(?:AccessDenied|ResourceNotFound))",
    )
});
static JSON_KEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)(?:did not contain json key|json key)\s+(?P<key>[A-Za-z0-9_.\-]+)")
});
static ASSUME_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)unable to assume the (?P<infra>configured ECS infrastructure role|role)\s+'?(?P<role>[^'\s]+)'?",
    )
});
static PARAMETERS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)invalid (?:ssm )?parameters?:?\s*\[?(?P<names>[^\]\n]+)\]?"));
static PULL_IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?i)(?:pull access denied for|failed to resolve ref|Head "https://)\s*(?P<image>[^\s,"]+)"#,
    )
});
/// CloudTrail's record of a denial, when no AccessDenied sentence is in it.
static CLOUDTRAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#""errorCode"\s*:\s*"(?:AccessDenied|AccessDeniedException|UnauthorizedOperation|Client\.UnauthorizedOperation)""#,
    )
});
static CLOUDTRAIL_FIELD: LazyLock<Regex> =
    LazyLock::new(|| regex(r#""(?P<key>eventSource|eventName|arn)"\s*:\s*"(?P<value>[^"]*)""#));

static REDACTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"<[^<>\n]{0,40}>|\{\{[^{}\n]{0,40}\}\}|\{[^{}\n]{0,40}\}|\[(?i:redacted|removed|hidden|masked|account[^\]\n]{0,20})\]|\*{3,}(?:[A-Za-z]+\*+)?|\b[xX]{3,}\b|\b[yY]{4,}\b|\b[zZ]{4,}\b|(?i:redacted|removed)|\.{3,}|…",
    )
});

fn policy_type(words: &str) -> Option<PolicyType> {
    let words: String = words
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    Some(match words.as_str() {
        "identity-based policy" => PolicyType::Identity,
        "resource-based policy" => PolicyType::ResourceBased,
        "resource control policy" => PolicyType::ResourceControl,
        "permissions boundary" => PolicyType::PermissionsBoundary,
        "service control policy" => PolicyType::ServiceControl,
        _ => return None,
    })
}

const POLICY_WORDS: [&str; 6] = [
    "identity-based policy",
    "resource-based policy",
    "permissions boundary",
    "service control policy",
    "resource control policy",
    "session policy",
];

/// AWS's reason clause in `rest`, and whether it was cut off ("because no iden").
fn reason(rest: &str) -> (Option<AwsReason>, bool) {
    if let Some(c) = EXPLICIT.captures(rest) {
        return (
            Some(match c.get(1) {
                None => AwsReason::ExplicitDenyUnnamed,
                Some(words) => match policy_type(words.as_str()) {
                    Some(kind) => AwsReason::ExplicitDeny(kind),
                    None => AwsReason::ExplicitDenySession,
                },
            }),
            false,
        );
    }
    if let Some(c) = NO_ALLOW.captures(rest) {
        return (
            Some(match policy_type(&c[1]) {
                Some(kind) => AwsReason::NoAllow(kind),
                None => AwsReason::NoSessionAllow,
            }),
            false,
        );
    }
    if let Some(c) = NO_ALLOW_CUT.captures(rest.trim_end()) {
        // Cut inside the policy type: the words that are there may still tell which.
        let words = c["words"].trim().to_ascii_lowercase();
        let fits: Vec<&str> = POLICY_WORDS
            .iter()
            .copied()
            .filter(|w| !words.is_empty() && w.starts_with(words.as_str()))
            .collect();
        let reason = match fits.as_slice() {
            [one] => Some(match policy_type(one) {
                Some(kind) => AwsReason::NoAllow(kind),
                None => AwsReason::NoSessionAllow,
            }),
            _ => None,
        };
        return (reason, true);
    }
    (None, false)
}

/// Trailing punctuation a pasted ARN picks up from its sentence.
fn trim_token(s: &str) -> &str {
    let mut t = s.trim_end_matches(['.', ',', ';', '"', '\'', '`']);
    // A closing bracket or parenthesis the token did not open.
    loop {
        let opened = |o: char, c: char| t.matches(o).count() >= t.matches(c).count();
        let trimmed = match t.chars().last() {
            Some(')') if !opened('(', ')') || !t.contains('(') => &t[..t.len() - 1],
            Some(']') if !t.contains('[') => &t[..t.len() - 1],
            _ => break,
        };
        t = trimmed.trim_end_matches(['.', ',', ';', '"', '\'', '`']);
    }
    t
}

/// Strips a truncation mark (`...`, `…`) from the end of a token; `true` when there was one.
fn strip_cut(s: &str) -> (&str, bool) {
    let t = s.trim_end_matches(['.', '…']);
    if t.len() + 2 <= s.len() || s.ends_with('…') {
        (t, true)
    } else {
        (s, false)
    }
}

/// The end of the token starting at `s`'s first byte: whitespace ends it, except inside a
/// redaction's brackets (`<account id>`); a quote ends it.
fn token_end(s: &str) -> usize {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '{' | '[' => depth += 1,
            '>' | '}' | ']' => depth = (depth - 1).max(0),
            '"' | '`' | '\n' => return i,
            '\'' if i > 0 => return i,
            c if c.is_whitespace() && depth == 0 => return i,
            _ => {}
        }
    }
    s.len()
}

/// Words that end the resource: the reason clause, the status line, an SDK's suffix.
fn ends_resource(rest: &str) -> bool {
    let r = rest.trim_start();
    let lower = r.to_ascii_lowercase();
    r.is_empty()
        || r.starts_with('\n')
        || [
            "because",
            "with an",
            "status code",
            "(service",
            "- sender",
            "request id",
        ]
        .iter()
        .any(|w| lower.starts_with(w))
}

/// The resource written at the start of `s` (after "on resource:"): its byte range in `s`, its
/// text (a space the wrapping put inside it taken out), and whether it was cut off.
fn read_resource(s: &str) -> Option<(usize, usize, String, bool)> {
    let mut start = s.len() - s.trim_start_matches([' ', '\t']).len();
    while s[start..].starts_with(['"', '\'', '`']) {
        start += 1;
    }
    let mut end = start + token_end(&s[start..]);
    let mut text = s[start..end].to_string();
    loop {
        let rest = &s[end..];
        let next_start = end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
        let next_end = next_start + token_end(&s[next_start..]);
        let next = &s[next_start..next_end];
        if next.is_empty() || next_start == end {
            break;
        }
        let arn = text.starts_with("arn:") || text.starts_with("aws:");
        // A redaction with a space in it (`arn:aws:iam::358974 REMOVED:user/x`): the ARN has not
        // all its fields yet, and the next token carries on with them.
        let incomplete = arn
            && text.matches(':').count() < 5
            && next.contains(':')
            && !next.starts_with('(')
            && !ends_resource(rest);
        // A space the wrapping put inside the ARN (`…:role/cd-paas-ser vice-dev-Role because`):
        // one more bare token, then the clause that ends the resource.
        let wrapped = arn
            && text.matches(':').count() >= 5
            && next
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:*".contains(c))
            && !matches!(
                next.to_ascii_lowercase().as_str(),
                "because" | "with" | "status" | "and" | "is" | "-"
            )
            && ends_resource(&s[next_end..])
            && !ends_resource(rest);
        if incomplete {
            text.push(' ');
        } else if !wrapped {
            break;
        }
        text.push_str(next);
        end = next_end;
    }
    // A cut mark first (its dots are not the sentence's full stop), then punctuation.
    let (uncut, cut) = strip_cut(text.trim_end_matches(['"', '\'', '`', ',', ';']));
    let trimmed = trim_token(uncut);
    // `…:role/name: ClientError` — the colon is the sentence's.
    let trimmed = match trimmed.strip_suffix(':') {
        Some(t)
            if s[end..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_uppercase()) =>
        {
            t
        }
        _ => trimmed,
    };
    let kept = trimmed;
    if kept.is_empty() {
        return None;
    }
    let dropped = text.len() - kept.len();
    Some((start, end - dropped.min(end - start), kept.to_string(), cut))
}

/// A principal as written: spaces the wrapping put beside its separators dropped, a
/// truncation mark noticed.
fn clean_principal(raw: &str) -> (Option<String>, bool) {
    let raw = raw.trim().trim_matches(['"', '\'', '`']);
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            let separator = |c: Option<char>| c.is_some_and(|c| "-/:".contains(c));
            if !(separator(before) || separator(after)) {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    let truncated_mark = out.contains("(truncated");
    let (uncut, cut) = strip_cut(out.trim_end_matches(['"', '\'', '`', ',', ';']));
    let kept = trim_token(uncut).trim();
    if kept.is_empty() || kept.chars().all(|c| c == '.') {
        return (None, true);
    }
    (Some(kept.to_string()), cut || truncated_mark)
}

/// The redactions in a part: bracketed placeholders, runs of `x`/`*`, `REDACTED`, an account
/// field that is not an account ID.
pub fn redactions(part: Part, text: &str, noticed: &mut Noticed) {
    let mut found: Vec<String> = REDACTION
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    if let Some(fields) = text
        .strip_prefix("arn:")
        .map(|r| r.splitn(5, ':').collect::<Vec<_>>())
        && fields.len() >= 4
    {
        let (service, account) = (fields[1], fields[3]);
        let covered = found.iter().any(|f| account.contains(f.as_str()));
        if account.is_empty() && matches!(service, "iam" | "sts") {
            found.push(String::new());
        } else if !account.is_empty() && is_redacted_account(account) && !covered {
            found.push(account.to_string());
        }
    }
    for f in found {
        if !noticed.redacted.iter().any(|(p, t)| *p == part && *t == f) {
            noticed.redacted.push((part, f));
        }
    }
}

/// The action a stopped reason implies when the AccessDenied in it is cut off before the
/// action: the agent's own words say what it was doing.
fn implied_action(lower: &str) -> Option<&'static str> {
    if lower.contains("failed to create cloudwatch log group") {
        Some("logs:CreateLogGroup")
    } else if lower.contains("failed to create cloudwatch log stream") {
        Some("logs:CreateLogStream")
    } else if lower.contains("from ssm") || lower.contains("ssm parameter store") {
        Some("ssm:GetParameters")
    } else if lower.contains("from asm")
        || lower.contains("failed to fetch secret")
        || lower.contains("asm fetching")
    {
        Some("secretsmanager:GetSecretValue")
    } else if lower.contains("cannotpullecrcontainererror") || lower.contains("ecr registry auth") {
        Some("ecr:GetAuthorizationToken")
    } else {
        None
    }
}

/// What the agent was fetching, from the stopped reason's wording.
fn fetching(line: &str) -> Option<&'static str> {
    let l = line.to_ascii_lowercase();
    if l.contains("from asm") || l.contains("secrets manager") || l.contains("asm fetching") {
        Some("asm")
    } else if l.contains("from ssm") || l.contains("parameter store") {
        Some("ssm")
    } else if l.contains("ecr") {
        Some("ecr")
    } else if l.contains("awslogs") || l.contains("log stream") || l.contains("log group") {
        Some("logs")
    } else {
        None
    }
}

/// One failure found in the logical text: what it is, the logical range that says it, where
/// its resource is, and what the reader noticed.
struct Found {
    failure: Failure,
    at: (usize, usize),
    resource: Option<(usize, usize)>,
    noticed: Noticed,
}

impl Found {
    fn plain(failure: Failure, at: (usize, usize)) -> Found {
        Found {
            failure,
            at,
            resource: None,
            noticed: Noticed::default(),
        }
    }
}

/// `User: PRINCIPAL is not authorized to perform: ACTION [on resource: RESOURCE] [reason]`.
fn access_denied(t: &str) -> Option<Found> {
    let c = ACCESS_DENIED
        .captures(t)
        .or_else(|| BARE_PRINCIPAL.captures(t))?;
    let whole = c.get(0)?;
    let mut noticed = Noticed::default();
    let (principal, cut) = clean_principal(&c["principal"]);
    if cut {
        noticed.truncated.push(Part::Principal);
    }
    let action: String = c["action"].split_whitespace().collect();
    let tail_end = t[whole.end()..]
        .find('\n')
        .map_or(t.len(), |i| whole.end() + i);
    let tail = &t[whole.end()..tail_end];
    let mut resource = None;
    let mut reason_from = whole.end();
    static ON_RESOURCE: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*(?i:on\s+resource):?\s*"));
    if let Some(m) = ON_RESOURCE.find(tail) {
        let from = whole.end() + m.end();
        match read_resource(&t[from..tail_end]) {
            Some((s, e, text, cut)) => {
                resource = Some((from + s, from + e, text));
                reason_from = from + e;
                if cut {
                    noticed.truncated.push(Part::Resource);
                }
            }
            None => noticed.missing.push(Part::Resource),
        }
    } else {
        let rest = tail.trim().to_ascii_lowercase();
        // Cut inside "on resource" itself.
        if !rest.is_empty() && "on resource:".starts_with(rest.as_str()) {
            noticed.truncated.push(Part::Resource);
        } else {
            noticed.missing.push(Part::Resource);
        }
    }
    let (reason, reason_cut) = reason(&t[reason_from..tail_end]);
    if reason_cut {
        noticed.truncated.push(Part::Reason);
    }
    let resource_text = resource.as_ref().map(|(_, _, text)| text.clone());
    if let Some(p) = &principal {
        redactions(Part::Principal, p, &mut noticed);
    }
    if let Some(r) = &resource_text {
        redactions(Part::Resource, r, &mut noticed);
    }
    Some(Found {
        failure: Failure::AccessDenied {
            principal,
            action: Some(action),
            resource: resource_text,
            reason,
        },
        at: (
            whole.start(),
            resource
                .as_ref()
                .map_or(whole.end(), |(_, e, _)| *e)
                .max(reason_from),
        ),
        resource: resource.map(|(s, e, _)| (s, e)),
        noticed,
    })
}

/// `AccessDeniedException: User: PRINCIPAL` and nothing after it: the stopped reason's words
/// imply the action, and for Secrets Manager the secret.
fn cut_after_user(t: &str, lower: &str) -> Option<Found> {
    let c = CUT_AFTER_USER.captures(t)?;
    let whole = c.get(0)?;
    let p = c.name("principal")?;
    let end = p.start() + token_end(p.as_str());
    let (principal, _) = clean_principal(&t[p.start()..end]);
    let mut noticed = Noticed::default();
    // Cut after the principal (or inside it, when it carries a mark or is gone).
    let principal_cut = principal.is_none() || strip_cut(t[p.start()..end].trim()).1;
    noticed.truncated.push(if principal_cut {
        Part::Principal
    } else {
        Part::Action
    });
    let action = implied_action(lower).map(str::to_string);
    match &action {
        Some(_) => noticed.action_implied = true,
        None => noticed.missing.push(Part::Action),
    }
    let secret = (action.as_deref() == Some("secretsmanager:GetSecretValue"))
        .then(|| fetched_secret(t))
        .flatten();
    if secret.is_none() {
        noticed.missing.push(Part::Resource);
    }
    if let Some(p) = &principal {
        redactions(Part::Principal, p, &mut noticed);
    }
    Some(Found {
        failure: Failure::AccessDenied {
            principal,
            action,
            resource: secret.as_ref().map(|(s, _)| s.clone()),
            reason: None,
        },
        at: (
            t[..whole.start()].rfind('\n').map_or(0, |i| i + 1),
            whole.end(),
        ),
        resource: secret.map(|(_, at)| at),
        noticed,
    })
}

/// The secret a Secrets Manager stopped reason names ("failed to fetch secret ARN from …").
fn fetched_secret(t: &str) -> Option<(String, (usize, usize))> {
    let c = FETCH_SECRET.captures(t)?;
    let m = c.name("arn")?;
    let arn = trim_token(m.as_str());
    let (arn, _) = strip_cut(arn);
    (!arn.is_empty()).then(|| (arn.to_string(), (m.start(), m.start() + arn.len())))
}

/// The principal-less forms: "Not authorized to perform sts:AssumeRole", "AccessDeniedException
/// because no identity-based policy allows the ACTION action", "User is not authorized to perform
/// that action on the specified resource".
fn without_principal(t: &str) -> Option<Found> {
    let (action, m, reason) = if let Some(c) = ALLOWS_THE_ACTION.captures(t) {
        let m = c.get(0)?;
        (Some(c["action"].to_string()), m, self::reason(m.as_str()).0)
    } else if let Some(c) = NOT_AUTHORIZED.captures(t) {
        (Some(c["action"].to_string()), c.get(0)?, None)
    } else {
        (None, THAT_ACTION.find(t)?, None)
    };
    let mut noticed = Noticed::default();
    noticed.missing.push(Part::Principal);
    if action.is_none() {
        noticed.missing.push(Part::Action);
    }
    noticed.missing.push(Part::Resource);
    Some(Found {
        failure: Failure::AccessDenied {
            principal: None,
            action,
            resource: None,
            reason,
        },
        at: (m.start(), m.end()),
        resource: None,
        noticed,
    })
}

/// A CloudTrail record of a denial without the AccessDenied sentence: `userIdentity.arn`,
/// `eventSource` and `eventName` say who asked for what.
fn cloudtrail(t: &str) -> Option<Found> {
    let m = CLOUDTRAIL.find(t)?;
    let mut source = None;
    let mut name = None;
    let mut arn = None;
    for c in CLOUDTRAIL_FIELD.captures_iter(t) {
        let value = c["value"].to_string();
        match &c["key"] {
            "eventSource" if source.is_none() => source = Some(value),
            "eventName" if name.is_none() => name = Some(value),
            "arn" if arn.is_none() => arn = Some(value),
            _ => {}
        }
    }
    let prefix = source
        .as_deref()
        .and_then(|s| s.strip_suffix(".amazonaws.com"));
    let action = prefix.zip(name).map(|(p, n)| format!("{p}:{n}"));
    let mut noticed = Noticed::default();
    if arn.is_none() {
        noticed.missing.push(Part::Principal);
    }
    if action.is_none() {
        noticed.missing.push(Part::Action);
    }
    noticed.missing.push(Part::Resource);
    if let Some(p) = &arn {
        redactions(Part::Principal, p, &mut noticed);
    }
    Some(Found {
        failure: Failure::AccessDenied {
            principal: arn,
            action,
            resource: None,
            reason: None,
        },
        at: (m.start(), m.end()),
        resource: None,
        noticed,
    })
}

/// The failures that are not an AccessDenied sentence: KMS, a secret or parameter not found, a
/// missing JSON key, the network, a log group, an image or a refused pull, EFS, a role ECS
/// cannot assume.
fn other_failure(t: &str, lower: &str) -> Option<Found> {
    let all = (0, t.len());
    if let Some(c) = ASSUME_ROLE.captures(t) {
        let m = c.name("role")?;
        let role = trim_token(m.as_str()).trim_matches(['\'', '"']);
        let service = if c["infra"].eq_ignore_ascii_case("role") {
            "ecs-tasks.amazonaws.com"
        } else {
            "ecs.amazonaws.com"
        };
        let mut noticed = Noticed::default();
        redactions(Part::Resource, role, &mut noticed);
        let whole = c.get(0)?;
        return Some(Found {
            failure: Failure::RoleNotAssumable {
                role: (!role.is_empty()).then(|| role.to_string()),
                service,
            },
            at: (whole.start(), whole.end()),
            resource: (!role.is_empty()).then(|| (m.start(), m.start() + role.len())),
            noticed,
        });
    }
    if lower.contains("unable to assume the service linked role") {
        return Some(Found::plain(Failure::ServiceLinkedRole, all));
    }
    if lower.contains("access to kms is not allowed") {
        let s = fetched_secret(t);
        return Some(Found {
            resource: s.as_ref().map(|(_, at)| *at),
            failure: Failure::KmsAccessDenied {
                secret: s.map(|(a, _)| a),
            },
            at: all,
            noticed: Noticed::default(),
        });
    }
    if lower.contains("can't find the specified secret")
        || lower.contains("cannot find the specified secret")
        || (lower.contains("resourcenotfoundexception") && lower.contains("secret"))
    {
        let s = fetched_secret(t);
        return Some(Found {
            resource: s.as_ref().map(|(_, at)| *at),
            failure: Failure::SecretNotFound {
                secret: s.map(|(a, _)| a),
            },
            at: all,
            noticed: Noticed::default(),
        });
    }
    if lower.contains("parameternotfound")
        || lower.contains("invalidparameters")
        || lower.contains("invalid parameters")
        || lower.contains("invalid ssm parameters")
    {
        return Some(Found::plain(
            Failure::ParameterNotFound {
                parameters: PARAMETERS
                    .captures(t)
                    .map(|c| c["names"].trim().to_string()),
            },
            all,
        ));
    }
    if lower.contains("ciphertext refers to a customer master key that does not exist")
        || lower.contains("kms key that does not exist")
    {
        return Some(Found::plain(Failure::KmsKeyNotFound, all));
    }
    if lower.contains("json key")
        && (lower.contains("did not contain") || lower.contains("not found"))
    {
        return Some(Found::plain(
            Failure::JsonKeyMissing {
                key: JSON_KEY.captures(t).map(|c| c["key"].to_string()),
            },
            all,
        ));
    }
    if lower.contains("invalid character")
        && (lower.contains("secret") || lower.contains("json") || lower.contains("asm"))
    {
        return Some(Found::plain(Failure::SecretNotJson, all));
    }
    if lower.contains("efs utils")
        || lower.contains("efs-utils")
        || lower.contains("mount.nfs4")
        || lower.contains("amazon-efs-mount")
        || lower.contains("failed to resolve \"fs-")
    {
        let detail = if lower.contains("access denied by server") {
            "access-denied"
        } else if lower.contains("no such file or directory") {
            "path-not-found"
        } else if lower.contains("failed to resolve") {
            "dns"
        } else if lower.contains("connection reset")
            || lower.contains("timed out")
            || lower.contains("timeout")
        {
            "network"
        } else if lower.contains("botocore") {
            "botocore-missing"
        } else {
            "other"
        };
        return Some(Found::plain(Failure::EfsMount { detail }, all));
    }
    if lower.contains("context deadline exceeded")
        || lower.contains("i/o timeout")
        || lower.contains("requestcanceled")
        || lower.contains("client.timeout")
        || (lower.contains("send request failed") && lower.contains("dial tcp"))
        || lower.contains("no such host")
        || lower.contains("connection issue between the task and")
        || lower
            .trim_end()
            .trim_end_matches(['.', ' '])
            .ends_with("unable to pull secrets or registry auth")
    {
        return Some(Found::plain(
            Failure::Network {
                service: fetching(t),
            },
            all,
        ));
    }
    if lower.contains("log group does not exist")
        || lower.contains("cannot find the amazon cloudwatch log group")
        || (lower.contains("resourcenotfoundexception") && lower.contains("log group"))
    {
        return Some(Found::plain(Failure::LogGroupNotFound, all));
    }
    let how = if lower.contains("pull access denied")
        || lower.contains("requested access to the resource is denied")
    {
        Some(PullRefusal::AccessDenied)
    } else if lower.contains("no basic auth credentials") {
        Some(PullRefusal::NoCredentials)
    } else if lower.contains("403 forbidden")
        && (lower.contains("pull") || lower.contains("manifest") || lower.contains("resolve ref"))
    {
        Some(PullRefusal::Forbidden)
    } else if lower.contains("authorization token has expired")
        || (lower.contains("token") && lower.contains("expired") && lower.contains("ecr"))
    {
        Some(PullRefusal::TokenExpired)
    } else {
        None
    };
    if let Some(how) = how {
        let image = PULL_IMAGE
            .captures(t)
            .and_then(|c| c.name("image"))
            .map(|m| trim_token(m.as_str()).to_string());
        let ecr = image.as_deref().is_some_and(|i| i.contains(".dkr.ecr."))
            || lower.contains("cannotpullecrcontainererror");
        return Some(Found::plain(Failure::PullRefused { image, ecr, how }, all));
    }
    if (lower.contains("cannotpullcontainererror") || lower.contains("pull image"))
        && (lower.contains("not found") || lower.contains("manifest unknown"))
        || lower.contains("api error (404)")
    {
        return Some(Found::plain(Failure::ImageNotFound, all));
    }
    if lower.contains("role is not valid") {
        return Some(Found::plain(Failure::RoleNotValid, all));
    }
    if lower.contains("targetnotconnectedexception") {
        return Some(Found::plain(Failure::ExecNotConnected, all));
    }
    if lower.contains("health check")
        && (lower.contains("failed") || lower.contains("unhealthy"))
        && (lower.contains("elb")
            || lower.contains("target group")
            || lower.contains("target-group"))
    {
        return Some(Found::plain(Failure::HealthCheck, all));
    }
    // The agent's reason, cut before it says why.
    let end = lower.trim_end();
    let cut = end.ends_with("...") || end.ends_with('…') || end.ends_with("time(s):");
    // An AccessDenied cut after `User:` is read as one.
    if cut
        && !lower.contains("user:")
        && (lower.contains("unable to retrieve secret")
            || lower.contains("failed to fetch secret")
            || lower.contains("unable to pull secrets"))
    {
        static SUBJECT: LazyLock<Regex> =
            LazyLock::new(|| regex(r"(?i)failed to fetch secret\s+(?P<s>\S+)$"));
        let subject = SUBJECT
            .captures(t.trim_end())
            .map(|c| strip_cut(&c["s"]).0.to_string())
            .filter(|s| !s.is_empty());
        let mut noticed = Noticed::default();
        noticed.truncated.push(Part::Reason);
        if let Some(s) = &subject {
            noticed.truncated.push(Part::Resource);
            redactions(Part::Resource, s, &mut noticed);
        }
        return Some(Found {
            failure: Failure::CutOff {
                fetching: fetching(t),
                subject,
            },
            at: all,
            resource: None,
            noticed,
        });
    }
    None
}

/// Who was denied, from the principal and the message's own words.
fn principal_kind(principal: Option<&str>, action: Option<&str>, lower: &str) -> PrincipalKind {
    let p = principal.unwrap_or("").to_ascii_lowercase();
    if p.contains(":user/") {
        return PrincipalKind::User;
    }
    let session = p.rsplit('/').next().unwrap_or("");
    // EC2 instance sessions are the instance ID, `i-…` (whatever a redaction made of the rest).
    let instance_session =
        p.contains(":assumed-role/") && session.len() > 3 && session.starts_with("i-");
    if instance_session || p.contains("instancerole") || p.contains("instance-role") {
        return PrincipalKind::InstanceRole;
    }
    let agent = [
        "resourceinitializationerror",
        "cannotpull",
        "fetching secret data",
        "unable to retrieve secret",
        "failed to create cloudwatch log",
        "failed to initialize logging driver",
        "unable to pull secrets",
        "asm fetching",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if agent || p.contains("executionrole") || p.contains("execution-role") {
        return PrincipalKind::ExecutionRole;
    }
    let deploying = action.is_some_and(|a| {
        let a = a.to_ascii_lowercase();
        a == "iam:passrole" || a.starts_with("ecs:register") || a.starts_with("cloudformation:")
    });
    let ci = [
        "codebuild",
        "github",
        "gitlab",
        "cicd",
        "deploy",
        "cdk-",
        "cloudformation",
        "terraform",
        "atlantis",
        "pipeline",
        "buildkite",
        "jenkins",
    ]
    .iter()
    .any(|w| p.contains(w));
    if deploying || ci {
        return PrincipalKind::Deploy;
    }
    PrincipalKind::Unknown
}

/// Finds the failure a message reports: the paste made one logical text first (wrapping,
/// decorations and escapes undone), then each form tried, the AccessDenied sentence first.
pub fn parse(text: &str) -> Option<Denial> {
    let logical = Logical::of(text);
    let t = logical.text.as_str();
    let lower = t.to_ascii_lowercase();
    let found = access_denied(t)
        .or_else(|| cloudtrail(t))
        .or_else(|| other_failure(t, &lower))
        .or_else(|| cut_after_user(t, &lower))
        .or_else(|| without_principal(t))?;
    let Found {
        failure,
        at,
        resource,
        noticed,
    } = found;
    // The line: from the start of the paste's line where the failure begins to the end of the
    // one where it ends, as logical text.
    let span = logical.span(at.0, at.1);
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let span = Span::new(start, end);
    let line = logical.text_of(span).trim().to_string();
    let (principal, action) = match &failure {
        Failure::AccessDenied {
            principal, action, ..
        } => (principal.as_deref(), action.as_deref()),
        _ => (None, None),
    };
    let principal_kind = principal_kind(principal, action, &lower);
    Some(Denial {
        fetching: fetching(&line),
        failure,
        line,
        span,
        resource_span: resource.map(|(s, e)| logical.span(s, e)),
        noticed,
        principal_kind,
    })
}

/// Whether an account field is a redaction (`xxxxxxxxxxxx`, `account_id`, `<account>`, `***`)
/// rather than an account ID.
pub fn is_redacted_account(account: &str) -> bool {
    !(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())) && account != "aws"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_message_in_its_classic_form() {
        let text = "Asm fetching secret from the service for ARN: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f2a is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU status code: 400, request id: 1f2e";
        let d = parse(text).unwrap();
        assert_eq!(
            d.failure,
            Failure::AccessDenied {
                principal: Some("arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f2a".into()),
                action: Some("secretsmanager:GetSecretValue".into()),
                resource: Some("arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU".into()),
                reason: None,
            }
        );
        let at = d.resource_span.unwrap();
        assert!(text[at.start..at.end].ends_with("-y54JnU"));
        assert_eq!(d.fetching, Some("asm"));
    }

    #[test]
    fn newer_reasons_name_the_policy_type() {
        let base = "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:eu-west-1:1:parameter/a";
        for (tail, want) in [
            (
                " because no identity-based policy allows the ssm:GetParameters action",
                AwsReason::NoAllow(PolicyType::Identity),
            ),
            (
                " because no resource-based policy allows the ssm:GetParameters action",
                AwsReason::NoAllow(PolicyType::ResourceBased),
            ),
            (
                " with an explicit deny in an identity-based policy",
                AwsReason::ExplicitDeny(PolicyType::Identity),
            ),
            (
                " with an explicit deny in a resource-based policy",
                AwsReason::ExplicitDeny(PolicyType::ResourceBased),
            ),
            (
                " with an explicit deny in a service control policy",
                AwsReason::ExplicitDeny(PolicyType::ServiceControl),
            ),
            (
                " with an explicit deny in a permissions boundary",
                AwsReason::ExplicitDeny(PolicyType::PermissionsBoundary),
            ),
            (
                " with an explicit deny in a session policy",
                AwsReason::ExplicitDenySession,
            ),
            (
                " because no session policy allows the ssm:GetParameters action",
                AwsReason::NoSessionAllow,
            ),
        ] {
            let d = parse(&format!("{base}{tail}")).unwrap();
            let Failure::AccessDenied {
                reason, resource, ..
            } = d.failure
            else {
                panic!("{tail}")
            };
            assert_eq!(reason, Some(want), "{tail}");
            assert_eq!(
                resource.as_deref(),
                Some("arn:aws:ssm:eu-west-1:1:parameter/a")
            );
        }
    }

    #[test]
    fn the_relevant_line_inside_a_log_and_an_arn_broken_by_wrapping() {
        let log = "2026-11-27T10:00:01Z deploying\nTask stopped: ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Xy12Ab from secrets manager: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/api-execution/abc is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-\nXy12Ab status code: 400\nJob failed";
        let d = parse(log).unwrap();
        let Failure::AccessDenied { resource, .. } = d.failure else {
            panic!()
        };
        assert_eq!(
            resource.as_deref(),
            Some("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Xy12Ab")
        );
    }

    #[test]
    fn ecs_unable_to_assume_the_role() {
        let event = "(service web) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.).";
        let d = parse(event).unwrap();
        assert_eq!(
            d.failure,
            Failure::RoleNotAssumable {
                role: Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into()),
                service: "ecs-tasks.amazonaws.com",
            }
        );
        let at = d.resource_span.unwrap();
        assert_eq!(
            &event[at.start..at.end],
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
        );
    }

    #[test]
    fn messages_without_a_principal() {
        let kms = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:eu-central-1:account_id:secret:algo-dev-EaPYTy from secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, request id: a87a";
        assert_eq!(
            parse(kms).unwrap().failure,
            Failure::KmsAccessDenied {
                secret: Some(
                    "arn:aws:secretsmanager:eu-central-1:account_id:secret:algo-dev-EaPYTy".into()
                )
            }
        );
        let net = "unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-west-2:*:secret:DBPasswordSecret-* from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.";
        assert_eq!(
            parse(net).unwrap().failure,
            Failure::Network {
                service: Some("asm")
            }
        );
        let ecr = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 5 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.0.1:443: i/o timeout";
        assert_eq!(
            parse(ecr).unwrap().failure,
            Failure::Network {
                service: Some("ecr")
            }
        );
        let missing = "ResourceNotFoundException: Secrets Manager can't find the specified secret.";
        assert!(matches!(
            parse(missing).unwrap().failure,
            Failure::SecretNotFound { .. }
        ));
        let ssm = "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: [/app/prod/db-url]";
        assert_eq!(
            parse(ssm).unwrap().failure,
            Failure::ParameterNotFound {
                parameters: Some("/app/prod/db-url".into())
            }
        );
        let key = "unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key password";
        assert_eq!(
            parse(key).unwrap().failure,
            Failure::JsonKeyMissing {
                key: Some("password".into())
            }
        );
        let cmk = "AccessDeniedException: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";
        assert_eq!(parse(cmk).unwrap().failure, Failure::KmsKeyNotFound);
        let logs = "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.";
        assert_eq!(parse(logs).unwrap().failure, Failure::LogGroupNotFound);
        let image = "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v9: not found";
        assert_eq!(parse(image).unwrap().failure, Failure::ImageNotFound);
    }

    #[test]
    fn nothing_understood_is_none() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("Essential container in task exited"), None);
    }

    #[test]
    fn redacted_accounts() {
        for a in ["xxxxxxxxxxxx", "account_id", "<account id>", "***", ""] {
            assert!(is_redacted_account(a), "{a}");
        }
        assert!(!is_redacted_account("123456789012"));
    }
}
