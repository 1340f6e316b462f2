"""SLEDAI-2K at every visit of a cohort.

:func:`lupusscore.activity.sledai_2k_visits` over the cohort's columns (the
kernel :func:`lupusscore.activity.sledai_2k_visit` agrees with, visit by
visit): clinician-entered descriptors plus the lab-derived ones in the
look-back window, default options (SLEDAI-2K, 10 days, UPCR for proteinuria,
the lab's own complement limits).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lupusscore.activity import SLEDAI_VISITS_COLUMNS, sledai_2k_visits
from lupusscore.cohort._cohort import Cohort

__all__ = ["visit_sledai"]


def visit_sledai(c: Cohort, latest: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """SLEDAI-2K score of each visit (NaN where the score is incomplete)."""
    del latest
    scores = sledai_2k_visits(**{k: getattr(c, k) for k in SLEDAI_VISITS_COLUMNS})
    return np.asarray(scores.score, dtype=np.float64)
