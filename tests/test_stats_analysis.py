"""Comparisons of an analysis, the trial file's stratification, the report."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

import lupusscore as ls
from lupusscore.cli import load_example_trial, main
from lupusscore.cohort import Cohort
from lupusscore.errors import InvalidValueError, MissingExtraError, TableError
from lupusscore.stats import compare_proportions, reference_arm, with_comparisons

pytest.importorskip("statsmodels")

#: Stratification levels given to the example's participants (made up here).
REGIONS = ("EU", "Asia")


def _stratified_trial(*, missing: int = 0) -> ls.Trial:
    """The bundled example with a region factor; the first *missing* have none."""
    trial = load_example_trial()
    data = trial.model_dump(mode="json")
    for i, p in enumerate(data["participants"]):
        p["stratification"] = {} if i < missing else {"region": REGIONS[i % 2]}
    return ls.Trial.model_validate(data)


def _rows(table: ls.Table, **match: str) -> list[dict[str, Any]]:
    return [r for r in table.to_dicts() if all(r[k] == v for k, v in match.items())]


# --- the trial file and the cohort -------------------------------------------------


def test_trial_file_carries_stratification_into_the_cohort() -> None:
    """``stratification`` per participant reaches ``Cohort.stratification``."""
    trial = _stratified_trial(missing=2)
    cohort = Cohort.from_trial(trial)
    assert list(cohort.stratification) == ["region"]
    by_id = {p.patient.id: p for p in trial.participants}
    got = dict(
        zip(
            cohort.participant_id.tolist(),
            cohort.stratification["region"].tolist(),
            strict=True,
        )
    )
    for pid, level in got.items():
        assert level == by_id[pid].stratification.get("region")
    assert sum(v is None for v in got.values()) == 2
    with pytest.raises(ValueError, match="read-only"):
        cohort.stratification["region"][0] = "x"


def test_stratification_round_trips_and_is_in_the_schema() -> None:
    """The JSON of a trial keeps the factors; the schema documents them."""
    trial = _stratified_trial()
    again = ls.Trial.model_validate_json(trial.model_dump_json())
    assert again == trial
    schema = ls.Trial.model_json_schema()
    props = schema["$defs"]["Participant"]["properties"]
    assert "stratification" in props
    assert "control_arm" in schema["properties"]


@pytest.mark.parametrize(
    "bad", [{"region": 3}, {"region": ""}, {"": "EU"}, ["region"], "EU"]
)
def test_bad_stratification_is_a_validation_error(bad: object) -> None:
    """A level that is not text, an empty name, not a mapping: the field is named."""
    data = load_example_trial().model_dump(mode="json")
    data["participants"][0]["stratification"] = bad
    with pytest.raises(ValidationError, match="stratification"):
        ls.Trial.model_validate(data)


def test_control_arm_must_be_an_arm() -> None:
    """``control_arm`` names one of the trial's arms."""
    data = load_example_trial().model_dump(mode="json")
    data["control_arm"] = "Placebo"
    with pytest.raises(ValidationError, match="control_arm"):
        ls.Trial.model_validate(data)


def _people() -> dict[str, Any]:
    return {
        "USUBJID": np.array(["P1", "P2", "P3"], dtype=object),
        "SEX": np.array(["F", "M", "F"], dtype=object),
        "BRTHDTC": np.array(["1980-01-01"] * 3, dtype=object),
        "RFSTDTC": np.array(["2010-01-01"] * 3, dtype=object),
        "ARM": np.array(["B", "A", "B"], dtype=object),
        "REGION": np.array(["EU", None, "Asia"], dtype=object),
    }


_LABS = {
    "USUBJID": np.array(["P1"], dtype=object),
    "LBTESTCD": np.array(["creatinine"], dtype=object),
    "LBORRES": np.array(["88.4"], dtype=object),
    "LBORRESU": np.array(["umol/L"], dtype=object),
    "LBDTC": np.array(["2010-01-01"], dtype=object),
}


def test_from_columns_reads_stratification_columns() -> None:
    """``stratification=`` names participants columns; missing = not recorded."""
    cohort = Cohort.from_columns(
        _LABS, _people(), stratification=["REGION"], control_arm="A"
    )
    assert cohort.stratification["REGION"].tolist() == ["EU", None, "Asia"]
    assert cohort.control_arm == "A"
    plain = Cohort.from_columns(_LABS, _people())
    assert dict(plain.stratification) == {}


def test_from_frames_reads_stratification_columns() -> None:
    """The same through a pandas data frame."""
    pd = pytest.importorskip("pandas")
    cohort = Cohort.from_frames(
        pd.DataFrame(_LABS), pd.DataFrame(_people()), stratification=["REGION"]
    )
    assert cohort.stratification["REGION"].tolist() == ["EU", None, "Asia"]


def test_bad_stratification_columns_are_reported() -> None:
    """A numeric level is a row problem; an unknown column or arm an option error."""
    people = _people()
    people["REGION"] = np.array(["EU", 3, "Asia"], dtype=object)
    with pytest.raises(TableError, match="REGION"):
        Cohort.from_columns(_LABS, people, stratification=["REGION"])
    with pytest.raises(InvalidValueError, match="stratification"):
        Cohort.from_columns(_LABS, _people(), stratification=["NOPE"])
    with pytest.raises(InvalidValueError, match="stratification"):
        Cohort.from_columns(_LABS, _people(), stratification="REGION")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="control_arm"):
        Cohort.from_columns(_LABS, _people(), control_arm="C")


# --- the reference arm -----------------------------------------------------------


