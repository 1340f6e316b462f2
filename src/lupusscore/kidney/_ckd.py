"""KDIGO CKD categories: G1-G5 from eGFR, A1-A3 from albuminuria or proteinuria.

Sources: KDIGO 2012 Clinical Practice Guideline for the Evaluation and
Management of Chronic Kidney Disease. Kidney Int Suppl 2013;3:1-150 (Tables 5
and 7; unchanged in KDIGO 2024), as in the lupusscore clinical reference 6.3.
The A-category table with PER/PCR rows is reproduced in PMC10200071 Table 11.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, overload

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    BoolArray,
    FloatArray,
    MissingMode,
    as_floats,
    as_missing_mode,
)
from lupusscore._display import Displayable
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.errors import InvalidValueError
from lupusscore.units import convert, parse_unit

__all__ = [
    "ALBUMINURIA_THRESHOLDS",
    "GFR_CATEGORY_LOWER_BOUNDS",
    "AlbuminuriaCategory",
    "AlbuminuriaThresholds",
    "GfrCategory",
    "albuminuria_category",
    "gfr_category",
]

_KDIGO_2012 = "KDIGO 2012 CKD guideline, Kidney Int Suppl 2013;3:1-150"


class GfrCategory(StrEnum):
    """KDIGO GFR categories (higher number = lower GFR)."""

    G1 = "G1"
    G2 = "G2"
    G3A = "G3a"
    G3B = "G3b"
    G4 = "G4"
    G5 = "G5"


class AlbuminuriaCategory(StrEnum):
    """KDIGO albuminuria categories (A3 = severely increased)."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"


#: Lower eGFR bound (mL/min/1.73 m², inclusive) of each category, KDIGO 2012
#: Table 5: G1 >= 90, G2 60-89, G3a 45-59, G3b 30-44, G4 15-29, G5 < 15.
GFR_CATEGORY_LOWER_BOUNDS: Final = (
    (GfrCategory.G1, 90.0),
    (GfrCategory.G2, 60.0),
    (GfrCategory.G3A, 45.0),
    (GfrCategory.G3B, 30.0),
    (GfrCategory.G4, 15.0),
)


@dataclass(frozen=True, slots=True)
class AlbuminuriaThresholds(Displayable):
    """A1 below ``a2_from``; A2 from ``a2_from`` to ``a2_to`` inclusive; A3 above.

    Attributes
    ----------
    measure : str
        What is compared (AER, ACR, PER, PCR).
    unit : str
        Unit of the two thresholds.
    a2_from, a2_to : float
        The guideline's own pair for that unit.
    """

    measure: str
    unit: str
    a2_from: float
    a2_to: float


#: KDIGO 2012 Table 7: thresholds for each analyte and unit family. The molar
#: pairs (3/30 and 15/50 mg/mmol) are the guideline's own rounded pairs, used
#: as printed for results reported in mg/mmol (reference 7.1: exact conversion
#: for data, the guideline's stated pair for thresholds).
ALBUMINURIA_THRESHOLDS: Final = {
    (Analyte.UACR, "mass"): AlbuminuriaThresholds("ACR", "mg/g", 30.0, 300.0),
    (Analyte.UACR, "molar"): AlbuminuriaThresholds("ACR", "mg/mmol", 3.0, 30.0),
    (Analyte.UPCR, "mass"): AlbuminuriaThresholds("PCR", "mg/g", 150.0, 500.0),
    (Analyte.UPCR, "molar"): AlbuminuriaThresholds("PCR", "mg/mmol", 15.0, 50.0),
    (Analyte.PROTEIN_24H, "mass"): AlbuminuriaThresholds("PER", "mg/day", 150.0, 500.0),
}


def _present(
    name: str, value: object, unit: str, missing: object
) -> tuple[FloatArray, BoolArray]:
    """Return checked values (finite, >= 0) and their missing mask."""
    mode = as_missing_mode(missing)
    arr = as_floats(
        name,
        value,
        unit=unit,
        nonnegative=True,
        allow_missing=mode == "propagate",
    )
    return arr, np.isnan(arr)


