"""SLEDAI-2K descriptors, scoring, variants and the cohort form."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore
from lupusscore import DefinitionError, InvalidValueError, Visit
from lupusscore.activity import (
    SEROLOGY_DESCRIPTORS,
    SLEDAI_2K_DESCRIPTORS,
    SLEDAI_2K_MAX_SCORE,
    SLEDAI_2K_WEIGHTS,
    SLEDAI_VARIANTS,
    DescriptorSource,
    sledai_2k,
    sledai_2k_cohort,
    sledai_variant,
)
from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES

REF = Path(__file__).parent / "reference"
WEIGHTS = json.loads((REF / "sledai_2k_weights.json").read_text(encoding="utf-8"))
VIGNETTES = json.loads((REF / "sledai_vignettes.json").read_text(encoding="utf-8"))
NAMES = SLEDAI_2K_DESCRIPTOR_NAMES
ALL_ABSENT: dict[str, bool | None] = dict.fromkeys(NAMES, False)

tristate = st.sampled_from([True, False, None])
assessments = st.fixed_dictionaries(dict.fromkeys(NAMES, tristate))
complete_assessments = st.fixed_dictionaries({n: st.booleans() for n in NAMES})


# --- the table -------------------------------------------------------------


def test_descriptor_names_are_the_models_tuple() -> None:
    """The 24 descriptors are exactly the models' names, in form order."""
    assert tuple(d.name for d in SLEDAI_2K_DESCRIPTORS) == NAMES
    assert [d.number for d in SLEDAI_2K_DESCRIPTORS] == list(range(1, 25))


@pytest.mark.parametrize("row", WEIGHTS["descriptors"], ids=lambda r: r["name"])
def test_weights_match_reference_table(row: dict[str, Any]) -> None:
    """Each weight, number and organ system equals the transcribed Gladman table."""
    d = SLEDAI_2K_DESCRIPTORS[row["number"] - 1]
    assert d.name == row["name"]
    assert d.weight == row["weight"]
    assert d.organ_system.value == row["organ_system"]
    assert SLEDAI_2K_WEIGHTS[row["name"]] == row["weight"]


def test_weights_sum_to_105() -> None:
    """The weights add up to the published maximum, 105."""
    assert sum(SLEDAI_2K_WEIGHTS.values()) == WEIGHTS["max_score"] == 105
    assert SLEDAI_2K_MAX_SCORE == 105
    assert sledai_variant("sledai-2k").max_score == 105
    assert sledai_variant("clinical-sledai-2k").max_score == 101


def test_every_descriptor_cites_and_defines() -> None:
    """Every descriptor carries a definition and the Gladman 2002 citation."""
    for d in SLEDAI_2K_DESCRIPTORS:
        assert d.definition
        assert "Gladman" in d.source
        assert "2002" in d.source


# --- vignettes -------------------------------------------------------------


def _vignette_input(case: dict[str, Any]) -> dict[str, bool | None]:
    if "all_absent_except" in case:
        return ALL_ABSENT | dict.fromkeys(case["all_absent_except"], True)
    present: dict[str, bool | None] = dict.fromkeys(case["present"], True)
    return present | dict.fromkeys(case["absent"], False)


@pytest.mark.parametrize("case", VIGNETTES["cases"], ids=lambda c: c["id"])
def test_vignette_totals(case: dict[str, Any]) -> None:
    """Hand-added vignette totals are reproduced."""
    r = sledai_2k(
        _vignette_input(case),
        variant=case["variant"],
        new_or_recurrent=case.get("new_or_recurrent"),
    )
    assert r.score == case["expected_score"]
    assert r.complete is case["expected_complete"]
    if "expected_upper_bound" in case:
        assert r.upper_bound == case["expected_upper_bound"]
    if r.complete:
        assert r.exact_score == case["expected_score"]
    else:
        assert r.exact_score is None


# --- API contract ------------------------------------------------------------


def test_top_level_export() -> None:
    """lupusscore.sledai_2k is the activity function."""
    assert lupusscore.sledai_2k is sledai_2k


def test_unknown_name_is_an_error() -> None:
    """A misspelt descriptor raises instead of being ignored."""
    with pytest.raises(InvalidValueError, match="seizures"):
        sledai_2k({"seizures": True})


@pytest.mark.parametrize("value", [1, 0, "yes", 1.0])
def test_non_boolean_value_is_an_error(value: object) -> None:
    """Values other than True/False/None are rejected, naming the descriptor."""
    with pytest.raises(InvalidValueError, match="rash"):
        sledai_2k({"rash": value})  # type: ignore[dict-item]


def test_not_a_mapping_is_an_error() -> None:
    """A list of names is not accepted silently."""
    with pytest.raises(InvalidValueError, match="descriptors"):
        sledai_2k(["rash"])  # type: ignore[arg-type]


def test_unknown_variant_is_an_error() -> None:
    """An unknown variant raises DefinitionError listing the known ones."""
    with pytest.raises(DefinitionError, match="sledai-2k"):
        sledai_2k({}, variant="sledai-2000")


