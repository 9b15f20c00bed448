"""The benchmark report's arithmetic: medians, and which targets a result meets."""

from __future__ import annotations

from bench.common import median_of
from bench.targets import targets


def _ingest(platform: float, plain: float, dlt: float | None, rss: int) -> dict:
    contenders = {
        "platform_ingest": {"files_per_s": platform, "peak_rss_mb": rss},
        "plain_read_parse": {"files_per_s": plain},
    }
    size = {
        "files": 1000,
        "contenders": contenders,
        "platform_vs_plain": round(platform / plain, 3),
    }
    if dlt:
        size["platform_vs_dlt"] = round(platform / dlt, 2)
    return {"result": {"sizes": [size]}}


def test_median_of_keeps_the_middle_run_and_every_value():
    runs = [{"seconds": 3.0, "rows": 1}, {"seconds": 1.0, "rows": 2}, {"seconds": 2.0, "rows": 3}]
    median = median_of(runs)
    assert median["seconds"] == 2.0 and median["rows"] == 3
    assert median["repeats"] == 3
    assert median["all_seconds"] == [3.0, 1.0, 2.0]  # in the order they ran


def test_targets_are_met_or_missed_by_the_numbers():
    met = {t["target"]: t["met"] for t in targets({"ingest": _ingest(6000, 10000, 500, 900)})}
    assert met == {
        "ingest vs dlt, 1,000 files": True,  # 12x
        "ingest vs plain read-and-parse, 1,000 files": True,  # 0.6x
        "ingest peak RSS, 1,000 files": True,
    }
    missed = {t["target"]: t["met"] for t in targets({"ingest": _ingest(4000, 10000, 500, 1600)})}
    assert not any(missed.values())  # 8x dlt, 0.4x plain, 1,600 MB


def test_targets_of_the_other_suites():
    data = {
        "incremental": {"result": {"history": [{"history_days": 30, "ratio_to_alone": 1.31}]}},
        "evaluation": {"result": {"rerun": {"model_calls": 0}}},
        "sensor": {
            "result": {
                "rows": [
                    {"landing": "local", "files": 10, "steady_tick_s": 0.1},
                    {"landing": "s3", "files": 10, "steady_tick_s": 61.0},
                ]
            }
        },
    }
    found = {t["target"]: (t["value"], t["met"]) for t in targets(data)}
    assert found["new day on 30 days of history vs day alone"] == ("1.31x", False)
    assert found["model calls on an evaluation re-run"] == (0, True)
    assert found["sensor tick, s3 10 files"] == ("61.0 s", False)  # the slowest tick is judged


def test_a_suite_without_a_peer_result_has_no_peer_target():
    names = [t["target"] for t in targets({"ingest": _ingest(6000, 10000, None, 900)})]
    assert not any("dlt" in name for name in names)


def test_ratios_leave_out_contenders_that_failed():
    from bench.suites.ingest import _ratios

    rates = {"platform_ingest": 5000.0, "plain_read_parse": 20000.0, "dlt": 1000.0}
    results = {name: {"files_per_s": rate} for name, rate in rates.items()}
    assert _ratios(results) == {"platform_vs_plain": 0.25, "platform_vs_dlt": 5.0}
    del results["platform_ingest"]
    assert _ratios(results) == {}
