"""Normal-state transport: Van der Pauw, (anti)symmetrisation, Hall, mobility.

References: L. J. van der Pauw, Philips Res. Rep. 13, 1 (1958); ASTM F76 /
NIST Hall-effect procedure for the averaging of configurations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import physics
from .data import Result

__all__ = [
    "VdpResult",
    "reciprocal_average",
    "reversed_polarity",
    "van_der_pauw",
]


@dataclass(frozen=True)
class VdpResult(Result):
    """Van der Pauw sheet resistance.

    Attributes
    ----------
    r_s_ohm : float
        Sheet resistance (Ohm per square).
    r_a_ohm, r_b_ohm : float
        The two configurations' resistances (Ohm).
    ratio : float
        R_B/R_A; far from 1 for a square sample flags misplaced contacts or
        an inhomogeneous layer.
    f_factor : float
        Van der Pauw correction f in R_s = (pi/ln2) (R_A + R_B)/2 f.
    """

    r_s_ohm: float
    r_a_ohm: float
    r_b_ohm: float
    ratio: float
    f_factor: float


def van_der_pauw(r_a: float, r_b: float) -> VdpResult:
    """Sheet resistance from R_A and R_B by the Van der Pauw equation.

    exp(-pi R_A/R_s) + exp(-pi R_B/R_s) = 1, solved to machine precision for
    any R_B/R_A (see :func:`sc2d.physics.vdp_sheet_resistance`).

    Examples
    --------
    >>> round(van_der_pauw(100.0, 100.0).r_s_ohm, 6)   # pi/ln2 * 100
    453.236014
    """
    r_s = float(physics.vdp_sheet_resistance(r_a, r_b))
    f = r_s / (np.pi / np.log(2) * (r_a + r_b) / 2)
    return VdpResult(r_s, float(r_a), float(r_b), float(r_b / r_a), float(f))


def reversed_polarity(v_plus: ArrayLike, v_minus: ArrayLike, current: ArrayLike) -> np.ndarray:
    """DC resistance with the current reversed: [V(+I) - V(-I)]/(2I) (Ohm).

    Removes thermoelectric offsets. ``current`` is the magnitude |I| (A).
    """
    return (np.asarray(v_plus, float) - np.asarray(v_minus, float)) / (
        2 * np.asarray(current, float)
    )


def reciprocal_average(*resistances: ArrayLike) -> np.ndarray:
    """Mean of the reciprocal / reversed configurations of one Van der Pauw
    resistance, e.g. R_A = (R_21,34 + R_12,43 + R_43,12 + R_34,21)/4 (Ohm).
    """
    if not resistances:
        raise ValueError("give at least one resistance")
    return np.mean(np.vstack([np.asarray(r, float) for r in resistances]), axis=0)
