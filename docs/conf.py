"""Sphinx configuration for the lupusscore documentation site (``make docs``).

The pages are the Markdown files of this folder, read by MyST, so they stay
exactly what ``make test`` runs as doctests. Two pages are generated at build
time from the library itself, never written by hand:

- ``_generated/api.rst``: the API reference, one entry for everything in the
  ``__all__`` of ``lupusscore`` and its public subpackages, from the docstrings
  (numpydoc);
- ``_generated/definitions.rst``: the table of shipped response and flare
  definitions, from the definition data files.

This file is not imported by the test suite (``docs/conftest.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

project = "lupusscore"
author = "lupusscore developers"
copyright = "2026, lupusscore developers"

try:
    import lupusscore

    release = lupusscore.__version__
except ImportError:  # pragma: no cover - the docs need the package installed
    release = "unknown"
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "numpydoc",
    "lupusscore_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "conftest.py", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Docstrings are numpydoc; the class members are listed by autodoc, once.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"
autodoc_default_options: dict[str, Any] = {}

html_theme = "alabaster"
html_title = f"lupusscore {release}"
html_static_path: list[str] = []

nitpicky = False
suppress_warnings: list[str] = []
