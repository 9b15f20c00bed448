"""Stand-ins for dbt's cross-database macros (``dbt.dateadd`` ...) used only by SQLFluff.

SQLFluff's jinja templater makes every module of ``library_path`` available in the template
context under its module name, so ``{{ dbt.dateadd('day', 1, 'x') }}`` renders with these
DuckDB-flavoured functions when linting. dbt itself never imports this file.
"""


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def split_part(string_text: str, delimiter_text: str, part_number: int) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"


def type_bigint() -> str:
    return "bigint"


def type_timestamp() -> str:
    return "timestamp"


def type_string() -> str:
    return "varchar"
