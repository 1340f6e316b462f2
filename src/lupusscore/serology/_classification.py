"""2019 EULAR/ACR classification criteria for SLE (Aringer et al. 2019).

Source: Aringer M, Costenbader K, Daikh D, et al. 2019 European League Against
Rheumatism/American College of Rheumatology classification criteria for
systemic lupus erythematosus. Ann Rheum Dis 2019;78:1151-9 and Arthritis
Rheumatol 2019;71:1400-12. Weights: lupusscore clinical reference section 5.4
(three independent reproductions agree); definitions: the ARD definitions table.

Rules implemented:

- entry criterion: ANA >= 1:80 on HEp-2 cells (or an equivalent positive test)
  at least once; without it the criteria are not applied;
- a criterion counts only if nothing explains it better than SLE and it
  occurred at least once (the caller decides both: pass True / False / None);
- within each domain only the highest-weighted criterion present counts;
- classified as SLE with >= 10 points and >= 1 clinical criterion.

The antiphospholipid criterion (anticardiolipin at medium/high titre, anti-beta2
glycoprotein I, or lupus anticoagulant) is taken as the caller's boolean: the
numeric anticardiolipin threshold (> 40 GPL/MPL or > 99th percentile) is
UNVERIFIED in the reference, so lupusscore does not derive it from a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from lupusscore._checks import as_optional_flag, describe
from lupusscore._display import Displayable
from lupusscore.errors import InvalidValueError
from lupusscore.results import Comparator, Criterion, ExplainedResult, Status

__all__ = [
    "EULAR_ACR_2019_CRITERIA",
    "EULAR_ACR_2019_MAX_POINTS",
    "EULAR_ACR_2019_SOURCE",
    "EULAR_ACR_2019_THRESHOLD",
    "ClassificationCriterion",
    "Domain",
    "SleClassification",
    "classify_sle_eular_acr_2019",
]

#: Citation of the criteria.
EULAR_ACR_2019_SOURCE: Final = (
    "Aringer et al., 2019 EULAR/ACR classification criteria for SLE, Ann Rheum "
    "Dis 2019;78:1151-9 and Arthritis Rheumatol 2019;71:1400-12"
)

#: Classified as SLE from this many points (with >= 1 clinical criterion).
EULAR_ACR_2019_THRESHOLD: Final = 10

#: Highest possible total (the sum of each domain's top weight), as published.
EULAR_ACR_2019_MAX_POINTS: Final = 51


class Domain(StrEnum):
    """The ten domains (seven clinical, three immunological)."""

    CONSTITUTIONAL = "constitutional"
    HEMATOLOGIC = "hematologic"
    NEUROPSYCHIATRIC = "neuropsychiatric"
    MUCOCUTANEOUS = "mucocutaneous"
    SEROSAL = "serosal"
    MUSCULOSKELETAL = "musculoskeletal"
    RENAL = "renal"
    ANTIPHOSPHOLIPID = "antiphospholipid_antibodies"
    COMPLEMENT = "complement_proteins"
    SLE_SPECIFIC_ANTIBODIES = "sle_specific_antibodies"

    @property
    def clinical(self) -> bool:
        """True for the seven clinical domains."""
        return self not in _IMMUNOLOGIC


_IMMUNOLOGIC: Final = frozenset(
    {Domain.ANTIPHOSPHOLIPID, Domain.COMPLEMENT, Domain.SLE_SPECIFIC_ANTIBODIES}
)


@dataclass(frozen=True, slots=True)
class ClassificationCriterion(Displayable):
    """One weighted criterion of the 2019 EULAR/ACR classification.

    Attributes
    ----------
    name : str
        Identifier used in the ``criteria`` mapping.
    domain : Domain
        Its domain.
    weight : int
        Points (Aringer 2019).
    definition : str
        Paraphrased definition (thresholds exact).
    """

    name: str
    domain: Domain
    weight: int
    definition: str


# Domains, criteria and weights: Aringer et al., Ann Rheum Dis 2019;78:1151-9 and
# Arthritis Rheumatol 2019;71:1400-12, as tabulated in the lupusscore clinical
# reference section 5.4 (weights [V2]: three independent reproductions agree).
# Tested against tests/reference/serology_eular_acr_2019.json.
_CRITERIA: Final = (
    ClassificationCriterion("fever", Domain.CONSTITUTIONAL, 2, "fever > 38.3 °C"),
    ClassificationCriterion(
        "leukopenia", Domain.HEMATOLOGIC, 3, "white cells < 4.0 x 10^9/L"
    ),
    ClassificationCriterion(
        "thrombocytopenia",
        Domain.HEMATOLOGIC,
        4,
        "platelets < 100 x 10^9/L",
    ),
    ClassificationCriterion(
        "autoimmune_hemolysis",
        Domain.HEMATOLOGIC,
        4,
        "evidence of haemolysis (reticulocytosis, low haptoglobin, raised "
        "indirect bilirubin or LDH) and a positive direct Coombs test",
    ),
    ClassificationCriterion(
        "delirium",
        Domain.NEUROPSYCHIATRIC,
        2,
        "change in consciousness or arousal with reduced focus, developing "
        "over hours to < 2 days, fluctuating, with acute change in cognition, "
        "behaviour or mood",
    ),
    ClassificationCriterion(
        "psychosis",
        Domain.NEUROPSYCHIATRIC,
        3,
        "delusions and/or hallucinations without insight, without delirium",
    ),
    ClassificationCriterion(
        "seizure",
        Domain.NEUROPSYCHIATRIC,
        5,
        "primary generalised or partial/focal seizure",
    ),
    ClassificationCriterion(
        "non_scarring_alopecia",
        Domain.MUCOCUTANEOUS,
        2,
        "non-scarring alopecia observed by a clinician",
    ),
    ClassificationCriterion(
        "oral_ulcers",
        Domain.MUCOCUTANEOUS,
        2,
        "oral ulcers observed by a clinician",
    ),
    ClassificationCriterion(
        "subacute_cutaneous_or_discoid_lupus",
        Domain.MUCOCUTANEOUS,
        4,
        "subacute cutaneous or discoid lupus",
    ),
    ClassificationCriterion(
        "acute_cutaneous_lupus",
        Domain.MUCOCUTANEOUS,
        6,
        "acute cutaneous lupus",
    ),
    ClassificationCriterion(
        "pleural_or_pericardial_effusion",
        Domain.SEROSAL,
        5,
        "pleural or pericardial effusion",
    ),
    ClassificationCriterion(
        "acute_pericarditis", Domain.SEROSAL, 6, "acute pericarditis"
    ),
    ClassificationCriterion(
        "joint_involvement",
        Domain.MUSCULOSKELETAL,
        6,
        "synovitis (swelling or effusion) in >= 2 joints, or tenderness in "
        ">= 2 joints with >= 30 min morning stiffness",
    ),
    ClassificationCriterion(
        "proteinuria",
        Domain.RENAL,
        4,
        "proteinuria > 0.5 g/24 h (24-h urine or equivalent spot UPCR)",
    ),
    ClassificationCriterion(
        "renal_biopsy_class_ii_or_v",
        Domain.RENAL,
        8,
        "renal biopsy: ISN/RPS class II or V lupus nephritis",
    ),
    ClassificationCriterion(
        "renal_biopsy_class_iii_or_iv",
        Domain.RENAL,
        10,
        "renal biopsy: ISN/RPS class III or IV lupus nephritis",
    ),
    ClassificationCriterion(
        "antiphospholipid_antibodies",
        Domain.ANTIPHOSPHOLIPID,
        2,
        "anticardiolipin (medium or high titre; numeric threshold UNVERIFIED, "
        "caller decides) or anti-beta2 glycoprotein I or lupus anticoagulant",
    ),
    ClassificationCriterion(
        "low_c3_or_low_c4", Domain.COMPLEMENT, 3, "low C3 or low C4"
    ),
    ClassificationCriterion(
        "low_c3_and_low_c4", Domain.COMPLEMENT, 4, "low C3 and low C4"
    ),
    ClassificationCriterion(
        "anti_dsdna_or_anti_sm",
        Domain.SLE_SPECIFIC_ANTIBODIES,
        6,
        "anti-dsDNA (immunoassay with >= 90 % specificity for SLE against "
        "relevant disease controls) or anti-Smith antibodies",
    ),
)

#: The weighted criteria, keyed by name (Aringer 2019; reference section 5.4).
EULAR_ACR_2019_CRITERIA: Final[Mapping[str, ClassificationCriterion]] = (
    MappingProxyType({c.name: c for c in _CRITERIA})
)


class SleClassification(ExplainedResult):
    """Result of the 2019 EULAR/ACR SLE classification.

    Attributes
    ----------
    status : Status
        Met (classified as SLE), not met, or not evaluable (the entry criterion
        or unassessed criteria could still change the verdict).
    entry : Criterion
        The ANA >= 1:80 entry criterion.
    counted : tuple of ClassificationCriterion
        The criteria that count (the highest present in each domain).
    points : int
        Sum of the counted weights.
    possible_points : int
        The total if every unassessed criterion were present: the most that is
        still possible.
    clinical : Status
        Whether at least one clinical criterion is present.
    not_assessed : tuple of str
        Criteria the caller gave as None or left out.
    reason : str
        Why the verdict is what it is.
    missing : tuple of str
        The inputs not given, as data: ``ana`` when the entry criterion is not
        evaluable, then the names in *not_assessed*.
    source : str
        Citation.
    """

    entry: Criterion
    counted: tuple[ClassificationCriterion, ...]
    points: int
    possible_points: int
    clinical: Status
    not_assessed: tuple[str, ...]
    reason: str
    source: str = EULAR_ACR_2019_SOURCE

    @property
    def classified(self) -> bool | None:
        """True if classified as SLE, False if not, None if not evaluable."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET

    @property
    def criterion(self) -> Criterion:
        """The verdict as a :class:`~lupusscore.results.Criterion` (points >= 10)."""
        return Criterion(
            name="sle_eular_acr_2019",
            status=self.status,
            observed=float(self.points),
            threshold=float(EULAR_ACR_2019_THRESHOLD),
            comparator=Comparator.GE,
            unit="points",
            reason=self.reason,
            source=self.source,
        )


