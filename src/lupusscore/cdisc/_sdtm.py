"""Read a study folder of CDISC SDTM domains into a :class:`~lupusscore.Cohort`.

:func:`read_sdtm` finds the domains DM, LB, VS, SV, DS, EX, CM and QS in a
folder (file names case-insensitive: ``dm.csv``, ``LB.xpt``, ``lb.json``), reads
each from
CSV, SAS XPT v5 (through ``pyreadstat``, the optional extra ``cdisc``) or CDISC
Dataset-JSON 1.1 (``.json`` or its NDJSON form ``.ndjson``), maps them to the
tables of :meth:`Cohort.from_columns <lupusscore.Cohort.from_columns>` and
builds the cohort there (every row check is that function's). What cannot be
mapped is counted in ``Cohort.notes``; see ``docs/cdisc.md``.

The test-code, specimen, disposition and glucocorticoid tables ship as data
(``lupusscore/data/sdtm_mapping.json``) with their source: CDISC SDTM
Controlled Terminology.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

from lupusscore._checks import as_choice, describe
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.cohort import Cohort
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import (
    InvalidValueError,
    MissingExtraError,
    RowProblem,
    TableError,
    UnknownAnalyteError,
)
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, Timepoint

__all__ = ["DOMAINS", "SDTM_MAPPING", "read_sdtm"]

#: The domains :func:`read_sdtm` reads (DM is required).
DOMAINS: Final = ("DM", "LB", "VS", "SV", "DS", "EX", "CM", "QS")
_SUFFIXES: Final = {".csv": "csv", ".xpt": "xpt", ".json": "json", ".ndjson": "ndjson"}
_MAPPING_FILE: Final = "data/sdtm_mapping.json"
_MAX_LISTED: Final = 20
_DATASET_JSON_VERSION: Final = re.compile(r"^1\.1(\.\d+)?$")
#: Variables of from_columns' labs table -> LB variables read with results="standard".
_STANDARD_NAMES: Final = {"LBORRES": "LBSTRESN", "LBORRESU": "LBSTRESU"}
_ORIGINAL_NAMES: Final = {"LBSTNRLO": "LBORNRLO", "LBSTNRHI": "LBORNRHI"}

Column = list[object]
Domain = dict[str, Column]


def _load_mapping() -> dict[str, Any]:
    text = resources.files("lupusscore").joinpath(_MAPPING_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


#: The shipped mapping (test codes, specimens, height, disposition terms).
SDTM_MAPPING: Final[Mapping[str, Any]] = _load_mapping()


# --- reading files ------------------------------------------------------------


def _find_domains(folder: Path) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    for entry in sorted(folder.iterdir()):
        domain = entry.stem.upper()
        if entry.is_file() and domain in DOMAINS and entry.suffix.lower() in _SUFFIXES:
            found.setdefault(domain, []).append(entry)
    out: dict[str, Path] = {}
    for domain, paths in found.items():
        if len(paths) > 1:
            raise InvalidValueError(
                field=f"path ({domain})",
                value=[p.name for p in paths],
                expected=f"one file for domain {domain} (CSV, XPT or Dataset-JSON), "
                "not several",
            )
        out[domain] = paths[0]
    return out


def _clean(value: object) -> object:
    """Normalise one cell: text stripped, blanks and NaN to None."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _read_csv(path: Path) -> Domain:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return {}
        names = [h.strip().upper() for h in header]
        cols: Domain = {n: [] for n in names}
        for i, row in enumerate(reader):
            if len(row) != len(names):
                raise InvalidValueError(
                    field=path.name,
                    value=f"{len(row)} fields in data row {i}",
                    expected=f"{len(names)} fields, as in the header",
                )
            for n, cell in zip(names, row, strict=True):
                cols[n].append(_clean(cell))
    return cols


def _read_xpt(path: Path) -> Domain:
    try:
        import pyreadstat  # type: ignore[import-untyped,unused-ignore]  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError(
            package="pyreadstat", feature="read_sdtm of a SAS XPT file", extra="cdisc"
        ) from None
    try:
        data, _meta = pyreadstat.read_xport(str(path), output_format="dict")
    except Exception as err:  # pyreadstat raises its own ReadstatError
        raise InvalidValueError(
            field=path.name, value=describe(str(err)), expected="a SAS XPT v5 file"
        ) from None
    return {str(k).upper(): [_clean(v) for v in vals] for k, vals in data.items()}


def _dataset_json(meta: object, path: Path) -> list[str]:
    """Check the Dataset-JSON 1.1 top-level object; return the column names."""
    if not isinstance(meta, dict):
        raise InvalidValueError(
            field=path.name, value=describe(meta), expected="a Dataset-JSON object"
        )
    version = meta.get("datasetJSONVersion")
    if not (isinstance(version, str) and _DATASET_JSON_VERSION.match(version)):
        raise InvalidValueError(
            field=f"{path.name}: datasetJSONVersion",
            value=describe(version),
            expected="Dataset-JSON version 1.1 ('1.1.0')",
        )
    columns = meta.get("columns")
    if not (
        isinstance(columns, list)
        and columns
        and all(isinstance(c, dict) and isinstance(c.get("name"), str) for c in columns)
    ):
        raise InvalidValueError(
            field=f"{path.name}: columns",
            value=describe(columns),
            expected="a list of column objects with a 'name'",
        )
    return [str(c["name"]).upper() for c in columns]


def _json_rows(rows: object, width: int, path: Path) -> list[list[object]]:
    if not isinstance(rows, list):
        raise InvalidValueError(
            field=f"{path.name}: rows", value=describe(rows), expected="a list of rows"
        )
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == width):
            raise InvalidValueError(
                field=f"{path.name}: rows[{i}]",
                value=describe(row),
                expected=f"a list of {width} values (one per column)",
            )
        for cell in row:
            if not (cell is None or isinstance(cell, str | int | float)):
                raise InvalidValueError(
                    field=f"{path.name}: rows[{i}]",
                    value=describe(cell),
                    expected="strings, numbers, booleans or null",
                )
    return rows


def _read_json(path: Path, *, ndjson: bool) -> Domain:
    try:
        if ndjson:
            lines = [ln for ln in path.read_text("utf-8").splitlines() if ln.strip()]
            meta = json.loads(lines[0]) if lines else None
            names = _dataset_json(meta, path)
            rows = _json_rows([json.loads(ln) for ln in lines[1:]], len(names), path)
        else:
            meta = json.loads(path.read_text("utf-8"))
            names = _dataset_json(meta, path)
            rows = _json_rows(meta.get("rows", []), len(names), path)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InvalidValueError(
            field=path.name, value=describe(str(err)), expected="Dataset-JSON text"
        ) from None
    records = meta.get("records") if isinstance(meta, dict) else None
    if records != len(rows):
        raise InvalidValueError(
            field=f"{path.name}: records",
            value=describe(records),
            expected=f"the number of rows ({len(rows)})",
        )
    return {n: [_clean(r[j]) for r in rows] for j, n in enumerate(names)}


