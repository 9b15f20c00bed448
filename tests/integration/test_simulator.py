"""``ticket-platform simulate``: the real-time path offline, feeding the batch platform."""

import gzip
from collections import Counter
from datetime import date

import orjson
import pytest

from ticket_platform.contracts import LifecycleEvent, ProcessedTicket, parse_stream_event
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.ingest.tickets import discover_days, load_partition
from ticket_platform.warehouse.duckdb_engine import duckdb_session
from ticket_platform_demo.simulator.local_aws import SqliteTicketTable
from ticket_platform_demo.simulator.responder import TemplateResponder
from ticket_platform_demo.simulator.sentiment import default_analyzer
from ticket_platform_demo.simulator.simulate import (
    Simulator,
    end_of_day,
    simulate,
    submitted_events,
)
from ticket_platform_demo.synthetic import generate_tickets

FIRST, LAST = date(2025, 3, 3), date(2025, 3, 7)
TICKETS = 120


def run(tmp_path, tickets: int = TICKETS):
    landing = LocalLanding(tmp_path / "landing")
    table = SqliteTicketTable(tmp_path / "lifecycle.sqlite")
    simulator = Simulator(
        landing,
        table,
        analyzer=default_analyzer(),
        responder=TemplateResponder(),
        seed=11,
        now=end_of_day(LAST),
        run_tag="s11-o0",
    )
    events = submitted_events(generate_tickets(tickets, 11, FIRST, LAST))
    report = simulate(simulator, events, chunk=50)
    return landing, table, report


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("simulated")
    landing, table, report = run(tmp_path)
    yield tmp_path, landing, table, report
    table.close()


def test_every_ticket_goes_through_the_workflow_and_lands_contract_valid(simulated):
    _, landing, _, report = simulated

    assert report.executions == {"succeeded": TICKETS}
    assert report.trigger == {"started": TICKETS}
    keys = [o.key for o in landing.list("tickets/")]
    assert len(keys) == TICKETS == report.tickets_written
    tickets = [ProcessedTicket.model_validate_json(landing.read(k)) for k in keys]
    assert {t.record_source for t in tickets} == {"simulated"}
    assert all(t.target_sentiment for t in tickets)  # the generator's truth is kept
    assert report.alerts == sum(t.priority == "HIGH" for t in tickets) > 0
    assert report.backends["sentiment"] == "offline-vader-support/1"


def test_every_stream_record_reaches_the_lake_and_the_lifecycle_table(simulated):
    _, landing, table, report = simulated

    lake = [
        orjson.loads(line)
        for obj in landing.list("events/")
        for line in gzip.decompress(landing.read(obj.key)).splitlines()
    ]
    assert len(lake) == report.stream_records == report.lifecycle["recorded"]
    kinds = Counter(e["eventName"] for e in lake)
    assert kinds["TicketSubmitted"] == kinds["TicketStored"] == TICKETS
    assert kinds["TicketEscalated"] == report.alerts
    assert kinds["TicketAssigned"] > 0 and kinds["TicketResolved"] > 0
    for event in lake:
        parse_stream_event(event)  # every record is contract-valid
    history_rows = table.count("ticket_table", "sk like 'EVENT#%'")
    assert history_rows == len(lake)
    states = Counter(
        orjson.loads(item)["status"]
        for (item,) in table.db.execute("select item from ticket_table where sk = 'STATE'")
    )
    assert sum(states.values()) == TICKETS
    assert states["resolved"] > TICKETS / 2


def test_lifecycle_history_is_in_workflow_order(simulated):
    _, landing, table, _ = simulated
    ticket_id = next(landing.list("tickets/")).key.rsplit("ticket_", 1)[1].removesuffix(".json")

    milestones = [item["milestone"] for item in table.history(ticket_id)]
    assert milestones[:5] == [
        "SUBMITTED",
        "SENTIMENT_SCORED",
        "RESPONSE_GENERATED",
        "STORED",
        *(["ESCALATED"] if "ESCALATED" in milestones else ["ASSIGNED"]),
    ]


def test_output_loads_through_ingest_with_nothing_quarantined(simulated, tmp_path):
    _, landing, _, _ = simulated
    days, strays = discover_days(landing)

    assert strays == [] and days == [date(2025, 3, d) for d in range(3, 8)]
    with duckdb_session(tmp_path / "warehouse.duckdb") as session:
        reports = [load_partition(landing, session, day) for day in days]
    assert sum(r.rows_inserted for r in reports) == TICKETS
    assert sum(r.rows_quarantined for r in reports) == 0


def test_running_the_same_simulation_again_adds_nothing(tmp_path):
    landing, table, _ = run(tmp_path, tickets=30)
    objects = sorted((o.key, o.etag) for o in landing.list(""))
    table.close()

    landing, table, again = run(tmp_path, tickets=30)

    assert again.tickets_written == 0 and again.tickets_unchanged == 30
    assert again.lifecycle["duplicate"] == again.stream_records
    assert sorted(o.key for o in landing.list("")) == [key for key, _ in objects]
    history = table.count("ticket_table", "sk like 'EVENT#%'")
    assert history == again.stream_records
    table.close()


def test_help_desk_events_validate_as_lifecycle_events(simulated):
    _, landing, _, _ = simulated
    helpdesk = [
        orjson.loads(line)
        for obj in landing.list("events/")
        for line in gzip.decompress(landing.read(obj.key)).splitlines()
        if b'"helpdesk"' in line
    ]
    assert helpdesk
    assert all(LifecycleEvent.model_validate(e).source == "helpdesk" for e in helpdesk)
