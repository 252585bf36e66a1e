//! The policy checks IAM Access Analyzer's `ValidatePolicy` makes that matter for ECS roles,
//! secret and key policies and trust policies: grammar IAM refuses, ARNs and principals that
//! name nothing, conditions that never test what they seem to, and grants broader than they
//! look. Each is decided here, once, on the narrowest token; the rules that own them (see
//! [`Check::ALL`]) only word them. The IAM User Guide's "Access Analyzer policy check reference"
//! names each check; [`Check::code`] is its issue code.

use std::sync::LazyLock;

use crate::fix::{Applicability, Edit, Fix};
use crate::model::inventory::{AttachedPolicy, Attachment};
use crate::model::policy::operator::{Base, Operator, SetQualifier};
use crate::model::policy::{Effect, PolicyType, Statement};
use crate::model::source::{Loc, SourceMap, Span, Spanned};

/// One check. The severity is the finding's; the owning rule is declared by the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Check {
    // Grammar (policy-grammar).
    MissingVersion,
    VariableWithoutVersion,
    DuplicateSid,
    UnsupportedSid,
    EmptySid,
    EmptyArray,
    EmptyObject,
    WildcardInServiceName,
    TrustActionNotSts,
    TrustNotPrincipal,
    TrustResource,
    // Principals (principal-format), and placeholders in them (arn-placeholder).
    InvalidPrincipalKey,
    InvalidPrincipalFormat,
    PrincipalUniqueId,
    UnsupportedWildcardInPrincipal,
    InvalidServicePrincipal,
    InvalidFederatedPrincipal,
    PrincipalPlaceholder,
    // Resource ARNs (arn-format).
    InvalidArnPrefix,
    MissingArnField,
    InvalidArnService,
    InvalidArnServiceCase,
    MissingArnRegion,
    ArnRegionNotAllowed,
    InvalidArnRegion,
    InvalidArnAccount,
    ArnAccountNotAllowed,
    // Conditions (condition-format).
    DuplicateConditionKeyCase,
    WildcardWithoutLike,
    ForAllValuesSingleValued,
    InvalidVpceFormat,
    InvalidVpcFormat,
    ConditionKeyOfOtherService,
    EmptyConditionValues,
    // Security warnings (policy-security).
    PassRoleWithStar,
    AllowWithNotPrincipal,
    SecretPolicyOpen,
    TrustOpen,
    DenyNotActionTagCondition,
}

impl Check {
    pub const ALL: &[Check] = &[
        Check::MissingVersion,
        Check::VariableWithoutVersion,
        Check::DuplicateSid,
        Check::UnsupportedSid,
        Check::EmptySid,
        Check::EmptyArray,
        Check::EmptyObject,
        Check::WildcardInServiceName,
        Check::TrustActionNotSts,
        Check::TrustNotPrincipal,
        Check::TrustResource,
        Check::InvalidPrincipalKey,
        Check::InvalidPrincipalFormat,
        Check::PrincipalUniqueId,
        Check::UnsupportedWildcardInPrincipal,
        Check::InvalidServicePrincipal,
        Check::InvalidFederatedPrincipal,
        Check::PrincipalPlaceholder,
        Check::InvalidArnPrefix,
        Check::MissingArnField,
        Check::InvalidArnService,
        Check::InvalidArnServiceCase,
        Check::MissingArnRegion,
        Check::ArnRegionNotAllowed,
        Check::InvalidArnRegion,
        Check::InvalidArnAccount,
        Check::ArnAccountNotAllowed,
        Check::DuplicateConditionKeyCase,
        Check::WildcardWithoutLike,
        Check::ForAllValuesSingleValued,
        Check::InvalidVpceFormat,
        Check::InvalidVpcFormat,
        Check::ConditionKeyOfOtherService,
        Check::EmptyConditionValues,
        Check::PassRoleWithStar,
        Check::AllowWithNotPrincipal,
        Check::SecretPolicyOpen,
        Check::TrustOpen,
        Check::DenyNotActionTagCondition,
    ];

    /// The issue code IAM Access Analyzer gives the same finding (the closest one, where
    /// ecslint's check is narrower or its own).
    pub fn code(self) -> &'static str {
        use Check::*;
        match self {
            MissingVersion => "MISSING_VERSION",
            VariableWithoutVersion => "VARIABLE_UNSUPPORTED_IN_VERSION",
            DuplicateSid => "UNIQUE_SIDS_RECOMMENDED",
            UnsupportedSid => "UNSUPPORTED_SID",
            EmptySid => "EMPTY_SID_VALUE",
            EmptyArray => "EMPTY_ARRAY_ACTION / EMPTY_ARRAY_RESOURCE / EMPTY_ARRAY_PRINCIPAL",
            EmptyObject => "EMPTY_OBJECT_CONDITION / EMPTY_OBJECT_PRINCIPAL",
            WildcardInServiceName => "WILDCARD_IN_SERVICE_NAME",
            TrustActionNotSts => "MISMATCHED_ACTION_FOR_PRINCIPAL",
            TrustNotPrincipal => "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL",
            TrustResource => "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE",
            InvalidPrincipalKey => "INVALID_PRINCIPAL_KEY",
            InvalidPrincipalFormat => "INVALID_PRINCIPAL_FORMAT",
            PrincipalUniqueId => "INVALID_ROLE_REFERENCE / INVALID_USER_REFERENCE",
            UnsupportedWildcardInPrincipal => "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
            InvalidServicePrincipal => "INVALID_SERVICE_PRINCIPAL_FORMAT",
            InvalidFederatedPrincipal => "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY",
            PrincipalPlaceholder => "INVALID_PRINCIPAL_FORMAT",
            InvalidArnPrefix => "INVALID_ARN_PREFIX",
            MissingArnField => "MISSING_ARN_FIELD",
            InvalidArnService => "INVALID_SERVICE",
            InvalidArnServiceCase => "INVALID_ARN_SERVICE_CASE",
            MissingArnRegion => "MISSING_ARN_REGION",
            ArnRegionNotAllowed => "ARN_REGION_NOT_ALLOWED",
            InvalidArnRegion => "INVALID_ARN_REGION",
            InvalidArnAccount => "INVALID_ARN_ACCOUNT",
            ArnAccountNotAllowed => "ARN_ACCOUNT_NOT_ALLOWED",
            DuplicateConditionKeyCase => "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
            WildcardWithoutLike => "WILDCARD_WITHOUT_LIKE_OPERATOR",
            ForAllValuesSingleValued => "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
            InvalidVpceFormat => "INVALID_VPCE_FORMAT",
            InvalidVpcFormat => "INVALID_VPC_FORMAT",
            ConditionKeyOfOtherService => "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
            EmptyConditionValues => "EMPTY_ARRAY_CONDITION",
            PassRoleWithStar => "PASS_ROLE_WITH_STAR_IN_RESOURCE",
            AllowWithNotPrincipal => "ALLOW_WITH_NOT_PRINCIPAL",
            SecretPolicyOpen => "EXTERNAL_ACCESS (Access Analyzer findings)",
            TrustOpen => "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL / EXTERNAL_ACCESS",
            DenyNotActionTagCondition => {
                "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"
            }
        }
    }
}

