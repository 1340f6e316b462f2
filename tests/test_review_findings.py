"""Regression tests for defects an independent review of the reliability work found."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lupusscore as ls
from lupusscore.cli import EXIT_DATA, main
from lupusscore.errors import DefinitionError, InvalidValueError

DAY = "2009-05-01"


def _lab(analyte: str, value: float, unit: str, specimen: str | None) -> Any:
    return ls.LabResult(
        analyte=analyte, value=value, unit=unit, date=DAY, specimen=specimen
    )


def _patient() -> Any:
    return ls.Patient(id="P01", sex="female", birth_date="1980-02-14")


def test_same_time_labs_do_not_depend_on_list_order() -> None:
    """Two same-time creatinines (different specimens) give one eGFR either way."""
    a = _lab("creatinine", 1.0, "mg/dL", None)
    b = _lab("creatinine", 2.5, "mg/dL", "serum")
    forward = ls.Visit(participant_id="P01", date=DAY, labs=[a, b])
    backward = ls.Visit(participant_id="P01", date=DAY, labs=[b, a])
    assert forward.latest("creatinine") == backward.latest("creatinine") == b
    e1 = ls.egfr(_patient(), forward).require()
    e2 = ls.egfr(_patient(), backward).require()
    assert e1 == e2


def test_a_24h_urine_protein_stands_for_the_visit() -> None:
    """Of a spot and a 24-h UPCR at one time, the 24-h collection is used."""
    spot = _lab("upcr", 0.4, "g/g", "spot_urine")
    timed = _lab("upcr", 1.2, "g/g", "urine_24h")
    for labs in ([spot, timed], [timed, spot]):
        visit = ls.Visit(participant_id="P01", date=DAY, labs=labs)
        assert visit.latest("upcr") == timed
    assert ls.models.SPECIMEN_PREFERENCE[0] is ls.models.Specimen.URINE_24H


def test_same_visit_with_labs_in_another_order_is_merged_not_a_duplicate() -> None:
    """An identical visit listed twice with its labs reordered is one visit."""
    a = _lab("creatinine", 1.0, "mg/dL", "serum")
    b = _lab("upcr", 0.4, "g/g", "spot_urine")
    v1 = ls.Visit(participant_id="P01", date=DAY, labs=[a, b])
    v2 = ls.Visit(participant_id="P01", date=DAY, labs=[b, a])
    p = ls.Participant.from_unordered(
        {
            "patient": _patient().model_dump(),
            "visits": [v1.model_dump(), v2.model_dump()],
        }
    )
    assert len(p.visits) == 1


@pytest.mark.parametrize(
    ("value", "src", "dst"),
    [(1e308, "g/L", "ng/L"), (5e-324, "ng/L", "g/L"), ([1.0, 1e308], "g/L", "ng/L")],
)
def test_convert_rejects_overflow_and_underflow(value: Any, src: str, dst: str) -> None:
    """A conversion that leaves float range is an error, not inf or 0."""
    with pytest.raises(InvalidValueError, match="overflowed or underflowed"):
        ls.convert(value, src, dst)


@pytest.mark.parametrize("value", ["5", np.complex128(1 + 2j), [1.0, "2"]])
def test_convert_rejects_strings_and_complex(value: Any) -> None:
    """Text and complex numbers are not values to convert."""
    with pytest.raises(InvalidValueError):
        ls.convert(value, "g/L", "mg/L")


def test_height_in_centimetres_given_as_metres_is_caught() -> None:
    """CKiD U25 takes metres; 170 'm' is a unit mix-up (the eGFR would be ~6500)."""
    with pytest.raises(InvalidValueError, match="centimetres"):
        ls.kidney.egfr_ckid_u25_cr(1.0, 170, 10, female=False)
    assert ls.kidney.egfr_ckid_u25_cr(1.0, 1.7, 10, female=False) > 0


def test_slicc_biopsy_array_is_a_library_error() -> None:
    """A per-person flag given as an array is the library's error."""
    with pytest.raises(InvalidValueError):
        ls.classify_sle_slicc_2012(lupus_nephritis_biopsy=np.array([]))  # type: ignore[arg-type]


def test_deeply_nested_definition_file_is_a_definition_error(tmp_path: Path) -> None:
    """A definition file nested 100,000 deep is refused, not a RecursionError."""
    path = tmp_path / "nested.json"
    path.write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    with pytest.raises(DefinitionError, match="nested too deeply"):
        ls.response.load_definition(path)


def _example(tmp_path: Path, edit: Any) -> Path:
    data = json.loads(ls.cli._example_text())
    edit(data)
    path = tmp_path / "trial.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_duplicate_json_keys_are_bad_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key written twice in one object is refused (the last value would win)."""
    path = tmp_path / "dup.json"
    path.write_text('{"name": "a", "name": "b"}', "utf-8")
    assert main(["report", str(path)]) == EXIT_DATA
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "appears twice" in captured.err


