"""Explained, tri-state results shared by every score and definition.

A criterion is *met*, *not met* or *not evaluable* (input missing): missing data
never turns into "not met" silently. :class:`Criterion` records the observed
value, the threshold, the comparator and why it could not be evaluated;
:func:`all_of` and :func:`any_of` combine criteria with three-valued (Kleene)
logic, so a conjunction with one definite failure is not met even if another
part is missing, and one with only missing parts is not evaluable.
"""

from __future__ import annotations

import functools
import math
import operator
import threading
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, Final, Self, cast, overload

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, model_validator

from lupusscore._checks import as_choice, as_floats, as_sequence, broadcast, describe
from lupusscore._display import (
    Displayable,
    View,
    abbreviated,
    criterion_line,
    explain_text,
    short,
    status_word,
    view_of_fields,
)
from lupusscore.errors import InvalidValueError, NotEvaluableError

__all__ = [
    "COMPARISON_SIGNIFICANT_DIGITS",
    "FROZEN_CONFIG",
    "Comparator",
    "Criterion",
    "ExplainedResult",
    "FrozenModel",
    "Status",
    "ValueResult",
    "all_of",
    "any_of",
    "compare",
    "snap",
]


class Status(StrEnum):
    """Outcome of one criterion."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_EVALUABLE = "not_evaluable"

    @classmethod
    def of(cls, value: bool | None) -> Status:  # noqa: FBT001 - a tri-state value
        """Map True / False / None to MET / NOT_MET / NOT_EVALUABLE."""
        if value is None:
            return cls.NOT_EVALUABLE
        return cls.MET if value else cls.NOT_MET


class Comparator(StrEnum):
    """How an observed value is compared with a threshold; ``<`` vs ``<=`` is data."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def apply(
        self, observed: npt.ArrayLike, threshold: npt.ArrayLike
    ) -> npt.NDArray[np.bool_]:
        """Compare element-wise (numpy broadcasting), robust to unit round-off.

        Both sides are first rounded to :data:`COMPARISON_SIGNIFICANT_DIGITS`
        significant digits (:func:`snap`), so a value exactly on a threshold
        gives the same answer whatever unit it was converted from (50 mg/mmol
        and its exact g/g equivalent compare alike).

        This is the unchecked kernel: a NaN element compares ``False``, so a
        caller must mask missing elements itself (as the response parts do
        with ``decide(np.isnan(x), ...)``). Use :func:`compare` for checked
        input, where a missing value raises instead.

        Examples
        --------
        >>> Comparator.LE.apply([0.4, 0.5, 0.6], 0.5).tolist()
        [True, True, False]
        """
        obs_any: Any = observed  # runtime type tests below
        limit: Any = threshold
        if type(limit) is float and (
            type(obs_any) is float
            or (
                type(obs_any) is np.ndarray
                and not obs_any.ndim
                and obs_any.dtype.char == "d"
            )
        ):
            # The usual scalar call (a float64 value against a float limit):
            # the branch below without its conversions, the same answer.
            hit = _COMPARE[self](_snap_float(float(obs_any)), _snap_float(limit))
            out: Any = np.bool_(hit)
            return cast("npt.NDArray[np.bool_]", out)
        given_obs = np.asarray(observed, dtype=np.float64)
        given_thr = np.asarray(threshold, dtype=np.float64)
        if not given_obs.ndim and not given_thr.ndim:
            # Two scalars: the ufuncs below would give np.bool_ of this very
            # IEEE comparison (NaN compares False), only slower.
            hit = _COMPARE[self](snap(float(given_obs)), snap(float(given_thr)))
            return np.bool_(hit)  # type: ignore[return-value]
        obs = snap(given_obs)
        thr = snap(given_thr)
        if self is Comparator.LT:
            return np.less(obs, thr)
        if self is Comparator.LE:
            return np.less_equal(obs, thr)
        if self is Comparator.GT:
            return np.greater(obs, thr)
        return np.greater_equal(obs, thr)


