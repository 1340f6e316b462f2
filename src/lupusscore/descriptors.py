"""The SLEDAI-2K descriptor table: names, organ systems, weights, definitions.

Foundation data read by :mod:`lupusscore.models` (to validate clinician-entered
descriptors at the boundary) and by :mod:`lupusscore.activity` (to score). It
lives in one place so that neither reads the other's copy. Source: Gladman DD,
Ibañez D, Urowitz MB, J Rheumatol 2002;29:288-91.

Examples
--------
>>> SLEDAI_2K_DESCRIPTORS[0].name, SLEDAI_2K_DESCRIPTORS[0].weight
('seizure', 8)
>>> SLEDAI_2K_WEIGHTS["leukopenia"], SLEDAI_2K_MAX_SCORE
(1, 105)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from lupusscore._display import Displayable

__all__ = [
    "GLADMAN_2002",
    "SLEDAI_2K_DESCRIPTORS",
    "SLEDAI_2K_DESCRIPTOR_INDEX",
    "SLEDAI_2K_DESCRIPTOR_NAMES",
    "SLEDAI_2K_MAX_SCORE",
    "SLEDAI_2K_WEIGHTS",
    "OrganSystem",
    "SledaiDescriptor",
]

#: The 24 SLEDAI-2K descriptor names (Gladman, J Rheumatol 2002;29:288-91), in
#: the order of the published form.
SLEDAI_2K_DESCRIPTOR_NAMES: Final[tuple[str, ...]] = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cva",
    "vasculitis",
    "arthritis",
    "myositis",
    "urinary_casts",
    "hematuria",
    "proteinuria",
    "pyuria",
    "rash",
    "alopecia",
    "mucosal_ulcers",
    "pleurisy",
    "pericarditis",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)


#: Citation of SLEDAI-2K.
GLADMAN_2002: Final = (
    "Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease "
    "activity index 2000. J Rheumatol 2002;29:288-91"
)


class OrganSystem(StrEnum):
    """The nine organ systems of SLEDAI-2K."""

    CNS = "cns"
    VASCULAR = "vascular"
    MUSCULOSKELETAL = "musculoskeletal"
    RENAL = "renal"
    MUCOCUTANEOUS = "mucocutaneous"
    SEROSAL = "serosal"
    IMMUNOLOGIC = "immunologic"
    CONSTITUTIONAL = "constitutional"
    HEMATOLOGIC = "hematologic"


@dataclass(frozen=True, slots=True)
class SledaiDescriptor(Displayable):
    """One SLEDAI-2K descriptor.

    Attributes
    ----------
    number : int
        Position on the published form (1-24).
    name : str
        Public name (one of :data:`SLEDAI_2K_DESCRIPTOR_NAMES`).
    label : str
        Human-readable name.
    organ_system : OrganSystem
        Organ system.
    weight : int
        SLEDAI-2K weight (the same in every variant).
    definition : str
        Operational definition (paraphrased; thresholds exact).
    source : str
        Citation.
    """

    number: int
    name: str
    label: str
    organ_system: OrganSystem
    weight: int
    definition: str
    source: str = GLADMAN_2002


_S = OrganSystem
# (label, organ system, weight, definition) in form order, paired with
# SLEDAI_2K_DESCRIPTOR_NAMES below. Weights and definitions: Gladman 2002, as
# tabulated in REFERENCE.md section 1.2 ([V][C]: weights by system CNS 7x8,
# vascular 1x8, musculoskeletal 2x4, renal 4x4, mucocutaneous 3x2, serosal 2x2,
# immunologic 2x2, constitutional 1x1, haematologic 2x1).
_ROWS: Final[tuple[tuple[str, OrganSystem, int, str], ...]] = (
    (
        "Seizure",
        _S.CNS,
        8,
        "Recent onset; metabolic, infectious and drug causes excluded.",
    ),
    (
        "Psychosis",
        _S.CNS,
        8,
        "Severe disturbance in the perception of reality impairing normal "
        "function (hallucinations, incoherence, marked loose associations, "
        "impoverished thought content, marked illogical thinking, bizarre, "
        "disorganised or catatonic behaviour); uraemia and drugs excluded.",
    ),
    (
        "Organic brain syndrome",
        _S.CNS,
        8,
        "Impaired orientation, memory or other intellectual function with rapid "
        "onset and fluctuating course: clouding of consciousness plus at least "
        "2 of perceptual disturbance, incoherent speech, insomnia or daytime "
        "drowsiness, increased or decreased psychomotor activity; metabolic, "
        "infectious and drug causes excluded.",
    ),
    (
        "Visual disturbance",
        _S.CNS,
        8,
        "Retinal changes of SLE: cytoid bodies, retinal haemorrhages, serous "
        "exudate or haemorrhage in the choroid, or optic neuritis; "
        "hypertension, infection and drugs excluded.",
    ),
    (
        "Cranial nerve disorder",
        _S.CNS,
        8,
        "New onset of sensory or motor neuropathy of a cranial nerve.",
    ),
    (
        "Lupus headache",
        _S.CNS,
        8,
        "Severe, persistent headache, possibly migrainous, not responding to "
        "narcotic analgesia.",
    ),
    (
        "CVA",
        _S.CNS,
        8,
        "New-onset cerebrovascular accident(s); arteriosclerosis excluded.",
    ),
    (
        "Vasculitis",
        _S.VASCULAR,
        8,
        "Ulceration, gangrene, tender finger nodules, periungual infarction, "
        "splinter haemorrhages, or vasculitis proven by biopsy or angiogram.",
    ),
    (
        "Arthritis",
        _S.MUSCULOSKELETAL,
        4,
        "Joints with pain and signs of inflammation (tenderness, swelling or "
        "effusion); SLEDAI-2K sheet: >= 2 joints (original SLEDAI: > 2).",
    ),
    (
        "Myositis",
        _S.MUSCULOSKELETAL,
        4,
        "Proximal muscle aching or weakness with raised CK or aldolase, or EMG "
        "changes, or a biopsy showing myositis.",
    ),
    (
        "Urinary casts",
        _S.RENAL,
        4,
        "Heme-granular or red blood cell casts.",
    ),
    (
        "Hematuria",
        _S.RENAL,
        4,
        "> 5 red blood cells per high-power field; stone, infection and other "
        "causes excluded.",
    ),
    (
        "Proteinuria",
        _S.RENAL,
        4,
        "> 0.5 g/24 h; persistent proteinuria counts (original and SELENA: new "
        "onset or recent increase of > 0.5 g/24 h only).",
    ),
    (
        "Pyuria",
        _S.RENAL,
        4,
        "> 5 white blood cells per high-power field; infection excluded.",
    ),
    (
        "Rash",
        _S.MUCOCUTANEOUS,
        2,
        "Inflammatory-type rash; new, recurrent or ongoing.",
    ),
    (
        "Alopecia",
        _S.MUCOCUTANEOUS,
        2,
        "Abnormal patchy or diffuse hair loss; ongoing counts.",
    ),
    (
        "Mucosal ulcers",
        _S.MUCOCUTANEOUS,
        2,
        "Oral or nasal ulceration; ongoing counts.",
    ),
    (
        "Pleurisy",
        _S.SEROSAL,
        2,
        "Pleuritic chest pain with pleural rub or effusion, or pleural thickening.",
    ),
    (
        "Pericarditis",
        _S.SEROSAL,
        2,
        "Pericardial pain with at least 1 of rub, effusion, or "
        "electrocardiogram or echocardiogram confirmation.",
    ),
    (
        "Low complement",
        _S.IMMUNOLOGIC,
        2,
        "CH50, C3 or C4 below the lower limit of normal of the testing laboratory.",
    ),
    (
        "Increased DNA binding",
        _S.IMMUNOLOGIC,
        2,
        "DNA binding above the normal range of the testing laboratory "
        "(original and SELENA: also > 25% binding by Farr assay).",
    ),
    (
        "Fever",
        _S.CONSTITUTIONAL,
        1,
        "> 38 °C; infection excluded.",
    ),
    (
        "Thrombocytopenia",
        _S.HEMATOLOGIC,
        1,
        "< 100 x 10^9/L (< 100,000/mm3); drug causes excluded.",
    ),
    (
        "Leukopenia",
        _S.HEMATOLOGIC,
        1,
        "< 3 x 10^9/L (< 3,000/mm3); drug causes excluded.",
    ),
)

#: The 24 descriptors in form order (Gladman 2002).
SLEDAI_2K_DESCRIPTORS: Final[tuple[SledaiDescriptor, ...]] = tuple(
    SledaiDescriptor(
        number=i,
        name=name,
        label=label,
        organ_system=system,
        weight=weight,
        definition=definition,
    )
    for i, (name, (label, system, weight, definition)) in enumerate(
        zip(SLEDAI_2K_DESCRIPTOR_NAMES, _ROWS, strict=True), start=1
    )
)
#: Position (0-based) of each descriptor in form order, by name.
SLEDAI_2K_DESCRIPTOR_INDEX: Final[Mapping[str, int]] = MappingProxyType(
    {name: i for i, name in enumerate(SLEDAI_2K_DESCRIPTOR_NAMES)}
)
#: Weight of each descriptor, by name (Gladman 2002).
SLEDAI_2K_WEIGHTS: Final[Mapping[str, int]] = MappingProxyType(
    {d.name: d.weight for d in SLEDAI_2K_DESCRIPTORS}
)
#: Highest possible SLEDAI-2K: 8x8 + 6x4 + 7x2 + 3x1 = 105 (Gladman 2002).
SLEDAI_2K_MAX_SCORE: Final = 105
