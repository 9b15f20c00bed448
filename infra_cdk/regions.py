"""Where the real-time path can run: the regions of Comprehend and the Bedrock runtime, and the
regions a cross-region inference profile can be called from.

Service regions come from botocore's endpoint data (``endpoints.json``, installed with boto3), so
the check needs no network and no account. That data is a snapshot of the botocore release: when
AWS opens a service in a new region, upgrade botocore.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import botocore
import botocore.loaders

# The geography of each system-defined inference profile prefix: the regions it can be called
# from (its source regions). ``global`` profiles are callable from every commercial region.
_PROFILE_GEOGRAPHY: dict[str, tuple[str, re.Pattern[str]]] = {
    "us": ("the United States (us-*)", re.compile(r"^us-(east|west)-\d+$")),
    "us-gov": ("AWS GovCloud (us-gov-*)", re.compile(r"^us-gov-\w+-\d+$")),
    "eu": ("Europe (eu-*)", re.compile(r"^eu-(central|west|north|south)-\d+$")),
    "apac": ("Asia Pacific (ap-*)", re.compile(r"^ap-\w+-\d+$")),
    "jp": ("Japan (ap-northeast-1, ap-northeast-3)", re.compile(r"^ap-northeast-[13]$")),
    "au": ("Australia (ap-southeast-2, ap-southeast-4)", re.compile(r"^ap-southeast-[24]$")),
    "ca": ("Canada (ca-*)", re.compile(r"^ca-\w+-\d+$")),
    "global": ("every commercial region", re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$")),
}


@cache
def _endpoints() -> dict[str, Any]:
    return botocore.loaders.create_loader().load_data("endpoints")


def _partition(region: str) -> dict[str, Any] | None:
    for partition in _endpoints()["partitions"]:
        if region in partition["regions"] or re.match(partition["regionRegex"], region):
            return partition
    return None


def comprehend_regions() -> frozenset[str]:
    """Regions with a Comprehend endpoint (FIPS variants left out)."""
    return frozenset(
        name
        for partition in _endpoints()["partitions"]
        for name in partition["services"].get("comprehend", {}).get("endpoints", {})
        if not name.startswith("fips-") and not name.endswith("-fips")
    )


def bedrock_runtime_regions() -> frozenset[str]:
    """Regions with a Bedrock runtime endpoint: botocore lists them under the ``bedrock`` service
    as ``bedrock-runtime-<region>``."""
    prefix = "bedrock-runtime-"
    return frozenset(
        name.removeprefix(prefix)
        for partition in _endpoints()["partitions"]
        for name in partition["services"].get("bedrock", {}).get("endpoints", {})
        if name.startswith(prefix) and not name.startswith(f"{prefix}fips-")
    )


def profile_prefix(model_id: str) -> str | None:
    """The geography prefix of an inference profile id (``us`` of ``us.amazon.nova-pro-v1:0``),
    or None for a foundation model id (``amazon.nova-pro-v1:0``)."""
    prefix = model_id.split(".", 1)[0]
    return prefix if prefix in _PROFILE_GEOGRAPHY else None


def region_problems(*, model_id: str, bedrock_region: str | None, region: str | None) -> list[str]:
    """Why ``model_id`` cannot be called from ``bedrock_region`` (default: ``region``) or the
    workflow cannot call Comprehend in ``region``; empty when everything fits. An unknown region
    (an environment-agnostic synth) is not checked."""
    problems = []
    calls_from = bedrock_region or region
    where = "bedrockRegion" if bedrock_region else "the stack region"
    source = f"botocore {botocore.__version__} endpoint data"
    if calls_from is not None:
        prefix = profile_prefix(model_id)
        if prefix is not None:
            geography, pattern = _PROFILE_GEOGRAPHY[prefix]
            if not pattern.match(calls_from):
                problems.append(
                    f"bedrockModelId {model_id!r} is a {prefix!r} cross-region inference profile, "
                    f"callable only from {geography}, but {where} is {calls_from!r}: use the "
                    f"profile of that region's geography (e.g. "
                    f"{_suggest(calls_from)}{model_id.split('.', 1)[1]}) or set bedrockRegion "
                    "to a region of the profile's geography"
                )
        if calls_from not in bedrock_runtime_regions() and _partition(calls_from) is not None:
            problems.append(
                f"{where} {calls_from!r} has no Bedrock runtime endpoint ({source}); set "
                "bedrockRegion to one of: " + ", ".join(sorted(bedrock_runtime_regions()))
            )
    if region is not None and region not in comprehend_regions():
        problems.append(
            f"the stack region {region!r} has no Amazon Comprehend endpoint ({source}), and the "
            "workflow calls Comprehend DetectSentiment in its own region; deploy to one of: "
            + ", ".join(sorted(comprehend_regions()))
        )
    return problems


def _suggest(region: str) -> str:
    for prefix in ("us", "eu", "apac", "ca", "us-gov"):
        if _PROFILE_GEOGRAPHY[prefix][1].match(region):
            return f"{prefix}."
    return "global."
