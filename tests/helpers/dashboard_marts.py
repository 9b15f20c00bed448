"""Hand-written marts with the columns the support dashboard reads (tests/integration/
test_dashboard.py), on any warehouse session: the ticket and evaluation marts, and the support
marts (ticket_summary, daily_backlog, ticket_breakdowns, sla_events, daily_backlog_by_age,
ticket_status_counts) with or without the conversation KPIs of newer warehouses."""

from __future__ import annotations

from datetime import date

from ticket_platform.evaluation.rubric import RUBRIC_VERSION
from ticket_platform.reports.dashboard_data import BACKLOG_COUNTS

D1, D2 = date(2025, 8, 8), date(2025, 8, 9)
COUNTS = (
    "evaluated_count, contextual_relevance_passed_count, technical_accuracy_passed_count, "
    "professional_tone_passed_count, actionable_guidance_passed_count, all_criteria_passed_count"
)
# the KPI columns of ticket_summary and ticket_breakdowns the dashboard reads, in this order
KPIS = (
    "ticket_count bigint, median_first_response_minutes double precision, "
    "median_resolution_minutes double precision, sla_breach_rate double precision, "
    "reopen_rate double precision, csat double precision, escalation_rate double precision, "
    "judge_pass_rate double precision"
)
# ticket_summary's conversation KPIs (a newer warehouse): first agent reply, requester wait,
# one-touch and AI-draft-accepted resolution
CONVERSATION_KPIS = (
    "median_first_agent_reply_minutes double precision, "
    "median_requester_wait_minutes double precision, "
    "one_touch_resolution_rate double precision, ai_draft_accepted_rate double precision"
)
SLA_ROWS = [  # (metric, sla_status) of sla_events rows: the clocks the dashboard counts
    *[("first_response", "achieved")] * 3,
    ("first_response", "breached"),
    *[("resolution", "active")] * 2,
    ("resolution", "achieved"),
    ("agent_first_reply", "breached"),
    ("agent_first_reply", "achieved"),
    ("custom_metric", "active"),
]
# daily_backlog_by_age rows: day, team, priority, age bucket and its order, backlog, and the
# new / open / pending / on_hold counts
BACKLOG_BY_AGE_ROWS = [
    (D1, "compute", "HIGH", "<1d", 1, 3, 1, 2, 0, 0),
    (D2, "compute", "HIGH", "1-3d", 2, 2, 0, 1, 1, 0),
    (D2, "compute", "NORMAL", "<1d", 1, 1, 1, 0, 0, 0),
    (D2, "storage", "HIGH", ">14d", 5, 4, 0, 1, 2, 1),
    (D2, None, "MEDIUM", "<1d", 1, 1, 1, 0, 0, 0),
]
# ticket_status_counts rows: status, priority, team, tickets
STATUS_COUNT_ROWS = [
    ("new", "HIGH", "compute", 1),
    ("open", "HIGH", "compute", 2),
    ("open", "HIGH", "storage", 3),
    ("pending", None, "storage", 1),
    ("solved", "NORMAL", "compute", 7),
]


def _insert(session, table: str, columns: str, rows: list[tuple]) -> None:
    session.execute(f"create table marts.{table} ({columns})")
    for row in rows:
        placeholders = ", ".join([session.param] * len(row))
        session.execute(f"insert into marts.{table} values ({placeholders})", row)


