//! Property tests: the linear wildcard matcher agrees with a plain backtracking reference on
//! random patterns and texts, and ARN matching never lets a wildcard cross a field.

use ecslint::iam::pattern::{arn_tokens_match, resource_matches, tokens, wildcard_match};
use proptest::prelude::*;

/// The obvious exponential matcher, for comparison on small inputs.
fn reference(p: &[char], t: &[char]) -> bool {
    match (p.first(), t.first()) {
        (None, None) => true,
        (Some('*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
        (Some('?'), Some(_)) => reference(&p[1..], &t[1..]),
        (Some(a), Some(b)) if a == b => reference(&p[1..], &t[1..]),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn matcher_agrees_with_reference(pattern in "[ab*?:/]{0,10}", text in "[ab:/]{0,12}") {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        prop_assert_eq!(wildcard_match(&pattern, &text, false), reference(&p, &t));
    }

    #[test]
    fn non_ascii_text_takes_the_general_path_and_agrees_too(pattern in "[aé*?:]{0,8}", text in "[aé:]{0,10}") {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        prop_assert_eq!(wildcard_match(&pattern, &text, false), reference(&p, &t));
    }

    #[test]
    fn arn_matching_is_the_same_on_both_paths(pattern in "arn:[a*?:]{0,12}", text in "arn:[a:]{0,14}") {
        // Appending a non-ASCII character to both sides forces the general path; it matches
        // itself and changes nothing else.
        let fast = resource_matches(&pattern, &text);
        let general = resource_matches(&format!("{pattern}é"), &format!("{text}é"));
        prop_assert_eq!(fast, general);
    }

    #[test]
    fn the_shape_shortcuts_agree_with_token_matching(
        pattern in "arn:(aws|a\\*):[a*?:/]{0,24}",
        text in "arn:aws:[a:/]{0,28}",
    ) {
        // Literal beginnings of eight bytes and more, five colons or fewer: every shortcut that
        // `Shape` takes against the plain field-by-field matcher.
        prop_assert_eq!(
            resource_matches(&pattern, &text),
            arn_tokens_match(&tokens(&pattern), &text),
            "pattern {} text {}", pattern, text
        );
    }

    #[test]
    fn case_insensitive_matching_ignores_case(pattern in "[aB*?]{0,8}", text in "[Ab]{0,10}") {
        prop_assert_eq!(
            wildcard_match(&pattern, &text, true),
            wildcard_match(&pattern.to_lowercase(), &text.to_lowercase(), false)
        );
    }

    #[test]
    fn a_pattern_matches_its_own_text(text in "[a-z0-9:/_-]{0,40}") {
        prop_assert!(wildcard_match(&text, &text, false));
    }

    #[test]
    fn a_region_wildcard_never_reaches_into_the_account(region in "[a-z]{2}-[a-z]{4}-[0-9]", account in "[0-9]{12}") {
        let arn = format!("arn:aws:secretsmanager:{region}:{account}:secret:x-AbCdEf");
        prop_assert!(resource_matches("arn:aws:secretsmanager:*:*:secret:x-??????", &arn));
        prop_assert!(!resource_matches("arn:aws:secretsmanager:*:secret:x-??????", &arn));
    }
}