/// How serious one finding of a check is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// IAM refuses the policy, or the statement cannot mean what it says.
    Error,
    Warning,
    /// Harmless but dead text.
    Info,
}

/// One finding of the checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub check: Check,
    pub level: Level,
    /// The policy, by index into the inventory.
    pub policy: usize,
    /// The narrowest token.
    pub loc: Loc,
    pub message: String,
    /// Why it matters.
    pub note: String,
    /// What to do.
    pub help: String,
    pub related: Option<(Loc, String)>,
    pub fix: Option<Fix>,
}

struct Out<'a> {
    policy: usize,
    editable: bool,
    sources: Option<&'a SourceMap>,
    found: Vec<Checked>,
}

impl Out<'_> {
    fn push(
        &mut self,
        check: Check,
        level: Level,
        loc: Loc,
        message: String,
        note: &str,
        help: &str,
    ) -> &mut Checked {
        self.found.push(Checked {
            check,
            level,
            policy: self.policy,
            loc,
            message,
            note: note.to_string(),
            help: help.to_string(),
            related: None,
            fix: None,
        });
        self.found.last_mut().expect("just pushed") // ok: pushed on the line above
    }
}

/// Every check of one policy. `sources` gives the text a fix is written against; without it
/// (or for a document that is not a file of its own) no fix is offered.
pub fn of_policy(
    index: usize,
    policy: &AttachedPolicy,
    sources: Option<&SourceMap>,
) -> Vec<Checked> {
    let mut out = Out {
        policy: index,
        editable: policy.editable,
        sources,
        found: Vec::new(),
    };
    let doc = &policy.document;
    let trust = matches!(policy.attachment, Attachment::Trust(_));
    let identity = matches!(
        policy.kind,
        PolicyType::Identity | PolicyType::PermissionsBoundary
    ) && !doc.names_principals();
    version(policy, &mut out);
    sids(policy, identity, &mut out);
    for statement in &doc.statements {
        shapes(statement, &mut out);
        if trust {
            trust_grammar(statement, &mut out);
        }
        if let Some(block) = &statement.principal {
            principals(block, trust, &mut out);
        }
        for entry in &statement.resource.values {
            arn(entry, &mut out);
        }
        conditions(statement, trust, &mut out);
        security(policy, statement, identity, &mut out);
    }
    out.found
}

// ---- Version and Sid -------------------------------------------------------------------------

/// A policy variable in an entry: `${aws:username}`, `${*}`; not CloudFormation's `${AWS::…}` or
/// a Service Authorization Reference placeholder (arn-placeholder's).
fn variable_at(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(open) = text[from..].find("${").map(|i| i + from) {
        let inner = &text[open + 2..];
        let close = inner.find('}')?;
        let name = &inner[..close];
        if matches!(name, "*" | "?" | "$")
            || (name.contains(':') && !name.starts_with("AWS::") && !name.contains(' '))
        {
            return Some(open);
        }
        from = open + 2 + close;
    }
    None
}

fn version(policy: &AttachedPolicy, out: &mut Out<'_>) {
    let doc = &policy.document;
    let current = doc
        .version
        .as_ref()
        .is_some_and(|v| v.value == "2012-10-17");
    if !current {
        let variable = doc.statements.iter().find_map(|s| {
            s.resource
                .values
                .iter()
                .chain(s.conditions.iter().flat_map(|c| &c.values))
                .find(|v| variable_at(&v.value).is_some())
        });
        if let Some(v) = variable {
            let written = match &doc.version {
                Some(version) => format!("`\"Version\": \"{}\"`", version.value),
                None => "no `Version`".to_string(),
            };
            out.push(
                Check::VariableWithoutVersion,
                Level::Warning,
                v.loc,
                format!("a policy variable in a policy with {written}: IAM reads it as literal text"),
                "policy variables are substituted only in `\"Version\": \"2012-10-17\"` policies; under `2008-10-17` or without a `Version`, `${aws:username}` is the characters `$`, `{`, `a`, …, so the entry matches no real resource",
                "write `\"Version\": \"2012-10-17\"` at the top of the policy",
            );
        }
    }
    if doc.version.is_none() {
        let at = Loc::new(
            doc.loc.source,
            Span::new(doc.loc.span.start, doc.loc.span.start + 1),
        );
        let fix = version_fix(policy, out);
        out.push(
            Check::MissingVersion,
            Level::Warning,
            at,
            "the policy has no `Version`".to_string(),
            "without `\"Version\": \"2012-10-17\"` IAM applies the 2008 language: policy variables are literal text, and newer features are not available",
            "write `\"Version\": \"2012-10-17\"` as the first element of the policy",
        )
        .fix = fix;
    }
}

