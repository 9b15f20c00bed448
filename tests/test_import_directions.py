"""Imports run one way: the product never imports the Lambda tree or the demo, the Lambdas never
import Dagster or the batch platform, and the shared contract imports neither.

Read from the source (AST), so an import inside a function counts too. The demo still lives
inside the product package (the simulator, the synthetic generator): the known crossings are
listed below and may only shrink as the demo moves out (issue 18).
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRODUCT = REPO / "ticket_platform"
DEMO = ("ticket_platform.simulator", "ticket_platform.lib.synthetic")
# Product modules that still reach into the demo; each is to be removed, never added to.
KNOWN_DEMO_IMPORTS = {
    "ticket_platform.cli": {"ticket_platform.simulator", "ticket_platform.lib.synthetic"},
    "ticket_platform.evaluation.text_checks": {
        "ticket_platform.lib.synthetic",
        "ticket_platform.simulator",
    },
    "ticket_platform.routing.dataset": {"ticket_platform.lib.synthetic"},
}


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


def _modules(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, set[str]]:
    modules = {_module_name(path): _imports(path) for path in sorted(root.rglob("*.py"))}
    return {name: imports for name, imports in modules.items() if not name.startswith(skip)}


def test_the_product_never_imports_the_lambda_tree():
    offenders = {
        name
        for name, imports in _modules(PRODUCT, skip=DEMO).items()
        if _reaches(imports, "lambdas") and name != "ticket_platform.cli"
    }
    assert offenders == set(), f"import what you share from ticket_platform.contracts: {offenders}"


def test_product_imports_of_the_demo_only_shrink():
    crossings = {
        name: {package for package in DEMO if _reaches(imports, package)}
        for name, imports in _modules(PRODUCT, skip=DEMO).items()
    }
    crossings = {name: packages for name, packages in crossings.items() if packages}
    assert crossings == KNOWN_DEMO_IMPORTS


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
