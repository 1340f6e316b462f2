"""Plots of an analysis: Kaplan-Meier, swimmer, trajectories and a forest plot.

Needs matplotlib, the optional extra ``plot`` (``pip install
'lupusscore[plot]'``); without it each function raises
:class:`~lupusscore.errors.MissingExtraError` naming the extra. Every function
takes an :class:`~lupusscore.cohort.Analysis` (:func:`lupusscore.analyse`; a
``Trial`` or ``Cohort`` is analysed with the defaults), draws on ``ax`` or on
a new :class:`matplotlib.figure.Figure` (never pyplot's global state), and
returns the ``Axes``. Arms differ by marker and line style as well as by
colour. See ``docs/plots.md``.

Examples
--------
>>> import lupusscore as ls
>>> from lupusscore import plot
>>> from lupusscore.cli import load_example_trial
>>> analysis = ls.analyse(load_example_trial())
>>> ax = plot.km(analysis)
>>> [line.get_label() for line in ax.get_lines() if line.get_gid() == "km-0"]
['MSC infusion (n=40)']
"""

from lupusscore.plot._common import svg_text
from lupusscore.plot._forest import forest, primary_rows
from lupusscore.plot._km import km, km_curve
from lupusscore.plot._swimmer import RESPONSE_STATES, swimmer
from lupusscore.plot._trajectory import TRAJECTORY_ANALYTES, trajectory

__all__ = [
    "RESPONSE_STATES",
    "TRAJECTORY_ANALYTES",
    "forest",
    "km",
    "km_curve",
    "primary_rows",
    "svg_text",
    "swimmer",
    "trajectory",
]
