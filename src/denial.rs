//! AccessDenied and stopped-task messages: what was asked, by whom, and what went wrong.
//!
//! Formats come from AWS's AccessDenied messages ("User: PRINCIPAL is not authorized to perform:
//! ACTION on resource: ARN", with or without the newer "because no … policy allows" / "with an
//! explicit deny in …" reasons), the ECS agent's stopped reasons (`ResourceInitializationError:
//! unable to pull secrets or registry auth: …`) and real pasted reports: redacted accounts, ARNs
//! broken across lines by console wrapping, the relevant line inside a block of CI output.

use crate::iam::PolicyType;
use crate::model::source::Span;
use regex::Regex;
use std::sync::LazyLock;

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
        }
    }
}

/// What the message reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An IAM denial of ACTION on RESOURCE for PRINCIPAL.
    AccessDenied {
        principal: String,
        action: String,
        resource: String,
        reason: Option<AwsReason>,
    },
    /// "Access to KMS is not allowed": the secret's key is the problem (`kms:Decrypt`).
    KmsAccessDenied { secret: Option<String> },
    /// Secrets Manager cannot find the secret (wrong name, wrong suffix, wrong region).
    SecretNotFound { secret: Option<String> },
    /// SSM cannot find the parameter(s).
    ParameterNotFound { parameters: Option<String> },
    /// The ciphertext names a KMS key that does not exist (deleted, or another account's).
    KmsKeyNotFound,
    /// The secret has no such JSON key.
    JsonKeyMissing { key: Option<String> },
    /// The agent never reached the service: no route (NAT gateway, VPC endpoint, egress rule).
    Network { service: Option<&'static str> },
    /// The image or tag does not exist.
    ImageNotFound,
    /// The awslogs log group does not exist (and the driver may not create it).
    LogGroupNotFound,
    /// ECS could not assume the task's role (a service event: "ECS was unable to assume the role
    /// 'ARN' that was provided for this task"): its trust policy, or the role itself.
    RoleNotAssumable { role: Option<String> },
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
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid constant pattern") // ok: every caller passes a constant pattern, exercised by the tests below
}

static ACCESS_DENIED: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i:User|Principal):\s*(?P<principal>\S+)\s+is not authorized to perform:\s*(?P<action>[A-Za-z0-9-]+:[A-Za-z0-9*]+)(?:\s+on resource:\s*(?P<resource>\S+))?(?P<rest>.*)",
    )
});
static NO_ALLOW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"because no (identity-based policy|resource-based policy|permissions boundary|service control policy|resource control policy|session policy) allows",
    )
});
static EXPLICIT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"with an explicit deny in an? (identity-based policy|resource-based policy|permissions boundary|service control policy|resource control policy|session policy)",
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
static ASSUME_ROLE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)unable to assume the role\s+'?(?P<role>arn:[^'\s]+)"));
static PARAMETERS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)invalid parameters?:?\s*\[?(?P<names>[^\]\n]+)\]?"));

fn policy_type(words: &str) -> Option<PolicyType> {
    Some(match words {
        "identity-based policy" => PolicyType::Identity,
        "resource-based policy" | "resource control policy" => PolicyType::ResourceBased,
        "permissions boundary" => PolicyType::PermissionsBoundary,
        "service control policy" => PolicyType::ServiceControl,
        _ => return None,
    })
}

fn reason(rest: &str) -> Option<AwsReason> {
    if let Some(c) = EXPLICIT.captures(rest) {
        return Some(match policy_type(&c[1]) {
            Some(kind) => AwsReason::ExplicitDeny(kind),
            None => AwsReason::ExplicitDenySession,
        });
    }
    NO_ALLOW.captures(rest).map(|c| match policy_type(&c[1]) {
        Some(kind) => AwsReason::NoAllow(kind),
        None => AwsReason::NoSessionAllow,
    })
}