def _read_domain(path: Path) -> Domain:
    kind = _SUFFIXES[path.suffix.lower()]
    if kind == "csv":
        try:
            return _read_csv(path)
        except (UnicodeDecodeError, csv.Error) as err:
            raise InvalidValueError(
                field=path.name, value=describe(str(err)), expected="UTF-8 CSV text"
            ) from None
    if kind == "xpt":
        return _read_xpt(path)
    return _read_json(path, ndjson=kind == "ndjson")


def _n_rows(table: Domain) -> int:
    return len(next(iter(table.values()))) if table else 0


def _col(table: Domain, name: str) -> Column:
    return table.get(name) or [None] * _n_rows(table)


def _require(table: Domain, domain: str, names: Sequence[str]) -> None:
    missing = [n for n in names if n not in table]
    if missing:
        raise InvalidValueError(
            field=domain,
            value=sorted(table)[:_MAX_LISTED],
            expected="the SDTM variable(s) " + ", ".join(missing),
        )


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _upper(value: object) -> str | None:
    text = _text(value)
    return None if text is None else text.upper()


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} ({n})" for k, n in sorted(counter.items()))


# --- mapping -----------------------------------------------------------------


def _code_map(
    analytes: Mapping[str, Analyte | str | None] | None,
) -> tuple[dict[tuple[str, str], Analyte], dict[str, Analyte | None]]:
    shipped: dict[tuple[str, str], Analyte] = {
        (e["code"], e["specimen"]): Analyte(e["analyte"])
        for e in SDTM_MAPPING["lbtestcd"]
    }
    study: dict[str, Analyte | None] = {}
    if analytes is None:
        return shipped, study
    if not isinstance(analytes, Mapping):
        raise InvalidValueError(
            field="analytes",
            value=describe(analytes),
            expected="a mapping of LBTESTCD or LOINC code to analyte name",
        )
    for code, name in analytes.items():
        if not isinstance(code, str) or not code.strip():
            raise InvalidValueError(
                field="analytes", value=describe(code), expected="test codes (str)"
            )
        if name is None:  # the study excludes this code
            study[code.strip().upper()] = None
            continue
        try:
            study[code.strip().upper()] = analyte_spec(name).analyte
        except UnknownAnalyteError:
            raise InvalidValueError(
                field=f"analytes[{code!r}]",
                value=describe(name),
                expected="a lupusscore analyte: " + ", ".join(a.value for a in Analyte),
            ) from None
    return shipped, study


def _loinc_map() -> dict[str, Analyte]:
    return {lc.code: a for a in Analyte for lc in analyte_spec(a).loinc}


# --- domains to tables ------------------------------------------------------------


def _dm(
    dm: Domain,
    height: dict[str, float],
    *,
    estimate_birth_date: bool,
    notes: list[str],
) -> tuple[dict[str, np.ndarray[Any, Any]], list[int], set[str]]:
    _require(dm, "DM", ("USUBJID", "SEX", "RFSTDTC"))
    ids = [_text(v) for v in dm["USUBJID"]]
    day0 = [_text(v) for v in dm["RFSTDTC"]]
    birth = [_text(v) for v in _col(dm, "BRTHDTC")]
    age, ageu = _col(dm, "AGE"), _col(dm, "AGEU")
    keep = [i for i, d in enumerate(day0) if d is not None]
    dropped = [i for i, d in enumerate(day0) if d is None]
    left_out = {str(ids[i]) for i in dropped}
    if dropped:
        arms = Counter(str(_text(_col(dm, "ARM")[i]) or "no ARM") for i in dropped)
        notes.append(
            f"DM: {len(dropped)} participant(s) without RFSTDTC (no study day 0: "
            f"not randomised or never treated; ARM {_counts(arms)}) kept as "
            "participants outside the analysis population (no outcome, in no "
            "denominator; ADSL ITTFL 'N'); their rows of the other domains not used"
        )
    estimated: list[str] = []
    no_birth: list[str] = []
    for i in keep:
        if birth[i] is not None and _FULL_DATE.match(str(birth[i])):
            continue
        born = (
            _estimate_birth(birth[i], age[i], _upper(ageu[i]), str(day0[i]))
            if estimate_birth_date
            else None
        )
        if born is None:
            no_birth.append(f"{ids[i]} (BRTHDTC {birth[i]!r}, AGE {describe(age[i])})")
            continue
        birth[i] = born
        estimated.append(str(ids[i]))
    if no_birth:
        hint = (
            "; a partial BRTHDTC must agree with AGE (YEARS) at RFSTDTC"
            if estimate_birth_date
            else "; estimate_birth_date=True estimates one from a partial BRTHDTC "
            "and AGE"
        )
        raise InvalidValueError(
            field="DM.BRTHDTC",
            value=no_birth[:_MAX_LISTED],
            expected="a complete birth date (YYYY-MM-DD) for every participant "
            f"(age at each visit enters eGFR){hint}",
        )
    if estimated:
        notes.append(
            f"DM: {len(estimated)} participant(s) with a missing or partial BRTHDTC "
            "given an estimated birth date (the middle of the dates that agree with "
            "the partial BRTHDTC and with AGE at RFSTDTC; age at a visit is "
            "uncertain by up to half a year): "
            + ", ".join(estimated[:_MAX_LISTED])
            + (" ..." if len(estimated) > _MAX_LISTED else "")
        )
    out: dict[str, np.ndarray[Any, Any]] = {
        "USUBJID": _obj([ids[i] for i in keep]),
        "SEX": _obj([_text(dm["SEX"][i]) for i in keep]),
        "BRTHDTC": _obj([birth[i] for i in keep]),
        "RFSTDTC": _obj([day0[i] for i in keep]),
    }
    if "ARM" in dm:
        out["ARM"] = _obj([_text(dm["ARM"][i]) for i in keep])
    if height:
        out["HEIGHT_CM"] = np.array(
            [height.get(str(ids[i]), math.nan) for i in keep], dtype=np.float64
        )
    return out, keep, left_out


_FULL_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}")
_PARTIAL_DATE: Final = re.compile(r"^(\d{4})(?:-(\d{2}))?$")


