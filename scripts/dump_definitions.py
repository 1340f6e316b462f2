"""Write the shipped renal response definitions as data files.

One-off move of issue 11 item 2: every definition the Python builders in
``lupusscore.response._shipped`` produce (default parameters) is written to
``src/lupusscore/response/definitions/<id>.json`` as
``RenalResponseDefinition.model_dump(mode="json")``, so the move is mechanical.

Usage (from the repository root)::

    .venv/bin/python scripts/dump_definitions.py          # write the files
    .venv/bin/python scripts/dump_definitions.py --check  # exit 1 if stale
"""

# A command-line script that prints.
# ruff: noqa: T201

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lupusscore.response import RenalResponseDefinition, list_definitions

OUT = Path(__file__).resolve().parent.parent / "src/lupusscore/response/definitions"


def definition_json(definition: RenalResponseDefinition) -> str:
    """Return the canonical file text of *definition*."""
    data = definition.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    """Write (or with --check, compare) one file per shipped definition."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args()
    stale = []
    for definition in list_definitions():
        path = OUT / f"{definition.id}.json"
        text = definition_json(definition)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        print("stale:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
