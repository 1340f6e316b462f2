"""Units: the registry, clinical spellings, molar-mass conversions, caching, errors."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore as ls
from lupusscore import units
from lupusscore.analytes import ANALYTES, Analyte

# --- the issue's "done when" examples -------------------------------------------


def test_creatinine_mg_dl_to_umol_l_is_88_4() -> None:
    """1 mg/dL creatinine is 88.4 µmol/L (molar mass 113.12 g/mol)."""
    got = ls.convert(1, "mg/dL", "umol/L", analyte="creatinine")
    assert got == pytest.approx(88.4, abs=0.05)
    assert isinstance(got, float)


def test_upcr_g_g_to_mg_mmol_is_113_1() -> None:
    """A UPCR of 1 g/g is 113.1 mg/mmol (creatinine-normalised ratio)."""
    assert ls.convert(1, "g/g", "mg/mmol", analyte="upcr") == pytest.approx(
        113.1, abs=0.1
    )


def test_molar_mass_is_the_cited_constant() -> None:
    """The creatinine factor is exactly 10 000 / 113.12, derived in one place."""
    got = ls.convert(1, "mg/dL", "µmol/L", analyte="creatinine")
    assert got == pytest.approx(10_000 / units.CREATININE_MOLAR_MASS_G_PER_MOL)


@pytest.mark.parametrize(
    ("value", "src", "dst", "analyte", "expected"),
    [
        (88.4, "µmol/L", "mg/dL", "creatinine", 88.4 * 113.12 / 10_000),
        (1.0, "mmol/L", "µmol/L", "creatinine", 1000.0),
        (50.0, "mg/mmol", "mg/g", "upcr", 50 * 1000 / 113.12),
        (3.0, "mg/mmol", "mg/g", "uacr", 3 * 1000 / 113.12),
        (1.0, "mg/mg", "g/g", "upcr", 1.0),
        (500.0, "mg/g", "g/g", "upcr", 0.5),
        (0.5, "g/mmol", "mg/mmol", "upcr", 500.0),
        (500.0, "mg/g{creat}", "mg/mmol{creat}", "upcr", 500 / 1000 * 113.12),
        (1.0, "g/L", "mg/dL", "c3", 100.0),
        (90.0, "mg%", "g/L", "c3", 0.9),
        (100.0, "10^9/L", "/µL", "platelets", 100_000.0),
        (3.0, "10*9/L", "/mm3", "wbc", 3000.0),
        (150.0, "THOU/uL", "10^9/L", "platelets", 150.0),
        (1.0, "mg/L", "nmol/L", "cystatin_c", 74.9),
        (500.0, "mg/d", "g/24h", "protein_24h", 0.5),
        (30.0, "kIU/L", "IU/mL", "anti_dsdna", 30.0),
        (38.0, "°C", "°F", "body_temperature", 100.4),
        (14.0, "g/dL", "g/L", "hemoglobin", 140.0),
    ],
)
def test_published_and_arithmetic_conversions(
    value: float, src: str, dst: str, analyte: str, expected: float
) -> None:
    """Conversions match REFERENCE 7.1 (guideline pairs, arithmetic identities)."""
    assert ls.convert(value, src, dst, analyte=analyte) == pytest.approx(
        expected, rel=1e-9
    )


def test_conversion_without_analyte_for_plain_units() -> None:
    """Units of the same dimension convert without naming an analyte."""
    assert ls.convert(1.0, "g/dL", "g/L") == pytest.approx(10.0)
    assert ls.convert(60.0, "mL/min/1.73m2", "mL/min/{1.73_m2}") == 60.0


# --- aliases and UCUM annotations ------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("mg%", "mg/dL"),
        ("mg/dl", "mg/dL"),
        ("µmol/L", "umol/L"),
        ("umol/L", "umol/L"),
        ("10^9/L", "10**9/L"),
        ("10*9/L", "10**9/L"),
        ("/µL", "1/uL"),
        ("/mm3", "1/mm**3"),
        ("/hpf", "1/hpf"),
        ("IU/mL", "IU/mL"),
        ("kIU/L", "kIU/L"),
        ("mg/mmol", "mg/mmol"),
        ("g/mmol", "g/mmol"),
        ("mg/g", "mg/g"),
        ("g/g", "g/g"),
        ("mg/mg", "mg/mg"),
        ("mg/d", "mg/day"),
        ("g/24h", "g/day"),
    ],
)
def test_issue_alias_table(spelling: str, canonical: str) -> None:
    """Every clinical spelling the issue lists is read through the alias table."""
    assert units.parse_unit(spelling).expression == canonical


def test_mg_percent_is_not_milligram_times_percent() -> None:
    """pint alone reads mg% as mg x percent; the alias table makes it mg/dL."""
    assert ls.convert(1.0, "mg%", "mg/dL") == 1.0


def test_creat_annotation_is_kept() -> None:
    """UCUM {creat} is recorded on the parsed unit, not silently dropped."""
    parsed = units.parse_unit("mg/g{creat}")
    assert parsed.annotations == frozenset({"creat"})
    assert parsed.text == "mg/g{creat}"


def test_creat_annotation_only_for_creatinine_ratios() -> None:
    """{creat} on a serum analyte is rejected: it marks a ratio to creatinine."""
    with pytest.raises(ls.UnitError, match="ratio to creatinine"):
        ls.convert(1.0, "mg/dL{creat}", "mg/dL", analyte="c3")


def test_body_surface_annotation_is_a_unit_not_dropped() -> None:
    """mL/min/{1.73_m2} is not convertible to plain mL/min (indexed vs absolute)."""
    with pytest.raises(ls.UnitError):
        ls.convert(60.0, "mL/min/{1.73_m2}", "mL/min")


def test_unknown_annotation_is_rejected() -> None:
    """An unknown UCUM annotation is an error, not ignored."""
    with pytest.raises(ls.UnitError, match="unknown UCUM annotation"):
        units.parse_unit("mg/g{widgets}")


def test_assay_units_never_become_international_units() -> None:
    """An assay's U/mL for anti-dsDNA cannot be converted to IU/mL."""
    with pytest.raises(ls.UnitError, match="cannot be converted"):
        ls.convert(50.0, "U/mL", "IU/mL", analyte="anti_dsdna")


