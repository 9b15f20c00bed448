"""Transform: the dbt project as Dagster assets (``assets``), its build arguments
(``build_config``), source freshness checks, the dbt docs site (``docs``) and the source tables
dbt reads before anything has loaded them (``dbt_sources``)."""
