"""Between-arm methods (lupusscore.stats) against published values and properties.

Published values, each to the digits printed in its source:

- two independent proportions, 7/34 against 1/34: Fagerland, Lydersen &
  Laake, Stat Methods Med Res 2015;24:224-54, Tables (difference: Newcombe
  hybrid score 0.019 to 0.34; risk ratio Katz log 0.91 to 54; odds ratio
  Woolf logit 0.99 to 74);
- the difference: Newcombe, Stat Med 1998;17:873-90, Table II, methods 10
  (hybrid score) and 6 (Miettinen-Nurminen), and for the latter R PropCIs
  ``diffscoreci(7, 34, 1, 34)`` 0.0270416 to 0.3452912 (as quoted in
  statsmodels' own tests);
- stratified 2x2 tables: the penicillin-in-rabbits data of R's
  ``mantelhaen.test`` help page (Agresti, Categorical Data Analysis, 2002),
  Mantel-Haenszel odds ratio 7 with 95% CI 1.026713 to 47.725133, and
  ``mantelhaen.test`` X-squared 3.9286 with its continuity correction; and
  R DescTools ``BreslowDayTest`` on the statsmodels test tables, 1.8438,
  p = 0.7645, MH odds ratio 3.5912 (1.781135 to 7.240633);
- survival: the 6-MP remission data of Freireich et al., Blood 1963 (Gehan
  1965), log-rank chi-square 16.79 (R ``survdiff``: "Chisq= 16.8") and the
  Cox hazard ratio of placebo against 6-MP, Efron ties, 4.817 (2.147 to
  10.81) (R ``coxph``).
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.stats import (
    Estimate,
    compare_proportions,
    compare_stratified,
    compare_survival,
)

pytest.importorskip("statsmodels")


def _by(rows: list[Estimate], measure: str, method: str | None = None) -> Estimate:
    hits = [r for r in rows if r.measure == measure and method in {None, r.method}]
    assert len(hits) == 1, (measure, method, rows)
    return hits[0]


def _printed(value: float | None, printed: float, digits: int) -> bool:
    """*value* agrees with *printed* to within one unit of its last digit."""
    assert value is not None
    return abs(value - printed) <= 10.0 ** (-digits) + 1e-12


# --- two proportions: Fagerland et al. 2015 -------------------------------------


def test_two_proportions_match_fagerland_2015() -> None:
    """7/34 vs 1/34: Newcombe, Woolf and Katz intervals as published."""
    rows = compare_proportions(7, 34, 1, 34)
    newcombe = _by(rows, "difference", "Newcombe hybrid score")
    assert newcombe.estimate == pytest.approx(7 / 34 - 1 / 34)
    assert _printed(newcombe.ci_low, 0.019, 3)
    assert _printed(newcombe.ci_high, 0.34, 2)
    odds = _by(rows, "odds ratio")
    assert odds.estimate == pytest.approx((7 / 27) / (1 / 33))
    assert _printed(odds.ci_low, 0.99, 2)
    assert _printed(odds.ci_high, 74, 0)
    risk = _by(rows, "risk ratio")
    assert risk.estimate == pytest.approx(7.0)
    assert _printed(risk.ci_low, 0.91, 2)
    assert _printed(risk.ci_high, 54, 0)


#: Newcombe (Stat Med 1998;17:873-90), Table II, method 10 (hybrid score).
NEWCOMBE_1998_HYBRID = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0)),
    ((10, 10, 0, 10), (0.6075, 1.0)),
]


@pytest.mark.parametrize(("counts", "printed"), NEWCOMBE_1998_HYBRID)
def test_newcombe_matches_newcombe_1998(
    counts: tuple[int, int, int, int], printed: tuple[float, float]
) -> None:
    """The Newcombe hybrid score interval to the four printed decimals."""
    got = _by(compare_proportions(*counts), "difference", "Newcombe hybrid score")
    assert round(got.ci_low, 4) == printed[0]
    assert round(got.ci_high, 4) == printed[1]


#: Newcombe (Stat Med 1998;17:873-90), Table II, method 6 (Miettinen-Nurminen).
NEWCOMBE_1998_MN = [
    ((56, 70, 48, 80), (0.0528, 0.3382)),
    ((9, 10, 3, 10), (0.1700, 0.8406)),
    ((6, 7, 2, 7), (0.0342, 0.8534)),
    ((5, 56, 0, 29), (-0.0326, 0.1933)),
]


@pytest.mark.parametrize(("counts", "printed"), NEWCOMBE_1998_MN)
def test_miettinen_nurminen_matches_newcombe_1998(
    counts: tuple[int, int, int, int], printed: tuple[float, float]
) -> None:
    """The Miettinen-Nurminen interval to Newcombe's four printed decimals.

    statsmodels' own ``method="score"`` misses these (issue #10269: 56/70 vs
    48/80 gives 0.0526 to 0.3440), which is why lupusscore computes it.
    """
    mn = _by(compare_proportions(*counts), "difference", "Miettinen-Nurminen score")
    assert round(mn.ci_low, 4) == printed[0]
    assert round(mn.ci_high, 4) == printed[1]


def test_miettinen_nurminen_matches_r_propcis_and_statsmodels_test() -> None:
    """7/34 vs 1/34: R PropCIs diffscoreci 0.0270416 to 0.3452912; the test at 0.

    The score test of no difference (where statsmodels' restricted estimate
    is the pooled proportion, unaffected by issue #10269) equals statsmodels'.
    """
    from statsmodels.stats.proportion import test_proportions_2indep

    mn = _by(
        compare_proportions(7, 34, 1, 34), "difference", "Miettinen-Nurminen score"
    )
    assert _printed(mn.ci_low, 0.0270416, 7)
    assert _printed(mn.ci_high, 0.3452912, 7)
    for counts in [(7, 34, 1, 34), (5, 38, 2, 32), (0, 1, 1, 1), (2, 9, 6, 8)]:
        got = _by(
            compare_proportions(*counts), "difference", "Miettinen-Nurminen score"
        )
        want = test_proportions_2indep(*counts, method="score", compare="diff")
        assert got.statistic == pytest.approx(want.statistic, rel=1e-9)
        assert got.p_value == pytest.approx(want.pvalue, rel=1e-9)


@pytest.mark.parametrize("counts", [(0, 10, 0, 12), (10, 10, 10, 10), (3, 3, 0, 5)])
def test_miettinen_nurminen_at_the_edges(counts: tuple[int, int, int, int]) -> None:
    """No responder or only responders in an arm: an interval around the estimate."""
    mn = _by(compare_proportions(*counts), "difference", "Miettinen-Nurminen score")
    assert mn.estimable
    assert -1.0 <= mn.ci_low <= mn.estimate <= mn.ci_high <= 1.0


# --- stratified -------------------------------------------------------------------


def _participants(tables: list[list[list[int]]]) -> tuple[Any, Any, Any]:
    """Per-participant (response, treated, stratum) of 2x2 tables [[a, b], [c, d]]."""
    y: list[bool] = []
    arm: list[bool] = []
    stratum: list[str] = []
    for k, t in enumerate(tables):
        for i, treated in ((0, True), (1, False)):
            for j, responded in ((0, True), (1, False)):
                y += [responded] * t[i][j]
                arm += [treated] * t[i][j]
                stratum += [f"s{k}"] * t[i][j]
    return np.array(y), np.array(arm), np.array(stratum, dtype=object)


RABBITS = [
    [[0, 0], [6, 5]],
    [[3, 0], [3, 6]],
    [[6, 2], [0, 4]],
    [[5, 6], [1, 0]],
    [[2, 5], [0, 0]],
]
DESCTOOLS = [
    [[20, 14], [10, 24]],
    [[15, 12], [3, 15]],
    [[3, 2], [3, 2]],
    [[12, 3], [7, 5]],
    [[1, 0], [3, 2]],
]


def _cmh_by_hand(tables: list[list[list[int]]], *, correct: bool) -> float:
    """The CMH statistic from its textbook formula (Agresti 2002, 6.3.2)."""
    dev = var = 0.0
    for (a, b), (c, d) in tables:
        n = a + b + c + d
        if a + b == 0 or c + d == 0:
            continue
        dev += a - (a + b) * (a + c) / n
        var += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
    return (abs(dev) - (0.5 if correct else 0.0)) ** 2 / var


def test_stratified_rabbits_match_r_mantelhaen() -> None:
    """Penicillin in rabbits: MH odds ratio and CI as R prints them; CMH by formula."""
    y, arm, stratum = _participants(RABBITS)
    rows = compare_stratified(y, arm, {"stratum": stratum})
    mh = _by(rows, "Mantel-Haenszel odds ratio")
    assert mh.estimate == pytest.approx(7.0)
    assert _printed(mh.ci_low, 1.026713, 6)
    assert _printed(mh.ci_high, 47.725133, 6)
    assert _printed(_cmh_by_hand(RABBITS, correct=True), 3.9286, 4)  # formula = R
    cmh = _by(rows, "CMH test")
    assert cmh.statistic == pytest.approx(_cmh_by_hand(RABBITS, correct=False))
    assert cmh.n == sum(sum(map(sum, t)) for t in RABBITS)


def test_breslow_day_matches_desctools() -> None:
    """Breslow-Day (no Tarone adjustment) and the MH odds ratio as DescTools prints."""
    y, arm, stratum = _participants(DESCTOOLS)
    rows = compare_stratified(y, arm, {"centre": stratum})
    bd = _by(rows, "Breslow-Day test")
    assert _printed(bd.statistic, 1.8438, 4)
    assert _printed(bd.p_value, 0.7645, 4)
    mh = _by(rows, "Mantel-Haenszel odds ratio")
    assert _printed(mh.estimate, 3.5912, 4)
    assert _printed(mh.ci_low, 1.781135, 6)
    assert _printed(mh.ci_high, 7.240633, 6)


def test_adjusted_odds_ratio_is_the_logistic_model() -> None:
    """The adjusted OR is exp(arm coefficient) of statsmodels' Logit with dummies."""
    import statsmodels.api as sm

    y, arm, stratum = _participants(DESCTOOLS)
    got = _by(compare_stratified(y, arm, {"centre": stratum}), "adjusted odds ratio")
    levels = sorted(set(stratum.tolist()))
    design = np.column_stack(
        [np.ones(len(y)), arm.astype(float)]
        + [(stratum == s).astype(float) for s in levels[1:]]
    )
    fit = sm.Logit(y.astype(float), design).fit(disp=0)
    assert got.estimate == pytest.approx(math.exp(fit.params[1]), rel=1e-6)
    assert got.ci_low == pytest.approx(math.exp(fit.conf_int()[1][0]), rel=1e-6)


def test_missing_stratum_level_is_left_out_and_said() -> None:
    """A participant without a level leaves the stratified analyses, with a note."""
    y, arm, stratum = _participants(DESCTOOLS)
    stratum = stratum.copy()
    stratum[0] = None
    rows = compare_stratified(y, arm, {"centre": stratum})
    assert all(r.n == len(y) - 1 for r in rows)
    assert all(
        "1 participant(s) without every stratification level" in (r.note or "")
        for r in rows
    )


# --- survival -----------------------------------------------------------------------

SIX_MP = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def _gehan() -> tuple[Any, Any, Any]:
    time = np.array(SIX_MP + PLACEBO, dtype=float)
    event = np.array(SIX_MP_EVENT + [1] * 21, dtype=bool)
    placebo = np.array([False] * 21 + [True] * 21)
    return time, event, placebo


def test_survival_matches_r_on_the_gehan_data() -> None:
    """Log-rank 16.79 and the Cox HR 4.817 (2.147 to 10.81) of R's survival."""
    time, event, placebo = _gehan()
    rows = compare_survival(time, event, placebo)
    rank = _by(rows, "log-rank test")
    assert _printed(rank.statistic, 16.79, 2)
    hr = _by(rows, "hazard ratio")
    assert _printed(hr.estimate, 4.817, 3)
    assert _printed(hr.ci_low, 2.147, 3)
    assert _printed(hr.ci_high, 10.81, 2)


def test_stratified_log_rank_with_one_stratum_equals_unstratified() -> None:
    """One stratum for everyone: the stratified test is the plain one."""
    time, event, placebo = _gehan()
    plain = compare_survival(time, event, placebo)
    strat = compare_survival(time, event, placebo, strata=["all"] * len(time))
    assert strat[0].method == "stratified log-rank"
    assert strat[0].statistic == pytest.approx(plain[0].statistic)
    assert strat[1].estimate == pytest.approx(plain[1].estimate)


# --- properties -----------------------------------------------------------------------


@given(
    st.integers(1, 60).flatmap(
        lambda n: st.tuples(st.integers(1, n - 1) if n > 1 else st.just(0), st.just(n))
    ),
    st.integers(2, 60).flatmap(lambda n: st.tuples(st.integers(1, n - 1), st.just(n))),
)
def test_swapping_arms_negates_the_difference_and_inverts_ratios(
    a: tuple[int, int], b: tuple[int, int]
) -> None:
    """Arm against reference, and back: difference negated, ratios inverted."""
    fwd = compare_proportions(a[0], a[1], b[0], b[1])
    back = compare_proportions(b[0], b[1], a[0], a[1])
    for f, r in zip(fwd, back, strict=True):
        assert f.measure == r.measure
        assert f.estimable == r.estimable
        if not f.estimable:
            continue
        if f.measure == "difference":
            assert f.estimate == pytest.approx(-r.estimate, abs=1e-12)
            assert f.ci_low == pytest.approx(-r.ci_high, abs=1e-6)
            assert f.ci_high == pytest.approx(-r.ci_low, abs=1e-6)
        else:
            assert f.estimate == pytest.approx(1 / r.estimate)
            assert f.ci_low == pytest.approx(1 / r.ci_high)
            assert f.ci_high == pytest.approx(1 / r.ci_low)


def test_swapping_arms_inverts_the_hazard_ratio() -> None:
    """Cox HR of the reference against the arm is the reciprocal."""
    time, event, placebo = _gehan()
    fwd = compare_survival(time, event, placebo)[1]
    back = compare_survival(time, event, ~placebo)[1]
    assert fwd.estimate == pytest.approx(1 / back.estimate)
    assert fwd.ci_low == pytest.approx(1 / back.ci_high)


# --- not estimable, never a crash or a silent number ----------------------------------


def test_empty_arm_is_not_estimable() -> None:
    """No evaluable participant in an arm: every measure says so."""
    rows = compare_proportions(0, 0, 3, 10)
    assert rows
    assert all(not r.estimable and r.estimate is None for r in rows)
    assert all("no evaluable participant in the arm" in (r.note or "") for r in rows)


def test_zero_cells_make_ratios_not_estimable() -> None:
    """No responder in the reference arm: ratios not estimable; difference given."""
    rows = compare_proportions(4, 10, 0, 10)
    assert _by(rows, "difference", "Newcombe hybrid score").estimable
    for measure in ("odds ratio", "risk ratio"):
        got = _by(rows, measure)
        assert not got.estimable
        assert "reference arm" in (got.note or "")


def test_survival_without_events_is_not_estimable() -> None:
    """No event at all, or none in one arm: not estimable, with the reason."""
    time = np.array([1.0, 2.0, 3.0, 4.0])
    arm = np.array([True, True, False, False])
    none = compare_survival(time, np.zeros(4, dtype=bool), arm)
    assert all(not r.estimable and "no event" in (r.note or "") for r in none)
    one_side = compare_survival(time, np.array([True, True, False, False]), arm)
    assert _by(one_side, "log-rank test").estimable
    hr = _by(one_side, "hazard ratio")
    assert not hr.estimable
    assert "no event in the reference arm" in (hr.note or "")


def test_stratified_degenerate_cases() -> None:
    """Each stratum holds one arm, or the arm predicts the response: not estimable."""
    y = np.array([True, False, True, False])
    arm = np.array([True, True, False, False])
    split = compare_stratified(
        y, arm, {"f": np.array(["a", "a", "b", "b"], dtype=object)}
    )
    for measure in ("CMH test", "Mantel-Haenszel odds ratio", "Breslow-Day test"):
        assert not _by(split, measure).estimable
    assert not _by(split, "adjusted odds ratio").estimable
    separated = compare_stratified(
        np.array([True] * 5 + [False] * 5),
        np.array([True] * 5 + [False] * 5),
        {"f": np.array(["a", "b"] * 5, dtype=object)},
    )
    assert not _by(separated, "adjusted odds ratio").estimable
    assert not _by(separated, "Mantel-Haenszel odds ratio").estimable


# --- input checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [(5, 4, 1, 10), (-1, 4, 1, 10), (True, 4, 1, 10), (1.5, 4, 1, 10), ("1", 4, 1, 10)],
)
def test_bad_counts_raise_the_library_error(args: tuple[Any, ...]) -> None:
    """A count above n, negative, a bool or not whole: InvalidValueError."""
    with pytest.raises(InvalidValueError):
        compare_proportions(*args)