# --- errors for bad units and values ---------------------------------------------


@pytest.mark.parametrize("unit", ["", "   "])
def test_no_unit_is_rejected(unit: str) -> None:
    """An empty unit is an error that says no unit was given."""
    with pytest.raises(ls.UnitError, match="no unit"):
        ls.convert(1.0, unit, "mg/dL", analyte="creatinine")


@pytest.mark.parametrize(
    ("analyte", "unit"),
    [("creatinine", "mmHg"), ("upcr", "mg/dL"), ("c3", "/hpf"), ("upcr", "%")],
)
def test_wrong_dimension_is_rejected(analyte: str, unit: str) -> None:
    """A unit of the wrong dimension names the analyte, unit and what fits."""
    with pytest.raises(ls.UnitError) as info:
        ls.convert(
            1.0, unit, ANALYTES[Analyte(analyte)].canonical_unit, analyte=analyte
        )
    message = str(info.value)
    assert analyte in message
    assert repr(unit) in message
    assert "expected" in message


@pytest.mark.parametrize("unit", ["mg//dL", "qwerty", "mg/dL)(", "5", "2 mg/dL"])
def test_unparseable_units_are_rejected(unit: str) -> None:
    """Garbage, bare numbers and embedded values are not units."""
    with pytest.raises(ls.UnitError):
        ls.convert(1.0, unit, "mg/dL", analyte="creatinine")


def test_molar_conversion_without_analyte_says_what_to_do() -> None:
    """mg/dL -> µmol/L without an analyte fails and says analyte= is needed."""
    with pytest.raises(ls.UnitError, match="analyte="):
        ls.convert(1.0, "mg/dL", "umol/L")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_rejected(value: float) -> None:
    """NaN and infinities are not results."""
    with pytest.raises(ls.InvalidValueError, match="finite"):
        ls.convert(value, "mg/dL", "umol/L", analyte="creatinine")


def test_non_finite_in_array_is_rejected() -> None:
    """A NaN anywhere in an array rejects the whole call."""
    with pytest.raises(ls.InvalidValueError):
        ls.convert([1.0, math.nan], "mg/dL", "umol/L", analyte="creatinine")


def test_negative_concentration_is_rejected() -> None:
    """A negative concentration is invalid for an analyte."""
    with pytest.raises(ls.InvalidValueError, match=">= 0"):
        ls.convert(-1.0, "mg/dL", "umol/L", analyte="creatinine")


def test_boolean_is_not_a_value() -> None:
    """True is not a lab value."""
    with pytest.raises(ls.InvalidValueError):
        ls.convert(True, "mg/dL", "umol/L", analyte="creatinine")  # type: ignore[call-overload]


def test_unknown_analyte_is_rejected() -> None:
    """An unknown analyte name raises UnknownAnalyteError (a KeyError too)."""
    with pytest.raises(ls.UnknownAnalyteError, match="c5") as info:
        ls.convert(1.0, "g/L", "mg/dL", analyte="c5")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)


