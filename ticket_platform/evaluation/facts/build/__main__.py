"""Rebuild the fact base's generated files and its manifest.

    python -m ticket_platform.evaluation.facts.build [--awscli-python PATH]

* ``data/aws_cli.json.gz``: the AWS CLI command tree, dumped by ``cli_tree.py`` under a Python
  with ``awscli`` (default ``.venv-tools/awscli/bin/python``, made by ``make fact-base``; awscli
  pins its own botocore, so it lives outside the project's environment);
* ``data/cloudwatch_metrics.json``: aws-cdk-lib's canned metrics (``cdk_metrics.py``);
* ``data/MANIFEST.json``: each file's source, version and build date, and the compiled date of
  the hand-compiled ``data/aws_docs.yaml`` (which this build validates but does not change).
"""

import argparse
import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from ticket_platform.evaluation.facts.build.cdk_metrics import canned_metrics

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
DEFAULT_AWSCLI_PYTHON = Path(".venv-tools/awscli/bin/python")
_SERVICE_KEYS = {"names", "cli", "metrics", "namespaces", "log_segments", "log_groups",
                 "console_pages", "features", "related", "components", "cross_cutting", "sources"}  # fmt: skip


def validate_docs(path: Path) -> list[str]:
    """Problems in the hand-compiled file: unknown keys, missing names or sources, dangling
    ``related`` or ``components`` keys."""
    docs = yaml.safe_load(path.read_text(encoding="utf-8"))
    services = docs.get("services") or {}
    problems = []
    for key, row in services.items():
        if unknown := set(row) - _SERVICE_KEYS:
            problems.append(f"{key}: unknown keys {sorted(unknown)}")
        if not row.get("names"):
            problems.append(f"{key}: no names")
        if not row.get("sources"):
            problems.append(f"{key}: no sources")
        for field in ("related", "components"):
            for other in row.get(field, []):
                if other not in services:
                    problems.append(f"{key}: {field} service {other!r} is not in the file")
    for other in docs.get("supporting_services", []):
        if other not in services:
            problems.append(f"supporting service {other!r} is not in the file")
    own = {ns for row in services.values() for ns in row.get("namespaces", [])}
    for namespace in docs.get("other_namespaces", []):
        if not isinstance(namespace, str) or not namespace.strip():
            problems.append(f"other_namespaces: {namespace!r} is not a namespace")
        elif namespace in own:
            problems.append(f"other_namespaces: {namespace} is a service's namespace already")
    return problems


def build(awscli_python: Path) -> dict:
    if not awscli_python.exists():
        sys.exit(f"{awscli_python} not found: run `make fact-base` (it installs awscli there)")
    tree = subprocess.run(
        [str(awscli_python), str(HERE / "cli_tree.py")], check=True, capture_output=True
    ).stdout
    cli = json.loads(tree)
    (DATA / "aws_cli.json.gz").write_bytes(gzip.compress(tree, compresslevel=9, mtime=0))
    metrics = canned_metrics()
    (DATA / "cloudwatch_metrics.json").write_text(
        json.dumps(metrics, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    if problems := validate_docs(DATA / "aws_docs.yaml"):
        sys.exit("aws_docs.yaml: " + "; ".join(problems))
    docs = yaml.safe_load((DATA / "aws_docs.yaml").read_text(encoding="utf-8"))
    manifest = {
        "built_at": datetime.now(UTC).date().isoformat(),
        "aws_cli.json.gz": {
            "source": "awscli command table (botocore service models + CLI customizations)",
            "awscli": cli["awscli"],
            "botocore": cli["botocore"],
            "services": len(cli["services"]),
            "commands": sum(len(c) for c in cli["services"].values()),
        },
        "cloudwatch_metrics.json": {
            "source": metrics["source"],
            "namespaces": len(metrics["namespaces"]),
            "metrics": sum(len(m) for m in metrics["namespaces"].values()),
        },
        "aws_docs.yaml": {
            "source": "compiled by hand from the AWS documentation pages listed per service",
            "compiled": str(docs["compiled"]),
            "services": len(docs["services"]),
            "other_namespaces": len(docs.get("other_namespaces", [])),
        },
    }
    (DATA / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awscli-python", type=Path, default=DEFAULT_AWSCLI_PYTHON)
    manifest = build(parser.parse_args().awscli_python)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
