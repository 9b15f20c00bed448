"""Actionable guidance: the steps of a response, which of them are specific, and the requests
for information that are not steps."""

import re
from dataclasses import dataclass
from functools import cache

from ticket_platform.evaluation.text_checks.products import (
    _specific_vocab,
    _term_pattern,
    catalog,
    product_words,
)
from ticket_platform.evaluation.text_checks.prose import _I, CODE_SPAN, prose

_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|step\s+\d{1,2}\s*[:.)-]|[-*\u2022\u2013])\s+(\S.*)$", _I)
_REQUEST_INTRO = re.compile(
    r"\b(?:provide|share|send|include|attach|let us know|tell us|reply with|gather|collect)\b"
    r"|\b(?:details|information) (?:we need|needed|required)\b",
    _I,
)
_STEP_INTRO = re.compile(r"\bsteps?\b|\btry\b", _I)
_VERBS = frozenset((
    "review", "check", "verify", "confirm", "open", "run", "use", "enable", "disable", "ensure",
    "consider", "explore", "navigate", "go", "select", "choose", "click", "set", "update",
    "increase", "decrease", "add", "remove", "create", "delete", "compare", "look", "search",
    "query", "inspect", "examine", "test", "try", "restart", "reboot", "stop", "start", "monitor",
    "adjust", "configure", "attach", "detach", "modify", "validate", "analyze", "analyse",
    "identify", "filter", "rerun", "re-run", "retry", "apply", "deploy", "redeploy", "rotate",
    "grant", "revoke", "tag", "upgrade", "downgrade", "migrate", "switch", "double-check",
    "follow", "install", "raise", "lower", "reduce", "scale", "allocate", "assign", "specify",
    "edit", "refresh", "clear", "capture", "collect", "note", "record", "call", "invoke",
    "execute", "restore", "recreate", "change", "move", "replace", "turn", "watch", "audit",
    "trace", "list", "describe", "view", "evaluate", "optimize", "optimise", "tune", "limit",
    "restrict", "purge", "terminate", "upload", "download", "export", "import", "implement",
    "schedule", "simulate", "troubleshoot", "debug", "make", "access", "locate", "find",
    "determine", "measure", "reproduce", "isolate", "roll", "revert", "pin", "patch", "flush",
    "invalidate", "provision", "resize", "split", "read", "assess", "correlate", "submit",
    "request", "activate", "deactivate", "define", "extend", "shorten", "increment", "reset",
    "align", "process", "avoid", "mount", "design", "connect", "convert", "wait", "reuse", "ask",
    "narrow", "trigger", "exempt", "re-authorize", "reauthorize", "reconnect", "rebuild", "retest",
    "utilize", "utilise", "leverage",
))  # fmt: skip
_REQUEST_VERBS = frozenset((
    "provide", "share", "send", "attach", "include", "reply", "tell", "contact", "reach",
    "notify", "forward", "email",
))  # fmt: skip
_LEAD = re.compile(
    r"^(?:(?:please|first|then|next|finally|also|additionally|lastly|optionally|second|third)"
    r",?\s+)+",
    _I,
)
_CLAUSE = re.compile(
    r"^(?:in|on|from|within|using|under|via|for|if|when|after|before|once|to|with|as|while)\b"
    r"[^,]{0,100},\s*",
    _I,
)
_HEDGE = re.compile(
    r"^(?:you (?:can|could|should|may|might) (?:also )?|we (?:recommend|suggest) (?:that you )?"
    r"|it is (?:recommended|advisable) to )",
    _I,
)
_LABEL = re.compile(r"^[^:\s][^:]{0,40}:\s+")  # "CloudWatch metrics: review ..."
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# What makes a step specific: the rubric's console, logs, metrics, command, plus a named setting or
# resource (service vocabulary of the catalog, an API/metric identifier, a resource id).
_SPECIFIC = {
    "console": re.compile(r"\bconsole\b", _I),
    "logs": re.compile(
        r"\blog(?:s|\s+groups?|\s+streams?|\s+files?)?\b|\bCloudTrail\b"
        r"|\b(?:event|execution|query|scaling activity|deployment|build) history\b"
        r"|\bevents? tab\b",
        _I,
    ),
    "metrics": re.compile(
        r"\bmetrics?\b|\bCloudWatch\b|\balarms?\b|\bX-Ray\b|\btrac(?:e|es|ing)\b"
        r"|\b(?:Container|Performance|Contributor) Insights\b",
        _I,
    ),
    "command": re.compile(
        rf"\b{CODE_SPAN}\b|\baws\s+[a-z0-9-]+\s+[a-z0-9-]+|\bkubectl\b|\bcommand\b|\bCLI\b|\bAPI\b"
    ),
}
# CamelCase (CPUUtilization), ARNs, resource ids (db-prod-01), snake case (STL_ALERT_EVENT_LOG,
# max_connections).
_IDENTIFIER = re.compile(
    r"\b[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+\b|\barn:aws\S*"
    r"|\b(?=[a-z0-9-]*\d)[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b"
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b[a-z]+(?:_[a-z0-9]+)+\b"
)
_AWS_TERMS = (
    "IAM role", "IAM policy", "IAM permissions", "service quota", "Service Quotas", "timeout",
    "Session Manager", "Trusted Advisor", "Health Dashboard", "Reachability Analyzer", "IOPS",
    "VPC endpoint", "Enhanced Monitoring", "retention period", "Auto Scaling group", "WLM",
    "scaling policy", "cooldown period", "memory size", "volume type", "storage class",
    "lifecycle policy", "workload management", "permission boundary", "key state",
    "retry policy", "service-linked role",
)  # fmt: skip
_URL = re.compile(r"\bhttps?://\S+")


