"""How lupusscore objects show themselves: short text, static HTML and Markdown.

A notebook shows the last value of a cell through its ``_repr_html_``,
``_repr_markdown_`` or ``__repr__``. Each public class only declares *what* it
shows as a :class:`View` (a title, a few facts, at most one small grid and
some notes); this module turns a view into

- text (:func:`to_text`): a few lines, never the whole object tree;
- HTML (:func:`to_html`): static HTML and CSS, no JavaScript. A real
  ``<table>`` with ``<caption>`` and ``<th>``, so it reads when CSS is
  stripped; colours inherit from the page (``color: inherit``, transparent
  backgrounds, borders in semi-transparent ``currentColor``), so it reads on
  light and dark themes; status is written in words, never colour alone;
- Markdown (:func:`to_markdown`).

Every value is escaped (HTML special characters in HTML and Markdown, ``|`` in
Markdown tables): a participant id such as ``<script>`` shows as text.

:func:`short` abbreviates any value to one short line (long sequences as
their length and element type), :func:`view_of_fields` builds the default
view of a pydantic model or dataclass from its fields, and
:func:`explain_text` renders a result's criteria one per line.

Examples
--------
>>> v = View(title="Demo <1>", facts=(("status", "met"),))
>>> print(to_text(v))
Demo <1>
  status: met
>>> "&lt;1&gt;" in to_html(v), "<script" in to_html(v)
(True, False)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "Displayable",
    "Grid",
    "View",
    "abbreviated",
    "criterion_line",
    "explain_text",
    "fields_repr",
    "html_of",
    "markdown_of",
    "short",
    "status_word",
    "to_html",
    "to_markdown",
    "to_text",
    "view_of_fields",
]

#: Longest text a value shows before it is cut (display only, not a clinical
#: number).
MAX_VALUE_CHARS: Final = 80
#: Most grid rows a display shows before "... N more rows".
MAX_GRID_ROWS: Final = 40
#: Most sequence items :func:`short` lists by value.
MAX_ITEMS: Final = 3
#: The total text of a view is kept under this many characters.
MAX_TEXT_CHARS: Final = 1800

_CSS: Final = (
    ".lupusscore-display{color:inherit;background:transparent;"
    "font-family:inherit;font-size:inherit;line-height:1.35}"
    ".lupusscore-display table{border-collapse:collapse;margin:0 0 .5em 0;"
    "color:inherit;background:transparent}"
    ".lupusscore-display caption{caption-side:top;text-align:left;"
    "font-weight:bold;padding:0 0 .25em 0;color:inherit}"
    ".lupusscore-display th,.lupusscore-display td{"
    "border:1px solid rgba(128,128,128,.45);"
    "border:1px solid color-mix(in srgb,currentColor 35%,transparent);"
    "padding:.15em .5em;text-align:left;vertical-align:top;"
    "color:inherit;background:transparent}"
    ".lupusscore-display th{font-weight:bold}"
    ".lupusscore-display td.num{text-align:right;font-variant-numeric:tabular-nums}"
    ".lupusscore-display ul{margin:.25em 0;padding-left:1.5em}"
)


@dataclass(frozen=True)
class Grid:
    """A small table of a view: column headers and rows of text cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    #: Rows left out of *rows* (shown as "... N more rows").
    more: int = 0


@dataclass(frozen=True)
class View:
    """What an object shows: a title, facts, an optional grid and notes."""

    title: str
    facts: tuple[tuple[str, str], ...] = ()
    grid: Grid | None = None
    notes: tuple[str, ...] = field(default=())


# --- values -------------------------------------------------------------------


