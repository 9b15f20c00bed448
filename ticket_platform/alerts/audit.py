"""The alert audit trail in the warehouse: what was sent where, and which problems are done.

The alert sensors read it on every tick that has alerts to send, so reading never creates it:
``ticket-platform init`` does, or else the first write. Until then a read finds nothing sent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

from ticket_platform.alerts import audit_sql as sql
from ticket_platform.alerts.alert import Alert
from ticket_platform.warehouse.errors import is_missing_relation, query_or_empty
from ticket_platform.warehouse.session import (
    WarehouseSession,
    in_transaction,
    run_in_transaction,
)

KEYS_PER_QUERY = 500  # keeps the IN list (and the parameter count) bounded


def ensure_alert_tables(session: WarehouseSession) -> None:
    """Create the ``ops`` schema and ``ops.alert_log`` if they do not exist."""
    run_in_transaction(session, sql.create_alert_tables_sql(session.dialect))


def audit_table_exists(session: WarehouseSession) -> bool:
    """Whether ``ops.alert_log`` exists (the information schema every engine has)."""
    schema, table = sql.ALERT_LOG_TABLE.split(".")
    [(count,)] = session.query(
        "select count(*) from information_schema.tables "
        f"where table_schema = {session.param} and table_name = {session.param}",
        [schema, table],
    )
    return bool(count)


def delivery_row(
    alert: Alert,
    channel: str,
    recipient: str,
    status: Literal["sent", "failed"],
    error: str | None = None,
    run_id: str | None = None,
    sent_at: datetime | None = None,
) -> dict[str, Any]:
    """One row of ``ops.alert_log``: timestamps as naive UTC, text trimmed to the column sizes."""
    row: dict[str, Any] = {
        "alert_id": alert.alert_id,
        "dedupe_key": alert.dedupe_key,
        "kind": alert.kind,
        "severity": alert.severity,
        "title": alert.title,
        "reason": alert.reason,
        "details": orjson.dumps(alert.details).decode(),
        "link": alert.link,
        "channel": channel,
        "recipient": recipient,
        "status": status,
        "error": error,
        "occurred_at": _naive_utc(alert.occurred_at),
        "sent_at": _naive_utc(sent_at or datetime.now(UTC)),
        "run_id": run_id,
    }
    if len(row["details"].encode()) > sql.TEXT_LIMITS["details"]:
        # Keep the column valid JSON: a trimmed preview (JSON escaping at most doubles its size).
        preview = _fit(row["details"], sql.TEXT_LIMITS["details"] // 2 - 64)
        row["details"] = orjson.dumps({"_truncated": preview}).decode()
    for name, limit in sql.TEXT_LIMITS.items():
        if row[name] is not None:
            row[name] = _fit(row[name], limit)
    return row


def record_deliveries(session: WarehouseSession, rows: Sequence[dict[str, Any]]) -> int:
    """Append delivery rows (see ``delivery_row``) in one transaction; returns the count.
    The first write to a warehouse where ``ticket-platform init`` has not run creates the table."""
    if not rows:
        return 0
    try:
        _append(session, rows)
    except Exception as error:
        if not is_missing_relation(error):
            raise
        ensure_alert_tables(session)
        _append(session, rows)
    return len(rows)


def _append(session: WarehouseSession, rows: Sequence[dict[str, Any]]) -> None:
    # A tick's deliveries (alerts x channels) are few: on Redshift one multi-row INSERT, and a
    # COPY through the staging prefix only if a burst outgrows that (``redshift_fill_method``).
    in_transaction(
        session, lambda: session.fill_batch(sql.ALERT_LOG_TABLE, sql.ALERT_LOG_COLUMNS, list(rows))
    )


def sent_keys(session: WarehouseSession, dedupe_keys: Collection[str]) -> set[str]:
    """The keys among ``dedupe_keys`` that at least one channel has delivered (none while the
    audit table does not exist)."""
    wanted = sorted(set(dedupe_keys))
    found: set[str] = set()
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start : start + KEYS_PER_QUERY]
        statement = sql.sent_keys_sql(session.param, len(chunk))
        found.update(key for (key,) in query_or_empty(session, statement, chunk))
    return found


def recent_alerts(session: WarehouseSession, limit: int = 50) -> list[dict[str, Any]]:
    """The latest delivery rows, newest first, as dicts (``details`` parsed back from JSON)."""
    rows = session.query(sql.recent_alerts_sql(session.param), [int(limit)])
    out = []
    for values in rows:
        row = dict(zip(sql.ALERT_LOG_COLUMNS, values, strict=True))
        row["details"] = orjson.loads(row["details"]) if row["details"] else {}
        out.append(row)
    return out


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (Redshift's varchar unit), marked with …."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"
