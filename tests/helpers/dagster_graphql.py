"""What the Dagster UI shows, read from its GraphQL endpoint (``/graphql``): the code location,
asset checks, sensor and schedule ticks, runs and asset metadata. Plain HTTP (urllib), so a test
can ask the running ``dagster dev`` the same questions a person answers by looking at the UI."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass

# Check execution statuses a person sees as a failed check (red) in the UI.
FAILED_CHECK_STATUSES = ("FAILED", "EXECUTION_FAILED")
RUN_IN_FLIGHT_STATUSES = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING"]

_LOCATIONS = """
query { workspaceOrError { __typename ... on PythonError { message }
  ... on Workspace { locationEntries { name loadStatus locationOrLoadError {
    __typename ... on PythonError { message stack }
    ... on RepositoryLocation { repositories { name } } } } } } }
"""

_REPOSITORY = """
query { workspaceOrError { ... on Workspace { locationEntries { name locationOrLoadError {
  ... on RepositoryLocation { repositories { name
    sensors { name minIntervalSeconds sensorState { status
      ticks(limit: 25) { status timestamp error { message } } } }
    schedules { name scheduleState { status
      ticks(limit: 25) { status timestamp error { message } } } }
    assetNodes { assetKey { path } assetChecksOrError { __typename
      ... on AssetChecks { checks { name executionForLatestMaterialization {
        status partition runId evaluation { severity } } } } } }
  } } } } } } }
"""

_RUNS = """
query Runs($statuses: [RunStatus!]) { runsOrError(filter: {statuses: $statuses}, limit: 200) {
  __typename ... on Runs { results { runId jobName status
    tags { key value } } } } }
"""

_RUN_ERRORS = """
query RunErrors($runId: ID!) { runOrError(runId: $runId) { __typename
  ... on Run { eventConnection(afterCursor: null) { events { __typename
    ... on EngineEvent { message error { message } }
    ... on ExecutionStepFailureEvent { stepKey error { message } }
    ... on RunFailureEvent { message } } } } } }
"""

_MATERIALIZATIONS = """
query Materializations($path: [String!]!) { assetOrError(assetKey: {path: $path}) {
  __typename ... on Asset { assetMaterializations(limit: 50) { partition timestamp
    metadataEntries { label __typename
      ... on FloatMetadataEntry { floatValue } ... on IntMetadataEntry { intValue }
      ... on TextMetadataEntry { text } } } } } }
"""


class GraphQLError(RuntimeError):
    """The endpoint answered with errors."""


@dataclass(frozen=True)
class Instigator:
    """A sensor or schedule and its most recent ticks (newest first)."""

    kind: str  # "sensor" or "schedule"
    name: str
    status: str  # RUNNING or STOPPED
    min_interval_seconds: int | None
    tick_statuses: list[str]
    tick_errors: list[str]


@dataclass(frozen=True)
class CheckStatus:
    """The status the UI shows for a check: its execution for the latest materialization."""

    asset: str
    check: str
    status: str | None  # None: never executed
    severity: str | None
    partition: str | None
    run_id: str | None

    @property
    def failed(self) -> bool:
        return self.status in FAILED_CHECK_STATUSES


class DagsterGraphQL:
    """A client of one Dagster webserver's GraphQL endpoint."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        self.url = base_url.rstrip("/") + "/graphql"
        self.timeout = timeout

    def query(self, text: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": text, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            answer = json.load(response)
        if answer.get("errors"):
            raise GraphQLError(json.dumps(answer["errors"])[:2000])
        return answer["data"]

    def location_errors(self) -> tuple[bool, list[str]]:
        """(every code location loaded, the load errors of those that failed)."""
        workspace = self.query(_LOCATIONS)["workspaceOrError"]
        if workspace["__typename"] != "Workspace":
            return True, [workspace.get("message", workspace["__typename"])]
        entries = workspace["locationEntries"]
        loaded = bool(entries) and all(e["loadStatus"] == "LOADED" for e in entries)
        errors = [
            f"{e['name']}: {e['locationOrLoadError']['message']}"
            for e in entries
            if (e["locationOrLoadError"] or {}).get("__typename") == "PythonError"
        ]
        return loaded, errors

    def _repositories(self) -> list[dict]:
        workspace = self.query(_REPOSITORY)["workspaceOrError"]
        return [
            repository
            for entry in workspace["locationEntries"]
            for repository in (entry["locationOrLoadError"] or {}).get("repositories", [])
        ]

    def instigators(self) -> list[Instigator]:
        """Every sensor and schedule with its last 25 ticks."""
        found = []
        for repository in self._repositories():
            for kind, field, state in (
                ("sensor", "sensors", "sensorState"),
                ("schedule", "schedules", "scheduleState"),
            ):
                for item in repository[field]:
                    ticks = item[state]["ticks"]
                    found.append(
                        Instigator(
                            kind=kind,
                            name=item["name"],
                            status=item[state]["status"],
                            min_interval_seconds=item.get("minIntervalSeconds"),
                            tick_statuses=[t["status"] for t in ticks],
                            tick_errors=[t["error"]["message"] for t in ticks if t["error"]],
                        )
                    )
        return found

    def check_statuses(self) -> list[CheckStatus]:
        """Every asset check with the status of its latest execution, as the UI shows it."""
        statuses = []
        for repository in self._repositories():
            for node in repository["assetNodes"]:
                asset = "/".join(node["assetKey"]["path"])
                for check in (node["assetChecksOrError"] or {}).get("checks", []):
                    latest = check["executionForLatestMaterialization"] or {}
                    statuses.append(
                        CheckStatus(
                            asset=asset,
                            check=check["name"],
                            status=latest.get("status"),
                            severity=(latest.get("evaluation") or {}).get("severity"),
                            partition=latest.get("partition"),
                            run_id=latest.get("runId"),
                        )
                    )
        return statuses

    def runs(self, statuses: list[str] | None = None) -> list[dict]:
        """The newest 200 runs (with those statuses): runId, jobName, status, tags."""
        answer = self.query(_RUNS, {"statuses": statuses})["runsOrError"]
        if answer["__typename"] != "Runs":
            raise GraphQLError(str(answer))
        return answer["results"]

    def run_errors(self, run_id: str) -> list[str]:
        """The error messages of a run's failure events (engine, step and run failures)."""
        answer = self.query(_RUN_ERRORS, {"runId": run_id})["runOrError"]
        messages = []
        for event in (answer.get("eventConnection") or {}).get("events", []):
            error = (event.get("error") or {}).get("message")
            if error:
                messages.append(f"{event['__typename']}: {error.strip()[:1500]}")
            elif event["__typename"] == "RunFailureEvent":
                messages.append(f"RunFailureEvent: {event.get('message')}")
        return messages

    def latest_metadata_by_partition(self, asset_path: list[str]) -> dict[str | None, dict]:
        """{partition: {label: value}} of the newest materialization of each partition."""
        answer = self.query(_MATERIALIZATIONS, {"path": asset_path})["assetOrError"]
        if answer["__typename"] != "Asset":
            raise GraphQLError(f"{'/'.join(asset_path)}: {answer['__typename']}")
        newest: dict[str | None, dict] = {}
        for event in sorted(answer["assetMaterializations"], key=lambda e: float(e["timestamp"])):
            newest[event["partition"]] = {
                entry["label"]: entry.get("floatValue", entry.get("intValue", entry.get("text")))
                for entry in event["metadataEntries"]
            }
        return newest
