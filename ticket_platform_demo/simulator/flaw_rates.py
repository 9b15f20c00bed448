"""How often real generated replies are flawed: measured on the seed system's 100 real replies.

The seed system (Bedrock Nova Pro, no house-style guard) wrote the replies of
``processed_tickets.jsonl``; its own LLM judge's verdicts are ``judge_verdicts_nova_pro.jsonl``.
Each reply is classified with the offline rules judge's own findings (``rules.assess``) and the
text checks behind it, one flag per flaw:

* ``contraction``, ``exclamation`` — the tone findings (``text_checks.tone``);
* ``generic_steps`` — two or more steps, fewer than two of them specific (console, logs, metrics,
  command, named setting); ``missing_steps`` — fewer than two steps and no request for
  information; ``info_request_only`` — fewer than two steps but requests for information;
* ``off_topic`` — the product is not named or the problem is not restated (relevance findings);
* ``unsafe_advice`` — the accuracy finding (``text_checks.safety``);
* ``wrong_service_detail`` — the rules see only the wrong details their AWS fact base can prove
  (a page, command, metric or log group of another service), a few of those a reader finds, so
  its rate is the seed's LLM judge's ``technical_accuracy`` failure rate, marked as such.

``python -m ticket_platform_demo.simulator.flaw_rates`` prints the rates (overall, by priority,
by product family, per criterion, all four); ``--write`` stores them in
``vocabulary/reply_flaws.json``, which ``responder_flaws`` reads.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from ticket_platform.evaluation import rules
from ticket_platform.evaluation import text_checks as tc
from ticket_platform.evaluation.rubric import CRITERIA, EvaluationItem
from ticket_platform_demo.simulator.responder_steps import family_of

SEED_DIR = Path("/work/shared/fixtures/seed_system")
SEED_REPLIES = SEED_DIR / "processed_tickets.jsonl"
SEED_VERDICTS = SEED_DIR / "judge_verdicts_nova_pro.jsonl"
REPLY_FLAWS = files("ticket_platform_demo.simulator") / "vocabulary" / "reply_flaws.json"

RULE_FLAWS = (
    "contraction",
    "exclamation",
    "generic_steps",
    "missing_steps",
    "info_request_only",
    "off_topic",
    "unsafe_advice",
)
TONE_FLAWS = ("contraction", "exclamation")
TONE = "professional_tone"
MIN_GROUP = 10  # a priority or family group smaller than this uses the overall rate


def evaluation_item(row: Mapping[str, Any]) -> EvaluationItem:
    """What the judge sees of a processed ticket (seed row or simulated record)."""
    return EvaluationItem(
        ticket_id=row["ticket_id"],
        subject=row.get("subject", ""),
        description=row.get("description", ""),
        product=row.get("product", ""),
        issue_type=row.get("issue_type", ""),
        response_text=row["response_text"],
        priority=row.get("priority"),
    )


def classify(item: EvaluationItem) -> dict[str, Any]:
    """The rules judge's verdict per criterion and the flaws of one reply (see module doc)."""
    assessed = rules.assess(item)
    text = item.response_text
    steps = tc.extract_steps(text)
    specific = sum(step.specific for step in steps)
    requests = tc.info_requests(text)
    relevance = assessed[rules.Criterion.contextual_relevance]
    flaws = {
        "contraction": bool(tc.contractions(text)),
        "exclamation": tc.exclamation_marks(text) > 0,
        "generic_steps": len(steps) >= rules.MIN_STEPS and specific < rules.MIN_STEPS,
        "missing_steps": len(steps) < rules.MIN_STEPS and not requests,
        "info_request_only": len(steps) < rules.MIN_STEPS and bool(requests),
        "off_topic": not relevance.passed,
        "unsafe_advice": bool(tc.unsafe_advice(text)),
    }
    return {
        "passed": {c.value: assessed[c].passed for c in CRITERIA},
        "flaws": flaws,
        "steps": len(steps),
        "specific_steps": specific,
    }


def _rate(hits: int, n: int) -> float:
    return round(hits / n, 4) if n else 0.0


