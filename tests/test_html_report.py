"""The self-contained HTML report: contents, escaping, no network, a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import pytest

import lupusscore as ls
from lupusscore.cli import _example_text, load_example_trial, main
from lupusscore.cohort import Analysis
from lupusscore.errors import InvalidValueError
from lupusscore.html_report import html_report
from lupusscore.models import Trial
from lupusscore.report import ReportFormat, render

#: Each figure of the report (its caption starts with these words).
FIGURES = ("Kaplan-Meier", "Response state", "Urine protein", "Primary outcome")


class _Page(HTMLParser):
    """Collect tags, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    """The default analysis of the bundled example."""
    return ls.analyse(load_example_trial())


@pytest.fixture(scope="module")
def page(analysis: Analysis) -> str:
    """The HTML report of the bundled example."""
    return render(analysis, "html")


def test_html_is_a_report_format() -> None:
    """'html' is a ReportFormat value (the CLI's --format choices follow it)."""
    assert ReportFormat("html") is ReportFormat.HTML


def test_report_holds_every_part(analysis: Analysis, page: str) -> None:
    """Table, figures, definition with citation and version, policy, appendix."""
    table = analysis.outcome_table()
    assert page.startswith("<!DOCTYPE html>")
    parsed = _parse(page)
    text = " ".join(parsed.text)
    assert table.definition_citation is not None
    assert table.definition_citation in text
    assert f"Version {table.definition_version}" in re.sub(r"\s+", " ", text)
    assert f"lupusscore {metadata.version('lupusscore')}" in text
    assert "Missing-visit policy" in text
    assert table.missing_policy.value in text
    primary = next(r for r in table.rows if r.section == "primary")
    assert primary.outcome in text
    assert "SYNTHETIC DATA" in text
    # the outcome table: one cell per row and arm
    outcomes = page[
        page.index('<section id="outcomes">') : page.index(
            "</section>", page.index('<section id="outcomes">')
        )
    ]
    cells = re.findall(r"<td>\d+/\d+ ", outcomes)
    assert len(cells) == sum(1 for r in table.rows if r.statistic == "proportion")
    # every figure, as inline SVG
    assert page.count("<svg") == len(FIGURES)
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    assert [c.split(" ")[0] for c in captions] == [f.split(" ")[0] for f in FIGURES]


def test_appendix_has_each_participant_with_the_primary_result(
    analysis: Analysis, page: str
) -> None:
    """One appendix row per participant, its result as ADRS says, with a reason."""
    appendix = page[page.index('<section id="appendix">') :]
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
        appendix,
    )
    adrs = analysis.adrs
    primary = adrs.filter(adrs["PARAMCD"] == "CRRSUS")
    want = dict(
        zip(primary["USUBJID"].tolist(), primary["AVALC"].tolist(), strict=True)
    )
    names = {"Y": "responder", "N": "non-responder", "NE": "not evaluable"}
    assert {pid: result for pid, _, result, _ in rows} == {
        pid: names[v] for pid, v in want.items()
    }
    assert all(reason for *_, reason in rows)
    assert any("intercurrent event: death on day" in r for *_, r in rows)
    assert any("by imputation" in r for *_, r in rows)


def test_appendix_shows_the_engines_not_evaluable_reasons() -> None:
    """Under observed-only, a not-evaluable participant shows the engine's NEREAS."""
    analysis = ls.analyse(load_example_trial(), policy="observed_only")
    adrs = analysis.adrs
    primary = adrs.filter(
        (adrs["PARAMCD"] == "CRRSUS") & (adrs["AVALC"] == "NE")
    ).to_dicts()
    assert primary
    page = html_report(analysis, figures=False)
    for row in primary:
        line = re.search(rf"<tr><td>{re.escape(row['USUBJID'])}</td>.*?</tr>", page)
        assert line is not None
        assert "not evaluable" in line.group(0)
        assert row["NEREAS"] in line.group(0)


def _hostile_trial() -> Trial:
    text = _example_text()
    text = text.replace("SYN-001", "<script>alert(1)</script>")
    text = text.replace('"MSC infusion"', '"MSC <b>&amp;</b> infusion"')
    data = json.loads(text)
    data["name"] = "<img src=x onerror=alert(2)> trial"
    return Trial.model_validate(data)


def test_text_from_the_data_is_escaped() -> None:
    """Participant ids, arms and the trial name are escaped, never markup."""
    page = render(ls.analyse(_hostile_trial()), "html")
    parsed = _parse(page)
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert "img" not in {tag for tag, _ in parsed.tags}
    assert "b" not in {tag for tag, _ in parsed.tags}
    assert not any(k.startswith("on") for _, a in parsed.tags for k in a)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" in " ".join(parsed.text)
    assert "MSC <b>&amp;</b> infusion" in " ".join(parsed.text)


