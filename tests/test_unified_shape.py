"""Issue 11 for kidney, activity and serology: one result shape, one vocabulary."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from lupusscore import (
    LabResult,
    Patient,
    Visit,
    activity,
    descriptors,
    kidney,
    models,
    serology,
)
from lupusscore.activity import (
    SLEDAI_2K_DESCRIPTORS,
    SLEDAI_2K_WEIGHTS,
    lldas,
    sledai_2k,
)
from lupusscore.errors import NotEvaluableError
from lupusscore.results import ExplainedResult, Status, ValueResult
from lupusscore.vocabulary import EGFR_UNIT, INPUTS

SRC = Path(__file__).parents[1] / "src" / "lupusscore"
_AREA_MODULES = sorted(
    p for area in ("kidney", "activity", "serology") for p in (SRC / area).glob("*.py")
)


def _imported_names(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_descriptor_table_lives_in_one_foundation_module() -> None:
    """Models and activity read the same SLEDAI-2K descriptor table objects."""
    assert models.SLEDAI_2K_DESCRIPTOR_NAMES is descriptors.SLEDAI_2K_DESCRIPTOR_NAMES
    assert SLEDAI_2K_DESCRIPTORS is descriptors.SLEDAI_2K_DESCRIPTORS
    assert SLEDAI_2K_WEIGHTS is descriptors.SLEDAI_2K_WEIGHTS
    assert [d.name for d in SLEDAI_2K_DESCRIPTORS] == list(
        descriptors.SLEDAI_2K_DESCRIPTOR_NAMES
    )


def test_variants_do_not_import_the_scoring_module() -> None:
    """The ``_sledai`` <-> ``_variants`` import cycle is gone (no lazy import)."""
    imported = {m for m, _ in _imported_names(SRC / "activity" / "_variants.py")}
    assert "lupusscore.activity._sledai" not in imported


@pytest.mark.parametrize("path", _AREA_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_names_imported_across_modules(path: Path) -> None:
    """A module imports only public names from another lupusscore module."""
    for module, name in _imported_names(path):
        if module.startswith("lupusscore"):
            assert not name.startswith("_"), f"{path.name} imports {module}.{name}"


# --- one result shape ----------------------------------------------------------

_RESULT_CLASSES = [
    (kidney.EgfrResult, ValueResult),
    (kidney.ProteinuriaResult, ExplainedResult),
    (kidney.ChangeResult, ExplainedResult),
    (kidney.EskdResult, ExplainedResult),
    (activity.CompositeResult, ExplainedResult),
    (activity.SledaiResult, ValueResult),
    (activity.DescriptorResult, ExplainedResult),
    (serology.SleClassification, ExplainedResult),
    (serology.SliccClassification, ExplainedResult),
    (serology.LabChange, ExplainedResult),
    (serology.Seroconversion, ExplainedResult),
]


@pytest.mark.parametrize(
    ("cls", "base"), _RESULT_CLASSES, ids=lambda c: getattr(c, "__name__", "")
)
def test_results_derive_from_the_one_shape(cls: type, base: type) -> None:
    """Every kidney, activity and serology result is an ExplainedResult/ValueResult."""
    assert issubclass(cls, base)
    for field in ("status", "reason", "missing", "source", "notes"):
        assert field in cls.model_fields, field  # type: ignore[attr-defined]


def test_areas_use_the_one_frozen_configuration() -> None:
    """No kidney/activity/serology module builds its own pydantic ConfigDict."""
    for path in _AREA_MODULES:
        text = path.read_text("utf-8")
        assert "ConfigDict(" not in text, path.name
        assert "(BaseModel)" not in text, path.name


def _visit(*labs: LabResult) -> Visit:
    return Visit(participant_id="P1", date="2024-06-01", labs=list(labs))


def test_egfr_missing_names_the_inputs() -> None:
    """A not-evaluable eGFR lists the missing inputs as data, not only in text."""
    child = Patient(id="P1", sex="female", birth_date="2014-01-01")
    cr = LabResult(analyte="creatinine", value=0.6, unit="mg/dL", date="2024-06-01")
    r = kidney.egfr(child, _visit(cr), "ckid-u25-cr-cys")
    assert r.status is Status.NOT_EVALUABLE
    assert r.missing == ("cystatin_c_mg_l", "height_cm")
    with pytest.raises(NotEvaluableError) as info:
        r.require()
    assert info.value.fields["missing"] == ("cystatin_c_mg_l", "height_cm")
    adult = Patient(id="P1", sex="male", birth_date="1970-01-01")
    ok = kidney.egfr(adult, _visit(cr))
    assert (ok.status, ok.missing, ok.met) == (Status.MET, (), True)
    assert ok.unit == EGFR_UNIT


def test_proteinuria_change_and_eskd_status_and_missing() -> None:
    """Proteinuria, change and ESKD results carry status and missing input names."""
    p = kidney.proteinuria(_visit())
    assert (p.status, p.missing) == (
        Status.NOT_EVALUABLE,
        ("upcr_g_g", "protein_24h_g_day"),
    )
    c = kidney.change_from_reference("upcr", 1.0, None)
    assert (c.status, c.missing) == (Status.NOT_EVALUABLE, ("reference_upcr_g_g",))
    with pytest.raises(NotEvaluableError, match="reference_upcr_g_g"):
        c.require()
    assert kidney.change_from_reference("egfr", 50.0, 60.0).require() == -10.0
    e = kidney.eskd(40.0)
    assert e.status is Status.NOT_EVALUABLE
    assert e.missing == ("dialysis", "transplant")
    assert e.reason is not None
    assert kidney.eskd(40.0, dialysis=False, transplant=False).missing == ()


def test_composite_missing_names_the_arguments() -> None:
    """A not-evaluable LLDAS lists the arguments behind its undecided criteria."""
    s = sledai_2k(dict.fromkeys(SLEDAI_2K_WEIGHTS, False))
    r = lldas(s, pga=0.5, glucocorticoid_mg_day=None)
    assert r.status is Status.NOT_EVALUABLE
    assert set(r.missing) == {
        "glucocorticoid_mg_day",
        "hemolytic_anemia",
        "gastrointestinal_activity",
        "new_features",
        "standard_maintenance_therapy",
    }
    params = set(inspect.signature(lldas).parameters)
    assert set(r.missing) <= params


def test_sledai_value_is_the_exact_score_or_not_evaluable() -> None:
    """SLEDAI's value is the exact score; incomplete is not evaluable, never a bound."""
    full = sledai_2k(dict.fromkeys(SLEDAI_2K_WEIGHTS, False) | {"rash": True})
    assert (full.status, full.value, full.require()) == (Status.MET, 2.0, 2.0)
    part = sledai_2k({"rash": True})
    assert part.status is Status.NOT_EVALUABLE
    assert part.value is None
    assert part.missing == part.not_assessed
    assert part.descriptor("seizure").missing == ("seizure",)
    assert part.descriptor("rash").met is True
    with pytest.raises(NotEvaluableError):
        part.require()


