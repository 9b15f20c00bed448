"""Ingest: ticket and lifecycle-event files from the landing zone (a folder or S3) into the
warehouse's raw tables, exactly once, with every bad file or record quarantined with its reason.

Plain modules: ``landing`` (listing and bounded reads), ``landing_scan`` (day folders),
``layout`` (the date layout of keys), ``parsing`` (JSON, JSON lines, gzip), ``batch`` (read,
parse and collect a partition's files), ``feed`` (the one loader: ledger, quarantine, one
transaction per chunk) with the SQL every feed shares (``feed_sql``), ``tickets`` and ``events``
(the two feeds: parser, merge and report) with their own SQL (``*_sql``).
Dagster wiring: ``assets`` and ``events_assets`` (what differs between the two raw assets),
``daily_load`` (the raw asset builder they share), ``sensor`` and ``events_sensor`` (the landing
sensors), ``resources`` (the landing zone).
"""
