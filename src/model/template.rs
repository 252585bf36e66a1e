//! Template expressions in the values of documents kept as templates: what a deploy tool fills in
//! before the document reaches AWS. A value holding one is not what AWS will see, so nothing is
//! derived from it; it is reported once, where the expression stands.
//!
//! Recognised, as real repositories write them: ecspresso's `{{ must_env `X` }}`,
//! `{{ env `X` `default` }}`, `{{ tfstate `…` }}` (and other `{{ … }}` templates: Jinja,
//! Mustache, Go templates); the ECS agent's test payloads' `$$$EXECUTION_ROLE$$$`; CodeDeploy's
//! `<IMAGE1_NAME>` in an image; sed-style `__AWS_REGION__`; shell and Terraform `${VAR}`,
//! `${var.name}` and `$VAR`; CloudFormation's `${AWS::AccountId}` pasted out of a `Fn::Sub`; and
//! a `Role.Arn` written where `!GetAtt Role.Arn` was meant. IAM policy variables
//! (`${aws:username}`, `${*}`) are not templates.

use regex::Regex;
use std::sync::LazyLock;

/// Which tool's syntax an expression is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `{{ must_env `X` }}`, `{{ env `X` `default` }}`, `{{ tfstate `…` }}`, `{{ ssm `…` }}`.
    Ecspresso,
    /// Another `{{ … }}` template (Jinja, Mustache, Go templates).
    Braces,
    /// `$$$EXECUTION_ROLE$$$`, as the ECS agent's test task definitions write them.
    EcsAgent,
    /// `<IMAGE1_NAME>` in an image, which CodeDeploy's ECS deployments replace.
    CodeDeploy,
    /// `__AWS_REGION__`, replaced with sed.
    Underscores,
    /// `${VAR}`, `${var.name}`, `$VAR`: envsubst, shell, Terraform's `templatefile`.
    Shell,
    /// `${AWS::AccountId}`: CloudFormation's `Fn::Sub`, which fills it only inside a template.
    CloudFormation,
    /// `Role.Arn`: the text of a `!GetAtt`, not its value.
    GetAtt,
    /// What a CloudFormation template's intrinsic gives only when the stack is deployed
    /// (`Fn::ImportValue`, `Fn::If` on a condition): ecslint writes it `${Fn::ImportValue NAME}`.
    Intrinsic,
    /// What a Terraform plan knows only after apply, when ecslint could not follow it:
    /// ecslint writes it `${terraform ADDRESS.ATTRIBUTE, known after apply}`.
    AfterApply,
}

impl Kind {
    /// What fills it in, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Ecspresso => "an ecspresso template function",
            Kind::Braces => "a `{{ … }}` template",
            Kind::EcsAgent => "an ECS agent test placeholder",
            Kind::CodeDeploy => "a CodeDeploy image placeholder",
            Kind::Underscores => "a sed-style placeholder",
            Kind::Shell => "a shell, envsubst or Terraform template variable",
            Kind::CloudFormation => "a CloudFormation `Fn::Sub` reference",
            Kind::GetAtt => "the text of a CloudFormation `!GetAtt`",
            Kind::Intrinsic => {
                "a CloudFormation function whose value is known only once the stack is deployed"
            }
            Kind::AfterApply => "a Terraform value known only after apply",
        }
    }
}

/// One expression: a byte range into the value, its text and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: Kind,
}

