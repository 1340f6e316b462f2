"""Proteinuria: UPCR and 24-hour urine protein in canonical units, specimen kept.

UPCR is reported as mg/mg, g/g, mg/g, mg/mmol or g/mmol; 24-h protein as g/day
or mg/day. Everything is converted with :mod:`lupusscore.units` (creatinine
molar mass 113.12 g/mol, so 1 g/g = 113.1 mg/mmol; reference 7.1). The specimen
(spot, first-morning, 24-h collection) is kept because response definitions
care: KDIGO 2024 uses the PCR of a 24-h collection.
"""

from __future__ import annotations

from typing import Any, Final, Self, overload

import numpy as np
import numpy.typing as npt
from pydantic import model_validator

from lupusscore._checks import (
    FloatArray,
    MissingMode,
    as_choice,
    as_floats,
    as_missing_mode,
)
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.kidney._common import output
from lupusscore.models import LabResult, Specimen, Visit
from lupusscore.results import ExplainedResult, Status
from lupusscore.units import convert

__all__ = [
    "PROTEIN_24H_UNIT",
    "UPCR_UNIT",
    "ProteinuriaResult",
    "protein_24h_g_day",
    "proteinuria",
    "upcr_g_g",
]

#: Canonical UPCR unit (1 g/g = 1 mg/mg = 1000 mg/g).
UPCR_UNIT: Final = "g/g"
#: Canonical 24-hour urine protein unit.
PROTEIN_24H_UNIT: Final = "g/day"


def _convert_present(
    value: object, unit: str, target: str, analyte: Analyte, missing: object
) -> float | FloatArray:
    """Check *value* (finite, >= 0; missing per *missing*), convert the present."""
    mode = as_missing_mode(missing)
    if not isinstance(unit, str):
        raise InvalidValueError(
            field="unit",
            value=repr(unit),
            analyte=analyte.value,
            expected="a unit string",
        )
    arr = as_floats(
        "value",
        value,
        unit=unit,
        nonnegative=True,
        allow_missing=mode == "propagate",
        analyte=analyte.value,
    )
    miss = np.isnan(arr)
    out = np.full(arr.shape, np.nan)
    out[~miss] = convert(arr[~miss], unit, target, analyte=analyte)
    return output(out)


