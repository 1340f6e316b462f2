"""The one engine: a graded definition, kernel inputs in, explained results out.

Renal response (complete / partial / none) and renal flare (severe / moderate /
mild, or flare / no flare) are both a :class:`GradedDefinition`: ordered tiers,
highest first. The category is the highest tier met, provided every higher
tier is definitely not met; missing input that could change that gives *not
evaluable*. ``status`` is the three-valued OR of the tiers: *met* as soon as
any tier is met (a flare, or at least a partial response), even when the
exact category is not evaluable.

One runner (:class:`Run`), one result base (:class:`GradedResult`) and one
batch base (:class:`GradedBatch`) serve both families; the public result and
batch classes only name their category enum and their definition type.
"""

from __future__ import annotations

import functools
import json
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Final, Generic, Self, TypeVar, cast

import numpy as np
import numpy.typing as npt
from pydantic import model_validator

from lupusscore._checks import describe
from lupusscore._display import Displayable, View, status_word
from lupusscore.errors import InvalidValueError
from lupusscore.response._definition import Evaluable, Grade, GradedDefinition
from lupusscore.response._kernel import (
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    Codes,
    Index,
    Inputs,
    PartEval,
    all_codes,
    any_codes,
    batch_index,
    coerce_inputs,
    inputs_from_json,
    inputs_to_json,
    load_batch_json,
    ndim,
    status_of,
)
from lupusscore.results import (
    Criterion,
    DeferredFields,
    ExplainedResult,
    Status,
    any_of,
)
from lupusscore.vocabulary import INPUTS

__all__ = [
    "GradedBatch",
    "GradedResult",
    "Run",
    "TierResult",
    "classify",
    "renamed_keywords",
    "run_of",
]

_CAT_NONE: Final = -1
#: Each result class's category annotation (its family's enum).
_CATEGORY_TYPES: Final[dict[type, Any]] = {}
#: The fields a graded result built by the engine records as given.
_GRADED_FIELDS_SET: Final = frozenset(
    {
        "status",
        "reason",
        "missing",
        "source",
        "category",
        "definition_id",
        "definition_version",
        "tiers",
        "provisional",
        "provisional_reasons",
    }
)
_CAT_NE: Final = -2


class TierResult(ExplainedResult):
    """The outcome of one tier (or flare grade): its status and each criterion.

    Attributes
    ----------
    tier : str
        Which tier: ``"complete"`` / ``"partial"``, or a flare grade
        (``"severe"``, ``"moderate"``, ``"mild"``, ``"flare"``).
    label : str
        The source's name for it ("CRR", "PERR" ...; the grade for flares).
    status : Status
        Three-valued combination of the criteria.
    criteria : tuple of Criterion
        One per part, with observed value, threshold and status.
    provisional : bool
        Whether the tier is provisional.
    provisional_reason : str, optional
        Why.

    The fields of :class:`lupusscore.results.ExplainedResult` hold the tier's
    one-line reason and its missing inputs (as data).
    """

    tier: str
    label: str
    criteria: tuple[Criterion, ...]
    provisional: bool = False
    provisional_reason: str | None = None

    @property
    def grade(self) -> str:
        """The flare grade (the same as :attr:`tier`)."""
        return self.tier

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and "grade" in data and "label" not in data:
            data = {**data, "label": data["grade"]}  # a flare rule of 0.x
        return _renamed(cls, data, {"grade": "tier"})


