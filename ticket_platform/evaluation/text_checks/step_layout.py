"""The layout of a reply: its lists with their items, its prose lines, and its commands.

``steps`` reads the steps out of this layout; this module only cuts the text: markdown tables
become lists, a heading is a title over the lines under it, indented commands and code blocks
belong to the list item above them, and a command continued with a trailing backslash is one.
"""

import re
from dataclasses import dataclass

from ticket_platform.evaluation.text_checks.prose import _I

_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|step\s+\d{1,2}\s*[:.)-]|[-*\u2022\u2013])\s+(\S.*)$", _I)
# A command line: a shell prompt, a CLI tool with an argument, or an SQL statement.
_COMMAND_LINE = re.compile(
    r"^\s*(?:\$\s+)?(?:sudo\s+)?(?:aws|kubectl|eksctl|sam|cdk|copilot|curl|wget|dig|nslookup"
    r"|ping|traceroute|telnet|nc|openssl|ssh|mount|systemctl|journalctl|docker|git|pip3?|npm"
    r"|python3?|psql|mysql|redis-cli|terraform|helm|ss|netstat|tail|grep)\s+\S"
    r"|^\s*(?:SELECT|SHOW|EXPLAIN|ALTER|CREATE|UPDATE|INSERT|DELETE|GRANT|VACUUM|ANALYZE|CALL)"
    r"\s+\S"
)
_FENCE = re.compile(r"^\s*```")
_INDENTED = re.compile(r"^(?: {2,}|\t)\S")


def is_command_line(line: str) -> bool:
    """A line that is a command to run (``aws ...``, ``dig ...``, an SQL statement)."""
    return _COMMAND_LINE.match(line) is not None


@dataclass
class Layout:
    """A response cut into lists (intro, items), prose lines and commands outside lists."""

    lists: list[tuple[str, list[str]]]
    prose_lines: list[str]
    commands: list[str]


_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")
_ROW_NUMBER = re.compile(r"^(?:step\s*)?\d{1,2}[.)]?$", _I)


def _tables_as_lists(text: str) -> str:
    """Markdown tables as bulleted lists: a header row (the row above the ``|---|`` rule) and
    the rule go, each other row becomes an item of its cells ("| 1 | Open ... |" -> "- Open ...")."""
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        row = _TABLE_ROW.match(line)
        if row is None:
            out.append(line)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _TABLE_RULE.match(line) or _TABLE_RULE.match(following):
            continue
        cells = [c.strip() for c in row.group(1).split("|")]
        cells = [c for c in cells if c and not _ROW_NUMBER.match(c)]
        if cells:
            out.append("- " + ": ".join(cells))
    return "\n".join(out)


# A heading: "## Check the logs", or a line that is bold from end to end ("**Option 1**").
_HEADING = re.compile(r"^(?:#{1,6}\s+.*|\*\*[^*\n]+\*\*:?|__[^_\n]+__:?)$")


def _code_only_command(line: str) -> bool:
    """A line that is nothing but a command in a code span ("`aws kms update-alias ...`")."""
    span = re.fullmatch(r"\s*`([^`\n]+)`[.:]?\s*", line)
    return span is not None and is_command_line(span.group(1))


def layout(text: str) -> Layout:
    """Lists with their items (wrapped lines, and the indented commands and code blocks that
    follow an item, belong to it), prose lines outside lists, and command lines outside lists
    (a command continued with a trailing backslash is one command)."""
    cut = Layout([], [], [])
    intro, in_list, in_fence, joining = "", False, False, False
    for line in _tables_as_lists(text).splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        stripped = line.strip()
        if not stripped:
            continue
        item = None if in_fence else _ITEM.match(line)
        command = is_command_line(line) or (item is None and _code_only_command(line))
        if in_list and (in_fence or (item is None and _INDENTED.match(line))):
            code = in_fence or command
            code = code and not stripped.startswith("`")
            cut.lists[-1][1][-1] += f" `{stripped}`" if code else f" {stripped}"
        elif joining:
            cut.commands[-1] += " " + stripped
        elif command and item is None:
            cut.commands.append(stripped.strip("`.: "))
        elif in_fence:
            pass  # output, JSON or a policy in a code block is not a step by itself
        elif item:
            if not in_list:
                cut.lists.append((intro, []))
                in_list = True
            cut.lists[-1][1].append(item.group(1).strip())
        else:
            intro, in_list = stripped, False
            if not _HEADING.match(stripped):  # a title; the lines under it hold the steps
                cut.prose_lines.append(intro)
        joining = (joining or (command and item is None)) and stripped.endswith("\\")
    return cut
