"""SRI-4..8, LLDAS and DORIS remission: explained, tri-state results."""

from __future__ import annotations

from typing import Any

import pytest

from lupusscore import DefinitionError, InvalidValueError, Status
from lupusscore.activity import (
    LLDAS_MAJOR_ORGAN_DESCRIPTORS,
    SledaiResult,
    doris_2017_clinical_remission_on_treatment,
    doris_2017_complete_remission,
    doris_remission,
    lldas,
    sledai_2k,
    sri,
)
from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.results import Criterion

ABSENT: dict[str, bool | None] = dict.fromkeys(SLEDAI_2K_DESCRIPTOR_NAMES, False)
SRI_OK: dict[str, Any] = {
    "new_bilag_a": 0,
    "new_bilag_b": 1,
    "baseline_pga": 1.0,
    "followup_pga": 1.2,
}


def s2k(**present: bool | None) -> SledaiResult:
    return sledai_2k(ABSENT | present)


# --- SRI ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "followup", "threshold", "expected"),
    [
        (10, 6, 4, Status.MET),
        (10, 7, 4, Status.NOT_MET),
        (10, 5, 5, Status.MET),
        (10, 6, 5, Status.NOT_MET),
        (8, 0, 8, Status.MET),
        (7, 0, 8, Status.NOT_MET),
    ],
)
def test_sri_reduction_edges(
    baseline: int, followup: int, threshold: int, expected: Status
) -> None:
    """SRI-k needs a reduction of at least k (at k: met; k - 1: not met)."""
    r = sri(baseline, followup, threshold=threshold, **SRI_OK)
    assert r.status is expected
    assert r.definition == f"sri-{threshold}"


def test_sri_baseline_below_threshold_cannot_respond() -> None:
    """A baseline below the threshold fails the baseline criterion explicitly."""
    r = sri(3, 0, **SRI_OK)
    assert r.criterion("baseline_sledai").status is Status.NOT_MET
    assert r.status is Status.NOT_MET


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"new_bilag_a": 1}, Status.NOT_MET),
        ({"new_bilag_b": 2}, Status.NOT_MET),
        ({"new_bilag_b": 1}, Status.MET),
        ({"baseline_pga": 1.0, "followup_pga": 1.3}, Status.NOT_MET),
        ({"baseline_pga": 2.7, "followup_pga": 3.0}, Status.NOT_MET),
        ({"baseline_pga": 0.2, "followup_pga": 0.5}, Status.NOT_MET),
        ({"baseline_pga": 1.0, "followup_pga": 1.29}, Status.MET),
        ({"new_bilag_a": None}, Status.NOT_EVALUABLE),
        ({"followup_pga": None}, Status.NOT_EVALUABLE),
    ],
)
def test_sri_bilag_and_pga(change: dict[str, Any], expected: Status) -> None:
    """No new BILAG A, <= 1 new B, PGA increase < 0.3 (0.3 exactly fails)."""
    assert sri(12, 4, **(SRI_OK | change)).status is expected


def test_sri_missing_input_is_not_evaluable_not_failure() -> None:
    """Missing SLEDAI gives not evaluable, naming what is missing."""
    r = sri(None, 4, **SRI_OK)
    assert r.status is Status.NOT_EVALUABLE
    assert "sledai_reduction" in r.not_evaluable


def test_sri_definite_failure_beats_missing() -> None:
    """Kleene AND: a definite failure makes the SRI not met despite gaps."""
    r = sri(10, 9, new_bilag_a=None)
    assert r.status is Status.NOT_MET


def test_sri_uses_bounds_of_incomplete_scores() -> None:
    """Incomplete SLEDAIs are used through their bounds."""
    base = sledai_2k(
        ABSENT | {"seizure": True, "arthritis": True, "fever": None},
        variant="selena-sledai",
    )
    follow = sledai_2k(ABSENT | {"fever": None}, variant="selena-sledai")
    # baseline 12..13, follow-up 0..1: reduction 11..13 >= 4 whatever fever is
    assert sri(base, follow, **SRI_OK).status is Status.MET
    follow2 = sledai_2k(
        ABSENT | {"seizure": True, "arthritis": None}, variant="selena-sledai"
    )
    # baseline 12..13, follow-up 8..12: reduction 0..5, undecided
    assert sri(base, follow2, **SRI_OK).status is Status.NOT_EVALUABLE


def test_sri_variant_must_match() -> None:
    """A SLEDAI-2K result is rejected when SELENA-SLEDAI is asked for."""
    with pytest.raises(DefinitionError, match="selena-sledai"):
        sri(s2k(seizure=True), s2k(), **SRI_OK)
    r = sri(s2k(seizure=True), s2k(), variant="sledai-2k", **SRI_OK)
    assert r.status is Status.MET