def _rates(classified: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(classified)
    flaw_hits = Counter(f for c in classified for f, on in c["flaws"].items() if on)
    passed = Counter(k for c in classified for k, ok in c["passed"].items() if ok)
    return {
        "n": n,
        "flaws": {f: _rate(flaw_hits[f], n) for f in RULE_FLAWS},
        "criteria": {c.value: _rate(passed[c.value], n) for c in CRITERIA},
        "all_four": _rate(sum(all(c["passed"].values()) for c in classified), n),
        # All but professional tone: what the platform's house-style guard cannot change.
        "all_but_tone": _rate(
            sum(all(ok for k, ok in c["passed"].items() if k != TONE) for c in classified), n
        ),
    }


def measure(
    rows: Iterable[Mapping[str, Any]], verdicts: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """Flaw and pass rates of ``rows`` (processed tickets), overall, by priority and family."""
    rows = list(rows)
    classified = [classify(evaluation_item(row)) for row in rows]
    by_priority: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_family: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row, c in zip(rows, classified, strict=True):
        by_priority[row.get("priority") or "UNKNOWN"].append(c)
        by_family[family_of(row.get("product", "")).name].append(c)
    failing = [c for c in classified if c["flaws"]["generic_steps"]]
    result: dict[str, Any] = {
        "overall": _rates(classified),
        "by_priority": {p: _rates(cs) for p, cs in sorted(by_priority.items())},
        "by_family": {f: _rates(cs) for f, cs in sorted(by_family.items())},
        # Among generic-step replies: how many of their steps are still specific (0 or 1).
        "generic_specific_steps": dict(
            sorted(Counter(c["specific_steps"] for c in failing).items())
        ),
    }
    if verdicts:
        judged = [verdicts[row["ticket_id"]] for row in rows if row["ticket_id"] in verdicts]
        model = {
            c.value: _rate(sum(bool(v[c.value]) for v in judged), len(judged)) for c in CRITERIA
        }
        result["model_judge"] = {"n": len(judged), "criteria": model}
        result["overall"]["flaws"]["wrong_service_detail"] = round(
            1 - model["technical_accuracy"], 4
        )
    return result


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def measure_seed(replies: Path = SEED_REPLIES, verdicts: Path = SEED_VERDICTS) -> dict[str, Any]:
    """``measure`` on the seed files, with their provenance."""
    model = {v["ticket_id"]: v for v in read_jsonl(verdicts)} if verdicts.exists() else None
    measured = measure(read_jsonl(replies), model)
    return {
        "source": str(replies),
        "model_judge_source": str(verdicts) if model else None,
        "measured_on": datetime.now(UTC).date().isoformat(),
        "judge": rules.RULES_VERSION,
        "min_group": MIN_GROUP,
        "notes": {
            "wrong_service_detail": "rules see only what their fact base proves; rate = 1 - "
            "the seed LLM judge's technical_accuracy pass rate",
            "tone": "contraction and exclamation are measured but not delivered by the demo's "
            "responder: the platform's house-style guard (GeneratedResponse) refuses them",
        },
        **measured,
    }


def _table(title: str, groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = [title]
    for name, rates in groups.items():
        flaws = " ".join(f"{f}={v:.0%}" for f, v in rates["flaws"].items() if v)
        crit = " ".join(f"{c[:6]}={v:.0%}" for c, v in rates["criteria"].items())
        lines.append(
            f"  {name:<25} n={rates['n']:<4} all4={rates['all_four']:.0%} "
            f"all-but-tone={rates['all_but_tone']:.0%} {crit} | {flaws or '-'}"
        )
    return lines


def report(measured: Mapping[str, Any]) -> str:
    """A plain-text summary of ``measure_seed``."""
    lines = [f"source: {measured['source']}"]
    lines += _table("overall", {"all": measured["overall"]})
    lines += _table("by priority", measured["by_priority"])
    lines += _table("by product family", measured["by_family"])
    lines.append(f"specific steps in generic-step replies: {measured['generic_specific_steps']}")
    if "model_judge" in measured:
        lines.append(f"seed LLM judge pass rates: {measured['model_judge']['criteria']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=Path, default=SEED_REPLIES)
    parser.add_argument("--verdicts", type=Path, default=SEED_VERDICTS)
    parser.add_argument("--write", action="store_true", help=f"store the rates in {REPLY_FLAWS}")
    args = parser.parse_args(argv)
    measured = measure_seed(args.replies, args.verdicts)
    print(report(measured))
    if args.write:
        Path(str(REPLY_FLAWS)).write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {REPLY_FLAWS}")


if __name__ == "__main__":
    main()
