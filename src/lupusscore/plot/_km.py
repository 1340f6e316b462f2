"""Kaplan-Meier curves by arm, with censoring marks and numbers at risk."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_choice, as_flag, as_floats, elementwise
from lupusscore.outcomes import KaplanMeier, kaplan_meier
from lupusscore.plot._common import analysis_of, arm_styles, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lupusscore.cohort import Analysis, Cohort
    from lupusscore.models import Trial

__all__ = ["km", "km_curve"]

_FEATURE: Final = "lupusscore.plot.km"
#: Height of one row of the numbers-at-risk table, in axes fractions.
_ROW: Final = 0.075
#: Top of the numbers-at-risk table below the axis, in axes fractions.
_TABLE_TOP: Final = -0.2


def km_curve(fit: KaplanMeier) -> tuple[list[float], list[float]]:
    """Return the step coordinates of a Kaplan-Meier fit (``where="post"``).

    Starts at (0, 1), steps at every event time, and runs flat to the last
    observed time (event or censoring), where the estimate ends.

    Examples
    --------
    >>> from lupusscore.outcomes import kaplan_meier
    >>> km_curve(kaplan_meier([2, 3, 3, 5], [True, True, False, False]))
    ([0.0, 2.0, 3.0, 5.0], [1.0, 0.75, 0.5, 0.5])
    """
    x = [0.0, *fit.time]
    y = [1.0, *fit.survival]
    if fit.n and fit.last_time > x[-1]:
        x.append(fit.last_time)
        y.append(y[-1])
    return x, y


def km(
    data: Analysis | Trial | Cohort,
    *,
    parameter: str | None = None,
    cumulative: bool = False,
    risk_days: Sequence[float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot Kaplan-Meier curves by arm with censoring marks and numbers at risk.

    The curves are :func:`lupusscore.outcomes.kaplan_meier` of the analysis'
    ``adtte`` rows of one parameter, one per arm (no second implementation).

    Parameters
    ----------
    data : Analysis, Trial or Cohort
        An analysis (:func:`lupusscore.analyse`); a trial or cohort is
        analysed with the defaults.
    parameter : str, optional
        The ``adtte`` ``PARAMCD``: ``"TTCRR"`` (or ``"TTRR"`` for a definition
        without a complete tier; the default), ``"TTESKD"``, ``"TTDEATH"``,
        ``"TTFLARE"`` (when the analysis has a flare definition).
    cumulative : bool
        Draw ``1 - S`` (the proportion with the event) instead of ``S``.
    risk_days : sequence of float, optional
        Study days of the numbers-at-risk table (default: day 0 and each
        scheduled timepoint up to the last observed time). They are also the
        x ticks.
    ax : matplotlib Axes, optional
        Where to draw; default a new Figure (no pyplot).

    Returns
    -------
    matplotlib.axes.Axes
        One step line per arm (``label`` the arm, ``gid`` ``km-<i>``), its
        censoring marks (``gid`` ``km-censor-<i>``) and the at-risk numbers
        as texts (``gid`` ``km-risk-<i>-<day>``) under the axis.

    Raises
    ------
    MissingExtraError
        matplotlib (the ``plot`` extra) is not installed.
    InvalidValueError
        Bad input: not an analysis, trial or cohort; an unknown parameter;
        negative or missing risk days.
    """
    analysis = analysis_of(data, _FEATURE)
    adtte = analysis.adtte
    codes = list(dict.fromkeys(adtte["PARAMCD"].tolist()))
    code = cast(str, as_choice("parameter", parameter or codes[0], codes))
    flip = as_flag("cumulative", cumulative)
    rows = adtte.filter(adtte["PARAMCD"] == code)
    cohort = analysis.cohort
    arms = list(cohort.arms)
    aval = rows["AVAL"].astype(np.float64)
    if risk_days is None:
        last = float(aval.max()) if aval.size else 0.0
        days = [0.0, *(float(tp.day) for tp in cohort.schedule if tp.day <= last)]
    else:
        days = sorted(
            set(
                as_floats(
                    "risk_days", elementwise(risk_days), nonnegative=True, unit="days"
                )
                .ravel()
                .tolist()
            )
        )
    axes = new_axes(ax, _FEATURE, (7.5, 4.8 + 0.3 * len(arms)))
    transforms = importlib.import_module("matplotlib.transforms")
    below = transforms.blended_transform_factory(axes.transData, axes.transAxes)
    styles = arm_styles(arms)
    for i, arm in enumerate(arms):
        style = styles[arm]
        mine = rows["TRT01P"] == arm
        t = aval[mine]
        event = rows["CNSR"][mine] == 0
        fit = kaplan_meier(t, event)
        if fit.n:
            x, y = km_curve(fit)
            axes.step(
                x,
                _scale(y, flip),
                where="post",
                color=style.colour,
                linestyle=style.linestyle,
                label=f"{arm} (n={fit.n})",
                gid=f"km-{i}",
            )
            censored = np.unique(t[~event])
            cy = [fit.at(c).survival for c in censored.tolist()]
            axes.plot(
                censored,
                _scale([1.0 if s is None else s for s in cy], flip),
                linestyle="none",
                marker="|",
                markersize=9,
                markeredgewidth=1.5,
                color=style.colour,
                label="_nolegend_",
                gid=f"km-censor-{i}",
            )
        y_row = _TABLE_TOP - _ROW * (i + 1)
        axes.text(
            -0.02,
            y_row,
            arm,
            transform=axes.transAxes,
            ha="right",
            va="center",
            color=style.colour,
            fontsize="small",
        )
        for day in days:
            axes.text(
                day,
                y_row,
                str(fit.at(day).n_at_risk),
                transform=below,
                ha="center",
                va="center",
                fontsize="small",
                gid=f"km-risk-{i}-{day:g}",
            )
    axes.text(
        -0.02,
        _TABLE_TOP,
        "Number at risk",
        transform=axes.transAxes,
        ha="right",
        va="center",
        fontsize="small",
        fontweight="bold",
    )
    axes.set_xticks(days)
    axes.set_xlim(left=0)
    axes.set_ylim(-0.02, 1.02)
    title = str(rows["PARAM"][0]) if len(rows) else code
    axes.set_title(title.removesuffix(" (days)"), fontsize="medium")
    axes.set_xlabel("Study day")
    axes.set_ylabel(
        "Proportion with the event" if flip else "Proportion without the event"
    )
    axes.legend(loc="best", fontsize="small", title="| censored")
    return axes


def _scale(y: Sequence[float], flip: bool) -> npt.NDArray[np.float64]:  # noqa: FBT001
    arr = np.asarray(y, dtype=np.float64)
    return 1.0 - arr if flip else arr
