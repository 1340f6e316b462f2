"""The library's vocabulary: every kernel input name, declared once.

A kernel input has one name, one canonical unit and one kind wherever it
appears (renal response, renal flare, kidney kernels, the cohort engine). Code
reads the unit and kind from here instead of repeating them, and a test checks
that every kernel's keyword arguments are declared here.

Kinds: ``"number"`` (a float in *unit*; None/NaN is missing), ``"flag"``
(True/False; None is not recorded), ``"count"`` (a whole number of *unit*).

Examples
--------
>>> INPUTS["baseline_upcr_g_g"].unit
'g/g'
>>> EGFR_UNIT
'mL/min/1.73m2'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from lupusscore._display import Displayable

__all__ = [
    "EGFR_UNIT",
    "INPUTS",
    "InputKind",
    "InputName",
    "input_unit",
]

#: The one spelling of the eGFR unit (mL/min per 1.73 m² body surface),
#: parseable by :func:`lupusscore.convert`.
EGFR_UNIT: Final = "mL/min/1.73m2"

InputKind = Literal["number", "flag", "count"]


@dataclass(frozen=True, slots=True)
class InputName(Displayable):
    """One declared kernel input.

    Attributes
    ----------
    name : str
        The keyword argument name.
    unit : str
        Canonical unit (``""`` for flags).
    kind : {"number", "flag", "count"}
        What values it takes.
    description : str
        What it is, in clinical terms.
    """

    name: str
    unit: str
    kind: InputKind
    description: str


_ENTRIES: Final = (
    # Renal response and flare (one engine).
    InputName("upcr_g_g", "g/g", "number", "urine protein/creatinine ratio"),
    InputName("baseline_upcr_g_g", "g/g", "number", "UPCR at baseline, for response"),
    InputName(
        "reference_upcr_g_g",
        "g/g",
        "number",
        "UPCR at the pre-flare reference (post-response nadir), for flare",
    ),
    InputName("egfr", EGFR_UNIT, "number", "estimated GFR"),
    InputName(
        "reference_egfr", EGFR_UNIT, "number", "eGFR the current value is compared to"
    ),
    InputName("creatinine_mg_dl", "mg/dL", "number", "serum creatinine"),
    InputName(
        "reference_creatinine_mg_dl",
        "mg/dL",
        "number",
        "serum creatinine the current value is compared to",
    ),
    InputName(
        "creatinine_uln_mg_dl", "mg/dL", "number", "upper limit of normal of creatinine"
    ),
    InputName(
        "urine_rbc_hpf", "/hpf", "number", "urine red cells per high-power field"
    ),
    InputName(
        "reference_urine_rbc_hpf",
        "/hpf",
        "number",
        "urine red cells per high-power field at the reference",
    ),
    InputName(
        "acanthocytes_hpf", "/hpf", "number", "acanthocytes per high-power field"
    ),
    InputName(
        "glucocorticoid_mg_day",
        "mg/day",
        "number",
        "glucocorticoid dose, prednisone-equivalent (response: the highest in the "
        "definition's window)",
    ),
    InputName(
        "glucocorticoid_days_above_ceiling",
        "days",
        "count",
        "days with the glucocorticoid dose above the definition's ceiling",
    ),
    InputName(
        "glucocorticoid_consecutive_days_above_ceiling",
        "days",
        "count",
        "longest run of consecutive days above the glucocorticoid ceiling",
    ),
    InputName("rescue_therapy", "", "flag", "rescue therapy given"),
    InputName("rbc_casts", "", "flag", "red cell casts in the urine sediment"),
    InputName("wbc_casts", "", "flag", "white cell casts in the urine sediment"),
    InputName("active_sediment", "", "flag", "active urine sediment"),
    InputName(
        "egfr_decline_confirmed", "", "flag", "a confirmed eGFR decline (repeat test)"
    ),
    InputName("withdrawn", "", "flag", "withdrawn from the study"),
    # --- kidney ---
    # The eGFR kernels' inputs (creatinine_mg_dl and egfr are declared above).
    InputName("cystatin_c_mg_l", "mg/L", "number", "serum cystatin C"),
    InputName("age_years", "years", "number", "age on the day of the sample"),
    InputName(
        "height_cm", "cm", "number", "body height (bedside Schwartz, model level)"
    ),
    InputName(
        "height_m",
        "m",
        "number",
        "body height in metres (CKiD U25 kernels; the same concept as height_cm)",
    ),
    InputName("female", "", "flag", "female sex, as the equation uses it"),
    InputName("black", "", "flag", "race flag of the race-based equations"),
    InputName("protein_24h_g_day", "g/day", "number", "24-hour urine protein"),
    InputName("dialysis", "", "flag", "chronic dialysis recorded"),
    InputName("transplant", "", "flag", "kidney transplant recorded"),
    # --- activity: SLEDAI-2K lab descriptors (lab_descriptors) ---
    InputName(
        "urine_wbc_hpf", "/hpf", "number", "urine white cells per high-power field"
    ),
    InputName("temperature_c", "°C", "number", "body temperature"),
    InputName("platelets_10e9_l", "10^9/L", "number", "platelet count"),
    InputName("wbc_10e9_l", "10^9/L", "number", "white cell count"),
    # --- activity ---
    # Composite states (SRI, LLDAS, DORIS); SLEDAI descriptor names are in
    # lupusscore.descriptors.
    InputName("pga", "(0-3 scale)", "number", "physician global assessment"),
    InputName("baseline_pga", "(0-3 scale)", "number", "PGA at baseline"),
    InputName("followup_pga", "(0-3 scale)", "number", "PGA at follow-up"),
    # glucocorticoid_mg_day (prednisone-equivalent, mg/day) is declared above.
    InputName("new_bilag_a", "domains", "count", "new BILAG A domains"),
    InputName("new_bilag_b", "domains", "count", "new BILAG B domains"),
    InputName("new_features", "", "flag", "new lupus activity since the last visit"),
    InputName("hemolytic_anemia", "", "flag", "haemolytic anaemia"),
    InputName(
        "gastrointestinal_activity", "", "flag", "gastrointestinal lupus activity"
    ),
    InputName(
        "standard_maintenance_therapy",
        "",
        "flag",
        "standard maintenance immunosuppression / approved biologics (LLDAS)",
    ),
    InputName(
        "stable_maintenance_therapy",
        "",
        "flag",
        "stable maintenance therapy only (DORIS)",
    ),
    InputName("antimalarials_only", "", "flag", "no immunosuppressives or biologics"),
    InputName("serological_activity", "", "flag", "serological activity present"),
)

#: Every declared input, by name (read-only).
INPUTS: Final = MappingProxyType({e.name: e for e in _ENTRIES})


def input_unit(name: str) -> str:
    """Return the canonical unit of a declared input.

    Raises
    ------
    KeyError
        If *name* is not declared (a programming error inside the library).
    """
    return INPUTS[name].unit