@dataclass(frozen=True, slots=True)
class Step:
    """One executable instruction, and what makes it specific (empty when nothing does)."""

    text: str
    markers: tuple[str, ...]

    @property
    def specific(self) -> bool:
        return bool(self.markers)


@cache
def _named_setting() -> re.Pattern[str] | None:
    """A named setting or resource: the products' own vocabulary and common AWS terms."""
    return _term_pattern([*_specific_vocab(t for p in catalog() for t in p.vocab), *_AWS_TERMS])


def step_markers(step: str) -> tuple[str, ...]:
    """What ``step`` refers to among console, logs, metrics, command and a named setting.

    A link counts only when it opens the console: documentation is not a step's target.
    """
    step = _URL.sub(lambda m: " console " if "console." in m.group(0) else " ", step)
    markers = [name for name, pattern in _SPECIFIC.items() if pattern.search(prose(step))]
    named = _named_setting()
    setting = named.search(step) if named else None
    identifiers = [m for m in _IDENTIFIER.findall(step) if m not in product_words()]
    if setting:
        markers.append(f"setting: {setting.group(0)}")
    elif identifiers:
        markers.append(f"identifier: {identifiers[0]}")
    return tuple(markers)


def _core(sentence: str) -> tuple[str, bool]:
    """The sentence from its main verb on (without "Please", "In the console, "...), and whether
    it was hedged ("You can ...", "We recommend ...")."""
    core = sentence.strip().lstrip("*_ ")
    for _ in range(3):
        core = _CLAUSE.sub("", _LEAD.sub("", core))
    hedged = _HEDGE.match(core) is not None
    return _HEDGE.sub("", core), hedged


def _first_word(core: str) -> str:
    match = re.match(r"[A-Za-z][A-Za-z-]*", core)
    return match.group(0).lower() if match else ""


def is_request(sentence: str) -> bool:
    """A request for information from the customer ("Please provide ...", a question)."""
    core, _ = _core(sentence)
    asks = _first_word(core) in _REQUEST_VERBS or re.match(r"let (?:us|me) know\b", core, _I)
    return sentence.rstrip().endswith("?") or bool(asks)


def is_instruction(sentence: str) -> bool:
    """An imperative sentence telling the customer to do something (requests excluded)."""
    if is_request(sentence):
        return False
    for candidate in (sentence, _LABEL.sub("", sentence.strip(), count=1)):
        core, hedged = _core(candidate)
        word = _first_word(core)
        forms = {word}
        if hedged and word.endswith("ing"):  # "we recommend enabling / setting / using"
            forms |= {word[:-3], word[:-4], f"{word[:-3]}e"}
        if forms & _VERBS:
            return True
    return False


def _lists(text: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The lists of ``text`` as (intro line, items), and its prose lines outside lists."""
    lists: list[tuple[str, list[str]]] = []
    prose_lines: list[str] = []
    intro, in_list = "", False
    for line in text.splitlines():
        item = _ITEM.match(line)
        if item:
            if not in_list:
                lists.append((intro, []))
                in_list = True
            lists[-1][1].append(item.group(1).strip())
        elif in_list and line[:1] in (" ", "\t") and line.strip():
            lists[-1][1][-1] += " " + line.strip()  # a wrapped list item
        elif line.strip():
            intro, in_list = line.strip(), False
            prose_lines.append(intro)
    return lists, prose_lines


def _requests_list(intro: str) -> bool:
    return bool(_REQUEST_INTRO.search(intro)) and not _STEP_INTRO.search(intro)


def extract_steps(text: str) -> list[Step]:
    """The executable steps of a response, in order.

    Steps are the imperative items of lists (numbered or bulleted) whose intro is not a request
    for information, plus imperative sentences in the prose. List intros (lines ending with ":"),
    requests ("please provide ...", "reply with ...") and questions are not steps.
    """
    lists, prose_lines = _lists(text)
    candidates = [item for intro, items in lists if not _requests_list(intro) for item in items]
    for line in prose_lines:
        candidates += [s for s in _SENTENCE_END.split(line) if not s.rstrip().endswith(":")]
    return [Step(s, step_markers(s)) for s in candidates if is_instruction(s)]


def info_requests(text: str) -> list[str]:
    """What the response asks the customer to send: items of request lists, request sentences."""
    lists, prose_lines = _lists(text)
    found = [item for intro, items in lists if _requests_list(intro) for item in items]
    found += [
        item
        for intro, items in lists
        if not _requests_list(intro)
        for item in items
        if is_request(item)
    ]
    for line in prose_lines:
        found += [
            s for s in _SENTENCE_END.split(line) if is_request(s) and not s.rstrip().endswith(":")
        ]
    return found