/// Inserts `"Version": "2012-10-17",` after the document's `{`, indented like its next line.
fn version_fix(policy: &AttachedPolicy, out: &Out<'_>) -> Option<Fix> {
    let sources = out.sources.filter(|_| out.editable)?;
    let doc = &policy.document;
    let text: &str = sources.get(doc.loc.source).text.as_ref();
    let open = doc.loc.span.start;
    if text.as_bytes().get(open) != Some(&b'{') {
        return None;
    }
    let after = &text[open + 1..doc.loc.span.end];
    let ws_len = after.len() - after.trim_start().len();
    let ws = &after[..ws_len];
    let empty = after.trim_start().starts_with('}');
    let insertion = if empty {
        "\"Version\": \"2012-10-17\"".to_string()
    } else if ws.is_empty() {
        "\"Version\": \"2012-10-17\", ".to_string()
    } else {
        format!("{ws}\"Version\": \"2012-10-17\",")
    };
    // With policy variables the fix changes what the policy matches: for the better, but it is
    // a change to review.
    let variables = doc.statements.iter().any(|s| {
        s.resource
            .values
            .iter()
            .chain(s.conditions.iter().flat_map(|c| &c.values))
            .any(|v| variable_at(&v.value).is_some())
    });
    Some(Fix {
        applicability: if variables {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
        message: "add `\"Version\": \"2012-10-17\"`".to_string(),
        edits: vec![Edit::insert(doc.loc.source, open + 1, insertion)],
    })
}

fn sids(policy: &AttachedPolicy, identity: bool, out: &mut Out<'_>) {
    let mut seen: Vec<&Spanned<String>> = Vec::new();
    for statement in &policy.document.statements {
        let Some(sid) = &statement.sid else { continue };
        if sid.value.is_empty() {
            out.push(
                Check::EmptySid,
                Level::Info,
                sid.loc,
                format!("statement {} has an empty `Sid`", statement.index + 1),
                "an empty `Sid` names nothing: it does not help anyone find the statement",
                "give the statement a name (`ReadAppSecrets`) or leave `Sid` out",
            );
            continue;
        }
        if identity && !sid.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            out.push(
                Check::UnsupportedSid,
                Level::Error,
                sid.loc,
                format!(
                    "`Sid` \"{}\" holds characters other than letters and digits",
                    sid.value
                ),
                "in identity-based policies IAM accepts a `Sid` of ASCII letters and digits only, and refuses the policy otherwise (MalformedPolicyDocument)",
                "remove spaces, hyphens, underscores and other characters from the `Sid`",
            );
        }
        match seen.iter().find(|s| s.value == sid.value) {
            Some(first) => {
                out.push(
                    Check::DuplicateSid,
                    Level::Warning,
                    sid.loc,
                    format!("`Sid` \"{}\" is used by two statements", sid.value),
                    "statement IDs name statements in findings, CloudTrail and AccessDenied messages; two with one name make the message ambiguous, and some resource policies refuse them",
                    "give each statement its own `Sid`",
                )
                .related = Some((first.loc, "first used here".to_string()));
            }
            None => seen.push(sid),
        }
    }
}

// ---- Shapes: empty arrays and objects, wildcards in service names ------------------------------

fn shapes(statement: &Statement, out: &mut Out<'_>) {
    for (list, name) in [
        (&statement.action, "Action"),
        (&statement.resource, "Resource"),
    ] {
        if list.is_array && list.values.is_empty() {
            let name = if list.negated {
                format!("Not{name}")
            } else {
                name.to_string()
            };
            out.push(
                Check::EmptyArray,
                Level::Info,
                list.loc,
                format!("`{name}` is an empty array in {}", statement.describe()),
                if list.negated {
                    "an empty `NotAction`/`NotResource` excludes nothing: the statement applies to every action or resource"
                } else {
                    "an empty list matches nothing: the statement has no effect"
                },
                "list what the statement is for, or remove the statement",
            );
        }
    }
    if let Some(block) = &statement.principal
        && !block.anyone
        && block.entries.is_empty()
    {
        out.push(
            Check::EmptyObject,
            Level::Info,
            block.loc,
            format!("`Principal` names no one in {}", statement.describe()),
            "a principal block without principals matches no caller: the statement has no effect",
            "name the principal (`{\"Service\": \"ecs-tasks.amazonaws.com\"}`, a role ARN) or remove the statement",
        );
    }
    if let Some(loc) = statement.condition
        && statement.conditions.is_empty()
    {
        out.push(
            Check::EmptyObject,
            Level::Info,
            loc,
            format!("`Condition` is empty in {}", statement.describe()),
            "an empty condition block tests nothing",
            "remove the empty `Condition`",
        );
    }
    if !statement.action.negated {
        for action in &statement.action.values {
            if let Some((service, _)) = action.value.split_once(':')
                && service.contains(['*', '?'])
            {
                out.push(
                    Check::WildcardInServiceName,
                    Level::Warning,
                    action.loc,
                    format!(
                        "`{}` has a wildcard in its service name",
                        action.value
                    ),
                    "a wildcard in the service prefix matches the actions of every service whose name fits, today's and any AWS adds later",
                    "name the service in full (`secretsmanager:GetSecretValue`)",
                );
            }
        }
    }
}

// ---- Trust policies ------------------------------------------------------------------------

fn trust_grammar(statement: &Statement, out: &mut Out<'_>) {
    if let Some(block) = &statement.principal
        && block.negated
    {
        out.push(
            Check::TrustNotPrincipal,
            Level::Error,
            block.loc,
            format!(
                "{} of a trust policy uses `NotPrincipal`",
                statement.describe()
            ),
            "IAM refuses `NotPrincipal` in a role's trust policy (MalformedPolicyDocument)",
            "name who may assume the role with `Principal`",
        );
    }
    // The parser gives a trust statement without `Resource` the statement's own place.
    if statement.resource.loc != statement.loc {
        out.push(
            Check::TrustResource,
            Level::Error,
            statement.resource.loc,
            format!("{} of a trust policy has a `Resource`", statement.describe()),
            "a trust policy's resource is the role it belongs to; IAM refuses the element (MalformedPolicyDocument: Has prohibited field Resource)",
            "remove `Resource` from the trust policy",
        );
    }
    if !statement.action.negated {
        for action in &statement.action.values {
            let v = action.value.as_str();
            let sts = crate::model::policy::is_trust_action(v) || v == "*";
            if !sts {
                out.push(
                    Check::TrustActionNotSts,
                    Level::Error,
                    action.loc,
                    format!("`{v}` in a trust policy"),
                    "a role's trust policy says who may assume the role; IAM refuses any action but the `sts:` assume actions there (MalformedPolicyDocument: AssumeRole policy may only specify STS AssumeRole actions) — permissions belong in the role's permission policies",
                    "use `sts:AssumeRole` (and `sts:TagSession` where sessions are tagged); move other actions to a permission policy of the role",
                );
            }
        }
    }
}

