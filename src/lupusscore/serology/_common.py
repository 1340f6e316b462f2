"""Shared serology helpers: limit comparisons and the lab-result domain check.

:func:`compare` and :func:`snap` live in :mod:`lupusscore.results`, where every
score's comparisons share them; they are re-exported here so serology modules
import from one place. :func:`check_lab` is the one domain check "this must be
a C3 / an anti-dsDNA result", with one phrasing.
"""

from __future__ import annotations

from collections.abc import Collection

from lupusscore._checks import as_instance
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import COMPARISON_SIGNIFICANT_DIGITS, compare, snap

__all__ = ["COMPARISON_SIGNIFICANT_DIGITS", "check_lab", "compare", "snap"]


def check_lab(
    field: str, lab: object, allowed: Collection[Analyte], *, what: str
) -> LabResult:
    """Return *lab* if it is a :class:`LabResult` of one of *allowed* analytes.

    Raises
    ------
    InvalidValueError
        ``"<field>: got <object>; expected a LabResult ..."`` for another type
        (a dict, a string, None), or ``"<field>.analyte: got ..."`` for a
        result of another analyte.
    """
    result = as_instance(field, lab, LabResult, expected=f"a LabResult ({what})")
    if result.analyte not in allowed:
        raise InvalidValueError(
            field=f"{field}.analyte", value=result.analyte.value, expected=what
        )
    return result
