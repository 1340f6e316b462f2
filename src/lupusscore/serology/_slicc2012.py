"""2012 SLICC classification criteria for SLE (Petri et al. 2012).

Source: Petri M, Orbai AM, Alarcón GS, et al. Derivation and validation of the
Systemic Lupus International Collaborating Clinics classification criteria for
systemic lupus erythematosus. Arthritis Rheum 2012;64:2677-86
(doi:10.1002/art.34473). The criteria table was read in four independent
reproductions that agree on every number used here ([V2]): PMC4764694 table 1;
Arthritis Res Ther 2013 (doi:10.1186/ar4256) table 1; Australian Prescriber
(nps.org.au) "Treatment of SLE" box; and the lupusscore clinical reference
section 5.1 (anti-dsDNA: above the lab range, or > 2 x the range by ELISA).
Code cross-check: CRAN cliot 1.0.0 ``slicc_sle_criteria`` (same criteria, rules
and Coombs exclusion). Tested against tests/reference/serology_slicc_2012.json.

Rules implemented:

- 11 clinical and 6 immunological criteria; a criterion counts if it occurred
  at least once and nothing else explains it (the caller decides: pass True /
  False / None, or a :class:`~lupusscore.results.Criterion`);
- classified as SLE with >= 4 criteria including >= 1 clinical and >= 1
  immunological criterion, **or** with biopsy-proven lupus nephritis together
  with ANA or anti-dsDNA antibodies.

Numbers derived from raw labs (:class:`~lupusscore.models.LabResult`), each
"at least once": leukopenia < 4.0 x 10^9/L, thrombocytopenia < 100 x 10^9/L,
low C3, C4 or CH50 (the lab's lower limit, :func:`low_complement`), anti-dsDNA
above the lab's upper limit (twice the upper limit when measured by ELISA), and
proteinuria "representing 500 mg protein/24 h". The reproductions disagree on
whether exactly 500 mg counts (">500", "at least 500", "500"), so a result
exactly at 0.5 g/24 h (or 0.5 g/g) is not evaluable, never guessed. Lymphopenia
(< 1.0 x 10^9/L) and red-cell casts have no analyte here: the caller supplies
them through the criterion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from lupusscore._checks import as_sequence, as_tristate, describe
from lupusscore._display import Displayable
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import (
    Comparator,
    Criterion,
    ExplainedResult,
    Status,
    all_of,
    any_of,
    compare,
)
from lupusscore.serology._complement import COMPLEMENT_ANALYTES, low_complement
from lupusscore.serology._dsdna import dsdna_increased

__all__ = [
    "SLICC_2012_CRITERIA",
    "SLICC_2012_DSDNA_ELISA_FACTOR",
    "SLICC_2012_LEUKOPENIA_BELOW",
    "SLICC_2012_MIN_CRITERIA",
    "SLICC_2012_PROTEINURIA_G_PER_DAY",
    "SLICC_2012_SOURCE",
    "SLICC_2012_THROMBOCYTOPENIA_BELOW",
    "SliccClassification",
    "SliccCriterion",
    "SliccKind",
    "classify_sle_slicc_2012",
]

#: Citation of the criteria.
SLICC_2012_SOURCE: Final = (
    "Petri et al., Derivation and validation of the SLICC classification "
    "criteria for SLE, Arthritis Rheum 2012;64:2677-86"
)

#: Classified as SLE with at least this many criteria (>= 1 clinical and >= 1
#: immunological), Petri 2012.
SLICC_2012_MIN_CRITERIA: Final = 4

#: Leukopenia: white cells < 4000/mm^3 (4.0 x 10^9/L) at least once.
SLICC_2012_LEUKOPENIA_BELOW: Final = 4.0

#: Thrombocytopenia: platelets < 100,000/mm^3 (100 x 10^9/L) at least once.
SLICC_2012_THROMBOCYTOPENIA_BELOW: Final = 100.0

#: Renal: urine protein/creatinine ratio or 24-h urine protein "representing
#: 500 mg protein/24 h" (0.5 g/24 h; a UPCR of 0.5 g/g).
SLICC_2012_PROTEINURIA_G_PER_DAY: Final = 0.5

#: Anti-dsDNA measured by ELISA must be above twice the lab's reference range.
SLICC_2012_DSDNA_ELISA_FACTOR: Final = 2.0


class SliccKind(StrEnum):
    """Whether a criterion is clinical or immunological."""

    CLINICAL = "clinical"
    IMMUNOLOGIC = "immunologic"


@dataclass(frozen=True, slots=True)
class SliccCriterion(Displayable):
    """One of the 17 SLICC 2012 criteria.

    Attributes
    ----------
    name : str
        Identifier used in the ``criteria`` mapping.
    kind : SliccKind
        Clinical or immunological.
    definition : str
        Paraphrased definition (thresholds exact).
    """

    name: str
    kind: SliccKind
    definition: str


_C = SliccKind.CLINICAL
_I = SliccKind.IMMUNOLOGIC

# Petri 2012, as reproduced in PMC4764694 table 1, Arthritis Res Ther 2013
# (ar4256) table 1 and the Australian Prescriber box (all agree). Paraphrased.
_CRITERIA: Final = (
    SliccCriterion(
        "acute_cutaneous_lupus",
        _C,
        "acute cutaneous lupus (malar rash, bullous lupus, TEN variant, "
        "maculopapular or photosensitive lupus rash) or subacute cutaneous lupus",
    ),
    SliccCriterion(
        "chronic_cutaneous_lupus",
        _C,
        "chronic cutaneous lupus (discoid, hypertrophic, profundus, mucosal, "
        "tumidus, chilblain lupus, discoid lupus/lichen planus overlap)",
    ),
    SliccCriterion(
        "oral_or_nasal_ulcers",
        _C,
        "oral (palate, buccal, tongue) or nasal ulcers, without another cause",
    ),
    SliccCriterion(
        "nonscarring_alopecia",
        _C,
        "non-scarring alopecia (diffuse thinning or fragile hair with visible "
        "broken hairs), without another cause",
    ),
    SliccCriterion(
        "synovitis",
        _C,
        "synovitis in >= 2 joints (swelling or effusion), or tenderness in >= 2 "
        "joints with >= 30 min of morning stiffness",
    ),
    SliccCriterion(
        "serositis",
        _C,
        "typical pleurisy > 1 day, pleural effusion or rub; or typical "
        "pericardial pain > 1 day, pericardial effusion or rub, or pericarditis "
        "by ECG; without another cause",
    ),
    SliccCriterion(
        "renal",
        _C,
        "urine protein/creatinine ratio or 24-h urine protein representing "
        "500 mg protein/24 h, or red-cell casts",
    ),
    SliccCriterion(
        "neurologic",
        _C,
        "seizures, psychosis, mononeuritis multiplex, myelitis, peripheral or "
        "cranial neuropathy, or acute confusional state, without another cause",
    ),
    SliccCriterion("hemolytic_anemia", _C, "haemolytic anaemia"),
    SliccCriterion(
        "leukopenia_or_lymphopenia",
        _C,
        "leukopenia < 4.0 x 10^9/L or lymphopenia < 1.0 x 10^9/L at least "
        "once, without another cause",
    ),
    SliccCriterion(
        "thrombocytopenia",
        _C,
        "thrombocytopenia < 100 x 10^9/L at least once, without another cause",
    ),
    SliccCriterion("ana", _I, "ANA above the laboratory reference range"),
    SliccCriterion(
        "anti_dsdna",
        _I,
        "anti-dsDNA above the laboratory reference range (above twice the "
        "reference range if tested by ELISA)",
    ),
    SliccCriterion("anti_sm", _I, "anti-Sm antibodies"),
    SliccCriterion(
        "antiphospholipid",
        _I,
        "lupus anticoagulant, false-positive RPR, medium or high titre "
        "anticardiolipin (IgA, IgG or IgM) or anti-beta2 glycoprotein I (IgA, "
        "IgG or IgM)",
    ),
    SliccCriterion("low_complement", _I, "low C3, low C4 or low CH50"),
    SliccCriterion(
        "direct_coombs",
        _I,
        "positive direct Coombs test in the absence of haemolytic anaemia",
    ),
)

#: The 17 criteria, keyed by name (Petri 2012).
SLICC_2012_CRITERIA: Final[Mapping[str, SliccCriterion]] = MappingProxyType(
    {c.name: c for c in _CRITERIA}
)

_NEPHRITIS = "lupus_nephritis_biopsy"

# Parts of a criterion that labs can show; the others only the caller can.
_LAB_PARTS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "leukopenia_or_lymphopenia": ("leukopenia", "lymphopenia"),
        "thrombocytopenia": ("thrombocytopenia",),
        "renal": ("proteinuria", "red_cell_casts"),
        "low_complement": ("low_c3", "low_c4", "low_ch50"),
        "anti_dsdna": ("anti_dsdna",),
    }
)
_PART_OF_ANALYTE: Final[Mapping[Analyte, tuple[str, str]]] = MappingProxyType(
    {
        Analyte.WBC: ("leukopenia_or_lymphopenia", "leukopenia"),
        Analyte.PLATELETS: ("thrombocytopenia", "thrombocytopenia"),
        Analyte.UPCR: ("renal", "proteinuria"),
        Analyte.PROTEIN_24H: ("renal", "proteinuria"),
        Analyte.C3: ("low_complement", "low_c3"),
        Analyte.C4: ("low_complement", "low_c4"),
        Analyte.CH50: ("low_complement", "low_ch50"),
        Analyte.ANTI_DSDNA: ("anti_dsdna", "anti_dsdna"),
    }
)


class SliccClassification(ExplainedResult):
    """Result of the 2012 SLICC SLE classification.

    Attributes
    ----------
    status : Status
        Met (classified as SLE), not met, or not evaluable (unassessed criteria
        could still change the verdict).
    criteria : tuple of Criterion
        The 17 criteria in table order, each met, not met or not evaluable,
        with the evidence it rests on in ``reason``.
    lupus_nephritis : Criterion
        Biopsy-proven lupus nephritis.
    count : int
        Criteria met: the fewest possible.
    possible_count : int
        Criteria met or not assessed: the most still possible.
    clinical : Status
        Whether at least one clinical criterion is met.
    immunologic : Status
        Whether at least one immunological criterion is met.
    four_criteria_rule : Status
        >= 4 criteria with >= 1 clinical and >= 1 immunological.
    nephritis_rule : Status
        Biopsy-proven lupus nephritis with ANA or anti-dsDNA.
    not_assessed : tuple of str
        Criteria that are not evaluable.
    reason : str
        Why the verdict is what it is.
    missing : tuple of str
        The inputs not given, as data: the names in *not_assessed*, then
        ``lupus_nephritis_biopsy`` when it is not known.
    source : str
        Citation.
    """

    criteria: tuple[Criterion, ...]
    lupus_nephritis: Criterion
    count: int
    possible_count: int
    clinical: Status
    immunologic: Status
    four_criteria_rule: Status
    nephritis_rule: Status
    not_assessed: tuple[str, ...]
    reason: str
    source: str = SLICC_2012_SOURCE

    @property
    def classified(self) -> bool | None:
        """True if classified as SLE, False if not, None if not evaluable."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET

    @property
    def met(self) -> tuple[str, ...]:  # type: ignore[override]
        """Names of the criteria that are met.

        Kept for compatibility: unlike the other results, ``met`` here is not
        the verdict; the verdict is :attr:`classified` (or ``status``).
        """
        return self.met_criteria

    @property
    def met_criteria(self) -> tuple[str, ...]:
        """Names of the criteria that are met."""
        return tuple(c.name for c in self.criteria if c.status is Status.MET)

    def require(self) -> bool:
        """Return :attr:`classified`, or raise :class:`NotEvaluableError`."""
        classified = self.classified
        if classified is None:
            msg = "SLICC 2012 classification"
            raise self._not_evaluable(msg)
        return classified

    @property
    def criterion(self) -> Criterion:
        """The verdict as a :class:`~lupusscore.results.Criterion` (count >= 4)."""
        return Criterion(
            name="sle_slicc_2012",
            status=self.status,
            observed=float(self.count),
            threshold=float(SLICC_2012_MIN_CRITERIA),
            comparator=Comparator.GE,
            unit="criteria",
            reason=self.reason,
            source=self.source,
        )


