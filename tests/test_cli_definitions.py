"""`lupusscore definitions --show ID`: a shipped file to start a protocol's own."""

from __future__ import annotations

import pytest

from lupusscore.cli import EXIT_USAGE, main
from lupusscore.response import get_definition, load_definition


def test_show_prints_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    """The printed JSON loads back as the shipped definition."""
    assert main(["definitions", "--show", "kdigo-2024"]) == 0
    out = capsys.readouterr().out
    assert load_definition(out) == get_definition("kdigo-2024")


def test_show_unknown_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id is one error line, exit status 2, nothing on stdout."""
    assert main(["definitions", "--show", "no-such-definition"]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert "Traceback" not in captured.err
