"""Benchmark unit conversion: cached factors vs pint on every call.

Run: `make bench` (or `.venv/bin/python benchmarks/bench_convert.py`).
Prints figures and ratios; nothing here is asserted.
"""

from __future__ import annotations

import time

import numpy as np

import lupusscore as ls
from lupusscore.units import Q_

N_ARRAY = 1_000_000
N_SCALAR = 50_000
N_MODELS = 20_000


def _timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    values = rng.uniform(0.4, 8.0, N_ARRAY)

    t_ls = _timed(lambda: ls.convert(values, "mg/dL", "µmol/L", analyte="creatinine"))
    t_pint = _timed(lambda: Q_(values, "mg/dL").to("umol/L", "creatinine").magnitude)
    print(f"array of {N_ARRAY:,} creatinine values mg/dL -> µmol/L")
    print(f"  lupusscore.convert      {t_ls * 1e3:8.1f} ms")
    ratio = t_pint / t_ls
    print(f"  pint Quantity.to        {t_pint * 1e3:8.1f} ms   ratio {ratio:5.1f}x")

    scalars = values[:N_SCALAR].tolist()
    t_ls_s = _timed(
        lambda: [
            ls.convert(x, "mg/dL", "µmol/L", analyte="creatinine") for x in scalars
        ]
    )
    t_pint_s = _timed(
        lambda: [Q_(x, "mg/dL").to("umol/L", "creatinine").magnitude for x in scalars],
        repeat=1,
    )
    print(f"{N_SCALAR:,} scalar conversions")
    print(f"  lupusscore.convert      {t_ls_s / N_SCALAR * 1e6:8.2f} µs/value")
    print(
        f"  pint per value          {t_pint_s / N_SCALAR * 1e6:8.2f} µs/value"
        f"   ratio {t_pint_s / t_ls_s:5.1f}x"
    )

    def build() -> None:
        for x in scalars[:N_MODELS]:
            ls.LabResult(
                analyte="creatinine", value=x * 88.4, unit="µmol/L", date="2009-05-01"
            )

    t_models = _timed(build, repeat=1)
    print(f"{N_MODELS:,} validated LabResult models (µmol/L creatinine)")
    print(f"  construction            {t_models / N_MODELS * 1e6:8.2f} µs/model")


if __name__ == "__main__":
    main()
