"""Rewrite the shipped renal response and flare definition files in canonical form.

The shipped definitions are data: ``src/lupusscore/response/definitions/<id>.json``,
each ``RenalResponseDefinition.model_dump(mode="json")``, and
``src/lupusscore/response/flares/<id>.json``, each
``RenalFlareDefinition.model_dump(mode="json")`` (the flare files were generated
from the flare builders of ``lupusscore.response._flare`` in issue 11). This
script first generated the response files from the Python builders that used to
live in ``lupusscore.response._shipped`` (issue 11 item 2; see that commit); the
builders are gone, so now it loads every file through
``lupusscore.load_definition`` and writes it back in canonical form (two-space
indent, UTF-8, final newline). Run it after editing a file by hand; ``--check``
exits 1 if a file is not canonical.

Usage (from the repository root)::

    .venv/bin/python scripts/dump_definitions.py          # rewrite the files
    .venv/bin/python scripts/dump_definitions.py --check  # exit 1 if not canonical
"""

# A command-line script that prints.
# ruff: noqa: T201

from __future__ import annotations

import argparse
from pathlib import Path

from lupusscore.response import RenalFlareDefinition, load_definition
from lupusscore.response._definition import GradedDefinition
from lupusscore.response._shipped import (
    DEFINITIONS_DIR,
    FLARES_DIR,
    SHIPPED_FLARE_IDS,
    SHIPPED_IDS,
    definition_json,
)

PACKAGE = Path(__file__).resolve().parent.parent / "src/lupusscore/response"
FAMILIES: tuple[tuple[Path, tuple[str, ...], type[GradedDefinition] | None], ...] = (
    (PACKAGE / DEFINITIONS_DIR, SHIPPED_IDS, None),
    (PACKAGE / FLARES_DIR, SHIPPED_FLARE_IDS, RenalFlareDefinition),
)


def main() -> int:
    """Rewrite (or with --check, compare) one file per shipped definition."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare")
    args = parser.parse_args()
    stale = []
    for folder, ids, model in FAMILIES:
        stale += _rewrite(folder, ids, model, check=args.check)
    if args.check and stale:
        print("not canonical:", ", ".join(stale))
        return 1
    return 0


def _rewrite(
    folder: Path,
    ids: tuple[str, ...],
    model: type[GradedDefinition] | None,
    *,
    check: bool,
) -> list[str]:
    """Rewrite (or compare) the files of one family; return the stale names."""
    stale = []
    for definition_id in ids:
        path = folder / f"{definition_id}.json"
        current = path.read_text(encoding="utf-8")
        loaded = (
            load_definition(path) if model is None else load_definition(path, model)
        )
        text = definition_json(loaded)
        if current == text:
            continue
        stale.append(f"{folder.name}/{path.name}")
        if not check:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
