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
from ticket_platform.evaluation.text_checks.step_layout import is_command_line
from ticket_platform.evaluation.text_checks.step_layout import layout as cut_layout

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
    "utilize", "utilise", "leverage", "give", "pull", "push", "write", "keep", "put", "get",
    "graph", "shorten", "lengthen", "recycle", "broadcast", "override", "register", "associate",
    "disassociate", "allow", "deny", "generate", "pass", "publish", "tighten", "re-enable",
    "see", "crop", "train", "retrain", "compress", "bump", "point", "re-activate", "reactivate",
))  # fmt: skip
_REQUEST_VERBS = frozenset((
    "provide", "share", "send", "attach", "include", "reply", "tell", "contact", "reach",
    "notify", "forward", "email",
))  # fmt: skip
_LEAD = re.compile(
    r"^(?:(?:please|first|then|next|finally|also|additionally|lastly|optionally|second|third"
    r"|alternatively|instead|afterwards|now)"
    r",?\s+)+",
    _I,
)
_CLAUSE = re.compile(
    r"^(?:in|on|from|within|using|under|via|for|if|when|after|before|once|to|with|as|while"
    r"|because|since|unless|until|where|whenever)\b"
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
    # A click path ("Manage QuickSight > Domains and Embedding", "**EC2** > **Auto Scaling
    # groups**") or a named page, tab or option ("the **Events** tab", "the 'Edit' option").
    "console page": re.compile(
        r"[A-Za-z0-9*'\"][\w .*'\"()-]{0,40}\s+>\s+[*'\"]{0,2}[A-Z]"
        r"|(?:\*\*[^*\n]{1,40}\*\*|'[^'\n]{1,40}'|\"[^\"\n]{1,40}\""
        r"|\b(?!(?:The|This|That|These|Those|Each|Every|Any|An?|Your|Our|Its|Their|Another|Next"
        r"|Same|Other|One)\b)[A-Z][a-z]+(?: [A-Z][a-z]+)*)"
        r"\s+(?:tab|page|pane|panel|menu|button|option|section|wizard)\b"
    ),
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
    "retry policy", "service-linked role", "memory allocation", "memory configuration",
    "configured memory", "memory configured", "time range", "node type", "volume size",
    "exit code", "batch size",
)  # fmt: skip
_URL = re.compile(r"\bhttps?://\S+")
# A generic object: what the rubric's "Review your configuration" stands for.
_GENERIC_OBJECT = re.compile(
    r"\b(?:any|recent|latest)\s+(?:recent\s+)?(?:changes|updates|modifications)\b"
    r"|\b(?:properly|correctly|appropriately)\s+(?:configured|set\s+up)\b"
    r"|\bconfigured\s+(?:properly|correctly|appropriately)\b"
    r"|\b(?:the|your|its|their|and|or)\s+(?:configurations?|settings|setup|set-up)\b"
    r"(?=\s*$|\s*[.,;:)]|\s+(?:of|for|in|on|to|and|or|is|are|that|which|with|settings?)\b)",
    _I,
)
_EXAMPLES = re.compile(r"\b(?:including|such as|for example|e\.g\.|in particular)\s", _I)
# Where a step's purpose begins ("... to ensure they are correctly configured"): the generic
# words of a purpose do not make the step's object generic.
_PURPOSE = re.compile(
    r"\s(?:to\s+(?:ensure|verify|confirm|make sure|see|identify|check)|so that|that (?:might|may|could))\b",
    _I,
)
# Markers that name what to look at; the bare word "console" or a resource name alone do not.
_STRONG_MARKERS = frozenset(("logs", "metrics", "command", "console page", "identifier"))


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