// ---- Principals ------------------------------------------------------------------------------

fn principals(block: &crate::model::policy::PrincipalBlock, trust: bool, out: &mut Out<'_>) {
    for (kind, value) in &block.entries {
        let v = value.value.as_str();
        let known = ["AWS", "Service", "Federated", "CanonicalUser"];
        if !known.contains(&kind.as_str()) {
            let suggestion = known
                .iter()
                .find(|k| k.eq_ignore_ascii_case(kind))
                .map(|k| format!(" (IAM spells it `{k}`)"))
                .unwrap_or_default();
            out.push(
                Check::InvalidPrincipalKey,
                Level::Error,
                value.loc,
                format!("`{kind}` is not a kind of principal{suggestion}"),
                "a principal is `AWS` (accounts, roles, users), `Service`, `Federated` or `CanonicalUser`; IAM refuses any other key",
                "write the principal under `AWS`, `Service`, `Federated` or `CanonicalUser`",
            );
            continue;
        }
        // A template's reference (`${account_id}`, `${Fn::GetAtt …}`) is filled in later.
        if v.contains("${") || !crate::model::template::find(v, false).is_empty() {
            continue;
        }
        if v.starts_with("arn:") && !crate::arn::placeholders(v).is_empty() {
            out.push(
                Check::PrincipalPlaceholder,
                Level::Error,
                value.loc,
                String::new(),
                "",
                "",
            );
            continue;
        }
        match kind.as_str() {
            "AWS" => aws_principal(value, out),
            "Service" => {
                if v != "*" && !service_principal(v) {
                    out.push(
                        Check::InvalidServicePrincipal,
                        Level::Error,
                        value.loc,
                        format!("`{v}` is not a service principal"),
                        "a service principal is the service's DNS name, such as `ecs-tasks.amazonaws.com`; IAM refuses anything else",
                        "write the service's principal name (`ecs-tasks.amazonaws.com` for ECS tasks)",
                    );
                }
            }
            "Federated" => {
                let ok = if v.starts_with("arn:") {
                    crate::arn::Arn::parse(v).is_some_and(|a| {
                        a.service == "iam"
                            && (a.resource.starts_with("saml-provider/")
                                || a.resource.starts_with("oidc-provider/"))
                    })
                } else {
                    v.contains('.') && !v.contains([' ', '/', '*'])
                };
                if !ok && trust {
                    out.push(
                        Check::InvalidFederatedPrincipal,
                        Level::Error,
                        value.loc,
                        format!("`{v}` is not a federated principal"),
                        "a federated principal is an identity provider: a SAML or OIDC provider ARN (`arn:aws:iam::123456789012:oidc-provider/…`) or a web identity provider's domain (`cognito-identity.amazonaws.com`)",
                        "name the identity provider by its ARN or domain",
                    );
                }
            }
            _ => {
                if v != "*" && !(v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit())) {
                    out.push(
                        Check::InvalidPrincipalFormat,
                        Level::Error,
                        value.loc,
                        format!("`{v}` is not a canonical user id"),
                        "a `CanonicalUser` principal is 64 hexadecimal characters",
                        "write the canonical user id, or name the account under `AWS`",
                    );
                }
            }
        }
    }
}

/// A service principal name: `ecs-tasks.amazonaws.com`, `states.eu-west-1.amazonaws.com`,
/// `ec2.amazonaws.com.cn`.
fn service_principal(v: &str) -> bool {
    v.contains('.')
        && !v.starts_with('.')
        && !v.ends_with('.')
        && !v.contains("..")
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

fn aws_principal(value: &Spanned<String>, out: &mut Out<'_>) {
    let v = value.value.as_str();
    if v == "*" || (v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit())) {
        return;
    }
    // A unique id (`AROA…` for roles, `AIDA…` for users): what IAM shows after the role or
    // user the principal named was deleted.
    let unique = v.len() == 21
        && ["AROA", "AIDA"].iter().any(|p| v.starts_with(p))
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if unique {
        out.push(
            Check::PrincipalUniqueId,
            Level::Warning,
            value.loc,
            format!("`{v}` is a unique id, not a principal ARN"),
            "IAM writes a principal's unique id in place of its ARN when the role or user is deleted; a role created again with the same name has a new id, so this statement no longer names it",
            "write the role's or user's ARN again (`arn:aws:iam::123456789012:role/NAME`)",
        );
        return;
    }
    let Some(arn) = crate::arn::Arn::parse(v) else {
        out.push(
            Check::InvalidPrincipalFormat,
            Level::Error,
            value.loc,
            format!("`{v}` is not an AWS principal"),
            "an `AWS` principal is `*`, a 12-digit account id, or the ARN of an account root, role, user, assumed-role session or federated user; IAM refuses anything else",
            "write the role's ARN (`arn:aws:iam::123456789012:role/NAME`) or the account id",
        );
        return;
    };
    if arn.account.contains(['*', '?'])
        || arn.resource.contains(['*', '?'])
        || arn.region.contains(['*', '?'])
    {
        out.push(
            Check::UnsupportedWildcardInPrincipal,
            Level::Error,
            value.loc,
            format!("`{v}` has a wildcard in a principal ARN"),
            "`Principal` takes exact ARNs: IAM refuses wildcards in them (only `\"*\"` alone means anyone)",
            "name the exact role, or use `\"AWS\": \"*\"` with an `aws:PrincipalArn` condition (`ArnLike`) to match a pattern",
        );
        return;
    }
    let kind_ok = match arn.service.as_str() {
        "iam" => {
            arn.resource == "root"
                || ["role/", "user/", "federated-user/", "group/"]
                    .iter()
                    .any(|p| arn.resource.starts_with(p))
        }
        "sts" => {
            arn.resource.starts_with("assumed-role/") || arn.resource.starts_with("federated-user/")
        }
        _ => false,
    };
    let account_ok = arn.account.len() == 12 && arn.account.bytes().all(|b| b.is_ascii_digit());
    if !kind_ok || !account_ok || !arn.region.is_empty() {
        out.push(
            Check::InvalidPrincipalFormat,
            Level::Error,
            value.loc,
            format!("`{v}` is not the ARN of an account, role, user or session"),
            "an `AWS` principal ARN is `arn:aws:iam::ACCOUNT:root`, `…:role/NAME`, `…:user/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, with a 12-digit account and no region",
            "write the principal's IAM ARN",
        );
    }
}

