"""The support lead's dashboard, rendered from the marts after each dbt build."""

from datetime import UTC, datetime

import dagster as dg

from ticket_platform.ingest.resources import LandingResource
from ticket_platform.pools import writer_pool
from ticket_platform.reports.dashboard_data import load_dashboard_data
from ticket_platform.reports.dashboard_render import render_dashboard
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.assets import SUPPORT_DASHBOARD
from ticket_platform.warehouse.resource import WarehouseResource

DASHBOARD_KEY = "reports/support_dashboard.html"
MARTS_READ = [
    dg.AssetKey(["marts", name])
    for name in (
        "daily_ticket_volume",
        "evaluation_daily_pass_rates",
        "ticket_summary",
        "daily_backlog",
        "ticket_breakdowns",
        "sla_events",
        "daily_backlog_by_age",
        "ticket_status_counts",
    )
]


def build_dashboard_asset(settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=SUPPORT_DASHBOARD,
        deps=MARTS_READ,
        group_name="reports",
        kinds={"html", "plotly"},
        owners=["team:analytics-engineering"],
        pool=writer_pool(settings),
        description=(
            "One self-contained HTML page for a support lead (opens offline): headline help-desk "
            "KPIs, all time and last 7 days (first response, which is the AI draft, and a "
            "person's first reply; resolution and requester wait; SLA breach, reopen, one-touch "
            "and AI-draft-accepted resolution, CSAT and escalation rates), the open backlog by "
            "priority with tickets created and solved per day, by help-desk status per day and by "
            "team and age today, tickets now by status and priority, every help-desk SLA clock by "
            "metric and outcome, SLA, resolution and CSAT by team and product, tickets per day by "
            "priority, processing SLA breaches (fct_tickets' own deadline, not the help-desk "
            "SLAs), sentiment share per day, and the judge's pass rate by product and criterion. "
            f"Written to `{DASHBOARD_KEY}` in the lake (the landing folder locally, the bucket in "
            "prod). A chart without data is a note saying so, never a flat line; support marts "
            "an older warehouse lacks show as 'no data yet'."
        ),
    )
    def support_dashboard(
        landing: LandingResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        with warehouse.session() as session:
            data = load_dashboard_data(session)
        store = landing.get_landing()
        store.write(DASHBOARD_KEY, render_dashboard(data, datetime.now(UTC)).encode())
        return dg.MaterializeResult(
            metadata={
                "page": dg.MetadataValue.path(f"{store.uri}/{DASHBOARD_KEY}"),
                "tickets": dg.MetadataValue.int(data.tickets),
                "processing_sla_breach_rate": dg.MetadataValue.float(
                    data.processing_sla_breach_rate or 0.0
                ),
                "judge_pass_rate": dg.MetadataValue.float(data.judge_pass_rate or 0.0),
                "judge": dg.MetadataValue.text(data.judge or "none"),
                "helpdesk_sla_breach_rate": dg.MetadataValue.float(
                    data.kpi("sla_breach_rate") or 0.0
                ),
                "csat": dg.MetadataValue.float(data.kpi("csat") or 0.0),
                "open_backlog": dg.MetadataValue.int(
                    data.backlog[max(data.backlog)]["open_count"] if data.backlog else 0
                ),
                # medians only when known (no ticket answered yet: no number, not a 0)
                **{
                    label: dg.MetadataValue.float(value)
                    for label, value in (
                        ("median_ai_draft_minutes", data.kpi("median_first_response_minutes")),
                        (
                            "median_first_agent_reply_minutes",
                            data.kpi("median_first_agent_reply_minutes"),
                        ),
                    )
                    if value is not None
                },
            }
        )

    return support_dashboard


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[build_dashboard_asset(get_settings())])
