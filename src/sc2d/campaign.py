"""Run every analysis of every sample of a sample set: serial, processes, dask.

A sample's roles decide which task runs (the same task functions the
commands call, from :mod:`sc2d.tasks`):

=============================  ==============================  ==========
roles                          task                            JSON key
=============================  ==============================  ==========
``rt``                         ``tasks.tc.tc_file``            ``tc``
``rt``                         ``tasks.bkt.bkt_file``          ``bkt``
``hall``                       ``tasks.hall.hall_file``        ``hall``
``iv``                         ``tasks.iv.iv_file``            ``iv``
``field_perp``, ``field_par``  ``tasks.hc2.hc2_files``         ``hc2``
``gate_rt/_hall/_iv``          ``tasks.gate.gate_files``       ``gate``
=============================  ==============================  ==========

Each (sample, key) is one :class:`Job`. A job that fails gives
``{"error": "one-line message"}`` for that key and never stops the others.
Jobs are independent, so they run in any order on any executor; the output
is assembled in sample and key order, so the serial run, ``workers=N`` and a
dask cluster give the same ``results.json`` to the last digit.
"""

from __future__ import annotations

import importlib
import inspect
import math
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import SampleSet
from .data import estimate_value, to_jsonable
from .errors import Sc2dError

__all__ = [
    "TASKS",
    "CampaignResult",
    "Job",
    "JobOutcome",
    "assemble",
    "plan_jobs",
    "process_pool",
    "run_campaign",
    "run_job",
    "tc_vs_ns",
]


@dataclass(frozen=True)
class TaskSpec:
    """How a JSON key is computed: module and function, and the roles it eats.

    ``params`` maps each role to the candidate parameter names of the task
    function; the first role of a single-file task is passed positionally.
    """

    key: str
    module: str
    function: str
    roles: tuple[str, ...]
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)


#: JSON key -> task, in the order keys appear in a sample's JSON
TASKS: tuple[TaskSpec, ...] = (
    TaskSpec("tc", "sc2d.tasks.tc", "tc_file", ("rt",)),
    TaskSpec("bkt", "sc2d.tasks.bkt", "bkt_file", ("rt",)),
    TaskSpec("hall", "sc2d.tasks.hall", "hall_file", ("hall",)),
    TaskSpec("iv", "sc2d.tasks.iv", "iv_file", ("iv",)),
    TaskSpec(
        "hc2",
        "sc2d.tasks.hc2",
        "hc2_files",
        ("field_perp", "field_par"),
        {
            "field_perp": ("perp", "field_perp", "perp_path"),
            "field_par": ("par", "field_par", "par_path"),
        },
    ),
    TaskSpec(
        "gate",
        "sc2d.tasks.gate",
        "gate_files",
        ("gate_rt", "gate_hall", "gate_iv"),
        {
            "gate_rt": ("rt", "gate_rt", "rt_path"),
            "gate_hall": ("hall", "gate_hall", "hall_path"),
            "gate_iv": ("iv", "gate_iv", "iv_path"),
        },
    ),
)
_KEY_ORDER = [t.key for t in TASKS]

#: how long to wait for a dask scheduler before giving up
DASK_CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True)
class Job:
    """One task on one sample: everything a worker needs (picklable).

    Parameters
    ----------
    index : int
        Position in the plan (used to reassemble in order).
    sample : str
        Sample name.
    key : str
        JSON key (``"tc"``, ``"hc2"``...).
    files : dict
        Role -> path (str) of the files this task reads.
    normal_at : float or None
        Normal-state reference temperature (K) from the sample set.
    criterion : float
        Fraction of R_N defining Tc.
    units : dict
        ``{column: unit}`` for the readers (all the task's files).
    read : dict
        Reader options ``{x, y, by, run_id}`` (single-file tasks).
    """

    index: int
    sample: str
    key: str
    files: dict[str, str]
    normal_at: float | None
    criterion: float
    units: dict[str, str] = field(default_factory=dict)
    read: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> TaskSpec:
        return next(t for t in TASKS if t.key == self.key)


