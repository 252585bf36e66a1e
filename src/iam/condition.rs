//! Condition operators (IAM user guide, "IAM JSON policy elements: Condition operators" and
//! "Condition keys with multiple values").
//!
//! Within one operator–key entry the policy's values are OR-ed; entries are AND-ed by the caller.
//! A key missing from the request makes a positive operator false and a negated one true;
//! `…IfExists` makes it true; `Null` tests presence; `ForAllValues` is true on an empty set and
//! `ForAnyValue` false. A key that is unknown offline makes the entry `Unknown`.

use super::context::{Lookup, RequestContext, Tri};
use super::pattern::{Tok, arn_tokens_match, match_tokens};
use super::variables::{Subst, substitute};
use crate::model::policy::ConditionEntry;
use crate::model::policy::operator::{Base, Operator, SetQualifier, parse_date};
use std::net::IpAddr;
use std::ops::Not;

/// Evaluates one condition entry. `variables` is whether the policy's Version allows policy
/// variables in the values.
pub fn evaluate(entry: &ConditionEntry, context: &RequestContext, variables: bool) -> Tri {
    let Some(op) = Operator::parse(&entry.operator.value) else {
        // IAM refuses a policy with an unknown operator; such a statement grants nothing.
        return Tri::False;
    };
    let key = entry.key.value.as_str();
    let values: Vec<&str> = entry.values.iter().map(|v| v.value.as_str()).collect();
    let found = context.lookup(key);
    if op.base == Base::Null {
        // `Null: true` holds when the key is absent.
        let present = match found {
            Lookup::Present(_) => true,
            Lookup::Absent => false,
            Lookup::Unknown => return Tri::unknown(key),
        };
        return Tri::from_bool(
            values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true") != present),
        );
    }
    let context_values = match found {
        Lookup::Unknown => return Tri::unknown(key),
        Lookup::Absent | Lookup::Present([]) => {
            return Tri::from_bool(match op.set {
                SetQualifier::ForAllValues => true,
                SetQualifier::ForAnyValue => false,
                SetQualifier::None => op.if_exists || op.negated,
            });
        }
        Lookup::Present(values) => values,
    };
    // Whether one request value matches any policy value, for the positive form of the operator.
    let matches_any = |v: &str| -> Tri {
        Tri::any(
            values
                .iter()
                .map(|p| base_match(op.base, v, p, context, variables)),
        )
    };
    let operator_holds = |v: &str| -> Tri {
        let m = matches_any(v);
        if op.negated { m.not() } else { m }
    };
    match op.set {
        SetQualifier::ForAllValues => Tri::all(context_values.iter().map(|v| operator_holds(v))),
        SetQualifier::ForAnyValue => Tri::any(context_values.iter().map(|v| operator_holds(v))),
        SetQualifier::None => {
            let any = Tri::any(context_values.iter().map(|v| matches_any(v)));
            if op.negated { any.not() } else { any }
        }
    }
}

/// Whether a request value matches one policy value under a base (positive) operator.
fn base_match(
    base: Base,
    value: &str,
    policy: &str,
    context: &RequestContext,
    variables: bool,
) -> Tri {
    let pattern = |wildcards: bool| -> Result<Vec<Tok>, Tri> {
        if !variables {
            return Ok(if wildcards {
                super::pattern::tokens(policy)
            } else {
                super::pattern::literal(policy)
            });
        }
        match substitute(policy, context, wildcards) {
            Subst::Pattern(p) => Ok(p),
            Subst::NoMatch => Err(Tri::False),
            Subst::Unknown(key) => Err(Tri::unknown(&key)),
        }
    };
    let result = match base {
        Base::StringEquals => pattern(false).map(|p| match_tokens(&p, value, false)),
        Base::StringEqualsIgnoreCase => pattern(false).map(|p| match_tokens(&p, value, true)),
        Base::StringLike => pattern(true).map(|p| match_tokens(&p, value, false)),
        Base::ArnLike => pattern(true).map(|p| arn_tokens_match(&p, value)),
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => Ok(compare(
            value.trim().parse::<f64>().ok(),
            policy.trim().parse::<f64>().ok(),
            base,
        )),
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => Ok(compare(parse_date(value), parse_date(policy), base)),
        Base::Bool => Ok(value.trim().eq_ignore_ascii_case(policy.trim())),
        Base::BinaryEquals => Ok(value == policy),
        Base::IpAddress => Ok(ip_in(value, policy)),
        Base::Null => Ok(false),
    };
    match result {
        Ok(b) => Tri::from_bool(b),
        Err(t) => t,
    }
}

/// Compares two parsed numbers or instants; a value that does not parse matches nothing.
fn compare(value: Option<f64>, policy: Option<f64>, base: Base) -> bool {
    let (Some(v), Some(p)) = (value, policy) else {
        return false;
    };
    match base {
        Base::NumericEquals | Base::DateEquals => v == p,
        Base::NumericLessThan | Base::DateLessThan => v < p,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => v <= p,
        Base::NumericGreaterThan | Base::DateGreaterThan => v > p,
        Base::NumericGreaterThanEquals | Base::DateGreaterThanEquals => v >= p,
        _ => false,
    }
}

/// Whether an address lies in a CIDR block (or equals a bare address).
fn ip_in(value: &str, policy: &str) -> bool {
    let Ok(addr) = value.trim().parse::<IpAddr>() else {
        return false;
    };
    let policy = policy.trim();
    if let Ok(net) = policy.parse::<ipnet::IpNet>() {
        return net.contains(&addr);
    }
    policy.parse::<IpAddr>().is_ok_and(|p| p == addr)
}
