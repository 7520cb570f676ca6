"""sc2d.simulate: the forward model (digital twin) of a 2D superconductor.

- :mod:`.models`: noiseless, vectorised physics (R(T), R(T, B), I-V, Hall,
  gate) and :class:`SampleParams`;
- :mod:`.truth`: truth numbers from the noiseless model and the controlled
  Tc (:func:`solve_tc`);
- :mod:`.instrument`: ``measure_*`` generators (pandas DataFrames with
  canonical SI columns) with noise, glitches, blanks, thermal lag;
- :mod:`.writers`: CSV and Quantum Design ``.dat`` writers (atomic);
- :mod:`.paper`: the reference study's data set (``sc2d simulate paper``).
"""

from .instrument import (
    measure_gate_hall,
    measure_gate_iv,
    measure_gate_rt,
    measure_hall,
    measure_iv,
    measure_r_theta,
    measure_rb,
    measure_rt,
    measure_rt_field,
    sample_at_gate,
)
from .models import (
    SampleParams,
    alpha_t,
    gate_params,
    hall_rxx,
    hall_rxy,
    ic_t,
    iv,
    rt,
    rt_field,
    rt_local,
)
from .truth import solve_tc, true_alpha, true_hc2, true_ic, true_rt, true_rt_field, true_tc

__all__ = [
    "SampleParams",
    "alpha_t",
    "gate_params",
    "hall_rxx",
    "hall_rxy",
    "ic_t",
    "iv",
    "measure_gate_hall",
    "measure_gate_iv",
    "measure_gate_rt",
    "measure_hall",
    "measure_iv",
    "measure_r_theta",
    "measure_rb",
    "measure_rt",
    "measure_rt_field",
    "rt",
    "rt_field",
    "rt_local",
    "sample_at_gate",
    "solve_tc",
    "true_alpha",
    "true_hc2",
    "true_ic",
    "true_rt",
    "true_rt_field",
    "true_tc",
]
