"""SLEDAI-2K descriptors as cited data, the scoring kernel and the result model.

Higher SLEDAI = more active disease. The score is the sum of the weights of
the descriptors that are present (Gladman 2002); the range is 0-105.

Encoding used by the kernel and the cohort form: one column per descriptor in
the order of :data:`lupusscore.models.SLEDAI_2K_DESCRIPTOR_NAMES`, ``1.0``
present, ``0.0`` absent, ``NaN`` not assessed. A row with a not-assessed
descriptor that the variant scores has no exact score: its score is ``NaN``,
with the bounds reported separately. Missing is never counted as absent.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    MissingMode,
    as_count,
    as_missing_mode,
    as_optional_flag,
    as_tristate,
    describe,
)
from lupusscore._display import fields_repr, html_of, markdown_of
from lupusscore.activity._variants import SledaiVariant, sledai_variant
from lupusscore.descriptors import (
    SLEDAI_2K_DESCRIPTOR_INDEX,
    SLEDAI_2K_DESCRIPTOR_NAMES,
    SLEDAI_2K_DESCRIPTORS,
    SLEDAI_2K_MAX_SCORE,
    SLEDAI_2K_WEIGHTS,
    OrganSystem,
    SledaiDescriptor,
)
from lupusscore.errors import InvalidValueError
from lupusscore.models import Visit
from lupusscore.results import (
    Comparator,
    Criterion,
    DeferredFields,
    ExplainedResult,
    Status,
    ValueResult,
)

__all__ = [
    "SLEDAI_2K_DESCRIPTORS",
    "SLEDAI_2K_MAX_SCORE",
    "SLEDAI_2K_WEIGHTS",
    "DescriptorResult",
    "DescriptorSource",
    "OrganSystem",
    "SledaiDescriptor",
    "SledaiResult",
    "SledaiScores",
    "sledai_2k",
    "sledai_2k_cohort",
]

_N: Final = len(SLEDAI_2K_DESCRIPTOR_NAMES)
#: Largest whole number a float64 holds exactly (2**53). A numerical bound on
#: counts that end up in a float field (window days, joint counts), not a
#: clinical limit: beyond it ``float()`` would round or overflow.
MAX_EXACT_COUNT: Final = 2**53


class DescriptorSource(StrEnum):
    """Where a descriptor's value came from."""

    CLINICIAN = "clinician"
    LAB = "lab"
    EXCLUDED = "excluded"
    NOT_ASSESSED = "not_assessed"


class DescriptorResult(ExplainedResult):
    """One descriptor in a scored SLEDAI.

    Attributes
    ----------
    name : str
        Descriptor name.
    weight : int
        Its weight.
    scored : bool
        Whether the variant scores it (False for the serology items of clinical
        SLEDAI).
    present : bool or None
        The finding: present, absent (also when excluded), or None if not
        assessed.
    counts : bool or None
        Whether it counts toward the score under the variant: False for an
        absent or excluded finding, or a persistent one where the variant counts
        only new or recurrent activity; None when that cannot be decided.
    contribution : int
        Points it adds (its weight if it counts, else 0).
    source : DescriptorSource
        Clinician, lab, excluded or not assessed.
    reason : str, optional
        Exclusion reason, or a note on how the value was decided.
    evidence : tuple of Criterion
        Lab or joint-count criteria behind the value, when there are any.
    status : Status
        Whether it counts: met (counts), not met, or not evaluable (the
        same answer as *counts*).
    missing : tuple of str
        ``(name,)`` when the variant scores it and it could not be decided.

    Notes
    -----
    Here *source* is where the value came from (a :class:`DescriptorSource`);
    the citation of the descriptor is :attr:`SledaiDescriptor.source`.
    """

    name: str
    weight: int
    scored: bool
    present: bool | None
    counts: bool | None
    contribution: int
    source: DescriptorSource
    evidence: tuple[Criterion, ...] = ()


