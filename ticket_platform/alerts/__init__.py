"""Alerts: what went wrong (``Alert``), where it goes (channels), and the audit trail that keeps
one problem from alerting twice. Plain library code, except the Dagster wiring beside it:
``sensors`` (failed runs and checks, stale assets, failing HIGH-priority responses) and
``resource`` (where alerts go)."""
