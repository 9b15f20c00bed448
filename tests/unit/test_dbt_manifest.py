"""The dbt manifest is re-parsed only when the project changed (not on every code load)."""

import os
import time

from ticket_platform.settings import get_settings
from ticket_platform.transform.project import DBT_PROJECT_DIR, manifest_is_stale, prepare_manifest


def test_dbt_manifest_is_stale_when_missing_or_older_than_the_project(tmp_path):
    manifest = tmp_path / "manifest.json"
    assert manifest_is_stale(manifest)
    manifest.write_text("{}")
    later = time.time() + 60  # newer than every file of the project
    os.utime(manifest, (later, later))
    assert not manifest_is_stale(manifest)
    model = next((DBT_PROJECT_DIR / "models").rglob("*.sql"))
    before = model.stat().st_mtime - 1  # just older than one model file
    os.utime(manifest, (before, before))
    assert manifest_is_stale(manifest)


def test_preparing_the_manifest_writes_nothing_into_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    manifest = prepare_manifest(get_settings())
    assert manifest == DBT_PROJECT_DIR / "target" / "manifest.json"
    assert list(tmp_path.iterdir()) == [], "the parse lock belongs in the dbt project's target/"
