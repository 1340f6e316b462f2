"""Issue 11 item 2: the shipped renal response definitions are data files.

Each shipped definition is ``src/lupusscore/response/definitions/<id>.json``.
The files were generated once from the Python builders they replace
(``scripts/dump_definitions.py``, before the builders were deleted), so the
checks here are: every file loads, re-dumps to exactly its own text, validates
against the definition JSON Schema, and the docs table lists exactly the files
with their versions; loading is cached, thread-safe, and a broken file names
itself and the field.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import lupusscore as ls
from lupusscore.response import RenalFlareDefinition, RenalResponseDefinition, _shipped
from lupusscore.response import _flare as _flare_module
from lupusscore.response._shipped import (
    DEFINITIONS_DIR,
    FLARES_DIR,
    SHIPPED_FLARE_IDS,
    SHIPPED_IDS,
    definition_file,
    definition_json,
)

ROOT = Path(__file__).parents[1]
FILES = ROOT / "src" / "lupusscore" / "response" / DEFINITIONS_DIR
FLARE_FILES = ROOT / "src" / "lupusscore" / "response" / FLARES_DIR
DOC = ROOT / "docs" / "renal-response.md"


def _text(definition_id: str) -> str:
    """Return the text of a shipped file as the source tree holds it."""
    return (FILES / f"{definition_id}.json").read_text(encoding="utf-8")


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Empty the loading caches before and after a test that patches files."""
    _shipped._load_shipped.cache_clear()
    _shipped._get.cache_clear()
    yield
    _shipped._load_shipped.cache_clear()
    _shipped._get.cache_clear()


def test_one_file_per_shipped_id() -> None:
    """The folder holds exactly one file per shipped id, and nothing else."""
    assert sorted(p.name for p in FILES.iterdir()) == sorted(
        f"{i}.json" for i in SHIPPED_IDS
    )
    assert [d.id for d in ls.list_definitions()] == list(SHIPPED_IDS)
    assert len(SHIPPED_IDS) == 11


def test_files_are_package_resources() -> None:
    """The files are read as package resources (what an installed wheel holds)."""
    root = importlib.resources.files("lupusscore.response") / DEFINITIONS_DIR
    for definition_id in SHIPPED_IDS:
        resource = definition_file(definition_id)
        assert resource.is_file()
        assert resource.read_text(encoding="utf-8") == (
            root / f"{definition_id}.json"
        ).read_text(encoding="utf-8")


@pytest.mark.parametrize("definition_id", SHIPPED_IDS)
def test_file_model_json_equals_file(definition_id: str) -> None:
    """File -> model -> JSON gives the file back, byte for byte.

    The files were written from the old builders' output, so this pins that the
    loaded definitions are the ones the builders produced.
    """
    text = _text(definition_id)
    loaded = ls.load_definition(FILES / f"{definition_id}.json")
    assert definition_json(loaded) == text
    assert ls.get_definition(definition_id) == loaded
    assert loaded.id == definition_id


@pytest.mark.parametrize("definition_id", SHIPPED_IDS)
def test_file_validates_against_json_schema(definition_id: str) -> None:
    """Every file validates against RenalResponseDefinition.model_json_schema()."""
    schema = RenalResponseDefinition.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(_text(definition_id)), schema)


def test_schema_rejects_a_broken_file() -> None:
    """The schema check is not vacuous: a negative threshold fails it."""
    data = json.loads(_text("kdigo-2024"))
    data["complete"]["criteria"][0]["threshold_g_g"] = -0.5
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, RenalResponseDefinition.model_json_schema())


@pytest.mark.parametrize("definition_id", SHIPPED_IDS)
def test_every_threshold_sits_beside_its_citation(definition_id: str) -> None:
    """Each criterion in a file carries its own citation; the file its evidence."""
    data = json.loads(_text(definition_id))
    assert data["citation"]
    assert data["evidence"]
    for tier in ("complete", "partial"):
        for part in (data[tier] or {"criteria": []})["criteria"]:
            assert len(part["citation"]) > 10, (definition_id, part["kind"])


