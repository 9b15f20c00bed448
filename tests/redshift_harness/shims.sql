-- Redshift built-ins and catalog objects that PostgreSQL lacks, as PostgreSQL objects in the
-- schema redshift_shim (the harness puts it last on the test database's search_path, so
-- PostgreSQL's own functions always win). Each object states the Redshift semantics it assumes
-- and the documentation page it follows. Installed by tests/redshift_harness/__init__.py;
-- listed in docs/redshift-harness.md.
create schema if not exists redshift_shim;

-- GETDATE(): the current date and time in the session time zone (UTC by default), as a
-- TIMESTAMP without fractional seconds; the start of the current statement, also inside a
-- transaction block. https://docs.aws.amazon.com/redshift/latest/dg/r_GETDATE.html
create or replace function redshift_shim.getdate() returns timestamp
language sql stable as $$
    select date_trunc('second', statement_timestamp())::timestamp
$$;

-- CONVERT_TIMEZONE(source, target, ts): reads a TIMESTAMP as local time in `source` and
-- returns the same instant as local time in `target` (time zone names or offsets; daylight
-- saving applies for named zones). With two arguments the source is UTC.
-- https://docs.aws.amazon.com/redshift/latest/dg/CONVERT_TIMEZONE.html
create or replace function redshift_shim.convert_timezone(
    source_tz text, target_tz text, ts timestamp
) returns timestamp
language sql immutable strict as $$
    select (ts at time zone source_tz) at time zone target_tz
$$;

create or replace function redshift_shim.convert_timezone(target_tz text, ts timestamp)
returns timestamp
language sql immutable strict as $$
    select (ts at time zone 'UTC') at time zone target_tz
$$;

-- DATEADD(datepart, interval, date|timestamp): adds `interval` (an integer) units of the date
-- part; returns a TIMESTAMP (a DATE argument is read as midnight). Adding months to a day that
-- does not exist in the result month gives that month's last day (DATEADD(month, 1,
-- '2008-01-31') = 2008-02-29), as PostgreSQL interval arithmetic does. The proxy quotes the bare
-- date part (tests/redshift_harness/rewrites.py) and maps abbreviations to the names below.
-- https://docs.aws.amazon.com/redshift/latest/dg/r_DATEADD_function.html
create or replace function redshift_shim.dateadd(datepart text, amount bigint, ts timestamp)
returns timestamp
language sql immutable strict as $$
    select case lower(datepart)
        when 'millennium' then ts + make_interval(years => (amount * 1000)::int)
        when 'century' then ts + make_interval(years => (amount * 100)::int)
        when 'decade' then ts + make_interval(years => (amount * 10)::int)
        when 'year' then ts + make_interval(years => amount::int)
        when 'quarter' then ts + make_interval(months => (amount * 3)::int)
        when 'month' then ts + make_interval(months => amount::int)
        when 'week' then ts + make_interval(weeks => amount::int)
        when 'day' then ts + make_interval(days => amount::int)
        when 'hour' then ts + make_interval(hours => amount::int)
        when 'minute' then ts + make_interval(mins => amount::int)
        when 'second' then ts + make_interval(secs => amount)
        when 'milliseconds' then ts + make_interval(secs => amount / 1000.0)
        when 'microseconds' then ts + make_interval(secs => amount / 1000000.0)
    end
$$;

