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


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _cell(row: OutcomeRow) -> str:
    if row.statistic == "proportion":
        if not row.n:
            return f"0/0 (not evaluable {row.not_evaluable})"
        text = (
            f"{row.count}/{row.n} {_pct(row.estimate)} "
            f"({_pct(row.ci_low)} to {_pct(row.ci_high)})"
        )
        if row.imputed:
            text += f" [imputed {row.imputed}]"
        return text + (f" [ne {row.not_evaluable}]" if row.not_evaluable else "")
    if row.statistic == "survival":
        return (
            f"{_num(row.estimate, 3)} ({_num(row.ci_low, 3)} to "
            f"{_num(row.ci_high, 3)}) at risk {row.n_at_risk}, events {row.count}"
        )
    if not row.n:
        return "n=0"
    return (
        f"n={row.n} {_num(row.estimate)} ({_num(row.sd)}); "
        f"{_num(row.median)} [{_num(row.q1)}, {_num(row.q3)}]"
    )


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
    return _cell(row)


def _text(table: OutcomeTable) -> str:
    arms = [a.arm for a in table.arms]
    lines = []
    if table.synthetic:
        lines.append("*** SYNTHETIC DATA: simulated example, not trial results ***")
    lines.append(f"Outcome table: {table.trial}")
    lines.append("Arms: " + "; ".join(f"{a.arm} (n={a.n})" for a in table.arms))
    lines.append(
        f"Renal response definition: {table.definition}; primary: achieved by "
        f"{table.achieve_by}, maintained through {table.maintain_through}"
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
    lines.append(
        "Cells: proportion = count/n % (95% CI) [imputed = non-responders by "
        "imputation, in n; ne = not evaluable, excluded]; "
        "survival = KM estimate (95% CI); change = n mean (SD); median [Q1, Q3]."
    )
    if not table.rows:
        lines.append("")
        lines.append("(no outcome rows: no participant has an evaluable outcome)")
        return "\n".join(lines) + "\n"
    width = max([44, *(len(_cell(r)) for r in table.rows)]) + 2
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
                f"{(_cell(cells[a]) if a in cells else '-'):<{width}}" for a in arms
            ).rstrip()
        )
    return "\n".join(lines) + "\n"


def _csv(table: OutcomeTable) -> str:
    buf = io.StringIO()
    # Every row carries the trial and its synthetic flag, so an exported CSV of
    # the bundled example stays labelled as simulated data, and the definition
    # (id, version, source, provisional tiers) its rows were derived with.
    about = {
        "trial": table.trial,
        "synthetic": table.synthetic,
        "definition": table.definition,
        "definition_version": table.definition_version or "",
        "definition_citation": table.definition_citation or "",
        "definition_provisional": "; ".join(table.definition_provisional),
    }
    fields = [*about, *OutcomeRow.model_fields]
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in table.rows:
        row = {
            k: ("" if v is None else v) for k, v in r.model_dump(mode="json").items()
        }
        writer.writerow({**about, **row})
    return buf.getvalue()


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
    ``plot`` extra) and the per-participant appendix.
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
