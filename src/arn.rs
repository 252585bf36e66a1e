//! Amazon Resource Names: parsing, formatting, and the shapes ecslint cares about.

use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`; the resource keeps any further colons.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl Arn {
    /// Parses the six-part form. Anything without the `arn:` prefix and five colons is not an ARN.
    pub fn parse(s: &str) -> Option<Arn> {
        let [partition, service, region, account, resource] = fields(s)?;
        Some(Arn {
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource: resource.to_string(),
        })
    }

    pub fn new(partition: &str, service: &str, region: &str, account: &str, resource: &str) -> Arn {
        Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// An ARN's fields, borrowed, as [`Arn::parse`] reads them: `[partition, service, region,
/// account, resource]`. For hot paths that only look.
pub fn fields(s: &str) -> Option<[&str; 5]> {
    let rest = s.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    Some([
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    ])
}

/// Length of the random suffix Secrets Manager appends to a secret's name in its ARN: `-` and six
/// alphanumerics.
pub const SECRET_SUFFIX_LEN: usize = 7;

/// A reference to a Secrets Manager secret as ECS reads it from `valueFrom` or
/// `credentialsParameter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretReference {
    /// The ARN ECS asks for: the reference with any `:json-key:version-stage:version-id` tail removed.
    pub arn: Arn,
    /// The part after `secret:` — a name followed by the random suffix for a full ARN, or just the
    /// name for a partial ARN. Which one it is cannot be told from the text alone.
    pub id: String,
    /// Whether the `:json-key:version-stage:version-id` tail was present.
    pub has_tail: bool,
    /// That tail, with its leading colon; empty without one.
    pub tail: String,
}

/// Why a `valueFrom` that names Secrets Manager cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretReferenceError {
    /// ECS accepts the ARN followed by nothing or by exactly three more fields.
    WrongFieldCount(usize),
    NotASecret,
}

impl SecretReference {
    /// Parses a Secrets Manager ARN as ECS accepts it: the resource is `secret:ID` or
    /// `secret:ID:json-key:version-stage:version-id` (amazon-ecs-agent, asmsecret).
    pub fn parse(arn: &Arn) -> Result<SecretReference, SecretReferenceError> {
        if arn.service != "secretsmanager" {
            return Err(SecretReferenceError::NotASecret);
        }
        let fields: Vec<&str> = arn.resource.split(':').collect();
        if fields.first() != Some(&"secret") {
            return Err(SecretReferenceError::NotASecret);
        }
        if fields.len() != 2 && fields.len() != 5 {
            return Err(SecretReferenceError::WrongFieldCount(fields.len()));
        }
        let id = fields[1].to_string();
        let tail = if fields.len() == 5 {
            format!(":{}", fields[2..].join(":"))
        } else {
            String::new()
        };
        Ok(SecretReference {
            tail,
            arn: Arn {
                resource: format!("secret:{id}"),
                ..arn.clone()
            },
            id,
            has_tail: fields.len() == 5,
        })
    }
}

/// What IAM patterns write for "this secret, whatever its suffix": `-` and six `?`.
pub const SECRET_SUFFIX_PATTERN: &str = "-??????";

/// The pattern that matches the secret whose ARN without its suffix is `base` (an ARN, or a
/// resource such as `secret:NAME`), whatever its suffix: `BASE-??????`. The one place that builds
/// it.
pub fn secret_name_pattern(base: &str) -> String {
    format!("{base}{SECRET_SUFFIX_PATTERN}")
}

/// The display-name form of a secret ARN: the ARN without its random suffix.
pub fn display_name_arn(secret_arn: &str) -> Option<&str> {
    let arn = Arn::parse(secret_arn)?;
    let id = arn.resource.strip_prefix("secret:")?;
    if !has_secret_suffix(id) {
        return None;
    }
    secret_arn.get(..secret_arn.len() - SECRET_SUFFIX_LEN)
}

/// The suffix a secret has before it exists: a CloudFormation template's secret is known by its
/// name and six characters no one knows until it is created.
pub const SYMBOLIC_SECRET_SUFFIX: &str = "-??????";

/// [`display_name_arn`], also for a secret a template creates (its ARN ends in
/// [`SYMBOLIC_SECRET_SUFFIX`]).
pub fn display_name_of_secret(secret_arn: &str) -> Option<&str> {
    display_name_arn(secret_arn).or_else(|| {
        let base = secret_arn.strip_suffix(SYMBOLIC_SECRET_SUFFIX)?;
        Arn::parse(base)
            .is_some_and(|a| a.service == "secretsmanager" && a.resource.starts_with("secret:"))
            .then_some(base)
    })
}

