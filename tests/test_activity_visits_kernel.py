"""sledai_2k_visits: SLEDAI for every visit of a cohort equals sledai_2k_visit.

The kernel scores every visit from columns in one vectorised pass; for each
visit it must give what :func:`sledai_2k_visit` gives for that visit with the
participant's earlier visits as history: score, bounds, completeness, and
each descriptor's finding and source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupusscore import LabResult, Visit
from lupusscore.activity import (
    DESCRIPTOR_SOURCE_CODES,
    SLEDAI_VARIANTS,
    SLEDAI_VISITS_COLUMNS,
    SledaiResult,
    sledai_2k_visit,
    sledai_2k_visits,
)
from lupusscore.analytes import Analyte
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.models import Participant, Patient, Trial

BASE = dt.date(2024, 1, 1)
LAB_DERIVED = (
    "proteinuria",
    "hematuria",
    "pyuria",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)

#: analyte -> (unit, values around the SLEDAI threshold, reference ranges)
LAB_KINDS: dict[str, list[tuple[str, list[float], list[tuple[Any, Any]]]]] = {
    "protein_24h": [("g/day", [0.2, 0.5, 0.51, 1.2], [(None, None)])],
    "upcr": [
        ("g/g", [0.3, 0.5, 0.8], [(None, None)]),
        ("mg/g", [400.0, 900.0], [(None, None)]),
    ],
    "urine_rbc": [("/hpf", [2.0, 5.0, 6.0, 20.0], [(None, None)])],
    "urine_wbc": [("/hpf", [2.0, 5.0, 6.0, 20.0], [(None, None)])],
    "body_temperature": [("°C", [37.0, 38.0, 38.5], [(None, None)])],
    "platelets": [("10^9/L", [80.0, 100.0, 150.0], [(None, None), (150, 400)])],
    "wbc": [("10^9/L", [2.5, 3.0, 5.0], [(None, None)])],
    "c3": [
        ("g/L", [0.6, 0.9, 1.2], [(None, None), (0.9, 1.8), (0.81, None)]),
        ("mg/dL", [60.0, 90.0, 120.0], [(None, None), (90, 180)]),
    ],
    "c4": [("g/L", [0.05, 0.1, 0.2], [(None, None), (0.1, 0.4)])],
    "ch50": [("U/mL", [20.0, 31.0, 60.0], [(None, None), (31, 60)])],
    "anti_dsdna": [
        ("IU/mL", [5.0, 10.0, 42.0], [(None, None), (None, 10), (0, 10)]),
        ("%", [20.0, 25.0, 31.0], [(None, None), (None, 25)]),
    ],
}


@st.composite
def lab_results(draw: st.DrawFn, visit_day: int) -> LabResult:
    analyte = draw(st.sampled_from(sorted(LAB_KINDS)))
    unit, values, ranges = draw(st.sampled_from(LAB_KINDS[analyte]))
    low, high = draw(st.sampled_from(ranges))
    day = BASE + dt.timedelta(days=visit_day + draw(st.integers(-25, 3)))
    hour = draw(st.sampled_from([None, 9, 15]))
    when: dt.date = day if hour is None else dt.datetime.combine(day, dt.time(hour))
    return LabResult(
        analyte=analyte,
        unit=unit,
        value=draw(st.sampled_from(values)),
        date=when,
        reference_low=low,
        reference_high=high,
    )


@st.composite
def visits(draw: st.DrawFn, pid: str, day: int) -> Visit:
    labs = draw(
        st.lists(
            lab_results(day),
            max_size=8,
            unique_by=lambda lab: (lab.analyte, lab.day),
        )
    )
    names = st.sampled_from(SLEDAI_2K_DESCRIPTOR_NAMES)
    descriptors = draw(
        st.dictionaries(
            st.one_of(st.sampled_from(LAB_DERIVED), names),
            st.sampled_from([True, False, None]),
            max_size=4,
        )
    )
    exclusions = draw(
        st.dictionaries(
            st.sampled_from(LAB_DERIVED) | names,
            st.just("another cause"),
            max_size=3,
        )
    )
    return Visit(
        participant_id=pid,
        date=BASE + dt.timedelta(days=day),
        labs=labs,
        descriptors=descriptors,
        exclusions=exclusions,
    )


@st.composite
def trials(draw: st.DrawFn) -> Trial:
    people = []
    for i in range(draw(st.integers(1, 3))):
        pid = f"P{i}"
        days = draw(st.lists(st.integers(0, 40), min_size=1, max_size=5, unique=True))
        people.append(
            Participant(
                patient=Patient(id=pid, sex="female", birth_date="1980-01-01"),
                arm="A",
                day0=BASE,
                visits=[draw(visits(pid, d)) for d in sorted(days)],
            )
        )
    return Trial(name="random", participants=people)


def _reference(trial: Trial, **options: Any) -> list[SledaiResult]:
    """sledai_2k_visit per visit, in the cohort's order (participant, date)."""
    out = []
    for p in sorted(trial.participants, key=lambda p: p.patient.id):
        for i, visit in enumerate(p.visits):
            out.append(sledai_2k_visit(visit, p.visits[:i], **options))
    return out


