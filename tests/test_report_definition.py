"""A protocol's own renal response definition goes all the way to the report."""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import lupusscore as ls
from lupusscore.cli import load_example_trial, main
from lupusscore.errors import DefinitionError, LupusScoreError
from lupusscore.report import OutcomeTable, build_outcome_table, render
from lupusscore.response import get_definition, load_definition

#: A hypothetical protocol: KDIGO 2024 with a stricter complete-response UPCR
#: cut-off (test data, not a published threshold).
PROTOCOL_UPCR_G_G = 0.3


def _protocol() -> dict[str, Any]:
    data = get_definition("kdigo-2024").model_dump(mode="json")
    data["version"] = "protocol-1"
    for part in data["complete"]["criteria"]:
        if part["kind"] == "upcr_below":
            part["threshold_g_g"] = PROTOCOL_UPCR_G_G
            part["threshold_mg_mmol"] = None
            part["published"] = f"<{PROTOCOL_UPCR_G_G} g/g (protocol)"
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@cache
def _default() -> OutcomeTable:
    return build_outcome_table(load_example_trial())


def _primary(table: OutcomeTable) -> list[tuple[str, int | None]]:
    return [(r.arm, r.count) for r in table.rows if r.section == "primary"]


def test_custom_definition_changes_the_table_through_python(tmp_path: Path) -> None:
    """A path (str or Path) or a loaded definition all give the same, changed table."""
    path = _write(tmp_path, _protocol())
    trial = load_example_trial()
    by_path = build_outcome_table(trial, definition=path)
    assert build_outcome_table(trial, definition=str(path)) == by_path
    assert build_outcome_table(trial, definition=load_definition(path)) == by_path
    assert by_path.definition == "kdigo-2024"
    assert by_path.definition_version == "protocol-1"
    assert _primary(by_path) != _primary(_default())
    # a stricter cut-off never adds responders
    for (arm, strict), (same_arm, usual) in zip(
        _primary(by_path), _primary(_default()), strict=True
    ):
        assert arm == same_arm
        assert strict is not None
        assert usual is not None
        assert strict <= usual
    assert any("not the shipped definition" in n for n in by_path.notes)
    assert not any("not the shipped definition" in n for n in _default().notes)


def test_custom_definition_file_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report --definition-file`` prints the table of the protocol's definition."""
    path = _write(tmp_path, _protocol())
    assert main(["report", "--definition-file", str(path), "--format", "json"]) == 0
    printed = OutcomeTable.model_validate_json(capsys.readouterr().out)
    assert printed.comparisons  # the report adds the between-arm comparisons
    table = printed.model_copy(update={"comparisons": (), "comparisons_note": None})
    assert table == build_outcome_table(load_example_trial(), definition=path)
    assert table.definition_version == "protocol-1"
    assert _primary(table) != _primary(_default())


def test_definition_and_definition_file_are_mutually_exclusive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Giving both options is a usage error (exit 2)."""
    path = _write(tmp_path, _protocol())
    code = main(["report", "--definition", "alms", "--definition-file", str(path)])
    assert code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_unreadable_or_invalid_definition_file_is_a_definition_error(
    tmp_path: Path,
) -> None:
    """A missing file or a file that is no definition is a DefinitionError."""
    trial = load_example_trial()
    with pytest.raises(DefinitionError, match="cannot read"):
        build_outcome_table(trial, definition=tmp_path / "missing.json")
    bad = _protocol()
    bad["complete"]["criteria"][0]["threshold_g_g"] = -1
    with pytest.raises(DefinitionError):
        build_outcome_table(trial, definition=_write(tmp_path, bad))


def test_a_definition_of_the_wrong_type_is_a_library_error() -> None:
    """Neither an id, a path nor a definition: a library error naming the field."""
    with pytest.raises(LupusScoreError, match="definition"):
        build_outcome_table(load_example_trial(), definition=3)  # type: ignore[arg-type]


def test_report_names_the_definition_id_version_and_source() -> None:
    """Text, JSON and CSV carry the definition's id, version and citation."""
    table = _default()
    d = get_definition("kdigo-2024")
    assert (table.definition_version, table.definition_citation) == (
        d.version,
        d.citation,
    )
    text = render(table, "text")
    assert f"Definition kdigo-2024 version {d.version}; source: {d.citation}" in text
    assert "PROVISIONAL" not in text
    data = json.loads(render(table, "json"))
    assert (data["definition_version"], data["definition_citation"]) == (
        d.version,
        d.citation,
    )
    rows = list(csv.DictReader(io.StringIO(render(table, "csv"))))
    assert {
        (r["definition"], r["definition_version"], r["definition_citation"])
        for r in rows
    } == {("kdigo-2024", d.version, d.citation)}


def test_report_flags_provisional_tiers() -> None:
    """A definition with provisional tiers is flagged in every format."""
    d = next(x for x in ls.list_definitions() if x.provisional)
    table = build_outcome_table(load_example_trial(), definition=d.id)
    assert table.definition_provisional == d.provisional_reasons
    text = render(table, "text")
    for reason in d.provisional_reasons:
        assert f"PROVISIONAL tier of {d.id}" in text
        assert reason in text
    rows = list(csv.DictReader(io.StringIO(render(table, "csv"))))
    assert {r["definition_provisional"] for r in rows} == {
        "; ".join(d.provisional_reasons)
    }


def test_a_table_saved_without_definition_details_still_loads() -> None:
    """JSON written before the definition details existed parses and renders."""
    data = json.loads(render(_default(), "json"))
    for key in ("definition_version", "definition_citation", "definition_provisional"):
        del data[key]
    old = OutcomeTable.model_validate(data)
    assert old.definition_version is None
    assert "source:" not in render(old, "text")


def test_load_trial_and_render_are_top_level() -> None:
    """``lupusscore.load_trial`` and ``lupusscore.render`` are where users look."""
    trial = ls.load_trial(json.loads(load_example_trial().model_dump_json()))
    assert ls.render(ls.build_outcome_table(trial), "json") == render(
        _default(), "json"
    )
