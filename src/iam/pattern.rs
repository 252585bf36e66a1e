//! IAM wildcard matching: `*` matches any run of characters (including none), `?` exactly one.
//!
//! The pattern is cut at each `*` into literal pieces; the first piece is anchored at the start,
//! the last at the end, and the ones between are found leftmost-first, which is optimal for `*`
//! patterns. No backtracking: the cost is at most O(len(text) · len(pattern)) and, for the usual
//! patterns, close to linear. Consecutive stars collapse into one. Patterns compile to tokens so
//! that a literal `*` produced by the policy variable `${*}` stays literal.

pub use crate::model::policy::Shape;

/// One element of a compiled pattern. `Char` is always literal: a `*` that came from a policy
/// variable such as `${*}` matches only an asterisk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Char(char),
    /// `*`: any run of characters.
    Star,
    /// `?`: exactly one character.
    One,
}

/// Compiles pattern text: `*` and `?` are wildcards, everything else is literal.
pub fn tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Char(c),
        })
        .collect()
}

/// Literal text as tokens: no wildcards.
pub fn literal(text: &str) -> Vec<Tok> {
    text.chars().map(Tok::Char).collect()
}

fn fold(c: char, case_insensitive: bool) -> char {
    if case_insensitive {
        // Simple case folding keeps one char per char, so positions line up.
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

/// Matches `text` against an IAM wildcard `pattern`.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return glob_ascii(pattern.as_bytes(), text.as_bytes(), case_insensitive);
    }
    match_tokens(&tokens(pattern), text, case_insensitive)
}

/// The same algorithm on ASCII bytes, without allocating: the common case (ARNs, actions).
fn glob_ascii(p: &[u8], t: &[u8], case_insensitive: bool) -> bool {
    let piece_at = |piece: &[u8], at: usize| {
        at + piece.len() <= t.len()
            && piece.iter().zip(&t[at..]).all(|(&pc, &tc)| {
                pc == b'?'
                    || if case_insensitive {
                        pc.eq_ignore_ascii_case(&tc)
                    } else {
                        pc == tc
                    }
            })
    };
    let Some(first_star) = p.iter().position(|&c| c == b'*') else {
        return p.len() == t.len() && piece_at(p, 0);
    };
    let last_star = p.iter().rposition(|&c| c == b'*').unwrap_or(first_star);
    let (first, last) = (&p[..first_star], &p[last_star + 1..]);
    if first.len() + last.len() > t.len()
        || !piece_at(first, 0)
        || !piece_at(last, t.len() - last.len())
    {
        return false;
    }
    let mut at = first.len();
    let end = t.len() - last.len();
    if first_star < last_star {
        for piece in p[first_star + 1..last_star].split(|&c| c == b'*') {
            if piece.is_empty() {
                continue;
            }
            match (at..=end.saturating_sub(piece.len()))
                .find(|&i| i + piece.len() <= end && piece_at(piece, i))
            {
                Some(i) => at = i + piece.len(),
                None => return false,
            }
        }
    }
    true
}

/// Byte offsets where the first six colon-separated fields start, and how many there are.
fn field_starts(s: &[u8]) -> ([usize; 6], usize) {
    let mut starts = [0; 6];
    let mut count = 1;
    for (i, &c) in s.iter().enumerate() {
        if count == 6 {
            break;
        }
        if c == b':' {
            starts[count] = i + 1;
            count += 1;
        }
    }
    (starts, count)
}

/// ARN matching on ASCII text, without allocating.
fn arn_match_ascii(pattern: &[u8], arn: &[u8]) -> bool {
    let (ps, pcount) = field_starts(pattern);
    let (as_, acount) = field_starts(arn);
    let last = pcount - 1;
    if last >= acount {
        return false;
    }
    for i in 0..last {
        let p = &pattern[ps[i]..ps[i + 1] - 1];
        let a = &arn[as_[i]..as_[i + 1] - 1];
        if !glob_ascii(p, a, false) {
            return false;
        }
    }
    glob_ascii(&pattern[ps[last]..], &arn[as_[last]..], false)
}

