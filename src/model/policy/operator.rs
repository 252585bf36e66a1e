//! Condition operators, as the policy grammar defines them (IAM user guide, "IAM JSON policy
//! elements: Condition operators"): which names exist, and which values each accepts. IAM refuses
//! a policy with an operator it does not know, or a value its operator cannot read; the parsers
//! report both where they stand, and the evaluator (`iam::condition`) reads the operator parsed
//! here.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    None,
    ForAllValues,
    ForAnyValue,
}

/// A parsed operator name such as `ForAnyValue:StringNotLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operator {
    pub base: Base,
    pub negated: bool,
    pub if_exists: bool,
    pub set: SetQualifier,
}

impl Operator {
    /// Parses an operator name; `None` for a name IAM does not know.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(r) = strip_prefix_ci(name, "ForAllValues:") {
            (SetQualifier::ForAllValues, r)
        } else if let Some(r) = strip_prefix_ci(name, "ForAnyValue:") {
            (SetQualifier::ForAnyValue, r)
        } else {
            (SetQualifier::None, name)
        };
        let (if_exists, rest) = match rest.strip_suffix("IfExists") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        use Base::*;
        let (base, negated) = match rest {
            "StringEquals" => (StringEquals, false),
            "StringNotEquals" => (StringEquals, true),
            "StringEqualsIgnoreCase" => (StringEqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => (StringEqualsIgnoreCase, true),
            "StringLike" => (StringLike, false),
            "StringNotLike" => (StringLike, true),
            "NumericEquals" => (NumericEquals, false),
            "NumericNotEquals" => (NumericEquals, true),
            "NumericLessThan" => (NumericLessThan, false),
            "NumericLessThanEquals" => (NumericLessThanEquals, false),
            "NumericGreaterThan" => (NumericGreaterThan, false),
            "NumericGreaterThanEquals" => (NumericGreaterThanEquals, false),
            "DateEquals" => (DateEquals, false),
            "DateNotEquals" => (DateEquals, true),
            "DateLessThan" => (DateLessThan, false),
            "DateLessThanEquals" => (DateLessThanEquals, false),
            "DateGreaterThan" => (DateGreaterThan, false),
            "DateGreaterThanEquals" => (DateGreaterThanEquals, false),
            "Bool" => (Bool, false),
            "BinaryEquals" => (BinaryEquals, false),
            "IpAddress" => (IpAddress, false),
            "NotIpAddress" => (IpAddress, true),
            "ArnEquals" | "ArnLike" => (ArnLike, false),
            "ArnNotEquals" | "ArnNotLike" => (ArnLike, true),
            "Null" if !if_exists && set == SetQualifier::None => (Null, false),
            _ => return None,
        };
        Some(Operator {
            base,
            negated,
            if_exists,
            set,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// An ISO 8601 date or date-time, or epoch seconds, as seconds since the epoch.
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(epoch) = s.parse::<i64>() {
        return Some(epoch as f64);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp() as f64 + f64::from(t.timestamp_subsec_nanos()) / 1e9);
    }
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        return Some(t.and_utc().timestamp() as f64);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp() as f64);
    }
    None
}