def _years_before(day: dt.date, years: int) -> dt.date:
    """*day* moved back by whole calendar years (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _estimate_birth(
    partial: str | None, age: object, unit: str | None, day0: str
) -> str | None:
    """Return the middle of the birth dates a partial BRTHDTC and AGE allow, or None.

    AGE (whole years, AGEU ``YEARS``) is taken as the age at RFSTDTC: the
    birth date lies in (day0 - (AGE + 1) years, day0 - AGE years]. A partial
    BRTHDTC (``"1950"``, ``"1950-06"``) bounds it to its year or month. With
    neither bound there is nothing to estimate from; with bounds that do not
    overlap the data disagree. Both give None.
    """
    try:
        ref = dt.date.fromisoformat(day0[:10])
    except ValueError:
        return None
    lo, hi = dt.date(1900, 1, 1), ref
    bounded = False
    whole = age if isinstance(age, int | float) else _number(age)
    if (
        unit == "YEARS"
        and whole is not None
        and float(whole).is_integer()
        and whole >= 0
    ):
        n = int(whole)
        lo = _years_before(ref, n + 1) + dt.timedelta(days=1)
        hi = _years_before(ref, n)
        bounded = True
    if partial is not None:
        m = _PARTIAL_DATE.match(partial)
        if m is None:
            return None
        year, month = int(m.group(1)), m.group(2)
        if month is None:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        else:
            mo = int(month)
            if not 1 <= mo <= 12:  # noqa: PLR2004
                return None
            first = dt.date(year, mo, 1)
            last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        lo, hi = max(lo, first), min(hi, last)
        bounded = True
    if not bounded or lo > hi:
        return None
    return (lo + (hi - lo) / 2).isoformat()


def _number(value: object) -> float | None:
    if isinstance(value, str):
        try:
            out = float(value)
        except ValueError:
            return None
        return out if math.isfinite(out) else None
    return None


def _obj(values: Sequence[object]) -> np.ndarray[Any, Any]:
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return arr


def _vs_height(
    vs: Domain | None, day0: Mapping[str, str], *, standard: bool, notes: list[str]
) -> dict[str, float]:
    """Height in cm per participant: the latest VS HEIGHT on or before day 0."""
    if vs is None:
        return {}
    _require(vs, "VS", ("USUBJID", "VSTESTCD", "VSDTC"))
    value_col, unit_col = (
        ("VSSTRESN", "VSSTRESU") if standard else ("VSORRES", "VSORRESU")
    )
    _require(vs, "VS", (value_col, unit_col))
    spec = SDTM_MAPPING["vstestcd_height"]
    to_cm = {str(k).lower(): float(v) for k, v in spec["units_to_cm"].items()}
    best: dict[str, tuple[str, float, int]] = {}
    after = unknown = partial = 0
    stat = _col(vs, "VSSTAT")
    for i, code in enumerate(vs["VSTESTCD"]):
        if _upper(code) != spec["code"] or _upper(stat[i]) == "NOT DONE":
            continue
        pid = _text(vs["USUBJID"][i])
        when = _text(vs["VSDTC"][i])
        raw, unit = vs[value_col][i], _text(vs[unit_col][i])
        if pid is None or pid not in day0:
            unknown += 1
            continue
        if when is None or raw is None:
            continue
        try:
            value = float(str(raw))
        except ValueError:
            value = math.nan
        factor = to_cm.get((unit or "").lower())
        if factor is None or not math.isfinite(value):
            raise InvalidValueError(
                field=f"VS row {i} ({value_col}, {unit_col})",
                value=describe((raw, unit)),
                expected="a height as a number in " + ", ".join(sorted(to_cm)),
                participant=pid,
            )
        if not _FULL_DATE.match(when):
            partial += 1  # "2014" or "2014-01": cannot be placed before day 0
            continue
        if when[:10] > day0[pid][:10]:
            after += 1
            continue
        cm = value * factor
        prev = best.get(pid)
        if prev is None or when > prev[0]:
            best[pid] = (when, cm, i)
        elif when == prev[0] and cm != prev[1]:
            raise InvalidValueError(
                field=f"VS rows {prev[2]} and {i} (HEIGHT)",
                value=describe((prev[1], cm)),
                expected="one height per participant and date",
                participant=pid,
            )
    if after:
        notes.append(f"VS: {after} HEIGHT row(s) after study day 0 not used")
    if partial:
        notes.append(
            f"VS: {partial} HEIGHT row(s) with a partial date (VSDTC) not used: "
            "they cannot be placed before or after study day 0"
        )
    if unknown:
        notes.append(
            f"VS: {unknown} HEIGHT row(s) of participants without a DM row with "
            "RFSTDTC not used"
        )
    return {pid: v[1] for pid, v in best.items()}


def _missing_cell(value: object) -> bool:
    """Whether a cell holds no value (None, NaN or blank text)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def _lb(
    lb: Domain,
    left_out: set[str],
    *,
    analytes: Mapping[str, Analyte | str | None] | None,
    standard: bool,
    notes: list[str],
) -> tuple[dict[str, np.ndarray[Any, Any]], list[int]]:
    _require(lb, "LB", ("USUBJID", "LBTESTCD", "LBDTC"))
    value_col, unit_col = (
        ("LBSTRESN", "LBSTRESU") if standard else ("LBORRES", "LBORRESU")
    )
    _require(lb, "LB", (value_col, unit_col))
    shipped, study = _code_map(analytes)
    loinc = _loinc_map()
    spectype: Mapping[str, Mapping[str, Any]] = SDTM_MAPPING["spectype"]
    ids, codes = lb["USUBJID"], lb["LBTESTCD"]
    spec, cat, loinc_col = _col(lb, "LBSPEC"), _col(lb, "LBCAT"), _col(lb, "LBLOINC")
    stat, reason = _col(lb, "LBSTAT"), _col(lb, "LBREASND")
    keep: list[int] = []
    names: list[str | None] = []
    specimens: list[str | None] = []
    unmapped: Counter[str] = Counter()
    not_done: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    screened = 0
    for i in range(len(codes)):
        pid = _text(ids[i])
        if pid in left_out:
            screened += 1
            continue
        code = _upper(codes[i])
        lbspec = _upper(spec[i])
        side_of = spectype.get(lbspec or "")
        if side_of is not None:
            side = str(side_of["side"])
        elif lbspec is None:
            side = "urine" if _upper(cat[i]) == "URINALYSIS" else "blood"
        else:
            side = "other"
        lo = _text(loinc_col[i])
        analyte: Analyte | None
        if code in study:
            analyte = study[code or ""]
        elif lo and lo.upper() in study:
            analyte = study[lo.upper()]
        else:
            analyte = (loinc.get(lo) if lo else None) or shipped.get((code or "", side))
        if analyte is None and code is None:
            keep.append(i)  # from_columns reports the missing LBTESTCD
            names.append(None)
            specimens.append(None)
            continue
        if analyte is None:
            label = str(code) if lbspec is None else f"{code} ({lbspec})"
            if code in study or (lo and lo.upper() in study):
                label += " excluded by analytes="
            unmapped[label] += 1
            continue
        if _upper(stat[i]) == "NOT DONE":
            not_done[analyte.value] += 1
            reasons[_text(reason[i]) or "no reason given (LBREASND empty)"] += 1
            continue
        keep.append(i)
        names.append(analyte.value)
        specimens.append(side_of["specimen"] if side_of is not None else None)
    if screened:
        notes.append(f"LB: {screened} row(s) of participants left out (DM) not used")
    if Analyte.UPCR.value not in names:
        notes.append(
            "LB: no UPCR (urine protein/creatinine ratio) result: renal response, "
            "which every shipped definition measures by proteinuria, is not "
            "evaluable from this study"
        )
    if unmapped:
        notes.append(
            f"LB: {sum(unmapped.values())} row(s) with a test code mapped to no "
            f"analyte not used (LBTESTCD (LBSPEC), rows): {_counts(unmapped)}; "
            "map codes with analytes="
        )
    if not_done:
        notes.append(
            f"LB: {sum(not_done.values())} row(s) with LBSTAT 'NOT DONE' are "
            f"missing results, left out: {_counts(not_done)}; reasons (LBREASND): "
            f"{_counts(reasons)}"
        )

    def pick(name: str) -> np.ndarray[Any, Any]:
        col = _col(lb, name)
        return _obj([col[i] for i in keep])

    value = pick(value_col)
    if standard and "LBSTRESC" in lb:
        # LBSTRESN is empty for a result that is not a plain number ("<10",
        # ">2000"): its text (LBSTRESC) goes on, so that such a row is a bad
        # row naming its value, never a missing result
        text = pick("LBSTRESC")
        empty = np.array([_missing_cell(v) for v in value.tolist()], dtype=bool)
        given = ~np.array([_missing_cell(v) for v in text.tolist()], dtype=bool)
        value = value.copy()
        value[empty & given] = text[empty & given]
    out: dict[str, np.ndarray[Any, Any]] = {
        "USUBJID": _obj([_text(ids[i]) for i in keep]),
        "LBTESTCD": _obj(names),
        "LBORRES": value,
        "LBORRESU": pick(unit_col),
        "LBDTC": _obj([_text(lb["LBDTC"][i]) for i in keep]),
        "LBSPEC": _obj(specimens),
    }
    lo_col, hi_col = ("LBSTNRLO", "LBSTNRHI") if standard else ("LBORNRLO", "LBORNRHI")
    if lo_col in lb or hi_col in lb:
        # the range in the result's own unit (from_columns reads LBSTNRLO/HI)
        out["LBSTNRLO"] = pick(lo_col)
        out["LBSTNRHI"] = pick(hi_col)
    if "VISIT" in lb:
        out["VISIT"] = _obj([_text(v) for v in pick("VISIT")])
    return out, keep