def _caller_status(field: str, value: object) -> Status:
    if isinstance(value, Criterion):
        return value.status
    if isinstance(value, Status):
        return value
    codes = as_tristate(field, value)
    if codes.ndim:
        raise InvalidValueError(
            field=field,
            value=describe(value),
            expected="True, False or None for one person (not an array)",
        )
    code = float(codes)
    if math.isnan(code):  # not assessed
        return Status.NOT_EVALUABLE
    return Status.MET if code == 1.0 else Status.NOT_MET


def _proteinuria(lab: LabResult) -> Criterion:
    limit = SLICC_2012_PROTEINURIA_G_PER_DAY
    value = lab.canonical_value
    above = compare(value, limit, Comparator.GT)
    below = compare(value, limit, Comparator.LT)
    if above or below:
        status = Status.of(above)
        why = f"{value:.4g} {lab.canonical_unit} against 500 mg/24 h"
    else:
        status = Status.NOT_EVALUABLE
        why = (
            "exactly 500 mg/24 h: the sources disagree whether the limit itself "
            "counts ('> 500', 'at least 500'), so it is not decided"
        )
    return Criterion(
        name="proteinuria",
        status=status,
        observed=value,
        threshold=limit,
        comparator=Comparator.GT,
        unit=lab.canonical_unit,
        reason=why,
        source=SLICC_2012_SOURCE,
    )


