"""``write_adam``: an :class:`~lupusscore.Analysis` out as ADaM datasets.

Writes ``adsl``, ``adlb``, ``adrs`` and ``adtte`` of an analysis as SAS XPORT
version 5 (through the optional package ``pyreadstat``, extra ``cdisc``), CDISC
Dataset-JSON 1.1 (standard library) or CSV, with a define-style metadata file
``define.json`` beside them (``docs/adam.md``).

ADaM conventions kept (CDISC ADaM Implementation Guide; SAS XPORT v5 limits):

- dataset and variable names of at most 8 characters, upper case letters,
  digits and ``_``, starting with a letter; ``PARAMCD`` values of at most 8;
- variable and dataset labels of at most 40 characters; variables that the
  ADaM IG names carry its label (e.g. ``ADY`` "Analysis Relative Day", the
  label pharmaverse's ADaM datasets carry too), lupusscore's own more specific
  label is kept in ``define.json`` as the variable's comment;
- character or numeric variables only: dates are numeric SAS dates (days
  since 1960-01-01) with the ``DATE9.`` format in XPT, ISO 8601 text with
  ``targetDataType`` ``integer`` in Dataset-JSON (its ADaM use case);
- ``STUDYID`` leads every dataset.

Everything is checked before the first file is written, so a failure leaves
no partial set of datasets behind.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import importlib.metadata as _metadata
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import _shown, as_choice, as_instance, describe
from lupusscore.cohort import Analysis
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.table import Table

__all__ = ["ADAM_DATASETS", "ADAM_FORMATS", "XPT_UNIT_SPELLINGS", "write_adam"]

#: Output formats of :func:`write_adam`.
ADAM_FORMATS: Final = ("xpt", "json", "csv")
#: The datasets written, in order (file names are these in lower case).
ADAM_DATASETS: Final = ("ADSL", "ADLB", "ADRS", "ADTTE")

#: SAS XPORT v5 limits (SAS Technical Support TS-140): names 8, labels 40,
#: character values 200 bytes.
MAX_NAME: Final = 8
MAX_LABEL: Final = 40
MAX_TEXT_XPT: Final = 200
#: The largest whole number a SAS numeric (a double) holds exactly.
MAX_EXACT_INT: Final = 2**53
#: The Dataset-JSON version written.
DATASET_JSON_VERSION: Final = "1.1.0"
#: SAS dates count days from this date.
SAS_EPOCH: Final = np.datetime64("1960-01-01", "D")

#: ASCII spellings of unit symbols in XPT text (SAS XPORT v5 has no encoding),
#: as CDISC Controlled Terminology's UNIT codelist (C71620) spells them:
#: "C" degree Celsius, "F" degree Fahrenheit, "u" for micro ("umol/L").
#: Dataset-JSON and CSV keep the symbols.
XPT_UNIT_SPELLINGS: Final = (
    ("°C", "C"),
    ("°F", "F"),
    ("µ", "u"),  # MICRO SIGN
    ("μ", "u"),  # GREEK SMALL LETTER MU
)

_NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_CRIT = re.compile(r"CRIT(\d+)(FL)?\Z")

_DATASET_LABELS: Final = {
    "ADSL": "Subject-Level Analysis Dataset",
    "ADLB": "Laboratory Analysis Dataset",
    "ADRS": "Renal Response Analysis Dataset",
    "ADTTE": "Time-to-Event Analysis Dataset",
}
_STRUCTURE: Final = {
    "ADSL": ("ADSL", "One record per subject"),
    "ADLB": ("BASIC DATA STRUCTURE", "One record per subject per parameter per visit"),
    "ADRS": (
        "BASIC DATA STRUCTURE",
        "One record per subject per parameter per analysis timepoint",
    ),
    "ADTTE": ("BASIC DATA STRUCTURE", "One record per subject per parameter"),
}
#: Key variables (unique together in each written dataset).
_KEYS: Final = {
    "ADSL": ("STUDYID", "USUBJID"),
    "ADLB": ("STUDYID", "USUBJID", "PARAMCD", "DAY"),
    "ADRS": ("STUDYID", "USUBJID", "PARAMCD", "AVISIT"),
    "ADTTE": ("STUDYID", "USUBJID", "PARAMCD"),
}

#: Labels of the variables the ADaM Implementation Guide (and SDTM, for the
#: ADSL variables copied from DM) defines, as the pharmaverse ADaM datasets
#: built with admiral carry them (``tests/data/pharmaverse_adam_columns.csv``).
ADAM_IG_LABELS: Final = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "TRT01P": "Planned Treatment for Period 01",
    "SEX": "Sex",
    "AGE": "Age",
    "AGEU": "Age Units",
    "TRTSDT": "Date of First Exposure to Treatment",
    "EOSSTT": "End of Study Status",
    "DCSREAS": "Reason for Discontinuation from Study",
    "DTHFL": "Subject Death Flag",
    "DTHDT": "Date of Death",
    "ITTFL": "Intent-To-Treat Population Flag",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "PARAMTYP": "Parameter Type",
    "AVAL": "Analysis Value",
    "AVALC": "Analysis Value (C)",
    "ADT": "Analysis Date",
    "ADY": "Analysis Relative Day",
    "VISIT": "Visit Name",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N)",
    "ANL01FL": "Analysis Flag 01",
    "ABLFL": "Baseline Record Flag",
    "BASE": "Baseline Value",
    "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline",
    "ANRLO": "Analysis Normal Range Lower Limit",
    "ANRHI": "Analysis Normal Range Upper Limit",
    "ANRIND": "Analysis Reference Range Indicator",
    "DTYPE": "Derivation Type",
    "STARTDT": "Time-to-Event Origin Date for Subject",
    "CNSR": "Censor",
    "EVNTDESC": "Event or Censoring Description",
    "SRCDOM": "Source Data",
}

Column = npt.NDArray[Any]


@dataclass(frozen=True)
class _Variable:
    """One variable as written: name, label, kind, length and values."""

    name: str
    label: str
    kind: str  # "text", "float", "integer" or "date"
    values: Column
    length: int
    comment: str | None
    derivation: str | None

    @property
    def sas_type(self) -> str:
        return "Char" if self.kind == "text" else "Num"

    @property
    def json_type(self) -> str:
        return {"text": "string", "float": "double"}.get(self.kind, self.kind)


@dataclass(frozen=True)
class _Dataset:
    name: str
    label: str
    rows: int
    variables: tuple[_Variable, ...]


def _version() -> str:
    try:
        return _metadata.version("lupusscore")
    except _metadata.PackageNotFoundError:  # pragma: no cover - source tree
        return "0+unknown"


# --- checks and conversions ------------------------------------------------


def _bad(field: str, value: object, expected: str, **where: Any) -> InvalidValueError:
    return InvalidValueError(
        field=field, value=_shown(value), expected=expected, **where
    )


def _text_column(field: str, col: Column) -> Column:
    """Return a text column (``str``/None); flags become ``Y``/``N``."""
    if col.dtype == np.bool_:
        return np.where(col, "Y", "N").astype(object)
    out = np.empty(len(col), dtype=object)
    for i, item in enumerate(col.tolist()):
        if item is None or isinstance(item, str):
            out[i] = item
        elif isinstance(item, bool):
            out[i] = "Y" if item else "N"
        else:  # pragma: no cover - a Table holds only these
            raise _bad(field, item, "text, flags or None", index=i)
    return out


def _kind(field: str, col: Column) -> tuple[str, Column]:
    if col.dtype == np.float64:
        bad = np.isinf(col)
        if np.any(bad):
            first = int(np.flatnonzero(bad)[0])
            raise _bad(
                field,
                float(col[first]),
                "finite numbers or NaN (missing): SAS and JSON hold no infinity",
                index=first,
                count=int(np.count_nonzero(bad)),
            )
        return "float", col
    if col.dtype == np.int64:
        return "integer", col
    if col.dtype == np.dtype("datetime64[D]"):
        return "date", col
    if col.dtype in (np.dtype(object), np.dtype(np.bool_)):
        return "text", _text_column(field, col)
    raise _bad(
        field,
        str(col.dtype),
        "a column of numbers, whole numbers, dates or text "
        "(date-times have no ADaM variable here)",
    )


def _ascii_units(values: Column) -> Column:
    """Return text with unit symbols in their ASCII spellings (XPT)."""
    out = values.copy()
    for i, v in enumerate(values.tolist()):
        if v is not None and not v.isascii():
            text = v
            for symbol, ascii_spelling in XPT_UNIT_SPELLINGS:
                text = text.replace(symbol, ascii_spelling)
            out[i] = text
    return out


def _text_length(values: Column) -> int:
    return max((len(v) for v in values.tolist() if v is not None), default=0)


def _check_name(dataset: str, name: str) -> None:
    if len(name) > MAX_NAME or not _NAME.match(name):
        field = f"{dataset}.{name}"
        raise _bad(
            field,
            name,
            f"an ADaM variable name: at most {MAX_NAME} characters, upper case "
            "letters, digits and _, starting with a letter",
        )


def _check_label(field: str, label: str) -> None:
    if len(label) > MAX_LABEL or not label.isascii():
        raise _bad(field, label, f"a label of at most {MAX_LABEL} ASCII characters")


def _check_xpt(dataset: str, var: _Variable) -> None:
    """XPT v5 limits: ASCII text of at most 200 bytes, exact whole numbers."""
    field = f"{dataset}.{var.name}"
    if var.kind == "text":
        for i, v in enumerate(var.values.tolist()):
            if v is None:
                continue
            if not v.isascii():
                raise _bad(
                    field,
                    v,
                    "ASCII text in SAS XPORT v5 (it has no encoding; unit "
                    "symbols such as µ and °C are spelled u and C); write "
                    "format='json' or 'csv' (UTF-8) for other characters",
                    index=i,
                )
            if len(v) > MAX_TEXT_XPT:
                raise _bad(
                    field,
                    v,
                    f"text of at most {MAX_TEXT_XPT} characters in SAS XPORT v5; "
                    "write format='json' or 'csv' for longer text",
                    index=i,
                )
    elif var.kind == "integer":
        big = np.abs(var.values) > MAX_EXACT_INT
        if np.any(big):
            first = int(np.flatnonzero(big)[0])
            raise _bad(
                field,
                int(var.values[first]),
                "whole numbers within ±2**53 (what a SAS numeric holds exactly)",
                index=first,
            )


# --- metadata ----------------------------------------------------------------


def _label(dataset: str, name: str, table_label: str | None) -> str:
    crit = _CRIT.match(name)
    if crit:
        n = crit.group(1)
        # ADaM IG: CRITy "Analysis Criterion y", CRITyFL "Criterion y
        # Evaluation Result Flag".
        return (
            f"Criterion {n} Evaluation Result Flag"
            if crit.group(2)
            else f"Analysis Criterion {n}"
        )
    if name in ADAM_IG_LABELS:
        return ADAM_IG_LABELS[name]
    if table_label is None:
        field = f"{dataset}.{name}"
        raise _bad(field, None, "a column label")
    return table_label


def _definition_text(analysis: Analysis) -> str:
    d = analysis.definition
    return f"{d.title} ({d.id} version {d.version}; {d.citation})"


def _derivations(analysis: Analysis) -> dict[str, dict[str, str]]:
    """Return the derivation of each variable whose meaning is a lupusscore rule."""
    d = analysis.definition
    c = analysis.cohort
    last = max(c.schedule, key=lambda tp: tp.day).label if c.schedule else "none"
    defn = _definition_text(analysis)
    flare = analysis.flare_definition
    tte = (
        f"Days from STARTDT to ADT. TTCRR/TTRR: first renal response under {defn}; "
        "death or withdrawal censor, else censored at the last evaluable "
        "assessment. TTESKD: chronic dialysis or kidney transplant; death and "
        "withdrawal censor. TTDEATH: death."
    )
    if flare is not None:
        tte += (
            f" TTFLARE: first renal flare under {flare.title} ({flare.id} version "
            f"{flare.version}; {flare.citation}), measured against the "
            f"{analysis.flare_reference} visit."
        )
    return {
        "ADSL": {
            "TRTSDT": "Study day 0: the cohort's reference date (the trial's day "
            "0, or DM.RFSTDTC); ADY and DAY count from it.",
            "AGE": "Whole years from BRTHDT to TRTSDT: floor(days / 365.25).",
            "EOSSTT": "DISCONTINUED after death or withdrawal; COMPLETED with a "
            f"visit in the window of the last scheduled timepoint ({last}); "
            "else ONGOING.",
            "ESKDFL": "Y if chronic dialysis or kidney transplant was recorded.",
            "ITTFL": "Y for a participant with a study day 0 (randomised); N for "
            "one without (DM without RFSTDTC: a screen failure), who is in no "
            "other dataset and in no outcome or denominator.",
        },
        "ADLB": {
            "AVAL": "The latest result of the visit in the parameter's canonical "
            "unit (AVALU). EGFR: CKD-EPI 2021 creatinine equation; SLEDAI: "
            "SLEDAI-2K, complete scores only.",
            "ABLFL": "The latest visit on days -window..0 with a value.",
            "AVISIT": "Baseline, or the label of the scheduled timepoint this "
            "visit stands for: the visit nearest the target day within the "
            "window (earlier on ties).",
            "ANL01FL": "Y on the records that stand for AVISIT.",
        },
        "ADRS": {
            "AVALC": f"Renal response under {defn}: Y met, N not met, NE not "
            "evaluable (reason in NEREAS). CRR/RR at each scheduled timepoint; "
            f"CRRSUS/RRSUS achieved by {analysis.achieve_by} and maintained "
            f"through {analysis.maintain_through}. Missing-visit policy "
            f"{analysis.policy.value}.",
            "CRIT": f"Name of a criterion of {d.id} version {d.version}; CRITyFL "
            "Y met, N not met, blank not evaluable, at the assessment ADT.",
        },
        "ADTTE": {"AVAL": tte, "CNSR": "0 event, 1 censored."},
    }


def _with_studyid(table: Table, study: str) -> tuple[dict[str, Column], dict[str, str]]:
    columns = {c: table[c] for c in table.columns}
    labels = dict(table.labels)
    if "STUDYID" not in columns:
        columns = {"STUDYID": np.full(len(table), study, dtype=object), **columns}
        labels["STUDYID"] = ADAM_IG_LABELS["STUDYID"]
    return columns, labels


def _dataset(
    name: str, table: Table, analysis: Analysis, *, ascii_units: bool = False
) -> _Dataset:
    columns, labels = _with_studyid(table, analysis.cohort.name)
    derivations = _derivations(analysis)[name]
    variables = []
    for col_name, col in columns.items():
        _check_name(name, col_name)
        label = _label(name, col_name, labels.get(col_name))
        _check_label(f"{name}.{col_name} label", label)
        kind, values = _kind(f"{name}.{col_name}", col)
        if ascii_units and kind == "text":
            values = _ascii_units(values)
        own = labels.get(col_name)
        crit = _CRIT.match(col_name)
        derivation = derivations.get("CRIT" if crit and not crit.group(2) else col_name)
        variables.append(
            _Variable(
                name=col_name,
                label=label,
                kind=kind,
                values=values,
                length=max(_text_length(values), 1) if kind == "text" else 8,
                comment=own if own and own != label else None,
                derivation=derivation,
            )
        )
    if "PARAMCD" in columns:
        for i, code in enumerate(columns["PARAMCD"].tolist()):
            if (
                not isinstance(code, str)
                or len(code) > MAX_NAME
                or not _NAME.match(code)
            ):
                field = f"{name}.PARAMCD"
                raise _bad(
                    field,
                    code,
                    f"a parameter code of at most {MAX_NAME} characters (upper "
                    "case letters, digits and _, starting with a letter)",
                    index=i,
                )
    return _Dataset(
        name=name,
        label=_DATASET_LABELS[name],
        rows=len(table),
        variables=tuple(variables),
    )


def _define(analysis: Analysis, datasets: list[_Dataset], fmt: str) -> dict[str, Any]:
    d = analysis.definition
    flare = analysis.flare_definition
    return {
        "description": "Define-style metadata of ADaM-shaped datasets written by "
        "lupusscore.cdisc.write_adam (not a define.xml).",
        "study": analysis.cohort.name,
        "sourceSystem": {"name": "lupusscore", "version": _version()},
        "format": fmt,
        "analysis": {
            "renalResponseDefinition": {
                "id": d.id,
                "version": d.version,
                "title": d.title,
                "citation": d.citation,
            },
            "achieveBy": analysis.achieve_by,
            "maintainThrough": analysis.maintain_through,
            "missingPolicy": analysis.policy.value,
            "useUnscheduled": analysis.use_unscheduled,
            "renalFlareDefinition": None
            if flare is None
            else {
                "id": flare.id,
                "version": flare.version,
                "title": flare.title,
                "citation": flare.citation,
            },
            "flareReference": analysis.flare_reference if flare else None,
        },
        "datasets": [
            {
                "name": ds.name,
                "label": ds.label,
                "file": f"{ds.name.lower()}.{fmt}",
                "class": _STRUCTURE[ds.name][0],
                "structure": _STRUCTURE[ds.name][1],
                "keys": list(_KEYS[ds.name]),
                "records": ds.rows,
                "variables": [
                    {
                        "name": v.name,
                        "label": v.label,
                        "type": v.sas_type,
                        "dataType": v.json_type,
                        "length": v.length,
                        **({"displayFormat": "DATE9."} if v.kind == "date" else {}),
                        "origin": "Derived",
                        **({"comment": v.comment} if v.comment else {}),
                        **({"derivation": v.derivation} if v.derivation else {}),
                    }
                    for v in ds.variables
                ],
            }
            for ds in datasets
        ],
    }


# --- writers -----------------------------------------------------------------


def _iso(day: np.datetime64) -> str | None:
    return None if np.isnat(day) else str(day)


def _json_values(var: _Variable) -> list[Any]:
    if var.kind == "date":
        return [_iso(x) for x in var.values]
    if var.kind == "float":
        return [None if math.isnan(x) else x for x in var.values.tolist()]
    return cast(list[Any], var.values.tolist())


def _write_json(path: Path, ds: _Dataset, study: str, created: str) -> None:
    columns = []
    keys = _KEYS[ds.name]
    for v in ds.variables:
        col: dict[str, Any] = {
            "itemOID": f"IT.{ds.name}.{v.name}",
            "name": v.name,
            "label": v.label,
            "dataType": v.json_type,
        }
        if v.kind == "date":
            col["targetDataType"] = "integer"
            col["displayFormat"] = "DATE9."
        if v.kind == "text":
            col["length"] = v.length
        if v.name in keys:
            col["keySequence"] = keys.index(v.name) + 1
        columns.append(col)
    values = [_json_values(v) for v in ds.variables]
    doc = {
        "datasetJSONCreationDateTime": created,
        "datasetJSONVersion": DATASET_JSON_VERSION,
        "fileOID": f"lupusscore/{study}/{ds.name}",
        "originator": "lupusscore",
        "sourceSystem": {"name": "lupusscore", "version": _version()},
        "studyOID": study,
        "metaDataRef": "define.json",
        "itemGroupOID": f"IG.{ds.name}",
        "records": ds.rows,
        "name": ds.name,
        "label": ds.label,
        "columns": columns,
        "rows": [list(row) for row in zip(*values, strict=True)],
    }
    with path.open("w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, allow_nan=False)


def _csv_cell(kind: str, x: Any) -> str:
    if x is None:
        return ""
    if kind == "float":
        return "" if math.isnan(x) else repr(x)
    if kind == "date":
        return "" if np.isnat(x) else str(x)
    return str(x)


def _write_csv(path: Path, ds: _Dataset) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow([v.name for v in ds.variables])
        cells = [
            [
                _csv_cell(v.kind, x)
                for x in (v.values if v.kind == "date" else v.values.tolist())
            ]
            for v in ds.variables
        ]
        out.writerows(zip(*cells, strict=True))


def _pyreadstat() -> Any:
    try:
        module = importlib.import_module("pyreadstat")
        pandas = importlib.import_module("pandas")
    except ImportError as err:
        raise MissingExtraError(
            package=err.name or "pyreadstat",
            feature="write_adam(format='xpt')",
            extra="cdisc",
        ) from None
    return module, pandas


def _write_xpt(path: Path, ds: _Dataset, modules: Any) -> None:
    pyreadstat, pd = modules
    data: dict[str, Any] = {}
    formats: dict[str, str] = {}
    for v in ds.variables:
        if v.kind == "text":
            data[v.name] = pd.Series(
                ["" if x is None else x for x in v.values.tolist()], dtype=object
            )
        elif v.kind == "date":
            days = (v.values - SAS_EPOCH).astype(np.float64)
            days[np.isnat(v.values)] = np.nan
            data[v.name] = days
            formats[v.name] = "DATE9."
        else:
            data[v.name] = v.values.astype(np.float64)
    frame = pd.DataFrame(data, index=range(ds.rows))
    pyreadstat.write_xport(
        frame,
        os.fspath(path),
        file_label=ds.label,
        column_labels={v.name: v.label for v in ds.variables},
        table_name=ds.name,
        file_format_version=5,
        variable_format=formats,
    )


def write_adam(
    analysis: Analysis,
    path: str | os.PathLike[str],
    *,
    format: str = "xpt",
) -> dict[str, Path]:
    """Write an analysis' ADSL, ADLB, ADRS and ADTTE as ADaM datasets.

    Parameters
    ----------
    analysis : Analysis
        From :func:`lupusscore.analyse`.
    path : str or os.PathLike
        Directory to write into (created if missing; files of the same names
        are replaced).
    format : {"xpt", "json", "csv"}
        ``"xpt"`` SAS XPORT version 5 (needs ``pyreadstat``: ``pip install
        'lupusscore[cdisc]'``), ``"json"`` CDISC Dataset-JSON 1.1, ``"csv"``
        CSV (UTF-8, a header row of variable names; missing is empty).

    Returns
    -------
    dict of str to pathlib.Path
        The file written for each dataset (``"ADSL"`` ... ``"ADTTE"``, named
        ``adsl.xpt`` ...) and for ``"define"`` (``define.json``: dataset and
        variable labels, types, lengths, keys, and derivations naming the
        renal response definition, its version and citation).

    Raises
    ------
    InvalidValueError
        Not an Analysis, an unknown format, a path that is not a directory,
        or data a format cannot hold (a name, label or parameter code over
        its limit; for XPT non-ASCII or over-long text).
    MissingExtraError
        ``format="xpt"`` without ``pyreadstat``.

    Examples
    --------
    >>> import tempfile
    >>> import lupusscore as ls
    >>> from lupusscore.cdisc import write_adam
    >>> from lupusscore.cli import load_example_trial
    >>> analysis = ls.analyse(load_example_trial())
    >>> with tempfile.TemporaryDirectory() as out:
    ...     written = write_adam(analysis, out, format="csv")
    ...     sorted(p.name for p in written.values())
    ['adlb.csv', 'adrs.csv', 'adsl.csv', 'adtte.csv', 'define.json']
    """
    analysis = as_instance(
        "analysis", analysis, Analysis, expected="an Analysis (lupusscore.analyse)"
    )
    fmt = cast(str, as_choice("format", format, ADAM_FORMATS))
    if not isinstance(path, str | os.PathLike):
        raise InvalidValueError(
            field="path", value=describe(path), expected="a directory path"
        )
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise InvalidValueError(
            field="path", value=str(out), expected="a directory (this is a file)"
        )
    tables: Mapping[str, Table] = {
        "ADSL": analysis.adsl,
        "ADLB": analysis.adlb,
        "ADRS": analysis.adrs,
        "ADTTE": analysis.adtte,
    }
    datasets = [
        _dataset(name, table, analysis, ascii_units=fmt == "xpt")
        for name, table in tables.items()
    ]
    writer: Callable[[Path, _Dataset], None]
    study = analysis.cohort.name
    if fmt == "xpt":
        for ds in datasets:
            for v in ds.variables:
                _check_xpt(ds.name, v)
        modules = _pyreadstat()

        def writer(p: Path, ds: _Dataset) -> None:
            _write_xpt(p, ds, modules)

    elif fmt == "json":
        created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        def writer(p: Path, ds: _Dataset) -> None:
            _write_json(p, ds, study, created)

    else:
        writer = _write_csv
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for ds in datasets:
        target = out / f"{ds.name.lower()}.{fmt}"
        writer(target, ds)
        written[ds.name] = target
    define = out / "define.json"
    with define.open("w", encoding="utf-8") as fh:
        meta = _define(analysis, datasets, fmt)
        if fmt == "xpt":
            meta["xptUnitSpellings"] = dict(XPT_UNIT_SPELLINGS)
        json.dump(meta, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    written["define"] = define
    return written