@pytest.mark.parametrize("threshold", [3, 9, True])
def test_sri_threshold_range(threshold: object) -> None:
    """Only SRI-4 to SRI-8 exist."""
    with pytest.raises(DefinitionError, match="threshold"):
        sri(10, 0, threshold=threshold, **SRI_OK)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad",
    [{"baseline_pga": 4.0}, {"new_bilag_a": -1}, {"new_bilag_b": 1.5}],
    ids=["pga", "bilag-a", "bilag-b"],
)
def test_sri_bad_input_raises(bad: dict[str, Any]) -> None:
    """Out-of-range PGA or counts are errors, not failures."""
    with pytest.raises(InvalidValueError):
        sri(10, 0, **(SRI_OK | bad))


def test_sri_score_out_of_range_raises() -> None:
    """An integer SLEDAI above the variant maximum is an error."""
    with pytest.raises(InvalidValueError, match="baseline"):
        sri(106, 0, **SRI_OK)


# --- LLDAS --------------------------------------------------------------------------

LLDAS_OK: dict[str, Any] = {
    "pga": 1.0,
    "glucocorticoid_mg_day": 7.5,
    "new_features": False,
    "hemolytic_anemia": False,
    "gastrointestinal_activity": False,
    "standard_maintenance_therapy": True,
}


def test_lldas_met_at_edges() -> None:
    """SLEDAI-2K 4 (arthritis), PGA 1 and 7.5 mg/day are all at the edge: met."""
    r = lldas(s2k(arthritis=True), **LLDAS_OK)
    assert r.status is Status.MET
    assert [c.status for c in r.criteria] == [Status.MET] * len(r.criteria)


@pytest.mark.parametrize(
    ("sledai", "change"),
    [
        ({"arthritis": True, "rash": True}, {}),
        ({"fever": True}, {}),
        ({"pleurisy": True}, {}),
        ({}, {"pga": 1.01}),
        ({}, {"glucocorticoid_mg_day": 7.6}),
        ({}, {"new_features": True}),
        ({}, {"hemolytic_anemia": True}),
        ({}, {"gastrointestinal_activity": True}),
        ({}, {"standard_maintenance_therapy": False}),
    ],
    ids=[
        "sledai-6",
        "fever",
        "pleurisy",
        "pga",
        "steroid",
        "new",
        "haemolysis",
        "gi",
        "therapy",
    ],
)
def test_lldas_each_criterion_can_fail(
    sledai: dict[str, bool], change: dict[str, Any]
) -> None:
    """Each LLDAS component on its own makes the state not met."""
    assert lldas(s2k(**sledai), **(LLDAS_OK | change)).status is Status.NOT_MET


def test_lldas_major_organ_list() -> None:
    """Major organs: CNS, vasculitis, renal, pleurisy, pericarditis, fever."""
    assert set(LLDAS_MAJOR_ORGAN_DESCRIPTORS) == {
        "seizure",
        "psychosis",
        "organic_brain_syndrome",
        "visual_disturbance",
        "cranial_nerve_disorder",
        "lupus_headache",
        "cva",
        "vasculitis",
        "urinary_casts",
        "hematuria",
        "proteinuria",
        "pyuria",
        "pleurisy",
        "pericarditis",
        "fever",
    }


def test_lldas_serology_allowed_up_to_4() -> None:
    """Serological activity alone (4 points) is compatible with LLDAS."""
    r = lldas(s2k(low_complement=True, increased_dna_binding=True), **LLDAS_OK)
    assert r.status is Status.MET


def test_lldas_missing_inputs_not_evaluable() -> None:
    """Missing caller inputs leave LLDAS not evaluable, with names."""
    r = lldas(s2k(), pga=0.5, glucocorticoid_mg_day=5)
    assert r.status is Status.NOT_EVALUABLE
    assert set(r.not_evaluable) == {
        "no_hemolytic_anemia",
        "no_gastrointestinal_activity",
        "no_new_features",
        "standard_maintenance_therapy",
    }
    assert lldas(None, **LLDAS_OK).status is Status.NOT_EVALUABLE


def test_lldas_incomplete_sledai() -> None:
    """An unassessed major-organ descriptor leaves LLDAS undecided."""
    r = lldas(s2k(proteinuria=None), **LLDAS_OK)
    assert r.status is Status.NOT_EVALUABLE
    assert r.criterion("no_major_organ_activity").status is Status.NOT_EVALUABLE


def test_lldas_requires_sledai_2k() -> None:
    """LLDAS is defined on SLEDAI-2K, not SELENA or clinical SLEDAI."""
    with pytest.raises(DefinitionError, match="lldas"):
        lldas(sledai_2k(ABSENT, variant="selena-sledai"), **LLDAS_OK)
    with pytest.raises(DefinitionError, match="lldas"):
        lldas(sledai_2k(ABSENT, variant="clinical-sledai-2k"), **LLDAS_OK)


# --- DORIS --------------------------------------------------------------------------

