//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, the escapes `${*}`, `${?}`,
//! `${$}`, and defaults `${aws:username, 'nobody'}` (IAM user guide, "IAM policy elements:
//! Variables and tags"). They are substituted only in `"Version": "2012-10-17"` policies; the caller
//! decides that.

use super::context::{Lookup, RequestContext};
use super::pattern::{Tok, tokens};

/// The result of substituting variables into a `Resource` entry or a condition value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subst {
    /// The text as pattern tokens; substituted values are literal characters.
    Pattern(Vec<Tok>),
    /// A variable names a key the request does not carry, and there is no default: the element
    /// matches nothing.
    NoMatch,
    /// A variable names a key not known offline.
    Unknown(String),
}

/// Substitutes the variables in `text`. Outside variables, `*` and `?` are wildcards when
/// `wildcards` is set (Resource, StringLike, ArnLike), literal otherwise.
pub fn substitute(text: &str, context: &RequestContext, wildcards: bool) -> Subst {
    let plain = |s: &str| -> Vec<Tok> {
        if wildcards {
            tokens(s)
        } else {
            s.chars().map(Tok::Char).collect()
        }
    };
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        out.extend(plain(&rest[..start]));
        let inner = &rest[start + 2..start + 2 + len];
        rest = &rest[start + 2 + len + 1..];
        match inner.trim() {
            "*" => out.push(Tok::Char('*')),
            "?" => out.push(Tok::Char('?')),
            "$" => out.push(Tok::Char('$')),
            spec => {
                let (key, default) = match spec.split_once(',') {
                    Some((k, d)) => {
                        let d = d.trim();
                        let d = d
                            .strip_prefix('\'')
                            .and_then(|d| d.strip_suffix('\''))
                            .unwrap_or(d);
                        (k.trim(), Some(d))
                    }
                    None => (spec, None),
                };
                // A condition key is `service:name`: `${Partition}` or `${SecretId}` (the
                // Service Authorization Reference's ARN formats, copied unfilled) names none, so
                // no request ever carries it.
                if !key.contains(':') {
                    match default {
                        Some(d) => out.extend(d.chars().map(Tok::Char)),
                        None => return Subst::NoMatch,
                    }
                    continue;
                }
                match (context.lookup(key), default) {
                    (Lookup::Present([one]), _) => out.extend(one.chars().map(Tok::Char)),
                    (Lookup::Present(_), _) | (Lookup::Unknown, _) => {
                        return Subst::Unknown(key.to_string());
                    }
                    (Lookup::Absent, Some(d)) => out.extend(d.chars().map(Tok::Char)),
                    (Lookup::Absent, None) => return Subst::NoMatch,
                }
            }
        }
    }
    out.extend(plain(rest));
    Subst::Pattern(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::pattern::match_tokens;

    fn cx() -> RequestContext {
        let mut cx = RequestContext::new();
        cx.set("aws:PrincipalTag/team", vec!["web".into()]);
        cx.set_absent("aws:username");
        cx
    }

    fn matches(pattern: &str, text: &str) -> Option<bool> {
        match substitute(pattern, &cx(), true) {
            Subst::Pattern(p) => Some(match_tokens(&p, text, false)),
            _ => None,
        }
    }

    #[test]
    fn a_name_that_is_no_condition_key_is_never_in_the_request() {
        let subst = |p: &str| substitute(p, &RequestContext::new(), true);
        assert_eq!(
            subst("arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}"),
            Subst::NoMatch
        );
        assert!(matches!(
            subst("arn:aws:s3:::${aws:username}/*"),
            Subst::Unknown(_)
        ));
    }

    #[test]
    fn substitutes_known_keys_case_insensitively() {
        assert_eq!(
            matches("secret:${aws:principaltag/team}/*", "secret:web/x"),
            Some(true)
        );
        assert_eq!(
            matches("secret:${aws:PrincipalTag/team}/*", "secret:ops/x"),
            Some(false)
        );
    }

    #[test]
    fn escapes_are_literal_characters() {
        assert_eq!(matches("a${*}b", "a*b"), Some(true));
        assert_eq!(matches("a${*}b", "axxb"), Some(false));
        assert_eq!(matches("a${?}b", "a?b"), Some(true));
        assert_eq!(matches("a${?}b", "axb"), Some(false));
        assert_eq!(matches("a${$}b", "a$b"), Some(true));
    }

    #[test]
    fn defaults_apply_to_absent_keys_only() {
        assert_eq!(
            matches("home/${aws:username, 'nobody'}", "home/nobody"),
            Some(true)
        );
        assert_eq!(
            substitute("home/${aws:username}", &cx(), true),
            Subst::NoMatch
        );
        assert_eq!(
            substitute("home/${aws:userid, 'x'}", &cx(), true),
            Subst::Unknown("aws:userid".into())
        );
    }

    #[test]
    fn an_unterminated_variable_is_literal_text() {
        assert_eq!(matches("a${b", "a${b"), Some(true));
    }
}
