"""Serology and complement: lab-aware flags, change over time, classification.

Every flag is judged against the reporting laboratory's own reference range;
fixed numbers are used only where a definition names them, with their source.
Results from unit families or assays that cannot be compared are never
compared. See ``docs/serology.md``.

- Complement: :func:`low_complement`, :func:`complement_change`,
  :func:`complement_normalised`.
- Anti-dsDNA: :func:`dsdna_increased` (lab ULN, or a named
  :class:`AssayCutoff`), :func:`dsdna_change`.
- ANA: :func:`parse_ana_titer`, :func:`format_ana_titer`, :func:`ana_positive`.
- :func:`serological_activity` (LLDAS / DORIS) and :func:`seroconversion`.
- :func:`classify_sle_eular_acr_2019` and :func:`classify_sle_slicc_2012`.
"""

from lupusscore.results import compare
from lupusscore.serology._activity import (
    SEROLOGICAL_ACTIVITY_SOURCE,
    serological_activity,
)
from lupusscore.serology._ana import (
    ANA_POSITIVE_DILUTION,
    ANA_POSITIVE_SOURCE,
    AnaTiter,
    Censoring,
    ana_positive,
    ana_positive_kernel,
    format_ana_titer,
    parse_ana_titer,
)
from lupusscore.serology._change import (
    Change,
    LabChange,
    change,
    complement_change,
    complement_normalised,
    dsdna_change,
    lab_change,
    relative_change,
)
from lupusscore.serology._classification import (
    EULAR_ACR_2019_CRITERIA,
    EULAR_ACR_2019_MAX_POINTS,
    EULAR_ACR_2019_SOURCE,
    EULAR_ACR_2019_THRESHOLD,
    ClassificationCriterion,
    Domain,
    SleClassification,
    classify_sle_eular_acr_2019,
)
from lupusscore.serology._complement import (
    COMPLEMENT_ANALYTES,
    DEFAULT_LOWER_LIMITS,
    DEFAULT_LOWER_LIMITS_SOURCE,
    LOW_COMPLEMENT_SOURCE,
    low_complement,
    lower_limit,
)
from lupusscore.serology._dsdna import (
    BLISS_IU_ML,
    CLIFT_TITRE,
    DSDNA_CUTOFFS,
    FARR_PERCENT_BINDING_SLEDAI,
    INCREASED_DSDNA_SOURCE,
    AssayCutoff,
    comparable_assays,
    dsdna_increased,
    same_assay,
)
from lupusscore.serology._seroconversion import Seroconversion, seroconversion
from lupusscore.serology._slicc2012 import (
    SLICC_2012_CRITERIA,
    SLICC_2012_DSDNA_ELISA_FACTOR,
    SLICC_2012_LEUKOPENIA_BELOW,
    SLICC_2012_MIN_CRITERIA,
    SLICC_2012_PROTEINURIA_G_PER_DAY,
    SLICC_2012_SOURCE,
    SLICC_2012_THROMBOCYTOPENIA_BELOW,
    SliccClassification,
    SliccCriterion,
    SliccKind,
    classify_sle_slicc_2012,
)

__all__ = [
    "ANA_POSITIVE_DILUTION",
    "ANA_POSITIVE_SOURCE",
    "BLISS_IU_ML",
    "CLIFT_TITRE",
    "COMPLEMENT_ANALYTES",
    "DEFAULT_LOWER_LIMITS",
    "DEFAULT_LOWER_LIMITS_SOURCE",
    "DSDNA_CUTOFFS",
    "EULAR_ACR_2019_CRITERIA",
    "EULAR_ACR_2019_MAX_POINTS",
    "EULAR_ACR_2019_SOURCE",
    "EULAR_ACR_2019_THRESHOLD",
    "FARR_PERCENT_BINDING_SLEDAI",
    "INCREASED_DSDNA_SOURCE",
    "LOW_COMPLEMENT_SOURCE",
    "SEROLOGICAL_ACTIVITY_SOURCE",
    "SLICC_2012_CRITERIA",
    "SLICC_2012_DSDNA_ELISA_FACTOR",
    "SLICC_2012_LEUKOPENIA_BELOW",
    "SLICC_2012_MIN_CRITERIA",
    "SLICC_2012_PROTEINURIA_G_PER_DAY",
    "SLICC_2012_SOURCE",
    "SLICC_2012_THROMBOCYTOPENIA_BELOW",
    "AnaTiter",
    "AssayCutoff",
    "Censoring",
    "Change",
    "ClassificationCriterion",
    "Domain",
    "LabChange",
    "Seroconversion",
    "SleClassification",
    "SliccClassification",
    "SliccCriterion",
    "SliccKind",
    "ana_positive",
    "ana_positive_kernel",
    "change",
    "classify_sle_eular_acr_2019",
    "classify_sle_slicc_2012",
    "comparable_assays",
    "compare",
    "complement_change",
    "complement_normalised",
    "dsdna_change",
    "dsdna_increased",
    "format_ana_titer",
    "lab_change",
    "low_complement",
    "lower_limit",
    "parse_ana_titer",
    "relative_change",
    "same_assay",
    "seroconversion",
    "serological_activity",
]
