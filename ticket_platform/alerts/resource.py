"""The alert resource: where alerts go and where their audit rows are written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pydantic import Field

from ticket_platform.alerts.audit import ensure_alert_tables
from ticket_platform.alerts.channels import Channel, channels_from_settings
from ticket_platform.settings import AlertSettings
from ticket_platform.warehouse.resource import WarehouseResource
from ticket_platform.warehouse.session import WarehouseSession, duckdb_session


class AlertResource(dg.ConfigurableResource):
    """SNS and/or Slack when configured, else a local JSON-lines log (``TICKET_ALERT_*``)."""

    sns_topic_arn: str | None = Field(default=None, description="SNS topic ARN (prod)")
    slack_webhook_url: str | None = Field(default=None, description="Slack incoming webhook")
    log_path: str = Field(description="The local alert log, used when no other channel is set")
    audit_database: str | None = Field(
        default=None,
        description="DuckDB file of the audit table (local); unset: ops.alert_log in the warehouse",
    )
    ui_url: str = Field(default="http://127.0.0.1:3000", description="Dagster UI for links")
    min_severity: str = Field(
        default="warning", description="warning: every failed check alerts; error: ERROR only"
    )

    @classmethod
    def from_settings(cls, settings: AlertSettings) -> AlertResource:
        return cls(
            sns_topic_arn=settings.sns_topic_arn,
            slack_webhook_url=settings.slack_webhook_url,
            log_path=str(settings.log_path),
            audit_database=str(settings.audit_database) if settings.audit_database else None,
            ui_url=settings.ui_url,
            min_severity=settings.min_severity,
        )

    def wants(self, severity: str) -> bool:
        """Whether an alert of this severity is sent (``critical`` and ``error`` always are)."""
        return self.min_severity != "error" or severity != "warning"

    def channels(self) -> list[Channel]:
        return channels_from_settings(
            AlertSettings(
                sns_topic_arn=self.sns_topic_arn,
                slack_webhook_url=self.slack_webhook_url,
                log_path=Path(self.log_path),
            )
        )

    @contextmanager
    def audit(
        self, warehouse: WarehouseResource, lock_wait_seconds: float = 15
    ) -> Iterator[WarehouseSession]:
        """A session on the audit table, created if missing."""
        if self.audit_database:
            context = duckdb_session(self.audit_database, lock_wait_seconds=lock_wait_seconds)
        else:
            context = warehouse.session(lock_wait_seconds=lock_wait_seconds)
        with context as session:
            ensure_alert_tables(session)
            yield session
