"""python -m lupusscore report: output, formats and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lupusscore.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "src" / "lupusscore" / "data" / "example_trial.json"


def test_report_default_prints_text(capsys: pytest.CaptureFixture[str]) -> None:
    """report with no path prints the bundled example's table, exit 0."""
    assert main(["report"]) == 0
    out, err = capsys.readouterr()
    assert "== PRIMARY ==" in out
    assert err == ""  # not a terminal: no progress


def test_demo_is_an_alias(capsys: pytest.CaptureFixture[str]) -> None:
    """demo prints the same as report."""
    main(["report", "--format", "csv"])
    first = capsys.readouterr().out
    main(["demo", "--format", "csv"])
    assert capsys.readouterr().out == first


def test_report_json_from_path(capsys: pytest.CaptureFixture[str]) -> None:
    """A path and --format json give parseable JSON with the chosen definition."""
    assert main(["report", str(EXAMPLE), "--format", "json", "--ci", "exact"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ci_method"] == "exact"


def _bad(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "trial.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _example() -> Any:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_bad_lab_unit_names_record_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad unit: one line naming participant and field, exit 65, empty stdout."""
    data = _example()
    data["participants"][2]["visits"][1]["labs"][0]["unit"] = "furlongs"
    assert main(["report", str(_bad(tmp_path, data))]) == 65
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "participant 'SYN-003'" in err
    assert "visits[1].labs[0].unit" in err


def test_duplicate_participant_names_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A duplicated participant id names the second record."""
    data = _example()
    parts = data["participants"]
    parts.append(parts[0])
    assert main(["report", str(_bad(tmp_path, data))]) == 65
    out, err = capsys.readouterr()
    assert out == ""
    assert "participant 'SYN-001' (participants[80])" in err
    assert "patient.id" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--definition", "nope"], "definition"),
        (["--achieve-by", "week 3"], "schedule"),
    ],
)
def test_bad_options_exit_2(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown definition or timepoint: message, exit 2, nothing on stdout."""
    assert main(["report", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert needle in err


def test_not_json_and_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Invalid JSON (exit 65) or a missing file (exit 66): one-line error."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["report", str(broken)]) == 65
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "missing.json")]) == 66
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error:")


def test_module_entry_point_has_no_traceback(tmp_path: Path) -> None:
    """python -m lupusscore on a bad file: exit 65, no traceback, empty stdout."""
    data = _example()
    data["participants"][0]["day0"] = None
    done = subprocess.run(
        [sys.executable, "-m", "lupusscore", "report", str(_bad(tmp_path, data))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 65
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "participants[0]" in done.stderr
    assert "day0" in done.stderr


def test_example_and_schema_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    """`example` prints a trial file that loads; `schema` prints the Trial schema."""
    import json

    from lupusscore.cli import load_trial, main

    assert main(["example"]) == 0
    trial = load_trial(json.loads(capsys.readouterr().out))
    assert trial.synthetic
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "participants" in schema["properties"]


def test_non_utf8_file_is_one_line_exit_65(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not UTF-8 gives one line, exit status 65, nothing on stdout."""
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe{\x00}")
    assert main(["report", str(bad)]) == 65
    out, err = capsys.readouterr()
    assert out == ""
    assert "not UTF-8" in err
    assert len(err.strip().splitlines()) == 1


def test_csv_rows_carry_the_synthetic_label(capsys: pytest.CaptureFixture[str]) -> None:
    """Exported CSV of the bundled example says it is synthetic on every row."""
    import csv
    import io

    assert main(["report", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows
    assert all(r["synthetic"] == "True" for r in rows)
    assert all("SYNTHETIC" in r["trial"] for r in rows)


class _Tty:
    """A stand-in stderr that reports being a terminal and records writes."""

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.text = ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> int:
        self.text += s
        return len(s)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_only_on_a_terminal(
    tty: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Progress goes to stderr when it is a terminal, and never to stdout."""
    fake = _Tty(tty)
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["report"]) == 0
    out = capsys.readouterr().out
    assert "scoring participants" not in out
    assert ("scoring participants: 80/80" in fake.text) is tty
