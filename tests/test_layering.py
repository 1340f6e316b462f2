"""Architecture: imports only point down the layers of DESIGN.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "lupusscore"

#: DESIGN.md layers: 1 foundation, 2 models, 3 scores, 4 outcomes, 5 adapters.
LAYERS: dict[str, int] = {
    "errors": 1,
    "analytes": 1,
    "units": 1,
    "results": 1,
    "_arrays": 1,
    "_checks": 1,
    "vocabulary": 1,
    "change": 1,
    "descriptors": 1,
    "table": 1,
    "_frames": 1,
    "_display": 1,
    "html_report": 5,
    "models": 2,
    "kidney": 3,
    "activity": 3,
    "serology": 3,
    "response": 3,
    "outcomes": 4,
    "cohort": 4,
    "stats": 4,
    "example": 5,
    "report": 5,
    "cli": 5,
    "__main__": 5,
    "interop": 5,
    "cdisc": 5,
    "data": 5,
    "fhir": 5,
    "plot": 5,
    "dask": 5,
}


def _component(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [m for m in found if m == "lupusscore" or m.startswith("lupusscore.")]


_MODULES = sorted(
    p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC
)


@pytest.mark.parametrize("path", _MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_classified(path: Path) -> None:
    """Every module belongs to a known layer (classify new ones here)."""
    assert _component(path) in LAYERS


@pytest.mark.parametrize("path", _MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path: Path) -> None:
    """A module imports only from its own layer or the layers below it."""
    own = LAYERS[_component(path)]
    for module in _imports(path):
        parts = module.split(".")
        if len(parts) == 1:
            pytest.fail(f"{path.name} imports the top-level package; import a module")
        target = LAYERS.get(parts[1])
        assert target is not None, f"unclassified import {module}"
        assert target <= own, f"{path.relative_to(SRC)} (layer {own}) imports {module}"
