"""``sc2d gate``: CLI contract on forward-model gate families, TOML input, error paths."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sc2d.cli import main

VGS = np.arange(150.0, -151.0, -30.0)  # +150 V -> -150 V in 30 V steps (reference study)


@pytest.fixture(scope="module")
def gate_dir(tmp_path_factory):
    """Forward-model gate families of the reference sample (dome peak at +30 V)."""
    sim = pytest.importorskip("sc2d.simulate")
    d = tmp_path_factory.mktemp("gate")
    p = sim.SampleParams()
    sim.measure_gate_rt(p, VGS, rng=1).to_csv(d / "gate_rt.csv", index=False)
    sim.measure_gate_hall(p, VGS, rng=2).to_csv(d / "gate_hall.csv", index=False)
    sim.measure_gate_iv(p, VGS, rng=3).to_csv(d / "gate_iv.csv", index=False)
    return d


def run(capsys, *args):
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    code = 0
    try:
        main(["gate", *map(str, args)])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_gate_json_contract_and_accuracy(gate_dir, capsys):
    """--json: curves with Vg_V, tc_K, n_s_cm2, mobility_cm2_per_Vs, ic_A; tc_peak_Vg_V.
    Forward model: n_s(V_G) within 1% at every step, dome peak within 5 V of +30 V."""
    from sc2d.simulate import gate_params

    code, out, err = run(
        capsys,
        "--rt", gate_dir / "gate_rt.csv",
        "--hall", gate_dir / "gate_hall.csv",
        "--iv", gate_dir / "gate_iv.csv",
        "--normal-at", "0.4",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    js = json.loads(out)
    assert len(js["curves"]) == 11
    for c in js["curves"]:
        for k in ("Vg_V", "tc_K", "n_s_cm2", "mobility_cm2_per_Vs", "ic_A"):
            assert k in c
    vg = np.array([c["Vg_V"] for c in js["curves"]])
    truth = gate_params(vg)
    ns = np.array([c["n_s_cm2"]["value"] for c in js["curves"]]) * 1e4
    assert np.max(np.abs(ns / truth["n_s"] - 1)) < 0.01
    tc = np.array([c["tc_K"]["value"] for c in js["curves"]])
    assert np.max(np.abs(tc - truth["tc"])) < 2e-3
    assert abs(js["tc_peak_Vg_V"]["value"] - 30.0) < 5.0
    assert js["capacitance"]["dn_dv_cm2_per_V"]["value"] > 0
    assert set(js["curves"][0]["tc_by_criterion_K"]) == {"0.9", "0.5", "0.1"}


def test_gate_positional_files_told_apart(gate_dir, capsys):
    """FILES: the three families given positionally, in any order, are recognised."""
    code, out, err = run(
        capsys,
        gate_dir / "gate_iv.csv",
        gate_dir / "gate_hall.csv",
        gate_dir / "gate_rt.csv",
        "--normal-at", "0.4",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    js = json.loads(out)
    assert set(js["sources"]) == {"rt", "hall", "iv"}
    assert js["sources"]["hall"].endswith("gate_hall.csv")
    assert abs(js["tc_peak_Vg_V"]["value"] - 30.0) < 5.0


def test_gate_text_summary_and_single_file(gate_dir, capsys):
    """Without --json: one table line per V_G; a lone I-V file is recognised as such."""
    code, out, err = run(capsys, gate_dir / "gate_iv.csv")
    assert code == 0, err
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines[0].split()[0] == "V_G"
    assert sum(1 for ln in lines[1:12] if ln.split()[0].lstrip("-").isdigit()) == 11
    assert "Ic peak" in out


def test_gate_from_toml_relative_paths(gate_dir, capsys):
    """A sample-set TOML: the first sample with gate_* roles, paths relative to the TOML."""
    cfg = gate_dir / "set.toml"
    cfg.write_text(
        'title = "t"\nnormal_at_K = 0.4\ncriterion = 0.5\n'
        '[[samples]]\nname = "plain"\norientation = "001"\nrt = "gate_rt.csv"\n'
        '[[samples]]\nname = "G"\norientation = "001"\n'
        'gate_rt = "gate_rt.csv"\ngate_hall = "gate_hall.csv"\n'
    )
    code, out, err = run(capsys, cfg, "--json")
    assert code == 0, err
    js = json.loads(out)
    assert js["sample"] == "G" and js["orientation"] == "001"
    assert abs(js["tc_peak_Vg_V"]["value"] - 30.0) < 5.0
    assert js["curves"][0]["ic_A"]["value"] is None


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((), "give a sample-set TOML or at least one of --rt, --hall, --iv"),
        (("--rt", "missing.csv"), "does not exist"),
        (("--criterion", "0.5,0.4", "--rt", "{rt}"), "--criterion expects one fraction"),
        (("--criterion", "2", "--rt", "{rt}"), "between 0 and 1"),
        (("--rt", "{rt}", "--normal-at", "-1"), "--normal-at must be a positive number"),
        (("--rt", "{plain}"), "has no gate-voltage column"),
        (("--rt", "{flat}"), "not stepped in gate voltage"),
        (("{cfg}",), "no sample with gate_rt"),
        (("{cfg}", "{rt}"), "give either one sample-set TOML or data files"),
        (("{rt}", "{rt}"), "two rt gate families"),
    ],
)
def test_gate_errors_one_line_exit_2(gate_dir, tmp_path, capsys, args, match):
    """Every user mistake: exit 2 and one line on stderr that names the problem."""
    plain = tmp_path / "plain.csv"
    t = np.linspace(0.05, 0.4, 50)
    plain.write_text("T_K,R_ohm\n" + "\n".join(f"{a},{300 * (a > 0.2) + 1}" for a in t))
    flat = tmp_path / "flat.csv"
    flat.write_text("Vg_V,T_K,R_ohm\n" + "\n".join(f"10,{a},{300 * (a > 0.2) + 1}" for a in t))
    cfg = tmp_path / "nogate.toml"
    cfg.write_text('[[samples]]\nname = "A"\nrt = "plain.csv"\n')
    subs = {"rt": gate_dir / "gate_rt.csv", "plain": plain, "flat": flat, "cfg": cfg}
    code, out, err = run(capsys, *(a.format(**subs) for a in args))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("sc2d gate: error:")
    assert match in err


def test_gate_on_paper_data_set(tmp_path, capsys):
    """The simulated reference study (``sc2d simulate paper``): ``sc2d gate samples.toml``
    uses sample S3's gate files (display-unit headers: kOe, uA, uV) and recovers its
    truth: n_s(V_G) within 1%, Tc(V_G) within 2 mK, dome peak within 5 V of +30 V."""
    paper = pytest.importorskip("sc2d.simulate.paper")
    truth = paper.write_paper(tmp_path / "p", seed=0)["samples"]["S3"]["gate"]
    code, out, err = run(capsys, tmp_path / "p" / "samples.toml", "--json")
    assert code == 0, err
    js = json.loads(out)
    assert js["sample"] == "S3"
    tv = {round(c["Vg_V"]): c for c in truth["curves"]}
    assert len(js["curves"]) == len(tv)
    for c in js["curves"]:
        t = tv[round(c["Vg_V"])]
        assert c["n_s_cm2"]["value"] == pytest.approx(t["n_s_cm2"], rel=0.01)
        assert c["tc_K"]["value"] == pytest.approx(t["tc_K"]["0.5"], abs=2e-3)
        assert c["ic_A"]["value"] == pytest.approx(t["ic_A"], rel=0.2)
    assert abs(js["tc_peak_Vg_V"]["value"] - truth["tc_peak_Vg_V"]) < 5.0
    assert js["tc_max_K"]["value"] == pytest.approx(truth["tc_peak_K"], abs=2e-3)
