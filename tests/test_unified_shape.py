"""Issue 11 for kidney, activity and serology: one result shape, one vocabulary."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lupusscore import descriptors, models
from lupusscore.activity import SLEDAI_2K_DESCRIPTORS, SLEDAI_2K_WEIGHTS

SRC = Path(__file__).parents[1] / "src" / "lupusscore"
_AREA_MODULES = sorted(
    p for area in ("kidney", "activity", "serology") for p in (SRC / area).glob("*.py")
)


def _imported_names(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    return [
        (node.module or "", alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]


def test_descriptor_table_lives_in_one_foundation_module() -> None:
    """Models and activity read the same SLEDAI-2K descriptor table objects."""
    assert models.SLEDAI_2K_DESCRIPTOR_NAMES is descriptors.SLEDAI_2K_DESCRIPTOR_NAMES
    assert SLEDAI_2K_DESCRIPTORS is descriptors.SLEDAI_2K_DESCRIPTORS
    assert SLEDAI_2K_WEIGHTS is descriptors.SLEDAI_2K_WEIGHTS
    assert [d.name for d in SLEDAI_2K_DESCRIPTORS] == list(
        descriptors.SLEDAI_2K_DESCRIPTOR_NAMES
    )


def test_variants_do_not_import_the_scoring_module() -> None:
    """The ``_sledai`` <-> ``_variants`` import cycle is gone (no lazy import)."""
    imported = {m for m, _ in _imported_names(SRC / "activity" / "_variants.py")}
    assert "lupusscore.activity._sledai" not in imported


@pytest.mark.parametrize("path", _AREA_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_names_imported_across_modules(path: Path) -> None:
    """A module imports only public names from another lupusscore module."""
    for module, name in _imported_names(path):
        if module.startswith("lupusscore"):
            assert not name.startswith("_"), f"{path.name} imports {module}.{name}"