_COMPARE: Final = {
    Comparator.LT: operator.lt,
    Comparator.LE: operator.le,
    Comparator.GT: operator.gt,
    Comparator.GE: operator.ge,
}

#: Significant digits kept before comparing a value with a limit. Not a clinical
#: number: a numerical tolerance chosen by the lupusscore maintainers so that
#: unit-conversion round-off (~1e-16 relative) never flips a flag at the limit.
COMPARISON_SIGNIFICANT_DIGITS: Final = 12
_MAX_EXPONENT: Final = 300.0


@overload
def snap(x: float) -> float: ...
@overload
def snap(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def snap(x: float | npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
    """Round to :data:`COMPARISON_SIGNIFICANT_DIGITS` significant digits.

    Parameters
    ----------
    x : float or numpy.ndarray
        Finite values.

    Returns
    -------
    float or numpy.ndarray
        Rounded values (float for scalar input, array for array input).

    Examples
    --------
    >>> 0.1 + 0.2 == 0.3, snap(0.1 + 0.2) == snap(0.3)
    (False, True)
    """
    given: object = x  # runtime guard for untyped callers
    kind = type(given)
    if kind is float or kind is np.float64:
        return _snap_float(float(x))
    if kind is np.ndarray and not np.ndim(x) and x.dtype == np.float64:  # type: ignore[union-attr]
        return _snap_float(float(x))
    if isinstance(given, bool | np.bool_ | str | bytes | complex | np.complexfloating):
        raise InvalidValueError(field="x", value=describe(given), expected="numbers")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (OverflowError, TypeError, ValueError):
        raise InvalidValueError(
            field="x", value=describe(given), expected="numbers"
        ) from None
    # Zero and non-finite values (an overflowed ratio) pass through unchanged.
    shape, arr = arr.shape, arr.reshape(-1)  # 1-d: np.abs of 0-d is a scalar
    rounded = np.isfinite(arr)
    rounded &= arr != 0
    # One scratch buffer, worked in place: |x| (1 where passed through), then
    # the exponent, clamped so 10**exponent stays finite for subnormal-sized
    # values (< 1e-288), then the factor 10**exponent.
    factor = np.abs(arr)
    factor[~rounded] = 1.0
    np.log10(factor, out=factor)
    np.floor(factor, out=factor)
    np.subtract(COMPARISON_SIGNIFICANT_DIGITS - 1, factor, out=factor)
    np.minimum(factor, _MAX_EXPONENT, out=factor)
    np.power(10.0, factor, out=factor)
    scaled = arr * factor
    np.round(scaled, out=scaled)
    scaled /= factor
    out = np.where(rounded, scaled, arr).reshape(shape)
    if np.ndim(x) == 0:
        return float(out)
    return np.asarray(out, dtype=np.float64)


#: ``np.power(10.0, k)`` for every exponent :func:`snap` can use (``k`` from
#: ``COMPARISON_SIGNIFICANT_DIGITS - 1 - 308`` up to ``_MAX_EXPONENT``), computed
#: by numpy itself so the scalar path uses the very factors of the array path
#: (numpy's SIMD ``power`` may differ from ``10.0 ** k`` in the last bit).
_POW10_LOW: Final = COMPARISON_SIGNIFICANT_DIGITS - 1 - 309
_POW10: Final[tuple[float, ...]] = tuple(
    np.power(10.0, np.arange(_POW10_LOW, _MAX_EXPONENT + 1.0)).tolist()
)


def _snap_float(v: float) -> float:
    """:func:`snap` of one Python float, bit-identical to the array path."""
    if v == 0.0 or not math.isfinite(v):
        return v
    return _snap_nonzero(v)


@functools.lru_cache(maxsize=4096)
def _snap_nonzero(v: float) -> float:
    """:func:`snap` of a finite, nonzero float (cached: thresholds recur)."""
    exponent = min(
        COMPARISON_SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(v))),
        int(_MAX_EXPONENT),
    )
    factor = _POW10[exponent - _POW10_LOW]
    # round() is half-to-even like np.round; |v * factor| < 1e13, so the int
    # is exact and converts back to the float64 np.round gives (copysign keeps
    # the -0.0 np.round gives for a tiny negative value).
    scaled = v * factor
    return math.copysign(float(round(scaled)), scaled) / factor


