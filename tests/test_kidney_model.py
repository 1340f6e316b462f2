"""Model-level eGFR and proteinuria: inputs from Patient and Visit, explained."""

from __future__ import annotations

import datetime as dt

import pydantic
import pytest

import lupusscore
from lupusscore import LabResult, Patient, Specimen, Visit
from lupusscore.errors import (
    DefinitionError,
    InvalidValueError,
    NotEvaluableError,
    OutsideValidatedRangeWarning,
    UnitError,
)
from lupusscore.kidney import (
    EGFR_EQUATIONS,
    EgfrEquation,
    EgfrResult,
    ProteinuriaResult,
    egfr,
    egfr_ckd_epi_2021,
    egfr_ckid_u25_cr,
    protein_24h_g_day,
    proteinuria,
    upcr_g_g,
)

DAY = dt.date(2009, 5, 1)
ADULT = Patient(
    id="P01", sex="male", birth_date="1949-05-01", height_cm=175, black=False
)
CHILD = Patient(id="P02", sex="male", birth_date="1999-05-01", height_cm=120)


def _lab(
    analyte: str, value: float, unit: str, day: dt.date = DAY, **kw: object
) -> LabResult:
    return LabResult(analyte=analyte, value=value, unit=unit, date=day, **kw)


def _visit(*labs: LabResult, pid: str = "P01") -> Visit:
    return Visit(participant_id=pid, date=DAY, labs=labs)


def test_top_level_exports() -> None:
    """egfr and EgfrResult are importable from lupusscore itself."""
    assert lupusscore.egfr is egfr
    assert lupusscore.EgfrResult is EgfrResult
    assert lupusscore.proteinuria is proteinuria
    assert lupusscore.ProteinuriaResult is ProteinuriaResult


def test_published_umol_example_at_model_level() -> None:
    """Man, 60, creatinine 103 µmol/L, CKD-EPI 2009: 67.7 (kidney.epi vignette)."""
    r = egfr(ADULT, _visit(_lab("creatinine", 103, "µmol/L")), "ckd-epi-2009")
    assert r.value == pytest.approx(67.7, abs=0.05)
    assert r.equation == "ckd-epi-2009"
    assert r.unit == "mL/min/1.73m2"
    assert r.inputs["creatinine_mg_dl"] == pytest.approx(103 / 88.4, rel=1e-4)
    assert r.inputs["age_years"] == pytest.approx(60.0, abs=0.01)
    assert r.black is False
    assert r.evaluable
    assert r.reason is None


def test_default_equation_is_ckd_epi_2021_and_matches_kernel() -> None:
    """The default equation is CKD-EPI 2021; the value equals the kernel's."""
    r = egfr(ADULT, _visit(_lab("creatinine", 1.4, "mg/dL")))
    assert r.equation == "ckd-epi-2021"
    assert r.value == egfr_ckd_epi_2021(1.4, r.inputs["age_years"], female=False)
    assert r.black is None  # race is not used, so not recorded
    assert r.source.startswith("Inker")


@pytest.mark.parametrize("equation", [e.value for e in EgfrEquation])
def test_every_equation_id_is_evaluable_with_complete_inputs(equation: str) -> None:
    """Each equation id gives a number when creatinine, cystatin C and height exist."""
    labs = (_lab("creatinine", 0.9, "mg/dL"), _lab("cystatin_c", 1.0, "mg/L"))
    patient = CHILD if ("ckid" in equation or "schwartz" in equation) else ADULT
    r = egfr(patient, _visit(*labs, pid=patient.id), equation)
    assert r.evaluable
    assert r.value is not None
    assert r.value > 0
    assert equation in EGFR_EQUATIONS


def test_contract_equation_ids() -> None:
    """The eleven equation ids of the contract are all accepted."""
    ids = {
        "ckd-epi-2009", "ckd-epi-2021", "ckd-epi-2012-cys", "ckd-epi-2012-cr-cys",
        "ckd-epi-2021-cr-cys", "mdrd", "ekfc-cr", "ekfc-cys", "schwartz-bedside",
        "ckid-u25-cr", "ckid-u25-cys",
    }  # fmt: skip
    assert ids <= set(EGFR_EQUATIONS)


def test_unknown_equation_raises_definition_error() -> None:
    """An unknown equation id is a DefinitionError naming the id and the options."""
    with pytest.raises(DefinitionError, match=r"ckd-epi-2022.*ckd-epi-2021"):
        egfr(ADULT, _visit(_lab("creatinine", 1.0, "mg/dL")), "ckd-epi-2022")


