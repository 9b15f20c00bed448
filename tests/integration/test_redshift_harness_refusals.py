"""The Redshift harness refuses what Redshift refuses, and its shims behave as Redshift does.

Each restriction gets a statement that must be refused (an ErrorResponse with Redshift's
SQLSTATE and a message naming the restriction) and a control statement, as close as possible,
that must run. Statements go through the proxy with redshift_connector (extended protocol:
Parse/Bind/Execute, as dbt-redshift sends them) and with psycopg2 (simple Query messages).
Skipped when TICKET_TEST_POSTGRES_DSN is unset or its server is unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg2
import pytest
import redshift_connector
from redshift_harness import Harness, reachable_admin_dsn, redshift_harness
from redshift_harness.rewrites import rewrite

SETUP = [
    "create table public.sales (id int, region varchar(10), qty int, price float8, sold_at timestamp)",
    "insert into public.sales values (1, 'eu', 10, 1.5, '2025-08-08 10:00'), "
    "(2, 'eu', 20, 2.5, '2025-08-09 11:00'), (3, 'us', 30, 4.0, '2025-08-10 12:00'), "
    "(4, 'us', 40, null, '2025-08-11 13:00')",
    "create table public.target (id int, qty int)",
    "insert into public.target values (1, 0), (9, 9)",
]

# rule -> (statement Redshift refuses, SQLSTATE, words of the message, control that must run)
CASES: dict[str, tuple[str, str, str, str]] = {
    "sort_aggregates_differ": (
        "select median(qty), median(price) from sales",
        "0A000",
        "within group ORDER BY clauses for aggregate functions must be the same",
        "select median(qty), percentile_cont(0.5) within group (order by qty) from sales",
    ),
    "sort_aggregates_differ_across_ctes": (
        "with a as (select median(qty) as m from sales), "
        "b as (select percentile_cont(0.9) within group (order by price) as p from sales) "
        "select a.m, b.p from a cross join b",
        "0A000",
        "within group ORDER BY clauses for aggregate functions must be the same",
        "select median(qty) over (partition by region), median(price) over (partition by region) "
        "from sales",
    ),
    "compute_node_function_without_table": (
        "with rows as (select 1.0 as x union all select 3.0) select median(x) from rows",
        "0A000",
        "must be applied on at least one user created tables",
        "with rows as (select qty as x from sales) select median(x) from rows",
    ),
    "percentile_without_table": (
        "select percentile_cont(0.5) within group (order by x) from (select 1 as x) as t",
        "0A000",
        "must be applied on at least one user created tables",
        "select percentile_cont(0.5) within group (order by qty) from sales",
    ),
    "sort_aggregate_with_distinct": (
        "select count(distinct region), median(qty) from sales",
        "0A000",
        "MEDIAN aggregate functions with other distinct aggregate function not supported",
        "select count(region), median(qty) from sales",
    ),
    "insert_on_conflict": (
        "insert into target values (1, 5) on conflict do nothing",
        "42601",
        "ON CONFLICT",
        "insert into target values (1, 5)",
    ),
    "merge_conditional_when": (
        "merge into target using sales on target.id = sales.id "
        "when matched and sales.qty > 5 then update set qty = sales.qty "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
        "0A000",
        "WHEN ... AND <condition> is not supported",
        "merge into target using sales on target.id = sales.id "
        "when matched then update set qty = sales.qty "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
    ),
    "merge_do_nothing": (
        "merge into target using sales on target.id = sales.id "
        "when matched then do nothing "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
        "0A000",
        "is not supported",
        "merge into target using sales on target.id = sales.id "
        "when matched then delete "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
    ),
    "merge_single_clause": (
        "merge into target using sales on target.id = sales.id "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
        "0A000",
        "exactly one WHEN MATCHED and one WHEN NOT MATCHED clause are required",
        "merge into target using sales on target.id = sales.id "
        "when matched then update set qty = 0 "
        "when not matched then insert (id, qty) values (sales.id, sales.qty)",
    ),
    "aggregate_window_without_frame": (
        "select sum(qty) over (partition by region order by sold_at) from sales",
        "0A000",
        "Aggregate window functions with an ORDER BY clause require a frame clause",
        "select sum(qty) over (partition by region order by sold_at "
        "rows between unbounded preceding and current row), "
        "row_number() over (partition by region order by sold_at) from sales",
    ),
    "window_frame_not_rows": (
        "select sum(qty) over (order by sold_at range between unbounded preceding and current row) "
        "from sales",
        "0A000",
        "window frame RANGE is not supported",
        "select sum(qty) over (order by sold_at rows between unbounded preceding and current row) "
        "from sales",
    ),
    "ordered_median_window": (
        "select median(qty) over (partition by region order by sold_at) from sales",
        "0A000",
        "OVER clause cannot contain a window ordering",
        "select median(qty) over (partition by region) from sales",
    ),
    "leader_node_function_with_table": (
        "select s.id, g from sales as s cross join generate_series(1, 3) as g",
        "0A000",
        "not supported on Redshift tables",
        "select g from generate_series(1, 3) as g",
    ),
    "aggregate_filter_clause": (
        "select count(*) filter (where qty > 15) from sales",
        "42601",
        "FILTER (WHERE ...)",
        "select sum(case when qty > 15 then 1 else 0 end) from sales",
    ),
    "alter_table_several_actions": (
        "alter table target add column a int, add column b int",
        "0A000",
        "only one column in each ALTER TABLE statement",
        "alter table target add column a int",
    ),
    "select_distinct_on": (
        "select distinct on (region) region, qty from sales order by region, qty",
        "0A000",
        "SELECT DISTINCT ON is not supported",
        "select distinct region from sales",
    ),
}


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    with redshift_harness(reachable_admin_dsn()) as running:
        conn = psycopg2.connect(running.direct_dsn)
        with conn, conn.cursor() as cur:
            for statement in SETUP:
                cur.execute(statement)
        conn.close()
        yield running


@pytest.fixture
def rs(harness: Harness) -> Iterator[Any]:
    """A redshift_connector connection through the proxy (extended protocol)."""
    conn = harness.connect()
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def pg(harness: Harness) -> Iterator[Any]:
    """A psycopg2 connection through the proxy (simple Query protocol)."""
    conn = psycopg2.connect(
        host=harness.proxy.host,
        port=harness.port,
        dbname=harness.database,
        user=harness.user,
        sslmode="disable",
    )
    conn.autocommit = True
    try:
        yield conn
    finally:
        conn.close()


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_over_extended_protocol(case: str, rs: Any, harness: Harness) -> None:
    refused, sqlstate, words, control = CASES[case]
    cursor = rs.cursor()
    with pytest.raises(redshift_connector.ProgrammingError) as caught:
        cursor.execute(refused)
    error = caught.value.args[0]
    assert error["C"] == sqlstate and words in error["M"], error
    assert harness.proxy.log.refusals[-1][0] == refused
    # The control runs (inside a transaction, rolled back, so the tables stay as they are).
    rs.autocommit = False
    cursor.execute(control)
    if cursor.description:
        assert cursor.fetchall()
    rs.rollback()


@pytest.mark.postgres
@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_over_simple_query(case: str, pg: Any) -> None:
    refused, sqlstate, words, control = CASES[case]
    with pg.cursor() as cursor:
        with pytest.raises(psycopg2.Error) as caught:
            cursor.execute(refused)
        assert caught.value.pgcode == sqlstate and words in str(caught.value), caught.value
        pg.autocommit = False
        cursor.execute(control)
        pg.rollback()


@pytest.mark.postgres
def test_a_refusal_aborts_the_transaction_as_an_error_does(rs: Any) -> None:
    rs.autocommit = False
    cursor = rs.cursor()
    cursor.execute("insert into target values (7, 7)")
    with pytest.raises(redshift_connector.ProgrammingError):
        cursor.execute("select median(qty), median(price) from sales")
    with pytest.raises(redshift_connector.ProgrammingError) as caught:
        cursor.execute("select 1")
    assert caught.value.args[0]["C"] == "25P02"  # in_failed_sql_transaction
    rs.rollback()
    cursor.execute("select count(*) from target where id = 7")
    assert cursor.fetchone()[0] == 0


@pytest.mark.postgres
def test_shims_follow_redshift_semantics(rs: Any) -> None:
    """The documented examples of each shimmed built-in, through redshift_connector."""
    cursor = rs.cursor()
    cursor.execute(
        "select datediff(day, '2025-01-01 23:59'::timestamp, '2025-01-02 00:01'::timestamp), "
        "datediff(year, '2024-12-31'::date, '2025-01-01'::date), "
        "datediff(mins, '2025-01-01 10:00:59'::timestamp, '2025-01-01 10:01:00'::timestamp), "
        "datediff(week, '2025-08-10'::date, '2025-08-11'::date), "
        "dateadd(month, 1, '2008-01-31'::date), "
        "dateadd(d, -1, '2025-03-01 06:00'::timestamp), "
        "convert_timezone('UTC', 'America/New_York', '2025-08-08 12:00'::timestamp), "
        "convert_timezone('America/New_York', '2025-01-08 12:00'::timestamp), "
        "date_part(dw, '2025-08-10'::date)"
    )
    row = cursor.fetchone()
    assert list(row[:4]) == [1, 1, 1, 1]
    assert row[4] == datetime(2008, 2, 29)
    assert row[5] == datetime(2025, 2, 28, 6, 0)
    assert row[6] == datetime(2025, 8, 8, 8, 0)  # EDT, UTC-4
    assert row[7] == datetime(2025, 1, 8, 7, 0)  # EST, UTC-5
    assert row[8] == 0  # Sunday
    cursor.execute("select getdate(), median(qty) from sales")
    now, median_qty = cursor.fetchone()
    cursor.execute("select median(price) over () from sales limit 1")
    (median_price,) = cursor.fetchone()
    assert now.microsecond == 0 and abs((datetime.now() - now).total_seconds()) < 3600 * 14
    assert float(median_qty) == 25.0 and median_price == 2.5  # nulls ignored


def test_rewrites_quote_bare_date_parts_and_map_system_views() -> None:
    sql = (
        "select datediff(day, a, b), DATEADD(mins, 1, a), date_part(dw, ts), "
        "date_trunc('day', ts), datediff(some_column, a) from pg_catalog.svv_table_info"
    )
    assert rewrite(sql) == (
        "select datediff('day', a, b), DATEADD('minute', 1, a), date_part('dow', ts), "
        "date_trunc('day', ts), datediff(some_column, a) from redshift_shim.svv_table_info"
    )
    assert rewrite("select 1") == "select 1"
