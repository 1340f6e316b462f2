"""Argument checks shared by the outcome functions (library errors only).

Built on :mod:`lupusscore._checks`: a study day is a whole number (not a bool,
string or float fraction), a timepoint is a :class:`~lupusscore.Timepoint`, a
switch is ``True``/``False``, a sequence of records holds records of the right
type. Each failure is an :class:`~lupusscore.errors.InvalidValueError` naming
the argument (and, for sequences, the first bad index and how many are bad).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, TypeVar, cast

import numpy as np
from pydantic import BeforeValidator

from lupusscore._checks import as_choice, as_count, as_sequence, describe
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Participant, Timepoint, Trial

__all__ = [
    "Day",
    "Switch",
    "check_callable",
    "check_day",
    "check_event_types",
    "check_participant",
    "check_switch",
    "check_timepoint",
    "check_trial",
    "checked",
]

_T = TypeVar("_T")

#: Widest study day accepted (a bound on the integer, not a clinical limit:
#: 10**6 days is over 2,700 years).
_DAY_LIMIT: Final = 10**6


def checked(items: object, kind: type[_T], name: str) -> list[_T]:
    """Return *items* as a list, rejecting anything that is not a *kind*."""
    out = as_sequence(name, items, expected=f"an iterable of {kind.__name__}")
    bad = [i for i, item in enumerate(out) if not isinstance(item, kind)]
    if bad:
        raise InvalidValueError(
            field=name,
            value=describe(out[bad[0]]),
            expected=f"{kind.__name__} objects",
            index=bad[0],
            count=len(bad),
        )
    return cast(list[_T], out)


def check_day(name: str, value: object, *, minimum: int = -_DAY_LIMIT) -> int:
    """Return a study day (or a number of days) as an ``int``."""
    return as_count(name, value, minimum=minimum, maximum=_DAY_LIMIT, unit="days")


def check_timepoint(name: str, value: object) -> Timepoint:
    """Return *value* if it is a :class:`~lupusscore.Timepoint`."""
    if not isinstance(value, Timepoint):
        raise InvalidValueError(
            field=name, value=describe(value), expected="a Timepoint"
        )
    return value


def check_switch(name: str, value: object) -> bool:
    """Return a ``True``/``False`` switch (numpy booleans included)."""
    if not isinstance(value, bool | np.bool_):
        raise InvalidValueError(
            field=name, value=describe(value), expected="True or False"
        )
    return bool(value)


def check_event_types(name: str, value: object) -> frozenset[EventType]:
    """Return a set of event types (members or their string values)."""
    items = as_sequence(
        name,
        value,
        expected="a set of event types: " + ", ".join(repr(e.value) for e in EventType),
    )
    return frozenset(cast(EventType, as_choice(name, v, EventType)) for v in items)


def check_participant(value: object) -> Participant:
    """Return *value* if it is a :class:`~lupusscore.Participant`."""
    if not isinstance(value, Participant):
        raise InvalidValueError(
            field="participant", value=describe(value), expected="a Participant"
        )
    return value


def check_trial(value: object) -> Trial:
    """Return *value* if it is a :class:`~lupusscore.Trial`."""
    if not isinstance(value, Trial):
        raise InvalidValueError(
            field="trial", value=describe(value), expected="a Trial"
        )
    return value


def check_callable(name: str, value: object) -> Callable[..., object]:
    """Return *value* if it can be called."""
    if not callable(value):
        raise InvalidValueError(
            field=name, value=describe(value), expected="a function"
        )
    return cast(Callable[..., object], value)


def _whole_day(value: object) -> object:
    """Pydantic before-validator: a day is a number, not a bool or a string."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        msg = f"got {describe(value)}; expected a whole number of days"
        raise ValueError(msg)  # pydantic turns this into a located ValidationError
    return value


def _switch(value: object) -> object:
    """Pydantic before-validator: a flag is True/False, not 1, "yes" or None."""
    if not isinstance(value, bool | np.bool_):
        msg = f"got {describe(value)}; expected True or False"
        raise ValueError(msg)
    return bool(value)


#: A study day field: an integer, never a bool or a string ("91").
Day = Annotated[int, BeforeValidator(_whole_day)]
#: A yes/no field: True or False only.
Switch = Annotated[bool, BeforeValidator(_switch)]
