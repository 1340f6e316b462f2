"""The core's numpy Wilson, Clopper-Pearson and Kaplan-Meier against scipy/statsmodels.

lupusscore keeps its own dependency-free implementations in the core
(``lupusscore.outcomes``); with the extra ``stats`` installed these tests check
them against the independent implementations of statsmodels
(``proportion_confint`` methods ``wilson`` and ``beta``; ``SurvfuncRight``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.outcomes import clopper_pearson_interval, kaplan_meier, wilson_interval

proportion = pytest.importorskip("statsmodels.stats.proportion")
survfunc = pytest.importorskip("statsmodels.duration.survfunc")


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_matches_statsmodels(counts: tuple[int, int]) -> None:
    """wilson_interval equals proportion_confint(method="wilson")."""
    x, n = counts
    low, high = proportion.proportion_confint(x, n, alpha=0.05, method="wilson")
    got = wilson_interval(x, n)
    assert got[0] == pytest.approx(low, abs=1e-12)
    assert got[1] == pytest.approx(high, abs=1e-12)


@given(st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_clopper_pearson_matches_statsmodels(counts: tuple[int, int]) -> None:
    """clopper_pearson_interval equals proportion_confint(method="beta") (scipy)."""
    x, n = counts
    low, high = proportion.proportion_confint(x, n, alpha=0.05, method="beta")
    got = clopper_pearson_interval(x, n)
    assert got[0] == pytest.approx(0.0 if np.isnan(low) else low, abs=1e-9)
    assert got[1] == pytest.approx(1.0 if np.isnan(high) else high, abs=1e-9)


@given(
    st.lists(
        st.tuples(st.integers(1, 40), st.booleans()), min_size=1, max_size=60
    ).filter(lambda rows: any(e for _, e in rows))
)
def test_kaplan_meier_matches_statsmodels(rows: list[tuple[int, bool]]) -> None:
    """Event times, survival and Greenwood SE equal SurvfuncRight's."""
    time = np.array([t for t, _ in rows], dtype=float)
    event = np.array([e for _, e in rows], dtype=bool)
    km = kaplan_meier(time, event)
    sf = survfunc.SurvfuncRight(time, event.astype(float))
    want_time = sf.surv_times[sf.n_events > 0]
    assert np.allclose(km.time, want_time)
    got = np.array(km.survival)
    assert np.allclose(got, sf.surv_prob[sf.n_events > 0], atol=1e-12)
    se = np.array(km.std_err)
    want_se = sf.surv_prob_se[sf.n_events > 0]
    alive = got > 0  # at S = 0 Greenwood's variance is 0/0: statsmodels NaN, core 0
    assert np.allclose(se[alive], want_se[alive], atol=1e-12)
    assert np.all(se[~alive] == 0)