def _labels(
    out: npt.NDArray[np.str_], miss: BoolArray, missing: object
) -> npt.NDArray[Any]:
    """Return labels; for ``missing="propagate"`` objects, None where missing."""
    if missing != "propagate":
        return out.astype(np.str_)
    labelled = out.astype(object)
    labelled[miss] = None
    return np.asarray(labelled, dtype=object)


@overload
def gfr_category(egfr: float, *, missing: Literal["raise"] = ...) -> GfrCategory: ...
@overload
def gfr_category(
    egfr: float, *, missing: Literal["propagate"]
) -> GfrCategory | None: ...
@overload
def gfr_category(
    egfr: npt.ArrayLike, *, missing: MissingMode = ...
) -> npt.NDArray[Any]: ...
def gfr_category(
    egfr: npt.ArrayLike, *, missing: MissingMode = "raise"
) -> GfrCategory | npt.NDArray[Any] | None:
    """Return the KDIGO GFR category (G1, G2, G3a, G3b, G4, G5).

    Parameters
    ----------
    egfr : float or array-like
        eGFR in mL/min/1.73 m²; finite and >= 0.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing eGFR (None, NaN, pandas NA) is an error naming
        its index. ``"propagate"``: a missing eGFR has no category (``None``;
        arrays are then object arrays with ``None`` there).

    Returns
    -------
    GfrCategory or numpy.ndarray of str
        A :class:`GfrCategory` (a ``str``) for scalar input, an array of
        category strings otherwise.

    Raises
    ------
    InvalidValueError
        A negative or infinite eGFR, a bool or string, or (``missing="raise"``)
        a missing one.

    Notes
    -----
    Bounds are inclusive below: G1 >= 90, G2 [60, 90), G3a [45, 60),
    G3b [30, 45), G4 [15, 30), G5 < 15 (so 59.9 is G3a and 60 is G2).

    References
    ----------
    KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of
    CKD. Kidney Int Suppl 2013;3:1-150, Table 5 (unchanged in KDIGO 2024).

    Examples
    --------
    >>> gfr_category(59.9), gfr_category(60)
    (<GfrCategory.G3A: 'G3a'>, <GfrCategory.G2: 'G2'>)
    >>> gfr_category([95, 44, 14.9]).tolist()
    ['G1', 'G3b', 'G5']
    """
    arr, miss = _present("egfr", egfr, "mL/min/1.73m2", missing)
    conditions = [arr >= bound for _, bound in GFR_CATEGORY_LOWER_BOUNDS]
    labels = [str(cat) for cat, _ in GFR_CATEGORY_LOWER_BOUNDS]
    out = np.select(conditions, labels, default=str(GfrCategory.G5))
    if out.ndim == 0:
        return None if bool(miss) else GfrCategory(str(out))
    return _labels(out, miss, missing)


def thresholds_for(unit: str, analyte: Analyte | str) -> AlbuminuriaThresholds:
    """Return the KDIGO thresholds that apply to a result in *unit* for *analyte*.

    Raises
    ------
    InvalidValueError
        *analyte* is not ``uacr``, ``upcr`` or ``protein_24h``.
    UnitError
        *unit* is not accepted for the analyte.
    """
    if not isinstance(unit, str):
        raise InvalidValueError(
            field="unit", value=repr(unit), expected="a unit string such as 'mg/g'"
        )
    a = analyte_spec(analyte).analyte
    if a not in (Analyte.UACR, Analyte.UPCR, Analyte.PROTEIN_24H):
        raise InvalidValueError(
            field="analyte",
            value=str(analyte),
            expected="'uacr', 'upcr' or 'protein_24h'",
        )
    molar = "[substance]" in parse_unit(unit).dimensionality
    return ALBUMINURIA_THRESHOLDS[(a, "molar" if molar else "mass")]