def _cut(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


def _type_name(items: Iterable[object]) -> str:
    names = sorted({type(i).__name__ for i in items})
    return names[0] if len(names) == 1 else "item"


def short(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """Return *value* as one short line of text (for a display, not for data).

    Examples
    --------
    >>> short(0.1 + 0.2), short(None), short((1, 2, 3, 4, 5))
    ('0.3', '-', '5 int: 1, 2, 3, …')
    """
    if value is None:
        return "-"
    if isinstance(value, enum.Enum):
        return _cut(str(value.value), limit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int | str):
        return _cut(str(value), limit)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        keys = [str(k) for k in list(value)[:MAX_ITEMS]]
        tail = ", …" if len(value) > MAX_ITEMS else ""
        return _cut(f"{len(value)} entries: {', '.join(keys)}{tail}", limit)
    if isinstance(value, tuple | list | frozenset | set):
        items = list(value)
        if not items:
            return "none"
        if all(isinstance(i, str | int | float | enum.Enum) for i in items):
            shown = ", ".join(short(i, limit) for i in items[:MAX_ITEMS])
            if len(items) <= MAX_ITEMS:
                return _cut(shown, limit)
            return _cut(f"{len(items)} {_type_name(items)}: {shown}, …", limit)
        return f"{len(items)} {_type_name(items)}"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):  # a numpy array
        dtype = getattr(value, "dtype", "")
        return f"array {'x'.join(str(n) for n in shape) or 'scalar'} {dtype}"
    brief = getattr(value, "_display_brief", None)
    if callable(brief):
        return _cut(str(brief()), limit)
    return _cut(type(value).__name__, limit)


class _Shown:
    """A stand-in whose ``repr`` is a given text (an abbreviated value)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


#: Longest ``repr`` of one field value kept in full in a model's ``repr``.
MAX_REPR_VALUE: Final = 120
#: Most items of a sequence field shown in full in a model's ``repr``.
MAX_REPR_ITEMS: Final = 6


def abbreviated(value: object) -> object:
    """Return *value*, or a stand-in with a short ``repr`` if its ``repr`` is long.

    Used by a model's ``__repr_args__``: a short value keeps its exact
    ``repr`` (so small models print as pydantic prints them); a long tuple
    shows as ``<N Type>``, a long text is cut, a large nested model shows as
    ``Type(…)``.

    Examples
    --------
    >>> abbreviated((1, 2)), abbreviated(tuple(range(10)))
    ((1, 2), <10 int>)
    """
    if isinstance(value, str):
        if len(value) <= MAX_REPR_VALUE:
            return value
        return _Shown(repr(value[: MAX_REPR_VALUE - 20]) + "…")
    if isinstance(value, tuple | list | frozenset | set):
        if len(value) > MAX_REPR_ITEMS:
            return _Shown(f"<{len(value)} {_type_name(value)}>")
        text = repr(value)
        if len(text) <= MAX_REPR_VALUE:
            return value
        return _Shown(f"<{len(value)} {_type_name(value)}>" if value else text)
    if isinstance(value, Mapping):
        if len(value) > MAX_REPR_ITEMS:
            return _Shown(f"<{len(value)} entries>")
        return value
    size = getattr(value, "size", None)
    if isinstance(size, int) and isinstance(getattr(value, "shape", None), tuple):
        if size > MAX_REPR_ITEMS:  # a numpy array: its shape and type
            return _Shown(f"<{short(value)}>")
        return value
    if hasattr(type(value), "model_fields"):
        text = repr(value)
        return (
            value
            if len(text) <= MAX_REPR_VALUE
            else _Shown(f"{type(value).__name__}(…)")
        )
    return value


def _skip(value: object) -> bool:
    """Return True for a field a display leaves out: unset or empty."""
    if value is None:
        return True
    if isinstance(value, str | tuple | list | Mapping | frozenset | set):
        return not value
    return False


def view_of_fields(obj: object, title: str | None = None) -> View:
    """Return the default view of a pydantic model or dataclass: its fields.

    Unset (None) and empty fields are left out; each value is :func:`short`.
    """
    names: Iterable[str]
    fields_of = getattr(type(obj), "model_fields", None)
    if isinstance(fields_of, Mapping):
        names = list(fields_of)
    elif dataclasses.is_dataclass(obj):
        names = [f.name for f in dataclasses.fields(obj) if f.repr]
    else:
        names = list(getattr(obj, "_fields", ()))
    facts = tuple(
        (name, short(getattr(obj, name)))
        for name in names
        if not _skip(getattr(obj, name, None))
    )
    return View(title=title or type(obj).__name__, facts=facts)


def fields_repr(obj: Any) -> str:
    """Return ``Type(field=value, ...)`` of a named tuple, values abbreviated.

    Examples
    --------
    >>> from typing import NamedTuple
    >>> class Pair(NamedTuple):
    ...     a: tuple[int, ...]
    ...     b: int
    >>> fields_repr(Pair(tuple(range(100)), 2))
    'Pair(a=<100 int>, b=2)'
    """
    args = ", ".join(
        f"{name}={abbreviated(getattr(obj, name))!r}" for name in obj._fields
    )
    return f"{type(obj).__name__}({args})"


def _view(obj: Any) -> View:
    make = getattr(obj, "_display_view", None)
    return make() if callable(make) else view_of_fields(obj)


def html_of(obj: Any) -> str:
    """Return the HTML display of *obj* (a named tuple's ``_repr_html_``)."""
    return to_html(_view(obj))


def markdown_of(obj: Any) -> str:
    """Return the Markdown display of *obj* (a named tuple's ``_repr_markdown_``)."""
    return to_markdown(_view(obj))


# --- rendering ----------------------------------------------------------------


def _fit(lines: list[str]) -> list[str]:
    """Keep the lines within :data:`MAX_TEXT_CHARS` characters."""
    out: list[str] = []
    used = 0
    for k, line in enumerate(lines):
        if used + len(line) + 1 > MAX_TEXT_CHARS - 40:
            out.append(f"… {len(lines) - k} more lines")
            break
        out.append(line)
        used += len(line) + 1
    return out


def to_text(view: View) -> str:
    """Render *view* as a few lines of plain text (the ``__repr__``)."""
    lines = [view.title]
    lines += [f"  {name}: {value}" for name, value in view.facts]
    grid = view.grid
    if grid is not None:
        if grid.caption:
            lines.append(grid.caption)
        table = [grid.header, *grid.rows]
        widths = [
            min(MAX_VALUE_CHARS, max(len(row[i]) for row in table))
            for i in range(len(grid.header))
        ]
        lines += [
            "  "
            + "  ".join(
                f"{_cut(cell, widths[i]):<{widths[i]}}" for i, cell in enumerate(row)
            ).rstrip()
            for row in table
        ]
        if grid.more:
            lines.append(f"  … {grid.more} more rows")
    lines += [f"  note: {note}" for note in view.notes]
    return "\n".join(_fit(lines))


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _is_number(text: str) -> bool:
    try:
        float(text.replace("%", ""))
    except ValueError:
        return False
    return True


def to_html(view: View) -> str:
    """Render *view* as static HTML with inline CSS (no JavaScript)."""
    parts = [f'<div class="lupusscore-display"><style>{_CSS}</style>']
    grid = view.grid
    if view.facts:
        parts.append(f"<table><caption>{_h(view.title)}</caption><tbody>")
        parts += [
            f'<tr><th scope="row">{_h(name)}</th><td>{_h(value)}</td></tr>'
            for name, value in view.facts
        ]
        parts.append("</tbody></table>")
    elif grid is None:
        parts.append(f"<p><strong>{_h(view.title)}</strong></p>")
    if grid is not None:
        caption = grid.caption
        if not view.facts:  # the grid's caption carries the title
            caption = view.title + (f" ({caption})" if caption else "")
        parts.append("<table>")
        if caption:
            parts.append(f"<caption>{_h(caption)}</caption>")
        parts.append(
            "<thead><tr>"
            + "".join(f'<th scope="col">{_h(h)}</th>' for h in grid.header)
            + "</tr></thead><tbody>"
        )
        for row in grid.rows:
            cells = "".join(
                f'<td class="num">{_h(c)}</td>'
                if _is_number(c)
                else f"<td>{_h(c)}</td>"
                for c in row
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
        if grid.more:
            parts.append(f"<p>… {grid.more} more rows</p>")
    if view.notes:
        parts.append("<ul>" + "".join(f"<li>{_h(n)}</li>" for n in view.notes))
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _md(text: object) -> str:
    """Escape *text* for a Markdown table cell (HTML characters and pipes)."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def to_markdown(view: View) -> str:
    """Render *view* as Markdown (HTML characters escaped)."""
    lines = [f"**{_md(view.title)}**", ""]
    if view.facts:
        lines += ["| field | value |", "|---|---|"]
        lines += [f"| {_md(name)} | {_md(value)} |" for name, value in view.facts]
        lines.append("")
    grid = view.grid
    if grid is not None:
        if grid.caption:
            lines += [f"*{_md(grid.caption)}*", ""]
        lines.append("| " + " | ".join(_md(h) for h in grid.header) + " |")
        lines.append("|" + "---|" * len(grid.header))
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in grid.rows]
        if grid.more:
            lines.append(f"\n… {grid.more} more rows")
        lines.append("")
    lines += [f"- {_md(n)}" for n in view.notes]
    return "\n".join(lines).rstrip() + "\n"


# --- explanations -------------------------------------------------------------

_STATUS_WORDS: Final = {
    "met": "met",
    "not_met": "not met",
    "not_evaluable": "not evaluable",
}


def status_word(status: object) -> str:
    """Return a status (``met``, ``not_met``, ``not_evaluable``) in words."""
    value = str(getattr(status, "value", status))
    return _STATUS_WORDS.get(value, value)


def _with_unit(value: float, unit: str | None) -> str:
    return _number(value) + (f" {unit}" if unit else "")


def criterion_line(criterion: Any, source: str = "") -> str:
    """One criterion in one line: status, observed vs threshold, reason, source.

    *criterion* is a :class:`lupusscore.results.Criterion` (read by its
    attributes, so this module does not import it). A criterion source that
    repeats *source* (the result's own) is shortened to what it adds.
    """
    text = f"{criterion.name}: {status_word(criterion.status)}"
    facts: list[str] = []
    if criterion.observed is not None:
        facts.append("observed " + _with_unit(criterion.observed, criterion.unit))
    if criterion.threshold is not None:
        how = criterion.comparator.value + " " if criterion.comparator else ""
        facts.append(
            "threshold " + how + _with_unit(criterion.threshold, criterion.unit)
        )
    if criterion.reason:
        facts.append(("why: " if criterion.met is None else "") + criterion.reason)
    cited = criterion.source or ""
    if source and cited.startswith(source):
        cited = cited[len(source) :].lstrip(" :;,")
        if cited:
            cited = "as above: " + cited
    if cited:
        facts.append(f"source: {cited}")
    return text + ("; " + "; ".join(facts) if facts else "")


def explain_text(
    title: str,
    *,
    summary: Sequence[tuple[str, str]],
    sections: Sequence[tuple[str, Sequence[Any]]],
    lines: Sequence[str] = (),
    source: str = "",
) -> str:
    """Render an explanation: a title, summary facts and criteria by section.

    Parameters
    ----------
    title : str
        First line (the result's type and verdict).
    summary : sequence of (str, str)
        Facts shown under the title (reason, source, missing, notes ...).
    sections : sequence of (str, sequence of Criterion)
        Criteria under a heading each (a heading may be empty).
    lines : sequence of str
        Further explanation lines shown as a list (a longitudinal result's).
    source : str
        The result's source: criteria citing it say only what they add.
    """
    out = [title]
    out += [f"  {name}: {value}" for name, value in summary if value]
    for heading, criteria in sections:
        indent = "  "
        if heading:
            out.append(f"  {heading}")
            indent = "    "
        out += [f"{indent}- {criterion_line(c, source)}" for c in criteria]
    out += [f"  - {line}" for line in lines]
    return "\n".join(out)


# --- the mixin ------------------------------------------------------------------


class Displayable:
    """Mixin: ``_repr_html_`` and ``_repr_markdown_`` from ``_display_view``.

    A class overrides :meth:`_display_view` to choose what it shows; the
    default shows its fields (:func:`view_of_fields`).
    """

    __slots__ = ()

    def _display_view(self) -> View:
        return view_of_fields(self)

    def _display_brief(self) -> str:
        """Return one line for this object inside another's display (its repr)."""
        return repr(self)

    def _repr_html_(self) -> str:
        return to_html(self._display_view())

    def _repr_markdown_(self) -> str:
        return to_markdown(self._display_view())
