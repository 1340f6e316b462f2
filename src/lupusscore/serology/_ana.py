"""Antinuclear antibodies: titre parsing and formatting, positivity at >= 1:80.

A titre ``1:160`` is stored as its reciprocal, the *dilution* 160. Lab reports
also carry censoring (``<1:40``: negative at the screening dilution 1:40;
``>=1:1280``: positive at the highest dilution tested) and plain negatives;
these are kept, never turned into a number that was not measured.

Positivity: ANA >= 1:80 on HEp-2 cells is the EULAR/ACR 2019 entry criterion
(Aringer, Ann Rheum Dis 2019;78:1151-9; lupusscore clinical reference 5.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, overload

import numpy as np
import numpy.typing as npt

from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import Comparator, Criterion, Status

__all__ = [
    "ANA_POSITIVE_DILUTION",
    "ANA_POSITIVE_SOURCE",
    "AnaTiter",
    "Censoring",
    "ana_positive",
    "ana_positive_kernel",
    "format_ana_titer",
    "parse_ana_titer",
]

#: ANA is positive at a titre of 1:80 or higher: the EULAR/ACR 2019 SLE
#: classification entry criterion (Aringer, Ann Rheum Dis 2019;78:1151-9).
ANA_POSITIVE_DILUTION: Final = 80

#: Where ANA positivity comes from.
ANA_POSITIVE_SOURCE: Final = (
    "ANA >= 1:80 on HEp-2 cells, EULAR/ACR 2019 entry criterion (Aringer, Ann "
    "Rheum Dis 2019;78:1151-9; reference 5.2)"
)

_NEGATIVE_WORDS: Final = frozenset({"negative", "neg"})
_TITRE_RE: Final = re.compile(
    r"""^\s*(?P<cens><=?|>=|≥|≤)?\s*
        (?:(?P<num>\d+)\s*:\s*)?(?P<den>\d+)\s*$""",
    re.VERBOSE,
)
_EXPECTED: Final = (
    "a titre such as '1:160', '160', '<1:40', '>=1:1280' or 'negative' "
    "(a positive whole-number dilution, written 1:N)"
)


class Censoring(StrEnum):
    """How a reported titre relates to the true titre."""

    EXACT = "="
    BELOW = "<"
    AT_LEAST = ">="
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class AnaTiter:
    """A parsed ANA titre.

    Attributes
    ----------
    dilution : int or None
        Reciprocal titre (160 for ``1:160``); None only for a plain negative.
    censoring : Censoring
        ``=`` exact, ``<`` below *dilution*, ``>=`` at least *dilution*, or
        ``negative`` (no titre given).

    Examples
    --------
    >>> t = parse_ana_titer("<1:40")
    >>> t.dilution, t.censoring.value, str(t)
    (40, '<', '<1:40')
    """

    dilution: int | None
    censoring: Censoring = Censoring.EXACT

    def __post_init__(self) -> None:
        """Check that a dilution is given exactly when the result is not negative."""
        if self.censoring is Censoring.NEGATIVE:
            if self.dilution is not None:
                raise InvalidValueError(
                    field="dilution",
                    value=self.dilution,
                    expected="None for a plain negative result",
                )
            return
        if (
            isinstance(self.dilution, bool)
            or not isinstance(self.dilution, int)
            or self.dilution < 1
        ):
            raise InvalidValueError(
                field="dilution",
                value=self.dilution,
                unit="reciprocal titre",
                expected="a whole number >= 1 (160 for 1:160)",
            )

    @property
    def negative(self) -> bool:
        """True for a plain negative or a titre below the screening dilution."""
        return self.censoring in {Censoring.NEGATIVE, Censoring.BELOW}

    def __str__(self) -> str:
        return format_ana_titer(self)


def parse_ana_titer(text: str) -> AnaTiter:
    """Parse an ANA titre as labs write it.

    Parameters
    ----------
    text : str
        ``"1:160"``, ``"160"``, ``"1 : 640"``, ``"<1:40"``, ``">=1:1280"``
        (``"≥1:1280"``), or ``"negative"`` / ``"neg"`` (any case).

    Returns
    -------
    AnaTiter
        ``dilution`` is the reciprocal titre (160); ``censoring`` keeps ``<``,
        ``>=`` and negatives.

    Raises
    ------
    InvalidValueError
        (a ``ValueError``) for anything else: empty text, ``"1:abc"``,
        ``"-80"``, ``"1:0"``, a numerator other than 1, ``">1:80"``
        (ambiguous), decimals.

    Examples
    --------
    >>> parse_ana_titer("1 : 640")
    AnaTiter(dilution=640, censoring=<Censoring.EXACT: '='>)
    >>> parse_ana_titer(">=1:1280").censoring.value
    '>='
    >>> parse_ana_titer("Negative")
    AnaTiter(dilution=None, censoring=<Censoring.NEGATIVE: 'negative'>)
    >>> parse_ana_titer("1:0")
    Traceback (most recent call last):
    ...
    lupusscore.errors.InvalidValueError: ana titre: got '1:0'; expected ...
    """
    if not isinstance(text, str):
        raise InvalidValueError(
            field="titre", value=text, analyte="ana", expected=_EXPECTED
        )
    if text.strip().casefold() in _NEGATIVE_WORDS:
        return AnaTiter(dilution=None, censoring=Censoring.NEGATIVE)
    match = _TITRE_RE.match(text)
    if match is None or match["cens"] in {"<=", "≤"}:
        raise InvalidValueError(
            field="titre", value=text, analyte="ana", expected=_EXPECTED
        )
    num, den = match["num"], int(match["den"])
    if (num is not None and int(num) != 1) or den < 1:
        raise InvalidValueError(
            field="titre", value=text, analyte="ana", expected=_EXPECTED
        )
    cens = {None: Censoring.EXACT, "<": Censoring.BELOW}.get(
        match["cens"], Censoring.AT_LEAST
    )
    return AnaTiter(dilution=den, censoring=cens)


def format_ana_titer(titer: AnaTiter) -> str:
    """Write a titre as ``1:N``, ``<1:N``, ``>=1:N`` or ``negative``.

    ``parse_ana_titer(format_ana_titer(t)) == t`` for every titre.

    Parameters
    ----------
    titer : AnaTiter
        A parsed titre.

    Returns
    -------
    str
        The canonical text.

    Examples
    --------
    >>> format_ana_titer(parse_ana_titer(" 160 "))
    '1:160'
    >>> format_ana_titer(parse_ana_titer("≥1:1280"))
    '>=1:1280'
    """
    if titer.censoring is Censoring.NEGATIVE:
        return "negative"
    prefix = "" if titer.censoring is Censoring.EXACT else titer.censoring.value
    return f"{prefix}1:{titer.dilution}"


@overload
def ana_positive_kernel(
    dilution: float, threshold: float = ANA_POSITIVE_DILUTION
) -> bool: ...
@overload
def ana_positive_kernel(
    dilution: npt.NDArray[np.float64], threshold: float = ANA_POSITIVE_DILUTION
) -> npt.NDArray[np.bool_]: ...
def ana_positive_kernel(
    dilution: float | npt.NDArray[np.float64],
    threshold: float = ANA_POSITIVE_DILUTION,
) -> bool | npt.NDArray[np.bool_]:
    """Positivity of exact reciprocal titres: ``dilution >= threshold``.

    Parameters
    ----------
    dilution : float or numpy.ndarray
        Reciprocal titres (exact, not censored).
    threshold : float, optional
        Positive from this reciprocal titre on (default 80).

    Returns
    -------
    bool or numpy.ndarray of bool
        A bool for scalar input, a boolean array otherwise.

    Examples
    --------
    >>> ana_positive_kernel(np.array([40.0, 80.0, 160.0])).tolist()
    [False, True, True]
    """
    out = Comparator.GE.apply(dilution, threshold)
    if np.ndim(dilution) == 0:
        return bool(out)
    return out


def _titer_of(value: AnaTiter | LabResult | str) -> AnaTiter:
    if isinstance(value, AnaTiter):
        return value
    if isinstance(value, str):
        return parse_ana_titer(value)
    if value.analyte is not Analyte.ANA:
        raise InvalidValueError(
            field="lab.analyte", value=value.analyte.value, expected="an ana result"
        )
    canon = value.canonical_value
    if not float(canon).is_integer():
        raise InvalidValueError(
            field="value",
            value=value.value,
            unit=value.unit,
            analyte="ana",
            expected="a whole-number reciprocal titre",
        )
    return AnaTiter(dilution=int(canon))


def ana_positive(
    value: AnaTiter | LabResult | str, *, threshold: int = ANA_POSITIVE_DILUTION
) -> Criterion:
    """Whether an ANA result is positive at >= 1:80 (EULAR/ACR 2019 entry).

    Parameters
    ----------
    value : AnaTiter, LabResult or str
        A parsed titre, an ``ana`` lab result (reciprocal titre), or titre text.
    threshold : int, optional
        Positive from this reciprocal titre on (default 80,
        :data:`ANA_POSITIVE_DILUTION`).

    Returns
    -------
    Criterion
        ``ana_positive``. A censored titre decides only when the censoring
        allows: ``>=1:40`` cannot tell whether the titre reached 1:80 and
        ``<1:160`` cannot tell whether it was 1:80, so both are not evaluable,
        with the reason. A plain ``negative`` is not met; it assumes the lab's
        screening dilution was no higher than the threshold, and says so.

    Raises
    ------
    InvalidValueError
        Unparseable text, or a lab result that is not ANA.

    Examples
    --------
    >>> ana_positive("1:80").status.value
    'met'
    >>> ana_positive("1:40").status.value
    'not_met'
    >>> c = ana_positive(">=1:40")
    >>> c.status.value, c.reason
    ('not_evaluable', 'reported >=1:40: cannot tell whether it reached 1:80')
    """
    titer = _titer_of(value)
    common = {
        "name": "ana_positive",
        "threshold": float(threshold),
        "comparator": Comparator.GE,
        "unit": "{titer}",
        "source": ANA_POSITIVE_SOURCE,
    }
    text = format_ana_titer(titer)
    if titer.censoring is Censoring.NEGATIVE:
        return Criterion(
            **common,
            status=Status.NOT_MET,
            reason=(
                "reported negative (assumes the lab's screening dilution was "
                f"no higher than 1:{threshold})"
            ),
        )
    assert titer.dilution is not None
    d = titer.dilution
    status: Status
    if titer.censoring is Censoring.EXACT:
        status = Status.of(ana_positive_kernel(float(d), threshold))
        reason = f"reported {text}"
    elif titer.censoring is Censoring.AT_LEAST:
        status = Status.MET if d >= threshold else Status.NOT_EVALUABLE
        reason = (
            f"reported {text}"
            if d >= threshold
            else f"reported {text}: cannot tell whether it reached 1:{threshold}"
        )
    else:  # below
        status = Status.NOT_MET if d <= threshold else Status.NOT_EVALUABLE
        reason = (
            f"reported {text}"
            if d <= threshold
            else f"reported {text}: cannot tell whether it was 1:{threshold} or more"
        )
    return Criterion(**common, status=status, observed=float(d), reason=reason)
