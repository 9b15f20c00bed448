"""Calibration: how far a judge agrees with a labelled reference set.

A reference set is a JSON-lines or CSV file of tickets with their responses and a pass/fail label
per criterion (any subset of the four). Three kinds ship or plug in:

* ``seed-nova-pro`` (built in): the seed system's own Amazon Nova Pro verdicts on its 100 real
  tickets. A model's opinion, not the truth: it passed professional_tone on 97 of 100 responses
  although most contain contractions its rubric forbids.
* ``team-labelled`` (built in): the team's own labels of the seed's 100 real replies, of replies
  from the demo's generators and of held-out replies written to test the fact checks, with every
  wrong detail named (``reference/LABELLING.md``);
* a labelled file of your own (``TICKET_JUDGE_REFERENCE``), same format.

Per criterion the comparison reports agreement, Cohen's kappa, and, taking "pass" as positive,
the true-positive rate (reference passes the judge also passes) and true-negative rate
(reference fails the judge also fails), each with a 95 % confidence interval (Wilson score for
the three proportions, Cohen's large-sample standard error for kappa; see
``calibration_stats``). Kappa and its interval are undefined (``None``) when chance agreement
is 1, i.e. both sides gave one and the same label to every item.

Every row must carry the reply that was labelled (``response_text``). A row without one is
rejected with its line and ticket_id, unless the caller passes the stored tickets
(``load_reference(..., stored=...)``): then the row is joined to the stored ticket of the same
ticket_id (the stored ticket's text is graded, the row gives only the labels) and listed in
``ReferenceSet.joined``; a row whose ticket is not stored, or whose stored reply is blank, is
rejected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson
from pydantic import ValidationError

from ticket_platform.evaluation.calibration_stats import (
    Interval,
    cohen_kappa,
    kappa_interval,
    wilson_interval,
)
from ticket_platform.evaluation.rubric import CRITERIA, Criterion, EvaluationItem

REFERENCE_DIR = Path(__file__).parent / "reference"
BUILTIN_REFERENCES: dict[str, Path] = {
    "seed-nova-pro": REFERENCE_DIR / "seed_nova_pro.jsonl",
    # The team's own labels, every wrong detail named (reference/LABELLING.md says how).
    "team-labelled": REFERENCE_DIR / "team_labels.jsonl",
}
_TRUE = {"true", "1", "yes", "y", "pass", "passed"}
_FALSE = {"false", "0", "no", "n", "fail", "failed"}
# The stored tickets a reference row without a reply may be joined to: ticket_id -> item, or a
# function given the ids wanted that returns those it found (called at most once per load).
StoredTickets = (
    Mapping[str, EvaluationItem] | Callable[[Collection[str]], Mapping[str, EvaluationItem]]
)


@dataclass(frozen=True)
class LabelledItem:
    item: EvaluationItem
    labels: dict[Criterion, bool]


@dataclass(frozen=True)
class ReferenceSet:
    name: str
    labelled_by: str
    items: tuple[LabelledItem, ...]
    rejected: tuple[str, ...]  # "line N: reason" for every row that could not be used
    joined: tuple[str, ...] = ()  # ticket_ids whose reply came from the stored ticket


@dataclass(frozen=True)
class Agreement:
    criterion: str
    compared: int
    agreement: float | None
    cohen_kappa: float | None
    true_positive_rate: float | None
    true_negative_rate: float | None
    reference_pass_rate: float | None
    judge_pass_rate: float | None
    both_pass: int
    both_fail: int
    judge_only_pass: int
    reference_only_pass: int
    # 95 % confidence intervals (low, high); None where the statistic itself is undefined.
    agreement_ci: Interval | None = None
    cohen_kappa_ci: Interval | None = None
    true_positive_rate_ci: Interval | None = None
    true_negative_rate_ci: Interval | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def resolve_reference(name_or_path: str) -> Path:
    """A built-in reference's file, or the given path."""
    if name_or_path in BUILTIN_REFERENCES:
        return BUILTIN_REFERENCES[name_or_path]
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        known = ", ".join(BUILTIN_REFERENCES)
        raise FileNotFoundError(f"reference {name_or_path!r} is neither a file nor one of: {known}")
    return path


