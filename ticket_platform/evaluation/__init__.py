"""Evaluation of generated support responses: rubric, judges, runner, calibration, storage.

Plain functions and classes, no Dagster; the assets live in ``assets.py`` and ``resource.py``.
"""
