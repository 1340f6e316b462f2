"""eGFR kernels: every published equation, written once, over numpy arrays.

Each kernel takes plain floats or arrays in canonical units (the unit is in the
parameter name), broadcasts, and returns eGFR in mL/min/1.73 m² (a float for
scalar input, a float64 array otherwise). Coefficients are named constants with
their citation. Higher eGFR = better kidney function.

Sources: lupusscore clinical reference, section 6.1. Coefficients there were
checked against the ``kidney.epi`` R package (Bikbov; CRAN) and the
``ckidstudy/CKiD_U25`` reference code, and recomputed against the published
worked examples in section 6.2 A (transcribed in ``tests/reference/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, overload

import numpy as np
import numpy.typing as npt

from lupusscore._display import Displayable
from lupusscore.kidney._common import (
    AGE,
    AGE_POSITIVE,
    CREATININE,
    CYSTATIN_C,
    AgeRange,
    FloatArray,
    MissingMode,
    Quantity,
    as_bool,
    check_age_range,
    maximum,
    minimum,
    prepare,
    prepare_scalar,
    select,
)

__all__ = [
    "CKD_EPI_2009",
    "CKD_EPI_2012_CR_CYS",
    "CKD_EPI_2012_CYS",
    "CKD_EPI_2021",
    "CKD_EPI_2021_CR_CYS",
    "CKD_EPI_AGES",
    "CKID_U25_AGES",
    "CKID_U25_CR_FEMALE",
    "CKID_U25_CR_MALE",
    "CKID_U25_CYS_FEMALE",
    "CKID_U25_CYS_MALE",
    "EKFC",
    "EKFC_AGES",
    "EKFC_CREATININE_UMOL_L_PER_MG_DL",
    "EKFC_CYS_Q",
    "EKFC_Q_ADULT_FEMALE_UMOL_L",
    "EKFC_Q_ADULT_MALE_UMOL_L",
    "EKFC_Q_PAEDIATRIC_FEMALE",
    "EKFC_Q_PAEDIATRIC_MALE",
    "EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS",
    "MDRD",
    "MDRD_AGES",
    "SCHWARTZ_BEDSIDE_AGES",
    "SCHWARTZ_BEDSIDE_K",
    "CkdEpiCreatinine",
    "CkdEpiCreatinineCystatin",
    "CkdEpiCystatin",
    "CkidU25Constant",
    "EkfcCoefficients",
    "EkfcCystatinQ",
    "MdrdCoefficients",
    "egfr_ckd_epi_2009",
    "egfr_ckd_epi_2012_cr_cys",
    "egfr_ckd_epi_2012_cys",
    "egfr_ckd_epi_2021",
    "egfr_ckd_epi_2021_cr_cys",
    "egfr_ckid_u25_cr",
    "egfr_ckid_u25_cr_cys",
    "egfr_ckid_u25_cys",
    "egfr_ekfc_cr",
    "egfr_ekfc_cys",
    "egfr_mdrd",
    "egfr_schwartz_bedside",
]

_CR = "creatinine_mg_dl"
_CYS = "cystatin_c_mg_l"
_AGE = "age_years"
#: Heights above 300 cm / 3 m are unit mix-ups (the tallest recorded person
#: measured 272 cm, Robert Wadlow): a height in metres given as centimetres
#: would otherwise give an eGFR off by a factor of 100.
_HEIGHT_CM: Final = Quantity(
    "cm", maximum=300.0, hint="a height in centimetres; is this one in millimetres?"
)
_HEIGHT_M: Final = Quantity(
    "m", maximum=3.0, hint="a height in metres; is this one in centimetres?"
)

# --------------------------------------------------------------------------
# Coefficients
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CkdEpiCreatinine(Displayable):
    """Coefficients of a CKD-EPI creatinine equation.

    eGFR = scale × min(Scr/κ, 1)^α × max(Scr/κ, 1)^upper × age_base^age
    × female_factor [female] × black_factor [Black].
    """

    scale: float
    kappa_female: float
    kappa_male: float
    alpha_female: float
    alpha_male: float
    upper_exponent: float
    age_base: float
    female_factor: float
    black_factor: float


@dataclass(frozen=True, slots=True)
class CkdEpiCystatin(Displayable):
    """Coefficients of the CKD-EPI 2012 cystatin C equation.

    eGFR = scale × min(Scys/κ, 1)^lower × max(Scys/κ, 1)^upper × age_base^age
    × female_factor [female].
    """

    scale: float
    kappa: float
    lower_exponent: float
    upper_exponent: float
    age_base: float
    female_factor: float


@dataclass(frozen=True, slots=True)
class CkdEpiCreatinineCystatin(Displayable):
    """Coefficients of a CKD-EPI creatinine-cystatin C equation."""

    scale: float
    kappa_female: float
    kappa_male: float
    alpha_female: float
    alpha_male: float
    creatinine_upper_exponent: float
    cystatin_kappa: float
    cystatin_lower_exponent: float
    cystatin_upper_exponent: float
    age_base: float
    female_factor: float
    black_factor: float


@dataclass(frozen=True, slots=True)
class MdrdCoefficients(Displayable):
    """Coefficients of the 4-variable MDRD Study equation."""

    scale_idms: float
    scale_original: float
    creatinine_exponent: float
    age_exponent: float
    female_factor: float
    black_factor: float


@dataclass(frozen=True, slots=True)
class EkfcCoefficients(Displayable):
    """Shared form of the EKFC equations (creatinine and cystatin C).

    eGFR = scale × (S/Q)^lower if S/Q < 1 else scale × (S/Q)^upper, times
    age_base^(age − age_knot) only when age > age_knot.
    """

    scale: float
    lower_exponent: float
    upper_exponent: float
    age_base: float
    age_knot_years: float


@dataclass(frozen=True, slots=True)
class EkfcCystatinQ(Displayable):
    """EKFC cystatin C Q: ``base`` mg/L up to ``knot`` years, then + slope/year."""

    base_mg_l: float
    knot_years: float
    slope_mg_l_per_year: float


@dataclass(frozen=True, slots=True)
class CkidU25Constant(Displayable):
    """Age-dependent K of a CKiD U25 equation for one sex.

    K = k_young × young_base^(age − young_pivot) for age < young_to;
    K = k_young × teen_base^(age − young_pivot) for young_to <= age < 18;
    K = adult for age >= 18.
    """

    k_young: float
    young_base: float
    young_to_years: float
    young_pivot_years: float
    teen_base: float
    adult: float
    adult_from_years: float


#: Levey AS et al. A new equation to estimate glomerular filtration rate.
#: Ann Intern Med 2009;150:604-12 (CKD-EPI 2009 creatinine; race-based).
CKD_EPI_2009: Final = CkdEpiCreatinine(
    scale=141.0,
    kappa_female=0.7,
    kappa_male=0.9,
    alpha_female=-0.329,
    alpha_male=-0.411,
    upper_exponent=-1.209,
    age_base=0.993,
    female_factor=1.018,
    black_factor=1.159,
)

#: Inker LA et al. New creatinine- and cystatin C-based equations to estimate
#: GFR without race. N Engl J Med 2021;385:1737-49 (CKD-EPI 2021 creatinine).
CKD_EPI_2021: Final = CkdEpiCreatinine(
    scale=142.0,
    kappa_female=0.7,
    kappa_male=0.9,
    alpha_female=-0.241,
    alpha_male=-0.302,
    upper_exponent=-1.200,
    age_base=0.9938,
    female_factor=1.012,
    black_factor=1.0,
)

#: Inker LA et al. Estimating GFR from serum creatinine and cystatin C.
#: N Engl J Med 2012;367:20-9 (CKD-EPI 2012 cystatin C; no race term). The
#: often-seen 135 / 0.9946 is a transcription error (reference 6.1).
CKD_EPI_2012_CYS: Final = CkdEpiCystatin(
    scale=133.0,
    kappa=0.8,
    lower_exponent=-0.499,
    upper_exponent=-1.328,
    age_base=0.996,
    female_factor=0.932,
)

#: Inker LA et al. N Engl J Med 2012;367:20-9 (CKD-EPI 2012
#: creatinine-cystatin C; race-based).
CKD_EPI_2012_CR_CYS: Final = CkdEpiCreatinineCystatin(
    scale=135.0,
    kappa_female=0.7,
    kappa_male=0.9,
    alpha_female=-0.248,
    alpha_male=-0.207,
    creatinine_upper_exponent=-0.601,
    cystatin_kappa=0.8,
    cystatin_lower_exponent=-0.375,
    cystatin_upper_exponent=-0.711,
    age_base=0.995,
    female_factor=0.969,
    black_factor=1.08,
)

#: Inker LA et al. N Engl J Med 2021;385:1737-49 (CKD-EPI 2021
#: creatinine-cystatin C, race-free).
CKD_EPI_2021_CR_CYS: Final = CkdEpiCreatinineCystatin(
    scale=135.0,
    kappa_female=0.7,
    kappa_male=0.9,
    alpha_female=-0.219,
    alpha_male=-0.144,
    creatinine_upper_exponent=-0.544,
    cystatin_kappa=0.8,
    cystatin_lower_exponent=-0.323,
    cystatin_upper_exponent=-0.778,
    age_base=0.9961,
    female_factor=0.963,
    black_factor=1.0,
)

#: Levey AS et al. Using standardized serum creatinine values in the MDRD Study
#: equation. Ann Intern Med 2006;145:247-54, and Levey AS et al. Expressing the
#: MDRD Study equation with standardized serum creatinine values. Clin Chem
#: 2007;53:766-72 (175, IDMS-traceable creatinine);
#: 186 is the original 4-variable constant for non-IDMS creatinine (reference
#: 6.1; kidney.epi's default), kept for re-analysis.
MDRD: Final = MdrdCoefficients(
    scale_idms=175.0,
    scale_original=186.0,
    creatinine_exponent=-1.154,
    age_exponent=-0.203,
    female_factor=0.742,
    black_factor=1.212,
)

#: Pottel H et al. Development and validation of a modified full age spectrum
#: creatinine-based equation to estimate GFR. Ann Intern Med 2021;174:183-91
#: (EKFC). The cystatin C version uses the same form (Pottel H et al. N Engl J
#: Med 2023;388:333-43).
EKFC: Final = EkfcCoefficients(
    scale=107.3,
    lower_exponent=-0.322,
    upper_exponent=-1.132,
    age_base=0.990,
    age_knot_years=40.0,
)

#: EKFC creatinine Q (median Scr of healthy adults), µmol/L, adults over 25
#: (Pottel 2021). Q is defined in µmol/L; it is *not* rounded to mg/dL.
EKFC_Q_ADULT_MALE_UMOL_L: Final = 80.0
#: EKFC creatinine Q, µmol/L, adult women (Pottel 2021).
EKFC_Q_ADULT_FEMALE_UMOL_L: Final = 62.0
#: Ages up to and including this use the paediatric Q polynomial (Pottel 2021
#: "2-25 years"; the boundary <= 25 follows kidney.epi, reference 6.1 and 8.9).
EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS: Final = 25.0
#: ln Q (µmol/L) = c0 + c1·A + c2·ln A + c3·A² + c4·A³, boys (Pottel 2021).
EKFC_Q_PAEDIATRIC_MALE: Final = (3.200, 0.259, -0.543, -0.00763, 0.0000790)
#: ln Q (µmol/L) polynomial for girls (Pottel 2021).
EKFC_Q_PAEDIATRIC_FEMALE: Final = (3.080, 0.177, -0.223, -0.00596, 0.0000686)

#: EKFC cystatin C Q: 0.83 mg/L up to age 50, then + 0.005 mg/L per year
#: (Pottel H et al. N Engl J Med 2023;388:333-43).
EKFC_CYS_Q: Final = EkfcCystatinQ(
    base_mg_l=0.83, knot_years=50.0, slope_mg_l_per_year=0.005
)

#: Bedside Schwartz: eGFR = 0.413 × height (cm) / Scr (mg/dL). Schwartz GJ et
#: al. New equations to estimate GFR in children with CKD. J Am Soc Nephrol
#: 2009;20:629-37.
SCHWARTZ_BEDSIDE_K: Final = 0.413

#: CKiD U25 creatinine K, males: 39.0 × 1.008^(age−12) below 12, 39.0 ×
#: 1.045^(age−12) from 12 to <18, 50.8 from 18. Pierce CB et al. Kidney Int
#: 2021;99:948-56 (checked against ckidstudy/CKiD_U25 code).
CKID_U25_CR_MALE: Final = CkidU25Constant(
    k_young=39.0,
    young_base=1.008,
    young_to_years=12.0,
    young_pivot_years=12.0,
    teen_base=1.045,
    adult=50.8,
    adult_from_years=18.0,
)
#: CKiD U25 creatinine K, females: 36.1 × 1.008^(age−12) below 12, 36.1 ×
#: 1.023^(age−12) from 12 to <18, 41.4 from 18 (Pierce 2021).
CKID_U25_CR_FEMALE: Final = CkidU25Constant(
    k_young=36.1,
    young_base=1.008,
    young_to_years=12.0,
    young_pivot_years=12.0,
    teen_base=1.023,
    adult=41.4,
    adult_from_years=18.0,
)
#: CKiD U25 cystatin C K, males: 87.2 × 1.011^(age−15) below 15, 87.2 ×
#: 0.960^(age−15) from 15 to <18, 77.1 from 18 (Pierce 2021).
CKID_U25_CYS_MALE: Final = CkidU25Constant(
    k_young=87.2,
    young_base=1.011,
    young_to_years=15.0,
    young_pivot_years=15.0,
    teen_base=0.960,
    adult=77.1,
    adult_from_years=18.0,
)
#: CKiD U25 cystatin C K, females: 79.9 × 1.004^(age−12) below 12, 79.9 ×
#: 0.974^(age−12) from 12 to <18, 68.3 from 18 (Pierce 2021).
CKID_U25_CYS_FEMALE: Final = CkidU25Constant(
    k_young=79.9,
    young_base=1.004,
    young_to_years=12.0,
    young_pivot_years=12.0,
    teen_base=0.974,
    adult=68.3,
    adult_from_years=18.0,
)

#: CKD-EPI equations were developed and validated in adults (age >= 18).
CKD_EPI_AGES: Final = AgeRange(18.0, None, "CKD-EPI: adults only (Levey 2009)")
#: MDRD: adults (age >= 18).
MDRD_AGES: Final = AgeRange(18.0, None, "MDRD Study: adults only (Levey 2007)")
#: EKFC: 2-100 years (Pottel 2021; kidney.epi rejects < 2 and > 100).
EKFC_AGES: Final = AgeRange(2.0, 100.0, "EKFC: ages 2-100 (Pottel 2021, 2023)")
#: Bedside Schwartz: CKiD cohort, 1-16 years (Schwartz 2009).
SCHWARTZ_BEDSIDE_AGES: Final = AgeRange(
    1.0, 16.0, "bedside Schwartz: CKiD cohort aged 1-16 (Schwartz 2009)"
)
#: CKiD U25: 1-25 years (Pierce 2021; CKiD_U25 code).
CKID_U25_AGES: Final = AgeRange(1.0, 25.0, "CKiD U25: ages 1-25 (Pierce 2021)")

#: Race flag for the race-free equations (their black_factor is 1 anyway).
_NOT_BLACK: Final = np.zeros((), dtype=np.bool_)


#: µmol/L per mg/dL used *inside* the EKFC creatinine equation to express Scr
#: in the unit of Q. EKFC defines Q in µmol/L (Pottel H et al. Ann Intern Med
#: 2021;174:183-91), and its authors and the kidney.epi R package (Bikbov;
#: CRAN, ``egfr.ekfc.cr``) convert mg/dL with exactly 88.4 µmol/L per mg/dL
#: (reference 6, conventions and 7.1). Using the source's own factor makes the
#: published example (man, 60 y, 1.4 mg/dL) 53.555 -> 53.56 as printed; the
#: molar mass 113.12 g/mol (88.4017) of :func:`lupusscore.units.convert`
#: gives 53.554. ``convert`` keeps 113.12 g/mol for reported results.
EKFC_CREATININE_UMOL_L_PER_MG_DL: Final = 88.4


# --------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------


@overload
def _ckd_epi_creatinine(
    c: CkdEpiCreatinine, scr: float, age: float, *, female: bool, black: bool
) -> float: ...
@overload
def _ckd_epi_creatinine(
    c: CkdEpiCreatinine,
    scr: FloatArray,
    age: FloatArray,
    *,
    female: npt.NDArray[np.bool_],
    black: npt.NDArray[np.bool_],
) -> FloatArray: ...
def _ckd_epi_creatinine(
    c: CkdEpiCreatinine,
    scr: float | FloatArray,
    age: float | FloatArray,
    *,
    female: bool | npt.NDArray[np.bool_],
    black: bool | npt.NDArray[np.bool_],
) -> float | FloatArray:
    # One formula for arrays and plain scalars (the scalar fast path): select,
    # minimum and maximum are np.where / np.minimum / np.maximum on arrays and
    # their exact Python equivalents on floats. The powers keep the rounding
    # every earlier release gave (the golden report pins it to the last bit):
    # np.power is numpy's ufunc loop, and ``x ** upper_exponent`` is the C
    # library's pow for a scalar x, numpy's ufunc for an array.
    ratio = scr / select(female, c.kappa_female, c.kappa_male)
    alpha = select(female, c.alpha_female, c.alpha_male)
    egfr = (
        c.scale
        * np.power(minimum(ratio, 1.0), alpha)
        * maximum(ratio, 1.0) ** c.upper_exponent
        * np.power(c.age_base, age)
    )
    egfr = egfr * select(female, c.female_factor, 1.0)
    egfr = egfr * select(black, c.black_factor, 1.0)
    if type(scr) is float:
        return float(egfr)
    return np.asarray(egfr, dtype=np.float64)


def _ckd_epi_creatinine_cystatin(
    c: CkdEpiCreatinineCystatin,
    *,
    scr: FloatArray,
    scys: FloatArray,
    age: FloatArray,
    female: npt.NDArray[np.bool_],
    black: npt.NDArray[np.bool_],
) -> FloatArray:
    ratio = scr / np.where(female, c.kappa_female, c.kappa_male)
    alpha = np.where(female, c.alpha_female, c.alpha_male)
    cys = scys / c.cystatin_kappa
    egfr = (
        c.scale
        * np.minimum(ratio, 1.0) ** alpha
        * np.maximum(ratio, 1.0) ** c.creatinine_upper_exponent
        * np.minimum(cys, 1.0) ** c.cystatin_lower_exponent
        * np.maximum(cys, 1.0) ** c.cystatin_upper_exponent
        * c.age_base**age
    )
    egfr = egfr * np.where(female, c.female_factor, 1.0)
    return np.asarray(egfr * np.where(black, c.black_factor, 1.0), dtype=np.float64)


def _ekfc(ratio: FloatArray, age: FloatArray) -> FloatArray:
    c = EKFC
    exponent = np.where(ratio < 1.0, c.lower_exponent, c.upper_exponent)
    age_factor = np.where(
        age > c.age_knot_years,
        c.age_base ** (np.maximum(age, c.age_knot_years) - c.age_knot_years),
        1.0,
    )
    return np.asarray(c.scale * ratio**exponent * age_factor, dtype=np.float64)


def _ln_q(coef: tuple[float, ...], age: FloatArray) -> FloatArray:
    c0, c1, c2, c3, c4 = coef
    return np.asarray(
        c0 + c1 * age + c2 * np.log(age) + c3 * age**2 + c4 * age**3,
        dtype=np.float64,
    )


def ekfc_q_umol_l(age_years: FloatArray, female: npt.NDArray[np.bool_]) -> FloatArray:
    """EKFC creatinine Q in µmol/L: paediatric polynomial up to 25, then 80/62."""
    # The polynomial is evaluated where it is used only (ln A needs A > 0).
    child = age_years <= EKFC_Q_PAEDIATRIC_MAX_AGE_YEARS
    safe_age = np.where(child, age_years, 1.0)
    q_child = np.exp(
        np.where(
            female,
            _ln_q(EKFC_Q_PAEDIATRIC_FEMALE, safe_age),
            _ln_q(EKFC_Q_PAEDIATRIC_MALE, safe_age),
        )
    )
    q_adult = np.where(female, EKFC_Q_ADULT_FEMALE_UMOL_L, EKFC_Q_ADULT_MALE_UMOL_L)
    return np.asarray(np.where(child, q_child, q_adult), dtype=np.float64)


def _u25_k(c: CkidU25Constant, age: FloatArray) -> FloatArray:
    young = c.k_young * c.young_base ** (age - c.young_pivot_years)
    teen = c.k_young * c.teen_base ** (age - c.young_pivot_years)
    return np.asarray(
        np.select(
            [age < c.young_to_years, age < c.adult_from_years],
            [young, teen],
            default=c.adult,
        ),
        dtype=np.float64,
    )


def ckid_u25_k(
    table_male: CkidU25Constant,
    table_female: CkidU25Constant,
    age: FloatArray,
    female: npt.NDArray[np.bool_],
) -> FloatArray:
    """K of a CKiD U25 equation for each (age, sex)."""
    return np.asarray(
        np.where(female, _u25_k(table_female, age), _u25_k(table_male, age)),
        dtype=np.float64,
    )


# --------------------------------------------------------------------------
# Kernels
# --------------------------------------------------------------------------


@overload
def egfr_ckd_epi_2009(
    creatinine_mg_dl: float,
    age_years: float,
    *,
    female: bool,
    black: bool = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckd_epi_2009(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckd_epi_2009(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = False,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKD-EPI 2009 creatinine equation (race-based).

    **For re-analysis only.** This equation carries a race coefficient and has
    been superseded by the race-free CKD-EPI 2021 equation
    (:func:`egfr_ckd_epi_2021`); use it only to reproduce analyses that
    prespecified it.

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        IDMS-traceable serum creatinine, mg/dL; > 0.
    age_years : float or array-like
        Age, years; validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    black : bool or array-like of bool, default False
        Race coefficient (× 1.159), as in the 2009 publication.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Creatinine not finite and > 0; age not finite and >= 0; a sex or race
        flag that is not boolean; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 141 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.209 × 0.993^age
    × 1.018 [female] × 1.159 [Black]; κ = 0.7 (F) / 0.9 (M),
    α = −0.329 (F) / −0.411 (M).

    References
    ----------
    Levey AS, Stevens LA, Schmid CH, et al. A new equation to estimate
    glomerular filtration rate. Ann Intern Med 2009;150:604-12.

    Examples
    --------
    >>> round(egfr_ckd_epi_2009(1.4, 60, female=False), 2)
    54.22
    """
    p = prepare(
        missing,
        {_CR: (creatinine_mg_dl, CREATININE), _AGE: (age_years, AGE)},
        {"female": female, "black": black},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKD-EPI 2009", age, CKD_EPI_AGES, strict=strict, n_missing=p.n_missing
    )
    with np.errstate(all="ignore"):
        egfr = _ckd_epi_creatinine(
            CKD_EPI_2009,
            p[_CR],
            age,
            female=p.flags["female"],
            black=p.flags["black"],
        )
    return p.finish("egfr_ckd_epi_2009", egfr)


