"""2012 SLICC SLE classification: table, rules, raw labs, tri-state bounds."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore as ls
from lupusscore import InvalidValueError, LabResult
from lupusscore.results import Criterion, Status
from lupusscore.serology import (
    SLICC_2012_CRITERIA,
    SLICC_2012_DSDNA_ELISA_FACTOR,
    SLICC_2012_LEUKOPENIA_BELOW,
    SLICC_2012_MIN_CRITERIA,
    SLICC_2012_PROTEINURIA_G_PER_DAY,
    SLICC_2012_THROMBOCYTOPENIA_BELOW,
    SliccKind,
    ana_positive,
    classify_sle_slicc_2012,
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "serology_slicc_2012.json").read_text(
        "utf-8"
    )
)
NAMES = list(SLICC_2012_CRITERIA)
ABSENT: dict[str, bool | None] = dict.fromkeys(NAMES, False)
RANK = {Status.NOT_MET: 0, Status.NOT_EVALUABLE: 1, Status.MET: 2}


def lab(analyte: str, value: float, unit: str, **kw: Any) -> LabResult:
    """A lab result on a fixed date (SLICC criteria count 'at least once')."""
    return LabResult(analyte=analyte, value=value, unit=unit, date="2024-03-01", **kw)


def status_of(result: ls.serology.SliccClassification, name: str) -> Status:
    """Status of one criterion in a result."""
    return next(c.status for c in result.criteria if c.name == name)


def test_criteria_match_reference_table() -> None:
    """The 17 criteria, their order and clinical/immunological kind match the table."""
    table = [(c["name"], c["kind"]) for c in REF["criteria"]]
    ours = [(n, c.kind.value) for n, c in SLICC_2012_CRITERIA.items()]
    assert ours == table
    kinds = [c.kind for c in SLICC_2012_CRITERIA.values()]
    assert kinds.count(SliccKind.CLINICAL) == 11
    assert kinds.count(SliccKind.IMMUNOLOGIC) == 6


def test_constants_match_reference() -> None:
    """The rule size and the lab thresholds match the transcribed sources."""
    t = REF["lab_thresholds"]
    assert REF["rule"]["min_criteria"] == SLICC_2012_MIN_CRITERIA
    assert t["leukopenia_below_10e9_per_l"] == SLICC_2012_LEUKOPENIA_BELOW
    assert t["thrombocytopenia_below_10e9_per_l"] == SLICC_2012_THROMBOCYTOPENIA_BELOW
    assert t["proteinuria_g_per_24h"] == SLICC_2012_PROTEINURIA_G_PER_DAY
    assert t["anti_dsdna_elisa_factor"] == SLICC_2012_DSDNA_ELISA_FACTOR


@pytest.mark.parametrize(
    "case", REF["worked_examples"]["cases"], ids=lambda c: str(c["id"])
)
def test_worked_examples(case: dict[str, Any]) -> None:
    """Hand-calculated cases give the expected count and verdict."""
    base: dict[str, bool | None] = dict(ABSENT) if case["absent_others"] else {}
    criteria = {**base, **dict.fromkeys(case["present"], True)}
    r = classify_sle_slicc_2012(
        criteria=criteria, lupus_nephritis_biopsy=case["nephritis"]
    )
    # recompute by hand: count the present names, apply the two rules
    present = set(case["present"])
    clinical = any(SLICC_2012_CRITERIA[n].kind is SliccKind.CLINICAL for n in present)
    immuno = any(SLICC_2012_CRITERIA[n].kind is SliccKind.IMMUNOLOGIC for n in present)
    four = len(present) >= 4 and clinical and immuno
    nephritis = case["nephritis"] is True and bool({"ana", "anti_dsdna"} & present)
    if case["absent_others"]:
        assert (four or nephritis) is (case["status"] == "met")
    assert r.count == case["count"] == len(present)
    assert r.status.value == case["status"]
    assert set(r.met) == present


def test_three_criteria_are_not_enough_four_are() -> None:
    """With everything else absent, 3 criteria fail and 4 (mixed) classify."""
    three = {**ABSENT, "synovitis": True, "renal": True, "ana": True}
    r = classify_sle_slicc_2012(criteria=three, lupus_nephritis_biopsy=False)
    assert r.status is Status.NOT_MET
    # with the biopsy unknown, the nephritis rule (ANA present) could still hold
    r = classify_sle_slicc_2012(criteria=three)
    assert r.status is Status.NOT_EVALUABLE
    four = {**three, "serositis": True}
    r = classify_sle_slicc_2012(criteria=four)
    assert r.status is Status.MET
    assert r.criterion.observed == 4.0
    assert r.criterion.threshold == 4.0
    assert r.classified is True


def test_needs_one_of_each_kind() -> None:
    """Many clinical criteria without an immunological one do not classify."""
    clinical = [n for n, c in SLICC_2012_CRITERIA.items() if c.kind.value == "clinical"]
    r = classify_sle_slicc_2012(criteria={**ABSENT, **dict.fromkeys(clinical, True)})
    assert r.count == 11
    assert r.immunologic is Status.NOT_MET
    assert r.status is Status.NOT_MET
    r = classify_sle_slicc_2012(criteria=dict.fromkeys(clinical, True))
    assert r.immunologic is Status.NOT_EVALUABLE
    assert r.status is Status.NOT_EVALUABLE


def test_nephritis_rule_needs_ana_or_dsdna() -> None:
    """Biopsy-proven lupus nephritis classifies with ANA or anti-dsDNA alone."""
    for antibody in ("ana", "anti_dsdna"):
        r = classify_sle_slicc_2012(
            criteria={**ABSENT, antibody: True}, lupus_nephritis_biopsy=True
        )
        assert r.nephritis_rule is Status.MET
        assert r.four_criteria_rule is Status.NOT_MET
        assert r.status is Status.MET
    r = classify_sle_slicc_2012(
        criteria={**ABSENT, "anti_sm": True}, lupus_nephritis_biopsy=True
    )
    assert r.status is Status.NOT_MET
    r = classify_sle_slicc_2012(criteria={"ana": True}, lupus_nephritis_biopsy=None)
    assert r.nephritis_rule is Status.NOT_EVALUABLE


def test_criterion_objects_are_accepted() -> None:
    """A Criterion is used by its status, whatever produced it."""
    r = classify_sle_slicc_2012(
        criteria={"ana": ana_positive("1:160")}, lupus_nephritis_biopsy=True
    )
    assert r.status is Status.MET
    unknown = Criterion(name="ana", status=Status.NOT_EVALUABLE)
    r = classify_sle_slicc_2012(
        criteria={**ABSENT, "ana": unknown}, lupus_nephritis_biopsy=True
    )
    assert r.status is Status.NOT_EVALUABLE
    assert r.not_assessed == ("ana",)
    assert ls.classify_sle_slicc_2012 is classify_sle_slicc_2012


@pytest.mark.parametrize(
    ("wbc", "expected"),
    [(3.99, Status.MET), (SLICC_2012_LEUKOPENIA_BELOW, Status.NOT_EVALUABLE)],
)
def test_leukopenia_from_white_cells(wbc: float, expected: Status) -> None:
    """WBC < 4.0 shows the criterion; a normal WBC leaves lymphopenia open."""
    r = classify_sle_slicc_2012(labs=[lab("wbc", wbc, "10^9/L")])
    assert status_of(r, "leukopenia_or_lymphopenia") is expected


def test_normal_wbc_with_caller_lymphopenia() -> None:
    """The caller's lymphopenia answer completes what a normal WBC leaves open."""
    r = classify_sle_slicc_2012(
        criteria={"leukopenia_or_lymphopenia": False},
        labs=[lab("wbc", 6.0, "10^9/L")],
    )
    assert status_of(r, "leukopenia_or_lymphopenia") is Status.NOT_MET


