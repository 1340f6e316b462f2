"""Swimmer plot: each participant's response state over study days, with events."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

import numpy as np

from lupusscore.models import EventType
from lupusscore.plot._common import analysis_of, new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lupusscore.cohort import Analysis, Cohort
    from lupusscore.models import Trial

__all__ = ["RESPONSE_STATES", "swimmer"]

_FEATURE: Final = "lupusscore.plot.swimmer"

#: ADRS ``AVALC`` -> (legend label, fill colour, hatch): the state holds from
#: the day of the assessment to the next one. Told apart by hatch as well.
RESPONSE_STATES: Final = {
    "Y": ("response", "#009E73", ""),
    "N": ("no response", "#E69F00", "///"),
    "NE": ("not evaluable", "#FFFFFF", "..."),
}

#: Event type -> (marker, colour); each type its own marker shape.
_EVENTS: Final = {
    EventType.RESCUE_THERAPY: ("*", "#CC79A7"),
    EventType.DEATH: ("X", "#000000"),
    EventType.DIALYSIS: ("s", "#0072B2"),
    EventType.TRANSPLANT: ("D", "#56B4E9"),
    EventType.WITHDRAWAL: ("<", "#D55E00"),
}


def swimmer(data: Analysis | Trial | Cohort, *, ax: Axes | None = None) -> Axes:
    """Plot each participant's response state over study days, with events.

    One lane per participant (arm by arm in the cohort's arm order, then by
    participant id), from day 0 to the last contact day (``adsl``
    ``LSTCNTDY``). Along it, the state of the analysis' response at each
    scheduled timepoint (``adrs`` ``CRR``, or ``RR`` for a definition without
    a complete tier: response, no response, not evaluable) holds from the day
    of that assessment (its target day when no visit was assessed) to the
    next. Events of the cohort (rescue therapy, death, dialysis, transplant,
    withdrawal) are marked on their study day.

    Parameters
    ----------
    data : Analysis, Trial or Cohort
        An analysis (:func:`lupusscore.analyse`); a trial or cohort is
        analysed with the defaults.
    ax : matplotlib Axes, optional
        Where to draw; default a new Figure (no pyplot).

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per response state (``label`` the state; bar ``i``
        lies on the lane ``y``), and one scatter per event type present
        (``label`` the event type, ``gid`` ``swimmer-<type>``).

    Raises
    ------
    MissingExtraError
        matplotlib (the ``plot`` extra) is not installed.
    InvalidValueError
        Not an analysis, trial or cohort.
    """
    analysis = analysis_of(data, _FEATURE)
    cohort = analysis.cohort
    adsl = analysis.adsl
    arm_rank = {arm: i for i, arm in enumerate(cohort.arms)}
    ids = adsl["USUBJID"].tolist()
    arms = adsl["TRT01P"].tolist()
    order = sorted(
        range(len(ids)),
        key=lambda k: (arm_rank.get(arms[k], len(arm_rank)), str(arms[k]), ids[k]),
    )
    lane = np.empty(len(ids), dtype=np.int64)
    lane[np.asarray(order, dtype=np.int64)] = np.arange(len(ids))
    last = adsl["LSTCNTDY"].astype(np.float64)
    axes = new_axes(ax, _FEATURE, (8.0, 1.6 + 0.16 * len(ids)))
    axes.hlines(lane, 0, np.maximum(last, 0), color="#777777", linewidth=0.8)

    adrs = analysis.adrs
    code = "CRR" if analysis.definition.complete is not None else "RR"
    rows = adrs.filter(adrs["PARAMCD"] == code)
    index = {pid: k for k, pid in enumerate(ids)}
    who = np.array([index[p] for p in rows["USUBJID"].tolist()], dtype=np.int64)
    day = np.where(
        np.isnan(rows["DAY"]), rows["AVISITN"].astype(np.float64), rows["DAY"]
    )
    key = np.lexsort((day, who))
    who, day, state = who[key], day[key], rows["AVALC"][key]
    nxt = np.append(day[1:], np.inf)
    same = np.append(who[1:] == who[:-1], False)
    end = np.where(same, nxt, np.maximum(last[who], day))
    for value, (label, colour, hatch) in RESPONSE_STATES.items():
        hit = state == value
        if not hit.any():
            continue
        axes.barh(
            lane[who[hit]],
            (end - day)[hit],
            left=day[hit],
            height=0.6,
            color=colour,
            hatch=hatch,
            edgecolor="#333333",
            linewidth=0.4,
            label=label,
        )

    events = cohort.event_type.astype(str)
    gap = cohort.event_date - cohort.day0[cohort.event_participant]
    dated = ~np.isnat(gap)
    event_day = np.where(dated, gap, np.timedelta64(0, "D")).astype(np.int64)
    for kind, (marker, colour) in _EVENTS.items():
        hit = (events == kind.value) & dated
        if not hit.any():
            continue
        axes.scatter(
            event_day[hit],
            lane[cohort.event_participant[hit]],
            marker=marker,
            s=60,
            color=colour,
            edgecolors="#000000",
            linewidths=0.5,
            zorder=3,
            label=kind.value.replace("_", " "),
            gid=f"swimmer-{kind.value}",
        )

    axes.set_yticks(np.arange(len(ids)), [ids[k] for k in order], fontsize=6)
    axes.set_ylim(len(ids) - 0.5, -0.5)
    transforms = importlib.import_module("matplotlib.transforms")
    side = transforms.blended_transform_factory(axes.transAxes, axes.transData)
    sorted_arms = [arms[k] for k in order]
    for arm in dict.fromkeys(sorted_arms):
        span = [i for i, a in enumerate(sorted_arms) if a == arm]
        axes.axhline(span[0] - 0.5, color="#000000", linewidth=0.8)
        axes.text(
            1.01,
            (span[0] + span[-1]) / 2,
            str(arm),
            transform=side,
            rotation=270,
            ha="left",
            va="center",
            fontsize="small",
        )
    axes.set_xlim(left=0)
    axes.set_xlabel("Study day")
    axes.set_title(
        f"{analysis.definition.id} response state at each timepoint, and events",
        fontsize="medium",
    )
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.06), ncols=4)
    return axes
