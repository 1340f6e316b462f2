"""SLEDAI for every visit of a cohort at once: the array form of ``sledai_2k_visit``.

:func:`sledai_2k_visits` takes plain columns (one element per visit, one per
lab row, as :class:`lupusscore.cohort.Cohort` holds them; this module does not
import the cohort layer) and scores every visit with no Python loop per visit
or participant. It applies the same rules as :func:`sledai_2k_visit`, through
the same code:

- each lab row is judged once: the numeric descriptors by
  :func:`~lupusscore.activity._derive.rule_flags` (the :data:`LAB_RULES`),
  low complement and increased DNA binding by the serology kernels behind
  :func:`~lupusscore.serology.low_complement` and
  :func:`~lupusscore.serology.dsdna_increased`;
- the visits that see a lab row form one contiguous run in (participant,
  date) order: those of its participant dated from the lab's day to
  ``window_days`` days after it, and not before the visit the lab was
  recorded at (a visit sees its own labs and earlier visits' labs, never a
  later visit's; labs dated after a visit never count for it). Each run is
  found by a sorted search and the counts of present / absent / not-evaluable
  judgements per visit are range sums taken with one cumulative sum;
- clinician-entered descriptors take precedence, exclusions are applied as in
  :func:`~lupusscore.activity._sledai.merge_findings`, and the score and its
  bounds come from :func:`sledai_2k_cohort`'s formula (``score_indicators``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from lupusscore._arrays import lexsort_stable, searchsorted_runs
from lupusscore._checks import (
    FloatArray,
    as_flag,
    as_floats,
    as_tristate,
    describe,
)
from lupusscore._display import fields_repr, html_of, markdown_of
from lupusscore.activity._derive import LAB_RULES, combine_rule_flags, rule_flags
from lupusscore.activity._sledai import (
    DescriptorSource,
    check_descriptor_names,
    resolve_sledai_options,
    score_indicators,
)
from lupusscore.activity._variants import SledaiVariant
from lupusscore.analytes import Analyte
from lupusscore.descriptors import (
    SLEDAI_2K_DESCRIPTOR_INDEX,
    SLEDAI_2K_DESCRIPTOR_NAMES,
)
from lupusscore.errors import InvalidValueError
from lupusscore.serology._complement import (
    COMPLEMENT_ANALYTES,
    complement_lower_limits,
    low_complement_flags,
)
from lupusscore.serology._dsdna import (
    FARR_PERCENT_BINDING_SLEDAI,
    cutoff_flags,
    dsdna_increased_flags,
)

__all__ = [
    "DESCRIPTOR_SOURCE_CODES",
    "SLEDAI_VISITS_COLUMNS",
    "SledaiVisitScores",
    "sledai_2k_visits",
]

#: ``source`` code of :class:`SledaiVisitScores`: an index into this tuple.
DESCRIPTOR_SOURCE_CODES: Final[tuple[DescriptorSource, ...]] = tuple(DescriptorSource)
_CLINICIAN: Final = DESCRIPTOR_SOURCE_CODES.index(DescriptorSource.CLINICIAN)
_LAB: Final = DESCRIPTOR_SOURCE_CODES.index(DescriptorSource.LAB)
_EXCLUDED: Final = DESCRIPTOR_SOURCE_CODES.index(DescriptorSource.EXCLUDED)
_NOT_ASSESSED: Final = DESCRIPTOR_SOURCE_CODES.index(DescriptorSource.NOT_ASSESSED)

#: The keyword arguments of :func:`sledai_2k_visits` that are columns of a
#: :class:`lupusscore.cohort.Cohort` of the same name.
SLEDAI_VISITS_COLUMNS: Final[tuple[str, ...]] = (
    "visit_participant",
    "visit_date",
    "visit_descriptors",
    "visit_exclusions",
    "lab_participant",
    "lab_visit",
    "lab_analyte",
    "lab_datetime",
    "lab_canonical",
    "lab_reference_low_canonical",
    "lab_reference_high_canonical",
    "lab_family",
)

_ANALYTES: Final[tuple[Analyte, ...]] = tuple(Analyte)
_CODE: Final[dict[Analyte, int]] = {a: i for i, a in enumerate(_ANALYTES)}
_N: Final = len(SLEDAI_2K_DESCRIPTOR_NAMES)

#: A flag code -1 / 0 / 1 (not recorded / no / yes), shifted by one, to its
#: tri-state value NaN / 0.0 / 1.0 (the values :func:`as_tristate` gives).
_CODE_FLAGS: Final = np.array([np.nan, 0.0, 1.0])
_CODE_FLAGS.setflags(write=False)
Codes = npt.NDArray[np.int8]
Ints = npt.NDArray[np.int64]

#: The lab-row groups of the kernel, each judged by one rule: one group per
#: :data:`LAB_RULES` entry (its analyte), then low complement (C3, C4, CH50),
#: then increased DNA binding (anti-dsDNA). An analyte is in one group at most.
_G_COMPLEMENT: Final = len(LAB_RULES)
_G_DSDNA: Final = _G_COMPLEMENT + 1
_N_GROUPS: Final = _G_DSDNA + 1


def _group_table() -> Codes:
    """Each analyte code's group (-1: no SLEDAI descriptor reads it)."""
    out = np.full(len(_ANALYTES), -1, dtype=np.int8)  # int8: a fast stable sort
    members = [(k, [r.analyte]) for k, r in enumerate(LAB_RULES)]
    members += [(_G_COMPLEMENT, sorted(COMPLEMENT_ANALYTES))]
    members += [(_G_DSDNA, [Analyte.ANTI_DSDNA])]
    for k, analytes in members:
        for a in analytes:
            if out[_CODE[a]] >= 0:  # pragma: no cover - a definition error
                msg = f"analyte {a.value} is read by two SLEDAI lab rules"
                raise AssertionError(msg)
            out[_CODE[a]] = k
    out.setflags(write=False)
    return out


