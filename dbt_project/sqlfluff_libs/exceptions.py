"""Stand-in for dbt's ``exceptions`` namespace, used only by SQLFluff."""


def raise_compiler_error(message: str) -> str:
    raise ValueError(message)
