"""The command line on hostile input: never a traceback, documented exit codes.

Every case checks the exit status, that stdout is empty, that each stderr line
starts with ``error:`` and that the last-resort handler (``internal error``,
exit 70) is never reached.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lupusscore import __version__, cli
from lupusscore.cli import load_trial, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "lupusscore" / "data" / "example_trial.json"
EXIT_USAGE, EXIT_DATA, EXIT_NO_INPUT, EXIT_INTERNAL = 2, 65, 66, 70


def _example() -> Any:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _with_lab(field: str, value: object, *where: int) -> Any:
    """The example trial with the first lab of the given participants changed."""
    data = _example()
    for index in where:
        data["participants"][index]["visits"][0]["labs"][0][field] = value
    return data


def _hostile_files(tmp_path: Path) -> dict[str, tuple[Path, int, str]]:
    """name -> (path, expected exit status, text expected on stderr)."""
    files: dict[str, tuple[bytes, int, str]] = {
        "deeply nested": (b"[" * 100_000 + b"]" * 100_000, EXIT_DATA, "nested"),
        "nested object": (
            b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
            EXIT_DATA,
            "nested",
        ),
        "400-digit number": (
            json.dumps(_with_lab("value", 0, 0))
            .replace('"value": 0', '"value": ' + "9" * 400, 1)
            .encode(),
            EXIT_DATA,
            "participants[0].visits[0].labs[0].value",
        ),
        "1e400": (
            json.dumps(_with_lab("value", 0, 0))
            .replace('"value": 0', '"value": 1e400', 1)
            .encode(),
            EXIT_DATA,
            "participants[0].visits[0].labs[0].value",
        ),
        "unit 1e400 umol/L": (
            json.dumps(_with_lab("unit", "1e400 umol/L", 0)).encode(),
            EXIT_DATA,
            "participants[0].visits[0].labs[0].unit",
        ),
        "unit 10**10**8 mg/dL": (
            json.dumps(_with_lab("unit", "10**10**8 mg/dL", 1)).encode(),
            EXIT_DATA,
            "participants[1].visits[0].labs[0].unit",
        ),
        "unhashable unit": (
            json.dumps(_with_lab("unit", ["mg/dL"], 2)).encode(),
            EXIT_DATA,
            "participants[2].visits[0].labs[0].unit",
        ),
        "empty trial": (
            json.dumps({**_example(), "participants": []}).encode(),
            EXIT_DATA,
            "no participants",
        ),
        "empty object": (b"{}", EXIT_DATA, "name"),
        "empty file": (b"", EXIT_DATA, "empty input"),
        "non-UTF-8": (b"\xff\xfe{\x00}", EXIT_DATA, "not UTF-8"),
        "a list": (b"[1, 2]", EXIT_DATA, "got a list"),
        "a number": (b"3", EXIT_DATA, "got int"),
        "a string": (b'"trial"', EXIT_DATA, "got a string"),
        "null": (b"null", EXIT_DATA, "got null"),
        "participants not objects": (
            json.dumps({**_example(), "participants": [1, None]}).encode(),
            EXIT_DATA,
            "participants[1]",
        ),
        "NaN literal": (
            json.dumps(_with_lab("value", 0, 0))
            .replace('"value": 0', '"value": NaN', 1)
            .encode(),
            EXIT_DATA,
            "participants[0].visits[0].labs[0].value",
        ),
        "not JSON": (b"{not json", EXIT_DATA, "not valid JSON"),
    }
    out: dict[str, tuple[Path, int, str]] = {}
    for i, (name, (raw, status, needle)) in enumerate(files.items()):
        path = tmp_path / f"hostile{i}.json"
        path.write_bytes(raw)
        out[name] = (path, status, needle)
    directory = tmp_path / "a-directory"
    directory.mkdir()
    out["a directory"] = (directory, EXIT_NO_INPUT, "cannot open")
    out["a missing file"] = (tmp_path / "missing.json", EXIT_NO_INPUT, "cannot open")
    return out


HOSTILE = [
    "deeply nested",
    "nested object",
    "400-digit number",
    "1e400",
    "unit 1e400 umol/L",
    "unit 10**10**8 mg/dL",
    "unhashable unit",
    "empty trial",
    "empty object",
    "empty file",
    "non-UTF-8",
    "a list",
    "a number",
    "a string",
    "null",
    "participants not objects",
    "NaN literal",
    "not JSON",
    "a directory",
    "a missing file",
]


def _check_stderr(err: str, needle: str) -> None:
    lines = err.splitlines()
    assert lines, "no error message"
    assert all(line.startswith("error: ") for line in lines), err
    assert "Traceback" not in err
    assert "internal error" not in err
    assert needle in err


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_via_main(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """main([...]): error lines only, the documented status, nothing on stdout."""
    path, status, needle = _hostile_files(tmp_path)[name]
    got = main(["report", str(path)])
    out, err = capsys.readouterr()
    assert got == status != EXIT_INTERNAL
    assert out == ""
    _check_stderr(err, needle)


#: The cases where the process itself matters, run again through ``python -m``:
#: interpreter limits (recursion, integer-string digits), bytes that are not
#: text, and the operating system's errors. Every case runs in-process above; a
#: subprocess costs an interpreter start (~1-2 s), so the rest are not repeated
#: here. The exponent-tower unit through the command line is the hang probe of
#: tests/fuzz/test_fuzz_targets.py.
PROCESS_LEVEL = [
    "deeply nested",
    "400-digit number",
    "non-UTF-8",
    "a directory",
    "a missing file",
]


@pytest.mark.parametrize("name", PROCESS_LEVEL)
def test_hostile_input_via_subprocess(name: str, tmp_path: Path) -> None:
    """python -m lupusscore report FILE: same status, no traceback, empty stdout."""
    path, status, needle = _hostile_files(tmp_path)[name]
    done = subprocess.run(
        [sys.executable, "-m", "lupusscore", "report", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == status
    assert done.stdout == ""
    _check_stderr(done.stderr, needle)


def test_every_bad_record_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three bad participants: three lines, each naming participant id and path."""
    data = _with_lab("unit", "furlongs", 0, 5, 40)
    path = tmp_path / "three.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["report", str(path)]) == EXIT_DATA
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    for line, index in zip(lines, (0, 5, 40), strict=True):
        pid = data["participants"][index]["patient"]["id"]
        assert line.startswith(f"error: participant {pid!r} (participants[{index}])")
        assert f"participants[{index}].visits[0].labs[0].unit" in line


