"""The bundled example's report output is frozen: refactors must not change a byte.

The files were written from the output before the outcomes/report split and
stayed byte-identical through it; they were regenerated once, when the report
started naming the definition's version and source (one added text line, three
added JSON keys, four added CSV columns; nothing else changed), again for
issue 15 (the report speaks the trial's language): the primary row is labelled
"achieve and maintain remission: ...", the kidney row "proteinuria (UPCR)", the
text header and cell legend say so, and each row has a ``reason`` (JSON key and
last CSV column, empty here); no number changed; once when the report started
stating the primary outcome's estimand (ICH E9(R1); eleven added text lines,
one added JSON key ``estimand``, one added CSV column ``strategies``); and once
when the report gained the between-arm comparisons (lupusscore.stats): a text
section after the tables, the JSON keys ``comparisons`` and
``comparisons_note``, and CSV comparison rows after the outcome rows with seven
added columns; the outcome rows are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lupusscore.cli import main

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("fmt", ["text", "json", "csv"])
def test_example_report_matches_golden_file(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m lupusscore report --format F`` prints the golden file exactly."""
    assert main(["report", "--format", fmt]) == 0
    out = capsys.readouterr().out
    expected = (GOLDEN / f"example_report.{fmt}").read_text(encoding="utf-8")
    assert out == expected
