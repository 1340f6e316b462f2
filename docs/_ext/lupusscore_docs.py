"""Pages generated from the library itself when the documentation is built.

``api.rst`` documents everything in the ``__all__`` of the public modules,
each object once, at the first public place it appears (the top-level
``lupusscore`` namespace first); later places point to it.
``definitions.rst`` is the table of shipped response and flare definitions,
read from the same data files the library loads, so it cannot drift.
"""

from __future__ import annotations

import importlib
import inspect
import types
from pathlib import Path
from typing import Any

#: Public modules, in the order their sections appear. A subpackage whose
#: optional extra is not installed is skipped; ``make docs`` installs the
#: extras, so the published reference has them all.
PUBLIC_MODULES = (
    "lupusscore",
    "lupusscore.kidney",
    "lupusscore.activity",
    "lupusscore.serology",
    "lupusscore.response",
    "lupusscore.outcomes",
    "lupusscore.cohort",
    "lupusscore.cdisc",
    "lupusscore.fhir",
    "lupusscore.plot",
    "lupusscore.stats",
    "lupusscore.dask",
    "lupusscore.models",
    "lupusscore.results",
    "lupusscore.table",
    "lupusscore.units",
    "lupusscore.analytes",
    "lupusscore.descriptors",
    "lupusscore.vocabulary",
    "lupusscore.change",
    "lupusscore.report",
    "lupusscore.example",
    "lupusscore.errors",
)


def _title(text: str, char: str) -> list[str]:
    return [text, char * len(text), ""]


def _directive(obj: Any) -> str | None:
    if isinstance(obj, types.ModuleType):
        return None
    if inspect.isclass(obj):
        return "autoclass"
    if callable(obj):
        return "autofunction"
    return "autodata"


def api_page() -> str:
    """Return the reST source of the API reference."""
    lines = _title("API reference", "=")
    lines += [
        "Generated from the docstrings of everything in ``__all__``; each object is",
        "documented once, where it first appears, and listed again where it is",
        "re-exported.",
        "",
    ]
    seen: dict[int, str] = {}
    for name in PUBLIC_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        exported = getattr(module, "__all__", None)
        if not exported:
            continue
        lines += _title(f"``{name}``", "-")
        lines += [f".. automodule:: {name}", "   :no-members:", ""]
        pointers: list[str] = []
        for attr in sorted(exported, key=str.lower):
            obj = getattr(module, attr)
            directive = _directive(obj)
            if directive is None:
                continue
            path = f"{name}.{attr}"
            key = id(obj)
            if directive != "autodata" and key in seen:
                pointers.append(f"- ``{attr}``: see :py:obj:`{seen[key]}`")
                continue
            seen[key] = path
            if directive == "autodata":
                # A constant: its type and a short value, not its type's docstring.
                lines += [f".. py:data:: {path}", f"   :type: {type(obj).__name__}", ""]
                continue
            lines.append(f".. {directive}:: {path}")
            if directive == "autoclass":
                lines += ["   :members:", "   :show-inheritance:"]
            lines.append("")
        if pointers:
            lines += ["Also exported here:", "", *pointers, ""]
    return "\n".join(lines) + "\n"


def _cell(text: object) -> str:
    return " ".join(str(text).split()) if text not in (None, "") else "-"


def definitions_page() -> str:
    """Return the reST source of the shipped definitions table."""
    from lupusscore.response import (  # noqa: PLC0415 - after Sphinx set up the path
        list_definitions,
        list_flare_definitions,
    )

    lines = _title("Shipped definitions", "=")
    lines += [
        "Built from the definition data files the library loads",
        "(``lupusscore/response/definitions`` and ``flares``). A tier marked",
        "*provisional* rests on a source the clinical reference could not verify;",
        "see :doc:`../unverified-tiers` and :doc:`../renal-response`.",
        "",
    ]
    lines += _title("Renal response", "-")
    lines += [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 10 5 25 10 10 40",
        "",
        "   * - id",
        "     - version",
        "     - title",
        "     - complete tier",
        "     - partial tier",
        "     - citation and evidence",
    ]
    for d in list_definitions():

        def tier(t: Any) -> str:
            if t is None:
                return "none"
            return "provisional" if t.provisional else "settled"

        lines += [
            f"   * - ``{d.id}``",
            f"     - {_cell(d.version)}",
            f"     - {_cell(d.title)}",
            f"     - {tier(d.complete)}",
            f"     - {tier(d.partial)}",
            f"     - {_cell(d.citation)} Evidence: {_cell(d.evidence)}",
        ]
    lines.append("")
    lines += _title("Renal flare", "-")
    lines += [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 15 5 30 50",
        "",
        "   * - id",
        "     - version",
        "     - title",
        "     - citation and evidence",
    ]
    for f in list_flare_definitions():
        lines += [
            f"   * - ``{f.id}``",
            f"     - {_cell(f.version)}",
            f"     - {_cell(f.title)}",
            f"     - {_cell(f.citation)} Evidence: {_cell(f.evidence)}",
        ]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    # Rewrite only on change, so Sphinx's incremental build stays incremental.
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def _generate(app: Any) -> None:
    out = Path(app.srcdir) / "_generated"
    out.mkdir(exist_ok=True)
    _write(out / "api.rst", api_page())
    _write(out / "definitions.rst", definitions_page())


def setup(app: Any) -> dict[str, Any]:
    """Register the generator with Sphinx."""
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "version": "1"}