def test_reference_is_the_control_arm_else_the_first_sorted() -> None:
    """Default reference: the trial's control arm; without one, sorted first."""
    trial = load_example_trial()
    assert trial.control_arm == "Prednisone"
    assert reference_arm(Cohort.from_trial(trial)) == (
        "Prednisone",
        "the trial's control arm",
    )
    data = trial.model_dump(mode="json")
    del data["control_arm"]
    plain = Cohort.from_trial(ls.Trial.model_validate(data))
    assert reference_arm(plain)[0] == "MSC infusion"
    assert reference_arm(plain, "Prednisone")[0] == "Prednisone"
    with pytest.raises(InvalidValueError, match="reference"):
        reference_arm(plain, "Placebo")


# --- Analysis.comparisons ---------------------------------------------------------


def test_comparisons_of_the_example_follow_the_table_counts() -> None:
    """Each proportion row's comparison is compare_proportions of its counts."""
    a = ls.analyse(load_example_trial())
    table = a.comparisons()
    assert set(table["REFERENCE"].tolist()) == {"Prednisone"}
    primary = {r.arm: r for r in a.outcome_table().rows if r.section == "primary"}
    arm, ref = primary["MSC infusion"], primary["Prednisone"]
    want = compare_proportions(arm.count or 0, arm.n, ref.count or 0, ref.n)
    got = _rows(table, SECTION="primary")
    assert [r["METHOD"] for r in got] == [w.method for w in want]
    for r, w in zip(got, want, strict=True):
        assert r["ESTIMATE"] == pytest.approx(w.estimate, nan_ok=True)
        assert r["N"] == arm.n + ref.n
    tte = _rows(table, SECTION="time to event")
    assert {r["MEASURE"] for r in tte} == {"log-rank test", "hazard ratio"}
    assert len(tte) == 2 * len(set(a.adtte["PARAMCD"].tolist()))


def test_comparisons_with_stratification_add_the_stratified_methods() -> None:
    """Factors: CMH, MH OR, Breslow-Day, adjusted OR; stratified log-rank."""
    a = ls.analyse(_stratified_trial(missing=3))
    table = a.comparisons()
    primary = _rows(table, SECTION="primary")
    measures = [r["MEASURE"] for r in primary]
    for m in (
        "CMH test",
        "Mantel-Haenszel odds ratio",
        "Breslow-Day test",
        "adjusted odds ratio",
    ):
        assert m in measures
    stratified = [r for r in primary if r["STRATA"] == "region"]
    assert stratified
    assert all("3 participant(s)" in (r["NOTE"] or "") for r in stratified)
    ranks = _rows(table, SECTION="time to event", MEASURE="log-rank test")
    assert all(r["METHOD"] == "stratified log-rank" for r in ranks)


def test_reversed_reference_negates_the_difference() -> None:
    """Choosing the other arm as reference negates each difference."""
    a = ls.analyse(load_example_trial())
    fwd = _rows(a.comparisons(), MEASURE="difference")
    back = _rows(a.comparisons("MSC infusion"), MEASURE="difference")
    assert len(fwd) == len(back)
    for f, b in zip(fwd, back, strict=True):
        if f["NOTE"] is None:
            assert f["ESTIMATE"] == pytest.approx(-b["ESTIMATE"], abs=1e-12)
            assert f["CI_LOW"] == pytest.approx(-b["CI_HIGH"], abs=1e-6)


def test_no_evaluable_arm_gives_not_estimable_rows() -> None:
    """Every comparison whose arm has no evaluable participant says so."""
    a = ls.analyse(load_example_trial())
    table = a.comparisons()
    for r in table.to_dicts():
        if r["NOTE"] and r["NOTE"].startswith("not estimable"):
            assert r["ESTIMATE"] is None
            assert r["CI_LOW"] is None


def test_missing_extra_is_said_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without statsmodels: the table as today, saying comparisons need the extra."""
    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    a = ls.analyse(load_example_trial())
    table = with_comparisons(a)
    assert table.comparisons == ()
    assert "lupusscore[stats]" in (table.comparisons_note or "")
    assert table.rows == a.outcome_table().rows
    with pytest.raises(MissingExtraError, match="stats"):
        a.comparisons()


# --- the report ------------------------------------------------------------------


def test_report_prints_the_comparisons(capsys: pytest.CaptureFixture[str]) -> None:
    """``report``: a comparisons section in text, rows in CSV, a list in JSON."""
    assert main(["report"]) == 0
    text = capsys.readouterr().out
    assert "== BETWEEN-ARM COMPARISONS ==" in text
    assert "Each arm against Prednisone (the trial's control arm)" in text
    assert main(["report", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["comparisons"]
    assert ls.report.OutcomeTable.model_validate(data).comparisons
    assert main(["report", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "reference,measure,method,test_statistic,p_value,strata,note"
    )
    assert sum(",comparison," in line for line in lines) == len(data["comparisons"])


def test_report_reference_option(capsys: pytest.CaptureFixture[str]) -> None:
    """``--reference ARM`` changes the reference; an unknown arm is a usage error."""
    assert main(["report", "--reference", "MSC infusion"]) == 0
    assert "Each arm against MSC infusion (chosen)" in capsys.readouterr().out
    assert main(["report", "--reference", "Placebo"]) == 2
    err = capsys.readouterr().err
    assert "reference" in err
    assert "Placebo" in err


def test_report_without_the_extra_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without statsmodels the text report names the extra and still succeeds."""
    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "pip install 'lupusscore[stats]'" in out
    assert "Newcombe" not in out