def _columns(cohort: Cohort) -> dict[str, Any]:
    return {k: getattr(cohort, k) for k in SLEDAI_VISITS_COLUMNS}


def _assert_same(trial: Trial, **options: Any) -> None:
    cohort = Cohort.from_trial(trial)
    got = sledai_2k_visits(**_columns(cohort), **options)
    want = _reference(trial, **options)
    assert len(want) == cohort.n_visits
    for i, r in enumerate(want):
        assert got.lower_bound[i] == r.score, i
        assert got.upper_bound[i] == r.upper_bound, i
        assert bool(got.complete[i]) is r.complete, i
        if r.complete:
            assert got.score[i] == r.score
        else:
            assert np.isnan(got.score[i])
        for d in r.descriptors:
            code = int(got.present[d.name][i])
            assert (None if code == -1 else bool(code)) == d.present, (i, d.name)
            source = DESCRIPTOR_SOURCE_CODES[int(got.source[d.name][i])]
            assert source is d.source, (i, d.name)


@settings(max_examples=200)
@given(
    trial=trials(),
    variant=st.sampled_from(sorted(SLEDAI_VARIANTS)),
    window_days=st.sampled_from([None, 1, 10, 30]),
    use_upcr=st.booleans(),
    use_default=st.booleans(),
)
def test_random_trials_agree_with_sledai_2k_visit(
    trial: Trial,
    variant: str,
    window_days: int | None,
    use_upcr: bool,
    use_default: bool,
) -> None:
    """Every visit of a random trial: the kernel equals sledai_2k_visit.

    Labs of the eight lab-derived kinds at random days in and out of the
    window (and after the visit), reference ranges present or absent,
    exclusions, clinician descriptors True/False/None, every variant.
    """
    _assert_same(
        trial,
        variant=variant,
        window_days=window_days,
        use_upcr=use_upcr,
        use_default_complement_limits=use_default,
    )


@pytest.mark.parametrize("variant", sorted(SLEDAI_VARIANTS))
def test_bundled_example_agrees_with_sledai_2k_visit(variant: str) -> None:
    """The bundled example, through Cohort.from_trial: the same per-visit scores."""
    _assert_same(load_example_trial(), variant=variant)


def test_bundled_example_default_options_scores() -> None:
    """With default options the per-visit scores are the report's sledai_2k_visit."""
    trial = load_example_trial()
    got = sledai_2k_visits(**_columns(Cohort.from_trial(trial)))
    want = np.array([r.exact_score for r in _reference(trial)], dtype=float)
    np.testing.assert_array_equal(got.score, want)
    assert np.count_nonzero(got.complete) > 0


# ---------------------------------------------------------------------------
# small hand-made cases
# ---------------------------------------------------------------------------

PLT = tuple(Analyte).index(Analyte.PLATELETS)


def _one_participant(
    visit_days: list[int],
    labs: list[tuple[int, int, float]],
    *,
    exclusions: list[Any] | None = None,
) -> dict[str, Any]:
    """Columns for one participant: labs as (visit index, lab day, platelets)."""
    n = len(visit_days)
    excl = np.empty(n, dtype=object)
    excl[:] = exclusions or [None] * n
    return {
        "visit_participant": np.zeros(n, dtype=np.int64),
        "visit_date": np.datetime64("2024-01-01")
        + np.array(visit_days, dtype=np.int64),
        "visit_descriptors": {},
        "visit_exclusions": excl,
        "lab_participant": np.zeros(len(labs), dtype=np.int64),
        "lab_visit": np.array([v for v, _, _ in labs], dtype=np.int64),
        "lab_analyte": np.full(len(labs), PLT),
        "lab_datetime": (
            np.datetime64("2024-01-01")
            + np.array([d for _, d, _ in labs], dtype=np.int64)
        ).astype("datetime64[s]"),
        "lab_canonical": np.array([x for _, _, x in labs], dtype=float),
        "lab_reference_low_canonical": np.full(len(labs), np.nan),
        "lab_reference_high_canonical": np.full(len(labs), np.nan),
        "lab_family": np.full(len(labs), "count_concentration", dtype=object),
    }


