"""read_sdtm: screen failures (no RFSTDTC) and EX/CM glucocorticoid doses.

A DM participant without a study day 0 reaches the cohort but not the analysis
population: no outcome, no denominator, an ADSL row with ITTFL "N" and a note
in the outcome table. EX/CM rows give the visits a prednisone dose only where
the row is prednisone in mg with a mapped frequency; every other
glucocorticoid row is reported (name, reason, count) and leaves the visits it
covers without a dose, never 0.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

import lupusscore as ls
from lupusscore.cdisc import read_sdtm
from lupusscore.cli import load_example_trial
from lupusscore.cohort import analysis_population
from lupusscore.models import FrozenMap

PILOT = Path(__file__).parent / "data" / "cdisc_pilot01"
WEEK24 = [{"label": "WEEK 24", "day": 168, "window_days": 14}]


def _rows(domain: str) -> list[dict[str, str]]:
    with (PILOT / f"{domain}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(folder: Path, name: str, rows: Sequence[Mapping[str, object]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _pilot_analysis() -> ls.Analysis:
    cohort = read_sdtm(PILOT, schedule=WEEK24)
    return ls.analyse(cohort, achieve_by="WEEK 24", maintain_through="WEEK 24")


# --- screen failures -----------------------------------------------------------


def test_screen_failure_is_outside_the_analysis_population() -> None:
    """The pilot's screen failure is in no arm and no row; the table says so."""
    screen = [r["USUBJID"] for r in _rows("dm") if not r["RFSTDTC"]]
    randomised = [r for r in _rows("dm") if r["RFSTDTC"]]
    a = _pilot_analysis()
    assert a.cohort.n_participants == len(randomised)
    assert a.not_analysed is not None
    assert a.not_analysed.participant_id.tolist() == screen
    table = a.outcome_table()
    assert sum(arm.n for arm in table.arms) == len(randomised)
    assert "Screen Failure" not in {arm.arm for arm in table.arms}
    for row in table.rows:
        assert row.arm != "Screen Failure"
        assert row.n + row.not_evaluable <= len(randomised)
    (note,) = [n for n in table.notes if "not in the analysis population" in n]
    assert note.startswith("1 participant(s) without a study day 0")
    assert "Screen Failure (1)" in note
    assert screen[0] in note
    assert screen[0] not in set(a.adrs["USUBJID"].tolist())
    assert screen[0] not in set(a.adtte["USUBJID"].tolist())
    assert screen[0] not in set(a.adlb["USUBJID"].tolist())


def test_screen_failure_has_an_adsl_row_with_ittfl_n() -> None:
    """ADSL has every DM participant; ITTFL is N exactly for those without day 0."""
    dm = {r["USUBJID"]: r for r in _rows("dm")}
    adsl = _pilot_analysis().adsl
    assert adsl["USUBJID"].tolist() == sorted(dm)
    assert adsl.labels["ITTFL"] == "Intent-To-Treat Population Flag"
    for row in adsl.to_dicts():
        source = dm[row["USUBJID"]]
        assert row["ITTFL"] == ("Y" if source["RFSTDTC"] else "N")
        assert row["TRT01P"] == source["ARM"]
        assert row["SEX"] == source["SEX"]
        if not source["RFSTDTC"]:  # nothing derived without a day 0
            assert row["TRTSDT"] is None
            assert row["AGE"] is None
            assert row["LSTCNTDY"] is None
            assert row["EOSSTT"] == ""


def test_screen_failure_reaches_the_written_adsl(tmp_path: Path) -> None:
    """write_adam's ADSL (CSV) carries the screen failure with ITTFL N."""
    from lupusscore.cdisc import write_adam

    written = write_adam(_pilot_analysis(), tmp_path, format="csv")
    with written["ADSL"].open(encoding="utf-8", newline="") as fh:
        rows = {r["USUBJID"]: r for r in csv.DictReader(fh)}
    screen = [r["USUBJID"] for r in _rows("dm") if not r["RFSTDTC"]]
    assert len(rows) == len(_rows("dm"))
    assert [p for p, r in rows.items() if r["ITTFL"] == "N"] == screen


