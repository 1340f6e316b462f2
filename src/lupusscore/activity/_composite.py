"""Composite SLE states and responses: SRI-4..8, LLDAS, DORIS remission.

Each function returns a :class:`CompositeResult`: the overall
:class:`~lupusscore.results.Status` (Kleene AND of the criteria) and every
criterion with what was observed and the threshold. Missing input makes a
criterion, and so the result, not evaluable unless another criterion already
fails. Inputs the library cannot derive (BILAG, new features, therapy) are
supplied by the caller as counts or True/False/None.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import numpy as np

from lupusscore._checks import (
    as_count,
    as_instance,
    as_optional_flag,
    as_optional_float,
    is_missing_scalar,
)
from lupusscore.activity._sledai import (
    MAX_EXACT_COUNT,
    SLEDAI_2K_DESCRIPTORS,
    OrganSystem,
    SledaiResult,
)
from lupusscore.activity._variants import SEROLOGY_DESCRIPTORS, sledai_variant
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.models import PGA_MAX, SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.results import (
    Comparator,
    Criterion,
    ExplainedResult,
    Status,
    all_of,
    snap,
)

__all__ = [
    "DORIS_2017_GLUCOCORTICOID_MAX_MG_DAY",
    "DORIS_2017_PGA_MAX",
    "DORIS_2021_GLUCOCORTICOID_MG_DAY",
    "DORIS_2021_PGA_BELOW",
    "LLDAS_GLUCOCORTICOID_MAX_MG_DAY",
    "LLDAS_MAJOR_ORGAN_DESCRIPTORS",
    "LLDAS_PGA_MAX",
    "LLDAS_SLEDAI_2K_MAX",
    "SRI_MAX_NEW_BILAG_A",
    "SRI_MAX_NEW_BILAG_B",
    "SRI_PGA_WORSENING",
    "SRI_THRESHOLDS",
    "CompositeResult",
    "doris_2017_clinical_remission_on_treatment",
    "doris_2017_complete_remission",
    "doris_remission",
    "lldas",
    "sri",
]

FURIE_2009: Final = (
    "Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus "
    "erythematosus responder index. Arthritis Rheum 2009;61:1143-51"
)
FRANKLYN_2016: Final = (
    "Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of "
    "a Lupus Low Disease Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-21"
)
DORIS_2021: Final = (
    "van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of "
    "remission in SLE. Lupus Sci Med 2021;8:e000538"
)
DORIS_2017: Final = (
    "van Vollenhoven R, Voskuyl A, Bertsias G, et al. A framework for remission "
    "in SLE (DORIS). Ann Rheum Dis 2017, as tabulated in Rheumatology "
    "(PMC7719036)"
)

#: SRI-k thresholds: SRI-4 (Furie 2009) and SRI-5 ... SRI-8 (the same
#: components with a larger required SLEDAI reduction; e.g. SRI-5 in
#: ILLUMINATE, REFERENCE.md section 2.1).
SRI_THRESHOLDS: Final = (4, 5, 6, 7, 8)
#: SRI: no new BILAG A domain score (Furie 2009).
SRI_MAX_NEW_BILAG_A: Final = 0
#: SRI: no more than one new BILAG B domain score (Furie 2009).
SRI_MAX_NEW_BILAG_B: Final = 1
#: SRI: PGA (0-3) must not worsen by >= 0.3, i.e. the increase is < 0.3
#: (Furie 2009).
SRI_PGA_WORSENING: Final = 0.3

#: LLDAS criterion 1: SLEDAI-2K <= 4 (Franklyn 2016).
LLDAS_SLEDAI_2K_MAX: Final = 4
#: LLDAS criterion 3: SELENA-SLEDAI PGA <= 1 on 0-3 (Franklyn 2016).
LLDAS_PGA_MAX: Final = 1.0
#: LLDAS criterion 4: prednisolone (or equivalent) <= 7.5 mg/day (Franklyn 2016).
LLDAS_GLUCOCORTICOID_MAX_MG_DAY: Final = 7.5
#: LLDAS criterion 1: no activity in major organ systems, read from SLEDAI-2K
#: descriptors: renal, CNS, cardiopulmonary (pleurisy, pericarditis),
#: vasculitis and fever (Franklyn 2016).
LLDAS_MAJOR_ORGAN_DESCRIPTORS: Final[tuple[str, ...]] = tuple(
    d.name
    for d in SLEDAI_2K_DESCRIPTORS
    if d.organ_system
    in {OrganSystem.CNS, OrganSystem.VASCULAR, OrganSystem.RENAL, OrganSystem.SEROSAL}
    or d.name == "fever"
)

#: DORIS 2021: physician global assessment < 0.5 on 0-3.
DORIS_2021_PGA_BELOW: Final = 0.5
#: DORIS 2021: prednisolone 5 mg/day. The abstract says "5 mg/day or less", the
#: final-recommendation table "< 5 mg/day"; the comparator is a parameter
#: (default "<=").
DORIS_2021_GLUCOCORTICOID_MG_DAY: Final = 5.0
#: DORIS 2017: PGA <= 0.5 (as tabulated; "<" in 2021).
DORIS_2017_PGA_MAX: Final = 0.5
#: DORIS 2017 clinical remission on treatment: low-dose glucocorticoid, e.g.
#: prednisone <= 5 mg/day.
DORIS_2017_GLUCOCORTICOID_MAX_MG_DAY: Final = 5.0
#: DORIS 2017 complete remission: no glucocorticoids.
_NO_GLUCOCORTICOID_MG_DAY: Final = 0.0


class CompositeResult(ExplainedResult):
    """An explained composite state or response.

    Attributes
    ----------
    definition : str
        Definition id (``"sri-4"``, ``"lldas"``, ``"doris-2021"`` ...).
    status : Status
        Met, not met or not evaluable (three-valued AND of the criteria).
    criteria : tuple of Criterion
        Every criterion, with observed value, threshold and reason.
    source : str
        Citation.
    notes : tuple of str
        Parameters chosen and caveats.
    reason : str or None
        When not evaluable, the criteria that could not be decided.
    missing : tuple of str
        The arguments behind the criteria that could not be decided (``pga``,
        ``glucocorticoid_mg_day``, ``sledai`` ...), as data.
    """

    definition: str
    criteria: tuple[Criterion, ...]
    source: str

    @property
    def not_evaluable(self) -> tuple[str, ...]:
        """Names of the criteria that could not be evaluated."""
        return tuple(c.name for c in self.criteria if c.status is Status.NOT_EVALUABLE)

    def criterion(self, name: str) -> Criterion:
        """Return the criterion called *name*.

        Raises
        ------
        InvalidValueError
            If there is no such criterion.
        """
        for c in self.criteria:
            if c.name == name:
                return c
        raise InvalidValueError(
            field="name",
            value=name,
            expected="one of " + ", ".join(c.name for c in self.criteria),
        )


#: The arguments each criterion is decided from (for ``CompositeResult.missing``).
_CRITERION_INPUTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "baseline_sledai": ("baseline",),
        "sledai_reduction": ("baseline", "followup"),
        "no_new_bilag_a": ("new_bilag_a",),
        "new_bilag_b_at_most_1": ("new_bilag_b",),
        "no_pga_worsening": ("baseline_pga", "followup_pga"),
        "sledai_2k_at_most_4": ("sledai",),
        "no_major_organ_activity": ("sledai",),
        "clinical_sledai_zero": ("sledai",),
        "no_hemolytic_anemia": ("hemolytic_anemia",),
        "no_gastrointestinal_activity": ("gastrointestinal_activity",),
        "no_new_features": ("new_features",),
        "pga_at_most_1": ("pga",),
        "pga_below_0_5": ("pga",),
        "pga_at_most_0_5": ("pga",),
        "glucocorticoid_at_most_7_5": ("glucocorticoid_mg_day",),
        "glucocorticoid_at_most_5": ("glucocorticoid_mg_day",),
        "no_glucocorticoids": ("glucocorticoid_mg_day",),
        "no_serological_activity": ("serological_activity",),
    }
)


def _result(
    definition: str, criteria: list[Criterion], source: str, notes: tuple[str, ...]
) -> CompositeResult:
    status = all_of(criteria)
    undecided = [c for c in criteria if c.status is Status.NOT_EVALUABLE]
    missing = dict.fromkeys(
        name for c in undecided for name in _CRITERION_INPUTS.get(c.name, (c.name,))
    )
    return CompositeResult(
        definition=definition,
        status=status,
        reason=(
            "not evaluable: " + ", ".join(c.name for c in undecided)
            if status is Status.NOT_EVALUABLE
            else None
        ),
        missing=tuple(missing),
        criteria=tuple(criteria),
        source=source,
        notes=notes,
    )


# ---------------------------------------------------------------------------
# input checks and criterion builders
# ---------------------------------------------------------------------------


def _pga(value: object, field: str) -> float | None:
    """Check a PGA on the 0-3 scale; None, NaN or ``pandas.NA`` is *not given*."""
    pga = as_optional_float(field, value, unit="(0-3 scale)")
    if pga is not None and not 0.0 <= pga <= PGA_MAX:
        raise InvalidValueError(
            field=field,
            value=pga,
            unit="(0-3 scale)",
            expected="a finite number between 0 and 3 (rescale 0-10 cm or 0-100 "
            "mm lines to 0-3 first)",
        )
    return pga


def _dose(value: object) -> float | None:
    """Check a daily glucocorticoid dose; None, NaN or ``pandas.NA`` is *not given*."""
    return as_optional_float(
        "glucocorticoid_mg_day",
        value,
        unit="mg/day prednisone-equivalent",
        nonnegative=True,
    )


def _count(value: object, field: str) -> int | None:
    """Check a whole-number count >= 0; None, NaN or ``pandas.NA`` is *not given*."""
    if is_missing_scalar(value):
        return None
    return as_count(field, value, minimum=0, maximum=MAX_EXACT_COUNT)


def _sledai(value: object, field: str) -> SledaiResult | None:
    """Check a scored SLEDAI (:func:`sledai_2k`) or None."""
    if value is None:
        return None
    return as_instance(
        field, value, SledaiResult, expected="a SledaiResult (from sledai_2k) or None"
    )


def _numeric(
    name: str,
    observed: float | None,
    threshold: float,
    comparator: Comparator,
    *,
    unit: str | None,
    source: str,
    missing: str,
) -> Criterion:
    if observed is None:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            threshold=threshold,
            comparator=comparator,
            unit=unit,
            reason=missing,
            source=source,
        )
    met = bool(comparator.apply(snap(observed), snap(threshold)))
    return Criterion(
        name=name,
        status=Status.of(met),
        observed=observed,
        threshold=threshold,
        comparator=comparator,
        unit=unit,
        source=source,
    )


def _as_given(
    name: str, *, value: bool | None, what: str, source: str, met_if: bool, words: str
) -> Criterion:
    """Build a caller-supplied yes/no criterion: met when *value* is *met_if*."""
    if value is None:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            reason=f"{what}: not given",
            source=source,
        )
    yes, no = words.split("/")
    return Criterion(
        name=name,
        status=Status.of(value is met_if),
        reason=f"{what}: {yes if value else no} (as given)",
        source=source,
    )


def _absent(name: str, *, value: bool | None, what: str, source: str) -> Criterion:
    """Met when the caller says *what* is absent (value False)."""
    return _as_given(
        name,
        value=value,
        what=what,
        source=source,
        met_if=False,
        words="present/absent",
    )


def _holds(name: str, *, value: bool | None, what: str, source: str) -> Criterion:
    """Met when the caller says *what* holds (value True)."""
    return _as_given(
        name, value=value, what=what, source=source, met_if=True, words="yes/no"
    )


def _none_active(
    name: str, sledai: SledaiResult, descriptors: tuple[str, ...], *, source: str
) -> Criterion:
    """Met when none of *descriptors* counts; Kleene over the descriptor results."""
    rows = [sledai.descriptor(n) for n in descriptors]
    active = [r.name for r in rows if r.counts]
    unknown = [r.name for r in rows if r.counts is None]
    if active:
        status, reason = Status.NOT_MET, "active: " + ", ".join(active)
    elif unknown:
        status, reason = Status.NOT_EVALUABLE, "not assessed: " + ", ".join(unknown)
    else:
        status, reason = Status.MET, "none active"
    return Criterion(
        name=name,
        status=status,
        observed=float(len(active)),
        threshold=0.0,
        comparator=Comparator.LE,
        unit="active descriptors",
        reason=reason,
        source=source,
    )


def _require_2k(sledai: SledaiResult, *, allow_clinical: bool, who: str) -> None:
    v = sledai_variant(sledai.variant)
    ok = v.is_sledai_2k and (allow_clinical or v.id != "clinical-sledai-2k")
    if not ok:
        msg = (
            f"{who}: sledai.variant is {sledai.variant!r}; expected a SLEDAI-2K "
            "score ('sledai-2k' or 'sledai-2k-30d'"
            + (", or 'clinical-sledai-2k')" if allow_clinical else ")")
        )
        raise DefinitionError(msg, field="sledai.variant", value=sledai.variant)


#: The clinical (non-serological) descriptors: clinical SLEDAI (REFERENCE.md
#: section 1.4).
_CLINICAL: Final = tuple(
    n for n in SLEDAI_2K_DESCRIPTOR_NAMES if n not in SEROLOGY_DESCRIPTORS
)


def _clinical_sledai_zero(sledai: SledaiResult | None, source: str) -> Criterion:
    name = "clinical_sledai_zero"
    if sledai is None:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            threshold=0.0,
            comparator=Comparator.LE,
            reason="no SLEDAI-2K given",
            source=source,
        )
    c = _none_active(name, sledai, _CLINICAL, source=source)
    return c.model_copy(update={"unit": "active clinical descriptors"})


# ---------------------------------------------------------------------------
# SRI
# ---------------------------------------------------------------------------


def _bounds(
    score: SledaiResult | int | None, field: str, expected_variant: str
) -> tuple[int, int] | None:
    if score is None:
        return None
    if isinstance(score, SledaiResult):
        if score.variant != expected_variant:
            msg = (
                f"{field}: scored as {score.variant!r} but the SRI was asked for "
                f"variant={expected_variant!r}; score both visits with the same "
                "variant and pass it as variant="
            )
            raise DefinitionError(msg, field=field, value=score.variant)
        return score.score, score.upper_bound
    top = sledai_variant(expected_variant).max_score
    points = as_count(field, score, minimum=0, maximum=top, unit="SLEDAI points")
    return points, points


def _interval_criterion(
    name: str,
    bounds: tuple[int, int] | None,
    threshold: int,
    *,
    unit: str,
    source: str,
    missing: str,
) -> Criterion:
    """``value >= threshold`` for a value known to lie in ``bounds``."""
    if bounds is None:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            threshold=float(threshold),
            comparator=Comparator.GE,
            unit=unit,
            reason=missing,
            source=source,
        )
    lo, hi = bounds
    if lo >= threshold:
        status = Status.MET
    elif hi < threshold:
        status = Status.NOT_MET
    else:
        status = Status.NOT_EVALUABLE
    exact = lo == hi
    return Criterion(
        name=name,
        status=status,
        observed=float(lo) if exact else None,
        threshold=float(threshold),
        comparator=Comparator.GE,
        unit=unit,
        reason=None if exact else f"between {lo} and {hi} (SLEDAI incomplete)",
        source=source,
    )


def sri(
    baseline: SledaiResult | int | None,
    followup: SledaiResult | int | None,
    *,
    threshold: int = 4,
    variant: str = "selena-sledai",
    new_bilag_a: int | None = None,
    new_bilag_b: int | None = None,
    baseline_pga: float | None = None,
    followup_pga: float | None = None,
) -> CompositeResult:
    """SLE Responder Index SRI-4 (or SRI-5 ... SRI-8) at a follow-up visit.

    Parameters
    ----------
    baseline, followup : SledaiResult or int or None
        SLEDAI at baseline and at follow-up, scored with *variant*. An
        incomplete :class:`SledaiResult` is used through its bounds.
    threshold : int, default 4
        Required SLEDAI reduction: 4 (SRI-4) to 8 (SRI-8).
    variant : str, default "selena-sledai"
        The SLEDAI the SRI uses: SELENA-SLEDAI in Furie 2009; some programmes
        used ``"sledai-2k"``.
    new_bilag_a, new_bilag_b : int, optional
        Numbers of new BILAG A and new BILAG B organ-domain scores versus
        baseline (computed by the caller from BILAG grades).
    baseline_pga, followup_pga : float, optional
        Physician global assessment, 0-3.

    Returns
    -------
    CompositeResult
        ``sri-<threshold>``: met when baseline SLEDAI >= threshold, the
        reduction is >= threshold, no new BILAG A, at most one new BILAG B and
        the PGA increase is < 0.3.

    Raises
    ------
    DefinitionError
        Threshold outside 4-8, or a SledaiResult of another variant.
    InvalidValueError
        Bad counts, PGA or scores.

    Notes
    -----
    The baseline criterion is implied by the reduction one but is listed so
    that a patient who could not respond is visibly so. Rescue therapy or
    withdrawal rules are trial-specific and not applied here.

    References
    ----------
    Furie RA, et al. Arthritis Rheum 2009;61:1143-51.

    Examples
    --------
    >>> r = sri(
    ...     10,
    ...     4,
    ...     new_bilag_a=0,
    ...     new_bilag_b=1,
    ...     baseline_pga=1.5,
    ...     followup_pga=1.2,
    ... )
    >>> r.definition, r.status.value
    ('sri-4', 'met')
    >>> sri(10, 4, baseline_pga=1.5, followup_pga=1.2).not_evaluable
    ('no_new_bilag_a', 'new_bilag_b_at_most_1')
    """
    given: object = threshold
    if (
        isinstance(given, bool | np.bool_)
        or not isinstance(given, numbers.Integral)
        or int(given) not in SRI_THRESHOLDS
    ):
        msg = f"threshold: got {threshold!r}; expected one of {SRI_THRESHOLDS}"
        raise DefinitionError(msg, field="threshold", value=threshold)
    threshold = int(threshold)
    v = sledai_variant(variant).id
    b = _bounds(baseline, "baseline", v)
    f = _bounds(followup, "followup", v)
    a_new = _count(new_bilag_a, "new_bilag_a")
    b_new = _count(new_bilag_b, "new_bilag_b")
    pga0 = _pga(baseline_pga, "baseline_pga")
    pga1 = _pga(followup_pga, "followup_pga")
    unit = f"{v} points"
    reduction = None if b is None or f is None else (b[0] - f[1], b[1] - f[0])
    worsening = None if pga0 is None or pga1 is None else snap(pga1 - pga0)
    criteria = [
        _interval_criterion(
            "baseline_sledai",
            b,
            threshold,
            unit=unit,
            source=FURIE_2009,
            missing="no baseline SLEDAI",
        ),
        _interval_criterion(
            "sledai_reduction",
            reduction,
            threshold,
            unit=unit,
            source=FURIE_2009,
            missing="baseline or follow-up SLEDAI missing",
        ),
        _numeric(
            "no_new_bilag_a",
            None if a_new is None else float(a_new),
            float(SRI_MAX_NEW_BILAG_A),
            Comparator.LE,
            unit="new BILAG A domains",
            source=FURIE_2009,
            missing="new_bilag_a not given",
        ),
        _numeric(
            "new_bilag_b_at_most_1",
            None if b_new is None else float(b_new),
            float(SRI_MAX_NEW_BILAG_B),
            Comparator.LE,
            unit="new BILAG B domains",
            source=FURIE_2009,
            missing="new_bilag_b not given",
        ),
        _numeric(
            "no_pga_worsening",
            worsening,
            SRI_PGA_WORSENING,
            Comparator.LT,
            unit="PGA points (0-3)",
            source=FURIE_2009,
            missing="baseline or follow-up PGA missing",
        ),
    ]
    notes = (f"SLEDAI variant: {v}", f"required reduction: >= {threshold}")
    return _result(f"sri-{threshold}", criteria, FURIE_2009, notes)


# ---------------------------------------------------------------------------
# LLDAS
# ---------------------------------------------------------------------------


def lldas(
    sledai: SledaiResult | None,
    *,
    pga: float | None,
    glucocorticoid_mg_day: float | None,
    new_features: bool | None = None,
    hemolytic_anemia: bool | None = None,
    gastrointestinal_activity: bool | None = None,
    standard_maintenance_therapy: bool | None = None,
) -> CompositeResult:
    """Lupus Low Disease Activity State (Franklyn 2016) at one visit.

    Parameters
    ----------
    sledai : SledaiResult or None
        SLEDAI-2K of the visit (variant ``"sledai-2k"`` or ``"sledai-2k-30d"``;
        serology counts toward the total).
    pga : float or None
        SELENA-SLEDAI physician global assessment, 0-3.
    glucocorticoid_mg_day : float or None
        Current prednisolone-equivalent dose, mg/day.
    new_features : bool, optional
        Any new feature of lupus activity since the previous assessment.
    hemolytic_anemia, gastrointestinal_activity : bool, optional
        Haemolytic anaemia / gastrointestinal lupus activity present (not part
        of SLEDAI-2K, so supplied by the caller).
    standard_maintenance_therapy : bool, optional
        Immunosuppressives and approved biologics at standard, well-tolerated
        maintenance doses, no investigational drug.

    Returns
    -------
    CompositeResult
        ``lldas``, met when all of: SLEDAI-2K <= 4; no major organ activity
        (renal, CNS, cardiopulmonary, vasculitis, fever); no haemolytic
        anaemia; no gastrointestinal activity; no new features; PGA <= 1;
        prednisolone <= 7.5 mg/day; standard maintenance therapy.

    Raises
    ------
    DefinitionError
        A SLEDAI that is not SLEDAI-2K.
    InvalidValueError
        Bad PGA or dose.

    References
    ----------
    Franklyn K, et al. Ann Rheum Dis 2016;75:1615-21.

    Examples
    --------
    >>> from lupusscore.activity import sledai_2k, SLEDAI_2K_WEIGHTS
    >>> s = sledai_2k(
    ...     {n: False for n in SLEDAI_2K_WEIGHTS}
    ...     | {"low_complement": True, "increased_dna_binding": True}
    ... )
    >>> r = lldas(
    ...     s,
    ...     pga=0.5,
    ...     glucocorticoid_mg_day=5,
    ...     new_features=False,
    ...     hemolytic_anemia=False,
    ...     gastrointestinal_activity=False,
    ...     standard_maintenance_therapy=True,
    ... )
    >>> r.status.value
    'met'
    >>> lldas(s, pga=0.5, glucocorticoid_mg_day=None).status.value
    'not_evaluable'
    """
    src = FRANKLYN_2016
    sledai = _sledai(sledai, "sledai")
    p = _pga(pga, "pga")
    gc = _dose(glucocorticoid_mg_day)
    if sledai is None:
        score_c = Criterion(
            name="sledai_2k_at_most_4",
            status=Status.NOT_EVALUABLE,
            threshold=float(LLDAS_SLEDAI_2K_MAX),
            comparator=Comparator.LE,
            unit="SLEDAI-2K points",
            reason="no SLEDAI-2K given",
            source=src,
        )
        organ_c = Criterion(
            name="no_major_organ_activity",
            status=Status.NOT_EVALUABLE,
            reason="no SLEDAI-2K given",
            source=src,
        )
    else:
        _require_2k(sledai, allow_clinical=False, who="lldas")
        # SLEDAI-2K <= 4  <=>  not (SLEDAI-2K >= 5), over the score's bounds.
        above = _interval_criterion(
            "x",
            (sledai.score, sledai.upper_bound),
            LLDAS_SLEDAI_2K_MAX + 1,
            unit="",
            source=src,
            missing="",
        )
        flipped = {
            Status.MET: Status.NOT_MET,
            Status.NOT_MET: Status.MET,
            Status.NOT_EVALUABLE: Status.NOT_EVALUABLE,
        }[above.status]
        score_c = Criterion(
            name="sledai_2k_at_most_4",
            status=flipped,
            observed=float(sledai.score) if sledai.complete else None,
            threshold=float(LLDAS_SLEDAI_2K_MAX),
            comparator=Comparator.LE,
            unit="SLEDAI-2K points",
            reason=None
            if sledai.complete
            else f"between {sledai.score} and {sledai.upper_bound} (not assessed: "
            + ", ".join(sledai.not_assessed)
            + ")",
            source=src,
        )
        organ_c = _none_active(
            "no_major_organ_activity",
            sledai,
            LLDAS_MAJOR_ORGAN_DESCRIPTORS,
            source=src,
        )
    criteria = [
        score_c,
        organ_c,
        _absent(
            "no_hemolytic_anemia",
            value=as_optional_flag("hemolytic_anemia", hemolytic_anemia),
            what="haemolytic anaemia",
            source=src,
        ),
        _absent(
            "no_gastrointestinal_activity",
            value=as_optional_flag(
                "gastrointestinal_activity", gastrointestinal_activity
            ),
            what="gastrointestinal activity",
            source=src,
        ),
        _absent(
            "no_new_features",
            value=as_optional_flag("new_features", new_features),
            what="new lupus activity since the previous assessment",
            source=src,
        ),
        _numeric(
            "pga_at_most_1",
            p,
            LLDAS_PGA_MAX,
            Comparator.LE,
            unit="PGA (0-3)",
            source=src,
            missing="pga not given",
        ),
        _numeric(
            "glucocorticoid_at_most_7_5",
            gc,
            LLDAS_GLUCOCORTICOID_MAX_MG_DAY,
            Comparator.LE,
            unit="mg/day prednisolone-equivalent",
            source=src,
            missing="glucocorticoid dose not given",
        ),
        _holds(
            "standard_maintenance_therapy",
            value=as_optional_flag(
                "standard_maintenance_therapy", standard_maintenance_therapy
            ),
            what="standard maintenance immunosuppression / approved biologics",
            source=src,
        ),
    ]
    return _result("lldas", criteria, src, ())


# ---------------------------------------------------------------------------
# DORIS
# ---------------------------------------------------------------------------


def _doris_common(sledai: SledaiResult | None, who: str, source: str) -> Criterion:
    sledai = _sledai(sledai, "sledai")
    if sledai is not None:
        _require_2k(sledai, allow_clinical=True, who=who)
    return _clinical_sledai_zero(sledai, source)


def doris_remission(
    sledai: SledaiResult | None,
    *,
    pga: float | None,
    glucocorticoid_mg_day: float | None,
    stable_maintenance_therapy: bool | None = None,
    glucocorticoid_comparator: Literal["<=", "<"] = "<=",
) -> CompositeResult:
    """DORIS 2021 remission in SLE at one visit.

    Parameters
    ----------
    sledai : SledaiResult or None
        A SLEDAI-2K-family result; only its clinical descriptors are read
        (clinical SLEDAI = 0; serology is ignored).
    pga : float or None
        Physician global assessment, 0-3.
    glucocorticoid_mg_day : float or None
        Prednisolone-equivalent dose, mg/day.
    stable_maintenance_therapy : bool, optional
        Only antimalarials, low-dose glucocorticoids and stable
        immunosuppressives (biologics included) are taken.
    glucocorticoid_comparator : {"<=", "<"}, default "<="
        The abstract reads "5 mg/day or less" (``<=``, the default); the
        final-recommendation table reads "< 5 mg/day".

    Returns
    -------
    CompositeResult
        ``doris-2021``: clinical SLEDAI = 0, PGA < 0.5, prednisolone <= 5 mg/day
        (or < 5) and stable maintenance therapy.

    Raises
    ------
    DefinitionError
        A SLEDAI outside the SLEDAI-2K family, or a bad comparator.
    InvalidValueError
        Bad PGA or dose.

    Notes
    -----
    Duration is not part of the 2021 definition.

    References
    ----------
    van Vollenhoven RF, et al. Lupus Sci Med 2021;8:e000538.

    Examples
    --------
    >>> from lupusscore.activity import sledai_2k, SLEDAI_2K_WEIGHTS
    >>> quiet = sledai_2k(
    ...     {n: False for n in SLEDAI_2K_WEIGHTS} | {"low_complement": True}
    ... )
    >>> doris_remission(
    ...     quiet, pga=0.2, glucocorticoid_mg_day=5, stable_maintenance_therapy=True
    ... ).status.value
    'met'
    >>> doris_remission(
    ...     quiet,
    ...     pga=0.2,
    ...     glucocorticoid_mg_day=5,
    ...     stable_maintenance_therapy=True,
    ...     glucocorticoid_comparator="<",
    ... ).status.value
    'not_met'
    """
    if not isinstance(glucocorticoid_comparator, str) or (
        glucocorticoid_comparator not in ("<=", "<")
    ):
        msg = (
            f"glucocorticoid_comparator: got {glucocorticoid_comparator!r}; "
            "expected '<=' (DORIS 2021 abstract) or '<' (recommendation table)"
        )
        raise DefinitionError(
            msg, field="glucocorticoid_comparator", value=glucocorticoid_comparator
        )
    src = DORIS_2021
    criteria = [
        _doris_common(sledai, "doris_remission", src),
        _numeric(
            "pga_below_0_5",
            _pga(pga, "pga"),
            DORIS_2021_PGA_BELOW,
            Comparator.LT,
            unit="PGA (0-3)",
            source=src,
            missing="pga not given",
        ),
        _numeric(
            "glucocorticoid_at_most_5",
            _dose(glucocorticoid_mg_day),
            DORIS_2021_GLUCOCORTICOID_MG_DAY,
            Comparator(glucocorticoid_comparator),
            unit="mg/day prednisolone-equivalent",
            source=src,
            missing="glucocorticoid dose not given",
        ),
        _holds(
            "stable_maintenance_therapy",
            value=as_optional_flag(
                "stable_maintenance_therapy", stable_maintenance_therapy
            ),
            what="only antimalarials, low-dose glucocorticoids and stable "
            "immunosuppressives/biologics",
            source=src,
        ),
    ]
    notes = (
        f"glucocorticoid comparator {glucocorticoid_comparator} 5 mg/day (abstract: "
        "'5 mg/day or less'; recommendation table: '< 5 mg/day')",
    )
    return _result("doris-2021", criteria, src, notes)


def doris_2017_clinical_remission_on_treatment(
    sledai: SledaiResult | None,
    *,
    pga: float | None,
    glucocorticoid_mg_day: float | None,
    stable_maintenance_therapy: bool | None = None,
) -> CompositeResult:
    """DORIS 2017 'clinical remission on treatment' at one visit.

    Parameters
    ----------
    sledai : SledaiResult or None
        A SLEDAI-2K-family result (clinical SLEDAI = 0; serology allowed).
    pga : float or None
        Physician global assessment, 0-3.
    glucocorticoid_mg_day : float or None
        Prednisone-equivalent dose, mg/day.
    stable_maintenance_therapy : bool, optional
        Only maintenance antimalarials, low-dose glucocorticoids,
        immunosuppressives and stable biologics.

    Returns
    -------
    CompositeResult
        ``doris-2017-clinical-remission-on-treatment``: clinical SLEDAI = 0,
        PGA <= 0.5, prednisone <= 5 mg/day, stable maintenance therapy.

    Raises
    ------
    DefinitionError
        A SLEDAI outside the SLEDAI-2K family.
    InvalidValueError
        Bad PGA or dose.

    References
    ----------
    van Vollenhoven R, et al. Ann Rheum Dis 2017 (DORIS framework).

    Examples
    --------
    >>> from lupusscore.activity import sledai_2k, SLEDAI_2K_WEIGHTS
    >>> quiet = sledai_2k({n: False for n in SLEDAI_2K_WEIGHTS})
    >>> doris_2017_clinical_remission_on_treatment(
    ...     quiet, pga=0.5, glucocorticoid_mg_day=5, stable_maintenance_therapy=True
    ... ).status.value
    'met'
    """
    src = DORIS_2017
    criteria = [
        _doris_common(sledai, "doris_2017_clinical_remission_on_treatment", src),
        _numeric(
            "pga_at_most_0_5",
            _pga(pga, "pga"),
            DORIS_2017_PGA_MAX,
            Comparator.LE,
            unit="PGA (0-3)",
            source=src,
            missing="pga not given",
        ),
        _numeric(
            "glucocorticoid_at_most_5",
            _dose(glucocorticoid_mg_day),
            DORIS_2017_GLUCOCORTICOID_MAX_MG_DAY,
            Comparator.LE,
            unit="mg/day prednisone-equivalent",
            source=src,
            missing="glucocorticoid dose not given",
        ),
        _holds(
            "stable_maintenance_therapy",
            value=as_optional_flag(
                "stable_maintenance_therapy", stable_maintenance_therapy
            ),
            what="only maintenance antimalarials, low-dose glucocorticoids, "
            "immunosuppressives and stable biologics",
            source=src,
        ),
    ]
    return _result("doris-2017-clinical-remission-on-treatment", criteria, src, ())


def doris_2017_complete_remission(
    sledai: SledaiResult | None,
    *,
    pga: float | None,
    glucocorticoid_mg_day: float | None,
    serological_activity: Criterion | bool | None = None,
    antimalarials_only: bool | None = None,
) -> CompositeResult:
    """DORIS 2017 'complete remission' (off treatment but antimalarials).

    Parameters
    ----------
    sledai : SledaiResult or None
        A SLEDAI-2K-family result (clinical SLEDAI = 0).
    pga : float or None
        Physician global assessment, 0-3.
    glucocorticoid_mg_day : float or None
        Prednisone-equivalent dose, mg/day; must be 0.
    serological_activity : Criterion or bool, optional
        Serological activity (anti-dsDNA above the lab's ULN and/or low C3 or
        C4), e.g. ``lupusscore.serology.serological_activity(visit.labs)``;
        must be absent.
    antimalarials_only : bool, optional
        No immunosuppressives or biologics; antimalarials allowed.

    Returns
    -------
    CompositeResult
        ``doris-2017-complete-remission``: clinical SLEDAI = 0, no serological
        activity, PGA <= 0.5, no glucocorticoids, antimalarials only.

    Raises
    ------
    DefinitionError
        A SLEDAI outside the SLEDAI-2K family.
    InvalidValueError
        Bad PGA, dose or serology input.

    References
    ----------
    van Vollenhoven R, et al. Ann Rheum Dis 2017 (DORIS framework).

    Examples
    --------
    >>> from lupusscore.activity import sledai_2k, SLEDAI_2K_WEIGHTS
    >>> quiet = sledai_2k({n: False for n in SLEDAI_2K_WEIGHTS})
    >>> doris_2017_complete_remission(
    ...     quiet,
    ...     pga=0.0,
    ...     glucocorticoid_mg_day=0,
    ...     serological_activity=False,
    ...     antimalarials_only=True,
    ... ).status.value
    'met'
    """
    src = DORIS_2017
    if isinstance(serological_activity, Criterion):
        sero_c = Criterion(
            name="no_serological_activity",
            status={
                Status.MET: Status.NOT_MET,
                Status.NOT_MET: Status.MET,
                Status.NOT_EVALUABLE: Status.NOT_EVALUABLE,
            }[serological_activity.status],
            reason=f"serological activity {serological_activity.status.value}"
            + (
                f": {serological_activity.reason}"
                if serological_activity.reason
                else ""
            ),
            source=src,
        )
    else:
        sero_c = _absent(
            "no_serological_activity",
            value=as_optional_flag("serological_activity", serological_activity),
            what="serological activity",
            source=src,
        )
    criteria = [
        _doris_common(sledai, "doris_2017_complete_remission", src),
        sero_c,
        _numeric(
            "pga_at_most_0_5",
            _pga(pga, "pga"),
            DORIS_2017_PGA_MAX,
            Comparator.LE,
            unit="PGA (0-3)",
            source=src,
            missing="pga not given",
        ),
        _numeric(
            "no_glucocorticoids",
            _dose(glucocorticoid_mg_day),
            _NO_GLUCOCORTICOID_MG_DAY,
            Comparator.LE,
            unit="mg/day prednisone-equivalent",
            source=src,
            missing="glucocorticoid dose not given",
        ),
        _holds(
            "antimalarials_only",
            value=as_optional_flag("antimalarials_only", antimalarials_only),
            what="no immunosuppressives or biologics (antimalarials allowed)",
            source=src,
        ),
    ]
    return _result("doris-2017-complete-remission", criteria, src, ())
