//! `diagnose` on the field corpus of pasted messages (`tests/field/messages/`): 100 messages
//! copied verbatim from public issue threads, each with a careful reader's answer key in
//! `EXPECTED.tsv` (kind, principal, action, resource, AWS's reason, redacted, truncated, who was
//! denied). At least 95 must be understood with the request the key names, and no redaction may
//! reach a command or a fix.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

struct Key {
    file: String,
    kind: String,
    principal: String,
    action: String,
    resource: String,
    reason: String,
    redacted: bool,
    truncated: bool,
    principal_kind: String,
}

fn keys() -> Vec<Key> {
    let text = support::read("tests/field/messages/EXPECTED.tsv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 10, "{l}");
            Key {
                file: f[0].into(),
                kind: f[1].into(),
                principal: f[2].into(),
                action: f[3].into(),
                resource: f[4].into(),
                reason: f[5].into(),
                redacted: f[6] == "yes",
                truncated: f[7] == "yes",
                principal_kind: f[8].into(),
            }
        })
        .collect()
}

/// A part as the key writes it and as ecslint reports it, compared without the marks of a cut
/// (`...`, `…`): the key keeps the paste's own dots, ecslint says "truncated" instead.
fn same(key: &str, got: Option<&str>) -> bool {
    let bare = |s: &str| s.trim_end_matches(['.', '…']).to_string();
    match got {
        None => key.is_empty() || key == "…",
        Some(g) => !key.is_empty() && bare(key) == bare(g),
    }
}

/// The failure kinds of the key, in ecslint's words.
fn kind_fits(key: &str, got: &str) -> bool {
    match key {
        "registry-auth" => got == "pull-refused",
        "other" => true,
        k => k == got,
    }
}

fn reason_fits(key: &str, got: Option<&str>) -> bool {
    let key = key.trim_end_matches(" (cut)");
    match (key, got) {
        ("" | "(cut)", None) => true,
        ("", Some(_)) | ("(cut)", Some(_)) => false,
        (k, Some(g)) => {
            let k = k
                .trim_start_matches("explicit deny in ")
                .trim_start_matches("no ");
            g.contains(k) || (k == "explicit deny" && g.contains("explicit deny"))
        }
        (_, None) => false,
    }
}

struct Read {
    code: i32,
    json: Value,
    human: String,
}

fn diagnose(file: &str) -> Read {
    let path = format!("tests/field/messages/{file}");
    let (code, json, _) = support::run_json("diagnose", &["--message-file", &path]);
    let out = support::ecslint()
        .args(["diagnose", "--message-file", &path, "--color", "never"])
        .output()
        .unwrap();
    Read {
        code,
        json,
        human: String::from_utf8_lossy(&out.stdout).into_owned(),
    }
}

