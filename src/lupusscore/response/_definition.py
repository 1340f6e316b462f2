"""Definitions as data: one graded model, and loading it from JSON.

Every definition the engine evaluates (a renal response definition with its
complete / partial tiers, a renal flare definition with its severe / moderate /
mild or flare grades) is a :class:`GradedDefinition`: identity fields plus
:meth:`GradedDefinition.grades`, the ordered tiers, highest first, each a
three-valued AND of its ``all_of`` parts and (if any) the OR of its ``any_of``
parts. :mod:`lupusscore.response._engine` evaluates that view, whatever the
family.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, TypeVar, overload

import numpy as np
import numpy.typing as npt
from pydantic import Field, ValidationError, model_validator

from lupusscore._checks import describe
from lupusscore.errors import DefinitionError
from lupusscore.response._kernel import Index, Inputs, PartEval
from lupusscore.response._parts import (
    CreatinineRise,
    EgfrStable,
    GlucocorticoidCeiling,
    InactiveSediment,
    KidneyReference,
    NephroticBaseline,
    NoRescueTherapy,
    NoWithdrawal,
    Part,
    UpcrBelow,
    UpcrReduction,
)
from lupusscore.results import FrozenModel

__all__ = [
    "Coverage",
    "Grade",
    "GradedDefinition",
    "Parameter",
    "ParameterTarget",
    "RenalResponseDefinition",
    "Tier",
    "load_definition",
    "validation_message",
]


class Evaluable(Protocol):
    """What the engine needs of a part (a response or a flare criterion)."""

    @property
    def name(self) -> str | None:
        """The criterion name in results (None: the kind)."""

    @property
    def kind(self) -> str:
        """The part's type tag."""

    def evaluate(self, inp: Inputs) -> PartEval:
        """Status codes over broadcast inputs, and builders per element."""


@dataclass(frozen=True)
class Grade:
    """One tier of the graded view: met when all of *all_of* and any of *any_of*.

    Attributes
    ----------
    name : str
        The category it gives (``"complete"``, ``"partial"``, ``"severe"``,
        ``"flare"`` ...).
    label : str
        The source's name for it (``"CRR"``; the grade name for flares).
    all_of, any_of : tuple of parts
        Parts combined with three-valued AND (all) and OR (any; none given:
        no OR term).
    provisional : bool
        Whether the tier rests on unverified wording.
    provisional_reason : str or None
        Why.
    """

    name: str
    label: str
    all_of: tuple[Evaluable, ...]
    any_of: tuple[Evaluable, ...] = ()
    provisional: bool = False
    provisional_reason: str | None = None


@dataclass(frozen=True)
class Coverage:
    """Elements outside what a definition covers (not evaluable), and why."""

    outside: npt.NDArray[np.bool_]
    reason: Callable[[Index], str]


class GradedDefinition(FrozenModel):
    """Identity of a definition and its graded view (base of both families).

    Attributes
    ----------
    id : str
        Short lowercase id (``"kdigo-2024"``).
    version : str
        Version of this encoding.
    title : str
        Human-readable name.
    citation : str
        The source of the definition.
    evidence : str, optional
        How the encoding was checked (``[V]`` primary source, ``[V2]`` two
        secondary sources, ``[S]`` one secondary source).
    """

    #: What the family is called in messages.
    WHAT: ClassVar[str] = "definition"

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    evidence: str | None = None

    def grades(self) -> tuple[Grade, ...]:
        """Return the tiers, highest first (see :class:`Grade`)."""
        raise NotImplementedError

    def coverage(self, inp: Inputs) -> Coverage | None:
        """Return the elements the definition does not cover (None: all covered)."""
        del inp
        return None


def unique_names(parts: tuple[Evaluable, ...], where: str) -> None:
    """Reject repeated criterion names within one tier (DefinitionError)."""
    names = [p.name or p.kind for p in parts]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        msg = (
            f"{where}: criterion names must be unique within a tier; repeated "
            f"{dup} (set 'name' on the parts)"
        )
        raise DefinitionError(msg, field=where, value=dup)


class ParameterTarget(FrozenModel):
    """One threshold a parameter sets: a numeric field of one criterion.

    The field holds ``value * factor`` (rounded to 12 decimals when *factor*
    is not 1), so a shipped file states exactly which number a parameter
    moves and :func:`lupusscore.get_definition` can re-parameterise it.

    Attributes
    ----------
    tier : {"complete", "partial"}
        The tier holding the criterion.
    criterion : str
        The criterion's name (its ``name``, else its ``kind``).
    field : str
        The numeric field of that criterion (``"at_least"``).
    factor : float
        The field is the parameter value times this factor (default 1).
    """

    tier: Literal["complete", "partial"]
    criterion: str = Field(min_length=1)
    field: str = Field(min_length=1)
    factor: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    def apply(self, value: float) -> float:
        """Return the field value for parameter *value*."""
        return value if self.factor == 1.0 else round(value * self.factor, 12)


