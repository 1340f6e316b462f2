"""Invariance over every registered eGFR equation and shipped definition.

One parametrised test per property, run over the registries themselves, so a
new equation or definition is covered without a new test:

- an array call equals the element-wise scalar calls;
- the model-level eGFR does not depend on the creatinine unit (mg/dL vs
  µmol/L) or on the order of the visit's lab results;
- a definition's batch result does not depend on the order of the rows.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from lupusscore import LabResult, Patient, Visit, convert, kidney, response
from lupusscore.kidney import AgeRange

EQUATIONS = sorted(kidney.EGFR_EQUATIONS)

#: Validated age range of each equation family (from the kidney constants).
_AGES: dict[str, AgeRange] = {
    "ckd-epi": kidney.CKD_EPI_AGES,
    "mdrd": kidney.MDRD_AGES,
    "ekfc": kidney.EKFC_AGES,
    "schwartz": kidney.SCHWARTZ_BEDSIDE_AGES,
    "ckid-u25": kidney.CKID_U25_AGES,
}
_ROWS = 24
_rng = np.random.default_rng(20261201)


def _ages(equation: str) -> AgeRange:
    family = [v for k, v in _AGES.items() if equation.startswith(k)]
    assert len(family) == 1, f"no age range known for {equation}: add it to _AGES"
    return family[0]


def _kernel(equation: str) -> Callable[..., Any]:
    kernel = getattr(kidney, "egfr_" + equation.replace("-", "_"), None)
    assert callable(kernel), f"no public kernel for {equation}"
    return kernel


def _valid_inputs(equation: str, n: int) -> dict[str, np.ndarray]:
    ages = _ages(equation)
    high = ages.max_years if ages.max_years is not None else 90.0
    return {
        "creatinine_mg_dl": _rng.uniform(0.4, 4.0, n),
        "cystatin_c_mg_l": _rng.uniform(0.5, 3.5, n),
        "age_years": _rng.uniform(ages.min_years + 0.5, high - 0.5, n),
        "height_cm": _rng.uniform(90.0, 190.0, n),
        "height_m": _rng.uniform(0.9, 1.9, n),
        "female": _rng.random(n) < 0.5,
        "black": _rng.random(n) < 0.3,
    }


def _arguments(kernel: Callable[..., Any], rows: dict[str, np.ndarray]) -> list[str]:
    names = [p for p in inspect.signature(kernel).parameters if p in rows]
    assert names, f"{kernel.__name__}: no known inputs"
    return names


def test_every_equation_has_a_kernel_and_an_age_range() -> None:
    """The registry, the kernels and the age ranges agree (guards the tests below)."""
    for equation in EQUATIONS:
        assert _kernel(equation)
        assert _ages(equation)


@pytest.mark.parametrize("equation", EQUATIONS)
def test_kernel_array_equals_elementwise_scalars(equation: str) -> None:
    """An array call gives, row by row, what the scalar call gives."""
    kernel = _kernel(equation)
    rows = _valid_inputs(equation, _ROWS)
    names = _arguments(kernel, rows)
    batch = np.asarray(kernel(**{k: rows[k] for k in names}))
    assert batch.shape == (_ROWS,)
    for i in range(_ROWS):
        scalar = kernel(**{k: rows[k][i].item() for k in names})
        assert isinstance(scalar, float)
        assert scalar == pytest.approx(batch[i], rel=1e-13)


@pytest.mark.parametrize("equation", EQUATIONS)
def test_kernel_is_row_order_independent(equation: str) -> None:
    """Permuting the rows permutes the results, nothing else."""
    kernel = _kernel(equation)
    rows = _valid_inputs(equation, _ROWS)
    names = _arguments(kernel, rows)
    order = _rng.permutation(_ROWS)
    straight = np.asarray(kernel(**{k: rows[k] for k in names}))
    shuffled = np.asarray(kernel(**{k: rows[k][order] for k in names}))
    np.testing.assert_array_equal(shuffled, straight[order])


def _patient_visit(
    equation: str, creatinine: LabResult, *, reverse: bool = False
) -> tuple[Patient, Visit]:
    ages = _ages(equation)
    age = ages.min_years + 0.5 if ages.max_years is not None else 45.0
    visit_day = dt.date(2024, 6, 1)
    birth = visit_day - dt.timedelta(days=round(age * 365.25) + 30)
    patient = Patient(
        id="P1", sex="female", birth_date=birth, height_cm=120.0, black=False
    )
    older = LabResult(analyte="creatinine", value=9.0, unit="mg/dL", date="2024-05-10")
    labs = [
        older,
        creatinine,
        LabResult(analyte="cystatin_c", value=1.1, unit="mg/L", date="2024-05-31"),
    ]
    visit = Visit(
        participant_id="P1",
        date=visit_day,
        labs=labs[::-1] if reverse else labs,
    )
    return patient, visit


@pytest.mark.parametrize("equation", EQUATIONS)
def test_model_level_egfr_is_unit_and_order_invariant(equation: str) -> None:
    """mg/dL and µmol/L creatinine give the same eGFR, in any lab order."""
    mg_dl = 0.9
    umol_l = convert(mg_dl, "mg/dL", "µmol/L", analyte="creatinine")
    results = [
        kidney.egfr(*_patient_visit(equation, lab, reverse=reverse), equation)
        for lab in (
            LabResult(
                analyte="creatinine", value=mg_dl, unit="mg/dL", date="2024-05-31"
            ),
            LabResult(
                analyte="creatinine", value=umol_l, unit="µmol/L", date="2024-05-31"
            ),
        )
        for reverse in (False, True)
    ]
    first = results[0]
    assert first.evaluable, first.reason
    for other in results[1:]:
        assert other.value == pytest.approx(first.require(), rel=1e-12)
        assert other.status is first.status
        assert other.inputs == pytest.approx(first.inputs, rel=1e-12)


# --- response and flare definitions ------------------------------------------

_RESPONSE_NUMBERS: dict[str, tuple[float, float]] = {
    "upcr_g_g": (0.05, 6.0),
    "baseline_upcr_g_g": (0.3, 8.0),
    "egfr": (10.0, 120.0),
    "reference_egfr": (10.0, 120.0),
    "glucocorticoid_mg_day": (0.0, 30.0),
    "creatinine_mg_dl": (0.4, 5.0),
    "reference_creatinine_mg_dl": (0.4, 5.0),
    "creatinine_uln_mg_dl": (0.9, 1.3),
    "urine_rbc_hpf": (0.0, 60.0),
}
_RESPONSE_COUNTS = (
    "glucocorticoid_days_above_ceiling",
    "glucocorticoid_consecutive_days_above_ceiling",
)
_RESPONSE_FLAGS = ("rescue_therapy", "rbc_casts", "egfr_decline_confirmed", "withdrawn")
_FLARE_NUMBERS: dict[str, tuple[float, float]] = {
    "upcr_g_g": (0.05, 6.0),
    "reference_upcr_g_g": (0.05, 6.0),
    "creatinine_mg_dl": (0.4, 5.0),
    "reference_creatinine_mg_dl": (0.4, 5.0),
    "urine_rbc_hpf": (0.0, 60.0),
    "reference_urine_rbc_hpf": (0.0, 60.0),
    "acanthocytes_hpf": (0.0, 20.0),
}
_FLARE_FLAGS = ("rbc_casts", "wbc_casts", "active_sediment")


def _rows(
    numbers: dict[str, tuple[float, float]],
    flags: tuple[str, ...],
    counts: tuple[str, ...] = (),
) -> dict[str, list[Any]]:
    """Random rows with about one value in eight missing (None)."""
    out: dict[str, list[Any]] = {}
    for name, (low, high) in numbers.items():
        values = _rng.uniform(low, high, _ROWS)
        out[name] = [
            None if m else float(v) for v, m in zip(values, _gaps(), strict=True)
        ]
    for name in counts:
        values = _rng.integers(0, 60, _ROWS)
        out[name] = [
            None if m else int(v) for v, m in zip(values, _gaps(), strict=True)
        ]
    for name in flags:
        values = _rng.random(_ROWS) < 0.3
        out[name] = [
            None if m else bool(v) for v, m in zip(values, _gaps(), strict=True)
        ]
    return out


def _gaps() -> list[bool]:
    return (_rng.random(_ROWS) < 0.125).tolist()


def _categories(batch: Any) -> list[str]:
    return [str(c) for c in np.asarray(batch.category).ravel().tolist()]


def _check_definition(
    classify: Callable[..., Any], definition: str, rows: dict[str, list[Any]]
) -> None:
    batch = classify(definition, **rows)
    categories = _categories(batch)
    assert len(categories) == _ROWS
    for i in range(_ROWS):
        single = classify(definition, **{k: v[i] for k, v in rows.items()})
        assert str(single.category) == categories[i], f"row {i}"
    order = _rng.permutation(_ROWS)
    shuffled = classify(
        definition, **{k: [v[j] for j in order] for k, v in rows.items()}
    )
    assert _categories(shuffled) == [categories[j] for j in order]


@pytest.mark.parametrize("definition", [d.id for d in response.list_definitions()])
def test_response_definition_batch_equals_rows_in_any_order(definition: str) -> None:
    """Every shipped response definition: batch == per-row, independent of row order."""
    rows = _rows(_RESPONSE_NUMBERS, _RESPONSE_FLAGS, _RESPONSE_COUNTS)
    _check_definition(response.classify_renal_response, definition, rows)


@pytest.mark.parametrize(
    "definition", [d.id for d in response.list_flare_definitions()]
)
def test_flare_definition_batch_equals_rows_in_any_order(definition: str) -> None:
    """Every shipped flare definition: batch == per-row, independent of row order."""
    rows = _rows(_FLARE_NUMBERS, _FLARE_FLAGS)
    _check_definition(response.classify_renal_flare, definition, rows)