@overload
def upcr_g_g(value: float, unit: str, *, missing: MissingMode = ...) -> float: ...
@overload
def upcr_g_g(
    value: npt.NDArray[np.floating] | list[float],
    unit: str,
    *,
    missing: MissingMode = ...,
) -> FloatArray: ...
def upcr_g_g(
    value: float | npt.NDArray[np.floating] | list[float],
    unit: str,
    *,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Convert urine protein/creatinine ratio(s) to g/g.

    Parameters
    ----------
    value : float or array-like
        UPCR, finite and >= 0.
    unit : str
        ``mg/mg``, ``g/g``, ``mg/g``, ``mg/mmol``, ``g/mmol`` (UCUM
        ``{creat}`` annotations accepted).
    missing : {"raise", "propagate"}, default "raise"
        A missing value (None, NaN, pandas NA) is an error naming its index,
        or (``"propagate"``) NaN out for that element.

    Returns
    -------
    float or numpy.ndarray
        UPCR in g/g (= mg/mg).

    Raises
    ------
    UnitError
        A unit that is not a protein/creatinine ratio.
    InvalidValueError
        Infinite or negative values, bools or strings, or (``missing="raise"``)
        missing ones.

    Examples
    --------
    >>> round(upcr_g_g(500, "mg/g"), 3), round(upcr_g_g(50, "mg/mmol"), 3)
    (0.5, 0.442)
    """
    return _convert_present(value, unit, UPCR_UNIT, Analyte.UPCR, missing)


@overload
def protein_24h_g_day(
    value: float, unit: str, *, missing: MissingMode = ...
) -> float: ...
@overload
def protein_24h_g_day(
    value: npt.NDArray[np.floating] | list[float],
    unit: str,
    *,
    missing: MissingMode = ...,
) -> FloatArray: ...
def protein_24h_g_day(
    value: float | npt.NDArray[np.floating] | list[float],
    unit: str,
    *,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Convert 24-hour urine protein to g/day.

    Parameters
    ----------
    value : float or array-like
        Protein excreted per day, finite and >= 0.
    unit : str
        ``g/day``, ``mg/day``, ``g/24h``, ``mg/24h`` ...
    missing : {"raise", "propagate"}, default "raise"
        As in :func:`upcr_g_g`.

    Returns
    -------
    float or numpy.ndarray
        Protein in g/day.

    Raises
    ------
    UnitError
        A unit that is not a mass per time.
    InvalidValueError
        Infinite or negative values, bools or strings, or (``missing="raise"``)
        missing ones.

    Examples
    --------
    >>> round(protein_24h_g_day(750, "mg/24h"), 3)
    0.75
    """
    return _convert_present(value, unit, PROTEIN_24H_UNIT, Analyte.PROTEIN_24H, missing)


class ProteinuriaResult(ExplainedResult):
    """Proteinuria at one visit, in canonical units, with its provenance.

    Attributes
    ----------
    value_g_g : float or None
        UPCR in g/g from the latest UPCR result (``None`` if none).
    upcr_specimen : Specimen or None
        Specimen of that UPCR (spot, first-morning, 24-h collection); ``None``
        when not recorded or no UPCR.
    value_g_day : float or None
        24-hour urine protein in g/day from the latest such result.
    upcr_lab : LabResult or None
        The UPCR result used, as reported (unit and value kept).
    protein_24h_lab : LabResult or None
        The 24-hour protein result used, as reported.
    status : Status
        ``met`` (evaluated) when a UPCR or a 24-hour protein is available,
        else ``not_evaluable``; derived from the values when left out.
    reason : str or None
        Why neither measure is available (``None`` when evaluable).
    missing : tuple of str
        ``("upcr_g_g", "protein_24h_g_day")`` when neither is available.

    Examples
    --------
    >>> ProteinuriaResult(reason="no UPCR or 24-h protein").evaluable
    False
    """

    value_g_g: float | None = None
    upcr_specimen: Specimen | None = None
    value_g_day: float | None = None
    upcr_lab: LabResult | None = None
    protein_24h_lab: LabResult | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive_status(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" not in data:
            present = any(data.get(k) is not None for k in ("value_g_g", "value_g_day"))
            data = {
                **data,
                "status": Status.MET if present else Status.NOT_EVALUABLE,
            }
        return data

    @model_validator(mode="after")
    def _status_matches_values(self) -> Self:
        present = self.value_g_g is not None or self.value_g_day is not None
        if present != (self.status is not Status.NOT_EVALUABLE):
            msg = (
                f"status {self.status.value!r} does not match the values: a "
                "proteinuria result is not evaluable exactly when it has neither"
            )
            raise ValueError(msg)
        return self

    @property
    def specimen(self) -> Specimen | None:
        """Specimen of the UPCR if any, else ``urine_24h`` for a 24-h protein."""
        if self.value_g_g is not None:
            return self.upcr_specimen
        if self.value_g_day is not None:
            return Specimen.URINE_24H
        return None


def proteinuria(
    visit: Visit, *, specimen: Specimen | str | None = None
) -> ProteinuriaResult:
    """Collect a visit's proteinuria (UPCR and 24-h protein) in canonical units.

    Parameters
    ----------
    visit : Visit
        The visit; its latest ``upcr`` and ``protein_24h`` results are used.
    specimen : Specimen or str, optional
        Use only UPCR results from this specimen (e.g. ``"urine_24h"`` for the
        PCR of a 24-h collection, as KDIGO 2024 specifies). Results without a
        recorded specimen do not match a requested specimen.

    Returns
    -------
    ProteinuriaResult
        UPCR in g/g with its specimen, 24-h protein in g/day, the source lab
        results, or not evaluable with the reason.

    Raises
    ------
    InvalidValueError
        *visit* is not a :class:`~lupusscore.models.Visit`, or *specimen* is
        not a known specimen (e.g. ``"24h"``; the 24-h collection is
        ``"urine_24h"``).

    Examples
    --------
    >>> from lupusscore import LabResult, Visit
    >>> v = Visit(
    ...     participant_id="P01",
    ...     date="2024-03-01",
    ...     labs=[
    ...         LabResult(
    ...             analyte="upcr",
    ...             value=120,
    ...             unit="mg/mmol",
    ...             date="2024-03-01",
    ...             specimen="first_morning_urine",
    ...         )
    ...     ],
    ... )
    >>> r = proteinuria(v)
    >>> round(r.value_g_g, 3), r.specimen
    (1.061, <Specimen.FIRST_MORNING_URINE: 'first_morning_urine'>)
    """
    if not isinstance(visit, Visit):
        raise InvalidValueError(
            field="visit", value=type(visit).__name__, expected="a Visit"
        )
    wanted = (
        None
        if specimen is None
        else Specimen(as_choice("specimen", specimen, Specimen))
    )
    upcrs = [
        lab
        for lab in visit.labs_for(Analyte.UPCR)
        if wanted is None or lab.specimen is wanted
    ]
    upcr: LabResult | None = upcrs[-1] if upcrs else None
    protein = visit.latest(Analyte.PROTEIN_24H)
    if upcr is None and protein is None:
        which = f" from a {wanted.value} specimen" if wanted is not None else ""
        return ProteinuriaResult(
            status=Status.NOT_EVALUABLE,
            missing=("upcr_g_g", "protein_24h_g_day"),
            reason=(
                f"no UPCR{which} or 24-hour urine protein result in the visit of "
                f"{visit.date}"
            ),
        )
    return ProteinuriaResult(
        status=Status.MET,
        value_g_g=None if upcr is None else upcr.canonical_value,
        upcr_specimen=None if upcr is None else upcr.specimen,
        value_g_day=None if protein is None else protein.canonical_value,
        upcr_lab=upcr,
        protein_24h_lab=protein,
    )
