"""Model-level eGFR: pull canonical inputs from a patient and visit, call a kernel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import PLAUSIBLE_AGE_MAX_YEARS, describe
from lupusscore.analytes import Analyte
from lupusscore.errors import DefinitionError, InvalidValueError, NotEvaluableError
from lupusscore.kidney._common import AgeRange, as_bool
from lupusscore.kidney._egfr import (
    CKD_EPI_AGES,
    CKID_U25_AGES,
    EKFC_AGES,
    EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS,
    MDRD_AGES,
    SCHWARTZ_BEDSIDE_AGES,
    egfr_ckd_epi_2009,
    egfr_ckd_epi_2012_cr_cys,
    egfr_ckd_epi_2012_cys,
    egfr_ckd_epi_2021,
    egfr_ckd_epi_2021_cr_cys,
    egfr_ckid_u25_cr,
    egfr_ckid_u25_cr_cys,
    egfr_ckid_u25_cys,
    egfr_ekfc_cr,
    egfr_ekfc_cys,
    egfr_mdrd,
    egfr_schwartz_bedside,
)
from lupusscore.models import Patient, Sex, Visit
from lupusscore.results import Status, ValueResult
from lupusscore.units import convert

# EGFR_UNIT: the one spelling of the eGFR unit, declared in the vocabulary.
from lupusscore.vocabulary import EGFR_UNIT

__all__ = [
    "EGFR_EQUATIONS",
    "EGFR_UNIT",
    "EgfrEquation",
    "EgfrResult",
    "egfr",
    "egfr_columns",
]


class EgfrEquation(StrEnum):
    """Equation ids accepted by :func:`egfr`."""

    CKD_EPI_2009 = "ckd-epi-2009"
    CKD_EPI_2021 = "ckd-epi-2021"
    CKD_EPI_2012_CYS = "ckd-epi-2012-cys"
    CKD_EPI_2012_CR_CYS = "ckd-epi-2012-cr-cys"
    CKD_EPI_2021_CR_CYS = "ckd-epi-2021-cr-cys"
    MDRD = "mdrd"
    EKFC_CR = "ekfc-cr"
    EKFC_CYS = "ekfc-cys"
    SCHWARTZ_BEDSIDE = "schwartz-bedside"
    CKID_U25_CR = "ckid-u25-cr"
    CKID_U25_CYS = "ckid-u25-cys"
    CKID_U25_CR_CYS = "ckid-u25-cr-cys"


@dataclass(frozen=True, slots=True)
class _Inputs:
    """Canonical inputs; *values* holds exactly what the equation needs."""

    values: Mapping[str, float]
    age_years: float
    female: bool
    black: bool
    strict: bool

    @property
    def creatinine_mg_dl(self) -> float:
        return self.values["creatinine_mg_dl"]

    @property
    def cystatin_c_mg_l(self) -> float:
        return self.values["cystatin_c_mg_l"]

    @property
    def height_cm(self) -> float:
        return self.values["height_cm"]


@dataclass(frozen=True, slots=True)
class _Spec:
    label: str
    source: str
    ages: AgeRange
    compute: Callable[[_Inputs], float]
    creatinine: bool = False
    cystatin: bool = False
    height: bool = False
    race: bool = False


def _ckd_epi_2009(i: _Inputs) -> float:
    return egfr_ckd_epi_2009(
        i.creatinine_mg_dl, i.age_years, female=i.female, black=i.black, strict=i.strict
    )


def _ckd_epi_2021(i: _Inputs) -> float:
    return egfr_ckd_epi_2021(
        i.creatinine_mg_dl, i.age_years, female=i.female, strict=i.strict
    )


def _ckd_epi_2012_cys(i: _Inputs) -> float:
    return egfr_ckd_epi_2012_cys(
        i.cystatin_c_mg_l, i.age_years, female=i.female, strict=i.strict
    )


def _ckd_epi_2012_cr_cys(i: _Inputs) -> float:
    return egfr_ckd_epi_2012_cr_cys(
        i.creatinine_mg_dl,
        i.cystatin_c_mg_l,
        i.age_years,
        female=i.female,
        black=i.black,
        strict=i.strict,
    )


def _ckd_epi_2021_cr_cys(i: _Inputs) -> float:
    return egfr_ckd_epi_2021_cr_cys(
        i.creatinine_mg_dl,
        i.cystatin_c_mg_l,
        i.age_years,
        female=i.female,
        strict=i.strict,
    )


def _mdrd(i: _Inputs) -> float:
    return egfr_mdrd(
        i.creatinine_mg_dl,
        i.age_years,
        female=i.female,
        black=i.black,
        idms=True,
        strict=i.strict,
    )


def _ekfc_cr(i: _Inputs) -> float:
    return egfr_ekfc_cr(
        i.creatinine_mg_dl, i.age_years, female=i.female, strict=i.strict
    )


def _ekfc_cys(i: _Inputs) -> float:
    return egfr_ekfc_cys(i.cystatin_c_mg_l, i.age_years, strict=i.strict)


def _schwartz(i: _Inputs) -> float:
    return egfr_schwartz_bedside(
        i.height_cm, i.creatinine_mg_dl, age_years=i.age_years, strict=i.strict
    )


def _u25_cr(i: _Inputs) -> float:
    height_m = convert(i.height_cm, "cm", "m")
    return egfr_ckid_u25_cr(
        i.creatinine_mg_dl, height_m, i.age_years, female=i.female, strict=i.strict
    )


def _u25_cr_cys(i: _Inputs) -> float:
    height_m = convert(i.height_cm, "cm", "m")
    return egfr_ckid_u25_cr_cys(
        i.creatinine_mg_dl,
        i.cystatin_c_mg_l,
        height_m,
        i.age_years,
        female=i.female,
        strict=i.strict,
    )


def _u25_cys(i: _Inputs) -> float:
    return egfr_ckid_u25_cys(
        i.cystatin_c_mg_l, i.age_years, female=i.female, strict=i.strict
    )


_LEVEY_2009 = "Levey AS et al. Ann Intern Med 2009;150:604-12"
_INKER_2012 = "Inker LA et al. N Engl J Med 2012;367:20-9"
_INKER_2021 = "Inker LA et al. N Engl J Med 2021;385:1737-49"
_PIERCE_2021 = "Pierce CB et al. Kidney Int 2021;99:948-56"

_SPECS: Final[Mapping[EgfrEquation, _Spec]] = MappingProxyType(
    {
        EgfrEquation.CKD_EPI_2009: _Spec(
            "CKD-EPI 2009 creatinine (race-based; re-analysis only)",
            _LEVEY_2009,
            CKD_EPI_AGES,
            _ckd_epi_2009,
            creatinine=True,
            race=True,
        ),
        EgfrEquation.CKD_EPI_2021: _Spec(
            "CKD-EPI 2021 creatinine",
            _INKER_2021,
            CKD_EPI_AGES,
            _ckd_epi_2021,
            creatinine=True,
        ),
        EgfrEquation.CKD_EPI_2012_CYS: _Spec(
            "CKD-EPI 2012 cystatin C",
            _INKER_2012,
            CKD_EPI_AGES,
            _ckd_epi_2012_cys,
            cystatin=True,
        ),
        EgfrEquation.CKD_EPI_2012_CR_CYS: _Spec(
            "CKD-EPI 2012 creatinine-cystatin C (race-based; re-analysis only)",
            _INKER_2012,
            CKD_EPI_AGES,
            _ckd_epi_2012_cr_cys,
            creatinine=True,
            cystatin=True,
            race=True,
        ),
        EgfrEquation.CKD_EPI_2021_CR_CYS: _Spec(
            "CKD-EPI 2021 creatinine-cystatin C",
            _INKER_2021,
            CKD_EPI_AGES,
            _ckd_epi_2021_cr_cys,
            creatinine=True,
            cystatin=True,
        ),
        EgfrEquation.MDRD: _Spec(
            "MDRD 4-variable, IDMS (175; race-based; re-analysis only)",
            "Levey AS et al. Clin Chem 2007;53:766-72",
            MDRD_AGES,
            _mdrd,
            creatinine=True,
            race=True,
        ),
        EgfrEquation.EKFC_CR: _Spec(
            "EKFC creatinine",
            "Pottel H et al. Ann Intern Med 2021;174:183-91",
            EKFC_AGES,
            _ekfc_cr,
            creatinine=True,
        ),
        EgfrEquation.EKFC_CYS: _Spec(
            "EKFC cystatin C",
            "Pottel H et al. N Engl J Med 2023;388:333-43",
            EKFC_AGES,
            _ekfc_cys,
            cystatin=True,
        ),
        EgfrEquation.SCHWARTZ_BEDSIDE: _Spec(
            "bedside Schwartz 2009",
            "Schwartz GJ et al. J Am Soc Nephrol 2009;20:629-37",
            SCHWARTZ_BEDSIDE_AGES,
            _schwartz,
            creatinine=True,
            height=True,
        ),
        EgfrEquation.CKID_U25_CR: _Spec(
            "CKiD U25 creatinine",
            _PIERCE_2021,
            CKID_U25_AGES,
            _u25_cr,
            creatinine=True,
            height=True,
        ),
        EgfrEquation.CKID_U25_CYS: _Spec(
            "CKiD U25 cystatin C",
            _PIERCE_2021,
            CKID_U25_AGES,
            _u25_cys,
            cystatin=True,
        ),
        EgfrEquation.CKID_U25_CR_CYS: _Spec(
            "CKiD U25 creatinine-cystatin C (mean)",
            _PIERCE_2021,
            CKID_U25_AGES,
            _u25_cr_cys,
            creatinine=True,
            cystatin=True,
            height=True,
        ),
    }
)

#: Every equation id with its human-readable label.
EGFR_EQUATIONS: Final[Mapping[str, str]] = MappingProxyType(
    {eq.value: spec.label for eq, spec in _SPECS.items()}
)


class EgfrResult(ValueResult):
    """An eGFR with the equation, the inputs used, and why it is missing if it is.

    Attributes
    ----------
    equation : str
        Equation id (``"ckd-epi-2021"`` ...).
    value : float or None
        eGFR in mL/min/1.73 m², or ``None`` when not evaluable.
    unit : str
        ``"mL/min/1.73m2"``.
    inputs : dict of str to float
        Canonical inputs used: ``creatinine_mg_dl``, ``cystatin_c_mg_l``,
        ``age_years``, ``height_cm`` (those the equation needs and that were
        found).
    sex : Sex
        Sex used by the equation.
    black : bool or None
        Race flag used; set only for the race-based equations.
    date : datetime.date
        Visit date (age is computed on it).
    status : Status
        ``met`` (evaluated) when there is a value, ``not_evaluable`` otherwise.
    reason : str or None
        Why the value is missing (``None`` when evaluable).
    missing : tuple of str
        The missing inputs, as data (``creatinine_mg_dl``, ``cystatin_c_mg_l``,
        ``height_cm``, ``black``).
    notes : tuple of str
        Caveats, e.g. age outside the validated range.
    source : str
        Citation of the equation.

    Examples
    --------
    >>> r = EgfrResult(
    ...     equation="ckd-epi-2021",
    ...     value=None,
    ...     inputs={},
    ...     sex="male",
    ...     date="2024-01-01",
    ...     reason="no creatinine result in the visit",
    ...     source="",
    ... )
    >>> r.evaluable
    False
    """

    equation: str
    value: float | None
    unit: str = EGFR_UNIT
    inputs: dict[str, float]
    sex: Sex
    black: bool | None = None
    date: dt.date
    source: str

    def require(self) -> float:
        """Return the value, or raise :class:`NotEvaluableError` with the reason."""
        if self.value is None:
            msg = (
                f"eGFR ({self.equation}) on {self.date} is not evaluable: {self.reason}"
            )
            raise NotEvaluableError(
                msg, equation=self.equation, reason=self.reason, missing=self.missing
            )
        return self.value


def _equation(equation: object) -> EgfrEquation:
    if isinstance(equation, EgfrEquation):
        return equation
    if isinstance(equation, str):
        for member in EgfrEquation:
            if member.value == equation:
                return member
    known = ", ".join(e.value for e in EgfrEquation)
    shown = describe(equation)
    msg = f"equation: unknown eGFR equation {shown}; expected one of: {known}"
    raise DefinitionError(msg, field="equation", value=shown)


def check_patient_visit(patient: object, visit: object) -> None:
    """Check the types of *patient* and *visit* and that they belong together.

    Raises
    ------
    InvalidValueError
        *patient* is not a :class:`Patient`, *visit* is not a :class:`Visit`,
        or the visit's ``participant_id`` is not the patient's ``id``.
    """
    if not isinstance(patient, Patient):
        raise InvalidValueError(
            field="patient", value=type(patient).__name__, expected="a Patient"
        )
    if not isinstance(visit, Visit):
        raise InvalidValueError(
            field="visit", value=type(visit).__name__, expected="a Visit"
        )
    if visit.participant_id != patient.id:
        raise InvalidValueError(
            field="visit.participant_id",
            value=visit.participant_id,
            participant=patient.id,
            expected=(
                f"the patient's id {patient.id!r} (the visit belongs to "
                f"participant {visit.participant_id!r}, not to patient "
                f"{patient.id!r})"
            ),
        )


def egfr(
    patient: Patient,
    visit: Visit,
    equation: str = "ckd-epi-2021",
    *,
    strict: bool = False,
) -> EgfrResult:
    """Estimate GFR for one visit from the visit's latest creatinine / cystatin C.

    Parameters
    ----------
    patient : Patient
        Supplies sex, age (on the visit date), height (paediatric equations) and
        the race flag (race-based equations only).
    visit : Visit
        Its latest creatinine and cystatin C results are used, in any accepted
        unit (converted to mg/dL and mg/L through their canonical values).
    equation : str, default "ckd-epi-2021"
        One of: ``ckd-epi-2009``, ``ckd-epi-2021``, ``ckd-epi-2012-cys``,
        ``ckd-epi-2012-cr-cys``, ``ckd-epi-2021-cr-cys``, ``mdrd`` (IDMS, 175),
        ``ekfc-cr``, ``ekfc-cys``, ``schwartz-bedside``, ``ckid-u25-cr``,
        ``ckid-u25-cys``, ``ckid-u25-cr-cys`` (mean of the two U25 estimates).
    strict : bool, default False
        Raise :class:`InvalidValueError` instead of warning when the age is
        outside the equation's validated range.

    Returns
    -------
    EgfrResult
        Value in mL/min/1.73 m², or not evaluable with the reason when an
        input (creatinine, cystatin C, height, or the race flag of a race-based
        equation) is missing. A missing input is never replaced by a default.

    Raises
    ------
    DefinitionError
        Unknown equation id.
    InvalidValueError
        ``strict=True`` and the age is outside the validated range (or
        implausible, above 125 years); *patient* or *visit* of the wrong type;
        the visit's ``participant_id`` differs from the patient's ``id``; the
        arithmetic left float range.
    InvalidDateError
        Visit date before the birth date.

    Warns
    -----
    OutsideValidatedRangeWarning
        Age outside the validated range (also recorded in ``notes``).

    Examples
    --------
    >>> from lupusscore import LabResult, Patient, Visit
    >>> p = Patient(id="P01", sex="male", birth_date="1949-05-01")
    >>> v = Visit(
    ...     participant_id="P01",
    ...     date="2009-05-01",
    ...     labs=[
    ...         LabResult(
    ...             analyte="creatinine", value=123.8, unit="µmol/L", date="2009-05-01"
    ...         )
    ...     ],
    ... )
    >>> r = egfr(p, v)
    >>> round(r.value, 1), r.unit, round(r.inputs["creatinine_mg_dl"], 3)
    (57.5, 'mL/min/1.73m2', 1.4)
    >>> egfr(p, v, "ckd-epi-2021-cr-cys").reason
    'no cystatin_c result in the visit of 2009-05-01'
    """
    check_patient_visit(patient, visit)
    strict = as_bool("strict", strict)
    eq = _equation(equation)
    spec = _SPECS[eq]
    age = patient.age_years(visit.date)
    inputs: dict[str, float] = {"age_years": age}
    missing: list[str] = []
    missing_names: list[str] = []
    labs = {
        "creatinine_mg_dl": (spec.creatinine, Analyte.CREATININE),
        "cystatin_c_mg_l": (spec.cystatin, Analyte.CYSTATIN_C),
    }
    for key, (needed, analyte) in labs.items():
        if not needed:
            continue
        lab = visit.latest(analyte)
        if lab is None:
            missing.append(f"no {analyte.value} result in the visit of {visit.date}")
            missing_names.append(key)
        else:
            inputs[key] = lab.canonical_value
    if spec.height:
        if patient.height_cm is None:
            missing.append(f"patient height_cm is not recorded (needed by {eq.value})")
            missing_names.append("height_cm")
        else:
            inputs["height_cm"] = patient.height_cm
    if spec.race and patient.black is None:
        missing.append(
            f"patient black is not recorded (needed by the race-based {eq.value})"
        )
        missing_names.append("black")
    female = patient.sex is Sex.FEMALE
    black = patient.black if spec.race else None
    if missing:
        return EgfrResult(
            status=Status.NOT_EVALUABLE,
            equation=eq.value,
            value=None,
            inputs=inputs,
            sex=patient.sex,
            black=black,
            date=visit.date,
            reason="; ".join(missing),
            missing=tuple(missing_names),
            source=spec.source,
        )
    notes = [n for n in (spec.ages.note(spec.label, age),) if n]
    if age > PLAUSIBLE_AGE_MAX_YEARS:
        notes.append(
            f"age {age:.2f} years is implausible (above {PLAUSIBLE_AGE_MAX_YEARS:g} "
            "years); check the birth date"
        )
    if eq is EgfrEquation.EKFC_CR and (
        EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS <= age < EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS + 1
    ):
        which = "paediatric" if age <= EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS else "adult"
        notes.append(
            f"provisional: age {age:.2f} is at the EKFC paediatric/adult Q boundary; "
            "whether the paediatric Q applies up to <= 25 or < 25 years is "
            f"unverified, and this value uses the {which} Q"
        )
    try:
        value = spec.compute(
            _Inputs(
                values=inputs,
                age_years=age,
                female=female,
                black=bool(black),
                strict=strict,
            )
        )
    except InvalidValueError as err:
        # Same error, now naming the participant whose data it is.
        raise type(err)(**{**err.fields, "participant": patient.id}) from None
    return EgfrResult(
        status=Status.MET,
        equation=eq.value,
        value=value,
        inputs=inputs,
        sex=patient.sex,
        black=black,
        date=visit.date,
        notes=tuple(notes),
        source=spec.source,
    )


def egfr_columns(
    equation: str,
    *,
    creatinine_mg_dl: npt.NDArray[np.float64],
    cystatin_c_mg_l: npt.NDArray[np.float64],
    height_cm: npt.NDArray[np.float64],
    age_years: npt.NDArray[np.float64],
    female: npt.NDArray[np.bool_],
    black: npt.NDArray[np.int8],
) -> npt.NDArray[np.float64]:
    """EGFR by *equation* for many visits at once (NaN where an input is missing).

    The cohort engine's path to every shipped equation: the same equation
    table and kernels as :func:`egfr`, on whole columns in canonical units
    (NaN for a missing lab or height; ``black`` is 1/0/-1, -1 not recorded).
    A row is computed only when every input its equation needs is present,
    as :func:`egfr` returns not evaluable otherwise.

    Raises
    ------
    DefinitionError
        Unknown equation id.
    """
    eq = _equation(equation)
    spec = _SPECS[eq]
    n = len(age_years)
    ok = np.ones(n, dtype=bool)
    values: dict[str, npt.NDArray[np.float64]] = {}
    for needed, key, column in (
        (spec.creatinine, "creatinine_mg_dl", creatinine_mg_dl),
        (spec.cystatin, "cystatin_c_mg_l", cystatin_c_mg_l),
        (spec.height, "height_cm", height_cm),
    ):
        if needed:
            ok &= ~np.isnan(column)
            values[key] = column
    if spec.race:
        ok &= black >= 0
    out = np.full(n, np.nan)
    if ok.any():
        rows = np.flatnonzero(ok)
        got = spec.compute(
            _Inputs(
                values={k: v[rows] for k, v in values.items()},  # type: ignore[misc]
                age_years=age_years[rows],  # type: ignore[arg-type]
                female=female[rows],  # type: ignore[arg-type]
                black=black[rows] == 1,
                strict=False,
            )
        )
        out[rows] = got
    return out
