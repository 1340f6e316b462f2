"""Lab-derived SLEDAI-2K descriptors and the visit-level score.

Eight descriptors can be read from laboratory results: proteinuria, hematuria,
pyuria, low complement, increased DNA binding, fever, thrombocytopenia and
leukopenia. A descriptor is present if any result inside the look-back window
(the visit day and the ``window_days`` days before it) meets its definition,
which is the same as asking whether the worst result does; the kernel
:func:`lab_descriptors` works on those worst values in canonical units.
Complement and anti-dsDNA are judged against each result's own laboratory
range by :mod:`lupusscore.serology`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    FloatArray,
    MissingMode,
    as_flag,
    as_floats,
    as_instance,
    as_missing_mode,
    as_sequence,
    broadcast,
    describe,
)
from lupusscore._display import Displayable
from lupusscore.activity._sledai import (
    Evidence,
    SledaiResult,
    assemble_sledai,
    merge_findings,
    read_findings,
    resolve_sledai_options,
)
from lupusscore.activity._variants import SledaiVariant
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import FrozenMap, LabResult, Visit
from lupusscore.results import Comparator, Criterion, Status, any_of, snap
from lupusscore.serology import (
    COMPLEMENT_ANALYTES,
    FARR_PERCENT_BINDING_SLEDAI,
    dsdna_increased,
    low_complement,
)
from lupusscore.serology._complement import (
    complement_lower_limits,
    low_complement_flags,
)

__all__ = [
    "FEVER_CELSIUS",
    "HEMATURIA_RBC_PER_HPF",
    "LAB_RULES",
    "LEUKOPENIA_10E9_L",
    "PROTEINURIA_G_PER_DAY",
    "PROTEINURIA_UPCR_G_G",
    "PYURIA_WBC_PER_HPF",
    "THROMBOCYTOPENIA_10E9_L",
    "LabRule",
    "lab_descriptors",
    "sledai_2k_visit",
]

_SLEDAI_2K: Final = "Gladman DD, et al. J Rheumatol 2002;29:288-91 (SLEDAI-2K)"

#: Proteinuria: > 0.5 g/24 h (SLEDAI-2K descriptor 13; Gladman 2002).
PROTEINURIA_G_PER_DAY: Final = 0.5
#: Proteinuria from a spot urine protein/creatinine ratio: > 0.5 g/g. An
#: ASSUMPTION of lupusscore: SLEDAI defines proteinuria in g/24 h only; the
#: EULAR/ACR 2019 criterion allows an "equivalent spot UPCR" (Aringer 2019)
#: without giving a number, and 0.5 g/g is taken as equivalent to 0.5 g/day
#: (about 1 g of creatinine excreted a day).
PROTEINURIA_UPCR_G_G: Final = 0.5
#: Hematuria: > 5 red blood cells per high-power field (descriptor 12).
HEMATURIA_RBC_PER_HPF: Final = 5.0
#: Pyuria: > 5 white blood cells per high-power field (descriptor 14).
PYURIA_WBC_PER_HPF: Final = 5.0
#: Thrombocytopenia: < 100 x 10^9/L (descriptor 23; the "100,000" of the sheet).
THROMBOCYTOPENIA_10E9_L: Final = 100.0
#: Leukopenia: < 3 x 10^9/L (descriptor 24).
LEUKOPENIA_10E9_L: Final = 3.0
#: Fever: > 38 °C (descriptor 22).
FEVER_CELSIUS: Final = 38.0

_UPCR_SOURCE: Final = (
    "lupusscore assumption: UPCR > 0.5 g/g taken as equivalent to > 0.5 g/24 h "
    "(SLEDAI-2K gives g/24 h only; EULAR/ACR 2019, Aringer 2019, allows an "
    "'equivalent spot UPCR')"
)


@dataclass(frozen=True, slots=True)
class LabRule(Displayable):
    """How one numeric lab result decides one descriptor.

    Attributes
    ----------
    descriptor : str
        SLEDAI-2K descriptor name.
    analyte : Analyte
        The analyte read.
    threshold : float
        Threshold in the analyte's canonical unit.
    comparator : Comparator
        Present when ``value <comparator> threshold``.
    unit : str
        Canonical unit of *threshold*.
    worst : str
        ``"max"`` or ``"min"``: which result in the window is the worst.
    source : str
        Citation.
    """

    descriptor: str
    analyte: Analyte
    threshold: float
    comparator: Comparator
    unit: str
    worst: str
    source: str = _SLEDAI_2K


#: Numeric rules, one per (descriptor, analyte). Proteinuria has two: a 24-h
#: result decides when there is one in the window, else the UPCR.
LAB_RULES: Final[tuple[LabRule, ...]] = (
    LabRule(
        "proteinuria",
        Analyte.PROTEIN_24H,
        PROTEINURIA_G_PER_DAY,
        Comparator.GT,
        "g/day",
        "max",
    ),
    LabRule(
        "proteinuria",
        Analyte.UPCR,
        PROTEINURIA_UPCR_G_G,
        Comparator.GT,
        "g/g",
        "max",
        _UPCR_SOURCE,
    ),
    LabRule(
        "hematuria",
        Analyte.URINE_RBC,
        HEMATURIA_RBC_PER_HPF,
        Comparator.GT,
        "/hpf",
        "max",
    ),
    LabRule(
        "pyuria",
        Analyte.URINE_WBC,
        PYURIA_WBC_PER_HPF,
        Comparator.GT,
        "/hpf",
        "max",
    ),
    LabRule(
        "fever",
        Analyte.BODY_TEMPERATURE,
        FEVER_CELSIUS,
        Comparator.GT,
        "°C",
        "max",
    ),
    LabRule(
        "thrombocytopenia",
        Analyte.PLATELETS,
        THROMBOCYTOPENIA_10E9_L,
        Comparator.LT,
        "10^9/L",
        "min",
    ),
    LabRule(
        "leukopenia",
        Analyte.WBC,
        LEUKOPENIA_10E9_L,
        Comparator.LT,
        "10^9/L",
        "min",
    ),
)
_RULE: Final[dict[Analyte, LabRule]] = {r.analyte: r for r in LAB_RULES}

#: A rule flag: one visit's (a float) or a column's (an array).
_Flag = TypeVar("_Flag", float, npt.NDArray[np.float64])


# ---------------------------------------------------------------------------
# kernel
# ---------------------------------------------------------------------------


@overload
def rule_flags(values: float, rule: LabRule) -> float: ...
@overload
def rule_flags(
    values: npt.NDArray[np.float64], rule: LabRule
) -> npt.NDArray[np.float64]: ...
def rule_flags(
    values: float | npt.NDArray[np.float64], rule: LabRule
) -> float | npt.NDArray[np.float64]:
    """1.0 where the rule is met, 0.0 where not, NaN where the value is missing.

    The one place a :class:`LabRule` is applied: to the worst value of a
    window (:func:`lab_descriptors`, :func:`sledai_2k_visit`) and to every lab
    row (the cohort kernel :func:`sledai_2k_visits`). Both agree because the
    rules are monotone: the worst value meets a rule exactly when some value
    does. A Python float (a visit's worst result) gives a float, a 0-d array
    a 0-d array, with the element the array form gives.
    """
    one = type(values) is float
    if one or not values.ndim:  # type: ignore[union-attr]
        # one value: the same rule, no masks needed
        value = float(values)
        if math.isnan(value):
            flag = math.nan
        else:
            met = rule.comparator.apply(snap(value), snap(rule.threshold))
            flag = 1.0 if met else 0.0
        return flag if one else np.asarray(flag)
    arr = cast("npt.NDArray[np.float64]", values)
    missing = np.isnan(arr)
    filled = np.where(missing, rule.threshold, arr)
    hit = rule.comparator.apply(snap(filled), snap(rule.threshold))
    return np.where(missing, np.nan, hit.astype(np.float64))


def combine_rule_flags(
    flags: Mapping[Analyte, _Flag], *, use_upcr: bool
) -> dict[str, _Flag]:
    """Descriptor flags from per-analyte rule flags (1/0/NaN, one shape).

    Proteinuria is decided by the 24-h protein when there is one, else (with
    *use_upcr*) by the UPCR; every other descriptor has one analyte. Python
    floats (one visit's flags) give floats, arrays give arrays.
    """
    p24, upcr = flags[Analyte.PROTEIN_24H], flags[Analyte.UPCR]
    proteinuria: _Flag
    if not use_upcr:
        proteinuria = p24
    elif type(p24) is float:  # one visit: the same choice without a ufunc
        proteinuria = upcr if math.isnan(p24) else p24
    else:
        proteinuria = cast("_Flag", np.where(np.isnan(p24), upcr, p24))
    return {
        "proteinuria": proteinuria,
        "hematuria": flags[Analyte.URINE_RBC],
        "pyuria": flags[Analyte.URINE_WBC],
        "fever": flags[Analyte.BODY_TEMPERATURE],
        "thrombocytopenia": flags[Analyte.PLATELETS],
        "leukopenia": flags[Analyte.WBC],
    }


def _renamed(old: str, old_value: object, new_value: object) -> Any:
    """Map a deprecated keyword onto its new name (warn; both is an error)."""
    if old_value is None:
        return new_value
    new = old.replace("_per_hpf", "_hpf")
    if new_value is not None:
        raise InvalidValueError(
            field=old,
            value=describe(old_value),
            expected=f"only {new}= (the old name {old}= is deprecated), not both",
        )
    warnings.warn(
        f"lab_descriptors({old}=...) is deprecated; use {new}=",
        DeprecationWarning,
        stacklevel=3,
    )
    return old_value


def lab_descriptors(
    *,
    protein_24h_g_day: npt.ArrayLike | None = None,
    upcr_g_g: npt.ArrayLike | None = None,
    urine_rbc_hpf: npt.ArrayLike | None = None,
    urine_wbc_hpf: npt.ArrayLike | None = None,
    temperature_c: npt.ArrayLike | None = None,
    platelets_10e9_l: npt.ArrayLike | None = None,
    wbc_10e9_l: npt.ArrayLike | None = None,
    use_upcr: bool = True,
    missing: MissingMode = "raise",
    urine_rbc_per_hpf: npt.ArrayLike | None = None,
    urine_wbc_per_hpf: npt.ArrayLike | None = None,
) -> dict[str, npt.NDArray[np.float64]]:
    """Decide the numeric lab descriptors from worst values in canonical units.

    Parameters
    ----------
    protein_24h_g_day : float or array-like, optional
        Highest 24-h urine protein in the window, g/day.
    upcr_g_g : float or array-like, optional
        Highest urine protein/creatinine ratio in the window, g/g.
    urine_rbc_hpf, urine_wbc_hpf : float or array-like, optional
        Highest urine red / white cells per high-power field (the library's
        one name for this input, as in the renal response engine).
    temperature_c : float or array-like, optional
        Highest body temperature, °C.
    platelets_10e9_l, wbc_10e9_l : float or array-like, optional
        Lowest platelet / white cell count, 10^9/L.
    use_upcr : bool, default True
        Decide proteinuria from the UPCR (> 0.5 g/g, an assumption) when there
        is no 24-h result. With False, UPCR is ignored.
    missing : {"raise", "propagate"}, default "raise"
        What a missing element (NaN, None, ``pandas.NA``) of a *given* input
        does: ``"raise"`` names the first missing index and how many are
        missing; ``"propagate"`` makes that element not derivable (NaN). An
        input left out (None) is not derivable in every row in either mode.

    Returns
    -------
    dict of str to numpy.ndarray
        For ``proteinuria``, ``hematuria``, ``pyuria``, ``fever``,
        ``thrombocytopenia`` and ``leukopenia``: ``1.0`` present, ``0.0``
        absent, ``NaN`` not derivable (missing input), broadcast to a common
        shape. These are columns of the :func:`sledai_2k_cohort` array.

    Raises
    ------
    InvalidValueError
        A boolean, a string, an infinite or negative value, shapes that do not
        broadcast, or (with ``missing="raise"``) a missing element; for arrays
        the message names the first bad index and how many are bad. An old
        keyword given together with its new name.

    Warns
    -----
    DeprecationWarning
        For ``urine_rbc_per_hpf`` / ``urine_wbc_per_hpf``, the old names of
        ``urine_rbc_hpf`` / ``urine_wbc_hpf`` (kept for one release).

    Notes
    -----
    Thresholds (Gladman 2002): proteinuria > 0.5 g/24 h, hematuria > 5/hpf,
    pyuria > 5/hpf, fever > 38 °C, thrombocytopenia < 100 x 10^9/L, leukopenia
    < 3 x 10^9/L. A 24-h protein decides proteinuria when given; the UPCR is
    used only without one. Values are rounded to 12 significant digits before
    comparing, so a unit conversion cannot move a value across a threshold.

    Examples
    --------
    >>> out = lab_descriptors(
    ...     platelets_10e9_l=[99.0, 100.0, np.nan], upcr_g_g=0.8, missing="propagate"
    ... )
    >>> out["thrombocytopenia"].tolist(), out["proteinuria"].tolist()
    ([1.0, 0.0, nan], [1.0, 1.0, 1.0])
    """
    urine_rbc_hpf = _renamed("urine_rbc_per_hpf", urine_rbc_per_hpf, urine_rbc_hpf)
    urine_wbc_hpf = _renamed("urine_wbc_per_hpf", urine_wbc_per_hpf, urine_wbc_hpf)
    given = {
        Analyte.PROTEIN_24H: protein_24h_g_day,
        Analyte.UPCR: upcr_g_g,
        Analyte.URINE_RBC: urine_rbc_hpf,
        Analyte.URINE_WBC: urine_wbc_hpf,
        Analyte.BODY_TEMPERATURE: temperature_c,
        Analyte.PLATELETS: platelets_10e9_l,
        Analyte.WBC: wbc_10e9_l,
    }
    names = {
        Analyte.PROTEIN_24H: "protein_24h_g_day",
        Analyte.UPCR: "upcr_g_g",
        Analyte.URINE_RBC: "urine_rbc_hpf",
        Analyte.URINE_WBC: "urine_wbc_hpf",
        Analyte.BODY_TEMPERATURE: "temperature_c",
        Analyte.PLATELETS: "platelets_10e9_l",
        Analyte.WBC: "wbc_10e9_l",
    }
    mode = as_missing_mode(missing)
    with_upcr = as_flag("use_upcr", use_upcr)
    checked: dict[str, FloatArray] = {}
    for a, v in given.items():
        checked[names[a]] = (
            np.asarray(np.nan)
            if v is None
            else as_floats(
                names[a],
                v,
                unit=_RULE[a].unit,
                nonnegative=a is not Analyte.BODY_TEMPERATURE,
                allow_missing=mode == "propagate",
                analyte=a.value,
            )
        )
    arrays = broadcast(**checked)
    flags = {
        a: rule_flags(np.asarray(arr, dtype=np.float64), _RULE[a])
        for a, arr in zip(given, arrays, strict=True)
    }
    return combine_rule_flags(flags, use_upcr=with_upcr)


# ---------------------------------------------------------------------------
# visit level
# ---------------------------------------------------------------------------

_Derived = dict[str, tuple[Status, Evidence, str]]

#: A window lab and the exclusions of the visit it was recorded at.
_Row = tuple[LabResult, Mapping[str, str]]

#: The group a window lab is read into, for each analyte SLEDAI reads: each
#: numeric rule's analyte its own; C3, C4 and CH50 one group (their judgements
#: keep the window's order); anti-dsDNA. Other analytes are not read.
_COMPLEMENT_GROUP: Final = "complement"
_GROUP: Final[dict[Analyte, str]] = (
    {r.analyte: r.analyte.value for r in LAB_RULES}
    | dict.fromkeys(sorted(COMPLEMENT_ANALYTES), _COMPLEMENT_GROUP)
    | {Analyte.ANTI_DSDNA: Analyte.ANTI_DSDNA.value}
)
#: Analyte codes (positions in ``tuple(Analyte)``), as the cohort columns hold.
_CODE: Final[dict[Analyte, int]] = {a: i for i, a in enumerate(Analyte)}


def _window_labs(
    visit: Visit, history: Sequence[Visit], window_days: int
) -> dict[str, list[_Row]]:
    """Read the window's labs once, grouped as :data:`_GROUP` says.

    Labs dated from ``visit.date - window_days`` to ``visit.date`` of the
    visit and its history, in that order, each with its visit's exclusions.
    """
    # A window reaching before the first representable date takes every lab.
    end = visit.date
    reach = (end - dt.date.min).days
    start = (
        dt.date.min if window_days >= reach else end - dt.timedelta(days=window_days)
    )
    group_of = _GROUP
    datetime = dt.datetime
    out: dict[str, list[_Row]] = {}
    for source in (visit, *history):
        excluded = source.exclusions
        for lab in source.labs:
            group = group_of.get(lab.analyte)
            if group is None:
                continue
            day = lab.date  # LabResult.day, read inline (30 labs a call)
            if isinstance(day, datetime):
                day = day.date()
            if start <= day <= end:
                rows = out.get(group)
                if rows is None:
                    out[group] = [(lab, excluded)]
                else:
                    rows.append((lab, excluded))
    return out


def _usable(rows: Iterable[_Row], name: str) -> list[LabResult]:
    """Return the labs of *rows*, except those of visits that excluded *name*."""
    return [lab for lab, excluded in rows if name not in excluded]


def _span(labs: Sequence[LabResult]) -> str:
    days = sorted(lab.day for lab in labs)
    when = str(days[0]) if days[0] == days[-1] else f"{days[0]} to {days[-1]}"
    return f"{len(labs)} result(s) dated {when}"


def _rule_criterion(
    rule: LabRule, labs: Sequence[LabResult], worst: float, flag: float
) -> Criterion:
    """Return the rule's criterion on the worst of *labs*, whose flag is *flag*."""
    # Checked values of the field types: built without re-validation.
    return Criterion._trusted(
        name=f"{rule.descriptor}_{rule.analyte.value}",
        status=Status.of(bool(flag == 1)),
        observed=float(worst),
        threshold=float(rule.threshold),
        comparator=Comparator(rule.comparator),
        unit=rule.unit,
        reason=f"{'highest' if rule.worst == 'max' else 'lowest'} of {_span(labs)}",
        source=rule.source,
    )


def _numeric(groups: Mapping[str, list[_Row]], *, use_upcr: bool) -> _Derived:
    out: _Derived = {}
    # Each rule's flag (rule_flags) on the worst value of the window (NaN: no
    # result), combined by the kernel lab_descriptors and the cohort kernel
    # use (the worst values are canonical values of checked labs, so their
    # checks would pass). The criteria explaining them are built when the
    # descriptors are read.
    crits: dict[Analyte, Callable[[], Criterion]] = {}
    rule_flag: dict[Analyte, float] = {}
    for rule in LAB_RULES:
        flag = math.nan
        rows = groups.get(_GROUP[rule.analyte])
        if rows and (use_upcr or rule.analyte is not Analyte.UPCR):
            used = _usable(rows, rule.descriptor)
            if used:
                values = [lab.canonical_value for lab in used]
                worst = max(values) if rule.worst == "max" else min(values)
                flag = rule_flags(worst, rule)
                crits[rule.analyte] = functools.partial(
                    _rule_criterion, rule, used, worst, flag
                )
        rule_flag[rule.analyte] = flag
    flags = combine_rule_flags(rule_flag, use_upcr=use_upcr)
    for name, value in flags.items():
        builders = tuple(crits[a] for a in _RULE_ANALYTES[name] if a in crits)
        evidence = functools.partial(_built, builders)
        if math.isnan(value):
            out[name] = (Status.NOT_EVALUABLE, evidence, "no result in the window")
            continue
        note = ""
        if name == "proteinuria":
            note = (
                "decided by the 24-h urine protein"
                if Analyte.PROTEIN_24H in crits
                else "decided by the UPCR (> 0.5 g/g taken as equivalent to "
                "> 0.5 g/24 h: an assumption)"
            )
        out[name] = (Status.of(value == 1), evidence, note)
    return out


#: Each lab-derived descriptor's analytes, in the order of LAB_RULES.
_RULE_ANALYTES: Final = {
    name: tuple(r.analyte for r in LAB_RULES if r.descriptor == name)
    for name in dict.fromkeys(r.descriptor for r in LAB_RULES)
}


def _built(builders: tuple[Callable[[], Criterion], ...]) -> tuple[Criterion, ...]:
    """Build the criteria of one descriptor's evidence."""
    return tuple(build() for build in builders)


def _low_complement_status(labs: Sequence[LabResult], *, use_default: bool) -> Status:
    """Three-valued OR of :func:`low_complement` over *labs*, from the kernels.

    Each result's limit and flag come from the kernels the cohort path runs
    (``complement_lower_limits``, ``low_complement_flags``), which
    :func:`low_complement` decides with too; the criteria themselves are built
    only when the descriptors are read. The first low result decides.
    """
    undecided = False
    for lab in labs:
        own = lab.reference_low_canonical
        limit = complement_lower_limits(
            np.asarray(_CODE[lab.analyte]),
            np.asarray(math.nan if own is None else own),
            use_default=use_default,
        )
        flag = float(low_complement_flags(np.asarray(lab.canonical_value), limit))
        if flag == 1.0:
            return Status.MET
        undecided = undecided or math.isnan(flag)
    return Status.NOT_EVALUABLE if undecided else Status.NOT_MET


def _complement_criteria(
    labs: Sequence[LabResult],
    use_default: bool,  # noqa: FBT001 - a partial's argument
) -> tuple[Criterion, ...]:
    """Return the low-complement judgements of *labs*, in window order."""
    return tuple(low_complement(lab, use_default=use_default) for lab in labs)


def _serology(
    groups: Mapping[str, list[_Row]],
    variant: SledaiVariant,
    *,
    use_default_complement_limits: bool,
) -> _Derived:
    out: _Derived = {}
    comp = _usable(groups.get(_COMPLEMENT_GROUP, ()), "low_complement")
    if comp:
        status = _low_complement_status(comp, use_default=use_default_complement_limits)
        out["low_complement"] = (
            status,
            functools.partial(
                _complement_criteria, tuple(comp), use_default_complement_limits
            ),
            _any_note(status, len(comp)),
        )
    else:
        out["low_complement"] = (
            Status.NOT_EVALUABLE,
            (),
            "no C3, C4 or CH50 result in the window",
        )
    dna: list[Criterion] = []
    for lab in _usable(
        groups.get(Analyte.ANTI_DSDNA.value, ()), "increased_dna_binding"
    ):
        dna.append(dsdna_increased(lab))
        if variant.farr_binding and lab.family == FARR_PERCENT_BINDING_SLEDAI.family:
            dna.append(dsdna_increased(lab, cutoff=FARR_PERCENT_BINDING_SLEDAI))
    if dna:
        status = any_of(dna)
        out["increased_dna_binding"] = (status, tuple(dna), _any_note(status, len(dna)))
    else:
        out["increased_dna_binding"] = (
            Status.NOT_EVALUABLE,
            (),
            "no anti-dsDNA result in the window",
        )
    return out


def _any_note(status: Status, count: int) -> str:
    """Return the note of a serology descriptor decided by *count* judgements."""
    if status is Status.NOT_EVALUABLE:
        return "no result could be judged against a laboratory range"
    return f"any of {count} judgement(s) in the window"


def sledai_2k_visit(
    visit: Visit,
    history: Sequence[Visit] = (),
    *,
    window_days: int | None = None,
    variant: str | SledaiVariant = "sledai-2k",
    arthritis_min_joints: int | None = None,
    inflamed_joints: int | None = None,
    new_or_recurrent: Mapping[str, bool | None] | None = None,
    use_upcr: bool = True,
    use_default_complement_limits: bool = False,
) -> SledaiResult:
    """Score SLEDAI from a visit: clinician-entered descriptors plus labs.

    Parameters
    ----------
    visit : Visit
        The visit scored. ``visit.descriptors`` are the clinician-entered
        descriptors, ``visit.exclusions`` the descriptors explained by another
        cause, ``visit.labs`` its results.
    history : sequence of Visit, optional
        Earlier visits of the same participant; their labs dated inside the
        window count too. Labs from a visit whose ``exclusions`` name a
        descriptor are not used for that descriptor.
    window_days : int, optional
        Look-back window in days: labs dated from ``visit.date - window_days``
        to ``visit.date`` (inclusive) are used. Default: the variant's (10;
        30 for ``"sledai-2k-30d"``).
    variant : str, default "sledai-2k"
        ``"sledai-2k"``, ``"sledai-2k-30d"``, ``"clinical-sledai-2k"``,
        ``"sledai"`` or ``"selena-sledai"``.
    arthritis_min_joints : int, optional
        Minimum inflamed joints for arthritis (default 2 for the SLEDAI-2K
        family, 3 for original and SELENA); applies with *inflamed_joints*.
    inflamed_joints : int, optional
        Joints with pain and signs of inflammation; decides arthritis.
    new_or_recurrent : mapping of str to bool or None, optional
        For original SLEDAI and SELENA-SLEDAI: whether rash, alopecia, mucosal
        ulcers or proteinuria is new or recurrent (True) or persistent (False).
    use_upcr : bool, default True
        Derive proteinuria from a UPCR > 0.5 g/g when no 24-h protein is in
        the window (an assumed equivalence).
    use_default_complement_limits : bool, default False
        Judge C3/C4 without a lab lower limit against the serology module's
        documented defaults. SLEDAI-2K asks for the testing laboratory's limit,
        so by default such a result is not evaluable.

    Returns
    -------
    SledaiResult
        Each descriptor with its source: ``clinician`` (entered, or joint
        count), ``lab``, ``excluded`` or ``not_assessed``. A descriptor neither
        entered nor derivable is not assessed: ``score`` is then a lower bound
        and ``complete`` is False.

    Raises
    ------
    InvalidValueError
        A history visit of another participant, or bad options.
    DefinitionError
        An unknown variant.

    Notes
    -----
    A clinician-entered True/False takes precedence over the labs (attribution
    to SLE is a clinical judgement); a disagreeing lab value is noted in the
    descriptor's ``reason``. Labs dated after the visit are not used.

    References
    ----------
    Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91. Touma Z,
    Urowitz MB, Gladman DD. Lupus 2010;19:49-51 (30-day window).

    Examples
    --------
    >>> from lupusscore import LabResult, Visit
    >>> v = Visit(
    ...     participant_id="P01",
    ...     date="2024-03-01",
    ...     labs=[
    ...         LabResult(
    ...             analyte="platelets", value=85, unit="10^9/L", date="2024-03-01"
    ...         ),
    ...         LabResult(
    ...             analyte="protein_24h", value=1.2, unit="g/day", date="2024-02-25"
    ...         ),
    ...     ],
    ...     descriptors={"rash": True},
    ... )
    >>> r = sledai_2k_visit(v)
    >>> r.score, r.complete
    (7, False)
    >>> r.descriptor("proteinuria").source.value, r.descriptor("rash").source.value
    ('lab', 'clinician')
    """
    v, window, min_joints, joints, nr = resolve_sledai_options(
        variant, window_days, arthritis_min_joints, inflamed_joints, new_or_recurrent
    )
    with_upcr = as_flag("use_upcr", use_upcr)
    default_limits = as_flag(
        "use_default_complement_limits", use_default_complement_limits
    )
    visit = as_instance("visit", visit, Visit)
    given: object = history
    expected = "a sequence of Visit (earlier visits of the same participant)"
    if isinstance(given, Visit):
        raise InvalidValueError(
            field="history", value=describe(given), expected=expected
        )
    past_visits = [
        as_instance(f"history[{i}]", item, Visit)
        for i, item in enumerate(as_sequence("history", given, expected=expected))
    ]
    for i, past in enumerate(past_visits):
        if past.participant_id != visit.participant_id:
            raise InvalidValueError(
                field=f"history[{i}]",
                value=past.participant_id,
                expected=f"a Visit of participant {visit.participant_id!r} (the visit "
                "scored)",
                participant=visit.participant_id,
            )
    given_findings = visit.descriptors
    clinician = (
        # A validated Visit holds descriptor names mapped to True/False/None
        # (Visit._check_descriptor_map): what read_findings returns for it.
        dict(given_findings)
        if type(given_findings) is FrozenMap
        else read_findings(given_findings, field="visit.descriptors")
    )
    groups = _window_labs(visit, past_visits, window)  # the labs, read once
    derived = _numeric(groups, use_upcr=with_upcr) | _serology(
        groups, v, use_default_complement_limits=default_limits
    )
    findings = merge_findings(
        clinician,
        visit.exclusions,
        derived,
        inflamed_joints=joints,
        arthritis_min_joints=min_joints,
    )
    return assemble_sledai(findings, v, window, nr)
