//! The fuzz corpora, replayed on stable: every seed (`fuzz/corpus/TARGET/`) and every minimised
//! crash a campaign found (`tests/fuzz-regressions/TARGET/`) through the same target bodies
//! libFuzzer runs (`ecslint::fuzzing`). Each target panics on a broken promise, so a replay that
//! passes is a replay where every promise held.

use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The files of `dir` (none when it does not exist), README files aside.
fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn replay(folder: &str) -> usize {
    let mut replayed = 0;
    for (name, body) in ecslint::fuzzing::TARGETS {
        for path in inputs(&Path::new(ROOT).join(folder).join(name)) {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| body(&data));
            assert!(
                outcome.is_ok(),
                "{name}: {} broke the target",
                path.display()
            );
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn every_seed_of_every_target_holds() {
    let replayed = replay("fuzz/corpus");
    assert!(
        replayed >= 100,
        "only {replayed} seeds: run scripts/fuzz-seeds.py"
    );
}

#[test]
fn every_crash_found_by_fuzzing_stays_fixed() {
    replay("tests/fuzz-regressions");
}

#[test]
fn every_target_has_seeds_and_a_fuzz_binary() {
    let manifest = std::fs::read_to_string(Path::new(ROOT).join("fuzz/Cargo.toml")).unwrap();
    for (name, _) in ecslint::fuzzing::TARGETS {
        assert!(
            !inputs(&Path::new(ROOT).join("fuzz/corpus").join(name)).is_empty(),
            "{name} has no seed corpus"
        );
        let source = Path::new(ROOT).join(format!("fuzz/fuzz_targets/{name}.rs"));
        let text = std::fs::read_to_string(&source).unwrap_or_default();
        assert!(
            text.contains(&format!("fuzzing::run(\"{name}\"")),
            "{} does not run the {name} target",
            source.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
    }
    assert!(!ecslint::fuzzing::run("no-such-target", b""));
}