/// Trailing punctuation a pasted ARN picks up from its sentence.
fn trim_token(s: &str) -> &str {
    s.trim_end_matches(['.', ',', ';', ')', '"', '\'', '`', ']'])
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

/// What one line reports, and where the resource it names is: an AccessDenied, or a failure
/// ECS or its agent reports.
type Understood = (Failure, Option<(usize, usize)>);

fn understand(line: &str) -> Option<Understood> {
    access_denied(line).or_else(|| other_failure(line))
}

/// `User: PRINCIPAL is not authorized to perform: ACTION on resource: ARN …`.
fn access_denied(line: &str) -> Option<Understood> {
    let c = ACCESS_DENIED.captures(line)?;
    let resource = c.name("resource").map(|m| {
        let t = trim_token(m.as_str());
        (t.to_string(), (m.start(), m.start() + t.len()))
    });
    let rest = c.name("rest").map_or("", |m| m.as_str());
    let (resource, at) = match resource {
        Some((r, at)) => (r, Some(at)),
        None => ("*".to_string(), None),
    };
    Some((
        Failure::AccessDenied {
            principal: trim_token(&c["principal"]).to_string(),
            action: c["action"].to_string(),
            resource,
            reason: reason(rest),
        },
        at,
    ))
}

/// The failures that are not an AccessDenied: KMS, a secret or parameter not found, a missing
/// JSON key, the network, a log group, an image, a role ECS cannot assume.
fn other_failure(line: &str) -> Option<Understood> {
    let lower = line.to_ascii_lowercase();
    let secret = || {
        FETCH_SECRET.captures(line).map(|c| {
            let m = c.name("arn").map_or("", |m| m.as_str());
            (
                trim_token(m).to_string(),
                c.name("arn")
                    .map(|m| (m.start(), m.start() + trim_token(m.as_str()).len())),
            )
        })
    };
    if lower.contains("unable to assume the role") {
        let role = ASSUME_ROLE.captures(line).and_then(|c| c.name("role"));
        return Some((
            Failure::RoleNotAssumable {
                role: role.map(|m| trim_token(m.as_str()).to_string()),
            },
            role.map(|m| (m.start(), m.start() + trim_token(m.as_str()).len())),
        ));
    }
    if lower.contains("access to kms is not allowed") {
        let s = secret();
        return Some((
            Failure::KmsAccessDenied {
                secret: s.as_ref().map(|(a, _)| a.clone()),
            },
            s.and_then(|(_, at)| at),
        ));
    }
    if lower.contains("can't find the specified secret")
        || lower.contains("cannot find the specified secret")
        || (lower.contains("resourcenotfoundexception") && lower.contains("secret"))
    {
        let s = secret();
        return Some((
            Failure::SecretNotFound {
                secret: s.as_ref().map(|(a, _)| a.clone()),
            },
            s.and_then(|(_, at)| at),
        ));
    }
    if lower.contains("parameternotfound")
        || lower.contains("invalidparameters")
        || lower.contains("invalid parameters")
    {
        return Some((
            Failure::ParameterNotFound {
                parameters: PARAMETERS
                    .captures(line)
                    .map(|c| c["names"].trim().to_string()),
            },
            None,
        ));
    }
    if lower.contains("ciphertext refers to a customer master key that does not exist")
        || lower.contains("kms key that does not exist")
    {
        return Some((Failure::KmsKeyNotFound, None));
    }
    if lower.contains("json key")
        && (lower.contains("did not contain") || lower.contains("not found"))
    {
        return Some((
            Failure::JsonKeyMissing {
                key: JSON_KEY.captures(line).map(|c| c["key"].to_string()),
            },
            None,
        ));
    }
    if lower.contains("context deadline exceeded")
        || lower.contains("i/o timeout")
        || lower.contains("requestcanceled")
        || (lower.contains("send request failed") && lower.contains("dial tcp"))
        || lower.contains("no such host")
    {
        return Some((
            Failure::Network {
                service: fetching(line),
            },
            None,
        ));
    }
    if lower.contains("log group does not exist")
        || (lower.contains("resourcenotfoundexception") && lower.contains("log group"))
    {
        return Some((Failure::LogGroupNotFound, None));
    }
    if lower.contains("cannotpullcontainererror")
        && (lower.contains("not found") || lower.contains("manifest unknown"))
    {
        return Some((Failure::ImageNotFound, None));
    }
    None
}

/// Joins lines broken inside an ARN (console wrapping), but not a line that ends with an ARN
/// followed by the next log line (which starts with a timestamp or a bracket).
fn unwrap_lines(text: &str) -> String {
    static NEW_ENTRY: LazyLock<Regex> =
        LazyLock::new(|| regex(r"^(?:\d{4}-\d{2}-\d{2}|\[|\d{2}:\d{2}:\d{2})"));
    let mut out = String::with_capacity(text.len());
    let token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '/' | '_' | '*');
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end_matches('\r');
        out.push_str(trimmed);
        if let Some(next) = lines.get(i + 1) {
            let next = next.trim_start();
            let breaks_token = trimmed.ends_with(token)
                && next.starts_with(token)
                && !NEW_ENTRY.is_match(next)
                && trimmed
                    .rsplit(' ')
                    .next()
                    .is_some_and(|t| t.contains("arn:"));
            if !breaks_token {
                out.push('\n');
            }
        }
    }
    out
}

/// Finds the first line of `text` that reports a failure ecslint understands. Lines broken
/// inside an ARN are joined first; spans index the original text where the line is unchanged.
pub fn parse(text: &str) -> Option<Denial> {
    let joined = unwrap_lines(text);
    joined.split('\n').find_map(|line| {
        let (failure, at) = understand(line)?;
        // Spans index `text` where the line stands there unchanged; a joined line spans it all.
        let found = text.find(line);
        let start = found.unwrap_or(0);
        Some(Denial {
            failure,
            line: line.trim().to_string(),
            span: match found {
                Some(_) => Span::new(start, start + line.len()),
                None => Span::new(0, text.len()),
            },
            resource_span: at
                .filter(|_| found.is_some())
                .map(|(s, e)| Span::new(start + s, start + e)),
            fetching: fetching(line),
        })
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
                principal: "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/8f2a".into(),
                action: "secretsmanager:GetSecretValue".into(),
                resource: "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU".into(),
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
            assert_eq!(resource, "arn:aws:ssm:eu-west-1:1:parameter/a");
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
            resource,
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-Xy12Ab"
        );
    }

    #[test]
    fn ecs_unable_to_assume_the_role() {
        let event = "(service web) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.).";
        let d = parse(event).unwrap();
        assert_eq!(
            d.failure,
            Failure::RoleNotAssumable {
                role: Some("arn:aws:iam::123456789012:role/ecsTaskExecutionRole".into())
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
