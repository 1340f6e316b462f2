"""lupusscore.example: a SYNTHETIC cohort of any size in the bundled example's design.

The tables must be deterministic for a seed, in the cohort input layout, obey
the model rules (a test-only converter builds a validated ``Trial`` from them)
and follow the bundled example's design: the same arms, schedule, analytes,
units, specimens, ranges and assays, and distributions (visits, missed visits,
events, lab values) within the sampling error of the example's 80 participants.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lupusscore import build_outcome_table
from lupusscore.analytes import ANALYTES
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.example import (
    DEFAULT_SEED,
    SYNTHETIC_ARMS,
    synthetic_cohort,
    synthetic_name,
    synthetic_schedule,
    synthetic_tables,
    tables_to_trial,
)
from lupusscore.models import Trial
from lupusscore.units import convert

Tables = dict[str, dict[str, np.ndarray[Any, Any]]]

#: The cohort input layout (the shared contract of issue 12).
LAYOUT: dict[str, set[str]] = {
    "participants": {
        "USUBJID",
        "SEX",
        "BRTHDTC",
        "ARM",
        "RFSTDTC",
        "HEIGHT_CM",
        "BLACK",
    },
    "labs": {
        "USUBJID",
        "LBTESTCD",
        "LBORRES",
        "LBORRESU",
        "LBSTNRLO",
        "LBSTNRHI",
        "LBDTC",
        "LBSPEC",
        "LBMETHOD",
        "VISIT",
    },
    "visits": {
        "USUBJID",
        "SVSTDTC",
        "VISIT",
        "UNSCHEDULED",
        "GLUCOCORTICOID_MG_DAY",
        "RESCUE_THERAPY",
        "PGA",
        *SLEDAI_2K_DESCRIPTOR_NAMES,
    },
    "events": {"USUBJID", "DSDECOD", "DSSTDTC"},
}
DATE_COLUMNS = {"BRTHDTC", "RFSTDTC", "LBDTC", "SVSTDTC", "DSSTDTC"}
FLOAT_COLUMNS = {
    "HEIGHT_CM",
    "LBORRES",
    "LBSTNRLO",
    "LBSTNRHI",
    "GLUCOCORTICOID_MG_DAY",
    "PGA",
}
TRISTATE_COLUMNS = {"BLACK", "RESCUE_THERAPY", *SLEDAI_2K_DESCRIPTOR_NAMES}
N_LARGE = 20_000
_ANALYTE_NAMES = ["creatinine", "upcr", "c3", "c4", "anti_dsdna", "ana"]


@pytest.fixture(scope="module")
def large() -> Tables:
    """A large synthetic trial for distribution checks."""
    return synthetic_tables(N_LARGE, seed=7)


@pytest.fixture(scope="module")
def example() -> Trial:
    """The bundled example trial."""
    return load_example_trial()


@pytest.fixture(scope="module")
def example_rows(example: Trial) -> set[tuple[str, str, str | None]]:
    """(section, outcome, timepoint) of the rows of the example's outcome table."""
    return {
        (r.section, r.outcome, r.timepoint) for r in build_outcome_table(example).rows
    }


def trial_from_tables(tables: Tables, name: str = "SYNTHETIC test") -> Trial:
    """Build the models from the tables (lupusscore.example.tables_to_trial)."""
    return tables_to_trial(tables, name=name)


# -- determinism, shapes, layout -----------------------------------------------


