//! Every rule's documentation runs: the files of its "Example" section must raise the rule exactly
//! once, and with the files of "Use instead" (the others kept from the example) not at all.

use ecslint::load::{Input, InputKind};
use ecslint::rules::{ALL, FixAvailability};
use std::collections::BTreeMap;

/// The `json ROLE` code blocks of one section, by role.
fn blocks(doc: &str, section: &str) -> BTreeMap<String, String> {
    let start = doc
        .find(&format!("## {section}\n"))
        .unwrap_or_else(|| panic!("no section {section}"));
    let rest = &doc[start + section.len() + 4..];
    let body = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut out = BTreeMap::new();
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        let Some(role) = line.strip_prefix("```json ") else {
            continue;
        };
        let mut text = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            text.push_str(l);
            text.push('\n');
        }
        assert!(
            out.insert(role.trim().to_string(), text).is_none(),
            "two {role} blocks in {section}"
        );
    }
    out
}

fn count(rule: &str, files: &BTreeMap<String, String>) -> usize {
    run(rule, files).0
}

/// Runs the check on the files; returns how often `rule` fired and the files with its fixes
/// applied (`None` when it offered none).
fn run(rule: &str, files: &BTreeMap<String, String>) -> (usize, Option<BTreeMap<String, String>>) {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (role, text) in files {
        let path = dir.path().join(format!("{}.json", role.replace(' ', "-")));
        std::fs::write(&path, text).unwrap();
        let path = path.to_string_lossy().into_owned();
        inputs.push(match role.as_str() {
            "task-definition" => Input::file(InputKind::TaskDefinition, path),
            "policy" => Input::file(InputKind::Policy, path),
            other if other.starts_with("policy ") => {
                Input::file(InputKind::Policy, path).owned_by(&other["policy ".len()..])
            }
            "secrets" => Input::file(InputKind::Secrets, path),
            "account-details" => Input::file(InputKind::AccountDetails, path),
            "parameters" => Input::file(InputKind::Parameters, path),
            other => panic!("unknown block role {other}"),
        });
    }
    let checked = ecslint::check(&inputs, &Default::default()).unwrap();
    let mine: Vec<_> = checked.findings.iter().filter(|f| f.rule == rule).collect();
    let edits: Vec<&ecslint::fix::Edit> = mine
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| &f.edits)
        .collect();
    if edits.is_empty() {
        return (mine.len(), None);
    }
    let mut fixed = files.clone();
    for (role, text) in fixed.iter_mut() {
        let path = dir.path().join(format!("{}.json", role.replace(' ', "-")));
        let here: Vec<&ecslint::fix::Edit> = edits
            .iter()
            .copied()
            .filter(|e| checked.sources.get(e.loc.source).name == path.to_string_lossy())
            .collect();
        if !here.is_empty() {
            *text = ecslint::fix::apply_edits(text, &here).unwrap();
        }
    }
    (mine.len(), Some(fixed))
}

#[test]
fn rule_doc_examples_raise_their_rule_and_the_corrections_do_not() {
    // A policy over IAM's size quota is thousands of characters: its doc describes the example
    // and its test vectors (in the rule's file) hold it.
    const TOO_LARGE_TO_SHOW: &[&str] = &["policy-size-quota"];
    for rule in ALL {
        let meta = rule.meta();
        if TOO_LARGE_TO_SHOW.contains(&meta.name) {
            assert!(meta.doc.contains("## Example"), "{}", meta.name);
            continue;
        }
        let example = blocks(meta.doc, "Example");
        assert!(!example.is_empty(), "{} has no example files", meta.name);
        let (fired, fixed) = run(meta.name, &example);
        assert_eq!(
            fired, 1,
            "the example of {} must raise it exactly once",
            meta.name
        );
        match (meta.fix, fixed) {
            (FixAvailability::Never, Some(_)) => {
                panic!("{} declares no fix but offered one", meta.name)
            }
            (FixAvailability::Always, None) => {
                panic!("{} declares a fix but offered none", meta.name)
            }
            (_, Some(fixed)) => {
                // Every fixed file is still valid JSON (unless the example is invalid JSON).
                for (role, text) in &fixed {
                    if example[role] != *text {
                        serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| {
                            panic!(
                                "{}'s fix left invalid JSON in {role}: {e}\n{text}",
                                meta.name
                            )
                        });
                    }
                }
                assert_eq!(
                    count(meta.name, &fixed),
                    0,
                    "{}'s fix must make it go away",
                    meta.name
                );
            }
            (_, None) => {}
        }
        let mut corrected = example.clone();
        corrected.extend(blocks(meta.doc, "Use instead"));
        assert_eq!(
            count(meta.name, &corrected),
            0,
            "the correction of {} must not raise it",
            meta.name
        );
    }
}