def _with_unrandomised(cohort: ls.Cohort, arm: str) -> ls.Cohort:
    """*cohort* with one more participant in *arm*, without a day 0 or data."""

    def grown(values: np.ndarray, extra: object) -> np.ndarray:  # type: ignore[type-arg]
        out = np.empty(len(values) + 1, dtype=values.dtype)
        out[:-1], out[-1] = values, extra
        return out

    return dataclasses.replace(
        cohort,
        participant_id=grown(cohort.participant_id, "ZZZ-999"),
        sex=grown(cohort.sex, "female"),
        birth_date=grown(cohort.birth_date, np.datetime64("1990-01-01")),
        arm=grown(cohort.arm, arm),
        day0=grown(cohort.day0, np.datetime64("NaT")),
        height_cm=grown(cohort.height_cm, np.nan),
        black=grown(cohort.black, -1),
        _cache={},
    )


def test_participant_without_day0_is_never_an_imputed_non_responder() -> None:
    """Under non-responder imputation, an unrandomised participant changes no row."""
    trial = load_example_trial()
    cohort = ls.Cohort.from_trial(trial)
    extra = _with_unrandomised(cohort, cohort.arms[0])
    base = ls.analyse(cohort).outcome_table()
    got = ls.analyse(extra).outcome_table()
    assert got.rows == base.rows
    assert got.arms == base.arms
    assert got.notes[: len(base.notes)] == base.notes
    assert "ZZZ-999" in got.notes[-1]
    direct = ls.build_outcome_table(trial)
    assert direct.rows == base.rows
    split, left_out = analysis_population(extra)
    assert split.n_participants == cohort.n_participants
    assert left_out is not None
    assert left_out.participant_id.tolist() == ["ZZZ-999"]


def test_participant_without_day0_cannot_have_visits() -> None:
    """A cohort whose participant without day 0 has visits is refused."""
    cohort = ls.Cohort.from_trial(load_example_trial())
    day0 = cohort.day0.copy()
    day0[0] = np.datetime64("NaT")
    with pytest.raises(ls.InvalidValueError, match="without a day 0"):
        dataclasses.replace(cohort, day0=day0, _cache={})


def test_screen_failure_with_a_bad_sex_is_a_bad_dm_row(tmp_path: Path) -> None:
    """A DM row without RFSTDTC still needs a readable SEX (reported by row)."""
    dm = _rows("dm")
    row = next(i for i, r in enumerate(dm) if not r["RFSTDTC"])
    dm[row]["SEX"] = "U"
    _write(tmp_path, "dm.csv", dm)
    with pytest.raises(ls.TableError) as err:
        read_sdtm(tmp_path)
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("DM", row, "SEX")


# --- EX/CM glucocorticoids ------------------------------------------------------

