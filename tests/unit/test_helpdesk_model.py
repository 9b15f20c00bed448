"""The help desk model (a ticket's Zendesk-like conversation) and the offline Firehose writer."""

import csv
import gzip
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache

import orjson

from ticket_platform.contracts import LifecycleEvent, parse_stream_event
from ticket_platform.ingest.landing import LocalLanding
from ticket_platform.routing.teams import PRODUCT_TEAMS_CSV, product_teams, team_of
from ticket_platform.settings import PROJECT_ROOT
from ticket_platform_demo.simulator.event_lake import EventLakeWriter, encode_record
from ticket_platform_demo.simulator.helpdesk import HelpDesk, HelpdeskModel, helpdesk_events
from ticket_platform_demo.simulator.helpdesk_hours import StaffedHours

SUBMITTED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday
LAST_FRIDAY_AFTERNOON = SUBMITTED + timedelta(days=11, hours=4)  # simulated_batch's last Friday
FAR_FUTURE = datetime(2030, 1, 1, tzinfo=UTC)
MILESTONES_CSV = PROJECT_ROOT / "dbt_project" / "seeds" / "lifecycle_milestones.csv"
STAFFED = HelpdeskModel().staffed_hours
PRIORITIES = ("HIGH", "MEDIUM", "NORMAL", "NORMAL")
SENTIMENTS = ("NEGATIVE", "NEUTRAL", "NEUTRAL", "POSITIVE", "MIXED")


def ticket(
    number: int,
    priority: str = "NORMAL",
    sentiment: str = "NEUTRAL",
    product: str = "Amazon RDS",
    submitted_at: datetime = SUBMITTED,
) -> dict:
    return {
        "ticket_id": f"T-{number}",
        "priority": priority,
        "sentiment": sentiment,
        "product": product,
        "submitted_at": submitted_at,
        "processed_at": submitted_at + timedelta(seconds=8),
    }


def batch(count: int, days: float, seed: int = 3) -> list[dict]:
    """``count`` tickets over ``days``, in submission order, across every product."""
    rng = random.Random(seed)
    products = sorted(product_teams())
    at, tickets = SUBMITTED, []
    for number in range(count):
        at += timedelta(seconds=rng.expovariate(count / (days * 86_400)))
        tickets.append(
            ticket(
                number,
                rng.choice(PRIORITIES),
                rng.choice(SENTIMENTS),
                rng.choice(products),
                at,
            )
        )
    return tickets


def run(tickets: list[dict], *, seed: int = 7, now: datetime = FAR_FUTURE) -> dict[str, list]:
    desk = HelpDesk(seed=seed, now=now)
    return {t["ticket_id"]: desk.events(t) for t in tickets}


@cache
def simulated_batch() -> tuple[list[dict], dict[str, list], datetime]:
    tickets = batch(3000, days=14)
    now = SUBMITTED + timedelta(days=14)
    return tickets, run(tickets, now=now), now


def lifecycle_rules() -> dict[str, dict[str, str]]:
    with MILESTONES_CSV.open(newline="") as handle:
        return {row["milestone"]: row for row in csv.DictReader(handle)}


def anomalies(t: dict, events: list[dict]) -> list[str]:
    """fct_ticket_milestones' flags: a prerequisite missing or later, a one-time repeat."""
    rules = lifecycle_rules()
    first = {  # what the workflow put on the stream before the help desk's events
        "SUBMITTED": t["submitted_at"],
        "SENTIMENT_SCORED": t["processed_at"],
        "RESPONSE_GENERATED": t["processed_at"] + timedelta(seconds=3),
        "STORED": t["processed_at"] + timedelta(seconds=4),
    }
    for event in events:
        first.setdefault(str(LifecycleEvent.model_validate(event).milestone), event["occurredAt"])
    seen: Counter[str] = Counter()
    found = []
    for event in events:
        milestone = str(LifecycleEvent.model_validate(event).milestone)
        seen[milestone] += 1
        prerequisite = rules[milestone]["prerequisite_milestone"]
        if prerequisite and (
            prerequisite not in first or first[prerequisite] > event["occurredAt"]
        ):
            found.append(f"{event['eventId']}: {prerequisite} missing or later")
        if seen[milestone] > 1 and rules[milestone]["is_repeatable"] != "true":
            found.append(f"{event['eventId']}: repeated")
    return found


def status_at_end(events: list[dict]) -> str:
    """Zendesk's status after the events (stg_ticket_events' rules)."""
    status = "new"
    for event in events:
        name = event["eventName"]
        if name in ("TicketAssigned", "TicketReopened"):
            status = "open"
        elif name == "TicketStatusChanged":
            status = event["data"]["status"]
        elif name == "TicketResolved":
            status = "solved"
    return status