-- DATEDIFF(datepart, start, end): the number of date-part boundaries crossed from start to end
-- (end - start, negative when end is earlier), as a BIGINT: DATEDIFF(day, '2025-01-01 23:59',
-- '2025-01-02 00:01') = 1, DATEDIFF(year, '2024-12-31', '2025-01-01') = 1. Weeks are counted
-- between the Mondays that start them, as DATE_TRUNC('week') truncates to a Monday (assumed:
-- the DATEDIFF page does not say which day starts a week; the project never uses week).
-- https://docs.aws.amazon.com/redshift/latest/dg/r_DATEDIFF_function.html
create or replace function redshift_shim.datediff(datepart text, start_ts timestamp, end_ts timestamp)
returns bigint
language sql immutable strict as $$
    select case lower(datepart)
        when 'millennium' then
            floor((extract(year from end_ts) - 1) / 1000) - floor((extract(year from start_ts) - 1) / 1000)
        when 'century' then
            floor((extract(year from end_ts) - 1) / 100) - floor((extract(year from start_ts) - 1) / 100)
        when 'decade' then floor(extract(year from end_ts) / 10) - floor(extract(year from start_ts) / 10)
        when 'year' then extract(year from end_ts) - extract(year from start_ts)
        when 'quarter' then
            (extract(year from end_ts) * 4 + extract(quarter from end_ts))
            - (extract(year from start_ts) * 4 + extract(quarter from start_ts))
        when 'month' then
            (extract(year from end_ts) * 12 + extract(month from end_ts))
            - (extract(year from start_ts) * 12 + extract(month from start_ts))
        when 'week' then (date_trunc('week', end_ts)::date - date_trunc('week', start_ts)::date) / 7
        when 'day' then date_trunc('day', end_ts)::date - date_trunc('day', start_ts)::date
        when 'hour' then
            (extract(epoch from date_trunc('hour', end_ts)) - extract(epoch from date_trunc('hour', start_ts))) / 3600
        when 'minute' then
            (extract(epoch from date_trunc('minute', end_ts)) - extract(epoch from date_trunc('minute', start_ts))) / 60
        when 'second' then
            extract(epoch from date_trunc('second', end_ts)) - extract(epoch from date_trunc('second', start_ts))
        when 'milliseconds' then
            (extract(epoch from date_trunc('milliseconds', end_ts))
            - extract(epoch from date_trunc('milliseconds', start_ts))) * 1000
        when 'microseconds' then (extract(epoch from end_ts) - extract(epoch from start_ts)) * 1000000
    end::bigint
$$;

-- MEDIAN(expression): the continuous median (PERCENTILE_CONT(0.5)) of the non-null values, NULL
-- when there are none. Return type: DOUBLE PRECISION for FLOAT/DOUBLE arguments, DECIMAL
-- (numeric) for INT2/INT4/INT8/DECIMAL ones. The restrictions (one ORDER BY per statement, a
-- user table in the query, no DISTINCT aggregate beside it, only PARTITION BY in OVER) are
-- enforced by the proxy (refusals.py), not here.
-- https://docs.aws.amazon.com/redshift/latest/dg/r_MEDIAN.html
-- https://docs.aws.amazon.com/redshift/latest/dg/r_WF_MEDIAN.html
create or replace function redshift_shim.median_accumulate(state float8 [], value float8)
returns float8 []
language sql immutable as $$
    select case when value is null then state else array_append(state, value) end
$$;

create or replace function redshift_shim.median_final(state float8 [])
returns float8
language sql immutable as $$
    select percentile_cont(0.5) within group (order by v) from unnest(state) as v
$$;

create or replace function redshift_shim.median_accumulate(state numeric [], value numeric)
returns numeric []
language sql immutable as $$
    select case when value is null then state else array_append(state, value) end
$$;

create or replace function redshift_shim.median_final(state numeric [])
returns numeric
language sql immutable as $$
    select percentile_cont(0.5) within group (order by v)::numeric from unnest(state) as v
$$;

drop aggregate if exists redshift_shim.median(float8);
create aggregate redshift_shim.median(float8) (
    sfunc = redshift_shim.median_accumulate,
    stype = float8 [],
    finalfunc = redshift_shim.median_final,
    initcond = '{}'
);

drop aggregate if exists redshift_shim.median(numeric);
create aggregate redshift_shim.median(numeric) (
    sfunc = redshift_shim.median_accumulate,
    stype = numeric [],
    finalfunc = redshift_shim.median_final,
    initcond = '{}'
);

create or replace function redshift_shim.median_accumulate(state numeric [], value bigint)
returns numeric []
language sql immutable as $$
    select case when value is null then state else array_append(state, value::numeric) end
$$;

create or replace function redshift_shim.median_accumulate(state numeric [], value integer)
returns numeric []
language sql immutable as $$
    select case when value is null then state else array_append(state, value::numeric) end
$$;

-- Integer arguments give DECIMAL, as in Redshift (without these, PostgreSQL would pick the
-- float8 aggregate for an integer).
drop aggregate if exists redshift_shim.median(bigint);
create aggregate redshift_shim.median(bigint) (
    sfunc = redshift_shim.median_accumulate,
    stype = numeric [],
    finalfunc = redshift_shim.median_final,
    initcond = '{}'
);

