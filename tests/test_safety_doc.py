"""The hazard log names only tests that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SAFETY = ROOT / "docs" / "safety.md"
_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _references() -> list[tuple[str, str]]:
    return _REF.findall(SAFETY.read_text("utf-8"))


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_hazard_has_a_control_and_a_test() -> None:
    """Each hazard row names at least one test."""
    rows = [
        line
        for line in SAFETY.read_text("utf-8").splitlines()
        if re.match(r"\| H\d+ \|", line)
    ]
    assert len(rows) >= 15
    for row in rows:
        assert _REF.search(row), row


@pytest.mark.parametrize(("path", "name"), _references())
def test_named_test_exists(path: str, name: str) -> None:
    """A test the hazard log cites exists in the file it names."""
    file = ROOT / path
    assert file.is_file(), path
    assert name in _test_names(file), f"{path}::{name}"
