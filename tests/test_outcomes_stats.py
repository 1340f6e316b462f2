"""Binomial intervals, Kaplan-Meier and summaries against hand-computed values."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.errors import InvalidValueError
from lupusscore.outcomes import (
    clopper_pearson_interval,
    kaplan_meier,
    proportion,
    summarize,
    wilson_interval,
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "outcomes_binomial_ci.json").read_text()
)


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: f"{c['x']}/{c['n']}")
def test_wilson_matches_reference(case: dict[str, Any]) -> None:
    """Wilson limits equal the independently computed ones."""
    got = wilson_interval(case["x"], case["n"])
    assert got == pytest.approx(tuple(case["wilson"]), abs=REF["tolerance"])


@pytest.mark.parametrize("case", REF["cases"], ids=lambda c: f"{c['x']}/{c['n']}")
def test_exact_matches_reference(case: dict[str, Any]) -> None:
    """Clopper-Pearson limits equal the independently computed beta quantiles."""
    got = clopper_pearson_interval(case["x"], case["n"])
    assert got == pytest.approx(tuple(case["exact"]), abs=REF["tolerance"])


def test_wilson_by_hand_5_of_10() -> None:
    """Wilson 5/10 by hand: centre 0.5, half-width z/(1+z²/n)*sqrt(.025+z²/400)."""
    z = 1.959963984540054
    half = z / (1 + z * z / 10) * math.sqrt(0.25 / 10 + z * z / 400)
    low, high = wilson_interval(5, 10)
    assert low == pytest.approx(0.5 - half, abs=1e-12)
    assert high == pytest.approx(0.5 + half, abs=1e-12)


def test_exact_zero_successes_closed_form() -> None:
    """0/n exact upper limit is 1 - (alpha/2)^(1/n)."""
    for n in (1, 5, 10, 40):
        assert clopper_pearson_interval(0, n)[1] == pytest.approx(
            1 - 0.025 ** (1 / n), abs=1e-10
        )


def test_exact_large_n_is_finite() -> None:
    """The exact interval works for large n (log-space summation)."""
    low, high = clopper_pearson_interval(500, 1000)
    assert 0.46 < low < 0.5 < high < 0.54


def test_bad_counts_raise() -> None:
    """Successes above n, negative n and n = 0 are library errors."""
    with pytest.raises(InvalidValueError, match="successes"):
        wilson_interval(11, 10)
    with pytest.raises(InvalidValueError, match="n"):
        clopper_pearson_interval(0, -1)
    with pytest.raises(InvalidValueError, match="at least 1"):
        wilson_interval(0, 0)
    with pytest.raises(InvalidValueError, match="confidence"):
        proportion(1, 2, confidence=1.5)


def test_proportion_of_nothing_is_none() -> None:
    """An empty denominator gives no estimate rather than 0."""
    p = proportion(0, 0, method="exact")
    assert (p.estimate, p.low, p.high) == (None, None, None)


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_intervals_contain_estimate(xn: tuple[int, int]) -> None:
    """Both intervals contain x/n and lie in [0, 1]."""
    x, n = xn
    w = wilson_interval(x, n)
    e = clopper_pearson_interval(x, n)
    for lo, hi in (w, e):
        assert 0.0 <= lo <= x / n <= hi <= 1.0


# Hand example: 6 subjects, times 1 3 3 4 6 8, events T T F T F T.
# t=1: n=6 d=1 S=5/6;  t=3: n=5 d=1 S=4/6 (the censoring at 3 is still at risk);
# t=4: n=3 d=1 S=4/9;  t=8: n=1 d=1 S=0.
# Greenwood sums: 1/30; 1/30+1/20; +1/6 = 0.25.  SE(4) = 4/9 * 0.5 = 0.2222.
# log-log at t=4: sigma = 0.5/|ln 4/9| = 0.61657; S^exp(+-1.96*sigma).
DUR = [1, 3, 3, 4, 6, 8]
EVT = [True, True, False, True, False, True]


def test_kaplan_meier_hand_example() -> None:
    """KM steps, risk sets and Greenwood SE match the hand computation."""
    km = kaplan_meier(DUR, EVT)
    assert km.time == (1.0, 3.0, 4.0, 8.0)
    assert km.n_at_risk == (6, 5, 3, 1)
    assert km.n_events == (1, 1, 1, 1)
    assert km.survival == pytest.approx((5 / 6, 4 / 6, 4 / 9, 0.0))
    assert km.std_err == pytest.approx(
        (0.15214515486254615, 0.19245008972987526, 0.2222222222222222, 0.0)
    )


def test_kaplan_meier_log_log_ci_by_hand() -> None:
    """The log(-log) interval at t=4 is (0.06619, 0.78491)."""
    km = kaplan_meier(DUR, EVT)
    assert km.low[2] == pytest.approx(0.0661867531464124, abs=1e-9)
    assert km.high[2] == pytest.approx(0.7849083671479585, abs=1e-9)
    assert (km.low[3], km.high[3]) == (0.0, 0.0)


def test_kaplan_meier_linear_ci_by_hand() -> None:
    """The linear interval is S +/- 1.96 SE clipped to [0, 1]."""
    km = kaplan_meier(DUR, EVT, ci="linear")
    assert km.low[0] == pytest.approx(0.5351343093804739, abs=1e-9)
    assert km.high[0] == 1.0
    assert km.low[2] == pytest.approx(0.008896892324432415, abs=1e-9)


def test_kaplan_meier_reading() -> None:
    """Survival is a right-continuous step; undefined beyond the last time."""
    km = kaplan_meier(DUR, EVT)
    assert km.at(0.5).survival == 1.0
    assert km.at(3).survival == pytest.approx(4 / 6)
    assert km.at(5).survival == pytest.approx(4 / 9)
    assert km.at(5).n_at_risk == 2
    assert km.at(9).survival is None


def test_kaplan_meier_no_events() -> None:
    """All censored: survival stays 1 with a degenerate interval."""
    km = kaplan_meier([5, 7], [False, False])
    assert km.time == ()
    assert km.at(6).survival == 1.0


def test_kaplan_meier_rejects_bad_input() -> None:
    """Negative times and mismatched lengths are library errors."""
    with pytest.raises(InvalidValueError, match="durations"):
        kaplan_meier([-1, 2], [True, False])
    with pytest.raises(InvalidValueError, match="events"):
        kaplan_meier([1, 2], [True])


def test_summary_by_hand() -> None:
    """Mean, SD (n-1), median and type-7 quartiles of 1..4."""
    s = summarize([4.0, 1.0, 3.0, 2.0])
    assert (s.n, s.mean, s.median, s.q1, s.q3) == (4, 2.5, 2.5, 1.75, 3.25)
    assert s.sd == pytest.approx(math.sqrt(5 / 3))
    one = summarize([2.0])
    assert one.sd is None
    assert one.median == 2.0
    with pytest.raises(InvalidValueError):
        summarize([np.nan])


@pytest.mark.parametrize("flags", [[True, None], [True, float("nan")], [1, 0.5]])
def test_kaplan_meier_rejects_missing_or_fuzzy_event_flags(flags: list[object]) -> None:
    """A missing event flag is not censoring: it is rejected."""
    import lupusscore as ls
    from lupusscore.outcomes import kaplan_meier

    with pytest.raises(ls.InvalidValueError, match="event flags"):
        kaplan_meier([1.0, 2.0], flags)
