"""One alert, and how it reads in each channel (SNS subject and body, Slack blocks)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator

AlertKind = Literal["run_failure", "check_failure", "freshness", "high_priority_response"]
Severity = Literal["critical", "error", "warning"]

SOURCE = "ticket-platform"
SUBJECT_LIMIT = 100  # SNS: ASCII, no line breaks, at most 100 characters
SLACK_FIELD_LIMIT = 10  # Slack: at most 10 fields per section block
_SLACK_HEADER_LIMIT = 150
_SLACK_SECTION_LIMIT = 3000
_SLACK_FIELD_TEXT_LIMIT = 2000
_EMOJI: dict[str, str] = {"critical": ":rotating_light:", "error": ":x:", "warning": ":warning:"}


class Alert(BaseModel):
    """A problem worth a human's attention. ``dedupe_key`` names the problem, not the attempt:
    the dispatcher never delivers the same key twice, while ``alert_id`` is new per instance."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: AlertKind
    severity: Severity
    title: str = Field(min_length=1)
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)
    dedupe_key: str = Field(min_length=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    link: str | None = None
    alert_id: str = Field(default_factory=lambda: str(uuid.uuid4()))

    @field_validator("details", mode="before")
    @classmethod
    def _json_safe(cls, value: Any) -> Any:
        # Round trip through JSON so dates, paths, decimals... become plain JSON values up front.
        if not isinstance(value, dict):
            return value
        return orjson.loads(orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS))

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Naive timestamps are read as UTC, like every timestamp the warehouse stores.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def subject(self) -> str:
        """The SNS subject: ``[ERROR] ticket-platform: <title>``, ASCII, one line, ≤ 100 chars."""
        subject = f"[{self.severity.upper()}] {SOURCE}: {_ascii_line(self.title)}"
        return _truncate(subject, SUBJECT_LIMIT, "...")

    def text(self) -> str:
        """The plain-text message: title, reason, one ``key: value`` line per detail, link."""
        lines = [f"[{self.severity.upper()}] {self.title}", "", self.reason]
        if self.details:
            lines += ["", *(f"{key}: {_value_text(value)}" for key, value in self.details.items())]
        lines += ["", f"occurred_at: {self.occurred_at.isoformat()}", f"kind: {self.kind}"]
        if self.link:
            lines.append(f"link: {self.link}")
        return "\n".join(lines)

    def slack_blocks(self) -> list[dict[str, Any]]:
        """Slack Block Kit blocks: header, reason, up to 10 detail fields, and a context line."""
        header = _truncate(f"{self.severity.upper()}: {self.title}", _SLACK_HEADER_LIMIT, "…")
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": True}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": _truncate(_escape(self.reason) or " ", _SLACK_SECTION_LIMIT, "…"),
                },
            },
        ]
        items = list(self.details.items())
        if items:
            blocks.append(
                {
                    "type": "section",
                    "fields": [
                        {
                            "type": "mrkdwn",
                            "text": _truncate(
                                f"*{_escape(str(key))}*\n{_escape(_value_text(value))}",
                                _SLACK_FIELD_TEXT_LIMIT,
                                "…",
                            ),
                        }
                        for key, value in items[:SLACK_FIELD_LIMIT]
                    ],
                }
            )
        context = [
            f"{_EMOJI[self.severity]} {self.kind}",
            f"{self.occurred_at:%Y-%m-%d %H:%M:%S} UTC",
        ]
        if len(items) > SLACK_FIELD_LIMIT:
            context.append(f"{len(items) - SLACK_FIELD_LIMIT} more details in the message text")
        if self.link:
            context.append(f"<{self.link}|Open in Dagster>")
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in context]}
        )
        return blocks


def _value_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return orjson.dumps(value).decode()


def _ascii_line(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    # Control characters (line breaks included) become spaces; printable ASCII is kept.
    return " ".join(re.sub(r"[^\x20-\x7e]", " ", folded).split())


def _truncate(text: str, limit: int, ellipsis: str) -> str:
    return text if len(text) <= limit else text[: limit - len(ellipsis)].rstrip() + ellipsis


def _escape(text: str) -> str:
    """Slack mrkdwn treats ``&``, ``<`` and ``>`` as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