#: Analyte code -> group (-1: not read); group -> the descriptor's column.
_GROUP_OF: Final = _group_table()
_GROUP_DESCRIPTOR: Final = np.array(
    [SLEDAI_2K_DESCRIPTOR_INDEX[r.descriptor] for r in LAB_RULES]
    + [
        SLEDAI_2K_DESCRIPTOR_INDEX["low_complement"],
        SLEDAI_2K_DESCRIPTOR_INDEX["increased_dna_binding"],
    ],
    dtype=np.int64,
)
_GROUP_DESCRIPTOR.setflags(write=False)


class SledaiVisitScores(NamedTuple):
    """SLEDAI of every visit, in the order of the visit columns given.

    Attributes
    ----------
    score : numpy.ndarray of float64
        Exact score, or NaN where a scored descriptor was not assessed.
    lower_bound, upper_bound : numpy.ndarray of float64
        The score's bounds (equal where complete).
    complete : numpy.ndarray of bool
        True where every descriptor the variant scores was decided.
    present : mapping of str to numpy.ndarray of int8
        Per descriptor, the finding used: ``1`` present, ``0`` absent (also
        when excluded), ``-1`` not assessed (as
        :attr:`DescriptorResult.present`).
    source : mapping of str to numpy.ndarray of int8
        Per descriptor, where the finding came from: an index into
        :data:`DESCRIPTOR_SOURCE_CODES` (clinician, lab, excluded, not
        assessed; as :attr:`DescriptorResult.source`).
    """

    score: npt.NDArray[np.float64]
    lower_bound: npt.NDArray[np.float64]
    upper_bound: npt.NDArray[np.float64]
    complete: npt.NDArray[np.bool_]
    present: Mapping[str, Codes]
    source: Mapping[str, Codes]

    # display: abbreviated repr and notebook views (lupusscore._display)
    def __repr__(self) -> str:
        return fields_repr(self)

    def _repr_html_(self) -> str:
        return html_of(self)

    def _repr_markdown_(self) -> str:
        return markdown_of(self)


