"""A freshness policy turning WARN or FAIL becomes an alert; turning PASS does not."""

from types import SimpleNamespace

import dagster as dg

from ticket_platform.alerts.sensors import freshness_alert


def _record(new: str, previous: str = "PASS", storage_id: int = 7):
    change = SimpleNamespace(
        key=dg.AssetKey(["marts", "fct_tickets"]),
        new_state=SimpleNamespace(value=new),
        previous_state=SimpleNamespace(value=previous),
        state_change_timestamp=1_754_700_000.0,
    )
    entry = SimpleNamespace(dagster_event=SimpleNamespace(event_specific_data=change))
    return SimpleNamespace(event_log_entry=entry, storage_id=storage_id)


def test_fail_and_warn_alert_with_their_severity():
    fail = freshness_alert(_record("FAIL"), "http://ui")
    assert (fail.kind, fail.severity) == ("freshness", "error")
    assert fail.title == "marts/fct_tickets is stale (FAIL)"
    assert fail.link == "http://ui/assets/marts/fct_tickets"
    assert fail.dedupe_key == "freshness:marts/fct_tickets:7"
    assert freshness_alert(_record("WARN"), "http://ui").severity == "warning"


def test_recovery_is_not_an_alert():
    assert freshness_alert(_record("PASS", previous="FAIL"), "http://ui") is None