@overload
def egfr_ckd_epi_2021(
    creatinine_mg_dl: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckd_epi_2021(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckd_epi_2021(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the race-free CKD-EPI 2021 creatinine equation.

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        IDMS-traceable serum creatinine, mg/dL; > 0.
    age_years : float or array-like
        Age, years; validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Creatinine not finite and > 0; age not finite and >= 0; a non-boolean
        sex flag; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 142 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−1.200 × 0.9938^age
    × 1.012 [female]; κ = 0.7 (F) / 0.9 (M), α = −0.241 (F) / −0.302 (M).

    References
    ----------
    Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based
    equations to estimate GFR without race. N Engl J Med 2021;385:1737-49.

    Examples
    --------
    >>> round(egfr_ckd_epi_2021(1.4, 60, female=False), 2)
    57.54
    >>> egfr_ckd_epi_2021([1.0, 0.6], [50, 30], female=[False, True]).round(1)
    array([ 91.7, 123.8])
    """
    numbers = {_CR: (creatinine_mg_dl, CREATININE), _AGE: (age_years, AGE)}
    s = prepare_scalar(
        missing, numbers, {"female": female}, strict=strict, ages=CKD_EPI_AGES
    )
    if s is not None:  # plain, valid, in-range scalars: no arrays, no warnings
        return s.finish(
            "egfr_ckd_epi_2021",
            _ckd_epi_creatinine(
                CKD_EPI_2021, s[_CR], s[_AGE], female=s.flags["female"], black=False
            ),
        )
    p = prepare(missing, numbers, {"female": female}, strict=strict)
    age = p[_AGE]
    check_age_range(
        "CKD-EPI 2021", age, CKD_EPI_AGES, strict=strict, n_missing=p.n_missing
    )
    with np.errstate(all="ignore"):
        egfr = _ckd_epi_creatinine(
            CKD_EPI_2021, p[_CR], age, female=p.flags["female"], black=_NOT_BLACK
        )
    return p.finish("egfr_ckd_epi_2021", egfr)


@overload
def egfr_ckd_epi_2012_cys(
    cystatin_c_mg_l: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckd_epi_2012_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckd_epi_2012_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKD-EPI 2012 cystatin C equation.

    Parameters
    ----------
    cystatin_c_mg_l : float or array-like
        IFCC-standardised serum cystatin C, mg/L; > 0.
    age_years : float or array-like
        Age, years; validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Cystatin C not finite and > 0; age not finite and >= 0; a non-boolean
        sex flag; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 133 × min(Scys/0.8, 1)^−0.499 × max(Scys/0.8, 1)^−1.328
    × 0.996^age × 0.932 [female]. No race term.

    References
    ----------
    Inker LA, Schmid CH, Tighiouart H, et al. Estimating glomerular filtration
    rate from serum creatinine and cystatin C. N Engl J Med 2012;367:20-9.

    Examples
    --------
    >>> round(egfr_ckd_epi_2012_cys(0.8, 60, female=False), 1)
    104.6
    """
    p = prepare(
        missing,
        {_CYS: (cystatin_c_mg_l, CYSTATIN_C), _AGE: (age_years, AGE)},
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKD-EPI 2012 cystatin C",
        age,
        CKD_EPI_AGES,
        strict=strict,
        n_missing=p.n_missing,
    )
    c = CKD_EPI_2012_CYS
    with np.errstate(all="ignore"):
        ratio = p[_CYS] / c.kappa
        egfr = (
            c.scale
            * np.minimum(ratio, 1.0) ** c.lower_exponent
            * np.maximum(ratio, 1.0) ** c.upper_exponent
            * c.age_base**age
            * np.where(p.flags["female"], c.female_factor, 1.0)
        )
    return p.finish("egfr_ckd_epi_2012_cys", np.asarray(egfr, dtype=np.float64))


@overload
def egfr_ckd_epi_2012_cr_cys(
    creatinine_mg_dl: float,
    cystatin_c_mg_l: float,
    age_years: float,
    *,
    female: bool,
    black: bool = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckd_epi_2012_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckd_epi_2012_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = False,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKD-EPI 2012 creatinine-cystatin C equation.

    **For re-analysis only** when ``black=True``: the 2012 combined equation
    carries a race coefficient (× 1.08) and has been superseded by the
    race-free CKD-EPI 2021 combined equation (:func:`egfr_ckd_epi_2021_cr_cys`).

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        IDMS-traceable serum creatinine, mg/dL; > 0.
    cystatin_c_mg_l : float or array-like
        IFCC-standardised serum cystatin C, mg/L; > 0.
    age_years : float or array-like
        Age, years; validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    black : bool or array-like of bool, default False
        Race coefficient, as in the 2012 publication.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        A concentration not finite and > 0; age not finite and >= 0; a
        non-boolean flag; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 135 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−0.601 × min(Scys/0.8, 1)^−0.375
    × max(Scys/0.8, 1)^−0.711 × 0.995^age × 0.969 [female] × 1.08 [Black];
    κ = 0.7 (F) / 0.9 (M), α = −0.248 (F) / −0.207 (M).

    References
    ----------
    Inker LA, Schmid CH, Tighiouart H, et al. Estimating glomerular filtration
    rate from serum creatinine and cystatin C. N Engl J Med 2012;367:20-9.

    Examples
    --------
    >>> round(egfr_ckd_epi_2012_cr_cys(1.4, 0.8, 60, female=False), 1)
    76.6
    """
    p = prepare(
        missing,
        {
            _CR: (creatinine_mg_dl, CREATININE),
            _CYS: (cystatin_c_mg_l, CYSTATIN_C),
            _AGE: (age_years, AGE),
        },
        {"female": female, "black": black},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKD-EPI 2012 creatinine-cystatin C",
        age,
        CKD_EPI_AGES,
        strict=strict,
        n_missing=p.n_missing,
    )
    with np.errstate(all="ignore"):
        egfr = _ckd_epi_creatinine_cystatin(
            CKD_EPI_2012_CR_CYS,
            scr=p[_CR],
            scys=p[_CYS],
            age=age,
            female=p.flags["female"],
            black=p.flags["black"],
        )
    return p.finish("egfr_ckd_epi_2012_cr_cys", egfr)


@overload
def egfr_ckd_epi_2021_cr_cys(
    creatinine_mg_dl: float,
    cystatin_c_mg_l: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckd_epi_2021_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckd_epi_2021_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the race-free CKD-EPI 2021 creatinine-cystatin C equation.

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        IDMS-traceable serum creatinine, mg/dL; > 0.
    cystatin_c_mg_l : float or array-like
        IFCC-standardised serum cystatin C, mg/L; > 0.
    age_years : float or array-like
        Age, years; validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        A concentration not finite and > 0; age not finite and >= 0; a
        non-boolean sex flag; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 135 × min(Scr/κ, 1)^α × max(Scr/κ, 1)^−0.544 × min(Scys/0.8, 1)^−0.323
    × max(Scys/0.8, 1)^−0.778 × 0.9961^age × 0.963 [female];
    κ = 0.7 (F) / 0.9 (M), α = −0.219 (F) / −0.144 (M).

    References
    ----------
    Inker LA, Eneanya ND, Coresh J, et al. New creatinine- and cystatin C-based
    equations to estimate GFR without race. N Engl J Med 2021;385:1737-49.

    Examples
    --------
    >>> round(egfr_ckd_epi_2021_cr_cys(1.4, 0.8, 60, female=False), 2)
    83.97
    """
    p = prepare(
        missing,
        {
            _CR: (creatinine_mg_dl, CREATININE),
            _CYS: (cystatin_c_mg_l, CYSTATIN_C),
            _AGE: (age_years, AGE),
        },
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKD-EPI 2021 creatinine-cystatin C",
        age,
        CKD_EPI_AGES,
        strict=strict,
        n_missing=p.n_missing,
    )
    with np.errstate(all="ignore"):
        egfr = _ckd_epi_creatinine_cystatin(
            CKD_EPI_2021_CR_CYS,
            scr=p[_CR],
            scys=p[_CYS],
            age=age,
            female=p.flags["female"],
            black=_NOT_BLACK,
        )
    return p.finish("egfr_ckd_epi_2021_cr_cys", egfr)


@overload
def egfr_mdrd(
    creatinine_mg_dl: float,
    age_years: float,
    *,
    female: bool,
    black: bool = ...,
    idms: bool = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_mdrd(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = ...,
    idms: bool = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_mdrd(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    black: npt.ArrayLike = False,
    idms: bool = True,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the 4-variable MDRD Study equation (race-based).

    **For re-analysis only.** MDRD carries a race coefficient, is inaccurate
    above 60 mL/min/1.73 m² and has been superseded by CKD-EPI 2021.

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        Serum creatinine, mg/dL; > 0.
    age_years : float or array-like
        Age, years; > 0, validated >= 18.
    female : bool or array-like of bool
        Sex as used by the equation.
    black : bool or array-like of bool, default False
        Race coefficient (× 1.212).
    idms : bool, default True
        True for IDMS-traceable creatinine (constant 175, Levey 2007); False
        for the original non-IDMS equation (constant 186; kidney.epi's default).
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Creatinine not finite and > 0; age not finite and > 0; a non-boolean
        flag; or (``strict=True``) age < 18.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is below 18.

    Notes
    -----
    eGFR = 175 (or 186) × Scr^−1.154 × age^−0.203 × 0.742 [female]
    × 1.212 [Black].

    References
    ----------
    Levey AS, Coresh J, Greene T, et al. Expressing the Modification of Diet in
    Renal Disease Study equation for estimating glomerular filtration rate with
    standardized serum creatinine values. Clin Chem 2007;53:766-72.

    Examples
    --------
    >>> round(egfr_mdrd(1.4, 60, female=False, idms=False), 2)
    54.94
    >>> round(egfr_mdrd(1.4, 60, female=False), 2)
    51.69
    """
    idms_flag = as_bool("idms", idms)
    p = prepare(
        missing,
        {_CR: (creatinine_mg_dl, CREATININE), _AGE: (age_years, AGE_POSITIVE)},
        {"female": female, "black": black},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range("MDRD", age, MDRD_AGES, strict=strict, n_missing=p.n_missing)
    c = MDRD
    scale = c.scale_idms if idms_flag else c.scale_original
    with np.errstate(all="ignore"):
        egfr = (
            scale
            * p[_CR] ** c.creatinine_exponent
            * age**c.age_exponent
            * np.where(p.flags["female"], c.female_factor, 1.0)
            * np.where(p.flags["black"], c.black_factor, 1.0)
        )
    return p.finish("egfr_mdrd", np.asarray(egfr, dtype=np.float64))


@overload
def egfr_ekfc_cr(
    creatinine_mg_dl: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ekfc_cr(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ekfc_cr(
    creatinine_mg_dl: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the EKFC creatinine equation (full age spectrum).

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        IDMS-traceable serum creatinine, mg/dL; > 0. It is converted to µmol/L
        with the source's factor 88.4 µmol/L per mg/dL
        (:data:`EKFC_CREATININE_UMOL_L_PER_MG_DL`), because Q is defined in
        µmol/L.
    age_years : float or array-like
        Age, years; > 0, validated 2-100.
    female : bool or array-like of bool
        Sex (selects Q).
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Creatinine not finite and > 0; age not finite and > 0; a non-boolean
        sex flag; or (``strict=True``) age outside 2-100.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is outside 2-100 years.

    Notes
    -----
    eGFR = 107.3 × (Scr/Q)^−0.322 if Scr/Q < 1, else 107.3 × (Scr/Q)^−1.132;
    × 0.990^(age − 40) only when age > 40. Q (µmol/L) = 80 (male) / 62
    (female) above 25 years; for ages <= 25, ln Q is the published
    paediatric polynomial in age. Q for Black African / Black European
    populations (Pottel 2023) is not implemented: it rests on one code source
    only (reference 6.1, 8.9).

    References
    ----------
    Pottel H, Björk J, Courbebaisse M, et al. Development and validation of a
    modified full age spectrum creatinine-based equation to estimate glomerular
    filtration rate. Ann Intern Med 2021;174:183-91.

    Examples
    --------
    >>> round(egfr_ekfc_cr(1.4, 60, female=False), 2)
    53.56
    """
    p = prepare(
        missing,
        {_CR: (creatinine_mg_dl, CREATININE), _AGE: (age_years, AGE_POSITIVE)},
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "EKFC creatinine", age, EKFC_AGES, strict=strict, n_missing=p.n_missing
    )
    with np.errstate(all="ignore"):
        q = ekfc_q_umol_l(age, p.flags["female"])
        egfr = _ekfc(p[_CR] * EKFC_CREATININE_UMOL_L_PER_MG_DL / q, age)
    return p.finish("egfr_ekfc_cr", egfr)


@overload
def egfr_ekfc_cys(
    cystatin_c_mg_l: float,
    age_years: float,
    *,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ekfc_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ekfc_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the EKFC cystatin C equation (no sex or race term).

    Parameters
    ----------
    cystatin_c_mg_l : float or array-like
        IFCC-standardised serum cystatin C, mg/L; > 0.
    age_years : float or array-like
        Age, years; validated 2-100.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Cystatin C not finite and > 0; age not finite and >= 0; or
        (``strict=True``) age outside 2-100.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is outside 2-100 years.

    Notes
    -----
    Same form as EKFC creatinine with S = Scys and Q = 0.83 mg/L up to age 50,
    0.83 + 0.005 × (age − 50) above; × 0.990^(age − 40) when age > 40.

    References
    ----------
    Pottel H, Björk J, Rule AD, et al. Cystatin C-based equation to estimate
    GFR without the inclusion of race and sex. N Engl J Med 2023;388:333-43.

    Examples
    --------
    >>> round(egfr_ekfc_cys(0.8, 60), 1)
    90.5
    """
    p = prepare(
        missing,
        {_CYS: (cystatin_c_mg_l, CYSTATIN_C), _AGE: (age_years, AGE)},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "EKFC cystatin C", age, EKFC_AGES, strict=strict, n_missing=p.n_missing
    )
    qc = EKFC_CYS_Q
    with np.errstate(all="ignore"):
        q = qc.base_mg_l + qc.slope_mg_l_per_year * np.maximum(age - qc.knot_years, 0.0)
        egfr = _ekfc(p[_CYS] / q, age)
    return p.finish("egfr_ekfc_cys", egfr)


@overload
def egfr_schwartz_bedside(
    height_cm: float,
    creatinine_mg_dl: float,
    *,
    age_years: float | None = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_schwartz_bedside(
    height_cm: npt.ArrayLike,
    creatinine_mg_dl: npt.ArrayLike,
    *,
    age_years: npt.ArrayLike | None = ...,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_schwartz_bedside(
    height_cm: npt.ArrayLike,
    creatinine_mg_dl: npt.ArrayLike,
    *,
    age_years: npt.ArrayLike | None = None,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR in children with the bedside Schwartz (2009) equation.

    Parameters
    ----------
    height_cm : float or array-like
        Height, cm; > 0.
    creatinine_mg_dl : float or array-like
        Enzymatic (IDMS-traceable) serum creatinine, mg/dL; > 0.
    age_years : float or array-like, optional
        Age, years. The formula does not use age; give it to have the
        validated range (CKiD cohort, 1-16 years) checked. Without it no age
        check is possible; with ``missing="propagate"`` a missing age leaves
        that row unchecked but still computed.
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Height or creatinine not finite and > 0; age not finite and >= 0; or
        (``strict=True``) age outside 1-16.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If *age_years* is given and outside 1-16 years.

    Notes
    -----
    eGFR = 0.413 × height (cm) / Scr (mg/dL).

    References
    ----------
    Schwartz GJ, Muñoz A, Schneider MF, et al. New equations to estimate GFR in
    children with CKD. J Am Soc Nephrol 2009;20:629-37.

    Examples
    --------
    >>> round(egfr_schwartz_bedside(90, 1.4), 2)
    26.55
    """
    numbers: dict[str, tuple[object, Quantity]] = {
        "height_cm": (height_cm, _HEIGHT_CM),
        _CR: (creatinine_mg_dl, CREATININE),
    }
    if age_years is not None:
        numbers[_AGE] = (age_years, AGE)
    # Age is only checked against the validated range, never used: a missing
    # age does not make the estimate missing.
    p = prepare(missing, numbers, strict=strict, check_only=frozenset({_AGE}))
    if age_years is not None:
        check_age_range(
            "bedside Schwartz",
            p[_AGE],
            SCHWARTZ_BEDSIDE_AGES,
            strict=strict,
            n_missing=p.n_missing,
        )
    with np.errstate(all="ignore"):
        egfr = SCHWARTZ_BEDSIDE_K * p["height_cm"] / p[_CR]
    return p.finish("egfr_schwartz_bedside", np.asarray(egfr, dtype=np.float64))


@overload
def egfr_ckid_u25_cr(
    creatinine_mg_dl: float,
    height_m: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckid_u25_cr(
    creatinine_mg_dl: npt.ArrayLike,
    height_m: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckid_u25_cr(
    creatinine_mg_dl: npt.ArrayLike,
    height_m: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKiD under-25 (U25) creatinine equation.

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        Enzymatic (IDMS-traceable) serum creatinine, mg/dL; > 0.
    height_m : float or array-like
        Height, metres; > 0.
    age_years : float or array-like
        Age, years; validated 1-25.
    female : bool or array-like of bool
        Sex (selects K).
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Creatinine or height not finite and > 0; age not finite and >= 0; a
        non-boolean sex flag; or (``strict=True``) age outside 1-25.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is outside 1-25 years (below 1, or 26 and over).

    Notes
    -----
    eGFR = K × height (m) / Scr (mg/dL). Male K = 39.0 × 1.008^(age−12) below
    12, 39.0 × 1.045^(age−12) from 12 to <18, 50.8 from 18; female K = 36.1 ×
    1.008^(age−12) below 12, 36.1 × 1.023^(age−12) from 12 to <18, 41.4 from 18.

    References
    ----------
    Pierce CB, Muñoz A, Ng DK, et al. Age- and sex-dependent clinical equations
    to estimate glomerular filtration rates in children and young adults with
    chronic kidney disease. Kidney Int 2021;99:948-56.

    Examples
    --------
    >>> round(egfr_ckid_u25_cr(0.9, 1.20, 11, female=False), 1)
    51.6
    """
    p = prepare(
        missing,
        {
            _CR: (creatinine_mg_dl, CREATININE),
            "height_m": (height_m, _HEIGHT_M),
            _AGE: (age_years, AGE),
        },
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKiD U25 creatinine", age, CKID_U25_AGES, strict=strict, n_missing=p.n_missing
    )
    with np.errstate(all="ignore"):
        k = ckid_u25_k(CKID_U25_CR_MALE, CKID_U25_CR_FEMALE, age, p.flags["female"])
        egfr = k * p["height_m"] / p[_CR]
    return p.finish("egfr_ckid_u25_cr", np.asarray(egfr, dtype=np.float64))


@overload
def egfr_ckid_u25_cys(
    cystatin_c_mg_l: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckid_u25_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckid_u25_cys(
    cystatin_c_mg_l: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKiD under-25 (U25) cystatin C equation.

    Parameters
    ----------
    cystatin_c_mg_l : float or array-like
        IFCC-calibrated cystatin C, mg/L; > 0. (A non-calibrated Siemens value
        × 1.17 approximates IFCC; that correction is the caller's.)
    age_years : float or array-like
        Age, years; validated 1-25.
    female : bool or array-like of bool
        Sex (selects K).
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        Cystatin C not finite and > 0; age not finite and >= 0; a non-boolean
        sex flag; or (``strict=True``) age outside 1-25.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is outside 1-25 years.

    Notes
    -----
    eGFR = K / Scys (mg/L). Male K = 87.2 × 1.011^(age−15) below 15, 87.2 ×
    0.960^(age−15) from 15 to <18, 77.1 from 18; female K = 79.9 ×
    1.004^(age−12) below 12, 79.9 × 0.974^(age−12) from 12 to <18, 68.3 from 18.

    References
    ----------
    Pierce CB, Muñoz A, Ng DK, et al. Kidney Int 2021;99:948-56.

    Examples
    --------
    >>> round(egfr_ckid_u25_cys(0.8, 10, female=False), 1)
    103.2
    """
    p = prepare(
        missing,
        {_CYS: (cystatin_c_mg_l, CYSTATIN_C), _AGE: (age_years, AGE)},
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKiD U25 cystatin C", age, CKID_U25_AGES, strict=strict, n_missing=p.n_missing
    )
    with np.errstate(all="ignore"):
        k = ckid_u25_k(CKID_U25_CYS_MALE, CKID_U25_CYS_FEMALE, age, p.flags["female"])
        egfr = k / p[_CYS]
    return p.finish("egfr_ckid_u25_cys", np.asarray(egfr, dtype=np.float64))


@overload
def egfr_ckid_u25_cr_cys(
    creatinine_mg_dl: float,
    cystatin_c_mg_l: float,
    height_m: float,
    age_years: float,
    *,
    female: bool,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> float: ...
@overload
def egfr_ckid_u25_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    height_m: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = ...,
    missing: MissingMode = ...,
) -> FloatArray: ...
def egfr_ckid_u25_cr_cys(
    creatinine_mg_dl: npt.ArrayLike,
    cystatin_c_mg_l: npt.ArrayLike,
    height_m: npt.ArrayLike,
    age_years: npt.ArrayLike,
    *,
    female: npt.ArrayLike,
    strict: bool = False,
    missing: MissingMode = "raise",
) -> float | FloatArray:
    """Estimate GFR with the CKiD U25 combined equation (mean of cr and cys).

    Parameters
    ----------
    creatinine_mg_dl : float or array-like
        Enzymatic (IDMS-traceable) serum creatinine, mg/dL; > 0.
    cystatin_c_mg_l : float or array-like
        IFCC-calibrated cystatin C, mg/L; > 0.
    height_m : float or array-like
        Height, metres; > 0.
    age_years : float or array-like
        Age, years; validated 1-25.
    female : bool or array-like of bool
        Sex (selects K).
    strict : bool, default False
        Raise instead of warning for ages outside the validated range.
    missing : {"raise", "propagate"}, default "raise"
        ``"raise"``: a missing element (None, NaN, pandas NA) is an error
        naming its index and how many are missing. ``"propagate"``: NaN out
        where an input is missing, element by element.

    Returns
    -------
    float or numpy.ndarray
        eGFR, mL/min/1.73 m² (float for scalar input).

    Raises
    ------
    InvalidValueError
        A bool or string where a number is meant, infinity, shapes that do
        not broadcast, a result outside float range (overflow/underflow), an
        implausible age with ``strict=True``, a missing element with
        ``missing="raise"``.
        As :func:`egfr_ckid_u25_cr` and :func:`egfr_ckid_u25_cys`.

    Warns
    -----
    OutsideValidatedRangeWarning
        If any age is above 125 years (implausible for a living person).
        If any age is outside 1-25 years.

    Notes
    -----
    eGFR = (U25 creatinine eGFR + U25 cystatin C eGFR) / 2.

    References
    ----------
    Pierce CB, Muñoz A, Ng DK, et al. Kidney Int 2021;99:948-56.

    Examples
    --------
    >>> round(egfr_ckid_u25_cr_cys(0.9, 1.3, 1.20, 11, female=False), 1)
    57.9
    """
    p = prepare(
        missing,
        {
            _CR: (creatinine_mg_dl, CREATININE),
            _CYS: (cystatin_c_mg_l, CYSTATIN_C),
            "height_m": (height_m, _HEIGHT_M),
            _AGE: (age_years, AGE),
        },
        {"female": female},
        strict=strict,
    )
    age = p[_AGE]
    check_age_range(
        "CKiD U25 creatinine-cystatin C",
        age,
        CKID_U25_AGES,
        strict=strict,
        n_missing=p.n_missing,
    )
    fem = p.flags["female"]
    with np.errstate(all="ignore"):
        k_cr = ckid_u25_k(CKID_U25_CR_MALE, CKID_U25_CR_FEMALE, age, fem)
        k_cys = ckid_u25_k(CKID_U25_CYS_MALE, CKID_U25_CYS_FEMALE, age, fem)
        egfr = (k_cr * p["height_m"] / p[_CR] + k_cys / p[_CYS]) / 2.0
    return p.finish("egfr_ckid_u25_cr_cys", np.asarray(egfr, dtype=np.float64))
