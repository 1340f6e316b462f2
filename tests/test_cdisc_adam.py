"""``lupusscore.cdisc.write_adam``: ADaM datasets as XPT v5, Dataset-JSON 1.1 and CSV.

Round trips read the written files back (pyreadstat for XPT, ``json``/``csv``
for the others) and compare every column with the analysis' tables; the
Dataset-JSON is validated against the CDISC Dataset-JSON 1.1 schema; names,
labels and types are compared with the pharmaverse ADaM datasets where the
variables overlap (``tests/data/README.md``).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.cohort_strategies import trials

import lupusscore as ls
from lupusscore.cdisc import ADAM_DATASETS, XPT_UNIT_SPELLINGS, read_sdtm, write_adam
from lupusscore.cli import load_example_trial

DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "dataset_json_1_1.schema.json").read_text("utf-8"))
EPOCH = np.datetime64("1960-01-01", "D")
NAME = re.compile(r"[A-Z][A-Z0-9_]{0,7}\Z")
#: Our dataset -> its pharmaverse counterpart (tests/data/pharmaverse_adam_columns.csv).
PHARMAVERSE = {
    "ADSL": "adsl",
    "ADLB": "adlb",
    "ADRS": "adrs_onco",
    "ADTTE": "adtte_onco",
}


def _pilot() -> ls.Analysis:
    lb = pd.read_csv(DATA / "cdisc_pilot01_lb_subset.csv")
    dm = pd.read_csv(DATA / "cdisc_pilot01_dm_subset.csv")
    cohort = ls.Cohort.from_frames(
        lb,
        dm,
        name="CDISCPILOT01",
        analytes={
            "CREAT": "creatinine",
            "ALB": "albumin",
            "PLAT": "platelets",
            "WBC": "wbc",
        },
        schedule=[{"label": "WEEK 24", "day": 168, "window_days": 14}],
    )
    return ls.analyse(cohort, achieve_by="WEEK 24", maintain_through="WEEK 24")


def _small(arm: str, schedule: list[dict[str, Any]] | None = None) -> ls.Analysis:
    """Two participants (docs/cohort.md), the first in arm *arm*."""
    participants = pd.DataFrame(
        {
            "USUBJID": ["P1", "P2"],
            "SEX": ["F", "M"],
            "BRTHDTC": ["1980-03-01", "1975-07-15"],
            "ARM": [arm, "B"],
            "RFSTDTC": ["2020-01-10", "2020-02-03"],
        }
    )
    labs = pd.DataFrame(
        {
            "USUBJID": ["P1", "P1", "P1", "P1", "P2", "P2"],
            "LBTESTCD": ["CREAT", "UPCR", "CREAT", "UPCR", "CREAT", "UPCR"],
            "LBORRES": [88.0, 350.0, 80.0, 30.0, 1.1, 2.1],
            "LBORRESU": ["umol/L", "mg/mmol", "umol/L", "mg/mmol", "mg/dL", "g/g"],
            "LBDTC": [
                "2020-01-08",
                "2020-01-08",
                "2020-07-09",
                "2020-07-09",
                "2020-02-01",
                "2020-02-01",
            ],
        }
    )
    cohort = ls.Cohort.from_frames(
        labs,
        participants,
        schedule=schedule or [{"label": "month 6", "day": 182, "window_days": 14}],
        analytes={"CREAT": "creatinine", "UPCR": "upcr"},
    )
    return ls.analyse(cohort, achieve_by="month 6", maintain_through="month 6")


ANALYSES = {
    # observed-only: NE rows with a reason in NEREAS; a flare definition: TTFLARE
    "example": lambda: ls.analyse(
        load_example_trial(), policy="observed_only", flare_definition="aurora-2"
    ),
    "pilot": _pilot,
}


@pytest.fixture(scope="module", params=sorted(ANALYSES))
def analysis(request: pytest.FixtureRequest) -> ls.Analysis:
    return ANALYSES[request.param]()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def written(
    analysis: ls.Analysis, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("adam")
    return {
        fmt: write_adam(analysis, out / fmt, format=fmt)
        for fmt in ("xpt", "json", "csv")
    }


def _tables(analysis: ls.Analysis) -> dict[str, ls.Table]:
    return {
        "ADSL": analysis.adsl,
        "ADLB": analysis.adlb,
        "ADRS": analysis.adrs,
        "ADTTE": analysis.adtte,
    }


def _expected_columns(analysis: ls.Analysis, name: str) -> dict[str, np.ndarray]:
    table = _tables(analysis)[name]
    cols = {c: table[c] for c in table.columns}
    if "STUDYID" not in cols:
        cols = {
            "STUDYID": np.full(len(table), analysis.cohort.name, dtype=object),
            **cols,
        }
    return cols


def _define(written: dict[str, dict[str, Path]], fmt: str) -> dict[str, Any]:
    return json.loads(written[fmt]["define"].read_text("utf-8"))  # type: ignore[no-any-return]


def _dataset_meta(define: dict[str, Any], name: str) -> dict[str, Any]:
    (meta,) = [d for d in define["datasets"] if d["name"] == name]
    return meta  # type: ignore[no-any-return]


# --- what is written ---------------------------------------------------------


def test_writes_four_datasets_and_define(written: dict[str, dict[str, Path]]) -> None:
    """Each format writes adsl, adlb, adrs, adtte and define.json into the folder."""
    for fmt, paths in written.items():
        assert set(paths) == {*ADAM_DATASETS, "define"}
        for name in ADAM_DATASETS:
            assert paths[name].name == f"{name.lower()}.{fmt}"
            assert paths[name].is_file()
        assert paths["define"].name == "define.json"


def test_analysis_labels_fit_adam(analysis: ls.Analysis) -> None:
    """Every label of the analysis tables has at most 40 characters (ADaM, XPT v5)."""
    for table in _tables(analysis).values():
        long = {c: lab for c, lab in table.labels.items() if len(lab) > 40}
        assert not long


def test_names_labels_and_paramcd_follow_adam(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """Names <= 8 characters, labels <= 40, PARAMCD <= 8, as written."""
    define = _define(written, "xpt")
    for meta in define["datasets"]:
        assert NAME.match(meta["name"])
        assert len(meta["label"]) <= 40
        for var in meta["variables"]:
            assert NAME.match(var["name"]), var["name"]
            assert 0 < len(var["label"]) <= 40, var
            assert var["type"] in {"Char", "Num"}
    for name in ("ADLB", "ADRS", "ADTTE"):
        codes = set(_tables(analysis)[name]["PARAMCD"].tolist())
        assert codes
        assert all(NAME.match(code) for code in codes), codes


def test_keys_identify_records(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """The key variables named in define.json are unique together in each dataset."""
    define = _define(written, "json")
    for name in ADAM_DATASETS:
        keys = _dataset_meta(define, name)["keys"]
        cols = _expected_columns(analysis, name)
        rows = list(zip(*(cols[k].tolist() for k in keys), strict=True))
        assert len(set(rows)) == len(rows), name


def test_define_names_the_definition_and_citation(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """define.json: the renal response definition, its version and citation."""
    define = _define(written, "csv")
    d = analysis.definition
    got = define["analysis"]["renalResponseDefinition"]
    assert (got["id"], got["version"], got["citation"]) == (d.id, d.version, d.citation)
    avalc = {v["name"]: v for v in _dataset_meta(define, "ADRS")["variables"]}["AVALC"]
    assert d.id in avalc["derivation"]
    assert d.citation in avalc["derivation"]
    assert f"version {d.version}" in avalc["derivation"]
    flare = analysis.flare_definition
    if flare is None:
        assert define["analysis"]["renalFlareDefinition"] is None
    else:
        assert define["analysis"]["renalFlareDefinition"]["citation"] == flare.citation
    # every variable of every table is described, in order
    for name in ADAM_DATASETS:
        meta = _dataset_meta(define, name)
        assert [v["name"] for v in meta["variables"]] == list(
            _expected_columns(analysis, name)
        )
        assert meta["records"] == len(_tables(analysis)[name])


def test_lupusscore_label_kept_as_comment(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """Where the ADaM IG label replaces lupusscore's, define.json keeps the latter."""
    define = _define(written, "json")
    for name in ADAM_DATASETS:
        table = _tables(analysis)[name]
        for var in _dataset_meta(define, name)["variables"]:
            own = table.labels.get(var["name"])
            if own is not None and own != var["label"]:
                assert var["comment"] == own
            else:
                assert "comment" not in var


