"""Deliver alerts once: skip problems already delivered, try every channel, audit every attempt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ticket_platform.alerts.alert import Alert
from ticket_platform.alerts.audit import delivery_row, record_deliveries, sent_keys
from ticket_platform.alerts.channels import Channel, DeliveryError
from ticket_platform.warehouse.session import WarehouseSession


@dataclass(frozen=True)
class DispatchReport:
    """Counts are of alerts: ``sent`` reached at least one channel, ``failed`` reached none (and
    will be retried by the next call), ``skipped_duplicates`` were delivered before or repeated
    in the batch. ``deliveries`` are the audit rows written, one per (alert, channel)."""

    sent: int = 0
    failed: int = 0
    skipped_duplicates: int = 0
    deliveries: list[dict[str, Any]] = field(default_factory=list)


def notify(
    session: WarehouseSession,
    alerts: Sequence[Alert],
    channels: Sequence[Channel],
    run_id: str | None = None,
) -> DispatchReport:
    """Send each new alert to every channel and record each attempt in ``ops.alert_log``.

    A channel that fails (``DeliveryError`` or anything else) is recorded as ``failed`` and never
    stops the other channels or alerts. Warehouse errors (reading sent keys, writing the audit
    rows) do propagate: without the audit the dedupe cannot work.
    """
    if not channels:
        raise ValueError("notify needs at least one channel (see alert_channels)")
    done = sent_keys(session, {alert.dedupe_key for alert in alerts})
    fresh: list[Alert] = []
    for alert in alerts:
        if alert.dedupe_key not in done:
            done.add(alert.dedupe_key)  # a repeat within the batch is a duplicate too
            fresh.append(alert)

    rows: list[dict[str, Any]] = []
    sent = 0
    for alert in fresh:
        delivered = False
        for channel in channels:
            error = _send(channel, alert)
            delivered = delivered or error is None
            rows.append(
                delivery_row(
                    alert,
                    channel.name,
                    channel.recipient,
                    "sent" if error is None else "failed",
                    error=error,
                    run_id=run_id,
                    sent_at=datetime.now(UTC),
                )
            )
        sent += delivered
    record_deliveries(session, rows)
    return DispatchReport(
        sent=sent,
        failed=len(fresh) - sent,
        skipped_duplicates=len(alerts) - len(fresh),
        deliveries=rows,
    )


def _send(channel: Channel, alert: Alert) -> str | None:
    """None when delivered, else the error message."""
    try:
        channel.send(alert)
    except DeliveryError as error:
        return str(error)
    except Exception as error:  # a channel bug must not cost the other channels their alert
        return f"{type(error).__name__}: {error}"
    return None
