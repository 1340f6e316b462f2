"""Command line: ``python -m lupusscore report [PATH|-] [--definition ID] [...]``.

``report`` reads a trial JSON file (schema: ``lupusscore.Trial.model_json_schema()``,
see ``docs/outcomes.md``; the bundled synthetic example when PATH is omitted,
standard input when PATH is ``-``) and prints the outcome table, by a shipped
renal response definition (``--definition ID``) or a protocol's own
(``--definition-file PROTOCOL.json``). ``demo`` is an alias of ``report``.
``example`` prints the bundled synthetic trial file (a starting point for your
own), ``schema`` the trial file's JSON Schema and
``definitions`` the shipped response and flare definitions (ids, versions,
provisional flags). ``--version`` prints the package version.

The command never prints a traceback. Problems give ``error: ...`` lines on
stderr (one per problem; every bad participant record is reported, each line
naming the participant, its index and the field), nothing on stdout (the
whole output is built before anything is printed), and an exit status that
says what went wrong (see :data:`EXIT_CODES` and ``docs/cli.md``). Progress
goes to stderr, and only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import pathlib
import re
import sys
import warnings
from collections.abc import Mapping, Sequence
from importlib import metadata, resources
from typing import TYPE_CHECKING, Any, Final, NoReturn

from pydantic import ValidationError

from lupusscore.cohort import analyse
from lupusscore.errors import DefinitionError, LupusScoreError, MissingExtraError
from lupusscore.models import Participant, Trial
from lupusscore.outcomes import CiMethod, IntercurrentEvent, MissingPolicy, Strategy
from lupusscore.report import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    ReportFormat,
    render,
)

if TYPE_CHECKING:
    from lupusscore.cohort import Analysis, Cohort

__all__ = [
    "EXIT_CODES",
    "EXIT_DATA",
    "EXIT_INTERNAL",
    "EXIT_IO",
    "EXIT_NO_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "TrialFileError",
    "load_example_participant",
    "load_example_trial",
    "load_trial",
    "main",
]

#: Success.
EXIT_OK: Final = 0
#: Usage error: unknown command or option, bad option value (argparse's code).
EXIT_USAGE: Final = 2
#: The input is not a valid trial (EX_DATAERR): bad JSON, not UTF-8, a record
#: that fails validation, an empty trial.
EXIT_DATA: Final = 65
#: The input cannot be opened (EX_NOINPUT): missing, a directory, unreadable.
EXIT_NO_INPUT: Final = 66
#: A bug in lupusscore (EX_SOFTWARE): please report it.
EXIT_INTERNAL: Final = 70
#: Reading or writing failed (EX_IOERR).
EXIT_IO: Final = 74
#: Every exit status and its meaning (also shown by ``--help``).
EXIT_CODES: Final[Mapping[int, str]] = {
    EXIT_OK: "success",
    EXIT_USAGE: "usage error (unknown command or option, bad option value)",
    EXIT_DATA: "invalid input data (not JSON/UTF-8, a record fails validation, "
    "no participants)",
    EXIT_NO_INPUT: "input file missing, a directory or unreadable",
    EXIT_INTERNAL: "internal error in lupusscore (please report it)",
    EXIT_IO: "read or write error",
}

#: Integers with more digits than this are out of range (read as infinite, which
#: every numeric field refuses, naming the participant and field).
MAX_INT_DIGITS: Final = 15

_INDEXED: Final = re.compile(r"participants\[(\d+)\]")
_EXAMPLE_TRIAL: Final = "data/example_trial.json"
_STDIN: Final = "-"


class TrialFileError(LupusScoreError, ValueError):
    """A trial document has problems; :attr:`problems` lists every one.

    Parameters
    ----------
    problems : tuple of str
        One line per problem, each naming the record (participant id and
        index) and the field.
    """

    def __init__(self, *, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the trial"
        super().__init__(f"{head}: " + "; ".join(self.problems), problems=self.problems)


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
    """Validate a parsed trial JSON document, reporting every problem in it.

    Participants' visits and events may come in any order: each participant
    record is built with :meth:`Participant.from_unordered`, so reordering
    them in the file never changes a result. Each participant record is
    validated on its own, so one bad record does not hide the next.

    Raises
    ------
    TrialFileError
        On invalid input; ``problems`` holds one line per problem, each naming
        the participant (id and index) and the field path.

    Examples
    --------
    >>> try:
    ...     load_trial({"name": "T", "participants": [{"patient": {}}, 3]})
    ... except TrialFileError as exc:
    ...     print(len(exc.problems) >= 2, exc.problems[-1])
    True participants[1]: expected a participant object, got int
    """
    problems: list[str] = []
    if not isinstance(data, dict):
        raise TrialFileError(
            problems=[
                f"trial: expected a JSON object with the trial's fields, "
                f"got {_json_type(data)}"
            ]
        )
    records = data.get("participants")
    built: list[Any] = []
    if isinstance(records, list):
        for index, record in enumerate(records):
            where = ("participants", index)
            if not isinstance(record, dict):
                problems.append(
                    f"participants[{index}]: expected a participant object, "
                    f"got {_json_type(record)}"
                )
                continue
            try:
                built.append(Participant.from_unordered(record))
            except ValidationError as exc:
                problems.extend(_validation_lines(exc, data, where))
            except LupusScoreError as exc:
                problems.append(_one_line(f"{_record_name(data, where)}: {exc}"))
            except RecursionError:
                problems.append(
                    f"{_record_name(data, where)}: the record is nested too deeply"
                )
        if problems and not built:
            raise TrialFileError(problems=problems)
    original = data
    if isinstance(records, list):
        data = {**data, "participants": built}
    try:
        trial = Trial.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_lines(exc, original, ()))
    except LupusScoreError as exc:
        problems.append(_one_line(f"trial: {exc}"))
    except RecursionError:
        problems.append("trial: the document is nested too deeply")
    if problems:
        raise TrialFileError(problems=problems)
    return trial


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), type(value).__name__)


def _record_name(data: Any, loc: Sequence[int | str]) -> str:
    """Name the record an error location points into (participant id)."""
    if len(loc) >= 2 and loc[0] == "participants" and isinstance(loc[1], int):  # noqa: PLR2004
        try:
            pid = data["participants"][loc[1]]["patient"]["id"]
        except (KeyError, IndexError, TypeError):
            pid = None
        if isinstance(pid, Participant):  # pragma: no cover - defensive
            pid = None
        where = f"participants[{loc[1]}]"
        return f"participant {pid!r} ({where})" if isinstance(pid, str) else where
    return "trial"


def _loc_text(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _validation_lines(
    exc: ValidationError, data: Any, prefix: tuple[int | str, ...]
) -> list[str]:
    """One line per pydantic error, naming the record and the field path."""
    lines: list[str] = []
    for err in exc.errors():
        loc: tuple[int | str, ...] = (*prefix, *tuple(err.get("loc", ())))
        ctx = err.get("ctx") or {}
        cause = ctx.get("error")
        msg = str(cause) if isinstance(cause, LupusScoreError) else err.get("msg", "")
        found = _INDEXED.match(str(getattr(cause, "field", "")))
        if not loc and found:
            loc = ("participants", int(found.group(1)))
            msg = msg.removeprefix(f"participants[{found.group(1)}].")
        where = _loc_text(loc)
        lines.append(
            _one_line(
                f"{_record_name(data, loc)}: {where + ': ' if where else ''}{msg}"
            )
        )
    return lines


class _Failure(Exception):
    """A problem already formatted: its lines and the exit status."""

    def __init__(self, status: int, lines: Sequence[str]) -> None:
        super().__init__(lines)
        self.status = status
        self.lines = tuple(lines)


def _fail(status: int, *lines: str) -> NoReturn:
    raise _Failure(status, lines)


def _bounded_int(text: str) -> int | float:
    """JSON integers: beyond :data:`MAX_INT_DIGITS` digits they are infinite."""
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        return -math.inf if text.startswith("-") else math.inf
    return int(text)


def _read_bytes(path: str) -> bytes:
    if path == _STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            return sys.stdin.read().encode("utf-8")
        raw: bytes = stream.read()
        return raw
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        _fail(EXIT_NO_INPUT, f"{path}: cannot open: {exc.strerror or exc}")
    except PermissionError as exc:
        _fail(EXIT_NO_INPUT, f"{path}: cannot open: {exc.strerror or exc}")
    except OSError as exc:
        _fail(EXIT_IO, _one_line(f"{path}: cannot read: {exc.strerror or exc}"))


class _DuplicateKeyError(ValueError):
    """A JSON object names one key twice (the last value would silently win)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            msg = f"the key {key!r} appears twice in one object"
            raise _DuplicateKeyError(msg)
        seen[key] = value
    return seen


