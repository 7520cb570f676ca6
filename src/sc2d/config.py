"""Sample-set files: the TOML that ``sc2d report`` reads.

::

    title = "CaZrO3/KTaO3(001)"
    normal_at_K = 0.4          # normal-state reference temperature (K)
    criterion = 0.5            # fraction of R_normal that defines Tc

    [[samples]]
    name = "S3"
    orientation = "001"
    rt = "S3/rt.csv"           # every role is optional
    # normal_at_K = 4.0        # per-sample override (e.g. a higher-Tc orientation)
    hall = "S3/hall.csv"
    iv = "S3/iv.csv"
    field_perp = "S3/rt_perp.csv"
    field_par = "S3/rt_par.csv"
    gate_rt = "S3/gate_rt.csv"
    gate_hall = "S3/gate_hall.csv"
    gate_iv = "S3/gate_iv.csv"

A role may also be an inline table that says how to read its file, for
instruments whose columns sc2d cannot guess (names are the file's own)::

    rt = { file = "Nb/rt.txt", x = "temperature: T2", y = "Nb::R",
           units = { "temperature: T2" = "K", "Nb::R" = "Ohm" } }

(``x``, ``y``, ``by`` only for single-file roles: rt, hall, iv.)

Relative file names are resolved against the folder of the TOML file. Every
mistake (broken TOML, an unknown key, a wrong type, a missing file) is a
one-line :class:`~sc2d.errors.FormatError` that names the file, the key (or
line) and the fix.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["ROLES", "Sample", "SampleSet", "load_sample_set", "parse_sample_set"]

#: role key -> what the file holds
ROLES: dict[str, str] = {
    "rt": "R(T) in zero field",
    "hall": "R_xy(B) in the normal state",
    "iv": "I-V curves at several temperatures",
    "field_perp": "R(T) stepped in out-of-plane field",
    "field_par": "R(T) stepped in in-plane field",
    "gate_rt": "R(T) stepped in gate voltage",
    "gate_hall": "R_xy(B) stepped in gate voltage",
    "gate_iv": "I-V stepped in gate voltage",
}

_TOP_KEYS = {
    "title": "str",
    "normal_at_K": "float",
    "criterion": "float",
    "samples": "array of tables",
}
_SAMPLE_KEYS = {
    "name": "str",
    "orientation": "str",
    "normal_at_K": "float",
    "units": "table",
    "notes": "str",
} | {r: "str" for r in ROLES}


@dataclass(frozen=True)
class Sample:
    """One sample of a set: its name, orientation and a file per role.

    Parameters
    ----------
    name : str
        The sample's label (free text; escaped wherever it is shown).
    orientation : str
        Substrate orientation, e.g. ``"001"``; empty when not given.
    files : dict
        Role (``"rt"``, ``"hall"``...) -> absolute path of its file.
    units : dict
        ``{column: unit}`` passed to the readers for this sample's files.
    notes : str
        Free text shown in the report.
    options : dict
        Role -> how to read its file: ``{"x", "y", "by", "units", "run_id"}``
        (only the keys given).
    normal_at_K : float or None
        This sample's normal-state reference temperature (K), overriding the
        set's (e.g. a (111) sample with Tc above the set's 0.4 K).
    """

    name: str
    orientation: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    normal_at_K: float | None = None
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def read_options(self, role: str) -> dict[str, Any]:
        """Reader options of a role: the sample's units, then the role's own."""
        opt = dict(self.options.get(role, {}))
        units = {**self.units, **opt.get("units", {})}
        if units:
            opt["units"] = units
        return opt


@dataclass(frozen=True)
class SampleSet:
    """A parsed sample-set file.

    Parameters
    ----------
    title : str
        Title of the study (free text).
    normal_at_K : float or None
        Temperature (K) of the normal-state reference R_N; None lets each
        analysis choose (see ``sc2d tc --normal-at``).
    criterion : float
        Fraction of R_N that defines Tc (0 < criterion < 1).
    samples : list of Sample
        In file order; names are unique.
    source : Path or None
        The TOML file.
    """

    title: str = ""
    normal_at_K: float | None = None
    criterion: float = 0.5
    samples: list[Sample] = field(default_factory=list)
    source: Path | None = None

    @property
    def criterion_key(self) -> str:
        """The criterion as the ``tc_K`` key of the tc JSON (``0.5`` -> ``"0.5"``)."""
        return format(self.criterion, "g")

    def files(self) -> list[Path]:
        """Every input file, in sample and role order, without repeats."""
        out: list[Path] = []
        for s in self.samples:
            for p in s.files.values():
                if p not in out:
                    out.append(p)
        return out


def _where(src: str, key: str) -> str:
    return f"{src}: {key}"


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, Mapping):
        return "table"
    return type(v).__name__


def _check_keys(src: str, where: str, d: Mapping[str, Any], known: Mapping[str, str]) -> None:
    for k in d:
        if k not in known:
            import difflib

            close = difflib.get_close_matches(k, list(known), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise FormatError(
                f"{src}: unknown key '{k}' in {where}; {hint}known keys: {', '.join(known)}"
            )


def _float(src: str, key: str, v: Any, lo: float, hi: float, fix: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise FormatError(
            f"{src}: {key} must be a number, got {_type_name(v)} {v!r}; write e.g. {fix}"
        )
    x = float(v)
    if not (math.isfinite(x) and lo < x < hi):
        raise FormatError(
            f"{src}: {key} = {v!r} is out of range ({lo:g}, {hi:g}); write e.g. {fix}"
        )
    return x


def _str(src: str, key: str, v: Any, fix: str) -> str:
    if not isinstance(v, str):
        raise FormatError(
            f"{src}: {key} must be a quoted string, got {_type_name(v)} {v!r}; write {fix}"
        )
    return v


_SINGLE_FILE_ROLES = ("rt", "hall", "iv")


def _role_table(
    src: str, where: str, role: str, t: Mapping[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """``{file, x, y, by, units, run_id}`` -> (file, reader options)."""
    known = {"file": "str", "units": "table", "run_id": "int"}
    if role in _SINGLE_FILE_ROLES:
        known |= {"x": "str", "y": "str", "by": "str"}
    for k in t:
        if k not in known:
            extra = (
                f"; x/y/by are for the single-file roles ({', '.join(_SINGLE_FILE_ROLES)})"
                if k in ("x", "y", "by")
                else ""
            )
            raise FormatError(
                f"{src}: unknown key '{k}' in {where}; known keys: {', '.join(known)}{extra}"
            )
    if "file" not in t:
        raise FormatError(
            f'{src}: {where} is a table without file; write {role} = {{ file = "{role}.csv", ... }}'
        )
    opt: dict[str, Any] = {}
    for k in ("x", "y", "by"):
        if k in t:
            opt[k] = _str(src, f"{where}.{k}", t[k], f'{k} = "Column name"')
    if "units" in t:
        u = t["units"]
        if not isinstance(u, Mapping) or not all(
            isinstance(a, str) and isinstance(b, str) for a, b in u.items()
        ):
            raise FormatError(
                f"{src}: {where}.units must be a table of column = unit strings, got {u!r}; "
                'write units = { "Field" = "Oe" }'
            )
        opt["units"] = dict(u)
    if "run_id" in t:
        r = t["run_id"]
        if isinstance(r, bool) or not isinstance(r, int) or r < 1:
            raise FormatError(
                f"{src}: {where}.run_id must be a positive integer, got {r!r}; write run_id = 1"
            )
        opt["run_id"] = r
    return t["file"], opt


def parse_sample_set(data: Mapping[str, Any], source: str | Path = "<sample set>") -> SampleSet:
    """Validate a decoded sample-set mapping and resolve its files.

    Parameters
    ----------
    data : mapping
        The decoded TOML.
    source : str or Path
        The TOML file: names it in messages and anchors relative paths (its
        folder; the current folder for a pseudo-name).

    Returns
    -------
    SampleSet

    Raises
    ------
    FormatError
        Unknown key, wrong type, duplicate sample name or missing file; the
        message names the file, the key and the fix.
    """
    src = str(source)
    base = Path(source).resolve().parent if Path(source).is_file() else Path.cwd()
    _check_keys(src, "the top level", data, _TOP_KEYS)

    title = _str(src, "title", data.get("title", ""), 'title = "CaZrO3/KTaO3(001)"')
    normal_at = None
    if "normal_at_K" in data:
        normal_at = _float(src, "normal_at_K", data["normal_at_K"], 0.0, 1e4, "normal_at_K = 0.4")
    criterion = 0.5
    if "criterion" in data:
        criterion = _float(src, "criterion", data["criterion"], 0.0, 1.0, "criterion = 0.5")

    raw = data.get("samples")
    if raw is None:
        raise FormatError(
            f'{src}: no samples; add at least one [[samples]] table with name = "..." and a file '
            'role such as rt = "rt.csv"'
        )
    if not isinstance(raw, list) or not all(isinstance(s, Mapping) for s in raw):
        raise FormatError(
            f"{src}: samples must be an array of tables, got {_type_name(raw)}; write each "
            'sample as [[samples]] followed by name = "..." lines'
        )
    if not raw:
        raise FormatError(f"{src}: samples is empty; add at least one [[samples]] table")

    samples: list[Sample] = []
    seen: set[str] = set()
    for i, s in enumerate(raw):
        where = f"samples[{i}]"
        _check_keys(src, where, s, _SAMPLE_KEYS)
        if "name" not in s:
            raise FormatError(f'{src}: {where} has no name; add name = "S{i + 1}"')
        name = _str(src, f"{where}.name", s["name"], f'name = "S{i + 1}"').strip()
        if not name:
            raise FormatError(f'{src}: {where}.name is empty; write name = "S{i + 1}"')
        if name in seen:
            raise FormatError(
                f"{src}: sample name '{name}' appears twice ({where}); give each sample a unique name"
            )
        seen.add(name)
        where = f"sample '{name}'"
        orientation = _str(
            src, f"{where} orientation", s.get("orientation", ""), 'orientation = "001"'
        ).strip()
        notes = _str(src, f"{where} notes", s.get("notes", ""), 'notes = "..."')
        s_normal = None
        if "normal_at_K" in s:
            s_normal = _float(
                src, f"{where} normal_at_K", s["normal_at_K"], 0.0, 1e4, "normal_at_K = 4.0"
            )
        units_raw = s.get("units", {})
        if not isinstance(units_raw, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in units_raw.items()
        ):
            raise FormatError(
                f"{src}: {where} units must be a table of column = unit strings, got "
                f'{units_raw!r}; write units = {{ "Field" = "Oe" }}'
            )
        files: dict[str, Path] = {}
        options: dict[str, dict[str, Any]] = {}
        for role in ROLES:
            if role not in s:
                continue
            v = s[role]
            if isinstance(v, Mapping):
                v, opt = _role_table(src, f"{where} {role}", role, v)
                if opt:
                    options[role] = opt
            v = _str(src, f"{where} {role}", v, f'{role} = "{name}/{role}.csv"')
            if not v.strip():
                raise FormatError(
                    f'{src}: {where} {role} is empty; give a file name or remove the "{role}" line'
                )
            p = Path(v).expanduser()
            if not p.is_absolute():
                p = base / p
            if not p.exists():
                raise FormatError(
                    f"{src}: {where} {role} = '{v}' does not exist (looked for {p}); "
                    "fix the path (relative paths start at the TOML file's folder)"
                )
            if p.is_dir() and not p.suffix:
                raise FormatError(
                    f"{src}: {where} {role} = '{v}' is a folder; name a data file instead"
                )
            files[role] = p
        if not files:
            raise FormatError(
                f"{src}: {where} names no data file; add at least one of {', '.join(ROLES)}"
            )
        samples.append(
            Sample(
                name=name,
                orientation=orientation,
                files=files,
                units=dict(units_raw),
                notes=notes,
                normal_at_K=s_normal,
                options=options,
            )
        )
    return SampleSet(
        title=title,
        normal_at_K=normal_at,
        criterion=criterion,
        samples=samples,
        source=Path(source).resolve() if Path(source).is_file() else None,
    )


def load_sample_set(path: str | Path) -> SampleSet:
    """Read and validate a sample-set TOML file.

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file; relative data paths inside it start at its folder.

    Returns
    -------
    SampleSet

    Raises
    ------
    FormatError
        The file is missing, is not valid TOML (the message gives line and
        column), or fails validation (see :func:`parse_sample_set`).
    """
    p = Path(path)
    if not p.exists():
        raise FormatError(f"sample-set file {p} does not exist; give the path of a .toml file")
    if p.is_dir():
        raise FormatError(f"{p} is a folder; give the sample-set .toml file inside it")
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"{p} is not UTF-8 text (byte {exc.start}); save the sample set as UTF-8 TOML"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = " ".join(str(exc).split())
        raise FormatError(
            f"{p}: invalid TOML: {msg}; fix the syntax there (strings need quotes, "
            "each sample starts with [[samples]])"
        ) from None
    return parse_sample_set(data, p)
