"""The warehouse every capability shares: sessions for DuckDB, PostgreSQL and Redshift
(``session``, with the engines in ``duckdb_engine`` and ``postgres_engine``), the Dagster
resource that opens them (``resource``), the SQL every engine shares (``sql``) and how a
missing table reads (``errors``). It imports no capability."""
