"""read_sdtm: a folder of SDTM domains (CSV, XPT v5, Dataset-JSON 1.1) to a Cohort.

The CDISC pilot subset in tests/data/cdisc_pilot01/ (see tests/data/README.md)
is read as it comes; the same rows written as XPT and Dataset-JSON must read
to an equal cohort. Small synthetic folders exercise what the pilot lacks
(LBSTAT, LBLOINC, LBSPEC, VS, missing birth dates).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pytest

import lupusscore as ls
from lupusscore.cdisc import SDTM_MAPPING, read_sdtm
from lupusscore.cohort import visit_egfr

PILOT = Path(__file__).parent / "data" / "cdisc_pilot01"
SCHEMA = Path(__file__).parent / "data" / "dataset_json_1_1.schema.json"
MAPPED = {"ALB", "CREAT", "PLAT", "WBC", "HGB"}  # pilot codes in the CT mapping


def _rows(domain: str, folder: Path = PILOT) -> list[dict[str, str]]:
    with (folder / f"{domain}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write_csv(folder: Path, name: str, rows: Sequence[Mapping[str, object]]) -> None:
    with (folder / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def _same(a: ls.Cohort, b: ls.Cohort) -> None:
    for f in dataclasses.fields(a):
        if f.name == "_cache":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, f.name
            if x.dtype.kind == "f":
                np.testing.assert_array_equal(x, y, err_msg=f.name)
            else:
                assert x.tolist() == y.tolist(), f.name
        elif f.name == "visit_descriptors":
            assert {k: v.tolist() for k, v in x.items()} == {
                k: v.tolist() for k, v in y.items()
            }
        else:
            assert x == y, f.name


def test_every_dm_participant_reaches_the_cohort() -> None:
    """Every DM row is a participant; those without RFSTDTC have no day 0 (noted)."""
    dm = _rows("dm")
    cohort = read_sdtm(PILOT)
    everyone = sorted(r["USUBJID"] for r in dm)
    assert cohort.participant_id.tolist() == everyone
    no_day0 = sorted(r["USUBJID"] for r in dm if not r["RFSTDTC"])
    assert len(no_day0) == 1  # the subset keeps one screen failure
    assert [
        p for p, d in zip(everyone, np.isnat(cohort.day0), strict=True) if d
    ] == no_day0
    assert any(
        "1 participant(s) without RFSTDTC" in n
        and "outside the analysis population" in n
        for n in cohort.notes
    )
    sexes = {r["USUBJID"]: r["SEX"] for r in dm}
    assert [("female" if sexes[p] == "F" else "male") for p in everyone] == (
        cohort.sex.tolist()
    )
    arms = {r["USUBJID"]: r["ARM"] for r in dm}
    assert cohort.arm.tolist() == [arms[p] for p in everyone]
    births = {r["USUBJID"]: r["BRTHDTC"] for r in dm}
    assert [str(b) for b in cohort.birth_date.tolist()] == [births[p] for p in everyone]
    assert "Screen Failure" not in cohort.arms
    assert cohort.name == "CDISCPILOT01"
    # the screen failure's rows of LB and SV are not used
    sf = cohort.participant_id.tolist().index(no_day0[0])
    assert sf not in cohort.visit_participant.tolist()
    assert sf not in cohort.lab_participant.tolist()


def test_every_mappable_lab_row_reaches_the_cohort() -> None:
    """Each LB row with a mapped code is one cohort lab row (by source row)."""
    lb = _rows("lb")
    day0 = {r["USUBJID"] for r in _rows("dm") if r["RFSTDTC"]}
    expected = [
        i
        for i, r in enumerate(lb)
        if r["LBTESTCD"] in MAPPED and r["USUBJID"] in day0 and r["LBORRES"]
    ]
    cohort = read_sdtm(PILOT)
    assert sorted(cohort.lab_source_row.tolist()) == expected
    values = cohort.lab_value.tolist()
    for k, value in zip(cohort.lab_source_row.tolist(), values, strict=True):
        assert value == float(lb[k]["LBORRES"])
    assert sorted(set(cohort.lab_unit.tolist())) == sorted(
        {lb[i]["LBORRESU"] for i in expected}
    )


def test_unmapped_codes_are_counted_in_notes() -> None:
    """Each unmapped LBTESTCD is listed with its row count."""
    lb = _rows("lb")
    day0 = {r["USUBJID"] for r in _rows("dm") if r["RFSTDTC"]}
    counts = Counter(
        r["LBTESTCD"]
        for r in lb
        if r["LBTESTCD"] not in MAPPED and r["USUBJID"] in day0
    )
    note = next(n for n in read_sdtm(PILOT).notes if "mapped to no analyte" in n)
    assert note.startswith(f"LB: {sum(counts.values())} row(s)")
    for code, n in counts.items():
        assert f"{code} ({n})" in note


def test_pilot_has_no_upcr_and_says_so() -> None:
    """Without UPCR the cohort notes that renal response is not evaluable."""
    notes = read_sdtm(PILOT).notes
    assert any("no UPCR" in n and "not evaluable" in n for n in notes)


def test_egfr_original_equals_standard_units() -> None:
    """EGFR from LBORRES (mg/dL) equals eGFR from LBSTRESN (µmol/L) per creatinine.

    LBSTRESN is rounded to whole µmol/L, so the bound per row is the
    rounding's relative size times the largest CKD-EPI 2021 exponent (1.200).
    """
    orig = read_sdtm(PILOT)
    std = read_sdtm(PILOT, results="standard", analytes={"HGB": None})
    lb = _rows("lb")
    creat = int(np.flatnonzero(np.array(ls.cohort.ANALYTE_CODES) == "creatinine")[0])
    e_orig, e_std = visit_egfr(orig), visit_egfr(std)
    assert orig.visit_date.tolist() == std.visit_date.tolist()
    checked = 0
    for k in np.flatnonzero(std.lab_analyte == creat).tolist():
        row = lb[int(std.lab_source_row[k])]
        v = int(std.lab_visit[k])
        assert row["LBORRESU"] == "mg/dL"
        assert std.lab_unit[k] == "umol/L"
        rel = 1.2 * 0.5 / float(row["LBSTRESN"]) + 1e-9
        assert e_std[v] == pytest.approx(e_orig[v], rel=rel)
        checked += 1
    assert checked == sum(1 for r in lb if r["LBTESTCD"] == "CREAT" and r["LBORRES"])


def test_standard_units_reject_hemoglobin_in_mmol_per_l() -> None:
    """LBSTRESU mmol/L hemoglobin is a bad row, named by LB row and variable."""
    with pytest.raises(ls.TableError) as err:
        read_sdtm(PILOT, results="standard")
    lb = _rows("lb")
    problems = err.value.problems
    assert {(p.table, p.column) for p in problems} == {("LB", "LBSTRESU")}
    assert all(lb[p.row]["LBTESTCD"] == "HGB" for p in problems if p.row is not None)


def test_ds_death_and_withdrawal_are_events() -> None:
    """DSDECOD DEATH and withdrawal terms become events; others are noted."""
    ds = _rows("ds")
    cohort = read_sdtm(PILOT)
    ids = cohort.participant_id
    got = sorted(
        (str(ids[p]), str(t), str(d))
        for p, t, d in zip(
            cohort.event_participant.tolist(),
            cohort.event_type.tolist(),
            cohort.event_date.astype("datetime64[D]").astype(str).tolist(),
            strict=True,
        )
    )
    death = set(SDTM_MAPPING["disposition"]["death"])
    withdrawal = set(SDTM_MAPPING["disposition"]["withdrawal"])
    expected = sorted(
        (
            r["USUBJID"],
            "death" if r["DSDECOD"] in death else "withdrawal",
            r["DSSTDTC"][:10],
        )
        for r in ds
        if r["USUBJID"] in set(ids.tolist())
        and (r["DSDECOD"] in death or r["DSDECOD"] in withdrawal)
    )
    assert got == expected
    assert {t for _, t, _ in got} == {"death", "withdrawal"}
    assert any(n.startswith("DS:") and "RANDOMIZED" in n for n in cohort.notes)


def _as_dataset_json(folder: Path, domain: str, rows: list[dict[str, str]]) -> None:
    names = list(rows[0])
    numeric = {n for n in names if n in {"LBSTRESN", "LBSTNRLO", "LBSTNRHI", "AGE"}}
    doc = {
        "datasetJSONCreationDateTime": "2026-01-01T00:00:00",
        "datasetJSONVersion": "1.1.0",
        "itemGroupOID": f"IG.{domain.upper()}",
        "records": len(rows),
        "name": domain.upper(),
        "label": domain.upper(),
        "columns": [
            {
                "itemOID": f"IT.{domain.upper()}.{n}",
                "name": n,
                "label": n,
                "dataType": "double" if n in numeric else "string",
            }
            for n in names
        ],
        "rows": [
            [
                (float(r[n]) if r[n] else None)
                if n in numeric
                else (r[n] if r[n] else None)
                for n in names
            ]
            for r in rows
        ],
    }
    (folder / f"{domain}.json").write_text(json.dumps(doc), encoding="utf-8")


def test_dataset_json_fixture_is_valid() -> None:
    """The Dataset-JSON written below validates against the CDISC 1.1 schema."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        _as_dataset_json(Path(tmp), "dm", _rows("dm"))
        doc = json.loads((Path(tmp) / "dm.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)


def test_csv_xpt_and_dataset_json_read_to_equal_cohorts(tmp_path: Path) -> None:
    """The same domains as CSV, XPT v5 (upper-case names) and Dataset-JSON agree."""
    pd = pytest.importorskip("pandas")
    pyreadstat = pytest.importorskip("pyreadstat")
    xpt, js = tmp_path / "xpt", tmp_path / "json"
    xpt.mkdir()
    js.mkdir()
    for domain in ("dm", "lb", "sv", "ds", "ex"):
        rows = _rows(domain)
        frame = pd.DataFrame(rows)
        for col in ("LBSTRESN", "LBSTNRLO", "LBSTNRHI", "AGE", "VISITNUM", "EXDOSE"):
            if col in frame:
                frame[col] = pd.to_numeric(frame[col].replace("", None))
        pyreadstat.write_xport(
            frame,
            str(xpt / f"{domain.upper()}.XPT"),
            file_format_version=5,
            table_name=domain.upper(),
        )
        _as_dataset_json(js, domain, rows)
    base = read_sdtm(PILOT)
    for folder in (xpt, js):
        _same(base, read_sdtm(folder))
    _same(
        read_sdtm(PILOT, results="standard", analytes={"HGB": None}),
        read_sdtm(xpt, results="standard", analytes={"HGB": None}),
    )


# --- synthetic folders: what the pilot lacks ---------------------------------

DM = [
    {"STUDYID": "S1", "USUBJID": "P1", "SEX": "F", "BRTHDTC": "1980-05-01",
     "AGE": "39", "AGEU": "YEARS", "RFSTDTC": "2020-01-10", "ARM": "A"},
    {"STUDYID": "S1", "USUBJID": "P2", "SEX": "M", "BRTHDTC": "",
     "AGE": "40", "AGEU": "YEARS", "RFSTDTC": "2020-02-01", "ARM": "B"},
]  # fmt: skip
LB = [
    {"USUBJID": "P1", "LBTESTCD": "CREAT", "LBLOINC": "", "LBSPEC": "SERUM",
     "LBORRES": "0.9", "LBORRESU": "mg/dL", "LBSTAT": "", "LBREASND": "",
     "LBDTC": "2020-01-08"},
    {"USUBJID": "P1", "LBTESTCD": "CREAT", "LBLOINC": "", "LBSPEC": "URINE",
     "LBORRES": "120", "LBORRESU": "mg/dL", "LBSTAT": "", "LBREASND": "",
     "LBDTC": "2020-01-08"},
    {"USUBJID": "P1", "LBTESTCD": "PROTCRT", "LBLOINC": "", "LBSPEC": "URINE",
     "LBORRES": "", "LBORRESU": "", "LBSTAT": "NOT DONE",
     "LBREASND": "SAMPLE LOST", "LBDTC": "2020-01-08"},
    {"USUBJID": "P1", "LBTESTCD": "XPCR", "LBLOINC": "2890-2", "LBSPEC": "URINE",
     "LBORRES": "1.5", "LBORRESU": "g/g", "LBSTAT": "", "LBREASND": "",
     "LBDTC": "2020-01-09"},
    {"USUBJID": "P2", "LBTESTCD": "SCR", "LBLOINC": "", "LBSPEC": "",
     "LBORRES": "80", "LBORRESU": "umol/L", "LBSTAT": "", "LBREASND": "",
     "LBDTC": "2020-01-30"},
]  # fmt: skip
VS = [
    {"USUBJID": "P1", "VSTESTCD": "HEIGHT", "VSORRES": "160", "VSORRESU": "cm",
     "VSDTC": "2019-12-01"},
    {"USUBJID": "P1", "VSTESTCD": "HEIGHT", "VSORRES": "63", "VSORRESU": "in",
     "VSDTC": "2020-01-09"},
    {"USUBJID": "P1", "VSTESTCD": "HEIGHT", "VSORRES": "150", "VSORRESU": "cm",
     "VSDTC": "2020-03-01"},
]  # fmt: skip


def _folder(tmp_path: Path, **tables: Sequence[Mapping[str, object]]) -> Path:
    for name, rows in tables.items():
        _write_csv(tmp_path, name, rows)
    return tmp_path


def test_missing_birth_date_is_an_error_by_default(tmp_path: Path) -> None:
    """A participant without BRTHDTC is an error naming them and the option."""
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": LB})
    with pytest.raises(ls.InvalidValueError, match="estimate_birth_date") as err:
        read_sdtm(folder)
    assert [v.split()[0] for v in err.value.value] == ["P2"]


def test_birth_date_from_age_is_the_middle_and_noted(tmp_path: Path) -> None:
    """estimate_birth_date=True: RFSTDTC - (AGE + 0.5) years, noted per participant."""
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": LB, "vs.csv": VS})
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"scr": "creatinine"})
    born = cohort.birth_date[cohort.participant_id.tolist().index("P2")]
    day0 = np.datetime64("2020-02-01")
    age = (day0 - born.astype("datetime64[D]")).astype(int) / 365.2425
    assert age == pytest.approx(40.5, abs=1 / 365)
    assert any("BRTHDTC" in n and "P2" in n for n in cohort.notes)


