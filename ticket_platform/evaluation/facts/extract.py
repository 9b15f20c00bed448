"""Service-specific details in a reply's text: CLI commands, namespaces, metrics, log groups,
console pages with the console they are in, and feature mentions.

Extraction errs towards missing a detail rather than inventing one: a detail that is not found is
not checked, while a detail found by mistake could fail a correct reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CODE_SPAN = re.compile(r"```[^\n]*\n(.*?)```|`([^`\n]+)`", re.DOTALL)
_CLI = re.compile(
    r"(?<![\w/.-])aws[ \t]+([a-z0-9][a-z0-9-]*)(?:[ \t]+([a-z0-9][a-z0-9-]*))?([^\n`|;&]*)"
)
_OPTION = re.compile(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)")
_COMMAND_CUE = re.compile(r"\b(?:run|running|use|using|execute|command|cli|try|call)\b", re.I)
# A line that starts with the command (indented code under a list item, a shell prompt).
_COMMAND_LINE = re.compile(r"^\s*(?:[$>#]\s+)?$")
_NAMESPACE = re.compile(r"(?<![\w/])(AWS/[A-Za-z0-9][A-Za-z0-9./-]*[A-Za-z0-9])")
_METRIC_TOKEN = re.compile(r"(?<![\w/.-])([A-Z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*)(?![\w/-])")
_METRIC_CUE = re.compile(r"\bmetrics?\b", re.I)
# A CamelCase name said to be a metric: "the `MountTargetLatency` metric", "metric CacheHitRatio".
_NAME = r"[`'\"*]{0,2}(?P<%s>[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)[`'\"*]{0,2}"
_NAMED_METRIC = re.compile(
    _NAME % "before" + r"\s+metric\b(?!\s+(?:filter|math|stream|insights))"
    r"|\bmetric\s+(?:named\s+|called\s+)?" + _NAME % "after"
)
_LOG_GROUP = re.compile(
    r"(?<![\w.-])((?:/aws/|/aws-glue/|aws-waf-logs-|aws-cloudtrail-logs-)[^\s,;:'\"`)\]]*)"
)
_PLACEHOLDER = re.compile(r"<[^<>/\s]+>|\{[^{}/\s]+\}|\[[^\[\]/\s]+\]")
# A sentence ends at . ! or ? before a space or the end ("GetRecords.Bytes" is one word).
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+(?:[.!?]+|$)", re.MULTILINE)
_CONSOLE = re.compile(r"\b((?:Amazon |AWS )?[A-Z][\w-]*(?: [A-Z0-9][\w-]*){0,3}) [Cc]onsole\b")
_OPEN, _CLOSE = "'\"\u201c\u2018*", "'\"\u201d\u2019*"  # straight, curly quotes and bold
_QUOTED = re.compile(f"[{_OPEN}]{{1,2}}([A-Z][^{_CLOSE}\\n]{{1,50}}?)[{_CLOSE}]{{1,2}}")
_TITLED = re.compile(
    r"\b((?:[A-Z][\w&/-]*|and|or|of|for|to|in)(?: (?:[A-Z][\w&/-]*|and|or|of|for|to|in)){0,5})"
    r" (?:page|tab|section|pane|menu|view|dashboard)\b"
)
_BREADCRUMB = re.compile(r"(?:[A-Z][^>\n]{0,50}?\s+>\s+){1,6}[A-Z][^>\n.,;]{0,50}")


@dataclass(frozen=True, slots=True)
class CliMention:
    service: str
    command: str | None
    options: tuple[str, ...]
    text: str  # as written, e.g. "aws lambda get-function-config --function-name x"
    in_code: bool  # in a code span, or alone at the start of a line


@dataclass(frozen=True, slots=True)
class ConsoleMention:
    page: str  # as written
    console: str | None  # the console named in the same sentence ("CodeBuild"), if any
    sentence: str


def code_spans(text: str) -> list[str]:
    """The contents of code blocks and inline code."""
    return [block or inline for block, inline in _CODE_SPAN.findall(text)]


def cli_commands(text: str) -> list[CliMention]:
    """``aws <service> <command> --options`` in code, or in prose after a cue like "run"."""
    found: list[CliMention] = []
    seen: set[str] = set()
    sources = [(span, True) for span in code_spans(text)]
    sources += [(line, False) for line in _CODE_SPAN.sub(" ", text).splitlines()]
    for source, in_code in sources:
        for match in _CLI.finditer(source):
            raw = " ".join(match.group(0).split())
            if raw in seen:
                continue
            before = source[: match.start()]
            at_line_start = bool(_COMMAND_LINE.match(before))
            if not (in_code or at_line_start or _COMMAND_CUE.search(before[-60:])):
                continue
            seen.add(raw)
            command = match.group(2)
            rest = match.group(3) or ""
            found.append(
                CliMention(
                    service=match.group(1),
                    command=command,
                    options=tuple(dict.fromkeys(_OPTION.findall(rest))),
                    text=raw,
                    in_code=in_code or at_line_start,
                )
            )
    return found


def namespaces(text: str) -> list[str]:
    """``AWS/Lambda``-style CloudWatch namespaces, in order, once each."""
    return list(dict.fromkeys(m.rstrip(".") for m in _NAMESPACE.findall(text)))


def metric_candidates(text: str, known: Iterable[str] | frozenset[str]) -> list[tuple[str, str]]:
    """(metric, sentence) for known metric names in the text. A one-hump name ("Errors",
    "Duration") counts only in code, quotes or a sentence that says "metric"."""
    known_set = known if isinstance(known, frozenset | set | dict) else frozenset(known)
    quoted = {span.strip() for span in code_spans(text)}
    found: dict[str, str] = {}
    for sentence in sentences(text):
        cue = bool(_METRIC_CUE.search(sentence))
        for token in _METRIC_TOKEN.findall(sentence):
            if token not in known_set or token in found:
                continue
            humps = sum(1 for ch in token if ch.isupper())
            if humps >= 2 or "." in token or "_" in token or cue or token in quoted:
                found[token] = sentence
    return list(found.items())


def named_metrics(text: str) -> list[tuple[str, str]]:
    """(name, sentence) for CamelCase names the text calls a metric ("the `CacheHitRatio`
    metric"), known or not: at least two capitals and a lower-case letter ("CPU" is no name)."""
    found: dict[str, str] = {}
    for sentence in sentences(text):
        for match in _NAMED_METRIC.finditer(sentence):
            name = match.group("before") or match.group("after")
            if sum(ch.isupper() for ch in name) >= 2 and name not in found:
                found[name] = sentence
    return list(found.items())


def log_groups(text: str) -> list[tuple[str, str]]:
    """(log group name, its sentence): ``/aws/lambda/<fn>`` becomes ``/aws/lambda/x`` (a
    placeholder is one segment); each name once."""
    found: dict[str, str] = {}
    for sentence in sentences(text):
        for raw in _LOG_GROUP.findall(sentence):
            name = _PLACEHOLDER.sub("x", raw).rstrip(".*/")
            if (name.count("/") >= 2 or not name.startswith("/")) and name not in found:
                found[name] = sentence
    return list(found.items())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def console_pages(text: str) -> list[ConsoleMention]:
    """Pages and tabs named where the reply talks about a console, with the console's name.

    Candidates are quoted names, breadcrumb segments (``Clusters > Compute``) and Title Case names
    followed by page/tab/section/pane/menu/view, in sentences that mention a console or hold a
    breadcrumb."""
    found: list[ConsoleMention] = []
    for sentence in sentences(text):
        breadcrumbs = _BREADCRUMB.findall(sentence)
        if "console" not in sentence.lower() and not breadcrumbs:
            continue
        consoles = _CONSOLE.findall(sentence)
        console = consoles[0] if consoles else None
        pages = [m for m in _QUOTED.findall(sentence)]
        pages += [m for m in _TITLED.findall(sentence)]
        for crumb in breadcrumbs:
            pages += [part.strip(" '\"*") for part in crumb.split(">")]
        for page in dict.fromkeys(p.strip() for p in pages if p.strip()):
            found.append(ConsoleMention(page, console, sentence))
    return found
