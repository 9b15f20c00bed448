"""Lambda packaging without Docker.

Each function's code asset is a folder assembled here, the same way every time:

    <build_dir>/functions/<function>/
        lambdas/__init__.py
        lambdas/common/...                (Kinesis batch handling of the stream consumers)
        lambdas/<function>/...            (no __pycache__ or *.pyc)
        ticket_platform/__init__.py
        ticket_platform/contracts/...     (the contract the batch platform uses too)

Third-party dependencies (``lambda_requirements.txt``) go into one layer folder, built with pip for
the Lambda platform (manylinux x86_64 wheels, CPython 3.12) and cached by a hash of the
requirements and the pip options. With ``skip`` the layer folder holds only a README note: enough
to synthesize and test, not to run.

Bytecode: Lambda unpacks code and layers read-only (``/var/task``, ``/opt``), so Python cannot
cache the bytecode it compiles at import and recompiles every module at every cold start. A
deployable build (``build``) therefore compiles the layer and each function folder with a CPython
3.12 (``bytecode_compiler``), as ``unchecked-hash`` pycs (valid whatever the files' timestamps
after unzipping, which CDK sets to 1980) whose recorded paths are the runtime's, so the bytes do
not depend on the build machine.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

INFRA_DIR = Path(__file__).resolve().parent
REPO_ROOT = INFRA_DIR.parent
DEFAULT_BUILD_DIR = INFRA_DIR / ".build"
REQUIREMENTS = INFRA_DIR / "lambda_requirements.txt"
FUNCTIONS = ("trigger_sfn", "response_generator", "s3_writer", "status_recorder")

PYTHON_VERSION = "3.12"
# manylinux2014 wheels run on every Lambda image; 2_28 ones on the python3.12 image
# (Amazon Linux 2023, glibc 2.34), which some packages publish exclusively for new releases.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
# --no-compile: pip would write bytecode for the interpreter running it (maybe not 3.12) with
# timestamps and build paths; the layer's bytecode is compiled afterwards by bytecode_compiler.
PIP_OPTIONS = (
    "--implementation", "cp",
    "--python-version", PYTHON_VERSION,
    *(option for platform in PLATFORMS for option in ("--platform", platform)),
    "--only-binary=:all:",
    "--no-compile",
    "--disable-pip-version-check",
    "--no-input",
)  # fmt: skip

# How the bytecode is compiled (part of the layer's cache key): see bytecode_compiler.
BYTECODE_TAG = "cpython-312"
COMPILE_OPTIONS = ("-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash")
FUNCTION_ROOT = "/var/task"  # where Lambda unpacks a function's code
LAYER_ROOT = "/opt/python"  # where a layer's python/ folder lands (on sys.path)

_IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
_IGNORED_SUFFIXES = frozenset({".pyc", ".pyo"})
_SKIPPED_LAYER_NOTE = """\
This layer was synthesized with -c lambdaDependencies=skip: it holds no packages.

The functions import pydantic, orjson and langchain-aws from this layer, so a stack deployed
like this fails at runtime. Synthesize with -c lambdaDependencies=build (the default) to deploy.
"""

LambdaDependencies = Literal["build", "skip"]
Runner = Callable[[list[str]], None]
# Compiles every .py under a folder to bytecode recorded under a runtime path (folder, path).
Compiler = Callable[[Path, str], None]


class BundlingError(RuntimeError):
    """A function or layer folder could not be assembled; the message says what is missing."""


def function_bundle(
    function: str,
    *,
    source_root: Path = REPO_ROOT,
    build_dir: Path = DEFAULT_BUILD_DIR,
    compiler: Compiler | None = None,
) -> Path:
    """Assemble the code folder of ``lambdas/<function>`` and return its path.

    The folder is rebuilt from scratch on every call (in a temporary sibling, then swapped in),
    so its content depends only on the sources (and ``compiler``, which adds their bytecode).
    Raises ``BundlingError`` when a source is missing.
    """
    sources = _function_sources(function, source_root)
    target = build_dir / "functions" / function
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{function}-", dir=target.parent))
    try:
        for relative in sources:
            _copy_tree(source_root / relative, staging / relative)
        if compiler is not None:
            compiler(staging, FUNCTION_ROOT)
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _function_sources(function: str, source_root: Path) -> tuple[Path, ...]:
    required = {
        Path("lambdas/__init__.py"): "the lambdas package marker",
        Path("lambdas/common/__init__.py"): "code shared by the functions",
        Path("lambdas") / function / "handler.py": "the function's handler(event, context)",
        Path("ticket_platform/__init__.py"): "the ticket_platform package marker",
        Path("ticket_platform/contracts/__init__.py"): "the shared ticket contract",
    }
    missing = [
        f"{path} ({what})" for path, what in required.items() if not (source_root / path).is_file()
    ]
    if missing:
        raise BundlingError(
            f"cannot bundle Lambda function {function!r} from {source_root}: missing "
            + "; ".join(missing)
            + f". Every function lives in lambdas/<function>/ with handler.py exposing "
            f"handler(event, context) (handler string lambdas.{function}.handler.handler)."
        )
    return (
        Path("lambdas/__init__.py"),
        Path("lambdas/common"),
        Path("lambdas") / function,
        Path("ticket_platform/__init__.py"),
        Path("ticket_platform/contracts"),
    )


def _copy_tree(source: Path, destination: Path) -> None:
    if source.is_file():
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        return
    for path in _walk(source):
        relative = path.relative_to(source)
        (destination / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination / relative)


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder`` in a stable order, without caches and bytecode."""
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            if path.name not in _IGNORED_DIRS:
                yield from _walk(path)
        elif path.suffix not in _IGNORED_SUFFIXES:
            yield path


