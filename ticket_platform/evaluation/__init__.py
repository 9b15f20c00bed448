"""Evaluation of generated support responses: rubric, judges, runner, calibration, storage.

Plain functions and classes without Dagster, except the wiring beside them: ``assets`` (the
evaluation and calibration assets and jobs) and ``resource`` (the judge as a Dagster resource).
"""
