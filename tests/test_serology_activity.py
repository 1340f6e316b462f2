"""Serological activity (LLDAS / DORIS) and seroconversion between two dates."""

import pytest

from lupusscore import InvalidDateError, InvalidValueError, LabResult
from lupusscore.results import Status
from lupusscore.serology import BLISS_IU_ML, seroconversion, serological_activity

DAY = "2024-01-05"


def lab(analyte: str, value: float, unit: str, **kw: object) -> LabResult:
    date = kw.pop("date", DAY)
    return LabResult(analyte=analyte, value=value, unit=unit, date=date, **kw)


NORMAL = [
    lab("anti_dsdna", 5, "IU/mL", reference_high=10),
    lab("c3", 1.1, "g/L", reference_low=0.9),
    lab("c4", 0.2, "g/L", reference_low=0.1),
]


def test_all_normal_is_not_met() -> None:
    """Anti-dsDNA, C3 and C4 all present and normal: no serological activity."""
    c = serological_activity(NORMAL)
    assert c.status is Status.NOT_MET
    assert c.name == "serological_activity"
    assert "anti-dsDNA not above ULN" in (c.reason or "")


@pytest.mark.parametrize(
    ("index", "abnormal"),
    [
        (0, lab("anti_dsdna", 11, "IU/mL", reference_high=10)),
        (1, lab("c3", 0.89, "g/L", reference_low=0.9)),
        (2, lab("c4", 9, "mg/dL", reference_low=10)),
    ],
)
def test_any_abnormal_part_is_met(index: int, abnormal: LabResult) -> None:
    """One abnormal part (high anti-dsDNA, low C3 or low C4) is enough."""
    labs = list(NORMAL)
    labs[index] = abnormal
    c = serological_activity(labs)
    assert c.status is Status.MET


def test_at_limits_is_not_active() -> None:
    """Anti-dsDNA at the ULN and C3/C4 at the LLN are not abnormal."""
    labs = [
        lab("anti_dsdna", 10, "IU/mL", reference_high=10),
        lab("c3", 90, "mg/dL", reference_low=90),
        lab("c4", 0.1, "g/L", reference_low=0.1),
    ]
    assert serological_activity(labs).status is Status.NOT_MET


def test_missing_part_is_not_evaluable_and_named() -> None:
    """Normal parts with one missing cannot rule activity out; the reason says what."""
    c = serological_activity(NORMAL[1:])
    assert c.status is Status.NOT_EVALUABLE
    assert "anti-dsDNA missing" in (c.reason or "")


def test_missing_part_does_not_hide_activity() -> None:
    """A low C3 is activity even when anti-dsDNA and C4 are missing."""
    c = serological_activity([lab("c3", 0.5, "g/L", reference_low=0.9)])
    assert c.status is Status.MET
    assert c.reason == ("C3 low (0.5 g/L vs < 0.9); anti-dsDNA missing; C4 missing")


def test_dsdna_without_uln_is_not_evaluable() -> None:
    """Anti-dsDNA without a ULN leaves serology not evaluable if the rest is normal."""
    labs = [lab("anti_dsdna", 50, "U/mL"), *NORMAL[1:]]
    c = serological_activity(labs)
    assert c.status is Status.NOT_EVALUABLE
    assert "anti-dsDNA not evaluable" in (c.reason or "")


def test_other_analytes_are_ignored() -> None:
    """CH50 and creatinine are not part of serological activity."""
    labs = [
        *NORMAL,
        lab("ch50", 5, "U/mL", reference_low=30),
        lab("creatinine", 1.0, "mg/dL"),
    ]
    assert serological_activity(labs).status is Status.NOT_MET


def test_empty_is_not_evaluable() -> None:
    """No labs at all: not evaluable, never 'no activity'."""
    c = serological_activity([])
    assert c.status is Status.NOT_EVALUABLE
    assert c.reason == "anti-dsDNA missing; C3 missing; C4 missing"


def test_seroconversion_dsdna_both_directions() -> None:
    """Positive -> negative and negative -> positive anti-dsDNA within IU/mL."""
    pos = lab("anti_dsdna", 40, "IU/mL", reference_high=10, date="2023-01-01")
    neg = lab("anti_dsdna", 4, "IU/mL", reference_high=10, date="2023-07-01")
    down = seroconversion(pos, neg)
    assert down.became_negative.status is Status.MET
    assert down.became_positive.status is Status.NOT_MET
    back = lab("anti_dsdna", 25, "IU/mL", reference_high=10, date="2024-01-01")
    up = seroconversion(neg, back)
    assert up.became_positive.status is Status.MET
    assert up.became_negative.status is Status.NOT_MET
    assert up.earlier_date.isoformat() == "2023-07-01"


