"""Benchmark suites: each exposes ``run(profile) -> dict``."""
