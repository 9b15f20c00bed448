"""The dbt SQL follows the committed sqlfluff style (dbt_project/.sqlfluff) in every dialect it
runs on: DuckDB locally, PostgreSQL in CI, Redshift in production."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ticket_platform.transform.project import DBT_PROJECT_DIR

SQLFLUFF = Path(sys.executable).with_name("sqlfluff")


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "redshift"])
def test_dbt_sql_passes_sqlfluff(dialect):
    result = subprocess.run(
        [
            str(SQLFLUFF),
            "lint",
            "models",
            "tests",
            "macros",
            "--dialect",
            dialect,
            "--format",
            "json",
            "--nofail",
        ],
        cwd=DBT_PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    files = json.loads(result.stdout)
    assert len(files) > 10, "sqlfluff found the models"
    problems = [
        f"{f['filepath']}:{v['start_line_no']} {v['code']} {v['description']}"
        for f in files
        for v in f["violations"]
    ]
    assert problems == []