def _sv(
    sv: Domain,
    left_out: set[str],
    labels: dict[tuple[str, str], str],
    notes: list[str],
) -> tuple[dict[str, np.ndarray[Any, Any]], list[int]]:
    _require(sv, "SV", ("USUBJID", "SVSTDTC"))
    ids = sv["USUBJID"]
    keep = [i for i in range(len(ids)) if _text(ids[i]) not in left_out]
    if len(keep) < len(ids):
        notes.append(
            f"SV: {len(ids) - len(keep)} visit(s) of participants left out (DM) "
            "not used"
        )
    out = {
        "USUBJID": _obj([_text(ids[i]) for i in keep]),
        "SVSTDTC": _obj([_text(sv["SVSTDTC"][i]) for i in keep]),
    }
    if "VISIT" in sv:
        out["VISIT"] = _obj(_merged_labels(sv, keep, labels, notes))
    return out, keep


def _visit_key(sv: Domain, i: int) -> tuple[float, str]:
    num = _col(sv, "VISITNUM")[i]
    try:
        order = float(str(num)) if num is not None else math.inf
    except ValueError:
        order = math.inf
    return (order, _text(sv["VISIT"][i]) or "")


def _merged_labels(
    sv: Domain, keep: list[int], labels: dict[tuple[str, str], str], notes: list[str]
) -> list[str | None]:
    """One label per participant and date: SV labels of one day joined by ' + '.

    A Cohort has one visit per participant and date; SDTM may record several
    (WEEK 26 and RETRIEVAL on one day). Their labels are joined in VISITNUM
    order, and *labels* maps each (participant, SV label) to the joined label
    so that LB rows still find their visit by label.
    """
    by_day: dict[tuple[str, str], list[int]] = {}
    for i in keep:
        when = _text(sv["SVSTDTC"][i])
        if when is not None and _text(sv["VISIT"][i]) is not None:
            by_day.setdefault((str(_text(sv["USUBJID"][i])), when[:10]), []).append(i)
    merged = 0
    joined: dict[int, str] = {}
    for (pid, _day), rows in by_day.items():
        names = list(
            dict.fromkeys(
                _visit_key(sv, i)[1]
                for i in sorted(rows, key=lambda i: _visit_key(sv, i))
            )
        )
        label = " + ".join(names)
        if len(names) > 1:
            merged += len(rows)
        for i in rows:
            joined[i] = label
            labels[(pid, str(_text(sv["VISIT"][i])))] = label
    if merged:
        notes.append(
            f"SV: {merged} visit row(s) sharing a date with another visit of the "
            "participant merged into one visit per date (labels joined with ' + ')"
        )
    return [joined.get(i, _text(sv["VISIT"][i])) for i in keep]