def _below(lab: LabResult, name: str, limit: float) -> Criterion:
    hit = compare(lab.canonical_value, limit, Comparator.LT)
    return Criterion(
        name=name,
        status=Status.of(hit),
        observed=lab.canonical_value,
        threshold=limit,
        comparator=Comparator.LT,
        unit=lab.canonical_unit,
        source=SLICC_2012_SOURCE,
    )


def _dsdna(lab: LabResult, *, elisa: bool | None) -> Criterion:
    base = dsdna_increased(lab)
    if base.status is not Status.MET or elisa is False:
        return base.model_copy(
            update={"name": "anti_dsdna", "source": SLICC_2012_SOURCE}
        )
    uln = base.threshold
    assert uln is not None  # met against the lab's upper limit
    twice = SLICC_2012_DSDNA_ELISA_FACTOR * uln
    above_twice = compare(lab.canonical_value, twice, Comparator.GT)
    if elisa is None and not above_twice:
        return Criterion(
            name="anti_dsdna",
            status=Status.NOT_EVALUABLE,
            observed=lab.canonical_value,
            threshold=uln,
            comparator=Comparator.GT,
            unit=lab.canonical_unit,
            reason=(
                "above the lab's upper limit but not above twice it, and the "
                "method is not given: by ELISA it needs > 2 x the upper limit "
                "(pass dsdna_by_elisa=True or False)"
            ),
            source=SLICC_2012_SOURCE,
        )
    return Criterion(
        name="anti_dsdna",
        status=Status.of(above_twice),
        observed=lab.canonical_value,
        threshold=twice,
        comparator=Comparator.GT,
        unit=lab.canonical_unit,
        reason=f"above twice the lab's upper limit ({twice:.4g} {lab.canonical_unit})",
        source=SLICC_2012_SOURCE,
    )


