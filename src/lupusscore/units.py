"""One unit registry for the library, clinical unit spellings, and conversion.

Everything that turns a (value, unit) pair into a number in another unit goes
through this module:

- :data:`ureg` is the library's only :class:`pint.UnitRegistry`. It adds the
  units clinical labs use that pint lacks: international units (``IU``),
  arbitrary assay units (``AU``; what a lab's "U/mL" means for an antibody),
  high-power fields (``hpf``), titres (``titer``) and the eGFR body-surface
  normalisation ``{1.73_m2}``. Each is its own dimension, so an assay's U/mL is
  never converted to IU/mL and an eGFR in mL/min/1.73 m² never to mL/min.
- :data:`UNIT_ALIASES` maps clinical spellings (``mg%``, ``10^9/L``,
  ``g/24h``, ``/mm3`` ...) to pint expressions. It is an explicit table, not a
  pint preprocessor: pint reads ``mg%`` as milligram x percent.
- UCUM annotations are kept, not dropped: ``{creat}`` marks a ratio to
  creatinine and is accepted only for creatinine-normalised ratios (UPCR,
  UACR); ``{1.73_m2}`` is the body-surface unit; ``{titer}`` a titre. An
  unknown annotation is an error.
- Conversions that need a molar mass are pint contexts defined here, once:
  ``creatinine`` (molar mass 113.12 g/mol, so 1 mg/dL = 88.40 µmol/L and a
  ratio of 1 g/g = 113.1 mg/mmol) and ``cystatin_c`` (1 mg/L = 74.9 nmol/L).
- Factors for a (unit, unit, analyte) triple are computed once and cached:
  converting a million values parses two unit strings, then multiplies. Every
  use of the shared registry holds one lock, so the caches are safe to fill
  from many threads (pint enables a conversion's context on the registry
  itself, which would otherwise leak a molar mass between threads).
- Unit strings are bounded before pint evaluates them (length, plain-decimal
  numbers, exponents) and are read case-insensitively only where that is
  unambiguous; see :func:`parse_unit`.

Sources: creatinine molar mass 113.12 g/mol and cystatin C 74.9 nmol/L per mg/L
as in the lupusscore clinical reference, section 7.1 (cross-checked against the
``kidney.epi`` R package, Bikbov; CKiD U25 reference code).
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, ParamSpec, TypeVar, overload

import numpy as np
import numpy.typing as npt
import pint
from pint.facets.context.objects import Context as PintContext
from pint.facets.plain import PlainQuantity
from pint.util import string_preprocessor

from lupusscore._checks import as_floats, describe
from lupusscore._display import Displayable
from lupusscore.analytes import ANALYTES, Analyte, AnalyteSpec, UnitFamily, analyte_spec
from lupusscore.errors import InvalidValueError, UnitError

__all__ = [
    "CREATININE_MOLAR_MASS_G_PER_MOL",
    "CYSTATIN_C_NMOL_PER_MG",
    "MAX_UNIT_EXPONENT",
    "MAX_UNIT_LENGTH",
    "MAX_UNIT_NUMBER_DIGITS",
    "Q_",
    "UNIT_ALIASES",
    "Conversion",
    "ParsedUnit",
    "ResolvedUnit",
    "conversion",
    "convert",
    "parse_unit",
    "resolve_unit",
    "to_canonical",
    "ureg",
]

#: Creatinine molar mass, g/mol (C4H7N3O). 10 000 / 113.12 = 88.40, the factor
#: between mg/dL and µmol/L. Source: lupusscore clinical reference section 7.1
#: (kidney.epi uses 88.4).
CREATININE_MOLAR_MASS_G_PER_MOL: Final = 113.12

#: Cystatin C: 1 mg/L = 74.9 nmol/L (molar mass about 13.35 kDa). Source:
#: lupusscore clinical reference section 7.1 (kidney.epi; CKiD U25 code).
CYSTATIN_C_NMOL_PER_MG: Final = 74.9

ureg: Final[pint.UnitRegistry[float]] = pint.UnitRegistry()
Q_: Final = ureg.Quantity

for _definition in (
    "international_unit = [international_unit] = IU",
    "assay_unit = [assay_unit] = AU = arbitrary_unit",
    "high_power_field = [microscopy_field] = hpf = HPF",
    "titer = [titer] = titre",
    "body_surface_1_73_m2 = [body_surface_normalisation] = bsa_1_73_m2",
):
    ureg.define(_definition)


def _molar_context(name: str, molar_mass_g_per_mol: float) -> PintContext:
    """Build the pint context that converts through one molar mass."""
    mw = Q_(molar_mass_g_per_mol, "g/mol")

    def times_mw(
        ureg: pint.UnitRegistry[Any], value: PlainQuantity[Any], **kwargs: Any
    ) -> PlainQuantity[Any]:
        del ureg, kwargs
        result: PlainQuantity[Any] = value * mw
        return result

    def per_mw(
        ureg: pint.UnitRegistry[Any], value: PlainQuantity[Any], **kwargs: Any
    ) -> PlainQuantity[Any]:
        del ureg, kwargs
        result: PlainQuantity[Any] = value / mw
        return result

    ctx = PintContext(name)
    conc_mass = "[mass] / [length] ** 3"
    conc_mol = "[substance] / [length] ** 3"
    ctx.add_transformation(conc_mass, conc_mol, per_mw)
    ctx.add_transformation(conc_mol, conc_mass, times_mw)
    # A ratio to this substance: numerator mass per mole of it <-> mass ratio.
    ctx.add_transformation("[mass] / [substance]", "[]", per_mw)
    ctx.add_transformation("[]", "[mass] / [substance]", times_mw)
    return ctx


ureg.add_context(_molar_context("creatinine", CREATININE_MOLAR_MASS_G_PER_MOL))
ureg.add_context(
    _molar_context("cystatin_c", 1.0e6 / CYSTATIN_C_NMOL_PER_MG)
)  # g/mol: 1 mg / 74.9 nmol

_TEN_E9_PER_L = "10**9/L"
_TEN_E3_PER_UL = "10**3/uL"
_MG_PER_DL = "mg/dL"
_UMOL_PER_L = "umol/L"
_PER_HPF = "1/hpf"
_G_PER_DAY = "g/day"
_MG_PER_DAY = "mg/day"
_EGFR = "mL/min/bsa_1_73_m2"

#: Clinical spellings and the pint expression each one means.
UNIT_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # concentration
        "mg%": _MG_PER_DL,
        "mg/dl": _MG_PER_DL,
        "mg/100mL": _MG_PER_DL,
        "g/dl": "g/dL",
        "mg/l": "mg/L",
        "g/l": "g/L",
        "µmol/L": _UMOL_PER_L,
        "μmol/L": _UMOL_PER_L,
        "umol/l": _UMOL_PER_L,
        "µmol/l": _UMOL_PER_L,
        "μmol/l": _UMOL_PER_L,
        "mmol/l": "mmol/L",
        "nmol/l": "nmol/L",
        # counts
        "10^9/L": _TEN_E9_PER_L,
        "10*9/L": _TEN_E9_PER_L,
        "x10^9/L": _TEN_E9_PER_L,
        "x10E9/L": _TEN_E9_PER_L,
        "10E9/L": _TEN_E9_PER_L,
        "GI/L": _TEN_E9_PER_L,
        "G/L": _TEN_E9_PER_L,
        "10^3/µL": _TEN_E3_PER_UL,
        "10^3/uL": _TEN_E3_PER_UL,
        "10*3/uL": _TEN_E3_PER_UL,
        "10*3/µL": _TEN_E3_PER_UL,
        "x10^3/uL": _TEN_E3_PER_UL,
        "THOU/uL": _TEN_E3_PER_UL,
        "K/uL": _TEN_E3_PER_UL,
        "/µL": "1/uL",
        "/μL": "1/uL",
        "/uL": "1/uL",
        "/mm3": "1/mm**3",
        "/mm³": "1/mm**3",
        "/hpf": _PER_HPF,
        "/HPF": _PER_HPF,
        "/[HPF]": _PER_HPF,
        "cells/hpf": _PER_HPF,
        "/HPF{cells}": _PER_HPF,
        # antibodies
        "IU/mL": "IU/mL",
        "IU/ml": "IU/mL",
        "kIU/L": "kIU/L",
        "[IU]/mL": "IU/mL",
        "[IU]/L": "IU/L",
        "U/mL": "AU/mL",
        "U/ml": "AU/mL",
        "AU/mL": "AU/mL",
        "[arb'U]/mL": "AU/mL",
        "kU/L": "kAU/L",
        "{titer}": "titer",
        "%": "percent",
        # ratios
        "mg/mmol": "mg/mmol",
        "g/mmol": "g/mmol",
        "mg/g": "mg/g",
        "g/g": "g/g",
        "mg/mg": "mg/mg",
        # rates
        "mg/d": _MG_PER_DAY,
        "g/d": _G_PER_DAY,
        "g/24h": _G_PER_DAY,
        "g/24 h": _G_PER_DAY,
        "g/24hr": _G_PER_DAY,
        "g/(24.h)": _G_PER_DAY,
        "mg/24h": _MG_PER_DAY,
        "mg/24 h": _MG_PER_DAY,
        "mg/24hr": _MG_PER_DAY,
        "mg/(24.h)": _MG_PER_DAY,
        # eGFR
        "mL/min/1.73m2": _EGFR,
        "mL/min/1.73 m2": _EGFR,
        "mL/min/1.73m²": _EGFR,
        "mL/min/1.73 m²": _EGFR,
        "ml/min/1.73m2": _EGFR,
        "ml/min/1.73 m2": _EGFR,
        "mL/min/{1.73_m2}": _EGFR,
        # temperature
        "°C": "degC",
        "Cel": "degC",
        "°F": "degF",
        "[degF]": "degF",
    }
)

_ALIAS_TARGETS: Final = frozenset(UNIT_ALIASES.values())

#: UCUM annotations with a unit meaning: replaced by a registry unit.
_ANNOTATION_UNITS: Final[Mapping[str, str]] = MappingProxyType(
    {"1.73_m2": "bsa_1_73_m2", "titer": "titer", "titre": "titer"}
)
#: UCUM annotations that qualify a unit without changing it: kept on the parse.
_ANNOTATION_QUALIFIERS: Final = frozenset({"creat", "cells", "rbc", "wbc"})
#: Analytes for which ``{creat}`` is meaningful (ratios to urine creatinine).
_CREATININE_RATIOS: Final = frozenset({Analyte.UPCR, Analyte.UACR})

_ANNOTATION_RE: Final = re.compile(r"\{([^{}]*)\}")
_UCUM_POWER_RE: Final = re.compile(r"10\*(?=[-+]?\d)")

#: The longest unit string accepted (characters, after stripping blanks). The
#: longest clinical spelling in :data:`UNIT_ALIASES` has 18.
MAX_UNIT_LENGTH: Final = 64
#: The largest exponent a unit may carry (``10^9/L``, ``mm**3``): exponents are
#: whole numbers from -24 to 24 and may not themselves be raised to a power.
MAX_UNIT_EXPONENT: Final = 24
#: Numbers in a unit (``1.73``, ``24``, ``100``) are plain decimals with at most
#: this many digits before and after the point; exponent notation (``1e400``)
#: is refused: write ``10^9``.
MAX_UNIT_NUMBER_DIGITS: Final = 6

#: A unit's numeric factor (``10^9/L`` has 1e9) lies within these bounds.
_MIN_FACTOR: Final = 10.0**-MAX_UNIT_EXPONENT
_MAX_FACTOR: Final = 10.0**MAX_UNIT_EXPONENT

_PLAIN_NUMBER_RE: Final = re.compile(
    rf"\d{{1,{MAX_UNIT_NUMBER_DIGITS}}}(\.\d{{0,{MAX_UNIT_NUMBER_DIGITS}}})?"
)

#: One lock around every use of the shared pint registry. pint's
#: ``Quantity.to(unit, context)`` enables the context on the *registry* for the
#: duration of the call, so two threads converting through different molar
#: masses (creatinine, cystatin C) would otherwise see each other's context and
#: cache a wrong factor for the life of the process. Caches below only ever
#: hold values computed while this lock is held.
_PINT_LOCK: Final = threading.RLock()

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _under_pint_lock(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run *func* while holding the registry lock (re-entrant)."""

    @functools.wraps(func)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _PINT_LOCK:
            return func(*args, **kwargs)

    return locked