# ---------------------------------------------------------------------------
# boundary checks of the columns
# ---------------------------------------------------------------------------


def _one_d(name: str, value: object, length: int | None) -> npt.NDArray[np.generic]:
    try:
        arr = np.asarray(value)
    except (OverflowError, TypeError, ValueError):  # ragged nesting
        arr = np.asarray(None)
    if arr.ndim != 1 or (length is not None and arr.shape[0] != length):
        want = "a 1-d array" + (f" of length {length}" if length is not None else "")
        raise InvalidValueError(
            field=name,
            value=f"{describe(value)} (shape {arr.shape})",
            expected=want + " (one element per row)",
        )
    return arr


def _ints(name: str, value: object, length: int | None) -> Ints:
    """Return a column of whole numbers as int64 (integer arrays kept exact)."""
    arr = _one_d(name, value, length)
    if arr.dtype.kind in "iu" and np.can_cast(arr.dtype, np.int64):
        return arr.astype(np.int64)
    floats = as_floats(name, arr, integer=True)
    big = np.abs(floats) > 2**53
    if np.any(big):
        first = int(np.argmax(big))
        raise InvalidValueError(
            field=name,
            value=float(floats[first]),
            expected="a whole number of at most 2**53 in magnitude (or an int64 array)",
            index=first,
            count=int(np.count_nonzero(big)),
        )
    return floats.astype(np.int64)


def _indices(name: str, value: object, length: int | None, *, below: int) -> Ints:
    """Whole-number row references in ``0 .. below - 1``."""
    ints = _ints(name, value, length)
    bad = (ints < 0) | (ints >= below)
    if np.any(bad):
        first = int(np.argmax(bad))
        raise InvalidValueError(
            field=name,
            value=int(ints[first]),
            expected=f"an index from 0 to {below - 1}",
            index=first,
            count=int(np.count_nonzero(bad)),
        )
    return ints


def _days(name: str, value: object, length: int | None) -> Ints:
    """Calendar days (days since 1970-01-01) of a datetime64 column; no NaT."""
    arr = _one_d(name, value, length)
    if arr.dtype.kind != "M":
        raise InvalidValueError(
            field=name,
            value=f"an array of dtype {arr.dtype}",
            expected="a datetime64 array",
        )
    days = arr.astype("datetime64[D]")
    nat = np.isnat(days)
    if np.any(nat):
        first = int(np.argmax(nat))
        raise InvalidValueError(
            field=name,
            value="NaT",
            expected="a date (a missing date cannot be placed in a window)",
            index=first,
            count=int(np.count_nonzero(nat)),
        )
    return days.view(np.int64)  # the day numbers of a new array: no second copy


def _tristate_columns(name: str, columns: object, n: int) -> npt.NDArray[np.float64]:
    """Descriptor name -> tri-state column as an ``(n, 24)`` array (NaN: none)."""
    if not isinstance(columns, Mapping):
        raise InvalidValueError(
            field=name,
            value=describe(columns),
            expected="a mapping of SLEDAI-2K descriptor name to a column of "
            "1 / 0 / -1 (or True / False / None)",
        )
    check_descriptor_names(columns, field=name)
    out = np.full((n, _N), np.nan)
    for key, column in columns.items():
        field = f"{name}[{key!r}]"
        arr = _one_d(field, column, n)
        if arr.dtype.kind in "iu":  # the cohort's int8 codes: -1 is "not recorded"
            if not np.any(np.less(arr, -1) | np.greater(arr, 1)):  # one look-up
                shifted = arr.astype(np.int64) + 1  # -1 / 0 / 1 -> 0 / 1 / 2
                out[:, SLEDAI_2K_DESCRIPTOR_INDEX[key]] = _CODE_FLAGS[shifted]
                continue
            arr = np.where(arr == -1, np.nan, arr.astype(np.float64))  # reported
        out[:, SLEDAI_2K_DESCRIPTOR_INDEX[key]] = as_tristate(field, arr)
    return out