DM = [
    {"STUDYID": "S1", "USUBJID": "P1", "SEX": "F", "BRTHDTC": "1980-05-01",
     "RFSTDTC": "2020-01-10", "ARM": "A"},
    {"STUDYID": "S1", "USUBJID": "P2", "SEX": "M", "BRTHDTC": "1975-03-02",
     "RFSTDTC": "2020-02-01", "ARM": "B"},
]  # fmt: skip
SV = [
    {"USUBJID": "P1", "VISIT": "BASELINE", "SVSTDTC": "2020-01-10"},
    {"USUBJID": "P1", "VISIT": "WEEK 4", "SVSTDTC": "2020-02-07"},
    {"USUBJID": "P1", "VISIT": "WEEK 8", "SVSTDTC": "2020-03-06"},
    {"USUBJID": "P2", "VISIT": "BASELINE", "SVSTDTC": "2020-02-01"},
    {"USUBJID": "P2", "VISIT": "WEEK 4", "SVSTDTC": "2020-02-29"},
]  # fmt: skip
LB = [
    {"USUBJID": "P1", "LBTESTCD": "CREAT", "LBSPEC": "SERUM", "LBORRES": "0.9",
     "LBORRESU": "mg/dL", "LBDTC": "2020-01-10", "VISIT": "BASELINE"},
]  # fmt: skip
CM = [
    # P1: 20 mg once daily, then 5 mg twice daily (10 mg/day), ongoing
    {"USUBJID": "P1", "CMTRT": "Prednisone", "CMDECOD": "PREDNISONE",
     "CMDOSE": "20", "CMDOSU": "mg", "CMDOSFRQ": "QD", "CMROUTE": "ORAL",
     "CMSTDTC": "2020-01-01", "CMENDTC": "2020-02-10", "CMENRF": ""},
    {"USUBJID": "P1", "CMTRT": "Prednisone", "CMDECOD": "PREDNISONE",
     "CMDOSE": "5", "CMDOSU": "mg", "CMDOSFRQ": "BID", "CMROUTE": "ORAL",
     "CMSTDTC": "2020-02-11", "CMENDTC": "", "CMENRF": "ONGOING"},
    # P2: methylprednisolone (no verified prednisone equivalent) in week 4
    {"USUBJID": "P2", "CMTRT": "Medrol", "CMDECOD": "METHYLPREDNISOLONE",
     "CMDOSE": "16", "CMDOSU": "mg", "CMDOSFRQ": "QD", "CMROUTE": "ORAL",
     "CMSTDTC": "2020-02-20", "CMENDTC": "2020-03-31", "CMENRF": ""},
    # P2: prednisone every other day: no daily dose without a mapped frequency
    {"USUBJID": "P2", "CMTRT": "Prednisone", "CMDECOD": "PREDNISONE",
     "CMDOSE": "10", "CMDOSU": "mg", "CMDOSFRQ": "QOD", "CMROUTE": "ORAL",
     "CMSTDTC": "2020-01-25", "CMENDTC": "2020-02-05", "CMENRF": ""},
    {"USUBJID": "P2", "CMTRT": "Paracetamol", "CMDECOD": "PARACETAMOL",
     "CMDOSE": "500", "CMDOSU": "mg", "CMDOSFRQ": "PRN", "CMROUTE": "ORAL",
     "CMSTDTC": "2020-01-01", "CMENDTC": "2020-03-01", "CMENRF": ""},
]  # fmt: skip


def _gc_folder(tmp_path: Path, cm: Sequence[Mapping[str, object]] = CM) -> Path:
    for name, rows in (("dm.csv", DM), ("sv.csv", SV), ("lb.csv", LB)):
        _write(tmp_path, name, rows)
    _write(tmp_path, "cm.csv", cm)
    return tmp_path


def _doses(cohort: ls.Cohort) -> dict[tuple[str, str], float]:
    ids = cohort.participant_id
    return {
        (str(ids[p]), str(label)): float(d)
        for p, label, d in zip(
            cohort.visit_participant.tolist(),
            cohort.visit_label.tolist(),
            cohort.visit_glucocorticoid_mg_day.tolist(),
            strict=True,
        )
    }


def test_cm_prednisone_dose_is_dose_times_frequency(tmp_path: Path) -> None:
    """Prednisone in mg x QD/BID gives the visit's mg/day; ongoing rows stay open."""
    doses = _doses(read_sdtm(_gc_folder(tmp_path)))
    assert doses[("P1", "BASELINE")] == 20.0
    assert doses[("P1", "WEEK 4")] == 20.0  # 2020-02-07, before the change
    assert doses[("P1", "WEEK 8")] == 10.0  # 5 mg BID, ongoing
    note = next(n for n in read_sdtm(tmp_path).notes if n.startswith("CM: 2 pred"))
    assert "QD 1, BID 2" in note


