"""What Amazon Redshift refuses and PostgreSQL accepts, checked on each SQL text.

PostgreSQL runs statements Redshift refuses, so a harness that only forwarded SQL would pass
code that fails on the cluster. :func:`find_refusal` parses each statement with sqlglot and
returns the first :class:`Refusal` that applies, with the SQLSTATE and message Redshift answers
(the message names the restriction; Redshift's exact wording is kept where it is documented or
widely reported). Each rule cites the Redshift documentation page that states the restriction.

Scope: a rule looks at one statement at a time, as Redshift does ("If a statement includes
multiple calls to sort-based aggregate functions ..."). A statement sqlglot cannot parse is not
refused (PostgreSQL then decides).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

DOCS = "https://docs.aws.amazon.com/redshift/latest/dg/"

# Relations that do not count as a table for compute-node-only functions: the leader node's
# PostgreSQL catalog. (Redshift's own STL/STV/SVV/SYS system tables do count, as the MEDIAN page
# says, and are not excluded.)
_SYSTEM_SCHEMAS = {"pg_catalog", "information_schema"}
_SYSTEM_PREFIXES = ("pg_",)

# Aggregates that sort their input: one ORDER BY per statement, and no DISTINCT aggregate.
_SORT_BASED = (exp.Median, exp.PercentileCont, exp.PercentileDisc, exp.GroupConcat)
# Leader-node-only functions (no user tables in the same query).
_LEADER_ONLY = {"generate_series", "current_schemas", "has_table_privilege"}
# Functions that are not aggregate window functions (no frame clause needed with ORDER BY).
_RANKING = (exp.RowNumber, exp.Lag, exp.Lead, exp.NthValue, exp.Ntile, exp.FirstValue)
_RANKING_NAMES = {"rank", "dense_rank", "percent_rank", "cume_dist", "ratio_to_report"}


@dataclass(frozen=True)
class Refusal:
    """An error Redshift would answer: SQLSTATE, message and the documentation page."""

    rule: str
    sqlstate: str
    message: str
    doc: str


def _parse(sql: str) -> list[exp.Expression]:
    for dialect in ("postgres", "redshift"):
        try:
            return [e for e in sqlglot.parse(sql, read=dialect) if e is not None]
        except sqlglot.errors.SqlglotError:
            continue
    return []


def _outside_window(node: exp.Expression) -> bool:
    return not isinstance(node.parent, exp.Window) and not isinstance(
        node.parent and node.parent.parent, exp.Window
    )


def _sort_key(node: exp.Expression) -> str | None:
    """The ORDER BY argument of a sort-based aggregate call (MEDIAN orders by its argument)."""
    if isinstance(node, exp.Median):
        return node.this.sql("postgres")
    if isinstance(node, exp.PercentileCont | exp.PercentileDisc | exp.GroupConcat):
        parent = node.parent
        if isinstance(parent, exp.WithinGroup) and parent.expression is not None:
            return parent.expression.sql("postgres").removeprefix("ORDER BY ")
        return ""
    return None


def _user_tables(statement: exp.Expression) -> list[exp.Table]:
    ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    tables = []
    for table in statement.find_all(exp.Table):
        name, schema = table.name.lower(), (table.db or "").lower()
        if not name or (not schema and name in ctes) or isinstance(table.this, exp.Func):
            continue
        if schema in _SYSTEM_SCHEMAS or name.startswith(_SYSTEM_PREFIXES):
            continue
        tables.append(table)
    return tables


# --------------------------------------------------------------------------------------------
# Rules: each takes one parsed statement and returns a Refusal or None.
# --------------------------------------------------------------------------------------------
def sort_aggregates_differ(statement: exp.Expression) -> Refusal | None:
    """MEDIAN / PERCENTILE_CONT / PERCENTILE_DISC / LISTAGG aggregates with different ORDER BY."""
    keys = {
        _sort_key(node)
        for node in statement.find_all(*_SORT_BASED)
        if _outside_window(node.parent if isinstance(node.parent, exp.WithinGroup) else node)
    }
    if len(keys) > 1:
        return Refusal(
            "sort_aggregates_differ",
            "0A000",
            "within group ORDER BY clauses for aggregate functions must be the same "
            f"(sort-based aggregates over {', '.join(sorted(k or '?' for k in keys))})",
            DOCS + "r_MEDIAN.html",
        )
    return None


def sort_aggregate_with_distinct(statement: exp.Expression) -> Refusal | None:
    """A sort-based aggregate next to a DISTINCT aggregate (COUNT(DISTINCT x)) is refused."""
    has_sort = any(True for _ in statement.find_all(*_SORT_BASED))
    has_distinct = any(isinstance(d.parent, exp.AggFunc) for d in statement.find_all(exp.Distinct))
    if has_sort and has_distinct:
        return Refusal(
            "sort_aggregate_with_distinct",
            "0A000",
            "Using LISTAGG/PERCENTILE_CONT/MEDIAN aggregate functions with other distinct "
            "aggregate function not supported",
            DOCS + "r_LISTAGG.html",
        )
    return None


def compute_node_function_without_table(statement: exp.Expression) -> Refusal | None:
    """MEDIAN / PERCENTILE_CONT / LISTAGG in a statement that reads no user table."""
    if any(True for _ in statement.find_all(*_SORT_BASED)) and not _user_tables(statement):
        return Refusal(
            "compute_node_function_without_table",
            "0A000",
            "One or more of the used functions must be applied on at least one user created "
            "tables. Examples of user table only functions are LISTAGG, MEDIAN, "
            "PERCENTILE_CONT, etc",
            DOCS + "r_MEDIAN.html",
        )
    return None


def leader_node_function_with_table(statement: exp.Expression) -> Refusal | None:
    """Leader-node-only functions (generate_series, ...) in a query that reads user tables."""
    names = {
        (f.name if isinstance(f, exp.Anonymous) else f.sql_name()).lower()
        for f in statement.find_all(exp.Func)
    }
    if any(True for _ in statement.find_all(exp.GenerateSeries, exp.ExplodingGenerateSeries)):
        names.add("generate_series")
    used = names & _LEADER_ONLY
    if used and _user_tables(statement):
        return Refusal(
            "leader_node_function_with_table",
            "0A000",
            "Specified types or functions (one per INFO message) not supported on Redshift "
            f"tables ({', '.join(sorted(used))} runs on the leader node only)",
            DOCS + "c_sql-functions-leader-node.html",
        )
    return None


def insert_on_conflict(statement: exp.Expression) -> Refusal | None:
    """INSERT ... ON CONFLICT (upsert) does not exist in Redshift: a syntax error."""
    if isinstance(statement, exp.Insert) and statement.args.get("conflict") is not None:
        return Refusal(
            "insert_on_conflict",
            "42601",
            'syntax error at or near "ON": Redshift INSERT has no ON CONFLICT clause '
            "(use MERGE or DELETE + INSERT)",
            DOCS + "r_INSERT_30.html",
        )
    return None


def unsupported_merge(statement: exp.Expression) -> Refusal | None:
    """MERGE beyond Redshift's two forms (one WHEN MATCHED + one WHEN NOT MATCHED, or
    REMOVE DUPLICATES): no AND conditions, no DO NOTHING, no BY SOURCE, no second clause."""
    if not isinstance(statement, exp.Merge):
        return None
    whens = statement.args.get("whens")
    clauses = list(whens.expressions) if whens is not None else []
    problems = []
    matched = [w for w in clauses if w.args.get("matched")]
    not_matched = [w for w in clauses if not w.args.get("matched")]
    if len(matched) != 1 or len(not_matched) != 1:
        problems.append("exactly one WHEN MATCHED and one WHEN NOT MATCHED clause are required")
    for when in clauses:
        then = when.args.get("then")
        if when.args.get("condition") is not None:
            problems.append("WHEN ... AND <condition> is not supported")
        if when.args.get("source"):
            problems.append("WHEN NOT MATCHED BY SOURCE is not supported")
        if not isinstance(then, exp.Update | exp.Insert) and not (
            isinstance(then, exp.Var) and then.name.upper() == "DELETE"
        ):
            problems.append(f"action {then.sql('postgres') if then else '?'} is not supported")
    if problems:
        return Refusal(
            "unsupported_merge",
            "0A000",
            "MERGE form not supported by Amazon Redshift: " + "; ".join(dict.fromkeys(problems)),
            DOCS + "r_MERGE.html",
        )
    return None


def _window_name(window: exp.Window) -> str:
    func = window.this
    return (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()


def window_frame_restrictions(statement: exp.Expression) -> Refusal | None:
    """Window frames: ROWS only, an explicit frame for ordered aggregate windows, and no
    ORDER BY / frame in the OVER clause of MEDIAN / PERCENTILE_CONT / PERCENTILE_DISC."""
    for window in statement.find_all(exp.Window):
        spec, order, func = window.args.get("spec"), window.args.get("order"), window.this
        if isinstance(func, exp.WithinGroup):
            func = func.this
        if isinstance(func, _SORT_BASED) and (order is not None or spec is not None):
            return Refusal(
                "ordered_median_window",
                "0A000",
                f"{_window_name(window)} window function: the OVER clause cannot contain a "
                "window ordering or window frame specification",
                DOCS + "r_WF_MEDIAN.html",
            )
        if spec is not None and str(spec.args.get("kind", "")).lower() != "rows":
            return Refusal(
                "window_frame_not_rows",
                "0A000",
                f"window frame {str(spec.args.get('kind')).upper()} is not supported: Redshift "
                "window frames are ROWS frames",
                DOCS + "r_Window_function_synopsis.html",
            )
        is_aggregate = isinstance(func, exp.AggFunc) and not isinstance(func, _RANKING)
        ranking = _window_name(window) in _RANKING_NAMES
        if is_aggregate and not ranking and order is not None and spec is None:
            return Refusal(
                "aggregate_window_without_frame",
                "0A000",
                "Aggregate window functions with an ORDER BY clause require a frame clause",
                DOCS + "r_Window_function_synopsis.html",
            )
    return None


def aggregate_filter_clause(statement: exp.Expression) -> Refusal | None:
    """The aggregate FILTER (WHERE ...) clause is PostgreSQL-only (use CASE in the argument)."""
    if any(True for _ in statement.find_all(exp.Filter)):
        return Refusal(
            "aggregate_filter_clause",
            "42601",
            'syntax error at or near "(": Redshift aggregates have no FILTER (WHERE ...) clause',
            DOCS + "c_Aggregate_Functions.html",
        )
    return None


def alter_table_several_actions(statement: exp.Expression) -> Refusal | None:
    """ALTER TABLE with more than one action (Redshift adds one column per statement)."""
    if not isinstance(statement, exp.Alter):
        return None
    if len(statement.args.get("actions") or []) > 1:
        return Refusal(
            "alter_table_several_actions",
            "0A000",
            "ALTER TABLE ADD COLUMN supports adding only one column in each ALTER TABLE statement",
            DOCS + "c_redshift-sql-implementated-differently.html",
        )
    return None


def select_distinct_on(statement: exp.Expression) -> Refusal | None:
    """SELECT DISTINCT ON (...) is PostgreSQL-only (use ROW_NUMBER() = 1)."""
    for select in statement.find_all(exp.Select):
        distinct = select.args.get("distinct")
        if distinct is not None and distinct.args.get("on") is not None:
            return Refusal(
                "select_distinct_on",
                "0A000",
                "SELECT DISTINCT ON is not supported",
                DOCS + "r_SELECT_list.html",
            )
    return None


RULES: tuple[Callable[[exp.Expression], Refusal | None], ...] = (
    insert_on_conflict,
    unsupported_merge,
    sort_aggregates_differ,
    sort_aggregate_with_distinct,
    compute_node_function_without_table,
    leader_node_function_with_table,
    window_frame_restrictions,
    aggregate_filter_clause,
    alter_table_several_actions,
    select_distinct_on,
)

# Only statements naming one of these words are parsed (most of dbt's traffic is catalog reads).
_TRIGGERS = re.compile(
    r"median|percentile|listagg|conflict|merge|over\s*\(|filter|generate_series|"
    r"current_schemas|has_table_privilege|alter\s+table|distinct\s+on",
    re.IGNORECASE,
)


def refusals(sql: str) -> Iterator[Refusal]:
    """Every refusal of every statement in ``sql``."""
    if not _TRIGGERS.search(sql):
        return
    for statement in _parse(sql):
        for rule in RULES:
            refusal = rule(statement)
            if refusal is not None:
                yield refusal


def find_refusal(sql: str) -> Refusal | None:
    """The first restriction ``sql`` hits, or None when Redshift would accept it."""
    return next(refusals(sql), None)