def test_load_trial_reports_every_problem() -> None:
    """load_trial raises one TrialFileError listing every bad record, in order."""
    data = _with_lab("unit", "furlongs", 1, 7)
    data["participants"].append("not a participant")
    with pytest.raises(cli.TrialFileError) as info:
        load_trial(data)
    problems = info.value.problems
    assert len(problems) == 3
    assert "participants[1].visits[0].labs[0].unit" in problems[0]
    assert "participants[7].visits[0].labs[0].unit" in problems[1]
    assert problems[2].startswith("participants[80]: expected a participant object")
    assert isinstance(info.value, ValueError)


def test_load_trial_rejects_documents_that_are_not_objects() -> None:
    """A list or a number is a TrialFileError, not a pydantic internal error."""
    for data in ([], 3, "x", None):
        with pytest.raises(cli.TrialFileError, match="expected a JSON object"):
            load_trial(data)


def test_schema_into_a_closed_pipe_is_quiet() -> None:
    """`schema | head -1`: exit 0 and nothing on stderr (no BrokenPipeError)."""
    done = subprocess.run(
        f"{sys.executable} -m lupusscore schema | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "{\n"
    assert done.stderr == ""
    proc = subprocess.Popen(
        [sys.executable, "-m", "lupusscore", "schema"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()  # the reader goes away before the output is written
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err
    assert "BrokenPipe" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version and exits 0."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"lupusscore {__version__}\n"


def test_definitions_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """definitions lists ids, versions and provisional flags (text and JSON)."""
    from lupusscore.response import list_definitions, list_flare_definitions

    assert main(["definitions"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].split()[:4] == ["kind", "id", "version", "provisional"]
    assert main(["definitions", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    response = {
        (r["id"], r["version"], r["provisional"])
        for r in rows
        if r["kind"] == "response"
    }
    assert response == {(d.id, d.version, d.provisional) for d in list_definitions()}
    flares = {(r["id"], r["version"]) for r in rows if r["kind"] == "flare"}
    assert flares == {(d.id, d.version) for d in list_flare_definitions()}
    assert any(r["provisional"] for r in rows)  # eular-2019 has a provisional tier
    for row in rows:
        assert row["id"] in text


def test_stdin_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report -` reads the trial from standard input."""
    raw = EXAMPLE.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["report", "-", "--format", "csv"]) == 0
    from_stdin = capsys.readouterr().out
    assert main(["report", str(EXAMPLE), "--format", "csv"]) == 0
    assert from_stdin == capsys.readouterr().out


def test_stdin_dash_bad_data_names_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad bytes on standard input: exit 65, the message says <stdin>."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"[1]")))
    assert main(["report", "-"]) == EXIT_DATA
    out, err = capsys.readouterr()
    assert out == ""
    assert "got a list" in err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff")))
    assert main(["report", "-"]) == EXIT_DATA
    assert "<stdin>: not UTF-8" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown options and commands are usage errors (2), distinct from data (65)."""
    assert main(["report", "--bogus"]) == EXIT_USAGE
    assert main(["frobnicate"]) == EXIT_USAGE
    assert main([]) == EXIT_USAGE
    assert main(["report", "--definition", "nope"]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    """--help lists every exit status."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for code in ("0", "2", "65", "66", "70", "74"):
        assert f"\n  {code:>3}  " in out


def test_unexpected_exception_is_internal_error_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug (not bad input) gives one `error: internal error` line and exit 70."""
    from lupusscore import cli

    def broken(*args: object, **kwargs: object) -> object:
        msg = "boom"
        raise KeyError(msg)

    monkeypatch.setattr(cli, "analyse", broken)
    assert main(["report"]) == EXIT_INTERNAL
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error: internal error (KeyError")
    assert len(err.splitlines()) == 1


def test_unwritable_stdout_is_exit_74() -> None:
    """A full disk or a closed stdout: one error line, exit 74, no traceback."""
    closed = subprocess.run(
        f"{sys.executable} -m lupusscore schema >&-",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert closed.returncode == 74
    assert closed.stderr.startswith("error: cannot write the output")
    assert "Traceback" not in closed.stderr
    if Path("/dev/full").exists():
        with open("/dev/full", "w", encoding="utf-8") as full:
            done = subprocess.run(
                [sys.executable, "-m", "lupusscore", "schema"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
        assert done.returncode == 74
        assert done.stderr.startswith("error: cannot write the output")
        assert "Traceback" not in done.stderr


def test_data_error_while_scoring_is_65_not_internal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A LupusScoreError or ValidationError raised while scoring is bad data (65)."""
    from pydantic import BaseModel

    from lupusscore.errors import DuplicateResultError

    class _Probe(BaseModel):
        x: int

    def duplicate(*args: object, **kwargs: object) -> object:
        raise DuplicateResultError(analyte="upcr", when="2020-01-01", specimen="spot")

    def invalid(*args: object, **kwargs: object) -> object:
        return _Probe.model_validate({"x": "not a number"})

    for fake in (duplicate, invalid):
        monkeypatch.setattr(cli, "analyse", fake)
        assert main(["report"]) == EXIT_DATA
        out, err = capsys.readouterr()
        assert out == ""
        _check_stderr(err, "")