# --- XPT ---------------------------------------------------------------------


def _read_xpt(path: Path) -> tuple[pd.DataFrame, Any]:
    pyreadstat = pytest.importorskip("pyreadstat")
    return pyreadstat.read_xport(path, disable_datetime_conversion=True)  # type: ignore[no-any-return]


def _xpt_spelling(text: str) -> str:
    for symbol, ascii_spelling in XPT_UNIT_SPELLINGS:
        text = text.replace(symbol, ascii_spelling)
    return text


def _check_xpt_round_trip(analysis: ls.Analysis, paths: dict[str, Path]) -> None:
    for name in ADAM_DATASETS:
        frame, _ = _read_xpt(paths[name])
        expected = _expected_columns(analysis, name)
        assert list(frame.columns) == list(expected)
        assert len(frame) == len(_tables(analysis)[name])
        for col, want in expected.items():
            got = frame[col].to_numpy()
            if want.dtype == object:
                blank = ["" if x is None else _xpt_spelling(x) for x in want.tolist()]
                assert got.tolist() == blank, (name, col)
            elif want.dtype.kind == "M":
                days = (want - EPOCH).astype(float)
                days[np.isnat(want)] = np.nan
                np.testing.assert_array_equal(got.astype(float), days, err_msg=col)
            else:
                np.testing.assert_array_equal(
                    got.astype(float), want.astype(float), err_msg=col
                )


