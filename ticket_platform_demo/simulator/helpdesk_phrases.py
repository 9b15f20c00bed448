"""The few texts the help-desk model writes into events (reasons, resolutions, comments)."""

from __future__ import annotations

REOPEN_REASONS = (
    "The issue came back after the suggested fix.",
    "The workaround did not hold under production load.",
    "The customer reports the same error in a second region.",
    "The root cause was not addressed, only the symptom.",
)
AI_REOPEN_REASONS = (
    "The suggested steps worked once; the error is back.",
    "The drafted answer did not cover the customer's setup.",
)
RESOLUTIONS = (
    "configuration corrected",
    "quota increased",
    "guidance provided",
    "service-side issue mitigated",
    "documentation shared",
)
AI_RESOLUTION = "the drafted answer fixed it (confirmed by the requester)"
REVISED_RESOLUTION = "fix revised"
NO_REPLY_RESOLUTION = "solved after the requester did not reply"
REASSIGN_REASONS = (
    "The root cause is on the {team} side.",
    "Misrouted: the error comes from a {team} resource.",
    "Needs {team} expertise.",
)
HOLD_REASON = "waiting on the {product} service team"
RESUME_REASON = "the service team answered"
ASK_REASON = "asked the requester for details"
CONFIRM_REASON = "asked the requester to confirm the fix"
COMMENTS = {
    1: "The problem took far too long to resolve.",
    2: "Resolved eventually, but communication was slow.",
    3: "Acceptable support.",
    4: "Helpful and clear guidance.",
    5: "Excellent, fast and precise help.",
}
