"""The one environment switch and the settings that are not resources, read at call time.

``TICKET_PLATFORM_ENV=local`` (default) runs everything on one machine: a landing folder, a DuckDB
warehouse file and dbt's ``local`` target. ``TICKET_PLATFORM_ENV=prod`` reads tickets from S3,
loads Redshift and runs dbt's ``prod`` target. Every other variable refines one of those two.

The judge, the alert channels and the Redshift connection are Dagster resources: their fields are
their definition and ``ticket_platform/resources.py`` builds them from the environment (with the
``env_*`` readers below, so a bad value is the same ``SettingsError``). Only what several
capabilities share (landing URI, warehouse file, region, read workers) or what is not a resource
(partitions, automation, routing, quarantine, calibration) is here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

_PACKAGE_DIR = Path(__file__).resolve().parent
# The folder holding dbt_project/: the repository in a checkout (editable install), the package
# itself when installed from the wheel, which carries the dbt project as ticket_platform/dbt_project
# (pyproject.toml maps the one copy in git there).
PROJECT_ROOT = _PACKAGE_DIR if (_PACKAGE_DIR / "dbt_project").is_dir() else _PACKAGE_DIR.parent
INSTALLED_FROM_WHEEL = PROJECT_ROOT == _PACKAGE_DIR
# Local data: the checkout's .data/, or .data/ in the working directory when installed (never
# site-packages). TICKET_DATA_DIR overrides both.
DEFAULT_DATA_DIR = Path(".data") if INSTALLED_FROM_WHEEL else PROJECT_ROOT / ".data"

Environment = Literal["local", "prod"]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


JUDGE_KINDS: tuple[str, ...] = ("rules", "bedrock", "langchain")


@dataclass(frozen=True)
class AutomationSettings:
    """The landing sensor and freshness targets (``TICKET_SENSOR_*``, ``TICKET_FRESHNESS_*``)."""

    lookback_days: int = 2  # days before yesterday the landing sensor still lists for late files
    sensor_interval_seconds: int = 15  # routing, evaluation and feedback sensors
    # The file-to-mart path: the landing sensors and the dbt automation sensor, whose ticks are
    # cheap (a listing and one ledger query; a condition evaluation of the dbt models). The
    # daemons loop every 5 s: 4 s ticks on every loop (5 s would tick on every other one when a
    # loop comes round a little early).
    hot_path_interval_seconds: int = 4
    freshness_hours: float = 26.0  # project-wide default: every asset updated within a day
    staging_freshness_hours: float = 1.0  # staging and fct_tickets in prod


@dataclass(frozen=True)
class RoutingSettings:
    """The routing model (``TICKET_ROUTING_*``); see the README's configuration table."""

    retrain_after: int = 50  # corrections loaded since the current model that trigger a retrain
    max_training_rows: int = 20_000  # newest tickets trained on (corrected ones always are)
    holdout_share: float = 0.2  # newest share of tickets held out to score the candidate
    promotion_tolerance: float = 0.01  # how much worse than the current model still promotes


@dataclass(frozen=True)
class Settings:
    env: Environment
    data_dir: Path
    landing_uri: str
    warehouse_path: Path
    dbt_target: str
    aws_region: str | None
    s3_endpoint_url: str | None
    max_quarantine_rate: float
    partitions_start: str
    read_workers: int
    # Worker processes parsing a large local load while the loading process writes (1: none).
    parse_processes: int = 1
    docs_uri: str | None = None  # s3://bucket/prefix the dbt docs site is published to
    automation: AutomationSettings = field(default_factory=AutomationSettings)
    routing: RoutingSettings = field(default_factory=RoutingSettings)
    judge_reference: str | None = None  # a human-labelled reference file for calibration
    judge_min_agreement: float = 0.8  # calibration check: lowest acceptable agreement

    @property
    def is_local(self) -> bool:
        return self.env == "local"