# -- one ticket ----------------------------------------------------------------------------------
def test_events_are_contract_valid_ordered_and_assigned_to_the_owning_team():
    events = helpdesk_events(ticket(1), seed=7, now=FAR_FUTURE)

    parsed = [parse_stream_event(encode_record(e)) for e in events]
    assigned = [e for e in parsed if e.eventName == "TicketAssigned"]
    assert len(assigned) == 1
    assert assigned[0].data["team"] == team_of("Amazon RDS") == "databases"
    times = [e.occurredAt for e in parsed]
    assert times == sorted(times) and times[0] > SUBMITTED
    assert len({e.eventId for e in parsed}) == len(parsed)


def test_same_seed_same_events_and_nothing_after_now():
    assert helpdesk_events(ticket(2), seed=7, now=FAR_FUTURE) == helpdesk_events(
        ticket(2), seed=7, now=FAR_FUTURE
    )
    just_after = SUBMITTED + timedelta(minutes=1)
    assert helpdesk_events(ticket(2), seed=7, now=just_after) == []
    tickets = batch(300, days=3)
    assert run(tickets) == run(tickets)
    assert run(tickets) != run(tickets, seed=8)


def test_a_cut_at_now_keeps_exactly_the_events_up_to_now():
    tickets, events, now = simulated_batch()
    whole = run(tickets, now=FAR_FUTURE)
    assert events == {
        ticket_id: [e for e in life if e["occurredAt"] <= now] for ticket_id, life in whole.items()
    }
    assert any(e["occurredAt"] > now for life in whole.values() for e in life)


# -- the batch: contract, lifecycle and ids ------------------------------------------------------
def test_every_event_is_contract_valid_anomaly_free_with_unique_ids():
    tickets, events, _ = simulated_batch()
    ids = Counter()
    for t in tickets:
        for event in events[t["ticket_id"]]:
            parse_stream_event(encode_record(event))
            ids[event["eventId"]] += 1
        assert anomalies(t, events[t["ticket_id"]]) == [], t["ticket_id"]
    assert ids and max(ids.values()) == 1


def test_a_requester_reply_on_a_pending_ticket_reopens_it_at_the_same_instant():
    _, events, _ = simulated_batch()
    checked = 0
    for life in events.values():
        status = "new"
        for index, event in enumerate(life):
            if event["eventName"] == "RequesterReplied" and status == "pending":
                following = life[index + 1]
                assert following["eventName"] == "TicketStatusChanged"
                assert following["data"]["status"] == "open"
                assert following["data"]["agent"] is None
                assert following["occurredAt"] == event["occurredAt"]
                checked += 1
            status = status_at_end(life[: index + 1])
    assert checked > 300


# -- the shape of the queue ----------------------------------------------------------------------
def test_solves_by_touches_look_like_a_support_desk():
    tickets, events, _ = simulated_batch()
    touches = Counter()
    for life in events.values():
        if status_at_end(life) == "solved":
            replies = sum(e["eventName"] == "AgentReplied" for e in life)
            touches["multi" if replies > 2 else replies] += 1
    solved = sum(touches.values())
    shares = {kind: count / solved for kind, count in touches.items()}
    assert 0.10 < shares[0] < 0.25  # the AI draft alone
    assert 0.30 < shares[1] < 0.50
    assert 0.15 < shares[2] < 0.32
    assert 0.10 < shares["multi"] < 0.30
    # ``now`` is a Monday 09:00: the weekend's MEDIUM and NORMAL tickets wait for the desk to
    # open, so count the tickets submitted before the last Friday's afternoon.
    before_weekend = [t for t in tickets if t["submitted_at"] < LAST_FRIDAY_AFTERNOON]
    solved_before = [t for t in before_weekend if status_at_end(events[t["ticket_id"]]) == "solved"]
    assert 0.8 < len(solved_before) / len(before_weekend) < 0.97


def test_tickets_wait_in_every_status_at_the_end():
    _, events, _ = simulated_batch()
    statuses = Counter(status_at_end(life) for life in events.values())
    assert {"new", "open", "pending", "on_hold", "solved"} <= set(statuses)
    names = Counter(e["eventName"] for life in events.values() for e in life)
    assert names["TicketReopened"] > 0.04 * len(events)
    assert names["InternalNoteAdded"] > 0.2 * len(events)
    assert 0.45 * names["TicketResolved"] < names["SatisfactionRated"] < names["TicketResolved"]


def test_reassignments_move_misrouted_products_and_name_the_team_they_left():
    tickets, events, _ = simulated_batch()
    misrouted = dict(HelpdeskModel().misrouted_products)
    moved = Counter()
    for t in tickets:
        hops = [e for e in events[t["ticket_id"]] if e["eventName"] == "TicketReassigned"]
        moved[t["product"] in misrouted, bool(hops)] += 1
        for hop in hops:
            assert hop["data"]["from_team"] == team_of(t["product"]) != hop["data"]["team"]
            if t["product"] in misrouted:
                assert hop["data"]["team"] == misrouted[t["product"]]
    rate_misrouted = moved[True, True] / (moved[True, True] + moved[True, False])
    rate_other = moved[False, True] / (moved[False, True] + moved[False, False])
    assert rate_misrouted > 3 * rate_other > 0