def _doc_table() -> dict[str, str]:
    """Return {id: version} from the shipped-definitions table of the docs."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(next(x for x in lines if x.startswith("| id | Version |")))
    rows: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        match = re.fullmatch(r"`([a-z0-9._-]+)`( \(extra\))?", cells[0])
        assert match is not None, line
        assert match.group(1) not in rows, f"{match.group(1)} listed twice"
        rows[match.group(1)] = cells[1]
    return rows


def test_docs_table_lists_exactly_the_files_with_versions() -> None:
    """docs/renal-response.md lists every shipped file once, with its version."""
    files = {
        i: json.loads(_text(i))["version"] for i in SHIPPED_IDS
    }  # read from the files themselves, not from the code
    assert _doc_table() == files


def test_reparameterised_definition_matches_the_builders() -> None:
    """Parameters set the thresholds they name, as the old builders did."""
    d = ls.get_definition("eular-2019", normal_egfr=100, nephrotic_g_g=2.5)
    assert d.version == "1+normal_egfr=100,nephrotic_g_g=2.5"
    assert d.complete is not None
    assert d.partial is not None
    egfr = d.complete.criteria[1]
    assert (egfr.at_least, egfr.relative_only_below) == (90.0, 100.0)  # type: ignore[union-attr]
    assert d.partial.criteria[2] == egfr
    assert d.partial.criteria[1].threshold_g_g == 2.5  # type: ignore[union-attr]
    e12 = ls.get_definition("eular-2012", normal_egfr=95.5)
    assert e12.complete is not None
    assert e12.complete.criteria[1].at_least == round(95.5 * 0.9, 12)  # type: ignore[union-attr]
    assert e12.parameter("normal_egfr").value == 95.5
    assert e12.parameter("nephrotic_g_g").value == 3.0


def test_parameter_targets_are_checked() -> None:
    """A parameter whose target does not hold its value is a DefinitionError."""
    data = json.loads(_text("eular-2019"))
    data["parameters"][1]["value"] = 95.0  # normal_egfr, but at_least stays 81
    with pytest.raises(ls.DefinitionError, match=r"normal_egfr.*at_least is 81"):
        ls.load_definition(data)
    data = json.loads(_text("kdigo-2024"))
    data["parameters"][0]["applies_to"][0]["criterion"] = "creatinine"
    with pytest.raises(ls.DefinitionError, match="no criterion 'creatinine'"):
        ls.load_definition(data)
    data = json.loads(_text("kdigo-2024"))
    data["parameters"][0]["applies_to"][0]["field"] = "reference"
    with pytest.raises(ls.DefinitionError, match="not a numeric field"):
        ls.load_definition(data)


def test_loading_is_cached() -> None:
    """Each file is read once; repeated calls return the same frozen object."""
    first = ls.get_definition("aurora")
    assert ls.get_definition("aurora") is first
    assert _shipped._load_shipped("aurora") is _shipped._load_shipped("aurora")
    assert _shipped._load_shipped.cache_info().currsize >= 1


def test_loading_is_thread_safe(fresh_cache: None) -> None:
    """Loading every definition from many threads at once gives equal results."""
    barrier = threading.Barrier(8)
    results: list[tuple[RenalResponseDefinition, ...]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(ls.list_definitions())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 8
    assert all(r == results[0] for r in results)
    assert [d.id for d in results[0]] == list(SHIPPED_IDS)


def _break(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, which: str = "aurora"
) -> Path:
    """Point the shipped-file lookup at a copy of the files with one broken."""
    for definition_id in SHIPPED_IDS:
        (tmp_path / f"{definition_id}.json").write_text(
            _text(definition_id), encoding="utf-8"
        )
    broken = tmp_path / f"{which}.json"
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setattr(_shipped, "definition_file", lambda i: tmp_path / f"{i}.json")
    return broken


def _mutated(edit: Any) -> str:
    """Return the aurora file text after *edit* changed its parsed data."""
    data = json.loads(_text("aurora"))
    edit(data)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (
            _mutated(
                lambda d: d["complete"]["criteria"][0].update(threshold_g_g="half")
            ),
            "complete.criteria.0.upcr_below.threshold_g_g",
        ),
        (_mutated(lambda d: d.update(colour="red")), "colour"),
        (_mutated(lambda d: d.update(id="aurora-2")), "id: the file holds"),
        ('{"id": "aurora",', "not valid JSON at line 1"),
    ],
    ids=["bad-threshold", "unknown-field", "wrong-id", "bad-json"],
)
def test_broken_shipped_file_names_file_and_field(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fresh_cache: None,
    text: str,
    needle: str,
) -> None:
    """A broken shipped file raises DefinitionError naming the file and the field."""
    broken = _break(monkeypatch, tmp_path, text)
    with pytest.raises(ls.DefinitionError) as info:
        ls.get_definition("aurora")
    message = str(info.value)
    assert message.startswith(str(broken))
    assert needle in message
    assert info.value.origin == str(broken)  # type: ignore[attr-defined]
    assert ls.get_definition("kdigo-2024").id == "kdigo-2024"  # others still load


def test_shipped_file_off_default_is_rejected(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_cache: None
) -> None:
    """A shipped file must hold its parameters at their defaults."""
    data = json.loads(_text("kdigo-2024"))
    data["parameters"][0]["value"] = 0.1
    for tier in ("complete", "partial"):
        for part in data[tier]["criteria"]:
            if part["kind"] == "egfr":
                part["max_fall_fraction"] = 0.1
    _break(monkeypatch, tmp_path, json.dumps(data), "kdigo-2024")
    with pytest.raises(ls.DefinitionError, match=r"egfr_tolerance\.value"):
        ls.get_definition("kdigo-2024")


def test_canonical_script_check_passes() -> None:
    """scripts/dump_definitions.py --check finds every file canonical."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "dump_definitions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _walk_file(definition_id: str, path: str) -> object:
    """Return the value at *path* read from the raw JSON file (not the model)."""
    data = json.loads(_text(definition_id))
    head, _, rest = path.partition(".")
    if not rest:
        return data[head]
    name, _, field = rest.partition(".")
    if head == "parameters":
        param = next(p for p in data["parameters"] if p["name"] == name)
        return (
            (param["minimum"], param["maximum"]) if field == "range" else param[field]
        )
    part = next(c for c in data[head]["criteria"] if (c["name"] or c["kind"]) == name)
    return part[field]


