"""The warehouse every capability shares: sessions for DuckDB, PostgreSQL and Redshift
(``session``), the Dagster resource that opens them (``resource``) and the SQL every engine shares
(``sql``). It imports no capability."""