@overload
def compare(
    observed: float, threshold: float, comparator: Comparator | str
) -> bool: ...
@overload
def compare(
    observed: npt.NDArray[np.float64],
    threshold: float | npt.NDArray[np.float64],
    comparator: Comparator | str,
) -> npt.NDArray[np.bool_]: ...
def compare(
    observed: float | npt.NDArray[np.float64],
    threshold: float | npt.NDArray[np.float64],
    comparator: Comparator | str,
) -> bool | npt.NDArray[np.bool_]:
    """Compare values with limits after :func:`snap` (numpy broadcasting).

    Parameters
    ----------
    observed, threshold : float or numpy.ndarray
        Values and limits in the same unit: finite numbers only.
    comparator : Comparator or str
        ``<``, ``<=``, ``>`` or ``>=``.

    Returns
    -------
    bool or numpy.ndarray of bool
        A bool for scalar input, a boolean array otherwise.

    Raises
    ------
    InvalidValueError
        When a value or limit is missing (None, NaN), infinite, a bool or a
        string, when the shapes do not broadcast, or for an unknown
        comparator. A missing value has no answer: it never compares as
        ``False``. For arrays the error names the first bad index and how many
        elements are bad. Callers with missing data decide *not evaluable*
        before comparing.

    Examples
    --------
    >>> compare(0.1 + 0.2, 0.3, Comparator.GT)
    False
    >>> compare(np.array([0.89, 0.9, 0.91]), 0.9, Comparator.LT).tolist()
    [True, False, False]
    >>> compare(float("nan"), 0.9, Comparator.LT)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lupusscore.errors.InvalidValueError: observed: got nan; ...
    """
    how = Comparator(as_choice("comparator", comparator, Comparator))
    obs = as_floats("observed", observed)
    thr = as_floats("threshold", threshold)
    broadcast(observed=obs, threshold=thr)
    result = how.apply(obs, thr)
    if obs.ndim == 0 and thr.ndim == 0:
        return bool(result)
    return result


#: The configuration every frozen model and result in the library shares:
#: immutable, unknown fields rejected, and non-finite numbers written to JSON
#: as ``Infinity``/``NaN`` constants rather than ``null`` (an impossible number
#: must never read back as *missing*).
FROZEN_CONFIG: Final = ConfigDict(
    frozen=True, extra="forbid", ser_json_inf_nan="constants"
)


#: Exact types that are never complex numbers (their subclasses still are checked).
#: Grows with each type found not to be complex (a set of classes, bounded).
_NEVER_COMPLEX: Final[set[type]] = {str, float, int, bool, type(None), tuple}
_COMPLEX: Final = (complex, np.complexfloating)
_setattr: Final = object.__setattr__
_new: Final = object.__new__
#: pydantic's per-instance slots, set directly (a frozen model refuses setattr).
_SET_FIELDS_SET: Final = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_SET_EXTRA: Final = BaseModel.__dict__["__pydantic_extra__"].__set__
_SET_PRIVATE: Final = BaseModel.__dict__["__pydantic_private__"].__set__


