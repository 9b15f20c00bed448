"""What every benchmark suite shares: the machine and versions, timing, child processes, files."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

PACKAGES = ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "pydantic", "pyarrow")
PACKAGES += ("orjson", "dlt", "moto", "boto3", "langchain-core", "matplotlib")


def work_dir() -> Path:
    """Generated files and scratch warehouses (git-ignored); BENCH_WORK moves them (the smoke test)."""
    return Path(os.environ.get("BENCH_WORK") or BENCH_DIR / ".work")


def log(message: str) -> None:
    """Progress on stderr, stamped, so a long run shows where it is."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        ram_gb = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
    }


def versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def median_of(runs: list[dict], key: str = "seconds") -> dict:
    """The median run (by ``key``) with every run's value beside it."""
    ordered = sorted(runs, key=lambda r: r[key])
    middle = ordered[len(ordered) // 2]
    return middle | {"repeats": len(runs), f"all_{key}": [round(r[key], 3) for r in runs]}


def timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run_child(module: str, *args: str, env: dict | None = None) -> dict:
    """Run ``python -m module args`` and return the JSON object on its last stdout line.

    Each measured contender runs in its own process, so its peak RSS is its own and no import or
    cache of one contender helps another.
    """
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (exec'd).

    ``VmHWM`` rather than ``getrusage``: Linux keeps ``ru_maxrss`` across ``execve``, so a child
    started by a big runner would report the runner's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not Linux: ru_maxrss (KiB on Linux, bytes on macOS)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def generate_landing(landing: Path, count: int, days: int, end: date, seed: int) -> Path:
    """``ticket-platform generate`` into ``landing`` once; later runs reuse the same files."""
    marker = landing / f".generated-{count}-{days}-{end}-{seed}"
    if marker.exists():
        return landing
    shutil.rmtree(landing, ignore_errors=True)
    log(f"generating {count:,} ticket files over {days} days into {landing} …")
    command = [sys.executable, "-m", "ticket_platform.cli.main", "generate", "--count", str(count)]
    command += ["--days", str(days), "--end", end.isoformat(), "--seed", str(seed)]
    subprocess.run([*command, "--landing", str(landing)], check=True, cwd=ROOT)
    marker.touch()
    return landing


def days_ending(end: date, days: int) -> list[date]:
    return [end - timedelta(days=n) for n in range(days - 1, -1, -1)]


def write_json(path: Path, payload: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