/// The template expressions in a value, in order. `<…>` counts only where `angle_brackets` says
/// (an image: CodeDeploy's placeholders; in an ARN it is documentation's, for `arn-placeholder`).
pub fn find(value: &str, angle_brackets: bool) -> Vec<Expr> {
    static PATTERN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)
              (?P<braces>\{\{-?.*?-?\}\})
            | (?P<agent>\${3,}[A-Za-z0-9_]+\${3,})
            | (?P<cfn>\$\{AWS::[A-Za-z]+\})
            | (?P<intrinsic>\$\{Fn::[A-Za-z]+[^}]*\})
            | (?P<apply>\$\{terraform\ [^}]*\})
            | (?P<shell>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\}|\$[A-Z_][A-Z0-9_]*)
            | (?P<under>__[A-Za-z][A-Za-z0-9_]*?__)
            | (?P<angle><[A-Za-z][A-Za-z0-9_ .\-]*>)",
        )
        .expect("valid template pattern") // ok: a constant pattern
    });
    // `Resource.Arn` (a `!GetAtt` in short form), told without a regex.
    let getatt = value.strip_suffix(".Arn").is_some_and(|head| {
        head.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && head.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    if getatt {
        return vec![Expr {
            start: 0,
            end: value.len(),
            text: value.to_string(),
            kind: Kind::GetAtt,
        }];
    }
    // Most values hold none of the characters any other template starts with, and then the
    // pattern is never compiled (a short `check` would spend a tenth of its time on it).
    if !(value.bytes().any(|b| matches!(b, b'{' | b'$' | b'<')) || value.contains("__")) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for caps in PATTERN.captures_iter(value) {
        let (name, m) = [
            "braces",
            "agent",
            "cfn",
            "intrinsic",
            "apply",
            "shell",
            "under",
            "angle",
        ]
        .iter()
        .find_map(|n| caps.name(n).map(|m| (*n, m)))
        .expect("one alternative matched"); // ok: the pattern is one alternation of these
        let kind = match name {
            "braces" => {
                let inner = m.as_str();
                if [
                    "must_env",
                    "env ",
                    "tfstate",
                    "ssm ",
                    "secretsmanager_arn",
                    "json_escape",
                ]
                .iter()
                .any(|f| inner.contains(f))
                {
                    Kind::Ecspresso
                } else {
                    Kind::Braces
                }
            }
            "agent" => Kind::EcsAgent,
            "cfn" => Kind::CloudFormation,
            "intrinsic" => Kind::Intrinsic,
            "apply" => Kind::AfterApply,
            // `${Partition}`, `${Region}`, `${Account}`, `${SecretId}`: the Service Authorization
            // Reference's ARN formats, copied unfilled — documentation placeholders.
            "shell" if is_reference_placeholder(m.as_str()) => continue,
            "shell" => Kind::Shell,
            "under" => Kind::Underscores,
            "angle" if angle_brackets => Kind::CodeDeploy,
            _ => continue,
        };
        out.push(Expr {
            start: m.start(),
            end: m.end(),
            text: m.as_str().to_string(),
            kind,
        });
    }
    out
}

/// `${Partition}`, `${Region}`, `${Account}`, `${SecretId}`, `${KeyId}`, `${LogGroupName}`: the
/// names the Service Authorization Reference writes in its ARN formats (PascalCase, no dots).
pub fn is_reference_placeholder(text: &str) -> bool {
    let Some(name) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) else {
        return false;
    };
    let pascal = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().any(|c| c.is_ascii_lowercase());
    pascal
        && (matches!(name, "Partition" | "Region" | "Account")
            || name.ends_with("Id")
            || name.ends_with("Name"))
}

