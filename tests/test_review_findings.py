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