// ---- Resource ARNs ---------------------------------------------------------------------------

/// What the catalog's ARN formats say about a service's ARNs.
#[derive(Default, Clone, Copy)]
struct ArnRules {
    with_region: bool,
    without_region: bool,
    with_account: bool,
    without_account: bool,
}

/// ARN service names (as ARNs spell them, which is not always an action prefix) to what their
/// ARN formats hold.
static ARN_SERVICES: LazyLock<foldhash::HashMap<&'static str, ArnRules>> = LazyLock::new(|| {
    let mut map: foldhash::HashMap<&'static str, ArnRules> = foldhash::HashMap::default();
    for service in &crate::catalog::catalog().services {
        for rt in &service.resource_types {
            let mut fields = rt.arn.splitn(6, ':');
            let (Some("arn"), Some(_), Some(name), Some(region), Some(account)) = (
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
                fields.next(),
            ) else {
                continue;
            };
            if name.contains('$') {
                continue;
            }
            let r = map.entry(name).or_default();
            if region.is_empty() {
                r.without_region = true;
            } else {
                r.with_region = true;
            }
            if account.is_empty() {
                r.without_account = true;
            } else {
                r.with_account = true;
            }
        }
    }
    map
});

/// Whether a field can be judged: no wildcard, no variable.
fn literal(field: &str) -> bool {
    !field.contains(['*', '?', '$'])
}

fn region_shape(region: &str) -> bool {
    // `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`.
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn arn(entry: &Spanned<String>, out: &mut Out<'_>) {
    let v = entry.value.as_str();
    if v == "*" || v.is_empty() {
        return;
    }
    let trimmed = v.trim();
    if trimmed != v && (trimmed == "*" || trimmed.starts_with("arn:")) {
        out.push(
            Check::InvalidArnPrefix,
            Level::Warning,
            entry.loc,
            format!("`Resource` entry \"{v}\" has white space around it"),
            "IAM compares resource entries as written: white space is part of the text, so the entry matches no resource's ARN",
            "remove the white space",
        );
        return;
    }
    // Documentation placeholders are arn-placeholder's, and a template's reference
    // unresolved-reference's.
    if !crate::arn::placeholders(v).is_empty() || !crate::model::template::find(v, false).is_empty()
    {
        return;
    }
    if !v.starts_with("arn:") {
        // A wildcard or variable at the start may expand to `arn:`.
        if v.starts_with(['*', '?', '$']) {
            return;
        }
        let lower = v.to_ascii_lowercase();
        let help = if lower.starts_with("arn:") {
            "write `arn:` in lower case"
        } else {
            "write the resource's full ARN (`arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`), or `*`"
        };
        out.push(
            Check::InvalidArnPrefix,
            Level::Error,
            entry.loc,
            format!("`Resource` entry \"{v}\" is not an ARN"),
            "a `Resource` entry is `*` or an ARN beginning `arn:`; IAM refuses the policy otherwise (MalformedPolicyDocument: Resource … must be in ARN format or \"*\")",
            help,
        );
        return;
    }
    let Some([_partition, service, region, account, _resource]) = crate::arn::fields(v) else {
        // `arn:aws:cloudfront:*`: a wildcard may stand for the fields left out.
        if v.contains('*') {
            return;
        }
        out.push(
            Check::MissingArnField,
            Level::Error,
            entry.loc,
            format!("`Resource` entry \"{v}\" has fewer than the six fields of an ARN"),
            "an ARN is `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, six fields separated by colons (region and account may be empty, their colons may not be left out); IAM refuses the policy otherwise",
            "write every field, e.g. `arn:aws:secretsmanager:eu-west-1:123456789012:secret:NAME-??????`",
        );
        return;
    };
    if !literal(service) {
        return;
    }
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        out.push(
            Check::InvalidArnServiceCase,
            Level::Warning,
            entry.loc,
            format!("the service `{service}` in \"{v}\" is not in lower case"),
            "ARNs name services in lower case and IAM matches resource ARNs case-sensitively: this entry matches nothing",
            "write the service in lower case",
        );
        return;
    }
    let Some(rules) = ARN_SERVICES.get(service).copied() else {
        // A service the catalog knows by its actions has ARNs the catalog does not list.
        if crate::catalog::catalog().service(service).is_some() {
            return;
        }
        out.push(
            Check::InvalidArnService,
            Level::Warning,
            entry.loc,
            format!("no AWS service names its ARNs `{service}` (in \"{v}\")"),
            "the catalog of AWS services (the Service Authorization Reference) has no resource ARN with this service: the entry matches nothing",
            "correct the service name (`secretsmanager`, `ssm`, `kms`, `logs`, `ecr`, `s3`)",
        );
        return;
    };
    if literal(region) {
        if region.is_empty() && !rules.without_region {
            out.push(
                Check::MissingArnRegion,
                Level::Warning,
                entry.loc,
                format!("\"{v}\" has no region, and every `{service}` ARN has one"),
                "an empty field matches only an empty field: no resource of this service has an ARN without a region, so the entry matches nothing",
                "write the region, or `*` for any region",
            );
        } else if !region.is_empty() && !rules.with_region {
            out.push(
                Check::ArnRegionNotAllowed,
                Level::Warning,
                entry.loc,
                format!("\"{v}\" has a region, and `{service}` ARNs have none"),
                "resources of this service are global: their ARNs leave the region empty, so this entry matches nothing",
                "leave the region field empty (`arn:aws:iam::123456789012:role/NAME`)",
            );
        } else if !region.is_empty() && !region_shape(region) {
            out.push(
                Check::InvalidArnRegion,
                Level::Warning,
                entry.loc,
                format!("`{region}` in \"{v}\" is not an AWS region"),
                "a region is written like `eu-west-1` or `us-east-1`; an availability zone or a misspelt region matches no resource",
                "write the region's code",
            );
        }
    }
    if literal(account) {
        let valid = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        // An empty account is not judged: resources AWS owns (SSM documents, public
        // parameters, AMIs) have ARNs without one that the catalog's formats do not show.
        if !account.is_empty() && !rules.with_account {
            out.push(
                Check::ArnAccountNotAllowed,
                Level::Warning,
                entry.loc,
                format!("\"{v}\" has an account, and `{service}` ARNs have none"),
                "this service's ARNs leave the account field empty (S3 bucket ARNs, for one): the entry matches nothing",
                "leave the account field empty (`arn:aws:s3:::BUCKET/*`)",
            );
        } else if !account.is_empty() && !valid && account != "aws" {
            out.push(
                Check::InvalidArnAccount,
                Level::Warning,
                entry.loc,
                format!("`{account}` in \"{v}\" is not an account id"),
                "an account id is 12 digits (write the leading zeros); anything else matches no resource",
                "write the 12-digit account id, or `*`",
            );
        }
    }
}