def _same(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> bool:
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return a.dtype == b.dtype and a.tolist() == b.tolist()


def test_same_seed_gives_the_same_tables() -> None:
    """Two calls with one seed give equal tables, column by column."""
    first, second = synthetic_tables(300, seed=11), synthetic_tables(300, seed=11)
    assert first.keys() == second.keys()
    for table, columns in first.items():
        assert columns.keys() == second[table].keys()
        for name, column in columns.items():
            assert _same(column, second[table][name]), (table, name)


def test_another_seed_gives_other_data() -> None:
    """The seed changes the simulated values."""
    a = synthetic_tables(50, seed=1)["labs"]["LBORRES"]
    b = synthetic_tables(50, seed=2)["labs"]["LBORRES"]
    assert len(a) != len(b) or not np.array_equal(a, b)


def test_default_seed_is_the_examples() -> None:
    """The default seed is the bundled example's, and calls without it agree."""
    assert DEFAULT_SEED == 20090501
    a = synthetic_tables(20)["labs"]["LBORRES"]
    b = synthetic_tables(20, seed=DEFAULT_SEED)["labs"]["LBORRES"]
    assert np.array_equal(a, b)


@pytest.mark.parametrize("n", [1, 2, 7, 120])
def test_every_layout_column_one_dimensional_of_one_length(n: int) -> None:
    """Each table has exactly the layout's columns, 1-d and of equal length."""
    tables = synthetic_tables(n, seed=3)
    assert set(tables) == set(LAYOUT)
    for table, columns in tables.items():
        assert set(columns) == LAYOUT[table], table
        lengths = {len(c) for c in columns.values()}
        assert len(lengths) == 1, table
        assert all(c.ndim == 1 for c in columns.values())
    assert len(tables["participants"]["USUBJID"]) == n


def test_column_types_follow_the_layout() -> None:
    """Dates are datetime64[D], numbers float64, flags True/False/None, text str."""
    tables = synthetic_tables(200, seed=5)
    for table, columns in tables.items():
        for name, column in columns.items():
            where = f"{table}.{name}"
            if name in DATE_COLUMNS:
                assert column.dtype == np.dtype("datetime64[D]"), where
                assert not np.isnat(column).any(), where
            elif name in FLOAT_COLUMNS:
                assert column.dtype == np.float64, where
            elif name in TRISTATE_COLUMNS:
                assert column.dtype == object, where
                assert {type(v) for v in column} <= {bool, type(None)}, where
            elif name == "UNSCHEDULED":
                assert column.dtype == bool
            else:
                assert column.dtype == object, where
                assert {type(v) for v in column} <= {str, type(None)}, where


def test_ids_are_unique_and_sort_in_participant_order() -> None:
    """Ids are SYN-001 ... zero-padded to the size, so text order is number order."""
    assert synthetic_tables(3, seed=1)["participants"]["USUBJID"].tolist() == [
        "SYN-001",
        "SYN-002",
        "SYN-003",
    ]
    ids = synthetic_tables(1500, seed=1)["participants"]["USUBJID"]
    assert ids[0] == "SYN-0001"
    assert ids[-1] == "SYN-1500"
    assert ids.tolist() == sorted(set(ids.tolist()))


@pytest.mark.parametrize(
    ("n", "seed"),
    [(0, 1), (-3, 1), (2.5, 1), ("10", 1), (True, 1), (10, -1), (10, 1.5), (10, "x")],
)
def test_bad_size_or_seed_is_a_library_error(n: object, seed: object) -> None:
    """A size that is not a whole number >= 1 or a bad seed is an InvalidValueError."""
    with pytest.raises(InvalidValueError):
        synthetic_tables(n, seed=seed)  # type: ignore[arg-type]


# -- the example's design --------------------------------------------------------


def test_schedule_and_arms_are_the_examples(example: Trial) -> None:
    """Schedule, arms and baseline window equal the bundled example's."""
    assert synthetic_schedule() == example.schedule
    assert example.arm_names == SYNTHETIC_ARMS
    assert example.baseline_window_days == 30


def test_name_says_synthetic() -> None:
    """The trial name labels the data SYNTHETIC with size and seed."""
    name = synthetic_name(500, 9)
    assert name.startswith("SYNTHETIC")
    assert "500" in name
    assert "seed 9" in name


def _example_labs(trial: Trial) -> list[Any]:
    return [lab for p in trial.participants for v in p.visits for lab in v.labs]


def test_lab_vocabulary_is_the_examples(large: Tables, example: Trial) -> None:
    """Analytes, units, specimens, reference ranges and assays are the example's."""
    want: set[tuple[object, ...]] = {
        (
            lab.analyte.value,
            lab.unit,
            None if lab.specimen is None else lab.specimen.value,
            lab.reference_low,
            lab.reference_high,
            lab.assay,
        )
        for lab in _example_labs(example)
    }
    labs = large["labs"]

    def opt(x: float) -> float | None:
        return None if math.isnan(x) else x

    got = set(
        zip(
            labs["LBTESTCD"].tolist(),
            labs["LBORRESU"].tolist(),
            labs["LBSPEC"].tolist(),
            map(opt, labs["LBSTNRLO"].tolist()),
            map(opt, labs["LBSTNRHI"].tolist()),
            labs["LBMETHOD"].tolist(),
            strict=True,
        )
    )
    assert got == want


def test_arms_are_allocated_one_to_one(large: Tables, example: Trial) -> None:
    """Arms are 1:1 as in the example (40/40), in random order."""
    arms = large["participants"]["ARM"].tolist()
    assert (
        arms.count(SYNTHETIC_ARMS[0]) == arms.count(SYNTHETIC_ARMS[1]) == N_LARGE // 2
    )
    assert [p.arm for p in example.participants].count(SYNTHETIC_ARMS[0]) == 40
    assert arms[: N_LARGE // 2] != [SYNTHETIC_ARMS[0]] * (N_LARGE // 2)
    odd = synthetic_tables(5, seed=1)["participants"]["ARM"].tolist()
    assert sorted(odd.count(a) for a in SYNTHETIC_ARMS) == [2, 3]


def _close_mean(
    synthetic: np.ndarray[Any, Any], reference: list[float], what: str
) -> None:
    """The synthetic mean is within 4 standard errors of the example's mean."""
    ref = np.asarray(reference, dtype=float)
    se = ref.std(ddof=1) / math.sqrt(len(ref))
    assert abs(float(np.mean(synthetic)) - float(ref.mean())) <= 4 * se + 1e-9, what


def _close_proportion(synthetic: float, count: int, n: int, what: str) -> None:
    """The synthetic proportion is within 4 binomial SEs (+1/n) of the example's."""
    se = math.sqrt(max(synthetic * (1 - synthetic), 0.01) / n)
    assert abs(synthetic - count / n) <= 4 * se + 1 / n, what


def _per_participant(
    ids: np.ndarray[Any, Any], people: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    return np.searchsorted(people, ids)


def test_visit_counts_missed_and_unscheduled_visits(
    large: Tables, example: Trial
) -> None:
    """Visits per participant, scheduled and unscheduled, are like the example's."""
    people = large["participants"]["USUBJID"]
    visits = large["visits"]
    who = _per_participant(visits["USUBJID"], people)
    unscheduled = visits["UNSCHEDULED"]
    per = np.bincount(who, minlength=len(people))
    per_scheduled = np.bincount(who[~unscheduled], minlength=len(people))
    ex = example.participants
    _close_mean(per, [len(p.visits) for p in ex], "visits per participant")
    _close_mean(
        per_scheduled,
        [sum(not v.unscheduled for v in p.visits) for p in ex],
        "scheduled visits per participant",
    )
    with_unscheduled = np.bincount(who[unscheduled], minlength=len(people)) > 0
    _close_proportion(
        float(with_unscheduled.mean()),
        sum(any(v.unscheduled for v in p.visits) for p in ex),
        len(ex),
        "participants with an unscheduled visit",
    )
    # Every participant has a baseline visit, as in the example.
    baseline = visits["VISIT"] == "baseline"
    assert np.array_equal(np.sort(who[baseline]), np.arange(len(people)))
    assert all(p.visits[0].label == "baseline" for p in ex)
    # The labels used are the example's.
    assert set(visits["VISIT"].tolist()) == {v.label for p in ex for v in p.visits}


def test_events_like_the_examples(large: Tables, example: Trial) -> None:
    """The proportion of participants with each event type is the example's."""
    people = large["participants"]["USUBJID"]
    events = large["events"]
    kinds = {e.type.value for p in example.participants for e in p.events}
    assert set(events["DSDECOD"].tolist()) == kinds
    for kind in sorted(kinds):
        rows = events["DSDECOD"] == kind
        share = len(np.unique(events["USUBJID"][rows])) / len(people)
        count = sum(
            any(e.type.value == kind for e in p.events) for p in example.participants
        )
        _close_proportion(share, count, len(example.participants), kind)
    assert len(np.unique(events["USUBJID"][events["DSDECOD"] == "death"])) == int(
        (events["DSDECOD"] == "death").sum()
    )


def _canonical(
    labs: dict[str, np.ndarray[Any, Any]], analyte: str
) -> np.ndarray[Any, Any]:
    """Values of *analyte* in its canonical unit (one conversion per unit)."""
    rows = labs["LBTESTCD"] == analyte
    out = np.empty(int(rows.sum()))
    units = labs["LBORRESU"][rows]
    values = labs["LBORRES"][rows]
    canonical = ANALYTES[analyte].families[0].canonical_unit
    for unit in set(units.tolist()):
        here = units == unit
        out[here] = convert(values[here], unit, canonical, analyte=analyte)
    return out


@pytest.mark.parametrize("analyte", ["creatinine", "upcr", "c3", "anti_dsdna"])
@pytest.mark.parametrize("label", ["baseline", "month 6", "month 12", "month 24"])
def test_lab_values_follow_the_examples_course(
    large: Tables, example: Trial, analyte: str, label: str
) -> None:
    """Mean log lab value per timepoint is within sampling error of the example's."""
    labs = large["labs"]
    rows = labs["LBTESTCD"] == analyte
    at = labs["VISIT"][rows] == label
    got = np.log(_canonical(labs, analyte)[at])
    ref = [
        math.log(lab.canonical_value)
        for p in example.participants
        for v in p.visits
        if v.label == label
        for lab in v.labs
        if lab.analyte.value == analyte
    ]
    _close_mean(got, ref, f"{analyte} at {label}")


@pytest.mark.parametrize(
    "analyte", ["creatinine", "upcr", "c3", "c4", "anti_dsdna", "ana"]
)
def test_lab_rows_per_visit_like_the_examples(
    large: Tables, example: Trial, analyte: str
) -> None:
    """The share of visits with each analyte (labs missing too) is the example's."""
    n_visits = len(large["visits"]["USUBJID"])
    share = float((large["labs"]["LBTESTCD"] == analyte).sum()) / n_visits
    visits = [v for p in example.participants for v in p.visits]
    count = sum(any(lab.analyte.value == analyte for lab in v.labs) for v in visits)
    _close_proportion(share, count, len(visits), analyte)


# -- the model rules ---------------------------------------------------------------


def test_tables_obey_the_model_rules_at_scale(large: Tables) -> None:
    """Vectorised checks of the rules a Trial enforces, over 20,000 participants."""
    people, visits, labs, events = (
        large["participants"],
        large["visits"],
        large["labs"],
        large["events"],
    )
    ids = people["USUBJID"]
    v_who = _per_participant(visits["USUBJID"], ids)
    assert np.array_equal(ids[v_who], visits["USUBJID"])
    # Visits in strictly increasing date order per participant, none before birth.
    same = v_who[1:] == v_who[:-1]
    assert (np.diff(v_who) >= 0).all()
    assert (visits["SVSTDTC"][1:][same] > visits["SVSTDTC"][:-1][same]).all()
    assert (visits["SVSTDTC"] > people["BRTHDTC"][v_who]).all()
    # Baseline within the baseline window; day 0 after birth.
    base = visits["VISIT"] == "baseline"
    base_day = (visits["SVSTDTC"] - people["RFSTDTC"][v_who])[base].astype(int)
    assert ((base_day >= -30) & (base_day <= 0)).all()
    # Events in (date, type) order, at most one death, nothing after a death.
    e_who = _per_participant(events["USUBJID"], ids)
    key = list(
        zip(
            e_who.tolist(),
            events["DSSTDTC"].tolist(),
            events["DSDECOD"].tolist(),
            strict=True,
        )
    )
    assert key == sorted(key)
    death = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[D]")
    is_death = events["DSDECOD"] == "death"
    death[e_who[is_death]] = events["DSSTDTC"][is_death]
    assert not (events["DSSTDTC"] > death[e_who]).any()
    assert not (visits["SVSTDTC"] > death[v_who]).any()
    # Lab values plausible for their analyte, and dated on their visit.
    for analyte in set(labs["LBTESTCD"].tolist()):
        low, high = ANALYTES[analyte].families[0].plausible or (0.0, math.inf)
        values = _canonical(labs, analyte)
        assert ((values >= low) & (values <= high)).all(), analyte
    lab_visits = set(zip(labs["USUBJID"].tolist(), labs["LBDTC"].tolist(), strict=True))
    assert lab_visits <= set(
        zip(visits["USUBJID"].tolist(), visits["SVSTDTC"].tolist(), strict=True)
    )
    low, high = labs["LBSTNRLO"], labs["LBSTNRHI"]
    both = ~np.isnan(low) & ~np.isnan(high)
    assert (low[both] <= high[both]).all()


@pytest.mark.parametrize("seed", [1, 2024])
def test_small_cohort_validates_as_a_trial_and_reports(
    seed: int, example_rows: set[tuple[str, str, str | None]]
) -> None:
    """Tables as models validate; the outcome table has the example's rows."""
    tables = synthetic_tables(40, seed=seed)
    trial = trial_from_tables(tables)
    assert len(trial.participants) == 40
    assert sum(len(p.visits) for p in trial.participants) == len(
        tables["visits"]["USUBJID"]
    )
    assert sum(len(v.labs) for p in trial.participants for v in p.visits) == len(
        tables["labs"]["USUBJID"]
    )
    table = build_outcome_table(trial)
    assert table.synthetic
    assert [(a.arm, a.n) for a in table.arms] == [(a, 20) for a in SYNTHETIC_ARMS]
    assert {(r.section, r.outcome, r.timepoint) for r in table.rows} == example_rows
    cohort = Cohort.from_trial(trial)
    assert cohort.n_labs == len(tables["labs"]["USUBJID"])
    assert cohort.n_events == len(tables["events"]["USUBJID"])


# -- the Cohort (after Cohort.from_columns is merged) -------------------------------


def _cohort_arrays(cohort: Cohort) -> dict[str, Any]:
    skip = {"lab_source_row", "notes", "_cache", "name", "day0_label"}
    return {k: v for k, v in vars(cohort).items() if k not in skip}


def test_synthetic_cohort_equals_the_trial_laid_out() -> None:
    """synthetic_cohort equals Cohort.from_trial of the same tables as models."""
    cohort = synthetic_cohort(40, seed=5)
    assert cohort.synthetic
    assert cohort.name == synthetic_name(40, 5)
    assert cohort.arms == SYNTHETIC_ARMS
    assert cohort.schedule == synthetic_schedule()
    reference = Cohort.from_trial(trial_from_tables(synthetic_tables(40, seed=5)))
    got, want = _cohort_arrays(cohort), _cohort_arrays(reference)
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            # Canonical values: one factor per unit vs per-value conversion.
            assert np.allclose(got[key], value, rtol=1e-12, atol=0, equal_nan=True), key
        elif isinstance(value, np.ndarray) and value.dtype.kind == "M":
            assert np.array_equal(got[key], value), key
        elif isinstance(value, np.ndarray):
            assert got[key].tolist() == value.tolist(), key
        elif key == "visit_descriptors":
            assert value.keys() == got[key].keys()
            for name in value:
                assert np.array_equal(got[key][name], value[name]), name
        else:
            assert got[key] == value, key


# -- the design, against the script that generated the example ------------------


@pytest.fixture(scope="module")
def script_participants() -> list[dict[str, Any]]:
    """Participants of the example's generator run with 50 other seeds (4,000)."""
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location(
        "make_example_trial", root / "scripts" / "make_example_trial.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [
        p for seed in range(1, 51) for p in module.build_trial(seed)["participants"]
    ]


def _agree(got: list[float], want: list[float], what: str) -> None:
    """Two sample means differ by at most 4 standard errors of their difference."""
    a, b = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert abs(a.mean() - b.mean()) <= 4 * se + 1e-9, (what, a.mean(), b.mean())


def _script_visits(parts: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(p["arm"], v) for p in parts for v in p["visits"]]


def test_design_matches_the_generator_script(
    large: Tables, script_participants: list[dict[str, Any]]
) -> None:
    """Visit labels kept, events, lab rows, doses and descriptors per arm agree."""
    parts = script_participants
    people, visits, labs, events = (
        large["participants"],
        large["visits"],
        large["labs"],
        large["events"],
    )
    ids = people["USUBJID"]
    v_who = _per_participant(visits["USUBJID"], ids)
    for label in [
        "baseline",
        *(tp.label for tp in synthetic_schedule()),
        "unscheduled",
    ]:
        has = np.bincount(v_who[visits["VISIT"] == label], minlength=len(ids)) > 0
        _agree(
            has.tolist(),
            [any(v["label"] == label for v in p["visits"]) for p in parts],
            f"visit {label}",
        )
    for kind in ["death", "withdrawal", "rescue_therapy", "dialysis"]:
        e_who = _per_participant(events["USUBJID"][events["DSDECOD"] == kind], ids)
        _agree(
            np.isin(np.arange(len(ids)), e_who).tolist(),
            [any(e["type"] == kind for e in p["events"]) for p in parts],
            kind,
        )
    l_who = _per_participant(labs["USUBJID"], ids)
    for analyte in _ANALYTE_NAMES:
        _agree(
            np.bincount(
                l_who[labs["LBTESTCD"] == analyte], minlength=len(ids)
            ).tolist(),
            [
                sum(lab["analyte"] == analyte for v in p["visits"] for lab in v["labs"])
                for p in parts
            ],
            f"{analyte} rows",
        )
    _agree(
        (people["SEX"] == "F").tolist(),
        [p["patient"]["sex"] == "female" for p in parts],
        "female",
    )
    arm_of_visit = people["ARM"][v_who]
    for arm in SYNTHETIC_ARMS:
        for label in ("month 3", "month 12"):
            here = (arm_of_visit == arm) & (visits["VISIT"] == label)
            ref = [
                v for a, v in _script_visits(parts) if a == arm and v["label"] == label
            ]
            _agree(
                visits["GLUCOCORTICOID_MG_DAY"][here].tolist(),
                [v["glucocorticoid_mg_day"] for v in ref],
                f"glucocorticoid {arm} {label}",
            )
            for name in ("urinary_casts", "hematuria", "arthritis", "rash", "alopecia"):
                _agree(
                    visits[name][here].astype(bool).tolist(),
                    [v["descriptors"][name] for v in ref],
                    f"{name} {arm} {label}",
                )
            _agree(
                visits["RESCUE_THERAPY"][here].astype(bool).tolist(),
                [v["rescue_therapy"] for v in ref],
                f"rescue therapy {arm} {label}",
            )


@pytest.fixture(scope="module")
def lab_arm(large: Tables) -> np.ndarray[Any, Any]:
    """The arm of each lab row of the large trial."""
    people = large["participants"]
    who = _per_participant(large["labs"]["USUBJID"], people["USUBJID"])
    arm: np.ndarray[Any, Any] = people["ARM"][who]
    return arm


@pytest.mark.parametrize("analyte", _ANALYTE_NAMES)
@pytest.mark.parametrize("label", ["baseline", "month 6", "month 12", "month 24"])
def test_lab_values_match_the_generator_script(
    large: Tables,
    lab_arm: np.ndarray[Any, Any],
    script_participants: list[dict[str, Any]],
    analyte: str,
    label: str,
) -> None:
    """Mean log value per arm, unit and timepoint agrees with the script's."""
    labs = large["labs"]
    units = sorted(set(labs["LBORRESU"][labs["LBTESTCD"] == analyte].tolist()))
    checked = 0
    for arm in SYNTHETIC_ARMS:
        for unit in units:
            here = (
                (labs["LBTESTCD"] == analyte)
                & (labs["LBORRESU"] == unit)
                & (labs["VISIT"] == label)
                & (lab_arm == arm)
            )
            ref = [
                math.log(lab["value"])
                for p in script_participants
                if p["arm"] == arm
                for v in p["visits"]
                if v["label"] == label
                for lab in v["labs"]
                if lab["analyte"] == analyte and lab["unit"] == unit
            ]
            _agree(np.log(labs["LBORRES"][here]).tolist(), ref, f"{arm} {unit}")
            checked += 1
    assert checked == 2 * len(units)


def test_example_is_reachable_from_the_package() -> None:
    """``import lupusscore`` is enough to reach ``lupusscore.example``."""
    import lupusscore

    assert lupusscore.example.synthetic_tables is synthetic_tables
