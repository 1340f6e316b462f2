"""The outcome report as one self-contained HTML file.

``python -m lupusscore report --format html`` and
``lupusscore.report.render(analysis, "html")`` build it here. The file holds
everything it shows: inline CSS, the figures of :mod:`lupusscore.plot` as
inline SVG (text drawn as paths: no font is loaded), no JavaScript, no link
to the network. It reads on a light and a dark theme (``prefers-color-scheme``)
and without its CSS (headings, lists and tables in document order).

Contents: the trial and the lupusscore version; the renal response definition
with its version, citation and provisional tiers; the missing-data policy;
the outcome table; the figures (Kaplan-Meier, swimmer, UPCR trajectory,
forest plot of the primary outcome under every shipped definition); and an
appendix with each participant's primary outcome and its reason (the
engine's not-evaluable reason, the intercurrent event or the imputation).

Without matplotlib (the ``plot`` extra) the report is built without figures
and says so. Given only an :class:`~lupusscore.outcomes.OutcomeTable`, it has
no figures and no appendix (they need the analysis) and says so too.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable
from importlib import metadata
from typing import TYPE_CHECKING, Final, cast

import numpy as np

from lupusscore._checks import describe
from lupusscore.cohort import Analysis
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.outcomes import OutcomeRow, OutcomeTable
from lupusscore.report import cell_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["html_report"]

_CSS: Final = """
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #555555;
  --rule: #c8c8c8; --head: #eef2f6; --warn-bg: #fff4d6; --warn-fg: #5c4100; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #16181c; --muted: #b0b0b0; --rule: #4a4f57;
    --head: #23272e; --warn-bg: #3d3210; --warn-fg: #ffe39a; }
}
html { background: var(--bg); color: var(--fg); }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  line-height: 1.45; margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem;
  border-bottom: 1px solid var(--rule); }
.synthetic, .note { background: var(--warn-bg); color: var(--warn-fg);
  padding: 0.4rem 0.7rem; border-radius: 4px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding: 0.3rem 0; }
th, td { border: 1px solid var(--rule); padding: 0.25rem 0.5rem;
  text-align: left; vertical-align: top; }
thead th, th.outcome { background: var(--head); }
figure { margin: 1rem 0 2rem; }
figure svg { display: block; max-width: 100%; height: auto; background: #ffffff;
  border-radius: 4px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.3rem; }