// ---- Conditions ------------------------------------------------------------------------------

/// Global condition keys with one value per request (the IAM User Guide's "AWS global
/// condition context keys" marks each "single-valued"); `ForAllValues` over them is true when
/// the key is absent. Tag keys (`aws:ResourceTag/…`) are single-valued too.
const SINGLE_VALUED: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:principalservicename",
    "aws:userid",
    "aws:username",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "aws:requestedregion",
    "aws:securetransport",
    "aws:viaawsservice",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:currenttime",
    "aws:epochtime",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:sourceidentity",
    "aws:tokenissuetime",
    "aws:useragent",
    "aws:referer",
    "aws:federatedprovider",
    "iam:passedtoservice",
    "kms:viaservice",
    "kms:calleraccount",
    "secretsmanager:secretid",
];

fn single_valued(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SINGLE_VALUED.contains(&key.as_str())
        || ["aws:resourcetag/", "aws:principaltag/", "aws:requesttag/"]
            .iter()
            .any(|p| key.starts_with(p))
}

fn conditions(statement: &Statement, trust: bool, out: &mut Out<'_>) {
    for (i, entry) in statement.conditions.iter().enumerate() {
        let earlier = &statement.conditions[..i];
        if let Some(first) = earlier.iter().find(|e| {
            e.operator.value == entry.operator.value
                && e.key.value != entry.key.value
                && e.key.value.eq_ignore_ascii_case(&entry.key.value)
        }) {
            out.push(
                Check::DuplicateConditionKeyCase,
                Level::Error,
                entry.key.loc,
                format!(
                    "`{}` and `{}` under one `{}`: the same key in two spellings",
                    first.key.value, entry.key.value, entry.operator.value
                ),
                "condition key names are case-insensitive, so this is one key written twice; IAM refuses the policy",
                "merge the values under one key",
            )
            .related = Some((first.key.loc, "first written here".to_string()));
        }
        let Some(op) = Operator::parse(&entry.operator.value) else {
            continue; // invalid-policy's
        };
        if entry.values.is_empty() {
            out.push(
                Check::EmptyConditionValues,
                Level::Info,
                entry.key.loc,
                format!("`{}` has no values under `{}`", entry.key.value, entry.operator.value),
                match op.set {
                    SetQualifier::ForAllValues => "`ForAllValues` with no values is true only when the key is absent: use `Null` to say that",
                    SetQualifier::ForAnyValue => "`ForAnyValue` with no values is never true: the statement never applies",
                    SetQualifier::None if op.if_exists => "with no values the condition holds only when the key is absent: use `Null` to say that",
                    SetQualifier::None => "a key with no values matches nothing: the statement never applies",
                },
                "list the values the key must have",
            );
        }
        wildcard_without_like(entry, op, out);
        if op.set == SetQualifier::ForAllValues && single_valued(&entry.key.value) {
            out.push(
                Check::ForAllValuesSingleValued,
                Level::Warning,
                entry.operator.loc,
                format!(
                    "`ForAllValues` with `{}`, a key with one value",
                    entry.key.value
                ),
                "`ForAllValues` is true when every value of the key is in the list — and so when the request has no value at all: in an Allow it grants requests that do not carry the key",
                "drop `ForAllValues:` (a single-valued key takes the plain operator), or add a `Null` condition requiring the key",
            );
        }
        formats(entry, op, out);
        if !trust {
            other_service_key(statement, entry, out);
        }
    }
}

fn wildcard_without_like(
    entry: &crate::model::policy::ConditionEntry,
    op: Operator,
    out: &mut Out<'_>,
) {
    if !matches!(op.base, Base::StringEquals | Base::StringEqualsIgnoreCase) {
        return;
    }
    let Some(value) = entry.values.iter().find(|v| {
        let without_escapes = v.value.replace("${*}", "").replace("${?}", "");
        without_escapes.contains(['*', '?'])
    }) else {
        return;
    };
    let like = entry
        .operator
        .value
        .replace("StringNotEquals", "StringNotLike")
        .replace("StringEquals", "StringLike");
    let fix =
        (op.base == Base::StringEquals && out.editable && out.sources.is_some()).then(|| Fix {
            applicability: Applicability::Unsafe,
            message: format!("use `{like}`, which reads `*` and `?` as wildcards"),
            edits: vec![Edit::replace(entry.operator.loc, crate::json::quote(&like))],
        });
    out.push(
        Check::WildcardWithoutLike,
        Level::Warning,
        value.loc,
        format!(
            "\"{}\" holds a wildcard, and `{}` compares it as literal text",
            value.value, entry.operator.value
        ),
        "only the `…Like` string operators read `*` and `?` as wildcards; `StringEquals` matches a value with a literal asterisk, which no request has",
        "use `StringLike` (or `StringNotLike`) for a pattern",
    )
    .fix = fix;
}