def _ds(
    ds: Domain | None,
    dm: Domain,
    dm_rows: list[int],
    left_out: set[str],
    notes: list[str],
) -> tuple[dict[str, np.ndarray[Any, Any]] | None, list[tuple[str, int]]]:
    """Death and withdrawal events from DS (and DM DTHDTC), with their sources."""
    table = SDTM_MAPPING["disposition"]
    death, withdrawal = set(table["death"]), set(table["withdrawal"])
    category = str(table["withdrawal_category"])
    found: list[tuple[str, str, str | None, str | None, tuple[str, int]]] = []
    unused: Counter[str] = Counter()
    if ds is not None:
        _require(ds, "DS", ("USUBJID", "DSDECOD", "DSSTDTC"))
        ids, decod = ds["USUBJID"], ds["DSDECOD"]
        cat, scat, term = _col(ds, "DSCAT"), _col(ds, "DSSCAT"), _col(ds, "DSTERM")
        for i in range(len(ids)):
            pid = _text(ids[i])
            if pid is None or pid in left_out:
                continue
            d = _upper(decod[i]) or ""
            sub = _upper(scat[i]) or ""
            when = _text(ds["DSSTDTC"][i])
            note = _text(decod[i])
            if _text(term[i]) not in {None, note}:
                note = f"{note}: {_text(term[i])}"
            if d in death:
                found.append((pid, "death", when, note, ("DS", i)))
            elif "TREATMENT" in sub:
                unused[f"{d or 'no DSDECOD'} (DSSCAT {sub})"] += 1
            elif d in withdrawal and _upper(cat[i]) in {category, None}:
                found.append((pid, "withdrawal", when, note, ("DS", i)))
            else:
                unused[d or "no DSDECOD"] += 1
    # one death per participant and date (SDTM may record it per DSSCAT)
    deaths: dict[tuple[str, str | None], int] = {}
    events: list[tuple[str, str, str | None, str | None, tuple[str, int]]] = []
    for ev in sorted(found, key=lambda e: (e[0], e[1], e[2] or "", e[3] or "", e[4])):
        if ev[1] == "death":
            key = (ev[0], (ev[2] or "")[:10] or None)
            if key in deaths:
                continue
            deaths[key] = len(events)
        events.append(ev)
    dead = {pid for pid, _ in deaths}
    dthdtc = _col(dm, "DTHDTC")
    from_dm = []
    for i in dm_rows:
        pid, when = _text(dm["USUBJID"][i]), _text(dthdtc[i])
        if pid is not None and when is not None and (pid, when[:10]) not in deaths:
            events.append((pid, "death", when, "DM.DTHDTC", ("DM", i)))
            from_dm.append(pid)
    if from_dm:
        notes.append(
            f"DM: {len(from_dm)} death(s) dated by DTHDTC without a DS death record "
            "on that date"
            + (" (a different DS death date is then a bad row)" if dead else "")
        )
    if unused:
        notes.append(
            f"DS: {sum(unused.values())} row(s) that are not a death or a withdrawal "
            f"from the study not used as events (DSDECOD, rows): {_counts(unused)}"
        )
    if ds is None and not events:
        return None, []
    out = {
        "USUBJID": _obj([e[0] for e in events]),
        "DSDECOD": _obj([e[1] for e in events]),
        "DSSTDTC": _obj([e[2] for e in events]),
        "DSTERM": _obj([e[3] for e in events]),
    }
    return out, [e[4] for e in events]


# --- EX and CM: glucocorticoid dose ----------------------------------------------

#: EX/CM variables per domain: treatment name(s), dose, unit, frequency, route,
#: start, end, end relative to the reference period.
_MEDICATION_VARS: Final = {
    "EX": ("EXTRT", "EXDOSE", "EXDOSU", "EXDOSFRQ", "EXROUTE", "EXSTDTC", "EXENDTC"),
    "CM": ("CMTRT", "CMDOSE", "CMDOSU", "CMDOSFRQ", "CMROUTE", "CMSTDTC", "CMENDTC"),
}
_OPEN_END: Final = ("CMENRF", "CMENRTPT", "EXENRF", "EXENRTPT")


@dataclasses.dataclass
class _Doses:
    """Prednisone daily doses and blocked periods, per participant.

    ``doses`` holds (first day, last day or None for ongoing, mg/day);
    ``blocked`` the periods of glucocorticoid rows that cannot be read as a
    prednisone dose ((None, None): the participant's whole follow-up).
    """

    doses: dict[str, list[tuple[str, str | None, float]]]
    blocked: dict[str, list[tuple[str | None, str | None]]]


def _medication_rows(  # noqa: PLR0917 - one reader of two domains
    domain: str,
    table: Domain,
    found: _Doses,
    known: set[str],
    left_out: set[str],
    notes: list[str],
) -> None:
    """Sort *domain*'s rows into prednisone doses, blocked periods and others."""
    spec = SDTM_MAPPING["glucocorticoids"]
    prednisone = set(spec["prednisone"])
    other_gc = set(spec["not_mapped"])
    per_day = {k: float(v["per_day"]) for k, v in spec["frequency_per_day"].items()}
    routes = set(spec["routes"])
    ongoing = set(spec["ongoing"])
    trt, dose_v, unit_v, freq_v, route_v, start_v, end_v = _MEDICATION_VARS[domain]
    _require(table, domain, ("USUBJID", trt, start_v))
    name_col = _col(table, "CMDECOD") if domain == "CM" else _col(table, trt)
    read = 0
    others: Counter[str] = Counter()
    unmapped: Counter[str] = Counter()
    screened = unknown = 0
    open_end = [_col(table, v) for v in _OPEN_END if v in table]
    for i in range(_n_rows(table)):
        pid = _text(table["USUBJID"][i])
        if pid in left_out:
            screened += 1
            continue
        if pid is None or pid not in known:
            unknown += 1
            continue
        name = _upper(name_col[i]) or _upper(table[trt][i]) or "no name"
        if name not in prednisone and name not in other_gc:
            others[name] += 1
            continue
        start, end = _text(table[start_v][i]), _text(_col(table, end_v)[i])
        first = start[:10] if start and _FULL_DATE.match(start) else None
        last = end[:10] if end and _FULL_DATE.match(end) else None
        is_open = end is None and any(_upper(c[i]) in ongoing for c in open_end)
        dated = first is not None and (last is not None or is_open)
        why = None
        if name not in prednisone:
            why = "no verified prednisone equivalent"
        else:
            dose = _number(_text(_col(table, dose_v)[i]))
            unit = _text(_col(table, unit_v)[i])
            freq = _upper(_col(table, freq_v)[i])
            route = _upper(_col(table, route_v)[i])
            if dose is None or dose < 0:
                why = f"{dose_v} {describe(_col(table, dose_v)[i])}"
            elif unit != spec["dose_unit"]:
                why = f"{unit_v} {unit!r}"
            elif freq not in per_day:
                why = f"{freq_v} {freq!r}"
            elif route is not None and route not in routes:
                why = f"{route_v} {route!r}"
            elif not dated:
                why = f"{start_v}/{end_v} {start!r}/{end!r}"
            else:
                found.doses.setdefault(pid, []).append(
                    (str(first), last, dose * per_day[freq])
                )
                read += 1
                continue
        unmapped[f"{name} ({why})"] += 1
        period = (first, last) if dated else (None, None)
        found.blocked.setdefault(pid, []).append(period)
    if read:
        notes.append(
            f"{domain}: {read} prednisone row(s) read as an oral daily dose "
            f"({dose_v} in mg x {freq_v}: QD 1, BID 2, TID 3, QID 4 per day)"
        )
    if unmapped:
        notes.append(
            f"{domain}: {sum(unmapped.values())} glucocorticoid row(s) not mapped to "
            f"a prednisone dose (name (why), rows): {_counts(unmapped)}; a visit in "
            "the period of such a row has no known glucocorticoid dose"
        )
    if others:
        notes.append(
            f"{domain}: {sum(others.values())} row(s) not a glucocorticoid known to "
            f"lupusscore not used (name, rows): {_counts(others)}"
        )
    if screened:
        notes.append(
            f"{domain}: {screened} row(s) of participants left out (DM) not used"
        )
    if unknown:
        notes.append(f"{domain}: {unknown} row(s) of participants not in DM not used")