def _entry(*, ana: bool | Criterion | None) -> Criterion:
    if isinstance(ana, Criterion):
        return ana
    given = as_optional_flag("ana", ana)  # a Criterion was handled above
    return Criterion(
        name="ana_positive",
        status=Status.of(given),
        reason=(
            "ANA >= 1:80 (or equivalent) at least once, as given by the caller"
            if given is not None
            else "ANA entry criterion not assessed"
        ),
        source=EULAR_ACR_2019_SOURCE,
    )


def _top(items: list[ClassificationCriterion]) -> ClassificationCriterion | None:
    return max(items, key=lambda c: c.weight) if items else None


def classify_sle_eular_acr_2019(
    *, ana: bool | Criterion | None, criteria: Mapping[str, bool | None]
) -> SleClassification:
    """Classify SLE with the 2019 EULAR/ACR criteria.

    Parameters
    ----------
    ana : bool, Criterion or None
        The entry criterion: ANA >= 1:80 on HEp-2 cells (or an equivalent
        positive test) at least once, e.g. :func:`ana_positive`. None if not
        known.
    criteria : mapping of str to bool or None
        Each criterion by name (:data:`EULAR_ACR_2019_CRITERIA`): True if it
        occurred at least once and nothing explains it better than SLE, False
        if absent, None (or left out) if not assessed.

    Returns
    -------
    SleClassification
        Met when the entry criterion is met, the counted points (highest
        weight per domain) are >= 10 and at least one clinical criterion is
        present. Not met when the entry criterion fails, or when even every
        unassessed criterion could not reach 10 points or a clinical criterion.
        Otherwise not evaluable. The result lists the counted criteria and
        points.

    Raises
    ------
    InvalidValueError
        For an unknown criterion name or a value that is not True, False or
        None.

    Examples
    --------
    >>> r = classify_sle_eular_acr_2019(
    ...     ana=True,
    ...     criteria={
    ...         "joint_involvement": True,
    ...         "oral_ulcers": True,
    ...         "acute_cutaneous_lupus": True,
    ...         "low_c3_or_low_c4": True,
    ...     },
    ... )
    >>> r.classified, r.points, [c.name for c in r.counted]
    (True, 15, ['acute_cutaneous_lupus', 'joint_involvement', 'low_c3_or_low_c4'])
    """
    given: object = criteria
    if not isinstance(given, Mapping):
        raise InvalidValueError(
            field="criteria",
            value=describe(given),
            expected="a mapping of 2019 EULAR/ACR criterion name to True/False/None",
        )
    unknown = sorted(
        n if isinstance(n, str) else describe(n)
        for n in given
        if not (isinstance(n, str) and n in EULAR_ACR_2019_CRITERIA)
    )
    if unknown:
        raise InvalidValueError(
            field="criteria",
            value=unknown,
            expected="2019 EULAR/ACR criterion names: "
            + ", ".join(EULAR_ACR_2019_CRITERIA),
        )
    criteria = {
        str(name): as_optional_flag(f"criteria[{name!r}]", value)
        for name, value in given.items()
    }
    entry = _entry(ana=ana)
    present = [c for n, c in EULAR_ACR_2019_CRITERIA.items() if criteria.get(n)]
    unknown_items = [
        c for n, c in EULAR_ACR_2019_CRITERIA.items() if criteria.get(n) is None
    ]
    counted: list[ClassificationCriterion] = []
    possible = 0
    for domain in Domain:
        best = _top([c for c in present if c.domain is domain])
        if best is not None:
            counted.append(best)
        best_possible = _top([c for c in present + unknown_items if c.domain is domain])
        possible += 0 if best_possible is None else best_possible.weight
    points = sum(c.weight for c in counted)
    clinical_now = any(c.domain.clinical for c in present)
    clinical_possible = clinical_now or any(c.domain.clinical for c in unknown_items)
    clinical = (
        Status.MET
        if clinical_now
        else (Status.NOT_EVALUABLE if clinical_possible else Status.NOT_MET)
    )
    threshold = EULAR_ACR_2019_THRESHOLD
    if points >= threshold:
        score = Status.MET
    elif possible < threshold:
        score = Status.NOT_MET
    else:
        score = Status.NOT_EVALUABLE
    status = (
        Status.NOT_MET
        if Status.NOT_MET in {entry.status, score, clinical}
        else (
            Status.MET
            if {entry.status, score, clinical} == {Status.MET}
            else Status.NOT_EVALUABLE
        )
    )
    not_assessed = tuple(c.name for c in unknown_items)
    parts = [
        f"{points} points from "
        + (", ".join(f"{c.name} ({c.weight})" for c in counted) or "no criteria")
    ]
    if entry.status is not Status.MET:
        parts.append(f"entry criterion (ANA >= 1:80) {entry.status.value}")
    if clinical is not Status.MET:
        parts.append(f"clinical criterion {clinical.value}")
    if score is Status.NOT_EVALUABLE:
        parts.append(f"up to {possible} points if unassessed criteria were present")
    return SleClassification(
        status=status,
        entry=entry,
        counted=tuple(counted),
        points=points,
        possible_points=possible,
        clinical=clinical,
        not_assessed=not_assessed,
        missing=(("ana",) if entry.status is Status.NOT_EVALUABLE else ())
        + not_assessed,
        reason="; ".join(parts),
    )
