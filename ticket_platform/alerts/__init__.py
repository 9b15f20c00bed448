"""Alerts: what went wrong (``Alert``), where it goes (channels), and the audit trail that keeps
one problem from alerting twice. Pure library code: the Dagster sensors call it, it never imports
Dagster."""
