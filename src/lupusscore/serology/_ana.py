"""Antinuclear antibodies: titre parsing and formatting, positivity at >= 1:80.

A titre ``1:160`` is stored as its reciprocal, the *dilution* 160. Lab reports
also carry censoring (``<1:40``: negative at the screening dilution 1:40;
``>=1:1280``: positive at the highest dilution tested) and plain negatives;
these are kept, never turned into a number that was not measured.

Positivity: ANA >= 1:80 on HEp-2 cells is the EULAR/ACR 2019 entry criterion
(Aringer, Ann Rheum Dis 2019;78:1151-9; lupusscore clinical reference 5.2).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal, overload

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    MissingMode,
    as_choice,
    as_count,
    as_floats,
    as_instance,
    as_missing_mode,
    describe,
)
from lupusscore._display import Displayable
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import Comparator, Criterion, Status, compare
from lupusscore.serology._labs import check_lab

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


#: Longest titre text parsed; ``"1:" + 5000 digits`` is refused before any
#: int() conversion (Python limits int() of long digit strings).
_MAX_TITRE_CHARS: Final = 64


class Censoring(StrEnum):
    """How a reported titre relates to the true titre."""

    EXACT = "="
    BELOW = "<"
    AT_LEAST = ">="
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class AnaTiter(Displayable):
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
        """Check that a dilution is given exactly when the result is not negative.

        ``censoring`` may be given as its text (``"<"``); a numpy integer
        dilution is stored as ``int``. Anything else is
        :class:`InvalidValueError`.
        """
        censoring = Censoring(as_choice("censoring", self.censoring, Censoring))
        object.__setattr__(self, "censoring", censoring)
        if censoring is Censoring.NEGATIVE:
            if self.dilution is not None:
                raise InvalidValueError(
                    field="dilution",
                    value=describe(self.dilution),
                    expected="None for a plain negative result",
                )
            return
        given: object = self.dilution
        if isinstance(given, bool | np.bool_) or not isinstance(
            given, numbers.Integral
        ):
            simple = isinstance(given, bool | str | float)
            raise InvalidValueError(
                field="dilution",
                value=given if simple else describe(given),
                unit="reciprocal titre",
                expected="a whole number >= 1 (160 for 1:160)",
            )
        dilution = as_count("dilution", given, minimum=1, unit="reciprocal titre")
        object.__setattr__(self, "dilution", dilution)

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
    if not isinstance(text, str) or len(text) > _MAX_TITRE_CHARS:
        raise InvalidValueError(
            field="titre", value=describe(text), analyte="ana", expected=_EXPECTED
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
    titer = as_instance("titer", titer, AnaTiter, expected="an AnaTiter")
    if titer.censoring is Censoring.NEGATIVE:
        return "negative"
    prefix = "" if titer.censoring is Censoring.EXACT else titer.censoring.value
    return f"{prefix}1:{titer.dilution}"


@overload
def ana_positive_kernel(
    dilution: float,
    threshold: float = ANA_POSITIVE_DILUTION,
    *,
    missing: Literal["raise"] = "raise",
) -> bool: ...
@overload
def ana_positive_kernel(
    dilution: npt.NDArray[np.float64],
    threshold: float = ANA_POSITIVE_DILUTION,
    *,
    missing: Literal["raise"] = "raise",
) -> npt.NDArray[np.bool_]: ...
@overload
def ana_positive_kernel(
    dilution: float | npt.NDArray[np.float64],
    threshold: float = ANA_POSITIVE_DILUTION,
    *,
    missing: Literal["propagate"],
) -> npt.NDArray[np.float64]: ...
def ana_positive_kernel(
    dilution: float | npt.NDArray[np.float64],
    threshold: float = ANA_POSITIVE_DILUTION,
    *,
    missing: MissingMode = "raise",
) -> bool | npt.NDArray[np.bool_] | npt.NDArray[np.float64]:
    """Positivity of exact reciprocal titres: ``dilution >= threshold``.

    Parameters
    ----------
    dilution : float or numpy.ndarray
        Reciprocal titres (exact, not censored), > 0.
    threshold : float, optional
        Positive from this reciprocal titre on (default 80).
    missing : {"raise", "propagate"}, default "raise"
        What a missing titre (None, NaN) does: ``"raise"`` names the first
        missing index and how many are missing (a missing titre is never
        negative); ``"propagate"`` returns a float array, 1.0 positive, 0.0
        negative and NaN where the titre is missing.

    Returns
    -------
    bool or numpy.ndarray
        With ``missing="raise"``: a bool for scalar input, a boolean array
        otherwise. With ``missing="propagate"``: a float array of 1/0/NaN.

    Raises
    ------
    InvalidValueError
        A boolean, string, non-positive or infinite titre or threshold, or
        (with ``missing="raise"``) a missing titre.

    Examples
    --------
    >>> ana_positive_kernel(np.array([40.0, 80.0, 160.0])).tolist()
    [False, True, True]
    >>> ana_positive_kernel(np.array([40.0, np.nan]), missing="propagate").tolist()
    [0.0, nan]
    """
    mode = as_missing_mode(missing)
    titres = as_floats(
        "dilution",
        dilution,
        unit="reciprocal titre",
        positive=True,
        allow_missing=mode == "propagate",
        analyte="ana",
    )
    limit = as_floats("threshold", threshold, unit="reciprocal titre", positive=True)
    if limit.ndim != 0:
        raise InvalidValueError(
            field="threshold",
            value=describe(threshold),
            unit="reciprocal titre",
            expected="one reciprocal titre (not an array)",
        )
    if mode == "propagate":
        absent = np.isnan(titres)
        hit = Comparator.GE.apply(np.where(absent, limit, titres), limit)
        return np.where(absent, np.nan, hit.astype(np.float64))
    out = compare(titres, limit, Comparator.GE)
    if titres.ndim == 0:
        return bool(out)
    return np.asarray(out, dtype=np.bool_)


def _titer_of(value: AnaTiter | LabResult | str) -> AnaTiter:
    if isinstance(value, AnaTiter):
        return value
    if isinstance(value, str):
        return parse_ana_titer(value)
    if not isinstance(value, LabResult):
        raise InvalidValueError(
            field="value",
            value=describe(value),
            analyte="ana",
            expected="an AnaTiter, an ana LabResult or titre text such as '1:160'",
        )
    value = check_lab("lab", value, {Analyte.ANA}, what="an ana result")
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
    # 2**53: the largest whole number a float64 holds exactly (a numerical
    # bound so float(threshold) cannot overflow, not a clinical limit).
    threshold = as_count(
        "threshold", threshold, minimum=1, maximum=2**53, unit="reciprocal titre"
    )
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