def test_classification_missing_lists_unassessed_inputs() -> None:
    """EULAR/ACR and SLICC list the unassessed inputs as data."""
    r = serology.classify_sle_eular_acr_2019(ana=None, criteria={"fever": True})
    assert r.missing[0] == "ana"
    assert set(r.missing[1:]) == set(r.not_assessed)
    s = serology.classify_sle_slicc_2012(criteria={"ana": True})
    assert s.missing[-1] == "lupus_nephritis_biopsy"
    assert s.met == s.met_criteria == ("ana",)
    with pytest.raises(NotEvaluableError):
        s.require()


# --- one vocabulary ------------------------------------------------------------

#: Options, not data: the strictness, missing mode and the MDRD IDMS switch.
_NOT_INPUTS = {"strict", "missing", "idms"}


@pytest.mark.parametrize("equation", sorted(kidney.EGFR_EQUATIONS))
def test_egfr_kernel_inputs_are_declared(equation: str) -> None:
    """Every eGFR kernel argument is a declared input with a matching unit."""
    kernel = getattr(kidney, "egfr_" + equation.replace("-", "_"))
    for name in inspect.signature(kernel).parameters:
        if name in _NOT_INPUTS:
            continue
        assert name in INPUTS, f"{kernel.__name__}({name}) is not in the vocabulary"
        declared = INPUTS[name]
        if declared.kind == "number":
            suffix = {"mg/dL": "_mg_dl", "mg/L": "_mg_l", "cm": "_cm", "m": "_m"}
            assert name.endswith(suffix.get(declared.unit, "_" + declared.unit))


def test_result_missing_names_are_declared_inputs() -> None:
    """The input names kidney results report as missing are declared inputs."""
    for names in (
        kidney.proteinuria(_visit()).missing,
        kidney.change_from_reference("creatinine", None, None).missing,
        kidney.change_from_reference("egfr", None, None).missing,
        kidney.eskd(None).missing,
    ):
        assert names
        assert set(names) <= set(INPUTS)


def test_kidney_egfr_unit_is_the_vocabulary_unit() -> None:
    """kidney.EGFR_UNIT is the one spelling of the vocabulary."""
    assert kidney.EGFR_UNIT is EGFR_UNIT


def test_same_assay_becomes_a_criterion() -> None:
    """The (bool, str) pair of same_assay is now a Criterion; the old name warns."""
    a = LabResult(
        analyte="anti_dsdna", value=40, unit="U/mL", date="2024-01-05", assay="A"
    )
    b = LabResult(
        analyte="anti_dsdna", value=20, unit="U/mL", date="2024-03-05", assay="B"
    )
    c = serology.comparable_assays(a, b)
    assert (c.name, c.status) == ("comparable_assays", Status.NOT_MET)
    assert c.reason is not None
    assert "different assays" in c.reason
    assert serology.comparable_assays(a, a).met is True
    with pytest.warns(DeprecationWarning, match="same_assay"):
        assert serology.same_assay(a, b) == (False, c.reason)
    with pytest.warns(DeprecationWarning, match="same_assay"):
        assert serology.same_assay(a, a) == (True, "")


#: Composite arguments that are SLEDAI results, not numbers or flags.
_SLEDAI_ARGUMENTS = {"sledai", "baseline", "followup"}


def test_composite_missing_names_are_declared_inputs() -> None:
    """Every name a composite can report as missing is a declared input."""
    s = sledai_2k({"rash": True})
    results = [
        activity.sri(s, s, variant="sledai-2k"),
        lldas(None, pga=None, glucocorticoid_mg_day=None),
        activity.doris_remission(None, pga=None, glucocorticoid_mg_day=None),
        activity.doris_2017_clinical_remission_on_treatment(
            None, pga=None, glucocorticoid_mg_day=None
        ),
        activity.doris_2017_complete_remission(
            None, pga=None, glucocorticoid_mg_day=None
        ),
    ]
    for r in results:
        assert r.status is Status.NOT_EVALUABLE
        assert r.missing
        assert set(r.missing) <= set(INPUTS) | _SLEDAI_ARGUMENTS, r.definition
