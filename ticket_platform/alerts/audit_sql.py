"""SQL for the alert audit table ``ops.alert_log``, per engine (DuckDB, PostgreSQL, Redshift).

One row per delivery attempt of one alert to one channel. A ``dedupe_key`` with at least one
``sent`` row has been delivered and is never sent again.
"""

from __future__ import annotations

from ticket_platform.warehouse.sql import Dialect, columns_ddl

OPS_SCHEMA = "ops"
ALERT_LOG_TABLE = f"{OPS_SCHEMA}.alert_log"

# Redshift sizes varchar in bytes; ``audit.delivery_row`` trims text to these limits.
TEXT_LIMITS: dict[str, int] = {
    "alert_id": 64,
    "dedupe_key": 1024,
    "kind": 32,
    "severity": 16,
    "title": 1024,
    "reason": 4096,
    "details": 65535,
    "link": 2048,
    "channel": 32,
    "recipient": 2048,
    "status": 16,
    "error": 4096,
    "run_id": 64,
}
_NOT_NULL = {"alert_id", "dedupe_key", "kind", "severity", "title", "channel", "status"}

ALERT_LOG_TYPES: dict[str, str] = {
    **{
        name: f"varchar({limit})" + (" not null" if name in _NOT_NULL else "")
        for name, limit in TEXT_LIMITS.items()
        if name != "run_id"
    },
    "occurred_at": "timestamp not null",
    "sent_at": "timestamp not null",  # when the attempt ended (UTC)
    "run_id": "varchar(64)",
}
ALERT_LOG_COLUMNS: tuple[str, ...] = tuple(ALERT_LOG_TYPES)
assert set(TEXT_LIMITS) <= set(ALERT_LOG_TYPES)


def create_alert_tables_sql(dialect: Dialect) -> list[str]:
    """Idempotent DDL for the ``ops`` schema and the audit table."""
    tail = "\ndiststyle all sortkey (sent_at)" if dialect == "redshift" else ""
    return [
        f"create schema if not exists {OPS_SCHEMA}",
        f"create table if not exists {ALERT_LOG_TABLE} (\n    {columns_ddl(ALERT_LOG_TYPES)}\n)"
        + tail,
    ]


def sent_keys_sql(param: str, count: int) -> str:
    """The distinct keys among ``count`` parameters that have a ``sent`` row."""
    marks = ", ".join([param] * count)
    return (
        f"select distinct dedupe_key from {ALERT_LOG_TABLE} "
        f"where status = 'sent' and dedupe_key in ({marks})"
    )


def recent_alerts_sql(param: str) -> str:
    return (
        f"select {', '.join(ALERT_LOG_COLUMNS)} from {ALERT_LOG_TABLE} "
        f"order by sent_at desc, alert_id, channel limit {param}"
    )