@cache
def _named_feature() -> re.Pattern[str] | None:
    """A feature or console page the AWS fact base names ("Custom Labels", "schema discovery",
    "build history"): several words case-insensitively, one capitalised word as written."""
    from ticket_platform.evaluation.facts.base import fact_base  # the fact base loads lazily

    names = {n for s in fact_base().services.values() for n in (*s.feature_names, *s.console_pages)}
    phrases = [n for n in names if " " in n.strip()]
    words = [n for n in names if " " not in n.strip() and re.search(r"[A-Z]", n)]
    parts = [re.escape(n).replace(r"\ ", r"\s+") for n in sorted(phrases, key=len, reverse=True)]
    cased = [re.escape(n) for n in sorted(words, key=len, reverse=True)]
    if not parts and not cased:
        return None
    alternatives = [f"(?i:{'|'.join(parts)})"] if parts else []
    alternatives += [f"(?:{'|'.join(cased)})"] if cased else []
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?:s|es)?(?![\w-])")


def generic_wording(step: str) -> str | None:
    """The words that make ``step`` generic ("recent changes", "properly configured", "the
    configuration"), when nothing but the bare word "console" or a named resource makes it
    specific: "Review your configuration" is not specific, in the console or not."""
    match = _GENERIC_OBJECT.search(_PURPOSE.split(prose(step), maxsplit=1)[0])
    if match is None or _STRONG_MARKERS & {m.split(":")[0] for m in _raw_markers(step)}:
        return None
    examples = _EXAMPLES.split(step, maxsplit=1)
    if len(examples) > 1 and _raw_markers(examples[1]):  # "..., including permission boundaries"
        return None
    return match.group(0)


def step_markers(step: str) -> tuple[str, ...]:
    """What ``step`` refers to among console, logs, metrics, command and a named setting.

    A link counts only when it opens the console: documentation is not a step's target. A step
    whose object is generic (``generic_wording``) refers to nothing specific.
    """
    return () if generic_wording(step) else _raw_markers(step)


def _raw_markers(step: str) -> tuple[str, ...]:
    text = _URL.sub(lambda m: " console " if "console." in m.group(0) else " ", prose(step))
    markers = [name for name, pattern in _SPECIFIC.items() if pattern.search(text)]
    step = _URL.sub(" ", step)
    named = _named_setting()
    setting = named.search(step) if named else None
    identifiers = [m for m in _IDENTIFIER.findall(step) if m not in product_words()]
    if identifiers:
        markers.append(f"identifier: {identifiers[0]}")
    if setting:
        markers.append(f"setting: {setting.group(0)}")
    elif (feature_pattern := _named_feature()) and (feature := feature_pattern.search(step)):
        markers.append(f"setting: {feature.group(0)}")
    return tuple(markers)


def _core(sentence: str) -> tuple[str, bool]:
    """The sentence from its main verb on (without "Please", "In the console, "...), and whether
    it was hedged ("You can ...", "We recommend ...")."""
    core = sentence.strip().lstrip("#*_ ")
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


# A list intro that asks the customer to do each item ("Please check:", "Recommended steps").
_INSTRUCTIVE_INTRO = re.compile(
    r"\bsteps?\b|\btry\b"
    r"|\b(?:check|review|verify|confirm|inspect|look at|recommend\w*|suggest\w*|do next)\b",
    _I,
)


def _has_command(text: str) -> bool:
    spans = re.findall(r"`([^`\n]+)`", text)
    return any(is_command_line(span) for span in spans) or bool(
        re.search(r"\baws\s+[a-z0-9-]+\s+[a-z0-9]+-[a-z0-9-]+", text)
    )


def _requests_list(intro: str) -> bool:
    """An intro asking for information: it introduces the list (ends with ":") or is itself a
    request, so a paragraph that merely says "fair share" does not make the list a request."""
    introduces = intro.rstrip().endswith(":") or is_request(_sentences(intro or " ")[-1])
    return introduces and bool(_REQUEST_INTRO.search(intro)) and not _STEP_INTRO.search(intro)


