#!/usr/bin/env python3
"""Fills fuzz/corpus/TARGET/ with seed inputs taken from the repository's own fixtures and field
corpus: each file at most 64 KiB, named by the SHA-1 of its content, so a rerun adds nothing
twice. Rerun it after adding fixtures; campaigns then grow the corpora, and
`cargo +nightly fuzz cmin TARGET` shrinks them again before they are committed.

Usage: python3 scripts/fuzz-seeds.py
"""
import glob
import hashlib
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX = 64 * 1024


def files(*patterns):
    out = []
    for p in patterns:
        out.extend(sorted(glob.glob(os.path.join(ROOT, p), recursive=True)))
    return [f for f in out if os.path.isfile(f) and os.path.getsize(f) <= MAX]


def seed(target, paths, prefix=b""):
    folder = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(folder, exist_ok=True)
    added = 0
    for path in paths:
        with open(path, "rb") as f:
            data = prefix + f.read()
        name = os.path.join(folder, hashlib.sha1(data).hexdigest())
        if not os.path.exists(name):
            with open(name, "wb") as f:
                f.write(data)
            added += 1
    return added


POLICIES = ["fixtures/**/*polic*.json", "tests/field/policies/files/**/*.json"]
TASKDEFS = ["fixtures/**/task-definition*.json", "tests/field/taskdefs/files/**/*.json"]

counts = {
    "json": seed("json", files(*POLICIES, *TASKDEFS, "fixtures/**/*.json")),
    "policy": seed("policy", files(*POLICIES)),
    "taskdef": seed("taskdef", files(*TASKDEFS)),
    # The first byte picks the kind (src/fuzzing.rs): 0 account details, 1 secrets,
    # 2 parameters, 3 KMS aliases, 4 stack, 5 resource policy, 6 key policy, 7 policy.
    "account": seed("account", files("fixtures/**/account-details*.json"), b"\x00")
    + seed("account", files("fixtures/**/secrets*.json"), b"\x01")
    + seed("account", files("fixtures/**/parameters*.json"), b"\x02")
    + seed("account", files("fixtures/**/*aliases*.json"), b"\x03")
    + seed("account", files("fixtures/**/*stack*.json"), b"\x04")
    + seed("account", files("fixtures/**/*secret-policy*.json"), b"\x05")
    + seed("account", files("fixtures/**/*key-policy*.json"), b"\x06")
    + seed("account", files(*POLICIES)[:20], b"\x07"),
    "denial": seed("denial", files("tests/field/messages/*.txt", "fixtures/**/*.txt")),
    "config": seed("config", files("fixtures/**/*.toml", "tests/data/*.toml", "fuzz/seeds/config/*")),
    "yaml": seed("yaml", files("tests/field/cloudformation/*.yaml", "fixtures/**/*.yaml", "fixtures/**/*.yml")),
    "cloudformation": seed(
        "cloudformation",
        files("tests/field/cloudformation/*.yaml", "tests/field/cloudformation/*.json", "fixtures/**/*template*"),
    ),
    "terraform": seed("terraform", files("tests/field/terraform/*.json", "fixtures/**/*plan*.json")),
    "hcl": seed("hcl", files("tests/field/terraform-hcl/**/*.tf", "fixtures/**/*.tf")),
}
for target, n in counts.items():
    total = len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", target)))
    print(f"{target}: {n} added, {total} in the corpus")
