"""Between-arm comparisons and definition sensitivity (optional extra ``stats``).

The methods (:func:`compare_proportions`, :func:`compare_stratified`,
:func:`compare_survival`) wrap statsmodels, which the extra
``pip install 'lupusscore[stats]'`` installs; it is imported only when a
comparison is asked for, and a missing one raises
:class:`~lupusscore.errors.MissingExtraError` naming the extra.
:func:`comparisons_of` compares the arms of an analysis outcome by outcome
(``Analysis.comparisons()``); :func:`sensitivity_of` recomputes the primary
outcome under named variants (``Analysis.sensitivity()``).
``docs/statistics.md`` describes and cites every method.
"""

from __future__ import annotations

from lupusscore.outcomes._table import ComparisonRow
from lupusscore.stats._compare import (
    COMPARISON_LABELS,
    comparisons_of,
    comparisons_table,
    reference_arm,
    with_comparisons,
)
from lupusscore.stats._methods import (
    Estimate,
    compare_proportions,
    compare_stratified,
    compare_survival,
)
from lupusscore.stats._sensitivity import (
    SENSITIVITY_LABELS,
    Variant,
    default_variants,
    render_sensitivity,
    sensitivity_of,
)

__all__ = [
    "COMPARISON_LABELS",
    "SENSITIVITY_LABELS",
    "ComparisonRow",
    "Estimate",
    "Variant",
    "compare_proportions",
    "compare_stratified",
    "compare_survival",
    "comparisons_of",
    "comparisons_table",
    "default_variants",
    "reference_arm",
    "render_sensitivity",
    "sensitivity_of",
    "with_comparisons",
]
