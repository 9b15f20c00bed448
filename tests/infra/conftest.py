"""The CDK app synthesized once per test session (and xdist worker) into temporary folders.

Synthesis takes several seconds, so tests share one synthesis of the default configuration and
read its template; nothing is written into the repository (bundles, layer and cloud assembly all
go under pytest's temporary directory).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# The CDK app is not an installed package: import it from the checkout.
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from infra_synth import Synth, synthesize  # noqa: E402


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The default configuration (two alert emails, empty layer), synthesized once."""
    return synthesize(tmp_path_factory.mktemp("synth"))