def _swap_in(staging: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    staging.rename(target)


def tree_digest(folder: Path, *, bytecode: bool = False) -> str:
    """SHA-256 over the relative paths and contents of every file under ``folder`` (with
    ``bytecode``, the compiled files too)."""
    digest = hashlib.sha256()
    paths = sorted(p for p in folder.rglob("*") if p.is_file()) if bytecode else _walk(folder)
    for path in paths:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def requirements_hash(requirements: Path = REQUIREMENTS) -> str:
    """The layer's cache key: the requirements file and every pip option that shapes the build."""
    digest = hashlib.sha256(requirements.read_bytes())
    digest.update("\0".join((*PIP_OPTIONS, BYTECODE_TAG, *COMPILE_OPTIONS)).encode())
    return digest.hexdigest()[:16]


def dependency_layer(
    mode: LambdaDependencies,
    *,
    requirements: Path = REQUIREMENTS,
    build_dir: Path = DEFAULT_BUILD_DIR,
    runner: Runner | None = None,
    compiler: Compiler | None = None,
) -> Path:
    """The folder of the dependency layer (``python/`` inside, as Lambda layers expect).

    ``build`` runs pip once per requirements hash, compiles the packages' bytecode with
    ``compiler`` (default: ``bytecode_compiler()``, which needs a CPython 3.12) and reuses the
    folder afterwards; ``skip`` returns a folder holding only a README note. ``runner`` replaces
    the pip subprocess in tests.
    """
    if mode == "skip":
        return _skipped_layer(build_dir)
    if mode != "build":
        raise BundlingError(f"lambdaDependencies must be 'build' or 'skip', not {mode!r}")
    if not requirements.is_file():
        raise BundlingError(f"the layer's requirements file {requirements} does not exist")
    compiler = compiler or bytecode_compiler()
    if compiler is None:
        raise BundlingError(NO_PYTHON_312)
    key = requirements_hash(requirements)
    target = build_dir / f"layer-{key}"
    done = build_dir / f"layer-{key}.complete"
    if target.is_dir() and done.is_file():
        return target
    build_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".layer-", dir=build_dir))
    try:
        command = [
            sys.executable, "-m", "pip", "install", "--quiet",
            "--target", str(staging / "python"),
            *PIP_OPTIONS,
            "-r", str(requirements),
        ]  # fmt: skip
        (runner or _run_pip)(command)
        compiler(staging / "python", LAYER_ROOT)
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    done.write_text(requirements.read_text(encoding="utf-8"), encoding="utf-8")
    _prune_layers(build_dir, keep=key)
    return target


def _run_pip(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BundlingError(
            "building the Lambda dependency layer failed (pip exit code "
            f"{result.returncode}). Command: {' '.join(command)}\n{result.stderr[-4000:]}\n"
            "Synthesize with -c lambdaDependencies=skip to work without the layer."
        )


def _prune_layers(build_dir: Path, keep: str) -> None:
    for path in build_dir.glob("layer-*"):
        if path.name.startswith(f"layer-{keep}") or path.name == "layer-skipped":
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _skipped_layer(build_dir: Path) -> Path:
    target = build_dir / "layer-skipped"
    note = target / "README.md"
    if not note.is_file() or note.read_text(encoding="utf-8") != _SKIPPED_LAYER_NOTE:
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        note.write_text(_SKIPPED_LAYER_NOTE, encoding="utf-8")
    return target


NO_PYTHON_312 = (
    "a deployable Lambda build (lambdaDependencies=build) compiles the bytecode of the layer and "
    "the functions with CPython 3.12, the runtime's version (bytecode is specific to a minor "
    "version), and none was found: install python3.12 on PATH or point -c lambdaPython=... "
    "(TICKET_LAMBDA_PYTHON) at one. Without bytecode every cold start recompiles every import."
)


def find_python312(explicit: str | None = None) -> str | None:
    """A CPython 3.12 interpreter: ``explicit`` (which must be one), else the running one, else
    ``python3.12`` on PATH, else a pyenv installation; None when there is none."""
    if explicit:
        if _cache_tag(explicit) != BYTECODE_TAG:
            raise BundlingError(f"lambdaPython {explicit!r} is not a CPython 3.12 interpreter")
        return explicit
    candidates = [sys.executable, shutil.which("python3.12")]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.12*/bin/python3.12"), reverse=True)
    return next((c for c in candidates if c and _cache_tag(c) == BYTECODE_TAG), None)


def _cache_tag(python: str) -> str | None:
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print(sys.implementation.cache_tag)"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def bytecode_compiler(python: str | None = None) -> Compiler | None:
    """A ``Compiler`` running ``compileall`` on ``find_python312(python)``, or None without one.

    The pycs are ``unchecked-hash`` (never compared with the source's timestamp, which the asset
    zip resets) and record ``<runtime path>/<relative path>`` as their file name, so tracebacks
    show the runtime's paths and the bytes are the same on every machine.
    """
    interpreter = find_python312(python)
    if interpreter is None:
        return None

    def compile_folder(folder: Path, runtime_path: str) -> None:
        command = [
            interpreter, *COMPILE_OPTIONS, "-s", str(folder), "-p", runtime_path, str(folder)
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BundlingError(
                f"compiling the bytecode of {folder} failed (exit code {result.returncode}): "
                f"{' '.join(command)}\n{(result.stdout + result.stderr)[-4000:]}"
            )

    return compile_folder