@dataclass(frozen=True)
class JobOutcome:
    """What a worker sends back: the JSON object, or an error, and the result.

    ``payload`` is the task's ``to_dict()`` (JSON types only) or
    ``{"error": message}``; ``result`` is the pickled Result object (for the
    figures), None when it failed or could not be pickled.
    """

    index: int
    sample: str
    key: str
    payload: dict[str, Any]
    result: bytes | None = None
    seconds: float = 0.0

    @property
    def error(self) -> str | None:
        e = self.payload.get("error") if isinstance(self.payload, dict) else None
        return str(e) if e is not None else None

    def load(self) -> Any:
        """The Result object (unpickled), or None."""
        return None if self.result is None else pickle.loads(self.result)


def _one_line(msg: object) -> str:
    return " ".join(str(msg).split())


def _worker_failed(job: Job, exc: BaseException) -> JobOutcome:
    """The outcome of a job whose worker died (the other jobs' results are kept)."""
    return JobOutcome(
        job.index,
        job.sample,
        job.key,
        {"error": f"worker failed ({type(exc).__name__}: {_one_line(exc)[:200]})"},
    )


def plan_jobs(sample_set: SampleSet) -> list[Job]:
    """The jobs a sample set asks for, in sample order then key order.

    A task runs when at least one of its roles is present (hc2 with only one
    orientation of field, gate with only some of its files).
    """
    jobs: list[Job] = []
    for s in sample_set.samples:
        for spec in TASKS:
            files = {r: str(s.files[r]) for r in spec.roles if r in s.files}
            if not files:
                continue
            units: dict[str, str] = {}
            read: dict[str, Any] = {}
            for r in files:
                o = s.read_options(r)
                units.update(o.pop("units", {}))
                read.update(o)
            jobs.append(
                Job(
                    index=len(jobs),
                    sample=s.name,
                    key=spec.key,
                    files=files,
                    normal_at=(
                        s.normal_at_K if s.normal_at_K is not None else sample_set.normal_at_K
                    ),
                    criterion=sample_set.criterion,
                    units=units,
                    read=read,
                )
            )
    return jobs


def _criteria(criterion: float) -> tuple[str, ...]:
    """The TOML criterion first, then onset and 10% points for the width."""
    out = [format(criterion, "g")]
    for c in ("0.9", "0.1"):
        if c not in out:
            out.append(c)
    return tuple(out)