def test_lb_specimen_loinc_not_done_and_study_codes(tmp_path: Path) -> None:
    """Urine creatinine is not serum creatinine; LOINC maps; NOT DONE has a reason."""
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": LB, "vs.csv": VS})
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"scr": "creatinine"})
    analytes = [ls.cohort.ANALYTE_CODES[a].value for a in cohort.lab_analyte]
    assert sorted(zip(cohort.lab_source_row.tolist(), analytes, strict=True)) == [
        (0, "creatinine"),
        (3, "upcr"),
        (4, "creatinine"),
    ]
    notes = " | ".join(cohort.notes)
    assert "CREAT (URINE) (1)" in notes
    assert "'NOT DONE'" in notes
    assert "upcr (1)" in notes
    assert "SAMPLE LOST (1)" in notes
    assert "no UPCR" not in notes
    specimen = ls.models.SPECIMEN_PREFERENCE[int(cohort.lab_specimen[0])]
    assert specimen == ls.Specimen.SERUM


def test_vs_height_is_the_latest_on_or_before_day0(tmp_path: Path) -> None:
    """VS HEIGHT: the latest value up to day 0, converted to cm; later ones noted."""
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": LB, "vs.csv": VS})
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"scr": "creatinine"})
    assert cohort.height_cm[0] == pytest.approx(63 * 2.54)
    assert np.isnan(cohort.height_cm[1])
    assert any("1 HEIGHT row(s) after study day 0" in n for n in cohort.notes)
    stranger = {**VS[0], "USUBJID": "P9"}
    _write_csv(tmp_path, "vs.csv", [*VS, stranger])
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"scr": "creatinine"})
    assert any("1 HEIGHT row(s) of participants without" in n for n in cohort.notes)


