//! The request context: condition keys and their values, as far as they are known offline.
//!
//! A key is either present (one or more values), known to be absent, or unknown. Unknown keys are
//! never guessed: a condition that reads one makes the answer `Depends`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Three-valued logic for offline evaluation: `Unknown` carries the context keys it waits on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown(BTreeSet<String>),
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    pub fn unknown(key: &str) -> Tri {
        Tri::Unknown(BTreeSet::from([key.to_string()]))
    }

    pub fn is_true(&self) -> bool {
        *self == Tri::True
    }

    pub fn is_false(&self) -> bool {
        *self == Tri::False
    }

    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, x) | (x, Tri::True) => x,
            (Tri::Unknown(mut a), Tri::Unknown(b)) => {
                a.extend(b);
                Tri::Unknown(a)
            }
        }
    }

    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::True, _) | (_, Tri::True) => Tri::True,
            (Tri::False, x) | (x, Tri::False) => x,
            (Tri::Unknown(mut a), Tri::Unknown(b)) => {
                a.extend(b);
                Tri::Unknown(a)
            }
        }
    }

    /// AND over an iterator; `True` when empty.
    pub fn all(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::True, Tri::and)
    }

    /// OR over an iterator; `False` when empty.
    pub fn any(items: impl IntoIterator<Item = Tri>) -> Tri {
        items.into_iter().fold(Tri::False, Tri::or)
    }

    /// The unknown keys, empty unless `Unknown`.
    pub fn keys(&self) -> Vec<String> {
        match self {
            Tri::Unknown(k) => k.iter().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            u => u,
        }
    }
}

impl fmt::Display for Tri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tri::True => f.write_str("true"),
            Tri::False => f.write_str("false"),
            Tri::Unknown(keys) => write!(
                f,
                "unknown ({})",
                keys.iter().cloned().collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// What the context says about one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    Present(&'a [String]),
    Absent,
    Unknown,
}

/// Condition keys of one request. Key names are case-insensitive (IAM user guide, Condition
/// element); values are kept as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    values: BTreeMap<String, (String, Vec<String>)>,
    absent: BTreeSet<String>,
    /// Prefixes whose keys are all known: a key under one of them that has no value is absent
    /// (the full tag set of a resource, say).
    complete_prefixes: Vec<String>,
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a key's values (several for a multivalued key).
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        let lower = key.to_ascii_lowercase();
        self.absent.remove(&lower);
        self.values.insert(lower, (key.to_string(), values));
    }

    /// Adds one value to a key (for repeated `--context k=v`).
    pub fn add(&mut self, key: &str, value: String) {
        let lower = key.to_ascii_lowercase();
        self.absent.remove(&lower);
        self.values
            .entry(lower)
            .or_insert_with(|| (key.to_string(), Vec::new()))
            .1
            .push(value);
    }

    /// Records that the request carries no such key.
    pub fn set_absent(&mut self, key: &str) {
        let lower = key.to_ascii_lowercase();
        self.values.remove(&lower);
        self.absent.insert(lower);
    }

    /// Records that every key under `prefix` is known (those without values are absent).
    pub fn complete_prefix(&mut self, prefix: &str) {
        self.complete_prefixes.push(prefix.to_ascii_lowercase());
    }

    pub fn lookup(&self, key: &str) -> Lookup<'_> {
        let lower = key.to_ascii_lowercase();
        if let Some((_, values)) = self.values.get(&lower) {
            return Lookup::Present(values);
        }
        if self.absent.contains(&lower)
            || self.complete_prefixes.iter().any(|p| lower.starts_with(p))
        {
            return Lookup::Absent;
        }
        Lookup::Unknown
    }

    /// Every key with values, as first written.
    /// Takes every key `other` knows, present or absent, over what this context says of it.
    pub fn override_with(&mut self, other: &RequestContext) {
        for (key, values) in other.entries() {
            self.set(key, values.to_vec());
        }
        for key in &other.absent {
            self.set_absent(key);
        }
    }

    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.values
            .values()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_valued_logic() {
        let u = || Tri::unknown("k");
        assert_eq!(Tri::True.and(u()), u());
        assert_eq!(Tri::False.and(u()), Tri::False);
        assert_eq!(Tri::True.or(u()), Tri::True);
        assert_eq!(Tri::False.or(u()), u());
        assert_eq!(!u(), u());
        assert_eq!(Tri::all([]), Tri::True);
        assert_eq!(Tri::any([]), Tri::False);
        assert_eq!(
            Tri::unknown("a").and(Tri::unknown("b")).keys(),
            ["a".to_string(), "b".to_string()]
        );
    }

    #[test]
    fn keys_are_case_insensitive_and_prefixes_complete() {
        let mut cx = RequestContext::new();
        cx.set("aws:PrincipalArn", vec!["arn:x".into()]);
        cx.complete_prefix("aws:ResourceTag/");
        cx.set("aws:ResourceTag/team", vec!["web".into()]);
        assert_eq!(
            cx.lookup("AWS:principalarn"),
            Lookup::Present(&["arn:x".to_string()])
        );
        assert_eq!(cx.lookup("aws:resourcetag/other"), Lookup::Absent);
        assert_eq!(cx.lookup("aws:SourceVpce"), Lookup::Unknown);
        cx.set_absent("aws:SourceVpce");
        assert_eq!(cx.lookup("aws:sourcevpce"), Lookup::Absent);
    }
}