/// What is wrong with one condition entry on its face, if anything: an operator IAM does not
/// know (with the nearest one), or a value its operator cannot read. `Err(None)` is for the
/// operator; `Err(Some(i))` for value `i`.
pub fn entry_problem(operator: &str, values: &[&str]) -> Result<(), (Option<usize>, String)> {
    let Some(op) = Operator::parse(operator) else {
        let null = strip_prefix_ci(operator, "ForAllValues:")
            .or_else(|| strip_prefix_ci(operator, "ForAnyValue:"))
            .unwrap_or(operator);
        if null.starts_with("Null") {
            return Err((
                None,
                format!(
                    "`{operator}`: `Null` takes neither `IfExists` nor `ForAllValues:`/`ForAnyValue:` (it already tests whether the key is present): IAM refuses the policy"
                ),
            ));
        }
        let suggestion = nearest(operator)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err((
            None,
            format!("`{operator}` is not a condition operator{suggestion}: IAM refuses the policy"),
        ));
    };
    for (i, value) in values.iter().enumerate() {
        // A policy variable is filled in at evaluation.
        if value.contains("${") {
            continue;
        }
        let v = value.trim();
        let (ok, expected) = match op.base {
            Base::Bool | Base::Null => (
                v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false"),
                "`true` or `false`",
            ),
            Base::NumericEquals
            | Base::NumericLessThan
            | Base::NumericLessThanEquals
            | Base::NumericGreaterThan
            | Base::NumericGreaterThanEquals => (v.parse::<f64>().is_ok(), "a number"),
            Base::DateEquals
            | Base::DateLessThan
            | Base::DateLessThanEquals
            | Base::DateGreaterThan
            | Base::DateGreaterThanEquals => (
                parse_date(v).is_some(),
                "a date (ISO 8601, such as 2026-12-01T00:00:00Z) or epoch seconds",
            ),
            Base::IpAddress => (
                v.parse::<ipnet::IpNet>().is_ok() || v.parse::<std::net::IpAddr>().is_ok(),
                "an IP address or CIDR block (203.0.113.0/24)",
            ),
            _ => (true, ""),
        };
        if !ok {
            return Err((
                Some(i),
                format!("`{operator}` needs {expected}, found \"{value}\": IAM refuses the policy"),
            ));
        }
    }
    Ok(())
}

/// Every base operator name, for suggestions.
const NAMES: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// The real operator nearest to a misspelled one, keeping its `ForAnyValue:` / `IfExists` parts.
fn nearest(operator: &str) -> Option<String> {
    let (prefix, rest) = match operator.split_once(':') {
        Some((p, r)) => (format!("{p}:"), r),
        None => (String::new(), operator),
    };
    let prefix = match prefix.to_ascii_lowercase().as_str() {
        "" => String::new(),
        p if strsim::damerau_levenshtein(p, "forallvalues:") <= 2 => "ForAllValues:".to_string(),
        p if strsim::damerau_levenshtein(p, "foranyvalue:") <= 2 => "ForAnyValue:".to_string(),
        _ => return None,
    };
    let lower = rest.to_ascii_lowercase();
    NAMES
        .iter()
        .flat_map(|n| [n.to_string(), format!("{n}IfExists")])
        .map(|n| {
            (
                strsim::damerau_levenshtein(&n.to_ascii_lowercase(), &lower),
                n,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| format!("{prefix}{n}"))
        .filter(|s| Operator::parse(s).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_operators_and_unreadable_values_are_refused_as_iam_refuses_them() {
        let (at, message) = entry_problem("StringEqualz", &["x"]).unwrap_err();
        assert_eq!(at, None);
        assert!(
            message.contains("did you mean `StringEquals`?"),
            "{message}"
        );
        let (_, message) = entry_problem("ForAnyValue:StringLikeIfExist", &["x"]).unwrap_err();
        assert!(
            message.contains("`ForAnyValue:StringLikeIfExists`"),
            "{message}"
        );
        assert_eq!(
            entry_problem("Bool", &["true", "maybe"]).unwrap_err().0,
            Some(1)
        );
        assert!(entry_problem("NumericLessThan", &["ten"]).is_err());
        assert!(entry_problem("DateGreaterThan", &["yesterday"]).is_err());
        assert!(entry_problem("IpAddress", &["10.0.0.0/33"]).is_err());
        for (op, value) in [
            ("Bool", "TRUE"),
            ("Null", "false"),
            ("NumericLessThan", "3600"),
            ("DateGreaterThan", "2026-12-01T00:00:00Z"),
            ("DateLessThan", "1767225600"),
            ("NotIpAddress", "203.0.113.0/24"),
            ("IpAddress", "2001:db8::/32"),
            ("StringEquals", "anything"),
            ("ForAllValues:StringEqualsIgnoreCase", "x"),
            ("DateGreaterThan", "${aws:CurrentTime}"),
        ] {
            assert_eq!(entry_problem(op, &[value]), Ok(()), "{op} {value}");
        }
    }
}
