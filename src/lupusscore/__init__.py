"""lupusscore: typed, unit-aware scoring of lupus nephritis outcomes.

Import it as ``import lupusscore as ls``. Everything a user needs is exported
here; submodules hold the kernels (``lupusscore.units``, ``lupusscore.analytes``).
"""

import importlib.metadata as _metadata

from lupusscore.analytes import ANALYTES, Analyte, AnalyteSpec, analyte_spec
from lupusscore.errors import (
    DefinitionError,
    DuplicateResultError,
    ImplausibleValueError,
    InvalidDateError,
    InvalidValueError,
    LupusScoreError,
    NotEvaluableError,
    OutsideValidatedRangeWarning,
    UnitError,
    UnknownAnalyteError,
)
from lupusscore.models import (
    LabResult,
    Participant,
    Patient,
    Sex,
    Specimen,
    Visit,
)
from lupusscore.results import Comparator, Criterion, Status, all_of, any_of
from lupusscore.units import convert

try:
    __version__ = _metadata.version("lupusscore")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ANALYTES",
    "Analyte",
    "AnalyteSpec",
    "Comparator",
    "Criterion",
    "DefinitionError",
    "DuplicateResultError",
    "ImplausibleValueError",
    "InvalidDateError",
    "InvalidValueError",
    "LabResult",
    "LupusScoreError",
    "NotEvaluableError",
    "OutsideValidatedRangeWarning",
    "Participant",
    "Patient",
    "Sex",
    "Specimen",
    "Status",
    "UnitError",
    "UnknownAnalyteError",
    "Visit",
    "__version__",
    "all_of",
    "analyte_spec",
    "any_of",
    "convert",
]