fn formats(entry: &crate::model::policy::ConditionEntry, op: Operator, out: &mut Out<'_>) {
    let key = entry.key.value.to_ascii_lowercase();
    let (prefix, name, check) = match key.as_str() {
        "aws:sourcevpce" => ("vpce-", "VPC endpoint id", Check::InvalidVpceFormat),
        "aws:sourcevpc" => ("vpc-", "VPC id", Check::InvalidVpcFormat),
        _ => return,
    };
    if !matches!(
        op.base,
        Base::StringEquals | Base::StringLike | Base::StringEqualsIgnoreCase
    ) {
        return;
    }
    for value in &entry.values {
        let v = value.value.as_str();
        if v.contains(['*', '?', '$']) {
            continue;
        }
        let id = v.strip_prefix(prefix);
        let ok = id.is_some_and(|id| {
            (id.len() == 8 || id.len() == 17)
                && id
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        });
        if !ok {
            out.push(
                check,
                Level::Warning,
                value.loc,
                format!("\"{v}\" is not a {name}"),
                "a VPC endpoint id is `vpce-` and 8 or 17 lower-case hexadecimal characters, a VPC id `vpc-` and 8 or 17: a value of another shape never matches, so the condition never holds",
                "copy the id from `aws ec2 describe-vpc-endpoints` (or `describe-vpcs`)",
            );
        }
    }
}

/// Whether any action the statement names (exactly or by pattern) lists a condition key of
/// `prefix`; `None` when the statement's actions cannot all be told.
fn supports_prefix(statement: &Statement, prefix: &str) -> Option<bool> {
    let catalog = crate::catalog::catalog();
    let want = format!("{prefix}:");
    let mut any = false;
    for action in &statement.action.values {
        let (service, name) = action.value.split_once(':')?;
        if service.contains(['*', '?']) {
            return None;
        }
        let service = catalog.service(service)?;
        if service.prefix.eq_ignore_ascii_case(prefix) {
            return Some(true);
        }
        let lists = |a: &crate::catalog::Action| {
            a.condition_keys()
                .any(|k| k.len() > want.len() && k[..want.len()].eq_ignore_ascii_case(&want))
        };
        if name.contains(['*', '?']) {
            let tail = service.prefix.len() + 1;
            any |= service
                .actions()
                .iter()
                .filter(|a| crate::iam::pattern::wildcard_match(name, &a.full[tail..], true))
                .any(lists);
        } else {
            any |= lists(service.action(name)?);
        }
    }
    Some(any)
}

/// A service's condition key on a statement whose actions are all another service's: the key is
/// never in those requests.
fn other_service_key(
    statement: &Statement,
    entry: &crate::model::policy::ConditionEntry,
    out: &mut Out<'_>,
) {
    if statement.action.negated || statement.action.values.is_empty() {
        return;
    }
    let Some((prefix, _)) = entry.key.value.split_once(':') else {
        return;
    };
    // Global keys, and identity providers' keys (`token.actions.githubusercontent.com:sub`).
    if prefix.eq_ignore_ascii_case("aws") || prefix.contains('.') {
        return;
    }
    // Some services set their keys on the requests their roles make to other services
    // (`glue:RoleAssumedBy`, `lambda:SourceFunctionArn`, `ssm:SourceInstanceARN`): only keys
    // that describe the resource or the request of their own service are judged — tags, and the
    // keys of the services a task's secrets go through.
    let name = &entry.key.value[prefix.len() + 1..];
    let lower = name.to_ascii_lowercase();
    let resource_side = lower.starts_with("resourcetag/")
        || lower.starts_with("requesttag/")
        || lower == "tagkeys"
        || ["secretsmanager", "kms", "ecr"]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(prefix));
    if !resource_side {
        return;
    }
    let catalog = crate::catalog::catalog();
    let Some(service) = catalog.service(prefix) else {
        return;
    };
    if supports_prefix(statement, prefix) != Some(false) {
        return;
    }
    let actions: Vec<&str> = statement
        .action
        .values
        .iter()
        .map(|a| a.value.as_str())
        .collect();
    out.push(
        Check::ConditionKeyOfOtherService,
        Level::Warning,
        entry.key.loc,
        format!(
            "`{}` is a {} key, and no action of {} ({}) has it in its request",
            entry.key.value,
            service.name,
            statement.describe(),
            actions.join(", ")
        ),
        if statement.effect.value == Effect::Allow {
            "a key absent from the request makes a positive condition false (and a negated or `IfExists` one true): this Allow never applies, or applies without the test it seems to make"
        } else {
            "a key absent from the request makes a positive condition false: this Deny never applies"
        },
        "use a key the actions support — for a KMS key used through Secrets Manager, `kms:ViaService` and `kms:EncryptionContext:SecretARN`; for a tag, `aws:ResourceTag/…` where the service supports it",
    );
}

// ---- Security warnings -----------------------------------------------------------------------

