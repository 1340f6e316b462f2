"""ANA: titre parsing, formatting (round trip) and positivity at >= 1:80."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import InvalidValueError, LabResult, LupusScoreError
from lupusscore.results import Status
from lupusscore.serology import (
    ANA_POSITIVE_DILUTION,
    AnaTiter,
    Censoring,
    ana_positive,
    ana_positive_kernel,
    format_ana_titer,
    parse_ana_titer,
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "serology_cutoffs.json").read_text()
)


def test_threshold_matches_reference() -> None:
    """ANA positivity starts at 1:80 (EULAR/ACR 2019 entry criterion)."""
    assert REF["ana_positive_reciprocal_titre"] == ANA_POSITIVE_DILUTION


@pytest.mark.parametrize(
    ("text", "dilution", "censoring"),
    [
        ("1:160", 160, Censoring.EXACT),
        ("160", 160, Censoring.EXACT),
        ("1 : 640", 640, Censoring.EXACT),
        ("<1:40", 40, Censoring.BELOW),
        (">=1:1280", 1280, Censoring.AT_LEAST),
        ("≥1:1280", 1280, Censoring.AT_LEAST),
        ("negative", None, Censoring.NEGATIVE),
        ("  NEG ", None, Censoring.NEGATIVE),
    ],
)
def test_parse_issue_examples(
    text: str, dilution: int | None, censoring: Censoring
) -> None:
    """The issue's examples parse to the reciprocal titre with censoring kept."""
    t = parse_ana_titer(text)
    assert t.dilution == dilution
    assert t.censoring is censoring


@pytest.mark.parametrize(
    "text",
    ["1:abc", "", "   ", "-80", "1:0", "0", "2:160", "1:80.5", ">1:80", "<=1:40", "1:"],
)
def test_parse_rejects(text: str) -> None:
    """Anything else is an InvalidValueError, a ValueError of the library."""
    with pytest.raises(InvalidValueError, match="titre") as info:
        parse_ana_titer(text)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, LupusScoreError)


def test_parse_rejects_non_text() -> None:
    """A number instead of text is rejected, not guessed."""
    with pytest.raises(InvalidValueError):
        parse_ana_titer(160)  # type: ignore[arg-type]


def test_titer_invariants() -> None:
    """A negative has no dilution; every other titre has a whole dilution >= 1."""
    with pytest.raises(InvalidValueError):
        AnaTiter(dilution=80, censoring=Censoring.NEGATIVE)
    with pytest.raises(InvalidValueError):
        AnaTiter(dilution=None)
    with pytest.raises(InvalidValueError):
        AnaTiter(dilution=0)


titers = st.one_of(
    st.just(AnaTiter(dilution=None, censoring=Censoring.NEGATIVE)),
    st.builds(
        AnaTiter,
        dilution=st.integers(min_value=1, max_value=10**7),
        censoring=st.sampled_from(
            [Censoring.EXACT, Censoring.BELOW, Censoring.AT_LEAST]
        ),
    ),
)


@given(titers)
def test_format_parse_round_trip(t: AnaTiter) -> None:
    """parse(format(t)) == t for every titre."""
    assert parse_ana_titer(format_ana_titer(t)) == t
    assert str(t) == format_ana_titer(t)


@given(
    d=st.integers(min_value=1, max_value=10**6),
    prefix=st.sampled_from(["", "<", ">=", "≥"]),
    colon=st.sampled_from(["1:", "1 : ", " 1:", ""]),
    pad=st.sampled_from(["", " ", "  "]),
)
def test_parse_format_normalises(d: int, prefix: str, colon: str, pad: str) -> None:
    """Spacing variants all format to the canonical text and parse back the same."""
    text = f"{pad}{prefix}{colon}{d}{pad}"
    t = parse_ana_titer(text)
    canonical = format_ana_titer(t)
    shown = {"≥": ">="}.get(prefix, prefix)
    assert canonical == f"{shown}1:{d}"
    assert parse_ana_titer(canonical) == t


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("1:40", Status.NOT_MET),
        ("1:79", Status.NOT_MET),
        ("1:80", Status.MET),
        ("1:160", Status.MET),
        ("negative", Status.NOT_MET),
        ("<1:40", Status.NOT_MET),
        ("<1:80", Status.NOT_MET),
        ("<1:160", Status.NOT_EVALUABLE),
        (">=1:80", Status.MET),
        (">=1:40", Status.NOT_EVALUABLE),
        (">=1:1280", Status.MET),
    ],
)
def test_positivity_edges_and_censoring(text: str, status: Status) -> None:
    """Positive at >= 1:80; censored titres decide only when the censoring allows."""
    c = ana_positive(text)
    assert c.status is status
    assert c.threshold == 80.0
    assert c.reason


def test_positivity_from_lab_result() -> None:
    """An ana LabResult holds the reciprocal titre."""
    lab = LabResult(analyte="ana", value=80, unit="{titer}", date="2024-01-05")
    assert ana_positive(lab).met is True
    lab40 = LabResult(analyte="ana", value=40, unit="titer", date="2024-01-05")
    assert ana_positive(lab40).met is False


def test_positivity_rejects_other_labs_and_fractions() -> None:
    """A non-ANA lab or a fractional titre is an error."""
    c3 = LabResult(analyte="c3", value=1, unit="g/L", date="2024-01-05")
    with pytest.raises(InvalidValueError):
        ana_positive(c3)
    odd = LabResult(analyte="ana", value=80.5, unit="{titer}", date="2024-01-05")
    with pytest.raises(InvalidValueError, match="whole-number"):
        ana_positive(odd)


def test_kernel_scalar_and_array() -> None:
    """The positivity kernel gives a bool for a scalar and an array for an array."""
    assert ana_positive_kernel(80.0) is True
    assert ana_positive_kernel(np.array([79.0, 80.0])).tolist() == [False, True]
