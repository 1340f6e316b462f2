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
  converting a million values parses two unit strings, then multiplies.

Sources: creatinine molar mass 113.12 g/mol and cystatin C 74.9 nmol/L per mg/L
as in the lupusscore clinical reference, section 7.1 (cross-checked against the
``kidney.epi`` R package, Bikbov; CKiD U25 reference code).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, overload

import numpy as np
import numpy.typing as npt
import pint
from pint.facets.context.objects import Context as PintContext
from pint.facets.plain import PlainQuantity

from lupusscore.analytes import Analyte, AnalyteSpec, UnitFamily, analyte_spec
from lupusscore.errors import InvalidValueError, UnitError

__all__ = [
    "CREATININE_MOLAR_MASS_G_PER_MOL",
    "CYSTATIN_C_NMOL_PER_MG",
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


@dataclass(frozen=True, slots=True)
class ParsedUnit:
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
        return str(self.quantity.dimensionality)


@functools.cache
def _quantity(expression: str) -> pint.Quantity[float]:
    parsed: object = ureg.parse_expression(expression)
    if isinstance(parsed, int | float):  # a bare number
        return Q_(float(parsed), "dimensionless")
    assert isinstance(parsed, pint.Quantity)
    return parsed


def _is_power_of_ten(x: float) -> bool:
    if not x > 0:
        return False
    exponent = math.log10(x)
    return abs(exponent - round(exponent)) < 1e-12  # noqa: PLR2004


def _bad_unit(unit: object, reason: str) -> UnitError:
    return UnitError(
        unit=unit,
        expected="a unit string such as 'mg/dL', 'umol/L', 'g/g' or '10^9/L'",
        reason=reason,
    )


@functools.cache
def parse_unit(unit: str) -> ParsedUnit:
    """Read a clinical unit string; cached per distinct string.

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
        If the unit is empty, has an unknown annotation, or cannot be parsed.

    Examples
    --------
    >>> parse_unit("mg/g{creat}").annotations
    frozenset({'creat'})
    >>> parse_unit("mg%").expression
    'mg/dL'
    """
    if not isinstance(unit, str):
        raise _bad_unit(unit, "the unit must be a string")
    text = unit.strip()
    if not text:
        raise _bad_unit(unit, "no unit was given")
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
    try:
        q = _quantity(expr)
    except Exception as exc:  # pint's parser raises many exception types
        raise _bad_unit(unit, f"cannot be parsed ({type(exc).__name__})") from None
    known = from_alias or expr in _ALIAS_TARGETS
    if str(q.units) == "dimensionless" and not known:
        raise _bad_unit(unit, "it is a number, not a unit")
    if not known and not _is_power_of_ten(float(q.magnitude)):
        raise _bad_unit(unit, "a unit may carry only a power-of-ten factor")
    return ParsedUnit(text=unit, expression=expr, annotations=frozenset(qualifiers))


@dataclass(frozen=True, slots=True)
class Conversion:
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


def _convert_magnitude(
    x: float, src: ParsedUnit, dst: ParsedUnit, context: str | None
) -> float:
    qs, qd = src.quantity, dst.quantity
    q = Q_(x * float(qs.magnitude), qs.units)
    out = q.to(qd.units, context) if context else q.to(qd.units)
    return float(out.magnitude) / float(qd.magnitude)


@functools.cache
def _conversion(src: ParsedUnit, dst: ParsedUnit, context: str | None) -> Conversion:
    offset = _convert_magnitude(0.0, src, dst, context)
    scale = _convert_magnitude(1.0, src, dst, context) - offset
    return Conversion(scale=scale, offset=offset)


@dataclass(frozen=True, slots=True)
class ResolvedUnit:
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
    return _resolve(unit, analyte_spec(analyte).analyte)


@functools.cache
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
    return _conversion_for(from_unit, to_unit, a)


_NON_NEGATIVE: Final = frozenset(set(Analyte) - {Analyte.BODY_TEMPERATURE})


def _check_values(
    arr: npt.NDArray[np.float64], *, analyte: Analyte | None, unit: str
) -> None:
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
    conv = _conversion_for(from_unit, to_unit, a)
    if isinstance(value, bool):
        raise InvalidValueError(
            field="value",
            value=value,
            unit=from_unit,
            expected="a number, not a boolean",
        )
    if isinstance(value, int | float):
        x = float(value)
        if not math.isfinite(x) or (x < 0 and a in _NON_NEGATIVE):
            _check_values(np.asarray(x, dtype=np.float64), analyte=a, unit=from_unit)
        return conv.apply(x)
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            field="value",
            value=value,
            unit=from_unit,
            expected="a number or an array of numbers",
        ) from exc
    _check_values(arr, analyte=a, unit=from_unit)
    return conv.apply(arr)


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
    resolved = _resolve(unit, spec.analyte)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValueError(
            field=field,
            value=value,
            unit=unit,
            analyte=spec.analyte.value,
            expected="a number",
        )
    _check_values(
        np.asarray(float(value), dtype=np.float64), analyte=spec.analyte, unit=unit
    )
    canon = resolved.to_canonical.apply(float(value))
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
                hint=_plausibility_hint(float(value), resolved, spec),
            )
    return canon, resolved