class Parameter(FrozenModel):
    """A documented parameter of a definition (a range in the source).

    Attributes
    ----------
    name : str
        Keyword accepted by :func:`lupusscore.get_definition`.
    value : float
        The value this definition was built with.
    default : float
        The stated default.
    minimum, maximum : float, optional
        The range the source gives (inclusive).
    unit : str, optional
        Unit of the value.
    description : str
        What the parameter changes.
    citation : str
        Where the range and the default come from.
    applies_to : tuple of ParameterTarget
        The criterion fields the value sets (checked against the tiers).
    """

    name: str = Field(min_length=1)
    value: float = Field(allow_inf_nan=False)
    default: float = Field(allow_inf_nan=False)
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    description: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    applies_to: tuple[ParameterTarget, ...] = ()


class Tier(FrozenModel):
    """One tier of a definition (complete or partial): all its parts must be met.

    Attributes
    ----------
    label : str
        The source's name for the tier ("CRR", "PERR", "primary response").
    criteria : tuple of parts
        Criterion parts, combined with three-valued AND.
    provisional : bool
        True when the tier rests on wording not verified in a primary source.
    provisional_reason : str, optional
        Why it is provisional (required when *provisional* is True).
    """

    label: str = Field(min_length=1)
    criteria: tuple[Part, ...] = Field(min_length=1)
    provisional: bool = False
    provisional_reason: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Tier:
        if self.provisional and not self.provisional_reason:
            msg = (
                "provisional_reason: a provisional tier must say why it is provisional"
            )
            raise DefinitionError(msg, field="provisional_reason")
        if not self.provisional and self.provisional_reason:
            msg = "provisional_reason: given for a tier that is not provisional"
            raise DefinitionError(msg, field="provisional_reason")
        unique_names(self.criteria, "criteria")
        return self


