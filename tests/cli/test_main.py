"""The ``sc2d`` entry point: process set-up before any analysis runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_PROBE = (
    "import os, sys\n"
    "import sc2d, sc2d.cli\n"
    "before = 'numpy' in sys.modules\n"
    "try:\n"
    "    sc2d.cli.main(['vdp', '--ra', '100', '--rb', '100', '--json'])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print(before, 'numpy' in sys.modules, os.environ.get('OPENBLAS_NUM_THREADS'))\n"
)


def _probe(**env: str) -> list[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
    }
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **env},
    )
    return out.stdout.split()[-3:]


def test_command_runs_openblas_on_one_thread() -> None:
    """``import sc2d`` loads no numpy, so the command can choose one OpenBLAS thread
    before numpy starts its busy-waiting thread per core (sc2d parallelises itself)."""
    assert _probe() == ["False", "True", "1"]


@pytest.mark.parametrize("var", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"])
def test_users_thread_choice_is_kept(var: str) -> None:
    """A thread count the user set in the environment is left as it is."""
    expect = "3" if var == "OPENBLAS_NUM_THREADS" else "None"
    assert _probe(**{var: "3"}) == ["False", "True", expect]


def test_data_classes_load_on_first_use() -> None:
    """``sc2d.Curve`` and the other data classes are still there, loaded when asked for;
    an unknown name is an AttributeError."""
    import sc2d
    from sc2d.data import Curve, Table

    assert sc2d.Curve is Curve and sc2d.Table is Table
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        sc2d.Nope  # noqa: B018
