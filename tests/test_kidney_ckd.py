"""KDIGO G and A categories: boundaries from the transcribed KDIGO 2012 tables."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.errors import InvalidValueError, UnitError
from lupusscore.kidney import (
    ALBUMINURIA_THRESHOLDS,
    GFR_CATEGORY_LOWER_BOUNDS,
    AlbuminuriaCategory,
    GfrCategory,
    albuminuria_category,
    gfr_category,
)
from lupusscore.units import convert

TABLES = json.loads(
    (Path(__file__).parent / "reference" / "kidney_kdigo_categories.json").read_text(
        encoding="utf-8"
    )
)
G_ROWS: list[dict[str, Any]] = TABLES["gfr"]["categories"]
A_ROWS = [r for r in TABLES["albuminuria"]["rows"] if r["analyte"] is not None]


def test_gfr_bounds_match_the_transcribed_table() -> None:
    """The code's G lower bounds are KDIGO Table 5's."""
    table = {r["category"]: r["from"] for r in G_ROWS if r["from"] is not None}
    assert {str(c): b for c, b in GFR_CATEGORY_LOWER_BOUNDS} == table


@pytest.mark.parametrize("row", [r for r in G_ROWS if r["from"] is not None], ids=str)
def test_gfr_category_edges(row: dict[str, Any]) -> None:
    """Just below a lower bound: next category; at and just above: this one."""
    bound = float(row["from"])
    order = [str(c) for c in GfrCategory]
    this = row["category"]
    below = order[order.index(this) + 1]
    assert gfr_category(bound) == this
    assert gfr_category(bound + 1e-9) == this
    assert gfr_category(math.nextafter(bound, 0)) == below
    assert gfr_category(bound - 0.1) == below


def test_gfr_integer_labels_of_the_table() -> None:
    """Whole-number eGFRs at the printed band ends fall in the printed band."""
    for row in G_ROWS:
        for key in ("from", "to"):
            value = row[key]
            if value is None or (row.get("to_exclusive") and key == "to"):
                continue
            assert gfr_category(float(value)) == row["category"]
    assert gfr_category(0) == "G5"
    assert gfr_category(14.99) == "G5"


def test_gfr_category_array_and_types() -> None:
    """Arrays give arrays of labels; scalars a GfrCategory (a str)."""
    out = gfr_category(np.array([[120.0, 59.9], [30.0, 3.0]]))
    assert out.shape == (2, 2)
    assert out.tolist() == [["G1", "G3a"], ["G3b", "G5"]]
    scalar = gfr_category(75)
    assert isinstance(scalar, GfrCategory)
    assert scalar == "G2"


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_gfr_category_rejects_invalid(bad: float) -> None:
    """Negative or non-finite eGFR is invalid input."""
    with pytest.raises(InvalidValueError, match="egfr"):
        gfr_category(bad)


@given(st.lists(st.floats(min_value=0, max_value=200), min_size=1, max_size=30))
def test_gfr_category_array_equals_elementwise(values: list[float]) -> None:
    """Array classification equals element-wise classification."""
    assert gfr_category(values).tolist() == [str(gfr_category(v)) for v in values]


def test_albuminuria_thresholds_match_the_transcribed_table() -> None:
    """The code's A thresholds are KDIGO Table 7's rows for ACR, PCR and PER."""
    code = {
        (a.value, t.unit): (t.a2_from, t.a2_to)
        for (a, _), t in ALBUMINURIA_THRESHOLDS.items()
    }
    table = {(r["analyte"], r["unit"]): (r["lower"], r["upper"]) for r in A_ROWS}
    assert code == table


@pytest.mark.parametrize("row", A_ROWS, ids=lambda r: f"{r['analyte']}-{r['unit']}")
def test_albuminuria_edges_in_the_table_unit(row: dict[str, Any]) -> None:
    """Below the lower bound A1, at it A2, at the upper bound A2, above it A3."""
    lo, hi, unit, analyte = row["lower"], row["upper"], row["unit"], row["analyte"]

    def cat(v: float) -> str:
        return str(albuminuria_category(v, unit, analyte=analyte))

    assert cat(math.nextafter(lo, 0)) == "A1"
    assert cat(lo) == "A2"
    assert cat(hi) == "A2"
    assert cat(math.nextafter(hi, math.inf)) == "A3"
    assert cat(0) == "A1"


def test_albuminuria_other_units_use_the_matching_pair() -> None:
    """g/g, mg/mg use the mg/g pair; g/mmol the mg/mmol pair; g/day the mg/day one."""
    assert albuminuria_category(0.0299, "g/g") == "A1"
    assert albuminuria_category(0.03, "mg/mg") == "A2"
    assert albuminuria_category(0.5, "g/g", analyte="upcr") == "A2"
    assert albuminuria_category(0.501, "g/g", analyte="upcr") == "A3"
    assert albuminuria_category(0.05, "g/mmol", analyte="upcr") == "A2"
    assert albuminuria_category(0.0501, "g/mmol", analyte="upcr") == "A3"
    assert albuminuria_category(0.15, "g/day", analyte="protein_24h") == "A2"
    assert albuminuria_category(0.149, "g/24h", analyte="protein_24h") == "A1"


def test_molar_results_use_the_guideline_pair_not_the_exact_conversion() -> None:
    """ACR 3.2 mg/mmol is A2 by KDIGO's own pair, though it converts to 28.3 mg/g."""
    assert convert(3.2, "mg/mmol", "mg/g", analyte="uacr") < 30
    assert albuminuria_category(3.2, "mg/mmol") == AlbuminuriaCategory.A2
    assert albuminuria_category(28.3, "mg/g") == AlbuminuriaCategory.A1


def test_albuminuria_array() -> None:
    """Arrays are classified element-wise."""
    out = albuminuria_category(np.array([10.0, 30.0, 300.0, 301.0]), "mg/g")
    assert out.tolist() == ["A1", "A2", "A2", "A3"]


def test_albuminuria_rejects_bad_input() -> None:
    """Wrong analyte, wrong unit and negative values are errors."""
    with pytest.raises(InvalidValueError, match="analyte"):
        albuminuria_category(1.0, "mg/dL", analyte="creatinine")
    with pytest.raises(UnitError):
        albuminuria_category(1.0, "mg/dL")
    with pytest.raises(UnitError):
        albuminuria_category(1.0, "g/g", analyte="protein_24h")
    with pytest.raises(InvalidValueError, match="value"):
        albuminuria_category(-1.0, "mg/g")
