"""The renal response definitions shipped with lupusscore, with their sources.

Every threshold below is a named constant next to its citation. Evidence tags
follow the lupusscore clinical reference: ``[V]`` seen in a primary source (or
an abstract, registry record or label reproducing it), ``[V2]`` two independent
secondary sources agree, ``[S]`` one secondary source. Anything not verified is
either shipped in a tier flagged ``provisional`` with the reason, or left out
(see ``docs/renal-response.md``, "Not shipped").
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from lupusscore._checks import describe
from lupusscore.errors import DefinitionError
from lupusscore.response._definition import Parameter, RenalResponseDefinition, Tier
from lupusscore.response._parts import (
    CreatinineRise,
    EgfrStable,
    GlucocorticoidCeiling,
    InactiveSediment,
    NephroticBaseline,
    NoRescueTherapy,
    NoWithdrawal,
    UpcrBelow,
    UpcrReduction,
)
from lupusscore.results import Comparator

__all__ = ["get_definition", "list_definitions", "resolve_definition"]

#: Version of each shipped encoding; bumped when an encoding changes.
ENCODING_VERSION: Final = "1"

# --- Sources -----------------------------------------------------------------

KDIGO_2024: Final = (
    "KDIGO 2024 Clinical Practice Guideline for the Management of Lupus "
    "Nephritis. Kidney Int 2024;105(1S):S1-S69 (definitions of response; "
    "reported to keep the wording of the KDIGO 2021 Glomerular Diseases "
    "guideline, Kidney Int 2021;100(4S):S1-S276, chapter 10: the 2021 figure "
    "itself was not seen)"
)
KDIGO_2012: Final = (
    "KDIGO Clinical Practice Guideline for Glomerulonephritis, chapter 12 "
    "(lupus nephritis). Kidney Int Suppl 2012;2:139-274; as tabulated by Parikh "
    "SV et al. Am J Kidney Dis 2020;76:265-81"
)
EULAR_2019: Final = (
    "Fanouriakis A et al. 2019 update of the Joint EULAR/ERA-EDTA "
    "recommendations for the management of lupus nephritis. Ann Rheum Dis "
    "2020;79:713-23"
)
EULAR_2012: Final = (
    "Bertsias GK et al. Joint EULAR/ERA-EDTA recommendations for the management "
    "of adult and paediatric lupus nephritis. Ann Rheum Dis 2012;71:1771-82"
)
AURORA_1: Final = (
    "Rovin BH et al. Efficacy and safety of voclosporin versus placebo for lupus "
    "nephritis (AURORA 1). Lancet 2021;397:2070-80; ClinicalTrials.gov "
    "NCT03021499 (registered primary outcome, complete renal response)"
)
BLISS_LN: Final = (
    "Furie R et al. Two-year, randomized, controlled trial of belimumab in lupus "
    "nephritis (BLISS-LN). N Engl J Med 2020;383:1117-28; ClinicalTrials.gov "
    "NCT01639339; BENLYSTA US prescribing information (efficacy endpoints)"
)
REGENCY: Final = (
    "Furie RA et al. Efficacy and safety of obinutuzumab in active lupus "
    "nephritis (REGENCY). N Engl J Med 2025; doi:10.1056/NEJMoa2410965"
)
ALMS: Final = (
    "Appel GB et al. Mycophenolate mofetil versus cyclophosphamide for induction "
    "treatment of lupus nephritis (ALMS). J Am Soc Nephrol 2009;20:1103-12; "
    "protocol: Sinclair A et al. Lupus 2007;16:972-80"
)
LUNAR: Final = (
    "Rovin BH et al. Efficacy and safety of rituximab in patients with active "
    "proliferative lupus nephritis (LUNAR). Arthritis Rheum 2012;64:1215-26; "
    "ClinicalTrials.gov NCT00282347 (registered complete renal response)"
)
ACR_2024: Final = (
    "Sammaritano LR et al. 2024 American College of Rheumatology Guideline for "
    "the Screening, Treatment, and Management of Lupus Nephritis. Arthritis Care "
    "Res 2025;77:1045-65 (Guideline Summary, treatment overview figure)"
)
NOBILITY: Final = (
    "Furie RA et al. B-cell depletion with obinutuzumab for the treatment of "
    "proliferative lupus nephritis (NOBILITY). Ann Rheum Dis 2022;81:100-7; "
    "ClinicalTrials.gov NCT02550652 (registered primary outcome)"
)
KDIGO_CKD_2012: Final = (
    "KDIGO 2012 Clinical Practice Guideline for the Evaluation and Management of "
    "CKD. Kidney Int Suppl 2013;3:1-150 (GFR category G1, normal or high: >= 90)"
)

# --- Thresholds ----------------------------------------------------------------

#: KDIGO 2021/2024 CR: proteinuria < 0.5 g/g (50 mg/mmol). [V2]
KDIGO_CR_UPCR_G_G: Final = 0.5
KDIGO_CR_UPCR_MG_MMOL: Final = 50.0
#: KDIGO 2021/2024 PR: reduced by >= 50% and to < 3 g/g (300 mg/mmol). [V2]
KDIGO_PR_REDUCTION: Final = 0.5
KDIGO_PR_UPCR_G_G: Final = 3.0
KDIGO_PR_UPCR_MG_MMOL: Final = 300.0
#: KDIGO 2021/2024: kidney function stable or improved, +/-10-15% of baseline.
KDIGO_EGFR_TOLERANCE_RANGE: Final = (0.10, 0.15)
#: Default tolerance (the lenient end, as the lupusscore verification note
#: recommends); 0.10 is the strict option.
KDIGO_EGFR_TOLERANCE_DEFAULT: Final = 0.15

#: KDIGO 2012 CR: uPCR < 500 mg/g (< 50 mg/mmol), SCr back to previous baseline.
KDIGO2012_CR_UPCR_G_G: Final = 0.5
KDIGO2012_CR_UPCR_MG_MMOL: Final = 50.0
KDIGO2012_CR_SCR_RISE: Final = 0.0
#: KDIGO 2012 PR: >= 50% fall in uPCR; SCr stable (+/-25%) or improved; if the
#: baseline uPCR was >= 3000 mg/g it must also fall below 3000 mg/g.
KDIGO2012_PR_REDUCTION: Final = 0.5
KDIGO2012_PR_SCR_RISE: Final = 0.25
KDIGO2012_NEPHROTIC_G_G: Final = 3.0

#: EULAR 2019 CR: proteinuria < 0.5-0.7 g/24 h (UPCR < 500-700 mg/g). [V]
EULAR2019_CR_UPCR_RANGE: Final = (0.5, 0.7)
EULAR2019_CR_UPCR_DEFAULT: Final = 0.5
#: EULAR 2012 CR: UPCR < 50 mg/mmol (the guideline's ~0.5 g/24 h). [V]
EULAR2012_CR_UPCR_G_G: Final = 0.5
EULAR2012_CR_UPCR_MG_MMOL: Final = 50.0
#: EULAR PR: >= 50% reduction in proteinuria (to sub-nephrotic levels).
EULAR_PR_REDUCTION: Final = 0.5
#: EULAR "(near-)normal GFR": within 10% of normal GFR (2012, 2019), or of the
#: prior baseline when that was abnormal (2019). [V2]
EULAR_NEAR_NORMAL_FRACTION: Final = 0.10
#: Normal GFR: KDIGO CKD category G1 (>= 90 mL/min/1.73 m²). The EULAR text
#: gives no number; this is a documented parameter.
NORMAL_EGFR_DEFAULT: Final = 90.0
#: Nephrotic range as KDIGO 2012 and ALMS use it for the same purpose (>= 3 g/g).
#: EULAR's "sub-nephrotic" has no number in the retrieved text; parameter.
NEPHROTIC_G_G_DEFAULT: Final = 3.0

#: AURORA 1 CRR: UPCR <= 0.5 mg/mg; eGFR >= 60 or no confirmed fall > 20% from
#: baseline; no rescue; <= 10 mg/day prednisone, failing at >= 3 consecutive or
#: >= 7 days above in weeks 44-52. [V] (registry)
AURORA_CRR_UPCR_G_G: Final = 0.5
AURORA_CRR_EGFR_MIN: Final = 60.0
AURORA_CRR_EGFR_FALL: Final = 0.20
AURORA_GC_CEILING_MG_DAY: Final = 10.0
AURORA_GC_FROM_WEEK: Final = 44.0
AURORA_GC_DAYS_TOTAL: Final = 7
AURORA_GC_DAYS_CONSECUTIVE: Final = 3

#: BLISS-LN CRR: UPCR < 0.5; eGFR >= 90 or no worse than 10% below pre-flare.
BLISS_CRR_UPCR_G_G: Final = 0.5
BLISS_CRR_EGFR_MIN: Final = 90.0
BLISS_CRR_EGFR_FALL: Final = 0.10
#: BLISS-LN PERR: UPCR <= 0.7; eGFR >= 60 or no worse than 20% below pre-flare.
BLISS_PERR_UPCR_G_G: Final = 0.7
BLISS_PERR_EGFR_MIN: Final = 60.0
BLISS_PERR_EGFR_FALL: Final = 0.20
#: BLISS-LN responders: prednisone <= 10 mg/day from week 24. [V]
BLISS_GC_CEILING_MG_DAY: Final = 10.0
BLISS_GC_FROM_WEEK: Final = 24.0

#: REGENCY CRR: UPCR < 0.5; eGFR >= 85% of baseline; no intercurrent event. [V]
REGENCY_CRR_UPCR_G_G: Final = 0.5
REGENCY_CRR_EGFR_FALL: Final = 0.15

#: ALMS primary response: UPCR < 3 if baseline >= 3, else a >= 50% fall; SCr
#: stable (+/-25%) or improved. [V] (SCr), [V2] (UPCR split)
ALMS_NEPHROTIC_G_G: Final = 3.0
ALMS_REDUCTION: Final = 0.5
ALMS_SCR_RISE: Final = 0.25

#: LUNAR CRR: SCr <= ULN, or <= 15% above a normal baseline; < 5 RBC/hpf and no
#: red-cell casts; UPCR < 0.5. [V] (registry)
LUNAR_CRR_UPCR_G_G: Final = 0.5
LUNAR_SCR_RISE: Final = 0.15
LUNAR_RBC_HPF: Final = 5.0

#: ACR 2024 CRR: proteinuria <= 0.5 g/g; kidney function +/-20% of baseline. [V]
ACR2024_CRR_UPCR_G_G: Final = 0.5
ACR2024_EGFR_FALL: Final = 0.20

#: NOBILITY CRR: SCr <= ULN if baseline > ULN, else <= 15% above baseline and
#: <= ULN; < 10 RBC/hpf and no red-cell casts; UPCR < 0.5. [V] (registry)
NOBILITY_CRR_UPCR_G_G: Final = 0.5
NOBILITY_SCR_RISE: Final = 0.15
NOBILITY_RBC_HPF: Final = 10.0

# --- Building ------------------------------------------------------------------


@dataclass(frozen=True)
class _ParamSpec:
    name: str
    default: float
    minimum: float | None
    maximum: float | None
    unit: str | None
    description: str
    citation: str


_Builder = Callable[[Mapping[str, float]], RenalResponseDefinition]


@dataclass(frozen=True)
class _Shipped:
    id: str
    params: tuple[_ParamSpec, ...]
    build: _Builder


def _kdigo_2024(p: Mapping[str, float]) -> RenalResponseDefinition:
    tol = p["egfr_tolerance"]
    egfr = EgfrStable(
        max_fall_fraction=tol,
        reference="baseline",
        citation=f"{KDIGO_2024}: kidney function stable or improved (+/-10-15% "
        "of baseline), read as eGFR no lower than (1 - egfr_tolerance) x baseline",
    )
    return RenalResponseDefinition(
        id="kdigo-2024",
        version=ENCODING_VERSION,
        title="KDIGO 2024 lupus nephritis complete / partial response",
        citation=KDIGO_2024,
        evidence="[V2] (two independent transcriptions of the KDIGO 2024 table)",
        timing="within 6-12 months of starting therapy (CR may take longer)",
        notes=(
            "Kidney function is read as eGFR (the source does not say eGFR or "
            "serum creatinine); only a fall is penalised ('stable or improved').",
            "Proteinuria is the PCR of a 24-h collection in the source; pass that "
            "value as upcr_g_g (the specimen is not checked).",
            "'PCR <= 0.7 g/g' and 'no rescue therapy' in the KDIGO 2024 table form "
            "a separate primary-efficacy-renal-response row (the BLISS-LN PERR), "
            "not CR criteria; see the bliss-ln definition.",
            "KDIGO 2021 wording is taken as identical (2024 is a focused update); "
            "not seen directly.",
        ),
        complete=Tier(
            label="complete response",
            criteria=(
                UpcrBelow(
                    threshold_g_g=KDIGO_CR_UPCR_G_G,
                    threshold_mg_mmol=KDIGO_CR_UPCR_MG_MMOL,
                    comparator=Comparator.LT,
                    published="<0.5 g/g (50 mg/mmol)",
                    citation=KDIGO_2024,
                ),
                egfr,
            ),
        ),
        partial=Tier(
            label="partial response",
            criteria=(
                UpcrReduction(min_fraction=KDIGO_PR_REDUCTION, citation=KDIGO_2024),
                UpcrBelow(
                    threshold_g_g=KDIGO_PR_UPCR_G_G,
                    threshold_mg_mmol=KDIGO_PR_UPCR_MG_MMOL,
                    comparator=Comparator.LT,
                    published="<3 g/g (300 mg/mmol)",
                    citation=KDIGO_2024,
                ),
                egfr,
            ),
        ),
    )


def _kdigo_2012(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="kdigo-2012",
        version=ENCODING_VERSION,
        title="KDIGO 2012 lupus nephritis complete / partial remission",
        citation=KDIGO_2012,
        evidence="[S] (Parikh 2020 table)",
        notes=(
            "Serum creatinine is compared with the 'previous baseline' "
            "(reference 'pre_flare'); CR needs it back at or below that value.",
            "PR's 'improved but not normal' describes the state; it is not an "
            "extra condition here.",
        ),
        complete=Tier(
            label="complete remission",
            criteria=(
                UpcrBelow(
                    threshold_g_g=KDIGO2012_CR_UPCR_G_G,
                    threshold_mg_mmol=KDIGO2012_CR_UPCR_MG_MMOL,
                    comparator=Comparator.LT,
                    published="<500 mg/g (<50 mg/mmol)",
                    citation=KDIGO_2012,
                ),
                CreatinineRise(
                    max_rise_fraction=KDIGO2012_CR_SCR_RISE,
                    reference="pre_flare",
                    citation=f"{KDIGO_2012}: return of SCr to previous baseline",
                ),
            ),
        ),
        partial=Tier(
            label="partial remission",
            criteria=(
                UpcrReduction(min_fraction=KDIGO2012_PR_REDUCTION, citation=KDIGO_2012),
                CreatinineRise(
                    max_rise_fraction=KDIGO2012_PR_SCR_RISE,
                    reference="pre_flare",
                    citation=f"{KDIGO_2012}: SCr stable (+/-25%) or improved",
                ),
                NephroticBaseline(
                    nephrotic_g_g=KDIGO2012_NEPHROTIC_G_G,
                    target_g_g=KDIGO2012_NEPHROTIC_G_G,
                    citation=f"{KDIGO_2012}: if baseline uPCR >= 3000 mg/g, to "
                    "< 3000 mg/g",
                ),
            ),
        ),
    )


def _eular_egfr(normal: float, *, with_baseline: bool, citation: str) -> EgfrStable:
    near = round(normal * (1.0 - EULAR_NEAR_NORMAL_FRACTION), 12)
    if with_baseline:
        return EgfrStable(
            at_least=near,
            max_fall_fraction=EULAR_NEAR_NORMAL_FRACTION,
            reference="baseline",
            relative_only_below=normal,
            citation=f"{citation}: (near-)normal GFR, within 10% of normal "
            f"(normal_egfr={normal:g}) or of the prior baseline if it was abnormal",
        )
    return EgfrStable(
        at_least=near,
        citation=f"{citation}: normal or near-normal GFR, within 10% of normal "
        f"(normal_egfr={normal:g})",
    )


def _eular_2019(p: Mapping[str, float]) -> RenalResponseDefinition:
    egfr = _eular_egfr(p["normal_egfr"], with_baseline=True, citation=EULAR_2019)
    thr = p["upcr_threshold_g_g"]
    return RenalResponseDefinition(
        id="eular-2019",
        version=ENCODING_VERSION,
        title="EULAR/ERA-EDTA 2019 lupus nephritis complete / partial response",
        citation=EULAR_2019,
        evidence="CR [V] (abstract); PR [S] (Parikh 2020 table)",
        timing="milestones: >= 25% fall by 3 months, >= 50% by 6, CR by 12",
        notes=(
            "'Normal GFR' has no number in the source: normal_egfr (default 90, "
            "KDIGO CKD G1) is a parameter; near-normal is >= 90% of it.",
            "The prior-baseline limb is applied only when the baseline eGFR was "
            "below normal_egfr.",
        ),
        parameters=(),
        complete=Tier(
            label="complete response",
            criteria=(
                UpcrBelow(
                    threshold_g_g=thr,
                    comparator=Comparator.LT,
                    published="<0.5-0.7 g/24 h (UPCR <500-700 mg/g)",
                    citation=f"{EULAR_2019} (range 0.5-0.7; upcr_threshold_g_g)",
                ),
                egfr,
            ),
        ),
        partial=Tier(
            label="partial response",
            provisional=True,
            provisional_reason=(
                "EULAR 2019 PR wording seen only in one secondary table (Parikh "
                "2020); the numeric 'sub-nephrotic' level is not stated "
                "(nephrotic_g_g, default 3 g/g)"
            ),
            criteria=(
                UpcrReduction(min_fraction=EULAR_PR_REDUCTION, citation=EULAR_2019),
                UpcrBelow(
                    name="upcr_subnephrotic",
                    threshold_g_g=p["nephrotic_g_g"],
                    comparator=Comparator.LT,
                    published="sub-nephrotic",
                    citation=f"{EULAR_2019}: to sub-nephrotic levels (nephrotic_g_g)",
                ),
                egfr,
            ),
        ),
    )


def _eular_2012(p: Mapping[str, float]) -> RenalResponseDefinition:
    egfr = _eular_egfr(p["normal_egfr"], with_baseline=False, citation=EULAR_2012)
    return RenalResponseDefinition(
        id="eular-2012",
        version=ENCODING_VERSION,
        title="EULAR/ERA-EDTA 2012 lupus nephritis complete / partial response",
        citation=EULAR_2012,
        evidence="CR [V] (abstract, evidence table); PR [V2]",
        timing="PR preferably by 6 months, at the latest 12 (timing unverified)",
        notes=(
            "The guideline's figure is 50 mg/mmol; it writes it as ~0.5 g/24 h, and "
            "that g/g figure is what is compared (never 50 / 113.12).",
            "'Normal or near-normal GFR' is read as eGFR >= 90% of normal_egfr "
            "(default 90, KDIGO CKD G1) whatever the prior GFR.",
        ),
        complete=Tier(
            label="complete renal response",
            criteria=(
                UpcrBelow(
                    threshold_g_g=EULAR2012_CR_UPCR_G_G,
                    threshold_mg_mmol=EULAR2012_CR_UPCR_MG_MMOL,
                    comparator=Comparator.LT,
                    published="UPCR <50 mg/mmol (~<0.5 g/24 h)",
                    citation=EULAR_2012,
                ),
                egfr,
            ),
        ),
        partial=Tier(
            label="partial renal response",
            provisional=True,
            provisional_reason=(
                "'to sub-nephrotic levels' has no number in the retrieved sources "
                "(nephrotic_g_g, default 3 g/g), and the guideline's own evidence "
                "table words PR without it"
            ),
            criteria=(
                UpcrReduction(min_fraction=EULAR_PR_REDUCTION, citation=EULAR_2012),
                UpcrBelow(
                    name="upcr_subnephrotic",
                    threshold_g_g=p["nephrotic_g_g"],
                    comparator=Comparator.LT,
                    published="sub-nephrotic",
                    citation=f"{EULAR_2012}: to sub-nephrotic levels (nephrotic_g_g)",
                ),
                egfr,
            ),
        ),
    )


def _aurora(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="aurora",
        version=ENCODING_VERSION,
        title="AURORA 1 complete renal response (primary endpoint)",
        citation=AURORA_1,
        evidence="[V] (registry results; Lancet abstract)",
        timing="week 52",
        notes=(
            "eGFR fails only when both limbs fail (eGFR < 60 and a fall > 20%) and "
            "the fall is confirmed; pass egfr_decline_confirmed (the adjudicated "
            "treatment- or disease-related event is part of that flag).",
            "Withdrawal before week 52 without week-52 data is non-response "
            "(withdrawn=True).",
            "Partial renal response is not shipped: its definition was not seen "
            "in any retrieved source.",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                UpcrBelow(
                    threshold_g_g=AURORA_CRR_UPCR_G_G,
                    comparator=Comparator.LE,
                    published="<=0.5 mg/mg",
                    citation=AURORA_1,
                ),
                EgfrStable(
                    at_least=AURORA_CRR_EGFR_MIN,
                    max_fall_fraction=AURORA_CRR_EGFR_FALL,
                    reference="baseline",
                    confirmation_required=True,
                    citation=f"{AURORA_1}: eGFR >= 60 or no confirmed decrease "
                    "from baseline of > 20%",
                ),
                NoRescueTherapy(citation=f"{AURORA_1}: no rescue medication for LN"),
                GlucocorticoidCeiling(
                    max_mg_day=AURORA_GC_CEILING_MG_DAY,
                    comparator=Comparator.LE,
                    from_week=AURORA_GC_FROM_WEEK,
                    fail_if_days_above=AURORA_GC_DAYS_TOTAL,
                    fail_if_consecutive_days_above=AURORA_GC_DAYS_CONSECUTIVE,
                    citation=f"{AURORA_1}: no more than 10 mg prednisone for >= 3 "
                    "consecutive days or >= 7 days during weeks 44-52",
                ),
                NoWithdrawal(
                    citation=f"{AURORA_1}: withdrawal before week 52 is non-response"
                ),
            ),
        ),
    )


def _bliss_ln(_: Mapping[str, float]) -> RenalResponseDefinition:
    gc = GlucocorticoidCeiling(
        max_mg_day=BLISS_GC_CEILING_MG_DAY,
        comparator=Comparator.LE,
        from_week=BLISS_GC_FROM_WEEK,
        citation=f"{BLISS_LN}: prednisone <= 10 mg/day from week 24 to count as a "
        "responder",
    )
    no_failure = NoRescueTherapy(
        citation=f"{BLISS_LN}: not a treatment failure (prohibited or rescue "
        "medication)"
    )
    return RenalResponseDefinition(
        id="bliss-ln",
        version=ENCODING_VERSION,
        title="BLISS-LN complete renal response (CRR) / primary efficacy renal "
        "response (PERR)",
        citation=BLISS_LN,
        evidence="[V] (label HCP page; AJKD 2022 subgroup abstract)",
        timing="week 104 (PERR also at week 52)",
        notes=(
            "Partial tier = PERR. CRR nests in PERR.",
            "eGFR is compared with the pre-flare value (reference 'pre_flare'); "
            "the open-label extension used the open-label baseline instead.",
            "Whether a week-104 response had to be confirmed at week 100 is "
            "unverified and not applied.",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                UpcrBelow(
                    threshold_g_g=BLISS_CRR_UPCR_G_G,
                    comparator=Comparator.LT,
                    published="<0.5",
                    citation=BLISS_LN,
                ),
                EgfrStable(
                    at_least=BLISS_CRR_EGFR_MIN,
                    max_fall_fraction=BLISS_CRR_EGFR_FALL,
                    reference="pre_flare",
                    citation=f"{BLISS_LN}: eGFR >= 90 or no more than 10% below the "
                    "pre-flare value",
                ),
                no_failure,
                gc,
            ),
        ),
        partial=Tier(
            label="PERR",
            criteria=(
                UpcrBelow(
                    threshold_g_g=BLISS_PERR_UPCR_G_G,
                    comparator=Comparator.LE,
                    published="<=0.7",
                    citation=BLISS_LN,
                ),
                EgfrStable(
                    at_least=BLISS_PERR_EGFR_MIN,
                    max_fall_fraction=BLISS_PERR_EGFR_FALL,
                    reference="pre_flare",
                    citation=f"{BLISS_LN}: eGFR >= 60 or no more than 20% below the "
                    "pre-flare value",
                ),
                no_failure,
                gc,
            ),
        ),
    )


def _regency(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="regency",
        version=ENCODING_VERSION,
        title="REGENCY complete renal response (primary endpoint)",
        citation=REGENCY,
        evidence="[V] (NEJM abstract)",
        timing="week 76",
        notes=(
            "Intercurrent events (rescue therapy or treatment failure; death or "
            "early withdrawal) are the rescue_therapy and withdrawn inputs.",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                UpcrBelow(
                    threshold_g_g=REGENCY_CRR_UPCR_G_G,
                    comparator=Comparator.LT,
                    published="<0.5",
                    citation=REGENCY,
                ),
                EgfrStable(
                    max_fall_fraction=REGENCY_CRR_EGFR_FALL,
                    reference="baseline",
                    citation=f"{REGENCY}: eGFR >= 85% of baseline",
                ),
                NoRescueTherapy(
                    citation=f"{REGENCY}: no intercurrent event (rescue therapy, "
                    "treatment failure)"
                ),
                NoWithdrawal(
                    citation=f"{REGENCY}: no intercurrent event (death, early "
                    "withdrawal)"
                ),
            ),
        ),
    )


def _alms(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="alms",
        version=ENCODING_VERSION,
        title="ALMS induction primary response",
        citation=ALMS,
        evidence="[V] (protocol and JASN abstracts; SCr rule); [V2] (UPCR split)",
        timing="week 24",
        notes=(
            "The primary response is reported as the partial tier: it is a "
            "response, not complete remission.",
            "Complete remission is not shipped: the source defines it only as "
            "'normalisation of all parameters' without numbers.",
        ),
        partial=Tier(
            label="primary response",
            criteria=(
                NephroticBaseline(
                    nephrotic_g_g=ALMS_NEPHROTIC_G_G,
                    target_g_g=ALMS_NEPHROTIC_G_G,
                    subnephrotic_min_reduction=ALMS_REDUCTION,
                    citation=f"{ALMS}: UPCR < 3 if baseline >= 3, else a >= 50% fall",
                ),
                CreatinineRise(
                    max_rise_fraction=ALMS_SCR_RISE,
                    reference="baseline",
                    citation=f"{ALMS}: SCr stable (within +/-25% of baseline) or "
                    "improved",
                ),
            ),
        ),
    )


def _lunar(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="lunar",
        version=ENCODING_VERSION,
        title="LUNAR complete renal response",
        citation=LUNAR,
        evidence="[V] (registry)",
        timing="week 52",
        notes=(
            "Partial renal response is not shipped: the registry text is cut off "
            "and the commonly quoted wording is unverified.",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                CreatinineRise(
                    max_rise_fraction=LUNAR_SCR_RISE,
                    reference="baseline",
                    uln="or",
                    rise_only_if_reference_normal=True,
                    citation=f"{LUNAR}: SCr <= ULN, or <= 15% above baseline if the "
                    "baseline was within the normal range",
                ),
                InactiveSediment(
                    max_rbc_hpf=LUNAR_RBC_HPF,
                    comparator=Comparator.LT,
                    citation=f"{LUNAR}: inactive sediment, < 5 RBC/hpf and no "
                    "red-cell casts",
                ),
                UpcrBelow(
                    threshold_g_g=LUNAR_CRR_UPCR_G_G,
                    comparator=Comparator.LT,
                    published="<0.5",
                    citation=LUNAR,
                ),
            ),
        ),
    )


def _acr_2024(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="acr-2024",
        version=ENCODING_VERSION,
        title="ACR 2024 lupus nephritis complete renal response (treatment goal)",
        citation=ACR_2024,
        evidence="[V] (ACR Guideline Summary figure)",
        timing="within 6-12 months",
        notes=(
            "Kidney function +/-20% of baseline is read as eGFR no lower than 80% "
            "of baseline.",
            "Partial renal response is not shipped: not stated in the summary.",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                UpcrBelow(
                    threshold_g_g=ACR2024_CRR_UPCR_G_G,
                    comparator=Comparator.LE,
                    published="<=0.5 g/g",
                    citation=ACR_2024,
                ),
                EgfrStable(
                    max_fall_fraction=ACR2024_EGFR_FALL,
                    reference="baseline",
                    citation=f"{ACR_2024}: kidney function stable or improved "
                    "(+/-20% of baseline)",
                ),
            ),
        ),
    )


def _nobility(_: Mapping[str, float]) -> RenalResponseDefinition:
    return RenalResponseDefinition(
        id="nobility",
        version=ENCODING_VERSION,
        title="NOBILITY complete renal response (primary endpoint)",
        citation=NOBILITY,
        evidence="[V] (registry)",
        timing="week 52",
        notes=(
            "The registry's second SCr branch says 'above the ULN' twice, evidently "
            "a typo; it is read as a baseline at or below the ULN.",
            "Partial renal response is not shipped (unverified).",
        ),
        complete=Tier(
            label="CRR",
            criteria=(
                CreatinineRise(
                    max_rise_fraction=NOBILITY_SCR_RISE,
                    reference="baseline",
                    uln="and",
                    rise_only_if_reference_normal=True,
                    citation=f"{NOBILITY}: SCr <= ULN if baseline > ULN, else <= 15% "
                    "above baseline and <= ULN",
                ),
                InactiveSediment(
                    max_rbc_hpf=NOBILITY_RBC_HPF,
                    comparator=Comparator.LT,
                    citation=f"{NOBILITY}: < 10 RBC/hpf and no red-cell casts",
                ),
                UpcrBelow(
                    threshold_g_g=NOBILITY_CRR_UPCR_G_G,
                    comparator=Comparator.LT,
                    published="<0.5",
                    citation=NOBILITY,
                ),
            ),
        ),
    )


_NORMAL_EGFR = _ParamSpec(
    name="normal_egfr",
    default=NORMAL_EGFR_DEFAULT,
    minimum=None,
    maximum=None,
    unit="mL/min/1.73 m²",
    description="eGFR taken as normal; near-normal is within 10% of it",
    citation=KDIGO_CKD_2012,
)
_NEPHROTIC = _ParamSpec(
    name="nephrotic_g_g",
    default=NEPHROTIC_G_G_DEFAULT,
    minimum=None,
    maximum=None,
    unit="g/g",
    description="lower edge of the nephrotic range; PR needs UPCR below it",
    citation=f"{KDIGO_2012} and {ALMS} (nephrotic range >= 3 g/g)",
)

_SHIPPED: Final[tuple[_Shipped, ...]] = (
    _Shipped(
        "kdigo-2024",
        (
            _ParamSpec(
                name="egfr_tolerance",
                default=KDIGO_EGFR_TOLERANCE_DEFAULT,
                minimum=KDIGO_EGFR_TOLERANCE_RANGE[0],
                maximum=KDIGO_EGFR_TOLERANCE_RANGE[1],
                unit="fraction of baseline",
                description="largest eGFR fall from baseline still 'stable'",
                citation=f"{KDIGO_2024}: +/-10-15% of baseline",
            ),
        ),
        _kdigo_2024,
    ),
    _Shipped("kdigo-2012", (), _kdigo_2012),
    _Shipped(
        "eular-2019",
        (
            _ParamSpec(
                name="upcr_threshold_g_g",
                default=EULAR2019_CR_UPCR_DEFAULT,
                minimum=EULAR2019_CR_UPCR_RANGE[0],
                maximum=EULAR2019_CR_UPCR_RANGE[1],
                unit="g/g",
                description="complete-response proteinuria threshold",
                citation=f"{EULAR_2019}: <0.5-0.7 g/24 h",
            ),
            _NORMAL_EGFR,
            _NEPHROTIC,
        ),
        _eular_2019,
    ),
    _Shipped("eular-2012", (_NORMAL_EGFR, _NEPHROTIC), _eular_2012),
    _Shipped("aurora", (), _aurora),
    _Shipped("bliss-ln", (), _bliss_ln),
    _Shipped("regency", (), _regency),
    _Shipped("alms", (), _alms),
    _Shipped("lunar", (), _lunar),
    _Shipped("acr-2024", (), _acr_2024),
    _Shipped("nobility", (), _nobility),
)
_BY_ID: Final = {s.id: s for s in _SHIPPED}


def _values(spec: _Shipped, overrides: Mapping[str, float]) -> dict[str, float]:
    known = {p.name: p for p in spec.params}
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        names = ", ".join(known) or "none"
        msg = f"{spec.id}: unknown parameter(s) {unknown}; parameters: {names}"
        raise DefinitionError(msg, definition=spec.id, field=unknown[0])
    values = {}
    for name, p in known.items():
        raw = overrides.get(name, p.default)
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            msg = f"{spec.id}: parameter {name} must be a number (got {raw!r})"
            raise DefinitionError(msg, definition=spec.id, field=name, value=raw)
        value = float(raw)
        lo = p.minimum if p.minimum is not None else 0.0
        hi = p.maximum if p.maximum is not None else math.inf
        ok = math.isfinite(value) and lo <= value <= hi
        if not ok or (p.minimum is None and value <= 0):
            rng = (
                f"between {p.minimum:g} and {p.maximum:g} (the source's range)"
                if p.minimum is not None and p.maximum is not None
                else "a finite number > 0"
            )
            unit = f" {p.unit}" if p.unit else ""
            msg = f"{spec.id}: parameter {name}: got {raw!r}{unit}; expected {rng}"
            raise DefinitionError(msg, definition=spec.id, field=name, value=raw)
        values[name] = value
    return values


def get_definition(definition_id: str, **parameters: float) -> RenalResponseDefinition:
    """Return a shipped renal response definition, optionally re-parameterised.

    Parameters
    ----------
    definition_id : str
        One of the ids in :func:`list_definitions` (``"kdigo-2024"``,
        ``"kdigo-2012"``, ``"eular-2019"``, ``"eular-2012"``, ``"aurora"``,
        ``"bliss-ln"``, ``"regency"``, ``"alms"``, ``"lunar"``, ``"acr-2024"``,
        ``"nobility"``).
    **parameters : float
        Values for the definition's documented parameters, where the source
        gives a range: ``kdigo-2024`` ``egfr_tolerance`` (0.10-0.15, default
        0.15); ``eular-2019`` ``upcr_threshold_g_g`` (0.5-0.7 g/g, default 0.5),
        ``normal_egfr`` (default 90) and ``nephrotic_g_g`` (default 3);
        ``eular-2012`` ``normal_egfr`` and ``nephrotic_g_g``.

    Returns
    -------
    RenalResponseDefinition
        The frozen definition; its ``version`` records non-default parameters.

    Raises
    ------
    DefinitionError
        Unknown id, unknown parameter, or a value outside the source's range.

    Examples
    --------
    >>> d = get_definition("kdigo-2024", egfr_tolerance=0.10)
    >>> d.version, d.parameter("egfr_tolerance").value
    ('1+egfr_tolerance=0.1', 0.1)
    >>> get_definition("kdigo-2024", egfr_tolerance=0.2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lupusscore.errors.DefinitionError: kdigo-2024: parameter egfr_tolerance: got 0.2 ...
    """
    given: object = definition_id  # runtime guard for untyped callers
    if not isinstance(given, str) or given not in _BY_ID:
        known = ", ".join(_BY_ID)
        msg = f"unknown renal response definition {describe(given)}; shipped: {known}"
        raise DefinitionError(msg, definition=describe(given), field="definition")
    try:
        return _get(definition_id, tuple(sorted(parameters.items())))
    except TypeError:
        msg = f"{definition_id!r}: parameter values must be numbers (got {parameters})"
        raise DefinitionError(
            msg, definition=definition_id, field="parameters"
        ) from None


@functools.lru_cache(maxsize=256)
def _get(
    definition_id: str, parameters: tuple[tuple[str, float], ...]
) -> RenalResponseDefinition:
    spec = _BY_ID.get(definition_id) if isinstance(definition_id, str) else None
    if spec is None:
        known = ", ".join(_BY_ID)
        msg = f"unknown renal response definition {definition_id!r}; shipped: {known}"
        raise DefinitionError(msg, definition=definition_id, field="definition")
    values = _values(spec, dict(parameters))
    built = spec.build(values)
    params = tuple(
        Parameter(
            name=p.name,
            value=values[p.name],
            default=p.default,
            minimum=p.minimum,
            maximum=p.maximum,
            unit=p.unit,
            description=p.description,
            citation=p.citation,
        )
        for p in spec.params
    )
    changed = [f"{p.name}={p.value:g}" for p in params if p.value != p.default]
    version = built.version + ("+" + ",".join(changed) if changed else "")
    return built.model_copy(update={"parameters": params, "version": version})


def list_definitions() -> tuple[RenalResponseDefinition, ...]:
    """Return every shipped renal response definition with default parameters.

    Examples
    --------
    >>> [d.id for d in list_definitions()][:4]
    ['kdigo-2024', 'kdigo-2012', 'eular-2019', 'eular-2012']
    """
    return tuple(get_definition(s.id) for s in _SHIPPED)


def resolve_definition(
    definition: str | RenalResponseDefinition,
) -> RenalResponseDefinition:
    """Return *definition* itself, or the shipped definition with that id.

    Raises
    ------
    DefinitionError
        Unknown id, or neither a string nor a definition.
    """
    given: object = definition  # runtime guard for untyped callers
    if isinstance(given, RenalResponseDefinition):
        return given
    if isinstance(given, str):
        return get_definition(given)
    msg = (
        "definition: expected a definition id or a RenalResponseDefinition, got "
        f"{type(given).__name__}"
    )
    raise DefinitionError(msg, field="definition", value=repr(given))