class RenalResponseDefinition(GradedDefinition):
    """A published (or protocol) renal response definition, as data.

    A definition has a *complete* tier, a *partial* tier, or both; each is a
    list of criterion parts that must all be met. It is evaluated by
    :func:`lupusscore.classify_renal_response`: *complete* if the complete tier
    is met, else *partial* if the partial tier is met, else *none*; missing
    input that could change this gives *not_evaluable*.

    Attributes
    ----------
    id, title, citation, evidence : str
        As in :class:`GradedDefinition`.
    version : str
        Version of this encoding. Non-default parameters are appended
        (``"1+egfr_tolerance=0.1"``) so a result names exactly what was used.
    timing : str, optional
        When the source assesses it ("week 52").
    notes : tuple of str
        Interpretation choices made in the encoding.
    parameters : tuple of Parameter
        Documented parameters and the values used.
    complete, partial : Tier, optional
        The tiers.

    Examples
    --------
    >>> d = RenalResponseDefinition.model_validate(
    ...     {
    ...         "id": "protocol-x",
    ...         "version": "1",
    ...         "title": "Protocol X complete renal response",
    ...         "citation": "Protocol X v2.0, section 9.1",
    ...         "complete": {
    ...             "label": "CRR",
    ...             "criteria": [
    ...                 {
    ...                     "kind": "upcr_below",
    ...                     "threshold_g_g": 0.5,
    ...                     "comparator": "<",
    ...                     "citation": "Protocol X 9.1",
    ...                 }
    ...             ],
    ...         },
    ...     }
    ... )
    >>> d.complete.criteria[0].kind
    'upcr_below'
    """

    WHAT: ClassVar[str] = "renal response definition"

    timing: str | None = None
    notes: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    complete: Tier | None = None
    partial: Tier | None = None

    @model_validator(mode="after")
    def _check(self) -> RenalResponseDefinition:
        if self.complete is None and self.partial is None:
            msg = "complete/partial: a definition needs at least one tier"
            raise DefinitionError(msg, field="complete")
        refs = _references(self.tiers())
        if len(refs) > 1:
            msg = (
                "criteria: all kidney-function parts of a definition must use one "
                f"reference (got {sorted(refs)}); kernel inputs reference_egfr and "
                "reference_creatinine_mg_dl carry a single reference"
            )
            raise DefinitionError(msg, field="reference")
        for param in self.parameters:
            for target in param.applies_to:
                self._check_target(param, target)
        return self

    def _check_target(self, param: Parameter, target: ParameterTarget) -> None:
        """Check that *target* names a numeric field holding the parameter."""
        where = f"parameters.{param.name}.applies_to"
        tier = self.complete if target.tier == "complete" else self.partial
        parts = {p.name or p.kind: p for p in tier.criteria} if tier else {}
        part = parts.get(target.criterion)
        if part is None:
            msg = (
                f"{where}: no criterion {target.criterion!r} in the {target.tier} "
                f"tier (criteria: {', '.join(parts) or 'none'})"
            )
            raise DefinitionError(msg, field=where, value=target.criterion)
        held = getattr(part, target.field, None) if target.field != "kind" else None
        if isinstance(held, bool) or not isinstance(held, int | float):
            msg = (
                f"{where}: {target.criterion}.{target.field} is not a numeric field "
                "of that criterion"
            )
            raise DefinitionError(msg, field=where, value=target.field)
        want = target.apply(param.value)
        if not math.isclose(held, want, rel_tol=1e-12, abs_tol=0.0):
            msg = (
                f"{where}: {target.tier}.{target.criterion}.{target.field} is "
                f"{held!r}, but {param.name}={param.value!r} x {target.factor!r} "
                f"gives {want!r}"
            )
            raise DefinitionError(msg, field=where, value=held)

    def tiers(self) -> tuple[Tier, ...]:
        """Return the tiers present, complete first."""
        return tuple(t for t in (self.complete, self.partial) if t is not None)

    def grades(self) -> tuple[Grade, ...]:
        """Return the graded view: complete, then partial (those present)."""
        return tuple(
            Grade(
                name=name,
                label=tier.label,
                all_of=tier.criteria,
                provisional=tier.provisional,
                provisional_reason=tier.provisional_reason,
            )
            for name, tier in (("complete", self.complete), ("partial", self.partial))
            if tier is not None
        )

    @property
    def provisional(self) -> bool:
        """True if any tier is provisional."""
        return any(t.provisional for t in self.tiers())

    @property
    def provisional_reasons(self) -> tuple[str, ...]:
        """The reasons of the provisional tiers."""
        return tuple(
            f"{t.label}: {t.provisional_reason}"
            for t in self.tiers()
            if t.provisional and t.provisional_reason
        )

    @property
    def kidney_reference(self) -> KidneyReference | None:
        """The reference kidney-function parts compare with (None if none)."""
        refs = _references(self.tiers())
        return next(iter(refs)) if refs else None

    @property
    def inputs(self) -> frozenset[str]:
        """Kernel inputs the definition reads (see :mod:`lupusscore.response`)."""
        need: set[str] = set()
        for tier in self.tiers():
            for p in tier.criteria:
                need |= _INPUTS_OF[type(p)]
                if isinstance(p, EgfrStable) and p.confirmation_required:
                    need.add("egfr_decline_confirmed")
                if isinstance(p, EgfrStable) and p.max_fall_fraction is not None:
                    need.add("reference_egfr")
                if isinstance(p, CreatinineRise) and p.uln != "ignore":
                    need.add("creatinine_uln_mg_dl")
                if isinstance(p, GlucocorticoidCeiling):
                    if p.fail_if_days_above is not None:
                        need.add("glucocorticoid_days_above_ceiling")
                    if p.fail_if_consecutive_days_above is not None:
                        need.add("glucocorticoid_consecutive_days_above_ceiling")
                if isinstance(p, InactiveSediment) and p.no_rbc_casts:
                    need.add("rbc_casts")
        return frozenset(need)

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called *name*.

        Raises
        ------
        DefinitionError
            If the definition has no such parameter.
        """
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.parameters) or "none"
        msg = f"{self.id}: no parameter {name!r}; parameters: {known}"
        raise DefinitionError(msg, definition=self.id, field=name)


_INPUTS_OF: dict[type, frozenset[str]] = {
    UpcrBelow: frozenset({"upcr_g_g"}),
    UpcrReduction: frozenset({"upcr_g_g", "baseline_upcr_g_g"}),
    NephroticBaseline: frozenset({"upcr_g_g", "baseline_upcr_g_g"}),
    EgfrStable: frozenset({"egfr"}),
    CreatinineRise: frozenset({"creatinine_mg_dl", "reference_creatinine_mg_dl"}),
    GlucocorticoidCeiling: frozenset({"glucocorticoid_mg_day"}),
    NoRescueTherapy: frozenset({"rescue_therapy"}),
    NoWithdrawal: frozenset({"withdrawn"}),
    InactiveSediment: frozenset({"urine_rbc_hpf"}),
}


def _references(tiers: tuple[Tier, ...]) -> set[KidneyReference]:
    """Collect the references of kidney-function parts that read one."""
    refs: set[KidneyReference] = set()
    for tier in tiers:
        for p in tier.criteria:
            if isinstance(p, CreatinineRise) or (
                isinstance(p, EgfrStable) and p.max_fall_fraction is not None
            ):
                refs.add(p.reference)
    return refs


def validation_message(exc: ValidationError, *, what: str) -> str:
    """Turn a pydantic error into one message naming each field and value."""
    lines = []
    errors = exc.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        here = tuple(err["loc"])
        if any(len(o) > len(here) and o[: len(here)] == here for o in locs):
            continue  # a deeper error explains this one
        loc = ".".join(str(x) for x in err["loc"]) or "(top level)"
        ctx = err.get("ctx") or {}
        inner = ctx.get("error")
        text = str(inner) if inner is not None else err["msg"]
        got = err.get("input")
        shown = "" if isinstance(got, Mapping | list) else f" (got {got!r})"
        lines.append(f"{loc}: {text}{shown}")
    return f"invalid {what}: " + "; ".join(lines)


D = TypeVar("D", bound=GradedDefinition)
_Source = str | Path | Traversable | Mapping[str, Any]


@overload
def load_definition(source: _Source) -> RenalResponseDefinition: ...
@overload
def load_definition(source: _Source, model: type[D]) -> D: ...
def load_definition(
    source: _Source, model: type[GradedDefinition] = RenalResponseDefinition
) -> GradedDefinition:
    r"""Load and validate a definition (renal response by default) from JSON.

    Parameters
    ----------
    source : str, pathlib.Path, importlib.resources.abc.Traversable or mapping
        A path to a JSON file (or a package resource, as the shipped
        definitions are read), a JSON text (starting with ``{``), or an
        already-parsed mapping. The schema is
        ``RenalResponseDefinition.model_json_schema()`` (or that of *model*).
    model : type, default RenalResponseDefinition
        The definition family: :class:`RenalResponseDefinition`, or
        ``lupusscore.response.RenalFlareDefinition`` for a flare definition.

    Returns
    -------
    RenalResponseDefinition or the *model* type
        The frozen, validated definition.

    Raises
    ------
    DefinitionError
        Unreadable file, malformed JSON, or a definition that fails validation
        (unknown part kind, negative threshold, unknown field ...); the message
        names each offending field and value, and the file when read from one.

    Examples
    --------
    >>> text = '''{"id": "protocol-x", "version": "1", "title": "Protocol X",
    ...   "citation": "Protocol X 9.1",
    ...   "complete": {"label": "CRR", "criteria": [
    ...     {"kind": "upcr_below", "threshold_g_g": 0.5, "citation": "9.1"}]}}'''
    >>> load_definition(text).id
    'protocol-x'
    >>> try:
    ...     load_definition(text.replace("0.5", "-0.5"))
    ... except DefinitionError as exc:
    ...     print(*str(exc).split(": "), sep="\n")
    invalid renal response definition
    complete.criteria.0.upcr_below.threshold_g_g
    Input should be greater than 0 (got -0.5)
    """
    given_model: object = model  # runtime guard for untyped callers
    if not (
        isinstance(given_model, type) and issubclass(given_model, GradedDefinition)
    ):
        msg = (
            f"model: got {describe(given_model)}; expected RenalResponseDefinition "
            "or RenalFlareDefinition"
        )
        raise DefinitionError(msg, field="model", value=describe(given_model))
    data: object
    from_file = False
    if isinstance(source, Mapping):
        data = source
        origin = "mapping"
    else:
        text, origin, from_file = _read(source)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            msg = (
                f"{origin}: not valid JSON at line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}"
            )
            raise DefinitionError(msg, field="json", origin=origin) from None
        except RecursionError:
            msg = f"{origin}: JSON nested too deeply to be a definition"
            raise DefinitionError(msg, field="json", origin=origin) from None
    if not isinstance(data, Mapping):
        msg = f"{origin}: expected a JSON object, got {type(data).__name__}"
        raise DefinitionError(msg, field="json", origin=origin)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        msg = validation_message(exc, what=model.WHAT)
        if from_file:
            msg = f"{origin}: {msg}"
        raise DefinitionError(msg, field="definition", origin=origin) from None


def _read(source: str | Path | Traversable) -> tuple[str, str, bool]:
    """Return the text, where it came from, and whether that was a file."""
    if isinstance(source, str) and source.lstrip().startswith("{"):
        return source, "JSON text", False
    given: object = source  # runtime guard for untyped callers
    if not isinstance(given, str | PathLike | Traversable):
        msg = (
            "definition source: expected JSON text, a path or a mapping, got "
            f"{type(given).__name__}"
        )
        raise DefinitionError(msg, field="source", value=repr(given)[:80])
    path = Path(source) if isinstance(source, str | PathLike) else source
    try:
        return path.read_text(encoding="utf-8"), str(path), True
    except OSError as exc:
        msg = f"{path}: cannot read the definition file ({exc.strerror})"
        raise DefinitionError(msg, field="path", origin=str(path)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        msg = f"{path}: cannot read the definition file ({exc})"
        raise DefinitionError(msg, field="path", origin=str(path)) from None
