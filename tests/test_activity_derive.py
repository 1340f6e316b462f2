"""Lab-derived SLEDAI-2K descriptors and the visit-level score."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import InvalidValueError, LabResult, Visit, convert
from lupusscore.activity import (
    FEVER_CELSIUS,
    HEMATURIA_RBC_PER_HPF,
    LEUKOPENIA_10E9_L,
    PROTEINURIA_G_PER_DAY,
    PROTEINURIA_UPCR_G_G,
    PYURIA_WBC_PER_HPF,
    THROMBOCYTOPENIA_10E9_L,
    DescriptorSource,
    lab_descriptors,
    sledai_2k_visit,
)
from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES

DAY = dt.date(2024, 3, 1)
LAB_NAMES = {
    "proteinuria",
    "hematuria",
    "pyuria",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
}
CLINICAL_ABSENT = {n: False for n in SLEDAI_2K_DESCRIPTOR_NAMES if n not in LAB_NAMES}


def lab(
    analyte: str, value: float, unit: str, day: dt.date = DAY, **kw: Any
) -> LabResult:
    return LabResult(analyte=analyte, value=value, unit=unit, date=day, **kw)


def visit(*labs: LabResult, day: dt.date = DAY, **kw: Any) -> Visit:
    return Visit(participant_id="P1", date=day, labs=labs, **kw)


def descriptor(v: Visit, name: str, **kw: Any) -> bool | None:
    return sledai_2k_visit(v, **kw).descriptor(name).present


# --- thresholds: constants and edges -------------------------------------------


def test_threshold_constants_match_reference() -> None:
    """Thresholds equal REFERENCE.md section 1.2 (Gladman 2002)."""
    assert PROTEINURIA_G_PER_DAY == 0.5
    assert PROTEINURIA_UPCR_G_G == 0.5
    assert HEMATURIA_RBC_PER_HPF == 5
    assert PYURIA_WBC_PER_HPF == 5
    assert THROMBOCYTOPENIA_10E9_L == 100
    assert LEUKOPENIA_10E9_L == 3
    assert FEVER_CELSIUS == 38


EDGES = [
    # (descriptor, analyte, unit, below, at, above, present below/at/above)
    ("proteinuria", "protein_24h", "g/day", 0.49, 0.5, 0.51, (False, False, True)),
    ("proteinuria", "upcr", "g/g", 0.49, 0.5, 0.51, (False, False, True)),
    ("hematuria", "urine_rbc", "/hpf", 4, 5, 6, (False, False, True)),
    ("pyuria", "urine_wbc", "/hpf", 4, 5, 6, (False, False, True)),
    ("fever", "body_temperature", "°C", 37.9, 38.0, 38.1, (False, False, True)),
    ("thrombocytopenia", "platelets", "10^9/L", 99, 100, 101, (True, False, False)),
    ("leukopenia", "wbc", "10^9/L", 2.9, 3.0, 3.1, (True, False, False)),
]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: f"{e[0]}-{e[1]}")
def test_threshold_edges(edge: tuple[Any, ...]) -> None:
    """Just below, at and just above each threshold (strict comparisons)."""
    name, analyte, unit, *values, expected = edge
    got = tuple(descriptor(visit(lab(analyte, x, unit)), name) for x in values)
    assert got == expected


def test_kernel_matches_edges_and_nan() -> None:
    """The array kernel gives 1/0/NaN with NaN meaning no result."""
    out = lab_descriptors(platelets_10e9_l=[99.0, 100.0, np.nan], missing="propagate")
    assert out["thrombocytopenia"][:2].tolist() == [1.0, 0.0]
    assert math.isnan(out["thrombocytopenia"][2])
    assert math.isnan(float(out["fever"][0]))


def test_kernel_rejects_negative_and_infinite() -> None:
    """Negative counts and infinities are invalid, NaN is missing."""
    with pytest.raises(InvalidValueError, match="platelets_10e9_l"):
        lab_descriptors(platelets_10e9_l=-1.0)
    with pytest.raises(InvalidValueError, match="temperature_c"):
        lab_descriptors(temperature_c=math.inf)


# --- unit invariance ---------------------------------------------------------------


@given(st.floats(min_value=1.0, max_value=500.0).map(lambda x: round(x, 1)))
def test_platelets_unit_invariant(count: float) -> None:
    """The same platelet count in 10^9/L and per mm3 gives the same descriptor."""
    per_mm3 = convert(count, "10^9/L", "/mm3")
    a = descriptor(visit(lab("platelets", count, "10^9/L")), "thrombocytopenia")
    b = descriptor(visit(lab("platelets", per_mm3, "/mm3")), "thrombocytopenia")
    assert a == b


@given(st.floats(min_value=0.1, max_value=20.0).map(lambda x: round(x, 2)))
def test_wbc_unit_invariant(count: float) -> None:
    """The same white-cell count in 10^9/L and per µL gives the same descriptor."""
    per_ul = convert(count, "10^9/L", "/uL")
    a = descriptor(visit(lab("wbc", count, "10^9/L")), "leukopenia")
    b = descriptor(visit(lab("wbc", per_ul, "/uL")), "leukopenia")
    assert a == b


@given(st.floats(min_value=35.0, max_value=41.0).map(lambda x: round(x, 1)))
def test_temperature_unit_invariant(celsius: float) -> None:
    """The same temperature in °C and °F gives the same fever descriptor."""
    fahrenheit = convert(celsius, "°C", "°F")
    a = descriptor(visit(lab("body_temperature", celsius, "°C")), "fever")
    b = descriptor(visit(lab("body_temperature", fahrenheit, "°F")), "fever")
    assert a == b


@given(st.floats(min_value=0.0, max_value=5.0).map(lambda x: round(x, 2)))
def test_proteinuria_unit_invariant(g_day: float) -> None:
    """24-h protein in g/day and mg/day, UPCR in g/g and mg/mmol agree."""
    mg_day = convert(g_day, "g/day", "mg/day")
    mg_mmol = convert(g_day, "g/g", "mg/mmol", analyte="upcr")
    assert descriptor(visit(lab("protein_24h", g_day, "g/day")), "proteinuria") == (
        descriptor(visit(lab("protein_24h", mg_day, "mg/day")), "proteinuria")
    )
    assert descriptor(visit(lab("upcr", g_day, "g/g")), "proteinuria") == (
        descriptor(visit(lab("upcr", mg_mmol, "mg/mmol")), "proteinuria")
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("platelets", 100, "10^9/L"), ("platelets", 100000, "/mm3")),
        (("body_temperature", 38, "°C"), ("body_temperature", 100.4, "°F")),
        (("wbc", 3, "10^9/L"), ("wbc", 3000, "/uL")),
        (("upcr", 0.5, "g/g"), ("upcr", 500, "mg/g")),
    ],
    ids=["platelets", "temperature", "wbc", "upcr"],
)
def test_exact_threshold_in_other_unit(
    a: tuple[str, float, str], b: tuple[str, float, str]
) -> None:
    """A value exactly on the threshold in another unit is not moved across it."""
    ra = sledai_2k_visit(visit(lab(*a)))
    rb = sledai_2k_visit(visit(lab(*b)))
    assert ra.score == rb.score == 0


def test_complement_unit_invariant() -> None:
    """C3 and its lab range in mg/dL or g/L give the same descriptor."""
    g = lab("c3", 0.8, "g/L", reference_low=0.9, reference_high=1.8)
    mg = lab("c3", 80, "mg/dL", reference_low=90, reference_high=180)
    assert descriptor(visit(g), "low_complement") is True
    assert descriptor(visit(mg), "low_complement") is True


# --- window and history ------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "window", "expected"),
    [
        (0, None, True),
        (10, None, True),
        (11, None, None),
        (30, 30, True),
        (31, 30, None),
    ],
)
def test_look_back_window(
    days_before: int, window: int | None, expected: bool | None
) -> None:
    """Labs count from visit day minus window_days through the visit day."""
    early = lab("platelets", 50, "10^9/L", DAY - dt.timedelta(days=days_before))
    past = visit(early, day=DAY - dt.timedelta(days=days_before))
    assert descriptor(visit(), "thrombocytopenia", window_days=window) is None
    got = sledai_2k_visit(visit(), [past], window_days=window)
    assert got.descriptor("thrombocytopenia").present is expected
    assert got.window_days == (window or 10)


def test_thirty_day_variant_sets_window() -> None:
    """The 30-day variant looks back 30 days by default."""
    past = visit(
        lab("wbc", 2, "10^9/L", DAY - dt.timedelta(days=25)),
        day=DAY - dt.timedelta(days=25),
    )
    r = sledai_2k_visit(visit(), [past], variant="sledai-2k-30d")
    assert r.window_days == 30
    assert r.descriptor("leukopenia").present is True


def test_labs_after_visit_not_used() -> None:
    """A result dated after the visit is not part of its window."""
    later = lab("platelets", 50, "10^9/L", DAY + dt.timedelta(days=1))
    assert descriptor(visit(later), "thrombocytopenia") is None


def test_any_abnormal_result_in_window_counts() -> None:
    """The worst result in the window decides (lowest platelets here)."""
    old = visit(
        lab("platelets", 80, "10^9/L", DAY - dt.timedelta(days=5)),
        day=DAY - dt.timedelta(days=5),
    )
    r = sledai_2k_visit(visit(lab("platelets", 150, "10^9/L")), [old])
    d = r.descriptor("thrombocytopenia")
    assert d.present is True
    assert d.evidence[0].observed == 80


def test_history_exclusion_drops_that_visits_labs() -> None:
    """Pyuria explained by infection at an earlier visit is not carried forward."""
    old_day = DAY - dt.timedelta(days=3)
    old = visit(
        lab("urine_wbc", 20, "/hpf", old_day),
        day=old_day,
        exclusions={"pyuria": "urinary tract infection"},
    )
    r = sledai_2k_visit(visit(lab("urine_wbc", 2, "/hpf")), [old])
    assert r.descriptor("pyuria").present is False


def test_history_of_other_participant_is_an_error() -> None:
    """History visits must belong to the same participant."""
    other = Visit(participant_id="P2", date=DAY - dt.timedelta(days=1))
    with pytest.raises(InvalidValueError, match="history"):
        sledai_2k_visit(visit(), [other])


# --- merging sources -------------------------------------------------------------


def test_sources_are_recorded() -> None:
    """Each descriptor says whether it came from clinician, lab, exclusion or none."""
    v = visit(
        lab("platelets", 90, "10^9/L"),
        lab("urine_wbc", 12, "/hpf"),
        descriptors={"rash": True},
        exclusions={"pyuria": "urinary tract infection"},
    )
    r = sledai_2k_visit(v)
    assert r.descriptor("thrombocytopenia").source is DescriptorSource.LAB
    assert r.descriptor("rash").source is DescriptorSource.CLINICIAN
    assert r.descriptor("pyuria").source is DescriptorSource.EXCLUDED
    assert r.descriptor("seizure").source is DescriptorSource.NOT_ASSESSED
    assert r.score == 3
    assert not r.complete


def test_clinician_value_wins_and_conflict_is_noted() -> None:
    """A clinician-entered False stands over an abnormal lab, with a note."""
    v = visit(lab("body_temperature", 38.6, "°C"), descriptors={"fever": False})
    d = sledai_2k_visit(v).descriptor("fever")
    assert d.present is False
    assert d.source is DescriptorSource.CLINICIAN
    assert d.reason is not None
    assert "differs" in d.reason


def test_full_visit_is_complete() -> None:
    """Clinician items plus all eight lab descriptors give a complete score."""
    v = visit(
        lab("protein_24h", 1.1, "g/day"),
        lab("urine_rbc", 12, "/hpf"),
        lab("urine_wbc", 1, "/hpf"),
        lab("c3", 0.7, "g/L", reference_low=0.9, reference_high=1.8),
        lab("anti_dsdna", 80, "IU/mL", reference_high=10),
        lab("body_temperature", 36.8, "°C"),
        lab("platelets", 210, "10^9/L"),
        lab("wbc", 5.2, "10^9/L"),
        descriptors=CLINICAL_ABSENT | {"urinary_casts": True},
    )
    r = sledai_2k_visit(v)
    assert r.complete
    # casts 4 + hematuria 4 + proteinuria 4 + low complement 2 + DNA binding 2
    assert r.score == 16
    assert r.exact_score == 16


def test_not_derivable_is_not_assessed() -> None:
    """Without clinician entry or lab, a lab descriptor is not assessed."""
    r = sledai_2k_visit(visit(descriptors=CLINICAL_ABSENT))
    assert set(r.not_assessed) == LAB_NAMES
    assert r.upper_bound == 4 + 4 + 4 + 4 + 2 + 2 + 1 + 1 + 1 - 4  # no casts: 19


# --- proteinuria: 24 h vs UPCR ----------------------------------------------------


def test_24h_protein_decides_over_upcr() -> None:
    """A 24-h result in the window decides; the UPCR is then only evidence."""
    v = visit(lab("protein_24h", 0.4, "g/day"), lab("upcr", 0.9, "g/g"))
    d = sledai_2k_visit(v).descriptor("proteinuria")
    assert d.present is False
    assert len(d.evidence) == 2


def test_upcr_can_be_switched_off() -> None:
    """use_upcr=False leaves proteinuria not assessed when only a UPCR exists."""
    v = visit(lab("upcr", 0.9, "g/g"))
    assert descriptor(v, "proteinuria") is True
    assert descriptor(v, "proteinuria", use_upcr=False) is None


# --- serology via lupusscore.serology ---------------------------------------------


def test_low_complement_any_of_c3_c4_ch50() -> None:
    """Any of C3, C4 or CH50 below the lab's lower limit is low complement."""
    v = visit(
        lab("c3", 1.0, "g/L", reference_low=0.9),
        lab("ch50", 20, "U/mL", reference_low=30),
    )
    assert descriptor(v, "low_complement") is True
    ok = visit(
        lab("c3", 1.0, "g/L", reference_low=0.9),
        lab("c4", 0.2, "g/L", reference_low=0.1),
    )
    assert descriptor(ok, "low_complement") is False