def _call_kwargs(fn: Callable[..., Any], job: Job) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for a task, by its signature."""
    spec = job.spec
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        params = {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    if not spec.params:  # one file: positional
        args.append(job.files[spec.roles[0]])
    else:
        for role, path in job.files.items():
            for cand in spec.params[role]:
                if cand in params:
                    kwargs[cand] = path
                    break
            else:
                kwargs[spec.params[role][0]] = path
    if job.normal_at is not None:
        for name in ("normal_at", "normal_at_K"):
            if name in params:
                kwargs[name] = job.normal_at
                break
    if "criteria" in params and job.key == "tc":
        kwargs["criteria"] = _criteria(job.criterion)
    if "criterion" in params and job.key != "iv":  # iv's criterion is the Ic rule
        kwargs["criterion"] = job.criterion
    if (job.units or job.read) and "opts" in params:
        from .io import ReadOptions

        kwargs["opts"] = ReadOptions(units=dict(job.units), **job.read)
    return args, kwargs


def run_job(job: Job) -> JobOutcome:
    """Run one job; every failure becomes ``{"error": one line}``.

    Module-level and picklable: this is what process pools and dask workers
    execute. ``sc2d.tasks.<module>`` is imported lazily, so a task that is
    not installed fails only its own key.
    """
    t0 = time.perf_counter()
    spec = job.spec
    obj = None
    try:
        try:
            mod = importlib.import_module(spec.module)
        except ModuleNotFoundError as exc:
            if exc.name and spec.module.startswith(exc.name):
                raise Sc2dError(
                    f"the {spec.key} analysis ({spec.module}) is not available in this sc2d "
                    "installation"
                ) from None
            raise
        fn = getattr(mod, spec.function, None)
        if fn is None:
            raise Sc2dError(f"{spec.module} has no function {spec.function}()")
        args, kwargs = _call_kwargs(fn, job)
        obj = fn(*args, **kwargs)
        payload = to_jsonable(obj)
        if not isinstance(payload, dict):
            payload = {"value": payload}
        payload = _json_roundtrip(payload)
    except Sc2dError as exc:
        payload = {"error": _one_line(exc)}
        obj = None
    except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError) as exc:
        payload = {"error": f"internal error ({type(exc).__name__}: {_one_line(exc)[:300]})"}
        obj = None
    except Exception as exc:  # a bug in one task must not lose the others
        payload = {"error": f"internal error ({type(exc).__name__}: {_one_line(exc)[:300]})"}
        obj = None
    blob = None
    if obj is not None:
        try:
            blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # an unpicklable result still gives its JSON
            blob = None
    return JobOutcome(job.index, job.sample, job.key, payload, blob, time.perf_counter() - t0)


def _json_roundtrip(payload: dict[str, Any]) -> dict[str, Any]:
    """Normalise to what json.loads would give (floats exact, tuples -> lists)."""
    import json

    return json.loads(json.dumps(payload, allow_nan=False))


# --------------------------------------------------------------------------- executors


def _progress(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    import shutil

    from tqdm import tqdm

    # a pty that reports 0 columns (some CI runners) would get an empty bar
    cols = shutil.get_terminal_size((80, 24)).columns or 80
    return tqdm(
        total=total, desc=desc, unit="task", file=sys.stderr, leave=False, ncols=min(cols, 100)
    )


def _execute(
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: bool = False,
    on_done: Callable[[JobOutcome], None] | None = None,
    pool: Any = None,
) -> list[JobOutcome]:
    """Run jobs and return their outcomes in plan order."""
    bar = _progress(len(jobs), progress, "sc2d report")
    out: dict[int, JobOutcome] = {}

    def done(o: JobOutcome) -> None:
        out[o.index] = o
        if bar is not None:
            bar.set_postfix_str(f"{o.sample}/{o.key}", refresh=False)
            bar.update(1)
        if on_done is not None:
            on_done(o)

    try:
        if scheduler is not None:
            _execute_dask(jobs, scheduler, done)
        elif pool is not None:
            _submit_all(pool, jobs, done)
        elif workers > 1 and len(jobs) > 1:
            with process_pool(min(workers, len(jobs))) as own:
                _submit_all(own, jobs, done)
        else:
            for j in jobs:
                done(run_job(j))
    finally:
        if bar is not None:
            bar.close()
    return [out[j.index] for j in jobs]


def process_pool(workers: int) -> Any:
    """A ProcessPoolExecutor whose workers start fast and safely.

    forkserver on Linux (no fork of a threaded parent; numpy, scipy, pandas
    and sc2d preloaded once), spawn elsewhere.
    """
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["sc2d.campaign", "sc2d.io", "numpy", "scipy", "pandas", "matplotlib.figure"]
        )
    else:  # pragma: no cover
        ctx = mp.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def _submit_all(pool: Any, jobs: Sequence[Job], done: Callable[[JobOutcome], None]) -> None:
    from concurrent.futures import as_completed

    # big tasks first so the pool stays busy to the end
    weight = {"hc2": 0, "gate": 1, "iv": 2, "bkt": 3, "tc": 4, "hall": 5}
    ordered = sorted(jobs, key=lambda j: (weight.get(j.key, 9), j.index))
    futs = {pool.submit(run_job, j): j for j in ordered}
    for f in as_completed(futs):
        j = futs[f]
        try:
            o = f.result()
        except Exception as exc:  # a worker died (memory, signal)
            o = _worker_failed(j, exc)
        done(o)


def _execute_dask(jobs: Sequence[Job], scheduler: Any, done: Callable[[JobOutcome], None]) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise Sc2dError(
            "--scheduler needs dask.distributed; install it with pip install 'sc2d[cluster]'"
        ) from None
    own = False
    if isinstance(scheduler, Client):
        client = scheduler
    else:
        try:
            client = Client(str(scheduler), timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except OSError as exc:
            raise Sc2dError(
                f"cannot reach the dask scheduler at {scheduler} ({_one_line(exc)}); start one "
                "with 'dask scheduler' or check the address (tcp://HOST:8786)"
            ) from None
        own = True
    try:
        with client.as_current():  # as_completed/result look up the current client
            futs = client.map(run_job, list(jobs), pure=False)
            by_key = {f.key: j for f, j in zip(futs, jobs, strict=True)}
            for f in as_completed(futs):
                j = by_key[f.key]
                try:
                    o = f.result()
                except Exception as exc:
                    o = _worker_failed(j, exc)
                done(o)
    finally:
        if own:
            client.close()


# --------------------------------------------------------------------------- assembly


def _tc_at(tc: Any, key: str) -> Any:
    """The sample's Tc estimate at the criterion key, or None."""
    if not isinstance(tc, dict) or "error" in tc:
        return None
    t = tc.get("tc_K")
    if isinstance(t, dict):
        if key in t:
            return t[key]
        for k, v in t.items():  # "0.50" written differently
            try:
                if math.isclose(float(k), float(key)):
                    return v
            except ValueError:
                continue
    return None