dt { font-weight: bold; } dd { margin: 0 0 0.6rem 1.2rem; }
"""

#: Anchor -> heading of each section (the page's table of contents).
_SECTIONS: Final = {
    "definition": "Renal response definition",
    "missing-data": "Missing data",
    "outcomes": "Outcome table",
    "figures": "Figures",
    "appendix": "Appendix: primary outcome by participant",
}

_RESULT: Final = {"Y": "responder", "N": "non-responder", "NE": "not evaluable"}


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _version() -> str:
    try:
        return metadata.version("lupusscore")
    except metadata.PackageNotFoundError:  # pragma: no cover - source tree
        return "0+unknown"


def _outcome_tables(table: OutcomeTable) -> list[str]:
    arms = [a.arm for a in table.arms]
    out: list[str] = []
    if not table.rows:
        return [
            "<p>No outcome rows: no participant has an evaluable outcome.</p>",
        ]
    keyed: dict[str, dict[tuple[str, str | None], dict[str, OutcomeRow]]] = {}
    for r in table.rows:
        keyed.setdefault(r.section, {}).setdefault((r.outcome, r.timepoint), {})[
            r.arm
        ] = r
    for section, outcomes in keyed.items():
        head = "".join(f'<th scope="col">{_e(a)}</th>' for a in arms)
        out.append(
            f"<table>\n<caption>{_e(section.capitalize())}</caption>\n"
            f'<thead><tr><th scope="col">outcome / timepoint</th>{head}</tr></thead>'
            "\n<tbody>"
        )
        current = None
        for (outcome, tp), cells in outcomes.items():
            if outcome != current:
                current = outcome
                unit = next(iter(cells.values())).unit
                label = outcome + (f" [{unit}]" if unit else "")
                out.append(
                    f'<tr><th class="outcome" scope="rowgroup" '
                    f'colspan="{len(arms) + 1}">{_e(label)}</th></tr>'
                )
            tds = "".join(
                f"<td>{_e(cell_text(cells[a]) if a in cells else '-')}</td>"
                for a in arms
            )
            out.append(f'<tr><th scope="row">{_e(tp or "")}</th>{tds}</tr>')
        out.append("</tbody>\n</table>")
    return out


def _definition(table: OutcomeTable, analysis: Analysis | None) -> list[str]:
    items = [
        ("Definition", table.definition),
        ("Version", table.definition_version or "not stated"),
    ]
    if analysis is not None:
        items.append(("Title", analysis.definition.title))
    items.append(("Source", table.definition_citation or "not stated"))
    if analysis is not None and analysis.definition.evidence:
        items.append(("Evidence", analysis.definition.evidence))
    items.append(
        (
            "Primary outcome",
            f"achieved by {table.achieve_by}, maintained through "
            f"{table.maintain_through}",
        )
    )
    out = ["<dl>"]
    out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items]
    out.append("</dl>")
    out += [
        f'<p class="note"><strong>Provisional tier</strong> (not verified in a '
        f"primary source): {_e(reason)}</p>"
        for reason in table.definition_provisional
    ]
    return out


def _policy(table: OutcomeTable) -> list[str]:
    out = [
        f"<p>Missing-visit policy: <strong>{_e(table.missing_policy.value)}</strong>"
        f"; proportions with a {_e(table.ci_method.value)} 95% confidence "
        "interval. Participants not evaluable are left out of a proportion's "
        "denominator and counted beside it; non-responders by imputation are "
        "in it.</p>",
        "<ul>",
    ]
    out += [f"<li>{_e(note)}</li>" for note in table.notes]
    out.append("</ul>")
    return out


def _plots(analysis: Analysis) -> Iterable[tuple[str, Callable[[], Axes]]]:
    from lupusscore.plot import (  # noqa: PLC0415 - optional extra, layer 5
        forest,
        km,
        swimmer,
        trajectory,
    )

    yield (
        "Kaplan-Meier estimate of the time to the first response by arm, "
        "with censoring marks and the numbers at risk",
        lambda: km(analysis),
    )
    yield (
        "Response state of each participant at each timepoint, and events",
        lambda: swimmer(analysis),
    )
    yield (
        "Urine protein/creatinine ratio (UPCR) by arm: median and interquartile range",
        lambda: trajectory(analysis, "UPCR"),
    )
    yield (
        "Primary outcome by arm under every shipped renal response definition",
        lambda: forest(analysis),
    )


def _figures(analysis: Analysis | None) -> list[str]:
    if analysis is None:
        return [
            '<p class="note">No figures: they are drawn from the analysis, and '
            "this report was given only the outcome table (render "
            "<code>lupusscore.analyse(...)</code> to include them).</p>"
        ]
    try:
        from lupusscore.plot import svg_text  # noqa: PLC0415 - optional extra

        out = []
        for caption, draw in _plots(analysis):
            try:
                ax = draw()
            except MissingExtraError:
                raise
            except LupusScoreError as exc:  # e.g. no UPCR at all: say so
                out.append(
                    f'<p class="note">Figure not drawn ({_e(caption)}): {_e(exc)}</p>'
                )
                continue
            svg = svg_text(cast("Figure", ax.figure))
            out.append(
                f"<figure>\n{svg}\n<figcaption>{_e(caption)}</figcaption>\n</figure>"
            )
    except MissingExtraError as exc:
        return [
            f'<p class="note">No figures: {_e(exc)}. The tables below are '
            "complete without them.</p>"
        ]
    return out


def _day(value: object) -> str:
    x = float(value)  # type: ignore[arg-type]
    return "" if math.isnan(x) else f"{x:g}"


def _appendix(analysis: Analysis | None) -> list[str]:
    if analysis is None:
        return [
            '<p class="note">No per-participant appendix: it needs the '
            "analysis, and this report was given only the outcome table.</p>"
        ]
    adrs = analysis.adrs
    rows = adrs.filter(
        np.char.endswith(adrs["PARAMCD"].astype(str), "SUS")  # the primary
    )
    crit = [c for c in rows.columns if c.startswith("CRIT") and not c.endswith("FL")]
    cohort = analysis.cohort
    events = _events_by_participant(analysis)
    index = {pid: k for k, pid in enumerate(cohort.participant_id.tolist())}
    end_day = cohort.timepoint(analysis.maintain_through).last_day
    out = [
        "<table>",
        "<caption>Primary outcome of each participant: "
        f"{_e(rows['PARAM'][0] if len(rows) else analysis.definition.id)}</caption>",
        '<thead><tr><th scope="col">participant</th><th scope="col">arm</th>'
        '<th scope="col">result</th><th scope="col">reason</th></tr></thead>',
        "<tbody>",
    ]
    for i in np.lexsort((rows["USUBJID"].astype(str), rows["TRT01P"].astype(str))):
        r = rows.row(int(i))
        value = str(r["AVALC"])
        if value == "Y":
            reason = (
                f"met from study day {_day(r['ONSETDY'])} and maintained through "
                f"{analysis.maintain_through} (assessed on day {_day(r['DAY'])})"
            )
        elif value == "NE":
            reason = str(r["NEREAS"] or "not evaluable")
        elif r["ICEFL"] == "Y":
            seen = [
                f"{kind.replace('_', ' ')} on day {day}"
                for kind, day in events.get(index[r["USUBJID"]], [])
                if day <= end_day
            ]
            reason = "non-responder by intercurrent event" + (
                f": {', '.join(seen)}" if seen else ""
            )
        elif r["IMPUTFL"] == "Y":
            reason = (
                "non-responder by imputation: no evaluable visit where the "
                f"outcome needed one (policy {analysis.policy.value})"
            )
        else:
            failed = [str(r[c]) for c in crit if r[f"{c}FL"] == "N"]
            reason = "not achieved or not maintained" + (
                f"; at the last assessment (day {_day(r['DAY'])}) not met: "
                + ", ".join(failed)
                if failed
                else ""
            )
        out.append(
            f"<tr><td>{_e(r['USUBJID'])}</td><td>{_e(r['TRT01P'])}</td>"
            f"<td>{_e(_RESULT.get(value, value))}</td><td>{_e(reason)}</td></tr>"
        )
    out += ["</tbody>", "</table>"]
    return out


def _events_by_participant(analysis: Analysis) -> dict[int, list[tuple[str, int]]]:
    c = analysis.cohort
    gap = c.event_date - c.day0[c.event_participant]
    out: dict[int, list[tuple[str, int]]] = {}
    for who, kind, days in zip(
        c.event_participant.tolist(),
        c.event_type.astype(str).tolist(),
        gap.tolist(),
        strict=True,
    ):
        if days is None:
            continue
        out.setdefault(int(who), []).append((kind, int(days.days)))
    for items in out.values():
        items.sort(key=lambda item: (item[1], item[0]))
    return out


def html_report(data: Analysis | OutcomeTable, *, figures: bool = True) -> str:
    """Return the outcome report as one self-contained HTML document.

    Parameters
    ----------
    data : Analysis or OutcomeTable
        An analysis (:func:`lupusscore.analyse`): the full report. An outcome
        table alone gives the report without figures and appendix, saying so.
    figures : bool
        Whether to draw the figures (they need matplotlib, the ``plot``
        extra; without it the report says so and has none).

    Returns
    -------
    str
        The HTML document (UTF-8 text; no scripts, no external resources).

    Raises
    ------
    InvalidValueError
        *data* is neither an analysis nor an outcome table.

    Examples
    --------
    >>> from lupusscore.cohort import analyse
    >>> from lupusscore.cli import load_example_trial
    >>> page = html_report(analyse(load_example_trial()), figures=False)
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page
    (True, False)
    """
    analysis: Analysis | None
    if isinstance(data, Analysis):
        analysis, table = data, data.outcome_table()
    elif isinstance(data, OutcomeTable):
        analysis, table = None, data
    else:
        raise InvalidValueError(
            field="data",
            value=describe(data),
            expected="an Analysis (lupusscore.analyse) or an OutcomeTable",
        )
    if not isinstance(figures, bool):
        raise InvalidValueError(
            field="figures", value=describe(figures), expected="True or False"
        )
    title = f"Outcome report: {table.trial}"
    parts: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
    ]
    if table.synthetic:
        parts.append(
            '<p class="synthetic"><strong>SYNTHETIC DATA</strong>: simulated '
            "example, not trial results.</p>"
        )
    arms = "; ".join(f"{a.arm} (n={a.n})" for a in table.arms)
    parts += [
        f"<p>Arms: {_e(arms)}</p>",
        f'<p class="muted">Made with lupusscore {_e(_version())}.</p>',
        "<nav><ul>",
        *(
            f'<li><a href="#{anchor}">{_e(name)}</a></li>'
            for anchor, name in _SECTIONS.items()
        ),
        "</ul></nav>",
        "</header>",
        "<main>",
        '<section id="definition">',
        f"<h2>{_SECTIONS['definition']}</h2>",
        *_definition(table, analysis),
        "</section>",
        '<section id="missing-data">',
        f"<h2>{_SECTIONS['missing-data']}</h2>",
        *_policy(table),
        "</section>",
        '<section id="outcomes">',
        f"<h2>{_SECTIONS['outcomes']}</h2>",
        "<p>Cells: proportion = count/n % (95% CI) [imputed = non-responders by "
        "imputation, in n; ne = not evaluable, excluded]; survival = Kaplan-Meier "
        "estimate (95% CI); change = n mean (SD); median [Q1, Q3].</p>",
        *_outcome_tables(table),
        "</section>",
        '<section id="figures">',
        f"<h2>{_SECTIONS['figures']}</h2>",
    ]
    if figures:
        parts += _figures(analysis)
    else:
        parts.append('<p class="note">Figures were not requested.</p>')
    parts += [
        "</section>",
        '<section id="appendix">',
        f"<h2>{_SECTIONS['appendix']}</h2>",
        *_appendix(analysis),
        "</section>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
