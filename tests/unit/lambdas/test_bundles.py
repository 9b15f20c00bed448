"""Each function imports only what its deployment bundle holds (see lambdas/README.md): its own
folder, ``lambdas.common``, ``ticket_platform.contracts``, the layer (pydantic, orjson, langchain-aws) and boto3."""

import json
import subprocess
import sys

import pytest

FUNCTIONS = ("trigger_sfn", "response_generator", "s3_writer", "status_recorder")
# boto3 and pydantic with their own dependencies, and orjson.
BASE = {
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "dateutil",
    "six",
    "urllib3",
    "certifi",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
    "orjson",
}
NOT_IN_ANY_BUNDLE = {"dagster", "dagster_dbt", "dbt", "duckdb", "pyarrow", "vaderSentiment", "moto"}

PROBE = """
import json, sys
before = set(sys.modules)
import lambdas.{function}.handler as handler
assert callable(handler.handler)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def modules_loaded_by(function: str) -> list[str]:
    probe = PROBE.format(function=function)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_handler_imports_only_what_its_bundle_holds(function: str):
    loaded = modules_loaded_by(function)
    ours = [m for m in loaded if m.split(".")[0] in ("lambdas", "ticket_platform")]
    allowed = (f"lambdas.{function}", "lambdas.common", "ticket_platform.contracts")
    outside = [
        m for m in ours if m not in ("lambdas", "ticket_platform") and not m.startswith(allowed)
    ]
    assert outside == []
    top = {m.split(".")[0] for m in loaded} - set(sys.stdlib_module_names)
    third_party = {m for m in top if not m.startswith("_")} - {"lambdas", "ticket_platform"}
    assert not third_party & NOT_IN_ANY_BUNDLE
    if function == "response_generator":
        assert {"langchain_aws", "langchain_core"} <= third_party
    else:
        assert third_party <= BASE
