"""Rebuild the fact base's generated data files: ``python -m ticket_platform.evaluation.facts.build``."""
