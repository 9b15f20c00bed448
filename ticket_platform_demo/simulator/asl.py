"""A small Amazon States Language interpreter, so the offline simulator runs the workflow's own
definition (``lambdas/workflow/ticket_workflow.asl.json``) instead of a copy of its logic.

It implements the part of ASL (JSONPath flavour) the ticket workflow uses, following the AWS
specification: Task, Pass, Parallel, Choice, Succeed and Fail states; InputPath, Parameters,
ResultSelector, ResultPath and OutputPath; the context object (``$$.Execution.Name``,
``$$.Execution.StartTime``, ``$$.State.EnteredTime``); the intrinsics ``States.Format``,
``States.JsonToString``, ``States.StringToJson`` and ``States.Array``; Retry (interval, backoff
rate, max delay, full jitter, ``MaxAttempts: 0``) and Catch. ``States.Runtime`` errors (a path
that does not resolve) are neither retried nor caught, as in AWS.

Tasks are served by ``resources``: a mapping from the task's ``Resource`` ARN to a callable that
receives the evaluated ``Parameters`` and returns the task result. A callable signals a named
error by raising ``StatesError``; any other exception is named after its class, as Lambda names
an unhandled error by its type. Time comes from an injected clock, so a simulation can run in
simulated time, and retry delays are passed to an injected ``sleep``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Resource = Callable[[Any], Any]


class StatesError(Exception):
    """An error with an ASL name (``Lambda.TooManyRequestsException``, ``States.Timeout``...)."""

    def __init__(self, error: str, cause: str = ""):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class _RuntimeError(StatesError):
    def __init__(self, cause: str):
        super().__init__("States.Runtime", cause)


@dataclass
class ExecutionResult:
    name: str
    status: str  # SUCCEEDED | FAILED
    start_time: str = ""  # $$.Execution.StartTime
    output: Any = None
    error: str | None = None
    cause: str | None = None
    visited: list[str] = field(default_factory=list)  # state names in the order entered
    attempts: dict[str, int] = field(default_factory=dict)  # task invocations per state


def iso_timestamp(moment: datetime) -> str:
    """Step Functions' timestamp format: UTC, milliseconds, ``Z``."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------------------------------------
# Paths and intrinsic functions
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# The interpreter
# ---------------------------------------------------------------------------------------------
def _matches(error: str, names: list[str]) -> bool:
    if error == "States.Runtime":
        return False
    if "States.ALL" in names or error in names:
        return True
    return "States.TaskFailed" in names and error != "States.Timeout"


