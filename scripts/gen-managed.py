#!/usr/bin/env python3
"""Regenerate src/model/inventory/managed-policies.jsonl: the AWS managed policies ecslint knows
without being given them (a role in account details or a template that attaches one, its
document not included).

The documents come from the MAMIP snapshot in the field corpus
(tests/field/aws-managed/mamip.tar.gz: `git archive` of github.com/z0ph/MAMIP, which records every
AWS managed policy as `aws iam get-policy-version` returns it). Anyone can rerun this script:

    python3 scripts/gen-managed.py                      # from the corpus's snapshot
    python3 scripts/gen-managed.py --tarball FILE.tgz   # a newer `git archive` of MAMIP

It needs only Python's standard library. The list below is the policies ECS task and execution
roles attach in the field corpus and in AWS's ECS guides, and the broad ones people attach when a
task cannot read its secrets; add one by adding its ARN. One line per policy, sorted, so a diff
of a regeneration reads as "what AWS changed".
"""

import argparse
import io
import json
import pathlib
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "src/model/inventory/managed-policies.jsonl"
DEFAULT_TARBALL = ROOT / "tests/field/aws-managed/mamip.tar.gz"

ARNS = [
    "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceAutoscaleRole",
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess",
    "arn:aws:iam::aws:policy/AmazonECS_FullAccess",
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess",
    "arn:aws:iam::aws:policy/CloudWatchFullAccess",
    "arn:aws:iam::aws:policy/CloudWatchFullAccessV2",
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
    "arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3FullAccess",
    "arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonElasticFileSystemClientReadWriteAccess",
    "arn:aws:iam::aws:policy/AmazonElasticFileSystemClientFullAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=pathlib.Path, default=DEFAULT_TARBALL)
    args = parser.parse_args()
    with tarfile.open(args.tarball) as tar:
        lines = []
        for arn in sorted(ARNS):
            name = arn.rsplit("/", 1)[1]
            try:
                member = tar.extractfile(f"policies/{name}")
            except KeyError:
                print(f"{name}: not in {args.tarball}", file=sys.stderr)
                return 1
            version = json.load(io.TextIOWrapper(member, encoding="utf-8"))["PolicyVersion"]
            lines.append(json.dumps({
                "arn": arn,
                "version": version["VersionId"],
                "date": version["CreateDate"],
                "document": version["Document"],
            }, separators=(",", ":"), sort_keys=False))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} policies to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
