"""docs/activity.md stays in sync with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from lupusscore import activity
from lupusscore.activity import (
    LAB_RULES,
    SLEDAI_2K_DESCRIPTORS,
    SLEDAI_VARIANTS,
    SledaiDescriptor,
)

DOC = (Path(__file__).parents[1] / "docs" / "activity.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("d", SLEDAI_2K_DESCRIPTORS, ids=lambda d: d.name)
def test_every_descriptor_is_documented_with_its_weight(d: SledaiDescriptor) -> None:
    """Each descriptor has a table row with its number, name and weight."""
    assert f"| {d.number} | `{d.name}` |" in DOC
    row = next(line for line in DOC.splitlines() if f"| `{d.name}` |" in line)
    assert f"| {d.weight} |" in row


@pytest.mark.parametrize("variant", sorted(SLEDAI_VARIANTS))
def test_every_variant_is_documented(variant: str) -> None:
    """Each variant id appears in the variants table."""
    assert f"| `{variant}` |" in DOC


#: Table-level constants whose values (not names) the docs tables show.
_VALUES_IN_TABLES = {
    "ARTHRITIS_MIN_JOINTS_ORIGINAL",
    "ARTHRITIS_MIN_JOINTS_SLEDAI_2K",
    "DORIS_2017_GLUCOCORTICOID_MAX_MG_DAY",
    "DORIS_2017_PGA_MAX",
    "DORIS_2021_GLUCOCORTICOID_MG_DAY",
    "DORIS_2021_PGA_BELOW",
    "LAB_RULES",
    "SEROLOGY_DESCRIPTORS",
    "SLEDAI_2K_MAX_SCORE",
    "SLEDAI_2K_WEIGHTS",
    "SLEDAI_VARIANTS",
    "WINDOW_DAYS_30",
    "WINDOW_DAYS_STANDARD",
    "sledai_variant",
}


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in activity.__all__
        if (n[0].islower() or n.isupper()) and n not in _VALUES_IN_TABLES
    ),
)
def test_every_public_function_and_constant_is_documented(name: str) -> None:
    """Each public function and threshold constant is named in the docs."""
    assert name in DOC


def test_lab_rule_thresholds_are_documented() -> None:
    """Each lab rule's threshold constant and analyte appear in the lab table."""
    for rule in LAB_RULES:
        assert f"`{rule.analyte.value}`" in DOC
        assert rule.descriptor in DOC
