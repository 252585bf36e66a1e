//! The CI integrations shipped in the repository: the GitHub Action (`action.yml` and its
//! scripts) and the GitLab CI/CD component (`templates/ecslint.yml`), checked at schema level and
//! run for real on the bundled fixtures.

use ecslint::json::Node;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn yaml(text: &str) -> Node {
    ecslint::load::yaml::parse(text).unwrap_or_else(|e| panic!("not YAML: {e:?}"))
}

fn keys(node: &Node) -> BTreeSet<String> {
    node.as_object()
        .unwrap_or_default()
        .iter()
        .map(|m| m.key.clone())
        .collect()
}

/// Every `NAME` in `open NAME close` (after an optional prefix) in `text`.
fn references(text: &str, open: &str, close: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let end = after.find(close).unwrap_or(after.len());
        out.insert(after[..end].trim().to_string());
        rest = &after[end..];
    }
    out
}

/// The seed fixture's check arguments, as a workflow would write them.
fn seed_args() -> String {
    ["task-definition", "execution-role-policy", "secrets"]
        .iter()
        .zip(["--task-definition", "--policy", "--secrets"])
        .map(|(f, flag)| format!("{flag} {ROOT}/fixtures/seed/{f}.json"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn ecslint_dir() -> String {
    Path::new(&assert_cmd::cargo::cargo_bin("ecslint"))
        .parent()
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn the_action_declares_what_it_uses_and_runs_composite_steps_with_a_shell() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).unwrap();
    let action = yaml(&text);
    for key in ["name", "description", "inputs", "outputs", "runs"] {
        assert!(action.get(key).is_some(), "action.yml has no {key}");
    }
    let runs = action.get("runs").unwrap();
    assert_eq!(runs.get("using").and_then(Node::as_str), Some("composite"));
    let declared = keys(action.get("inputs").unwrap());
    for input in action.get("inputs").unwrap().as_object().unwrap() {
        assert!(input.value.get("description").is_some(), "{}", input.key);
    }
    // Every input used is declared, and every declared input is used.
    let mut used = references(&text, "inputs.", " ");
    used.extend(references(&text, "${{ inputs.", "}}"));
    let used: BTreeSet<String> = used
        .into_iter()
        .map(|u| u.trim_end_matches(['}', ' ', ',']).to_string())
        .filter(|u| !u.is_empty())
        .collect();
    assert_eq!(used, declared, "inputs used vs declared");
    let steps = runs.get("steps").and_then(Node::as_array).unwrap();
    let ids: BTreeSet<&str> = steps
        .iter()
        .filter_map(|s| s.get("id").and_then(Node::as_str))
        .collect();
    for step in steps {
        if let Some(run) = step.get("run").and_then(Node::as_str) {
            assert!(
                step.get("shell").is_some(),
                "a composite run step needs a shell: {run}"
            );
            // The scripts it runs are in the repository.
            for script in references(run, "$GITHUB_ACTION_PATH/", "\"") {
                assert!(Path::new(ROOT).join(&script).is_file(), "{script}");
            }
        }
    }
    // Outputs come from a step that exists.
    for output in action.get("outputs").unwrap().as_object().unwrap() {
        let value = output.value.get("value").and_then(Node::as_str).unwrap();
        let step = value
            .trim_start_matches("${{ steps.")
            .split('.')
            .next()
            .unwrap();
        assert!(ids.contains(step), "{}: {value}", output.key);
    }
}

/// Runs the Action's run script as the runner would: its environment from the inputs.
fn run_action(dir: &Path, fail_on: &str) -> (i32, String, String) {
    let output = dir.join("github-output");
    let out = std::process::Command::new("bash")
        .arg(Path::new(ROOT).join("scripts/ci/action-run.sh"))
        .current_dir(dir)
        .env(
            "PATH",
            format!("{}:{}", ecslint_dir(), std::env::var("PATH").unwrap()),
        )
        .env("GITHUB_OUTPUT", &output)
        .env("ECSLINT_COMMAND", "check")
        .env("ECSLINT_ARGS", seed_args())
        .env("ECSLINT_FAIL_ON", fail_on)
        .env("ECSLINT_SARIF", "ecslint.sarif")
        .env("ECSLINT_RDJSON", "ecslint.rdjson")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(&output).unwrap_or_default(),
    )
}

#[test]
fn the_action_script_annotates_writes_sarif_and_fails_per_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, outputs) = run_action(dir.path(), "error");
    assert_eq!(code, 1);
    assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
    assert!(stdout.contains("title=secret-display-name"), "{stdout}");
    assert!(outputs.contains("exit-code=1") && outputs.contains("sarif-file=ecslint.sarif"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ecslint.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    // reviewdog's input for the suggestions, from the same run.
    assert!(outputs.contains("rdjson-file=ecslint.rdjson"), "{outputs}");
    let rdjson: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ecslint.rdjson")).unwrap())
            .unwrap();
    assert_eq!(rdjson["diagnostics"].as_array().unwrap().len(), 2);
    // Advisory: the same report, the step passes.
    let (code, _, outputs) = run_action(dir.path(), "never");
    assert_eq!(code, 0);
    assert!(outputs.contains("exit-code=0"));
    let (code, stdout, _) = run_action(dir.path(), "sometimes");
    assert_eq!(code, 2);
    assert!(stdout.contains("::error::fail-on must be"), "{stdout}");
}

/// The component's two documents: its `spec` and its job.
fn component() -> (String, Node, Node) {
    let text = std::fs::read_to_string(Path::new(ROOT).join("templates/ecslint.yml")).unwrap();
    let (spec, job) = text
        .split_once("\n---\n")
        .expect("a spec document, then the job");
    (text.clone(), yaml(spec), yaml(job))
}

#[test]
fn the_gitlab_component_declares_every_input_it_uses_and_reports_code_quality() {
    let (text, spec, job) = component();
    let inputs = spec.get("spec").and_then(|s| s.get("inputs")).unwrap();
    let declared = keys(inputs);
    let job_text = text.split_once("\n---\n").unwrap().1;
    let used = references(job_text, "$[[ inputs.", "]]");
    assert_eq!(used, declared, "inputs used vs declared");
    // An input with options has its default among them.
    for input in inputs.as_object().unwrap() {
        assert!(input.value.get("description").is_some(), "{}", input.key);
        if let (Some(options), Some(default)) = (
            input.value.get("options").and_then(Node::as_array),
            input.value.get("default"),
        ) {
            let default = default.as_str().unwrap();
            assert!(
                options.iter().any(|o| o.as_str() == Some(default)),
                "{}",
                input.key
            );
        }
    }
    let ecslint = job.get("ecslint").expect("the ecslint job");
    let reports = ecslint
        .get("artifacts")
        .and_then(|a| a.get("reports"))
        .unwrap();
    assert_eq!(
        reports.get("codequality").and_then(Node::as_str),
        Some("gl-code-quality-report.json")
    );
}

#[test]
fn the_gitlab_component_script_writes_every_report_from_one_run() {
    let (_, _, job) = component();
    let script = job
        .get("ecslint")
        .and_then(|j| j.get("script"))
        .and_then(Node::as_array)
        .unwrap()[0]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let run = |fail_on: &str| {
        std::process::Command::new("sh")
            .args(["-c", &script])
            .current_dir(dir.path())
            .env(
                "PATH",
                format!("{}:{}", ecslint_dir(), std::env::var("PATH").unwrap()),
            )
            .env("ECSLINT_COMMAND", "check")
            .env("ECSLINT_ARGS", seed_args())
            .env("ECSLINT_FAIL_ON", fail_on)
            .env("ECSLINT_MR_NOTE", "true")
            .env("ECSLINT_SUGGESTIONS", "true")
            .env("ECSLINT_REVIEWDOG_VERSION", "v0.21.0")
            .env_remove("CI_MERGE_REQUEST_IID")
            .output()
            .unwrap()
    };
    let out = run("error");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let quality: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("gl-code-quality-report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(quality.as_array().unwrap().len(), 2);
    assert!(
        std::fs::read_to_string(dir.path().join("ecslint.md"))
            .unwrap()
            .contains("secret-display-name")
    );
    assert!(dir.path().join("ecslint.sarif").is_file());
    // The suggestions for reviewdog, from the same run (posted only in a merge request).
    let rdjson: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ecslint.rdjson")).unwrap())
            .unwrap();
    assert!(
        rdjson["diagnostics"][0]["suggestions"].is_array(),
        "{rdjson:#}"
    );
    assert_eq!(run("never").status.code(), Some(0));
}

#[test]
fn the_example_pipelines_use_the_action_and_the_component_as_declared() {
    let read = |p: &str| std::fs::read_to_string(Path::new(ROOT).join(p)).unwrap();
    // GitHub: every `with:` of the ecslint action names a declared input.
    let action = yaml(&read("action.yml"));
    let declared = keys(action.get("inputs").unwrap());
    let workflow = yaml(&read("examples/github-actions.yml"));
    let mut uses = 0;
    for job in workflow.get("jobs").unwrap().as_object().unwrap() {
        for step in job.value.get("steps").and_then(Node::as_array).unwrap() {
            if step
                .get("uses")
                .and_then(Node::as_str)
                .is_some_and(|u| u.contains("/ecslint@"))
            {
                uses += 1;
                let with = keys(step.get("with").unwrap());
                assert!(with.is_subset(&declared), "{with:?}");
                assert!(with.contains("args"), "args is required");
            }
        }
    }
    assert_eq!(uses, 2, "the check, and diagnose on failure");
    // GitLab: the include's inputs are the component's.
    let (_, spec, _) = component();
    let declared = keys(spec.get("spec").and_then(|s| s.get("inputs")).unwrap());
    let pipeline = yaml(&read("examples/gitlab-ci.yml"));
    let include = &pipeline.get("include").and_then(Node::as_array).unwrap()[0];
    let given = keys(include.get("inputs").unwrap());
    assert!(given.is_subset(&declared), "{given:?}");
    assert!(given.contains("args"));
    // A failed deploy prints its reason.
    let why = pipeline.get("why-the-deploy-failed").unwrap();
    assert_eq!(why.get("when").and_then(Node::as_str), Some("on_failure"));
}

#[test]
fn release_archives_are_named_as_binstall_and_the_action_expect() {
    let read = |p: &str| std::fs::read_to_string(Path::new(ROOT).join(p)).unwrap();
    let workflow = yaml(&read(".github/workflows/release.yml"));
    let matrix = workflow
        .get("jobs")
        .and_then(|j| j.get("build"))
        .and_then(|b| b.get("strategy"))
        .and_then(|s| s.get("matrix"))
        .and_then(|m| m.get("include"))
        .and_then(Node::as_array)
        .unwrap();
    let targets: BTreeSet<&str> = matrix
        .iter()
        .map(|t| t.get("target").and_then(Node::as_str).unwrap())
        .collect();
    // The action downloads one of these for its runner.
    let install = read("scripts/ci/action-install.sh");
    for target in &targets {
        assert!(install.contains(&format!("target={target}")), "{target}");
    }
    for os in ["linux", "darwin"] {
        assert!(targets.iter().any(|t| t.contains(os)), "{os}");
    }
    // The archive name, in the workflow, the action and binstall's metadata.
    let release = read(".github/workflows/release.yml");
    assert!(release.contains(
        "ecslint-${{ matrix.target }}.tar.gz -C target/${{ matrix.target }}/release ecslint"
    ));
    assert!(install.contains("ecslint-$target.tar.gz"));
    let cargo: toml::Value = toml::from_str(&read("Cargo.toml")).unwrap();
    let binstall = &cargo["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str(),
        Some("{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }")
    );
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
}
