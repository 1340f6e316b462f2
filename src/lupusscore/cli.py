"""Command line: ``python -m lupusscore report [PATH] [--definition ID] [--format F]``.

``report`` reads a trial JSON file (schema: ``lupusscore.Trial.model_json_schema()``,
see ``docs/outcomes.md``; the bundled synthetic example when PATH is omitted)
and prints the outcome table. ``demo`` is an alias of ``report``.
``example`` prints the bundled synthetic trial file (a starting point for your
own) and ``schema`` prints the trial file's JSON Schema.

Errors in the input give one line on stderr naming the record and field, exit
status 2, no traceback and nothing on stdout (the whole output is built before
anything is printed). Progress goes to stderr, and only when stderr is a
terminal.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from importlib import resources
from typing import Any, Final

from pydantic import ValidationError

from lupusscore.errors import LupusScoreError
from lupusscore.models import Participant, Trial
from lupusscore.outcomes import CiMethod, MissingPolicy
from lupusscore.report import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    ReportFormat,
    build_outcome_table,
    render,
)

__all__ = [
    "load_example_participant",
    "load_example_trial",
    "load_trial",
    "main",
]

EXIT_BAD_INPUT: Final = 2
_INDEXED: Final = re.compile(r"participants\[(\d+)\]")
_EXAMPLE_TRIAL: Final = "data/example_trial.json"


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


def load_example_trial() -> Trial:
    """Return the bundled SYNTHETIC example trial (80 simulated participants).

    Examples
    --------
    >>> t = load_example_trial()
    >>> t.synthetic, t.arm_names
    (True, ('MSC infusion', 'Prednisone'))
    """
    return Trial.model_validate(json.loads(_example_text()))


def load_trial(data: Any) -> Trial:
    """Validate a parsed trial JSON document.

    Participants' visits and events may come in any order: each participant
    record is built with :meth:`Participant.from_unordered`, so reordering
    them in the file never changes a result.

    Raises
    ------
    pydantic.ValidationError, LupusScoreError
        On invalid input.
    """
    if isinstance(data, dict) and isinstance(data.get("participants"), list):
        data = dict(data)
        data["participants"] = [
            Participant.from_unordered(p) if isinstance(p, dict) else p
            for p in data["participants"]
        ]
    return Trial.model_validate(data)


def _record_name(data: Any, loc: Sequence[int | str]) -> str:
    """Name the record an error location points into (participant id)."""
    if len(loc) >= 2 and loc[0] == "participants" and isinstance(loc[1], int):  # noqa: PLR2004
        try:
            pid = data["participants"][loc[1]]["patient"]["id"]
        except (KeyError, IndexError, TypeError):
            pid = None
        where = f"participants[{loc[1]}]"
        return f"participant {pid!r} ({where})" if pid else where
    return "trial"


def _loc_text(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _validation_message(exc: ValidationError, data: Any, index: int | None) -> str:
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    if index is not None:
        loc = ("participants", index, *loc)
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    msg = str(cause) if isinstance(cause, LupusScoreError) else err.get("msg", "")
    found = _INDEXED.match(str(getattr(cause, "field", "")))
    if not loc and found:
        loc = ("participants", int(found.group(1)))
        msg = msg.removeprefix(f"participants[{found.group(1)}].")
    where = _loc_text(loc)
    more = exc.error_count() - 1
    tail = f" (and {more} more error{'s' if more > 1 else ''})" if more > 0 else ""
    return _one_line(
        f"{_record_name(data, loc)}: {where + ': ' if where else ''}{msg}{tail}"
    )


def _read(path: str | None) -> Trial:
    if path is None:
        return load_example_trial()
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    index: int | None = None
    try:
        if isinstance(data, dict) and isinstance(data.get("participants"), list):
            built: list[Any] = []
            for index, record in enumerate(data["participants"]):  # noqa: B007
                built.append(
                    Participant.from_unordered(record)
                    if isinstance(record, dict)
                    else record
                )
            index = None
            return Trial.model_validate({**data, "participants": built})
        return Trial.model_validate(data)
    except ValidationError as exc:
        raise _BadInput(_validation_message(exc, data, index)) from None
    except LupusScoreError as exc:
        loc: tuple[int | str, ...] = () if index is None else ("participants", index)
        raise _BadInput(_one_line(f"{_record_name(data, loc)}: {exc}")) from None


class _BadInput(Exception):
    """Input problem already formatted as one line."""


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rscoring participants: {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _report(args: argparse.Namespace) -> int:
    trial = _read(args.path)
    table = build_outcome_table(
        trial,
        definition=args.definition,
        achieve_by=args.achieve_by,
        maintain_through=args.maintain_through,
        policy=args.missing,
        ci_method=args.ci,
        use_unscheduled=args.use_unscheduled,
        progress=_progress if sys.stderr.isatty() else None,
    )
    text = render(table, args.format)
    sys.stdout.write(text)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lupusscore",
        description="Trial outcome tables for lupus nephritis.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("report", "demo"):
        cmd = sub.add_parser(
            name,
            help="print the outcome table of a trial file"
            + (" (alias of report)" if name == "demo" else ""),
        )
        cmd.add_argument(
            "path",
            nargs="?",
            help="a trial JSON file (default: the bundled synthetic example)",
        )
        cmd.add_argument(
            "--definition",
            default=DEFAULT_DEFINITION,
            help=f"renal response definition id (default {DEFAULT_DEFINITION})",
        )
        cmd.add_argument(
            "--format",
            choices=[f.value for f in ReportFormat],
            default=ReportFormat.TEXT.value,
        )
        cmd.add_argument(
            "--achieve-by",
            default=DEFAULT_ACHIEVE_BY,
            help=f"timepoint label (default {DEFAULT_ACHIEVE_BY!r})",
        )
        cmd.add_argument(
            "--maintain-through",
            default=DEFAULT_MAINTAIN_THROUGH,
            help=f"timepoint label (default {DEFAULT_MAINTAIN_THROUGH!r})",
        )
        cmd.add_argument(
            "--missing",
            choices=[m.value for m in MissingPolicy],
            default=MissingPolicy.NON_RESPONDER.value,
            help="missing-visit policy (default non_responder)",
        )
        cmd.add_argument(
            "--ci",
            choices=[c.value for c in CiMethod],
            default=CiMethod.WILSON.value,
            help="interval for proportions (default wilson)",
        )
        cmd.add_argument(
            "--use-unscheduled",
            action="store_true",
            help="let unscheduled visits stand for a timepoint",
        )
    sub.add_parser("example", help="print the bundled synthetic trial file (JSON)")
    sub.add_parser("schema", help="print the JSON Schema of a trial file")
    return parser


def _example_text() -> str:
    return resources.files("lupusscore").joinpath(_EXAMPLE_TRIAL).read_text("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "example":
        sys.stdout.write(_example_text())
        return 0
    if args.command == "schema":
        print(json.dumps(Trial.model_json_schema(), indent=2))
        return 0
    try:
        return _report(args)
    except _BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
    except ValidationError as exc:
        print(f"error: {_validation_message(exc, None, None)}", file=sys.stderr)
    except LupusScoreError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
    except UnicodeDecodeError as exc:
        print(
            f"error: {args.path}: not UTF-8 text ({exc.reason} at byte {exc.start})",
            file=sys.stderr,
        )
    except json.JSONDecodeError as exc:
        print(
            f"error: {args.path}: not valid JSON ({exc.msg}, line {exc.lineno} "
            f"column {exc.colno})",
            file=sys.stderr,
        )
    except OSError as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
    return EXIT_BAD_INPUT