@pytest.mark.parametrize("name", sorted(_shipped._OLD_NAMES))
def test_old_constant_names_read_the_data(name: str) -> None:
    """The removed module constants stay importable, deprecated, read from files."""
    definition_id, path = _shipped._OLD_NAMES[name]
    with pytest.deprecated_call(match=name):
        value = getattr(_shipped, name)
    assert value == _walk_file(definition_id, path)
    assert value is not None


def test_old_constant_import_statement_works() -> None:
    """``from ... import KDIGO_CR_UPCR_G_G`` still works (with a warning)."""
    with pytest.deprecated_call():
        from lupusscore.response._shipped import KDIGO_CR_UPCR_G_G
    complete = ls.get_definition("kdigo-2024").complete
    assert complete is not None
    assert complete.criteria[0].threshold_g_g == KDIGO_CR_UPCR_G_G  # type: ignore[union-attr]
    with pytest.raises(AttributeError, match="NO_SUCH_NAME"):
        _shipped.NO_SUCH_NAME  # noqa: B018


def test_huge_integer_parameter_is_a_definition_error() -> None:
    """An int too large for a float is out of range, not a bare OverflowError."""
    with pytest.raises(ls.DefinitionError, match="normal_egfr"):
        ls.get_definition("eular-2012", normal_egfr=10**400)


# --- Issue 11 item 2: the 5 shipped flare definitions are data files too ----------


def _flare_text(definition_id: str) -> str:
    """Return the text of a shipped flare file as the source tree holds it."""
    return (FLARE_FILES / f"{definition_id}.json").read_text(encoding="utf-8")


def test_one_flare_file_per_shipped_flare_id() -> None:
    """The flare folder holds exactly one file per shipped flare id."""
    assert sorted(p.name for p in FLARE_FILES.iterdir()) == sorted(
        f"{i}.json" for i in SHIPPED_FLARE_IDS
    )
    assert [d.id for d in ls.response.list_flare_definitions()] == list(
        SHIPPED_FLARE_IDS
    )
    assert len(SHIPPED_FLARE_IDS) == 5
    for definition_id in SHIPPED_FLARE_IDS:
        assert definition_file(definition_id, "flare").is_file()


