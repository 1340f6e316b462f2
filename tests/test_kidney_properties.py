"""Properties of the eGFR kernels: monotonicity, continuity, units, broadcasting.

Monotonicity coverage (stated precisely, because it is not universal):

- In **creatinine** (and in cystatin C for the cystatin equations) every
  equation strictly decreases, at every age and for both sexes: all exponents
  on Scr/κ, Scr/Q and Scys/κ are negative, and Schwartz / CKiD U25 divide by
  the concentration.
- In **age** the property covers CKD-EPI 2009, CKD-EPI 2021, the CKD-EPI 2012 and
  2021 creatinine-cystatin C equations, CKD-EPI 2012 cystatin C and MDRD, at
  every age > 0 (age enters as base^age with base < 1, or age^−0.203).
  EKFC creatinine strictly decreases only above 40 (the 0.990^(age−40) factor);
  from 25 to 40 it is constant (adult Q, no age factor) and at 25 and below it
  *rises* with age because the paediatric Q rises. EKFC cystatin C strictly
  decreases above 40 (the age factor outweighs the rise of Q after 50).
  CKiD U25 creatinine and cystatin C are excluded: K rises with age in
  children (creatinine) and is constant from 18. Bedside Schwartz has no age
  term.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupusscore import LabResult, Patient, Visit, egfr
from lupusscore.kidney import (
    CKD_EPI_2009,
    CKD_EPI_2012_CR_CYS,
    CKD_EPI_2021,
    CKD_EPI_2021_CR_CYS,
    EKFC_Q_ADULT_FEMALE_UMOL_L,
    EKFC_Q_ADULT_MALE_UMOL_L,
    egfr_ckd_epi_2009,
    egfr_ckd_epi_2012_cr_cys,
    egfr_ckd_epi_2012_cys,
    egfr_ckd_epi_2021,
    egfr_ckd_epi_2021_cr_cys,
    egfr_ckid_u25_cr,
    egfr_ckid_u25_cr_cys,
    egfr_ckid_u25_cys,
    egfr_ekfc_cr,
    egfr_ekfc_cys,
    egfr_mdrd,
    egfr_schwartz_bedside,
)
from lupusscore.units import convert

creatinine = st.floats(min_value=0.1, max_value=15.0)
cystatin = st.floats(min_value=0.3, max_value=8.0)
adult_age = st.floats(min_value=18.0, max_value=100.0)
young_age = st.floats(min_value=1.0, max_value=25.9)
height_m = st.floats(min_value=0.5, max_value=2.1)
female = st.booleans()
step = st.floats(min_value=1e-4, max_value=5.0)

# Creatinine equations as f(scr, age, female) for the adult range.
CR_ADULT: dict[str, Callable[[float, float, bool], float]] = {
    "ckd-epi-2009": lambda s, a, f: egfr_ckd_epi_2009(s, a, female=f),
    "ckd-epi-2009-black": lambda s, a, f: egfr_ckd_epi_2009(s, a, female=f, black=True),
    "ckd-epi-2021": lambda s, a, f: egfr_ckd_epi_2021(s, a, female=f),
    "ckd-epi-2012-cr-cys": lambda s, a, f: egfr_ckd_epi_2012_cr_cys(
        s, 1.0, a, female=f
    ),
    "ckd-epi-2021-cr-cys": lambda s, a, f: egfr_ckd_epi_2021_cr_cys(
        s, 1.0, a, female=f
    ),
    "mdrd": lambda s, a, f: egfr_mdrd(s, a, female=f),
    "mdrd-186": lambda s, a, f: egfr_mdrd(s, a, female=f, idms=False),
    "ekfc-cr": lambda s, a, f: egfr_ekfc_cr(s, a, female=f),
}
CR_YOUNG: dict[str, Callable[[float, float, bool], float]] = {
    "ekfc-cr": lambda s, a, f: egfr_ekfc_cr(s, max(a, 2.0), female=f),
    "schwartz-bedside": lambda s, a, f: egfr_schwartz_bedside(
        140.0, s, age_years=min(a, 16.9)
    ),
    "ckid-u25-cr": lambda s, a, f: egfr_ckid_u25_cr(s, 1.4, a, female=f),
    "ckid-u25-cr-cys": lambda s, a, f: egfr_ckid_u25_cr_cys(s, 1.0, 1.4, a, female=f),
}
CYS: dict[str, Callable[[float, float, bool], float]] = {
    "ckd-epi-2012-cys": lambda c, a, f: egfr_ckd_epi_2012_cys(c, a, female=f),
    "ckd-epi-2012-cr-cys": lambda c, a, f: egfr_ckd_epi_2012_cr_cys(
        1.0, c, a, female=f
    ),
    "ckd-epi-2021-cr-cys": lambda c, a, f: egfr_ckd_epi_2021_cr_cys(
        1.0, c, a, female=f
    ),
    "ekfc-cys": lambda c, a, f: egfr_ekfc_cys(c, a),
}
# Equations strictly decreasing in age over every adult age.
AGE_DECREASING = {k: v for k, v in CR_ADULT.items() if k != "ekfc-cr"} | {
    "ckd-epi-2012-cys": CYS["ckd-epi-2012-cys"]
}


@pytest.mark.parametrize("name", sorted(CR_ADULT))
@given(scr=creatinine, bump=step, age=adult_age, fem=female)
@settings(max_examples=50)
def test_adult_creatinine_equations_decrease_in_creatinine(
    name: str, scr: float, bump: float, age: float, fem: bool
) -> None:
    """Higher creatinine always gives a lower eGFR (adults)."""
    f = CR_ADULT[name]
    assert f(scr + bump, age, fem) < f(scr, age, fem)


@pytest.mark.parametrize("name", sorted(CR_YOUNG))
@given(scr=creatinine, bump=step, age=young_age, fem=female)
@settings(max_examples=50)
def test_paediatric_creatinine_equations_decrease_in_creatinine(
    name: str, scr: float, bump: float, age: float, fem: bool
) -> None:
    """Higher creatinine always gives a lower eGFR (children and young adults)."""
    f = CR_YOUNG[name]
    assert f(scr + bump, age, fem) < f(scr, age, fem)


@pytest.mark.parametrize("name", sorted(CYS))
@given(cys=cystatin, bump=step, age=adult_age, fem=female)
@settings(max_examples=50)
def test_cystatin_equations_decrease_in_cystatin(
    name: str, cys: float, bump: float, age: float, fem: bool
) -> None:
    """Higher cystatin C always gives a lower eGFR."""
    f = CYS[name]
    assert f(cys + bump, age, fem) < f(cys, age, fem)


@given(cys=cystatin, bump=step, age=young_age, fem=female)
@settings(max_examples=50)
def test_ckid_u25_cys_decreases_in_cystatin(
    cys: float, bump: float, age: float, fem: bool
) -> None:
    """CKiD U25 cystatin C: higher cystatin C gives a lower eGFR."""
    assert egfr_ckid_u25_cys(cys + bump, age, female=fem) < egfr_ckid_u25_cys(
        cys, age, female=fem
    )


@pytest.mark.parametrize("name", sorted(AGE_DECREASING))
@given(
    scr=creatinine,
    age=adult_age,
    older=st.floats(min_value=0.01, max_value=10),
    fem=female,
)
@settings(max_examples=50)
def test_adult_equations_decrease_in_age(
    name: str, scr: float, age: float, older: float, fem: bool
) -> None:
    """CKD-EPI and MDRD: an older patient with the same values has a lower eGFR."""
    f = AGE_DECREASING[name]
    assert f(scr, age + older, fem) < f(scr, age, fem)


@given(
    scr=creatinine,
    age=st.floats(min_value=40.0, max_value=89.0),
    older=st.floats(min_value=0.01, max_value=10),
    fem=female,
)
@settings(max_examples=50)
def test_ekfc_decreases_in_age_above_40(
    scr: float, age: float, older: float, fem: bool
) -> None:
    """EKFC creatinine and cystatin C strictly decrease in age above 40."""
    assert egfr_ekfc_cr(scr, age + older, female=fem) < egfr_ekfc_cr(
        scr, age, female=fem
    )
    assert egfr_ekfc_cys(scr, age + older) < egfr_ekfc_cys(scr, age)


@given(scr=creatinine, age=st.floats(min_value=25.01, max_value=40.0), fem=female)
def test_ekfc_creatinine_is_flat_from_25_to_40(
    scr: float, age: float, fem: bool
) -> None:
    """EKFC creatinine is flat in age from 25 to 40 (why 25-40 is excluded)."""
    assert egfr_ekfc_cr(scr, age, female=fem) == egfr_ekfc_cr(scr, 30.0, female=fem)


# ---------------------------------------------------------------- continuity

EPS = 1e-9


def _jump(f: Callable[[float], float], x: float) -> float:
    lo, hi = f(x * (1 - EPS)), f(x * (1 + EPS))
    return abs(hi - lo) / lo


@given(age=adult_age, fem=female)
def test_ckd_epi_continuous_at_kappa(age: float, fem: bool) -> None:
    """CKD-EPI equations are continuous at Scr = κ and at Scys = 0.8."""
    for coef, fn in (
        (CKD_EPI_2009, lambda s: egfr_ckd_epi_2009(s, age, female=fem)),
        (CKD_EPI_2021, lambda s: egfr_ckd_epi_2021(s, age, female=fem)),
        (
            CKD_EPI_2012_CR_CYS,
            lambda s: egfr_ckd_epi_2012_cr_cys(s, 1.0, age, female=fem),
        ),
        (
            CKD_EPI_2021_CR_CYS,
            lambda s: egfr_ckd_epi_2021_cr_cys(s, 1.0, age, female=fem),
        ),
    ):
        kappa = coef.kappa_female if fem else coef.kappa_male
        assert _jump(fn, kappa) < 1e-8
    for fn in (
        lambda c: egfr_ckd_epi_2012_cys(c, age, female=fem),
        lambda c: egfr_ckd_epi_2012_cr_cys(1.0, c, age, female=fem),
        lambda c: egfr_ckd_epi_2021_cr_cys(1.0, c, age, female=fem),
    ):
        assert _jump(fn, 0.8) < 1e-8


@given(age=st.floats(min_value=25.5, max_value=100.0), fem=female)
def test_ekfc_continuous_at_q(age: float, fem: bool) -> None:
    """EKFC is continuous where Scr/Q and Scys/Q cross 1."""
    q_umol = EKFC_Q_ADULT_FEMALE_UMOL_L if fem else EKFC_Q_ADULT_MALE_UMOL_L
    q = convert(q_umol, "umol/L", "mg/dL", analyte="creatinine")
    assert _jump(lambda s: egfr_ekfc_cr(s, age, female=fem), q) < 1e-8
    q_cys = 0.83 + 0.005 * max(age - 50, 0)
    assert _jump(lambda c: egfr_ekfc_cys(c, age), q_cys) < 1e-8


@given(scr=creatinine, fem=female)
def test_ekfc_continuous_at_age_knots(scr: float, fem: bool) -> None:
    """EKFC is continuous at age 40 (age factor) and, for cystatin C, at 50 (Q)."""
    assert _jump(lambda a: egfr_ekfc_cr(scr, a, female=fem), 40.0) < 1e-8
    assert _jump(lambda a: egfr_ekfc_cys(scr, a), 40.0) < 1e-8
    assert _jump(lambda a: egfr_ekfc_cys(scr, a), 50.0) < 1e-8


def test_ekfc_paediatric_q_step_at_25_is_small_and_documented() -> None:
    """At 25 the paediatric Q (80.9/62.4 µmol/L) meets adult Q (80/62): < 1.5 %."""
    for fem in (False, True):
        for scr in (0.5, 0.9, 2.0):
            before = egfr_ekfc_cr(scr, 25.0, female=fem)
            after = egfr_ekfc_cr(scr, 25.0 + 1e-9, female=fem)
            assert abs(after - before) / after < 0.015


@given(scr=creatinine, cys=cystatin, fem=female)
def test_ckid_u25_continuous_at_12_and_15(scr: float, cys: float, fem: bool) -> None:
    """CKiD U25 K is continuous at its 12- and 15-year knots."""
    for knot in (12.0, 15.0):
        assert _jump(lambda a: egfr_ckid_u25_cr(scr, 1.4, a, female=fem), knot) < 1e-8
        assert _jump(lambda a: egfr_ckid_u25_cys(cys, a, female=fem), knot) < 1e-8


def test_ckid_u25_step_at_18_is_the_published_rounding() -> None:
    """At 18 the published adult K meets the teen curve within 0.2 % (rounding)."""
    for fem in (False, True):
        a = egfr_ckid_u25_cr(1.0, 1.0, 18 - 1e-9, female=fem)
        b = egfr_ckid_u25_cr(1.0, 1.0, 18.0, female=fem)
        assert abs(a - b) / b < 0.002
        a = egfr_ckid_u25_cys(1.0, 18 - 1e-9, female=fem)
        b = egfr_ckid_u25_cys(1.0, 18.0, female=fem)
        assert abs(a - b) / b < 0.002


# ------------------------------------------------------------- units, model


PATIENT_M = Patient(
    id="P", sex="male", birth_date="1960-01-01", height_cm=170, black=False
)
PATIENT_F = Patient(
    id="P", sex="female", birth_date="1960-01-01", height_cm=160, black=True
)
MODEL_EQUATIONS = [
    "ckd-epi-2009",
    "ckd-epi-2021",
    "ckd-epi-2012-cr-cys",
    "ckd-epi-2021-cr-cys",
    "mdrd",
    "ekfc-cr",
]


def _visit(scr: float, unit: str) -> Visit:
    day = dt.date(2020, 6, 1)
    return Visit(
        participant_id="P",
        date=day,
        labs=[
            LabResult(analyte="creatinine", value=scr, unit=unit, date=day),
            LabResult(analyte="cystatin_c", value=1.1, unit="mg/L", date=day),
        ],
    )


@pytest.mark.parametrize("equation", MODEL_EQUATIONS)
@given(scr=st.floats(min_value=0.2, max_value=15.0), fem=female)
@settings(max_examples=30)
def test_same_egfr_from_umol_and_mg_dl(equation: str, scr: float, fem: bool) -> None:
    """Model-level eGFR is the same from mg/dL, µmol/L or mmol/L creatinine."""
    patient = PATIENT_F if fem else PATIENT_M
    ref = egfr(patient, _visit(scr, "mg/dL"), equation).require()
    umol = convert(scr, "mg/dL", "umol/L", analyte="creatinine")
    mmol = convert(scr, "mg/dL", "mmol/L", analyte="creatinine")
    assert egfr(patient, _visit(umol, "µmol/L"), equation).require() == pytest.approx(
        ref, rel=1e-12
    )
    assert egfr(patient, _visit(mmol, "mmol/L"), equation).require() == pytest.approx(
        ref, rel=1e-12
    )


# ----------------------------------------------------------- array vs scalar

rows_adult = st.lists(
    st.tuples(creatinine, cystatin, adult_age, female), min_size=1, max_size=20
)
rows_young = st.lists(
    st.tuples(creatinine, cystatin, young_age, female, height_m),
    min_size=1,
    max_size=20,
)

ADULT_KERNELS: dict[str, Callable[..., object]] = {
    "ckd-epi-2009": lambda s, c, a, f, b: egfr_ckd_epi_2009(s, a, female=f, black=b),
    "ckd-epi-2021": lambda s, c, a, f, b: egfr_ckd_epi_2021(s, a, female=f),
    "ckd-epi-2012-cys": lambda s, c, a, f, b: egfr_ckd_epi_2012_cys(c, a, female=f),
    "ckd-epi-2012-cr-cys": lambda s, c, a, f, b: egfr_ckd_epi_2012_cr_cys(
        s, c, a, female=f, black=b
    ),
    "ckd-epi-2021-cr-cys": lambda s, c, a, f, b: egfr_ckd_epi_2021_cr_cys(
        s, c, a, female=f
    ),
    "mdrd": lambda s, c, a, f, b: egfr_mdrd(s, a, female=f, black=b),
    "ekfc-cr": lambda s, c, a, f, b: egfr_ekfc_cr(s, a, female=f),
    "ekfc-cys": lambda s, c, a, f, b: egfr_ekfc_cys(c, a),
}
YOUNG_KERNELS: dict[str, Callable[..., object]] = {
    "ekfc-cr": lambda s, c, a, f, h: egfr_ekfc_cr(s, np.maximum(a, 2.0), female=f),
    "schwartz-bedside": lambda s, c, a, f, h: egfr_schwartz_bedside(
        np.asarray(h) * 100, s
    ),
    "ckid-u25-cr": lambda s, c, a, f, h: egfr_ckid_u25_cr(s, h, a, female=f),
    "ckid-u25-cys": lambda s, c, a, f, h: egfr_ckid_u25_cys(c, a, female=f),
    "ckid-u25-cr-cys": lambda s, c, a, f, h: egfr_ckid_u25_cr_cys(s, c, h, a, female=f),
}


@pytest.mark.parametrize("name", sorted(ADULT_KERNELS))
@given(rows=rows_adult, black=st.booleans())
@settings(max_examples=30)
def test_adult_array_equals_elementwise(
    name: str, rows: list[tuple[float, float, float, bool]], black: bool
) -> None:
    """The array result equals the element-wise scalar results (rtol 1e-12)."""
    fn = ADULT_KERNELS[name]
    s, c, a, f = (np.array(col) for col in zip(*rows, strict=True))
    got = fn(s, c, a, f, black)
    want = [fn(*row, black) for row in rows]
    assert all(isinstance(w, float) for w in want)
    np.testing.assert_allclose(
        np.asarray(got), np.asarray(want, dtype=float), rtol=1e-12
    )


@pytest.mark.parametrize("name", sorted(YOUNG_KERNELS))
@given(rows=rows_young)
@settings(max_examples=30)
def test_young_array_equals_elementwise(
    name: str, rows: list[tuple[float, float, float, bool, float]]
) -> None:
    """Paediatric kernels: array result equals element-wise results (rtol 1e-12)."""
    fn = YOUNG_KERNELS[name]
    s, c, a, f, h = (np.array(col) for col in zip(*rows, strict=True))
    got = fn(s, c, a, f, h)
    want = [fn(*row) for row in rows]
    np.testing.assert_allclose(
        np.asarray(got), np.asarray(want, dtype=float), rtol=1e-12
    )