def _descriptor_codes(name: str, columns: object, n: int) -> Codes:
    """Descriptor name -> code column as an ``(n, 24)`` int8 array (-1: none).

    The codes are 1 / 0 / -1 (present, absent, not recorded): the values of
    :func:`_tristate_columns` (1.0 / 0.0 / NaN) as codes. The cohort's columns
    (int8 codes, one per visit) are laid out as they are and checked in one
    pass; any other input, or a code other than 1 / 0 / -1, goes through
    :func:`_tristate_columns` (its conversions and its errors).
    """
    if isinstance(columns, Mapping):
        check_descriptor_names(columns, field=name)
        if all(
            type(column) is np.ndarray
            and column.dtype == np.int8
            and column.shape == (n,)
            for column in columns.values()
        ):
            codes = np.full((n, _N), -1, dtype=np.int8)
            for key, column in columns.items():
                codes[:, SLEDAI_2K_DESCRIPTOR_INDEX[key]] = column
            if not n or (codes.min() >= -1 and codes.max() <= 1):
                return codes
    values = _tristate_columns(name, columns, n)
    codes = np.full((n, _N), -1, dtype=np.int8)
    np.copyto(codes, values, casting="unsafe", where=~np.isnan(values))
    return codes


def _not_none(arr: npt.NDArray[np.generic]) -> Ints:
    """Positions of the elements of an object array that are not None."""
    try:  # one C loop; a hostile element's comparison may fail
        mask = np.asarray(np.not_equal(arr, np.array(None, dtype=object)), dtype=bool)
    except (TypeError, ValueError):
        mask = np.array([item is not None for item in arr.tolist()], dtype=bool)
    return np.flatnonzero(mask)


def _exclusions(value: object, n: int) -> npt.NDArray[np.bool_]:
    """Per visit and descriptor: excluded (another cause explains it)."""
    arr = _one_d("visit_exclusions", value, n)
    out = np.zeros((n, _N), dtype=np.bool_)
    given = _not_none(arr) if arr.dtype == object else None
    if given is None:
        if n:
            raise InvalidValueError(
                field="visit_exclusions",
                value=f"an array of dtype {arr.dtype}",
                expected="an object array of None or a mapping of descriptor "
                "name to the other cause",
            )
        return out
    for i in given:  # only the visits that have exclusions
        item = arr[i]
        if not isinstance(item, Mapping):
            raise InvalidValueError(
                field="visit_exclusions",
                value=describe(item),
                expected="None or a mapping of descriptor name to the other cause",
                index=int(i),
            )
        check_descriptor_names(item, field=f"visit_exclusions[{int(i)}]")
        for key in item:
            out[i, SLEDAI_2K_DESCRIPTOR_INDEX[key]] = True
    return out


# ---------------------------------------------------------------------------
# windows
# ---------------------------------------------------------------------------


def _rank(
    visit_participant: Ints,
    visit_day: Ints,
    participant: Ints,
    day: Ints,
    *,
    inclusive: bool,
) -> Ints:
    """How many visits (sorted by participant, day) come before each query.

    Visits of an earlier participant, or of the same participant on an earlier
    day, count; with *inclusive* those on the same day count too. The query
    participants are visit participants. One ``searchsorted`` on a combined
    (participant, day) key; where that key could overflow, one sort of visits
    and queries together instead.
    """
    n = len(visit_participant)
    if n == 0 or len(day) == 0:
        return np.zeros(len(day), dtype=np.int64)
    p0, p1 = int(visit_participant[0]), int(visit_participant[-1])
    d0, d1 = int(visit_day.min()), int(visit_day.max())
    span = d1 - d0 + 3  # query days are clipped to d0 - 1 .. d1 + 1
    if (p1 - p0 + 1) * span < 2**62:
        shift = d0 - 1
        keys = (visit_participant - p0) * span + (visit_day - shift)
        q = (participant - p0) * span + (np.clip(day, d0 - 1, d1 + 1) - shift)
        side: Literal["left", "right"] = "right" if inclusive else "left"
        return searchsorted_runs(keys, q, side=side)
    tie = np.concatenate(
        (np.full(n, 0 if inclusive else 1), np.full(len(day), 1 if inclusive else 0))
    )
    order = np.lexsort(
        (
            tie,
            np.concatenate((visit_day, day)),
            np.concatenate((visit_participant, participant)),
        )
    )
    is_visit = order < n
    before = np.cumsum(is_visit)
    out = np.empty(len(day), dtype=np.int64)
    out[order[~is_visit] - n] = before[~is_visit]
    return out


