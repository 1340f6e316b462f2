"""Anti-dsDNA: lab ULN, documented assay cut-offs, comparability, change."""

import json
from pathlib import Path

import pytest

from lupusscore import InvalidValueError, LabResult
from lupusscore.results import Comparator, Status
from lupusscore.serology import (
    BLISS_IU_ML,
    CLIFT_TITRE,
    DSDNA_CUTOFFS,
    FARR_PERCENT_BINDING_SLEDAI,
    AssayCutoff,
    dsdna_change,
    dsdna_increased,
    same_assay,
)

# The deprecated alias keeps its old behaviour; these tests still cover it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:lupusscore.serology.same_assay:DeprecationWarning"
)

REF = json.loads(
    (Path(__file__).parent / "reference" / "serology_cutoffs.json").read_text()
)
DAY = "2024-01-05"


def dsdna(value: float, unit: str = "IU/mL", **kw: object) -> LabResult:
    date = kw.pop("date", DAY)
    return LabResult(analyte="anti_dsdna", value=value, unit=unit, date=date, **kw)


def test_cutoffs_match_reference() -> None:
    """Each documented cut-off has the reference's family, unit, comparator, number."""
    expected = REF["dsdna_cutoffs"]
    assert set(DSDNA_CUTOFFS) == set(expected)
    for name, ref in expected.items():
        cut = DSDNA_CUTOFFS[name]
        assert cut.family == ref["family"]
        assert cut.comparator == Comparator(ref["comparator"])
        assert cut.threshold == ref["threshold"]
        probe = dsdna(cut.threshold, ref["unit"])
        assert probe.family == cut.family
        assert probe.canonical_unit == ref["unit"]


@pytest.mark.parametrize(
    ("value", "status"),
    [(9.9, Status.NOT_MET), (10.0, Status.NOT_MET), (10.1, Status.MET)],
)
def test_lab_uln_edges(value: float, status: Status) -> None:
    """Increased means strictly above the lab's ULN (10 IU/mL)."""
    c = dsdna_increased(dsdna(value, reference_high=10))
    assert c.status is status
    assert c.name == "anti_dsdna_increased"
    assert c.threshold == 10.0
    assert c.comparator is Comparator.GT
    assert c.unit == "IU/mL"


def test_uln_in_kiu_per_l_is_the_same() -> None:
    """kIU/L is IU/mL: the ULN compares within the result's family."""
    c = dsdna_increased(dsdna(12, "kIU/L", reference_high=12))
    assert c.status is Status.NOT_MET
    assert dsdna_increased(dsdna(12.5, "kIU/L", reference_high=12)).met is True


def test_no_uln_is_not_evaluable_not_negative() -> None:
    """Without the lab's ULN there is no default: not evaluable, with the reason."""
    c = dsdna_increased(dsdna(400))
    assert c.status is Status.NOT_EVALUABLE
    assert "no upper reference limit" in (c.reason or "")
    assert c.threshold is None


@pytest.mark.parametrize(
    ("cutoff", "unit", "below", "at", "above", "at_status"),
    [
        (FARR_PERCENT_BINDING_SLEDAI, "%", 24.9, 25.0, 25.1, Status.NOT_MET),
        (BLISS_IU_ML, "IU/mL", 29.9, 30.0, 30.1, Status.MET),
        (CLIFT_TITRE, "{titer}", 5.0, 10.0, 20.0, Status.MET),
    ],
)
def test_cutoff_edges(
    cutoff: AssayCutoff,
    unit: str,
    below: float,
    at: float,
    above: float,
    at_status: Status,
) -> None:
    """Farr > 25 %, BLISS >= 30 IU/mL and CLIFT >= 1:10 at, below and above the edge."""
    assert dsdna_increased(dsdna(below, unit), cutoff=cutoff).status is Status.NOT_MET
    assert dsdna_increased(dsdna(at, unit), cutoff=cutoff).status is at_status
    c = dsdna_increased(dsdna(above, unit), cutoff=cutoff)
    assert c.status is Status.MET
    assert c.source == cutoff.source
    assert "cut-off" in (c.reason or "")