def test_missing_creatinine_is_not_evaluable() -> None:
    """No creatinine: value None with the reason, never a number."""
    r = egfr(ADULT, _visit(_lab("cystatin_c", 1.0, "mg/L")))
    assert not r.evaluable
    assert r.value is None
    assert r.reason == f"no creatinine result in the visit of {DAY}"
    with pytest.raises(NotEvaluableError, match="not evaluable"):
        r.require()


def test_missing_cystatin_for_combined_equation() -> None:
    """A creatinine-cystatin C equation without cystatin C is not evaluable."""
    r = egfr(ADULT, _visit(_lab("creatinine", 1.0, "mg/dL")), "ckd-epi-2021-cr-cys")
    assert r.value is None
    assert "cystatin_c" in (r.reason or "")
    assert r.inputs["creatinine_mg_dl"] == 1.0  # what was found is still reported


def test_missing_height_for_paediatric_equations() -> None:
    """Schwartz and CKiD U25 creatinine need height; without it: not evaluable."""
    child = Patient(id="P02", sex="female", birth_date="1999-05-01")
    visit = _visit(_lab("creatinine", 0.6, "mg/dL"), pid="P02")
    for equation in ("schwartz-bedside", "ckid-u25-cr"):
        r = egfr(child, visit, equation)
        assert r.value is None
        assert "height_cm" in (r.reason or "")


def test_race_based_equation_without_race_is_not_evaluable() -> None:
    """A race-based equation never assumes 'not Black' when race is not recorded."""
    p = Patient(id="P01", sex="female", birth_date="1960-01-01")
    visit = _visit(_lab("creatinine", 1.0, "mg/dL"), _lab("cystatin_c", 1.0, "mg/L"))
    for equation in ("ckd-epi-2009", "ckd-epi-2012-cr-cys", "mdrd"):
        r = egfr(p, visit, equation)
        assert r.value is None
        assert "black" in (r.reason or "")
    assert egfr(p, visit, "ckd-epi-2021").evaluable


def test_several_missing_inputs_are_all_reported() -> None:
    """All missing inputs are listed in the reason."""
    p = Patient(id="P02", sex="female", birth_date="1999-05-01")
    r = egfr(p, _visit(pid="P02"), "ckid-u25-cr")
    assert r.reason is not None
    assert "creatinine" in r.reason
    assert "height_cm" in r.reason


def test_latest_creatinine_is_used() -> None:
    """When a visit has two creatinine results, the later one is used."""
    early = _lab("creatinine", 2.0, "mg/dL", dt.datetime(2009, 5, 1, 8, 0))
    late = _lab("creatinine", 1.0, "mg/dL", dt.datetime(2009, 5, 1, 16, 0))
    r = egfr(ADULT, _visit(late, early))
    assert r.inputs["creatinine_mg_dl"] == 1.0


def test_paediatric_model_level_uses_height_in_metres() -> None:
    """CKiD U25 at model level converts height_cm to metres for the kernel."""
    r = egfr(CHILD, _visit(_lab("creatinine", 0.9, "mg/dL"), pid="P02"), "ckid-u25-cr")
    age = r.inputs["age_years"]
    assert r.value == pytest.approx(egfr_ckid_u25_cr(0.9, 1.20, age, female=False))
    assert r.inputs["height_cm"] == 120


def test_age_outside_range_warns_and_is_noted() -> None:
    """A child with an adult equation: warning, value returned, note recorded."""
    visit = _visit(_lab("creatinine", 0.6, "mg/dL"), pid="P02")
    with pytest.warns(OutsideValidatedRangeWarning, match="CKD-EPI 2021"):
        r = egfr(CHILD, visit)
    assert r.value is not None
    assert len(r.notes) == 1
    assert "validated for ages >= 18" in r.notes[0]
    with pytest.raises(InvalidValueError, match="strict=True"):
        egfr(CHILD, visit, strict=True)


def test_result_is_frozen_and_round_trips_json() -> None:
    """EgfrResult is immutable and survives a JSON round trip."""
    r = egfr(ADULT, _visit(_lab("creatinine", 1.4, "mg/dL")))
    with pytest.raises(pydantic.ValidationError):
        r.value = 3.0  # type: ignore[misc]
    assert EgfrResult.model_validate_json(r.model_dump_json()) == r


# ------------------------------------------------------------------ proteinuria


