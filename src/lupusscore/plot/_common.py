"""Shared pieces of the plots: the lazy matplotlib import, inputs, arm styles."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from lupusscore._checks import describe
from lupusscore.cohort import Analysis, Cohort, analyse
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.models import Trial

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ArmStyle",
    "analysis_of",
    "arm_styles",
    "new_axes",
    "require_matplotlib",
    "svg_text",
]

#: Colours of the arms: the Okabe-Ito palette, distinguishable with the common
#: colour-vision deficiencies (Okabe M, Ito K. Color Universal Design (CUD):
#: how to make figures and presentations that are friendly to colorblind
#: people. 2008, https://jfly.uni-koeln.de/color/). Each arm also has its own
#: marker and line style, so the plots read without colour.
COLOURS: Final = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X")
LINESTYLES: Final = ("-", "--", "-.", ":")
HATCHES: Final = ("//", "\\\\", "..", "xx", "++", "oo", "--")


@dataclass(frozen=True)
class ArmStyle:
    """How one arm is drawn: colour, marker, line style and hatch."""

    colour: str
    marker: str
    linestyle: str
    hatch: str


def arm_styles(arms: Sequence[str]) -> dict[str, ArmStyle]:
    """Return a style per arm (in the given order; distinct without colour)."""
    return {
        arm: ArmStyle(
            colour=COLOURS[i % len(COLOURS)],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            hatch=HATCHES[i % len(HATCHES)],
        )
        for i, arm in enumerate(arms)
    }


def require_matplotlib(feature: str) -> Any:
    """Import ``matplotlib.figure``, or raise MissingExtraError naming ``plot``."""
    try:
        return importlib.import_module("matplotlib.figure")
    except ImportError:
        raise MissingExtraError(
            package="matplotlib", feature=feature, extra="plot"
        ) from None


def new_axes(ax: Axes | None, feature: str, size: tuple[float, float]) -> Axes:
    """Return *ax*, or the axes of a new Figure (no pyplot, no global state)."""
    figure = require_matplotlib(feature)
    if ax is None:
        fig = figure.Figure(figsize=size, layout="constrained")
        new: Axes = fig.add_subplot()
        return new
    axes_mod = importlib.import_module("matplotlib.axes")
    if not isinstance(ax, axes_mod.Axes):
        raise InvalidValueError(
            field="ax", value=describe(ax), expected="a matplotlib Axes, or None"
        )
    given: Axes = ax
    return given


def analysis_of(data: object, feature: str) -> Analysis:
    """Return an Analysis as given, or the default analysis of a Trial or Cohort."""
    if isinstance(data, Analysis):
        return data
    if isinstance(data, Trial | Cohort):
        return analyse(data)
    raise InvalidValueError(
        field="data",
        value=describe(data),
        expected=f"an Analysis (lupusscore.analyse), a Trial or a Cohort for {feature}",
    )


_XML_HEAD: Final = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA: Final = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
#: matplotlib's comments repeat each text (escaped); the paths draw it.
_COMMENT: Final = re.compile(r"<!--.*?-->", re.DOTALL)


def svg_text(fig: Figure) -> str:
    """Return the figure as an ``<svg>`` element to inline in HTML.

    Text is drawn as paths (no font is needed to show it); the output carries
    no date, no RDF metadata (so it names no URL) and no comments.
    """
    mpl = importlib.import_module("matplotlib")
    buf = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "lupusscore"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = _XML_HEAD.sub("", buf.getvalue(), count=1)
    return _COMMENT.sub("", _METADATA.sub("", text)).strip()