def test_cutoff_overrides_lab_range() -> None:
    """An explicit cut-off is a definition choice and replaces the lab's ULN."""
    lab = dsdna(20, reference_high=10)
    assert dsdna_increased(lab).met is True
    assert dsdna_increased(lab, cutoff=BLISS_IU_ML).met is False


@pytest.mark.parametrize(
    ("unit", "cutoff"),
    [
        ("U/mL", BLISS_IU_ML),
        ("IU/mL", FARR_PERCENT_BINDING_SLEDAI),
        ("%", CLIFT_TITRE),
        ("{titer}", BLISS_IU_ML),
    ],
)
def test_cutoff_for_another_family_is_not_evaluable(
    unit: str, cutoff: AssayCutoff
) -> None:
    """A cut-off is never applied to a result in another unit family."""
    c = dsdna_increased(dsdna(50, unit), cutoff=cutoff)
    assert c.status is Status.NOT_EVALUABLE
    assert "cannot be compared" in (c.reason or "")


def test_assay_specific_cutoff_checks_assay() -> None:
    """A cut-off naming an assay applies only to results from that assay."""
    cut = AssayCutoff(
        name="protocol_u_ml",
        family="assay_units",
        threshold=100.0,
        comparator=Comparator.GT,
        source="example protocol",
        assay="Assay X",
    )
    assert dsdna_increased(dsdna(150, "U/mL", assay=" assay  x"), cutoff=cut).met
    other = dsdna_increased(dsdna(150, "U/mL", assay="Assay Y"), cutoff=cut)
    assert other.status is Status.NOT_EVALUABLE
    assert dsdna_increased(dsdna(150, "U/mL"), cutoff=cut).met is None


def test_wrong_analyte_raises() -> None:
    """A non-dsDNA result raises a library error."""
    lab = LabResult(analyte="c3", value=1, unit="g/L", date=DAY)
    with pytest.raises(InvalidValueError, match="anti_dsdna"):
        dsdna_increased(lab)


def test_same_assay_rules() -> None:
    """IU/mL compares across assays; U/mL only within one named assay."""
    assert same_assay(dsdna(1, assay="A"), dsdna(2, assay="B")) == (True, "")
    ok, why = same_assay(dsdna(1, "U/mL"), dsdna(2, "U/mL", assay="B"))
    assert not ok
    assert "no assay recorded" in why
    ok, why = same_assay(dsdna(1, "%"), dsdna(2, "IU/mL"))
    assert not ok
    assert "different unit families" in why
    with pytest.raises(InvalidValueError):
        same_assay(dsdna(1), LabResult(analyte="c3", value=1, unit="g/L", date=DAY))


def test_change_within_iu() -> None:
    """Anti-dsDNA 120 -> 30 IU/mL is -90 IU/mL, -75 %."""
    ch = dsdna_change(dsdna(120, assay="A"), dsdna(30, assay="B", date="2024-06-01"))
    assert ch.absolute == pytest.approx(-90.0)
    assert ch.percent == pytest.approx(-75.0)
    assert ch.unit == "IU/mL"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("U/mL", "A"), ("U/mL", "B")),
        (("%", "Farr"), ("IU/mL", "EliA")),
        (("{titer}", "CLIFT"), ("{titer}", None)),
    ],
)
def test_change_across_assays_is_not_evaluable(
    first: tuple[str, str | None], second: tuple[str, str | None]
) -> None:
    """Different assays or unit families are never compared; the reason says why."""
    ch = dsdna_change(
        dsdna(40, first[0], assay=first[1]),
        dsdna(20, second[0], assay=second[1], date="2024-06-01"),
    )
    assert not ch.evaluable
    assert ch.reason


def test_change_zero_baseline_has_no_percent() -> None:
    """A zero baseline gives an absolute change and no percent, with the reason."""
    ch = dsdna_change(dsdna(0), dsdna(5, date="2024-06-01"))
    assert ch.absolute == 5.0
    assert ch.percent is None
    assert "baseline is 0" in (ch.reason or "")


def test_change_requires_dsdna() -> None:
    """dsdna_change rejects other analytes."""
    c3 = LabResult(analyte="c3", value=1, unit="g/L", date=DAY)
    with pytest.raises(InvalidValueError):
        dsdna_change(c3, c3)