class SledaiResult(DeferredFields, ValueResult):
    """A scored SLEDAI, explained descriptor by descriptor.

    Attributes
    ----------
    variant : str
        Variant id (``"sledai-2k"`` ...).
    window_days : int
        The look-back window the descriptors were assessed over.
    score : int
        Sum of the weights of the descriptors that count. When ``complete`` is
        False this is a lower bound.
    upper_bound : int
        The score if every not-assessed descriptor were present; equals
        ``score`` when complete.
    complete : bool
        True when every descriptor the variant scores was decided.
    not_assessed : tuple of str
        Scored descriptors that could not be decided, in form order.
    max_score : int
        The variant's maximum (105; 101 for clinical SLEDAI).
    descriptors : tuple of DescriptorResult
        All 24 descriptors in form order.
    value : float or None
        The exact score when complete, else None (not evaluable): never a
        silent lower bound.
    unit : str
        ``"points"``.
    status : Status
        Met (scored) when complete, else not evaluable.
    reason : str or None
        Which scored descriptors were not assessed.
    missing : tuple of str
        The same names as *not_assessed*, as data.
    source : str
        Citation of the variant.
    """

    variant: str
    window_days: int
    score: int
    upper_bound: int
    complete: bool
    not_assessed: tuple[str, ...]
    max_score: int
    descriptors: tuple[DescriptorResult, ...]

    @property
    def exact_score(self) -> int | None:
        """The score if complete, else None (never a silent lower bound)."""
        return self.score if self.complete else None

    @property
    def contributions(self) -> dict[str, int]:
        """Points contributed by each descriptor, by name, in form order."""
        return {d.name: d.contribution for d in self.descriptors}

    @property
    def sources(self) -> dict[str, DescriptorSource]:
        """Where each descriptor's value came from, by name."""
        return {d.name: d.source for d in self.descriptors}

    def descriptor(self, name: str) -> DescriptorResult:
        """Return the result for descriptor *name*.

        Raises
        ------
        InvalidValueError
            If *name* is not a SLEDAI-2K descriptor.
        """
        check_descriptor_names([name], field="name")
        return self.descriptors[SLEDAI_2K_DESCRIPTOR_INDEX[str(name)]]


class SledaiScores(NamedTuple):
    """Cohort SLEDAI scores, one entry per row.

    Attributes
    ----------
    score : numpy.ndarray of float64
        Exact score, or NaN where a scored descriptor was not assessed.
    lower_bound : numpy.ndarray of float64
        Sum of weights of descriptors known to count.
    upper_bound : numpy.ndarray of float64
        Lower bound plus the weights of undecided descriptors.
    complete : numpy.ndarray of bool
        True where every scored descriptor was decided.
    """

    score: npt.NDArray[np.float64]
    lower_bound: npt.NDArray[np.float64]
    upper_bound: npt.NDArray[np.float64]
    complete: npt.NDArray[np.bool_]

    # display: abbreviated repr and notebook views (lupusscore._display)
    def __repr__(self) -> str:
        return fields_repr(self)

    def _repr_html_(self) -> str:
        return html_of(self)

    def _repr_markdown_(self) -> str:
        return markdown_of(self)


# ---------------------------------------------------------------------------
# kernel
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _weights(variant: SledaiVariant) -> npt.NDArray[np.float64]:
    """Each descriptor's weight if the variant scores it, else 0 (cached, read-only)."""
    out = np.array(
        [d.weight if d.name in variant.scored else 0 for d in SLEDAI_2K_DESCRIPTORS],
        dtype=np.float64,
    )
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _needs_new(variant: SledaiVariant) -> npt.NDArray[np.bool_]:
    """Which descriptors count only when new or recurrent (cached, read-only)."""
    out = np.array(
        [n in variant.new_or_recurrent_only for n in SLEDAI_2K_DESCRIPTOR_NAMES],
        dtype=np.bool_,
    )
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _new_only_columns(variant: SledaiVariant) -> npt.NDArray[np.intp]:
    """Columns where :func:`_needs_new` is True (cached, read-only)."""
    out = np.flatnonzero(_needs_new(variant))
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=64)
def _scored(variant: SledaiVariant) -> tuple[bool, ...]:
    """Whether the variant scores each descriptor, in form order (cached)."""
    return tuple(n in variant.scored for n in SLEDAI_2K_DESCRIPTOR_NAMES)


