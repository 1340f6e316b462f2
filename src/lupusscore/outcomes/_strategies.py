"""Intercurrent-event strategies (ICH E9(R1)) chosen per event type.

ICH E9(R1), *Addendum on estimands and sensitivity analysis in clinical
trials* (2019), section A.3.2, names the strategies for intercurrent events;
lupusscore implements four of them for the longitudinal renal response rules
(``docs/estimands.md`` has the full text and worked examples):

``composite``
    The event is part of the variable: on or before the timepoint it makes the
    participant a non-responder (the library's default for every event type).
``treatment_policy``
    The event is ignored: the observed values are used whatever happened.
``while_on_treatment``
    Values from the event on are not used; the last evaluable assessment
    before the event stands for a timepoint whose window the event reaches.
``hypothetical``
    Values from the event on are treated as missing and handled by the
    missing-visit policy.

The strategies are chosen per intercurrent event (:class:`IntercurrentEvent`:
rescue therapy, treatment discontinuation, ESKD, death, withdrawal from the
study), each a set of :class:`~lupusscore.EventType` values
(:data:`EVENT_TYPES`). Death under treatment policy or hypothetical is refused
(:data:`REFUSED`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Self, cast

import numpy as np
import numpy.typing as npt
from pydantic import model_validator

from lupusscore._checks import as_choice, describe
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType
from lupusscore.outcomes._segments import STRATEGIES
from lupusscore.results import FrozenModel

__all__ = [
    "EVENT_TYPES",
    "REFUSED",
    "IntercurrentEvent",
    "Strategies",
    "Strategy",
    "resolve_strategies",
]


class Strategy(StrEnum):
    """A strategy for an intercurrent event (ICH E9(R1), A.3.2)."""

    COMPOSITE = "composite"
    TREATMENT_POLICY = "treatment_policy"
    WHILE_ON_TREATMENT = "while_on_treatment"
    HYPOTHETICAL = "hypothetical"


class IntercurrentEvent(StrEnum):
    """The intercurrent events a strategy is chosen for (keys of ``strategies``).

    ``rescue``
        Rescue therapy (a ``rescue_therapy`` event or a visit's rescue flag).
    ``discontinuation``
        Discontinuation of the study treatment (``treatment_discontinuation``
        event; the participant may stay in follow-up).
    ``eskd``
        Chronic dialysis or kidney transplant.
    ``death``
        Death.
    ``withdrawal``
        Withdrawal from the study (follow-up ends; ``withdrawal`` event).
    """

    RESCUE = "rescue"
    DISCONTINUATION = "discontinuation"
    ESKD = "eskd"
    DEATH = "death"
    WITHDRAWAL = "withdrawal"


#: The event types of each intercurrent event.
EVENT_TYPES: Final[Mapping[IntercurrentEvent, frozenset[EventType]]] = MappingProxyType(
    {
        IntercurrentEvent.RESCUE: frozenset({EventType.RESCUE_THERAPY}),
        IntercurrentEvent.DISCONTINUATION: frozenset(
            {EventType.TREATMENT_DISCONTINUATION}
        ),
        IntercurrentEvent.ESKD: frozenset({EventType.DIALYSIS, EventType.TRANSPLANT}),
        IntercurrentEvent.DEATH: frozenset({EventType.DEATH}),
        IntercurrentEvent.WITHDRAWAL: frozenset({EventType.WITHDRAWAL}),
    }
)

#: Words for each intercurrent event.
EVENT_WORDS: Final[Mapping[IntercurrentEvent, str]] = MappingProxyType(
    {
        IntercurrentEvent.RESCUE: "rescue therapy",
        IntercurrentEvent.DISCONTINUATION: "treatment discontinuation",
        IntercurrentEvent.ESKD: "dialysis or transplant (ESKD)",
        IntercurrentEvent.DEATH: "death",
        IntercurrentEvent.WITHDRAWAL: "withdrawal from the study",
    }
)

#: Strategies refused for an event, with the reason.
REFUSED: Final[Mapping[tuple[IntercurrentEvent, Strategy], str]] = MappingProxyType(
    {
        (IntercurrentEvent.DEATH, Strategy.TREATMENT_POLICY): (
            "there are no values after death to use, so treatment policy "
            "would silently become the missing-visit policy"
        ),
        (IntercurrentEvent.DEATH, Strategy.HYPOTHETICAL): (
            "a response had the participant not died is not an outcome the "
            "trial can observe, and under observed_only it would drop the dead "
            "from the denominator"
        ),
    }
)

_ALLOWED_FOR_DEATH: Final = "composite or while_on_treatment"


class Strategies(FrozenModel):
    """The strategy for each intercurrent event (default: all composite).

    Attributes
    ----------
    rescue, discontinuation, eskd, death, withdrawal : Strategy
        See :class:`IntercurrentEvent` and :class:`Strategy`.

    Examples
    --------
    >>> s = Strategies(rescue="treatment_policy")
    >>> s.rescue, s.death
    (<Strategy.TREATMENT_POLICY: 'treatment_policy'>, <Strategy.COMPOSITE: 'composite'>)
    >>> s.compact()
    'rescue=treatment_policy,discontinuation=composite,eskd=composite,death=composite,withdrawal=composite'
    """

    rescue: Strategy = Strategy.COMPOSITE
    discontinuation: Strategy = Strategy.COMPOSITE
    eskd: Strategy = Strategy.COMPOSITE
    death: Strategy = Strategy.COMPOSITE
    withdrawal: Strategy = Strategy.COMPOSITE

    @model_validator(mode="after")
    def _meaningful(self) -> Self:
        for event, strategy in self.items():
            why = REFUSED.get((event, strategy))
            if why is not None:
                msg = (
                    f"{event.value}={strategy.value} is refused: {why}; use "
                    f"{_ALLOWED_FOR_DEATH}"
                )
                raise ValueError(msg)
        return self

    def items(self) -> tuple[tuple[IntercurrentEvent, Strategy], ...]:
        """Return (event, strategy) pairs in the order of :class:`IntercurrentEvent`."""
        return tuple(
            (e, cast(Strategy, getattr(self, e.value))) for e in IntercurrentEvent
        )

    def of(self, event_type: EventType) -> Strategy:
        """Return the strategy for one :class:`~lupusscore.EventType`."""
        for event, types in EVENT_TYPES.items():
            if event_type in types:
                return cast(Strategy, getattr(self, event.value))
        raise InvalidValueError(  # pragma: no cover - every type is mapped
            field="event_type", value=str(event_type), expected="an EventType"
        )

    def codes(self, event_types: npt.NDArray[np.object_]) -> npt.NDArray[np.int8]:
        """Return the segment kernels' strategy code of each event type value."""
        table = {t.value: STRATEGIES.index(self.of(t).value) for t in EventType}
        out = np.zeros(len(event_types), dtype=np.int8)
        for value, code in table.items():
            out[event_types == value] = code
        return out

    def compact(self) -> str:
        """Return ``event=strategy`` pairs joined by commas (the CLI form)."""
        return ",".join(f"{e.value}={s.value}" for e, s in self.items())

    @property
    def is_default(self) -> bool:
        """True when every event is composite (the library's default)."""
        return all(s is Strategy.COMPOSITE for _, s in self.items())


#: Every event composite.
DEFAULT_STRATEGIES: Final = Strategies()


def resolve_strategies(value: object = None) -> Strategies:
    """Return *value* as :class:`Strategies` (library errors on anything else).

    Parameters
    ----------
    value : Strategies, mapping or None
        None (every event composite), a :class:`Strategies`, or a mapping
        from :class:`IntercurrentEvent` names (``rescue``,
        ``discontinuation``, ``eskd``, ``death``, ``withdrawal``) to
        :class:`Strategy` names; events left out stay composite.

    Raises
    ------
    InvalidValueError
        Not a mapping, an unknown event or strategy, or a strategy refused for
        the event (death under treatment policy or hypothetical).

    Examples
    --------
    >>> resolve_strategies({"rescue": "hypothetical"}).rescue
    <Strategy.HYPOTHETICAL: 'hypothetical'>
    >>> resolve_strategies({"death": "treatment_policy"})
    Traceback (most recent call last):
    ...
    lupusscore.errors.InvalidValueError: strategies.death: got 'treatment_policy'; ...
    """
    if value is None:
        return DEFAULT_STRATEGIES
    if isinstance(value, Strategies):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValueError(
            field="strategies",
            value=describe(value),
            expected="a mapping such as {'rescue': 'composite'} from "
            + ", ".join(e.value for e in IntercurrentEvent)
            + " to "
            + ", ".join(s.value for s in Strategy),
        )
    chosen: dict[str, Strategy] = {}
    for key, strategy in value.items():
        event = cast(IntercurrentEvent, as_choice("strategies", key, IntercurrentEvent))
        how = cast(Strategy, as_choice(f"strategies.{event.value}", strategy, Strategy))
        why = REFUSED.get((event, how))
        if why is not None:
            raise InvalidValueError(
                field=f"strategies.{event.value}",
                value=how.value,
                expected=f"{_ALLOWED_FOR_DEATH} for {EVENT_WORDS[event]} ({why})",
            )
        chosen[event.value] = how
    return Strategies(**chosen)