def _sentences(text: str) -> list[str]:
    """The sentences of ``text``; a full stop inside a code span does not end one."""
    masked = re.sub(r"`[^`\n]*`", lambda m: "`" * len(m.group(0)), text)
    sentences, start = [], 0
    for end in _SENTENCE_END.finditer(masked):
        sentences.append(text[start : end.start()])
        start = end.end()
    sentences.append(text[start:])
    return [sentence for sentence in sentences if sentence.strip()]


def _item_is_step(item: str, intro_instructs: bool) -> bool:
    """A list item is a step when it tells the customer to do something, holds a command, or is
    one of the things an instruction intro ("Please check:") asks to look at."""
    sentences = _sentences(item)
    if not sentences or is_request(sentences[0]) or item.rstrip().endswith("?"):
        return False
    return (
        intro_instructs
        or _has_command(item)
        or _CLICK_PATH.search(item) is not None
        or any(is_instruction(c) for s in sentences for c in _clauses(s))
    )


# A console click path ("CloudFront console > Distributions > ..."): navigating is a step.
_CLICK_PATH = re.compile(r"[A-Za-z0-9*'\"][\w .*'\"()-]{0,40}\s+>\s+[*'\"]{0,2}[A-Z]")
# Where a sentence joins a second action: "..., then run ...", "...; check ...", "..., and open".
_JOIN = re.compile(r"\s*;\s+|,?\s+(?:and\s+)?then\s+|,\s+(?:and|or)\s+(?=[a-z])|,\s+(?=[a-z])", _I)


def _clauses(sentence: str) -> list[str]:
    """The sentence and the parts after each join ("..., then re-activate ...")."""
    return [sentence, *(sentence[m.end() :] for m in _JOIN.finditer(sentence))]


def _prose_steps(sentence: str) -> list[str]:
    """The actions of a prose sentence: each part that is an instruction or holds a command
    ("First, open ... Then run ..."; "Check ... with `aws ...`, and look at ..."). A part that is
    neither stays with the action next to it (a leading clause with the action after it)."""
    cuts = [(m.start(), m.end()) for m in _JOIN.finditer(sentence)]
    starts = [0, *(end for _, end in cuts)]
    stops = [*(start for start, _ in cuts), len(sentence)]
    steps: list[str] = []
    pending = ""
    for begin, stop, raw_stop in zip(starts, stops, [*starts[1:], len(sentence)], strict=True):
        part = sentence[begin:stop]
        if not is_request(part) and (is_instruction(part) or _has_command(part)):
            steps.append(pending + sentence[begin:raw_stop])
            pending = ""
        elif steps:
            steps[-1] += sentence[begin:raw_stop]
        else:
            pending += sentence[begin:raw_stop]
    return [step.strip() for step in steps]


def extract_steps(text: str) -> list[Step]:
    """The executable steps of a response, in order of kind.

    Steps are the items of lists (numbered or bulleted) whose intro is not a request for
    information, when the item is an instruction, holds a command, or the intro asks to check
    each item; imperative sentences in the prose; and commands on their own lines or in code
    blocks. List intros (lines ending with ":"), requests ("please provide ...", "reply with
    ...") and questions are not steps.
    """
    layout = cut_layout(text)
    steps = [
        Step(item, step_markers(item))
        for intro, items in layout.lists
        if not _requests_list(intro)
        for item in items
        if _item_is_step(item, bool(_INSTRUCTIVE_INTRO.search(intro)) and not is_request(intro))
    ]
    for line in layout.prose_lines:
        sentences = [s for s in _sentences(line) if not s.rstrip().endswith(":")]
        actions = [a for s in sentences if not is_request(s) for a in _prose_steps(s)]
        steps += [Step(a, step_markers(a)) for a in actions]
    steps += [Step(c, ("command",)) for c in layout.commands]
    return steps


def info_requests(text: str) -> list[str]:
    """What the response asks the customer to send: items of request lists, request sentences."""
    layout = cut_layout(text)
    lists, prose_lines = layout.lists, layout.prose_lines
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
