"""The production instance's variables, read from ``deploy/dagster.yaml`` at synth time.

The run launcher copies each name of its ``env_vars`` list from the daemon into every run's task
definition, so each must be set on the daemon (and the webserver and code server, which open the
same instance). Reading the list here keeps the stack and the file from drifting.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from infra_cdk.bundling import REPO_ROOT

INSTANCE_YAML = REPO_ROOT / "deploy" / "dagster.yaml"


def instance_env_vars(path: Path = INSTANCE_YAML) -> tuple[str, ...]:
    """The names under ``run_launcher.config.env_vars`` of the production instance."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = document["run_launcher"]["config"]["env_vars"]
    if not names or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{path}: run_launcher.config.env_vars must be a list of names")
    return tuple(names)


def instance_secret_names(path: Path = INSTANCE_YAML) -> tuple[str, ...]:
    """The variables the launcher injects into runs as ECS secrets (``secrets[].name``)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(entry["name"] for entry in document["run_launcher"]["config"]["secrets"])


def instance_environment(known: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    """Every name of the instance's ``env_vars`` (an empty value is the platform's default): the
    values the stack knows, then the team's ``batchEnvironment``. A name the file does not list
    is refused: a run would not receive it."""
    names = instance_env_vars()
    unknown = sorted(set(known) - set(names))
    if unknown:
        raise ValueError(f"deploy/dagster.yaml's env_vars no longer name {unknown}")
    not_listed = sorted(set(extra) - set(names))
    if not_listed:
        raise ValueError(
            f"batchEnvironment names {not_listed}, not in deploy/dagster.yaml's env_vars (a run "
            "would not receive them)"
        )
    values = {**known, **extra}
    return {name: values.get(name, "") for name in names}
