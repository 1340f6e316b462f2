"""The shipped LOINC tables (``lupusscore/data/fhir_loinc.json``).

Every code carries its source (the LOINC term page) and where it was checked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from lupusscore._display import Displayable
from lupusscore.analytes import Analyte
from lupusscore.models import Specimen

__all__ = [
    "FHIR_LOINC",
    "LOINC_SYSTEM",
    "OUTPUT_CODES",
    "UCUM_CODES",
    "UCUM_SYSTEM",
    "LoincMapping",
]

_FILE: Final = "data/fhir_loinc.json"
#: The FHIR system URI of LOINC.
LOINC_SYSTEM: Final = "http://loinc.org"
#: The FHIR system URI of UCUM.
UCUM_SYSTEM: Final = "http://unitsofmeasure.org"


@dataclass(frozen=True, slots=True)
class LoincMapping(Displayable):
    """One LOINC code that :func:`~lupusscore.fhir.read_bundle` maps to an analyte.

    Attributes
    ----------
    code : str
        The LOINC code.
    analyte : Analyte
        The lupusscore analyte its results are.
    long_name : str
        The LOINC long common name.
    specimen : Specimen or None
        The specimen the code implies, where lupusscore distinguishes it
        (24-hour urine); else None.
    source : str
        The LOINC term page.
    checked : tuple of str
        Where the code and name were checked.
    """

    code: str
    analyte: Analyte
    long_name: str
    specimen: Specimen | None
    source: str
    checked: tuple[str, ...]


def _load() -> dict[str, Any]:
    text = resources.files("lupusscore").joinpath(_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_DATA: Final = _load()

#: LOINC code -> its mapping, as shipped.
FHIR_LOINC: Final[Mapping[str, LoincMapping]] = MappingProxyType(
    {
        row["code"]: LoincMapping(
            code=row["code"],
            analyte=Analyte(row["analyte"]),
            long_name=row["long_name"],
            specimen=None if row["specimen"] is None else Specimen(row["specimen"]),
            source=row["source"],
            checked=tuple(row["checked"]),
        )
        for row in _DATA["codes"]
    }
)

#: The UCUM codes the reader accepts in ``valueQuantity.code`` (read as written).
UCUM_CODES: Final[frozenset[str]] = frozenset(_DATA["ucum"]["codes"])

#: The codes of the Observations :func:`~lupusscore.fhir.to_bundle` writes.
OUTPUT_CODES: Final[Mapping[str, Any]] = MappingProxyType(_DATA["output"])
