"""Limit comparisons robust to round-off (moved to :mod:`lupusscore.results`).

Kept so serology modules import from one place; the implementation lives in
:mod:`lupusscore.results`, where every score's comparisons share it.
"""

from __future__ import annotations

from lupusscore.results import COMPARISON_SIGNIFICANT_DIGITS, compare, snap

__all__ = ["COMPARISON_SIGNIFICANT_DIGITS", "compare", "snap"]