/// Matches `text` against compiled pattern tokens.
pub fn match_tokens(pattern: &[Tok], text: &str, case_insensitive: bool) -> bool {
    let text: Vec<char> = text.chars().map(|c| fold(c, case_insensitive)).collect();
    let pattern: Vec<Tok> = pattern
        .iter()
        .map(|t| match t {
            Tok::Char(c) => Tok::Char(fold(*c, case_insensitive)),
            other => *other,
        })
        .collect();
    match_folded(&pattern, &text)
}

fn piece_matches_at(piece: &[Tok], text: &[char], at: usize) -> bool {
    at + piece.len() <= text.len()
        && piece
            .iter()
            .zip(&text[at..at + piece.len()])
            .all(|(p, t)| match p {
                Tok::One => true,
                Tok::Char(c) => c == t,
                Tok::Star => false,
            })
}

fn match_folded(pattern: &[Tok], text: &[char]) -> bool {
    let pieces: Vec<&[Tok]> = pattern.split(|t| *t == Tok::Star).collect();
    if pieces.len() == 1 {
        return pattern.len() == text.len() && piece_matches_at(pattern, text, 0);
    }
    // pieces.len() >= 2: there is a first and a last piece, with a star between them.
    let first = pieces[0];
    let last = pieces[pieces.len() - 1];
    if first.len() + last.len() > text.len()
        || !piece_matches_at(first, text, 0)
        || !piece_matches_at(last, text, text.len() - last.len())
    {
        return false;
    }
    let mut at = first.len();
    let end = text.len() - last.len();
    for piece in &pieces[1..pieces.len() - 1] {
        if piece.is_empty() {
            continue;
        }
        let mut found = None;
        let mut i = at;
        while i + piece.len() <= end {
            if piece_matches_at(piece, text, i) {
                found = Some(i);
                break;
            }
            i += 1;
        }
        match found {
            Some(i) => at = i + piece.len(),
            None => return false,
        }
    }
    true
}

/// Whether an `Action` entry covers an action. Actions match case-insensitively.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    action_matches_shaped(pattern, Shape::of(pattern), action)
}

/// [`action_matches`] for an entry whose [`Shape`] is known.
pub fn action_matches_shaped(pattern: &str, shape: Shape, action: &str) -> bool {
    if !shape.wildcard && shape.ascii && action.is_ascii() {
        return pattern.eq_ignore_ascii_case(action);
    }
    wildcard_match(pattern, action, true)
}

/// Whether a `Resource` entry covers an ARN. ARNs match case-sensitively.
pub fn resource_matches(pattern: &str, arn: &str) -> bool {
    resource_matches_shaped(pattern, Shape::of(pattern), arn)
}

/// Whether the shape alone shows the entry cannot match the ARN. Up to its first wildcard an
/// entry is literal, separators included, so the ARN must begin with that text; the last eight
/// bytes of it, kept in the shape, settle most entries that cannot match without reading them.
#[inline]
pub fn cannot_match(shape: Shape, arn: &str) -> bool {
    let literal = shape.literal as usize;
    literal >= 8 && Shape::word_before(arn.as_bytes(), literal) != Some(shape.tail)
}

/// [`resource_matches`] for an entry whose [`Shape`] is known.
pub fn resource_matches_shaped(pattern: &str, shape: Shape, arn: &str) -> bool {
    if cannot_match(shape, arn) {
        return false;
    }
    let text = arn.as_bytes();
    let literal = shape.literal as usize;
    if pattern == "*" {
        return true;
    }
    // Without wildcards every field must be equal, and so the whole text.
    if !shape.wildcard {
        return pattern == arn;
    }
    let Some(prefix) = text.get(..literal) else {
        return false;
    };
    if prefix != &pattern.as_bytes()[..literal] {
        return false;
    }
    if shape.ascii && arn.is_ascii() {
        if shape.fields_literal {
            // The first five fields are equal; the rest is the resource field's pattern.
            return glob_ascii(&pattern.as_bytes()[literal..], &text[literal..], false);
        }
        return arn_match_ascii(pattern.as_bytes(), text);
    }
    arn_tokens_match(&tokens(pattern), arn)
}