def test_empty_mapping_is_incomplete_not_zero() -> None:
    """Nothing assessed: lower bound 0, upper bound 105, not complete."""
    r = sledai_2k({})
    assert (r.score, r.upper_bound, r.complete) == (0, 105, False)
    assert r.not_assessed == NAMES
    assert r.exact_score is None
    assert set(r.sources.values()) == {DescriptorSource.NOT_ASSESSED}


def test_result_records_window_and_contributions() -> None:
    """The result records the window and each descriptor's contribution."""
    r = sledai_2k(ALL_ABSENT | {"pericarditis": True}, window_days=30)
    assert r.window_days == 30
    assert r.contributions["pericarditis"] == 2
    assert sum(r.contributions.values()) == r.score == 2
    assert r.descriptor("pericarditis").source is DescriptorSource.CLINICIAN
    assert sledai_2k({}).window_days == 10
    assert sledai_2k({}, variant="sledai-2k-30d").window_days == 30


def test_result_is_frozen() -> None:
    """The result cannot be modified."""
    r = sledai_2k(ALL_ABSENT)
    with pytest.raises(ValueError, match="frozen"):
        r.score = 3


@pytest.mark.parametrize("window", [0, -1, 2.5, True])
def test_bad_window_is_an_error(window: object) -> None:
    """The window must be a positive whole number of days."""
    with pytest.raises(InvalidValueError, match="window_days"):
        sledai_2k({}, window_days=window)  # type: ignore[arg-type]


def test_visit_input_uses_descriptors_and_exclusions() -> None:
    """A Visit gives its descriptors; its exclusions zero those descriptors."""
    v = Visit(
        participant_id="P1",
        date="2024-01-01",
        descriptors=ALL_ABSENT | {"pyuria": True, "rash": True},
        exclusions={"pyuria": "urinary tract infection"},
    )
    r = sledai_2k(v)
    assert r.score == 2
    assert r.complete
    d = r.descriptor("pyuria")
    assert d.source is DescriptorSource.EXCLUDED
    assert d.contribution == 0
    assert d.reason is not None
    assert "urinary tract infection" in d.reason


# --- arthritis joint count -----------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "joints", "expected"),
    [
        ("sledai-2k", 1, 0),
        ("sledai-2k", 2, 4),
        ("sledai-2k", 3, 4),
        ("sledai", 2, 0),
        ("sledai", 3, 4),
        ("selena-sledai", 2, 0),
        ("selena-sledai", 3, 4),
    ],
)
def test_arthritis_joint_threshold_by_variant(
    variant: str, joints: int, expected: int
) -> None:
    """SLEDAI-2K counts >= 2 inflamed joints; original and SELENA need > 2."""
    r = sledai_2k(ALL_ABSENT, variant=variant, inflamed_joints=joints)
    assert r.score == expected
    crit = r.descriptor("arthritis").evidence[0]
    assert crit.observed == joints


def test_arthritis_threshold_override() -> None:
    """arthritis_min_joints overrides the variant default."""
    r = sledai_2k(ALL_ABSENT, inflamed_joints=2, arthritis_min_joints=3)
    assert r.score == 0


def test_joint_count_beats_disagreeing_boolean() -> None:
    """The joint count decides arthritis; the differing boolean is noted."""
    r = sledai_2k(ALL_ABSENT | {"arthritis": True}, variant="sledai", inflamed_joints=2)
    d = r.descriptor("arthritis")
    assert d.contribution == 0
    assert d.reason is not None
    assert "differs" in d.reason


# --- variants: new or recurrent ------------------------------------------------


def test_original_sledai_needs_newness_for_persistent_items() -> None:
    """Original SLEDAI: a present rash without newness info is undecided."""
    r = sledai_2k(ALL_ABSENT | {"rash": True}, variant="sledai")
    assert (r.score, r.upper_bound, r.complete) == (0, 2, False)
    assert r.not_assessed == ("rash",)
    r2 = sledai_2k(
        ALL_ABSENT | {"rash": True}, variant="sledai", new_or_recurrent={"rash": True}
    )
    assert (r2.score, r2.complete) == (2, True)


def test_newness_irrelevant_for_absent_descriptor() -> None:
    """An absent descriptor is decided whatever the newness input."""
    r = sledai_2k(ALL_ABSENT, variant="sledai")
    assert r.complete
    assert r.score == 0


def test_new_or_recurrent_unknown_name_is_an_error() -> None:
    """A misspelt name in new_or_recurrent raises."""
    with pytest.raises(InvalidValueError, match="new_or_recurrent"):
        sledai_2k(ALL_ABSENT, variant="sledai", new_or_recurrent={"rashes": True})


def test_every_variant_is_cited() -> None:
    """Every shipped variant has a source and a sensible default window."""
    for v in SLEDAI_VARIANTS.values():
        assert v.source
        assert v.window_days in (10, 30)


# --- properties ---------------------------------------------------------------


