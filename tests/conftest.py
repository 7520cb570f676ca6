"""Shared fixtures: the real-data folder (skipped when absent), tmp paths."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# Property tests explore new random examples on developers' machines; on CI
# (CI=true) they run a fixed, derandomised set so a landing is reproducible.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: ``../shared/data/real`` relative to the repository (or $SC2D_REAL_DATA).
REAL_DATA = Path(
    os.environ.get(
        "SC2D_REAL_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
    )
)


@pytest.fixture
def real_data() -> Path:
    """Folder of third-party measured data; the test skips when it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real data folder {REAL_DATA} is absent")
    return REAL_DATA
