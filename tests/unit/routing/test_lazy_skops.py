"""skops is imported only to save or load a model: loading the code location (every run's
process does) must not pay its ~2.5 s import."""

import subprocess
import sys


def test_loading_the_definitions_does_not_import_skops(tmp_path):
    code = "import sys, ticket_platform.definitions; print('skops.io' in sys.modules)"
    env = {"TICKET_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