#[test]
fn diagnose_understands_the_messages_people_paste() {
    let keys = keys();
    assert_eq!(keys.len(), 100);
    let mut understood = 0;
    let mut right = 0;
    let mut wrong = Vec::new();
    let mut secondary: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut leaks = Vec::new();
    // Two hundred runs of the binary: on every core at once.
    let reads: Vec<Read> = std::thread::scope(|scope| {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let chunk = keys.len().div_ceil(workers);
        let handles: Vec<_> = keys
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|k| diagnose(&k.file)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a diagnose run panicked"))
            .collect()
    });
    for (k, r) in keys.iter().zip(reads) {
        if r.code == 2 {
            if k.kind != "other" {
                wrong.push(format!("{}: not understood (key: {})", k.file, k.kind));
            }
            continue;
        }
        understood += 1;
        let j = &r.json;
        let kind = j["failure"].as_str().unwrap_or_default();
        let q = &j["request"];
        let mut problems = Vec::new();
        if !kind_fits(&k.kind, kind) {
            problems.push(format!("kind {kind} (key {})", k.kind));
        }
        if k.kind == "access-denied" {
            if !same(&k.principal, q["principal"].as_str()) {
                problems.push(format!(
                    "principal {:?} (key {:?})",
                    q["principal"], k.principal
                ));
            }
            let action_key = k.action.trim_start_matches('[').trim_end_matches(']');
            // A key cut inside the action ("ecr:Bat…") is met by the whole action.
            let cut_prefix = k.action.ends_with('…')
                && q["action"]
                    .as_str()
                    .is_some_and(|a| a.starts_with(action_key.trim_end_matches('…')));
            if !cut_prefix && !same(action_key, q["action"].as_str()) {
                problems.push(format!("action {:?} (key {:?})", q["action"], k.action));
            }
            let written = q["resource_as_written"].as_str().or(q["resource"].as_str());
            if !same(&k.resource, written) {
                problems.push(format!("resource {written:?} (key {:?})", k.resource));
            }
            if !reason_fits(&k.reason, q["reason"].as_str()) {
                problems.push(format!("reason {:?} (key {:?})", q["reason"], k.reason));
            }
            let any_redacted = q["redacted"].as_array().is_some_and(|a| !a.is_empty());
            let e = secondary.entry("redacted").or_default();
            e.0 += usize::from(any_redacted == k.redacted);
            e.1 += 1;
            let any_cut = q["truncated"].as_array().is_some_and(|a| !a.is_empty());
            let e = secondary.entry("truncated").or_default();
            e.0 += usize::from(any_cut == k.truncated);
            e.1 += 1;
            let e = secondary.entry("principal_kind").or_default();
            e.0 += usize::from(q["principal_kind"] == k.principal_kind.as_str());
            e.1 += 1;
            // No redaction reaches a command or a fix as if it were real: not the findings (their
            // fixes and the policies they show), not a sentence that gives a command.
            if let Some(tokens) = q["redacted"].as_array() {
                let findings = j["findings"].to_string();
                let commands: Vec<&str> = j["explanation"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|s| s.as_str())
                    .filter(|s| s.contains("`aws "))
                    .collect();
                for t in tokens {
                    let t = t["text"].as_str().unwrap_or_default();
                    if t.len() < 3 {
                        continue;
                    }
                    if findings.contains(t) || commands.iter().any(|c| c.contains(t)) {
                        leaks.push(format!("{}: `{t}` in a fix or a command", k.file));
                    }
                }
            }
        }
        assert_eq!(
            r.code,
            if j["decision"] == "allowed" { 0 } else { 1 },
            "{}",
            k.file
        );
        assert!(!r.human.trim().is_empty(), "{}", k.file);
        if problems.is_empty() {
            right += 1;
        } else {
            wrong.push(format!("{}: {}", k.file, problems.join("; ")));
        }
    }
    eprintln!("understood {understood}/100, with the key's request {right}/100");
    for (what, (ok, of)) in &secondary {
        eprintln!("{what}: {ok}/{of} as the key says");
    }
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(leaks.is_empty(), "{leaks:#?}");
    assert!(
        right >= 95,
        "only {right} of 100 read as the key says:\n{}",
        wrong.join("\n")
    );
    let (ok, of) = secondary["redacted"];
    assert!(ok * 100 >= of * 90, "redactions noticed on {ok} of {of}");
    let (ok, of) = secondary["truncated"];
    assert!(ok * 100 >= of * 90, "cuts noticed on {ok} of {of}");
}

/// The human report of a representative dozen: one of each kind of paste.
#[test]
fn the_report_on_a_representative_dozen() {
    for file in [
        "007.txt", "010.txt", "013.txt", "016.txt", "024.txt", "026.txt", "032.txt", "045.txt",
        "052.txt", "058.txt", "078.txt", "085.txt",
    ] {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/field/messages")
                .join(file)
                .exists()
        );
        let r = diagnose(file);
        insta::assert_snapshot!(format!("message-{file}"), r.human);
    }
}
