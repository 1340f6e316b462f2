"""CDISC in and out: SDTM domains into a Cohort, an Analysis out as ADaM.

:func:`read_sdtm` reads a study folder of SDTM domains (CSV, SAS XPT v5,
Dataset-JSON 1.1) into a :class:`~lupusscore.Cohort` (``docs/cdisc.md``);
:func:`write_adam` writes an analysis' ADSL, ADLB, ADRS and ADTTE as SAS XPORT
v5, CDISC Dataset-JSON 1.1 or CSV, with define-style metadata (``docs/adam.md``).
"""

from lupusscore.cdisc._adam import (
    ADAM_DATASETS,
    ADAM_FORMATS,
    XPT_UNIT_SPELLINGS,
    write_adam,
)
from lupusscore.cdisc._sdtm import DOMAINS, SDTM_MAPPING, read_sdtm

__all__ = [
    "ADAM_DATASETS",
    "ADAM_FORMATS",
    "DOMAINS",
    "SDTM_MAPPING",
    "XPT_UNIT_SPELLINGS",
    "read_sdtm",
    "write_adam",
]
