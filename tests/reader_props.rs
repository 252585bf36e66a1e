//! The readers of hostile text never panic and never point outside what they read: the pasted
//! message reader (`denial`) and the YAML template reader, on random text built from the pieces
//! real pastes and templates are made of (ARNs, redactions, wrapping, escapes, tags, non-ASCII).

use ecslint::denial;
use ecslint::load::yaml;
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("User: ".to_string()),
        Just("arn:aws:sts::123456789012:assumed-role/exec/1".to_string()),
        Just(" is not authorized to perform: ".to_string()),
        Just("secretsmanager:GetSecretValue".to_string()),
        Just(" on resource: ".to_string()),
        Just("arn:aws:secretsmanager:eu-west-1:<account id>:secret:a-Xy12Ab".to_string()),
        Just(" because no identity-based policy allows".to_string()),
        Just(" with an explicit deny in a ".to_string()),
        Just("AccessDeniedException: ".to_string()),
        Just("ResourceInitializationError: unable to pull secrets or registry auth: ".to_string()),
        Just("failed to fetch secret ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("        ".to_string()),
        Just("│ ".to_string()),
        Just("> ".to_string()),
        Just("\\n\\t".to_string()),
        Just("\\".to_string()),
        Just("...".to_string()),
        Just("…".to_string()),
        Just("[redacted]".to_string()),
        Just("{{account_id}}".to_string()),
        Just("***".to_string()),
        Just("é😀".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("-".to_string()),
        "[ -~]{0,12}",
    ]
}

fn yaml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Resources:\n".to_string()),
        Just("  A:\n".to_string()),
        Just("    Type: AWS::IAM::Role\n".to_string()),
        Just("    Properties: ".to_string()),
        Just("!Ref ".to_string()),
        Just("!Sub '${AWS::Region}'".to_string()),
        Just("!GetAtt A.Arn".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(": ".to_string()),
        Just("- ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("é".to_string()),
        Just("\n".to_string()),
        Just("\"q\"".to_string()),
        "[ -~]{0,8}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn the_message_reader_never_panics_and_its_spans_are_in_the_text(pieces in prop::collection::vec(piece(), 0..24)) {
        let text: String = pieces.concat();
        if let Some(d) = denial::parse(&text) {
            for span in std::iter::once(d.span).chain(d.resource_span) {
                prop_assert!(span.start <= span.end && span.end <= text.len(), "{span:?} in {text:?}");
                prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "{span:?} in {text:?}");
            }
        }
    }

    #[test]
    fn the_yaml_reader_never_panics_and_its_spans_are_in_the_text(pieces in prop::collection::vec(yaml_piece(), 0..30)) {
        let text: String = pieces.concat();
        match yaml::parse(&text) {
            Ok(node) => {
                fn walk(n: &ecslint::json::Node, text: &str) -> Result<(), TestCaseError> {
                    prop_assert!(n.span.start <= n.span.end && n.span.end <= text.len());
                    prop_assert!(text.is_char_boundary(n.span.start) && text.is_char_boundary(n.span.end));
                    match &n.kind {
                        ecslint::json::Kind::Array(items) => items.iter().try_for_each(|i| walk(i, text)),
                        ecslint::json::Kind::Object(ms) => ms.iter().try_for_each(|m| walk(&m.value, text)),
                        _ => Ok(()),
                    }
                }
                walk(&node, &text)?;
            }
            Err(e) => prop_assert!(e.span.end <= text.len() && text.is_char_boundary(e.span.start)),
        }
    }
}
