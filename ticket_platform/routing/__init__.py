"""Ticket routing: predict the owning team of a ticket from its text (no Dagster import here).

``dataset`` turns staged tickets and analysts' corrections into labelled examples, ``model``
trains and scores the scikit-learn pipelines, ``artifacts`` keeps fitted models in the lake by
content hash, ``promotion`` decides whether a candidate may replace the current model,
``feedback`` parses correction files, and ``store`` reads and writes the warehouse tables.
"""