def _kleene_and(
    a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    false = (a == 0) | (b == 0)
    unknown = np.isnan(a) | np.isnan(b)
    return np.where(false, 0.0, np.where(unknown, np.nan, 1.0))


def _counts_kernel(
    present: npt.NDArray[np.float64],
    new_or_recurrent: npt.NDArray[np.float64],
    variant: SledaiVariant,
) -> npt.NDArray[np.float64]:
    """Whether each descriptor counts (1/0/NaN), applying new-or-recurrent rules."""
    cols = _new_only_columns(variant)
    if cols.size == 0:
        return present
    out = np.array(present, dtype=np.float64, copy=True)
    out[..., cols] = _kleene_and(present[..., cols], new_or_recurrent[..., cols])
    return out


def _bounds_kernel(
    counts: npt.NDArray[np.float64], variant: SledaiVariant
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Lower and upper score bounds over the last axis (the one SLEDAI formula).

    The lower bound sums the weights of descriptors that count (1), the upper
    one adds those undecided (NaN). The weights are whole numbers, so the sums
    are exact whatever the order of addition (a matrix product here).
    """
    w = _weights(variant)
    counted = counts == 1
    lower: npt.NDArray[np.float64] = counted @ w
    upper: npt.NDArray[np.float64] = (counted | np.isnan(counts)) @ w
    return lower, upper


def _as_indicator(
    values: object, *, field: str, missing: MissingMode
) -> npt.NDArray[np.float64]:
    """Check an ``(n, 24)`` indicator array: 1 present, 0 absent, NaN not assessed.

    With ``missing="raise"`` a not-assessed (NaN/None) cell is an error naming
    the first such row and how many rows have one.
    """
    arr = as_tristate(field, values)
    if arr.ndim != 2 or arr.shape[1] != _N:  # noqa: PLR2004 - (n, 24) shape
        raise InvalidValueError(
            field=field,
            value=f"array of shape {arr.shape}",
            expected=f"shape (n, {_N}): one column per SLEDAI-2K descriptor",
        )
    if missing == "raise":
        bad_rows = np.isnan(arr).any(axis=1)
        if np.any(bad_rows):
            row = int(np.argmax(bad_rows))
            column = int(np.argmax(np.isnan(arr[row])))
            raise InvalidValueError(
                field=field,
                value=f"NaN ({SLEDAI_2K_DESCRIPTOR_NAMES[column]} not assessed)",
                expected="1 (present) or 0 (absent) in every cell; pass "
                'missing="propagate" to score rows with not-assessed descriptors '
                "as NaN with bounds",
                index=row,
                count=int(np.count_nonzero(bad_rows)),
            )
    return arr


def sledai_2k_cohort(
    present: npt.ArrayLike,
    *,
    variant: str | SledaiVariant = "sledai-2k",
    new_or_recurrent: npt.ArrayLike | None = None,
    missing: MissingMode = "raise",
) -> SledaiScores:
    """Score many assessments at once from an ``(n, 24)`` indicator array.

    Parameters
    ----------
    present : array-like of shape (n, 24)
        One row per assessment, one column per descriptor in the order of
        :data:`lupusscore.models.SLEDAI_2K_DESCRIPTOR_NAMES`: ``1`` present,
        ``0`` absent (or excluded), ``NaN`` not assessed. Booleans are accepted.
    variant : str, default "sledai-2k"
        Which SLEDAI to compute (see :data:`SLEDAI_VARIANTS`).
    new_or_recurrent : array-like of shape (n, 24), optional
        For variants that count some descriptors only when new or recurrent
        (original SLEDAI, SELENA-SLEDAI): ``1`` new or recurrent, ``0``
        persistent, ``NaN`` unknown. Without it, a present descriptor of that
        kind is undecided (the row's score is NaN).
    missing : {"raise", "propagate"}, default "raise"
        What a not-assessed (NaN or None) cell of *present* does: ``"raise"``
        names the first such row and how many rows have one; ``"propagate"``
        scores those rows as NaN with their lower and upper bounds.

    Returns
    -------
    SledaiScores
        ``score`` (NaN where incomplete), ``lower_bound``, ``upper_bound`` and
        ``complete`` arrays of length n.

    Raises
    ------
    InvalidValueError
        Wrong shape, a value other than 0, 1, NaN or a boolean (strings such
        as ``"1"`` are rejected), or, with ``missing="raise"``, a NaN in
        *present*.
    DefinitionError
        Unknown variant.

    Notes
    -----
    The arthritis column is taken as assessed under the variant's joint-count
    threshold; use :func:`sledai_2k` with ``inflamed_joints`` to apply one.

    References
    ----------
    Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91.

    Examples
    --------
    >>> import numpy as np
    >>> rows = np.zeros((2, 24))
    >>> rows[0, 12] = 1  # proteinuria
    >>> rows[1, 0] = np.nan  # seizure not assessed
    >>> out = sledai_2k_cohort(rows, missing="propagate")
    >>> out.score.tolist(), out.lower_bound.tolist(), out.upper_bound.tolist()
    ([4.0, nan], [4.0, 0.0], [4.0, 8.0])
    """
    v = sledai_variant(variant)
    mode = as_missing_mode(missing)
    arr = _as_indicator(present, field="present", missing=mode)
    new = None
    if new_or_recurrent is not None:
        # NaN here is "not known whether new": it leaves the row undecided.
        new = _as_indicator(
            new_or_recurrent, field="new_or_recurrent", missing="propagate"
        )
        if new.shape != arr.shape:
            raise InvalidValueError(
                field="new_or_recurrent",
                value=f"array of shape {new.shape}",
                expected=f"the shape of present, {arr.shape}",
            )
    return score_indicators(arr, new, v)


def score_indicators(
    present: npt.NDArray[np.float64],
    new_or_recurrent: npt.NDArray[np.float64] | None,
    variant: SledaiVariant,
) -> SledaiScores:
    """Score checked ``(n, 24)`` indicators: :func:`sledai_2k_cohort` after its checks.

    *present* (and *new_or_recurrent*, None for not known) must already be
    float64 arrays of 1 / 0 / NaN of shape ``(n, 24)``, as
    :func:`sledai_2k_cohort` checks them (the cohort kernel builds them so).
    """
    new = new_or_recurrent
    if new is None and _new_only_columns(variant).size:
        new = np.full_like(present, np.nan)  # not known whether new
    counts = present if new is None else _counts_kernel(present, new, variant)
    lower, upper = _bounds_kernel(counts, variant)
    complete = lower == upper
    return SledaiScores(
        score=np.where(complete, lower, np.nan),
        lower_bound=lower,
        upper_bound=upper,
        complete=complete,
    )


# ---------------------------------------------------------------------------
# one assessment
# ---------------------------------------------------------------------------


def check_descriptor_names(names: Iterable[object], *, field: str) -> None:
    """Domain check: every name is a SLEDAI-2K descriptor (unhashable too)."""
    unknown = sorted(
        describe(n) if not isinstance(n, str) else n
        for n in names
        if not (isinstance(n, str) and n in SLEDAI_2K_DESCRIPTOR_INDEX)
    )
    if unknown:
        raise InvalidValueError(
            field=field,
            value=unknown,
            expected="SLEDAI-2K descriptor names: "
            + ", ".join(SLEDAI_2K_DESCRIPTOR_NAMES),
        )


def read_findings(values: object, *, field: str) -> dict[str, bool | None]:
    """Check a descriptor mapping; return it with plain True/False/None values.

    NaN and ``pandas.NA`` mean *not assessed* (None); ``"yes"``, ``1`` and
    ``"1"`` are rejected.
    """
    if not isinstance(values, Mapping):
        raise InvalidValueError(
            field=field,
            value=describe(values),
            expected="a mapping of descriptor name to True/False/None",
        )
    check_descriptor_names(values, field=field)
    return {
        str(name): as_optional_flag(f"{field}[{name!r}]", value)
        for name, value in values.items()
    }


#: The criteria behind a descriptor, or a builder of them (called when the
#: result's descriptors are first read; see :func:`assemble_sledai`).
Evidence = tuple[Criterion, ...] | Callable[[], tuple[Criterion, ...]]


class _Finding(NamedTuple):
    """One descriptor's finding before the variant's counting rules.

    Immutable; a named tuple because 24 are built per scored visit.
    """

    present: bool | None
    source: DescriptorSource
    reason: str | None = None
    evidence: Evidence = ()


def _to_float(value: bool | None) -> float:  # noqa: FBT001 - tri-state
    return np.nan if value is None else float(value)


#: A finding as the kernel's float: 1 present, 0 absent, NaN not assessed.
_AS_FLOAT: Final[dict[bool | None, float]] = {True: 1.0, False: 0.0, None: math.nan}


def _from_float(value: float) -> bool | None:
    return None if math.isnan(value) else bool(value == 1)


def _arthritis_from_joints(
    inflamed_joints: int, min_joints: int, *, clinician: bool | None
) -> _Finding:
    met = inflamed_joints >= min_joints
    note = (
        f"{inflamed_joints} inflamed joint(s) against >= {min_joints}; the joint "
        "count decides"
    )
    if clinician is not None and clinician != met:
        note += f" (the clinician-entered value {clinician} differs)"
    crit = Criterion(
        name="arthritis_joint_count",
        status=Status.of(met),
        observed=float(inflamed_joints),
        threshold=float(min_joints),
        comparator=Comparator.GE,
        unit="joints",
        source="joints with pain and signs of inflammation; threshold: "
        "SLEDAI-2K sheet >= 2, original SLEDAI > 2 (provisional: which wording "
        "Gladman 2002 prints is unverified at primary level; set "
        "arthritis_min_joints to choose)",
    )
    return _Finding(met, DescriptorSource.CLINICIAN, note, (crit,))


#: The finding of a descriptor neither entered, derivable nor excluded.
_UNASSESSED: Final = _Finding(
    None,
    DescriptorSource.NOT_ASSESSED,
    "neither clinician-entered nor derivable from labs",
)


def merge_findings(
    clinician: Mapping[str, bool | None],
    exclusions: Mapping[str, str],
    derived: Mapping[str, tuple[Status, Evidence, str]],
    *,
    inflamed_joints: int | None,
    arthritis_min_joints: int,
) -> dict[str, _Finding]:
    out: dict[str, _Finding] = {}
    any_excluded = bool(exclusions)
    for name in SLEDAI_2K_DESCRIPTOR_NAMES:
        entered = clinician.get(name)
        lab = derived.get(name)
        excluded = any_excluded and name in exclusions
        if (
            lab is None
            and entered is None
            and not excluded
            and (name != "arthritis" or inflamed_joints is None)
        ):
            out[name] = _UNASSESSED  # nothing entered, derived or excluded
            continue
        evidence = lab[1] if lab is not None else ()
        if excluded:
            out[name] = _Finding(
                present=False,
                source=DescriptorSource.EXCLUDED,
                reason=f"excluded: {exclusions[name]}",
                evidence=evidence,
            )
        elif name == "arthritis" and inflamed_joints is not None:
            out[name] = _arthritis_from_joints(
                inflamed_joints, arthritis_min_joints, clinician=entered
            )
        elif entered is not None:
            note = None
            if lab is not None and lab[0] is not Status.NOT_EVALUABLE:
                lab_value = lab[0] is Status.MET
                if lab_value != entered:
                    note = (
                        f"clinician-entered value used; the lab-derived value "
                        f"({lab_value}) differs"
                    )
            out[name] = _Finding(
                bool(entered), DescriptorSource.CLINICIAN, note, evidence
            )
        elif lab is not None and lab[0] is not Status.NOT_EVALUABLE:
            out[name] = _Finding(
                lab[0] is Status.MET, DescriptorSource.LAB, lab[2] or None, evidence
            )
        else:
            why = "neither clinician-entered nor derivable from labs"
            if lab is not None and lab[2]:
                why += f" ({lab[2]})"
            out[name] = _Finding(None, DescriptorSource.NOT_ASSESSED, why, evidence)
    return out


def assemble_sledai(
    findings: Mapping[str, _Finding],
    variant: SledaiVariant,
    window_days: int,
    new_or_recurrent: Mapping[str, bool | None],
) -> SledaiResult:
    """Score the findings under the variant: the explained result.

    The score, its bounds and the descriptors not assessed are computed at
    once; the 24 descriptor results (reasons, evidence criteria) are built on
    first access (:class:`lupusscore.results.DeferredFields`), with the values
    an eager construction gives.
    """
    present = np.array(
        [_AS_FLOAT[findings[n].present] for n in SLEDAI_2K_DESCRIPTOR_NAMES]
    )
    new = (
        np.array(
            [_to_float(new_or_recurrent.get(n)) for n in SLEDAI_2K_DESCRIPTOR_NAMES]
        )
        if variant.new_or_recurrent_only
        else present  # not read: the variant has no new-or-recurrent rule
    )
    counts = _counts_kernel(present[np.newaxis], new[np.newaxis], variant)
    lower, upper = _bounds_kernel(counts, variant)
    row = counts[0].tolist()  # Python floats: the same values, read faster
    not_assessed = tuple(
        name
        for name, scored, c in zip(
            SLEDAI_2K_DESCRIPTOR_NAMES, _scored(variant), row, strict=True
        )
        if scored and math.isnan(c)
    )

    def descriptors() -> dict[str, object]:
        return {"descriptors": _descriptor_results(findings, variant, row)}

    # Status and value agree by construction (what ValueResult checks).
    return SledaiResult._trusted_deferred(
        descriptors,
        _SLEDAI_FIELDS_SET,
        status=Status.NOT_EVALUABLE if not_assessed else Status.MET,
        value=None if not_assessed else float(lower[0]),
        unit="points",
        reason=("not assessed: " + ", ".join(not_assessed) if not_assessed else None),
        missing=not_assessed,
        source=variant.source,
        variant=variant.id,
        window_days=window_days,
        score=int(lower[0]),
        upper_bound=int(upper[0]),
        complete=not not_assessed,
        not_assessed=not_assessed,
        max_score=variant.max_score,
    )


#: The fields a scored SLEDAI records as given (all but ``notes``).
_SLEDAI_FIELDS_SET: Final = frozenset(SledaiResult.model_fields) - {"notes"}


def _descriptor_results(
    findings: Mapping[str, _Finding], variant: SledaiVariant, row: list[float]
) -> tuple[DescriptorResult, ...]:
    """Each descriptor's explained result, in form order."""
    rows: list[DescriptorResult] = []
    for i, d in enumerate(SLEDAI_2K_DESCRIPTORS):
        f = findings[d.name]
        scored = d.name in variant.scored
        c = _from_float(row[i])
        reason = f.reason
        if d.name in variant.new_or_recurrent_only and f.present:
            rule = f"{variant.label} counts {d.name} only when new or recurrent"
            if c is None:
                reason = _join(reason, f"{rule}; new_or_recurrent not given")
            elif not c:
                reason = _join(reason, f"{rule}; recorded as persistent")
        if not scored:
            reason = _join(reason, f"not part of {variant.label}")
        decided = c if scored else False
        evidence = f.evidence if isinstance(f.evidence, tuple) else f.evidence()
        rows.append(  # checked values of the field types: no re-validation
            DescriptorResult._trusted(
                status=Status.of(decided),
                missing=(d.name,) if decided is None else (),
                name=d.name,
                weight=d.weight,
                scored=scored,
                present=f.present,
                counts=decided,
                contribution=d.weight if scored and c else 0,
                source=f.source,
                reason=reason,
                evidence=evidence,
            )
        )
    return tuple(rows)


def _join(first: str | None, second: str) -> str:
    return second if not first else f"{first}; {second}"


def resolve_sledai_options(
    variant: str | SledaiVariant,
    window_days: int | None,
    arthritis_min_joints: int | None,
    inflamed_joints: int | None,
    new_or_recurrent: Mapping[str, bool | None] | None,
) -> tuple[SledaiVariant, int, int, int | None, Mapping[str, bool | None]]:
    v = sledai_variant(variant)
    window = (
        v.window_days
        if window_days is None
        else as_count(
            "window_days", window_days, minimum=1, maximum=MAX_EXACT_COUNT, unit="days"
        )
    )
    min_joints = (
        v.arthritis_min_joints
        if arthritis_min_joints is None
        else as_count(
            "arthritis_min_joints",
            arthritis_min_joints,
            minimum=1,
            maximum=MAX_EXACT_COUNT,
            unit="joints",
        )
    )
    joints = (
        None
        if inflamed_joints is None
        else as_count(
            "inflamed_joints",
            inflamed_joints,
            minimum=0,
            maximum=MAX_EXACT_COUNT,
            unit="joints",
        )
    )
    nr = (
        {}
        if new_or_recurrent is None
        else read_findings(new_or_recurrent, field="new_or_recurrent")
    )
    return v, window, min_joints, joints, nr


def sledai_2k(
    descriptors: Mapping[str, bool | None] | Visit,
    *,
    variant: str | SledaiVariant = "sledai-2k",
    window_days: int | None = None,
    inflamed_joints: int | None = None,
    arthritis_min_joints: int | None = None,
    new_or_recurrent: Mapping[str, bool | None] | None = None,
) -> SledaiResult:
    """Score SLEDAI-2K (or a named variant) from clinician-assessed descriptors.

    Parameters
    ----------
    descriptors : mapping of str to bool or None, or Visit
        Descriptor name -> True (present), False (absent) or None (not
        assessed); names not given are not assessed. numpy booleans are
        flags and NaN / ``pandas.NA`` mean not assessed; ``"yes"``, ``1`` and
        ``"1"`` are rejected. A :class:`Visit` supplies
        ``visit.descriptors`` and its ``exclusions`` are honoured (labs are not
        read; use :func:`sledai_2k_visit` for that).
    variant : str, default "sledai-2k"
        ``"sledai-2k"``, ``"sledai-2k-30d"``, ``"clinical-sledai-2k"``,
        ``"sledai"`` (original) or ``"selena-sledai"``.
    window_days : int, optional
        Look-back window the descriptors were assessed over, in days; recorded
        with the result. Default: the variant's (10, or 30 for sledai-2k-30d).
    inflamed_joints : int, optional
        Number of joints with pain and signs of inflammation. When given, it
        decides arthritis against ``arthritis_min_joints``.
    arthritis_min_joints : int, optional
        Minimum inflamed joints for arthritis. Default: 2 for the SLEDAI-2K
        family (">= 2 joints"), 3 for original SLEDAI and SELENA-SLEDAI
        ("> 2 joints").
    new_or_recurrent : mapping of str to bool or None, optional
        For variants that count some descriptors only when new or recurrent:
        True new or recurrent, False persistent. A present descriptor of that
        kind without an entry here is undecided (the result is incomplete).

    Returns
    -------
    SledaiResult
        ``score`` (int; a lower bound when ``complete`` is False), each
        descriptor's contribution and source, ``not_assessed`` and
        ``window_days``.

    Raises
    ------
    InvalidValueError
        An unknown descriptor name, a value that is not a flag, a count that is
        not a whole number (``window_days="10"``, ``True``), or *descriptors*
        of another type.
    DefinitionError
        An unknown variant.

    References
    ----------
    Gladman DD, Ibañez D, Urowitz MB. J Rheumatol 2002;29:288-91.

    Examples
    --------
    >>> r = sledai_2k({"arthritis": True, "proteinuria": True, "rash": False})
    >>> r.score, r.complete, len(r.not_assessed)
    (8, False, 21)
    >>> full = {name: False for name in SLEDAI_2K_WEIGHTS}
    >>> sledai_2k(full | {"seizure": True, "low_complement": True}).score
    10
    """
    v, window, min_joints, joints, nr = resolve_sledai_options(
        variant, window_days, arthritis_min_joints, inflamed_joints, new_or_recurrent
    )
    if isinstance(descriptors, Visit):
        clinician = read_findings(descriptors.descriptors, field="visit.descriptors")
        exclusions: Mapping[str, str] = descriptors.exclusions
    elif isinstance(descriptors, Mapping):
        clinician, exclusions = read_findings(descriptors, field="descriptors"), {}
    else:
        raise InvalidValueError(
            field="descriptors",
            value=describe(descriptors),
            expected="a mapping of descriptor name to True/False/None, or a Visit",
        )
    findings = merge_findings(
        clinician,
        exclusions,
        {},
        inflamed_joints=joints,
        arthritis_min_joints=min_joints,
    )
    return assemble_sledai(findings, v, window, nr)
