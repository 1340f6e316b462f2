"""``make fuzz``: fuzz every public entry point and print a table of violations.

Usage::

    HYPOTHESIS_PROFILE=fuzz python tests/fuzz/run_fuzz.py [--jobs 2] [--only NAME]
        [--examples N] [--no-shrink] [--emit-known]

The profile (``HYPOTHESIS_PROFILE``, default ``fuzz``) sets the base number of
examples per target (``fuzz``: see ``fuzz_harness.FUZZ_BASE_EXAMPLES``;
``ci``: the small slice ``make test`` runs), scaled per target by
``fuzz_harness.WEIGHTS``. Exit status: 0 when no call broke the contract (and,
under the ``fuzz`` profile, at least ``--min-total`` examples ran), 1
otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fuzz_harness as fh
from hypothesis import settings
from known_violations import KNOWN_VIOLATIONS

import strategies as hs


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run_one(job: tuple[str, int, bool, bool]) -> dict[str, Any]:
    name, examples, derandomize, shrink = job
    target = next(t for t in fh.discover() if t.name == name)
    started = time.monotonic()
    stats = fh.run_target(target, examples, derandomize=derandomize)
    minimal = None
    if shrink and stats.violations:
        minimal = fh.shrink_target(target, max(50, examples // 4))
    return {
        "name": name,
        "stats": stats,
        "minimal": minimal,
        "seconds": time.monotonic() - started,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz targets; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="substring of target names")
    parser.add_argument("--examples", type=int, help="override the base budget")
    parser.add_argument("--min-total", type=int, default=100_000)
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument(
        "--emit-known",
        action="store_true",
        help="print a KNOWN_VIOLATIONS literal for tests/fuzz/known_violations.py",
    )
    args = parser.parse_args(argv)
    profile = os.environ.get("HYPOTHESIS_PROFILE", "fuzz")
    if profile == "ci":
        base, derandomize = fh.CI_EXAMPLES, True
    else:
        chosen = settings.get_profile(profile)
        base, derandomize = chosen.max_examples, chosen.derandomize
    if args.examples:
        base = args.examples
    targets = [t for t in fh.discover() if args.only in t.name]
    jobs = [
        (t.name, fh.examples_for(t, base), derandomize, not args.no_shrink)
        for t in targets
    ]
    # Slow targets first so the pool stays busy to the end.
    jobs.sort(key=lambda j: -fh.WEIGHTS.get(j[0], 1.0) * j[1])
    started = time.monotonic()
    _out(f"profile {profile}: {len(jobs)} entry points, base {base} examples each")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(_run_one, jobs))
    results.sort(key=lambda r: r["name"])

    width = max(len(r["name"]) for r in results) - len("lupusscore.")
    _out()
    _out(f"{'entry point':<{width}}  {'examples':>8}  {'raised ok':>9}  violations")
    _out("-" * (width + 34))
    total = violations = 0
    failing: list[dict[str, Any]] = []
    for r in results:
        stats: fh.Stats = r["stats"]
        total += stats.examples
        violations += stats.violation_count
        kinds = ", ".join(sorted({v.kind for v in stats.violations.values()}))
        short = r["name"].removeprefix("lupusscore.")
        _out(
            f"{short:<{width}}  {stats.examples:>8}  {stats.raised_ok:>9}  "
            f"{stats.violation_count:>10}  {kinds}"
        )
        if stats.violations:
            failing.append(r)
    hang_failures = []
    if not args.only or "parse_unit" in args.only:
        probes = [
            (f"units.parse_unit [subprocess] {unit!r}", fh.hang_risk_violation, unit)
            for unit in hs.HANG_RISK_UNITS
        ] + [
            (f"cli report [subprocess] {unit!r}", fh.cli_hang_risk_violation, unit)
            for unit in hs.HANG_RISK_UNITS
        ]
        for label, probe, unit in probes:
            problem = probe(unit, 10.0)
            total += 1
            mark = 0 if problem is None else 1
            violations += mark
            _out(
                f"{label:<{width}}  {1:>8}  {1 - mark:>9}  {mark:>10}  {problem or ''}"
            )
            if problem:
                hang_failures.append(problem)
    _out("-" * (width + 34))
    _out(
        f"{'total':<{width}}  {total:>8}  {'':>9}  {violations:>10}  "
        f"({len(failing) + len(hang_failures)} failing, "
        f"{time.monotonic() - started:.0f} s)"
    )

    if failing:
        _out("\nviolations (first class per entry point, shrunk when possible):")
        for r in failing:
            stats = r["stats"]
            _out("")
            _out(stats.describe())
            if r["minimal"] is not None:
                m: fh.Violation = r["minimal"]
                _out(f"  minimal: {m.kind} at {m.where}: {m.message[:160]}")
                _out(f"    {m.reproducer[:600]}")
    stale = sorted(set(KNOWN_VIOLATIONS) - {r["name"] for r in failing})
    stale = [s for s in stale if any(s == r["name"] for r in results)]
    if stale:
        _out("\nKNOWN_VIOLATIONS entries that no longer fail (remove them):")
        for name in stale:
            _out(f"  {name}")
    if args.emit_known:
        _out("\nKNOWN_VIOLATIONS = {")
        for r in failing:
            v = r["minimal"] or max(
                r["stats"].violations.values(), key=lambda v: v.count
            )
            _out(f"    {r['name']!r}: (")
            _out(f"        {v.kind!r},")
            _out(f"        {v.reproducer!r},")
            _out("    ),")
        _out("}")
    if profile == "fuzz" and not args.only and total < args.min_total:
        _out(f"\nonly {total} examples ran; the budget is {args.min_total}")
        return 1
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
