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


JudgeKind = Literal["rules", "bedrock", "langchain"]
JUDGE_KINDS: tuple[str, ...] = ("rules", "bedrock", "langchain")


@dataclass(frozen=True)
class JudgeSettings:
    """The response judge (``TICKET_JUDGE*``); see the README's configuration table."""

    kind: JudgeKind = "rules"
    model_id: str | None = None  # bedrock: model or inference profile; langchain: recorded id
    temperature: float = 0.0
    concurrency: int = 16
    max_calls: int | None = None
    max_cost_usd: float | None = None
    chat_model: str | None = None  # langchain: "module:ClassName"
    chat_model_kwargs: str = "{}"  # langchain: JSON keyword arguments of the class
    output: Literal["tool", "json"] = "tool"
    price_per_1k: str | None = None  # "<input>,<output>" USD per 1,000 tokens
    reference: str | None = None  # a human-labelled reference file for calibration
    min_agreement: float = 0.8  # calibration check: lowest acceptable agreement per criterion


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go (``TICKET_ALERT_*``). With neither SNS nor Slack set, they go to a local log."""

    sns_topic_arn: str | None = None
    slack_webhook_url: str | None = None
    log_path: Path = DEFAULT_DATA_DIR / "alerts" / "alerts.jsonl"
    # The audit table's own DuckDB file locally (kept apart from the single-writer warehouse so a
    # sensor never waits on a running load); None means the warehouse itself (prod).
    audit_database: Path | None = DEFAULT_DATA_DIR / "alerts" / "alerts.duckdb"
    ui_url: str = "http://127.0.0.1:3000"  # links in alerts point at this Dagster UI
    min_severity: Literal["warning", "error"] = "warning"  # failed WARN checks alert too


@dataclass(frozen=True)
class AutomationSettings:
    """The landing sensor and freshness targets (``TICKET_SENSOR_*``, ``TICKET_FRESHNESS_*``)."""

    lookback_days: int = 2  # days before yesterday the landing sensor still lists for late files
    sensor_interval_seconds: int = 15
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
    redshift: RedshiftSettings | None = field(default=None)
    judge: JudgeSettings = field(default_factory=JudgeSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    docs_uri: str | None = None  # s3://bucket/prefix the dbt docs site is published to
    automation: AutomationSettings = field(default_factory=AutomationSettings)
    routing: RoutingSettings = field(default_factory=RoutingSettings)

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
        judge=_judge_settings(env),
        alerts=_alert_settings(env, data_dir),
        docs_uri=_env("TICKET_DOCS_URI"),
        automation=_automation_settings(),
        routing=_routing_settings(),
    )


def _alert_settings(env: str, data_dir: Path) -> AlertSettings:
    audit_default = str(data_dir / "alerts" / "alerts.duckdb") if env == "local" else None
    audit = _env("TICKET_ALERT_AUDIT_DATABASE", audit_default)
    return AlertSettings(
        sns_topic_arn=_env("TICKET_ALERT_SNS_TOPIC_ARN"),
        slack_webhook_url=_env("TICKET_ALERT_SLACK_WEBHOOK_URL"),
        log_path=Path(_env("TICKET_ALERT_LOG", str(data_dir / "alerts" / "alerts.jsonl")))
        .expanduser()
        .resolve(),
        audit_database=Path(audit).expanduser().resolve() if audit else None,
        ui_url=(_env("TICKET_DAGSTER_UI_URL", "http://127.0.0.1:3000") or "").rstrip("/"),
        min_severity=_choice("TICKET_ALERT_MIN_SEVERITY", "warning", ("warning", "error")),
    )


def _choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (_env(name, default) or default).lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _automation_settings() -> AutomationSettings:
    return AutomationSettings(
        lookback_days=int(_float("TICKET_SENSOR_LOOKBACK_DAYS", 2, 0, 90)),
        sensor_interval_seconds=int(_float("TICKET_SENSOR_INTERVAL_SECONDS", 15, 5, 3600)),
        freshness_hours=_float("TICKET_FRESHNESS_HOURS", 26.0, 0.1, 24 * 30),
        staging_freshness_hours=_float("TICKET_STAGING_FRESHNESS_HOURS", 1.0, 0.05, 24 * 30),
    )


def _routing_settings() -> RoutingSettings:
    return RoutingSettings(
        retrain_after=int(_float("TICKET_ROUTING_RETRAIN_AFTER", 50, 1, 1e7)),
        max_training_rows=int(_float("TICKET_ROUTING_MAX_TRAINING_ROWS", 20_000, 100, 1e8)),
        holdout_share=_float("TICKET_ROUTING_HOLDOUT_SHARE", 0.2, 0.05, 0.5),
        promotion_tolerance=_float("TICKET_ROUTING_PROMOTION_TOLERANCE", 0.01, 0.0, 1.0),
    )


def _judge_settings(env: str) -> JudgeSettings:
    kind = (_env("TICKET_JUDGE", "rules" if env == "local" else "bedrock") or "").lower()
    if kind not in JUDGE_KINDS:
        raise SettingsError(f"TICKET_JUDGE must be one of {', '.join(JUDGE_KINDS)}, not {kind!r}")
    chat_model = _env("TICKET_JUDGE_CHAT_MODEL")
    if kind == "langchain" and chat_model is None:
        raise SettingsError(
            "TICKET_JUDGE=langchain needs TICKET_JUDGE_CHAT_MODEL=module:ClassName "
            "(e.g. langchain_openai:ChatOpenAI) and TICKET_JUDGE_CHAT_MODEL_KWARGS (JSON)"
        )
    output = (_env("TICKET_JUDGE_OUTPUT", "tool") or "tool").lower()
    if output not in ("tool", "json"):
        raise SettingsError(f"TICKET_JUDGE_OUTPUT must be 'tool' or 'json', not {output!r}")
    max_calls = _env("TICKET_JUDGE_MAX_CALLS")
    max_cost = _env("TICKET_JUDGE_MAX_COST_USD")
    return JudgeSettings(
        kind=kind,  # type: ignore[arg-type]
        model_id=_env("TICKET_JUDGE_MODEL"),
        temperature=_float("TICKET_JUDGE_TEMPERATURE", 0.0, 0.0, 2.0),
        concurrency=int(_float("TICKET_JUDGE_CONCURRENCY", 16, 1, 256)),
        max_calls=int(_float("TICKET_JUDGE_MAX_CALLS", 0, 0, 1e9)) if max_calls else None,
        max_cost_usd=_float("TICKET_JUDGE_MAX_COST_USD", 0.0, 0.0, 1e6) if max_cost else None,
        chat_model=chat_model,
        chat_model_kwargs=_env("TICKET_JUDGE_CHAT_MODEL_KWARGS", "{}") or "{}",
        output=output,  # type: ignore[arg-type]
        price_per_1k=_env("TICKET_JUDGE_PRICE_PER_1K"),
        reference=_env("TICKET_JUDGE_REFERENCE"),
        min_agreement=_float("TICKET_JUDGE_MIN_AGREEMENT", 0.8, 0.0, 1.0),
    )


def _required(name: str) -> str:
    value = _env(name)
    if value is None:
        raise SettingsError(f"TICKET_PLATFORM_ENV=prod needs {name}")
    return value
