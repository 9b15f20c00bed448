import pytest

from ticket_platform.contracts import TICKET_COLUMNS
from ticket_platform.ingest import tickets_sql as sql
from ticket_platform.warehouse.postgres_engine import copy_manifest, jsonl_gz, pg_copy_text
from ticket_platform.warehouse.sql import copy_json_sql


def test_staging_columns_follow_the_contract_then_lineage():
    assert sql.STAGING_COLUMNS[: len(TICKET_COLUMNS)] == TICKET_COLUMNS
    assert sql.STAGING_COLUMNS[len(TICKET_COLUMNS) :] == (
        "_source_key",
        "_source_etag",
        "_partition_date",
        "_loaded_at",
        "_run_id",
    )


def test_redshift_ddl_declares_distribution_and_sort_keys():
    ddl = "\n".join(sql.create_tables_sql("redshift"))
    assert "distkey (ticket_id)" in ddl and "sortkey (_partition_date, ticket_id)" in ddl
    assert "distkey" not in "\n".join(sql.create_tables_sql("duckdb"))
    assert all("if not exists" in s for s in sql.create_tables_sql("postgres"))


def test_redshift_copy_is_manifest_driven_gzip_json():
    statement = copy_json_sql(
        sql.TICKETS_BATCH,
        sql.STAGING_COLUMNS,
        "s3://lake/_staging/abc/manifest.json",
        "arn:aws:iam::123:role/copy",
        "eu-west-1",
    )
    assert statement.startswith(f"copy {sql.TICKETS_BATCH} (ticket_id, submitted_at,")
    for clause in (
        "from 's3://lake/_staging/abc/manifest.json'",
        "iam_role 'arn:aws:iam::123:role/copy'",
        "manifest",
        "format as json 'auto'",
        "gzip",
        "timeformat 'auto'",
        "region 'eu-west-1'",
    ):
        assert clause in statement


def test_copy_quotes_single_quotes_in_values():
    assert "'s3://b/it''s/m.json'" in copy_json_sql("t", ("a",), "s3://b/it's/m.json", "arn")


@pytest.mark.parametrize("dialect", ["postgres", "redshift"])
def test_server_engines_lock_the_ledger_first(dialect):
    steps = sql.merge_steps(dialect)
    assert steps[0].sql == f"lock table {sql.LEDGER_TABLE}"


def test_merge_order_filters_ledger_then_dedupes_then_replaces():
    steps = [s.sql for s in sql.merge_steps("duckdb")]
    assert not steps[0].startswith("lock")
    position = {
        name: next(i for i, s in enumerate(steps) if marker in s)
        for name, marker in {
            "ledger_filter": f"delete from {sql.TICKETS_BATCH} using {sql.LEDGER_TABLE}",
            "latest": f"create temporary table {sql.TICKETS_LATEST}",
            "stale": f"delete from {sql.TICKETS_LATEST} using {sql.TICKETS_TABLE}",
            "replace": f"delete from {sql.TICKETS_TABLE} using {sql.TICKETS_LATEST}",
            "insert": f"insert into {sql.TICKETS_TABLE}",
            "ledger": f"insert into {sql.LEDGER_TABLE}",
        }.items()
    }
    assert list(position) == sorted(position, key=position.get)
    assert "order by processed_at desc" in steps[position["latest"]]


def test_the_duckdb_merge_moves_keys_and_copies_each_row_once():
    """DuckDB reads the batch's Arrow rows in place: the batch table and the latest versions
    hold keys and row positions, and the insert is the only statement reading whole rows."""
    keys = ", ".join(sql.BATCH_KEYS)
    assert (
        f"create temporary table {sql.TICKETS_BATCH} as select {keys}, "
        f"cast(null as bigint) as _batch_row from {sql.TICKETS_TABLE} limit 0"
    ) in sql.create_batch_tables_sql("duckdb")
    steps = [s.sql for s in sql.merge_steps("duckdb")]
    latest = next(s for s in steps if s.startswith(f"create temporary table {sql.TICKETS_LATEST}"))
    assert latest.split("\n")[1] == f"select {keys}, _batch_row from ("
    cols = ", ".join(sql.STAGING_COLUMNS)
    assert [s for s in steps if sql.TICKETS_ROWS in s] == [
        f"insert into {sql.TICKETS_TABLE} ({cols}) select {cols} from {sql.TICKETS_ROWS} "
        f"where _batch_row in (select _batch_row from {sql.TICKETS_LATEST})"
    ]


@pytest.mark.parametrize("dialect", ["postgres", "redshift"])
def test_server_engines_merge_whole_rows(dialect):
    assert (
        f"create temporary table {sql.TICKETS_BATCH} as select * from {sql.TICKETS_TABLE} limit 0"
    ) in sql.create_batch_tables_sql(dialect)
    steps = [s.sql for s in sql.merge_steps(dialect)]
    assert not any(sql.TICKETS_ROWS in s or "_batch_row" in s for s in steps)
    cols = ", ".join(sql.STAGING_COLUMNS)
    insert = f"insert into {sql.TICKETS_TABLE} ({cols}) select {cols} from {sql.TICKETS_LATEST}"
    assert insert in steps


def test_pg_copy_text_escapes_and_nulls():
    from datetime import date, datetime

    text = pg_copy_text(
        ["a", "b", "c", "d"],
        [
            {
                "a": "tab\there\nnew\\line",
                "b": None,
                "c": datetime(2025, 1, 2, 3, 4, 5),
                "d": date(2025, 1, 2),
            }
        ],
    )
    assert text == "tab\\there\\nnew\\\\line\t\\N\t2025-01-02 03:04:05\t2025-01-02\n"


def test_jsonl_gz_and_manifest_shapes():
    import gzip
    import json
    from datetime import datetime

    body = jsonl_gz(["id", "at"], [{"id": "T1", "at": datetime(2025, 1, 2, 3, 4, 5, 6)}])
    assert json.loads(gzip.decompress(body)) == {"id": "T1", "at": "2025-01-02 03:04:05.000006"}
    manifest = json.loads(copy_manifest([("s3://b/k.gz", 10)]))
    assert manifest == {
        "entries": [{"url": "s3://b/k.gz", "mandatory": True, "meta": {"content_length": 10}}]
    }
