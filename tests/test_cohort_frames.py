"""Cohort.from_frames: pandas, polars and pyarrow give the same analysis.

The issue's "done when": from a pandas and a polars frame the ``Analysis``
tables are equal; a frame with bad rows reports every bad row with its index
and participant; NaN (or null) in a frame is missing, not an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import lupusscore as ls
from lupusscore.example import (
    SYNTHETIC_ARMS,
    synthetic_schedule,
    synthetic_tables,
    tables_to_trial,
)

TABLES = synthetic_tables(60, seed=11)
OPTIONS: dict[str, Any] = {
    "schedule": synthetic_schedule(),
    "arms": SYNTHETIC_ARMS,
    "name": "SYNTHETIC frames test",
    "synthetic": True,
}


def _cohort(convert: Any) -> ls.Cohort:
    frames = {k: convert(v) for k, v in TABLES.items()}
    return ls.Cohort.from_frames(
        frames["labs"],
        frames["participants"],
        visits=frames["visits"],
        events=frames["events"],
        **OPTIONS,
    )


def _same(a: ls.Analysis, b: ls.Analysis) -> None:
    for name in ("adsl", "adlb", "adrs", "adtte"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.outcome_table() == b.outcome_table()


@pytest.fixture(scope="module")
def from_dicts() -> ls.Analysis:
    return ls.analyse(_cohort(lambda t: t))


def test_pandas_and_polars_give_equal_analyses(from_dicts: ls.Analysis) -> None:
    """The same tables as pandas, polars, pyarrow or dicts: equal ADaM tables."""
    by_pandas = ls.analyse(_cohort(pd.DataFrame))
    by_polars = ls.analyse(_cohort(pl.DataFrame))
    by_arrow = ls.analyse(_cohort(pa.table))
    _same(by_pandas, by_polars)
    _same(by_pandas, by_arrow)
    _same(by_pandas, from_dicts)


def test_frames_equal_the_trial_of_the_same_data(from_dicts: ls.Analysis) -> None:
    """From frames or from the same data as a Trial: the same outcome table."""
    trial = tables_to_trial(TABLES, name="SYNTHETIC frames test")
    assert ls.analyse(trial).outcome_table() == from_dicts.outcome_table()


def test_every_bad_row_is_reported_with_index_and_participant() -> None:
    """Bad rows in a pandas frame: all of them, by row index and participant."""
    labs = pd.DataFrame(TABLES["labs"])
    labs["LBORRES"] = [  # SDTM --ORRES is text
        None if np.isnan(v) else repr(float(v)) for v in TABLES["labs"]["LBORRES"]
    ]
    people = pd.DataFrame(TABLES["participants"])
    bad_rows = [3, 17, 250]
    labs.loc[bad_rows[0], "LBORRESU"] = "furlongs"
    labs.loc[bad_rows[1], "LBORRES"] = "<5"
    labs.loc[bad_rows[2], "USUBJID"] = "NOBODY"
    people.loc[1, "SEX"] = "X"
    with pytest.raises(ls.TableError) as caught:
        ls.Cohort.from_frames(labs, people, **OPTIONS)
    found = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert ("labs", 3, "LBORRESU") in found
    assert ("labs", 17, "LBORRES") in found
    assert ("labs", 250, "USUBJID") in found
    assert ("participants", 1, "SEX") in found
    named = {p.row: p.participant for p in caught.value.problems if p.table == "labs"}
    assert named[3] == labs.loc[3, "USUBJID"]
    assert named[250] == "NOBODY"
    assert "labs row 17" in str(caught.value)


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_nan_in_a_frame_is_missing_not_an_error(library: str) -> None:
    """A NaN (pandas) or null (polars) result is missing: the row is left out."""
    labs = {k: v.copy() for k, v in TABLES["labs"].items()}
    values = labs["LBORRES"].astype(np.float64)
    values[[0, 5]] = np.nan
    labs["LBORRES"] = values
    frame: Any = pd.DataFrame(labs)
    if library == "polars":
        frame = pl.from_pandas(frame, nan_to_null=True)
    cohort = ls.Cohort.from_frames(
        frame, pd.DataFrame(TABLES["participants"]), **OPTIONS
    )
    assert cohort.n_labs == len(values) - 2
    assert any("without a value" in note for note in cohort.notes)
