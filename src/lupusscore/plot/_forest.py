"""Forest plot of the primary outcome by arm under every shipped definition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from lupusscore._checks import as_sequence
from lupusscore.cohort import Analysis, analyse
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes import OutcomeRow
from lupusscore.plot._common import analysis_of, arm_styles, new_axes
from lupusscore.response import list_definitions

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from lupusscore.cohort import Cohort
    from lupusscore.models import Trial

__all__ = ["forest", "primary_rows"]

_FEATURE: Final = "lupusscore.plot.forest"
_PRIMARY: Final = "primary"


def primary_rows(
    data: Analysis | Trial | Cohort, *, definitions: Sequence[str] | None = None
) -> list[tuple[Analysis, list[OutcomeRow]]]:
    """Return the primary outcome rows of one analysis per definition.

    Each definition (default: every shipped one, in the registry's order) is
    analysed with :func:`lupusscore.analyse` on the same cohort under the same
    timepoints, missing-visit policy, CI method and visit rule as *data* (the
    defaults for a trial or cohort).

    Returns
    -------
    list of (Analysis, list of OutcomeRow)
        Per definition its analysis and the primary rows of its outcome
        table (one per arm).
    """
    base = analysis_of(data, _FEATURE)
    if definitions is None:
        ids = [d.id for d in list_definitions()]
    else:
        items = as_sequence(
            "definitions", definitions, expected="a list of definition ids"
        )
        ids = []
        for k, item in enumerate(items):
            if not isinstance(item, str):
                raise InvalidValueError(
                    field="definitions",
                    value=repr(item),
                    index=k,
                    expected="a shipped definition id (a string)",
                )
            ids.append(item)
    out = []
    for ident in ids:
        a = analyse(
            base.cohort,
            definition=ident,
            achieve_by=base.achieve_by,
            maintain_through=base.maintain_through,
            policy=base.policy,
            ci_method=base.ci_method,
            use_unscheduled=base.use_unscheduled,
        )
        rows = [r for r in a.outcome_table().rows if r.section == _PRIMARY]
        out.append((a, rows))
    return out


def forest(
    data: Analysis | Trial | Cohort,
    *,
    definitions: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Plot the primary outcome by arm with its CI under every shipped definition.

    The primary outcome (response achieved by ``achieve_by`` and maintained
    through ``maintain_through``; complete renal response, or any response
    for a definition without a complete tier) is read from the outcome table
    of one :func:`lupusscore.analyse` per definition (:func:`primary_rows`).
    A row with no evaluable participant says "not evaluable" instead of a
    point.

    Parameters
    ----------
    data : Analysis, Trial or Cohort
        An analysis (its cohort and settings are used); a trial or cohort is
        analysed with the defaults.
    definitions : sequence of str, optional
        Definition ids (default: every shipped definition).
    ax : matplotlib Axes, optional
        Where to draw; default a new Figure (no pyplot).

    Returns
    -------
    matplotlib.axes.Axes
        Per arm one errorbar container (``label`` the arm): point ``k`` is
        the proportion of definition ``k`` at ``y = k + offset`` of the arm.
        The y tick labels name the definitions and versions.

    Raises
    ------
    MissingExtraError
        matplotlib (the ``plot`` extra) is not installed.
    InvalidValueError
        Not an analysis, trial or cohort; an unknown definition id.
    """
    base = analysis_of(data, _FEATURE)
    results = primary_rows(base, definitions=definitions)
    arms = list(base.cohort.arms)
    styles = arm_styles(arms)
    axes = new_axes(ax, _FEATURE, (7.5, 1.5 + 0.25 * len(results) * max(len(arms), 1)))
    step = 1.0 / (len(arms) + 1)
    for j, arm in enumerate(arms):
        style = styles[arm]
        ys, est, lo, hi = [], [], [], []
        for k, (_, rows) in enumerate(results):
            y = k + (j - (len(arms) - 1) / 2) * step
            row = next((r for r in rows if r.arm == arm), None)
            if row is None or not row.n or row.estimate is None:
                axes.text(
                    0.01,
                    y,
                    f"{arm}: not evaluable",
                    va="center",
                    fontsize="x-small",
                    color=style.colour,
                    gid=f"forest-ne-{j}-{k}",
                )
                continue
            ys.append(y)
            est.append(row.estimate)
            lo.append(row.estimate - (row.ci_low if row.ci_low is not None else 0.0))
            hi.append((row.ci_high if row.ci_high is not None else 1.0) - row.estimate)
        if not ys:
            continue
        axes.errorbar(
            est,
            ys,
            xerr=np.array([lo, hi]),
            fmt=style.marker,
            color=style.colour,
            ecolor=style.colour,
            linestyle="none",
            capsize=3,
            label=arm,
        )
    labels = []
    for a, _ in results:
        text = f"{a.definition.id} v{a.definition.version}"
        if a.definition.complete is None:
            text += "\n(any response)"
        if a.outcome_table().definition_provisional:
            text += " *"
        labels.append(text)
    axes.set_yticks(range(len(results)), labels, fontsize="small")
    axes.set_ylim(len(results) - 0.5, -0.5)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda v, _pos: f"{100 * v:.0f}%")
    axes.grid(axis="x", color="#cccccc", linewidth=0.5)
    axes.set_xlabel(
        f"Achieved by {base.achieve_by} and maintained through "
        f"{base.maintain_through}: proportion (95% {base.ci_method.value} CI)"
    )
    axes.set_title(
        "Primary outcome under each renal response definition"
        + (
            "\n* a tier of the definition is provisional"
            if any(a.outcome_table().definition_provisional for a, _ in results)
            else ""
        ),
        fontsize="medium",
    )
    if axes.get_legend_handles_labels()[0]:  # no legend when no arm is drawn
        axes.legend(loc="best", fontsize="small")
    return axes
