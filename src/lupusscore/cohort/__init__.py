"""The columnar cohort engine: tables in, ADaM-shaped tables out.

See ``docs/cohort.md``.
"""

from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort

__all__ = ["ANALYTE_CODES", "Cohort"]
