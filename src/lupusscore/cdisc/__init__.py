"""CDISC in and out: ADaM datasets from an analysis (``docs/adam.md``).

:func:`write_adam` writes an analysis' ADSL, ADLB, ADRS and ADTTE as SAS
XPORT v5, CDISC Dataset-JSON 1.1 or CSV, with define-style metadata.
"""

from lupusscore.cdisc._adam import (
    ADAM_DATASETS,
    ADAM_FORMATS,
    XPT_UNIT_SPELLINGS,
    write_adam,
)

__all__ = ["ADAM_DATASETS", "ADAM_FORMATS", "XPT_UNIT_SPELLINGS", "write_adam"]
