#!/usr/bin/env python3
"""ecslint's whole process against parliament's in-process loop, side by side on the same files.

    python3 scripts/bench-vs-parliament.py [ECSLINT_BINARY]

Writes the two corpora of benches/lint_best.rs (2,000 generated policies; the AWS managed
policies of tests/field/aws-managed) with `cargo bench --bench lint_best` and
ECSLINT_BENCH_KEEP, installs parliament from PyPI into a scratch virtual environment under
target/ (never a dependency of the project), then alternates the two on each corpus for a few
rounds:

- parliament: one Python process reads every file and calls `analyze_policy_string` on it; the
  figure is the best of 3 loops in that process (its start and imports are not counted);
- ecslint: `ecslint lint DIR --format json` as a user runs it, the whole process (start, folder
  walk, reading, rules, a JSON report written to a pipe and read); best of 25 runs.

Prints each round and the ratio best against best. The binary defaults to
target/release/ecslint (build it with `cargo build --release`); it also reports the peak
resident memory of the ecslint runs per corpus (from wait4's rusage). Last, the wall time of
`ecslint check` on the task definition with 10 secrets under 3 keys of benches/data/ten-secrets
(process start included; best and median of 50), beside `ecslint --version` (the process
start alone)."""
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
TARGET = ROOT / "target"
KEEP = TARGET / "bench-corpus"
VENV = TARGET / "parliament-venv"
ROUNDS = 3
ECSLINT_RUNS = 25

PARLIAMENT_LOOP = r"""
import json, pathlib, sys, time
from parliament import analyze_policy_string
files = sorted(p for p in pathlib.Path(sys.argv[1]).iterdir() if p.suffix == ".json")
texts = [p.read_text() for p in files]
best = None
for _ in range(3):
    start = time.perf_counter()
    findings = 0
    for text in texts:
        findings += len(analyze_policy_string(text).findings)
    elapsed = time.perf_counter() - start
    best = elapsed if best is None else min(best, elapsed)
print(json.dumps({"best": best, "files": len(texts), "findings": findings}))
"""


def corpora():
    generated, managed = KEEP / "generated", KEEP / "aws-managed"
    if not (generated / "policy-1999.json").exists() or not any(managed.glob("*.json")):
        env = dict(os.environ, ECSLINT_BENCH_KEEP=str(KEEP), ECSLINT_BENCH_RUNS="1")
        subprocess.run(
            ["cargo", "bench", "--no-default-features", "--bench", "lint_best"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )
        # The bench leaves the generated files beside the managed folder: a folder each, so
        # that linting one does not walk into the other.
        generated.mkdir(exist_ok=True)
        for p in KEEP.glob("policy-*.json"):
            p.replace(generated / p.name)
    return [("generated policies", generated), ("AWS managed policies", managed)]


def parliament():
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "parliament==1.6.*"], check=True)
    return python


def parliament_best(python, folder):
    out = subprocess.run([str(python), "-c", PARLIAMENT_LOOP, str(folder)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def ecslint_best(binary, folder):
    best, peak = None, 0
    for _ in range(ECSLINT_RUNS):
        start = time.perf_counter()
        child = subprocess.Popen([binary, "lint", str(folder), "--format", "json"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        report = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"ecslint lint {folder} exited {code}")
        json.loads(report)
        best = elapsed if best is None else min(best, elapsed)
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
    return best, peak


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else str(TARGET / "release" / "ecslint")
    python = parliament()
    for what, folder in corpora():
        files = sum(1 for p in folder.iterdir() if p.suffix == ".json")
        p_best, e_best, peak = None, None, 0
        for round_ in range(1, ROUNDS + 1):
            p = parliament_best(python, folder)["best"]
            e, rss = ecslint_best(binary, folder)
            p_best = p if p_best is None else min(p_best, p)
            e_best = e if e_best is None else min(e_best, e)
            peak = max(peak, rss)
            print(f"{what}, round {round_}: parliament {p * 1e3:.0f} ms, "
                  f"ecslint {e * 1e3:.1f} ms ({p / e:.0f}x)")
        print(f"{what} ({files} files): parliament best {p_best * 1e3:.0f} ms, ecslint best "
              f"{e_best * 1e3:.1f} ms, {p_best / e_best:.0f}x; ecslint peak RSS {peak / 1024:.1f} MiB")
    check_figures(binary)


def wall(argv, runs=50):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[0], times[len(times) // 2]


def check_figures(binary):
    data = ROOT / "benches" / "data" / "ten-secrets"
    argv = [binary, "check", "--task-definition", str(data / "task-definition.json"),
            "--policy", str(data / "execution-role-policy.json"),
            "--secrets", str(data / "secrets.json")]
    if subprocess.run(argv, stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("the ten-secrets check should pass")
    best, median = wall(argv)
    start_best, start_median = wall([binary, "--version"])
    print(f"check of 10 secrets: best {best * 1e3:.1f} ms, median {median * 1e3:.1f} ms "
          f"(process start alone, --version: best {start_best * 1e3:.1f} ms, median "
          f"{start_median * 1e3:.1f} ms)")


if __name__ == "__main__":
    main()
