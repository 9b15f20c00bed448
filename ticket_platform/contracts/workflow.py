"""Shapes shared by the ticket workflow's tasks (``lambdas/workflow/ticket_workflow.asl.json``).

* ``SentimentResult`` — ``$.sentiment``: Comprehend's ``DetectSentiment`` shape, as the workflow's
  ``ResultSelector`` keeps it (the offline simulator's lexicon scorer produces the same shape).
* ``InvalidTicketError`` — raised by a workflow task for input that can never succeed; the
  workflow retries every error except one of this *name* (Step Functions matches the class name).
"""

from __future__ import annotations

from ticket_platform.contracts.tickets import ContractModel, Score
from ticket_platform.contracts.tickets import Sentiment as SentimentLabel


class SentimentScore(ContractModel):
    Positive: Score
    Negative: Score
    Neutral: Score
    Mixed: Score


class SentimentResult(ContractModel):
    """Comprehend's sentiment of a ticket: ``{"Sentiment", "SentimentScore": {...}}``."""

    Sentiment: SentimentLabel
    SentimentScore: SentimentScore


class InvalidTicketError(ValueError):
    """Workflow input that can never succeed (the workflow does not retry errors of this name)."""


__all__ = ["InvalidTicketError", "SentimentResult", "SentimentScore"]