class GradedResult(DeferredFields, ExplainedResult):
    """Fields every response and flare result has (one result shape).

    Attributes
    ----------
    status : Status
        Three-valued OR of the tiers: met when any tier is met.
    reason : str
        Why this category, in one line.
    missing : tuple of str
        The missing inputs (None / NaN) that left a criterion not evaluable,
        as data.
    source : str
        The definition's citation.
    notes : tuple of str
        Where the inputs came from (model level), empty at kernel level.
    category : str
        The category (an enum of the family).
    definition_id, definition_version : str
        The definition applied.
    tiers : tuple of TierResult
        Each tier's status and criteria, highest first.
    provisional : bool
        True if the category rests on a provisional tier.
    provisional_reasons : tuple of str
        The reasons.
    """

    reason: str
    category: str
    definition_id: str
    definition_version: str
    tiers: tuple[TierResult, ...]
    provisional: bool = False
    provisional_reasons: tuple[str, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        data = _renamed(cls, data, {"missing_inputs": "missing", "rules": "tiers"})
        data = _renamed(cls, data, {"flare": "status"})
        if isinstance(data, Mapping) and "status" not in data and "tiers" in data:
            # A response result of 0.x had no status: the OR of its tiers.
            tiers = data["tiers"]
            got = [t["status"] if isinstance(t, Mapping) else t.status for t in tiers]
            data = {**data, "status": any_of(Status(x) for x in got)}
        return data

    @classmethod
    def _trusted(cls, **fields: Any) -> Self:
        """:meth:`FrozenModel._trusted`, with the category as the family's enum."""
        return super()._trusted(**cls._category_enum(fields))

    @classmethod
    def _trusted_deferred(
        cls,
        build: Callable[[], dict[str, Any]],
        fields_set: Iterable[str],
        **fields: Any,
    ) -> Self:
        """:meth:`DeferredFields._trusted_deferred`, the category as the enum."""
        fields = cls._category_enum(fields)
        return super()._trusted_deferred(build, fields_set, **fields)

    @classmethod
    def _category_enum(cls, fields: dict[str, Any]) -> dict[str, Any]:
        kind = _CATEGORY_TYPES.get(cls)
        if kind is None:  # read once per class (model_fields is slow to read)
            kind = _CATEGORY_TYPES[cls] = cls.model_fields["category"].annotation
        if isinstance(kind, type) and not isinstance(fields["category"], kind):
            fields["category"] = kind(fields["category"])
        return fields

    #: Reason style: name the met criteria of a met tier ("mild met (casts)").
    NAME_MET: ClassVar[bool] = False
    #: Reason style: name the failed criteria of a tier not met.
    NAME_NOT_MET: ClassVar[bool] = True
    #: Reason style: show the lower tier met when a higher one is open.
    SHOW_LOWER: ClassVar[bool] = True

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion of every tier, named ``"<tier>.<criterion>"``."""
        return tuple(c for t in self.tiers for c in t.criteria)

    @classmethod
    def summary(cls, tier: TierResult) -> str:
        """One tier in one line: met / not met / not evaluable, and which parts."""
        if tier.status is Status.NOT_EVALUABLE:
            open_ = [
                f"{c.name.split('.', 1)[1]}: {c.reason}"
                for c in tier.criteria
                if c.status is Status.NOT_EVALUABLE
            ]
            return f"{tier.label} not evaluable ({'; '.join(open_)})"
        met = tier.status is Status.MET
        names = [
            c.name.split(".", 1)[1] for c in tier.criteria if c.status is tier.status
        ]
        word = "met" if met else "not met"
        if met and cls.NAME_MET:
            return f"{tier.label} {word} ({', '.join(names)})"
        if not met and cls.NAME_NOT_MET:
            return f"{tier.label} {word} ({'; '.join(names)})"
        return f"{tier.label} {word}"

    @classmethod
    def reason_of(cls, tiers: tuple[TierResult, ...]) -> str:
        """Return the reason: each tier down to the first met or open one."""
        out: list[str] = []
        for k, t in enumerate(tiers):
            out.append(t.reason or "")
            if t.status is Status.MET:
                break
            if t.status is Status.NOT_EVALUABLE:
                met = (x for x in tiers[k + 1 :] if x.status is Status.MET)
                lower = next(met, None)
                if lower is not None:
                    if cls.SHOW_LOWER:
                        out.append(lower.reason or "")
                    out.append(f"at least {lower.tier}")
                break
        return "; ".join(out)


R = TypeVar("R", bound=GradedResult)


def _renamed(cls: type, data: Any, names: Mapping[str, str]) -> Any:
    """Accept a field under its old name (results written by 0.x), with a warning."""
    if not isinstance(data, Mapping) or not any(k in data for k in names):
        return data
    out = dict(data)
    for old, new in names.items():
        if old in out:
            warnings.warn(
                f"{cls.__name__}: field {old!r} is deprecated; it is now {new!r}",
                DeprecationWarning,
                stacklevel=2,
            )
            value = out.pop(old)
            out.setdefault(new, value)
    return out


def renamed_keywords(
    function: str,
    values: Mapping[str, object],
    old: Mapping[str, object],
    renames: Mapping[str, str],
) -> dict[str, object]:
    """Accept deprecated keyword names of a public function (one release).

    Parameters
    ----------
    function : str
        The public function's name (for messages).
    values : mapping
        The keyword inputs under their current names (None = not given).
    old : mapping
        The extra keywords the caller passed (``**kwargs``).
    renames : mapping
        Deprecated name -> current name.

    Returns
    -------
    dict
        *values* with each deprecated keyword's value under its current name.

    Raises
    ------
    InvalidValueError
        A keyword that is neither current nor deprecated, or a deprecated name
        and its current name both given (not None).

    Warns
    -----
    DeprecationWarning
        For each deprecated name used, naming the current one.
    """
    out = dict(values)
    for name, value in old.items():
        new = renames.get(name)
        if new is None:
            raise InvalidValueError(
                field=name,
                value=describe(value),
                expected=f"a keyword input of {function}() (lupusscore.vocabulary)",
            )
        if out.get(new) is not None:
            raise InvalidValueError(
                field=name,
                value=describe(value),
                expected=f"{new} or the deprecated {name}, not both",
            )
        warnings.warn(
            f"{function}(): the keyword {name!r} is deprecated and will be removed; "
            f"use {new!r}",
            DeprecationWarning,
            stacklevel=3,
        )
        out[new] = value
    return out


class Run(Generic[R]):
    """Evaluated arrays for one definition; builds explained results per element."""

    def __init__(
        self, definition: GradedDefinition, inp: Inputs, result_type: type[R]
    ) -> None:
        self.definition, self.inp, self.result_type = definition, inp, result_type
        self.grades: list[tuple[Grade, Codes, list[tuple[str, PartEval]]]] = []
        for grade, any_parts, all_parts in _grade_plan(definition):
            anys = [(name, p.evaluate(inp)) for name, p in any_parts]
            alls = [(name, p.evaluate(inp)) for name, p in all_parts]
            codes = [e.status for _, e in alls]
            if anys:
                codes.insert(0, any_codes(*(e.status for _, e in anys)))
            status = _shaped(all_codes(*codes), inp.shape)
            self.grades.append((grade, status, anys + alls))
        if inp.shape:
            cat = np.full(inp.shape, _CAT_NONE, dtype=np.int16)  # or a grade index
            decided = np.zeros(inp.shape, dtype=np.bool_)
            for k, (_, status, _) in enumerate(self.grades):
                hit = ~decided & (status == MET)
                cat[hit] = k
                ne = ~decided & (status == NOT_EVALUABLE)
                cat[ne] = _CAT_NE
                decided |= hit | ne
        else:  # one element: the same rule (first met or open grade) without masks
            first = _CAT_NONE
            for k, (_, status, _) in enumerate(self.grades):
                code = int(status)
                if code == MET:
                    first = k
                    break
                if code == NOT_EVALUABLE:
                    first = _CAT_NE
                    break
            cat = np.array(np.int16(first))
        overall = any_codes(*(s for _, s, _ in self.grades))
        self.coverage = definition.coverage(inp)
        if self.coverage is not None:
            cat[self.coverage.outside] = _CAT_NE
            overall = np.where(self.coverage.outside, NOT_EVALUABLE, overall)
        self.cat = cat
        self.status = _shaped(overall, inp.shape)

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle as the definition and inputs; the arrays are re-evaluated."""
        return (Run, (self.definition, self.inp, self.result_type))

    def _tier(
        self, grade: Grade, status: Codes, evals: list[tuple[str, PartEval]], i: Index
    ) -> TierResult:
        criteria = tuple(e.build(i, f"{grade.name}.{n}") for n, e in evals)
        missing = sorted(
            {
                name
                for (_, e), c in zip(evals, criteria, strict=True)
                if c.status is Status.NOT_EVALUABLE
                for name in e.missing(i)
            }
        )
        # Built from checked values without re-validation (TierResult._trusted).
        fields: dict[str, Any] = {
            "tier": grade.name,
            "label": grade.label,
            "status": status_of(status[i]),
            "criteria": criteria,
            "missing": tuple(missing),
            "provisional": grade.provisional,
            "provisional_reason": grade.provisional_reason,
        }
        reason = self.result_type.summary(TierResult._trusted(**fields))
        return TierResult._trusted(**fields, reason=reason)

    def category(self, i: Index) -> str:
        """Return the category name of element *i*."""
        k = int(self.cat[i])
        if k == _CAT_NONE:
            return "none"
        if k == _CAT_NE:
            return "not_evaluable"
        return self.grades[k][0].name

    def build(self, i: Index) -> R:
        """Return the explained result of element *i*.

        The category, status and provisional flags are set at once; the
        tiers' criteria, the reason and the missing inputs are built on first
        access (:class:`lupusscore.results.DeferredFields`), with the values
        an eager construction gives.
        """
        d = self.definition
        category = self.category(i)
        # A provisional tier counts when it is the category's own tier or a
        # higher one (a provisional complete tier always counts).
        rank = [g.name for g, _, _ in self.grades]
        own = rank.index(category) if category in rank else len(rank)
        prov = [
            g
            for k, (g, _, _) in enumerate(self.grades)
            if g.provisional and _counts(k, own)
        ]
        return self.result_type._trusted_deferred(
            functools.partial(self._explained, i),
            _GRADED_FIELDS_SET,
            status=status_of(self.status[i]),
            source=d.citation,
            category=category,
            definition_id=d.id,
            definition_version=d.version,
            provisional=bool(prov),
            provisional_reasons=tuple(
                f"{g.label}: {g.provisional_reason}" for g in prov
            ),
        )

    def _explained(self, i: Index) -> dict[str, Any]:
        """Build the explanation of element *i*: tiers, reason, missing inputs."""
        tiers = tuple(self._tier(g, s, e, i) for g, s, e in self.grades)
        if self.coverage is not None and bool(self.coverage.outside[i]):
            reason = self.coverage.reason(i)
        else:
            reason = self.result_type.reason_of(tiers)
        return {
            "reason": reason,
            "missing": tuple(sorted({m for t in tiers for m in t.missing})),
            "tiers": tiers,
        }

    def labels(self) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
        """Return the category and status strings of every element."""
        names = np.array(
            [g.name for g, _, _ in self.grades] + ["not_evaluable", "none"]
        )
        n = len(self.grades)
        idx = np.where(self.cat >= 0, self.cat, np.where(self.cat == _CAT_NE, n, n + 1))
        statuses = np.array([status_of(c).value for c in (NOT_MET, NOT_EVALUABLE, MET)])
        return names[idx], statuses[self.status]


_Named = tuple[tuple[str, Evaluable], ...]
_Plan = tuple[tuple[Grade, _Named, _Named], ...]
#: Per definition object (by id, dropped with it): its grades and each
#: grade's parts with their criterion names (definitions are immutable).
_GRADE_PLANS: Final[dict[int, tuple[weakref.ref[GradedDefinition], _Plan]]] = {}


def _grade_plan(definition: GradedDefinition) -> _Plan:
    """Return the grades with their named parts (built once per definition)."""
    key = id(definition)
    found = _GRADE_PLANS.get(key)
    if found is not None and found[0]() is definition:
        return found[1]
    plan = tuple(
        (
            grade,
            tuple((p.name or p.kind, p) for p in grade.any_of),
            tuple((p.name or p.kind, p) for p in grade.all_of),
        )
        for grade in definition.grades()
    )
    _GRADE_PLANS[key] = (weakref.ref(definition), plan)
    weakref.finalize(definition, _GRADE_PLANS.pop, key, None)
    return plan


def _shaped(codes: Codes, shape: tuple[int, ...]) -> Codes:
    """Status codes broadcast to *shape*, as a new int8 array."""
    if not shape and not ndim(codes):
        return np.array(codes, dtype=np.int8)
    return np.broadcast_to(codes, shape).astype(np.int8)


def _counts(k: int, own: int) -> bool:
    """Whether provisional tier *k* bears on a category of tier index *own*.

    The top tier always does; a lower tier does unless a higher tier is the
    category (complete met makes a provisional partial tier irrelevant).
    """
    return k == 0 or own >= k


E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, eq=False, repr=False)
class GradedBatch(Displayable, Generic[R]):
    """Per-element results of a definition on array inputs.

    ``category`` and ``status`` are NumPy arrays of strings with the broadcast
    shape of the inputs; the explained result of one element (with its
    ``missing`` inputs) is built on demand by :meth:`result`.
    """

    category: npt.NDArray[np.str_]
    status: npt.NDArray[np.str_]
    definition_id: str
    definition_version: str
    _build: Callable[[Index], R]

    #: The definition class, the result class and the kernel inputs (set by
    #: each public batch class).
    definition_type: ClassVar[type[GradedDefinition]]
    result_type: ClassVar[type[GradedResult]]
    input_names: ClassVar[tuple[str, ...]]

    @classmethod
    def of(cls, run: Run[R]) -> Self:
        """Wrap an evaluated run."""
        category, status = run.labels()
        return cls(
            category=category,
            status=status,
            definition_id=run.definition.id,
            definition_version=run.definition.version,
            _build=run.build,
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the inputs."""
        return tuple(self.category.shape)

    def __len__(self) -> int:
        return int(self.category.size)

    def result(self, index: int | tuple[int, ...]) -> R:
        """Return the explained result of one element (flat or N-d index)."""
        return self._build(batch_index(index, self.shape))

    def __iter__(self) -> Iterator[R]:
        """Explained results in C (row-major) order."""
        for i in range(len(self)):
            yield self.result(i)

    @property
    def missing(self) -> tuple[tuple[str, ...], ...]:
        """Each element's missing inputs (as data), in C order."""
        return tuple(r.missing for r in self)

    def __eq__(self, other: object) -> bool:
        """Equal when of one definition with equal categories and results."""
        if not isinstance(other, type(self)):
            return NotImplemented
        return (
            self.definition_id == other.definition_id
            and self.definition_version == other.definition_version
            and all(
                a.shape == b.shape and bool(np.all(a == b))
                for a, b in zip(
                    (self.category, self.status),
                    (other.category, other.status),
                    strict=True,
                )
            )
            and list(self) == list(other)
        )

    def _category_text(self) -> str:
        values, counts = np.unique(self.category.reshape(-1), return_counts=True)
        return ", ".join(
            f"{status_word(str(v))} {int(n)}"
            for v, n in zip(values.tolist(), counts.tolist(), strict=True)
        )

    def __repr__(self) -> str:
        """Short: the definition, the shape and how many of each category."""
        return (
            f"<{type(self).__name__} {self.definition_id} "
            f"v{self.definition_version}: shape {self.shape}; "
            f"{self._category_text() or 'empty'}>"
        )

    def _display_view(self) -> View:
        return View(
            title=f"{type(self).__name__}: {len(self)} results",
            facts=(
                (
                    "definition",
                    f"{self.definition_id} version {self.definition_version}",
                ),
                ("shape", str(self.shape)),
                ("categories", self._category_text() or "none"),
                ("one result", ".result(index) explains one element"),
            ),
        )

    def __hash__(self) -> int:
        """Hash of the definition and the categories."""
        cells = self.category.reshape(-1).tolist()
        return hash((self.definition_id, self.definition_version, self.shape, *cells))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle support (the explained results are rebuilt on load)."""
        return (
            type(self),
            (
                self.category,
                self.status,
                self.definition_id,
                self.definition_version,
                self._build,
            ),
        )

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """Return the batch as JSON: its definition, inputs and categories.

        :meth:`model_validate_json` re-evaluates the definition on the inputs,
        so the explained results come back equal.
        """
        run = cast(Run[R], getattr(self._build, "__self__", None))
        doc = {
            "type": type(self).__name__,
            "definition": run.definition.model_dump(mode="json"),
            "inputs": inputs_to_json(run.inp),
            "category": self.category.tolist(),
            "status": self.status.tolist(),
        }
        return json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> Self:
        """Rebuild a batch written by :meth:`model_dump_json`.

        Raises
        ------
        InvalidValueError
            Not such a document, or categories that the definition does not
            give for the inputs (an edited file).
        """
        doc = load_batch_json(text, cls.__name__)
        definition = cls.definition_type.model_validate(doc["definition"])
        inp = inputs_from_json(doc["inputs"], frozenset(cls.input_names))
        batch = cls.of(Run(definition, inp, cls.result_type))  # type: ignore[arg-type]
        if (
            batch.category.tolist() != doc["category"]
            or batch.status.tolist() != doc["status"]
        ):
            raise InvalidValueError(
                field="category",
                value=describe(doc["category"]),
                expected="the categories the definition gives for these inputs",
            )
        return batch

    def _counts(self, categories: type[E]) -> dict[E, int]:
        return {c: int(np.sum(self.category == c.value)) for c in categories}


def classify(
    definition: GradedDefinition,
    values: Mapping[str, object],
    batch_type: type[GradedBatch[R]],
) -> R | GradedBatch[R]:
    """Check the kernel inputs (by their declared kind and unit) and evaluate.

    Parameters
    ----------
    definition : GradedDefinition
        The definition to apply.
    values : mapping
        Keyword inputs by their vocabulary names (``lupusscore.vocabulary``).
    batch_type : type
        The public batch class of the family (names its result class).

    Returns
    -------
    GradedResult or GradedBatch
        A result for scalar inputs, a batch when any input is array-like.
    """
    run, batch = run_of(definition, values, batch_type.result_type)
    if not batch:
        return cast(R, run.build(()))
    return batch_type.of(cast(Run[R], run))


def run_of(
    definition: GradedDefinition,
    values: Mapping[str, object],
    result_type: type[GradedResult],
) -> tuple[Run[Any], bool]:
    """Check the kernel inputs and evaluate them: the run and whether a batch.

    The cohort engine reads the run's per-tier and per-criterion status codes
    (``Run.grades``) directly; :func:`classify` wraps the same run in a result
    or a batch.
    """
    numeric_names, flag_names, units, integer = _input_plan(tuple(values))
    inp, batch = coerce_inputs(
        {n: values[n] for n in numeric_names},
        {n: values[n] for n in flag_names},
        units=units,
        integer=integer,
    )
    return Run(definition, inp, result_type), batch


@functools.lru_cache(maxsize=256)
def _input_plan(
    names: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], Mapping[str, str], frozenset[str]]:
    """Numeric and flag inputs among *names*, their units and the day counts.

    Read from the vocabulary once per set of keyword names (cached: the
    vocabulary is constant and the answer immutable).
    """
    kinds = {name: INPUTS[name] for name in names}
    numeric = tuple(n for n in names if kinds[n].kind != "flag")
    flags = tuple(n for n in names if kinds[n].kind == "flag")
    units = MappingProxyType({n: kinds[n].unit for n in numeric})
    integer = frozenset(n for n in numeric if kinds[n].kind == "count")
    return numeric, flags, units, integer
