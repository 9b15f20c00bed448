"""The rules judge's fact check: its quality on the team-labelled replies, and what it costs.

Quality: ``RulesJudge`` grades every reply of the built-in ``team-labelled`` reference set; per
source group (the seed's real replies, the demo's generated ones, each held-out writer) and all
together, every criterion's TPR, TNR and Cohen's kappa with their 95 % intervals
(``calibration.agreement_of``). For technical_accuracy also the *checkable TNR*: the share of
failing replies with at least one wrong detail of a kind a fact base can check that the judge
fails, and the wrong details caught or missed by kind (a detail is caught when the judge fails
technical_accuracy on its reply, whatever finding it gave).

Latency: ``rules.assess_accuracy`` over every labelled reply with the fact check and with
``check_reply`` replaced by one that finds nothing, interleaved, after a warm-up that loads the
fact base; each call of ``check_reply`` is also timed alone. The one-off load of the fact base is
timed in fresh processes. Nothing here tunes the judge: it measures the committed one.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from unittest import mock

from bench.common import ROOT, log
from bench.profiles import Profile
from ticket_platform.evaluation import rules
from ticket_platform.evaluation.calibration import agreement_of, load_reference, resolve_reference
from ticket_platform.evaluation.facts import check_reply
from ticket_platform.evaluation.facts.base import fact_base
from ticket_platform.evaluation.rubric import CRITERIA

CHECKABLE_KINDS = frozenset(
    {
        "cli_command",
        "cli_parameter",
        "metric",
        "namespace",
        "log_group",
        "console_page",
        "feature_owner",
        "unsafe_advice",
    }
)
ALL_GROUP = "all"
TECHNICAL = "technical_accuracy"
LOAD_SNIPPET = (
    "import time; t=time.perf_counter(); "
    "from ticket_platform.evaluation.facts.base import fact_base; fact_base(); "
    "print(time.perf_counter()-t)"
)
# The first check after the load also compiles the service-name pattern: a one-off too.
FIRST_CHECK_SNIPPET = (
    "import time; from ticket_platform.evaluation.facts import check_reply; "
    "from ticket_platform.evaluation.facts.base import fact_base; fact_base(); "
    "t=time.perf_counter(); check_reply('Run aws lambda get-function.', 'AWS Lambda', ''); "
    "print(time.perf_counter()-t)"
)


# ----------------------------------------------------------------------------------------------
# Pure computations (unit-tested): rows are dicts with ``group``, ``labels`` and ``judged``
# (criterion -> passed) and ``wrong_kinds`` (the kind of every wrong detail, repeats kept).
# ----------------------------------------------------------------------------------------------
def group_of(source: str) -> str:
    """The source group of a reference row: ``seed``, ``demo`` or the writer before " (" ."""
    if source == "seed-system":
        return "seed"
    if source.startswith("ticket-platform"):
        return "demo"
    return source.split(" (", 1)[0].strip() or "unknown"


def groups_in_order(rows: Iterable[dict]) -> list[str]:
    """seed, demo, then the other groups (held-out writers) sorted, then ``all``."""
    found = {row["group"] for row in rows}
    fixed = [g for g in ("seed", "demo") if g in found]
    return [*fixed, *sorted(found - {"seed", "demo"}), ALL_GROUP]


def in_group(rows: list[dict], group: str) -> list[dict]:
    return rows if group == ALL_GROUP else [row for row in rows if row["group"] == group]


def pairs_of(rows: Iterable[dict], criterion: str) -> list[tuple[bool, bool]]:
    """(judge, label) pairs for ``criterion`` on the rows labelled for it."""
    return [
        (row["judged"][criterion], row["labels"][criterion])
        for row in rows
        if criterion in row["labels"] and criterion in row["judged"]
    ]


def is_checkable_failure(row: dict) -> bool:
    """Labelled technically wrong, with at least one wrong detail a fact base can check."""
    return row["labels"].get(TECHNICAL) is False and any(
        kind in CHECKABLE_KINDS for kind in row["wrong_kinds"]
    )


def checkable_pairs(rows: Iterable[dict]) -> list[tuple[bool, bool]]:
    """technical_accuracy (judge, label) pairs of the checkable failures only."""
    return pairs_of([row for row in rows if is_checkable_failure(row)], TECHNICAL)


def caught_by_kind(rows: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Per kind of wrong detail: how many the judge caught (failed technical_accuracy on the
    reply) and missed; every detail counts, so a reply with two metric errors counts twice."""
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        caught = row["judged"].get(TECHNICAL) is False
        for kind in row["wrong_kinds"]:
            entry = counts.setdefault(kind, {"caught": 0, "missed": 0})
            entry["caught" if caught else "missed"] += 1
    return dict(sorted(counts.items()))


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


# ----------------------------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------------------------
def _stats(pairs: list[tuple[bool, bool]], criterion: str) -> dict:
    a = agreement_of(criterion, pairs)
    return {
        "n": a.compared,
        "tpr": a.true_positive_rate,
        "tpr_ci": a.true_positive_rate_ci,
        "tnr": a.true_negative_rate,
        "tnr_ci": a.true_negative_rate_ci,
        "kappa": a.cohen_kappa,
        "kappa_ci": a.cohen_kappa_ci,
        "positives": a.both_pass + a.reference_only_pass,
        "negatives": a.both_fail + a.judge_only_pass,
    }