/// A secret's name from its ARN (real or symbolic): the resource without `secret:` and the suffix.
pub fn secret_name_of(secret_arn: &str) -> Option<&str> {
    display_name_of_secret(secret_arn)?
        .split_once(":secret:")
        .map(|(_, name)| name)
}

/// The `Resource` entry AWS recommends for a secret: its name followed by `-??????`, which matches
/// the secret's ARN and survives the secret being deleted and created again.
pub fn recommended_secret_resource(secret_arn: &str) -> String {
    match display_name_arn(secret_arn) {
        Some(base) => secret_name_pattern(base),
        None => secret_arn.to_string(),
    }
}

/// Whether `id` ends like a Secrets Manager ARN: `-` followed by six ASCII alphanumerics.
pub fn has_secret_suffix(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() > SECRET_SUFFIX_LEN
        && bytes[bytes.len() - SECRET_SUFFIX_LEN] == b'-'
        && bytes[bytes.len() - 6..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric())
}

/// The part of a role ARN that names the role (`arn:aws:iam::1:role/service-role/NAME` → `NAME`);
/// a plain name is returned as it is.
pub fn role_name(role: &str) -> &str {
    match Arn::parse(role) {
        Some(_) => role.rsplit('/').next().unwrap_or(role),
        None => role,
    }
}

/// The role a principal ARN names: `arn:…:sts::ACCOUNT:assumed-role/NAME/SESSION` (how
/// AccessDenied messages print the ECS agent) or `arn:…:iam::ACCOUNT:role/PATH/NAME` → `NAME`.
/// `None` for any other principal (a user, a service) and for text that is no ARN. The one place
/// that reads a role out of a principal.
pub fn principal_role(principal: &str) -> Option<&str> {
    let arn = Arn::parse(principal)?;
    let start = principal.len() - arn.resource.len();
    let resource = &principal[start..];
    if let Some(rest) = resource.strip_prefix("assumed-role/") {
        return rest.split('/').next().filter(|n| !n.is_empty());
    }
    resource
        .strip_prefix("role/")
        .map(|r| r.rsplit('/').next().unwrap_or(r))
        .filter(|n| !n.is_empty())
}

/// A placeholder left in an ARN copied from documentation: `region`, `aws_account_id`,
/// `secret_name`, `key_id`, `<…>`, `{…}`. The range is a byte range into the ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Cheap pre-checks: a real region (`eu-west-1`), account (12 digits), wildcard or empty field is
/// never a placeholder, and a placeholder name always says "name" or "id".
fn could_be_placeholder_field(field: &str) -> bool {
    let real_region = field
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && field.bytes().last().is_some_and(|b| b.is_ascii_digit());
    let real_account =
        field.len() == 12 && field.bytes().all(|b| b.is_ascii_digit()) && field != "000000000000";
    !(field.is_empty() || field == "*" || field == "aws" || real_region || real_account)
}

fn could_be_placeholder_name(segment: &str) -> bool {
    segment.len() <= 40 && says_name_or_id(segment)
}

/// Whether `text` contains "name" or "id", in any case: one pass over the bytes.
fn says_name_or_id(text: &str) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize, word: &[u8]| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    bytes.iter().enumerate().any(|(i, b)| match b {
        b'n' | b'N' => at(i, b"name"),
        b'i' | b'I' => at(i, b"id"),
        _ => false,
    })
}

/// Whether a region or account field is a documentation placeholder.
fn placeholder_field(field: &str) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)^(?:your[-_]?|my[-_]?)?(?:aws[-_]?)?
              (?:region(?:[-_]?(?:name|code))?|acct(?:[-_]?id)?|account(?:[-_]?(?:id|number))?
               |x{4,}|0{12})$",
        )
        .expect("valid placeholder pattern") // ok: a constant pattern
    });
    WORD.is_match(field)
}

/// Whether a segment of an ARN's resource part is a documentation placeholder name.
fn placeholder_name(segment: &str) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?ix)^(?:your[-_]?|my[-_]?)?
              (?:secret|key|kms[-_]?key|parameter|param|repository|repo|log[-_]?group|bucket)
              [-_]?(?:name|id)$",
        )
        .expect("valid placeholder pattern") // ok: a constant pattern
    });
    WORD.is_match(segment)
}