drop aggregate if exists redshift_shim.median(integer);
create aggregate redshift_shim.median(integer) (
    sfunc = redshift_shim.median_accumulate,
    stype = numeric [],
    finalfunc = redshift_shim.median_final,
    initcond = '{}'
);

-- PG_GET_LATE_BINDING_VIEW_COLS(): the columns of late-binding views (views created WITH NO
-- SCHEMA BINDING), one row per column, read with a column definition list (view_schema name,
-- view_name name, col_name name, col_type varchar, col_num int). PostgreSQL has no late-binding
-- views (and refuses WITH NO SCHEMA BINDING), so the shim returns no rows; dbt then reads the
-- columns of ordinary views from information_schema.columns, as on Redshift.
-- https://docs.aws.amazon.com/redshift/latest/dg/PG_GET_LATE_BINDING_VIEW_COLS.html
create or replace function redshift_shim.pg_get_late_binding_view_cols() returns setof record
language sql stable as $$
    select null::name, null::name, null::name, null::varchar, null::int where false
$$;

-- SVV_EXTERNAL_COLUMNS: the columns of external (Redshift Spectrum) tables. PostgreSQL has no
-- external schemas, so the view is empty with Redshift's columns. dbt reads it as
-- pg_catalog.svv_external_columns; the proxy maps pg_catalog.svv_* to redshift_shim.svv_*
-- (rewrites.py), as the harness does not modify PostgreSQL's system catalog.
-- https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_EXTERNAL_COLUMNS.html
create or replace view redshift_shim.svv_external_columns as
select
    null::varchar(128) as schemaname,
    null::varchar(128) as tablename,
    null::varchar(128) as columnname,
    null::text as external_type,
    null::integer as columnnum,
    null::integer as part_key,
    null::text as is_nullable
where false;

-- SVV_TABLE_INFO: one row per user table (not views, not the catalog) with its schema, name,
-- owner-independent storage facts and statistics; dbt reads it for `dbt docs generate`. The
-- physical columns (distribution, sort keys, encoding, skew, unsorted share) have no
-- PostgreSQL meaning: they are NULL or Redshift's value for a table with no sort key and
-- EVEN distribution; tbl_rows is PostgreSQL's row estimate (reltuples), size is in 1 MB blocks.
-- https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_TABLE_INFO.html
create or replace view redshift_shim.svv_table_info as
select
    current_database()::text as database,
    n.nspname::text as schema,
    c.oid::bigint as table_id,
    c.relname::text as "table",
    'N'::text as encoded,
    'EVEN'::text as diststyle,
    null::text as sortkey1,
    null::integer as max_varchar,
    null::text as sortkey1_enc,
    0 as sortkey_num,
    ceil(pg_total_relation_size(c.oid) / 1048576.0)::bigint as size,
    null::numeric(10, 4) as pct_used,
    null::numeric(10, 4) as empty,
    null::numeric(5, 2) as unsorted,
    0::numeric(5, 2) as stats_off,
    greatest(c.reltuples, 0)::numeric(38, 0) as tbl_rows,
    null::numeric(19, 2) as skew_sortkey1,
    null::numeric(19, 2) as skew_rows,
    greatest(c.reltuples, 0)::numeric(38, 0) as estimated_visible_rows,
    null::text as risk_event,
    null::text as vacuum_sort_benefit,
    null::timestamp as create_time
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
where
    c.relkind in ('r', 'p')
    and n.nspname not in ('pg_catalog', 'information_schema', 'redshift_shim')
    and n.nspname not like 'pg_toast%';

-- JSON_EXTRACT_PATH_TEXT(json_string, path_elem): the text of a key of a JSON object given as
-- VARCHAR, NULL when the key is absent (PostgreSQL's own takes json, not text).
-- https://docs.aws.amazon.com/redshift/latest/dg/JSON_EXTRACT_PATH_TEXT.html
create or replace function redshift_shim.json_extract_path_text(json_string text, path_elem text)
returns text
language sql immutable strict as $$
    select json_string::json ->> path_elem
$$;
