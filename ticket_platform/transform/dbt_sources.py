"""Every table dbt reads as a source, created empty if missing, so a build never fails for want
of a load that has not happened yet (no lifecycle events, no feedback, no routes)."""

from __future__ import annotations

from ticket_platform.warehouse.session import WarehouseSession


def ensure_dbt_sources(session: WarehouseSession) -> None:
    from ticket_platform.evaluation.store import ensure_evaluation_tables
    from ticket_platform.ingest.events import ensure_event_tables
    from ticket_platform.ingest.tickets import ensure_tables
    from ticket_platform.routing.store import ensure_routing_tables

    ensure_tables(session)
    ensure_event_tables(session)
    ensure_evaluation_tables(session)
    ensure_routing_tables(session)