def test_unit_error_is_a_value_error_and_pickles() -> None:
    """UnitError subclasses ValueError and survives pickling with its fields."""
    with pytest.raises(ls.UnitError) as info:
        ls.convert(1.0, "mmHg", "mg/dL", analyte="creatinine")
    err = info.value
    assert isinstance(err, ValueError)
    clone = pickle.loads(pickle.dumps(err))
    assert str(clone) == str(err)
    assert clone.unit == "mmHg"
    assert clone.analyte == "creatinine"


# --- caching ---------------------------------------------------------------------


def test_many_conversions_parse_each_unit_once() -> None:
    """Converting many values parses the unit strings once (factors are cached)."""
    ls.convert(1.0, "mg/dL", "µmol/L", analyte="creatinine")
    before = units._quantity.cache_info().misses
    for i in range(2000):
        ls.convert(0.5 + i / 1000, "mg/dL", "µmol/L", analyte="creatinine")
    out = ls.convert(
        np.linspace(0.5, 2.5, 1_000_000), "mg/dL", "µmol/L", analyte="creatinine"
    )
    assert out.shape == (1_000_000,)
    assert units._quantity.cache_info().misses == before


def test_array_input_returns_array_of_same_shape() -> None:
    """A 2-D array comes back with the same shape."""
    arr = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = ls.convert(arr, "mg/dL", "µmol/L", analyte="creatinine")
    assert isinstance(out, np.ndarray)
    assert out.shape == (2, 2)


# --- properties over every analyte and every accepted unit -----------------------

_FAMILIES = [
    (analyte, fam.name, fam.units)
    for analyte, spec in ANALYTES.items()
    for fam in spec.families
]
_FAMILY_IDS = [f"{a}:{f}" for a, f, _ in _FAMILIES]
_PAIRS = [(a, u, v) for a, _, us in _FAMILIES for u in us for v in us]
# Subnormal inputs are excluded: a conversion that underflows to 0 now raises.
_values = st.floats(
    min_value=0.0, max_value=1e4, allow_nan=False, allow_subnormal=False
)


@pytest.mark.parametrize(
    ("analyte", "a", "b"), _PAIRS, ids=[f"{p[0]}:{p[1]}->{p[2]}" for p in _PAIRS]
)
def test_every_accepted_unit_pair_round_trips(analyte: Analyte, a: str, b: str) -> None:
    """Every accepted unit of every analyte converts to every other and back."""
    there = ls.convert(12.5, a, b, analyte=analyte)
    assert ls.convert(there, b, a, analyte=analyte) == pytest.approx(12.5, rel=1e-9)


@pytest.mark.parametrize(("analyte", "family", "unit_list"), _FAMILIES, ids=_FAMILY_IDS)
@given(data=st.data(), x=_values)
def test_round_trip_property(
    analyte: Analyte,
    family: str,
    unit_list: tuple[str, ...],
    data: st.DataObject,
    x: float,
) -> None:
    """a -> b -> a returns the value for any value and any two accepted units."""
    a = data.draw(st.sampled_from(unit_list))
    b = data.draw(st.sampled_from(unit_list))
    there = ls.convert(x, a, b, analyte=analyte)
    back = ls.convert(there, b, a, analyte=analyte)
    assert back == pytest.approx(x, rel=1e-9, abs=1e-9)


_LINEAR = [f for f in _FAMILIES if f[0] is not Analyte.BODY_TEMPERATURE]


@pytest.mark.parametrize(
    ("analyte", "family", "unit_list"), _LINEAR, ids=[f"{a}:{f}" for a, f, _ in _LINEAR]
)
@given(
    data=st.data(),
    x=_values,
    k=st.floats(min_value=0.0, max_value=100.0, allow_subnormal=False),
)
def test_linearity_property(
    analyte: Analyte,
    family: str,
    unit_list: tuple[str, ...],
    data: st.DataObject,
    x: float,
    k: float,
) -> None:
    """Concentration conversions are linear: convert(k x) = k convert(x)."""
    a = data.draw(st.sampled_from(unit_list))
    b = data.draw(st.sampled_from(unit_list))
    lhs = ls.convert(k * x, a, b, analyte=analyte)
    rhs = k * ls.convert(x, a, b, analyte=analyte)
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("analyte", "family", "unit_list"), _FAMILIES, ids=_FAMILY_IDS)
@given(data=st.data(), xs=st.lists(_values, min_size=1, max_size=20))
def test_array_equals_elementwise(
    analyte: Analyte,
    family: str,
    unit_list: tuple[str, ...],
    data: st.DataObject,
    xs: list[float],
) -> None:
    """The array result equals the element-wise scalar results."""
    a = data.draw(st.sampled_from(unit_list))
    b = data.draw(st.sampled_from(unit_list))
    arr = ls.convert(np.asarray(xs), a, b, analyte=analyte)
    each = [ls.convert(x, a, b, analyte=analyte) for x in xs]
    np.testing.assert_allclose(arr, each, rtol=1e-12, atol=0)


