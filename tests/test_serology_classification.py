"""2019 EULAR/ACR SLE classification: weights, domain rule, threshold, tri-state."""

import json
from pathlib import Path
from typing import Any

import pytest

from lupusscore import InvalidValueError
from lupusscore.results import Status
from lupusscore.serology import (
    EULAR_ACR_2019_CRITERIA,
    EULAR_ACR_2019_MAX_POINTS,
    EULAR_ACR_2019_THRESHOLD,
    Domain,
    ana_positive,
    classify_sle_eular_acr_2019,
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "serology_eular_acr_2019.json").read_text()
)
ALL_ABSENT = dict.fromkeys(EULAR_ACR_2019_CRITERIA, False)


def test_weights_match_reference_table() -> None:
    """Every criterion's domain and weight match the transcribed Aringer 2019 table."""
    table = {c["name"]: (c["domain"], c["weight"]) for c in REF["criteria"]}
    ours = {n: (c.domain.value, c.weight) for n, c in EULAR_ACR_2019_CRITERIA.items()}
    assert ours == table


def test_domains_and_constants_match_reference() -> None:
    """Clinical/immunologic split, the 10-point threshold and the 51-point maximum."""
    assert [d.value for d in Domain if d.clinical] == REF["clinical_domains"]
    assert [d.value for d in Domain if not d.clinical] == REF["immunologic_domains"]
    assert REF["threshold_points"] == EULAR_ACR_2019_THRESHOLD
    assert REF["max_points"] == EULAR_ACR_2019_MAX_POINTS
    top = {
        d: max(c.weight for c in EULAR_ACR_2019_CRITERIA.values() if c.domain is d)
        for d in Domain
    }
    assert sum(top.values()) == EULAR_ACR_2019_MAX_POINTS


def test_everything_present_gives_the_maximum() -> None:
    """All criteria present count only the top of each domain: 51 points."""
    r = classify_sle_eular_acr_2019(
        ana=True, criteria=dict.fromkeys(EULAR_ACR_2019_CRITERIA, True)
    )
    assert r.points == EULAR_ACR_2019_MAX_POINTS
    assert len(r.counted) == len(Domain)
    assert r.status is Status.MET


@pytest.mark.parametrize(
    "case", REF["worked_examples"]["cases"], ids=lambda c: str(c["id"])
)
def test_worked_examples(case: dict[str, Any]) -> None:
    """Hand-calculated cases give the expected points, counted criteria and verdict."""
    r = classify_sle_eular_acr_2019(ana=case["ana"], criteria=case["criteria"])
    assert r.points == case["points"]
    assert [c.name for c in r.counted] == case["counted"]
    assert r.status is Status(case["status"])
    assert r.criterion.observed == case["points"]


@pytest.mark.parametrize(
    ("present", "points", "status"),
    [
        (("leukopenia", "joint_involvement"), 9, Status.NOT_MET),
        (("thrombocytopenia", "anti_dsdna_or_anti_sm"), 10, Status.MET),
        (("seizure", "anti_dsdna_or_anti_sm"), 11, Status.MET),
    ],
)
def test_threshold_edges(present: tuple[str, ...], points: int, status: Status) -> None:
    """9 points is not SLE; 10 and 11 are (each with a clinical criterion)."""
    criteria = {**ALL_ABSENT, **dict.fromkeys(present, True)}
    r = classify_sle_eular_acr_2019(ana=True, criteria=criteria)
    assert r.points == points
    assert r.status is status
    assert r.classified is (status is Status.MET)


def test_highest_in_domain_only() -> None:
    """Ulcers (2) + SCLE (4) + ACLE (6) count 6; class IV (10) outranks proteinuria."""
    r = classify_sle_eular_acr_2019(
        ana=True,
        criteria={
            **ALL_ABSENT,
            "oral_ulcers": True,
            "subacute_cutaneous_or_discoid_lupus": True,
            "acute_cutaneous_lupus": True,
            "proteinuria": True,
            "renal_biopsy_class_iii_or_iv": True,
        },
    )
    assert r.points == 16
    assert [c.name for c in r.counted] == [
        "acute_cutaneous_lupus",
        "renal_biopsy_class_iii_or_iv",
    ]


def test_no_clinical_criterion_blocks_classification() -> None:
    """Immunologic points alone (12) never classify, once clinical ones are absent."""
    r = classify_sle_eular_acr_2019(
        ana=True,
        criteria={
            **ALL_ABSENT,
            "anti_dsdna_or_anti_sm": True,
            "low_c3_and_low_c4": True,
            "antiphospholipid_antibodies": True,
        },
    )
    assert r.points == 12
    assert r.clinical is Status.NOT_MET
    assert r.status is Status.NOT_MET


def test_unassessed_could_change_verdict() -> None:
    """With unassessed criteria that could add points, 9 points is not evaluable."""
    r = classify_sle_eular_acr_2019(
        ana=True, criteria={"seizure": True, "thrombocytopenia": True}
    )
    assert r.status is Status.NOT_EVALUABLE
    assert r.classified is None
    assert r.possible_points == EULAR_ACR_2019_MAX_POINTS
    assert "fever" in r.not_assessed
    assert "up to 51 points" in r.reason


def test_entry_from_ana_criterion() -> None:
    """The entry criterion can be an ana_positive result; a 1:40 titre fails entry."""
    criteria = {**ALL_ABSENT, "renal_biopsy_class_iii_or_iv": True}
    assert (
        classify_sle_eular_acr_2019(ana=ana_positive("1:80"), criteria=criteria).status
        is Status.MET
    )
    r = classify_sle_eular_acr_2019(ana=ana_positive("1:40"), criteria=criteria)
    assert r.status is Status.NOT_MET
    assert "entry criterion" in r.reason


def test_invalid_input_raises() -> None:
    """Unknown criterion names and non-boolean values are library errors."""
    with pytest.raises(InvalidValueError, match="criteria"):
        classify_sle_eular_acr_2019(ana=True, criteria={"arthritis": True})
    with pytest.raises(InvalidValueError, match="fever"):
        classify_sle_eular_acr_2019(ana=True, criteria={"fever": 1})  # type: ignore[dict-item]
    with pytest.raises(InvalidValueError, match="ana"):
        classify_sle_eular_acr_2019(ana="yes", criteria={})  # type: ignore[arg-type]
