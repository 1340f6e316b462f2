"""FHIR R4 in and out: score labs straight from a Bundle, return FHIR Observations.

- :func:`read_bundle` reads a Bundle's Patients and laboratory Observations
  as a :class:`~lupusscore.Cohort`; :func:`patient_visits` reads one patient
  as a :class:`~lupusscore.Patient` and :class:`~lupusscore.Visit` s;
  :func:`bundle_report` says what a Bundle holds that is used and what is not.
- :func:`to_bundle` writes derived eGFR, UPCR (g/g), SLEDAI-2K and the renal
  response category as R4 Observations in a transaction Bundle.

Plain dicts work without extras; with the extra ``fhir``
(``pip install 'lupusscore[fhir]'``) input and output are validated against
``fhir.resources.R4B``. See ``docs/fhir.md``.
"""

from lupusscore.fhir._loinc import FHIR_LOINC, UCUM_CODES, LoincMapping
from lupusscore.fhir._read import (
    BundleReport,
    MissingResult,
    PatientVisits,
    UnmappedCode,
    UnusableResult,
    bundle_report,
    patient_visits,
    read_bundle,
)
from lupusscore.fhir._write import SCORES, to_bundle

__all__ = [
    "FHIR_LOINC",
    "SCORES",
    "UCUM_CODES",
    "BundleReport",
    "LoincMapping",
    "MissingResult",
    "PatientVisits",
    "UnmappedCode",
    "UnusableResult",
    "bundle_report",
    "patient_visits",
    "read_bundle",
    "to_bundle",
]