def _covers(first: str | None, last: str | None, day: str) -> bool:
    if first is None:
        return True
    return first <= day and (last is None or day <= last)


def _visit_doses(
    found: _Doses, visits: dict[str, np.ndarray[Any, Any]], notes: list[str]
) -> np.ndarray[Any, Any]:
    """Each visit's prednisone dose in mg/day (NaN: none recorded or not known).

    The dose on the visit date is the sum of the daily doses of the prednisone
    rows whose period holds it; a visit in the period of a glucocorticoid row
    not mapped is NaN, and so is a visit no row covers (no row is not 0).
    """
    out = np.full(len(visits["USUBJID"]), np.nan)
    blocked = covered = 0
    for k, (pid, when) in enumerate(
        zip(visits["USUBJID"].tolist(), visits["SVSTDTC"].tolist(), strict=True)
    ):
        if when is None or not _FULL_DATE.match(str(when)):
            continue
        day = str(when)[:10]
        if any(_covers(a, b, day) for a, b in found.blocked.get(str(pid), [])):
            blocked += 1
            continue
        doses = [d for a, b, d in found.doses.get(str(pid), []) if _covers(a, b, day)]
        if doses:
            out[k] = sum(doses)
            covered += 1
    if found.doses or found.blocked:
        notes.append(
            f"EX/CM: {covered} visit(s) with a prednisone dose; {blocked} visit(s) "
            "in the period of a glucocorticoid row not mapped and "
            f"{len(out) - covered - blocked} visit(s) no prednisone row covers have "
            "no known dose (not 0)"
        )
    return out


# --- QS: SLEDAI-2K items by a study's mapping -------------------------------------

#: CDISC NY codelist (C66742): Y C49488, N C49487, U C17998, NA C48660.
_NY: Final = {"Y": True, "N": False, "U": None, "NA": None}


def _sledai_map(items: object) -> dict[str, str]:
    if not isinstance(items, Mapping):
        raise InvalidValueError(
            field="sledai_items",
            value=describe(items),
            expected="a mapping of QSTESTCD to SLEDAI-2K descriptor name",
        )
    out: dict[str, str] = {}
    for code, name in items.items():
        if not isinstance(code, str) or not code.strip():
            raise InvalidValueError(
                field="sledai_items", value=describe(code), expected="QSTESTCD (str)"
            )
        key = name.strip().lower() if isinstance(name, str) else None
        if key not in SLEDAI_2K_DESCRIPTOR_NAMES:
            raise InvalidValueError(
                field=f"sledai_items[{code!r}]",
                value=describe(name),
                expected="a SLEDAI-2K descriptor: "
                + ", ".join(SLEDAI_2K_DESCRIPTOR_NAMES),
            )
        out[code.strip().upper()] = str(key)
    return out


def _qs(  # noqa: PLR0917 - the domain, its mapping and where it goes
    qs: Domain,
    items: Mapping[str, str] | None,
    visits: dict[str, np.ndarray[Any, Any]] | None,
    left_out: set[str],
    notes: list[str],
    problems: list[RowProblem],
) -> None:
    """Put QS rows mapped by *items* on the SV visit of their date (QSDTC)."""
    n = _n_rows(qs)
    if items is None:
        notes.append(
            f"QS: {n} row(s) not read: lupusscore ships no QS mapping (CDISC "
            "Controlled Terminology has no SLEDAI-2K test codes); map QSTESTCD "
            "to SLEDAI-2K descriptors with sledai_items="
        )
        return
    _require(qs, "QS", ("USUBJID", "QSTESTCD", "QSDTC"))
    if visits is None:
        notes.append(f"QS: no SV domain: {n} row(s) not placed on visits")
        return
    where = {
        (str(p), str(d)[:10]): k
        for k, (p, d) in enumerate(
            zip(visits["USUBJID"].tolist(), visits["SVSTDTC"].tolist(), strict=True)
        )
        if d is not None
    }
    result = _col(qs, "QSSTRESC") if "QSSTRESC" in qs else _col(qs, "QSORRES")
    column = "QSSTRESC" if "QSSTRESC" in qs else "QSORRES"
    stat = _col(qs, "QSSTAT")
    found: dict[str, list[object]] = {}
    seen: dict[tuple[str, int], tuple[object, int]] = {}
    unmapped: Counter[str] = Counter()
    no_visit = screened = read = 0
    n_visits = len(visits["USUBJID"])
    for i in range(n):
        pid, code = _text(qs["USUBJID"][i]), _upper(qs["QSTESTCD"][i]) or ""
        if pid in left_out:
            screened += 1
            continue
        name = items.get(code)
        if name is None:
            unmapped[code or "no QSTESTCD"] += 1
            continue
        when = _text(qs["QSDTC"][i])
        k = where.get((str(pid), (when or "")[:10]))
        if k is None or when is None:
            no_visit += 1
            continue
        value = None if _upper(stat[i]) == "NOT DONE" else _upper(result[i])
        if value is not None and value not in _NY:
            problems.append(
                RowProblem(
                    table="QS",
                    row=i,
                    participant=pid,
                    column=column,
                    value=result[i],
                    expected="Y, N, U or NA (CDISC NY codelist C66742)",
                )
            )
            continue
        flag = None if value is None else _NY[value]
        prev = seen.get((name, k))
        if prev is not None and prev[0] != flag:
            problems.append(
                RowProblem(
                    table="QS",
                    row=i,
                    participant=pid,
                    column=column,
                    value=result[i],
                    expected=f"the same {name} result as QS row {prev[1]} of that "
                    "visit",
                )
            )
            continue
        seen[(name, k)] = (flag, i)
        found.setdefault(name, [None] * n_visits)[k] = flag
        read += 1
    for name, col in found.items():
        visits[name] = _obj(col)
    if read:
        notes.append(
            f"QS: {read} row(s) read as SLEDAI-2K descriptors (sledai_items=; "
            "Y present, N absent, U/NA/NOT DONE not assessed)"
        )
    if unmapped:
        notes.append(
            f"QS: {sum(unmapped.values())} row(s) with a QSTESTCD not in "
            f"sledai_items not used (QSTESTCD, rows): {_counts(unmapped)}"
        )
    if no_visit:
        notes.append(f"QS: {no_visit} row(s) without an SV visit on QSDTC not used")
    if screened:
        notes.append(f"QS: {screened} row(s) of participants left out (DM) not used")


