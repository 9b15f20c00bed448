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
simulated time, and retry delays are passed to an injected ``sleep``. Paths, intrinsics and
``Parameters`` templates are evaluated by ``asl_paths``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ticket_platform_demo.simulator.asl_paths import (
    StatesError,
    _RuntimeError,
    evaluate_parameters,
    read_path,
    write_path,
)

Resource = Callable[[Any], Any]


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
