"""The help desk model and the offline Firehose writer of the simulator."""

import gzip
from collections import Counter
from datetime import UTC, datetime, timedelta

import orjson

from ticket_platform.contracts import LifecycleEvent
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing.teams import product_teams, team_of
from ticket_platform_demo.simulator.event_lake import EventLakeWriter, encode_record
from ticket_platform_demo.simulator.helpdesk import helpdesk_events

SUBMITTED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
FAR_FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


def ticket(number: int, priority: str = "NORMAL", sentiment: str = "NEUTRAL") -> dict:
    return {
        "ticket_id": f"T-{number}",
        "priority": priority,
        "sentiment": sentiment,
        "product": "Amazon RDS",
        "submitted_at": SUBMITTED,
        "processed_at": SUBMITTED + timedelta(seconds=8),
    }


def test_events_are_contract_valid_ordered_and_assigned_to_the_owning_team():
    events = helpdesk_events(ticket(1), seed=7, now=FAR_FUTURE)

    parsed = [LifecycleEvent.model_validate(e) for e in events]
    assert parsed[0].eventName == "TicketAssigned"
    assert parsed[0].data["team"] == team_of("Amazon RDS") == "databases"
    times = [e.occurredAt for e in parsed]
    assert times == sorted(times) and times[0] > SUBMITTED
    assert len({e.eventId for e in parsed}) == len(parsed)


def test_same_seed_same_events_and_nothing_after_now():
    assert helpdesk_events(ticket(2), seed=7, now=FAR_FUTURE) == helpdesk_events(
        ticket(2), seed=7, now=FAR_FUTURE
    )
    just_after = SUBMITTED + timedelta(minutes=1)
    assert helpdesk_events(ticket(2), seed=7, now=just_after) == []


def test_high_priority_is_handled_faster_and_the_queue_looks_real():
    def hours_to_resolve(priority: str) -> list[float]:
        out = []
        for number in range(400):
            resolved = [
                e["occurredAt"]
                for e in helpdesk_events(ticket(number, priority), seed=1, now=FAR_FUTURE)
                if e["eventName"] == "TicketResolved"
            ]
            if resolved:
                out.append((resolved[0] - SUBMITTED).total_seconds() / 3600)
        return sorted(out)

    high, normal = hours_to_resolve("HIGH"), hours_to_resolve("NORMAL")
    assert high[len(high) // 2] < normal[len(normal) // 2] / 4
    assert 0.05 < sum(h > 4 for h in high) / len(high) < 0.5  # some HIGH tickets breach 4 h

    kinds = Counter(
        e["eventName"]
        for number in range(1000)
        for e in helpdesk_events(ticket(number), seed=3, now=FAR_FUTURE)
    )
    assert kinds["TicketAssigned"] == 1000
    assert 950 < kinds["TicketResolved"] - kinds["TicketReopened"] < 1000  # a few never resolve
    assert 40 < kinds["TicketReopened"] < 130
    assert 500 < kinds["SatisfactionRated"] < 700


def test_negative_tickets_rate_lower():
    def mean_rating(sentiment: str) -> float:
        ratings = [
            e["data"]["rating"]
            for number in range(600)
            for e in helpdesk_events(ticket(number, sentiment=sentiment), seed=5, now=FAR_FUTURE)
            if e["eventName"] == "SatisfactionRated"
        ]
        return sum(ratings) / len(ratings)

    assert mean_rating("NEGATIVE") < mean_rating("POSITIVE") - 0.5


def test_every_catalog_product_has_a_team():
    from ticket_platform_demo.synthetic.catalog import PRODUCTS

    assert {p.name for p in PRODUCTS} <= set(product_teams())


def test_event_lake_writes_gzip_json_lines_by_hour_and_rewrites_in_place(tmp_path):
    landing = LocalLanding(tmp_path)
    events = helpdesk_events(ticket(1), seed=7, now=FAR_FUTURE)

    def write() -> list[str]:
        writer = EventLakeWriter(landing, run_tag="sim-s7")
        for event in events:
            writer.add(encode_record(event), event["occurredAt"])
        return writer.flush()

    keys = write()
    assert all(k.startswith("events/2025/03/") and k.endswith(".jsonl.gz") for k in keys)
    lines = [
        orjson.loads(line)
        for key in keys
        for line in gzip.decompress(landing.read(key)).splitlines()
    ]
    assert sorted(e["eventId"] for e in lines) == sorted(e["eventId"] for e in events)
    assert lines[0]["occurredAt"].endswith("Z")
    assert write() == keys  # same run, same objects: nothing added
    assert len(list(landing.list("events/"))) == len(keys)