def _lab_evidence(
    labs: Iterable[LabResult], *, dsdna_by_elisa: bool | None
) -> dict[str, dict[str, list[Criterion]]]:
    """Per criterion, per part: the lab-derived criteria (any order)."""
    found: dict[str, dict[str, list[Criterion]]] = {}
    given: object = labs  # runtime guard for untyped callers
    if isinstance(given, LabResult):
        raise InvalidValueError(
            field="labs", value=describe(given), expected="an iterable of LabResult"
        )
    lab_list = as_sequence("labs", given, expected="an iterable of LabResult")
    for index, lab in enumerate(lab_list):
        if not isinstance(lab, LabResult):
            raise InvalidValueError(
                field="labs", value=describe(lab), expected="a LabResult", index=index
            )
        where = _PART_OF_ANALYTE.get(lab.analyte)
        if where is None:
            raise InvalidValueError(
                field="labs",
                value=lab.analyte.value,
                expected="a lab SLICC 2012 uses: "
                + ", ".join(sorted(a.value for a in _PART_OF_ANALYTE)),
                index=index,
                analyte=lab.analyte.value,
            )
        criterion, part = where
        if lab.analyte is Analyte.WBC:
            c = _below(lab, part, SLICC_2012_LEUKOPENIA_BELOW)
        elif lab.analyte is Analyte.PLATELETS:
            c = _below(lab, part, SLICC_2012_THROMBOCYTOPENIA_BELOW)
        elif lab.analyte in (Analyte.UPCR, Analyte.PROTEIN_24H):
            c = _proteinuria(lab)
        elif lab.analyte in COMPLEMENT_ANALYTES:
            c = low_complement(lab)
        else:
            c = _dsdna(lab, elisa=dsdna_by_elisa)
        found.setdefault(criterion, {}).setdefault(part, []).append(c)
    for parts in found.values():  # results do not depend on the labs' order
        for items in parts.values():
            items.sort(key=lambda c: (c.observed or 0.0, c.status, c.reason or ""))
    return found