def test_seroconversion_unchanged() -> None:
    """Positive at both dates is neither direction."""
    a = lab("ana", 160, "{titer}", date="2023-01-01")
    b = lab("ana", 640, "{titer}", date="2023-06-01")
    s = seroconversion(a, b)
    assert s.became_negative.status is Status.NOT_MET
    assert s.became_positive.status is Status.NOT_MET


def test_seroconversion_ana_edge() -> None:
    """ANA 1:80 -> 1:40 is seroconversion to negative; 1:160 -> 1:80 is not."""
    assert (
        seroconversion(
            lab("ana", 80, "{titer}", date="2023-01-01"),
            lab("ana", 40, "{titer}", date="2023-06-01"),
        ).became_negative.met
        is True
    )
    assert (
        seroconversion(
            lab("ana", 160, "{titer}", date="2023-01-01"),
            lab("ana", 80, "{titer}", date="2023-06-01"),
        ).became_negative.met
        is False
    )


def test_seroconversion_across_assays() -> None:
    """An assay switch is not evaluable unless the caller accepts it."""
    a = lab("anti_dsdna", 80, "U/mL", assay="A", reference_high=20, date="2023-01-01")
    b = lab("anti_dsdna", 5, "U/mL", assay="B", reference_high=30, date="2023-06-01")
    s = seroconversion(a, b)
    assert s.became_negative.status is Status.NOT_EVALUABLE
    assert "across_assays=True" in (s.became_negative.reason or "")
    accepted = seroconversion(a, b, across_assays=True)
    assert accepted.became_negative.status is Status.MET
    assert "different assays accepted" in (accepted.became_negative.reason or "")


def test_seroconversion_missing_flag_is_not_evaluable() -> None:
    """Without the later ULN, a positive -> ? change is not evaluable."""
    a = lab("anti_dsdna", 80, "IU/mL", reference_high=10, date="2023-01-01")
    b = lab("anti_dsdna", 5, "IU/mL", date="2023-06-01")
    s = seroconversion(a, b)
    assert s.became_negative.status is Status.NOT_EVALUABLE
    assert s.became_positive.status is Status.NOT_MET


def test_seroconversion_with_cutoff() -> None:
    """A named cut-off applies at both dates (BLISS >= 30 IU/mL)."""
    a = lab("anti_dsdna", 30, "IU/mL", date="2023-01-01")
    b = lab("anti_dsdna", 29, "IU/mL", date="2023-06-01")
    assert seroconversion(a, b, cutoff=BLISS_IU_ML).became_negative.met is True


def test_seroconversion_errors() -> None:
    """Wrong or mixed analytes, an ANA cut-off and date order raise library errors."""
    c3 = lab("c3", 1, "g/L", date="2023-01-01")
    with pytest.raises(InvalidValueError):
        seroconversion(c3, lab("c3", 1, "g/L", date="2023-02-01"))
    ana = lab("ana", 80, "{titer}", date="2023-01-01")
    with pytest.raises(InvalidValueError):
        seroconversion(ana, lab("anti_dsdna", 5, "IU/mL", date="2023-02-01"))
    with pytest.raises(InvalidValueError, match="cutoff"):
        seroconversion(
            ana, lab("ana", 40, "{titer}", date="2023-02-01"), cutoff=BLISS_IU_ML
        )
    with pytest.raises(InvalidDateError, match="later"):
        seroconversion(ana, lab("ana", 40, "{titer}", date="2023-01-01"))


def test_complement_without_lab_range_is_not_evaluable_by_default() -> None:
    """Serological activity uses the lab's limits; defaults only when asked."""
    from lupusscore.models import LabResult
    from lupusscore.results import Status
    from lupusscore.serology import serological_activity

    labs = [
        LabResult(
            analyte="anti_dsdna",
            value=5,
            unit="IU/mL",
            date="2024-01-05",
            reference_high=10,
        ),
        LabResult(analyte="c3", value=0.95, unit="g/L", date="2024-01-05"),
        LabResult(
            analyte="c4", value=0.2, unit="g/L", date="2024-01-05", reference_low=0.1
        ),
    ]
    assert serological_activity(labs).status is Status.NOT_EVALUABLE
    assert serological_activity(labs, use_default=True).status is Status.NOT_MET