@dataclass(frozen=True, slots=True)
class ParsedUnit(Displayable):
    """A unit string read into the registry.

    Attributes
    ----------
    text : str
        The unit exactly as given.
    expression : str
        The pint expression it was read as.
    annotations : frozenset of str
        UCUM qualifier annotations found (``{"creat"}``), kept for checking.
    """

    text: str
    expression: str
    annotations: frozenset[str]

    @property
    def quantity(self) -> pint.Quantity[float]:
        """The unit as a pint quantity (magnitude carries 10^k scale factors)."""
        return _quantity(self.expression)

    @property
    def dimensionality(self) -> str:
        """The pint dimensionality, as text."""
        return _dimensionality(self.expression)


@functools.cache
@_under_pint_lock
def _quantity(expression: str) -> pint.Quantity[float]:
    _check_bounds(expression, expression)
    parsed: object = ureg.parse_expression(expression)
    if isinstance(parsed, int | float):  # a bare number
        return Q_(float(parsed), "dimensionless")
    assert isinstance(parsed, pint.Quantity)
    return parsed


@functools.cache
@_under_pint_lock
def _dimensionality(expression: str) -> str:
    return str(_quantity(expression).dimensionality)


def _is_power_of_ten(x: float) -> bool:
    if not x > 0:
        return False
    exponent = math.log10(x)
    return abs(exponent - round(exponent)) < 1e-12  # noqa: PLR2004


