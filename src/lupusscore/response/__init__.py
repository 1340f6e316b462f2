"""Renal response, remission and flare: published definitions as data.

A :class:`RenalResponseDefinition` is a frozen, versioned, cited object built
from a small set of criterion parts (UPCR threshold, UPCR reduction, eGFR,
serum creatinine, glucocorticoid ceiling, no rescue therapy, no withdrawal,
inactive sediment, nephrotic-baseline rule). Shipped definitions are returned
by :func:`get_definition`; protocol definitions load from JSON with
:func:`load_definition` (schema: ``RenalResponseDefinition.model_json_schema()``).

- :func:`classify_renal_response`: kernel level (floats or arrays, canonical
  units) to an explained :class:`RenalResponseResult`.
- :func:`evaluate_renal_response`: model level (a patient's visits).
- :func:`classify_renal_flare`: renal flare (KDIGO 2012 grades, AURORA 2,
  UPCR / creatinine doubling, creatinine rise with nephritic sediment).

See ``docs/renal-response.md`` for the side-by-side table and sources.
"""

from lupusscore.response._definition import (
    Parameter,
    RenalResponseDefinition,
    Tier,
    load_definition,
)
from lupusscore.response._evaluate import (
    INPUT_UNITS,
    RenalResponseBatch,
    RenalResponseResult,
    ResponseCategory,
    TierResult,
    classify_renal_response,
)
from lupusscore.response._flare import (
    FlareCategory,
    FlareRule,
    RenalFlareBatch,
    RenalFlareDefinition,
    RenalFlareResult,
    classify_renal_flare,
)
from lupusscore.response._parts import (
    CreatinineRise,
    EgfrStable,
    GlucocorticoidCeiling,
    InactiveSediment,
    NephroticBaseline,
    NoRescueTherapy,
    NoWithdrawal,
    Part,
    UpcrBelow,
    UpcrReduction,
)
from lupusscore.response._shipped import (
    definition_json,
    get_definition,
    get_flare_definition,
    list_definitions,
    list_flare_definitions,
)
from lupusscore.response._visits import evaluate_renal_response

__all__ = [
    "INPUT_UNITS",
    "CreatinineRise",
    "EgfrStable",
    "FlareCategory",
    "FlareRule",
    "GlucocorticoidCeiling",
    "InactiveSediment",
    "NephroticBaseline",
    "NoRescueTherapy",
    "NoWithdrawal",
    "Parameter",
    "Part",
    "RenalFlareBatch",
    "RenalFlareDefinition",
    "RenalFlareResult",
    "RenalResponseBatch",
    "RenalResponseDefinition",
    "RenalResponseResult",
    "ResponseCategory",
    "Tier",
    "TierResult",
    "UpcrBelow",
    "UpcrReduction",
    "classify_renal_flare",
    "classify_renal_response",
    "definition_json",
    "evaluate_renal_response",
    "get_definition",
    "get_flare_definition",
    "list_definitions",
    "list_flare_definitions",
    "load_definition",
]