@given(complete_assessments)
def test_score_is_sum_of_present_weights(values: dict[str, bool]) -> None:
    """Score = sum of the weights of present descriptors, within 0-105."""
    r = sledai_2k(values)
    expected = sum(SLEDAI_2K_WEIGHTS[n] for n, p in values.items() if p)
    assert r.score == expected
    assert r.complete
    assert 0 <= r.score <= 105


@given(assessments, st.sampled_from(NAMES))
def test_adding_a_present_descriptor_never_lowers(
    values: dict[str, bool | None], extra: str
) -> None:
    """Marking one more descriptor present never lowers either bound."""
    before = sledai_2k(values)
    after = sledai_2k(values | {extra: True})
    assert after.score >= before.score
    assert after.upper_bound >= before.score
    assert 0 <= before.score <= before.upper_bound <= 105


@given(assessments)
def test_bounds_bracket_every_completion(values: dict[str, bool | None]) -> None:
    """Lower bound = all undecided absent; upper bound = all undecided present."""
    r = sledai_2k(values)
    low = sledai_2k({n: bool(v) for n, v in values.items()})
    high = sledai_2k({n: v is not False for n, v in values.items()})
    assert (r.score, r.upper_bound) == (low.score, high.score)
    assert r.complete is (None not in values.values())


@given(complete_assessments)
def test_clinical_sledai_is_2k_minus_serology(values: dict[str, bool]) -> None:
    """Clinical SLEDAI-2K = SLEDAI-2K minus low complement and DNA binding."""
    full = sledai_2k(values)
    clinical = sledai_2k(values, variant="clinical-sledai-2k")
    serology = sum(SLEDAI_2K_WEIGHTS[n] for n in SEROLOGY_DESCRIPTORS if values[n])
    assert clinical.score == full.score - serology


@given(assessments)
def test_clinical_sledai_ignores_unassessed_serology(
    values: dict[str, bool | None],
) -> None:
    """Unassessed serology does not make clinical SLEDAI incomplete."""
    r = sledai_2k(values, variant="clinical-sledai-2k")
    assert not SEROLOGY_DESCRIPTORS & set(r.not_assessed)


# --- cohort -------------------------------------------------------------------


def _row(values: dict[str, bool | None]) -> list[float]:
    out: list[float] = []
    for n in NAMES:
        v = values[n]
        out.append(math.nan if v is None else float(v))
    return out


@given(st.lists(assessments, min_size=1, max_size=8))
def test_cohort_matches_single_scoring(rows: list[dict[str, bool | None]]) -> None:
    """The (n, 24) form equals scoring each row on its own."""
    out = sledai_2k_cohort(np.array([_row(r) for r in rows]), missing="propagate")
    for i, values in enumerate(rows):
        single = sledai_2k(values)
        assert out.lower_bound[i] == single.score
        assert out.upper_bound[i] == single.upper_bound
        assert bool(out.complete[i]) is single.complete
        if single.complete:
            assert out.score[i] == single.score
        else:
            assert math.isnan(out.score[i])


def test_cohort_missing_is_nan_not_zero() -> None:
    """A row with a not-assessed descriptor scores NaN, never 0."""
    rows = np.zeros((2, 24))
    rows[1, 0] = np.nan
    out = sledai_2k_cohort(rows, missing="propagate")
    assert out.score[0] == 0.0
    assert math.isnan(out.score[1])
    assert out.complete.tolist() == [True, False]


def test_cohort_accepts_booleans_and_clinical_variant() -> None:
    """Boolean arrays work; clinical SLEDAI drops the serology columns."""
    rows = np.zeros((1, 24), dtype=bool)
    rows[0, 19] = rows[0, 20] = rows[0, 8] = True
    assert sledai_2k_cohort(rows).score.tolist() == [8.0]
    assert sledai_2k_cohort(rows, variant="clinical-sledai-2k").score.tolist() == [4.0]


def test_cohort_new_or_recurrent() -> None:
    """Original SLEDAI in the cohort form: persistent rash does not count."""
    rows = np.zeros((3, 24))
    rows[:, 14] = 1  # rash
    new = np.full((3, 24), np.nan)
    new[0, 14], new[1, 14] = 1, 0
    out = sledai_2k_cohort(rows, variant="sledai", new_or_recurrent=new)
    assert out.lower_bound.tolist() == [2.0, 0.0, 0.0]
    assert out.complete.tolist() == [True, True, False]


@pytest.mark.parametrize(
    "bad",
    [np.zeros((2, 23)), np.zeros(24), np.full((1, 24), 2.0), np.full((1, 24), -1.0)],
    ids=["23-columns", "1-d", "value-2", "value-minus-1"],
)
def test_cohort_rejects_bad_arrays(bad: np.ndarray) -> None:
    """Wrong shapes and values other than 0/1/NaN raise."""
    with pytest.raises(InvalidValueError, match="present"):
        sledai_2k_cohort(bad)


def test_cohort_rejects_mismatched_newness_shape() -> None:
    """new_or_recurrent must have the shape of present."""
    with pytest.raises(InvalidValueError, match="new_or_recurrent"):
        sledai_2k_cohort(
            np.zeros((2, 24)), variant="sledai", new_or_recurrent=np.zeros((1, 24))
        )
