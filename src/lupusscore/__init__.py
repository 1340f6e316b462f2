"""lupusscore: typed, unit-aware scoring of lupus nephritis outcomes.

Import it as ``import lupusscore as ls``. Everything a user needs is exported
here; submodules hold the kernels (``lupusscore.units``, ``lupusscore.analytes``).
"""

import importlib.metadata as _metadata

from lupusscore import activity as activity
from lupusscore import cohort as cohort
from lupusscore import example as example
from lupusscore import kidney as kidney
from lupusscore import serology as serology
from lupusscore.activity import SledaiResult, sledai_2k, sledai_2k_visit
from lupusscore.analytes import ANALYTES, Analyte, AnalyteSpec, analyte_spec
from lupusscore.cli import load_trial
from lupusscore.cohort import Analysis, Cohort, analyse
from lupusscore.errors import (
    DefinitionError,
    DuplicateResultError,
    DuplicateVisitError,
    ImplausibleValueError,
    InvalidDateError,
    InvalidValueError,
    LabDateWarning,
    LupusScoreError,
    MissingExtraError,
    NotEvaluableError,
    OutsideValidatedRangeWarning,
    RowProblem,
    TableError,
    UnitError,
    UnknownAnalyteError,
)
from lupusscore.kidney import EgfrResult, ProteinuriaResult, egfr, proteinuria
from lupusscore.models import (
    Event,
    EventType,
    LabResult,
    Participant,
    Patient,
    Sex,
    Specimen,
    Timepoint,
    Trial,
    Visit,
)
from lupusscore.outcomes import (
    Estimand,
    MissingPolicy,
    Strategies,
    Strategy,
    achieve_and_maintain,
    clopper_pearson_interval,
    confirmed_response,
    first_response,
    kaplan_meier,
    wilson_interval,
)
from lupusscore.report import OutcomeTable, build_outcome_table, render
from lupusscore.response import (
    FlareCategory,
    RenalFlareResult,
    RenalResponseBatch,
    RenalResponseDefinition,
    RenalResponseResult,
    ResponseCategory,
    classify_renal_flare,
    classify_renal_response,
    evaluate_renal_response,
    get_definition,
    get_flare_definition,
    list_definitions,
    load_definition,
)
from lupusscore.results import Comparator, Criterion, Status, all_of, any_of
from lupusscore.serology import classify_sle_slicc_2012
from lupusscore.table import Table
from lupusscore.units import convert

try:
    __version__ = _metadata.version("lupusscore")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ANALYTES",
    "Analysis",
    "Analyte",
    "AnalyteSpec",
    "Cohort",
    "Comparator",
    "Criterion",
    "DefinitionError",
    "DuplicateResultError",
    "DuplicateVisitError",
    "EgfrResult",
    "Estimand",
    "Event",
    "EventType",
    "FlareCategory",
    "ImplausibleValueError",
    "InvalidDateError",
    "InvalidValueError",
    "LabDateWarning",
    "LabResult",
    "LupusScoreError",
    "MissingExtraError",
    "MissingPolicy",
    "NotEvaluableError",
    "OutcomeTable",
    "OutsideValidatedRangeWarning",
    "Participant",
    "Patient",
    "ProteinuriaResult",
    "RenalFlareResult",
    "RenalResponseBatch",
    "RenalResponseDefinition",
    "RenalResponseResult",
    "ResponseCategory",
    "RowProblem",
    "Sex",
    "SledaiResult",
    "Specimen",
    "Status",
    "Strategies",
    "Strategy",
    "Table",
    "TableError",
    "Timepoint",
    "Trial",
    "UnitError",
    "UnknownAnalyteError",
    "Visit",
    "__version__",
    "achieve_and_maintain",
    "all_of",
    "analyse",
    "analyte_spec",
    "any_of",
    "build_outcome_table",
    "classify_renal_flare",
    "classify_renal_response",
    "classify_sle_slicc_2012",
    "clopper_pearson_interval",
    "confirmed_response",
    "convert",
    "egfr",
    "evaluate_renal_response",
    "first_response",
    "get_definition",
    "get_flare_definition",
    "kaplan_meier",
    "list_definitions",
    "load_definition",
    "load_trial",
    "proteinuria",
    "render",
    "sledai_2k",
    "sledai_2k_visit",
    "wilson_interval",
]