def test_bad_rows_point_at_the_file_row(tmp_path: Path) -> None:
    """A bad LB value is reported with the LB file's row index, not a filtered one."""
    rows = [dict(r) for r in LB]
    rows[4]["LBORRES"] = "<5"
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": rows})
    with pytest.raises(ls.TableError) as err:
        read_sdtm(folder, estimate_birth_date=True, analytes={"SCR": "creatinine"})
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("LB", 4, "LBORRES")


def test_folder_errors(tmp_path: Path) -> None:
    """No folder, no DM, two DM files, a bad option: the library's own errors."""
    with pytest.raises(ls.InvalidValueError, match="folder"):
        read_sdtm(tmp_path / "nope")
    with pytest.raises(ls.InvalidValueError, match="DM domain"):
        read_sdtm(tmp_path)
    _folder(tmp_path, **{"dm.csv": DM, "DM.json": DM})
    with pytest.raises(ls.InvalidValueError, match="one file for domain DM"):
        read_sdtm(tmp_path)
    with pytest.raises(ls.InvalidValueError, match="results"):
        read_sdtm(PILOT, results="raw")  # type: ignore[arg-type]
    with pytest.raises(ls.InvalidValueError, match="analytes"):
        read_sdtm(PILOT, analytes={"X": "nonsense"})


