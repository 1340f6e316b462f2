"""Renal response definitions as data: shipped content, parameters, JSON, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pydantic
import pytest

import lupusscore as ls
from lupusscore.response import RenalResponseDefinition

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "response_thresholds.json").read_text()
)
SHIPPED_IDS = [
    "kdigo-2024",
    "kdigo-2012",
    "eular-2019",
    "eular-2012",
    "aurora",
    "bliss-ln",
    "regency",
    "alms",
    "lunar",
]

_COMPARATOR_FIELD = {
    "threshold_g_g": "comparator",
    "threshold_mg_mmol": "comparator",
    "max_rise_fraction": "comparator",
    "min_fraction": "comparator",
    "max_rbc_hpf": "comparator",
    "max_mg_day": "comparator",
    "at_least": "at_least_comparator",
    "max_fall_fraction": "fall_comparator",
}


def _part(d: RenalResponseDefinition, tier: str, name: str) -> Any:
    t = getattr(d, tier)
    assert t is not None, (d.id, tier)
    for p in t.criteria:
        if (p.name or p.kind) == name:
            return p
    msg = f"{d.id}.{tier}: no criterion {name}"
    raise AssertionError(msg)


def test_issue_ids_are_shipped() -> None:
    """Every id the issue names is shipped, spelled exactly."""
    ids = [d.id for d in ls.list_definitions()]
    assert set(SHIPPED_IDS) <= set(ids)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "row", REFERENCE["rows"], ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}-{r[3]}"
)
def test_threshold_matches_transcription(row: list[Any]) -> None:
    """Each shipped threshold equals the value transcribed from its source."""
    did, tier, name, field, value, comparator = row
    part = _part(ls.get_definition(did), tier, name)
    assert getattr(part, field) == pytest.approx(value, abs=1e-12)
    if comparator is not None:
        assert getattr(part, _COMPARATOR_FIELD[field]) == comparator


@pytest.mark.parametrize("definition", ls.list_definitions(), ids=lambda d: d.id)
def test_every_threshold_is_cited(definition: RenalResponseDefinition) -> None:
    """Every criterion and the definition itself carry a citation."""
    assert definition.citation
    assert definition.id in REFERENCE["sources"]
    for tier in definition.tiers():
        for part in tier.criteria:
            assert len(part.citation) > 10, (definition.id, part.kind)


@pytest.mark.parametrize("definition", ls.list_definitions(), ids=lambda d: d.id)
def test_json_round_trip(definition: RenalResponseDefinition) -> None:
    """A shipped definition dumped to JSON loads back equal."""
    text = definition.model_dump_json()
    assert ls.load_definition(text) == definition
    assert ls.load_definition(json.loads(text)) == definition


def test_load_from_file(tmp_path: Path) -> None:
    """A protocol definition loads from a file and evaluates like a shipped one."""
    path = tmp_path / "protocol.json"
    spec = {
        "id": "protocol-x",
        "version": "2.0",
        "title": "Protocol X complete renal response",
        "citation": "Protocol X v2.0, section 9.1",
        "complete": {
            "label": "CRR",
            "criteria": [
                {
                    "kind": "upcr_below",
                    "threshold_g_g": 0.5,
                    "comparator": "<=",
                    "citation": "9.1",
                },
                {
                    "kind": "egfr",
                    "max_fall_fraction": 0.25,
                    "citation": "9.1",
                },
            ],
        },
    }
    path.write_text(json.dumps(spec))
    d = ls.load_definition(path)
    r = ls.classify_renal_response(
        d, upcr_g_g=0.5, baseline_upcr_g_g=None, egfr=75, reference_egfr=100
    )
    assert r.category == "complete"
    assert (r.definition_id, r.definition_version) == ("protocol-x", "2.0")


def test_schema_is_produced_with_every_part_kind() -> None:
    """model_json_schema() is a discriminated union over every part kind."""
    schema = RenalResponseDefinition.model_json_schema()
    text = json.dumps(schema)
    for kind in (
        "upcr_below",
        "upcr_reduction",
        "nephrotic_baseline",
        "egfr",
        "creatinine",
        "glucocorticoid_ceiling",
        "no_rescue_therapy",
        "no_withdrawal",
        "inactive_sediment",
    ):
        assert f'"{kind}"' in text
    assert '"discriminator"' in text
    assert schema["additionalProperties"] is False


BASE: dict[str, Any] = {
    "id": "bad",
    "version": "1",
    "title": "t",
    "citation": "c",
    "complete": {
        "label": "CRR",
        "criteria": [{"kind": "upcr_below", "threshold_g_g": 0.5, "citation": "c"}],
    },
}


def _with_part(**part: Any) -> dict[str, Any]:
    return {**BASE, "complete": {"label": "CRR", "criteria": [part]}}


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        (_with_part(kind="upcr_below", threshold_g_g=-0.5, citation="c"), "greater"),
        (_with_part(kind="upcr_below", threshold_g_g=0.0, citation="c"), "greater"),
        (_with_part(kind="upcr_belowish", threshold_g_g=0.5, citation="c"), "kind"),
        (
            _with_part(
                kind="upcr_below", threshold_g_g=0.5, comparator=">", citation="c"
            ),
            "comparator",
        ),
        (_with_part(kind="upcr_below", threshold_g_g=0.5), "citation"),
        (
            _with_part(kind="upcr_below", threshold_g_g=0.5, citation="c", x=1),
            "x",
        ),
        (_with_part(kind="upcr_reduction", min_fraction=1.5, citation="c"), "less"),
        (_with_part(kind="egfr", citation="c"), "at_least"),
        (
            _with_part(kind="egfr", max_fall_fraction=float("inf"), citation="c"),
            "max_fall_fraction",
        ),
        (
            _with_part(
                kind="creatinine",
                max_rise_fraction=0.1,
                rise_only_if_reference_normal=True,
                citation="c",
            ),
            "rise_only_if_reference_normal",
        ),
        ({**BASE, "complete": None}, "at least one tier"),
        ({**BASE, "id": "Bad Id"}, "id"),
        (
            {**BASE, "complete": {**BASE["complete"], "provisional": True}},
            "provisional_reason",
        ),
        (
            {
                **BASE,
                "complete": {
                    "label": "CRR",
                    "criteria": [
                        {
                            "kind": "egfr",
                            "at_least": 60,
                            "max_fall_fraction": 0.2,
                            "reference": "baseline",
                            "citation": "c",
                        },
                        {
                            "kind": "creatinine",
                            "max_rise_fraction": 0.2,
                            "reference": "pre_flare",
                            "citation": "c",
                        },
                    ],
                },
            },
            "one reference",
        ),
        (
            {
                **BASE,
                "complete": {
                    "label": "CRR",
                    "criteria": [
                        {"kind": "upcr_below", "threshold_g_g": 0.5, "citation": "c"},
                        {"kind": "upcr_below", "threshold_g_g": 0.7, "citation": "c"},
                    ],
                },
            },
            "unique",
        ),
    ],
)
def test_invalid_definitions_are_rejected(spec: dict[str, Any], needle: str) -> None:
    """Invalid definitions raise DefinitionError naming the offending field."""
    with pytest.raises(ls.DefinitionError, match="invalid renal response") as info:
        ls.load_definition(spec)
    assert needle in str(info.value)


def test_bad_json_is_rejected() -> None:
    """Malformed JSON text raises DefinitionError with the position."""
    with pytest.raises(ls.DefinitionError, match="line 1, column"):
        ls.load_definition('{"id": "x",')


def test_missing_file_is_rejected(tmp_path: Path) -> None:
    """An unreadable path raises DefinitionError naming it."""
    with pytest.raises(ls.DefinitionError, match="cannot read"):
        ls.load_definition(tmp_path / "missing.json")


def test_non_object_json_is_rejected(tmp_path: Path) -> None:
    """A JSON file holding a list is rejected."""
    path = tmp_path / "list.json"
    path.write_text("[1, 2]")
    with pytest.raises(ls.DefinitionError, match="expected a JSON object"):
        ls.load_definition(path)


def test_direct_construction_raises_validation_error() -> None:
    """Building a bad definition in code raises pydantic's located error."""
    with pytest.raises(pydantic.ValidationError, match="threshold_g_g"):
        RenalResponseDefinition.model_validate(
            _with_part(kind="upcr_below", threshold_g_g=-1, citation="c")
        )