def test_no_network_no_script_no_external_font(page: str) -> None:
    """No http(s) URL in any src/href, no script, no link, no CSS url() or @import."""
    parsed = _parse(page)
    for _, attrs in parsed.tags:
        for key, value in attrs.items():
            if key in {"src", "href", "xlink:href", "srcset", "action", "data"}:
                assert value is not None
                assert not re.match(r"\s*(https?:)?//", value), (key, value)
                assert value.startswith("#"), (key, value)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "iframe", "object", "embed", "img"}
    style = "".join(re.findall(r"<style>(.*?)</style>", page, re.DOTALL))
    assert "prefers-color-scheme: dark" in style
    assert "url(" not in style
    assert "@import" not in style
    assert "@font-face" not in style


def test_readable_without_css(page: str) -> None:
    """Stripped of its style, the page still has headings, tables and a list."""
    bare = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    tags = [tag for tag, _ in _parse(bare).tags]
    assert tags.count("h2") == 5
    assert "table" in tags
    assert "th" in tags
    assert "caption" in tags


def test_without_matplotlib_the_report_says_why(
    analysis: Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """matplotlib absent: no figure, a note naming the plot extra, the rest intact."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    page = html_report(analysis)
    assert "<svg" not in page
    assert "lupusscore[plot]" in page
    assert "No figures" in page
    assert '<section id="appendix">' in page
    assert "% (" in page


def test_an_outcome_table_alone_gives_the_report_without_figures(
    analysis: Analysis,
) -> None:
    """render(OutcomeTable, 'html'): the table, and a note on what needs more."""
    page = render(analysis.outcome_table(), "html")
    assert "<svg" not in page
    assert "No figures" in page
    assert "No per-participant appendix" in page
    assert analysis.outcome_table().definition in page


def test_a_figure_that_cannot_be_drawn_is_explained() -> None:
    """No UPCR at all: the trajectory is left out with the reason; the rest stays."""
    data = json.loads(_example_text())
    for p in data["participants"]:
        for v in p["visits"]:
            v["labs"] = [lab for lab in v.get("labs", []) if lab["analyte"] != "upcr"]
    page = html_report(ls.analyse(Trial.model_validate(data)))
    assert "Figure not drawn (Urine protein" in page
    assert page.count("<svg") == len(FIGURES) - 1


def test_bad_input_is_a_library_error() -> None:
    """Neither an analysis nor a table; figures not a bool: InvalidValueError."""
    with pytest.raises(InvalidValueError, match="data"):
        html_report({})  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="figures"):
        html_report(ls.analyse(load_example_trial()), figures="no")  # type: ignore[arg-type]


def test_cli_writes_the_html_report(capsys: pytest.CaptureFixture[str]) -> None:
    """``report --format html`` prints the page of the example; exit 0."""
    assert main(["report", "--format", "html"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("<!DOCTYPE html>")
    assert out.rstrip().endswith("</html>")
    assert out.count("<svg") == len(FIGURES)
    assert err == ""


# --- a real browser -------------------------------------------------------------

_CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_NO_CHROMIUM = "Chromium is not installed (the browser test needs /usr/bin/chromium)"


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium, network cut (every host resolves to nothing)."""
    assert _CHROMIUM is not None
    return subprocess.run(
        [
            _CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _console(log: str) -> list[str]:
    """The page's console messages in Chromium's log (any level: no JS is run)."""
    return [line for line in log.splitlines() if ":CONSOLE" in line]


@pytest.mark.skipif(_CHROMIUM is None, reason=_NO_CHROMIUM)
def test_the_console_check_sees_a_console_error(tmp_path: Path) -> None:
    """The harness is not blind: a page logging an error shows a CONSOLE line."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><title>x</title><script>console.error('boom')</script>",
        encoding="utf-8",
    )
    done = _chromium(tmp_path, "--dump-dom", bad.as_uri())
    assert any("boom" in line for line in _console(done.stderr)), done.stderr


@pytest.mark.skipif(_CHROMIUM is None, reason=_NO_CHROMIUM)
def test_the_page_renders_in_headless_chromium(page: str, tmp_path: Path) -> None:
    """Chromium loads the page without console messages; every SVG is in its DOM.

    The network is cut, so a page that needed a resource from the network
    would log an error; a screenshot is taken.
    """
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    shot = tmp_path / "report.png"
    done = _chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri()
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    dom = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert dom.stdout.count("<svg") == len(FIGURES)
    assert dom.stdout.count("<figure>") == len(FIGURES)
    assert "Appendix: primary outcome by participant" in dom.stdout
    for log in (done.stderr, dom.stderr):
        assert _console(log) == []
        assert "Failed to load resource" not in log
        assert "net::ERR" not in log


@pytest.mark.parametrize("bad", [True, None, {}, "row"])
def test_cell_text_refuses_what_is_not_a_row(bad: object) -> None:
    """report.cell_text(True) raised AttributeError; now InvalidValueError."""
    from lupusscore.report import cell_text

    with pytest.raises(InvalidValueError, match="row"):
        cell_text(bad)  # type: ignore[arg-type]