_EXPECTED_UNIT: Final = "a unit string such as 'mg/dL', 'umol/L', 'g/g' or '10^9/L'"


def _bad_unit(unit: object, reason: str) -> UnitError:
    shown = unit if isinstance(unit, str) and len(unit) <= MAX_UNIT_LENGTH else None
    return UnitError(
        unit=shown if shown is not None else describe(unit),
        expected=_EXPECTED_UNIT,
        reason=reason,
    )


def _tokens(expression: str) -> list[tokenize.TokenInfo]:
    """Tokenize a pint expression as pint does, without evaluating it."""
    text = string_preprocessor(expression)
    tokens: list[tokenize.TokenInfo] = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            continue
        tokens.append(tok)
    return tokens


def _check_exponent(unit: object, tokens: list[tokenize.TokenInfo], i: int) -> int:
    """Check the exponent after the ``**`` at *i*; return the index after it."""
    if i == 0 or tokens[i - 1].type not in (tokenize.NAME, tokenize.NUMBER):
        raise _bad_unit(unit, "only a unit or a number may be raised to a power")
    j = i + 1
    opened = j < len(tokens) and tokens[j].string == "("
    j += opened
    if j < len(tokens) and tokens[j].string in "+-":
        j += 1
    tok = tokens[j] if j < len(tokens) else None
    if (
        tok is None
        or tok.type != tokenize.NUMBER
        or not tok.string.isdigit()
        or int(tok.string) > MAX_UNIT_EXPONENT
    ):
        raise _bad_unit(
            unit,
            f"an exponent must be a whole number from -{MAX_UNIT_EXPONENT} "
            f"to {MAX_UNIT_EXPONENT}",
        )
    j += 1
    if opened:
        if j >= len(tokens) or tokens[j].string != ")":
            raise _bad_unit(unit, "an exponent must be a single whole number")
        j += 1
    if j < len(tokens) and tokens[j].string in ("**", "^"):
        raise _bad_unit(unit, "a power may not be raised to a power")
    return j


