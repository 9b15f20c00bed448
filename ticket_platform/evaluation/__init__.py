"""Evaluation of generated support responses: rubric, judges, runner, calibration, storage.

Plain functions and classes without Dagster, except the wiring beside them: ``assets`` (the
evaluation and calibration assets and jobs), ``calibration_check`` (the check against labels) and
``resource`` (the judge as a Dagster resource). ``facts`` is the AWS fact base the judges check
technical accuracy against.
"""
