"""The estimand of the primary outcome (ICH E9(R1)), as a typed frozen object.

ICH E9(R1), *Addendum on estimands and sensitivity analysis in clinical
trials* (2019), section A.3.1, describes an estimand by five attributes:
the treatments compared, the population, the variable (endpoint), the handling
of intercurrent events and the population-level summary. :class:`Estimand`
holds them for the outcome table's primary outcome and :meth:`Estimand.describe`
words them (printed by the text report; ``docs/estimands.md``).
"""

from __future__ import annotations

from typing import Final

from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod
from lupusscore.outcomes._strategies import (
    EVENT_WORDS,
    Strategies,
    Strategy,
)
from lupusscore.results import FrozenModel

__all__ = ["STRATEGY_WORDS", "Estimand"]

#: What each strategy does, in words (``{policy}``: the missing-visit policy).
STRATEGY_WORDS: Final = {
    Strategy.COMPOSITE: "composite: the event on or before the timepoint is "
    "non-response",
    Strategy.TREATMENT_POLICY: "treatment policy: the event is ignored and the "
    "observed values are used",
    Strategy.WHILE_ON_TREATMENT: "while on treatment: assessments from the event "
    "on are not used; the last evaluable assessment before it stands for a "
    "timepoint whose window the event reaches",
    Strategy.HYPOTHETICAL: "hypothetical: assessments from the event on are "
    "treated as missing and handled by the missing-visit policy ({policy})",
}

#: The population every table of lupusscore analyses.
POPULATION: Final = (
    "every participant in the data (all randomised, as given), analysed by planned arm"
)


class Estimand(FrozenModel):
    """The estimand of the primary outcome (ICH E9(R1), A.3.1).

    Attributes
    ----------
    population : str
        Who is analysed.
    arms : tuple of str
        The treatments (arms) compared.
    definition, definition_version : str
        The renal response definition (id and version) of the variable.
    response : str
        The variable's response in words (complete or any renal response).
    achieve_by, maintain_through : str
        The primary outcome's timepoints: response reached by the end of the
        *achieve_by* window and held through *maintain_through*.
    strategies : Strategies
        The strategy for each intercurrent event.
    missing_policy : MissingPolicy
        How missing or not-evaluable assessments are handled.
    ci_method : CiMethod
        Interval of the summary measure.

    Examples
    --------
    >>> e = Estimand(
    ...     arms=("A", "B"),
    ...     definition="kdigo-2024",
    ...     definition_version="1",
    ...     response="complete renal response",
    ...     achieve_by="month 12",
    ...     maintain_through="month 24",
    ...     strategies=Strategies(rescue="while_on_treatment"),
    ...     missing_policy="non_responder",
    ...     ci_method="wilson",
    ... )
    >>> print(e.describe().splitlines()[4][:60])
      - rescue therapy: while on treatment: assessments from the
    """

    population: str = POPULATION
    arms: tuple[str, ...]
    definition: str
    definition_version: str | None = None
    response: str
    achieve_by: str
    maintain_through: str
    strategies: Strategies = Strategies()
    missing_policy: MissingPolicy
    ci_method: CiMethod

    def describe(self) -> str:
        """Return the estimand in words, one attribute a line."""
        policy = self.missing_policy.value
        version = (
            "" if self.definition_version is None else f" v{self.definition_version}"
        )
        lines = [
            "Estimand (ICH E9(R1)) of the primary outcome:",
            f"- Treatments: {', '.join(self.arms)}; population: {self.population}.",
            f"- Variable: {self.response} ({self.definition}{version}) reached by "
            f"{self.achieve_by} and maintained through {self.maintain_through}.",
            "- Intercurrent events and strategies:",
        ]
        lines += [
            f"  - {EVENT_WORDS[event]}: "
            + STRATEGY_WORDS[strategy].format(policy=policy)
            for event, strategy in self.strategies.items()
        ]
        lines += [
            f"- Missing or not-evaluable assessments: {policy}.",
            "- Summary measure: proportion of responders by arm (responders / "
            f"evaluable participants, 95% {self.ci_method.value} CI).",
        ]
        return "\n".join(lines)
