"""Every table dbt reads as a source, created empty if missing, so a build never fails for want
of a load that has not happened yet (no lifecycle events, no feedback, no routes).

The landing and feedback sensors read these tables' ledgers on every tick but never create them;
``ticket-platform init`` (``create_dbt_sources``) does, once, before the daemon starts, and so
does every load and dbt build (``ensure_dbt_sources``).
"""

from __future__ import annotations

from ticket_platform.warehouse.session import WarehouseSession

SOURCE_SCHEMAS = ("raw", "evaluation", "routing")


def ensure_dbt_sources(session: WarehouseSession) -> None:
    from ticket_platform.evaluation.store import ensure_evaluation_tables
    from ticket_platform.ingest.events import ensure_event_tables
    from ticket_platform.ingest.tickets import ensure_tables
    from ticket_platform.routing.store import ensure_routing_tables

    ensure_tables(session)
    ensure_event_tables(session)
    ensure_evaluation_tables(session)
    ensure_routing_tables(session)


def source_tables(session: WarehouseSession) -> set[str]:
    """The ``schema.table`` names that exist in the source schemas (information schema)."""
    marks = ", ".join([session.param] * len(SOURCE_SCHEMAS))
    rows = session.query(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema in ({marks})",
        SOURCE_SCHEMAS,
    )
    return {f"{schema}.{table}" for schema, table in rows}


def create_dbt_sources(session: WarehouseSession) -> tuple[list[str], list[str]]:
    """``ensure_dbt_sources``, reporting (tables created now, tables that already existed)."""
    before = source_tables(session)
    ensure_dbt_sources(session)
    after = source_tables(session)
    return sorted(after - before), sorted(before & after)
