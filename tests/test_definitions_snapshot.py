"""A snapshot of the code location: every asset, check, job, schedule, sensor and resource, with
the automation conditions and freshness policies that decide when they run.

A change of the graph is then always a visible diff of ``tests/snapshots/definitions.json`` in
review. After an intended change, rewrite it with
``UPDATE_SNAPSHOTS=1 pytest tests/test_definitions_snapshot.py`` and commit the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def _condition(condition: dg.AutomationCondition | None) -> object:
    if condition is None:
        return None
    label = condition.get_label() or condition.name
    children = [_condition(child) for child in condition.children]
    return {label: children} if children else label


def _partitions(partitions_def: dg.PartitionsDefinition | None) -> str | None:
    if partitions_def is None:
        return None
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return f"{partitions_def.cron_schedule} from {partitions_def.start:%Y-%m-%d} {partitions_def.timezone}"
    return type(partitions_def).__name__


def _freshness(policy: object) -> object:
    if policy is None:
        return None
    windows = {name: getattr(policy, name, None) for name in ("fail_window", "warn_window")}
    return {
        name: str(window.to_timedelta() if hasattr(window, "to_timedelta") else window)
        for name, window in windows.items()
        if window is not None
    } or type(policy).__name__


def _assets(graph) -> dict[str, object]:
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda key: key.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            "owners": sorted(node.owners),
            "pools": sorted(node.pools or ()),
            "partitions": _partitions(node.partitions_def),
            "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
            "automation_condition": _condition(node.automation_condition),
            "freshness_policy": _freshness(node.freshness_policy),
            "checks": sorted(check.name for check in node.check_keys),
        }
    return assets


def _sensor(sensor: dg.SensorDefinition) -> dict[str, object]:
    jobs = sorted({target.job_name for target in sensor.targets})
    return {
        "type": sensor.sensor_type.value,
        "minimum_interval_seconds": sensor.minimum_interval_seconds,
        "default_status": sensor.default_status.value,
        "jobs": jobs,
    }


def _schedule(schedule: dg.ScheduleDefinition) -> dict[str, object]:
    return {
        "cron": schedule.cron_schedule,
        "timezone": schedule.execution_timezone,
        "job": schedule.job_name,
        "default_status": schedule.default_status.value,
    }


def _jobs(definitions: dg.Definitions) -> dict[str, object]:
    jobs = {}
    for job in sorted(definitions.resolve_all_job_defs(), key=lambda job: job.name):
        if job.name == "__ASSET_JOB":
            continue
        jobs[job.name] = {
            "partitions": _partitions(job.partitions_def),
            "assets": sorted(key.to_user_string() for key in job.asset_layer.selected_asset_keys),
            "tags": dict(sorted(job.tags.items())),
        }
    return jobs


def snapshot(definitions: dg.Definitions) -> dict[str, object]:
    return {
        "assets": _assets(definitions.resolve_asset_graph()),
        "jobs": _jobs(definitions),
        "schedules": {
            s.name: _schedule(s) for s in sorted(definitions.schedules or (), key=lambda s: s.name)
        },
        "sensors": {
            s.name: _sensor(s) for s in sorted(definitions.sensors or (), key=lambda s: s.name)
        },
        "resources": {
            key: type(resource).__name__
            for key, resource in sorted((definitions.resources or {}).items())
        },
        "executor": definitions.executor.name if definitions.executor else None,
    }


@pytest.fixture
def definitions(tmp_path, monkeypatch) -> dg.Definitions:
    for name in [name for name in os.environ if name.startswith("TICKET_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("TICKET_DATA_DIR", str(tmp_path))
    from ticket_platform.definitions import defs

    return defs()


def _dumps(value: object) -> str:
    """JSON with one line per entity, so a diff names the asset, job or sensor that changed."""
    sections = []
    for section, entries in value.items():  # type: ignore[union-attr]
        if not isinstance(entries, dict):
            sections.append(f"{json.dumps(section)}: {json.dumps(entries)}")
            continue
        lines = [f"  {json.dumps(key)}: {json.dumps(entry)}" for key, entry in entries.items()]
        sections.append(f"{json.dumps(section)}: {{\n" + ",\n".join(lines) + "\n}")
    return "{\n" + ",\n".join(sections) + "\n}\n"


def test_the_definitions_match_their_snapshot(definitions):
    current = snapshot(definitions)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(_dumps(current))
    recorded = json.loads(SNAPSHOT.read_text())
    assert current == recorded, (
        "the code location changed; review the diff, then run "
        "UPDATE_SNAPSHOTS=1 pytest tests/test_definitions_snapshot.py and commit it"
    )