def _from_labs(name: str, parts: Mapping[str, list[Criterion]]) -> Status:
    statuses = [
        any_of(parts[p]) if p in parts else Status.NOT_EVALUABLE
        for p in _LAB_PARTS[name]
    ]
    return any_of(statuses)


def _judge(
    name: str,
    given: object,
    parts: Mapping[str, list[Criterion]] | None,
) -> Criterion:
    caller = _caller_status(f"criteria[{name!r}]", given)
    definition = SLICC_2012_CRITERIA[name].definition
    if parts is None:
        return Criterion(
            name=name,
            status=caller,
            reason=(
                "as given by the caller"
                if caller is not Status.NOT_EVALUABLE
                else "not assessed"
            )
            + f" ({definition})",
            source=SLICC_2012_SOURCE,
        )
    from_labs = _from_labs(name, parts)
    shown = "; ".join(
        f"{c.name} {c.status.value}"
        + (f" ({c.observed:g} {c.unit})" if c.observed is not None else "")
        for p in _LAB_PARTS[name]
        for c in parts.get(p, [])
    )
    uncovered = [p for p in _LAB_PARTS[name] if p not in parts]
    if uncovered:
        shown += "; no lab for " + ", ".join(uncovered)
    if caller is Status.NOT_MET and from_labs is Status.MET:
        raise InvalidValueError(
            field=f"criteria[{name!r}]",
            value=False,
            expected=(
                f"not False when the labs show it ({shown}); leave out a lab "
                "that another cause explains"
            ),
        )
    status = from_labs if caller is Status.NOT_EVALUABLE else caller
    origin = "labs" if caller is Status.NOT_EVALUABLE else "caller and labs"
    return Criterion(
        name=name,
        status=status,
        reason=f"from {origin}: {shown}",
        source=SLICC_2012_SOURCE,
    )