def test_bad_survival_input_raises_the_library_error() -> None:
    """Negative times, missing times, mismatched lengths, bad strata."""
    arm = np.array([True, False])
    with pytest.raises(InvalidValueError):
        compare_survival([-1.0, 2.0], [True, True], arm)
    with pytest.raises(InvalidValueError):
        compare_survival([None, 2.0], [True, True], arm)
    with pytest.raises(InvalidValueError):
        compare_survival([1.0, 2.0, 3.0], [True, True], arm)
    with pytest.raises(InvalidValueError):
        compare_survival([1.0, 2.0], [True, True], arm, strata=[1, 2])
    with pytest.raises(InvalidValueError):
        compare_proportions(1, 2, 1, 2, alpha=1.5)


def test_bad_factors_raise_the_library_error() -> None:
    """Factors of the wrong length or holding numbers: InvalidValueError."""
    y = np.array([True, False])
    arm = np.array([True, False])
    with pytest.raises(InvalidValueError):
        compare_stratified(y, arm, {"f": ["a"]})
    with pytest.raises(InvalidValueError):
        compare_stratified(y, arm, {"f": [1, 2]})
    with pytest.raises(InvalidValueError):
        compare_stratified(y, arm, ["f"])  # type: ignore[arg-type]


def test_missing_statsmodels_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without statsmodels: MissingExtraError naming the extra ``stats``."""
    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    with pytest.raises(MissingExtraError) as caught:
        compare_proportions(1, 2, 1, 2)
    assert caught.value.extra == "stats"
    assert "lupusscore[stats]" in str(caught.value)
