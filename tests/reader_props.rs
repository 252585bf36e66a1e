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

/// A value to put anywhere in a plan: the shapes Terraform writes and the ones it never does.
fn plan_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(7)),
        Just(json!("")),
        Just(json!("${terraform x.y, known after apply}")),
        Just(json!(
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbC123"
        )),
        Just(json!(
            "[{\"name\": \"x\", \"secrets\": [{\"valueFrom\": 3}]}]"
        )),
        Just(json!("{\"Statement\": {\"Effect\": \"Allow\"}}")),
        Just(json!([])),
        Just(json!([{"references": ["aws_iam_role.exec"]}])),
        Just(json!({"references": ["data.aws_iam_policy_document.db.json"]})),
        Just(json!({"constant_value": ["a", 1, null]})),
        Just(json!({})),
        "[ -~é]{0,12}".prop_map(serde_json::Value::String),
    ]
}

/// Replaces the `n`-th node (in document order) of `v` by `with`; `n` counts down.
fn replace_nth(v: &mut serde_json::Value, n: &mut usize, with: &serde_json::Value) -> bool {
    if *n == 0 {
        *v = with.clone();
        return true;
    }
    *n -= 1;
    match v {
        serde_json::Value::Array(items) => items.iter_mut().any(|i| replace_nth(i, n, with)),
        serde_json::Value::Object(map) => map.values_mut().any(|i| replace_nth(i, n, with)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A plan with any of its values swapped for another shape, or cut short, is read without a
    /// panic, every finding inside what was read, and no sensitive value in any finding.
    #[test]
    fn the_terraform_reader_never_panics_on_a_mangled_plan(
        swaps in prop::collection::vec((0usize..400, plan_value()), 0..6),
        cut in prop::option::of(0usize..9000),
    ) {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/terraform/web.plan.json")).unwrap();
        let mut plan: serde_json::Value = serde_json::from_str(&text).unwrap();
        for (at, with) in &swaps {
            let mut n = *at;
            replace_nth(&mut plan, &mut n, with);
        }
        let mut text = plan.to_string();
        if let Some(cut) = cut {
            let mut cut = cut.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        let inputs = [ecslint::load::Input {
            kind: ecslint::load::InputKind::TerraformPlan,
            name: "plan.json".to_string(),
            owner: None,
            body: ecslint::load::Body::Read(text.into_bytes().into()),
        }];
        let checked = ecslint::check(&inputs, &Default::default()).unwrap();
        for f in &checked.findings {
            prop_assert!(!f.message.contains("s3cr3t"), "{}", f.message);
            if let Some(loc) = f.loc {
                let source = checked.sources.get(loc.source);
                prop_assert!(loc.span.end <= source.text.len());
                prop_assert!(source.text.is_char_boundary(loc.span.start) && source.text.is_char_boundary(loc.span.end));
                prop_assert!(!source.text.contains("s3cr3t"), "{}", source.name);
            }
        }
    }
}
