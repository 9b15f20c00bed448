"""When things run: schedules and the freshness-check sensor (``triggers``), declarative
automation conditions (``conditions``), the project-wide freshness and automation policies
(``policies``) and the pools and retry policy every asset shares (``pools``)."""