def test_cm_other_glucocorticoids_are_reported_and_not_converted(
    tmp_path: Path,
) -> None:
    """Methylprednisolone and an unmapped frequency: noted by name; dose unknown."""
    cohort = read_sdtm(_gc_folder(tmp_path))
    doses = _doses(cohort)
    # QOD prednisone covers P2's baseline; methylprednisolone covers week 4
    assert np.isnan(doses[("P2", "BASELINE")])
    assert np.isnan(doses[("P2", "WEEK 4")])
    (note,) = [n for n in cohort.notes if "not mapped to a prednisone dose" in n]
    assert note.startswith("CM: 2 glucocorticoid row(s)")
    assert "METHYLPREDNISOLONE (no verified prednisone equivalent) (1)" in note
    assert "PREDNISONE (CMDOSFRQ 'QOD') (1)" in note
    (other,) = [n for n in cohort.notes if "not a glucocorticoid" in n]
    assert other.startswith("CM: 1 row(s)")
    assert "PARACETAMOL (1)" in other


def test_visit_without_a_glucocorticoid_row_has_no_dose(tmp_path: Path) -> None:
    """A visit no prednisone row covers has no dose (NaN), never 0."""
    cm = [r for r in CM if r["USUBJID"] == "P1"][:1]  # ends 2020-02-10
    cohort = read_sdtm(_gc_folder(tmp_path, cm))
    doses = _doses(cohort)
    assert doses[("P1", "BASELINE")] == 20.0
    assert np.isnan(doses[("P1", "WEEK 8")])
    assert np.isnan(doses[("P2", "BASELINE")])
    assert any("no prednisone row covers" in n for n in cohort.notes)


def test_pilot_ex_is_reported_as_not_a_glucocorticoid() -> None:
    """The pilot's EX (xanomeline, placebo) is counted by name; no dose is set."""
    ex = _rows("ex")
    randomised = {r["USUBJID"] for r in _rows("dm") if r["RFSTDTC"]}
    counts: dict[str, int] = {}
    for r in ex:
        if r["USUBJID"] in randomised:
            counts[r["EXTRT"]] = counts.get(r["EXTRT"], 0) + 1
    cohort = read_sdtm(PILOT)
    (note,) = [n for n in cohort.notes if n.startswith("EX:")]
    assert note.startswith(f"EX: {sum(counts.values())} row(s) not a glucocorticoid")
    for name, n in counts.items():
        assert f"{name} ({n})" in note
    assert np.all(np.isnan(cohort.visit_glucocorticoid_mg_day))


# --- QS: SLEDAI-2K items by a study-supplied mapping ------------------------------

QS = [
    {"USUBJID": "P1", "QSTESTCD": "SLE01", "QSORRES": "Y", "QSSTAT": "",
     "QSDTC": "2020-01-10"},
    {"USUBJID": "P1", "QSTESTCD": "SLE02", "QSORRES": "N", "QSSTAT": "",
     "QSDTC": "2020-01-10"},
    {"USUBJID": "P1", "QSTESTCD": "SLE01", "QSORRES": "", "QSSTAT": "NOT DONE",
     "QSDTC": "2020-02-07"},
    {"USUBJID": "P1", "QSTESTCD": "SLE02", "QSORRES": "U", "QSSTAT": "",
     "QSDTC": "2020-02-07"},
    {"USUBJID": "P2", "QSTESTCD": "SLE01", "QSORRES": "N", "QSSTAT": "",
     "QSDTC": "2020-02-01"},
    {"USUBJID": "P2", "QSTESTCD": "OTHER", "QSORRES": "3", "QSSTAT": "",
     "QSDTC": "2020-02-01"},
    {"USUBJID": "P2", "QSTESTCD": "SLE02", "QSORRES": "Y", "QSSTAT": "",
     "QSDTC": "2020-02-02"},
]  # fmt: skip
ITEMS = {"SLE01": "arthritis", "sle02": "Rash"}


def _qs_folder(tmp_path: Path, qs: Sequence[Mapping[str, object]] = QS) -> Path:
    for name, rows in (("dm.csv", DM), ("sv.csv", SV), ("lb.csv", LB)):
        _write(tmp_path, name, rows)
    _write(tmp_path, "qs.csv", qs)
    return tmp_path


