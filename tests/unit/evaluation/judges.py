"""Test doubles for the evaluation tests: a scripted judge that counts its calls."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from ticket_platform.evaluation.judge import JudgeReply
from ticket_platform.evaluation.rubric import CRITERIA, CriterionVerdict, EvaluationItem, Verdict


def verdict(*, failing: tuple[str, ...] = (), steering: bool = False) -> Verdict:
    return Verdict(
        **{
            c.value: CriterionVerdict(reasoning=f"checked {c.value}", passed=c.value not in failing)
            for c in CRITERIA
        },
        steering_attempt=steering,
    )


def item(ticket_id: str, response: str = "Hello, please open the console.") -> EvaluationItem:
    return EvaluationItem(
        ticket_id=ticket_id,
        subject="Lambda timeouts",
        description="Our function times out.",
        product="AWS Lambda",
        issue_type="Timeout",
        response_text=response,
        priority="HIGH",
    )


class CountingJudge:
    """Answers from ``script(item, attempt)``: a ``Verdict`` or an exception to raise."""

    name = "fake-llm"
    model_id = "fake-model-1"
    calls_model = True

    def __init__(
        self,
        script: Callable[[EvaluationItem, int], Verdict | Exception] | None = None,
        *,
        delay_s: float = 0.0,
        tokens: tuple[int, int] = (1000, 200),
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.script = script or (lambda item, attempt: verdict())
        self.delay_s = delay_s
        self.tokens = tokens
        self._parameters = parameters or {"temperature": 0}
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def parameters(self) -> dict[str, Any]:
        return dict(self._parameters)

    def judge(self, item: EvaluationItem) -> JudgeReply:
        with self._lock:
            self.calls.append(item.ticket_id)
            attempt = self.calls.count(item.ticket_id)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay_s:
                time.sleep(self.delay_s)
            outcome = self.script(item, attempt)
        finally:
            with self._lock:
                self.in_flight -= 1
        if isinstance(outcome, Exception):
            raise outcome
        return JudgeReply(outcome, *self.tokens)