def ticket_marts(session) -> None:
    """daily_ticket_volume (10 tickets, 3 processing SLA breaches) and the judges' pass rates."""
    session.begin()
    session.execute("create schema if not exists marts")
    _insert(
        session,
        "daily_ticket_volume",
        "submitted_date date, product varchar(64), priority varchar(16), sentiment varchar(16), "
        "ticket_count integer, processing_sla_breached_count integer",
        [
            (D1, "EC2", "HIGH", "NEGATIVE", 2, 1),
            (D1, "S3", "NORMAL", "NEUTRAL", 3, 0),
            (D2, "EC2", "HIGH", "POSITIVE", 5, 2),
        ],
    )
    rows = [
        ("rules:rules-v1", "product", "EC2", 7, 7, 7, 3, 6, 3),
        ("rules:rules-v1", "product", "S3", 3, 3, 3, 3, 3, 3),
        ("rules:rules-v1", "overall", "all", 10, 10, 10, 6, 9, 6),
        ("other:judge", "overall", "all", 2, 2, 2, 2, 2, 2),
        ("other:judge", "product", "EC2", 2, 2, 2, 2, 2, 2),
    ]
    _insert(
        session,
        "evaluation_daily_pass_rates",
        "submitted_date date, judge varchar(64), rubric_version varchar(64), "
        "dimension varchar(32), dimension_value varchar(64), "
        f"{', '.join(c + ' integer' for c in COUNTS.split(', '))}",
        [(D1, judge, RUBRIC_VERSION, dim, value, *counts) for judge, dim, value, *counts in rows],
    )
    session.commit()


def support_marts(session, *, empty: bool = False, conversation: bool = True) -> None:
    """The support marts the dashboard reads, with rows unless ``empty``; ticket_summary has the
    conversation KPIs when ``conversation`` (the marts of a newer warehouse), and
    daily_backlog_by_age and ticket_status_counts exist only then."""
    summary_rows = [
        ("all_time", 10, 42.0, 390.0, 0.25, 0.1, 0.8, 0.3, 0.6),
        ("last_30_days", 10, 42.0, 390.0, 0.25, 0.1, 0.8, 0.3, 0.6),
        ("last_7_days", 4, 0.5, 4320.0, 0.5, None, None, 0.25, 0.5),
    ]
    conversation_values = {
        "all_time": (95.0, 1500.0, 0.4, 0.125),
        "last_30_days": (95.0, 1500.0, 0.4, 0.125),
        "last_7_days": (None, None, None, None),
    }
    summary_columns = f"summary_period varchar(16), {KPIS}"
    if conversation:
        summary_columns += f", {CONVERSATION_KPIS}"
        summary_rows = [(*row, *conversation_values[row[0]]) for row in summary_rows]
    tables = {
        "ticket_summary": (summary_columns, summary_rows),
        "daily_backlog": (
            f"backlog_date date, is_business_day boolean, "
            f"{', '.join(c + ' bigint' for c in BACKLOG_COUNTS)}",
            # created, solved, open HIGH, MEDIUM, NORMAL, all open
            [(D1, True, 5, 1, 2, 1, 1, 4), (D2, False, 5, 3, 3, 2, 1, 6)],
        ),
        "ticket_breakdowns": (
            f"dimension varchar(32), dimension_value varchar(64), {KPIS}",
            # products with 1..17 tickets (the 15 busiest are shown), a team and a priority
            [
                ("product", f"P{n:02d}", n, 1.0, 60.0 * n, n / 100, 0.0, 0.5, 0.0, None)
                for n in range(1, 18)
            ]
            + [
                ("team", "compute", 10, 2.0, 45.0, 0.2, 0.1, 0.9, 0.7, 0.75),
                ("priority", "HIGH", 99, 2.0, 45.0, 0.2, 0.1, 0.9, 0.7, 0.75),
            ],
        ),
        "sla_events": (
            "ticket_id varchar(32), metric varchar(32), sla_status varchar(16)",
            [(f"T{n}", metric, status) for n, (metric, status) in enumerate(SLA_ROWS)],
        ),
    }
    if conversation:
        tables["daily_backlog_by_age"] = (
            "backlog_date date, team varchar(64), priority varchar(16), age_bucket varchar(8), "
            "age_bucket_order integer, backlog_count bigint, status_new_count bigint, "
            "status_open_count bigint, status_pending_count bigint, status_on_hold_count bigint",
            BACKLOG_BY_AGE_ROWS,
        )
        tables["ticket_status_counts"] = (
            "helpdesk_status varchar(16), priority varchar(16), team varchar(64), "
            "ticket_count bigint",
            STATUS_COUNT_ROWS,
        )
    session.begin()
    for name, (columns, rows) in tables.items():
        _insert(session, name, columns, [] if empty else rows)
    session.commit()