def _descriptor(cohort: ls.Cohort, name: str) -> dict[tuple[str, str], int]:
    ids = cohort.participant_id
    return {
        (str(ids[p]), str(label)): int(v)
        for p, label, v in zip(
            cohort.visit_participant.tolist(),
            cohort.visit_label.tolist(),
            cohort.visit_descriptors[name].tolist(),
            strict=True,
        )
    }


def test_qs_is_not_read_without_a_study_mapping(tmp_path: Path) -> None:
    """No SLEDAI-2K QS codes ship: QS rows are counted, no descriptor is set."""
    cohort = read_sdtm(_qs_folder(tmp_path))
    (note,) = [n for n in cohort.notes if n.startswith("QS:")]
    assert note.startswith(f"QS: {len(QS)} row(s) not read")
    assert "sledai_items=" in note
    for col in cohort.visit_descriptors.values():
        assert set(col.tolist()) == {-1}


def test_qs_items_go_to_the_visit_of_their_date(tmp_path: Path) -> None:
    """Y present, N absent, U and NOT DONE not assessed; unmapped codes counted."""
    cohort = read_sdtm(_qs_folder(tmp_path), sledai_items=ITEMS)
    arthritis = _descriptor(cohort, "arthritis")
    rash = _descriptor(cohort, "rash")
    assert arthritis[("P1", "BASELINE")] == 1
    assert rash[("P1", "BASELINE")] == 0
    assert arthritis[("P1", "WEEK 4")] == -1  # NOT DONE
    assert rash[("P1", "WEEK 4")] == -1  # U
    assert arthritis[("P2", "BASELINE")] == 0
    assert rash[("P2", "BASELINE")] == -1
    notes = [n for n in cohort.notes if n.startswith("QS:")]
    assert any(n.startswith("QS: 5 row(s) read as SLEDAI-2K") for n in notes)
    assert any("OTHER (1)" in n for n in notes)
    assert any(n.startswith("QS: 1 row(s) without an SV visit") for n in notes)


def test_qs_result_outside_the_ny_codelist_is_a_bad_row(tmp_path: Path) -> None:
    """A QS result that is not Y/N/U/NA is a bad row naming QS, row and variable."""
    qs = [dict(r) for r in QS]
    qs[1]["QSORRES"] = "MAYBE"
    with pytest.raises(ls.TableError) as err:
        read_sdtm(_qs_folder(tmp_path, qs), sledai_items=ITEMS)
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("QS", 1, "QSORRES")


def test_sledai_items_must_name_descriptors() -> None:
    """An unknown descriptor name is the library's error, naming the code."""
    with pytest.raises(ls.InvalidValueError, match="SLE01"):
        read_sdtm(PILOT, sledai_items={"SLE01": "joint pain"})
    with pytest.raises(ls.InvalidValueError, match="sledai_items"):
        read_sdtm(PILOT, sledai_items=["SLE01"])  # type: ignore[arg-type]


def test_analysis_population_keeps_stratification_and_control_arm_aligned() -> None:
    """The split subsets stratification columns with the participants.

    A control arm that only left-out participants have is not kept (no error).
    """
    cohort = ls.Cohort.from_trial(load_example_trial())
    n = cohort.n_participants
    region = np.array([f"R{i % 3}" for i in range(n)] + ["R9"], dtype=object)
    extra = dataclasses.replace(
        _with_unrandomised(cohort, cohort.arms[0]),
        stratification=FrozenMap({"region": region}),
        _cache={},
    )
    split, left_out = analysis_population(extra)
    assert left_out is not None
    assert split.stratification["region"].tolist() == region[:n].tolist()
    assert left_out.stratification["region"].tolist() == ["R9"]
    assert split.control_arm == cohort.control_arm
    only_out = dataclasses.replace(
        _with_unrandomised(cohort, "Screen Failure"),
        arms=(*cohort.arms, "Screen Failure"),
        control_arm="Screen Failure",
        _cache={},
    )
    kept, _ = analysis_population(only_out)
    assert kept.control_arm is None
    assert "Screen Failure" not in kept.arms
