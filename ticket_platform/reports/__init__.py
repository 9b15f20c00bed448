"""Reports: the support lead's static HTML dashboard (``dashboard_data`` reads the marts,
``dashboard_render`` draws them) and the Parquet export of the marts (``export``), with their
assets."""
