"""Session fixtures: one simulated mini sample set and one report, shared by the report tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "_sc2d_miniset_report", Path(__file__).parent / "_miniset.py"
)
miniset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(miniset)


@pytest.fixture(scope="session")
def mini_toml(tmp_path_factory) -> Path:
    """The mini set with a gate series and a sample named with HTML/script."""
    return miniset.write_miniset(tmp_path_factory.mktemp("miniset"), seed=5, evil=True)


@pytest.fixture(scope="session")
def mini_report(mini_toml, tmp_path_factory):
    """sc2d.report.write_report on the mini set (serial)."""
    from sc2d.config import load_sample_set
    from sc2d.report import write_report

    out = tmp_path_factory.mktemp("report") / "out"
    return write_report(load_sample_set(mini_toml), out)