def _parse_json(raw: bytes, name: str) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(EXIT_DATA, f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    if not text.strip():
        _fail(EXIT_DATA, f"{name}: empty input, expected a trial JSON object")
    try:
        return json.loads(text, parse_int=_bounded_int, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        _fail(
            EXIT_DATA,
            f"{name}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})",
        )
    except RecursionError:
        _fail(EXIT_DATA, f"{name}: not accepted: JSON nested too deeply")
    except _DuplicateKeyError as exc:
        _fail(EXIT_DATA, f"{name}: not accepted: {exc}")
    except ValueError as exc:  # e.g. int digit limits
        _fail(EXIT_DATA, _one_line(f"{name}: not valid JSON ({exc})"))


def _read(path: str | None) -> Trial:
    if path is None:
        return load_example_trial()
    name = "<stdin>" if path == _STDIN else path
    data = _parse_json(_read_bytes(path), name)
    try:
        trial = load_trial(data)
    except TrialFileError as exc:
        _fail(EXIT_DATA, *exc.problems)
    if not trial.participants:
        _fail(EXIT_DATA, f"{name}: trial: participants: the trial has no participants")
    return trial


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rscoring participants: {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


#: Fields whose errors come from command-line options (usage errors).
_OPTION_FIELDS: Final = frozenset(
    {
        "definition",
        "schedule",
        "achieve_by",
        "maintain_through",
        "policy",
        "ci_method",
        "reference",
        "strategies",
    }
    | {f"strategies.{e.value}" for e in IntercurrentEvent}
)


def _strategies(text: str | None) -> dict[str, str] | None:
    """Parse ``--strategy rescue=composite,death=composite`` (exit 2 if malformed)."""
    if text is None:
        return None
    chosen: dict[str, str] = {}
    for item in text.split(","):
        event, sep, strategy = item.strip().partition("=")
        if not sep or not event.strip() or not strategy.strip():
            _fail(
                EXIT_USAGE,
                f"--strategy: got {item.strip()!r}; expected EVENT=STRATEGY pairs "
                "joined by commas, EVENT one of "
                + ", ".join(e.value for e in IntercurrentEvent)
                + " and STRATEGY one of "
                + ", ".join(s.value for s in Strategy),
            )
        if event.strip() in chosen:
            _fail(EXIT_USAGE, f"--strategy: {event.strip()!r} given twice")
        chosen[event.strip()] = strategy.strip()
    return chosen


def _schedule(path: pathlib.Path | None) -> list[Any]:
    """Read ``--schedule``: a JSON list of timepoints (label, day, window_days)."""
    if path is None:
        _fail(
            EXIT_USAGE,
            "--sdtm needs --schedule FILE.json: a JSON list of timepoints such as "
            '[{"label": "WEEK 24", "day": 168, "window_days": 14}] (SDTM has no '
            "analysis windows; lupusscore never invents one)",
        )
    name = str(path)
    data = _parse_json(_read_bytes(name), name)
    if isinstance(data, dict):
        data = data.get("schedule")
    if not isinstance(data, list) or not data:
        _fail(
            EXIT_DATA,
            f"{name}: expected a non-empty JSON list of timepoints (label, day, "
            "window_days), or an object with one under 'schedule'",
        )
    return data


def _sdtm_cohort(args: argparse.Namespace) -> Cohort:
    """Read ``--sdtm DIR`` into a cohort (exit 66 if unreadable, 65 if bad)."""
    from lupusscore.cdisc import read_sdtm  # noqa: PLC0415 - optional extra

    folder = pathlib.Path(args.sdtm)
    if not folder.is_dir():
        _fail(EXIT_NO_INPUT, f"--sdtm: {folder}: not a folder")
    schedule = _schedule(args.schedule)
    try:
        return read_sdtm(folder, schedule=schedule)
    except LupusScoreError as exc:
        _fail(EXIT_DATA, *_one_line(str(exc)).split(";  "))
    except ValidationError as exc:
        _fail(EXIT_DATA, *_validation_lines(exc, None, ()))


def _analysis(args: argparse.Namespace) -> Analysis:
    """Return the analysis of ``--sdtm DIR`` under the command's options."""
    cohort = _sdtm_cohort(args)
    try:
        return analyse(
            cohort,
            definition=args.definition_file or args.definition,
            achieve_by=args.achieve_by,
            maintain_through=args.maintain_through,
            policy=args.missing,
            ci_method=args.ci,
            use_unscheduled=args.use_unscheduled,
            progress=_progress if sys.stderr.isatty() else None,
            strategies=_strategies(args.strategy),
        )
    except LupusScoreError as exc:
        _fail_option_or_data(exc)


def _adam(args: argparse.Namespace) -> str:
    """Write the ADaM datasets of ``--sdtm DIR`` into ``--out DIR``."""
    from lupusscore.cdisc import write_adam  # noqa: PLC0415 - optional extra

    analysis = _analysis(args)
    try:
        written = write_adam(analysis, args.out, format=args.format)
    except MissingExtraError as exc:
        _fail(EXIT_USAGE, _one_line(str(exc)))
    except LupusScoreError as exc:
        _fail(EXIT_DATA, _one_line(str(exc)))
    except OSError as exc:
        _fail(EXIT_IO, _one_line(f"--out {args.out}: {exc}"))
    return "".join(f"wrote {path}\n" for path in written.values())


def _fail_option_or_data(exc: LupusScoreError) -> NoReturn:
    """Exit 2 for an error about a command-line option, 65 for one in the data."""
    option = isinstance(exc, DefinitionError) or (
        getattr(exc, "field", None) in _OPTION_FIELDS
    )
    _fail(EXIT_USAGE if option else EXIT_DATA, _one_line(str(exc)))


def _compared(args: argparse.Namespace, analysis: Analysis) -> str:
    """Render the report of *analysis*: with comparisons, or the sensitivity table."""
    from lupusscore.stats import (  # noqa: PLC0415 - statsmodels only if installed
        render_sensitivity,
        with_comparisons,
    )

    if args.sensitivity:
        if args.format not in {"text", "json", "csv"}:
            _fail(
                EXIT_USAGE, f"--sensitivity: no {args.format} format (text, json, csv)"
            )
        return render_sensitivity(
            analysis.sensitivity(reference=args.reference), args.format
        )
    if args.format == ReportFormat.HTML:
        # The HTML page draws its figures and appendix from the analysis itself.
        return render(analysis, args.format)
    return render(with_comparisons(analysis, args.reference), args.format)


def _report(args: argparse.Namespace) -> str:
    if getattr(args, "sdtm", None) is not None:
        if args.path is not None:
            _fail(EXIT_USAGE, "give a trial file or --sdtm DIR, not both")
        analysis = _analysis(args)
        try:
            return _compared(args, analysis)
        except LupusScoreError as exc:
            _fail_option_or_data(exc)
    trial = _read(args.path)
    if not trial.schedule:  # bad data in the file, not a bad option
        _fail(
            EXIT_DATA,
            "schedule: got []; expected at least one scheduled timepoint in the "
            "trial file",
        )
    try:
        analysis = analyse(
            trial,
            definition=args.definition_file or args.definition,
            achieve_by=args.achieve_by,
            maintain_through=args.maintain_through,
            policy=args.missing,
            ci_method=args.ci,
            use_unscheduled=args.use_unscheduled,
            progress=_progress if sys.stderr.isatty() else None,
            strategies=_strategies(args.strategy),
        )
        return _compared(args, analysis)
    except LupusScoreError as exc:
        _fail_option_or_data(exc)
    except ValidationError as exc:  # a result built from the data failed
        _fail(EXIT_DATA, *_validation_lines(exc, None, ()))


def _definitions(fmt: str, show: str | None = None) -> str:
    from lupusscore.response import (  # noqa: PLC0415
        definition_json,
        get_definition,
        get_flare_definition,
        list_definitions,
        list_flare_definitions,
    )

    if show is not None:
        # The shipped file of one response definition: the natural start for a
        # protocol's own definition (edit it, pass it with --definition-file).
        shipped = {d.id for d in list_definitions()}
        flares = {d.id for d in list_flare_definitions()}
        if show not in shipped | flares:
            _fail(
                EXIT_USAGE,
                f"definitions --show: unknown id {show!r}; shipped response: "
                f"{', '.join(sorted(shipped))}; flare: {', '.join(sorted(flares))}",
            )
        try:
            if show in shipped:
                return definition_json(get_definition(show))
            return definition_json(get_flare_definition(show))
        except DefinitionError as exc:
            _fail(EXIT_USAGE, _one_line(str(exc)))

    rows: list[dict[str, str | bool]] = [
        {
            "kind": kind,
            "id": d.id,
            "version": d.version,
            "provisional": bool(getattr(d, "provisional", False)),
            "title": d.title,
        }
        for kind, defs in (
            ("response", list_definitions()),
            ("flare", list_flare_definitions()),
        )
        for d in defs
    ]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    width = max(len(str(r["id"])) for r in rows)
    lines = [f"{'kind':<8}  {'id':<{width}}  version  provisional  title"]
    lines += [
        f"{r['kind']!s:<8}  {r['id']!s:<{width}}  {r['version']!s:<7}  "
        f"{'yes' if r['provisional'] else 'no':<11}  {r['title']!s}"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _exit_help() -> str:
    lines = [f"  {code:>3}  {text}" for code, text in EXIT_CODES.items()]
    return "exit status:\n" + "\n".join(lines) + "\n\nsee docs/cli.md"


def _version() -> str:
    """Return the installed package version (as ``lupusscore.__version__``)."""
    try:
        return metadata.version("lupusscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - source tree
        return "0+unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lupusscore",
        description="Trial outcome tables for lupus nephritis.",
        epilog=_exit_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"lupusscore {_version()}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("report", "demo", "adam"):
        cmd = sub.add_parser(
            name,
            help=(
                "write the ADaM datasets (ADSL, ADLB, ADRS, ADTTE) of an SDTM folder"
                if name == "adam"
                else "print the outcome table of a trial file or an SDTM folder"
                + (" (alias of report)" if name == "demo" else "")
            ),
            epilog=_exit_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name != "adam":
            cmd.add_argument(
                "path",
                nargs="?",
                help="a trial JSON file, or - for standard input "
                "(default: the bundled synthetic example)",
            )
        cmd.add_argument(
            "--sdtm",
            metavar="DIR",
            required=name == "adam",
            help="a study folder of SDTM domains (DM, LB, SV, DS, VS as CSV, SAS "
            "XPT v5 or Dataset-JSON 1.1; see docs/cdisc.md)",
        )
        cmd.add_argument(
            "--schedule",
            metavar="FILE.json",
            type=pathlib.Path,
            help="with --sdtm: the analysis timepoints, a JSON list of "
            '{"label", "day", "window_days"}',
        )
        if name == "adam":
            cmd.add_argument("--out", metavar="DIR", required=True)
        which = cmd.add_mutually_exclusive_group()
        which.add_argument(
            "--definition",
            default=DEFAULT_DEFINITION,
            help=f"renal response definition id (default {DEFAULT_DEFINITION}; "
            "see the definitions command)",
        )
        which.add_argument(
            "--definition-file",
            metavar="PROTOCOL.json",
            type=pathlib.Path,
            help="a protocol's own renal response definition (JSON; schema: "
            "RenalResponseDefinition.model_json_schema())",
        )
        if name == "adam":
            cmd.add_argument("--format", choices=["xpt", "json", "csv"], default="xpt")
        else:
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
        cmd.add_argument(
            "--strategy",
            metavar="EVENT=STRATEGY,...",
            help="intercurrent-event strategies (ICH E9(R1)), e.g. "
            "rescue=hypothetical,death=composite; EVENT: "
            + ", ".join(e.value for e in IntercurrentEvent)
            + "; STRATEGY: "
            + ", ".join(s.value for s in Strategy)
            + " (default composite for every event; docs/estimands.md)",
        )
        if name != "adam":
            cmd.add_argument(
                "--reference",
                metavar="ARM",
                help="reference arm of the between-arm comparisons (default: the "
                "trial's control_arm, else the first arm in sorted order)",
            )
            cmd.add_argument(
                "--sensitivity",
                action="store_true",
                help="print the primary outcome by arm and the difference under "
                "every shipped definition (and --definition-file's) and every "
                "missing-data policy, side by side, instead of the outcome table",
            )
    sub.add_parser("example", help="print the bundled synthetic trial file (JSON)")
    sub.add_parser("schema", help="print the JSON Schema of a trial file")
    defs = sub.add_parser(
        "definitions",
        help="list the shipped response and flare definitions "
        "(id, version, provisional)",
    )
    defs.add_argument("--format", choices=["text", "json"], default="text")
    defs.add_argument(
        "--show",
        metavar="ID",
        help="print the JSON file of one shipped response or flare definition "
        "(a response one is a starting point for --definition-file)",
    )
    return parser


def _example_text() -> str:
    return resources.files("lupusscore").joinpath(_EXAMPLE_TRIAL).read_text("utf-8")


def _output(args: argparse.Namespace) -> str:
    """Build the whole output of a command (nothing is printed here)."""
    if args.command == "example":
        return _example_text()
    if args.command == "schema":
        return json.dumps(Trial.model_json_schema(), indent=2) + "\n"
    if args.command == "definitions":
        return _definitions(args.format, args.show)
    if args.command == "adam":
        return _adam(args)
    return _report(args)


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at devnull so exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass


def _write(text: str) -> int:
    if sys.stdout is None:  # started with stdout closed
        _error("cannot write the output: standard output is closed")
        return EXIT_IO
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        _silence_stdout()
        return EXIT_OK
    except (OSError, ValueError) as exc:  # disk full, closed file ...
        _silence_stdout()
        _error(_one_line(f"cannot write the output: {exc}"))
        return EXIT_IO
    return EXIT_OK


def _warn_lines(caught: list[warnings.WarningMessage]) -> None:
    """Print each distinct warning once, as one ``warning:`` line on stderr."""
    seen: set[str] = set()
    for item in caught:
        text = _one_line(f"{item.category.__name__}: {item.message}")
        if text not in seen:
            seen.add(text)
            with contextlib.suppress(OSError, ValueError):
                print(f"warning: {text}", file=sys.stderr)


def _error(line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr closed: say nothing
        print(f"error: {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (see :data:`EXIT_CODES`).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 for usage errors, 65 for invalid data, 66 when the
        input cannot be opened, 74 for I/O errors, 70 for an internal error.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        code = exc.code
        return code if isinstance(code, int) else EXIT_USAGE
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            text = _output(args)
        _warn_lines(caught)
    except _Failure as failure:
        for line in failure.lines:
            _error(_one_line(line))
        return failure.status
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except Exception as exc:  # last resort: never a traceback
        _error(
            _one_line(
                f"internal error ({type(exc).__name__}: {exc}); please report "
                "this with the input that caused it"
            )
        )
        return EXIT_INTERNAL
    return _write(text)
