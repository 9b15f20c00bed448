"""When things run: schedules and the freshness-check sensor (``triggers``), declarative
automation conditions (``conditions``) and the project-wide freshness and automation policies
(``policies``). It sits above the capabilities it schedules; what every asset shares at run time
(pools, retries, partitions) is in ``ticket_platform/pools.py`` and ``partitions.py``."""