def load_reference(name_or_path: str, stored: StoredTickets | None = None) -> ReferenceSet:
    """Read a reference set; unusable rows are reported in ``rejected``, never silently dropped.

    A row without its reply (no or a blank ``response_text``) is rejected, unless ``stored``
    holds the ticket of its ticket_id: then the stored ticket is graded with the row's labels
    and its id is listed in ``joined``.
    """
    path = resolve_reference(name_or_path)
    text = path.read_text(encoding="utf-8")
    rows = _csv_rows(text) if path.suffix.lower() == ".csv" else _json_rows(text)
    accepted: list[tuple[int, LabelledItem]] = []
    rejected: list[tuple[int, str]] = []
    labellers: set[str] = set()
    seen: set[str] = set()
    for line, row in rows:
        if isinstance(row, str):
            rejected.append((line, row))
            continue
        try:
            labelled = _labelled_item(row)
        except (ValidationError, ValueError) as error:
            rejected.append((line, " ".join(str(error).split())[:300]))
            continue
        ticket_id = labelled.item.ticket_id
        if ticket_id in seen:
            rejected.append((line, f"duplicate ticket_id {ticket_id}"))
            continue
        seen.add(ticket_id)
        labellers.add(str(row.get("labelled_by") or "unknown"))
        accepted.append((line, labelled))
    items, joined, unjoined = _with_replies(accepted, stored)
    rejected.extend(unjoined)
    name = name_or_path if name_or_path in BUILTIN_REFERENCES else path.name
    return ReferenceSet(
        name,
        ", ".join(sorted(labellers)),
        tuple(items),
        tuple(f"line {line}: {reason}" for line, reason in sorted(rejected)),
        tuple(joined),
    )


def _with_replies(
    accepted: list[tuple[int, LabelledItem]], stored: StoredTickets | None
) -> tuple[list[LabelledItem], list[str], list[tuple[int, str]]]:
    """The rows that carry their reply, plus those joined to a stored ticket; the rest rejected."""
    missing = [labelled.item.ticket_id for _, labelled in accepted if _blank(labelled.item)]
    found: Mapping[str, EvaluationItem] = {}
    if missing and stored is not None:
        found = stored(missing) if callable(stored) else stored
    items: list[LabelledItem] = []
    joined: list[str] = []
    rejected: list[tuple[int, str]] = []
    for line, labelled in accepted:
        ticket_id = labelled.item.ticket_id
        if not _blank(labelled.item):
            items.append(labelled)
        elif stored is None:
            rejected.append((line, f"ticket_id {ticket_id}: no response_text (the reply to grade)"))
        elif ticket_id not in found:
            rejected.append(
                (line, f"ticket_id {ticket_id}: no response_text and no stored ticket of that id")
            )
        elif _blank(found[ticket_id]):
            rejected.append(
                (line, f"ticket_id {ticket_id}: no response_text, and the stored ticket has none")
            )
        else:
            items.append(LabelledItem(found[ticket_id], labelled.labels))
            joined.append(ticket_id)
    return items, joined, rejected


def _blank(item: EvaluationItem) -> bool:
    return not item.response_text.strip()


def compare(
    judged: Mapping[str, Mapping[Criterion, bool]], reference: ReferenceSet
) -> list[Agreement]:
    """Per criterion, the judge's verdicts (ticket_id -> criterion -> passed) against the labels."""
    results = []
    for criterion in CRITERIA:
        pairs = [
            (judged[labelled.item.ticket_id][criterion], labelled.labels[criterion])
            for labelled in reference.items
            if criterion in labelled.labels and criterion in judged.get(labelled.item.ticket_id, {})
        ]
        results.append(agreement_of(criterion.value, pairs))
    return results