/// The placeholders in an ARN-shaped string, in order. Policy variables (`${aws:username}`) are
/// not placeholders.
pub fn placeholders(s: &str) -> Vec<Placeholder> {
    static BRACKETED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<[^<>]*>|(?:^|[^$])(\{[^{}]*\})").expect("valid bracket pattern") // ok: a constant pattern
    });
    let mut found = Vec::new();
    if !s.starts_with("arn:") {
        return found;
    }
    // The regexes run only where a placeholder is possible at all: most ARNs are plainly real.
    let bracketed = s.bytes().any(|b| b == b'<' || b == b'{');
    // Only then is the regex run at all (even on "" it allocates its captures).
    let matches = bracketed.then(|| BRACKETED.captures_iter(s));
    for m in matches.into_iter().flatten() {
        let Some(m) = m.get(1).or_else(|| m.get(0)) else {
            continue;
        };
        found.push(Placeholder {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
        });
    }
    // `${Partition}`, `${Region}`, `${Account}`, `${SecretId}` (the Service Authorization
    // Reference's ARN formats) and `${AWS::AccountId}` (CloudFormation's, outside a `Fn::Sub`):
    // not policy variables, and never filled in where they stand.
    if bracketed && s.contains("${") {
        let mut from = 0;
        while let Some(open) = s[from..].find("${").map(|i| i + from) {
            let Some(close) = s[open..].find('}').map(|i| i + open + 1) else {
                break;
            };
            let text = &s[open..close];
            if crate::model::template::is_reference_placeholder(text) || text.starts_with("${AWS::")
            {
                found.push(Placeholder {
                    start: open,
                    end: close,
                    text: text.to_string(),
                });
            }
            from = close;
        }
    }
    // Most ARNs are real: their region and account are, and no part of the resource says "name"
    // or "id". Settle those with one pass instead of a look at every segment.
    if !bracketed {
        let mut fields = s.splitn(6, ':').skip(3);
        if let (Some(region), Some(account), Some(resource)) =
            (fields.next(), fields.next(), fields.next())
            && !could_be_placeholder_field(region)
            && !could_be_placeholder_field(account)
            && !says_name_or_id(resource)
        {
            return found;
        }
    }
    // Whole fields: region, account, and each segment of the resource after its type prefix.
    let mut offset = 0;
    for (i, field) in s.splitn(6, ':').enumerate() {
        let start = offset;
        offset += field.len() + 1;
        if !(3..=5).contains(&i) {
            continue;
        }
        let mut at = start;
        let segments: &mut dyn Iterator<Item = &str> = if i == 5 {
            &mut field.split([':', '/'])
        } else {
            &mut std::iter::once(field)
        };
        for text in segments {
            let here = at;
            at += text.len() + 1;
            let is_placeholder = if i == 5 {
                could_be_placeholder_name(text) && placeholder_name(text)
            } else {
                could_be_placeholder_field(text) && placeholder_field(text)
            };
            let at = here;
            if is_placeholder && !found.iter().any(|p| p.start <= at && at < p.end) {
                found.push(Placeholder {
                    start: at,
                    end: at + text.len(),
                    text: text.to_string(),
                });
            }
        }
    }
    found.sort_by_key(|p| p.start);
    found.dedup_by_key(|p| p.start);
    found
}

/// The ARN of key `key_id` in the partition, region and account of `owner` (an ARN of the same
/// place: the secret, parameter or alias that names the key by id). The one place that builds a
/// key ARN from a key id.
pub fn kms_key_arn(owner: &Arn, key_id: &str) -> String {
    Arn::new(
        &owner.partition,
        "kms",
        &owner.region,
        &owner.account,
        &format!("key/{key_id}"),
    )
    .to_string()
}

