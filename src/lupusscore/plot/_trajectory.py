"""Trajectories of an analyte by arm: median and interquartile band over time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, cast

import numpy as np

from lupusscore._checks import as_choice, describe
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes import summarize
from lupusscore.plot._common import analysis_of, arm_styles, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lupusscore.cohort import Analysis, Cohort
    from lupusscore.models import Trial

__all__ = ["TRAJECTORY_ANALYTES", "trajectory"]

_FEATURE: Final = "lupusscore.plot.trajectory"

#: Names accepted for each ``adlb`` parameter (case-insensitive).
TRAJECTORY_ANALYTES: Final = {
    "upcr": "UPCR",
    "egfr": "EGFR",
    "c3": "C3",
    "c4": "C4",
    "anti-dsdna": "DSDNA",
    "dsdna": "DSDNA",
    "sledai-2k": "SLEDAI",
    "sledai": "SLEDAI",
}

#: ``value`` -> axis label suffix.
_VALUES: Final = {
    "AVAL": "",
    "CHG": "change from baseline",
    "PCHG": "% change from baseline",
}


def trajectory(
    data: Analysis | Trial | Cohort,
    analyte: str = "UPCR",
    *,
    value: str = "AVAL",
    ax: Axes | None = None,
) -> Axes:
    """Plot an analyte by arm over time: median line and interquartile band.

    Values are the analysis' ``adlb`` rows of the parameter flagged for a
    timepoint (``ANL01FL`` ``"Y"``: baseline and each scheduled timepoint),
    placed at the timepoint's target day (``AVISITN``); the median and
    quartiles are :func:`lupusscore.outcomes.summarize`'s (the outcome
    table's). A timepoint with no value in an arm has no point.

    Parameters
    ----------
    data : Analysis, Trial or Cohort
        An analysis (:func:`lupusscore.analyse`); a trial or cohort is
        analysed with the defaults.
    analyte : str
        ``"UPCR"``, ``"eGFR"``, ``"C3"``, ``"C4"``, ``"anti-dsDNA"``,
        ``"SLEDAI-2K"`` (any case), or any ``adlb`` ``PARAMCD``.
    value : {"AVAL", "CHG", "PCHG"}
        The value, its change or its percent change from baseline.
    ax : matplotlib Axes, optional
        Where to draw; default a new Figure (no pyplot).

    Returns
    -------
    matplotlib.axes.Axes
        Per arm a median line (``label`` the arm, ``gid`` ``trajectory-<i>``)
        and an IQR band (``gid`` ``trajectory-iqr-<i>``).

    Raises
    ------
    MissingExtraError
        matplotlib (the ``plot`` extra) is not installed.
    InvalidValueError
        Not an analysis, trial or cohort; an analyte the analysis has no
        values of; an unknown value.
    """
    analysis = analysis_of(data, _FEATURE)
    adlb = analysis.adlb
    present = list(dict.fromkeys(adlb["PARAMCD"].tolist()))
    if not isinstance(analyte, str):
        raise InvalidValueError(
            field="analyte", value=describe(analyte), expected="an analyte name"
        )
    code = TRAJECTORY_ANALYTES.get(analyte.lower(), analyte)
    if code not in present:
        raise InvalidValueError(
            field="analyte",
            value=analyte,
            expected="an analyte the analysis has values of: " + ", ".join(present),
        )
    column = cast(str, as_choice("value", value, tuple(_VALUES)))
    rows = adlb.filter((adlb["PARAMCD"] == code) & (adlb["ANL01FL"] == "Y"))
    arms = list(analysis.cohort.arms)
    styles = arm_styles(arms)
    axes = new_axes(ax, _FEATURE, (7.5, 4.5))
    x_all = rows["AVISITN"].astype(np.float64)
    y_all = rows[column].astype(np.float64)
    for i, arm in enumerate(arms):
        style = styles[arm]
        mine = (rows["TRT01P"] == arm) & ~np.isnan(y_all)
        days, med, q1, q3 = [], [], [], []
        for day in np.unique(x_all[mine]).tolist():
            s = summarize(y_all[mine & (x_all == day)])
            if s.median is None or s.q1 is None or s.q3 is None:
                continue
            days.append(day)
            med.append(s.median)
            q1.append(s.q1)
            q3.append(s.q3)
        if not days:
            continue
        axes.fill_between(
            days,
            q1,
            q3,
            color=style.colour,
            alpha=0.18,
            hatch=style.hatch,
            linewidth=0,
            gid=f"trajectory-iqr-{i}",
        )
        axes.plot(
            days,
            med,
            color=style.colour,
            linestyle=style.linestyle,
            marker=style.marker,
            label=arm,
            gid=f"trajectory-{i}",
        )
    param = str(rows["PARAM"][0]) if len(rows) else code
    suffix = _VALUES[column]
    axes.set_ylabel(param + (f": {suffix}" if suffix else ""), fontsize="small")
    axes.set_xlabel("Study day (target day of the timepoint)")
    timepoints = {0.0: "Baseline"} | {
        float(tp.day): tp.label for tp in analysis.cohort.schedule
    }
    ticks = sorted(d for d in timepoints if d in set(x_all.tolist()))
    if ticks:
        axes.set_xticks(ticks, [f"{d:g}" for d in ticks])
    axes.set_title(f"{param}: median and interquartile range by arm", fontsize="medium")
    axes.legend(loc="best", fontsize="small", title="median (band: IQR)")
    return axes
