"""The one environment switch, read at call time (never at import).

``TICKET_PLATFORM_ENV=local`` (default) runs everything on one machine: a landing folder, a DuckDB
warehouse file and dbt's ``local`` target. ``TICKET_PLATFORM_ENV=prod`` reads tickets from S3,
loads Redshift and runs dbt's ``prod`` target. Every other variable refines one of those two.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = PROJECT_ROOT / ".data"

Environment = Literal["local", "prod"]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class RedshiftSettings:
    host: str
    port: int
    database: str
    user: str
    password: str | None
    iam_role_arn: str
    staging_uri: str  # s3://bucket/prefix for COPY batches


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
    redshift: RedshiftSettings | None = field(default=None)

    @property
    def is_local(self) -> bool:
        return self.env == "local"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _float(name: str, default: float, low: float, high: float) -> float:
    raw = _env(name)
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
    env = (_env("TICKET_PLATFORM_ENV", "local") or "local").lower()
    if env not in ("local", "prod"):
        raise SettingsError(f"TICKET_PLATFORM_ENV must be 'local' or 'prod', not {env!r}")
    data_dir = Path(_env("TICKET_DATA_DIR", str(DEFAULT_DATA_DIR))).expanduser().resolve()
    landing_default = str(data_dir / "landing") if env == "local" else None
    landing_uri = _env("TICKET_LANDING_URI", landing_default)
    if landing_uri is None:
        raise SettingsError("TICKET_PLATFORM_ENV=prod needs TICKET_LANDING_URI=s3://bucket/prefix")
    if not landing_uri.startswith("s3://"):
        landing_uri = str(Path(landing_uri).expanduser().resolve())

    redshift = None
    if env == "prod":
        redshift = RedshiftSettings(
            host=_required("TICKET_REDSHIFT_HOST"),
            port=int(_env("TICKET_REDSHIFT_PORT", "5439")),
            database=_env("TICKET_REDSHIFT_DATABASE", "dev"),
            user=_required("TICKET_REDSHIFT_USER"),
            password=_env("TICKET_REDSHIFT_PASSWORD"),
            iam_role_arn=_required("TICKET_REDSHIFT_IAM_ROLE_ARN"),
            staging_uri=_required("TICKET_REDSHIFT_STAGING_URI"),
        )
    return Settings(
        env=env,  # type: ignore[arg-type]
        data_dir=data_dir,
        landing_uri=landing_uri,
        warehouse_path=Path(_env("TICKET_WAREHOUSE_PATH", str(data_dir / "warehouse.duckdb")))
        .expanduser()
        .resolve(),
        dbt_target=_env("TICKET_DBT_TARGET", "local" if env == "local" else "prod"),
        aws_region=_env("AWS_REGION", _env("AWS_DEFAULT_REGION")),
        s3_endpoint_url=_env("TICKET_S3_ENDPOINT_URL"),
        max_quarantine_rate=_float("TICKET_MAX_QUARANTINE_RATE", 0.05, 0.0, 1.0),
        partitions_start=_env("TICKET_PARTITIONS_START", "2025-01-01"),
        read_workers=int(
            _env("TICKET_READ_WORKERS", "32" if landing_uri.startswith("s3://") else "1")
        ),
        redshift=redshift,
    )


def _required(name: str) -> str:
    value = _env(name)
    if value is None:
        raise SettingsError(f"TICKET_PLATFORM_ENV=prod needs {name}")
    return value
