"""NetCDF / HDF5 files through xarray (optional extra ``sc2d[netcdf]``).

Data variables and coordinates become columns of one flat table (gridded
data are flattened, coordinates broadcast); units come from each variable's
``units`` attribute, and ``long_name`` (or QCoDeS' ``label``) helps
recognition when the variable name alone does not say the quantity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FormatError

__all__ = ["read_netcdf"]

_INSTALL = "pip install sc2d[netcdf]"


def _xarray() -> Any:
    try:
        import xarray as xr
    except ImportError:
        raise FormatError(
            f"reading NetCDF/HDF5 needs xarray and h5netcdf; install them with '{_INSTALL}'"
        ) from None
    return xr


def read_netcdf(path: Path) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str], dict[str, str]]:
    """A NetCDF/HDF5 file as a flat DataFrame, metadata, labels and units."""
    xr = _xarray()
    # third-party backends (netCDF4, h5netcdf/h5py, scipy) raise anything on a
    # damaged file (OSError, ValueError, KeyError, IndexError...): every such
    # failure is the file's, never a crash of sc2d
    try:
        ds = xr.open_dataset(path, decode_times=False)
        try:
            ds = ds.load()
        finally:
            ds.close()
    except MemoryError:
        raise
    except Exception as exc:
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        if isinstance(exc, ImportError) or "engine" in msg.lower() or "backend" in msg.lower():
            raise FormatError(
                f"{path.name}: no NetCDF/HDF5 backend can open it ({msg}); "
                f"install one with '{_INSTALL}'"
            ) from None
        raise FormatError(
            f"{path.name} cannot be read as NetCDF/HDF5 ({type(exc).__name__}: {msg}); "
            "check the file"
        ) from None
    names = list(ds.data_vars) + [c for c in ds.coords if c not in ds.data_vars]
    if not list(ds.data_vars) and not list(ds.coords):
        raise FormatError(f"{path.name} holds no variables; nothing to read")
    labels: dict[str, str] = {}
    units: dict[str, str] = {}
    for n in names:
        a = ds[n].attrs
        if a.get("units"):
            units[str(n)] = str(a["units"])
        lab = a.get("long_name") or a.get("label")
        if lab:
            labels[str(n)] = str(lab)
    if ds.data_vars:
        df = ds.to_dataframe().reset_index()
    else:
        df = ds.coords.to_dataset().to_dataframe().reset_index()
    keep = [c for c in df.columns if str(c) in {str(n) for n in names}]
    df = df[keep]
    df.columns = [str(c) for c in df.columns]
    if len(df) == 0:
        raise FormatError(f"{path.name} holds no data points; nothing to read")
    meta: dict[str, Any] = {
        "attrs": {str(k): str(v)[:200] for k, v in ds.attrs.items()},
        "dims": {str(k): int(v) for k, v in ds.sizes.items()},
    }
    return df, meta, labels, units