FLARE_SCHEMA = RenalFlareDefinition.model_json_schema()


@pytest.mark.parametrize("definition_id", SHIPPED_FLARE_IDS)
def test_flare_file_is_its_model_and_fits_the_schema(definition_id: str) -> None:
    """Flare file -> model -> JSON gives the file back; it fits the JSON Schema.

    The model is read through ``load_definition`` (the protocol path) and is
    the one ``get_flare_definition`` returns; the schema check is not vacuous
    (the same file with a negative threshold fails it).
    """
    text = _flare_text(definition_id)
    loaded = ls.load_definition(
        FLARE_FILES / f"{definition_id}.json", RenalFlareDefinition
    )
    assert (loaded.id, definition_json(loaded)) == (definition_id, text)
    assert ls.get_flare_definition(definition_id) == loaded
    jsonschema.Draft202012Validator.check_schema(FLARE_SCHEMA)
    data = json.loads(text)
    jsonschema.validate(data, FLARE_SCHEMA)
    part = data["rules"][0]["any_of"][0]
    part["threshold" if part["kind"] == "upcr_rise" else "increase_min"] = -2.0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, FLARE_SCHEMA)


@pytest.mark.parametrize("definition_id", SHIPPED_FLARE_IDS)
def test_every_flare_threshold_sits_beside_its_citation(definition_id: str) -> None:
    """Each flare criterion carries its own citation; the file its evidence."""
    data = json.loads(_flare_text(definition_id))
    assert data["citation"]
    assert data["evidence"]
    for rule in data["rules"]:
        for part in (*rule["any_of"], *rule["requires"]):
            assert len(part["citation"]) > 10, (definition_id, part["kind"])


def test_docs_flare_table_lists_exactly_the_flare_files() -> None:
    """docs/renal-response.md lists every shipped flare file once, with its version."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(
        next(x for x in lines if x.startswith("| Flare id | Version |"))
    )
    rows: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        match = re.fullmatch(r"`([a-z0-9._-]+)`", cells[0])
        assert match is not None, line
        assert match.group(1) not in rows, f"{match.group(1)} listed twice"
        rows[match.group(1)] = cells[1]
    files = {i: json.loads(_flare_text(i))["version"] for i in SHIPPED_FLARE_IDS}
    assert rows == files


def test_broken_flare_file_names_file_and_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_cache: None
) -> None:
    """A broken shipped flare file raises DefinitionError naming file and field."""
    data = json.loads(_flare_text("aurora-2"))
    data["rules"][0]["any_of"][0]["threshold"] = "high"
    broken = tmp_path / "aurora-2.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(
        _shipped, "definition_file", lambda i, family="response": tmp_path / f"{i}.json"
    )
    with pytest.raises(ls.DefinitionError) as info:
        ls.get_flare_definition("aurora-2")
    message = str(info.value)
    assert message.startswith(str(broken))
    assert "invalid renal flare definition" in message
    assert "rules.0.any_of.0.upcr_rise.threshold" in message


def _walk_flare_file(definition_id: str, path: str) -> object:
    """Return the value at *path* read from the raw flare JSON file."""
    data = json.loads(_flare_text(definition_id))
    head, _, rest = path.partition(".")
    if not rest:
        return data[head]
    grade, name, field = rest.split(".")
    rule = next(r for r in data["rules"] if r["grade"] == grade)
    part = next(
        p
        for p in (*rule["any_of"], *rule["requires"])
        if (p["name"] or p["kind"]) == name
    )
    if field == "range":
        return (part["increase_min"], part["increase_max"])
    return part[field]


@pytest.mark.parametrize("name", sorted(_flare_module._OLD_NAMES))
def test_old_flare_constant_names_read_the_data(name: str) -> None:
    """The removed flare module constants stay importable, deprecated, from files."""
    definition_id, path = _flare_module._OLD_NAMES[name]
    with pytest.deprecated_call(match=name):
        value = getattr(_flare_module, name)
    assert value == _walk_flare_file(definition_id, path)
    assert value is not None
    with pytest.raises(AttributeError, match="NO_SUCH_NAME"):
        _flare_module.NO_SUCH_NAME  # noqa: B018
