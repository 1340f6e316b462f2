"""The between-arm methods, on statsmodels (the optional extra ``stats``).

Nothing here is hand-written statistics: every interval, test and model is
statsmodels' (which brings scipy). This module only checks the input, decides
when a method is *not estimable* (an empty arm, a zero cell, no event, a model
that does not converge) and says why, instead of returning a silent number or
letting a numpy warning through. ``docs/statistics.md`` cites each method.
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, Final, NoReturn, TypeVar

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_count, as_flags, as_floats, describe
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.results import FrozenModel

__all__ = [
    "Estimate",
    "compare_proportions",
    "compare_stratified",
    "compare_survival",
    "statsmodels_module",
]

_T = TypeVar("_T")

#: A difference this small is the estimate itself (z = 0).
_TINY: Final = 1e-15

#: Significance level of every interval (95% confidence).
DEFAULT_ALPHA: Final = 0.05


class Estimate(FrozenModel):
    """One between-arm estimate or test.

    Attributes
    ----------
    measure : str
        What is estimated or tested (``difference``, ``odds ratio`` ...).
    method : str
        The interval or test used.
    n : int
        Participants used (both arms).
    estimate, ci_low, ci_high : float, optional
        Estimate and confidence limits; None for a test or when not estimable.
    statistic, p_value : float, optional
        Test statistic and two-sided p-value, where the method gives them.
    note : str, optional
        ``"not estimable: <reason>"``, or a remark (participants left out).
    """

    measure: str
    method: str
    n: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    statistic: float | None = None
    p_value: float | None = None
    note: str | None = None

    @property
    def estimable(self) -> bool:
        """False when the method could not be applied (see ``note``)."""
        return not (self.note or "").startswith("not estimable")


def statsmodels_module(name: str, feature: str) -> ModuleType:
    """Import ``statsmodels.<name>`` or raise :class:`MissingExtraError` (``stats``)."""
    return _extra_module(f"statsmodels.{name}", feature)


def _extra_module(full_name: str, feature: str) -> ModuleType:
    """Import *full_name* (statsmodels or scipy, of the extra ``stats``)."""
    try:
        return importlib.import_module(full_name)
    except ImportError:
        raise MissingExtraError(
            package=full_name.split(".", maxsplit=1)[0], feature=feature, extra="stats"
        ) from None


def _not(measure: str, method: str, n: int, reason: str) -> Estimate:
    return Estimate(
        measure=measure, method=method, n=n, note=f"not estimable: {reason}"
    )


class _Failed(Exception):
    """A statsmodels computation failed or warned; the message says why."""


def _fail(reason: str) -> NoReturn:
    raise _Failed(reason)


def _quietly(compute: Callable[[], _T]) -> _T:
    """Run *compute*; a numerical warning or error becomes :class:`_Failed`."""
    sm_exc = statsmodels_module("tools.sm_exceptions", "between-arm comparisons")
    model_warning: type[Warning] = sm_exc.ModelWarning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            got = compute()
        except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
            msg = f"statsmodels could not compute it ({type(exc).__name__}: {exc})"
            raise _Failed(msg) from None
        except sm_exc.PerfectSeparationError as exc:  # older statsmodels
            msg = f"perfect separation ({exc})"
            raise _Failed(msg) from None
    for item in caught:
        if issubclass(item.category, RuntimeWarning | model_warning):
            _fail(f"statsmodels warned ({item.category.__name__}: {item.message})")
    return got


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _alpha(alpha: object) -> float:
    got = float(as_floats("alpha", alpha, positive=True)[()])
    if not 0.0 < got < 1.0:
        raise InvalidValueError(
            field="alpha", value=got, expected="a level between 0 and 1 (0.05: 95% CI)"
        )
    return got


# --- two independent proportions ---------------------------------------------

#: (statsmodels method, name) of the two intervals for the difference.
_DIFF_METHODS: Final = (
    ("newcomb", "Newcombe hybrid score"),
    ("score", "Miettinen-Nurminen score"),
)


def compare_proportions(
    count: int,
    n: int,
    ref_count: int,
    ref_n: int,
    *,
    alpha: float = DEFAULT_ALPHA,
) -> list[Estimate]:
    """Compare the proportion ``count/n`` of an arm with ``ref_count/ref_n``.

    Parameters
    ----------
    count, n : int
        Responders and evaluable participants of the arm.
    ref_count, ref_n : int
        The same of the reference arm.
    alpha : float
        1 - confidence level (default 0.05: 95% intervals).

    Returns
    -------
    list of Estimate
        The difference ``p - p_ref`` with the Newcombe hybrid score interval
        (Newcombe 1998, method 10) and the Miettinen-Nurminen score interval
        and test (Miettinen & Nurminen 1985); the odds ratio with the Woolf
        logit interval; the risk ratio with the Katz log interval. From
        :func:`statsmodels.stats.proportion.confint_proportions_2indep`,
        except the Miettinen-Nurminen interval (statsmodels issue #10269:
        see :func:`_miettinen_nurminen`).
        A ratio with a zero cell (0 or infinite) and anything with an empty
        arm are *not estimable*, with the reason in ``note``.

    Raises
    ------
    InvalidValueError
        Counts that are not whole numbers >= 0, or a count above its n.
    MissingExtraError
        statsmodels (the extra ``stats``) is not installed.

    Examples
    --------
    Fagerland, Lydersen & Laake (2015), 7/34 against 1/34:

    >>> from lupusscore.stats import compare_proportions
    >>> rows = compare_proportions(7, 34, 1, 34)
    >>> [(r.method, round(r.ci_low, 3), round(r.ci_high, 3)) for r in rows[:2]]
    [('Newcombe hybrid score', 0.019, 0.34), ('Miettinen-Nurminen score', 0.027, 0.345)]
    """
    x1 = as_count("count", count)
    n1 = as_count("n", n)
    x0 = as_count("ref_count", ref_count)
    n0 = as_count("ref_n", ref_n)
    level = _alpha(alpha)
    for name, x, m in (("count", x1, n1), ("ref_count", x0, n0)):
        if x > m:
            raise InvalidValueError(
                field=name, value=x, expected=f"at most its n ({m})", count=x
            )
    prop = statsmodels_module("stats.proportion", "between-arm comparisons")
    total = n1 + n0
    names = [*(m for _, m in _DIFF_METHODS), "Woolf logit", "Katz log"]
    measures = ["difference", "difference", "odds ratio", "risk ratio"]
    if n1 == 0 or n0 == 0:
        which = "the arm" if n1 == 0 else "the reference arm"
        return [
            _not(measure, method, total, f"no evaluable participant in {which}")
            for measure, method in zip(measures, names, strict=True)
        ]
    out: list[Estimate] = []
    diff = x1 / n1 - x0 / n0
    for key, method in _DIFF_METHODS:

        def interval(key: str = key) -> tuple[float, float]:
            low, high = prop.confint_proportions_2indep(
                x1, n1, x0, n0, method=key, compare="diff", alpha=level
            )
            return float(low), float(high)

        try:
            statistic = p_value = None
            if key == "score":
                low, high, statistic, p_value = _quietly(
                    lambda: _miettinen_nurminen((x1, n1, x0, n0), level)
                )
                if not _finite(statistic, p_value):
                    statistic = p_value = None
            else:
                low, high = _quietly(interval)
        except _Failed as why:
            out.append(_not("difference", method, total, str(why)))
            continue
        if not _finite(low, high):
            out.append(_not("difference", method, total, "the interval is not finite"))
            continue
        out.append(
            Estimate(
                measure="difference",
                method=method,
                n=total,
                estimate=diff,
                ci_low=low,
                ci_high=high,
                statistic=statistic,
                p_value=p_value,
            )
        )
    cells = {
        "responders in the arm": x1,
        "non-responders in the arm": n1 - x1,
        "responders in the reference arm": x0,
        "non-responders in the reference arm": n0 - x0,
    }
    zero = [k for k, v in cells.items() if v == 0]
    if zero:
        out.append(
            _not(
                "odds ratio",
                "Woolf logit",
                total,
                f"no {zero[0]} (a zero cell: the odds ratio is 0 or infinite)",
            )
        )
    else:
        out.append(_ratio(prop, (x1, n1, x0, n0), "odds-ratio", "logit", level))
    if x1 == 0 or x0 == 0:
        which = "the arm" if x1 == 0 else "the reference arm"
        out.append(
            _not(
                "risk ratio",
                "Katz log",
                total,
                f"no responder in {which} (the risk ratio is 0 or infinite)",
            )
        )
    else:
        out.append(_ratio(prop, (x1, n1, x0, n0), "ratio", "log", level))
    return out


def _mn_z(counts: tuple[int, int, int, int], delta: float) -> float:
    """Miettinen-Nurminen score statistic for the null ``p1 - p0 = delta``.

    The restricted maximum likelihood estimate solves the cubic of Miettinen &
    Nurminen (1985; Farrington & Manning 1990, eq. 4) in ``p1``; it is the
    root within ``[max(0, delta), min(1, 1 + delta)]``. The variance carries
    the Miettinen-Nurminen factor ``N / (N - 1)``.
    """
    x1, n1, x0, n0 = counts
    p1, p0 = x1 / n1, x0 / n0
    theta = n0 / n1
    a = 1.0 + theta
    b = -(1.0 + theta + p1 + theta * p0 + delta * (theta + 2.0))
    c = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p0
    d = -p1 * delta * (1.0 + delta)
    lo, hi = max(0.0, delta), min(1.0, 1.0 + delta)
    roots = np.roots([a, b, c, d])
    real = roots.real[np.abs(roots.imag) <= 1e-9 * (1.0 + np.abs(roots.real))]
    candidates = [lo, hi, *np.clip(real[(real > lo) & (real < hi)], lo, hi)]

    def loglik(q1: float) -> float:
        q0 = q1 - delta
        total = 0.0
        for k, m, q in ((x1, n1, q1), (x0, n0, q0)):
            for count, prob in ((k, q), (m - k, 1.0 - q)):
                if count:
                    total += count * math.log(prob) if prob > 0 else -math.inf
        return total

    q1 = float(max(candidates, key=loglik))
    q0 = q1 - delta
    total = n1 + n0
    var = (q1 * (1.0 - q1) / n1 + q0 * (1.0 - q0) / n0) * total / (total - 1.0)
    gap = p1 - p0 - delta
    if abs(gap) <= _TINY:
        return 0.0
    if var <= 0.0:
        return math.copysign(math.inf, gap)
    return gap / math.sqrt(var)


def _miettinen_nurminen(
    counts: tuple[int, int, int, int], alpha: float
) -> tuple[float, float, float, float]:
    """Miettinen-Nurminen interval, score statistic and p-value (null: no difference).

    Written here, not taken from statsmodels: statsmodels 0.14-0.15 computes
    the restricted estimate with a wrong coefficient whenever the null
    difference is not 0 (statsmodels issue #10269), so its ``method="score"``
    interval differs from the published one (56/70 against 48/80: 0.0526 to
    0.3440 instead of Newcombe 1998's 0.0528 to 0.3382). The limits are the
    differences where ``|z| = z_(1 - alpha/2)``, found with scipy's ``brentq``.
    """
    optimize = _extra_module("scipy.optimize", "the Miettinen-Nurminen interval")
    stats = _extra_module("scipy.stats", "the Miettinen-Nurminen interval")
    x1, n1, x0, n0 = counts
    crit = float(stats.norm.ppf(1.0 - alpha / 2.0))
    diff = x1 / n1 - x0 / n0

    def excess(delta: float) -> float:
        return abs(_mn_z(counts, delta)) - crit

    low = -1.0
    if diff > -1.0 and excess(-1.0) > 0:
        low = float(optimize.brentq(excess, -1.0, diff, xtol=1e-12))
    high = 1.0
    if diff < 1.0 and excess(1.0) > 0:
        high = float(optimize.brentq(excess, diff, 1.0, xtol=1e-12))
    z0 = _mn_z(counts, 0.0)
    return low, high, z0, float(2.0 * stats.norm.sf(abs(z0)))


def _ratio(
    prop: ModuleType,
    counts: tuple[int, int, int, int],
    compare: str,
    key: str,
    alpha: float,
) -> Estimate:
    x1, n1, x0, n0 = counts
    measure = "odds ratio" if compare == "odds-ratio" else "risk ratio"
    method = "Woolf logit" if key == "logit" else "Katz log"
    if compare == "odds-ratio":
        estimate = (x1 / (n1 - x1)) / (x0 / (n0 - x0))
    else:
        estimate = (x1 / n1) / (x0 / n0)
    try:
        low, high = _quietly(
            lambda: prop.confint_proportions_2indep(
                x1, n1, x0, n0, method=key, compare=compare, alpha=alpha
            )
        )
    except _Failed as why:
        return _not(measure, method, n1 + n0, str(why))
    return Estimate(
        measure=measure,
        method=method,
        n=n1 + n0,
        estimate=estimate,
        ci_low=float(low),
        ci_high=float(high),
    )


# --- stratified 2x2 tables ----------------------------------------------------


def _levels(
    factors: Mapping[str, Any], n: int
) -> tuple[list[str], npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Factor names, each participant's combined stratum, and who has every level."""
    if not isinstance(factors, Mapping):
        raise InvalidValueError(
            field="factors",
            value=describe(factors),
            expected="a mapping of factor name to one level per participant",
        )
    names = sorted(str(k) for k in factors)
    columns: list[list[object]] = []
    for name in names:
        col = np.asarray(factors[name], dtype=object)
        if col.shape != (n,):
            raise InvalidValueError(
                field=f"factors[{name!r}]",
                value=describe(factors[name]),
                expected=f"one level per participant ({n})",
            )
        items = col.tolist()
        bad = [x for x in items if x is not None and not isinstance(x, str)]
        if bad:
            raise InvalidValueError(
                field=f"factors[{name!r}]",
                value=describe(bad[0]),
                expected="levels as text (None: not recorded)",
                count=len(bad),
            )
        columns.append(items)
    complete = np.array(
        [all(col[i] is not None for col in columns) for i in range(n)], dtype=bool
    )
    stratum = np.empty(n, dtype=object)
    stratum[:] = [
        " / ".join(f"{name}={col[i]}" for name, col in zip(names, columns, strict=True))
        for i in range(n)
    ]
    return names, stratum, complete


def compare_stratified(
    response: object,
    treated: object,
    factors: Mapping[str, Any],
    *,
    alpha: float = DEFAULT_ALPHA,
) -> list[Estimate]:
    """Stratified comparison of a binary response between two arms.

    Parameters
    ----------
    response : array of bool
        Responder (True) or not, one per evaluable participant.
    treated : array of bool
        True for the arm compared, False for the reference arm.
    factors : mapping of str to array
        Stratification factor name to one level (text, None if not recorded)
        per participant. The strata are the combinations of the levels;
        participants without every level are left out (said in ``note``).
    alpha : float
        1 - confidence level.

    Returns
    -------
    list of Estimate
        The Cochran-Mantel-Haenszel test (no continuity correction), the
        Mantel-Haenszel common odds ratio (Robins-Breslow-Greenland
        interval) and the Breslow-Day test of equal odds ratios, from
        :class:`statsmodels.stats.contingency_tables.StratifiedTable` (strata
        with only one arm carry no information and are dropped); and the
        odds ratio of a logistic regression with the factors as main effects
        (:class:`statsmodels.genmod.generalized_linear_model.GLM`, binomial,
        Wald interval).

    Raises
    ------
    InvalidValueError
        Arrays that are not flags, of other lengths, or bad factors.
    MissingExtraError
        statsmodels is not installed.
    """
    y = as_flags("response", response).reshape(-1)
    arm = as_flags("treated", treated).reshape(-1)
    if y.shape != arm.shape:
        raise InvalidValueError(
            field="treated",
            value=f"{arm.size} values",
            expected=f"one per participant ({y.size})",
        )
    level = _alpha(alpha)
    n = int(y.size)
    names, stratum, complete = _levels(factors, n)
    ct = statsmodels_module("stats.contingency_tables", "stratified comparisons")
    left_out = n - int(complete.sum())
    remark = (
        f"{left_out} participant(s) without every stratification level left out"
        if left_out
        else None
    )
    y, arm, stratum = y[complete], arm[complete], stratum[complete]
    used = int(y.size)
    tables: list[npt.NDArray[np.int64]] = []
    for s in sorted(set(stratum.tolist())):
        here = stratum == s
        a = int(np.sum(here & arm & y))
        b = int(np.sum(here & arm & ~y))
        c = int(np.sum(here & ~arm & y))
        d = int(np.sum(here & ~arm & ~y))
        if a + b and c + d:  # both arms present
            tables.append(np.array([[a, b], [c, d]], dtype=np.int64))
    out: list[Estimate] = []
    methods = (
        ("CMH test", "Cochran-Mantel-Haenszel"),
        ("Mantel-Haenszel odds ratio", "Robins-Breslow-Greenland"),
        ("Breslow-Day test", "Breslow-Day"),
    )
    if not tables:
        reason = "no stratum holds participants of both arms"
        out += [_not(m, how, used, reason) for m, how in methods]
    else:
        out += _mantel_haenszel(ct, tables, used, level, methods)
    out.append(_logistic(y, arm, stratum, names, complete, factors, used, level))
    if remark:
        out = [
            e.model_copy(update={"note": e.note or remark})
            if e.estimable
            else e.model_copy(update={"note": f"{e.note}; {remark}"})
            for e in out
        ]
    return out


def _mantel_haenszel(
    ct: ModuleType,
    tables: list[npt.NDArray[np.int64]],
    used: int,
    alpha: float,
    methods: tuple[tuple[str, str], ...],
) -> list[Estimate]:
    stacked = np.dstack(tables).astype(np.float64)
    out: list[Estimate] = []
    (cmh, cmh_how), (mh, mh_how), (bd, bd_how) = methods
    try:
        table = _quietly(lambda: ct.StratifiedTable(stacked))
    except _Failed as why:
        return [_not(m, how, used, str(why)) for m, how in methods]
    try:
        test = _quietly(lambda: table.test_null_odds(correction=False))
        stat, p = float(test.statistic), float(test.pvalue)
        if not _finite(stat, p):
            _fail("the test statistic is not finite (no variance)")
        out.append(
            Estimate(measure=cmh, method=cmh_how, n=used, statistic=stat, p_value=p)
        )
    except _Failed as why:
        out.append(_not(cmh, cmh_how, used, str(why)))
    try:
        odds = float(_quietly(lambda: table.oddsratio_pooled))
        low, high = _quietly(lambda: table.oddsratio_pooled_confint(alpha=alpha))
        if not (_finite(odds, low, high) and odds > 0):
            _fail("the pooled odds ratio is 0 or infinite (zero cells)")
        out.append(
            Estimate(
                measure=mh,
                method=mh_how,
                n=used,
                estimate=odds,
                ci_low=float(low),
                ci_high=float(high),
            )
        )
    except _Failed as why:
        out.append(_not(mh, mh_how, used, str(why)))
    try:
        if len(tables) < 2:  # noqa: PLR2004 - a comparison needs two
            _fail("one informative stratum: nothing to compare")
        test = _quietly(lambda: table.test_equal_odds(adjust=False))
        stat, p = float(test.statistic), float(test.pvalue)
        if not _finite(stat, p):
            _fail("the test statistic is not finite (zero cells)")
        out.append(
            Estimate(measure=bd, method=bd_how, n=used, statistic=stat, p_value=p)
        )
    except _Failed as why:
        out.append(_not(bd, bd_how, used, str(why)))
    return out


def _logistic(  # noqa: PLR0917 - one model's inputs
    y: npt.NDArray[np.bool_],
    arm: npt.NDArray[np.bool_],
    stratum: npt.NDArray[np.object_],
    names: list[str],
    complete: npt.NDArray[np.bool_],
    factors: Mapping[str, Any],
    used: int,
    alpha: float,
) -> Estimate:
    measure, method = "adjusted odds ratio", "logistic regression (Wald)"
    del stratum
    glm = statsmodels_module("genmod.generalized_linear_model", "adjusted odds ratio")
    families = statsmodels_module("genmod.families", "adjusted odds ratio")
    if used == 0 or arm.all() or not arm.any():
        return _not(measure, method, used, "one arm has no participant")
    if y.all() or not y.any():
        return _not(measure, method, used, "every participant has the same response")
    columns = [np.ones(used), arm.astype(np.float64)]
    for name in names:
        levels = np.asarray(factors[name], dtype=object)[complete]
        for value in sorted(set(levels.tolist()))[1:]:  # first level: reference
            columns.append((levels == value).astype(np.float64))
    design = np.column_stack(columns)
    if np.linalg.matrix_rank(design) < design.shape[1]:
        return _not(
            measure,
            method,
            used,
            "the arm and the factors are collinear (e.g. a level in one arm only)",
        )
    try:
        fit = _quietly(
            lambda: glm.GLM(
                y.astype(np.float64), design, family=families.Binomial()
            ).fit()
        )
        coef = float(fit.params[1])
        low, high = (float(v) for v in fit.conf_int(alpha=alpha)[1])
        p = float(fit.pvalues[1])
    except _Failed as why:
        return _not(measure, method, used, str(why))
    if not _finite(coef, low, high, p) or abs(coef) > 20:  # noqa: PLR2004
        return _not(
            measure, method, used, "no finite estimate (separation: a zero cell)"
        )
    return Estimate(
        measure=measure,
        method=method,
        n=used,
        estimate=math.exp(coef),
        ci_low=math.exp(low),
        ci_high=math.exp(high),
        statistic=coef / float(fit.bse[1]),
        p_value=p,
    )


# --- time to event -------------------------------------------------------------


def compare_survival(
    time: object,
    event: object,
    treated: object,
    *,
    strata: object | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> list[Estimate]:
    """Log-rank test and Cox hazard ratio of an arm against the reference.

    Parameters
    ----------
    time : array of float
        Time to the event or to censoring (>= 0).
    event : array of bool
        True for an event, False for censoring.
    treated : array of bool
        True for the arm compared, False for the reference arm.
    strata : array of str, optional
        Stratum of each participant: the log-rank test is then stratified
        and the Cox model has a baseline hazard per stratum.
    alpha : float
        1 - confidence level.

    Returns
    -------
    list of Estimate
        The log-rank test (:func:`statsmodels.duration.survfunc.survdiff`)
        and the hazard ratio of a Cox proportional hazards model with Efron
        ties (:class:`statsmodels.duration.hazard_regression.PHReg`, Wald
        interval). Not estimable: an empty arm, no event, or (hazard ratio)
        no event in one arm (the ratio is 0 or infinite).

    Raises
    ------
    InvalidValueError
        Negative or missing times, arrays of other lengths.
    MissingExtraError
        statsmodels is not installed.
    """
    t = as_floats("time", time, nonnegative=True).reshape(-1)
    e = as_flags("event", event).reshape(-1)
    arm = as_flags("treated", treated).reshape(-1)
    if not (t.shape == e.shape == arm.shape):
        raise InvalidValueError(
            field="time",
            value=f"lengths {t.size}, {e.size}, {arm.size}",
            expected="time, event and treated of one length",
        )
    level = _alpha(alpha)
    groups: npt.NDArray[np.int64] | None = None
    if strata is not None:
        raw = np.asarray(strata, dtype=object).reshape(-1)
        if raw.shape != t.shape or any(not isinstance(s, str) for s in raw.tolist()):
            raise InvalidValueError(
                field="strata",
                value=describe(strata),
                expected=f"one stratum (text) per participant ({t.size})",
            )
        groups = np.unique(raw.astype(str), return_inverse=True)[1].astype(np.int64)
    survfunc = statsmodels_module("duration.survfunc", "log-rank test")
    hazard = statsmodels_module("duration.hazard_regression", "Cox hazard ratio")
    n = int(t.size)
    rank = (
        "log-rank test",
        "stratified log-rank" if groups is not None else "log-rank",
    )
    cox = (
        "hazard ratio",
        "Cox (Efron ties" + (", stratified)" if groups is not None else ")"),
    )
    if arm.all() or not arm.any():
        why = "one arm has no participant"
        return [_not(*rank, n, why), _not(*cox, n, why)]
    if not e.any():
        why = "no event in either arm"
        return [_not(*rank, n, why), _not(*cox, n, why)]
    out: list[Estimate] = []
    try:
        stat, p = _quietly(
            lambda: survfunc.survdiff(
                t, e.astype(np.int64), arm.astype(np.int64), strata=groups
            )
        )
        if not _finite(float(stat), float(p)):
            _fail("the test statistic is not finite (no variance)")
        out.append(
            Estimate(
                measure=rank[0],
                method=rank[1],
                n=n,
                statistic=float(stat),
                p_value=float(p),
            )
        )
    except _Failed as why:
        out.append(_not(*rank, n, str(why)))
    if not (e & arm).any() or not (e & ~arm).any():
        which = "the arm" if not (e & arm).any() else "the reference arm"
        out.append(
            _not(*cox, n, f"no event in {which} (the hazard ratio is 0 or infinite)")
        )
        return out
    try:
        fit = _quietly(
            lambda: hazard.PHReg(
                t,
                arm.astype(np.float64)[:, None],
                status=e.astype(np.float64),
                strata=groups,
                ties="efron",
            ).fit()
        )
        coef = float(fit.params[0])
        low, high = (float(v) for v in np.asarray(fit.conf_int(alpha=level))[0])
        p = float(fit.pvalues[0])
        se = float(fit.bse[0])
    except _Failed as why:
        out.append(_not(*cox, n, str(why)))
        return out
    if not _finite(coef, low, high, p, se):
        out.append(_not(*cox, n, "the model gives no finite estimate"))
        return out
    out.append(
        Estimate(
            measure=cox[0],
            method=cox[1],
            n=n,
            estimate=math.exp(coef),
            ci_low=math.exp(low),
            ci_high=math.exp(high),
            statistic=coef / se,
            p_value=p,
        )
    )
    return out
