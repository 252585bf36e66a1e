//! The pre-commit hooks (`.pre-commit-hooks.yaml`), run for real with pre-commit from PyPI on a
//! throwaway git repository (`pre-commit try-repo`). The `-system` hooks run the ecslint built
//! for the tests; the `language: rust` hooks share their entry and files (checked here), and
//! differ only in building ecslint first.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// pre-commit, in a virtual environment made once per target folder.
fn pre_commit() -> PathBuf {
    support::python_venv("pre-commit-venv", "pre-commit>=3", "bin/pre-commit")
        .join("bin/pre-commit")
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// The hook `hook` on every file of `dir`: its exit code and output. A `-system` hook runs
/// through `pre-commit try-repo ROOT` (the working tree as it is, the ecslint built for the
/// tests on PATH). A `language: rust` hook runs from `dir`'s `.pre-commit-config.yaml`, which
/// names this repository at its HEAD commit: pre-commit builds that environment once and keeps it
/// in PRE_COMMIT_HOME (try-repo would build it again, in a throwaway store, for every hook).
fn try_hook(dir: &Path, hook: &str) -> (i32, String) {
    let ecslint = assert_cmd::cargo::cargo_bin("ecslint");
    let path = format!(
        "{}:{}",
        ecslint.parent().unwrap().display(),
        std::env::var("PATH").unwrap()
    );
    let args: Vec<&str> = if hook.ends_with("-system") {
        vec!["try-repo", ROOT, hook, "--all-files", "--color", "never"]
    } else {
        vec!["run", hook, "--all-files", "--color", "never"]
    };
    let out = Command::new(pre_commit())
        .args(&args)
        .current_dir(dir)
        .env("PATH", path)
        .env(
            "PRE_COMMIT_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-home"),
        )
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_hooks_run_on_the_files_they_match() {
    exercise_hooks("-system");
}

/// The `language: rust` hooks for real: pre-commit builds ecslint with `cargo install` (release,
/// the AWS SDK included) into its own environment, once per commit; CI runs the `-system`
/// hooks instead for time. It tests HEAD, so commit first; run with
/// `cargo test --test precommit -- --ignored`.
#[test]
#[ignore = "builds ecslint with the AWS SDK through pre-commit: 17 minutes on 2 cores"]
fn the_rust_hooks_build_ecslint_and_run() {
    exercise_hooks("");
}

/// The hooks `ecslint-check{suffix}` and `ecslint-lint{suffix}` on a throwaway repository.
fn exercise_hooks(suffix: &str) {
    let check = format!("ecslint-check{suffix}");
    let lint = format!("ecslint-lint{suffix}");
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    let config = format!(
        "repos:\n  - repo: {ROOT}\n    rev: {}\n    hooks:\n      - id: {check}\n      - id: {lint}\n",
        head.trim()
    );
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir_all(repo.join("deploy")).unwrap();
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    let seed = Path::new(ROOT).join("fixtures/seed");
    std::fs::copy(
        seed.join("task-definition.json"),
        repo.join("deploy/task-definition.json"),
    )
    .unwrap();
    // A policy on its own: the display-name ARN lint reports without a task definition.
    std::fs::write(
        repo.join("policies/read-secret.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
  "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-??????"}]}
"#,
    )
    .unwrap();
    std::fs::write(
        repo.join("other.json"),
        "not json, and not matched by any hook",
    )
    .unwrap();
    if suffix.is_empty() {
        std::fs::write(repo.join(".pre-commit-config.yaml"), &config).unwrap();
    }
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "files"]);

    // check: the task definition alone has a secret and no policy for its role: fails.
    let (code, out) = try_hook(repo, &check);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("missing-permission"), "{out}");
    assert!(out.contains("deploy/task-definition.json"), "{out}");
    // lint: a plain, valid policy passes; other.json is never read.
    let (code, out) = try_hook(repo, &lint);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("other.json"), "{out}");
    // A broken policy fails it.
    std::fs::write(
        repo.join("policies/broken.json"),
        "{\"Version\": \"2012-10-17\",}",
    )
    .unwrap();
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", "broken"]);
    let (code, out) = try_hook(repo, &lint);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("invalid-json"), "{out}");
}

#[test]
fn the_rust_hooks_are_the_system_hooks_but_for_building_ecslint() {
    let text = std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml")).unwrap();
    let hooks = ecslint::load::yaml::parse(&text).unwrap();
    let hooks = hooks.as_array().unwrap();
    let get = |id: &str| {
        hooks
            .iter()
            .find(|h| h.get("id").and_then(|v| v.as_str()) == Some(id))
            .unwrap_or_else(|| panic!("no hook {id}"))
    };
    for id in ["ecslint-lint", "ecslint-check"] {
        let rust = get(id);
        let system = get(&format!("{id}-system"));
        assert_eq!(rust.get("language").and_then(|v| v.as_str()), Some("rust"));
        assert_eq!(
            system.get("language").and_then(|v| v.as_str()),
            Some("system")
        );
        for key in ["entry", "files"] {
            assert_eq!(
                rust.get(key).and_then(|v| v.as_str()),
                system.get(key).and_then(|v| v.as_str()),
                "{id} {key}"
            );
        }
    }
}