def test_window_edges() -> None:
    """A lab counts from its day to window_days days after, and never later."""
    cols = _one_participant(
        [10, 20, 21, 30],
        [(0, 10, 80.0)],  # low platelets on day 10, recorded at the first visit
    )
    got = sledai_2k_visits(**cols, window_days=10)
    # day 10 (same day) and day 20 (10 days on) see it; day 21 and 30 do not
    assert got.present["thrombocytopenia"].tolist() == [1, 1, -1, -1]


def test_later_visit_labs_are_not_used_even_if_dated_earlier() -> None:
    """A lab recorded at a later visit never counts for an earlier one.

    As sledai_2k_visit(visit, earlier_visits): the history is the earlier
    visits, so a lab attached to the visit of day 20 but dated day 8 counts on
    day 20 only.
    """
    cols = _one_participant([10, 20], [(1, 8, 80.0)])
    got = sledai_2k_visits(**cols, window_days=30)
    assert got.present["thrombocytopenia"].tolist() == [-1, 1]


def test_labs_dated_after_the_visit_are_not_used() -> None:
    """A lab dated after the visit date does not count at that visit."""
    cols = _one_participant([10, 20], [(0, 12, 80.0)])
    got = sledai_2k_visits(**cols)
    assert got.present["thrombocytopenia"].tolist() == [-1, 1]


def test_exclusion_at_the_labs_visit_blocks_the_lab_everywhere() -> None:
    """Labs from a visit that excluded a descriptor are not used for it later."""
    cols = _one_participant(
        [10, 12],
        [(0, 10, 80.0)],
        exclusions=[{"thrombocytopenia": "drug-induced"}, None],
    )
    got = sledai_2k_visits(**cols)
    assert got.present["thrombocytopenia"].tolist() == [0, -1]
    src = [DESCRIPTOR_SOURCE_CODES[c].value for c in got.source["thrombocytopenia"]]
    assert src == ["excluded", "not_assessed"]


def test_clinician_entry_takes_precedence_over_labs() -> None:
    """A clinician-entered False wins over a lab that meets the rule."""
    cols = _one_participant([10], [(0, 10, 80.0)])
    cols["visit_descriptors"] = {"thrombocytopenia": np.array([0], dtype=np.int8)}
    got = sledai_2k_visits(**cols)
    assert got.present["thrombocytopenia"].tolist() == [0]
    assert DESCRIPTOR_SOURCE_CODES[int(got.source["thrombocytopenia"][0])].value == (
        "clinician"
    )


def test_result_does_not_depend_on_visit_or_lab_order() -> None:
    """Permuting visits and lab rows permutes the result, nothing else."""
    trial = load_example_trial()
    cols = _columns(Cohort.from_trial(trial))
    base = sledai_2k_visits(**cols)
    rng = np.random.default_rng(7)
    n = len(cols["visit_date"])
    perm = rng.permutation(n)
    inverse = np.empty(n, dtype=np.int64)
    inverse[perm] = np.arange(n)
    lab_perm = rng.permutation(len(cols["lab_visit"]))
    shuffled = {
        k: (np.asarray(v)[perm] if k.startswith("visit_") else np.asarray(v)[lab_perm])
        for k, v in cols.items()
        if k != "visit_descriptors"
    }
    shuffled["visit_descriptors"] = {
        k: np.asarray(v)[perm] for k, v in cols["visit_descriptors"].items()
    }
    shuffled["lab_visit"] = inverse[shuffled["lab_visit"]]
    got = sledai_2k_visits(**shuffled)
    np.testing.assert_array_equal(got.lower_bound, base.lower_bound[perm])
    np.testing.assert_array_equal(got.upper_bound, base.upper_bound[perm])
    np.testing.assert_array_equal(got.score, base.score[perm])


