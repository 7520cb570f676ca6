"""Campaign: role -> task plan, failure isolation, and serial == processes == dask.

The mini sample set is simulated by the forward model (three (001) samples
with R(T) and Hall along a Tc(n_s) line, one with I-V and field families,
one (111) sample); its truth is known, so the Tc(n_s) slope is checked too.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from sc2d import campaign
from sc2d.campaign import TaskSpec, plan_jobs, run_campaign, run_job
from sc2d.config import load_sample_set

_spec = importlib.util.spec_from_file_location(
    "_sc2d_miniset", Path(__file__).parent / "report" / "_miniset.py"
)
_mini = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mini)


@pytest.fixture(scope="module")
def miniset(tmp_path_factory):
    return _mini.write_miniset(tmp_path_factory.mktemp("mini"), seed=3, gate=False)


@pytest.fixture(scope="module")
def serial(miniset):
    return run_campaign(load_sample_set(miniset))


def test_plan_follows_the_roles(miniset):
    jobs = plan_jobs(load_sample_set(miniset))
    got = [(j.sample, j.key) for j in jobs]
    assert got == [
        ("S1", "tc"),
        ("S1", "bkt"),
        ("S1", "hall"),
        ("S2", "tc"),
        ("S2", "bkt"),
        ("S2", "hall"),
        ("S2", "iv"),
        ("S2", "hc2"),
        ("S3", "tc"),
        ("S3", "bkt"),
        ("S3", "hall"),
        ("O111", "tc"),
        ("O111", "bkt"),
    ]
    hc2 = next(j for j in jobs if j.key == "hc2")
    assert set(hc2.files) == {"field_perp", "field_par"}
    # the per-sample normal_at_K overrides the set's
    assert next(j for j in jobs if j.sample == "O111").normal_at == 1.0
    assert jobs[0].normal_at == 0.4


def test_results_follow_the_design_schema(serial):
    r = serial.results
    assert list(r)[:4] == ["title", "normal_at_K", "criterion", "samples"]
    s2 = next(s for s in r["samples"] if s["name"] == "S2")
    assert list(s2) == ["name", "orientation", "tc", "bkt", "hall", "iv", "hc2"]
    assert "0.5" in s2["tc"]["tc_K"]
    assert "n_s_cm2" in s2["hall"] and "hc2_perp_0_T" in s2["hc2"]
    # Tc(n_s): simulated on the line Tc = 0.24e-14 K cm^2 (n_s - 0) within ~10 mK
    line = r["tc_vs_ns"]
    assert line["samples"] == ["S1", "S2", "S3"]
    assert line["slope_K_cm2"]["value"] == pytest.approx(2.4e-15, rel=0.1)
    assert line["slope_K_cm2"]["stderr"] > 0
    assert set(r["orientations"]) == {"001", "111"}
    assert r["orientations"]["111"]["tc_K"]["value"] == pytest.approx(0.5, abs=0.02)
    prov = r["provenance"]
    assert {f["role"] for f in prov["files"]} >= {"rt", "hall", "iv", "field_perp", "field_par"}
    assert all(len(f["sha256"]) == 64 for f in prov["files"])
    json.dumps(r, allow_nan=False)  # strict JSON


def _by_key(res, key):
    return {(s["name"]): s.get(key) for s in res.results["samples"]}


def test_missing_task_module_fails_only_its_role(miniset, monkeypatch):
    specs = tuple(
        TaskSpec(t.key, "sc2d.tasks.not_built_yet", t.function, t.roles, t.params)
        if t.key == "hall"
        else t
        for t in campaign.TASKS
    )
    monkeypatch.setattr(campaign, "TASKS", specs)
    res = run_campaign(load_sample_set(miniset))
    halls = _by_key(res, "hall")
    assert halls["S1"] == {
        "error": "the hall analysis (sc2d.tasks.not_built_yet) is not available in this sc2d "
        "installation"
    }
    assert all("error" not in (s.get("tc") or {}) for s in res.results["samples"])
    assert "tc_vs_ns" not in res.results  # no n_s -> no line, but no crash
    assert len([e for e in res.errors if "/hall:" in e]) == 3


def test_a_crashing_task_is_one_line_and_isolated(miniset, monkeypatch, tmp_path):
    mod = tmp_path / "sc2d_fake_tasks.py"
    mod.write_text(
        "def boom(path, **kw):\n    raise ZeroDivisionError('bad\\nthing')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    specs = tuple(
        TaskSpec("iv", "sc2d_fake_tasks", "boom", ("iv",)) if t.key == "iv" else t
        for t in campaign.TASKS
    )
    monkeypatch.setattr(campaign, "TASKS", specs)
    seen = []
    res = run_campaign(load_sample_set(miniset), on_done=seen.append)
    assert _by_key(res, "iv")["S2"] == {"error": "internal error (ZeroDivisionError: bad thing)"}
    assert "error" not in _by_key(res, "hc2")["S2"]
    assert len(seen) == len(res.outcomes)


def test_bad_file_gives_error_for_that_role_only(tmp_path):
    (tmp_path / "rt.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "samples.toml").write_text(
        '[[samples]]\nname = "X"\nrt = "rt.csv"\n', encoding="utf-8"
    )
    res = run_campaign(load_sample_set(tmp_path / "samples.toml"))
    s = res.results["samples"][0]
    assert set(s) == {"name", "orientation", "tc", "bkt"}
    assert "error" in s["tc"] and "rt.csv" in s["tc"]["error"] and "\n" not in s["tc"]["error"]


def test_run_job_is_picklable_and_returns_the_result_object(miniset):
    import pickle

    job = plan_jobs(load_sample_set(miniset))[0]
    out = pickle.loads(pickle.dumps(run_job(pickle.loads(pickle.dumps(job)))))
    assert out.error is None and out.key == "tc"
    assert out.load().to_dict()["tc_K"]["0.5"]["value"] == out.payload["tc_K"]["0.5"]["value"]


def test_workers_must_be_positive(miniset):
    from sc2d.errors import Sc2dError

    with pytest.raises(Sc2dError, match="workers must be >= 1, got 0"):
        run_campaign(load_sample_set(miniset), workers=0)


def test_two_processes_give_identical_results(miniset, serial):
    par = run_campaign(load_sample_set(miniset), workers=2)
    assert json.dumps(par.results) == json.dumps(serial.results)
    assert [o.key for o in par.outcomes] == [o.key for o in serial.outcomes]


@pytest.mark.skipif(sys.platform == "win32", reason="loopback dask cluster test is POSIX-only")
def test_dask_local_cluster_gives_identical_results(miniset, serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        # an address only (what `sc2d report --scheduler` passes): no default client exists
        by_address = run_campaign(load_sample_set(miniset), scheduler=cluster.scheduler_address)
        with distributed.Client(cluster) as client:
            by_client = run_campaign(load_sample_set(miniset), scheduler=client)
    assert json.dumps(by_client.results) == json.dumps(serial.results)
    assert json.dumps(by_address.results) == json.dumps(serial.results)


def test_unreachable_scheduler_is_one_line(miniset, monkeypatch):
    pytest.importorskip("distributed")
    from sc2d.errors import Sc2dError

    monkeypatch.setattr(campaign, "DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(Sc2dError, match=r"cannot reach the dask scheduler at tcp://127\.0\.0\.1:9"):
        run_campaign(load_sample_set(miniset), scheduler="tcp://127.0.0.1:9")


def _s(name, orientation, tc, ns):
    return {
        "name": name,
        "orientation": orientation,
        "tc": {"tc_K": {"0.5": {"value": tc, "stderr": 0.001}}},
        "hall": {"n_s_cm2": {"value": ns, "stderr": 1e10}},
    }


def test_tc_vs_ns_uses_one_orientation():
    """(111) samples lie on a ~10x steeper line: they must not join the (001) fit.

    (001): Tc = 0.25e-14 K cm^2 (n_s - 0.76e13) exactly at three densities.
    """
    line001 = [
        _s(f"A{k}", "001", 0.25e-14 * (n - 0.76e13), n) for k, n in enumerate((4e13, 6e13, 9e13))
    ]
    mixed = [*line001, _s("B1", "111", 1.5, 5e13), _s("B2", "111", 2.2, 8e13)]
    out = campaign.tc_vs_ns(mixed, "0.5")
    assert out["orientation"] == "001" and out["samples"] == ["A0", "A1", "A2"]
    assert out["slope_K_cm2"]["value"] == pytest.approx(0.25e-14, rel=1e-9)
    assert out["n_critical_cm2"]["value"] == pytest.approx(0.76e13, rel=1e-9)
    assert campaign.tc_vs_ns(line001[:1], "0.5") is None
    err = campaign.tc_vs_ns([_s("C1", "", 0.1, 5e13), _s("C2", "", 0.2, 5e13)], "0.5")
    assert err["error"] == "all samples have the same n_s; no slope can be fitted"