def _visit_order(vp: Ints, vday: Ints) -> Ints:
    """Visits sorted by (participant, day), stably: ``np.lexsort((vday, vp))``."""
    return lexsort_stable((vday, vp)).astype(np.int64)


def _window_counts(
    start: Ints, stop: Ints, kind: Ints, kinds: int, position: Ints
) -> Ints:
    """Per kind of row and visit, how many rows have the visit in their run.

    Row *i* of kind ``kind[i]`` counts at the sorted visits ``start[i] ..
    stop[i] - 1``; ``stop[i] >= start[i]`` (an empty run, ``stop == start``,
    is a row that counts nowhere). Returns a ``(kinds, n)`` array, visits in
    input order (``position``: each visit's place in the sorted order). One
    pair of ``bincount`` and one cumulative sum for all kinds: the counts are
    exact integers.
    """
    n = len(position)
    if not len(start):  # no rows: no counts (what the passes below give)
        return np.zeros((kinds, n), dtype=np.int64)
    width = n + 1
    base = kind * width
    delta = np.bincount(base + start, minlength=kinds * width)
    delta -= np.bincount(base + stop, minlength=kinds * width)
    counts = np.cumsum(delta.reshape(kinds, width)[:, :n], axis=1)
    return np.take(counts, position, axis=1)  # (``counts[:, position]`` is slow)


def _any_of(met: Ints, undecided: Ints, total: Ints) -> FloatArray:
    """Three-valued OR of window counts: 1 met, 0 not met, NaN not evaluable."""
    return np.where(met > 0, 1.0, np.where((total == 0) | (undecided > 0), np.nan, 0.0))


# ---------------------------------------------------------------------------
# the kernel
# ---------------------------------------------------------------------------


