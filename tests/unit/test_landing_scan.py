"""The landing sensor's decisions as plain functions: which days, which files, which run key."""

from datetime import UTC, date, datetime

from ticket_platform.ingest.landing import LandingObject, LocalLanding
from ticket_platform.ingest.landing_scan import (
    DayScan,
    compare_with_ledger,
    days_to_scan,
    list_days,
    pending_files,
)

DAY = date(2025, 8, 8)


def _obj(key: str, etag: str = "e1") -> LandingObject:
    return LandingObject(key=key, etag=etag, size=2, last_modified=datetime(2025, 8, 8, tzinfo=UTC))


def test_days_to_scan_are_today_yesterday_and_the_lookback():
    assert days_to_scan(date(2025, 3, 1), 2) == [
        date(2025, 2, 26),
        date(2025, 2, 27),
        date(2025, 2, 28),
        date(2025, 3, 1),
    ]
    assert days_to_scan(date(2025, 3, 1), 0) == [date(2025, 2, 28), date(2025, 3, 1)]


def test_pending_files_compare_key_and_etag():
    listed = [_obj("a"), _obj("b"), _obj("c", "e2")]
    loaded = {("a", "e1"), ("c", "e1")}
    assert [o.key for o in pending_files(listed, loaded)] == ["b", "c"]


def test_run_key_depends_on_the_pending_set_not_its_order():
    one = DayScan(DAY, 3, (_obj("a"), _obj("b")))
    same = DayScan(DAY, 3, (_obj("b"), _obj("a")))
    rewritten = DayScan(DAY, 3, (_obj("a"), _obj("b", "e9")))
    assert one.run_key == same.run_key
    assert one.run_key != rewritten.run_key
    assert one.run_key.startswith("ingest:2025-08-08:2:")


def test_list_days_and_compare_with_the_ledger(tmp_path):
    landing = LocalLanding(tmp_path)
    landing.write("tickets/2025/08/08/ticket_b.json", b"{}")
    landing.write("tickets/2025/08/08/ticket_a.json", b"{}")
    landing.write("tickets/2025/08/09/ticket_c.json", b"{}")
    listings = list_days(landing, [date(2025, 8, 7), DAY, date(2025, 8, 9)], workers=3)
    assert listings[date(2025, 8, 7)] == []
    loaded = {(o.key, o.etag) for o in listings[DAY] if o.key.endswith("ticket_b.json")}
    scans = compare_with_ledger(listings, lambda day: loaded if day == DAY else set())
    assert [(s.day, s.files_listed, [o.key for o in s.pending]) for s in scans] == [
        (DAY, 2, ["tickets/2025/08/08/ticket_a.json"]),
        (date(2025, 8, 9), 1, ["tickets/2025/08/09/ticket_c.json"]),
    ]
