"""Old module constant names, read from the shipped definition files.

The thresholds and sources of the shipped response and flare definitions used
to be module constants beside Python builders. They now live in the data files;
the old names stay importable for one release (PEP 562 module ``__getattr__``),
read from the loaded definition with a :class:`DeprecationWarning`.

A table maps each old name to ``(definition id, path)``. A path is a top-level
field (``citation``, ``version``), ``parameters.<name>.<field>``, or
``<tier>.<criterion>.<field>`` where *tier* is a graded tier of the definition
(``complete`` / ``partial``, or ``rules.<grade>`` for a flare). The field
``range`` gives (minimum, maximum) of a parameter, or (increase_min,
increase_max) of a criterion.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping

from lupusscore.response._definition import GradedDefinition

__all__ = ["module_getattr", "old_names_table", "read_path"]


def old_names_table(text: str) -> dict[str, tuple[str, str]]:
    """Parse a table of lines ``NAME definition-id path`` (blank lines skipped)."""
    rows = (line.split() for line in text.splitlines() if line.strip())
    return {name: (definition_id, path) for name, definition_id, path in rows}


def read_path(definition: GradedDefinition, path: str) -> object:
    """Return the value at *path* (see the module docstring) of *definition*."""
    head, _, rest = path.partition(".")
    if not rest:
        return getattr(definition, head)
    if head == "rules":
        head, _, rest = rest.partition(".")
    name, _, field = rest.partition(".")
    if head == "parameters":
        p = next(x for x in getattr(definition, "parameters", ()) if x.name == name)
        return (p.minimum, p.maximum) if field == "range" else getattr(p, field)
    grade = next(g for g in definition.grades() if g.name == head)
    part = next(c for c in (*grade.any_of, *grade.all_of) if (c.name or c.kind) == name)
    if field == "range":
        return (getattr(part, "increase_min"), getattr(part, "increase_max"))  # noqa: B009
    return getattr(part, field)


def module_getattr(
    module: str,
    table: Mapping[str, tuple[str, str]],
    load: Callable[[str], GradedDefinition],
    where: Callable[[str], str],
) -> Callable[[str], object]:
    """Return a module ``__getattr__`` reading the old names of *table*.

    Parameters
    ----------
    module : str
        The module's ``__name__`` (for messages).
    table : mapping
        Old name -> (definition id, path).
    load : callable
        Loads a shipped definition by id (called on first use only).
    where : callable
        For a definition id, the file and the call to read it from, for the
        warning (``"definitions/x.json: read it from lupusscore.get_definition('x')"``).
    """

    def __getattr__(name: str) -> object:
        """Read a deprecated constant name from the shipped data (PEP 562)."""
        found = table.get(name)
        if found is None:
            msg = f"module {module!r} has no attribute {name!r}"
            raise AttributeError(msg)
        definition_id, path = found
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed; the value lives in "
            f"{where(definition_id)} ({path})",
            DeprecationWarning,
            stacklevel=2,
        )
        return read_path(load(definition_id), path)

    return __getattr__