fn security(policy: &AttachedPolicy, statement: &Statement, identity: bool, out: &mut Out<'_>) {
    if statement.effect.value == Effect::Deny && statement.action.negated {
        // A Deny of every action but some, under a tag condition: the actions of services whose
        // requests carry no such tag never meet it, so they are not denied.
        if let Some(tag) = statement.conditions.iter().find(|c| {
            let key = c.key.value.to_ascii_lowercase();
            let positive = Operator::parse(&c.operator.value)
                .is_some_and(|op| !op.negated && op.base != Base::Null);
            positive
                && (key.starts_with("aws:resourcetag/")
                    || key.starts_with("aws:requesttag/")
                    || key == "aws:tagkeys")
        }) {
            out.push(
                Check::DenyNotActionTagCondition,
                Level::Warning,
                tag.key.loc,
                format!(
                    "{} denies every action but its `NotAction` only where `{}` is in the request",
                    statement.describe(),
                    tag.key.value
                ),
                "not every service puts tags in its requests: the actions of those that do not never meet the condition, so this Deny does not stop them",
                "deny the services' actions by name, or use a condition key every request carries (`aws:PrincipalArn`, `aws:RequestedRegion`)",
            );
        }
        return;
    }
    if statement.effect.value != Effect::Allow {
        return;
    }
    if let Some(block) = &statement.principal
        && block.negated
        && !matches!(policy.attachment, Attachment::Trust(_))
    {
        out.push(
            Check::AllowWithNotPrincipal,
            Level::Warning,
            block.loc,
            format!("{} allows everyone except the principals it lists", statement.describe()),
            "`Allow` with `NotPrincipal` grants every principal of every account but those named, anonymous callers included",
            "name who is allowed with `Principal`; to exclude someone, use `Deny` with a condition on `aws:PrincipalArn`",
        );
    }
    if identity && crate::iam::statement_covers_action(statement, "iam:PassRole") {
        let star =
            statement.resource.negated || statement.resource.values.iter().any(|r| r.value == "*");
        let conditioned = statement
            .conditions
            .iter()
            .any(|c| c.key.value.eq_ignore_ascii_case("iam:PassedToService"));
        if star && !conditioned {
            let at = statement
                .resource
                .values
                .iter()
                .find(|r| r.value == "*")
                .map_or(statement.resource.loc, |r| r.loc);
            let explicit = !statement.action.negated
                && statement
                    .action
                    .values
                    .iter()
                    .any(|a| a.value.to_ascii_lowercase().starts_with("iam:pass"));
            out.push(
                Check::PassRoleWithStar,
                Level::Warning,
                at,
                format!(
                    "{} allows `iam:PassRole` on every role{}",
                    statement.describe(),
                    if explicit { "" } else { " (through its wildcard action)" }
                ),
                "whoever holds this policy can hand any role of the account — an administrator's included — to a service (a task definition, a Lambda function) and act with its permissions",
                "scope `iam:PassRole` to the roles it hands out (the task's execution and task roles) with `\"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\"}}`",
            );
        }
    }
    if matches!(policy.attachment, Attachment::Trust(_))
        && statement.conditions.is_empty()
        && let Some(block) = &statement.principal
        && !block.negated
        && (block.anyone
            || block
                .entries
                .iter()
                .any(|(k, v)| k == "AWS" && v.value == "*"))
    {
        out.push(
            Check::TrustOpen,
            Level::Warning,
            block.loc,
            format!("{} lets anyone assume the role, without a condition", statement.describe()),
            "a trust policy with principal `*` and no condition lets any AWS account's principals assume the role and act with its permissions",
            "name who assumes the role (`{\"Service\": \"ecs-tasks.amazonaws.com\"}`, a role ARN), or add conditions such as `aws:PrincipalOrgID` or `sts:ExternalId`",
        );
    }
    let key = policy.kind == PolicyType::KeyPolicy;
    if let Attachment::Resource(arn) = &policy.attachment
        && (arn.contains(":secretsmanager:") || arn.contains(":kms:") || key)
        && statement.conditions.is_empty()
        && let Some(block) = &statement.principal
        && !block.negated
    {
        let owner = arn.split(':').nth(4).filter(|a| !a.is_empty());
        let open = block.anyone
            || block
                .entries
                .iter()
                .any(|(k, v)| k == "AWS" && v.value == "*");
        let other = block.entries.iter().find(|(k, v)| {
            k == "AWS"
                && owner.is_some_and(|o| account_of(&v.value).is_some_and(|a| a != o))
                && whole_account(&v.value)
        });
        if open || other.is_some() {
            let (loc, who) = match other {
                Some((_, v)) if !open => (
                    v.loc,
                    format!(
                        "every principal of account {}",
                        account_of(&v.value).unwrap_or_default()
                    ),
                ),
                _ => (block.loc, "anyone".to_string()),
            };
            out.push(
                Check::SecretPolicyOpen,
                Level::Warning,
                loc,
                format!(
                    "the {} allows {who}, without a condition",
                    if arn.contains(":secretsmanager:") { "secret's resource policy" } else { "key policy" }
                ),
                "a secret's resource policy or a key policy grants on its own: whoever it names may use the secret or the key without any grant in this account",
                "name the roles that read the secret (`arn:aws:iam::ACCOUNT:role/NAME`), or add a condition such as `aws:PrincipalOrgID`",
            );
        }
    }
}

fn account_of(principal: &str) -> Option<&str> {
    if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
        return Some(principal);
    }
    principal.split(':').nth(4)
}

fn whole_account(principal: &str) -> bool {
    (principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()))
        || principal.ends_with(":root")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_access_analyzer_code_ecslint_reports() {
        let readme = include_str!("../../README.md");
        let section = &readme[readme.find("### Access Analyzer's policy checks").unwrap()..];
        for check in Check::ALL {
            for code in check.code().split(" / ") {
                let code = code.split(' ').next().unwrap().trim_end_matches('*');
                if code == "EXTERNAL_ACCESS" {
                    assert!(section.contains("external access"), "{check:?}");
                    continue;
                }
                assert!(
                    section.contains(code),
                    "{check:?}: {code} is not in the README"
                );
            }
        }
    }

    #[test]
    fn variables_are_told_from_templates() {
        assert_eq!(variable_at("arn:aws:s3:::b/${aws:username}/*"), Some(15));
        assert_eq!(variable_at("${*}"), Some(0));
        assert_eq!(variable_at("arn:aws:s3:::b/${AWS::AccountId}"), None);
        assert_eq!(variable_at("arn:${Partition}:s3:::b"), None);
        assert_eq!(variable_at("arn:aws:s3:::b/${aws:username"), None);
    }

    #[test]
    fn regions_have_their_shape() {
        for ok in [
            "eu-west-1",
            "us-gov-west-1",
            "cn-north-1",
            "us-isob-east-1",
            "eusc-de-east-1",
        ] {
            assert!(region_shape(ok), "{ok}");
        }
        for bad in ["us-east-1a", "eu-west", "EU-WEST-1", "euwest1", "eu--1"] {
            assert!(!region_shape(bad), "{bad}");
        }
    }

    #[test]
    fn the_catalog_tells_global_services() {
        let iam = ARN_SERVICES["iam"];
        assert!(iam.without_region && !iam.with_region && iam.with_account);
        let sm = ARN_SERVICES["secretsmanager"];
        assert!(sm.with_region && !sm.without_region);
        assert!(ARN_SERVICES["s3"].without_account);
    }

    #[test]
    fn service_principals_are_dns_names() {
        for ok in [
            "ecs-tasks.amazonaws.com",
            "states.eu-west-1.amazonaws.com",
            "ec2.amazonaws.com.cn",
        ] {
            assert!(service_principal(ok), "{ok}");
        }
        for bad in [
            "ecs-tasks",
            "ECS-tasks.amazonaws.com",
            "arn:aws:iam::123456789012:role/x",
            "a..b",
        ] {
            assert!(!service_principal(bad), "{bad}");
        }
    }
}