/// For a KMS key ARN written `…:key:KEY-ID`, the form AWS uses: `…:key/KEY-ID`.
pub fn kms_key_colon_corrected(s: &str) -> Option<String> {
    if !s.contains(":kms:") || !s.contains(":key:") {
        return None;
    }
    let arn = Arn::parse(s)?;
    if arn.service != "kms" {
        return None;
    }
    let id = arn.resource.strip_prefix("key:")?;
    Some(
        Arn {
            resource: format!("key/{id}"),
            ..arn
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_names_its_role_only_when_it_is_a_role() {
        let cases = [
            (
                "arn:aws:sts::1:assumed-role/ecsTaskExecutionRole/8f2a",
                Some("ecsTaskExecutionRole"),
            ),
            ("arn:aws:iam::1:role/service-role/app", Some("app")),
            ("arn:aws:iam::1:role/app", Some("app")),
            ("arn:aws:iam::1:user/alice", None),
            ("arn:aws:sts::1:assumed-role/", None),
            ("ecsTaskExecutionRole", None),
        ];
        for (principal, role) in cases {
            assert_eq!(principal_role(principal), role, "{principal}");
        }
        assert_eq!(
            secret_name_pattern("arn:aws:secretsmanager:us-east-1:1:secret:db"),
            "arn:aws:secretsmanager:us-east-1:1:secret:db-??????"
        );
    }

    #[test]
    fn parses_and_formats_round_trip() {
        let s = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU";
        let arn = Arn::parse(s).unwrap();
        assert_eq!(arn.service, "secretsmanager");
        assert_eq!(arn.region, "ap-northeast-1");
        assert_eq!(arn.account, "123456789012");
        assert_eq!(arn.resource, "secret:gitlab-sample-registry-y54JnU");
        assert_eq!(arn.to_string(), s);
    }

    #[test]
    fn resource_keeps_its_colons_and_slashes() {
        let arn = Arn::parse("arn:aws:iam::123456789012:role/path/to/r").unwrap();
        assert_eq!(arn.region, "");
        assert_eq!(arn.resource, "role/path/to/r");
        assert_eq!(role_name("arn:aws:iam::123456789012:role/path/to/r"), "r");
        assert_eq!(role_name("plain"), "plain");
    }

    #[test]
    fn rejects_what_is_not_an_arn() {
        for bad in [
            "",
            "arn",
            "arn:aws:s3",
            "arn:aws:s3::",
            "gitlab-sample-registry",
            "ARN:aws:s3:::b",
        ] {
            assert!(Arn::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn secret_reference_strips_the_json_key_tail() {
        let arn =
            Arn::parse("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password::")
                .unwrap();
        let r = SecretReference::parse(&arn).unwrap();
        assert!(r.has_tail);
        assert_eq!(r.id, "db-AbCdEf");
        assert_eq!(
            r.arn.to_string(),
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        );
    }

    #[test]
    fn secret_reference_rejects_other_field_counts() {
        let arn =
            Arn::parse("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:password")
                .unwrap();
        assert_eq!(
            SecretReference::parse(&arn),
            Err(SecretReferenceError::WrongFieldCount(3))
        );
        let ssm = Arn::parse("arn:aws:ssm:us-east-1:123456789012:parameter/x").unwrap();
        assert_eq!(
            SecretReference::parse(&ssm),
            Err(SecretReferenceError::NotASecret)
        );
    }

    #[test]
    fn suffix_detection() {
        assert!(has_secret_suffix("gitlab-sample-registry-y54JnU"));
        assert!(!has_secret_suffix("gitlab-sample-registry"));
        assert!(!has_secret_suffix("-y54JnU"));
        assert!(!has_secret_suffix("name-??????"));
    }

    #[test]
    fn finds_documentation_placeholders() {
        let s = "arn:aws:secretsmanager:region:aws_account_id:secret:secret_name";
        let found: Vec<_> = placeholders(s).into_iter().map(|p| p.text).collect();
        assert_eq!(found, ["region", "aws_account_id", "secret_name"]);
        let p = &placeholders(s)[2];
        assert_eq!(&s[p.start..p.end], "secret_name");
        let kms = "arn:aws:kms:ap-northeast-1:<account id>:key/key_id";
        let found: Vec<_> = placeholders(kms).into_iter().map(|p| p.text).collect();
        assert_eq!(found, ["<account id>", "key_id"]);
        let braces = "arn:aws:s3:::{bucket}/${aws:username}/*";
        let found: Vec<_> = placeholders(braces).into_iter().map(|p| p.text).collect();
        assert_eq!(found, ["{bucket}"]);
        // The Service Authorization Reference's format, copied unfilled (a field task
        // definition), and CloudFormation's pseudo parameters outside a `Fn::Sub`.
        let reference = "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}";
        let found: Vec<_> = placeholders(reference)
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(
            found,
            ["${Partition}", "${Region}", "${Account}", "${SecretId}"]
        );
        let cfn = "arn:aws:iam::${AWS::AccountId}:role/app";
        assert_eq!(placeholders(cfn)[0].text, "${AWS::AccountId}");
    }

    #[test]
    fn real_arns_have_no_placeholders() {
        for s in [
            "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:secretsmanager:*:*:secret:app/*",
            "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/name",
        ] {
            assert_eq!(placeholders(s), Vec::new(), "{s}");
        }
    }

    #[test]
    fn kms_key_colon_is_corrected() {
        assert_eq!(
            kms_key_colon_corrected("arn:aws:kms:us-east-1:123456789012:key:abcd").as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/abcd")
        );
        assert_eq!(
            kms_key_colon_corrected("arn:aws:kms:us-east-1:123456789012:key/abcd"),
            None
        );
        assert_eq!(
            kms_key_colon_corrected("arn:aws:secretsmanager:us-east-1:1:key:abcd"),
            None
        );
    }
}

#[cfg(test)]
mod name_or_id_tests {
    use super::says_name_or_id;

    #[test]
    fn finds_name_or_id_in_any_case_and_nothing_else() {
        for yes in ["secret_name", "KEY_ID", "Id", "rename", "NAME", "x/id/y"] {
            assert!(says_name_or_id(yes), "{yes}");
        }
        for no in [
            "",
            "i",
            "n",
            "nam",
            "secret:app/db-??????",
            "key/0f1e2d3c-4b5a",
            "in",
        ] {
            assert!(!says_name_or_id(no), "{no}");
        }
    }
}
