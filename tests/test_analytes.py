"""Analyte data: complete, consistent, and in sync with the docs."""

from __future__ import annotations

from pathlib import Path

import pytest

import lupusscore as ls
from lupusscore.analytes import ANALYTES, Analyte
from lupusscore.units import resolve_unit

ISSUE_ANALYTES = [
    "creatinine",
    "cystatin_c",
    "upcr",
    "uacr",
    "protein_24h",
    "albumin",
    "c3",
    "c4",
    "ch50",
    "anti_dsdna",
    "ana",
    "platelets",
    "wbc",
    "hemoglobin",
    "urine_rbc",
    "urine_wbc",
]


def test_issue_analytes_exist() -> None:
    """Every analyte the foundation issue names is an Analyte member."""
    for name in ISSUE_ANALYTES:
        assert Analyte(name).value == name


def test_every_analyte_has_a_spec() -> None:
    """ANALYTES covers the enum exactly."""
    assert set(ANALYTES) == set(Analyte)


@pytest.mark.parametrize("analyte", list(Analyte))
def test_every_listed_unit_resolves_to_its_family(analyte: Analyte) -> None:
    """Each accepted unit spelling resolves to the family it is listed in."""
    for family in ANALYTES[analyte].families:
        assert resolve_unit(family.canonical_unit, analyte).family is family
        for unit in family.units:
            assert resolve_unit(unit, analyte).family.name == family.name


@pytest.mark.parametrize("analyte", list(Analyte))
def test_plausible_ranges_are_ordered(analyte: Analyte) -> None:
    """Plausibility limits are ordered and non-negative (except temperature)."""
    for family in ANALYTES[analyte].families:
        if family.plausible is not None:
            lo, hi = family.plausible
            assert 0 <= lo < hi


def test_loinc_codes_are_unique_and_well_formed() -> None:
    """No LOINC code is used for two analytes; each has the NNNN-N form."""
    seen: dict[str, Analyte] = {}
    for analyte, spec in ANALYTES.items():
        assert spec.loinc, analyte
        for code in spec.loinc:
            number, check = code.code.split("-")
            assert number.isdigit()
            assert check.isdigit()
            assert len(check) == 1
            assert code.code not in seen, (code.code, seen.get(code.code), analyte)
            seen[code.code] = analyte
            spec.family(code.family)  # names an existing family


def test_reference_codes_from_section_7() -> None:
    """Spot checks against REFERENCE 7.2 (C3 is 4485-9, not 11572-5)."""
    assert [c.code for c in ls.analyte_spec("c3").loinc] == ["4485-9"]
    assert "2160-0" in [c.code for c in ls.analyte_spec("creatinine").loinc]
    assert "2890-2" in [c.code for c in ls.analyte_spec("upcr").loinc]


def test_docs_list_every_analyte() -> None:
    """docs/units.md names every analyte (docs stay in sync with the data)."""
    text = (Path(__file__).parents[1] / "docs" / "units.md").read_text("utf-8")
    for analyte in Analyte:
        assert f"`{analyte.value}`" in text, analyte


def test_unknown_family_is_a_unit_error() -> None:
    """Asking an analyte for a family it does not have raises UnitError."""
    with pytest.raises(ls.UnitError, match="no such unit family"):
        ls.analyte_spec("c3").family("titre")
