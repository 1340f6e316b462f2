"""Rewrite the shipped renal response definition files in canonical form.

The shipped definitions are data: ``src/lupusscore/response/definitions/<id>.json``,
each ``RenalResponseDefinition.model_dump(mode="json")``. This script first
generated them from the Python builders that used to live in
``lupusscore.response._shipped`` (issue 11 item 2; see that commit); the builders
are gone, so now it loads every file through ``lupusscore.load_definition`` and
writes it back in canonical form (two-space indent, UTF-8, final newline). Run it
after editing a file by hand; ``--check`` exits 1 if a file is not canonical.

Usage (from the repository root)::

    .venv/bin/python scripts/dump_definitions.py          # rewrite the files
    .venv/bin/python scripts/dump_definitions.py --check  # exit 1 if not canonical
"""

# A command-line script that prints.
# ruff: noqa: T201

from __future__ import annotations

import argparse
from pathlib import Path

from lupusscore.response import load_definition
from lupusscore.response._shipped import DEFINITIONS_DIR, SHIPPED_IDS, definition_json

OUT = (
    Path(__file__).resolve().parent.parent / "src/lupusscore/response" / DEFINITIONS_DIR
)


def main() -> int:
    """Rewrite (or with --check, compare) one file per shipped definition."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args()
    stale = []
    for definition_id in SHIPPED_IDS:
        path = OUT / f"{definition_id}.json"
        current = path.read_text(encoding="utf-8")
        text = definition_json(load_definition(path))
        if current == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("not canonical:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
