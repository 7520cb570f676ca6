"""``sc2d vdp``: Van der Pauw sheet resistance from the command line."""

from __future__ import annotations

import json
import math

import pytest

from sc2d.cli import main


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_symmetric_hand_value_json(capsys):
    """R_A = R_B = 100 Ohm: R_s = 100 pi/ln 2 = 453.2360 Ohm."""
    code, out, err = run(capsys, "vdp", "--ra", "100", "--rb", "100", "--json")
    assert code == 0 and err == ""
    d = json.loads(out)
    assert d["r_s_ohm"] == pytest.approx(100 * math.pi / math.log(2), rel=1e-12)
    assert d["f_factor"] == pytest.approx(1.0)


def test_asymmetric_satisfies_equation(capsys):
    _code, out, _ = run(capsys, "vdp", "--ra", "100", "--rb", "250", "--json")
    rs = json.loads(out)["r_s_ohm"]
    assert math.exp(-math.pi * 100 / rs) + math.exp(-math.pi * 250 / rs) == pytest.approx(1.0)


def test_text_output(capsys):
    code, out, _ = run(capsys, "vdp", "--ra", "100", "--rb", "100")
    assert code == 0 and out.startswith("R_s = 453.23601")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ra", "-1", "--rb", "100"], "--ra must be a positive resistance in Ohm, got -1.0"),
        (["--ra", "100", "--rb", "0"], "--rb must be a positive resistance in Ohm, got 0.0"),
        (["--ra", "abc", "--rb", "100"], "Invalid value for '--ra'"),
        (["--ra", "100"], "Missing option '--rb'"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, args, message):
    code, out, err = run(capsys, "vdp", *args)
    assert code == 2 and out == ""
    assert message in err
    assert err.startswith("sc2d vdp: error:") and err.count("\n") == 1