def test_empty_schedule_is_bad_data_not_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trial file without timepoints exits 65 (bad data), not 2 (usage)."""

    def edit(d: dict[str, Any]) -> None:
        d["schedule"] = []

    assert main(["report", str(_example(tmp_path, edit))]) == EXIT_DATA
    assert "schedule" in capsys.readouterr().err


def test_cli_prints_warnings_as_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lab far from its visit is one `warning:` line, not a raw Python warning."""

    def edit(d: dict[str, Any]) -> None:
        visit = d["participants"][0]["visits"][1]
        day = dt.date.fromisoformat(visit["date"]) - dt.timedelta(days=60)
        visit["labs"][0]["date"] = day.isoformat()

    assert main(["report", str(_example(tmp_path, edit))]) == 0
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln]
    assert lines
    assert all(ln.startswith("warning: LabDateWarning") for ln in lines), lines
    assert "pydantic" not in err


def test_definitions_show_accepts_flare_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """Every id `definitions` lists can be shown, flare ids included."""
    assert main(["definitions", "--show", "aurora-2"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == "aurora-2"


def test_lab_descriptors_speak_the_vocabulary() -> None:
    """Urine cell counts use the library's one name; the old one warns."""
    from lupusscore.activity import lab_descriptors
    from lupusscore.vocabulary import INPUTS

    new = lab_descriptors(urine_rbc_hpf=8.0, urine_wbc_hpf=2.0)
    assert new["hematuria"].item() == 1.0
    with pytest.warns(DeprecationWarning, match="urine_rbc_hpf"):
        old = lab_descriptors(urine_rbc_per_hpf=8.0)
    assert old["hematuria"].item() == 1.0
    with pytest.raises(InvalidValueError, match="not both"):
        lab_descriptors(urine_rbc_hpf=8.0, urine_rbc_per_hpf=8.0)
    import inspect

    params = inspect.signature(lab_descriptors).parameters
    for name in params:
        if (
            name.endswith(("_hpf", "_g_day", "_g_g", "_c", "_l"))
            and "per_hpf" not in name
        ):
            assert name in INPUTS, name


@pytest.mark.parametrize("field", ["participants", "schedule"])
def test_schema_rejects_a_trial_file_without_participants_or_schedule(
    field: str,
) -> None:
    """What the CLI refuses as bad data, the JSON Schema refuses too."""
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(ls.cli._example_text())
    schema = ls.Trial.model_json_schema()
    jsonschema.validate(data, schema)
    data[field] = []
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


# --- review of the cohort engine and the CDISC work (issue 12/13) -------------


def test_reference_range_of_another_unit_family_is_a_bad_row() -> None:
    """An anti-dsDNA range in U/mL beside a result in IU/mL is refused, not read."""
    import numpy as np

    labs = {
        "USUBJID": np.array(["P1", "P1"], dtype=object),
        "LBTESTCD": np.array(["anti_dsdna", "anti_dsdna"], dtype=object),
        "LBORRES": np.array([50.0, 60.0]),
        "LBORRESU": np.array(["IU/mL", "IU/mL"], dtype=object),
        "LBSTNRHI": np.array([100.0, 100.0]),
        "LBSTRESU": np.array(["U/mL", "IU/mL"], dtype=object),
        "LBDTC": np.array(["2020-01-01", "2020-02-01"], dtype=object),
    }
    people = {
        "USUBJID": np.array(["P1"], dtype=object),
        "SEX": np.array(["F"], dtype=object),
        "BRTHDTC": np.array(["1980-01-01"], dtype=object),
        "RFSTDTC": np.array(["2020-01-10"], dtype=object),
    }
    with pytest.raises(ls.TableError) as caught:
        ls.Cohort.from_columns(labs, people)
    rows = {(p.row, p.column) for p in caught.value.problems}
    assert rows == {(0, "LBSTRESU")}


def test_adsl_age_is_the_calendar_age() -> None:
    """AGE is whole years by the calendar: 65 on the 65th birthday."""
    import numpy as np

    from lupusscore.cohort._analysis import _whole_years

    born = np.array(["1950-03-01", "1950-03-01", "2000-12-31"], dtype="datetime64[D]")
    on = np.array(["2015-03-01", "2015-02-28", "2001-12-30"], dtype="datetime64[D]")
    assert _whole_years(born, on).tolist() == [65.0, 64.0, 0.0]


def test_an_arm_without_an_evaluable_assessment_is_not_evaluable() -> None:
    """One arm without UPCR (a site without it): that arm is NE, never 0%.

    Only the assessments the rules use count: an unscheduled visit with UPCR
    does not make the arm evaluable when unscheduled visits are not used.
    """
    import numpy as np

    from lupusscore.example import SYNTHETIC_ARMS, synthetic_schedule, synthetic_tables

    tables = synthetic_tables(40, seed=5)
    labs, people = tables["labs"], tables["participants"]
    arm_of = dict(zip(people["USUBJID"].tolist(), people["ARM"].tolist(), strict=True))
    in_b = np.array([arm_of[u] == SYNTHETIC_ARMS[1] for u in labs["USUBJID"].tolist()])
    kidney = np.isin(labs["LBTESTCD"].astype(str), ["upcr", "creatinine"])
    keep = ~(in_b & kidney)
    cohort = ls.Cohort.from_columns(
        {k: v[keep] for k, v in labs.items()},
        people,
        visits=tables["visits"],
        events=tables["events"],
        schedule=synthetic_schedule(),
        arms=SYNTHETIC_ARMS,
        synthetic=True,
    )
    a = ls.analyse(cohort)
    table = a.outcome_table()
    primary = {r.arm: r for r in table.rows if r.section == "primary"}
    assert primary[SYNTHETIC_ARMS[1]].n == 0
    assert primary[SYNTHETIC_ARMS[1]].imputed == 0
    assert primary[SYNTHETIC_ARMS[0]].n > 0
    assert sum("in arm 'Prednisone' is not evaluable" in n for n in table.notes) == 1
    adrs = a.adrs
    b_rows = [k for k in range(len(adrs)) if adrs["TRT01P"][k] == SYNTHETIC_ARMS[1]]
    assert {adrs["AVALC"][k] for k in b_rows} == {"NE"}


def test_standard_result_given_only_as_text_is_a_bad_row(tmp_path: Path) -> None:
    """LBSTRESN empty with LBSTRESC "<10": a bad row, never a missing result."""
    import csv
    import shutil

    from lupusscore.cdisc import read_sdtm

    pilot = Path(__file__).parent / "data" / "cdisc_pilot01"
    study = tmp_path / "study"
    shutil.copytree(pilot, study)
    with (study / "lb.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    target = next(i for i, r in enumerate(rows) if r["LBTESTCD"] == "CREAT")
    rows[target]["LBSTRESN"] = ""
    rows[target]["LBSTRESC"] = "<10"
    with (study / "lb.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ls.TableError) as caught:
        read_sdtm(study, results="standard", analytes={"HGB": None})
    assert any(p.row == target for p in caught.value.problems)


def test_height_with_a_partial_date_is_not_used(tmp_path: Path) -> None:
    """A VS HEIGHT with VSDTC "2014" cannot be placed before day 0: not used, noted."""
    import shutil

    from lupusscore.cdisc import read_sdtm

    pilot = Path(__file__).parent / "data" / "cdisc_pilot01"
    study = tmp_path / "study"
    shutil.copytree(pilot, study)
    (study / "vs.csv").write_text(
        "STUDYID,DOMAIN,USUBJID,VSTESTCD,VSORRES,VSORRESU,VSDTC\n"
        "CDISCPILOT01,VS,01-701-1015,HEIGHT,170,cm,2013-12-26\n"
        "CDISCPILOT01,VS,01-701-1015,HEIGHT,150,cm,2014\n",
        encoding="utf-8",
    )
    cohort = read_sdtm(study)
    k = cohort.participant_id.tolist().index("01-701-1015")
    assert cohort.height_cm[k] == 170.0
    assert any("partial date" in note for note in cohort.notes)


def test_an_empty_participants_table_with_events_is_a_table_error() -> None:
    """No participants: every lab, visit and event row is reported, no IndexError.

    Found by the review of the sixth performance pass (the defect predates it):
    the death check indexed the per-participant death counts of no participant.
    """
    from lupusscore.cohort import Cohort
    from lupusscore.errors import TableError
    from lupusscore.example import (
        SYNTHETIC_ARMS,
        synthetic_schedule,
        synthetic_tables,
    )

    tables = synthetic_tables(5, seed=1)  # with events
    people = {k: v[:0] for k, v in tables["participants"].items()}
    with pytest.raises(TableError) as exc:
        Cohort.from_columns(
            tables["labs"],
            people,
            visits=tables["visits"],
            events=tables["events"],
            schedule=synthetic_schedule(),
            arms=SYNTHETIC_ARMS,
        )
    by_table = {p.table for p in exc.value.problems}
    assert {"labs", "visits", "events"} <= by_table
    n_events = len(tables["events"]["USUBJID"])
    assert n_events
    events = [p for p in exc.value.problems if p.table == "events"]
    assert sorted(p.row for p in events) == list(range(n_events))
