"""Imports run one way (docs/architecture.md):

- the product (``ticket_platform``) never imports the Lambda tree or the demo
  (``ticket_platform_demo``);
- the Lambdas import only the shared contract of the platform, and never Dagster;
- the contract imports neither the Lambdas, nor Dagster, nor the rest of the platform;
- the shared warehouse layer imports no capability.

Read from the source (AST), so an import inside a function counts too. What the judge and the
router read of the demo catalog is data of their own packages (``evaluation/vocabulary/``,
``routing/vocabulary/``), kept equal to the catalog by ``tests/unit/test_product_vocabularies.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCT = REPO / "ticket_platform"
DEMO = "ticket_platform_demo"
# Product modules that reach into the demo: none, and none may be added.
KNOWN_DEMO_IMPORTS: set[str] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _reaches(imported: set[str], package: str) -> bool:
    return any(name == package or name.startswith(f"{package}.") for name in imported)


def _modules(root: Path) -> dict[str, set[str]]:
    return {_module_name(path): _imports(path) for path in sorted(root.rglob("*.py"))}


def test_the_product_never_imports_the_lambda_tree():
    offenders = {
        name for name, imports in _modules(PRODUCT).items() if _reaches(imports, "lambdas")
    }
    assert offenders == set(), f"import what you share from ticket_platform.contracts: {offenders}"


def test_the_product_never_imports_the_demo():
    crossings = {name for name, imports in _modules(PRODUCT).items() if _reaches(imports, DEMO)}
    assert crossings == KNOWN_DEMO_IMPORTS == set(), f"the product imports the demo: {crossings}"


def test_the_lambdas_import_only_the_contract_of_the_platform():
    for name, imports in _modules(REPO / "lambdas").items():
        platform = {i for i in imports if _reaches({i}, "ticket_platform")}
        outside_contract = {i for i in platform if not _reaches({i}, "ticket_platform.contracts")}
        assert outside_contract == set(), f"{name} imports {outside_contract}"
        assert not _reaches(imports, "dagster"), f"{name} imports Dagster"


def test_the_contract_imports_neither_the_lambdas_nor_dagster_nor_the_platform():
    for name, imports in _modules(PRODUCT / "contracts").items():
        for package in ("lambdas", "dagster", "dagster_dbt", "dagster_aws"):
            assert not _reaches(imports, package), f"{name} imports {package}"
        platform = {i for i in imports if _reaches({i}, "ticket_platform")}
        assert all(_reaches({i}, "ticket_platform.contracts") for i in platform), (name, platform)


def test_the_shared_warehouse_layer_imports_no_capability():
    for name, imports in _modules(PRODUCT / "warehouse").items():
        platform = {i for i in imports if _reaches({i}, "ticket_platform")}
        assert all(_reaches({i}, "ticket_platform.warehouse") for i in platform), (name, platform)


# What each part of the product may import, following the data: ingest feeds evaluation and
# routing, those three feed dbt (transform), and reports and alerts read what came before. The
# shared layer (contracts, warehouse, settings, partitions, pools) is open to every part.
SHARED = {"contracts", "warehouse", "settings", "partitions", "pools"}
ALLOWED = {
    "ingest": set(),
    "evaluation": {"ingest"},
    "routing": {"ingest"},
    "transform": {"ingest", "evaluation", "routing"},
    "alerts": {"ingest", "evaluation"},
    "reports": {"ingest", "evaluation", "transform"},
    "automation": {"ingest", "evaluation", "routing", "transform"},
    "resources": {"ingest", "evaluation", "alerts", "transform"},
    "definitions": {
        "ingest",
        "evaluation",
        "routing",
        "transform",
        "alerts",
        "reports",
        "automation",
        "resources",
    },
    "cli": {"ingest", "evaluation", "routing", "transform", "resources", "definitions"},
}


def _part(module: str) -> str:
    return module.split(".")[1]


def test_each_part_imports_only_what_comes_before_it_in_the_data_flow():
    found: dict[str, set[str]] = {}
    for name, imports in _modules(PRODUCT).items():
        if name == "ticket_platform":
            continue
        part = _part(name)
        others = {_part(i) for i in imports if i.startswith("ticket_platform.")} - {part}
        found.setdefault(part, set()).update(others - SHARED)
    shared_imports = {part: others for part, others in found.items() if part in SHARED and others}
    assert shared_imports == {}, "the shared layer imports no part of the product"
    wrong = {
        part: others - ALLOWED[part]
        for part, others in found.items()
        if part not in SHARED and others - ALLOWED[part]
    }
    assert wrong == {}, f"imports against the data flow (see docs/architecture.md): {wrong}"