def _ns_of(hall: Any) -> Any:
    if not isinstance(hall, dict) or "error" in hall:
        return None
    return hall.get("n_s_cm2")


def _stderr(x: Any) -> float:
    if isinstance(x, dict):
        s = x.get("stderr")
        return math.nan if s is None else float(s)
    return math.nan


def tc_vs_ns(samples: Sequence[dict[str, Any]], criterion_key: str) -> dict[str, Any] | None:
    """Tc(n_s) line over the samples with both a Tc at the criterion and n_s.

    Uses :func:`sc2d.transition.tc_vs_density` (Tc = a (n_s - n_c)). Samples
    of different substrate orientations do not share a line (the slope
    differs by ~10x between (001) and (111) KTaO3): the line is fitted to the
    orientation with the most qualifying samples (``orientation`` says which;
    samples without an orientation count as one group). Returns None when
    fewer than two samples qualify; ``{"error": ...}`` when the fit fails.
    """
    qualifying: dict[str, list[dict[str, Any]]] = {}
    for s in samples:
        t = _tc_at(s.get("tc"), criterion_key)
        n = _ns_of(s.get("hall"))
        if math.isfinite(estimate_value(t)) and math.isfinite(estimate_value(n)):
            qualifying.setdefault(s.get("orientation") or "", []).append(s)
    if not qualifying:
        return None
    orientation = max(qualifying, key=lambda o: len(qualifying[o]))
    names, ns, tc, s_ns, s_tc = [], [], [], [], []
    for s in qualifying[orientation]:
        t = _tc_at(s.get("tc"), criterion_key)
        n = _ns_of(s.get("hall"))
        tv, nv = estimate_value(t), estimate_value(n)
        names.append(s["name"])
        ns.append(nv)
        tc.append(tv)
        s_ns.append(_stderr(n))
        s_tc.append(_stderr(t))
    if len(names) < 2:
        return None
    try:
        from .transition import tc_vs_density
    except ImportError:
        tc_vs_density = None  # type: ignore[assignment]
    try:
        if tc_vs_density is not None:
            res = _call_tc_vs_density(tc_vs_density, ns, tc, s_ns, s_tc)
            out = to_jsonable(res)
        else:
            out = _line_tc_vs_ns(ns, tc, s_tc)
    except Sc2dError as exc:
        return {"error": _one_line(exc), "samples": names}
    except Exception as exc:
        return {"error": f"internal error ({type(exc).__name__}: {_one_line(exc)[:300]})"}
    if not isinstance(out, dict):
        out = {"value": out}
    out = dict(out)
    out.setdefault("samples", names)
    out.setdefault("orientation", orientation)
    out.setdefault("criterion", criterion_key)
    out.setdefault(
        "points",
        [{"name": n, "n_s_cm2": x, "tc_K": y} for n, x, y in zip(names, ns, tc, strict=True)],
    )
    return _json_roundtrip(to_jsonable(out))