@overload
def albuminuria_category(
    value: float,
    unit: str,
    *,
    analyte: Analyte | str = ...,
    missing: Literal["raise"] = ...,
) -> AlbuminuriaCategory: ...
@overload
def albuminuria_category(
    value: float,
    unit: str,
    *,
    analyte: Analyte | str = ...,
    missing: Literal["propagate"],
) -> AlbuminuriaCategory | None: ...
@overload
def albuminuria_category(
    value: npt.ArrayLike,
    unit: str,
    *,
    analyte: Analyte | str = ...,
    missing: MissingMode = ...,
) -> npt.NDArray[Any]: ...
def albuminuria_category(
    value: npt.ArrayLike,
    unit: str,
    *,
    analyte: Analyte | str = "uacr",
    missing: MissingMode = "raise",
) -> AlbuminuriaCategory | npt.NDArray[Any] | None:
    """Return the KDIGO albuminuria category (A1, A2, A3) of a urine result.

    Parameters
    ----------
    value : float or array-like
        The result(s), finite and >= 0, in *unit*.
    unit : str
        Any unit accepted for *analyte*: a mass ratio (``mg/g``, ``g/g``,
        ``mg/mg``), a molar ratio (``mg/mmol``, ``g/mmol``), or for 24-h
        protein a rate (``g/day``, ``mg/day``, ``g/24h`` ...).
    analyte : {"uacr", "upcr", "protein_24h"}, default "uacr"
        Albumin/creatinine ratio (ACR), protein/creatinine ratio (PCR), or
        24-hour urine protein (protein excretion rate, PER).
    missing : {"raise", "propagate"}, default "raise"
        As in :func:`gfr_category`: a missing result is an error, or has no
        category (``None``).

    Returns
    -------
    AlbuminuriaCategory or numpy.ndarray of str
        A category for scalar input, an array of category strings otherwise.

    Raises
    ------
    InvalidValueError
        Negative / infinite value, a bool or string, a missing value with
        ``missing="raise"``, a unit that is not a string, or an analyte other
        than the three above.
    UnitError
        A unit not accepted for the analyte.

    Notes
    -----
    KDIGO 2012 Table 7: A1 below the lower threshold, A2 from the lower to the
    upper threshold inclusive, A3 above it (A2 is "30-300", A3 "> 300").
    Thresholds: ACR 30/300 mg/g or 3/30 mg/mmol; PCR 150/500 mg/g or 15/50
    mg/mmol; PER 150/500 mg/day. Results in a molar ratio are converted to
    mg/mmol and compared with the guideline's mg/mmol pair; mass ratios to
    mg/g; 24-h protein to mg/day. (kidney.epi places exactly 300 mg/g in A3;
    this follows the KDIGO table, where 300 is in A2.)

    References
    ----------
    KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of
    CKD. Kidney Int Suppl 2013;3:1-150, Table 7.

    Examples
    --------
    >>> albuminuria_category(29.9, "mg/g"), albuminuria_category(30, "mg/g")
    (<AlbuminuriaCategory.A1: 'A1'>, <AlbuminuriaCategory.A2: 'A2'>)
    >>> albuminuria_category(0.6, "g/g", analyte="upcr")
    <AlbuminuriaCategory.A3: 'A3'>
    >>> albuminuria_category([10, 40], "mg/mmol", analyte="upcr").tolist()
    ['A1', 'A2']
    """
    t = thresholds_for(unit, analyte)
    a = analyte_spec(analyte).analyte
    arr, miss = _present("value", value, unit, missing)
    converted = np.full(arr.shape, np.nan)
    converted[~miss] = convert(arr[~miss], unit, t.unit, analyte=a)
    out = np.select(
        [converted < t.a2_from, converted <= t.a2_to],
        [str(AlbuminuriaCategory.A1), str(AlbuminuriaCategory.A2)],
        default=str(AlbuminuriaCategory.A3),
    )
    if out.ndim == 0:
        return None if bool(miss) else AlbuminuriaCategory(str(out))
    return _labels(out, miss, missing)
