"""dbt source freshness, surfaced in Dagster as one asset check per source that declares it."""

import json
import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource

from ticket_platform.pools import writer_pool
from ticket_platform.settings import Settings, get_settings
from ticket_platform.transform.project import dbt_environment, prepare_manifest
from ticket_platform.transform.translator import TicketDbtTranslator

SOURCE_FRESHNESS_CHECK = "dbt_source_freshness"
SOURCE_FRESHNESS_JOB = "source_freshness"


def sources_with_freshness(manifest: Mapping[str, Any]) -> dict[str, dg.AssetKey]:
    """unique_id -> asset key of every source with a warn or error freshness threshold."""
    translator = TicketDbtTranslator()
    found = {}
    for unique_id, source in manifest["sources"].items():
        freshness = source.get("freshness") or {}
        if any(
            (freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after")
        ):
            found[unique_id] = translator.get_asset_spec(manifest, unique_id, None).key
    return found


def freshness_results(
    sources_json: Mapping[str, Any], keys: Mapping[str, dg.AssetKey]
) -> Iterator[dg.AssetCheckResult]:
    """One check result per source in dbt's ``sources.json``: pass, warn (WARN) or error."""
    for result in sources_json.get("results", []):
        key = keys.get(result["unique_id"])
        if key is None:
            continue
        status = result["status"]  # pass | warn | error | runtime error
        criteria = result.get("criteria") or {}
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=SOURCE_FRESHNESS_CHECK,
            passed=status == "pass",
            severity=dg.AssetCheckSeverity.WARN
            if status == "warn"
            else dg.AssetCheckSeverity.ERROR,
            metadata={
                "dbt_status": status,
                "max_loaded_at": str(result.get("max_loaded_at")),
                "age_hours": round(result["max_loaded_at_time_ago_in_s"] / 3600, 2)
                if result.get("max_loaded_at_time_ago_in_s") is not None
                else None,
                "warn_after": str(criteria.get("warn_after")),
                "error_after": str(criteria.get("error_after")),
            },
            description=result.get("message") or None,
        )


def build_source_freshness_checks(settings: Settings) -> dg.AssetChecksDefinition:
    manifest = json.loads(prepare_manifest(settings).read_text())
    keys = sources_with_freshness(manifest)

    @dg.multi_asset_check(
        name=SOURCE_FRESHNESS_CHECK,
        specs=[
            dg.AssetCheckSpec(
                SOURCE_FRESHNESS_CHECK,
                asset=key,
                description=(
                    "`dbt source freshness`: the newest `loaded_at_field` is within the source's "
                    "warn_after / error_after thresholds (dbt_project/models/staging/_sources.yml)."
                ),
            )
            for key in keys.values()
        ],
        pool=writer_pool(settings),
    )
    def dbt_source_freshness(
        context: dg.AssetCheckExecutionContext, dbt: DbtCliResource
    ) -> Iterator[dg.AssetCheckResult]:
        os.environ.update(dbt_environment(settings))
        invocation = dbt.cli(["source", "freshness"], raise_on_error=False, manifest=manifest)
        invocation.wait()
        sources_json = invocation.get_artifact("sources.json")
        yield from freshness_results(sources_json, keys)

    return dbt_source_freshness


@dg.definitions
def defs() -> dg.Definitions:
    checks = build_source_freshness_checks(get_settings())
    job = dg.define_asset_job(
        SOURCE_FRESHNESS_JOB,
        selection=dg.AssetSelection.checks(checks),
        description="dbt source freshness as asset checks on the sources' assets.",
    )
    schedule = dg.ScheduleDefinition(
        name="hourly_source_freshness",
        cron_schedule="15 * * * *",
        job=job,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Runs dbt source freshness every hour; failures reach the alert sensor.",
    )
    return dg.Definitions(asset_checks=[checks], jobs=[job], schedules=[schedule])