def test_a_loaded_team_replies_later_and_passes_more_tickets_on():
    def first_reply_hours_and_moves(load: int) -> tuple[float, int]:
        waits, moves = [], 0
        for number in range(600):
            # MEDIUM, submitted on a Monday at 09:00: both waits mostly end the same day (a wait
            # past 17:00 moves to the next morning, which would cap it in business time).
            life = helpdesk_events(ticket(number, "MEDIUM"), seed=1, now=FAR_FUTURE, team_load=load)
            replies = [e["occurredAt"] for e in life if e["eventName"] == "AgentReplied"]
            if replies:  # in staffed hours, as the business clock of the SLA counts it
                waits.append(STAFFED.working_time(SUBMITTED, replies[0]).total_seconds() / 3600)
            moves += any(e["eventName"] == "TicketReassigned" for e in life)
        return sorted(waits)[len(waits) // 2], moves

    idle_wait, idle_moves = first_reply_hours_and_moves(0)
    busy_wait, busy_moves = first_reply_hours_and_moves(48)
    assert busy_wait > 1.6 * idle_wait
    assert busy_moves > idle_moves + 15


def test_the_desk_counts_each_teams_open_tickets():
    desk = HelpDesk(seed=7, now=FAR_FUTURE)
    assert desk.load("databases", SUBMITTED) == 0
    for number in range(5):
        desk.events(ticket(number))
    assert desk.load("databases", SUBMITTED + timedelta(seconds=1)) == 5
    assert desk.load("compute", SUBMITTED + timedelta(seconds=1)) == 0
    assert desk.load("databases", FAR_FUTURE) <= 1  # solved by then, unless never solved


def test_high_priority_is_answered_and_solved_faster():
    def hours(priority: str, name: str) -> float:
        out = []
        for number in range(400):
            life = helpdesk_events(ticket(number, priority), seed=1, now=FAR_FUTURE)
            times = [e["occurredAt"] for e in life if e["eventName"] == name]
            if times:
                out.append((times[0] - SUBMITTED).total_seconds() / 3600)
        return sorted(out)[len(out) // 2]

    assert hours("HIGH", "AgentReplied") < hours("NORMAL", "AgentReplied") / 4
    assert hours("HIGH", "TicketResolved") < hours("NORMAL", "TicketResolved") / 3


AGENT_EVENTS = {"TicketAssigned", "TicketReassigned", "AgentReplied", "InternalNoteAdded"}


def agent_events(life: list[dict]) -> list[dict]:
    """A person's actions: assignments, replies, notes, solves and status changes by an agent."""
    return [
        e
        for e in life
        if e["eventName"] in AGENT_EVENTS | {"TicketResolved"}
        or (e["eventName"] == "TicketStatusChanged" and e["data"]["agent"] is not None)
    ]


def test_medium_and_normal_tickets_are_worked_in_staffed_hours_only():
    tickets, events, _ = simulated_batch()
    checked, openings = 0, Counter()
    for t in tickets:
        if t["priority"] == "HIGH":
            continue
        for event in agent_events(events[t["ticket_id"]]):
            at = event["occurredAt"]
            assert STAFFED.is_staffed(at), (t["ticket_id"], event["eventName"], at)
            assert at.isoweekday() <= 5 and 9 <= at.hour < 17  # the dbt vars' defaults, UTC
            checked += 1
            openings[at.hour, at.minute] += 1
    assert checked > 5000
    assert openings[9, 0] < 0.01 * checked  # a morning queue, not a pile at 09:00 sharp


def test_staffed_hours_close_on_weekends_and_the_seeds_holidays():
    friday_evening = datetime(2025, 12, 19, 17, 0, tzinfo=UTC)
    assert not STAFFED.is_staffed(friday_evening)
    assert STAFFED.next_staffed(friday_evening) == datetime(2025, 12, 22, 9, 0, tzinfo=UTC)
    christmas_eve = datetime(2025, 12, 24, 18, 0, tzinfo=UTC)  # Christmas Day is in the seed
    assert STAFFED.next_staffed(christmas_eve) == datetime(2025, 12, 26, 9, 0, tzinfo=UTC)
    noon = datetime(2025, 12, 23, 12, 0, tzinfo=UTC)
    assert STAFFED.next_staffed(noon) == noon
    assert STAFFED.working_time(friday_evening, noon) == timedelta(hours=8 + 3)
    new_york = StaffedHours(timezone="America/New_York", holidays=frozenset())
    assert new_york.next_staffed(noon) == datetime(2025, 12, 23, 14, 0, tzinfo=UTC)


def test_high_tickets_are_worked_around_the_clock_by_the_on_call_rotation():
    tickets, events, _ = simulated_batch()
    high = [
        e["occurredAt"]
        for t in tickets
        if t["priority"] == "HIGH"
        for e in agent_events(events[t["ticket_id"]])
    ]
    at_night = [at for at in high if at.hour < 7 or at.hour >= 20]
    on_weekends = [at for at in high if at.isoweekday() >= 6]
    assert len(at_night) > 0.1 * len(high)
    assert len(on_weekends) > 0.1 * len(high)


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
    assert PRODUCT_TEAMS_CSV.exists()


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
