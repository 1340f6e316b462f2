"""CDISC in and out: read SDTM domains into a Cohort (and write ADaM).

See ``docs/cdisc.md``.
"""

from lupusscore.cdisc._sdtm import DOMAINS, SDTM_MAPPING, read_sdtm

# write_adam comes from lupusscore.cdisc._adam (written separately; exported
# here when that module is merged).

__all__ = ["DOMAINS", "SDTM_MAPPING", "read_sdtm"]
