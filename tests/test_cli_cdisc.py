"""The CDISC commands: report --sdtm DIR and adam --sdtm DIR --out DIR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lupusscore.cli import EXIT_NO_INPUT, EXIT_USAGE, main

PILOT = Path(__file__).parent / "data" / "cdisc_pilot01"
SCHEDULE = [
    {"label": "WEEK 12", "day": 84, "window_days": 14},
    {"label": "WEEK 24", "day": 168, "window_days": 14},
]
PRIMARY = ["--achieve-by", "WEEK 12", "--maintain-through", "WEEK 24"]


@pytest.fixture
def schedule(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(SCHEDULE), encoding="utf-8")
    return path


def test_report_from_an_sdtm_folder(
    schedule: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The outcome table of the pilot folder says renal response is not evaluable."""
    code = main(["report", "--sdtm", str(PILOT), "--schedule", str(schedule), *PRIMARY])
    out = capsys.readouterr().out
    assert code == 0
    assert "Outcome table: CDISCPILOT01" in out
    assert "is not evaluable in these data" in out
    # issue 15: the pilot has no UPCR at all, so the response cells say so
    # (this was "0/0 (not evaluable 3)" before the cell named the reason)
    assert "not evaluable: no UPCR (3 participants)" in out
    assert "0/0" not in out.split("== SURVIVAL ==")[0]


def test_report_says_who_is_outside_the_analysis_population(
    schedule: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The pilot's screen failure is named in the report, in no arm."""
    code = main(["report", "--sdtm", str(PILOT), "--schedule", str(schedule), *PRIMARY])
    out = capsys.readouterr().out
    assert code == 0
    assert "are not in the analysis population" in out
    assert "(arm Screen Failure (1)): 01-701-1057." in out
    (arms,) = [line for line in out.splitlines() if line.startswith("Arms:")]
    assert "Screen Failure" not in arms
    assert arms.count("(n=") == 3


@pytest.mark.parametrize("fmt", ["json", "csv", "xpt"])
def test_adam_writes_the_four_datasets(
    fmt: str, schedule: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """adam --sdtm DIR --out DIR writes ADSL, ADLB, ADRS, ADTTE and define.json."""
    out_dir = tmp_path / "adam"
    code = main(
        [
            "adam",
            "--sdtm",
            str(PILOT),
            "--schedule",
            str(schedule),
            "--out",
            str(out_dir),
            "--format",
            fmt,
            *PRIMARY,
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    for name in ("adsl", "adlb", "adrs", "adtte"):
        assert (out_dir / f"{name}.{fmt}").is_file()
        assert f"{name}.{fmt}" in printed
    assert (out_dir / "define.json").is_file()


def test_adam_with_a_definition_file(
    schedule: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--definition-file names a protocol's own definition in define.json."""
    assert main(["definitions", "--show", "eular-2019"]) == 0
    protocol = tmp_path / "protocol.json"
    protocol.write_text(capsys.readouterr().out, encoding="utf-8")
    out_dir = tmp_path / "adam"
    code = main(
        [
            "adam",
            "--sdtm",
            str(PILOT),
            "--schedule",
            str(schedule),
            "--out",
            str(out_dir),
            "--format",
            "json",
            "--definition-file",
            str(protocol),
            *PRIMARY,
        ]
    )
    capsys.readouterr()
    assert code == 0
    assert "eular-2019" in (out_dir / "define.json").read_text("utf-8")


def test_sdtm_needs_a_schedule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --schedule: a usage error saying what to give (no invented window)."""
    code = main(["adam", "--sdtm", str(PILOT), "--out", str(tmp_path)])
    assert code == EXIT_USAGE
    assert "--schedule" in capsys.readouterr().err


def test_missing_folder_and_both_inputs(
    schedule: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing folder is exit 66; a trial file and --sdtm is a usage error."""
    assert (
        main(["report", "--sdtm", "/no/such/folder", "--schedule", str(schedule)])
        == EXIT_NO_INPUT
    )
    assert (
        main(["report", "x.json", "--sdtm", str(PILOT), "--schedule", str(schedule)])
        == EXIT_USAGE
    )
    assert "not both" in capsys.readouterr().err
