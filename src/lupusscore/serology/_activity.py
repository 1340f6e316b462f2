"""Serological activity: anti-dsDNA above the lab's ULN and/or low C3 or C4.

Defined once here and used by the activity scores (LLDAS, DORIS). Source:
LLDAS (Franklyn, Ann Rheum Dis 2016;75:1615-21) and its comparison with DORIS
(Rheumatology, PMC7719036): "serological activity" means anti-dsDNA above the
laboratory ULN and/or C3 or C4 below the laboratory LLN (lupusscore clinical
reference section 1.4). CH50 is not part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from lupusscore._checks import as_flag, as_instance, as_sequence, describe
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import Criterion, Status, any_of
from lupusscore.serology._complement import low_complement
from lupusscore.serology._dsdna import dsdna_increased

__all__ = ["SEROLOGICAL_ACTIVITY_SOURCE", "serological_activity"]

#: Where the definition comes from.
SEROLOGICAL_ACTIVITY_SOURCE: Final = (
    "anti-dsDNA above the laboratory ULN and/or C3 or C4 below the laboratory "
    "LLN: LLDAS (Franklyn, Ann Rheum Dis 2016;75:1615-21); LLDAS/DORIS "
    "comparison (Rheumatology, PMC7719036)"
)

_PARTS: Final = (Analyte.ANTI_DSDNA, Analyte.C3, Analyte.C4)
_LABEL: Final = {Analyte.ANTI_DSDNA: "anti-dsDNA", Analyte.C3: "C3", Analyte.C4: "C4"}


def _describe(c: Criterion) -> str:
    what = {
        "anti_dsdna_increased": "anti-dsDNA",
        "low_c3": "C3",
        "low_c4": "C4",
    }[c.name]
    if c.status is Status.NOT_EVALUABLE:
        return f"{what} not evaluable ({c.reason})"
    verb = {
        ("anti_dsdna_increased", True): "above ULN",
        ("anti_dsdna_increased", False): "not above ULN",
    }.get((c.name, c.status is Status.MET))
    if verb is None:
        verb = "low" if c.status is Status.MET else "not low"
    shown = f"{c.observed:.4g} {c.unit}" if c.observed is not None else "?"
    limit = f"{c.threshold:.4g}" if c.threshold is not None else "?"
    return f"{what} {verb} ({shown} vs {c.comparator} {limit})"


def serological_activity(
    labs: Iterable[LabResult], *, use_default: bool = False
) -> Criterion:
    """Whether serology is active: anti-dsDNA above the ULN and/or low C3 or C4.

    Parameters
    ----------
    labs : iterable of LabResult
        The results to judge (typically one visit's labs). Results of other
        analytes (CH50, creatinine ...) are ignored. Every anti-dsDNA result is
        judged with :func:`dsdna_increased` (the lab's ULN) and every C3 and C4
        with :func:`low_complement` against the lab's LLN.
    use_default : bool, optional
        Judge a C3 or C4 without a lab range against the documented default
        lower limits (C3 0.9 g/L, C4 0.1 g/L). Off by default: LLDAS and DORIS
        speak of the *laboratory's* limits, so such a result is not evaluable.

    Returns
    -------
    Criterion
        ``serological_activity``, combined with three-valued OR
        (:func:`~lupusscore.results.any_of`): met if any part is met; not met
        only if anti-dsDNA, C3 and C4 are all present and none is abnormal;
        otherwise not evaluable. ``reason`` lists every part found and every
        part missing.

    Notes
    -----
    Source: Franklyn 2016 (LLDAS) and the LLDAS/DORIS comparison (PMC7719036),
    lupusscore clinical reference section 1.4.

    Examples
    --------
    >>> labs = [
    ...     LabResult(
    ...         analyte="anti_dsdna",
    ...         value=8,
    ...         unit="IU/mL",
    ...         date="2024-01-05",
    ...         reference_high=10,
    ...     ),
    ...     LabResult(
    ...         analyte="c3",
    ...         value=0.7,
    ...         unit="g/L",
    ...         date="2024-01-05",
    ...         reference_low=0.9,
    ...     ),
    ... ]
    >>> c = serological_activity(labs)
    >>> c.status.value
    'met'
    >>> print(c.reason)
    anti-dsDNA not above ULN (8 IU/mL vs > 10); C3 low (0.7 g/L vs < 0.9); C4 missing
    """
    given: object = labs
    expected = "an iterable of LabResult (e.g. a visit's labs)"
    if isinstance(given, LabResult):
        raise InvalidValueError(field="labs", value=describe(given), expected=expected)
    items = as_sequence("labs", given, expected=expected)
    default_ok = as_flag("use_default", use_default)
    checked = [as_instance(f"labs[{i}]", lab, LabResult) for i, lab in enumerate(items)]
    parts: list[Criterion] = []
    seen: set[Analyte] = set()
    for lab in checked:
        if lab.analyte is Analyte.ANTI_DSDNA:
            parts.append(dsdna_increased(lab))
        elif lab.analyte in {Analyte.C3, Analyte.C4}:
            parts.append(low_complement(lab, use_default=default_ok))
        else:
            continue
        seen.add(lab.analyte)
    order = {"anti_dsdna_increased": 0, "low_c3": 1, "low_c4": 2}
    parts.sort(key=lambda c: order[c.name])
    notes = [_describe(c) for c in parts]
    missing = [a for a in _PARTS if a not in seen]
    notes += [f"{_LABEL[a]} missing" for a in missing]
    statuses = [c.status for c in parts] + [Status.NOT_EVALUABLE for _ in missing]
    return Criterion(
        name="serological_activity",
        status=any_of(statuses),
        reason="; ".join(notes),
        source=SEROLOGICAL_ACTIVITY_SOURCE,
    )
