"""The benchmark runner (``python -m bench.run``); see bench/RESULTS.md."""
