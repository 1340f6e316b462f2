"""Units under threads: the parse and factor caches fill correctly from many threads.

pint's ``Quantity.to(unit, context)`` enables the context on the shared registry
for the duration of the call. Without one lock around every registry use, a
thread converting creatinine could compute (and cache for the life of the
process) a factor through cystatin C's molar mass, or crash inside pint.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from lupusscore import units

#: (from_unit, to_unit, analyte): distinct spellings through both molar masses.
CASES: tuple[tuple[str, str, str], ...] = (
    ("mg/dL", "umol/L", "creatinine"),
    ("umol/L", "mg/dL", "creatinine"),
    ("mmol/L", "mg/dL", "creatinine"),
    ("µmol/L", "mg/dL", "creatinine"),
    ("umol/l", "mg/dL", "creatinine"),
    ("mg%", "µmol/L", "creatinine"),
    ("mg/dl", "mmol/L", "creatinine"),
    ("mg/100mL", "umol/L", "creatinine"),
    ("mg/L", "nmol/L", "cystatin_c"),
    ("nmol/L", "mg/L", "cystatin_c"),
    ("nmol/l", "mg/L", "cystatin_c"),
    ("g/g", "mg/mmol", "upcr"),
    ("mg/mmol", "g/g", "upcr"),
    ("g/mmol", "mg/g", "upcr"),
    ("mg/mmol", "mg/g", "uacr"),
    ("mg/g", "mg/mmol", "uacr"),
)
THREADS = 16
ROUNDS = 40


def _clear_unit_caches() -> None:
    """Empty every cache in lupusscore.units (whatever its name)."""
    for obj in list(vars(units).values()):
        clear = getattr(obj, "cache_clear", None)
        if callable(clear):
            clear()


@pytest.fixture
def fast_switching() -> Iterator[None]:
    """Make the interpreter switch threads as often as it can, then restore."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)
        _clear_unit_caches()


def _race(work: Callable[[int], float]) -> tuple[dict[int, float], list[str]]:
    """Run *work(i)* for THREADS threads released together; collect results."""
    barrier = threading.Barrier(THREADS)
    results: dict[int, float] = {}
    errors: list[str] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:  # recorded: a crash inside pint is a failure too
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.usefixtures("fast_switching")
def test_conversion_factors_are_the_same_from_16_threads() -> None:
    """16 threads filling empty caches get the single-threaded factors, every round."""
    _clear_unit_caches()
    expected = {c: units.conversion(c[0], c[1], analyte=c[2]).scale for c in CASES}
    wrong: list[str] = []
    for round_ in range(ROUNDS):
        _clear_unit_caches()
        offset = round_ % len(CASES)

        def work(i: int, offset: int = offset) -> float:
            src, dst, analyte = CASES[(i + offset) % len(CASES)]
            return units.conversion(src, dst, analyte=analyte).scale

        results, errors = _race(work)
        wrong.extend(errors)
        for i, got in results.items():
            case = CASES[(i + offset) % len(CASES)]
            if not math.isclose(got, expected[case], rel_tol=1e-12):
                wrong.append(f"round {round_}: {case} gave {got}, not {expected[case]}")
        # What the threads cached must be right too, for the life of the process.
        for case in CASES:
            cached = units.conversion(case[0], case[1], analyte=case[2]).scale
            if not math.isclose(cached, expected[case], rel_tol=1e-12):
                wrong.append(f"round {round_}: cached {case} = {cached}")
    assert wrong == []


@pytest.mark.usefixtures("fast_switching")
def test_canonical_values_are_the_same_from_16_threads() -> None:
    """to_canonical from 16 threads: 88.4 µmol/L creatinine is always 1.0 mg/dL."""
    _clear_unit_caches()
    values = [(88.4, "umol/L", "creatinine"), (1.0, "mg/L", "cystatin_c")]
    values += [(74.9, "nmol/L", "cystatin_c"), (50.0, "mg/mmol", "upcr")]
    values += [(100.0, "µmol/L", "creatinine"), (100.0, "mg/g", "uacr")]
    expected = [units.to_canonical(v, u, a)[0] for v, u, a in values]
    wrong: list[str] = []
    for round_ in range(ROUNDS):
        _clear_unit_caches()

        def work(i: int, round_: int = round_) -> float:
            value, unit, analyte = values[(i + round_) % len(values)]
            return units.to_canonical(value, unit, analyte)[0]

        results, errors = _race(work)
        wrong.extend(errors)
        for i, got in results.items():
            want = expected[(i + round_) % len(values)]
            if not math.isclose(got, want, rel_tol=1e-12):
                wrong.append(f"round {round_}: thread {i} got {got}, not {want}")
    assert wrong == []