def classify_sle_slicc_2012(
    *,
    criteria: Mapping[str, bool | Criterion | None] | None = None,
    lupus_nephritis_biopsy: bool | Criterion | None = None,
    labs: Iterable[LabResult] = (),
    dsdna_by_elisa: bool | None = None,
) -> SliccClassification:
    """Classify SLE with the 2012 SLICC criteria.

    Parameters
    ----------
    criteria : mapping of str to bool, Criterion or None, optional
        Each criterion by name (:data:`SLICC_2012_CRITERIA`): True if it
        occurred at least once and nothing else explains it, False if absent,
        None (or left out) if not assessed; or a ``Criterion`` (its status is
        used). :func:`ana_positive` tests the EULAR/ACR ANA >= 1:80, not the
        SLICC wording "above the laboratory reference range".
    lupus_nephritis_biopsy : bool, Criterion or None, optional
        Biopsy-proven lupus nephritis; None if not known.
    labs : iterable of LabResult, optional
        Raw results, any date ("at least once"): WBC (leukopenia part),
        platelets, UPCR or 24-h protein (proteinuria part of *renal*), C3, C4,
        CH50 and anti-dsDNA. Pass only results nothing else explains. A lab
        shows a part of a criterion; a part no lab covers (lymphopenia, red-cell
        casts) stays unknown unless the caller gives the criterion.
    dsdna_by_elisa : bool or None, optional
        Whether the anti-dsDNA labs were measured by ELISA (then > 2 x the
        lab's upper limit is needed). None: decided only where both readings
        agree.

    Returns
    -------
    SliccClassification
        Met when >= 4 criteria are met with >= 1 clinical and >= 1
        immunological, or with biopsy-proven lupus nephritis and ANA or
        anti-dsDNA. Not met when no way of completing the unassessed criteria
        could meet either rule. Otherwise not evaluable; ``count`` and
        ``possible_count`` bound the number of criteria.

    Raises
    ------
    InvalidValueError
        For an unknown criterion name, a value that is not True / False / None
        / Criterion, a lab SLICC 2012 does not use, a criterion given as
        False that the labs show, or ``direct_coombs`` together with
        ``hemolytic_anemia`` (the Coombs criterion requires its absence).

    Examples
    --------
    >>> r = classify_sle_slicc_2012(
    ...     criteria={
    ...         "synovitis": True,
    ...         "oral_or_nasal_ulcers": True,
    ...         "ana": True,
    ...         "low_complement": True,
    ...     }
    ... )
    >>> r.classified, r.count, r.met
    (True, 4, ('oral_or_nasal_ulcers', 'synovitis', 'ana', 'low_complement'))
    >>> r = classify_sle_slicc_2012(
    ...     criteria={"anti_dsdna": True}, lupus_nephritis_biopsy=True
    ... )
    >>> r.status.value, r.nephritis_rule.value, r.four_criteria_rule.value
    ('met', 'met', 'not_evaluable')
    """
    given: Mapping[str, object] = {} if criteria is None else criteria
    if not isinstance(given, Mapping):
        raise InvalidValueError(
            field="criteria",
            value=describe(given),
            expected="a mapping of SLICC 2012 criterion names to True/False/None",
        )
    unknown = sorted(str(k) for k in set(given) - set(SLICC_2012_CRITERIA))
    if unknown:
        raise InvalidValueError(
            field="criteria",
            value=unknown,
            expected="SLICC 2012 criterion names: " + ", ".join(SLICC_2012_CRITERIA),
        )
    if dsdna_by_elisa is not None and not isinstance(dsdna_by_elisa, bool):
        raise InvalidValueError(
            field="dsdna_by_elisa",
            value=describe(dsdna_by_elisa),
            expected="True, False or None",
        )
    evidence = _lab_evidence(labs, dsdna_by_elisa=dsdna_by_elisa)
    judged = tuple(
        _judge(name, given.get(name), evidence.get(name))
        for name in SLICC_2012_CRITERIA
    )
    by_name = {c.name: c for c in judged}
    if by_name["direct_coombs"].met and by_name["hemolytic_anemia"].met:
        raise InvalidValueError(
            field="criteria['direct_coombs']",
            value=True,
            expected=(
                "not True together with hemolytic_anemia: the criterion is a "
                "positive direct Coombs test in the absence of haemolytic anaemia"
            ),
        )
    biopsy_status = _caller_status(_NEPHRITIS, lupus_nephritis_biopsy)
    nephritis = Criterion(
        name=_NEPHRITIS,
        status=biopsy_status,
        reason=(
            "biopsy-proven lupus nephritis, as given by the caller"
            if biopsy_status is not Status.NOT_EVALUABLE
            else "renal biopsy not known"
        ),
        source=SLICC_2012_SOURCE,
    )

    kinds = {c.name: SLICC_2012_CRITERIA[c.name].kind for c in judged}
    met = [c.name for c in judged if c.status is Status.MET]
    open_ = [c.name for c in judged if c.status is Status.NOT_EVALUABLE]
    count, possible = len(met), len(met) + len(open_)

    def side(kind: SliccKind) -> Status:
        if any(kinds[n] is kind for n in met):
            return Status.MET
        if any(kinds[n] is kind for n in open_):
            return Status.NOT_EVALUABLE
        return Status.NOT_MET

    clinical, immunologic = side(SliccKind.CLINICAL), side(SliccKind.IMMUNOLOGIC)
    if count >= SLICC_2012_MIN_CRITERIA:
        enough = Status.MET
    elif possible < SLICC_2012_MIN_CRITERIA:
        enough = Status.NOT_MET
    else:
        enough = Status.NOT_EVALUABLE
    four = all_of([enough, clinical, immunologic])
    nephritis_rule = all_of(
        [nephritis, any_of([by_name["ana"], by_name["anti_dsdna"]])]
    )
    status = any_of([four, nephritis_rule])

    parts = [
        f"{count} criteria met"
        + (f" ({', '.join(met)})" if met else "")
        + (f", up to {possible} if unassessed criteria were present" if open_ else "")
    ]
    parts.append(f">= 4 with clinical and immunological: {four.value}")
    parts.append(f"lupus nephritis with ANA or anti-dsDNA: {nephritis_rule.value}")
    return SliccClassification(
        status=status,
        criteria=judged,
        lupus_nephritis=nephritis,
        count=count,
        possible_count=possible,
        clinical=clinical,
        immunologic=immunologic,
        four_criteria_rule=four,
        nephritis_rule=nephritis_rule,
        not_assessed=tuple(open_),
        missing=tuple(open_)
        + ((_NEPHRITIS,) if nephritis.status is Status.NOT_EVALUABLE else ()),
        reason="; ".join(parts),
    )
