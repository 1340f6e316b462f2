"""SLEDAI-2K at every visit of a cohort.

Interim: scored per visit with :func:`lupusscore.sledai_2k_visit` on the
trial's visits (a cohort built from a Trial keeps it); the vectorised kernel
replaces this.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lupusscore.activity import sledai_2k_visit
from lupusscore.cohort._cohort import Cohort

__all__ = ["visit_sledai"]


def visit_sledai(c: Cohort, latest: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """SLEDAI-2K score of each visit (NaN where the score is incomplete)."""
    del latest
    trial = c._cache.get("trial")
    out = np.full(c.n_visits, np.nan)
    if trial is None:
        return out
    k = 0
    for p in sorted(trial.participants, key=lambda p: p.patient.id):
        for i, visit in enumerate(p.visits):
            result = sledai_2k_visit(visit, p.visits[:i])
            if result.complete:
                out[k] = result.score
            k += 1
    return out
