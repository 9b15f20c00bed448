"""Routing rows in the warehouse: training tickets and corrections out, predictions and model
versions in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from ticket_platform.ingest.tickets_sql import TICKETS_TABLE
from ticket_platform.routing import sql
from ticket_platform.routing.dataset import Correction
from ticket_platform.warehouse.session import (
    WarehouseSession,
    in_transaction,
    replace_rows,
    run_in_transaction,
)

_TICKET_FIELDS = ("ticket_id", "submitted_at", "subject", "description", "product")


def ensure_routing_tables(session: WarehouseSession) -> None:
    run_in_transaction(session, sql.create_routing_tables_sql(session.dialect))


def training_tickets(session: WarehouseSession, max_rows: int) -> list[dict]:
    """The newest ``max_rows`` staged tickets, plus every older ticket an analyst corrected."""
    fields = ", ".join(_TICKET_FIELDS)
    newest = session.query(
        f"select {fields} from {TICKETS_TABLE} order by submitted_at desc, ticket_id "
        f"limit {int(max_rows)}"
    )
    corrected = session.query(
        f"select {fields} from {TICKETS_TABLE} t where exists "
        f"(select 1 from {sql.FEEDBACK_TABLE} f where f.ticket_id = t.ticket_id)"
    )
    rows = {row[0]: dict(zip(_TICKET_FIELDS, row, strict=True)) for row in (*newest, *corrected)}
    return list(rows.values())


def corrections(session: WarehouseSession) -> list[Correction]:
    return [
        Correction(*row)
        for row in session.query(
            f"select ticket_id, correct_team, corrected_by, corrected_at, _loaded_at "
            f"from {sql.FEEDBACK_TABLE}"
        )
    ]


def partition_tickets(session: WarehouseSession, day: date) -> list[tuple[str, str, str]]:
    """(ticket_id, subject, description) of every staged ticket of one partition."""
    return session.query(
        f"select ticket_id, subject, description from {TICKETS_TABLE} "
        f"where _partition_date = {session.param} order by ticket_id",
        [day],
    )


def write_routes(session: WarehouseSession, rows: Sequence[dict]) -> int:
    """Replace the stored predictions of these (ticket, model version) keys in one transaction."""
    return replace_rows(
        session, sql.ROUTES_TABLE, sql.ROUTE_KEY, sql.ROUTE_COLUMNS, rows, batch=sql.ROUTING_BATCH
    )


def unrouted_count(session: WarehouseSession, days: Sequence[date], model_version: str) -> int:
    """Staged tickets of the days without a prediction of ``model_version``."""
    if not days:
        return 0
    marks = ", ".join([session.param] * len(days))
    return int(
        session.query(
            f"select count(*) from {TICKETS_TABLE} t where t._partition_date in ({marks}) "
            f"and not exists (select 1 from {sql.ROUTES_TABLE} r where r.ticket_id = t.ticket_id "
            f"and r.model_version = {session.param})",
            [*days, model_version],
        )[0][0]
    )


def record_model_version(session: WarehouseSession, row: dict) -> None:
    replace_rows(
        session,
        sql.MODEL_VERSIONS_TABLE,
        ("model_version",),
        sql.MODEL_VERSION_COLUMNS,
        [row],
        batch=sql.ROUTING_BATCH,
    )


def mark_promoted(
    session: WarehouseSession, version: str, promoted_at: datetime, decision: str
) -> None:
    """The version becomes ``promoted`` and the previously promoted one ``retired``, together."""
    p, table = session.param, sql.MODEL_VERSIONS_TABLE

    def work() -> None:
        session.execute(
            f"update {table} set status = 'retired' "
            f"where status = 'promoted' and model_version <> {p}",
            [version],
        )
        session.execute(
            f"update {table} set status = 'promoted', promoted_at = {p}, decision = {p} "
            f"where model_version = {p}",
            [promoted_at, decision[:4000], version],
        )

    in_transaction(session, work)
