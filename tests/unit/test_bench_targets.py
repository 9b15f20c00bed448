"""The benchmark report's targets: each is computed from a suite's raw result."""

from bench.targets import targets


def _s3_result(platform_rates: dict[int, float], plain_rate: float) -> dict:
    runs = [
        {"contender": "platform_ingest", "workers": workers, "files_per_s": rate}
        for workers, rate in platform_rates.items()
    ]
    runs.append({"contender": "plain_get_parse", "workers": 32, "files_per_s": plain_rate})
    return {"ingest_s3": {"result": {"files": 2_000, "latency_ms": 20.0, "runs": runs}}}


def test_s3_target_takes_the_platforms_best_worker_count_against_the_plain_loop():
    (found,) = targets(_s3_result({1: 31.8, 8: 124.3, 32: 123.6}, 143.8))
    assert found["target"] == (
        "ingest from S3 vs plain concurrent GET + parse, 2,000 files (8 read workers)"
    )
    assert found["value"] == "0.864x"
    assert found["met"] is True


def test_s3_target_not_met_below_four_fifths_of_the_plain_loop():
    (found,) = targets(_s3_result({8: 100.0}, 143.8))
    assert found["value"] == "0.695x"
    assert found["met"] is False


def test_no_s3_target_without_the_plain_loop():
    result = _s3_result({8: 124.3}, 1.0)
    result["ingest_s3"]["result"]["runs"].pop()  # the plain loop failed or was not run
    assert targets(result) == []
