"""The paper data set: files, samples.toml, truth.json and the study's numbers."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from sc2d.simulate.paper import write_paper

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    truth = write_paper(out, seed=0)
    return out, truth, None


def test_every_file_exists(paper):
    """Every file listed in truth.json is written and non-empty (speed: benchmarks/)."""
    out, truth, _ = paper
    for f in truth["files"]:
        assert (out / f).is_file() and (out / f).stat().st_size > 0


def test_samples_toml_parses_and_references_existing_files(paper):
    """DESIGN format: title, normal_at_K = 0.4, criterion = 0.5, [[samples]];
    every role path exists; S3 carries iv, fields and all gate roles."""
    out, _, _ = paper
    d = tomllib.loads((out / "samples.toml").read_text())
    assert d["normal_at_K"] == 0.4 and d["criterion"] == 0.5 and d["title"]
    roles = ("rt", "hall", "iv", "field_perp", "field_par", "gate_rt", "gate_hall", "gate_iv")
    names = [s["name"] for s in d["samples"]]
    assert names == ["S1", "S2", "S3", "S4", "S5", "S6", "S110", "S111"]
    for s in d["samples"]:
        for r in roles:
            if r in s:
                assert (out / s[r]).is_file()
    assert d["samples"][6]["normal_at_K"] == 4.0 and d["samples"][7]["normal_at_K"] == 4.0
    s3 = d["samples"][2]
    assert all(r in s3 for r in roles)
    assert all("hall" in s for s in d["samples"][:6])
    o = tomllib.loads((out / "orientations.toml").read_text())
    assert o["normal_at_K"] == 4.0 and len(o["samples"]) == 3


def test_config_loader_accepts_the_set(paper):
    """If the sample-set loader exists it accepts samples.toml."""
    cfg = pytest.importorskip("sc2d.config")
    out, _, _ = paper
    ss = cfg.load_sample_set(out / "samples.toml")
    assert len(ss.samples) == 8


def test_truth_numbers_are_the_study_s(paper):
    """Tc(n_s) OLS slope 0.25e-14 K cm^2 (2%) and intercept 0.76e13 cm^-2 (2%);
    Tc 0.10 -> 0.25 K; (110) 1.04 K, (111) 2.22 K; S3: T_BKT(HN) 0.178 K,
    T_BKT(I-V) 0.138 K, Ic(30 mK) 3.1 uA, Hc2par 0.767 T, Hc2perp 0.0154 T,
    Tc(50%) above T_BKT(HN); gate: n_s 8.1 -> 7.1e13, R_s(0.4 K) 300 -> 483,
    dome peak at +30 V, Ic non-monotonic."""
    _, t, _ = paper
    tv = t["tc_vs_ns"]
    assert tv["slope_K_cm2"] == pytest.approx(0.25e-14, rel=0.02)
    assert tv["n_critical_cm2"] == pytest.approx(0.76e13, rel=0.02)
    assert tv["tc_K"][0] == pytest.approx(0.10, abs=0.002)
    assert tv["tc_K"][-1] == pytest.approx(0.25, abs=0.006)
    assert t["samples"]["S110"]["tc_K"]["0.5"] == pytest.approx(1.04, abs=1e-6)
    assert t["samples"]["S111"]["tc_K"]["0.5"] == pytest.approx(2.22, abs=1e-6)
    s3 = t["samples"]["S3"]
    assert s3["n_s_cm2"] == pytest.approx(7.7e13)
    assert s3["t_bkt_hn_K"] == pytest.approx(0.178)
    assert s3["t_bkt_iv_K"] == pytest.approx(0.138)
    assert s3["tc_K"]["0.5"] > s3["t_bkt_hn_K"]
    assert s3["ic_30mK_A"] == pytest.approx(3.1e-6, rel=1e-6)
    assert s3["hc2_par_0_T"] == pytest.approx(0.767, abs=1e-3)
    assert s3["hc2_perp_0_T"] == pytest.approx(0.01536, abs=1e-4)
    a = {c["T_K"]: c["alpha"] for c in s3["iv_curves"]}
    assert a[0.138] == pytest.approx(3.0, abs=1e-9)
    g = s3["gate"]["curves"]
    assert g[0]["n_s_cm2"] == pytest.approx(8.1e13) and g[-1]["n_s_cm2"] == pytest.approx(7.1e13)
    assert g[0]["r_s_0p4K_ohm"] == pytest.approx(300.0, abs=0.05)
    assert g[-1]["r_s_0p4K_ohm"] == pytest.approx(483.0, abs=0.05)
    tcs = np.array([c["tc_K"]["0.5"] for c in g])
    assert g[int(np.argmax(tcs))]["Vg_V"] == 30.0
    ics = np.array([c["ic_A"] for c in g])
    assert 0 < int(np.argmax(ics)) < len(ics) - 1
    mob = [c["mobility_cm2_per_Vs"] for c in g]
    assert np.all(np.diff(mob) < 0)


def test_refuses_non_empty_folder(paper):
    out, _, _ = paper
    with pytest.raises(FileExistsError, match="not empty"):
        write_paper(out)


def test_truth_json_is_strict_json(paper):
    out, _, _ = paper
    d = json.loads((out / "truth.json").read_text())
    assert d["samples"]["S3"]["params"]["t_bkt"] == 0.178


def test_every_file_loads_with_the_readers(paper):
    """If sc2d.io exists, every data file of the set reads into SI columns."""
    sio = pytest.importorskip("sc2d.io")
    out, truth, _ = paper
    for f in truth["files"]:
        if f.endswith((".csv", ".dat")):
            t = sio.read(out / f)
            assert t.has("T_K") and len(t) > 50


def test_minimal_outside_analysis_recovers_truth(paper):
    """A few lines of pandas on the files give the truth: Tc(50% of R(0.4 K)) of
    S2 (file in mK) within 0.5 mK; n_s of S3 from the Hall slope (field in Oe)
    within 0.1%; alpha of the S3 I-V at 138 mK (current in uA) within 0.2 of 3."""
    import pandas as pd

    out, t, _ = paper
    df = pd.read_csv(out / "S2" / "rt.csv").dropna()
    temp = df["Temperature (mK)"].to_numpy() / 1e3
    r = df["Resistance (Ohm)"].to_numpy()
    r_ref = np.median(r[temp > 0.39])
    o = np.argsort(temp)
    k = np.nonzero(r[o] < 0.5 * r_ref)[0][-1]
    tc = np.interp(0.5 * r_ref, r[o][k : k + 2], temp[o][k : k + 2])
    assert tc == pytest.approx(t["samples"]["S2"]["tc_K"]["0.5"], abs=5e-4)

    h = pd.read_csv(out / "S3" / "hall.csv").dropna()
    b = h["Magnetic Field (Oe)"].to_numpy() * 1e-4
    slope = np.polyfit(b, h["Hall Resistance (Ohm)"], 1)[0]
    n_cm2 = 1 / (1.602176634e-19 * abs(slope)) * 1e-4
    assert n_cm2 == pytest.approx(t["samples"]["S3"]["n_s_cm2"], rel=1e-3)

    iv = pd.read_csv(out / "S3" / "iv.csv").dropna()
    sel = np.abs(iv["Temperature (mK)"].to_numpy() - 138.0) < 0.5
    i_a = iv["Current (uA)"].to_numpy()[sel] * 1e-6
    v = iv["Voltage (V)"].to_numpy()[sel] - 3e-9
    r_n = t["samples"]["S3"]["params"]["r_n"]
    m = (i_a > 0) & (v > 2e-7) & (v < 0.3 * r_n * i_a)
    alpha = np.polyfit(np.log(i_a[m]), np.log(v[m]), 1)[0]
    assert alpha == pytest.approx(3.0, abs=0.2)
