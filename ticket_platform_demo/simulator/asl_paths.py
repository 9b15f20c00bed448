"""How the ASL interpreter (``asl``) reads and writes JSON: paths (``$.a.b[0]``, ``$$`` for the
context object), the intrinsic functions (``States.Format``, ``States.JsonToString``,
``States.StringToJson``, ``States.Array``) and ``Parameters`` templates, with the errors that carry
an ASL name (``StatesError``; ``States.Runtime`` when a path does not resolve).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any


class StatesError(Exception):
    """An error with an ASL name (``Lambda.TooManyRequestsException``, ``States.Timeout``...)."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class _RuntimeError(StatesError):
    def __init__(self, cause: str):
        super().__init__("States.Runtime", cause)


_PATH_TOKEN = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]")


def _path_steps(path: str) -> list[str | int]:
    body = path[1:]
    steps: list[str | int] = []
    position = 0
    while position < len(body):
        match = _PATH_TOKEN.match(body, position)
        if not match:
            raise _RuntimeError(f"unsupported JSONPath {path!r}")
        name, index, quoted = match.groups()
        steps.append(int(index) if index is not None else name if name is not None else quoted)
        position = match.end()
    return steps


def read_path(data: Any, path: str, context: Mapping[str, Any]) -> Any:
    """The value at a reference path (``$.a.b[0]``) or context path (``$$.Execution.Name``)."""
    root, rest = (context, path[1:]) if path.startswith("$$") else (data, path)
    if not rest.startswith("$"):
        raise _RuntimeError(f"not a path: {path!r}")
    value = root
    for step in _path_steps(rest):
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            raise _RuntimeError(f"the JSONPath {path!r} could not be found in the input") from None
    return value


def write_path(data: Any, path: str | None, value: Any) -> Any:
    """``data`` with ``value`` placed at ``path`` (ResultPath semantics, on a copy)."""
    if path is None:
        return data
    if path == "$":
        return value
    # Copy-on-write along the path only: nothing in this interpreter mutates a value in place,
    # so the untouched branches can be shared (a deep copy per state dominated run time).
    steps = _path_steps(path)
    result = dict(data) if isinstance(data, dict) else {}
    target = result
    for step in steps[:-1]:
        child = target.get(step)
        target[step] = dict(child) if isinstance(child, dict) else {}
        target = target[step]
    target[steps[-1]] = value
    return result


_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:\\.|[^'\\])*')|(?P<call>States\.\w+)\s*\(|(?P<close>\))|(?P<comma>,)"
    r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<literal>true|false|null)|(?P<path>\$\$?[^,)\s]*))"
)


def evaluate_intrinsic(expression: str, data: Any, context: Mapping[str, Any]) -> Any:
    """Evaluate ``States.Format('{}:X', $.a)`` and friends."""
    tokens = _tokenize(expression)
    value, position = _parse_call(tokens, 0, data, context)
    if position != len(tokens):
        raise _RuntimeError(f"trailing input in intrinsic {expression!r}")
    return value


def _tokenize(expression: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(expression):
        if expression[position:].isspace():
            break
        match = _TOKEN.match(expression, position)
        if not match:
            raise _RuntimeError(f"cannot parse intrinsic at {expression[position:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match[kind]))
        position = match.end()
    return tokens


def _parse_call(tokens, position, data, context) -> tuple[Any, int]:
    kind, name = tokens[position]
    if kind != "call":
        raise _RuntimeError(f"expected an intrinsic function, got {name!r}")
    position += 1
    args: list[Any] = []
    while tokens[position][0] != "close":
        kind, text = tokens[position]
        if kind == "call":
            value, position = _parse_call(tokens, position, data, context)
        else:
            value, position = _literal(kind, text, data, context), position + 1
        args.append(value)
        if tokens[position][0] == "comma":
            position += 1
    return _INTRINSICS.get(name, _unknown(name))(*args), position + 1


def _literal(kind: str, text: str, data: Any, context: Mapping[str, Any]) -> Any:
    if kind == "string":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if kind == "number":
        return float(text) if "." in text else int(text)
    if kind == "literal":
        return json.loads(text)
    if kind == "path":
        return read_path(data, text, context)
    raise _RuntimeError(f"unexpected token {text!r} in intrinsic")


def _format(template: str, *values: Any) -> str:
    parts = re.split(r"(?<!\\)\{\}", template)
    if len(parts) - 1 != len(values):
        raise _RuntimeError(
            f"States.Format: {len(parts) - 1} placeholder(s), {len(values)} argument(s)"
        )
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        shown = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        out += [shown, part]
    return "".join(out).replace("\\{", "{").replace("\\}", "}")


def _unknown(name: str) -> Callable[..., Any]:
    def fail(*_: Any) -> Any:
        raise _RuntimeError(f"unsupported intrinsic function {name}")

    return fail


_INTRINSICS: dict[str, Callable[..., Any]] = {
    "States.Format": _format,
    "States.JsonToString": lambda value: json.dumps(value, separators=(",", ":")),
    "States.StringToJson": lambda text: json.loads(text),
    "States.Array": lambda *values: list(values),
}


def evaluate_parameters(template: Any, data: Any, context: Mapping[str, Any]) -> Any:
    """A Parameters / ResultSelector template with every ``key.$`` resolved."""
    if isinstance(template, dict):
        resolved = {}
        for key, value in template.items():
            if key.endswith(".$"):
                resolved[key[:-2]] = (
                    evaluate_intrinsic(value, data, context)
                    if value.startswith("States.")
                    else read_path(data, value, context)
                )
            else:
                resolved[key] = evaluate_parameters(value, data, context)
        return resolved
    if isinstance(template, list):
        return [evaluate_parameters(item, data, context) for item in template]
    return template