def test_definitions_are_frozen() -> None:
    """Definitions cannot be changed after construction."""
    d = ls.get_definition("kdigo-2024")
    with pytest.raises(pydantic.ValidationError):
        d.id = "other"  # type: ignore[misc]


def test_unknown_id_is_rejected() -> None:
    """An unknown id raises DefinitionError listing the shipped ids."""
    with pytest.raises(ls.DefinitionError, match="kdigo-2024"):
        ls.get_definition("kdigo-2025")
    with pytest.raises(ls.DefinitionError, match="kdigo-2025"):
        ls.classify_renal_response(
            "kdigo-2025", upcr_g_g=0.1, baseline_upcr_g_g=1, egfr=90, reference_egfr=90
        )


def test_parameters_default_and_range() -> None:
    """Source ranges are parameters with a stated default, validated."""
    d = ls.get_definition("kdigo-2024")
    p = d.parameter("egfr_tolerance")
    assert (p.value, p.default, p.minimum, p.maximum) == (0.15, 0.15, 0.10, 0.15)
    strict = ls.get_definition("kdigo-2024", egfr_tolerance=0.10)
    assert strict.version == "1+egfr_tolerance=0.1"
    assert strict.complete is not None
    assert strict.complete.criteria[1].max_fall_fraction == 0.10  # type: ignore[union-attr]
    eular = ls.get_definition("eular-2019", upcr_threshold_g_g=0.7)
    assert eular.complete.criteria[0].threshold_g_g == 0.7  # type: ignore[union-attr]
    for bad in ({"egfr_tolerance": 0.2}, {"egfr_tolerance": float("nan")}):
        with pytest.raises(ls.DefinitionError, match="egfr_tolerance"):
            ls.get_definition("kdigo-2024", **bad)
    with pytest.raises(ls.DefinitionError, match="unknown parameter"):
        ls.get_definition("kdigo-2024", tolerance=0.1)
    with pytest.raises(ls.DefinitionError, match="normal_egfr"):
        ls.get_definition("eular-2012", normal_egfr=-5)
    with pytest.raises(ls.DefinitionError, match="no parameter"):
        d.parameter("nope")


def test_provisional_flags() -> None:
    """Tiers resting on unverified wording are provisional, with a reason."""
    flags = {d.id: d.provisional for d in ls.list_definitions()}
    assert flags["eular-2019"]
    assert flags["eular-2012"]
    verified = ["kdigo-2024", "kdigo-2012", "aurora", "bliss-ln", "regency", "alms"]
    assert not any(flags[i] for i in verified)
    for d in ls.list_definitions():
        for t in d.tiers():
            assert t.provisional == bool(t.provisional_reason)


def test_unverified_tiers_are_not_shipped() -> None:
    """AURORA PRR, LUNAR PR and ALMS complete remission are left out."""
    assert ls.get_definition("aurora").partial is None
    assert ls.get_definition("lunar").partial is None
    assert ls.get_definition("alms").complete is None


def test_kidney_reference_per_definition() -> None:
    """BLISS-LN and KDIGO 2012 compare with the pre-flare value, others baseline."""
    refs = {d.id: d.kidney_reference for d in ls.list_definitions()}
    assert refs["bliss-ln"] == "pre_flare"
    assert refs["kdigo-2012"] == "pre_flare"
    assert refs["kdigo-2024"] == "baseline"
    assert refs["eular-2012"] is None
