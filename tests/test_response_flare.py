"""Renal flare definitions: KDIGO 2012 grades, AURORA 2, doubling, nephritic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lupusscore as ls
from lupusscore.response import RenalFlareBatch

TABLE_29 = json.loads(
    (Path(__file__).parent / "reference" / "response_flare_kdigo2012.json").read_text()
)


@pytest.mark.parametrize("case", TABLE_29["cases"], ids=lambda c: c["edge"])
def test_kdigo_2012_table_29(case: dict[str, Any]) -> None:
    """Each Table 29 edge lands in the transcribed grade."""
    r = ls.classify_renal_flare("kdigo-2012", **{**TABLE_29["quiet"], **case["inputs"]})
    assert isinstance(r, ls.RenalFlareResult)
    assert r.category == case["expected"], r.reason
    assert r.flare == ("not_met" if case["expected"] == "none" else "met")


def test_kdigo_2012_literal_gap_is_graded_moderate() -> None:
    """A >1 g/g baseline doubling to >= 5 g/g (increase <= 5) is graded moderate."""
    r = ls.classify_renal_flare(
        "kdigo-2012",
        **{**TABLE_29["quiet"], "reference_upcr_g_g": 2.0, "upcr_g_g": 6.0},
    )
    assert r.category == "moderate"
    note = ls.get_flare_definition("kdigo-2012").notes[0]
    assert "graded moderate here" in note


def test_kdigo_2012_missing_higher_grade_is_not_evaluable() -> None:
    """Moderate met but severe undecidable: not evaluable grade, flare met."""
    r = ls.classify_renal_flare("kdigo-2012", upcr_g_g=1.2, reference_upcr_g_g=0.3)
    assert r.category == "not_evaluable"
    assert r.flare == "met"
    assert r.reason.endswith("at least moderate")


def test_kdigo_2012_nothing_given_is_not_evaluable() -> None:
    """No input at all gives not evaluable, never none."""
    r = ls.classify_renal_flare("kdigo-2012")
    assert r.category == "not_evaluable"
    assert r.flare == "not_evaluable"


@pytest.mark.parametrize(
    ("reference", "now", "expected"),
    [
        (0.19, 1.0, "none"),
        (0.19, 1.01, "flare"),
        (0.2, 1.01, "none"),
        (0.2, 2.0, "none"),
        (0.2, 2.01, "flare"),
        (1.0, 2.01, "flare"),
        (1.01, 5.0, "not_evaluable"),
    ],
)
def test_aurora_2_proteinuric_flare(
    reference: float, now: float, expected: str
) -> None:
    """AURORA 2: from < 0.2 to > 1; from 0.2-1.0 to > 2; above 1.0 not covered."""
    r = ls.classify_renal_flare("aurora-2", upcr_g_g=now, reference_upcr_g_g=reference)
    assert isinstance(r, ls.RenalFlareResult)
    assert r.category == expected, r.reason


@pytest.mark.parametrize(
    ("now", "expected"), [(1.99, "none"), (2.0, "flare"), (2.01, "flare")]
)
def test_upcr_doubling(now: float, expected: str) -> None:
    """Doubling is a fold rise of at least 2."""
    r = ls.classify_renal_flare("upcr-doubling", upcr_g_g=now, reference_upcr_g_g=1.0)
    assert isinstance(r, ls.RenalFlareResult)
    assert r.category == expected


@pytest.mark.parametrize(
    ("now", "expected"), [(1.79, "none"), (1.8, "flare"), (1.81, "flare")]
)
def test_creatinine_doubling(now: float, expected: str) -> None:
    """Serum creatinine doubling: a rise of at least 100%."""
    r = ls.classify_renal_flare(
        "creatinine-doubling", creatinine_mg_dl=now, reference_creatinine_mg_dl=0.9
    )
    assert isinstance(r, ls.RenalFlareResult)
    assert r.category == expected


@pytest.mark.parametrize(
    ("now", "sediment", "expected"),
    [
        (1.29, True, "none"),
        (1.3, True, "flare"),
        (1.3, False, "none"),
        (1.3, None, "not_evaluable"),
        (1.29, None, "none"),
    ],
)
def test_moroni_nephritic(now: float, sediment: bool | None, expected: str) -> None:
    """Creatinine up >= 30% with nephritic sediment; missing sediment stays open."""
    r = ls.classify_renal_flare(
        "moroni-nephritic",
        creatinine_mg_dl=now,
        reference_creatinine_mg_dl=1.0,
        active_sediment=sediment,
    )
    assert isinstance(r, ls.RenalFlareResult)
    assert r.category == expected


def test_flare_criteria_are_explained() -> None:
    """Flare criteria carry observed rise, threshold and source."""
    r = ls.classify_renal_flare(
        "creatinine-doubling", creatinine_mg_dl=1.8, reference_creatinine_mg_dl=0.9
    )
    assert isinstance(r, ls.RenalFlareResult)
    (c,) = r.criteria
    assert (c.status, c.observed, c.threshold, c.unit) == ("met", 100.0, 100.0, "%")
    assert "N Engl J Med 2020" in (c.source or "")


def test_flare_batch_matches_scalar() -> None:
    """Array inputs give per-element flare categories equal to scalar ones."""
    now = np.array([1.0, 1.2, 6.51, np.nan])
    batch = ls.classify_renal_flare(
        "kdigo-2012", **{**TABLE_29["quiet"], "upcr_g_g": now}
    )
    assert isinstance(batch, RenalFlareBatch)
    assert batch.category.tolist() == [
        "moderate",
        "moderate",
        "severe",
        "not_evaluable",
    ]
    for i, value in enumerate(now):
        single = ls.classify_renal_flare(
            "kdigo-2012", **{**TABLE_29["quiet"], "upcr_g_g": float(value)}
        )
        assert batch.result(i) == single


def test_unknown_flare_definition() -> None:
    """An unknown flare id raises DefinitionError listing the shipped ones."""
    with pytest.raises(ls.DefinitionError, match="aurora-2"):
        ls.classify_renal_flare("eular-2012")
