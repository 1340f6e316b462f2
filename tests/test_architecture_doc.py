"""docs/architecture.md names every module of the package and agrees with the layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "lupusscore"
DOC = ROOT / "docs" / "architecture.md"


def _enforced_layers() -> dict[str, int]:
    """Read LAYERS from tests/test_layering.py (the enforced picture)."""
    tree = ast.parse((ROOT / "tests" / "test_layering.py").read_text("utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.AnnAssign)
            and getattr(node.target, "id", "") == "LAYERS"
        ):
            assert node.value is not None
            layers = ast.literal_eval(node.value)
            assert isinstance(layers, dict)
            return layers
    msg = "LAYERS not found"
    raise AssertionError(msg)


def _components() -> set[str]:
    names = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    return names


def _table() -> dict[str, int]:
    rows: dict[str, int] = {}
    for line in DOC.read_text("utf-8").splitlines():
        match = re.match(r"\| (\d) \| (.+?) \|", line)
        if match:
            for name in re.findall(r"`(\w+)`", match.group(2)):
                rows[name] = int(match.group(1))
    return rows


def test_every_module_is_in_the_architecture_table() -> None:
    """Each top-level module and subpackage has a row, and no row names a ghost."""
    table = _table()
    assert set(table) == _components() - {"data"}


def test_architecture_table_agrees_with_the_enforced_layers() -> None:
    """The layer in the docs is the layer tests/test_layering.py enforces."""
    layers = _enforced_layers()
    for name, layer in _table().items():
        assert layers[name] == layer, name