def env_value(name: str, default: str | None = None) -> str | None:
    """The variable's value; unset and empty are both ``default``."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_float(name: str, default: float, low: float, high: float) -> float:
    """A number within ``[low, high]``, else a ``SettingsError`` naming the variable."""
    raw = env_value(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise SettingsError(f"{name}={raw!r} is not a number") from error
    if not low <= value <= high:
        raise SettingsError(f"{name}={value} must be between {low} and {high}")
    return value


def get_settings() -> Settings:
    """Read the environment now and return the platform's settings."""
    env = (env_value("TICKET_PLATFORM_ENV", "local") or "local").lower()
    if env not in ("local", "prod"):
        raise SettingsError(f"TICKET_PLATFORM_ENV must be 'local' or 'prod', not {env!r}")
    data_dir = Path(env_value("TICKET_DATA_DIR", str(DEFAULT_DATA_DIR))).expanduser().resolve()
    landing_default = str(data_dir / "landing") if env == "local" else None
    landing_uri = env_value("TICKET_LANDING_URI", landing_default)
    if landing_uri is None:
        raise SettingsError("TICKET_PLATFORM_ENV=prod needs TICKET_LANDING_URI=s3://bucket/prefix")
    if not landing_uri.startswith("s3://"):
        landing_uri = str(Path(landing_uri).expanduser().resolve())

    return Settings(
        env=env,  # type: ignore[arg-type]
        data_dir=data_dir,
        landing_uri=landing_uri,
        warehouse_path=Path(env_value("TICKET_WAREHOUSE_PATH", str(data_dir / "warehouse.duckdb")))
        .expanduser()
        .resolve(),
        dbt_target=env_value("TICKET_DBT_TARGET", "local" if env == "local" else "prod"),
        aws_region=env_value("AWS_REGION", env_value("AWS_DEFAULT_REGION")),
        s3_endpoint_url=env_value("TICKET_S3_ENDPOINT_URL"),
        max_quarantine_rate=env_float("TICKET_MAX_QUARANTINE_RATE", 0.05, 0.0, 1.0),
        partitions_start=env_value("TICKET_PARTITIONS_START", "2025-01-01"),
        read_workers=int(
            env_value("TICKET_READ_WORKERS", "32" if landing_uri.startswith("s3://") else "1")
        ),
        parse_processes=int(env_float("TICKET_PARSE_PROCESSES", min(usable_cpus(), 8), 1, 64)),
        docs_uri=env_value("TICKET_DOCS_URI"),
        automation=_automation_settings(env),
        routing=_routing_settings(),
        judge_reference=env_value("TICKET_JUDGE_REFERENCE"),
        judge_min_agreement=env_float("TICKET_JUDGE_MIN_AGREEMENT", 0.8, 0.0, 1.0),
    )


def usable_cpus() -> int:
    """The processors this process may run on (``taskset``, a container's cpuset), not the
    machine's: workers beyond them would only take turns."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def env_choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (case-insensitive), else a ``SettingsError`` naming the variable."""
    value = (env_value(name, default) or default).lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _automation_settings(env: str) -> AutomationSettings:
    # Locally a hot-path tick is a folder listing and a DuckDB read. In production it is S3
    # LISTs and a warehouse read around the clock, so it keeps the 15 s of the other sensors
    # unless TICKET_HOT_PATH_INTERVAL_SECONDS says otherwise.
    hot_path_default = 4 if env == "local" else 15
    return AutomationSettings(
        lookback_days=int(env_float("TICKET_SENSOR_LOOKBACK_DAYS", 2, 0, 90)),
        sensor_interval_seconds=int(env_float("TICKET_SENSOR_INTERVAL_SECONDS", 15, 5, 3600)),
        hot_path_interval_seconds=int(
            env_float("TICKET_HOT_PATH_INTERVAL_SECONDS", hot_path_default, 1, 3600)
        ),
        freshness_hours=env_float("TICKET_FRESHNESS_HOURS", 26.0, 0.1, 24 * 30),
        staging_freshness_hours=env_float("TICKET_STAGING_FRESHNESS_HOURS", 1.0, 0.05, 24 * 30),
    )


def _routing_settings() -> RoutingSettings:
    return RoutingSettings(
        retrain_after=int(env_float("TICKET_ROUTING_RETRAIN_AFTER", 50, 1, 1e7)),
        max_training_rows=int(env_float("TICKET_ROUTING_MAX_TRAINING_ROWS", 20_000, 100, 1e8)),
        holdout_share=env_float("TICKET_ROUTING_HOLDOUT_SHARE", 0.2, 0.05, 0.5),
        promotion_tolerance=env_float("TICKET_ROUTING_PROMOTION_TOLERANCE", 0.01, 0.0, 1.0),
    )


def env_required(name: str) -> str:
    """A variable production cannot run without."""
    value = env_value(name)
    if value is None:
        raise SettingsError(f"TICKET_PLATFORM_ENV=prod needs {name}")
    return value
