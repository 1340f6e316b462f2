"""The columnar cohort engine: tables in, ADaM-shaped tables out.

See ``docs/cohort.md``.
"""

from lupusscore.cohort._analysis import Analysis, analyse
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort, analysis_population
from lupusscore.cohort._engine import latest_labs, visit_egfr
from lupusscore.cohort._outcomes import outcome_table_of

__all__ = [
    "ANALYTE_CODES",
    "Analysis",
    "Cohort",
    "analyse",
    "analysis_population",
    "latest_labs",
    "outcome_table_of",
    "visit_egfr",
]
