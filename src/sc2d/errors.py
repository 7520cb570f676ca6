"""The sc2d exception tree.

Every error a user can cause (a bad file, an unknown unit, data that do not
support an answer) is an :class:`Sc2dError`. The command line prints its
message as one line on stderr and exits non-zero; a traceback means a bug.

::

    Sc2dError
    ├── FormatError      the file or a column cannot be read as asked
    │   └── UnitError    a column's unit is missing or unknown
    ├── DataError        the data are readable but cannot give the answer
    │                    (no transition in range, too few points, ...)
    └── FitError         a fit did not converge or is not constrained
"""

from __future__ import annotations

__all__ = ["DataError", "FitError", "FormatError", "Sc2dError", "UnitError"]


class Sc2dError(Exception):
    """Base class of every error sc2d raises on purpose."""


class FormatError(Sc2dError):
    """A file, a column or an argument cannot be read as asked."""


class UnitError(FormatError):
    """A column's unit is missing, unknown or contradicts its quantity."""


class DataError(Sc2dError):
    """The data are readable but do not support the requested answer."""


class FitError(Sc2dError):
    """A fit did not converge, or its parameters are not constrained."""