@pytest.mark.parametrize(
    ("value", "unit", "g_g"),
    [
        (0.5, "mg/mg", 0.5),
        (0.5, "g/g", 0.5),
        (500, "mg/g", 0.5),
        (113.12, "mg/mmol", 1.0),
        (0.11312, "g/mmol", 1.0),
        (500, "mg/g{creat}", 0.5),
    ],
)
def test_upcr_units_normalise_to_g_g(value: float, unit: str, g_g: float) -> None:
    """UPCR in every accepted unit becomes g/g (1 g/g = 113.12 mg/mmol)."""
    assert upcr_g_g(value, unit) == pytest.approx(g_g, rel=1e-12)


@pytest.mark.parametrize(
    ("value", "unit", "g_day"),
    [
        (1.2, "g/day", 1.2),
        (1200, "mg/day", 1.2),
        (1200, "mg/24h", 1.2),
        (1.2, "g/24h", 1.2),
    ],
)
def test_protein_24h_units_normalise_to_g_day(
    value: float, unit: str, g_day: float
) -> None:
    """24-hour protein in g/day or mg/day becomes g/day."""
    assert protein_24h_g_day(value, unit) == pytest.approx(g_day, rel=1e-12)


def test_upcr_rejects_wrong_unit_and_negative() -> None:
    """A concentration unit is not a UPCR; a negative ratio is invalid."""
    with pytest.raises(UnitError):
        upcr_g_g(1.0, "mg/dL")
    with pytest.raises(InvalidValueError):
        upcr_g_g(-0.1, "g/g")


def test_proteinuria_keeps_specimen_and_source() -> None:
    """The visit's UPCR is normalised and its specimen and source lab are kept."""
    lab = _lab("upcr", 250, "mg/mmol", specimen="urine_24h")
    r = proteinuria(_visit(lab))
    assert r.value_g_g == pytest.approx(250 / 113.12, rel=1e-9)
    assert r.upcr_specimen is Specimen.URINE_24H
    assert r.specimen is Specimen.URINE_24H
    assert r.upcr_lab == lab
    assert r.value_g_day is None
    assert r.evaluable


def test_proteinuria_24h_protein_only() -> None:
    """Only a 24-h protein: value_g_day set, specimen is the 24-h collection."""
    r = proteinuria(_visit(_lab("protein_24h", 800, "mg/day")))
    assert r.value_g_g is None
    assert r.value_g_day == pytest.approx(0.8)
    assert r.specimen is Specimen.URINE_24H


def test_proteinuria_specimen_filter() -> None:
    """specimen= picks that specimen's UPCR; an unrecorded specimen never matches."""
    day_24h = _lab("upcr", 1.0, "g/g", dt.datetime(2009, 5, 1, 8), specimen="urine_24h")
    spot = _lab("upcr", 2.0, "g/g", dt.datetime(2009, 5, 1, 9), specimen="spot_urine")
    unknown = _lab("upcr", 3.0, "g/g", dt.datetime(2009, 5, 1, 10))
    visit = _visit(day_24h, spot, unknown)
    assert proteinuria(visit).value_g_g == 3.0
    assert proteinuria(visit).upcr_specimen is None
    assert proteinuria(visit, specimen="urine_24h").value_g_g == 1.0
    assert proteinuria(visit, specimen=Specimen.SPOT_URINE).value_g_g == 2.0
    r = proteinuria(visit, specimen="first_morning_urine")
    assert not r.evaluable
    assert "first_morning_urine" in (r.reason or "")


def test_proteinuria_missing_is_not_evaluable() -> None:
    """No UPCR and no 24-h protein: not evaluable with the reason."""
    r = proteinuria(_visit(_lab("creatinine", 1.0, "mg/dL")))
    assert not r.evaluable
    assert r.specimen is None
    assert r.reason is not None
    assert "UPCR" in r.reason


def test_ekfc_boundary_age_is_flagged_provisional() -> None:
    """EKFC creatinine at 25.x years carries a provisional note on the Q boundary."""
    import datetime as dt

    import lupusscore as ls

    p = ls.Patient(id="P", sex="male", birth_date="2000-01-01")
    lab = ls.LabResult(analyte="creatinine", value=1.0, unit="mg/dL", date="2025-06-01")
    v = ls.Visit(participant_id="P", date=dt.date(2025, 6, 1), labs=[lab])
    res = ls.egfr(p, v, "ekfc-cr")
    assert res.value is not None
    assert any("provisional" in n for n in res.notes)
    older = ls.Visit(
        participant_id="P",
        date=dt.date(2030, 6, 1),
        labs=[
            ls.LabResult(
                analyte="creatinine", value=1.0, unit="mg/dL", date="2030-06-01"
            )
        ],
    )
    assert not any("provisional" in n for n in ls.egfr(p, older, "ekfc-cr").notes)