def test_complement_without_lab_range_is_not_assessed_by_default() -> None:
    """SLEDAI asks for the testing lab's limit; without one it is not assessed."""
    v = visit(lab("c3", 0.7, "g/L"))
    assert descriptor(v, "low_complement") is None
    assert descriptor(v, "low_complement", use_default_complement_limits=True) is True


def test_dna_binding_above_lab_range() -> None:
    """Anti-dsDNA above the lab's upper limit is increased DNA binding."""
    assert (
        descriptor(
            visit(lab("anti_dsdna", 12, "IU/mL", reference_high=10)),
            "increased_dna_binding",
        )
        is True
    )
    assert (
        descriptor(
            visit(lab("anti_dsdna", 8, "IU/mL", reference_high=10)),
            "increased_dna_binding",
        )
        is False
    )


def test_farr_percent_counts_only_in_original_and_selena() -> None:
    """Farr > 25% binding counts for original/SELENA, not for SLEDAI-2K."""
    v = visit(lab("anti_dsdna", 31, "%"))
    assert descriptor(v, "increased_dna_binding") is None
    assert descriptor(v, "increased_dna_binding", variant="sledai") is True
    assert descriptor(v, "increased_dna_binding", variant="selena-sledai") is True
    low = visit(lab("anti_dsdna", 25, "%"))
    assert descriptor(low, "increased_dna_binding", variant="sledai") is None


def test_clinical_variant_ignores_serology_in_score() -> None:
    """Clinical SLEDAI derives serology but does not score it."""
    v = visit(
        lab("anti_dsdna", 80, "IU/mL", reference_high=10), descriptors=CLINICAL_ABSENT
    )
    r = sledai_2k_visit(v, variant="clinical-sledai-2k")
    d = r.descriptor("increased_dna_binding")
    assert d.present is True
    assert d.contribution == 0
    assert not d.scored
