"""The cohort engine on Dask: tables of any size, partitioned by participant.

:func:`analyse` runs :func:`lupusscore.analyse` on each participant partition
of Dask DataFrames and returns the same ADaM-shaped tables (as Dask
DataFrames) and the same outcome table (pooled exactly). The per-partition
function, :func:`analyse_partition`, needs no Dask: other engines that group
rows by participant (Spark's ``applyInPandas``) can call it, then pool with
:func:`finish_outcome_table` and :func:`finish_adrs`. See ``docs/scale.md``.

Dask is the optional extra ``dask`` (``pip install 'lupusscore[dask]'``),
imported when :func:`analyse` runs.
"""

from lupusscore.dask._analyse import DaskAnalysis, analyse
from lupusscore.dask._partition import (
    ROW,
    TABLES,
    Options,
    PartResult,
    analyse_partition,
    finish_adrs,
    finish_outcome_table,
    unmeasured_arms_of,
)

__all__ = [
    "ROW",
    "TABLES",
    "DaskAnalysis",
    "Options",
    "PartResult",
    "analyse",
    "analyse_partition",
    "finish_adrs",
    "finish_outcome_table",
    "unmeasured_arms_of",
]
