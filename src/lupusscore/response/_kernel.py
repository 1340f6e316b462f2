"""Vectorised three-valued machinery shared by response and flare definitions.

Every criterion part evaluates over broadcast float64 arrays of inputs and returns
a status-code array plus a builder of the explained :class:`Criterion` for one
element. Status codes are ordered so that Kleene AND is ``min`` and OR is
``max``: ``NOT_MET < NOT_EVALUABLE < MET``. Missing input is NaN in these arrays
(booleans are coded 1.0 / 0.0 / NaN) and always yields ``NOT_EVALUABLE``.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    as_count,
    as_floats,
    as_tristate,
    broadcast,
    describe,
    elementwise,
)
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.results import Comparator, Criterion, Status, snap

__all__ = [
    "ABOVE",
    "BELOW",
    "MET",
    "NOT_EVALUABLE",
    "NOT_MET",
    "Codes",
    "Floats",
    "Index",
    "Inputs",
    "PartEval",
    "all_codes",
    "any_codes",
    "batch_index",
    "check_direction",
    "coerce_inputs",
    "fmt",
    "gone",
    "gone_rows",
    "inputs_from_json",
    "inputs_to_json",
    "load_batch_json",
    "missing_inputs",
    "missing_text",
    "ndim",
    "ratio",
    "status_of",
]

Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
Index = tuple[int, ...]

#: Status codes; Kleene AND is min, OR is max.
NOT_MET: Final = np.int8(0)
NOT_EVALUABLE: Final = np.int8(1)
MET: Final = np.int8(2)

_STATUS: Final = {
    int(NOT_MET): Status.NOT_MET,
    int(NOT_EVALUABLE): Status.NOT_EVALUABLE,
    int(MET): Status.MET,
}


#: Comparators that bound a value from above (``<``, ``<=``) or below.
BELOW: Final = (Comparator.LT, Comparator.LE)
ABOVE: Final = (Comparator.GT, Comparator.GE)


def check_direction(
    value: Comparator, allowed: tuple[Comparator, ...], field: str
) -> Comparator:
    """Reject a comparator pointing the wrong way for *field* (DefinitionError)."""
    if value not in allowed:
        msg = (
            f"{field}: got {value.value!r}; expected one of "
            f"{', '.join(repr(c.value) for c in allowed)}"
        )
        raise DefinitionError(msg, field=field, value=value.value)
    return value


_ARRAY_TYPES: Final = (np.ndarray, np.generic)


def ndim(x: npt.ArrayLike) -> int:
    """``np.ndim(x)``, quicker for numpy arrays and scalars (the usual inputs)."""
    if isinstance(x, _ARRAY_TYPES):
        return x.ndim
    return int(np.ndim(x))


def status_of(code: np.integer | int) -> Status:
    """Map a status code to :class:`Status`."""
    return _STATUS[int(code)]


#: The status codes by value, for one-element results (numpy int8 scalars:
#: index ``[()]``, compare and broadcast like a 0-d code array).
_CODES: Final = (NOT_MET, NOT_EVALUABLE, MET)


def all_codes(*codes: Codes) -> Codes:
    """Kleene AND of status-code arrays (broadcast)."""
    if not any(map(ndim, codes)):  # one element: no ufuncs
        return cast("Codes", _CODES[min(int(c) for c in codes)])
    out = codes[0]
    for c in codes[1:]:
        out = np.minimum(out, c)
    return out.astype(np.int8)


def any_codes(*codes: Codes) -> Codes:
    """Kleene OR of status-code arrays (broadcast)."""
    if not any(map(ndim, codes)):  # one element: no ufuncs
        return cast("Codes", _CODES[max(int(c) for c in codes)])
    out = codes[0]
    for c in codes[1:]:
        out = np.maximum(out, c)
    return out.astype(np.int8)


def decide(missing: npt.NDArray[np.bool_], met: npt.NDArray[np.bool_]) -> Codes:
    """Status codes: not evaluable where *missing*, else met / not met."""
    if not ndim(missing) and not ndim(met):  # one element: no masks
        code = NOT_EVALUABLE if missing else (MET if met else NOT_MET)
        return cast("Codes", code)  # an int8 scalar, like the codes
    return np.where(missing, NOT_EVALUABLE, np.where(met, MET, NOT_MET)).astype(np.int8)


def ratio(numerator: Floats, denominator: Floats) -> Floats:
    """``numerator / denominator``, NaN where the denominator is not > 0.

    A quotient beyond float range is infinite (1e308 / 0.3 is above any
    threshold, as it should be), without a warning.

    Comparisons go through :meth:`Comparator.apply`, which rounds both sides to
    12 significant digits (:func:`lupusscore.results.snap`), so a ratio exactly
    at a threshold (0.35 / 0.7 against 0.5) counts as at it.
    """
    if not ndim(numerator) and not ndim(denominator):
        # One element: the same IEEE division in Python floats (an overflow
        # is inf here too, without a warning).
        num, den = float(numerator), float(denominator)
        return np.asarray(num / den if den > 0 else math.nan)
    ok = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.where(ok, numerator / np.where(ok, denominator, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


def fmt(value: float) -> str:
    """Format a number for a reason text (up to 4 significant digits)."""
    return f"{value:.4g}"


@dataclass(frozen=True)
class Inputs:
    """Broadcast input arrays by keyword name (NaN = missing)."""

    shape: tuple[int, ...]
    values: Mapping[str, Floats]

    def __getitem__(self, name: str) -> Floats:
        """Return the array for input *name*."""
        return self.values[name]

    def at(self, name: str, index: Index) -> float:
        """One element of input *name*."""
        return float(self.values[name][index])


class PartEval(NamedTuple):
    """A part's status codes, a builder of its explained criterion, and its gaps.

    ``missing(i)`` names, as data, the missing inputs that the criterion of
    element *i* reports (the same names its reason text gives). Immutable (a
    named tuple: built once per part and call, so cheap to build).
    """

    status: Codes
    build: Callable[[Index, str], Criterion]
    missing: Callable[[Index], tuple[str, ...]]


def gone(inp: Inputs, index: Index, *names: str) -> tuple[str, ...]:
    """Return the inputs among *names* missing (NaN) at *index*, in order."""
    values = inp.values
    return tuple([n for n in names if math.isnan(values[n][index])])


def _gone_at(inp: Inputs, names: tuple[str, ...], index: Index) -> tuple[str, ...]:
    """:func:`gone` with the names first (the call of :func:`missing_inputs`)."""
    return gone(inp, index, *names)


#: A part's ``missing`` by the plain rule: ``missing_inputs(inp, names)(i)`` is
#: ``gone(inp, i, *names)``, the inputs among *names* missing at element *i*;
#: a batch reads the same rule for many elements at once with
#: :func:`gone_rows`. (A partial of a partial: made in C, as cheap to make per
#: part and call as the closure it replaces.)
missing_inputs: Final[
    Callable[[Inputs, tuple[str, ...]], Callable[[Index], tuple[str, ...]]]
] = functools.partial(functools.partial, _gone_at)


def gone_rows(
    missing: Callable[[Index], tuple[str, ...]], rows: npt.NDArray[np.int64]
) -> tuple[tuple[str, ...], list[npt.NDArray[np.bool_]]] | None:
    """:func:`gone` for many elements of a 1-d batch at once, where it applies.

    For a ``missing`` made by :func:`missing_inputs` over a 1-d batch, return
    its names and, per name, whether the input is NaN at each of *rows*
    (``np.isnan``: what :func:`gone` tests element by element). None for any
    other ``missing`` (a part's own rule), to be called element by element.
    """
    if not (isinstance(missing, functools.partial) and missing.func is _gone_at):
        return None
    inp, names = missing.args
    if len(inp.shape) != 1:
        return None
    flags = [np.isnan(np.broadcast_to(inp.values[n], inp.shape)[rows]) for n in names]
    return names, flags


def missing_text(names: tuple[str, ...]) -> str | None:
    """Return the reason fragment naming missing inputs (None if there are none)."""
    return f"missing input: {', '.join(names)}" if names else None


def _clean(x: float | None) -> float | None:
    """Return an observation for a criterion: None for NaN, else snapped."""
    if x is None or math.isnan(x):
        return None
    # An observation that overflowed (a ratio of 1e308 to 1e-300) stays
    # infinite, visibly: it is never rounded to NaN or dropped.
    return snap(float(x))  # an inf passes through snap unchanged


def criterion(
    name: str,
    code: np.integer | int,
    *,
    observed: float | None = None,
    threshold: float | None = None,
    comparator: Comparator | None = None,
    unit: str | None = None,
    reason: str | None = None,
    source: str | None = None,
) -> Criterion:
    """Build a :class:`Criterion`, turning NaN observations into ``None``."""
    if type(comparator) is not Comparator and comparator is not None:
        comparator = Comparator(comparator)

    # The parts give checked values of the field types (strings, a
    # Comparator or None): the result is built without re-validation.
    return Criterion._trusted(
        name=name,
        status=status_of(code),
        observed=_clean(observed),
        threshold=_clean(threshold),
        comparator=comparator,
        unit=unit,
        reason=reason,
        source=source,
    )


def batch_index(index: object, shape: tuple[int, ...]) -> Index:
    """Check an element index of a batch: a flat int or an N-d tuple of ints.

    Negative indices count from the end, as in numpy; anything else (out of
    range, wrong length, a bool, a float) is an :class:`InvalidValueError`.
    """
    size = math.prod(shape)
    expected = (
        f"a flat index from 0 to {size - 1} or a tuple of {len(shape)} "
        f"integer(s) within shape {shape}"
    )
    items = index if isinstance(index, tuple) else None
    try:
        if items is None:
            flat = as_count("index", index, minimum=-size, maximum=size - 1)
            return tuple(int(i) for i in np.unravel_index(flat % size, shape))
        if len(items) != len(shape):
            raise ValueError
        return tuple(
            as_count("index", i, minimum=-n, maximum=n - 1) % n
            for i, n in zip(items, shape, strict=True)
        )
    except (InvalidValueError, ValueError):
        raise InvalidValueError(
            field="index", value=describe(index), expected=expected
        ) from None


def inputs_to_json(inp: Inputs) -> dict[str, object]:
    """JSON-ready form of checked inputs: shape and flat values (null = missing)."""
    return {
        "shape": list(inp.shape),
        "values": {
            name: [
                None if math.isnan(x) else x
                for x in np.asarray(arr, dtype=np.float64).reshape(-1).tolist()
            ]
            for name, arr in inp.values.items()
        },
    }


def inputs_from_json(data: object, names: frozenset[str]) -> Inputs:
    """Rebuild :class:`Inputs` from :func:`inputs_to_json` output, checked."""
    expected = "an object with 'shape' and 'values' as written by model_dump_json"
    if not isinstance(data, Mapping) or set(data) != {"shape", "values"}:
        raise InvalidValueError(field="inputs", value=describe(data), expected=expected)
    raw_shape, raw_values = data["shape"], data["values"]
    if not isinstance(raw_shape, list) or not isinstance(raw_values, Mapping):
        raise InvalidValueError(field="inputs", value=describe(data), expected=expected)
    shape = tuple(as_count("inputs.shape", n) for n in raw_shape)
    if set(raw_values) != names:
        raise InvalidValueError(
            field="inputs.values",
            value=sorted(str(k) for k in raw_values),
            expected="the inputs " + ", ".join(sorted(names)),
        )
    values: dict[str, Floats] = {}
    for name, flat in raw_values.items():
        arr = as_floats(f"inputs.{name}", elementwise(flat), allow_missing=True)
        if arr.size != math.prod(shape):
            raise InvalidValueError(
                field=f"inputs.{name}",
                value=f"{arr.size} values",
                expected=f"{math.prod(shape)} values for shape {shape}",
            )
        values[str(name)] = arr.reshape(shape)
    return Inputs(shape=shape, values=values)


def load_batch_json(text: object, kind: str) -> dict[str, Any]:
    """Parse a batch document and check its outline (library errors only)."""
    if not isinstance(text, str | bytes):
        raise InvalidValueError(
            field="json", value=describe(text), expected="JSON text"
        )
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidValueError(
            field="json", value=describe(text), expected="valid JSON"
        ) from None
    keys = {"type", "definition", "inputs", "category", "status"}
    if not isinstance(doc, dict) or set(doc) != keys or doc["type"] != kind:
        raise InvalidValueError(
            field="json",
            value=describe(doc),
            expected=f"a {kind} document with keys {sorted(keys)}",
        )
    return doc


#: A missing (not given) scalar input: NaN, shared and read-only.
_MISSING: Final = np.array(np.nan)
_MISSING.flags.writeable = False


def coerce_inputs(
    numeric: Mapping[str, object],
    flags: Mapping[str, object],
    *,
    units: Mapping[str, str],
    integer: frozenset[str] = frozenset(),
) -> tuple[Inputs, bool]:
    """Validate and broadcast keyword inputs.

    Parameters
    ----------
    numeric : mapping
        Numeric inputs by name (float, None, NaN, or array-like of those). They
        must be finite and >= 0 where given; NaN and None mean missing.
    flags : mapping
        Boolean inputs by name (True / False / None, or arrays of them).
    units : mapping
        Unit of each numeric input, for error messages.
    integer : frozenset of str
        Numeric inputs that count days and must be whole numbers.

    Returns
    -------
    (Inputs, bool)
        The broadcast inputs, and whether any input was array-like (the caller
        then returns a batch rather than a single result).

    Raises
    ------
    InvalidValueError
        A negative or infinite number, a bool or string where a number is
        meant, a flag that is not True / False / None, or shapes that do not
        broadcast. For arrays the message names the first bad index and how
        many elements are bad. None and NaN are missing (not evaluable), per
        element.
    """
    arrays: dict[str, Floats] = {}
    batch = False
    for name, value in numeric.items():
        if value is None:  # not given: what as_floats gives for None, faster
            arrays[name] = _MISSING
            continue
        arr = as_floats(
            name,
            elementwise(value),
            unit=units.get(name),
            nonnegative=True,
            allow_missing=True,
            integer=name in integer,
        )
        batch = batch or arr.ndim > 0
        arrays[name] = arr
    for name, value in flags.items():
        arr = as_tristate(name, elementwise(value))
        batch = batch or arr.ndim > 0
        arrays[name] = arr
    if not batch:  # every input one float64 element: nothing to broadcast
        return Inputs(shape=(), values=arrays), False
    names = list(arrays)
    scalar = not any(arr.ndim for arr in arrays.values())
    shaped = list(arrays.values()) if scalar else broadcast(**arrays)
    shape = tuple(shaped[0].shape) if shaped else ()
    out = {
        k: np.asarray(v, dtype=np.float64) for k, v in zip(names, shaped, strict=True)
    }
    return Inputs(shape=shape, values=out), batch