# --- the reader -----------------------------------------------------------------


def read_sdtm(
    path: str | Path,
    *,
    analytes: Mapping[str, Analyte | str | None] | None = None,
    results: Literal["original", "standard"] = "original",
    schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
    arms: Sequence[str] | None = None,
    name: str | None = None,
    estimate_birth_date: bool = False,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    sledai_items: Mapping[str, str] | None = None,
) -> Cohort:
    """Read a folder of SDTM domains (CSV, XPT v5, Dataset-JSON 1.1) as a Cohort.

    Parameters
    ----------
    path : str or Path
        The study folder. Domain files are found by name, case-insensitive:
        ``dm``, ``lb``, ``vs``, ``sv``, ``ds``, ``ex``, ``cm``, ``qs`` with
        suffix ``.csv``, ``.xpt``, ``.json`` or ``.ndjson``; DM is required,
        one file per domain.
    analytes : mapping of str to Analyte, str or None, optional
        Study test codes (LBTESTCD or LBLOINC) -> analyte; they extend and take
        precedence over the shipped CDISC mapping (any specimen). ``None``
        leaves a code out (counted in the notes like an unmapped one).
    results : {"original", "standard"}
        Read LBORRES/LBORRESU (as collected) or LBSTRESN/LBSTRESU (the
        sponsor's standard units); VS likewise.
    schedule, arms, baseline_window_days
        As :meth:`Cohort.from_columns <lupusscore.Cohort.from_columns>`.
    name : str, optional
        Trial name (default: DM's STUDYID, else the folder name).
    estimate_birth_date : bool
        Give a participant with a missing or partial BRTHDTC (``"1950"``) the
        middle of the birth dates that agree with it and with AGE (YEARS) at
        RFSTDTC; noted per participant. Off by default: then an incomplete
        BRTHDTC is an error (never a silent guess).
    sledai_items : mapping of str to str, optional
        The study's QS test codes (QSTESTCD) -> SLEDAI-2K descriptor name
        (:data:`~lupusscore.descriptors.SLEDAI_2K_DESCRIPTOR_NAMES`). CDISC
        Controlled Terminology has no SLEDAI-2K codes, so none ship: without
        this QS is not read (noted). A mapped row (QSSTRESC, else QSORRES:
        ``Y`` present, ``N`` absent, ``U``/``NA``/QSSTAT ``NOT DONE`` not
        assessed) goes to the SV visit on its QSDTC date.

    Returns
    -------
    Cohort
        Every DM participant; one without RFSTDTC has no day 0 (NaT), no
        visits, labs or events, and is outside the analysis population (see
        :func:`lupusscore.cohort.analysis_population`). Visits carry the
        prednisone dose read from EX/CM (``docs/cdisc.md``). ``notes`` count
        everything not used (unmapped test codes, NOT DONE results with their
        reasons, DS terms, glucocorticoid rows not mapped, other medications,
        rows of participants without a day 0). ``lab_source_row`` is the row's
        index in LB.

    Raises
    ------
    InvalidValueError
        A missing folder or domain, an unreadable file, a required variable
        missing, a participant without a birth date.
    TableError
        Bad rows (as :meth:`Cohort.from_columns`), with ``table`` the SDTM
        domain and ``row`` the row's index in its file.
    MissingExtraError
        An XPT file without ``pyreadstat`` (``pip install 'lupusscore[cdisc]'``).

    Examples
    --------
    >>> from lupusscore.cdisc import read_sdtm
    >>> cohort = read_sdtm("tests/data/cdisc_pilot01")
    >>> cohort.name, cohort.n_participants
    ('CDISCPILOT01', 7)
    """
    mode = as_choice("results", results, ("original", "standard"))
    items = None if sledai_items is None else _sledai_map(sledai_items)
    standard = mode == "standard"
    if not isinstance(path, str | Path):
        raise InvalidValueError(
            field="path", value=describe(path), expected="a folder path (str or Path)"
        )
    folder = Path(path)
    if not folder.is_dir():
        raise InvalidValueError(
            field="path", value=str(path), expected="an existing folder of SDTM files"
        )
    files = _find_domains(folder)
    if "DM" not in files:
        raise InvalidValueError(
            field="path",
            value=sorted(p.name for p in folder.iterdir())[:_MAX_LISTED],
            expected="a DM domain file (dm.csv, dm.xpt, dm.json or dm.ndjson)",
        )
    data = {d: _read_domain(p) for d, p in files.items()}
    notes: list[str] = []
    dm = data["DM"]
    _require(dm, "DM", ("USUBJID", "RFSTDTC"))
    day0 = {
        str(_text(p)): str(_text(d))
        for p, d in zip(dm["USUBJID"], dm["RFSTDTC"], strict=True)
        if p is not None and d is not None
    }
    height = _vs_height(data.get("VS"), day0, standard=standard, notes=notes)
    participants, dm_rows, left_out = _dm(
        dm, height, estimate_birth_date=estimate_birth_date, notes=notes
    )
    if "LB" in data:
        labs, lb_rows = _lb(
            data["LB"],
            left_out,
            analytes=analytes,
            standard=standard,
            notes=notes,
        )
    else:
        notes.append("LB: no LB domain in the folder; no lab results")
        labs = {
            k: _obj([]) for k in ("USUBJID", "LBTESTCD", "LBORRES", "LBORRESU", "LBDTC")
        }
        lb_rows = []
    labels: dict[tuple[str, str], str] = {}
    visits, sv_rows = (
        _sv(data["SV"], left_out, labels, notes) if "SV" in data else (None, [])
    )
    if labels and "VISIT" in labs:
        labs["VISIT"] = _obj(
            [
                labels.get((str(p), str(v)), v)
                for p, v in zip(labs["USUBJID"], labs["VISIT"], strict=True)
            ]
        )
    found = _Doses({}, {})
    known = {str(p) for p in participants["USUBJID"].tolist()}
    for domain in ("EX", "CM"):
        if domain in data:
            _medication_rows(domain, data[domain], found, known, left_out, notes)
    if visits is not None and (found.doses or found.blocked):
        visits["GLUCOCORTICOID_MG_DAY"] = _visit_doses(found, visits, notes)
    elif found.doses or found.blocked:
        notes.append("EX/CM: no SV domain: glucocorticoid doses not placed on visits")
    qs_problems: list[RowProblem] = []
    if "QS" in data:
        _qs(data["QS"], items, visits, left_out, notes, qs_problems)
    elif items is not None:
        notes.append("QS: no QS domain in the folder; sledai_items= not used")
    events, ds_rows = _ds(data.get("DS"), dm, dm_rows, left_out, notes)
    if name is None:
        studies = {s for s in _col(dm, "STUDYID") if s is not None}
        name = str(studies.pop()) if len(studies) == 1 else folder.name
    rows: dict[str, tuple[list[tuple[str, int]], Mapping[str, str]]] = {
        "participants": ([("DM", i) for i in dm_rows], {}),
        "labs": (
            [("LB", i) for i in lb_rows],
            _STANDARD_NAMES if standard else _ORIGINAL_NAMES,
        ),
        "visits": ([("SV", i) for i in sv_rows], {}),
        "events": (ds_rows, {}),
    }
    screened, bad = _without_day0(dm, sorted(set(range(_n_rows(dm))) - set(dm_rows)))
    bad += qs_problems
    try:
        cohort = Cohort.from_columns(
            labs,
            participants,
            visits=visits,
            events=events,
            schedule=schedule,
            arms=arms,
            name=name,
            baseline_window_days=baseline_window_days,
        )
    except TableError as err:
        raise TableError(
            problems=bad + [_in_file(p, rows) for p in err.problems]
        ) from None
    if bad:
        raise TableError(problems=bad)
    if screened["id"]:
        cohort = _add_without_day0(cohort, screened)
    source = np.asarray(lb_rows, dtype=np.int64)
    return dataclasses.replace(
        cohort,
        notes=tuple(notes) + cohort.notes,
        day0_label="RFSTDTC (subject reference start date)",
        lab_source_row=source[cohort.lab_source_row]
        if len(source)
        else cohort.lab_source_row,
        _cache={},
    )