class LocalStateMachine:
    """Runs one ASL definition against in-process resources."""

    def __init__(
        self,
        definition: Mapping[str, Any],
        resources: Mapping[str, Resource],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = lambda seconds: None,
        seed: int = 0,
    ):
        self.definition = definition
        self.resources = resources
        self.clock = clock
        self.sleep = sleep
        self.random = random.Random(seed)

    def run(self, execution_input: Any, name: str) -> ExecutionResult:
        result = ExecutionResult(
            name=name, status="RUNNING", start_time=iso_timestamp(self.clock())
        )
        context = {
            "Execution": {"Name": name, "Input": execution_input, "StartTime": result.start_time},
            "State": {},
        }
        try:
            result.output = self._run_states(self.definition, execution_input, context, result)
            result.status = "SUCCEEDED"
        except StatesError as error:
            result.status, result.error, result.cause = "FAILED", error.error, error.cause
        return result

    def _run_states(self, machine, data, context, result) -> Any:
        states = machine["States"]
        name = machine["StartAt"]
        while True:
            state = states[name]
            context["State"] = {"Name": name, "EnteredTime": iso_timestamp(self.clock())}
            result.visited.append(name)
            kind = state["Type"]
            if kind == "Succeed":
                return self._output(state, data, context)
            if kind == "Fail":
                raise StatesError(state.get("Error", "States.Fail"), state.get("Cause", ""))
            if kind == "Choice":
                data = self._input(state, data, context)
                name = self._choose(state, data, context)
                continue
            try:
                data = self._execute(name, state, data, context, result)
            except StatesError as error:
                catcher = next(
                    (c for c in state.get("Catch", []) if _matches(error.error, c["ErrorEquals"])),
                    None,
                )
                if catcher is None:
                    raise
                payload = {"Error": error.error, "Cause": error.cause}
                data = write_path(data, catcher.get("ResultPath", "$"), payload)
                name = catcher["Next"]
                continue
            if state.get("End"):
                return data
            name = state["Next"]

    def _execute(self, name, state, raw_input, context, result) -> Any:
        data = self._input(state, raw_input, context)
        kind = state["Type"]
        if kind == "Pass":
            value = state.get("Result", data)
        elif kind == "Task":
            value = self._with_retries(name, state, lambda: self._invoke(state, data), result)
        elif kind == "Parallel":
            value = self._with_retries(
                name, state, lambda: self._parallel(state, data, context, result), result
            )
        else:
            raise _RuntimeError(f"unsupported state type {kind!r} in state {name!r}")
        if "ResultSelector" in state:
            value = evaluate_parameters(state["ResultSelector"], value, context)
        merged = write_path(raw_input, state.get("ResultPath", "$"), value)
        return self._output(state, merged, context)

    def _input(self, state, data, context) -> Any:
        if "InputPath" in state:
            data = read_path(data, state["InputPath"], context) if state["InputPath"] else {}
        if "Parameters" in state:
            data = evaluate_parameters(state["Parameters"], data, context)
        return data

    def _output(self, state, data, context) -> Any:
        if "OutputPath" in state:
            return read_path(data, state["OutputPath"], context) if state["OutputPath"] else {}
        return data

    def _invoke(self, state, parameters) -> Any:
        resource = self.resources.get(state["Resource"])
        if resource is None:
            raise StatesError("States.TaskFailed", f"no local resource for {state['Resource']}")
        try:
            return resource(parameters)
        except StatesError:
            raise
        except Exception as error:
            cause = json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)})
            raise StatesError(type(error).__name__, cause) from error

    def _parallel(self, state, data, context, result) -> list[Any]:
        outputs = []
        for branch in state["Branches"]:
            branch_context = {**context, "State": dict(context["State"])}
            outputs.append(self._run_states(branch, data, branch_context, result))
        return outputs

    def _with_retries(self, name, state, attempt, result) -> Any:
        retried: dict[int, int] = {}
        while True:
            result.attempts[name] = result.attempts.get(name, 0) + 1
            try:
                return attempt()
            except StatesError as error:
                found = next(
                    (
                        (index, retrier)
                        for index, retrier in enumerate(state.get("Retry", []))
                        if _matches(error.error, retrier["ErrorEquals"])
                    ),
                    None,
                )
                if found is None:
                    raise
                index, retrier = found
                done = retried.get(index, 0)
                if done >= retrier.get("MaxAttempts", 3):
                    raise
                retried[index] = done + 1
                self.sleep(self._delay(retrier, done))

    def _delay(self, retrier, done: int) -> float:
        delay = retrier.get("IntervalSeconds", 1) * retrier.get("BackoffRate", 2.0) ** done
        delay = min(delay, retrier.get("MaxDelaySeconds", delay))
        if retrier.get("JitterStrategy") == "FULL":
            delay = self.random.uniform(0, delay)
        return delay

    def _choose(self, state, data, context) -> str:
        for rule in state["Choices"]:
            if _rule_holds(rule, data, context):
                return rule["Next"]
        if "Default" not in state:
            raise StatesError("States.NoChoiceMatched", "no Choice rule matched and no Default")
        return state["Default"]


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "StringEquals": lambda a, b: isinstance(a, str) and a == b,
    "NumericEquals": lambda a, b: isinstance(a, int | float) and a == b,
    "NumericGreaterThan": lambda a, b: isinstance(a, int | float) and a > b,
    "NumericLessThan": lambda a, b: isinstance(a, int | float) and a < b,
    "BooleanEquals": lambda a, b: isinstance(a, bool) and a == b,
}


def _rule_holds(rule: Mapping[str, Any], data: Any, context: Mapping[str, Any]) -> bool:
    if "And" in rule:
        return all(_rule_holds(r, data, context) for r in rule["And"])
    if "Or" in rule:
        return any(_rule_holds(r, data, context) for r in rule["Or"])
    if "Not" in rule:
        return not _rule_holds(rule["Not"], data, context)
    variable = rule["Variable"]
    if "IsPresent" in rule:
        try:
            read_path(data, variable, context)
            present = True
        except StatesError:
            present = False
        return present == rule["IsPresent"]
    value = read_path(data, variable, context)
    for operator, compare in _COMPARISONS.items():
        if operator in rule:
            return compare(value, rule[operator])
        if f"{operator}Path" in rule:
            return compare(value, read_path(data, rule[f"{operator}Path"], context))
    raise _RuntimeError(f"unsupported Choice rule {sorted(rule)}")