def verdicts_of(rows: Iterable[Mapping]) -> dict[str, dict[Criterion, bool]]:
    """ticket_id -> criterion -> passed, from the runner's ``evaluated`` rows."""
    return {
        row["ticket_id"]: {criterion: bool(row[criterion.value]) for criterion in CRITERIA}
        for row in rows
        if row["status"] == "evaluated"
    }


def disagreements(rows: Iterable[Mapping], reference: ReferenceSet) -> dict[str, list[dict]]:
    """Per criterion, the items where the judge's evaluated verdict differs from the label."""
    by_ticket = {row["ticket_id"]: row for row in rows if row["status"] == "evaluated"}
    found: dict[str, list[dict]] = {criterion.value: [] for criterion in CRITERIA}
    for labelled in reference.items:
        row = by_ticket.get(labelled.item.ticket_id)
        for criterion, label in labelled.labels.items():
            if row is not None and bool(row[criterion.value]) != label:
                found[criterion.value].append(
                    {
                        "ticket_id": labelled.item.ticket_id,
                        "reference": label,
                        "judge": bool(row[criterion.value]),
                        "reasoning": row[f"{criterion.value}_reasoning"],
                    }
                )
    return found


def agreement_of(criterion: str, pairs: list[tuple[bool, bool]]) -> Agreement:
    """Agreement statistics of (judge, reference) label pairs."""
    tp = sum(1 for judge, ref in pairs if judge and ref)
    tn = sum(1 for judge, ref in pairs if not judge and not ref)
    fp = sum(1 for judge, ref in pairs if judge and not ref)
    fn = sum(1 for judge, ref in pairs if not judge and ref)
    n = len(pairs)
    return Agreement(
        criterion=criterion,
        compared=n,
        agreement=_ratio(tp + tn, n),
        cohen_kappa=cohen_kappa(tp, tn, fp, fn),
        true_positive_rate=_ratio(tp, tp + fn),
        true_negative_rate=_ratio(tn, tn + fp),
        reference_pass_rate=_ratio(tp + fn, n),
        judge_pass_rate=_ratio(tp + fp, n),
        both_pass=tp,
        both_fail=tn,
        judge_only_pass=fp,
        reference_only_pass=fn,
        agreement_ci=wilson_interval(tp + tn, n),
        cohen_kappa_ci=kappa_interval(tp, tn, fp, fn),
        true_positive_rate_ci=wilson_interval(tp, tp + fn),
        true_negative_rate_ci=wilson_interval(tn, tn + fp),
    )


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _labelled_item(row: dict) -> LabelledItem:
    labels_source = row.get("labels") if isinstance(row.get("labels"), dict) else row
    labels: dict[Criterion, bool] = {}
    for criterion in CRITERIA:
        value = labels_source.get(criterion.value)
        if value is None or value == "":
            continue
        labels[criterion] = _boolean(value, criterion.value)
    if not labels:
        raise ValueError("no label for any of the four criteria")
    if not str(row.get("ticket_id") or "").strip():
        raise ValueError("no ticket_id")
    fields = {k: row.get(k) for k in EvaluationItem.model_fields if row.get(k) is not None}
    return LabelledItem(EvaluationItem.model_validate(fields), labels)


def _boolean(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name}={value!r} is not a pass/fail label")


def _json_rows(text: str) -> list[tuple[int, dict | str]]:
    rows: list[tuple[int, dict | str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            rows.append((number, f"not JSON ({error})"))
            continue
        rows.append((number, value if isinstance(value, dict) else "not a JSON object"))
    return rows


def _csv_rows(text: str) -> list[tuple[int, dict | str]]:
    reader = csv.DictReader(io.StringIO(text))
    return [(number, dict(row)) for number, row in enumerate(reader, start=2)]
