"""Shared fixtures: the real-data folder (skipped when absent), tmp paths."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

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