def _call_tc_vs_density(
    fn: Callable[..., Any], ns: list[float], tc: list[float], s_ns: list[float], s_tc: list[float]
) -> Any:
    """Call :func:`sc2d.transition.tc_vs_density` (n_s in m^-2, SI).

    Unweighted least squares in Tc, as the study did: the per-sample Tc
    errors (interpolation noise, ~1 mK) are far below the sample-to-sample
    scatter about the line, so weighting by them would only pick favourites;
    the slope and n_c errors come from the residual scatter.
    """
    import numpy as np

    return fn(np.asarray(ns, float) * 1e4, np.asarray(tc, float), method="ols")


def _line_tc_vs_ns(ns: list[float], tc: list[float], s_tc: list[float]) -> dict[str, Any]:
    """Fallback: Tc = a n_s + b by least squares (n_s in cm^-2)."""
    import numpy as np

    from ._fit import line_fit

    x = np.asarray(ns, float)
    y = np.asarray(tc, float)
    sig = np.asarray(s_tc, float)
    lf = line_fit(x, y, sig if np.all(np.isfinite(sig) & (sig > 0)) else None)
    a, b = lf.slope, lf.intercept
    nc = -b / a
    var_nc = (lf.intercept_stderr**2 + nc**2 * lf.slope_stderr**2 + 2 * nc * lf.cov) / a**2
    return {
        "slope_K_cm2": {"value": a, "stderr": lf.slope_stderr, "unit": "K cm^2", "method": "OLS"},
        "n_critical_cm2": {
            "value": nc,
            "stderr": math.sqrt(var_nc) if var_nc >= 0 else None,
            "unit": "cm^-2",
            "method": "x-intercept of the OLS line",
        },
    }


def orientations(samples: Sequence[dict[str, Any]], criterion_key: str) -> dict[str, Any] | None:
    """Tc per orientation (at the criterion) when several orientations are present."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for s in samples:
        o = s.get("orientation") or ""
        if not o:
            continue
        t = _tc_at(s.get("tc"), criterion_key)
        if t is None:
            continue
        groups.setdefault(o, []).append({"name": s["name"], "tc_K": t})
    if len(groups) < 2:
        return None
    out: dict[str, Any] = {}
    for o in sorted(groups):
        members = groups[o]
        best = max(
            members,
            key=lambda m: (
                estimate_value(m["tc_K"]) if math.isfinite(estimate_value(m["tc_K"])) else -1
            ),
        )
        out[o] = {
            "tc_K": best["tc_K"],
            "sample": best["name"],
            "samples": members,
            "criterion": criterion_key,
        }
    return out


def assemble(
    sample_set: SampleSet, outcomes: Iterable[JobOutcome], provenance: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``results.json`` object from the outcomes (order-independent)."""
    by: dict[tuple[str, str], dict[str, Any]] = {(o.sample, o.key): o.payload for o in outcomes}
    samples: list[dict[str, Any]] = []
    for s in sample_set.samples:
        d: dict[str, Any] = {"name": s.name, "orientation": s.orientation}
        for key in _KEY_ORDER:
            if (s.name, key) in by:
                d[key] = by[(s.name, key)]
        samples.append(d)
    ck = sample_set.criterion_key
    out: dict[str, Any] = {
        "title": sample_set.title,
        "normal_at_K": sample_set.normal_at_K,
        "criterion": sample_set.criterion,
        "samples": samples,
    }
    line = tc_vs_ns(samples, ck)
    if line is not None:
        out["tc_vs_ns"] = line
    ori = orientations(samples, ck)
    if ori is not None:
        out["orientations"] = ori
    out["provenance"] = provenance if provenance is not None else provenance_of(sample_set)
    out = _json_roundtrip(to_jsonable(out))
    if sample_set.source is not None:
        out = _relative_paths(out, sample_set.source.parent)
    return out