def _check_bounds(unit: object, expression: str) -> None:
    """Refuse expressions pint could take unbounded time or memory to evaluate.

    Runs before pint evaluates anything: numbers must be plain decimals of at
    most :data:`MAX_UNIT_NUMBER_DIGITS` digits, exponents whole numbers of at
    most :data:`MAX_UNIT_EXPONENT`, and no power may be raised to a power, so
    ``10**10**8`` and ``1e400`` never reach pint's evaluator.
    """
    if len(expression) > MAX_UNIT_LENGTH:
        raise _bad_unit(unit, f"a unit has at most {MAX_UNIT_LENGTH} characters")
    try:
        tokens = _tokens(expression)
    except (tokenize.TokenError, SyntaxError, ValueError):
        raise _bad_unit(
            unit, "cannot be parsed (unbalanced or stray symbols)"
        ) from None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.string in ("**", "^"):
            i = _check_exponent(unit, tokens, i)
            continue
        if tok.type == tokenize.NUMBER and not _PLAIN_NUMBER_RE.fullmatch(tok.string):
            raise _bad_unit(
                unit,
                f"the number {tok.string!r} is not a plain decimal of at most "
                f"{MAX_UNIT_NUMBER_DIGITS} digits (write powers of ten as 10^9)",
            )
        i += 1


def _unit_text(unit: object) -> str:
    """Return *unit* as an exact ``str``, or raise :class:`UnitError`.

    Non-strings (including unhashable ones), empty and over-long strings are
    refused here, before any cache or pint sees them.
    """
    if not isinstance(unit, str):
        raise _bad_unit(unit, "the unit must be a string")
    text = str.__str__(unit)  # an exact str, whatever a subclass overrides
    if not text.strip():
        raise _bad_unit(text, "no unit was given")
    if len(text.strip()) > MAX_UNIT_LENGTH:
        raise _bad_unit(text, f"a unit has at most {MAX_UNIT_LENGTH} characters")
    if not text.strip().isprintable():
        raise _bad_unit(text, "it contains control characters")
    return text


#: Symbols this module defines in the registry: known spellings as written.
_OWN_SYMBOLS: Final = frozenset({"IU", "AU", "hpf", "HPF", "titer", "titre"})


def _unit_text_for(unit: object, analyte: Analyte | None) -> str:
    """:func:`_unit_text`, naming *analyte* and its units in the error."""
    try:
        return _unit_text(unit)
    except UnitError as exc:
        if analyte is None:
            raise
        raise UnitError(
            unit=exc.unit,
            expected=_expected(analyte_spec(analyte)),
            analyte=analyte.value,
            reason=exc.reason,
        ) from None


def _fold(text: str) -> str:
    return text.replace(" ", "").casefold()


@functools.cache
def _known_spellings() -> Mapping[str, tuple[str, ...]]:
    """Case-folded spelling -> the known spellings that fold to it.

    Known spellings are the keys and targets of :data:`UNIT_ALIASES` and every
    unit an analyte family lists.
    """
    known: set[str] = {*UNIT_ALIASES, *_ALIAS_TARGETS, *_OWN_SYMBOLS}
    for spec in ANALYTES.values():
        for fam in spec.families:
            known.update((fam.canonical_unit, *fam.units))
    table: dict[str, set[str]] = {}
    for spelling in known:
        table.setdefault(_fold(spelling), set()).add(spelling)
    return MappingProxyType({k: tuple(sorted(v)) for k, v in table.items()})


