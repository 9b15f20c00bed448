"""Code shared by several test modules (importable as ``helpers.*``: pytest's pythonpath)."""
