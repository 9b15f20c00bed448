"""The Redshift write-path suite counts what the production session sends (no cluster needed)."""

from __future__ import annotations

from bench.suites.redshift_writes import run_size, tally


def test_tally_counts_copies_value_inserts_and_the_old_paging():
    statements = [
        "copy tickets_batch (a) from 's3://b/m.json' manifest",
        "insert into ledger_batch (a) values (%s), (%s)",
        "insert into raw.tickets (a) select a from tickets_batch",
        "lock table raw.ingest_ledger",
    ]
    fills = [("tickets_batch", 5_000), ("ledger_batch", 1_200), ("quarantine_batch", 0)]
    counted = tally(statements, fills)
    assert (counted["copies"], counted["multi_row_inserts"], counted["batches"]) == (1, 1, 2)
    # Before: the ticket batch COPYed, the ledger in pages of 500 rows (3 statements).
    assert counted["before_fill_statements"] == 1 + 3
    assert counted["before"] == 4 - 2 + 4


def test_every_write_path_sends_one_statement_per_batch_and_cleans_its_staging():
    paths = run_size(1_100, seed=7)
    assert set(paths) == {
        "tickets load",
        "events load",
        "evaluation store, 2 judges",
        "routing writes",
        "alert audit, 1 tick",
    }
    for name, path in paths.items():
        assert path["copies"] + path["multi_row_inserts"] == path["batches"], name
        assert path["staged_objects_left"] == 0, name
    # 1,100 rows: above the multi-row INSERT limit, so COPYs from the staging prefix.
    assert paths["tickets load"]["copies"] == 2  # the tickets and the ledger (1,100 files)
    assert paths["events load"]["copies"] == 1  # the events; the 24 ledger rows are inserted
    assert paths["events load"]["multi_row_inserts"] == 1
    assert paths["evaluation store, 2 judges"]["copies"] == 1
    assert paths["evaluation store, 2 judges"]["rows"] == 2_200
    assert paths["routing writes"]["copies"] == 1
    assert paths["alert audit, 1 tick"]["copies"] == 0
    assert paths["alert audit, 1 tick"]["multi_row_inserts"] == 1
    assert paths["routing writes"]["statements"] == 6  # temp table x2, fill, delete, insert, drop
    assert paths["routing writes"]["before"] == 8  # the fill was 3 pages of 500 rows
    for name in ("tickets load", "events load"):
        assert paths[name]["transactions"] == 2  # tables ensured, then the load