def test_dataset_json_structure_is_checked(tmp_path: Path) -> None:
    """A wrong Dataset-JSON version or a short row is refused."""
    _as_dataset_json(tmp_path, "dm", _rows("dm"))
    doc = json.loads((tmp_path / "dm.json").read_text(encoding="utf-8"))
    (tmp_path / "dm.json").write_text(
        json.dumps({**doc, "datasetJSONVersion": "1.0.0"}), encoding="utf-8"
    )
    with pytest.raises(ls.InvalidValueError, match=r"1\.1"):
        read_sdtm(tmp_path)
    doc["rows"][0] = doc["rows"][0][:-1]
    (tmp_path / "dm.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ls.InvalidValueError, match="one per column"):
        read_sdtm(tmp_path)


def test_xpt_without_pyreadstat_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pyreadstat an XPT domain raises MissingExtraError naming 'cdisc'."""
    (tmp_path / "dm.xpt").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "pyreadstat", None)
    with pytest.raises(ls.errors.MissingExtraError, match=r"lupusscore\[cdisc\]"):
        read_sdtm(tmp_path)


# --- the CDISC Dataset-JSON 1.1 example study: real XPT, JSON and NDJSON ------

EXAMPLE = Path(__file__).parent / "data" / "cdisc_dataset_json_example"


def _example_rows(domain: str) -> list[dict[str, object]]:
    doc = json.loads((EXAMPLE / "json" / f"{domain}.json").read_text("utf-8"))
    names = [c["name"] for c in doc["columns"]]
    return [dict(zip(names, r, strict=True)) for r in doc["rows"]]


@pytest.mark.parametrize("fmt", ["json", "ndjson", "xpt"])
def test_cdisc_example_study_reads_in_every_format(fmt: str) -> None:
    """CDISC's own SAS XPT, Dataset-JSON and NDJSON files read to one cohort."""
    if fmt == "xpt":
        pytest.importorskip("pyreadstat")
    base = read_sdtm(EXAMPLE / "json", estimate_birth_date=True)
    _same(base, read_sdtm(EXAMPLE / fmt, estimate_birth_date=True))
    dm = _example_rows("dm")
    assert base.participant_id.tolist() == sorted(str(r["USUBJID"]) for r in dm)
    with_day0 = base.participant_id[~np.isnat(base.day0)].tolist()
    assert with_day0 == sorted(str(r["USUBJID"]) for r in dm if r["RFSTDTC"])


def test_cdisc_example_partial_birth_dates_need_the_option() -> None:
    """Year-only BRTHDTC is refused by default, estimated within AGE when asked."""
    dm = {str(r["USUBJID"]): r for r in _example_rows("dm") if r["RFSTDTC"]}
    with pytest.raises(ls.InvalidValueError, match="estimate_birth_date") as err:
        read_sdtm(EXAMPLE / "json")
    assert len(err.value.value) == len(dm)
    cohort = read_sdtm(EXAMPLE / "json", estimate_birth_date=True)
    has_day0 = ~np.isnat(cohort.day0)
    for pid, born in zip(
        cohort.participant_id[has_day0].tolist(),
        cohort.birth_date[has_day0].astype("datetime64[D]").tolist(),
        strict=True,
    ):
        row = dm[pid]
        assert born.year == int(str(row["BRTHDTC"])[:4])
        day0 = np.datetime64(str(row["RFSTDTC"])[:10]).astype(object)
        had_birthday = (day0.month, day0.day) >= (born.month, born.day)
        assert day0.year - born.year - (0 if had_birthday else 1) == row["AGE"]


def test_cdisc_example_disposition() -> None:
    """Study-treatment DS rows are not withdrawals; a death recorded twice is one."""
    cohort = read_sdtm(EXAMPLE / "json", estimate_birth_date=True)
    ids = cohort.participant_id
    got = sorted(
        (str(ids[p]), str(t), str(d))
        for p, t, d in zip(
            cohort.event_participant.tolist(),
            cohort.event_type.tolist(),
            cohort.event_date.astype("datetime64[D]").astype(str).tolist(),
            strict=True,
        )
    )
    withdrawal = set(SDTM_MAPPING["disposition"]["withdrawal"])
    expected = sorted(
        {
            (
                str(r["USUBJID"]),
                "death" if r["DSDECOD"] == "DEATH" else "withdrawal",
                str(r["DSSTDTC"])[:10],
            )
            for r in _example_rows("ds")
            if r["DSSCAT"] == "STUDY PARTICIPATION"
            and (r["DSDECOD"] == "DEATH" or r["DSDECOD"] in withdrawal)
            and str(r["USUBJID"]) in set(ids.tolist())
        }
    )
    assert got == expected
    assert any("(DSSCAT STUDY TREATMENT)" in n for n in cohort.notes)


def test_visits_of_one_day_are_merged_and_keep_their_labs() -> None:
    """SV rows sharing a date become one visit; LB rows still find it by label."""
    sv = _rows("sv")
    cohort = read_sdtm(PILOT)
    merged = [v for v in cohort.visit_label.tolist() if v and " + " in v]
    assert merged
    days = Counter((r["USUBJID"], r["SVSTDTC"]) for r in sv if r["SVSTDTC"])
    shared = {k for k, n in days.items() if n > 1}
    assert len(merged) == len(shared - {("01-701-1057", d) for _, d in shared})
    lb = _rows("lb")
    for k, v in enumerate(cohort.lab_visit.tolist()):
        label = cohort.visit_label[v]
        assert lb[int(cohort.lab_source_row[k])]["VISIT"] in label.split(" + ")


def test_row_order_does_not_matter(tmp_path: Path) -> None:
    """Reversed LB, SV and DS files read to the same cohort (source rows remapped)."""
    for domain in ("dm", "lb", "sv", "ds", "ex"):
        rows = _rows(domain)
        _write_csv(tmp_path, f"{domain}.csv", rows[::-1])
    base, flipped = read_sdtm(PILOT), read_sdtm(tmp_path)
    n_lb = len(_rows("lb"))
    assert (n_lb - 1 - flipped.lab_source_row).tolist() == base.lab_source_row.tolist()
    _same(base, dataclasses.replace(flipped, lab_source_row=base.lab_source_row))


def test_dm_death_date_without_a_ds_record(tmp_path: Path) -> None:
    """DM.DTHDTC is a death when DS has none; a bad one is reported as DM DTHDTC."""
    dm = [{**r, "DTHDTC": "2020-06-01" if r["USUBJID"] == "P1" else ""} for r in DM]
    folder = _folder(tmp_path, **{"dm.csv": dm, "lb.csv": LB})
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"SCR": "creatinine"})
    assert cohort.event_type.tolist() == ["death"]
    assert cohort.event_note.tolist() == ["DM.DTHDTC"]
    ds = [
        {"USUBJID": "P1", "DSDECOD": "DEATH", "DSCAT": "DISPOSITION EVENT",
         "DSSTDTC": "2020-05-30", "DSTERM": "SUDDEN DEATH"},
    ]  # fmt: skip
    _write_csv(tmp_path, "ds.csv", ds)
    with pytest.raises(ls.TableError) as err:
        read_sdtm(folder, estimate_birth_date=True, analytes={"SCR": "creatinine"})
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("DM", 0, "DTHDTC")
    ds[0]["DSSTDTC"] = "2020-06-01"  # the same date: one death, from DS
    _write_csv(tmp_path, "ds.csv", ds)
    cohort = read_sdtm(folder, estimate_birth_date=True, analytes={"SCR": "creatinine"})
    assert cohort.event_note.tolist() == ["DEATH: SUDDEN DEATH"]


def test_missing_test_code_and_unreadable_csv(tmp_path: Path) -> None:
    """A missing LBTESTCD is a bad LB row; a non-UTF-8 CSV is the library's error."""
    rows = [dict(r) for r in LB]
    rows[0]["LBTESTCD"] = ""
    folder = _folder(tmp_path, **{"DM.csv": DM, "lb.CSV": rows})
    with pytest.raises(ls.TableError) as err:
        read_sdtm(folder, estimate_birth_date=True, analytes={"SCR": "creatinine"})
    (problem,) = err.value.problems
    assert (problem.table, problem.row, problem.column) == ("LB", 0, "LBTESTCD")
    (tmp_path / "lb.CSV").write_bytes(b"USUBJID,LBTESTCD\n\xff\xfe,\x80\n")
    with pytest.raises(ls.InvalidValueError, match="UTF-8"):
        read_sdtm(folder, estimate_birth_date=True)
