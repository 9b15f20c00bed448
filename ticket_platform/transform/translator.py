"""How dbt nodes appear in Dagster: groups by layer, owners, and the raw ingest as the source."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

_LAYER_GROUPS = {"staging": "transform", "intermediate": "transform", "marts": "marts"}


class TicketDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True, enable_source_tests_as_checks=True
            )
        )

    def get_asset_spec(
        self,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: Any | None,
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = self.get_resource_props(manifest, unique_id)
        if node["resource_type"] == "source":
            return spec  # key raw/tickets, produced by the ingest asset
        layer = node["fqn"][1] if len(node["fqn"]) > 2 else "models"
        return spec.replace_attributes(
            group_name=_LAYER_GROUPS.get(layer, "transform"),
            owners=["team:analytics-engineering"],
        ).merge_attributes(tags={"layer": layer})