/// ARN matching on compiled tokens (`Resource` entries, `ArnLike`).
///
/// The first five colon-separated fields of the pattern are matched one by one, so a wildcard in
/// the region cannot swallow the account; the pattern's last field matches the rest of the ARN,
/// colons included, so `arn:aws:*` and `…:secret:*` cover everything below them.
pub fn arn_tokens_match(pattern: &[Tok], arn: &str) -> bool {
    if pattern == [Tok::Star] {
        return true;
    }
    let pattern_fields: Vec<&[Tok]> = pattern.splitn(6, |t| *t == Tok::Char(':')).collect();
    let arn_fields: Vec<&str> = arn.splitn(6, ':').collect();
    let last = pattern_fields.len() - 1;
    for (i, p) in pattern_fields.iter().enumerate() {
        if i == last {
            let rest = match arn_fields.get(i..) {
                Some(fields) if !fields.is_empty() => fields.join(":"),
                _ => return false,
            };
            return match_tokens(p, &rest, false);
        }
        match arn_fields.get(i) {
            Some(a) if i + 1 < arn_fields.len() && match_tokens(p, a, false) => {}
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference matcher by plain recursion, exponential but obviously right, for small inputs.
    fn reference(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some(b'?'), Some(_)) => reference(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => reference(&p[1..], &t[1..]),
            _ => false,
        }
    }

    #[test]
    fn agrees_with_the_reference_on_every_small_case() {
        let alphabet = [b'a', b'b', b'*', b'?'];
        let texts = ["", "a", "b", "ab", "ba", "aab", "abab", "bbba", "aaaa"];
        // every pattern up to length 4 over {a, b, *, ?}
        let mut patterns = vec![Vec::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &patterns {
                for c in alphabet {
                    let mut q: Vec<u8> = p.clone();
                    q.push(c);
                    next.push(q);
                }
            }
            patterns.extend(next.clone());
            patterns.dedup();
        }
        for p in &patterns {
            for t in texts {
                let ps = std::str::from_utf8(p).unwrap();
                assert_eq!(
                    wildcard_match(ps, t, false),
                    reference(p, t.as_bytes()),
                    "pattern {ps:?} text {t:?}"
                );
            }
        }
    }

    #[test]
    fn actions_ignore_case_resources_do_not() {
        assert!(action_matches(
            "SecretsManager:getSecret*",
            "secretsmanager:GetSecretValue"
        ));
        assert!(action_matches("*", "kms:Decrypt"));
        assert!(!action_matches("kms:Encrypt", "kms:Decrypt"));
        assert!(!resource_matches(
            "arn:aws:secretsmanager:us-east-1:1:secret:Db-??????",
            "arn:aws:secretsmanager:us-east-1:1:secret:db-AbCdEf"
        ));
    }

    #[test]
    fn display_name_does_not_match_the_suffixed_arn() {
        let arn = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-y54JnU";
        assert!(!resource_matches(
            "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry",
            arn
        ));
        assert!(resource_matches(
            "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:gitlab-sample-registry-??????",
            arn
        ));
        assert!(resource_matches(
            "arn:aws:secretsmanager:*:123456789012:secret:gitlab-*",
            arn
        ));
        assert!(resource_matches("arn:aws:*", arn));
        assert!(resource_matches("*", arn));
    }

    #[test]
    fn a_wildcard_in_one_field_does_not_cross_into_the_next() {
        assert!(!resource_matches(
            "arn:aws:secretsmanager:us-*:secret:x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"
        ));
        assert!(resource_matches(
            "arn:aws:secretsmanager:us-*:*:secret:x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"
        ));
    }

    #[test]
    fn many_stars_against_a_long_arn_finish() {
        let pattern = format!("arn:aws:s3:::{}", "*a".repeat(500));
        let arn = format!("arn:aws:s3:::{}", "b".repeat(10_000));
        assert!(!resource_matches(&pattern, &arn));
        let arn_a = format!("arn:aws:s3:::{}", "a".repeat(10_000));
        assert!(resource_matches(&pattern, &arn_a));
    }
}
