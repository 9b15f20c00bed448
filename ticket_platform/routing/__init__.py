"""Ticket routing: predict the owning team of a ticket from its text.

``dataset`` turns staged tickets and analysts' corrections into labelled examples, ``model``
trains and scores the scikit-learn pipelines, ``artifacts`` keeps fitted models in the lake by
content hash, ``promotion`` decides whether a candidate may replace the current model,
``feedback`` parses correction files, and ``store`` reads and writes the warehouse tables. None
of these imports Dagster: the wiring is ``assets`` (candidate, promotion, daily routes) and
``feedback_assets`` (the corrections loader).
"""
