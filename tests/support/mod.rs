//! What the end-to-end tests share: the binary in a clean environment, its JSON answer, the rules
//! a report names, and the library's check on files written for a test.
#![allow(dead_code)] // each test crate uses a part

use assert_cmd::Command;
use ecslint::load::{Input, InputKind};
use serde_json::Value;
use std::path::Path;

/// The binary, run from the project's root, without the caller's colour, width or region.
pub fn ecslint() -> Command {
    let mut cmd = Command::cargo_bin("ecslint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION");
    cmd
}

/// `ecslint COMMAND ARGS… --format json`: the exit code, the JSON (`Null` when stdout is not
/// JSON) and stderr.
pub fn run_json(command: &str, args: &[&str]) -> (i32, Value, String) {
    let out = ecslint()
        .arg(command)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), value, stderr)
}

/// A prepared command with `--format json`: its exit code and JSON, which it must print.
pub fn json_of(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.args(["--format", "json"]).output().unwrap();
    let value: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), value)
}

/// The rule of each finding, in order.
pub fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// A file of the project.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Writes `files` (`(file name, kind, owner, text)`) into `dir` and checks them with the library.
pub fn check_files(
    dir: &Path,
    files: &[(String, InputKind, Option<&str>, &str)],
) -> ecslint::Checked {
    check_files_with(dir, files, &Default::default())
}

/// [`check_files`] with options (`--region`, `--context`).
pub fn check_files_with(
    dir: &Path,
    files: &[(String, InputKind, Option<&str>, &str)],
    options: &ecslint::CheckOptions,
) -> ecslint::Checked {
    let mut inputs = Vec::new();
    for (name, kind, owner, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let mut input = Input::file(*kind, path.to_string_lossy().into_owned());
        input.owner = owner.map(str::to_string);
        inputs.push(input);
    }
    ecslint::check(&inputs, options).unwrap()
}

/// The rules of a report's error findings, in order.
pub fn errors(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// A Python virtual environment under the target folder with `package` installed from PyPI,
/// made once (the tests of a file run at the same time: the first makes it, the others wait);
/// `program` is what it must hold (`bin/moto_server`). Its folder.
pub fn python_venv(name: &str, package: &str, program: &str) -> std::path::PathBuf {
    static MADE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = MADE.lock().unwrap_or_else(|e| e.into_inner());
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if venv.join(program).exists() {
        return venv;
    }
    let ok = std::process::Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "python3 -m venv failed: this test needs Python 3 with venv"
    );
    let ok = std::process::Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", package])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "pip install {package} failed: this test needs PyPI");
    venv
}

/// A byte offset from reviewdog's position (1-based line, 1-based column in UTF-8 bytes).
pub fn rdjson_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let column = position["column"].as_u64().unwrap() as usize;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    line_start + column - 1
}

/// Every suggestion of an rdjson report applied to the files under `dir` (paths in the report are
/// relative to it, or absolute), as reviewdog's one-click suggestions would.
pub fn apply_rdjson(dir: &Path, rdjson: &Value) -> usize {
    let mut edits: std::collections::BTreeMap<String, Vec<(usize, usize, String)>> =
        Default::default();
    let mut count = 0;
    for d in rdjson["diagnostics"].as_array().unwrap() {
        let Some(suggestions) = d["suggestions"].as_array() else {
            continue;
        };
        let path = d["location"]["path"].as_str().unwrap().to_string();
        let text = std::fs::read_to_string(dir.join(&path)).unwrap();
        for s in suggestions {
            let start = rdjson_offset(&text, &s["range"]["start"]);
            let end = rdjson_offset(&text, &s["range"]["end"]);
            let replacement = s["text"].as_str().unwrap().to_string();
            edits
                .entry(path.clone())
                .or_default()
                .push((start, end, replacement));
            count += 1;
        }
    }
    for (path, mut edits) in edits {
        let mut text = std::fs::read_to_string(dir.join(&path)).unwrap();
        // From the end of the file back, so offsets stay valid; two insertions at one place go
        // in the order they are listed (the later one first, so the earlier ends up before it).
        let mut edits: Vec<(usize, (usize, usize, String))> = edits.drain(..).enumerate().collect();
        edits.sort_by(|(i, a), (j, b)| b.0.cmp(&a.0).then(j.cmp(i)));
        for (_, (start, end, replacement)) in edits {
            text.replace_range(start..end, &replacement);
        }
        std::fs::write(dir.join(&path), text).unwrap();
    }
    count
}

/// Copies a folder and everything in it into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