class FrozenModel(Displayable, BaseModel):
    """Base of the library's frozen pydantic models (one configuration).

    A complex number is never a clinical value: one given for any field is a
    validation error (pydantic would otherwise drop the imaginary part with
    only a numpy warning).

    Display: the ``repr`` is pydantic's, with long values abbreviated (a long
    tuple as its length and type, a long text cut), so it stays a line or a
    few; notebooks show ``_repr_html_`` / ``_repr_markdown_`` (see
    ``lupusscore._display``). Equality, pickling and JSON are pydantic's.
    """

    model_config = FROZEN_CONFIG

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            yield name, abbreviated(value)

    @model_validator(mode="before")
    @classmethod
    def _no_complex(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                kind = type(value)
                if kind in _NEVER_COMPLEX:  # the usual field types: fast
                    continue
                if isinstance(value, _COMPLEX):
                    msg = f"{key}: got {value!r}; a complex number is not accepted"
                    raise ValueError(msg)
                _NEVER_COMPLEX.add(kind)  # an enum, a model ...: checked once
        return data

    @classmethod
    def _trusted(cls, **fields: Any) -> Self:
        """Build an instance from values the library made, without validation.

        Private: only for results the library assembles itself from values
        already checked and already in the form validation leaves them (a
        :class:`Status` not a string, a float not an int, a tuple not a list).
        It sets what validation would set (fields in declaration order, the
        defaults of fields not given, the set of fields given) and nothing
        else; ``tests/test_trusted_models.py`` checks on random valid inputs
        that it equals the validated model. A model whose validation
        normalises a value overrides it to normalise that value first.
        """
        defaults = _FIELD_DEFAULTS.get(cls)
        if defaults is None:
            defaults = _field_defaults(cls)
        values = defaults.copy()  # declaration order; given fields replace
        values.update(fields)
        if len(values) != len(defaults):
            unknown = sorted(set(fields) - set(defaults))
            msg = f"{cls.__name__}._trusted: unknown fields {unknown}"
            raise TypeError(msg)
        out = _new(cls)
        _setattr(out, "__dict__", values)
        _SET_FIELDS_SET(out, set(fields))
        _SET_EXTRA(out, None)
        _SET_PRIVATE(out, None)
        return out


#: Per model class: field name -> default in declaration order, for ``_trusted``
#: (a required field maps to pydantic's "undefined" marker; callers give it).
_FIELD_DEFAULTS: Final[dict[type, dict[str, Any]]] = {}


def _field_defaults(cls: type[BaseModel]) -> dict[str, Any]:
    """Field name -> default of *cls*, in declaration order (cached)."""
    if (
        any(info.default_factory is not None for info in cls.model_fields.values())
        or cls.__private_attributes__
        or cls.model_post_init is not BaseModel.model_post_init
    ):
        msg = (
            f"{cls.__name__}: _trusted does not support default factories, "
            "private attributes or model_post_init"
        )
        raise TypeError(msg)
    out = {name: info.default for name, info in cls.model_fields.items()}
    _FIELD_DEFAULTS[cls] = out
    return out


class Criterion(FrozenModel):
    """One explained criterion: what was observed, against what, with what result.

    Attributes
    ----------
    name : str
        Criterion id, e.g. ``"upcr_below"``.
    status : Status
        Met, not met or not evaluable.
    observed : float, optional
        The observed value, in *unit*.
    threshold : float, optional
        The threshold it was compared with, in *unit*.
    comparator : Comparator, optional
        How *observed* was compared with *threshold*.
    unit : str, optional
        Unit of *observed* and *threshold*.
    reason : str, optional
        Why it is not evaluable, or a note on how it was decided.
    source : str, optional
        Where the criterion comes from.

    Examples
    --------
    >>> c = Criterion(
    ...     name="upcr",
    ...     status="met",
    ...     observed=0.3,
    ...     threshold=0.5,
    ...     comparator="<",
    ...     unit="g/g",
    ... )
    >>> c.met
    True
    """

    name: str
    status: Status
    observed: float | None = None
    threshold: float | None = None
    comparator: Comparator | None = None
    unit: str | None = None
    reason: str | None = None
    source: str | None = None

    @property
    def met(self) -> bool | None:
        """True if met, False if not met, None if not evaluable."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET

    def _display_brief(self) -> str:
        return criterion_line(self)

    def _display_view(self) -> View:
        return view_of_fields(self, title=f"Criterion {self.name}")


def _statuses(items: Iterable[Criterion | Status]) -> list[Status]:
    given: object = items  # runtime guard for untyped callers
    expected = "an iterable of Criterion or Status"
    if isinstance(given, Criterion):
        raise InvalidValueError(field="items", value=describe(given), expected=expected)
    return [
        i
        if type(i) is Status
        else (
            i.status
            if isinstance(i, Criterion)
            else Status(as_choice("items", i, Status))
        )
        for i in as_sequence("items", given, expected=expected)
    ]


def all_of(items: Iterable[Criterion | Status]) -> Status:
    """Three-valued AND: not met if any part fails, else not evaluable if any is.

    Examples
    --------
    >>> all_of([Status.MET, Status.NOT_EVALUABLE])
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    >>> all_of([Status.NOT_MET, Status.NOT_EVALUABLE])
    <Status.NOT_MET: 'not_met'>
    """
    statuses = _statuses(items)
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.NOT_EVALUABLE in statuses:
        return Status.NOT_EVALUABLE
    return Status.MET


def any_of(items: Iterable[Criterion | Status]) -> Status:
    """Three-valued OR: met if any part is met, else not evaluable if any is.

    Examples
    --------
    >>> any_of([Status.NOT_MET, Status.NOT_EVALUABLE])
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    """
    statuses = _statuses(items)
    if Status.MET in statuses:
        return Status.MET
    if Status.NOT_EVALUABLE in statuses:
        return Status.NOT_EVALUABLE
    return Status.NOT_MET


class ExplainedResult(FrozenModel):
    """The one result shape: a verdict that explains itself.

    Every result in the library carries these fields, whatever it scores.

    Attributes
    ----------
    status : Status
        Met, not met or not evaluable. For a value result (an eGFR, a score),
        *met* means "evaluated" and *not evaluable* means no value.
    reason : str or None
        Why it is not evaluable, or how it was decided.
    missing : tuple of str
        The names of the inputs that were missing, as data (never recovered
        from the reason text).
    source : str
        The citation of the definition or equation.
    notes : tuple of str
        Caveats (an age outside the validated range, a provisional tier ...).

    Examples
    --------
    >>> r = ExplainedResult(status="not_evaluable", reason="no UPCR", missing=("upcr",))
    >>> r.met is None, r.missing
    (True, ('upcr',))
    """

    status: Status
    reason: str | None = None
    missing: tuple[str, ...] = ()
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def met(self) -> bool | None:
        """True if met, False if not met, None if not evaluable."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET

    @property
    def evaluable(self) -> bool:
        """True unless the status is not evaluable."""
        return self.status is not Status.NOT_EVALUABLE

    def _display_brief(self) -> str:
        """``Type: verdict``: the value (value results), category and status."""
        parts: list[str] = []
        value = getattr(self, "value", None)
        if isinstance(value, float):
            unit = getattr(self, "unit", None)
            parts.append(short(value) + (f" {unit}" if unit else ""))
        category = getattr(self, "category", None)
        if category is not None:
            parts.append(status_word(short(category)))
        verdict = status_word(self.status)
        if parts and parts != [verdict]:
            verdict = f"{', '.join(parts)} ({verdict})"
        return f"{type(self).__name__}: {verdict}"

    def _display_view(self) -> View:
        shown = view_of_fields(self, title=self._display_brief())
        return View(title=shown.title, facts=shown.facts[1:])  # status is the title

    def _explain_sections(self) -> list[tuple[str, list[Criterion]]]:
        """Return the criteria this result carries, by section (no rule re-run).

        A field holding a :class:`Criterion` or a tuple of them is listed
        as is; a field holding nested explained results (the tiers of a
        renal response, the descriptors of a SLEDAI-2K) gives one section
        per nested result, headed by its own verdict and reason.
        """
        sections: list[tuple[str, list[Criterion]]] = [("", self._own_criteria())]
        for name in type(self).model_fields:
            value = getattr(self, name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, ExplainedResult):
                    sections.append((item._explain_heading(), item._own_criteria()))
        return [s for s in sections if s[0] or s[1]]

    def _explain_heading(self) -> str:
        """Return this result as a heading inside another's explanation."""
        name = next(
            (
                str(getattr(self, key))
                for key in ("label", "name", "tier")
                if isinstance(getattr(self, key, None), str)
            ),
            type(self).__name__,
        )
        head = f"{name}: {status_word(self.status)}"
        if self.reason and not self.reason.startswith(name):
            head += f" ({self.reason})"
        return head

    def _own_criteria(self) -> list[Criterion]:
        """Return the criteria held directly by this result's fields."""
        out: list[Criterion] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            items = value if isinstance(value, tuple) else (value,)
            out += [i for i in items if isinstance(i, Criterion)]
        return out

    def explain(self) -> str:
        """Return a readable, criterion-by-criterion account of this result.

        Each criterion the result carries is one line: met / not met / not
        evaluable, the observed value, the comparator and threshold with
        units, why it is not evaluable, and its source; above them the
        verdict, the reason, the missing inputs, the source and the notes.
        Nothing is recomputed: this renders what the result holds.

        Examples
        --------
        >>> r = ExplainedResult(status="met", source="KDIGO 2024")
        >>> print(r.explain())
        ExplainedResult: met
          source: KDIGO 2024
        """
        summary = [
            ("reason", self.reason or ""),
            ("missing", ", ".join(self.missing)),
            ("source", self.source),
            *(("note", note) for note in self.notes),
        ]
        return explain_text(
            self._display_brief(),
            summary=summary,
            sections=self._explain_sections(),
            source=self.source,
        )

    def _not_evaluable(self, what: str) -> NotEvaluableError:
        why = self.reason or "not evaluable"
        missing = f" (missing: {', '.join(self.missing)})" if self.missing else ""
        return NotEvaluableError(
            f"{what} is not evaluable: {why}{missing}",
            reason=self.reason,
            missing=self.missing,
        )

    def require(self) -> bool | float:
        """Return the verdict, or raise :class:`NotEvaluableError` with the reason.

        Value results return their value instead.
        """
        met = self.met
        if met is None:
            raise self._not_evaluable(type(self).__name__)
        return met


class ValueResult(ExplainedResult):
    """A result that is a number: the shape above plus ``value`` and ``unit``.

    ``status`` may be left out: it is *met* (evaluated) when there is a value
    and *not evaluable* when there is none.

    Examples
    --------
    >>> ValueResult(value=None, unit="g/g", reason="no UPCR").status
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    >>> ValueResult(value=0.3, unit="g/g").require()
    0.3
    """

    value: float | None
    unit: str

    @model_validator(mode="before")
    @classmethod
    def _derive_status(cls, data: Any) -> Any:
        if isinstance(data, dict) and "status" not in data:
            data = dict(data)
            data["status"] = (
                Status.NOT_EVALUABLE if data.get("value") is None else Status.MET
            )
        return data

    @model_validator(mode="after")
    def _status_matches_value(self) -> Self:
        if (self.value is None) != (self.status is Status.NOT_EVALUABLE):
            msg = (
                f"status {self.status.value!r} does not match value {self.value!r}: "
                "a value result is not evaluable exactly when it has no value"
            )
            raise ValueError(msg)
        return self

    def require(self) -> float:
        """Return the value, or raise :class:`NotEvaluableError` with the reason."""
        if self.value is None:
            raise self._not_evaluable(type(self).__name__)
        return self.value


# --- fields built on first access (per-call cost of explained results) -------

#: Key under which an instance's builder of its deferred fields waits in its
#: field store; never a field name (it is not an identifier), and never seen
#: by a caller: every read of the store goes through ``__dict__`` below.
_DEFERRED: Final = "\x00deferred"
#: One lock for completing deferred fields (two threads asking at once get
#: the same, once-built values). Re-entrant: a builder may read another
#: deferred result.
_DEFERRED_LOCK: Final = threading.RLock()
#: pydantic's own field store of an instance (the ``__dict__`` slot).
_FIELD_STORE: Final = BaseModel.__dict__["__dict__"]
_base_getattr: Final = BaseModel.__dict__["__getattr__"]


class DeferredFields:
    """Mixin for results whose explanation fields are built on first access.

    Private machinery, for the hot per-call paths. A result made by
    :meth:`_trusted_deferred` holds its cheap fields (status, category, score
    ...) at once and a builder for the rest (criteria, reason texts); the
    builder runs the first time anything reads the instance's fields: an
    attribute, ``model_dump`` / ``model_dump_json`` (also of a model holding
    the result), ``==``, ``hash``, ``repr``, ``copy``, pickling. Every public
    value is the one the eager construction gives
    (``tests/test_deferred_results.py`` compares them on random inputs).
    The mixin goes first among the bases, so its ``__dict__`` comes before
    pydantic's slot.
    """

    __slots__ = ()

    @property
    def __dict__(self) -> dict[str, Any]:
        """Return the instance's fields, completing deferred ones first."""
        store: dict[str, Any] = _FIELD_STORE.__get__(self)
        if _DEFERRED in store:
            with _DEFERRED_LOCK:
                store = _FIELD_STORE.__get__(self)
                if _DEFERRED in store:  # not completed by another thread
                    store = _completed(type(self), store)
                    _FIELD_STORE.__set__(self, store)
        return store

    @__dict__.setter
    def __dict__(self, value: dict[str, Any]) -> None:
        _FIELD_STORE.__set__(self, value)

    def __getattr__(self, name: str) -> Any:
        """Return a deferred field (built now), else look up as pydantic does."""
        if _DEFERRED in _FIELD_STORE.__get__(self):
            fields = type(self).__pydantic_fields__  # type: ignore[attr-defined]
            if name in fields:
                return self.__dict__[name]
        return _base_getattr(self, name)

    @classmethod
    def _trusted_deferred(
        cls,
        build: Callable[[], dict[str, Any]],
        fields_set: Iterable[str],
        **fields: Any,
    ) -> Self:
        """:meth:`FrozenModel._trusted` with some fields built on first access.

        Parameters
        ----------
        build : callable
            Returns the deferred fields (checked values, in the form
            validation leaves them); called at most once, under a lock.
        fields_set : iterable of str
            The fields given (``model_fields_set``), as the eager
            construction would record them.
        **fields
            The fields known now.
        """
        model = cast("type[FrozenModel]", cls)
        if _FIELD_DEFAULTS.get(model) is None:
            _field_defaults(model)
        out = _new(cls)
        fields[_DEFERRED] = build
        _FIELD_STORE.__set__(out, fields)
        _SET_FIELDS_SET(out, set(fields_set))
        _SET_EXTRA(out, None)
        _SET_PRIVATE(out, None)
        return out


def _completed(cls: type, store: dict[str, Any]) -> dict[str, Any]:
    """Return a new field store: defaults, known and built fields, in order."""
    known = dict(store)
    build = known.pop(_DEFERRED)
    defaults = _FIELD_DEFAULTS[cls]
    values = defaults.copy()  # declaration order; given fields replace
    values.update(known)
    values.update(build())
    if len(values) != len(defaults):
        unknown = sorted(set(values) - set(defaults))
        msg = f"{cls.__name__}: deferred fields not of the model: {unknown}"
        raise TypeError(msg)
    return values
