"""Deterministic inputs for the deferred-results pins (tests/test_deferred_results.py).

Each case is scored by a public per-call function; the pinned value is the
SHA-256 of the result's ``model_dump_json()``. The pins in
``tests/golden/deferred_results.json`` were written by the eager construction
(the code before results built their explanations on first access), with::

    PYTHONPATH=<exported src of that commit>:. python -m tests._deferred_cases

so the test shows that every public value is unchanged. Only public API is
used here, so the same cases run on either implementation.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

import lupusscore as ls
from lupusscore.response import list_flare_definitions

GOLDEN = Path(__file__).parent / "golden" / "deferred_results.json"

_RENAL_NUMERIC = (
    "upcr_g_g",
    "baseline_upcr_g_g",
    "egfr",
    "reference_egfr",
    "glucocorticoid_mg_day",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "creatinine_uln_mg_dl",
    "urine_rbc_hpf",
)
_RENAL_DAYS = (
    "glucocorticoid_days_above_ceiling",
    "glucocorticoid_consecutive_days_above_ceiling",
)
_RENAL_FLAGS = ("rescue_therapy", "rbc_casts", "egfr_decline_confirmed", "withdrawn")
_FLARE_NUMERIC = (
    "upcr_g_g",
    "reference_upcr_g_g",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "urine_rbc_hpf",
    "reference_urine_rbc_hpf",
    "acanthocytes_hpf",
)
_FLARE_FLAGS = ("rbc_casts", "wbc_casts", "active_sediment")
#: Values near the shipped thresholds, zero and missing (None).
_LEVELS = (None, 0.0, 0.3, 0.5, 0.7, 1.0, 3.5, 60.0, 90.0, 12.0)


def _numeric(rng: np.random.Generator, name: str) -> float | None:
    pick = rng.integers(len(_LEVELS) + 3)
    if pick < len(_LEVELS):
        level = _LEVELS[pick]
        if level is None or "egfr" not in name:
            return level
        return level * 1.5  # eGFR around its limits
    return float(np.round(rng.uniform(0, 120 if "egfr" in name else 5), 3))


def _flag(rng: np.random.Generator) -> bool | None:
    return (None, True, False)[rng.integers(3)]


def renal_cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every shipped response definition on 60 random input sets."""
    rng = np.random.default_rng(20261201)
    for definition, k in itertools.product(ls.list_definitions(), range(60)):
        kw: dict[str, Any] = {n: _numeric(rng, n) for n in _RENAL_NUMERIC}
        kw |= {n: (None, 0, 2, 8)[rng.integers(4)] for n in _RENAL_DAYS}
        kw |= {n: _flag(rng) for n in _RENAL_FLAGS}

        def call(d: str = definition, kw: dict[str, Any] = kw) -> Any:
            return ls.classify_renal_response(d, **kw)

        yield f"renal/{definition.id}/{k}", call


def flare_cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every shipped flare definition on 60 random input sets."""
    rng = np.random.default_rng(20261202)
    for definition, k in itertools.product(list_flare_definitions(), range(60)):
        kw: dict[str, Any] = {n: _numeric(rng, n) for n in _FLARE_NUMERIC}
        kw |= {n: _flag(rng) for n in _FLARE_FLAGS}

        def call(d: str = definition, kw: dict[str, Any] = kw) -> Any:
            return ls.classify_renal_flare(d, **kw)

        yield f"flare/{definition.id}/{k}", call


#: (analyte, unit, low, high) of the labs drawn for the SLEDAI-2K cases.
_LABS = (
    ("creatinine", "mg/dL", 0.5, 2.0),
    ("upcr", "g/g", 0.0, 2.0),
    ("protein_24h", "g/day", 0.0, 2.0),
    ("urine_rbc", "/hpf", 0.0, 10.0),
    ("urine_wbc", "/hpf", 0.0, 10.0),
    ("platelets", "10^9/L", 50.0, 300.0),
    ("wbc", "10^9/L", 1.0, 9.0),
    ("body_temperature", "°C", 36.0, 39.0),
    ("c3", "g/L", 0.5, 1.5),
    ("c4", "g/L", 0.05, 0.4),
    ("ch50", "U/mL", 20.0, 80.0),
)
_DESCRIPTOR_DRAW = ("rash", "alopecia", "arthritis", "pleurisy", "proteinuria", "fever")


def _visit(rng: np.random.Generator, day: str) -> ls.Visit:
    labs = []
    for analyte, unit, low, high in _LABS:
        if rng.random() < 0.35:
            continue
        lab: dict[str, Any] = {
            "analyte": analyte,
            "value": float(np.round(rng.uniform(low, high), 2)),
            "unit": unit,
            "date": day,
        }
        if analyte in ("c3", "c4") and rng.random() < 0.7:
            lab["reference_low"] = 0.9 if analyte == "c3" else 0.1
        labs.append(lab)
    descriptors = {n: _flag(rng) for n in _DESCRIPTOR_DRAW if rng.random() < 0.6}
    exclusions = {"pyuria": "urinary tract infection"} if rng.random() < 0.2 else {}
    return ls.Visit(
        participant_id="P01",
        date=day,
        labs=labs,
        descriptors=descriptors,
        exclusions=exclusions,
    )


def sledai_cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """sledai_2k_visit on 120 random visits with two earlier ones, each variant."""
    rng = np.random.default_rng(20261203)
    variants = (
        "sledai-2k",
        "sledai-2k-30d",
        "clinical-sledai-2k",
        "sledai",
        "selena-sledai",
    )
    for k in range(120):
        visit = _visit(rng, "2024-03-01")
        history = [_visit(rng, day) for day in ("2024-02-20", "2024-02-24")]
        variant = variants[k % len(variants)]
        joints = None if rng.random() < 0.7 else int(rng.integers(0, 5))
        nr = {"rash": _flag(rng)} if variant in ("sledai", "selena-sledai") else None
        defaults = bool(k % 3 == 0)

        def call(
            v: ls.Visit = visit,
            h: list[ls.Visit] = history,
            variant: str = variant,
            joints: int | None = joints,
            nr: dict[str, bool | None] | None = nr,
            defaults: bool = defaults,
        ) -> Any:
            return ls.sledai_2k_visit(
                v,
                h,
                variant=variant,
                inflamed_joints=joints,
                new_or_recurrent=nr,
                use_default_complement_limits=defaults,
            )

        yield f"sledai/{variant}/{k}", call


def all_cases() -> Iterator[tuple[str, Callable[[], Any]]]:
    """Every case, in a fixed order."""
    yield from renal_cases()
    yield from flare_cases()
    yield from sledai_cases()


def digest(result: Any) -> str:
    """SHA-256 of a result's JSON."""
    return hashlib.sha256(result.model_dump_json().encode()).hexdigest()


def main() -> None:
    """Write the pins (run with the eager implementation on the path)."""
    sys.stderr.write(f"lupusscore from {ls.__file__}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pins = {name: digest(call()) for name, call in all_cases()}
    GOLDEN.write_text(json.dumps(pins, indent=0, sort_keys=True) + "\n")
    sys.stderr.write(f"{len(pins)} pins written to {GOLDEN}\n")


if __name__ == "__main__":
    main()