def test_xpt_round_trips_values(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """pyreadstat reads back every value: text (None as blank), numbers, SAS dates."""
    _check_xpt_round_trip(analysis, written["xpt"])


def _check_xpt_metadata(paths: dict[str, Path]) -> None:
    define = json.loads(paths["define"].read_text("utf-8"))
    for name in ADAM_DATASETS:
        _, meta = _read_xpt(paths[name])
        want = _dataset_meta(define, name)
        assert meta.table_name == name
        assert meta.file_label == want["label"]
        variables = want["variables"]
        assert meta.column_names == [v["name"] for v in variables]
        assert meta.column_labels == [v["label"] for v in variables]
        for v in variables:
            kind = meta.readstat_variable_types[v["name"]]
            assert kind == ("string" if v["type"] == "Char" else "double")
            if v["type"] == "Char":
                assert meta.variable_storage_width[v["name"]] == v["length"]
            fmt = meta.original_variable_types[v["name"]]
            assert (fmt == "DATE9.") == (v.get("displayFormat") == "DATE9.")
            assert (v["dataType"] == "date") == (v.get("displayFormat") == "DATE9.")


def test_xpt_metadata(written: dict[str, dict[str, Path]]) -> None:
    """XPT v5: dataset name and label, variable labels, types, lengths, DATE9."""
    _check_xpt_metadata(written["xpt"])


def test_empty_dataset_keeps_its_variables(tmp_path: Path) -> None:
    """A participant without visits: ADLB has no rows but all its typed variables."""
    trial = ls.Trial.model_validate(
        {
            "name": "T",
            "day0": "randomisation",
            "arms": ["A"],
            "schedule": [{"label": "m1", "day": 30, "window_days": 7}],
            "participants": [
                {
                    "patient": {
                        "id": "P0",
                        "sex": "female",
                        "birth_date": "1950-06-15",
                    },
                    "arm": "A",
                    "visits": [],
                    "day0": "2010-01-01",
                }
            ],
        }
    )
    analysis = ls.analyse(trial, achieve_by="m1", maintain_through="m1")
    assert len(analysis.adlb) == 0
    paths = write_adam(analysis, tmp_path, format="xpt")
    _check_xpt_metadata(paths)
    _check_xpt_round_trip(analysis, paths)
    frame, _ = _read_xpt(paths["ADLB"])
    assert list(frame.columns) == ["STUDYID", *analysis.adlb.columns]


def test_xpt_without_pyreadstat_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No pyreadstat: MissingExtraError naming the extra ``cdisc``; nothing written."""
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    a = _small("A")
    with pytest.raises(ls.MissingExtraError, match=r"lupusscore\[cdisc\]") as err:
        write_adam(a, tmp_path / "out", format="xpt")
    assert err.value.extra == "cdisc"
    assert not (tmp_path / "out").exists()


def test_xpt_rejects_non_ascii_text(tmp_path: Path) -> None:
    """XPT v5 has no encoding: non-ASCII text is an error naming the variable.

    Nothing is written; Dataset-JSON and CSV (UTF-8) keep the text.
    """
    a = _small("Placébo")
    with pytest.raises(ls.InvalidValueError, match=r"ADSL\.TRT01P") as err:
        write_adam(a, tmp_path / "xpt", format="xpt")
    assert err.value.index == 0
    assert not (tmp_path / "xpt").exists()
    paths = write_adam(a, tmp_path / "json", format="json")
    doc = json.loads(paths["ADSL"].read_text("utf-8"))
    arm = [c["name"] for c in doc["columns"]].index("TRT01P")
    assert doc["rows"][0][arm] == "Placébo"


def _with_temperature() -> ls.Analysis:
    participants = pd.DataFrame(
        {
            "USUBJID": ["P1"],
            "SEX": ["F"],
            "BRTHDTC": ["1980-03-01"],
            "ARM": ["A"],
            "RFSTDTC": ["2020-01-10"],
        }
    )
    labs = pd.DataFrame(
        {
            "USUBJID": ["P1"] * 3,
            "LBTESTCD": ["CREAT", "TEMP", "CREAT"],
            "LBORRES": [88.0, 38.4, 80.0],
            "LBORRESU": ["µmol/L", "°C", "µmol/L"],
            "LBDTC": ["2020-01-08", "2020-01-08", "2020-07-09"],
        }
    )
    cohort = ls.Cohort.from_frames(
        labs,
        participants,
        schedule=[{"label": "month 6", "day": 182, "window_days": 14}],
        analytes={"CREAT": "creatinine", "TEMP": "body_temperature"},
    )
    return ls.analyse(cohort, achieve_by="month 6", maintain_through="month 6")


def test_xpt_spells_unit_symbols_in_ascii(tmp_path: Path) -> None:
    """°C (body temperature's unit) is "C" in XPT, as CDISC's UNIT codelist spells it.

    The spellings are listed in define.json; Dataset-JSON keeps the symbol.
    """
    analysis = _with_temperature()
    assert "°C" in set(analysis.adlb["AVALU"].tolist())
    paths = write_adam(analysis, tmp_path / "xpt", format="xpt")
    frame, _ = _read_xpt(paths["ADLB"])
    temp = frame[frame["PARAMCD"] == "TEMP"]
    assert set(temp["AVALU"]) == {"C"}
    assert set(temp["PARAM"]) == {"Body temperature (C)"}
    _check_xpt_round_trip(analysis, paths)
    _check_xpt_metadata(paths)
    define = json.loads(paths["define"].read_text("utf-8"))
    assert define["xptUnitSpellings"]["°C"] == "C"
    paths = write_adam(analysis, tmp_path / "json", format="json")
    _check_json_round_trip(analysis, paths)
    assert "xptUnitSpellings" not in json.loads(paths["define"].read_text("utf-8"))


def test_xpt_rejects_text_over_200_characters(tmp_path: Path) -> None:
    """XPT v5 holds at most 200 characters per value: longer is an error."""
    a = _small("A" * 201)
    with pytest.raises(ls.InvalidValueError, match="at most 200"):
        write_adam(a, tmp_path / "xpt", format="xpt")
    paths = write_adam(a, tmp_path / "csv", format="csv")
    with paths["ADSL"].open(encoding="utf-8", newline="") as fh:
        assert next(csv.DictReader(fh))["TRT01P"] == "A" * 201


# --- Dataset-JSON ------------------------------------------------------------


def test_dataset_json_validates_against_the_schema(
    written: dict[str, dict[str, Path]],
) -> None:
    """Every dataset validates against the CDISC Dataset-JSON 1.1 schema."""
    validator = jsonschema.Draft201909Validator(SCHEMA)
    for name in ADAM_DATASETS:
        doc = json.loads(written["json"][name].read_text("utf-8"))
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (name, errors[:3])
        assert doc["datasetJSONVersion"].startswith("1.1")
        assert doc["name"] == name
        assert doc["records"] == len(doc["rows"])


def _check_json_round_trip(analysis: ls.Analysis, paths: dict[str, Path]) -> None:
    define = json.loads(paths["define"].read_text("utf-8"))
    for name in ADAM_DATASETS:
        doc = json.loads(paths[name].read_text("utf-8"))
        expected = _expected_columns(analysis, name)
        assert [c["name"] for c in doc["columns"]] == list(expected)
        by_column = list(zip(*doc["rows"], strict=True)) or [()] * len(expected)
        got = dict(zip(expected, by_column, strict=True))
        for col, want in expected.items():
            values = list(got[col])
            if want.dtype.kind == "M":
                back = np.array(
                    ["NaT" if v is None else v for v in values], dtype="datetime64[D]"
                )
                np.testing.assert_array_equal(back, want, err_msg=col)
            elif want.dtype == np.float64:
                back_f = np.array([np.nan if v is None else v for v in values])
                np.testing.assert_array_equal(back_f, want, err_msg=col)
            else:
                assert values == want.tolist(), (name, col)
        meta = {v["name"]: v for v in _dataset_meta(define, name)["variables"]}
        for c in doc["columns"]:
            assert c["label"] == meta[c["name"]]["label"]
            assert c["dataType"] == meta[c["name"]]["dataType"]
            assert c.get("length") == (
                meta[c["name"]]["length"] if c["dataType"] == "string" else None
            )
            if c["dataType"] == "date":
                assert c["targetDataType"] == "integer"


def test_dataset_json_round_trips_columns(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """Columns read back equal the tables: None as null, dates as ISO 8601."""
    _check_json_round_trip(analysis, written["json"])


# --- CSV ---------------------------------------------------------------------


def test_csv_round_trips_with_a_header(
    analysis: ls.Analysis, written: dict[str, dict[str, Path]]
) -> None:
    """CSV: a header of names; numbers exact; empty is missing (or blank text)."""
    for name in ADAM_DATASETS:
        with written["csv"][name].open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            rows = list(reader)
        expected = _expected_columns(analysis, name)
        assert header == list(expected)
        assert len(rows) == len(_tables(analysis)[name])
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
        for col, cells in zip(header, columns, strict=True):
            want = expected[col]
            if want.dtype == object:
                assert list(cells) == ["" if x is None else x for x in want.tolist()]
            elif want.dtype.kind == "M":
                back = np.array([c or "NaT" for c in cells], dtype="datetime64[D]")
                np.testing.assert_array_equal(back, want, err_msg=col)
            else:
                back_f = np.array([float(c) if c else np.nan for c in cells])
                np.testing.assert_array_equal(back_f, want.astype(float), err_msg=col)


# --- pharmaverse -------------------------------------------------------------


def _pharmaverse() -> dict[str, dict[str, tuple[str, str]]]:
    out: dict[str, dict[str, tuple[str, str]]] = {}
    with (DATA / "pharmaverse_adam_columns.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["dataset"], {})[row["name"]] = (
                row["label"],
                row["type"],
            )
    return out


def _category_of_r(r_type: str) -> str:
    return {"character": "Char", "Date": "date", "double": "Num", "integer": "Num"}[
        r_type
    ]


def test_names_labels_types_match_pharmaverse(
    written: dict[str, dict[str, Path]],
) -> None:
    """Variables shared with pharmaverse's ADaM: same label and type (XPT as read)."""
    reference = _pharmaverse()
    for name in ADAM_DATASETS:
        _, meta = _read_xpt(written["xpt"][name])
        theirs = reference[PHARMAVERSE[name]]
        shared = [c for c in meta.column_names if c in theirs]
        assert len(shared) >= 5, (name, shared)
        for col in shared:
            label, r_type = theirs[col]
            assert meta.column_labels[meta.column_names.index(col)] == label, col
            if meta.readstat_variable_types[col] == "string":
                ours = "Char"
            elif meta.original_variable_types[col] == "DATE9.":
                ours = "date"
            else:
                ours = "Num"
            assert ours == _category_of_r(r_type), (name, col)


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"analysis": None}, "analysis"),
        ({"analysis": "adsl"}, "analysis"),
        ({"format": "sas7bdat"}, "format"),
        ({"format": ["xpt"]}, "format"),
        ({"path": 3}, "path"),
    ],
)
def test_bad_arguments_raise_the_library_error(
    kwargs: dict[str, Any], field: str, tmp_path: Path
) -> None:
    """Not an Analysis, an unknown format, a non-path: InvalidValueError naming it."""
    call: dict[str, Any] = {"analysis": _small("A"), "path": tmp_path / "o"}
    call.update(kwargs)
    fmt = call.pop("format", "csv")
    with pytest.raises(ls.InvalidValueError) as err:
        write_adam(call["analysis"], call["path"], format=fmt)
    assert err.value.field == field