@pytest.mark.parametrize(
    ("platelets", "expected"),
    [(99.9, Status.MET), (SLICC_2012_THROMBOCYTOPENIA_BELOW, Status.NOT_MET)],
)
def test_thrombocytopenia_from_platelets(platelets: float, expected: Status) -> None:
    """Platelets < 100 x 10^9/L at least once; 100 itself is not low."""
    r = classify_sle_slicc_2012(labs=[lab("platelets", platelets, "10^9/L")])
    assert status_of(r, "thrombocytopenia") is expected


def test_at_least_once_over_many_results() -> None:
    """One low count among normal ones is enough, whatever the order."""
    labs = [lab("platelets", v, "10^9/L") for v in (250, 80, 190)]
    for order in itertools.permutations(labs):
        r = classify_sle_slicc_2012(labs=order)
        assert status_of(r, "thrombocytopenia") is Status.MET
        assert r == classify_sle_slicc_2012(labs=labs)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.6, "g/g", Status.MET),
        (60, "mg/mmol", Status.MET),
        (0.51, "g/24h", Status.MET),
        (0.4, "g/g", Status.NOT_EVALUABLE),
        (0.5, "g/g", Status.NOT_EVALUABLE),
    ],
)
def test_proteinuria_part_of_renal(value: float, unit: str, expected: Status) -> None:
    """Proteinuria above 500 mg/24 h shows renal; below leaves red-cell casts open."""
    analyte = "protein_24h" if unit == "g/24h" else "upcr"
    r = classify_sle_slicc_2012(labs=[lab(analyte, value, unit)])
    assert status_of(r, "renal") is expected