@pytest.mark.parametrize(
    ("variant", "expected"), [("sledai", [1]), ("sledai-2k", [-1])]
)
def test_farr_percent_binding_counts_in_original_sledai(
    variant: str, expected: list[int]
) -> None:
    """Farr binding > 25 % without a lab range: increased in original SLEDAI only.

    SLEDAI-2K judges anti-dsDNA against the lab's range only (none here: not
    assessed); original and SELENA-SLEDAI also count Farr > 25 %.
    """
    visit = Visit(
        participant_id="P0",
        date="2024-01-10",
        labs=[LabResult(analyte="anti_dsdna", value=31, unit="%", date="2024-01-09")],
    )
    trial = Trial(
        name="farr",
        participants=[
            Participant(
                patient=Patient(id="P0", sex="female", birth_date="1980-01-01"),
                arm="A",
                day0="2024-01-01",
                visits=[visit],
            )
        ],
    )
    got = sledai_2k_visits(**_columns(Cohort.from_trial(trial)), variant=variant)
    assert got.present["increased_dna_binding"].tolist() == expected
    _assert_same(trial, variant=variant)


def test_far_apart_participant_ids_give_the_same_result() -> None:
    """Participant ids need not be small: ids 2**61 apart give the same scores.

    Such ids overflow the combined (participant, day) search key, so the
    windows are found by the sort fallback; it must agree with the fast path.
    """
    cols = _columns(Cohort.from_trial(load_example_trial()))
    base = sledai_2k_visits(**cols)
    far = dict(cols)
    far["visit_participant"] = np.asarray(cols["visit_participant"]) * 2**56
    far["lab_participant"] = np.asarray(cols["lab_participant"]) * 2**56
    got = sledai_2k_visits(**far)
    np.testing.assert_array_equal(got.lower_bound, base.lower_bound)
    np.testing.assert_array_equal(got.upper_bound, base.upper_bound)
    for name in SLEDAI_2K_DESCRIPTOR_NAMES:
        np.testing.assert_array_equal(got.present[name], base.present[name])


def test_no_visits_and_no_labs() -> None:
    """An empty cohort gives empty results."""
    cols = _one_participant([], [])
    got = sledai_2k_visits(**cols)
    assert got.score.shape == (0,)
    assert got.present["fever"].shape == (0,)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lab_canonical": np.array([np.nan])}, "lab_canonical"),
        ({"lab_visit": np.array([3])}, "lab_visit"),
        ({"lab_participant": np.array([1])}, "lab_participant"),
        ({"lab_analyte": np.array([99])}, "lab_analyte"),
        ({"lab_family": np.array(["a", "b"], dtype=object)}, "lab_family"),
        (
            {"lab_datetime": np.array(["NaT"], dtype="datetime64[s]")},
            "lab_datetime",
        ),
        ({"visit_date": np.array([1.0])}, "visit_date"),
        ({"visit_participant": np.array([0.5])}, "visit_participant"),
        ({"visit_participant": np.array([2.0**60])}, "visit_participant"),
        ({"lab_visit": np.array([-1])}, "lab_visit"),
        ({"visit_descriptors": {"fevr": np.array([1])}}, "visit_descriptors"),
        (
            {"visit_descriptors": {"fever": np.array([2], dtype=np.int8)}},
            "visit_descriptors['fever']",
        ),
        ({"visit_descriptors": [1]}, "visit_descriptors"),
        (
            {"visit_exclusions": np.array(["infection"], dtype=object)},
            "visit_exclusions",
        ),
        (
            {"visit_exclusions": np.array([{"fevr": "x"}], dtype=object)},
            "visit_exclusions[0]",
        ),
        ({"window_days": 0}, "window_days"),
        ({"use_upcr": 1}, "use_upcr"),
    ],
)
def test_bad_columns_are_library_errors(change: dict[str, Any], field: str) -> None:
    """Bad columns and options raise InvalidValueError naming the field."""
    cols = _one_participant([10], [(0, 10, 80.0)]) | change
    with pytest.raises(InvalidValueError) as err:
        sledai_2k_visits(**cols)
    assert err.value.field == field


def test_nan_value_error_names_the_row() -> None:
    """A lab row without a value is reported by its index and the count."""
    cols = _one_participant([10], [(0, 10, 80.0), (0, 9, 90.0), (0, 8, 70.0)])
    cols["lab_canonical"] = np.array([80.0, np.nan, np.nan])
    with pytest.raises(InvalidValueError) as err:
        sledai_2k_visits(**cols)
    assert err.value.index == 1
    assert err.value.count == 2


def test_unknown_variant() -> None:
    """An unknown variant is a DefinitionError, as in sledai_2k_visit."""
    with pytest.raises(DefinitionError):
        sledai_2k_visits(**_one_participant([10], []), variant="sledai-3k")
