"""Anti-dsDNA: increased against the lab's upper limit or a documented cut-off.

Anti-dsDNA is reported in incompatible ways: WHO international units (IU/mL,
comparable across assays), an assay's own units (U/mL, AU/mL: comparable only
within one assay), Farr percent binding, and *Crithidia luciliae* (CLIFT)
titres. A result is therefore judged against its own lab's upper limit of normal
(SLEDAI-2K descriptor 21: "above the normal range of the testing laboratory";
LLDAS / DORIS serological activity: "above the laboratory ULN"). A fixed
number is used only when the caller asks for a named :class:`AssayCutoff`, and
only for a result in the cut-off's unit family (and assay, where it names one).
Sources: lupusscore clinical reference sections 1.2 (item 21), 1.4 and 5.1.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import FloatArray, as_choice, as_floats, as_instance, describe
from lupusscore._display import Displayable
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import Comparator, Criterion, Status
from lupusscore.serology._labs import check_lab

__all__ = [
    "BLISS_IU_ML",
    "CLIFT_TITRE",
    "DSDNA_CUTOFFS",
    "FARR_PERCENT_BINDING_SLEDAI",
    "INCREASED_DSDNA_SOURCE",
    "AssayCutoff",
    "comparable_assays",
    "dsdna_increased",
    "same_assay",
]

#: Where "above the testing laboratory's normal range" comes from.
INCREASED_DSDNA_SOURCE: Final = (
    "above the testing laboratory's normal range: SLEDAI-2K descriptor 21 "
    "(Gladman, J Rheumatol 2002;29:288-91); LLDAS serological activity "
    "(Franklyn, Ann Rheum Dis 2016;75:1615-21)"
)


@dataclass(frozen=True, slots=True)
class AssayCutoff(Displayable):
    """A documented, assay-specific anti-dsDNA cut-off.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"farr_percent_binding_sledai"``.
    family : str
        The unit family it applies to (``"percent_binding"``,
        ``"international_units"``, ``"assay_units"``, ``"titre"``); results in
        another family are never compared with it.
    threshold : float
        The cut-off, in the family's canonical unit (%, IU/mL, U/mL, reciprocal
        titre).
    comparator : Comparator
        How a positive result compares with *threshold*.
    source : str
        Citation.
    assay : str, optional
        If given, the cut-off applies only to results whose ``assay`` matches
        (case-insensitive); results without an assay are not evaluable.
    """

    name: str
    family: str
    threshold: float
    comparator: Comparator
    source: str
    assay: str | None = None

    def __post_init__(self) -> None:
        """Check the fields: a finite threshold and a known comparator.

        Raises
        ------
        InvalidValueError
            A non-finite or non-numeric threshold, an unknown comparator, or a
            name, family, source or assay that is not text.
        """
        for field in ("name", "family", "source"):
            if not isinstance(getattr(self, field), str):
                raise InvalidValueError(
                    field=field, value=describe(getattr(self, field)), expected="text"
                )
        if self.assay is not None and not isinstance(self.assay, str):
            raise InvalidValueError(
                field="assay", value=describe(self.assay), expected="text or None"
            )
        limit = as_floats("threshold", self.threshold)
        if limit.ndim != 0:
            raise InvalidValueError(
                field="threshold",
                value=describe(self.threshold),
                expected="one finite number (not an array)",
            )
        threshold = float(limit)
        comparator = Comparator(as_choice("comparator", self.comparator, Comparator))
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "comparator", comparator)


#: Original SLEDAI and SELENA-SLEDAI "increased DNA binding": > 25 % binding by
#: Farr assay (Bombardier, Arthritis Rheum 1992;35:630-40; SELENA forms;
#: reference 1.2 item 21). Not the SLEDAI-2K definition, which uses the lab's
#: range: a separate option, never the default.
FARR_PERCENT_BINDING_SLEDAI: Final = AssayCutoff(
    name="farr_percent_binding_sledai",
    family="percent_binding",
    threshold=25.0,
    comparator=Comparator.GT,
    source="original SLEDAI (Bombardier, Arthritis Rheum 1992;35:630-40) and "
    "SELENA-SLEDAI: > 25 % binding by Farr assay (reference 1.2 item 21)",
)

#: BLISS programme trial convention: anti-dsDNA positive at >= 30 IU/mL
#: (reference 5.1; Furie, Arthritis Rheum 2009;61:1143-51).
BLISS_IU_ML: Final = AssayCutoff(
    name="bliss_iu_ml",
    family="international_units",
    threshold=30.0,
    comparator=Comparator.GE,
    source="BLISS programme positivity convention, anti-dsDNA >= 30 IU/mL "
    "(Furie, Arthritis Rheum 2009;61:1143-51; reference 5.1)",
)

#: Crithidia luciliae immunofluorescence (CLIFT): negative < 1:10, so positive
#: at a reciprocal titre >= 10 (ARUP reference interval; Lupus Sci Med 2014
#: table, ImmunoConcepts and Euroimmun "< titre 10"; reference 5.1).
CLIFT_TITRE: Final = AssayCutoff(
    name="clift_titre",
    family="titre",
    threshold=10.0,
    comparator=Comparator.GE,
    source="Crithidia luciliae IIF negative < 1:10 (ARUP reference interval; "
    "Lupus Sci Med 2014 assay table; reference 5.1)",
)

#: The documented cut-offs, by name.
DSDNA_CUTOFFS: Final[Mapping[str, AssayCutoff]] = MappingProxyType(
    {c.name: c for c in (FARR_PERCENT_BINDING_SLEDAI, BLISS_IU_ML, CLIFT_TITRE)}
)


def _assay_key(assay: str | None) -> str | None:
    return None if assay is None else " ".join(assay.split()).casefold()


def comparable_assays(first: LabResult, second: LabResult) -> Criterion:
    """Whether two results of one analyte can be compared numerically.

    They can when they are in the same unit family and, for a family whose
    units are assay-specific (``comparable_across_assays`` false: an assay's
    U/mL, Farr % binding, titres, CH50 units), both name the same assay
    (case- and space-insensitive).

    Parameters
    ----------
    first, second : LabResult
        Results of the same analyte.

    Returns
    -------
    Criterion
        ``comparable_assays``: met when comparable, not met with the reason
        otherwise.

    Raises
    ------
    InvalidValueError
        If the analytes differ.

    Examples
    --------
    >>> a = LabResult(
    ...     analyte="anti_dsdna", value=40, unit="U/mL", date="2024-01-05", assay="A"
    ... )
    >>> b = LabResult(
    ...     analyte="anti_dsdna", value=20, unit="U/mL", date="2024-03-05", assay="B"
    ... )
    >>> c = comparable_assays(a, b)
    >>> c.met, c.reason
    (False, "assay-specific units (assay_units) from different assays: 'A' and 'B'")
    """
    first = as_instance("first", first, LabResult)
    second = as_instance("second", second, LabResult)
    if first.analyte is not second.analyte:
        raise InvalidValueError(
            field="second.analyte",
            value=second.analyte.value,
            expected=f"the same analyte as the first result ({first.analyte.value})",
        )
    why: str | None = None
    if first.family != second.family:
        why = (
            f"different unit families: {first.family} ({first.unit}) and "
            f"{second.family} ({second.unit}) cannot be converted into each other"
        )
    elif not first.resolved.family.comparable_across_assays:
        a, b = _assay_key(first.assay), _assay_key(second.assay)
        if a is None or b is None:
            why = (
                f"assay-specific units ({first.family}) need the assay of both "
                "results; at least one has no assay recorded"
            )
        elif a != b:
            why = (
                f"assay-specific units ({first.family}) from different assays: "
                f"{first.assay!r} and {second.assay!r}"
            )
    return Criterion(
        name="comparable_assays",
        status=Status.NOT_MET if why else Status.MET,
        reason=why,
    )


def same_assay(first: LabResult, second: LabResult) -> tuple[bool, str]:
    """Return ``(comparable, why_not)`` (deprecated: use :func:`comparable_assays`).

    The old tuple shape of :func:`comparable_assays`: whether the results are
    comparable, and why not (empty when they are). Deprecated: will be removed
    in the next release.
    """
    warnings.warn(
        "lupusscore.serology.same_assay is deprecated; use "
        "lupusscore.serology.comparable_assays (a Criterion)",
        DeprecationWarning,
        stacklevel=2,
    )
    c = comparable_assays(first, second)
    return bool(c.met), c.reason or ""


def _above(
    values: FloatArray, limits: FloatArray, comparator: Comparator
) -> FloatArray:
    v = np.asarray(values, dtype=np.float64)
    limit = np.asarray(limits, dtype=np.float64)
    absent = np.isnan(v) | np.isnan(limit)
    hit = comparator.apply(np.where(absent, 0.0, v), np.where(absent, 0.0, limit))
    return np.where(absent, np.nan, hit.astype(np.float64))


def dsdna_increased_flags(values: FloatArray, upper_limits: FloatArray) -> FloatArray:
    """Apply the increased-anti-dsDNA rule to arrays (unchecked, canonical units).

    ``1.0`` where the value is strictly above the lab's upper limit (both
    rounded by :meth:`Comparator.apply`), ``0.0`` where not, NaN where there
    is no upper limit: not evaluable. :func:`dsdna_increased` and the cohort
    SLEDAI kernel both decide with this function.

    Examples
    --------
    >>> dsdna_increased_flags(np.array([42.0, 10.0, 99.0]), np.array([10, 10, np.nan]))
    array([ 1.,  0., nan])
    """
    return _above(values, upper_limits, Comparator.GT)


def cutoff_flags(
    values: FloatArray, cutoff: AssayCutoff, *, applies: npt.NDArray[np.bool_]
) -> FloatArray:
    """Anti-dsDNA against a documented cut-off, on arrays (unchecked kernel).

    ``1.0`` / ``0.0`` where the cut-off *applies* (the result's unit family
    and assay are the cut-off's) and is met / not met; NaN where it does not
    apply: not evaluable.
    """
    limits = np.where(applies, cutoff.threshold, np.nan)
    return _above(values, limits, cutoff.comparator)


def _against_cutoff(lab: LabResult, cutoff: AssayCutoff, name: str) -> Criterion:
    why_not = ""
    if lab.family != cutoff.family:
        why_not = (
            f"cut-off {cutoff.name} applies to {cutoff.family} results; this "
            f"result is {lab.family} ({lab.unit}) and cannot be compared with it"
        )
    elif cutoff.assay is not None and _assay_key(lab.assay) != _assay_key(cutoff.assay):
        why_not = (
            f"cut-off {cutoff.name} applies to assay {cutoff.assay!r}; this "
            f"result's assay is {lab.assay!r}"
        )
    if why_not:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            observed=lab.canonical_value,
            threshold=cutoff.threshold,
            comparator=cutoff.comparator,
            unit=lab.canonical_unit,
            reason=why_not,
            source=cutoff.source,
        )
    hit = cutoff_flags(
        np.asarray(lab.canonical_value, dtype=np.float64),
        cutoff,
        applies=np.ones((), dtype=np.bool_),
    )
    return Criterion(
        name=name,
        status=Status.of(bool(hit == 1)),
        observed=lab.canonical_value,
        threshold=cutoff.threshold,
        comparator=cutoff.comparator,
        unit=lab.canonical_unit,
        reason=f"assay-specific cut-off {cutoff.name} used (not the lab's range)",
        source=cutoff.source,
    )


def dsdna_increased(lab: LabResult, *, cutoff: AssayCutoff | None = None) -> Criterion:
    """Whether an anti-dsDNA result is increased (positive).

    Parameters
    ----------
    lab : LabResult
        An anti-dsDNA result; its ``reference_high`` is the lab's upper limit of
        normal, in the result's own unit.
    cutoff : AssayCutoff, optional
        A documented assay-specific cut-off to use *instead of* the lab's range
        (:data:`FARR_PERCENT_BINDING_SLEDAI`, :data:`BLISS_IU_ML`,
        :data:`CLIFT_TITRE`, or a protocol's own). By default (None) the lab's
        upper limit is used and there is no fixed fallback.

    Returns
    -------
    Criterion
        ``anti_dsdna_increased``: met when the result is strictly above the
        lab's upper limit (or meets *cutoff*). ``observed`` and ``threshold``
        are in the result family's canonical unit (IU/mL, U/mL, %, reciprocal
        titre). Not evaluable, with the reason, when the lab gave no upper
        limit, or when *cutoff* is for another unit family or assay.

    Raises
    ------
    InvalidValueError
        If *lab* is not an anti-dsDNA result.

    Notes
    -----
    Source: SLEDAI-2K descriptor 21 (Gladman 2002) and LLDAS (Franklyn 2016):
    above the testing laboratory's normal range. "Positive" and "increased"
    are the same test here. For a titre, ``reference_high`` is the highest
    titre still normal (a lab reporting "negative < 1:10" has an upper limit of
    5, or use :data:`CLIFT_TITRE`).

    Examples
    --------
    >>> lab = LabResult(
    ...     analyte="anti_dsdna",
    ...     value=42,
    ...     unit="IU/mL",
    ...     date="2024-01-05",
    ...     reference_high=10,
    ...     assay="EliA dsDNA",
    ... )
    >>> c = dsdna_increased(lab)
    >>> c.status.value, c.observed, c.threshold, c.comparator.value, c.unit
    ('met', 42.0, 10.0, '>', 'IU/mL')
    >>> farr = LabResult(analyte="anti_dsdna", value=31, unit="%", date="2024-01-05")
    >>> dsdna_increased(farr).status.value
    'not_evaluable'
    >>> dsdna_increased(farr, cutoff=FARR_PERCENT_BINDING_SLEDAI).status.value
    'met'
    """
    lab = check_lab("lab", lab, {Analyte.ANTI_DSDNA}, what="an anti_dsdna result")
    name = "anti_dsdna_increased"
    if cutoff is not None:
        cut = as_instance(
            "cutoff", cutoff, AssayCutoff, expected="an AssayCutoff or None"
        )
        return _against_cutoff(lab, cut, name)
    uln = lab.reference_high_canonical
    if uln is None:
        return Criterion(
            name=name,
            status=Status.NOT_EVALUABLE,
            observed=lab.canonical_value,
            comparator=Comparator.GT,
            unit=lab.canonical_unit,
            reason=(
                "lab gave no upper reference limit; anti-dsDNA is judged against "
                "the lab's own range (no default across assays); pass cutoff= "
                "for a documented assay-specific cut-off"
            ),
            source=INCREASED_DSDNA_SOURCE,
        )
    hit = dsdna_increased_flags(
        np.asarray(lab.canonical_value, dtype=np.float64),
        np.asarray(uln, dtype=np.float64),
    )
    return Criterion(
        name=name,
        status=Status.of(bool(hit == 1)),
        observed=lab.canonical_value,
        threshold=uln,
        comparator=Comparator.GT,
        unit=lab.canonical_unit,
        reason=(
            f"lab's upper limit {lab.reference_high:g} {lab.unit} "
            f"(= {uln:.4g} {lab.canonical_unit})"
        ),
        source=INCREASED_DSDNA_SOURCE,
    )
