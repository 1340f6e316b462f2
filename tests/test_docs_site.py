"""The docs site's generated pages cover the public API and the shipped definitions."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import lupusscore as ls
from lupusscore.response import list_definitions, list_flare_definitions

DOCS = Path(__file__).parents[1] / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "lupusscore_docs", DOCS / "_ext" / "lupusscore_docs.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_page_documents_every_public_name() -> None:
    """Every name in the public ``__all__`` lists appears in the API reference."""
    gen = _generator()
    page = gen.api_page()
    for module_name in gen.PUBLIC_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in getattr(module, "__all__", ()):
            if isinstance(getattr(module, name), ModuleType):
                continue
            assert re.search(rf"(\.{re.escape(name)}\b|``{re.escape(name)}``)", page), (
                f"{module_name}.{name} is missing from the API reference"
            )


def test_api_page_documents_each_object_once() -> None:
    """A re-exported object is documented once and pointed to elsewhere."""
    page = _generator().api_page()
    targets = re.findall(r"^\.\. auto(?:class|function):: (\S+)$", page, flags=re.M)
    assert len(targets) == len(set(targets))
    assert "lupusscore.Cohort" in targets
    assert "lupusscore.cohort.Cohort" not in targets
    assert "- ``Cohort``: see :py:obj:`lupusscore.Cohort`" in page


def test_definitions_page_lists_every_shipped_definition() -> None:
    """The definitions table is built from the shipped data: every id and title."""
    page = _generator().definitions_page()
    for d in (*list_definitions(), *list_flare_definitions()):
        assert f"``{d.id}``" in page
        assert " ".join(d.title.split()) in page
    provisional = [
        d.id for d in list_definitions() if d.partial and d.partial.provisional
    ]
    assert provisional, "the example expects at least one provisional tier"
    assert page.count("provisional") >= len(provisional)


def test_every_docs_page_is_in_a_toctree() -> None:
    """Each Markdown page of docs/ is reachable from the index (else Sphinx warns)."""
    index = (DOCS / "index.md").read_text("utf-8")
    listed = set(re.findall(r"^([a-z0-9_/.-]+)$", index, flags=re.M))
    for page in DOCS.glob("*.md"):
        if page.stem in {"index", "README"}:
            continue
        assert page.stem in listed, f"docs/{page.name}: no toctree"
    assert ls.__version__