def _read(unit: str, text: str) -> tuple[str, frozenset[str]]:
    """Read *text* exactly as spelled: the pint expression and annotations."""
    from_alias = text in UNIT_ALIASES or text.replace(" ", "") in UNIT_ALIASES
    expr = UNIT_ALIASES.get(text, UNIT_ALIASES.get(text.replace(" ", ""), text))

    qualifiers: set[str] = set()

    def _annotation(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        key = name.lower()
        if name in _ANNOTATION_UNITS:
            return _ANNOTATION_UNITS[name]
        if key in _ANNOTATION_QUALIFIERS:
            qualifiers.add(key)
            return ""
        known = sorted({*_ANNOTATION_UNITS, *_ANNOTATION_QUALIFIERS})
        raise _bad_unit(
            unit, f"unknown UCUM annotation {{{name}}} (known: {', '.join(known)})"
        )

    expr = _ANNOTATION_RE.sub(_annotation, expr)
    expr = UNIT_ALIASES.get(expr, expr)  # e.g. "mg/g{creat}" -> "mg/g"
    expr = _UCUM_POWER_RE.sub("10**", expr)
    expr = expr.replace("[IU]", "IU").replace("[HPF]", "hpf").replace("[arb'U]", "AU")
    if expr.startswith("/"):
        expr = "1" + expr
    if not expr:
        raise _bad_unit(unit, "an annotation alone is not a unit")
    _check_bounds(unit, expr)
    try:
        q = _quantity(expr)
    except UnitError:
        raise
    except Exception as exc:  # pint's parser raises many exception types
        raise _bad_unit(unit, f"cannot be parsed ({type(exc).__name__})") from None
    known = from_alias or expr in _ALIAS_TARGETS
    if str(q.units) == "dimensionless" and not known:
        raise _bad_unit(unit, "it is a number, not a unit")
    try:
        factor = float(q.magnitude)
    except (OverflowError, TypeError, ValueError):
        factor = math.inf
    if not _MIN_FACTOR <= factor <= _MAX_FACTOR:
        raise _bad_unit(
            unit,
            f"its numeric factor is outside 10^-{MAX_UNIT_EXPONENT} to "
            f"10^{MAX_UNIT_EXPONENT}",
        )
    if not known and not _is_power_of_ten(factor):
        raise _bad_unit(unit, "a unit may carry only a power-of-ten factor")
    return expr, frozenset(qualifiers)


def _same_meaning(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    if a[1] != b[1]:
        return False
    qa, qb = _quantity(a[0]), _quantity(b[0])
    return qa.units == qb.units and math.isclose(
        float(qa.magnitude), float(qb.magnitude), rel_tol=1e-12
    )


def _try_read(unit: str, text: str) -> tuple[str, frozenset[str]] | None:
    try:
        return _read(unit, text)
    except UnitError:
        return None


def _meaning(read: tuple[str, frozenset[str]]) -> str:
    q = _quantity(read[0])
    scale = "" if float(q.magnitude) == 1 else f"{float(q.magnitude):g} "
    return f"{scale}{q.units}"


def _ambiguous(unit: str, reason: str) -> UnitError:
    return _bad_unit(unit, f"ambiguous letter case: {reason}; write it exactly")


def _read_any_case(unit: str, text: str) -> tuple[str, frozenset[str]]:
    """Read *text*, falling back on a case-insensitive match (see parse_unit)."""
    folded = _fold(text)
    variants = [
        v for v in _known_spellings().get(folded, ()) if v != text.replace(" ", "")
    ]
    exact = text in UNIT_ALIASES or text.replace(" ", "") in UNIT_ALIASES
    exact = exact or text in _known_spellings().get(folded, ())
    if exact or not variants:
        literal = _read(unit, text)
        caps = text == text.upper() and text != text.lower()
        if not exact and caps:
            lower = _try_read(unit, text.lower())
            if lower is not None and not _same_meaning(literal, lower):
                raise _ambiguous(
                    unit,
                    f"{text!r} reads as {_meaning(literal)} but {text.lower()!r} "
                    f"as {_meaning(lower)}",
                )
        return literal
    meanings = [(v, _read(unit, v)) for v in variants]
    first = meanings[0][1]
    if any(not _same_meaning(first, m) for _, m in meanings[1:]):
        shown = ", ".join(f"{v!r} ({_meaning(m)})" for v, m in meanings)
        raise _ambiguous(unit, f"{text!r} could be {shown}")
    literal_or_none = _try_read(unit, text)
    caps = text == text.upper()
    if literal_or_none is None or caps or _same_meaning(literal_or_none, first):
        return first
    raise _ambiguous(
        unit,
        f"{text!r} reads as {_meaning(literal_or_none)} but differs only in "
        f"case from {meanings[0][0]!r} ({_meaning(first)})",
    )


@functools.cache
@_under_pint_lock
def _parse_unit(unit: str) -> ParsedUnit:
    expr, qualifiers = _read_any_case(unit, unit.strip())
    return ParsedUnit(text=unit, expression=expr, annotations=qualifiers)


def parse_unit(unit: str) -> ParsedUnit:
    """Read a clinical unit string; cached per distinct string.

    Spelling rules, in order:

    1. The spelling as given, if it is in :data:`UNIT_ALIASES` or is a known
       unit of an analyte.
    2. Otherwise, if it equals known spellings when letter case (and spaces)
       are ignored, and they all mean the same unit: that unit, provided the
       text is written in capitals (``MG/DL``, ``UMOL/L``, ``IU/ML``) or pint
       cannot read it as written (``mg/DL``). When pint reads it as a
       *different* unit (``Mg/dL`` is megagram per decilitre) or the known
       spellings disagree (``g/l`` is g/L, ``G/L`` is 10^9/L, so ``G/l``), the
       unit is refused as ambiguous rather than guessed.
    3. Otherwise pint reads it as written; text in capitals that pint reads
       differently from its lower-case form (``MM`` megamolar vs ``mm``) is
       refused as ambiguous.

    Units longer than :data:`MAX_UNIT_LENGTH` characters, numbers other than
    plain decimals (``1e400``), exponents beyond :data:`MAX_UNIT_EXPONENT` and
    powers of powers (``10**10**8``) are refused before pint evaluates them; a
    unit's numeric factor must lie between 10^-24 and 10^24.

    Parameters
    ----------
    unit : str
        A unit as a lab reports it: ``"mg/dL"``, ``"µmol/L"``, ``"mg/g{creat}"``,
        ``"10*9/L"``, ``"mL/min/{1.73_m2}"`` ...

    Returns
    -------
    ParsedUnit
        The pint expression and any annotations.

    Raises
    ------
    UnitError
        If the unit is not a string, is empty or too long, has an unknown
        annotation, is ambiguous, exceeds the bounds, or cannot be parsed.

    Examples
    --------
    >>> parse_unit("mg/g{creat}").annotations
    frozenset({'creat'})
    >>> parse_unit("mg%").expression
    'mg/dL'
    >>> parse_unit("MG/DL").expression
    'mg/dL'
    """
    return _parse_unit(_unit_text(unit))


@dataclass(frozen=True, slots=True)
class Conversion(Displayable):
    """An affine unit conversion ``y = x * scale + offset``.

    ``offset`` is zero except for temperatures.
    """

    scale: float
    offset: float = 0.0

    @overload
    def apply(self, x: float) -> float: ...
    @overload
    def apply(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
    def apply(
        self, x: float | npt.NDArray[np.float64]
    ) -> float | npt.NDArray[np.float64]:
        """Convert *x*."""
        return x * self.scale + self.offset if self.offset else x * self.scale


@_under_pint_lock
def _convert_magnitude(
    x: float, src: ParsedUnit, dst: ParsedUnit, context: str | None
) -> float:
    qs, qd = src.quantity, dst.quantity
    q = Q_(x * float(qs.magnitude), qs.units)
    out = q.to(qd.units, context) if context else q.to(qd.units)
    return float(out.magnitude) / float(qd.magnitude)


@functools.cache
@_under_pint_lock
def _conversion(src: ParsedUnit, dst: ParsedUnit, context: str | None) -> Conversion:
    offset = _convert_magnitude(0.0, src, dst, context)
    scale = _convert_magnitude(1.0, src, dst, context) - offset
    return Conversion(scale=scale, offset=offset)


@dataclass(frozen=True, slots=True)
class ResolvedUnit(Displayable):
    """A unit resolved for one analyte: its family and how to reach canonical.

    Attributes
    ----------
    analyte : Analyte
        The analyte.
    parsed : ParsedUnit
        The parsed unit.
    family : UnitFamily
        The analyte's unit family the unit belongs to.
    to_canonical : Conversion
        Conversion into the family's canonical unit.
    """

    analyte: Analyte
    parsed: ParsedUnit
    family: UnitFamily
    to_canonical: Conversion


def _family_dims(family: UnitFamily) -> dict[str, set[str]]:
    """Map each dimensionality of a family to the expressions seen for it."""
    dims: dict[str, set[str]] = {}
    for text in (family.canonical_unit, *family.units):
        p = parse_unit(text)
        dims.setdefault(p.dimensionality, set()).add(p.expression)
    return dims


@functools.cache
@_under_pint_lock
def _families(analyte: Analyte) -> tuple[tuple[UnitFamily, dict[str, set[str]]], ...]:
    spec = analyte_spec(analyte)
    return tuple((fam, _family_dims(fam)) for fam in spec.families)


def _expected(spec: AnalyteSpec) -> str:
    parts = [
        f"{fam.description or fam.name} such as {', '.join(fam.units[:4])}"
        for fam in spec.families
    ]
    return "; or ".join(parts)


@functools.cache
@_under_pint_lock
def _resolve(unit: str, analyte: Analyte) -> ResolvedUnit:
    spec = analyte_spec(analyte)
    try:
        parsed = parse_unit(unit)
    except UnitError as exc:
        raise UnitError(
            unit=unit,
            expected=_expected(spec),
            analyte=analyte.value,
            reason=exc.reason,
        ) from None
    if "creat" in parsed.annotations and analyte not in _CREATININE_RATIOS:
        raise UnitError(
            unit=unit,
            expected=_expected(spec),
            analyte=analyte.value,
            reason="the {creat} annotation marks a ratio to creatinine",
        )
    dim = parsed.dimensionality
    for fam, dims in _families(analyte):
        if dim not in dims:
            continue
        if dim == "dimensionless" and parsed.expression not in dims[dim]:
            continue
        canonical = parse_unit(fam.canonical_unit)
        return ResolvedUnit(
            analyte=analyte,
            parsed=parsed,
            family=fam,
            to_canonical=_conversion(parsed, canonical, fam.context),
        )
    raise UnitError(
        unit=unit,
        expected=_expected(spec),
        analyte=analyte.value,
        reason=f"it has the wrong dimension ({dim}) for {spec.label}",
    )


def resolve_unit(unit: str, analyte: Analyte | str) -> ResolvedUnit:
    """Resolve *unit* for *analyte*; cached per (unit, analyte).

    Parameters
    ----------
    unit : str
        The unit as given.
    analyte : Analyte or str
        The analyte.

    Returns
    -------
    ResolvedUnit
        The family and the conversion to its canonical unit.

    Raises
    ------
    UnitError
        If the unit is missing, unparseable, or not accepted for the analyte.
    UnknownAnalyteError
        If the analyte is unknown.

    Examples
    --------
    >>> r = resolve_unit("umol/L", "creatinine")
    >>> r.family.canonical_unit, round(r.to_canonical.apply(88.4), 3)
    ('mg/dL', 1.0)
    """
    a = analyte_spec(analyte).analyte
    return _resolve(_unit_text_for(unit, a), a)


@functools.cache
@_under_pint_lock
def _conversion_for(
    from_unit: str, to_unit: str, analyte: Analyte | None
) -> Conversion:
    if analyte is None:
        src, dst = parse_unit(from_unit), parse_unit(to_unit)
        if src.dimensionality != dst.dimensionality:
            raise UnitError(
                unit=from_unit,
                expected=f"a unit of the same dimension as {to_unit!r}"
                " (conversions through a molar mass need analyte=, e.g. "
                "analyte='creatinine')",
                reason=f"{src.dimensionality} cannot become {dst.dimensionality}",
            )
        return _conversion(src, dst, None)
    rs, rd = _resolve(from_unit, analyte), _resolve(to_unit, analyte)
    if rs.family.name != rd.family.name:
        raise UnitError(
            unit=from_unit,
            analyte=analyte.value,
            expected=f"a unit of the {rd.family.name} family like {to_unit!r}",
            reason=f"{rs.family.name} ({rs.family.description}) cannot be "
            f"converted to {rd.family.name} ({rd.family.description})",
        )
    return _conversion(rs.parsed, rd.parsed, rs.family.context)


def conversion(
    from_unit: str, to_unit: str, *, analyte: Analyte | str | None = None
) -> Conversion:
    """Return the cached :class:`Conversion` from *from_unit* to *to_unit*.

    Parameters
    ----------
    from_unit, to_unit : str
        Units as labs spell them.
    analyte : Analyte or str, optional
        Needed when the conversion goes through a molar mass (creatinine,
        cystatin C, creatinine-normalised ratios), and to check the units fit.

    Returns
    -------
    Conversion
        ``scale`` and ``offset``.

    Examples
    --------
    >>> round(conversion("g/g", "mg/mmol", analyte="upcr").scale, 2)
    113.12
    """
    a = None if analyte is None else analyte_spec(analyte).analyte
    return _conversion_for(_unit_text_for(from_unit, a), _unit_text_for(to_unit, a), a)


_NON_NEGATIVE: Final = frozenset(set(Analyte) - {Analyte.BODY_TEMPERATURE})
#: Analytes whose value is not checked for >= 0 (None: no analyte given).
_MAY_BE_NEGATIVE: Final = frozenset({None, Analyte.BODY_TEMPERATURE})


def _check_values(
    arr: npt.NDArray[np.float64], *, analyte: Analyte | None, unit: str
) -> None:
    if not arr.ndim:  # one value: plain comparisons; errors from the code below
        x = float(arr)
        if math.isfinite(x) and (analyte in _MAY_BE_NEGATIVE or x >= 0):
            return
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise InvalidValueError(
            field="value",
            value=float(bad),
            unit=unit,
            analyte=None if analyte is None else analyte.value,
            expected="a finite number (NaN and infinities are not results)",
        )
    if analyte is not None and analyte is not Analyte.BODY_TEMPERATURE:
        neg = arr < 0
        if np.any(neg):
            raise InvalidValueError(
                field="value",
                value=float(arr[neg].flat[0]),
                unit=unit,
                analyte=analyte.value,
                expected="a concentration, count or ratio >= 0",
            )


@overload
def convert(
    value: float, from_unit: str, to_unit: str, *, analyte: Analyte | str | None = ...
) -> float: ...
@overload
def convert(
    value: npt.NDArray[np.floating] | Sequence[float],
    from_unit: str,
    to_unit: str,
    *,
    analyte: Analyte | str | None = ...,
) -> npt.NDArray[np.float64]: ...
def convert(
    value: float | npt.NDArray[np.floating] | Sequence[float],
    from_unit: str,
    to_unit: str,
    *,
    analyte: Analyte | str | None = None,
) -> float | npt.NDArray[np.float64]:
    """Convert a value or an array of values between units.

    Parameters
    ----------
    value : float or array-like of float
        Finite value(s) in *from_unit*; for an analyte, also >= 0 (except
        temperature).
    from_unit, to_unit : str
        Units as labs spell them (see :data:`UNIT_ALIASES`; UCUM annotations
        such as ``mg/g{creat}`` are understood).
    analyte : Analyte or str, optional
        The analyte. Required for conversions through a molar mass
        (creatinine mg/dL <-> µmol/L; UPCR/UACR g/g <-> mg/mmol; cystatin C
        mg/L <-> nmol/L), and checks that both units fit the analyte.

    Returns
    -------
    float or numpy.ndarray
        A float for scalar input, a float64 array of the same shape otherwise.

    Raises
    ------
    UnitError
        Unknown, missing or unparseable unit; a unit of the wrong dimension for
        the analyte; or units of families that cannot be compared (an assay's
        U/mL and IU/mL).
    InvalidValueError
        NaN, infinity, or a negative concentration.
    UnknownAnalyteError
        An unknown analyte name.

    Notes
    -----
    The factor for each (from_unit, to_unit, analyte) is computed once with pint
    and cached, so converting an array costs one multiply.

    Examples
    --------
    >>> round(convert(1, "mg/dL", "umol/L", analyte="creatinine"), 2)
    88.4
    >>> round(convert(1, "g/g", "mg/mmol", analyte="upcr"), 1)
    113.1
    >>> convert([1.0, 2.5], "10^9/L", "/mm3")
    array([1000., 2500.])
    """
    a = None if analyte is None else analyte_spec(analyte).analyte
    conv = _conversion_for(_unit_text_for(from_unit, a), _unit_text_for(to_unit, a), a)
    if isinstance(value, bool):
        raise InvalidValueError(
            field="value",
            value=value,
            unit=from_unit,
            expected="a number, not a boolean",
        )
    if isinstance(value, int | float):
        try:
            x = float(value)
        except OverflowError:
            raise InvalidValueError(
                field="value",
                value=describe(value),
                unit=from_unit,
                expected="a finite number",
            ) from None
        if not math.isfinite(x) or (x < 0 and a in _NON_NEGATIVE):
            _check_values(np.asarray(x, dtype=np.float64), analyte=a, unit=from_unit)
        out = conv.apply(x)
        # The test of _check_converted in plain floats; it raises otherwise.
        if not (math.isfinite(out) and (conv.offset or out != 0 or x == 0)):
            _check_converted(np.asarray(x), np.asarray(out), conv, from_unit, to_unit)
        return out
    arr = as_floats(
        "value", value, unit=from_unit, analyte=None if a is None else a.value
    )
    _check_values(arr, analyte=a, unit=from_unit)
    with np.errstate(over="ignore", under="ignore"):
        converted = conv.apply(arr)
    _check_converted(arr, converted, conv, from_unit, to_unit)
    return converted


def _check_converted(
    given: npt.NDArray[np.float64],
    out: npt.NDArray[np.float64],
    conv: Conversion,
    from_unit: object,
    to_unit: object,
) -> None:
    """Reject a conversion that left float range (overflow to inf, underflow to 0).

    An affine conversion (a temperature) may reach 0 legitimately.
    """
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(out)
        if not conv.offset:
            bad |= (out == 0) & (given != 0)
    if np.any(bad):
        first = float(given[bad].flat[0]) if given.ndim else float(given)
        raise InvalidValueError(
            field="value",
            value=first,
            unit=from_unit,
            expected=(
                f"a value whose conversion to {to_unit!s} is a finite, non-zero "
                "number (it overflowed or underflowed float range)"
            ),
        )


def _plausibility_hint(value: float, resolved: ResolvedUnit, spec: AnalyteSpec) -> str:
    fam = resolved.family
    assert fam.plausible is not None
    lo, hi = fam.plausible
    for alt in fam.units:
        try:
            other = _resolve(alt, spec.analyte)
        except UnitError:  # pragma: no cover - tested units all resolve
            continue
        if other.to_canonical == resolved.to_canonical:
            continue
        canon = other.to_canonical.apply(value)
        if lo <= canon <= hi:
            return (
                f"{value:g} would be plausible in {alt} (= {canon:.4g} "
                f"{fam.canonical_unit}); check the unit"
            )
    return ""


def to_canonical(
    value: float, unit: str, analyte: Analyte | str, *, field: str = "value"
) -> tuple[float, ResolvedUnit]:
    """Validate one lab value and return it in its family's canonical unit.

    Parameters
    ----------
    value : float
        The value as reported.
    unit : str
        Its unit.
    analyte : Analyte or str
        The analyte.
    field : str, optional
        Name used in error messages.

    Returns
    -------
    tuple of (float, ResolvedUnit)
        The canonical value and how the unit was resolved.

    Raises
    ------
    UnitError
        If the unit does not fit the analyte.
    InvalidValueError
        If the value is NaN, infinite or negative.
    ImplausibleValueError
        If the value lies outside the analyte's plausible range; the message
        says which other unit would make it plausible.

    Examples
    --------
    >>> value, resolved = to_canonical(250, "mg/mmol", "upcr")
    >>> round(value, 3), resolved.family.canonical_unit
    (2.21, 'g/g')
    """
    from lupusscore.errors import ImplausibleValueError  # noqa: PLC0415

    spec = analyte_spec(analyte)
    resolved = _resolve(_unit_text_for(unit, spec.analyte), spec.analyte)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(
            field=field,
            value=value,
            unit=unit,
            analyte=spec.analyte.value,
            expected="a number",
        )
    number = float(
        as_floats(field, value, unit=str(unit), analyte=spec.analyte.value)
    )  # a 400-digit integer is a library error, not an OverflowError
    _check_values(np.asarray(number), analyte=spec.analyte, unit=unit)
    canon = resolved.to_canonical.apply(number)
    fam = resolved.family
    if fam.plausible is not None:
        lo, hi = fam.plausible
        if not lo <= canon <= hi:
            raise ImplausibleValueError(
                field=field,
                value=value,
                unit=unit,
                analyte=spec.analyte.value,
                expected=(
                    f"a plausible {spec.label} between {lo:g} and {hi:g} "
                    f"{fam.canonical_unit}"
                ),
                hint=_plausibility_hint(number, resolved, spec),
            )
    return canon, resolved