def sledai_2k_visits(
    *,
    visit_participant: npt.ArrayLike,
    visit_date: npt.ArrayLike,
    visit_descriptors: Mapping[str, npt.ArrayLike],
    visit_exclusions: npt.ArrayLike,
    lab_participant: npt.ArrayLike,
    lab_visit: npt.ArrayLike,
    lab_analyte: npt.ArrayLike,
    lab_datetime: npt.ArrayLike,
    lab_canonical: npt.ArrayLike,
    lab_reference_low_canonical: npt.ArrayLike,
    lab_reference_high_canonical: npt.ArrayLike,
    lab_family: npt.ArrayLike,
    window_days: int | None = None,
    variant: str | SledaiVariant = "sledai-2k",
    use_upcr: bool = True,
    use_default_complement_limits: bool = False,
    new_or_recurrent: Mapping[str, npt.ArrayLike] | None = None,
) -> SledaiVisitScores:
    """Score SLEDAI at every visit of a cohort from columns (vectorised).

    The result for each visit equals :func:`sledai_2k_visit` of that visit
    with the participant's earlier visits as history, under the same options.

    Parameters
    ----------
    visit_participant : array of int
        Per visit, its participant (any integer id; visits of one participant
        share it).
    visit_date : array of datetime64
        Per visit, its date (a time of day is dropped).
    visit_descriptors : mapping of str to array
        Clinician-entered SLEDAI-2K descriptors: name -> column over visits of
        ``1`` / ``0`` / ``-1`` (not recorded), or True / False / None. Names
        not given are not recorded.
    visit_exclusions : array of object
        Per visit, None or a mapping of descriptor name -> the other cause
        that explains it. The descriptor is absent (excluded) at that visit,
        and labs recorded at that visit are not used for it at any visit.
    lab_participant, lab_visit : array of int
        Per lab row, its participant and the index of the visit it was
        recorded at (the participant must be that visit's).
    lab_analyte : array of int
        Per lab row, the analyte's position in ``tuple(Analyte)``. Rows of
        analytes no SLEDAI descriptor reads are ignored.
    lab_datetime : array of datetime64
        Per lab row, collection date (and time).
    lab_canonical : array of float
        Per lab row, the value in the analyte's canonical unit.
    lab_reference_low_canonical, lab_reference_high_canonical : array of float
        Per lab row, the lab's reference limits in the canonical unit, NaN
        where not given (complement uses the low one, anti-dsDNA the high).
    lab_family : array of object
        Per lab row, the unit family (``"percent_binding"`` marks a Farr
        anti-dsDNA result, judged against > 25 % by original and
        SELENA-SLEDAI).
    window_days, variant, use_upcr, use_default_complement_limits
        As in :func:`sledai_2k_visit` (and with the same defaults).
    new_or_recurrent : mapping of str to array, optional
        For original and SELENA-SLEDAI: per descriptor, a column over visits
        of ``1`` new or recurrent, ``0`` persistent, ``-1`` not known.

    Returns
    -------
    SledaiVisitScores
        ``score`` (NaN where incomplete), ``lower_bound``, ``upper_bound``,
        ``complete``, and per descriptor the finding (``present``) and where
        it came from (``source``), one element per visit in input order.

    Raises
    ------
    InvalidValueError
        A column of the wrong length or kind, a missing date, an index out of
        range, a lab row whose participant is not its visit's, a missing
        canonical value on a row of an analyte SLEDAI reads, an unknown
        descriptor name, or bad options (all name the first bad row and how
        many there are).
    DefinitionError
        An unknown variant.

    Notes
    -----
    A lab counts at a visit of its participant dated from the lab's day to
    ``window_days`` days after it, recorded at that visit or an earlier one.
    Each lab row is judged once; the visits seeing it are a contiguous run in
    (participant, date) order, found with a sort, and per-visit counts are
    range sums of one cumulative sum. Visits may be given in any order.

    Examples
    --------
    >>> import numpy as np
    >>> from lupusscore.analytes import Analyte
    >>> out = sledai_2k_visits(
    ...     visit_participant=np.array([0, 0]),
    ...     visit_date=np.array(["2024-01-01", "2024-01-20"], dtype="datetime64[D]"),
    ...     visit_descriptors={"rash": np.array([1, -1], dtype=np.int8)},
    ...     visit_exclusions=np.array([None, None], dtype=object),
    ...     lab_participant=np.array([0]),
    ...     lab_visit=np.array([0]),
    ...     lab_analyte=np.array([tuple(Analyte).index(Analyte.PLATELETS)]),
    ...     lab_datetime=np.array(["2023-12-28T09:00"], dtype="datetime64[s]"),
    ...     lab_canonical=np.array([85.0]),
    ...     lab_reference_low_canonical=np.array([np.nan]),
    ...     lab_reference_high_canonical=np.array([np.nan]),
    ...     lab_family=np.array(["count"], dtype=object),
    ... )
    >>> out.lower_bound.tolist(), out.complete.tolist()
    ([3.0, 0.0], [False, False])
    >>> out.present["thrombocytopenia"].tolist()  # the lab is 23 days old on day 20
    [1, -1]
    """
    v, window, _, _, _ = resolve_sledai_options(variant, window_days, None, None, None)
    with_upcr = as_flag("use_upcr", use_upcr)
    default_limits = as_flag(
        "use_default_complement_limits", use_default_complement_limits
    )

    # -- visits ------------------------------------------------------------------
    vp = _ints("visit_participant", visit_participant, None)
    n = vp.shape[0]
    vday = _days("visit_date", visit_date, n)
    codes = _descriptor_codes("visit_descriptors", visit_descriptors, n)
    excluded = _exclusions(visit_exclusions, n)
    new = (
        None
        if new_or_recurrent is None
        else _tristate_columns("new_or_recurrent", new_or_recurrent, n)
    )
    order = _visit_order(vp, vday)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)

    # -- labs --------------------------------------------------------------------
    lvisit_all = _indices("lab_visit", lab_visit, None, below=n)
    m = lvisit_all.shape[0]
    lpart = _ints("lab_participant", lab_participant, m)
    wrong = lpart != vp[lvisit_all]
    if np.any(wrong):
        first = int(np.argmax(wrong))
        raise InvalidValueError(
            field="lab_participant",
            value=int(lpart[first]),
            expected="the participant of the lab's visit "
            f"({int(vp[lvisit_all[first]])})",
            index=first,
            count=int(np.count_nonzero(wrong)),
        )
    analyte_all = _indices("lab_analyte", lab_analyte, m, below=len(_ANALYTES))
    lday_all = _days("lab_datetime", lab_datetime, m)
    value_all = as_floats(
        "lab_canonical", _one_d("lab_canonical", lab_canonical, m), allow_missing=True
    )
    low_all = as_floats(
        "lab_reference_low_canonical",
        _one_d("lab_reference_low_canonical", lab_reference_low_canonical, m),
        allow_missing=True,
    )
    high_all = as_floats(
        "lab_reference_high_canonical",
        _one_d("lab_reference_high_canonical", lab_reference_high_canonical, m),
        allow_missing=True,
    )
    family_all = _one_d("lab_family", lab_family, m)
    group_all = _GROUP_OF[analyte_all]
    used = group_all >= 0
    no_value = used & np.isnan(value_all)
    if np.any(no_value):
        first = int(np.argmax(no_value))
        raise InvalidValueError(
            field="lab_canonical",
            value="NaN",
            analyte=_ANALYTES[int(analyte_all[first])].value,
            expected="a value on every lab row SLEDAI reads (leave rows without "
            "a result out)",
            index=first,
            count=int(np.count_nonzero(no_value)),
        )
    rows = np.flatnonzero(used)
    lvisit, lday, group = lvisit_all[rows], lday_all[rows], group_all[rows]

    # The run of sorted visits that see each lab row: its participant's visits
    # dated lab day .. lab day + window, from the lab's own visit on. A row
    # that no visit may use (excluded for its descriptor at its own visit)
    # gets an empty run, stop = start.
    vp_sorted, vday_sorted = vp[order], vday[order]
    lp = vp[lvisit]
    start = np.maximum(
        _rank(vp_sorted, vday_sorted, lp, lday, inclusive=False), position[lvisit]
    )
    stop = _rank(vp_sorted, vday_sorted, lp, lday + window, inclusive=True)
    usable = stop > start
    if excluded.any():
        usable &= ~excluded[lvisit, _GROUP_DESCRIPTOR[group]]
    np.copyto(stop, start, where=~usable)
    del lp, lday, lvisit, usable

    # The rows by group (stably): each group's rows are one slice of the
    # arrays below.
    by_group = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[by_group], np.arange(_N_GROUPS + 1)).tolist()
    rows, start, stop = rows[by_group], start[by_group], stop[by_group]
    analyte, value = analyte_all[rows], value_all[rows]
    low, high = low_all[rows], high_all[rows]
    # the whole-column inputs are not needed any more: free them before the
    # per-row temporaries (peak memory of a cohort run)
    del lvisit_all, analyte_all, lday_all, value_all, low_all, high_all, group_all
    del used, no_value, group, by_group

    def counts(k: int, kind: Ints, kinds: int) -> Ints:
        """Group *k*'s rows per *kind* (0 .. kinds - 1): ``(kinds, n)`` counts."""
        sl = slice(bounds[k], bounds[k + 1])
        return _window_counts(start[sl], stop[sl], kind, kinds, position)

    # per lab-derived descriptor (its index): 1 / 0 / NaN per visit
    lab_status: dict[int, FloatArray] = {}
    # numeric descriptors: one LabRule per analyte, judged on every row
    # (kind 1: the rule is met)
    by_analyte: dict[Analyte, FloatArray] = {}
    for k, rule in enumerate(LAB_RULES):
        hit = rule_flags(value[bounds[k] : bounds[k + 1]], rule) == 1
        miss, met = counts(k, hit.astype(np.int64), 2)
        by_analyte[rule.analyte] = np.where(
            (miss > 0) | (met > 0), (met > 0).astype(np.float64), np.nan
        )
    for name, flag in combine_rule_flags(by_analyte, use_upcr=with_upcr).items():
        lab_status[SLEDAI_2K_DESCRIPTOR_INDEX[name]] = flag
    # low complement: against each row's lower limit (or the default)
    # (kinds: 0 not low, 1 low, 2 not evaluable)
    sl = slice(bounds[_G_COMPLEMENT], bounds[_G_COMPLEMENT + 1])
    low_flag = low_complement_flags(
        value[sl],
        complement_lower_limits(analyte[sl], low[sl], use_default=default_limits),
    )
    kind = np.where(np.isnan(low_flag), 2, low_flag).astype(np.int64)
    no, yes, undecided = counts(_G_COMPLEMENT, kind, 3)
    lab_status[SLEDAI_2K_DESCRIPTOR_INDEX["low_complement"]] = _any_of(
        yes, undecided, no + yes + undecided
    )
    # increased DNA binding: against the row's upper limit; Farr > 25 % too
    # (kinds: 0 not met, 1 met, 2 not met by one rule, the other undecided)
    sl = slice(bounds[_G_DSDNA], bounds[_G_DSDNA + 1])
    uln = dsdna_increased_flags(value[sl], high[sl])
    other = uln
    if v.farr_binding:
        farr = FARR_PERCENT_BINDING_SLEDAI
        applies = np.equal(family_all[rows[sl]], farr.family).astype(np.bool_)
        # a cut-off that does not apply adds no judgement: repeat the ULN one
        other = np.where(applies, cutoff_flags(value[sl], farr, applies=applies), uln)
    met = (uln == 1) | (other == 1)
    kind = np.where(met, 1, np.where(np.isnan(uln) | np.isnan(other), 2, 0))
    no, yes, undecided = counts(_G_DSDNA, kind.astype(np.int64), 3)
    lab_status[SLEDAI_2K_DESCRIPTOR_INDEX["increased_dna_binding"]] = _any_of(
        yes, undecided, no + yes + undecided
    )

    # -- merge, as merge_findings: excluded, else clinician, else lab -----------
    # (in place over the clinician codes, which this call made; only the
    # lab-derived descriptors' columns are visited for the lab findings)
    source = np.where(codes < 0, np.int8(_NOT_ASSESSED), np.int8(_CLINICIAN))
    for j, flag in lab_status.items():
        column = codes[:, j]
        derived = (column < 0) & ~np.isnan(flag)
        column[derived] = flag[derived]  # 1.0 / 0.0
        source[derived, j] = _LAB
    codes[excluded] = 0
    source[excluded] = _EXCLUDED
    # The score of sledai_2k_cohort without its re-check of the matrix, which
    # holds only 1 / 0 / NaN by construction (the codes: checked by
    # _descriptor_codes, the lab findings 1 / 0, 0 where excluded); so does
    # new_or_recurrent (_tristate_columns).
    present = np.where(codes < 0, np.nan, codes)
    scores = score_indicators(present, new, v)
    return SledaiVisitScores(
        score=scores.score,
        lower_bound=scores.lower_bound,
        upper_bound=scores.upper_bound,
        complete=scores.complete,
        present={k: codes[:, i] for i, k in enumerate(SLEDAI_2K_DESCRIPTOR_NAMES)},
        source={k: source[:, i] for i, k in enumerate(SLEDAI_2K_DESCRIPTOR_NAMES)},
    )
