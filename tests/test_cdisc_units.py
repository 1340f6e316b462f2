"""Unit handling against real SDTM: original vs standardised results agree.

The CDISC pilot LB domain reports each result twice: as collected
(LBORRES/LBORRESU) and standardised by the sponsor (LBSTRESN/LBSTRESU). Reading both
through lupusscore must give the same canonical value, to the rounding of the
standardised column. See tests/data/README.md.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import lupusscore as ls

DATA = Path(__file__).parent / "data" / "cdisc_pilot01_lb_subset.csv"
ANALYTE = {"CREAT": "creatinine", "PLAT": "platelets", "WBC": "wbc", "ALB": "albumin"}

with DATA.open(encoding="utf-8") as fh:
    ROWS = [r for r in csv.DictReader(fh) if r["LBORRES"] and r["LBSTRESN"]]


def _lab(row: dict[str, str], value: str, unit: str, lo: str, hi: str) -> ls.LabResult:
    return ls.LabResult(
        analyte=ANALYTE[row["LBTESTCD"]],
        value=float(value),
        unit=unit,
        date=row["LBDTC"],
        reference_low=float(lo) if lo else None,
        reference_high=float(hi) if hi else None,
    )


def test_subset_is_not_empty() -> None:
    """The shipped subset holds all four tests."""
    assert {r["LBTESTCD"] for r in ROWS} == set(ANALYTE)
    assert len(ROWS) > 100


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['USUBJID']}-{r['LBTESTCD']}")
def test_original_and_standard_units_agree(row: dict[str, str]) -> None:
    """LBORRES in LBORRESU and LBSTRESN in LBSTRESU give the same canonical value."""
    orig = _lab(row, row["LBORRES"], row["LBORRESU"], row["LBORNRLO"], row["LBORNRHI"])
    std = _lab(row, row["LBSTRESN"], row["LBSTRESU"], row["LBSTNRLO"], row["LBSTNRHI"])
    assert orig.canonical_unit == std.canonical_unit
    # The sponsor rounded LBSTRESN (creatinine to whole µmol/L, about 0.6 %).
    assert std.canonical_value == pytest.approx(
        orig.canonical_value, rel=0.01, abs=0.006
    )
    if orig.reference_low is not None and std.reference_low_canonical is not None:
        assert std.reference_low_canonical == pytest.approx(
            orig.reference_low_canonical, rel=0.01, abs=0.006
        )
