"""Render the trial outcome table as text, JSON, CSV or HTML.

:func:`lupusscore.outcomes.build_outcome_table` derives the table (re-exported
here); :func:`render` prints it. The JSON form is
``OutcomeTable.model_dump_json()`` and parses back to an equal table.
"""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from lupusscore._checks import as_choice, describe
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    ArmSize,
    ComparisonRow,
    OutcomeRow,
    OutcomeTable,
    build_outcome_table,
)

if TYPE_CHECKING:
    from lupusscore.cohort import Analysis

__all__ = [
    "DEFAULT_ACHIEVE_BY",
    "DEFAULT_DEFINITION",
    "DEFAULT_MAINTAIN_THROUGH",
    "ArmSize",
    "OutcomeRow",
    "OutcomeTable",
    "ReportFormat",
    "build_outcome_table",
    "cell_text",
    "render",
]


class ReportFormat(StrEnum):
    """Output format of :func:`render`."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


# --- rendering ----------------------------------------------------------------


def cell_text(row: OutcomeRow) -> str:
    """Return one outcome cell as the text report prints it (also the HTML's).

    Raises
    ------
    InvalidValueError
        *row* is not an :class:`OutcomeRow`.
    """
    if not isinstance(row, OutcomeRow):
        raise InvalidValueError(
            field="row", value=describe(row), expected="an OutcomeRow"
        )
    return row.cell()


def _text(table: OutcomeTable) -> str:
    arms = [a.arm for a in table.arms]
    lines = []
    if table.synthetic:
        lines.append("*** SYNTHETIC DATA: simulated example, not trial results ***")
    lines.append(f"Outcome table: {table.trial}")
    lines.append("Arms: " + "; ".join(f"{a.arm} (n={a.n})" for a in table.arms))
    primary = next((r.outcome for r in table.rows if r.section == "primary"), "")
    what = primary.split(": ", 1)[0] + " " if ": " in primary else ""
    lines.append(
        f"Renal response definition: {table.definition}; primary: {what}"
        f"(achieved by {table.achieve_by}, maintained through "
        f"{table.maintain_through})"
    )
    if table.definition_version is not None:
        lines.append(
            f"Definition {table.definition} version {table.definition_version}; "
            f"source: {table.definition_citation}"
        )
    lines += [
        f"*** PROVISIONAL tier of {table.definition} (not verified in a primary "
        f"source): {reason} ***"
        for reason in table.definition_provisional
    ]
    lines += [f"- {n}" for n in table.notes]
    if table.estimand is not None:
        lines += table.estimand.describe().splitlines()
    lines.append(
        "Cells: proportion = count/n % (95% CI) [imputed = non-responders by "
        "imputation, in n; ne = not evaluable, excluded], or 'not evaluable: "
        "<why>' where the data cannot give a proportion; "
        "survival = KM estimate (95% CI); change = n mean (SD); median [Q1, Q3]."
    )
    if not table.rows:
        lines.append("")
        lines.append("(no outcome rows: no participant has an evaluable outcome)")
        return "\n".join(lines + _comparison_lines(table)) + "\n"
    width = max([44, *(len(r.cell()) for r in table.rows)]) + 2
    label_w = 10
    keyed: dict[tuple[str, str, str | None], dict[str, OutcomeRow]] = {}
    for r in table.rows:
        keyed.setdefault((r.section, r.outcome, r.timepoint), {})[r.arm] = r
    section = outcome = None
    for (sec, out, tp), cells in keyed.items():
        if sec != section:
            section, outcome = sec, None
            lines.append("")
            lines.append(f"== {sec.upper()} ==")
            lines.append(
                (" " * label_w + "".join(f"{a:<{width}}" for a in arms)).rstrip()
            )
        if out != outcome:
            outcome = out
            unit = next(iter(cells.values())).unit
            lines.append(out + (f" [{unit}]" if unit else ""))
        lines.append(
            f"{(tp or ''):<{label_w}}"
            + "".join(
                f"{(cells[a].cell() if a in cells else '-'):<{width}}" for a in arms
            ).rstrip()
        )
    return "\n".join(lines + _comparison_lines(table)) + "\n"


# --- between-arm comparisons (lupusscore.stats) ---------------------------------

#: Measures shown as percentage points (the others as ratios or tests).
_POINTS = frozenset({"difference"})


def _comparison_value(c: ComparisonRow) -> str:
    if c.estimate is not None:
        if c.measure in _POINTS:
            text = f"{100 * c.estimate:+.1f} points"
            lo, hi = c.ci_low, c.ci_high
            if lo is not None and hi is not None:
                text += f" ({100 * lo:+.1f} to {100 * hi:+.1f})"
        else:
            text = f"{c.estimate:.2f}"
            if c.ci_low is not None and c.ci_high is not None:
                text += f" ({c.ci_low:.2f} to {c.ci_high:.2f})"
        if c.p_value is not None:
            text += f", p={c.p_value:.3g}"
        return text
    if c.statistic is not None and c.p_value is not None:
        return f"statistic {c.statistic:.3f}, p={c.p_value:.3g}"
    return ""


def _comparison_lines(table: OutcomeTable) -> list[str]:
    """Return the comparisons section of the text report (empty: none asked for)."""
    if table.comparisons_note is None and not table.comparisons:
        return []
    lines = ["", "== BETWEEN-ARM COMPARISONS =="]
    if table.comparisons_note:
        lines.append(table.comparisons_note)
    group = None
    for c in table.comparisons:
        key = (c.section, c.outcome, c.timepoint, c.arm, c.reference)
        if key != group:
            group = key
            when = f" ({c.timepoint})" if c.timepoint else ""
            lines.append(f"{c.section}: {c.outcome}{when}: {c.arm} vs {c.reference}")
        adjusted = f" [adjusted for {', '.join(c.strata)}]" if c.strata else ""
        value = _comparison_value(c)
        text = f"  {c.measure}, {c.method}{adjusted}: {value or c.note}"
        if value and c.note:
            text += f" [{c.note}]"
        lines.append(text)
    return lines


def _csv(table: OutcomeTable) -> str:
    buf = io.StringIO()
    # Every row carries the trial and its synthetic flag, so an exported CSV of
    # the bundled example stays labelled as simulated data, and the definition
    # (id, version, source, provisional tiers) its rows were derived with, and
    # the intercurrent-event strategies of its estimand (event=strategy).
    about = {
        "trial": table.trial,
        "synthetic": table.synthetic,
        "definition": table.definition,
        "definition_version": table.definition_version or "",
        "definition_citation": table.definition_citation or "",
        "definition_provisional": "; ".join(table.definition_provisional),
        "strategies": ""
        if table.estimand is None
        else table.estimand.strategies.compact(),
    }
    fields = [*about, *OutcomeRow.model_fields]
    if table.comparisons:  # comparison rows after the outcome rows, own columns
        fields += [k for k in _COMPARISON_CSV if k not in fields]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in table.rows:
        row = {
            k: ("" if v is None else v) for k, v in r.model_dump(mode="json").items()
        }
        writer.writerow({**about, **row})
    for c in table.comparisons:
        dumped = c.model_dump(mode="json")
        dumped["strata"] = "; ".join(c.strata)
        dumped["statistic"] = "comparison"
        dumped["test_statistic"] = c.statistic
        writer.writerow(
            {**about, **{k: ("" if v is None else v) for k, v in dumped.items()}}
        )
    return buf.getvalue()


#: CSV columns of a comparison row beyond the outcome row's (``statistic`` is
#: ``comparison`` on those rows; the test statistic is ``test_statistic``).
_COMPARISON_CSV = (
    "reference",
    "measure",
    "method",
    "test_statistic",
    "p_value",
    "strata",
    "note",
)


def render(
    table: OutcomeTable | Analysis, fmt: ReportFormat | str = ReportFormat.TEXT
) -> str:
    """Render *table* as ``"text"``, ``"json"``, ``"csv"`` or ``"html"``.

    JSON is ``table.model_dump_json(indent=2)``; CSV has one line per
    :class:`OutcomeRow` with its fields as columns; text is a table per section
    with one column per arm; HTML is one self-contained page (inline CSS and
    SVG figures, no scripts, no network; see ``docs/cli.md``). An
    :class:`~lupusscore.cohort.Analysis` (:func:`lupusscore.analyse`) may stand
    for its outcome table; the HTML page then also has the figures (with the
    ``plot`` extra) and the per-participant appendix. A table with between-arm
    comparisons (:func:`lupusscore.stats.with_comparisons`) adds them: a
    section of the text, one CSV line each after the outcome rows (with the
    columns ``reference``, ``measure``, ``method``, ``test_statistic``,
    ``p_value``, ``strata`` and ``note``; ``statistic`` is ``comparison``), and
    the ``comparisons`` list of the JSON.
    """
    from lupusscore.cohort import Analysis  # noqa: PLC0415 - the engine

    analysis = table if isinstance(table, Analysis) else None
    if analysis is not None:
        table = analysis.outcome_table()
    if not isinstance(table, OutcomeTable):
        raise InvalidValueError(
            field="table",
            value=describe(table),
            expected="an OutcomeTable or an Analysis",
        )
    how = cast(ReportFormat, as_choice("fmt", fmt, ReportFormat))
    if how is ReportFormat.HTML:
        from lupusscore.html_report import html_report  # noqa: PLC0415

        return html_report(analysis if analysis is not None else table)
    if how is ReportFormat.JSON:
        return table.model_dump_json(indent=2) + "\n"
    if how is ReportFormat.CSV:
        return _csv(table)
    return _text(table)