def test_proteinuria_exactly_at_the_limit_is_undecided() -> None:
    """Exactly 500 mg/24 h is not decided (sources disagree on the limit)."""
    r = classify_sle_slicc_2012(
        criteria={"renal": None}, labs=[lab("protein_24h", 0.5, "g/24h")]
    )
    renal = next(c for c in r.criteria if c.name == "renal")
    assert renal.status is Status.NOT_EVALUABLE
    assert "not_evaluable (0.5 g/day)" in (renal.reason or "")


@pytest.mark.parametrize(
    ("value", "elisa", "expected"),
    [
        (25, None, Status.MET),
        (25, True, Status.MET),
        (15, False, Status.MET),
        (15, True, Status.NOT_MET),
        (15, None, Status.NOT_EVALUABLE),
        (20, True, Status.NOT_MET),
        (8, None, Status.NOT_MET),
    ],
)
def test_dsdna_elisa_needs_twice_the_upper_limit(
    value: float, elisa: bool | None, expected: Status
) -> None:
    """Above the lab's limit; by ELISA above twice it; unknown method in between."""
    r = classify_sle_slicc_2012(
        labs=[lab("anti_dsdna", value, "IU/mL", reference_high=10)],
        dsdna_by_elisa=elisa,
    )
    assert status_of(r, "anti_dsdna") is expected


def test_complement_from_c3_c4_ch50() -> None:
    """Any of C3, C4, CH50 low shows it; all three normal rule it out."""
    low_c4 = lab("c4", 0.05, "g/L", reference_low=0.1)
    assert (
        status_of(classify_sle_slicc_2012(labs=[low_c4]), "low_complement")
        is Status.MET
    )
    normal = [
        lab("c3", 1.2, "g/L", reference_low=0.9),
        lab("c4", 0.2, "g/L", reference_low=0.1),
        lab("ch50", 50, "U/mL", reference_low=30),
    ]
    assert (
        status_of(classify_sle_slicc_2012(labs=normal), "low_complement")
        is Status.NOT_MET
    )
    assert (
        status_of(classify_sle_slicc_2012(labs=normal[:2]), "low_complement")
        is Status.NOT_EVALUABLE
    )


def test_labs_alone_can_classify() -> None:
    """Leukopenia, thrombocytopenia, low C3 and anti-dsDNA make four criteria."""
    r = classify_sle_slicc_2012(
        labs=[
            lab("wbc", 3.1, "10^9/L"),
            lab("platelets", 70, "10^9/L"),
            lab("c3", 0.6, "g/L", reference_low=0.9),
            lab("anti_dsdna", 300, "IU/mL", reference_high=10),
        ]
    )
    assert r.status is Status.MET
    assert r.met == (
        "leukopenia_or_lymphopenia",
        "thrombocytopenia",
        "anti_dsdna",
        "low_complement",
    )


def test_caller_false_contradicted_by_labs_raises() -> None:
    """Saying a criterion is absent while a lab shows it is an error, not a guess."""
    with pytest.raises(InvalidValueError, match="thrombocytopenia"):
        classify_sle_slicc_2012(
            criteria={"thrombocytopenia": False},
            labs=[lab("platelets", 50, "10^9/L")],
        )


def test_coombs_needs_absence_of_haemolytic_anaemia() -> None:
    """Direct Coombs and haemolytic anaemia cannot both count."""
    with pytest.raises(InvalidValueError, match="direct_coombs"):
        classify_sle_slicc_2012(
            criteria={"direct_coombs": True, "hemolytic_anemia": True}
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"criteria": {"malar_rash": True}},
        {"criteria": {"ana": 1}},
        {"criteria": {"ana": "yes"}},
        {"criteria": ["ana"]},
        {"lupus_nephritis_biopsy": "class IV"},
        {"labs": [lab("creatinine", 1.0, "mg/dL")]},
        {"labs": ["wbc 3.0"]},
        {"labs": lab("wbc", 3.0, "10^9/L")},
        {"dsdna_by_elisa": "yes"},
    ],
)
def test_invalid_input_raises(kwargs: dict[str, Any]) -> None:
    """Bad names, values and labs raise the library's own error."""
    with pytest.raises(InvalidValueError):
        classify_sle_slicc_2012(**kwargs)


