"""Issue 15 item 5: the report speaks the trial's language.

The primary row is labelled as the protocol states it ("achieve and maintain
remission", complete renal response under the named definition), the kidney
section names "proteinuria (UPCR)", and where the data have no UPCR at all a
response row says "not evaluable: no UPCR" (text, JSON and CSV) instead of 0%.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from importlib import resources
from typing import Any

import lupusscore as ls
from lupusscore.cli import load_example_trial
from lupusscore.report import render


@cache
def _example_data() -> dict[str, Any]:
    text = (
        resources.files("lupusscore")
        .joinpath("data/example_trial.json")
        .read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def _without_upcr(arms: set[str] | None = None) -> ls.Trial:
    """The bundled example with every UPCR removed (in *arms*, else everywhere)."""
    data = json.loads(json.dumps(_example_data()))
    for p in data["participants"]:
        if arms is not None and p["arm"] not in arms:
            continue
        for v in p["visits"]:
            v["labs"] = [lab for lab in v["labs"] if lab["analyte"] != "upcr"]
    return ls.load_trial(data)


@cache
def _no_upcr_table() -> ls.OutcomeTable:
    return ls.build_outcome_table(_without_upcr())


def test_primary_row_says_achieve_and_maintain_remission() -> None:
    """The primary row reads 'achieve and maintain remission: complete ... (id)'."""
    table = ls.build_outcome_table(load_example_trial(), definition="kdigo-2024")
    primary = {r.outcome for r in table.rows if r.section == "primary"}
    assert primary == {
        "achieve and maintain remission: complete renal response (kdigo-2024) "
        "achieved by month 12 and maintained through month 24"
    }
    text = render(table)
    assert "primary: achieve and maintain remission (achieved by month 12" in text


def test_definition_without_complete_tier_is_not_called_remission() -> None:
    """A definition with no complete tier (alms) counts any response: not remission."""
    table = ls.build_outcome_table(load_example_trial(), definition="alms")
    primary = [r.outcome for r in table.rows if r.section == "primary"]
    assert primary
    assert all(o.startswith("achieve and maintain renal response: ") for o in primary)
    assert not any("remission" in o for o in primary)


def test_kidney_section_names_proteinuria_upcr() -> None:
    """The kidney section's UPCR row is 'proteinuria (UPCR): change from baseline'."""
    table = ls.build_outcome_table(load_example_trial())
    kidney = {r.outcome for r in table.rows if r.section == "kidney"}
    assert "proteinuria (UPCR): change from baseline" in kidney
    assert "UPCR: change from baseline" not in kidney
    assert "proteinuria (UPCR): change from baseline [g/g]" in render(table)


def test_no_upcr_at_all_is_not_evaluable_in_text_not_zero_percent() -> None:
    """Without any UPCR the response rows say 'not evaluable: no UPCR', not 0%."""
    table = _no_upcr_table()
    response = [r for r in table.rows if r.section in {"primary", "renal response"}]
    assert {r.section for r in response} == {"primary", "renal response"}
    sizes = {a.arm: a.n for a in table.arms}
    for row in response:
        assert row.reason == "no UPCR"
        assert row.n == 0
        assert row.count == 0
        assert row.imputed == 0
        assert row.not_evaluable == sizes[row.arm]
    text = render(table)
    block = text[text.index("== PRIMARY ==") : text.index("== SURVIVAL ==")]
    assert "not evaluable: no UPCR" in block
    assert "0.0%" not in block
    assert "0/40" not in block


def test_no_upcr_reason_is_in_json_and_csv() -> None:
    """The JSON rows carry ``reason`` and the CSV has a ``reason`` column."""
    table = _no_upcr_table()
    rows = json.loads(render(table, "json"))["rows"]
    primary = [r for r in rows if r["section"] == "primary"]
    assert primary
    assert all(r["reason"] == "no UPCR" for r in primary)
    assert ls.OutcomeTable.model_validate_json(render(table, "json")) == table
    lines = list(csv.DictReader(io.StringIO(render(table, "csv"))))
    response = [r for r in lines if r["section"] in {"primary", "renal response"}]
    assert response
    assert all(r["reason"] == "no UPCR" for r in response)
    others = [r for r in lines if r["section"] not in {"primary", "renal response"}]
    assert others
    assert all(r["reason"] == "" for r in others)


def test_one_arm_without_upcr_leaves_the_other_arm_counted() -> None:
    """Only the arm without UPCR is not evaluable; the other keeps its numbers."""
    full = ls.build_outcome_table(load_example_trial())
    table = ls.build_outcome_table(_without_upcr({"Prednisone"}))
    primary = {r.arm: r for r in table.rows if r.section == "primary"}
    before = {r.arm: r for r in full.rows if r.section == "primary"}
    assert primary["Prednisone"].reason == "no UPCR"
    assert primary["Prednisone"].n == 0
    assert primary["MSC infusion"].reason is None
    assert primary["MSC infusion"] == before["MSC infusion"]
    assert any("'Prednisone'" in n and "no UPCR" in n for n in table.notes)