def test_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    """A path naming an existing file is an error, and the file is left alone."""
    target = tmp_path / "adam"
    target.write_text("keep", encoding="utf-8")
    with pytest.raises(ls.InvalidValueError, match="directory"):
        write_adam(_small("A"), target, format="json")
    assert target.read_text(encoding="utf-8") == "keep"


# --- random trials and schedules ------------------------------------------------


@settings(max_examples=25)
@given(trial=trials(max_participants=4), flare=st.sampled_from([None, "upcr-doubling"]))
def test_random_trials_round_trip_exactly(trial: ls.Trial, flare: str | None) -> None:
    """Random trials: XPT and Dataset-JSON read back equal, and the JSON validates."""
    analysis = ls.analyse(trial, flare_definition=flare)
    validator = jsonschema.Draft201909Validator(SCHEMA)
    with tempfile.TemporaryDirectory() as out:
        paths = write_adam(analysis, Path(out) / "json", format="json")
        _check_json_round_trip(analysis, paths)
        for name in ADAM_DATASETS:
            doc = json.loads(paths[name].read_text("utf-8"))
            assert not list(validator.iter_errors(doc))
        _check_xpt_round_trip(
            analysis, write_adam(analysis, Path(out) / "xpt", format="xpt")
        )


def test_screen_failure_adsl_round_trips_and_validates(tmp_path: Path) -> None:
    """The SDTM pilot with its screen failure (ITTFL N) writes exact XPT and JSON."""
    cohort = read_sdtm(
        DATA / "cdisc_pilot01",
        schedule=[{"label": "WEEK 24", "day": 168, "window_days": 14}],
    )
    analysis = ls.analyse(cohort, achieve_by="WEEK 24", maintain_through="WEEK 24")
    assert "N" in analysis.adsl["ITTFL"].tolist()
    validator = jsonschema.Draft201909Validator(SCHEMA)
    for fmt in ("json", "xpt"):
        paths = write_adam(analysis, tmp_path / fmt, format=fmt)
        if fmt == "json":
            _check_json_round_trip(analysis, paths)
            doc = json.loads(paths["ADSL"].read_text("utf-8"))
            assert not [e.message for e in validator.iter_errors(doc)]
        else:
            _check_xpt_round_trip(analysis, paths)
            _check_xpt_metadata(paths)