DORIS_OK: dict[str, Any] = {
    "pga": 0.4,
    "glucocorticoid_mg_day": 5.0,
    "stable_maintenance_therapy": True,
}


@pytest.mark.parametrize(
    ("change", "comparator", "expected"),
    [
        ({}, "<=", Status.MET),
        ({}, "<", Status.NOT_MET),
        ({"glucocorticoid_mg_day": 4.9}, "<", Status.MET),
        ({"glucocorticoid_mg_day": 5.1}, "<=", Status.NOT_MET),
        ({"pga": 0.5}, "<=", Status.NOT_MET),
        ({"pga": 0.49}, "<=", Status.MET),
        ({"stable_maintenance_therapy": None}, "<=", Status.NOT_EVALUABLE),
    ],
)
def test_doris_2021_edges(
    change: dict[str, Any], comparator: str, expected: Status
) -> None:
    """DORIS 2021: PGA < 0.5; prednisolone <= 5 (or < 5) mg/day."""
    r = doris_remission(
        s2k(low_complement=True),
        glucocorticoid_comparator=comparator,  # type: ignore[arg-type]
        **(DORIS_OK | change),
    )
    assert r.status is expected


def test_doris_2021_clinical_activity_fails() -> None:
    """Any clinical descriptor (here rash) breaks remission; serology does not."""
    assert doris_remission(s2k(rash=True), **DORIS_OK).status is Status.NOT_MET
    r = doris_remission(s2k(increased_dna_binding=True), **DORIS_OK)
    assert r.status is Status.MET


def test_doris_2021_accepts_clinical_sledai_and_rejects_selena() -> None:
    """Clinical SLEDAI-2K input is fine; SELENA-SLEDAI is refused."""
    clinical = sledai_2k(ABSENT, variant="clinical-sledai-2k")
    assert doris_remission(clinical, **DORIS_OK).status is Status.MET
    with pytest.raises(DefinitionError, match="doris"):
        doris_remission(sledai_2k(ABSENT, variant="selena-sledai"), **DORIS_OK)


def test_doris_2021_bad_comparator() -> None:
    """Only '<=' and '<' are allowed for the steroid threshold."""
    with pytest.raises(DefinitionError, match="glucocorticoid_comparator"):
        doris_remission(s2k(), glucocorticoid_comparator=">", **DORIS_OK)  # type: ignore[arg-type]


def test_doris_2021_missing_sledai_descriptor() -> None:
    """An unassessed clinical descriptor leaves remission not evaluable."""
    r = doris_remission(s2k(myositis=None), **DORIS_OK)
    assert r.status is Status.NOT_EVALUABLE
    assert r.not_evaluable == ("clinical_sledai_zero",)


def test_doris_2017_on_treatment_pga_inclusive() -> None:
    """2017 clinical remission on treatment: PGA <= 0.5 (0.5 is met)."""
    r = doris_2017_clinical_remission_on_treatment(
        s2k(low_complement=True),
        pga=0.5,
        glucocorticoid_mg_day=5,
        stable_maintenance_therapy=True,
    )
    assert r.status is Status.MET
    r2 = doris_2017_clinical_remission_on_treatment(
        s2k(), pga=0.6, glucocorticoid_mg_day=5, stable_maintenance_therapy=True
    )
    assert r2.status is Status.NOT_MET


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, Status.MET),
        ({"glucocorticoid_mg_day": 1.0}, Status.NOT_MET),
        ({"serological_activity": True}, Status.NOT_MET),
        ({"antimalarials_only": False}, Status.NOT_MET),
        ({"serological_activity": None}, Status.NOT_EVALUABLE),
        (
            {
                "serological_activity": Criterion(
                    name="serological_activity", status="met"
                )
            },
            Status.NOT_MET,
        ),
        (
            {
                "serological_activity": Criterion(
                    name="serological_activity", status="not_met"
                )
            },
            Status.MET,
        ),
    ],
    ids=[
        "met",
        "steroid",
        "serology",
        "immunosuppressant",
        "no-serology",
        "crit-met",
        "crit-not-met",
    ],
)
def test_doris_2017_complete_remission(
    change: dict[str, Any], expected: Status
) -> None:
    """2017 complete remission: no serology, no steroid, antimalarials only."""
    base: dict[str, Any] = {
        "pga": 0.3,
        "glucocorticoid_mg_day": 0.0,
        "serological_activity": False,
        "antimalarials_only": True,
    }
    assert doris_2017_complete_remission(s2k(), **(base | change)).status is expected


def test_results_cite_their_source() -> None:
    """Every composite names its source and explains each criterion."""
    results = [
        sri(10, 0, **SRI_OK),
        lldas(s2k(), **LLDAS_OK),
        doris_remission(s2k(), **DORIS_OK),
    ]
    for r in results:
        assert r.source
        assert all(c.source for c in r.criteria)
    assert "Furie" in results[0].source
    assert "Franklyn" in results[1].source
    assert "2021" in results[2].source
