"""NetCDF/HDF5 reader via xarray."""

from __future__ import annotations

import builtins
from pathlib import Path

import numpy as np
import pytest

from sc2d.errors import FormatError
from sc2d.io import load_curves, read

xr = pytest.importorskip("xarray")
pytest.importorskip("h5netcdf")


def _ds(path: Path) -> Path:
    T = np.linspace(3, 1, 30)
    B = np.array([0.0, 0.5, 1.0])
    R = 100 / (1 + np.exp(-(T[None, :] - 2 + B[:, None]) / 0.05))
    ds = xr.Dataset(
        {"rs": (("field", "temp"), R, {"units": "Ohm", "long_name": "Sheet resistance"})},
        coords={
            "temp": ("temp", T * 1000, {"units": "mK"}),
            "field": ("field", B * 1e4, {"units": "Oe", "long_name": "Magnetic field"}),
        },
        attrs={"sample": "S3"},
    )
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def test_netcdf_flatten_and_units(tmp_path: Path) -> None:
    """A gridded R(field, temp) flattens to 90 rows with mK -> K and Oe -> T."""
    t = read(_ds(tmp_path / "map.nc"))
    assert t.format == "netcdf" and len(t) == 90
    assert t.columns["T_K"].scale == pytest.approx(1e-3)
    assert t.columns["B_T"].original == "field"
    assert t.meta["attrs"]["sample"] == "S3"
    _, curves = load_curves(t, x="T_K", y="R_ohm")
    np.testing.assert_allclose([c.fixed["B_T"] for c in curves], [0, 0.5, 1.0])


def test_netcdf_by_magic_not_extension(tmp_path: Path) -> None:
    """An HDF5 file named .bin is still read as NetCDF (magic bytes)."""
    p = _ds(tmp_path / "map.nc")
    q = tmp_path / "map.bin"
    q.write_bytes(p.read_bytes())
    assert read(q).format == "netcdf"


def test_netcdf_missing_xarray(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without xarray the message says which extra to install."""
    p = _ds(tmp_path / "map.nc")
    real_import = builtins.__import__

    def fake(name, *a, **k):
        if name == "xarray":
            raise ImportError("no xarray")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(FormatError, match=r"install them with 'pip install sc2d\[netcdf\]'"):
        read(p)


def test_corrupt_hdf5(tmp_path: Path) -> None:
    p = tmp_path / "bad.h5"
    p.write_bytes(b"\x89HDF\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(FormatError, match=r"bad\.h5 cannot be read as NetCDF/HDF5"):
        read(p)
