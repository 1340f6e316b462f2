"""The serology lab-result domain check: "this must be a C3 / an anti-dsDNA result".

:func:`check_lab` is the one place that check is made, with one phrasing, for
every serology function that takes a :class:`~lupusscore.models.LabResult`.
(Limit comparisons are :func:`lupusscore.results.compare`.)
"""

from __future__ import annotations

from collections.abc import Collection

from lupusscore._checks import as_instance
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult

__all__ = ["check_lab"]


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