/// A value with ecspresso's `env` and `must_env` filled in from `var` as ecspresso fills them
/// (`{{ env `NAME` `default` }}` → the variable, else the default, else empty; `{{ must_env
/// `NAME` }}` → the variable, or an error); other expressions stay as they are. `Err` holds the
/// expression of a `must_env` whose variable is unset.
pub fn render_env(value: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<String, Expr> {
    static CALL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"\{\{-?\s*(must_env|env)\s+(?:`([^`]*)`|"([^"]*)")(?:\s+(?:`([^`]*)`|"([^"]*)"))?\s*-?\}\}"#,
        )
        .expect("valid ecspresso call pattern") // ok: a constant pattern
    });
    if !value.contains("{{") {
        return Ok(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut last = 0;
    for caps in CALL.captures_iter(value) {
        let whole = caps.get(0).expect("the whole match"); // ok: group 0 always exists
        let name = caps
            .get(2)
            .or_else(|| caps.get(3))
            .map_or("", |m| m.as_str());
        let default = caps.get(4).or_else(|| caps.get(5)).map(|m| m.as_str());
        let rendered = match (&caps[1], var(name)) {
            (_, Some(v)) => v,
            ("env", None) => default.unwrap_or_default().to_string(),
            _ => {
                return Err(Expr {
                    start: whole.start(),
                    end: whole.end(),
                    text: whole.as_str().to_string(),
                    kind: Kind::Ecspresso,
                });
            }
        };
        out.push_str(&value[last..whole.start()]);
        out.push_str(&rendered);
        last = whole.end();
    }
    out.push_str(&value[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_getatt_in_short_form_is_the_whole_value() {
        for value in ["ExecutionRole.Arn", "Key1.Arn"] {
            assert_eq!(
                kinds(value),
                vec![(value.to_string(), Kind::GetAtt)],
                "{value}"
            );
        }
        for value in [
            ".Arn",
            "1Role.Arn",
            "Role.Sub.Arn",
            "Role-1.Arn",
            "Role.Arn ",
            "Role.arn",
        ] {
            assert!(
                kinds(value).iter().all(|(_, k)| *k != Kind::GetAtt),
                "{value}: {:?}",
                kinds(value)
            );
        }
        // Nothing a template starts with: no expression, and the pattern is not needed.
        assert!(find("public.ecr.aws/nginx/nginx:1.27", true).is_empty());
        assert_eq!(
            kinds("__NAME__"),
            vec![("__NAME__".to_string(), Kind::Underscores)]
        );
    }

    fn kinds(value: &str) -> Vec<(String, Kind)> {
        find(value, true)
            .into_iter()
            .map(|e| {
                assert_eq!(&value[e.start..e.end], e.text, "the range is the text");
                (e.text, e.kind)
            })
            .collect()
    }

    #[test]
    fn each_tool_s_syntax_is_told_apart_with_its_whole_text() {
        assert_eq!(
            kinds("arn:aws:iam::{{ must_env `AWS_ACCOUNT_ID` }}:role/app"),
            [("{{ must_env `AWS_ACCOUNT_ID` }}".into(), Kind::Ecspresso)]
        );
        assert_eq!(
            kinds("{{tfstate `aws_iam_role.exec.arn`}}"),
            [(
                "{{tfstate `aws_iam_role.exec.arn`}}".into(),
                Kind::Ecspresso
            )]
        );
        assert_eq!(kinds("{{ task_role_arn }}")[0].1, Kind::Braces);
        assert_eq!(kinds("$$$EXECUTION_ROLE$$$")[0].1, Kind::EcsAgent);
        assert_eq!(kinds("$$$$TASK_ROLE$$$$")[0].1, Kind::EcsAgent);
        assert_eq!(kinds("<IMAGE1_NAME>")[0].1, Kind::CodeDeploy);
        assert!(find("<IMAGE1_NAME>", false).is_empty());
        assert_eq!(
            kinds("arn:aws:logs:__AWS_REGION__:__ACCOUNT__:log-group:x"),
            [
                ("__AWS_REGION__".into(), Kind::Underscores),
                ("__ACCOUNT__".into(), Kind::Underscores)
            ]
        );
        assert_eq!(
            kinds("arn:aws:ssm:${AWS_REGION}:$AWS_ACCOUNT_ID:parameter/${var.name}"),
            [
                ("${AWS_REGION}".into(), Kind::Shell),
                ("$AWS_ACCOUNT_ID".into(), Kind::Shell),
                ("${var.name}".into(), Kind::Shell)
            ]
        );
        assert_eq!(
            kinds("arn:aws:iam::${AWS::AccountId}:role/x")[0].1,
            Kind::CloudFormation
        );
        assert_eq!(
            kinds("TaskRole.Arn"),
            [("TaskRole.Arn".into(), Kind::GetAtt)]
        );
    }

    #[test]
    fn policy_variables_documentation_placeholders_and_real_values_are_not_templates() {
        for plain in [
            "arn:aws:s3:::bucket/${aws:username}/*",
            "arn:aws:s3:::bucket/${*}",
            "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db_main-AbCdEf",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.2",
            "nginx:latest",
            "/ecs/my_app",
        ] {
            assert_eq!(kinds(plain), [], "{plain}");
        }
        assert!(is_reference_placeholder("${Partition}"));
        assert!(is_reference_placeholder("${SecretId}"));
        assert!(!is_reference_placeholder("${AWS_REGION}"));
        assert!(!is_reference_placeholder("${aws:username}"));
    }

    #[test]
    fn ecspresso_env_renders_as_ecspresso_does() {
        let env = |name: &str| (name == "ACCOUNT").then(|| "123456789012".to_string());
        assert_eq!(
            render_env(
                "arn:aws:iam::{{ must_env `ACCOUNT` }}:role/{{ env `ROLE` `exec` }}",
                &env
            ),
            Ok("arn:aws:iam::123456789012:role/exec".to_string())
        );
        assert_eq!(render_env(r#"{{env "ROLE"}}"#, &env), Ok(String::new()));
        let missing = render_env("x{{ must_env `REGION` }}", &env).unwrap_err();
        assert_eq!(
            (missing.start, missing.text.as_str()),
            (1, "{{ must_env `REGION` }}")
        );
        // Functions that need more than the environment stay for `find` to report.
        assert_eq!(
            render_env("{{ tfstate `x` }}", &env),
            Ok("{{ tfstate `x` }}".to_string())
        );
    }
}
