"""Command line: ``python -m lupusscore``.

``demo`` reads the bundled example participant and prints each lab result as
reported and in its canonical unit. Errors in input files are reported as one
message naming the record and field, with exit status 2 and no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources

from pydantic import ValidationError

from lupusscore.errors import LupusScoreError
from lupusscore.models import Participant

__all__ = ["load_example_participant", "main"]

EXIT_BAD_INPUT = 2


def load_example_participant() -> Participant:
    """Return the bundled (synthetic) example participant.

    Examples
    --------
    >>> load_example_participant().patient.id
    'EX-001'
    """
    text = (
        resources.files("lupusscore")
        .joinpath("data/example_participant.json")
        .read_text(encoding="utf-8")
    )
    return Participant.model_validate_json(text)


def _demo(path: str | None) -> int:
    if path is None:
        participant = load_example_participant()
    else:
        with open(path, encoding="utf-8") as fh:
            participant = Participant.model_validate(json.load(fh))
    pid = participant.patient.id
    print(f"lupusscore demo: participant {pid} ({participant.patient.sex})")
    print(f"{'date':<12}{'analyte':<13}{'as reported':>22}  {'canonical':>18}")
    for visit in participant.visits:
        for lab in visit.labs:
            reported = f"{lab.value:g} {lab.unit}"
            canonical = f"{lab.canonical_value:.4g} {lab.canonical_unit}"
            print(f"{visit.date!s:<12}{lab.analyte:<13}{reported:>22}  {canonical:>18}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lupusscore")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="score the bundled example")
    demo.add_argument("path", nargs="?", help="a participant JSON file")
    args = parser.parse_args(argv)
    try:
        return _demo(args.path)
    except ValidationError as exc:
        print(f"error: invalid input: {exc}", file=sys.stderr)
    except (LupusScoreError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
    return EXIT_BAD_INPUT