def test_temperature_is_affine_not_linear() -> None:
    """Temperatures convert with an offset (0 °C = 32 °F)."""
    assert ls.convert(0.0, "°C", "°F", analyte="body_temperature") == pytest.approx(32)


@given(
    unit=st.text(
        alphabet=st.sampled_from("mgdLuµ/%0123456789*^()[]{}. xyz"), max_size=12
    )
)
def test_random_strings_never_crash_unexpectedly(unit: str) -> None:
    """Any string either resolves for creatinine or raises UnitError; nothing else."""
    try:
        resolved = units.resolve_unit(unit, "creatinine")
    except ls.UnitError:
        return
    assert resolved.family.canonical_unit == "mg/dL"


def test_conversion_factor_is_computed_once_per_unit_pair_and_analyte() -> None:
    """Repeated conversions reuse the cached factor: no new pint conversion."""
    ls.convert(1.0, "mg%", "µmol/L", analyte="creatinine")
    before = units._conversion_for.cache_info()
    for i in range(500):
        ls.convert(0.5 + i / 100, "mg%", "µmol/L", analyte="creatinine")
    after = units._conversion_for.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 500


# --- a bounded parser: hostile unit strings ----------------------------------------


def test_power_tower_unit_is_refused_without_evaluating_it() -> None:
    """`10**10**8 mg/dL` is a UnitError within seconds (pint used to hang on it)."""
    import subprocess
    import sys

    code = (
        "from lupusscore import units\n"
        "from lupusscore.errors import UnitError\n"
        "try:\n"
        "    units.parse_unit('10**10**8 mg/dL')\n"
        "except UnitError as exc:\n"
        "    print(exc.reason)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("parsing '10**10**8 mg/dL' did not finish within 30 s")
    assert done.returncode == 0, done.stderr
    assert "power" in done.stdout


@pytest.mark.parametrize(
    ("unit", "needle"),
    [
        ("1e400 umol/L", "plain decimal"),
        ("1e3 mg/dL", "plain decimal"),
        ("1_000 mg", "plain decimal"),
        ("1234567 mg/dL", "plain decimal"),
        ("mg/dL**2**2", "power"),
        ("10^2^3/L", "power"),
        ("10**99/L", "exponent"),
        ("mg**-25", "exponent"),
        ("mg**1.5", "exponent"),
        ("(mg)**30", "raised to a power"),
        ("mg*999999**24*999999**24*999999**24", "numeric factor"),
        ("10**24*10**24 mg", "numeric factor"),
        ("mg/" + "dL" * 40, "at most 64 characters"),
        ("mg/dL\x00", "control characters"),
        ("mg/(dL", "cannot be parsed"),
    ],
)
def test_units_beyond_the_bounds_are_unit_errors(unit: str, needle: str) -> None:
    """Numbers, exponents and lengths beyond the documented bounds are refused."""
    with pytest.raises(ls.UnitError) as info:
        units.parse_unit(unit)
    assert needle in str(info.value)
    with pytest.raises(ls.UnitError):
        ls.convert(1.0, unit, "mg/dL", analyte="creatinine")


def test_bounded_exponents_still_parse() -> None:
    """Exponents up to the bound and plain decimals keep working."""
    assert (units.MAX_UNIT_EXPONENT, units.MAX_UNIT_LENGTH) == (24, 64)
    assert ls.convert(1.0, "10**9/L", "10^12/L") == pytest.approx(1e-3)
    assert ls.convert(1.0, "10^-3 g/L", "mg/L") == pytest.approx(1.0)
    assert units.parse_unit("mL/min/1.73 m²").expression == "mL/min/bsa_1_73_m2"


@pytest.mark.parametrize(
    "unit",
    [["mg/dL"], {"mg": 1}, {"mg/dL"}, None, 1.0, b"mg/dL", np.array(["mg/dL"])],
    ids=["list", "dict", "set", "None", "float", "bytes", "ndarray"],
)
def test_non_string_units_are_unit_errors(unit: object) -> None:
    """Unhashable or non-string units give UnitError at every entry point."""
    calls = [
        lambda: units.parse_unit(unit),  # type: ignore[arg-type]
        lambda: units.resolve_unit(unit, "creatinine"),  # type: ignore[arg-type]
        lambda: ls.convert(1.0, unit, "mg/dL", analyte="creatinine"),  # type: ignore[arg-type]
        lambda: ls.convert(1.0, "mg/dL", unit),  # type: ignore[arg-type]
        lambda: units.conversion(unit, "mg/dL"),  # type: ignore[arg-type]
        lambda: units.to_canonical(1.0, unit, "creatinine"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ls.UnitError, match="must be a string"):
            call()


def test_string_subclass_unit_is_read_as_its_text() -> None:
    """A str subclass (numpy.str_) is read as the plain string it holds."""
    assert units.parse_unit(np.str_("mg/dL")).expression == "mg/dL"
    assert ls.convert(1.0, np.str_("mg/dL"), "g/L") == pytest.approx(0.01)


# --- letter case ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shouted", "written", "analyte"),
    [
        ("MG/DL", "mg/dL", "creatinine"),
        ("UMOL/L", "umol/L", "creatinine"),
        ("µMOL/L", "µmol/L", "creatinine"),
        ("mg/DL", "mg/dL", "creatinine"),
        ("G/G", "g/g", "upcr"),
        ("MG/G", "mg/g", "upcr"),
        ("MG/MMOL", "mg/mmol", "upcr"),
        ("MG/G{CREAT}", "mg/g{creat}", "upcr"),
        ("MG/L", "mg/L", "c3"),
        ("G/DL", "g/dL", "hemoglobin"),
        ("IU/ML", "IU/mL", "anti_dsdna"),
        ("NMOL/L", "nmol/L", "cystatin_c"),
        ("G/24H", "g/24h", "protein_24h"),
        ("ML/MIN/1.73M2", "mL/min/1.73m2", None),
    ],
)
def test_unambiguous_case_variants_mean_the_known_unit(
    shouted: str, written: str, analyte: str | None
) -> None:
    """Capitals (or pint-unreadable case) of a known spelling mean that spelling."""
    got = units.parse_unit(shouted)
    want = units.parse_unit(written)
    assert (got.expression, got.annotations) == (want.expression, want.annotations)
    assert got.text == shouted
    target = want.expression if analyte is None else written
    assert ls.convert(2.0, shouted, target, analyte=analyte) == pytest.approx(
        ls.convert(2.0, written, target, analyte=analyte)
    )


def test_iu_per_ml_in_capitals_is_not_per_megalitre() -> None:
    """`IU/ML` from an upper-case lab system is IU/mL, not IU per megalitre."""
    assert ls.convert(30.0, "IU/ML", "IU/mL", analyte="anti_dsdna") == 30.0


@pytest.mark.parametrize(
    ("unit", "why"),
    [
        ("Mg/dL", "megagram"),  # megagram per decilitre, or mg/dL?
        ("Mg/L", "megagram"),
        ("MM", "megamolar"),  # megamolar, or mm (millimetre)?
        ("G/l", "'G/L'"),  # 10^9/L (G/L) or g/L (g/l)?
        ("U/L", "enzyme_unit"),  # enzyme unit, or u (atomic mass unit)?
    ],
)
def test_ambiguous_case_is_refused_not_guessed(unit: str, why: str) -> None:
    """Spellings whose letter case changes the meaning are refused, listing both."""
    with pytest.raises(ls.UnitError, match="ambiguous letter case") as info:
        units.parse_unit(unit)
    assert why in str(info.value)


def test_exact_spellings_keep_their_own_meaning() -> None:
    """Exact spellings win over case-folded ones: G/L is 10^9/L, mM millimolar."""
    assert units.parse_unit("G/L").expression == "10**9/L"
    assert units.parse_unit("g/l").expression == "g/L"
    assert ls.convert(1.0, "mM", "mmol/L") == pytest.approx(1.0)
    assert units.parse_unit("AU/mL").expression == "AU/mL"


def test_lab_result_accepts_upper_case_units() -> None:
    """A LabResult in `MG/DL` holds the same canonical value as one in `mg/dL`."""
    shouted = ls.LabResult(
        analyte="creatinine", value=1.2, unit="MG/DL", date="2020-01-01"
    )
    written = ls.LabResult(
        analyte="creatinine", value=1.2, unit="mg/dL", date="2020-01-01"
    )
    assert shouted.canonical_value == written.canonical_value