_SEX_CODES: Final = {"F": "female", "FEMALE": "female", "M": "male", "MALE": "male"}


def _without_day0(
    dm: Domain, rows: list[int]
) -> tuple[dict[str, list[Any]], list[RowProblem]]:
    """Return the DM rows without RFSTDTC as participant columns, and bad rows.

    Such a participant has no visit, so only the id and sex must be readable;
    a missing or partial BRTHDTC is simply missing (no age is computed).
    """
    out: dict[str, list[Any]] = {"id": [], "sex": [], "birth": [], "arm": []}
    problems: list[RowProblem] = []
    arm = _col(dm, "ARM")
    for i in rows:
        pid = _text(dm["USUBJID"][i])
        sex = _SEX_CODES.get(_upper(dm["SEX"][i]) or "")
        if pid is None or sex is None:
            column, value = ("USUBJID", None) if pid is None else ("SEX", dm["SEX"][i])
            problems.append(
                RowProblem(
                    table="DM",
                    row=i,
                    participant=pid,
                    column=column,
                    value=value,
                    expected="a participant id"
                    if pid is None
                    else "F, M, female or male",
                )
            )
            continue
        born = _text(_col(dm, "BRTHDTC")[i])
        try:
            birth = dt.date.fromisoformat(born[:10]) if born else None
        except ValueError:
            birth = None  # partial ("1950") or not a date: missing
        out["id"].append(pid)
        out["sex"].append(sex)
        out["birth"].append(birth)
        out["arm"].append(_text(arm[i]))
    return out, problems


def _add_without_day0(cohort: Cohort, extra: dict[str, list[Any]]) -> Cohort:
    """*cohort* with participants without a day 0 added (id order kept)."""
    n_old, n_new = cohort.n_participants, len(extra["id"])
    ids = np.concatenate([cohort.participant_id, _obj(extra["id"])])
    seen = Counter(str(i) for i in ids.tolist())
    repeated = sorted(i for i, k in seen.items() if k > 1)
    if repeated:
        raise InvalidValueError(
            field="DM.USUBJID",
            value=repeated[:_MAX_LISTED],
            expected="one DM row per participant",
        )
    order = np.argsort(ids.astype(str), kind="stable")
    where = np.empty(n_old + n_new, dtype=np.int64)
    where[order] = np.arange(n_old + n_new)
    births = [
        np.datetime64("NaT", "D") if b is None else np.datetime64(b, "D")
        for b in extra["birth"]
    ]

    def grown(old: np.ndarray[Any, Any], new: np.ndarray[Any, Any]) -> Any:
        return np.concatenate([old, new.astype(old.dtype)])[order]

    return dataclasses.replace(
        cohort,
        participant_id=ids[order],
        sex=grown(cohort.sex, _obj(extra["sex"])),
        birth_date=grown(cohort.birth_date, np.array(births, dtype="datetime64[D]")),
        arm=grown(cohort.arm, _obj(extra["arm"])),
        day0=grown(cohort.day0, np.full(n_new, np.datetime64("NaT", "D"))),
        height_cm=grown(cohort.height_cm, np.full(n_new, np.nan)),
        black=grown(cohort.black, np.full(n_new, -1, dtype=np.int8)),
        visit_participant=where[cohort.visit_participant],
        lab_participant=where[cohort.lab_participant],
        event_participant=where[cohort.event_participant],
        _cache={},
    )


def _in_file(
    problem: RowProblem,
    rows: Mapping[str, tuple[list[tuple[str, int]], Mapping[str, str]]],
) -> RowProblem:
    """Point a from_columns problem at its SDTM domain, file row and variable."""
    found = rows.get(problem.table)
    if found is None:
        return problem
    index, renamed = found
    column = renamed.get(problem.column, problem.column)
    if problem.row is None or not 0 <= problem.row < len(index):
        return dataclasses.replace(problem, column=column)
    domain, row = index[problem.row]
    if domain == "DM" and column == "DSSTDTC":
        column = "DTHDTC"
    return dataclasses.replace(problem, table=domain, row=row, column=column)