def _relative_paths(obj: Any, base: Path) -> Any:
    """Input-file paths inside the results, relative to the sample-set folder.

    The tasks record absolute ``source`` paths; relative ones make
    results.json the same wherever the data folder lives.
    """
    prefix = str(base) + os.sep
    if isinstance(obj, dict):
        return {k: _relative_paths(v, base) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_relative_paths(v, base) for v in obj]
    if isinstance(obj, str) and obj.startswith(prefix):
        return Path(obj[len(prefix) :]).as_posix()
    return obj


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _rel(p: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return os.path.relpath(p, base)
        except ValueError:  # another drive
            pass
    return str(p)


def provenance_of(sample_set: SampleSet) -> dict[str, Any]:
    """Deterministic provenance: input files with sha256, versions, options.

    No timestamps and nothing about how the jobs were executed, so results
    are identical between serial and parallel runs.
    """
    import numpy
    import scipy

    from . import __version__

    base = sample_set.source.parent if sample_set.source else None
    files = []
    for s in sample_set.samples:
        for role, p in s.files.items():
            files.append(
                {
                    "sample": s.name,
                    "role": role,
                    "path": _rel(p, base),
                    "sha256": sha256_of(p),
                    "bytes": p.stat().st_size,
                }
            )
    return {
        "sc2d_version": __version__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "config": sample_set.source.name if sample_set.source else None,
        "config_sha256": sha256_of(sample_set.source) if sample_set.source else None,
        "options": {
            "normal_at_K": sample_set.normal_at_K,
            "criterion": sample_set.criterion,
            "tc_criteria": list(_criteria(sample_set.criterion)),
        },
        "files": files,
    }


@dataclass
class CampaignResult:
    """Everything a campaign produced.

    Attributes
    ----------
    results : dict
        The ``results.json`` object.
    outcomes : list of JobOutcome
        In plan order (payloads, pickled results, timings).
    seconds : float
        Wall time of the analyses.
    """

    results: dict[str, Any]
    outcomes: list[JobOutcome]
    seconds: float = 0.0

    @property
    def errors(self) -> list[str]:
        """``"sample/key: message"`` for every failed job."""
        return [f"{o.sample}/{o.key}: {o.error}" for o in self.outcomes if o.error]

    def objects(self) -> dict[tuple[str, str], Any]:
        """(sample, key) -> Result object (unpickled), for the jobs that gave one."""
        out = {}
        for o in self.outcomes:
            try:
                obj = o.load()
            except Exception:
                obj = None
            if obj is not None:
                out[(o.sample, o.key)] = obj
        return out


def run_campaign(
    sample_set: SampleSet,
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: bool = False,
    on_done: Callable[[JobOutcome], None] | None = None,
    pool: Any = None,
) -> CampaignResult:
    """Run every analysis the sample set's roles allow.

    Parameters
    ----------
    sample_set : SampleSet
        From :func:`sc2d.config.load_sample_set`.
    workers : int
        Local worker processes (1 = serial, in this process).
    scheduler : str or distributed.Client, optional
        A dask.distributed scheduler address (``tcp://host:8786``) or a
        client; overrides ``workers``.
    progress : bool
        Show a tqdm bar on stderr.
    on_done : callable, optional
        Called with each :class:`JobOutcome` as it arrives (e.g. to print
        failures on stderr).
    pool : concurrent.futures.Executor, optional
        An existing process pool to use instead of starting one (see
        :func:`process_pool`).

    Returns
    -------
    CampaignResult
    """
    if workers < 1:
        raise Sc2dError(f"workers must be >= 1, got {workers}")
    t0 = time.perf_counter()
    jobs = plan_jobs(sample_set)
    outcomes = _execute(
        jobs, workers=workers, scheduler=scheduler, progress=progress, on_done=on_done, pool=pool
    )
    results = assemble(sample_set, outcomes)
    return CampaignResult(results, outcomes, time.perf_counter() - t0)
