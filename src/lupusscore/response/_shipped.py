"""The renal response definitions shipped with lupusscore, loaded from data files.

Each shipped definition is a JSON file, ``definitions/<id>.json`` in this
package, holding ``RenalResponseDefinition.model_dump(mode="json")``: every
threshold sits in its criterion beside that criterion's citation, and the
definition carries the source, the evidence tag and the notes. Evidence tags
follow the lupusscore clinical reference: ``[V]`` seen in a primary source (or
an abstract, registry record or label reproducing it), ``[V2]`` two independent
secondary sources agree, ``[S]`` one secondary source. Anything not verified is
either shipped in a tier flagged ``provisional`` with the reason, or left out
(see ``docs/renal-response.md``, "Not shipped", and :data:`UNCONFIRMED`).

The files are read through :func:`lupusscore.load_definition`, the path a
protocol's own definition takes, once per process (cached). Parameters whose
range the source gives (``egfr_tolerance`` ...) name the criterion fields they
set (``Parameter.applies_to``); :func:`get_definition` re-parameterises from
that, so no threshold is repeated in Python.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any, Final, Literal, TypeVar

from pydantic import ValidationError

from lupusscore._checks import describe
from lupusscore.errors import DefinitionError
from lupusscore.response._definition import (
    GradedDefinition,
    RenalResponseDefinition,
    load_definition,
    validation_message,
)
from lupusscore.response._deprecated import module_getattr
from lupusscore.response._flare import RenalFlareDefinition

__all__ = [
    "SHIPPED_FLARE_IDS",
    "SHIPPED_IDS",
    "definition_json",
    "get_definition",
    "get_flare_definition",
    "list_definitions",
    "list_flare_definitions",
    "resolve_definition",
    "resolve_flare_definition",
]

#: The shipped definition ids, in the order :func:`list_definitions` gives;
#: each has a file ``definitions/<id>.json`` in this package.
SHIPPED_IDS: Final = (
    "kdigo-2024",
    "kdigo-2012",
    "eular-2019",
    "eular-2012",
    "aurora",
    "bliss-ln",
    "regency",
    "alms",
    "lunar",
    "acr-2024",
    "nobility",
)

#: Package folder (inside ``lupusscore.response``) holding the files.
DEFINITIONS_DIR: Final = "definitions"

#: The shipped renal flare definition ids, in the order
#: :func:`list_flare_definitions` gives; each has a file ``flares/<id>.json``.
#: (A folder of their own: ``kdigo-2012`` names both a response and a flare.)
SHIPPED_FLARE_IDS: Final = (
    "kdigo-2012",
    "aurora-2",
    "upcr-doubling",
    "creatinine-doubling",
    "moroni-nephritic",
)

#: Package folder (inside ``lupusscore.response``) holding the flare files.
FLARES_DIR: Final = "flares"

Family = Literal["response", "flare"]

#: The one registry: per family, its folder, its ids and its model.
_FAMILIES: Final[dict[str, tuple[str, tuple[str, ...], type[GradedDefinition]]]] = {
    "response": (DEFINITIONS_DIR, SHIPPED_IDS, RenalResponseDefinition),
    "flare": (FLARES_DIR, SHIPPED_FLARE_IDS, RenalFlareDefinition),
}

# --- Old constant names (deprecated) ----------------------------------------------
#
# The thresholds and sources used to be module constants here. They now live in
# the definition files; the old names stay importable for one release, read from
# the loaded data (module ``__getattr__``) with a DeprecationWarning. Each maps to
# (definition id, path): ``citation`` / ``version``, ``<tier>.<criterion>.<field>``
# or ``parameters.<name>.<field>`` (``range`` gives (minimum, maximum)).

_OLD_NAMES: Final[dict[str, tuple[str, str]]] = {
    "ENCODING_VERSION": ("kdigo-2024", "version"),
    "KDIGO_2024": ("kdigo-2024", "citation"),
    "KDIGO_2012": ("kdigo-2012", "citation"),
    "EULAR_2019": ("eular-2019", "citation"),
    "EULAR_2012": ("eular-2012", "citation"),
    "AURORA_1": ("aurora", "citation"),
    "BLISS_LN": ("bliss-ln", "citation"),
    "REGENCY": ("regency", "citation"),
    "ALMS": ("alms", "citation"),
    "LUNAR": ("lunar", "citation"),
    "ACR_2024": ("acr-2024", "citation"),
    "NOBILITY": ("nobility", "citation"),
    "KDIGO_CKD_2012": ("eular-2019", "parameters.normal_egfr.citation"),
    "KDIGO_CR_UPCR_G_G": ("kdigo-2024", "complete.upcr_below.threshold_g_g"),
    "KDIGO_CR_UPCR_MG_MMOL": ("kdigo-2024", "complete.upcr_below.threshold_mg_mmol"),
    "KDIGO_PR_REDUCTION": ("kdigo-2024", "partial.upcr_reduction.min_fraction"),
    "KDIGO_PR_UPCR_G_G": ("kdigo-2024", "partial.upcr_below.threshold_g_g"),
    "KDIGO_PR_UPCR_MG_MMOL": ("kdigo-2024", "partial.upcr_below.threshold_mg_mmol"),
    "KDIGO_EGFR_TOLERANCE_RANGE": ("kdigo-2024", "parameters.egfr_tolerance.range"),
    "KDIGO_EGFR_TOLERANCE_DEFAULT": (
        "kdigo-2024",
        "parameters.egfr_tolerance.default",
    ),
    "KDIGO2012_CR_UPCR_G_G": ("kdigo-2012", "complete.upcr_below.threshold_g_g"),
    "KDIGO2012_CR_UPCR_MG_MMOL": (
        "kdigo-2012",
        "complete.upcr_below.threshold_mg_mmol",
    ),
    "KDIGO2012_CR_SCR_RISE": ("kdigo-2012", "complete.creatinine.max_rise_fraction"),
    "KDIGO2012_PR_REDUCTION": ("kdigo-2012", "partial.upcr_reduction.min_fraction"),
    "KDIGO2012_PR_SCR_RISE": ("kdigo-2012", "partial.creatinine.max_rise_fraction"),
    "KDIGO2012_NEPHROTIC_G_G": (
        "kdigo-2012",
        "partial.nephrotic_baseline.nephrotic_g_g",
    ),
    "EULAR2019_CR_UPCR_RANGE": ("eular-2019", "parameters.upcr_threshold_g_g.range"),
    "EULAR2019_CR_UPCR_DEFAULT": (
        "eular-2019",
        "parameters.upcr_threshold_g_g.default",
    ),
    "EULAR2012_CR_UPCR_G_G": ("eular-2012", "complete.upcr_below.threshold_g_g"),
    "EULAR2012_CR_UPCR_MG_MMOL": (
        "eular-2012",
        "complete.upcr_below.threshold_mg_mmol",
    ),
    "EULAR_PR_REDUCTION": ("eular-2019", "partial.upcr_reduction.min_fraction"),
    "EULAR_NEAR_NORMAL_FRACTION": ("eular-2019", "complete.egfr.max_fall_fraction"),
    "NORMAL_EGFR_DEFAULT": ("eular-2019", "parameters.normal_egfr.default"),
    "NEPHROTIC_G_G_DEFAULT": ("eular-2019", "parameters.nephrotic_g_g.default"),
    "AURORA_CRR_UPCR_G_G": ("aurora", "complete.upcr_below.threshold_g_g"),
    "AURORA_CRR_EGFR_MIN": ("aurora", "complete.egfr.at_least"),
    "AURORA_CRR_EGFR_FALL": ("aurora", "complete.egfr.max_fall_fraction"),
    "AURORA_GC_CEILING_MG_DAY": (
        "aurora",
        "complete.glucocorticoid_ceiling.max_mg_day",
    ),
    "AURORA_GC_FROM_WEEK": ("aurora", "complete.glucocorticoid_ceiling.from_week"),
    "AURORA_GC_DAYS_TOTAL": (
        "aurora",
        "complete.glucocorticoid_ceiling.fail_if_days_above",
    ),
    "AURORA_GC_DAYS_CONSECUTIVE": (
        "aurora",
        "complete.glucocorticoid_ceiling.fail_if_consecutive_days_above",
    ),
    "BLISS_CRR_UPCR_G_G": ("bliss-ln", "complete.upcr_below.threshold_g_g"),
    "BLISS_CRR_EGFR_MIN": ("bliss-ln", "complete.egfr.at_least"),
    "BLISS_CRR_EGFR_FALL": ("bliss-ln", "complete.egfr.max_fall_fraction"),
    "BLISS_PERR_UPCR_G_G": ("bliss-ln", "partial.upcr_below.threshold_g_g"),
    "BLISS_PERR_EGFR_MIN": ("bliss-ln", "partial.egfr.at_least"),
    "BLISS_PERR_EGFR_FALL": ("bliss-ln", "partial.egfr.max_fall_fraction"),
    "BLISS_GC_CEILING_MG_DAY": (
        "bliss-ln",
        "complete.glucocorticoid_ceiling.max_mg_day",
    ),
    "BLISS_GC_FROM_WEEK": ("bliss-ln", "complete.glucocorticoid_ceiling.from_week"),
    "REGENCY_CRR_UPCR_G_G": ("regency", "complete.upcr_below.threshold_g_g"),
    "REGENCY_CRR_EGFR_FALL": ("regency", "complete.egfr.max_fall_fraction"),
    "ALMS_NEPHROTIC_G_G": ("alms", "partial.nephrotic_baseline.nephrotic_g_g"),
    "ALMS_REDUCTION": ("alms", "partial.nephrotic_baseline.subnephrotic_min_reduction"),
    "ALMS_SCR_RISE": ("alms", "partial.creatinine.max_rise_fraction"),
    "LUNAR_CRR_UPCR_G_G": ("lunar", "complete.upcr_below.threshold_g_g"),
    "LUNAR_SCR_RISE": ("lunar", "complete.creatinine.max_rise_fraction"),
    "LUNAR_RBC_HPF": ("lunar", "complete.inactive_sediment.max_rbc_hpf"),
    "ACR2024_CRR_UPCR_G_G": ("acr-2024", "complete.upcr_below.threshold_g_g"),
    "ACR2024_EGFR_FALL": ("acr-2024", "complete.egfr.max_fall_fraction"),
    "NOBILITY_CRR_UPCR_G_G": ("nobility", "complete.upcr_below.threshold_g_g"),
    "NOBILITY_SCR_RISE": ("nobility", "complete.creatinine.max_rise_fraction"),
    "NOBILITY_RBC_HPF": ("nobility", "complete.inactive_sediment.max_rbc_hpf"),
}


# --- Looked up and not confirmed -------------------------------------------------
#
# Issue 18 item 5: each tier or rule below was looked up in a primary source
# (trial paper, supplement or protocol, registry record, guideline, label) and
# could not be confirmed there, so it is deliberately NOT shipped. Where each was
# looked and what was found is in docs/unverified-tiers.md (one section per key).

UNVERIFIED_DOC: Final = "docs/unverified-tiers.md"


@dataclass(frozen=True)
class Unconfirmed:
    """A response tier or rule that was looked up and not confirmed.

    Nothing here is evaluated. Each entry names what is left out on purpose, so
    the shipped definitions, their notes and ``docs/unverified-tiers.md`` can be
    checked against one list.

    Attributes
    ----------
    key : str
        Stable slug; the section id in ``docs/unverified-tiers.md``.
    item : str
        What was looked for.
    definition : str or None
        The shipped definition the tier would belong to, if any.
    tier : {"complete", "partial"} or None
        The tier of that definition that is left empty.
    reason : str
        Why it is not shipped, in one line.
    """

    key: str
    item: str
    definition: str | None
    tier: Literal["complete", "partial"] | None
    reason: str


UNCONFIRMED: Final[tuple[Unconfirmed, ...]] = (
    Unconfirmed(
        key="aurora-prr",
        item="AURORA 1 partial renal response",
        definition="aurora",
        tier="partial",
        reason="named as a secondary endpoint; no definition in the Lancet abstract, "
        "the registry results or the trial announcement",
    ),
    Unconfirmed(
        key="lunar-prr",
        item="LUNAR partial renal response",
        definition="lunar",
        tier="partial",
        reason="the registry outcome text is cut off at 'A participant had a PRR if "
        "they'; the paper's Methods were not reachable",
    ),
    Unconfirmed(
        key="nobility-prr",
        item="NOBILITY partial renal response",
        definition="nobility",
        tier="partial",
        reason="named as a key secondary objective; no definition in the registry "
        "primary outcome, the ARD abstract or the meeting abstracts",
    ),
    Unconfirmed(
        key="acr-2024-prr",
        item="ACR 2024 partial renal response",
        definition="acr-2024",
        tier="partial",
        reason="used (inadequate response = no PRR by 6-12 months) but not defined "
        "in the Guideline Summary; the full manuscript was not reachable",
    ),
    Unconfirmed(
        key="alms-complete-remission",
        item="ALMS complete remission",
        definition="alms",
        tier="complete",
        reason="the protocol paper says only 'normalisation of all parameters'; no "
        "numbers were seen",
    ),
    Unconfirmed(
        key="kdigo-paediatric-cr",
        item="KDIGO paediatric complete response",
        definition=None,
        tier=None,
        reason="seen only in one AI-written secondary summary, not in a "
        "transcription of the KDIGO 2024 table",
    ),
    Unconfirmed(
        key="eular-2012-flare",
        item="EULAR/ERA-EDTA 2012 renal flare thresholds",
        definition=None,
        tier=None,
        reason="only the abstract of Bertsias 2012 was reachable; it defines "
        "response, not flare",
    ),
    Unconfirmed(
        key="bliss-ln-week-100",
        item="BLISS-LN confirmation of the week-104 response at week 100",
        definition="bliss-ln",
        tier=None,
        reason="no source read (label HCP pages, AJKD and CJASN abstracts) states "
        "a week-100 confirmation",
    ),
    Unconfirmed(
        key="sledai-2k-ri-50",
        item="SLEDAI-2K Responder Index-50 (Touma 2011)",
        definition=None,
        tier=None,
        reason="the halving of weights is confirmed, but the per-descriptor '>= 50% "
        "improvement' criteria are on a data retrieval form that was not obtained",
    ),
)


# --- Loading -------------------------------------------------------------------


def definition_json(definition: GradedDefinition) -> str:
    """Return the canonical text of a definition file.

    The shipped files are exactly this text (``model_dump(mode="json")``,
    indented by two, UTF-8, final newline); ``scripts/dump_definitions.py``
    rewrites them in this form and the tests check file -> model -> text.
    """
    given: object = definition  # runtime guard for untyped callers
    if not isinstance(given, GradedDefinition):
        msg = f"definition: got {describe(given)}; expected a definition object"
        raise DefinitionError(msg, field="definition", value=describe(given))
    data = definition.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def definition_file(definition_id: str, family: Family = "response") -> Traversable:
    """Return the package resource holding shipped definition *definition_id*."""
    root = importlib.resources.files("lupusscore.response")
    return root / _FAMILIES[family][0] / f"{definition_id}.json"


@functools.cache
def _load_shipped(definition_id: str, family: Family = "response") -> GradedDefinition:
    """Load one shipped file of *family* (once per process; frozen)."""
    source = (
        definition_file(definition_id)
        if family == "response"
        else definition_file(definition_id, family)
    )
    definition = load_definition(source, _FAMILIES[family][2])
    if definition.id != definition_id:
        msg = f"{source}: id: the file holds {definition.id!r}, not {definition_id!r}"
        raise DefinitionError(
            msg, definition=definition_id, field="id", origin=str(source)
        )
    for p in getattr(definition, "parameters", ()):
        if p.value != p.default:
            msg = (
                f"{source}: parameters.{p.name}.value: a shipped file holds the "
                f"default ({p.default!r}), got {p.value!r}"
            )
            raise DefinitionError(
                msg, definition=definition_id, field=p.name, origin=str(source)
            )
    return definition


def _response(definition_id: str) -> RenalResponseDefinition:
    """Load one shipped response definition (cached by :func:`_load_shipped`)."""
    found = _load_shipped(definition_id)
    if not isinstance(found, RenalResponseDefinition):  # pragma: no cover
        raise TypeError(found)
    return found


def _shipped_or_error(definition_id: object, family: Family) -> GradedDefinition:
    """Return a shipped definition of *family*, or raise naming the known ids."""
    ids = _FAMILIES[family][1]
    if not isinstance(definition_id, str) or definition_id not in ids:
        what = _FAMILIES[family][2].WHAT
        msg = f"unknown {what} {describe(definition_id)}; shipped: {', '.join(ids)}"
        raise DefinitionError(
            msg, definition=describe(definition_id), field="definition"
        )
    return _load_shipped(definition_id, family)


def _values(
    definition: RenalResponseDefinition, overrides: Mapping[str, float]
) -> dict[str, float]:
    known = {p.name: p for p in definition.parameters}
    did = definition.id
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        msg = f"{did}: unknown parameter(s) {unknown}; parameters: {names}"
        raise DefinitionError(msg, definition=did, field=unknown[0])
    values = {}
    for name, p in known.items():
        raw = overrides.get(name, p.default)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            msg = f"{did}: parameter {name} must be a number (got {raw!r})"
            raise DefinitionError(msg, definition=did, field=name, value=raw)
        try:
            value = float(raw)
        except OverflowError:
            value = math.inf  # an int too large for a float: out of range below
        lo = p.minimum if p.minimum is not None else 0.0
        hi = p.maximum if p.maximum is not None else math.inf
        ok = math.isfinite(value) and lo <= value <= hi
        if not ok or (p.minimum is None and value <= 0):
            rng = (
                f"between {p.minimum:g} and {p.maximum:g} (the source's range)"
                if p.minimum is not None and p.maximum is not None
                else "a finite number > 0"
            )
            unit = f" {p.unit}" if p.unit else ""
            msg = f"{did}: parameter {name}: got {raw!r}{unit}; expected {rng}"
            raise DefinitionError(msg, definition=did, field=name, value=raw)
        values[name] = value
    return values


def _with_values(
    definition: RenalResponseDefinition, values: Mapping[str, float]
) -> RenalResponseDefinition:
    """Return *definition* with its parameters set to *values*.

    Each parameter's ``applies_to`` targets are set to the new value (times
    their factor); the version records the non-default values.
    """
    changed = [
        f"{p.name}={values[p.name]:g}"
        for p in definition.parameters
        if values[p.name] != p.default
    ]
    if not changed and all(values[p.name] == p.value for p in definition.parameters):
        return definition
    data: dict[str, Any] = definition.model_dump(mode="python")
    for param, spec in zip(data["parameters"], definition.parameters, strict=True):
        value = values[spec.name]
        param["value"] = value
        for target in spec.applies_to:
            part = next(
                c
                for c in data[target.tier]["criteria"]
                if (c["name"] or c["kind"]) == target.criterion
            )
            part[target.field] = target.apply(value)
    data["version"] = definition.version + ("+" + ",".join(changed) if changed else "")
    try:
        return RenalResponseDefinition.model_validate(data)
    except ValidationError as exc:
        msg = validation_message(exc, what=f"{definition.id} with {values}")
        raise DefinitionError(
            msg, definition=definition.id, field="parameters"
        ) from None


def get_definition(definition_id: str, **parameters: float) -> RenalResponseDefinition:
    """Return a shipped renal response definition, optionally re-parameterised.

    Parameters
    ----------
    definition_id : str
        One of the ids in :func:`list_definitions` (``"kdigo-2024"``,
        ``"kdigo-2012"``, ``"eular-2019"``, ``"eular-2012"``, ``"aurora"``,
        ``"bliss-ln"``, ``"regency"``, ``"alms"``, ``"lunar"``, ``"acr-2024"``,
        ``"nobility"``).
    **parameters : float
        Values for the definition's documented parameters, where the source
        gives a range: ``kdigo-2024`` ``egfr_tolerance`` (0.10-0.15, default
        0.15); ``eular-2019`` ``upcr_threshold_g_g`` (0.5-0.7 g/g, default 0.5),
        ``normal_egfr`` (default 90) and ``nephrotic_g_g`` (default 3);
        ``eular-2012`` ``normal_egfr`` and ``nephrotic_g_g``.

    Returns
    -------
    RenalResponseDefinition
        The frozen definition; its ``version`` records non-default parameters.

    Raises
    ------
    DefinitionError
        Unknown id, unknown parameter, or a value outside the source's range.

    Examples
    --------
    >>> d = get_definition("kdigo-2024", egfr_tolerance=0.10)
    >>> d.version, d.parameter("egfr_tolerance").value
    ('1+egfr_tolerance=0.1', 0.1)
    >>> get_definition("kdigo-2024", egfr_tolerance=0.2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lupusscore.errors.DefinitionError: kdigo-2024: parameter egfr_tolerance: got 0.2 ...
    """
    _shipped_or_error(definition_id, "response")
    try:
        return _get(definition_id, tuple(sorted(parameters.items())))
    except TypeError:
        msg = f"{definition_id!r}: parameter values must be numbers (got {parameters})"
        raise DefinitionError(
            msg, definition=definition_id, field="parameters"
        ) from None


@functools.lru_cache(maxsize=256)
def _get(
    definition_id: str, parameters: tuple[tuple[str, float], ...]
) -> RenalResponseDefinition:
    if not isinstance(definition_id, str) or definition_id not in SHIPPED_IDS:
        known = ", ".join(SHIPPED_IDS)
        msg = f"unknown renal response definition {definition_id!r}; shipped: {known}"
        raise DefinitionError(msg, definition=definition_id, field="definition")
    base = _response(definition_id)
    return _with_values(base, _values(base, dict(parameters)))


def list_definitions() -> tuple[RenalResponseDefinition, ...]:
    """Return every shipped renal response definition with default parameters.

    Examples
    --------
    >>> [d.id for d in list_definitions()][:4]
    ['kdigo-2024', 'kdigo-2012', 'eular-2019', 'eular-2012']
    """
    return tuple(get_definition(i) for i in SHIPPED_IDS)


def resolve_definition(
    definition: str | RenalResponseDefinition,
) -> RenalResponseDefinition:
    """Return *definition* itself, or the shipped definition with that id.

    Raises
    ------
    DefinitionError
        Unknown id, or neither a string nor a definition.
    """
    if isinstance(definition, str):
        return get_definition(definition)
    return _resolve(definition, "response", RenalResponseDefinition)


_D = TypeVar("_D", bound=GradedDefinition)


def _resolve(definition: object, family: Family, model: type[_D]) -> _D:
    """Return *definition* if it is a *model*, the shipped one for an id, or raise."""
    if isinstance(definition, model):
        return definition
    if isinstance(definition, str):
        found = _shipped_or_error(definition, family)
        if isinstance(found, model):
            return found
    what = "a definition id" if family == "response" else f"a {family} definition id"
    msg = (
        f"definition: expected {what} or a {model.__name__}, got "
        f"{type(definition).__name__}"
    )
    raise DefinitionError(msg, field="definition", value=repr(definition))


def get_flare_definition(definition_id: str) -> RenalFlareDefinition:
    """Return a shipped renal flare definition (read from ``flares/<id>.json``).

    Raises
    ------
    DefinitionError
        Unknown id.

    Examples
    --------
    >>> get_flare_definition("kdigo-2012").rules[0].grade
    'severe'
    """
    given: object = definition_id  # runtime guard for untyped callers
    if not isinstance(given, str):
        _shipped_or_error(given, "flare")  # raises, naming the shipped ids
    return _resolve(definition_id, "flare", RenalFlareDefinition)


def list_flare_definitions() -> tuple[RenalFlareDefinition, ...]:
    """Return every shipped renal flare definition.

    Examples
    --------
    >>> for d in list_flare_definitions():
    ...     print(d.id)
    kdigo-2012
    aurora-2
    upcr-doubling
    creatinine-doubling
    moroni-nephritic
    """
    return tuple(get_flare_definition(i) for i in SHIPPED_FLARE_IDS)


def resolve_flare_definition(
    definition: str | RenalFlareDefinition,
) -> RenalFlareDefinition:
    """Return *definition* itself, or the shipped flare definition with that id.

    Raises
    ------
    DefinitionError
        Unknown id, or neither a string nor a flare definition.
    """
    return _resolve(definition, "flare", RenalFlareDefinition)


#: The old constant names (see :data:`_OLD_NAMES`), read from the files.
__getattr__ = module_getattr(
    __name__,
    _OLD_NAMES,
    _response,
    lambda i: f"definitions/{i}.json: read it from lupusscore.get_definition({i!r})",
)