_values = st.sampled_from([True, False])


@st.composite
def partial_inputs(
    draw: st.DrawFn,
) -> tuple[dict[str, bool | None], bool | None]:
    """A full assignment with up to 6 criteria (or the biopsy) left unassessed."""
    full = {n: draw(_values) for n in NAMES}
    if full["direct_coombs"] and full["hemolytic_anemia"]:
        full["direct_coombs"] = False
    biopsy: bool | None = draw(_values)
    hidden = draw(st.sets(st.sampled_from([*NAMES, "biopsy"]), max_size=6))
    criteria: dict[str, bool | None] = {
        n: (None if n in hidden else v) for n, v in full.items()
    }
    if "biopsy" in hidden:
        biopsy = None
    return criteria, biopsy


def _completions(
    criteria: dict[str, bool | None], biopsy: bool | None
) -> list[tuple[dict[str, bool | None], bool | None]]:
    open_ = [n for n, v in criteria.items() if v is None]
    biopsy_options = [True, False] if biopsy is None else [biopsy]
    out: list[tuple[dict[str, bool | None], bool | None]] = []
    for values in itertools.product([True, False], repeat=len(open_)):
        filled = {**criteria, **dict(zip(open_, values, strict=True))}
        if filled["direct_coombs"] and filled["hemolytic_anemia"]:
            continue  # not a valid completion: the Coombs criterion excludes it
        out.extend((filled, b) for b in biopsy_options)
    return out


@given(partial_inputs())
def test_missing_items_give_bounds_containing_every_completion(
    inputs: tuple[dict[str, bool | None], bool | None],
) -> None:
    """Met/not met hold for every completion; not evaluable means completions differ."""
    criteria, biopsy = inputs
    r = classify_sle_slicc_2012(criteria=criteria, lupus_nephritis_biopsy=biopsy)
    outcomes = set()
    for filled, b in _completions(criteria, biopsy):
        done = classify_sle_slicc_2012(criteria=filled, lupus_nephritis_biopsy=b)
        assert done.status is not Status.NOT_EVALUABLE
        assert r.count <= done.count <= r.possible_count
        outcomes.add(done.status)
    if r.status is Status.NOT_EVALUABLE:
        assert outcomes == {Status.MET, Status.NOT_MET}
    else:
        assert outcomes == {r.status}


@given(partial_inputs(), st.sampled_from(NAMES))
def test_monotone_in_each_criterion(
    inputs: tuple[dict[str, bool | None], bool | None], name: str
) -> None:
    """Turning one criterion from absent to present never lowers the verdict."""
    criteria, biopsy = inputs
    if name == "direct_coombs" and criteria["hemolytic_anemia"] is not False:
        criteria = {**criteria, "hemolytic_anemia": False}
    if name == "hemolytic_anemia" and criteria["direct_coombs"] is not False:
        criteria = {**criteria, "direct_coombs": False}
    lower = classify_sle_slicc_2012(
        criteria={**criteria, name: False}, lupus_nephritis_biopsy=biopsy
    )
    higher = classify_sle_slicc_2012(
        criteria={**criteria, name: True}, lupus_nephritis_biopsy=biopsy
    )
    assert RANK[higher.status] >= RANK[lower.status]
    assert higher.count == lower.count + 1


@given(
    st.lists(st.floats(min_value=1, max_value=600), min_size=1, max_size=4),
    st.floats(min_value=0, max_value=500),
)
def test_lower_counts_never_lower_the_verdict(
    platelets: list[float], drop: float
) -> None:
    """A lower platelet result can only add evidence of thrombocytopenia."""
    base = [lab("platelets", v, "10^9/L") for v in platelets]
    lowered = [lab("platelets", max(platelets[0] - drop, 1.0), "10^9/L"), *base[1:]]
    before = classify_sle_slicc_2012(labs=base)
    after = classify_sle_slicc_2012(labs=lowered)
    assert (
        RANK[status_of(after, "thrombocytopenia")]
        >= RANK[status_of(before, "thrombocytopenia")]
    )
    assert RANK[after.status] >= RANK[before.status]
