"""Analytes: names, canonical units, accepted units, plausible ranges and LOINC codes.

This module is data. Each :class:`Analyte` has an :class:`AnalyteSpec` in
:data:`ANALYTES` with one or more *unit families*. A family is a set of units
that can be converted into each other (for creatinine: mass and molar
concentration, through its molar mass); results in different families of one
analyte (anti-dsDNA in IU/mL and in an assay's own U/mL) are never converted
into each other.

Sources
-------
- Canonical units, conversions and LOINC codes: lupusscore clinical reference
  (``shared/clinical/REFERENCE.md`` section 7), which cross-checked each code
  against public FHIR profiles and lab mappings (German MII profiles, MIMIC lab
  mapping, HAPI FHIR tests). Codes the reference marks UNVERIFIED are kept with
  ``verified=False`` and are not used to identify results on their own.
- Plausible ranges are *not* clinical thresholds: they are wide sanity limits
  chosen by the lupusscore maintainers (documented in ``docs/units.md``) to
  catch unit mix-ups, such as creatinine 500 "mg/dL" that is really µmol/L.
  No score uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from lupusscore._display import Displayable
from lupusscore.errors import UnitError, UnknownAnalyteError

__all__ = [
    "ANALYTES",
    "Analyte",
    "AnalyteSpec",
    "LoincCode",
    "UnitFamily",
    "analyte_spec",
]

REFERENCE_SECTION_7: Final = (
    "lupusscore clinical reference, section 7 (conversions and LOINC codes)"
)
PLAUSIBILITY_SOURCE: Final = (
    "lupusscore maintainers' plausibility limits (docs/units.md); not a clinical "
    "threshold"
)


class Analyte(StrEnum):
    """The lab analytes lupusscore understands.

    The value of each member is its public name (``Analyte("upcr")``).
    """

    CREATININE = "creatinine"
    CYSTATIN_C = "cystatin_c"
    UPCR = "upcr"
    UACR = "uacr"
    PROTEIN_24H = "protein_24h"
    ALBUMIN = "albumin"
    C3 = "c3"
    C4 = "c4"
    CH50 = "ch50"
    ANTI_DSDNA = "anti_dsdna"
    ANA = "ana"
    PLATELETS = "platelets"
    WBC = "wbc"
    HEMOGLOBIN = "hemoglobin"
    URINE_RBC = "urine_rbc"
    URINE_WBC = "urine_wbc"
    BODY_TEMPERATURE = "body_temperature"


@dataclass(frozen=True, slots=True)
class LoincCode(Displayable):
    """A LOINC code for an analyte, with its long name and evidence.

    Attributes
    ----------
    code : str
        The LOINC code, e.g. ``"2160-0"``.
    name : str
        LOINC long common name (abridged).
    family : str
        The unit family whose results this code carries.
    verified : bool
        False where the clinical reference marks the code UNVERIFIED.
    """

    code: str
    name: str
    family: str
    verified: bool = True


@dataclass(frozen=True, slots=True)
class UnitFamily(Displayable):
    """Units of one analyte that convert into each other.

    Attributes
    ----------
    name : str
        Family id, e.g. ``"mass_concentration"``.
    canonical_unit : str
        The unit canonical values of this family are expressed in.
    units : tuple of str
        Spellings accepted and tested (any unit of the same dimension is also
        accepted, except for dimensionless families, which accept only these).
    plausible : tuple of float, optional
        Inclusive plausibility limits in the canonical unit, or None.
    context : str, optional
        The pint context needed for conversions inside the family (a molar mass).
    comparable_across_assays : bool
        False for arbitrary assay units: two results are comparable only when
        they come from the same assay.
    description : str
        What the family measures.
    """

    name: str
    canonical_unit: str
    units: tuple[str, ...]
    plausible: tuple[float, float] | None
    context: str | None = None
    comparable_across_assays: bool = True
    description: str = ""


@dataclass(frozen=True, slots=True)
class AnalyteSpec(Displayable):
    """Everything lupusscore knows about one analyte.

    Attributes
    ----------
    analyte : Analyte
        The analyte.
    label : str
        Human-readable name.
    families : tuple of UnitFamily
        Accepted unit families; the first is the default one.
    loinc : tuple of LoincCode
        LOINC codes that carry this analyte.
    source : str
        Where the units and codes come from.
    """

    analyte: Analyte
    label: str
    families: tuple[UnitFamily, ...]
    loinc: tuple[LoincCode, ...]
    source: str = REFERENCE_SECTION_7

    @property
    def canonical_unit(self) -> str:
        """Canonical unit of the default (first) family."""
        return self.families[0].canonical_unit

    @property
    def units(self) -> tuple[str, ...]:
        """Every tested unit spelling, over all families."""
        return tuple(u for fam in self.families for u in fam.units)

    def family(self, name: str) -> UnitFamily:
        """Return the family called *name* (``UnitError`` if there is none)."""
        for fam in self.families:
            if fam.name == name:
                return fam
        raise UnitError(
            unit=name,
            analyte=self.analyte.value,
            field="family",
            expected="one of " + ", ".join(f.name for f in self.families),
            reason="no such unit family",
        )


def _spec(
    analyte: Analyte,
    label: str,
    families: tuple[UnitFamily, ...],
    loinc: tuple[LoincCode, ...],
) -> AnalyteSpec:
    return AnalyteSpec(analyte=analyte, label=label, families=families, loinc=loinc)


_MASS_CONC = "mass_concentration"
_COUNT_CONC = "count_concentration"

_SPECS: tuple[AnalyteSpec, ...] = (
    _spec(
        Analyte.CREATININE,
        "Serum creatinine",
        (
            UnitFamily(
                _MASS_CONC,
                "mg/dL",
                (
                    "mg/dL",
                    "mg/dl",
                    "mg%",
                    "µmol/L",
                    "umol/L",
                    "μmol/L",
                    "mmol/L",
                    "mg/L",
                ),
                (0.05, 40.0),
                context="creatinine",
                description="mass or molar concentration (molar mass 113.12 g/mol)",
            ),
        ),
        (
            LoincCode(
                "2160-0", "Creatinine [Mass/volume] in Serum or Plasma", _MASS_CONC
            ),
            LoincCode(
                "14682-9", "Creatinine [Moles/volume] in Serum or Plasma", _MASS_CONC
            ),
        ),
    ),
    _spec(
        Analyte.CYSTATIN_C,
        "Serum cystatin C",
        (
            UnitFamily(
                _MASS_CONC,
                "mg/L",
                ("mg/L", "mg/l", "nmol/L"),
                (0.1, 15.0),
                context="cystatin_c",
                description="mass or molar concentration (1 mg/L = 74.9 nmol/L)",
            ),
        ),
        (
            LoincCode(
                "33863-2", "Cystatin C [Mass/volume] in Serum or Plasma", _MASS_CONC
            ),
        ),
    ),
    _spec(
        Analyte.UPCR,
        "Urine protein/creatinine ratio",
        (
            UnitFamily(
                "creatinine_ratio",
                "g/g",
                (
                    "g/g",
                    "mg/mg",
                    "mg/g",
                    "mg/mmol",
                    "g/mmol",
                    "mg/g{creat}",
                    "g/g{creat}",
                    "mg/mg{creat}",
                    "mg/mmol{creat}",
                ),
                (0.0, 60.0),
                context="creatinine",
                description="protein mass per creatinine mass or amount",
            ),
        ),
        (
            LoincCode(
                "2890-2", "Protein/Creatinine [Mass Ratio] in Urine", "creatinine_ratio"
            ),
            LoincCode(
                "34366-5", "Protein/Creatinine [Ratio] in Urine", "creatinine_ratio"
            ),
            LoincCode(
                "13801-6",
                "Protein/Creatinine [Mass Ratio] in 24 hour Urine",
                "creatinine_ratio",
            ),
            LoincCode(
                "40486-3",
                "Protein/Creatinine [Ratio] in 24 hour Urine",
                "creatinine_ratio",
            ),
        ),
    ),
    _spec(
        Analyte.UACR,
        "Urine albumin/creatinine ratio",
        (
            UnitFamily(
                "creatinine_ratio",
                "mg/g",
                (
                    "mg/g",
                    "g/g",
                    "mg/mg",
                    "mg/mmol",
                    "g/mmol",
                    "mg/g{creat}",
                    "mg/mmol{creat}",
                ),
                (0.0, 40000.0),
                context="creatinine",
                description="albumin mass per creatinine mass or amount",
            ),
        ),
        (
            LoincCode(
                "9318-7", "Albumin/Creatinine [Mass Ratio] in Urine", "creatinine_ratio"
            ),
            LoincCode(
                "14959-1",
                "Microalbumin/Creatinine [Mass Ratio] in Urine",
                "creatinine_ratio",
            ),
            LoincCode(
                "32294-1", "Albumin/Creatinine [Ratio] in Urine", "creatinine_ratio"
            ),
            LoincCode(
                "14585-4",
                "Albumin/Creatinine [Molar ratio] in Urine",
                "creatinine_ratio",
                verified=False,
            ),
        ),
    ),
    _spec(
        Analyte.PROTEIN_24H,
        "24-hour urine protein",
        (
            UnitFamily(
                "mass_rate",
                "g/day",
                (
                    "g/day",
                    "g/d",
                    "mg/d",
                    "mg/day",
                    "g/24h",
                    "mg/24h",
                    "g/(24.h)",
                    "mg/(24.h)",
                ),
                (0.0, 60.0),
                description="protein excreted per day",
            ),
        ),
        (LoincCode("2889-4", "Protein [Mass/time] in 24 hour Urine", "mass_rate"),),
    ),
    _spec(
        Analyte.ALBUMIN,
        "Serum albumin",
        (
            UnitFamily(
                _MASS_CONC,
                "g/L",
                ("g/L", "g/dL", "g/dl", "mg/dL"),
                (5.0, 80.0),
                description="mass concentration",
            ),
        ),
        (
            LoincCode(
                "1751-7",
                "Albumin [Mass/volume] in Serum or Plasma",
                _MASS_CONC,
                verified=False,
            ),
        ),
    ),
    _spec(
        Analyte.C3,
        "Complement C3",
        (
            UnitFamily(
                _MASS_CONC,
                "g/L",
                ("g/L", "mg/dL", "mg/dl", "mg/L"),
                (0.01, 6.0),
                description="mass concentration (1 g/L = 100 mg/dL)",
            ),
        ),
        (
            LoincCode(
                "4485-9", "Complement C3 [Mass/volume] in Serum or Plasma", _MASS_CONC
            ),
        ),
    ),
    _spec(
        Analyte.C4,
        "Complement C4",
        (
            UnitFamily(
                _MASS_CONC,
                "g/L",
                ("g/L", "mg/dL", "mg/dl", "mg/L"),
                (0.005, 2.0),
                description="mass concentration (1 g/L = 100 mg/dL)",
            ),
        ),
        (
            LoincCode(
                "4498-2", "Complement C4 [Mass/volume] in Serum or Plasma", _MASS_CONC
            ),
        ),
    ),
    _spec(
        Analyte.CH50,
        "Total haemolytic complement (CH50)",
        (
            UnitFamily(
                "assay_units",
                "U/mL",
                ("U/mL", "AU/mL", "[arb'U]/mL", "kU/L"),
                None,
                comparable_across_assays=False,
                description="assay-specific units per volume",
            ),
        ),
        (
            LoincCode(
                "4532-8",
                "Complement total hemolytic CH50 [Units/volume] in Serum or Plasma",
                "assay_units",
            ),
        ),
    ),
    _spec(
        Analyte.ANTI_DSDNA,
        "Anti-double-stranded DNA antibodies",
        (
            UnitFamily(
                "international_units",
                "IU/mL",
                ("IU/mL", "kIU/L", "[IU]/mL", "IU/L"),
                (0.0, 1.0e6),
                description="WHO Wo/80 international units per volume",
            ),
            UnitFamily(
                "assay_units",
                "U/mL",
                ("U/mL", "AU/mL", "[arb'U]/mL"),
                (0.0, 1.0e6),
                comparable_across_assays=False,
                description="assay-specific units per volume (no conversion)",
            ),
            UnitFamily(
                "percent_binding",
                "%",
                ("%",),
                (0.0, 100.0),
                comparable_across_assays=False,
                description="Farr assay percent binding",
            ),
            UnitFamily(
                "titre",
                "{titer}",
                ("{titer}", "titer"),
                (1.0, 1.0e6),
                comparable_across_assays=False,
                description="reciprocal titre (Crithidia luciliae IFA)",
            ),
        ),
        (
            LoincCode(
                "5130-0",
                "DNA double strand Ab [Units/volume] in Serum",
                "international_units",
            ),
        ),
    ),
    _spec(
        Analyte.ANA,
        "Antinuclear antibodies",
        (
            UnitFamily(
                "titre",
                "{titer}",
                ("{titer}", "titer"),
                (1.0, 1.0e6),
                description="reciprocal titre on HEp-2 immunofluorescence",
            ),
        ),
        (
            LoincCode(
                "5048-4", "Nuclear Ab [Titer] in Serum by Immunofluorescence", "titre"
            ),
        ),
    ),
    _spec(
        Analyte.PLATELETS,
        "Platelet count",
        (
            UnitFamily(
                _COUNT_CONC,
                "10^9/L",
                (
                    "10^9/L",
                    "10*9/L",
                    "x10^9/L",
                    "10^3/µL",
                    "10*3/uL",
                    "/µL",
                    "/uL",
                    "/mm3",
                    "THOU/uL",
                    "GI/L",
                ),
                (0.0, 3000.0),
                description="cells per volume",
            ),
        ),
        (
            LoincCode(
                "777-3", "Platelets [#/volume] in Blood by Automated count", _COUNT_CONC
            ),
            LoincCode(
                "26515-7", "Platelets [#/volume] in Blood", _COUNT_CONC, verified=False
            ),
        ),
    ),
    _spec(
        Analyte.WBC,
        "White blood cell count",
        (
            UnitFamily(
                _COUNT_CONC,
                "10^9/L",
                (
                    "10^9/L",
                    "10*9/L",
                    "x10^9/L",
                    "10^3/µL",
                    "10*3/uL",
                    "/µL",
                    "/uL",
                    "/mm3",
                    "THOU/uL",
                    "GI/L",
                ),
                (0.0, 1000.0),
                description="cells per volume",
            ),
        ),
        (
            LoincCode("26464-8", "Leukocytes [#/volume] in Blood", _COUNT_CONC),
            LoincCode(
                "6690-2",
                "Leukocytes [#/volume] in Blood by Automated count",
                _COUNT_CONC,
                verified=False,
            ),
        ),
    ),
    _spec(
        Analyte.HEMOGLOBIN,
        "Haemoglobin",
        (
            UnitFamily(
                _MASS_CONC,
                "g/dL",
                ("g/dL", "g/dl", "g/L"),
                (1.0, 25.0),
                description="mass concentration (molar units are not accepted: "
                "the molar factor is unverified in the reference)",
            ),
        ),
        (LoincCode("718-7", "Hemoglobin [Mass/volume] in Blood", _MASS_CONC),),
    ),
    _spec(
        Analyte.URINE_RBC,
        "Urine red blood cells per high-power field",
        (
            UnitFamily(
                "per_hpf",
                "/hpf",
                ("/hpf", "/HPF", "/[HPF]", "cells/hpf"),
                (0.0, 1000.0),
                description="cells per high-power field of urine sediment",
            ),
        ),
        (
            LoincCode(
                "13945-1",
                "Erythrocytes [#/area] in Urine sediment by Microscopy high "
                "power field",
                "per_hpf",
            ),
        ),
    ),
    _spec(
        Analyte.URINE_WBC,
        "Urine white blood cells per high-power field",
        (
            UnitFamily(
                "per_hpf",
                "/hpf",
                ("/hpf", "/HPF", "/[HPF]", "cells/hpf"),
                (0.0, 1000.0),
                description="cells per high-power field of urine sediment",
            ),
        ),
        (
            LoincCode(
                "5821-4",
                "Leukocytes [#/area] in Urine sediment by Microscopy high power field",
                "per_hpf",
            ),
        ),
    ),
    _spec(
        Analyte.BODY_TEMPERATURE,
        "Body temperature",
        (
            UnitFamily(
                "temperature",
                "°C",
                ("°C", "degC", "Cel", "°F", "degF", "[degF]"),
                (25.0, 45.0),
                description="temperature (offset units are converted exactly)",
            ),
        ),
        (LoincCode("8310-5", "Body temperature", "temperature", verified=False),),
    ),
)

#: Every analyte's spec, keyed by :class:`Analyte`.
ANALYTES: Final[Mapping[Analyte, AnalyteSpec]] = MappingProxyType(
    {s.analyte: s for s in _SPECS}
)


def analyte_spec(name: Analyte | str) -> AnalyteSpec:
    """Return the :class:`AnalyteSpec` for *name*.

    Parameters
    ----------
    name : Analyte or str
        An :class:`Analyte` or its name (``"creatinine"``).

    Returns
    -------
    AnalyteSpec
        Units, plausible ranges and LOINC codes.

    Raises
    ------
    UnknownAnalyteError
        If *name* is not a known analyte.

    Examples
    --------
    >>> analyte_spec("c3").canonical_unit
    'g/L'
    """
    try:
        return ANALYTES[Analyte(name)]
    except ValueError:
        raise UnknownAnalyteError(
            name=name, known=tuple(a.value for a in Analyte)
        ) from None
