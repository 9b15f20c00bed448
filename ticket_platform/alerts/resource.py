"""The alert resource: where alerts go and where their audit rows are written.

Its fields are the alert configuration (``TICKET_ALERT_*``); ``from_env`` reads them. The Slack
webhook URL is a secret: it is passed as ``dg.EnvVar``, so Dagster resolves it when a run or a
sensor starts and the UI's resource page shows the variable's name, never the URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pydantic import Field

from ticket_platform.alerts.audit import audit_table_exists, ensure_alert_tables
from ticket_platform.alerts.audit_sql import ALERT_LOG_TABLE
from ticket_platform.alerts.channels import Channel, alert_channels
from ticket_platform.settings import Settings, env_choice, env_value
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform.warehouse.resource import WarehouseResource
from ticket_platform.warehouse.session import WarehouseSession

SLACK_WEBHOOK_VARIABLE = "TICKET_ALERT_SLACK_WEBHOOK_URL"


class AlertResource(dg.ConfigurableResource):
    """SNS and/or Slack when configured, else a local JSON-lines log (``TICKET_ALERT_*``)."""

    sns_topic_arn: str | None = Field(
        default=None, description="TICKET_ALERT_SNS_TOPIC_ARN: SNS topic ARN (prod)"
    )
    slack_webhook_url: str | None = Field(
        default=None,
        description=f"{SLACK_WEBHOOK_VARIABLE}: Slack incoming webhook (a secret: set it as an "
        "environment variable)",
    )
    log_path: str = Field(
        description="TICKET_ALERT_LOG: the local alert log, used when no other channel is set"
    )
    audit_database: str | None = Field(
        default=None,
        description="TICKET_ALERT_AUDIT_DATABASE: DuckDB file of the audit table (local); unset: "
        "ops.alert_log in the warehouse",
    )
    ui_url: str = Field(
        default="http://127.0.0.1:3000", description="TICKET_DAGSTER_UI_URL: links in alerts"
    )
    min_severity: str = Field(
        default="warning",
        description="TICKET_ALERT_MIN_SEVERITY: warning, every failed check alerts; error: "
        "ERROR only",
    )

    @classmethod
    def from_env(cls, settings: Settings) -> AlertResource:
        """Alerts as the ``TICKET_ALERT_*`` variables say; local files under the data dir."""
        data_dir = settings.data_dir
        audit_default = str(data_dir / "alerts" / "alerts.duckdb") if settings.is_local else None
        audit = env_value("TICKET_ALERT_AUDIT_DATABASE", audit_default)
        log = env_value("TICKET_ALERT_LOG", str(data_dir / "alerts" / "alerts.jsonl"))
        return cls(
            sns_topic_arn=env_value("TICKET_ALERT_SNS_TOPIC_ARN"),
            slack_webhook_url=(
                dg.EnvVar(SLACK_WEBHOOK_VARIABLE) if env_value(SLACK_WEBHOOK_VARIABLE) else None
            ),
            log_path=str(_path(log)),
            audit_database=str(_path(audit)) if audit else None,
            ui_url=(env_value("TICKET_DAGSTER_UI_URL", "http://127.0.0.1:3000") or "").rstrip("/"),
            min_severity=env_choice("TICKET_ALERT_MIN_SEVERITY", "warning", ("warning", "error")),
        )

    def wants(self, severity: str) -> bool:
        """Whether an alert of this severity is sent (``critical`` and ``error`` always are)."""
        return self.min_severity != "error" or severity != "warning"

    def channels(self) -> list[Channel]:
        return alert_channels(
            sns_topic_arn=self.sns_topic_arn,
            slack_webhook_url=self.slack_webhook_url,
            log_path=self.log_path,
        )

    @contextmanager
    def audit(
        self, warehouse: WarehouseResource, lock_wait_seconds: float = 15
    ) -> Iterator[WarehouseSession]:
        """A session on the audit table: the warehouse's, or the local ``audit_database``.

        It runs no DDL (the sensors open it on their ticks): the table is created by
        ``create_audit_table`` (``ticket-platform init``) or by the first write."""
        if self.audit_database:
            context = duckdb_session(self.audit_database, lock_wait_seconds=lock_wait_seconds)
        else:
            context = warehouse.session(lock_wait_seconds=lock_wait_seconds)
        with context as session:
            yield session

    def create_audit_table(self, warehouse: WarehouseResource) -> tuple[str, bool]:
        """Create the audit table if missing (idempotent): (where it lives, whether it was
        created now)."""
        with self.audit(warehouse, lock_wait_seconds=120) as session:
            existed = audit_table_exists(session)
            if not existed:
                ensure_alert_tables(session)
        where = (
            f"{self.audit_database}:{ALERT_LOG_TABLE}" if self.audit_database else ALERT_LOG_TABLE
        )
        return where, not existed


def _path(value: str) -> Path:
    return Path(value).expanduser().resolve()