def quality(rows: list[dict]) -> dict[str, dict]:
    """Per group: every criterion's statistics, the checkable TNR and the caught-by-kind counts."""
    result = {}
    for group in groups_in_order(rows):
        members = in_group(rows, group)
        criteria = {c.value: _stats(pairs_of(members, c.value), c.value) for c in CRITERIA}
        checkable = _stats(checkable_pairs(members), TECHNICAL)
        result[group] = {
            "rows": len(members),
            "criteria": criteria,
            "checkable": {k: checkable[k] for k in ("n", "tnr", "tnr_ci")},
            "caught_by_kind": caught_by_kind(members),
        }
    return result


def judged_rows() -> tuple[list[dict], list, dict]:
    """The reference rows graded by ``RulesJudge``, the items, and what was graded with what."""
    reference = load_reference("team-labelled")
    path = resolve_reference("team-labelled")
    raw: dict[str, dict] = {}  # the fields calibration does not keep: source, wrong_details
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            raw.setdefault(str(row.get("ticket_id")), row)  # calibration keeps the first too
    judge = rules.RulesJudge()
    rows, items = [], []
    for labelled in reference.items:
        source = raw[labelled.item.ticket_id]
        verdict = judge.judge(labelled.item).verdict
        rows.append(
            {
                "ticket_id": labelled.item.ticket_id,
                "group": group_of(str(source.get("source") or "")),
                "labels": {c.value: passed for c, passed in labelled.labels.items()},
                "judged": {c.value: getattr(verdict, c.value).passed for c in CRITERIA},
                "wrong_kinds": [d["kind"] for d in source.get("wrong_details") or []],
            }
        )
        items.append(labelled.item)
    about = {
        "reference": reference.name,
        "reference_rows": len(reference.items),
        "rejected": len(reference.rejected),
        "judge": f"rules:{rules.RULES_VERSION}",
        "fact_base": fact_base().version,
    }
    return rows, items, about


def _per_reply_ms(items: list, assess) -> float:
    started = time.perf_counter()
    for item in items:
        assess(item)
    return (time.perf_counter() - started) * 1000 / len(items)


def latency(items: list, repeats: int) -> dict:
    """ms per reply of ``assess_accuracy`` with and without the fact check, and check_reply alone."""
    _per_reply_ms(items, rules.assess_accuracy)  # warm-up: loads the fact base, compiles patterns
    with_check, without_check = [], []
    for _ in range(repeats):  # interleaved, so drift in the machine's load hits both alike
        with_check.append(_per_reply_ms(items, rules.assess_accuracy))
        with mock.patch("ticket_platform.evaluation.rules.check_reply", lambda *a, **k: []):
            without_check.append(_per_reply_ms(items, rules.assess_accuracy))
    calls = []
    for _ in range(repeats):
        for item in items:
            ticket = f"{item.subject}\n{item.description}"
            started = time.perf_counter()
            check_reply(item.response_text, item.product, ticket)
            calls.append((time.perf_counter() - started) * 1000)
    added = [w - wo for w, wo in zip(with_check, without_check, strict=True)]
    return {
        "replies": len(items),
        "repeats": repeats,
        "with_ms_per_reply": round(statistics.median(with_check), 3),
        "without_ms_per_reply": round(statistics.median(without_check), 3),
        "added_ms_per_reply": round(statistics.median(added), 3),
        "all_added_ms_per_reply": [round(a, 3) for a in added],
        "check_reply_median_ms": round(statistics.median(calls), 3),
        "check_reply_p95_ms": round(percentile(calls, 0.95), 3),
        "check_reply_max_ms": round(max(calls), 3),
    }


def _fresh_process_seconds(snippet: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return times


def one_off_load(runs: int) -> dict:
    """Import and load of the fact base, and the first check after it, each in a new process."""
    load = _fresh_process_seconds(LOAD_SNIPPET, runs)
    first = _fresh_process_seconds(FIRST_CHECK_SNIPPET, runs)
    return {
        "runs": runs,
        "load_seconds": round(statistics.median(load), 3),
        "all_load_seconds": [round(s, 3) for s in load],
        "first_check_seconds": round(statistics.median(first), 3),
    }


def run(profile: Profile) -> dict:
    rows, items, about = judged_rows()
    log(f"judge_facts: {len(rows)} labelled replies graded by {about['judge']}")
    result = about | {"quality": quality(rows)}
    result["latency"] = latency(items, profile.judge_facts_repeats)
    log(f"judge_facts: fact check adds {result['latency']['added_ms_per_reply']} ms per reply")
    result["load"] = one_off_load(profile.judge_facts_load_runs)
    # The machine is shared: the load average says how much the timings could be disturbed.
    result["load_average_1min"] = round(os.getloadavg()[0], 2)
    return result
