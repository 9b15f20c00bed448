"""Redshift syntax that PostgreSQL parses differently, rewritten before it is forwarded.

Redshift's date functions take the date part as a bare word (``datediff(day, a, b)``,
``dateadd(month, 1, d)``, ``date_part(dow, ts)``); PostgreSQL would read ``day`` as a column.
:func:`rewrite` quotes the bare date part and maps Redshift's abbreviations to one canonical
name (``dw`` -> ``dow``, ``mins`` -> ``minute``, ...) that the shims in ``shims.sql`` and
PostgreSQL's own ``date_part`` understand. Date parts and abbreviations:
https://docs.aws.amazon.com/redshift/latest/dg/r_Dateparts_for_datetime_functions.html

System views dbt-redshift reads as ``pg_catalog.svv_*`` (and ``pg_catalog.stv_*`` ...) are
mapped to the shim schema ``redshift_shim``.

The rewrite is textual (a regular expression over the statement), so it would also touch a
string literal that happens to contain ``datediff(day,``; the project's SQL has none.
"""

from __future__ import annotations

import re

# Redshift date part names and abbreviations -> the canonical name used by the shims.
DATEPARTS: dict[str, str] = {}
for canonical, names in {
    "millennium": "millennium millennia mil mils",
    "century": "century centuries c cent cents",
    "decade": "decade decades dec decs",
    "epoch": "epoch",
    "year": "year years y yr yrs",
    "quarter": "quarter quarters qtr qtrs",
    "month": "month months mon mons",
    "week": "week weeks w",
    "dow": "dayofweek dow dw weekday",
    "doy": "dayofyear doy dy yearday",
    "day": "day days d",
    "hour": "hour hours h hr hrs",
    "minute": "minute minutes m min mins",
    "second": "second seconds s sec secs",
    "milliseconds": "millisecond milliseconds ms msec msecs msecond mseconds millisec "
    "millisecs millisecon",
    "microseconds": "microsecond microseconds microsec microsecs microsecond usecond "
    "useconds us usec usecs",
}.items():
    DATEPARTS.update(dict.fromkeys(names.split(), canonical))

_DATE_FUNCTION = re.compile(
    r"\b(datediff|date_diff|dateadd|date_add|date_part|datepart|date_trunc)\s*\(\s*"
    r"([A-Za-z_]+)\s*,",
    re.IGNORECASE,
)


def _quote_datepart(match: re.Match[str]) -> str:
    function, part = match.group(1), match.group(2)
    canonical = DATEPARTS.get(part.lower())
    if canonical is None:  # a column or expression, not a date part: leave it
        return match.group(0)
    name = {"date_diff": "datediff", "date_add": "dateadd", "datepart": "date_part"}.get(
        function.lower(), function
    )
    return f"{name}('{canonical}',"


# Redshift system views that dbt-redshift reads schema-qualified as pg_catalog.<name>: the
# harness keeps them in redshift_shim (shims.sql) and does not touch PostgreSQL's catalog.
_SYSTEM_VIEW = re.compile(
    r"\bpg_catalog\.((?:svv|stv|stl|svl)_\w+|pg_get_late_binding_view_cols)\b", re.IGNORECASE
)


def rewrite(sql: str) -> str:
    """``sql`` with bare date parts quoted and Redshift system views mapped to the shims."""
    lowered = sql.lower()
    if "pg_catalog." in lowered:
        sql = _SYSTEM_VIEW.sub(r"redshift_shim.\1", sql)
    if "date" not in lowered:
        return sql
    return _DATE_FUNCTION.sub(_quote_datepart, sql)
