"""Definition sensitivity: the primary outcome under named analyse() variants."""

from __future__ import annotations

import json
import sys

import pytest

import lupusscore as ls
from lupusscore.cli import load_example_trial, main
from lupusscore.errors import InvalidValueError
from lupusscore.response import list_definitions
from lupusscore.stats import Variant, default_variants, render_sensitivity

pytest.importorskip("statsmodels")


@pytest.fixture(scope="module")
def analysis() -> ls.Analysis:
    """The bundled example, analysed with the defaults."""
    return ls.analyse(load_example_trial())


def test_every_shipped_definition_and_policy_is_a_variant(
    analysis: ls.Analysis,
) -> None:
    """Default variants: each shipped definition, then each missing-data policy."""
    table = analysis.sensitivity()
    kinds = dict(zip(table["VARIANT"].tolist(), table["KIND"].tolist(), strict=True))
    for d in list_definitions():
        assert kinds[d.id] == "definition"
    for p in ls.MissingPolicy:
        assert kinds[p.value] == "missing policy"
    assert len(table) == len(default_variants(analysis)) * len(analysis.cohort.arms)


def test_each_variant_equals_its_own_analysis(analysis: ls.Analysis) -> None:
    """A variant's row is the primary outcome of analyse() with its options."""
    table = analysis.sensitivity()
    for d in list_definitions()[:4]:
        other = ls.analyse(analysis.cohort, definition=d.id)
        primary = {
            r.arm: r for r in other.outcome_table().rows if r.section == "primary"
        }
        for row in table.to_dicts():
            if row["VARIANT"] != d.id:
                continue
            want = primary[row["ARM"]]
            assert (row["COUNT"], row["N"]) == (want.count, want.n)
            assert row["DEFVER"] == d.version
            assert (row["PROVISIONAL"] == "Y") == bool(
                other.outcome_table().definition_provisional or d.provisional
            )


def test_difference_is_against_the_reference(analysis: ls.Analysis) -> None:
    """DIFF is the arm's proportion minus the reference's; none for the reference."""
    table = analysis.sensitivity()
    rows = table.to_dicts()
    for r in rows:
        if r["ARM"] == r["REFERENCE"]:
            assert r["DIFF"] is None
            continue
        ref = next(
            x
            for x in rows
            if x["VARIANT"] == r["VARIANT"] and x["ARM"] == r["REFERENCE"]
        )
        if r["N"] and ref["N"]:
            assert r["DIFF"] == pytest.approx(
                r["COUNT"] / r["N"] - ref["COUNT"] / ref["N"]
            )
            assert r["DIFF_LOW"] <= r["DIFF"] <= r["DIFF_HIGH"]


def test_custom_variants_are_keyword_arguments(analysis: ls.Analysis) -> None:
    """A variant is any set of analyse() keyword arguments; a bad one is said."""
    variants = [
        Variant("unscheduled", "visits", {"use_unscheduled": True}),
        Variant("exact CI", "interval", {"ci_method": "exact"}),
        Variant("bad timepoint", "timepoints", {"achieve_by": "month 99"}),
    ]
    table = analysis.sensitivity(variants)
    assert table["VARIANT"].tolist()[::2] == [v.name for v in variants]
    bad = [r for r in table.to_dicts() if r["VARIANT"] == "bad timepoint"]
    assert all(r["NOTE"].startswith("not analysed") for r in bad)
    with pytest.raises(InvalidValueError):
        analysis.sensitivity(["aurora"])  # type: ignore[list-item]
    with pytest.raises(InvalidValueError):
        Variant("", "definition", {})


def test_protocol_definition_is_a_variant(analysis: ls.Analysis) -> None:
    """A protocol's own definition (not shipped) is added to the variants."""
    own = ls.get_definition("aurora").model_copy(update={"id": "my-protocol"})
    a = ls.analyse(analysis.cohort, definition=own)
    names = [v.name for v in default_variants(a)]
    assert "my-protocol (protocol)" in names


def test_without_the_extra_the_difference_has_no_ci(
    analysis: ls.Analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No statsmodels: the point difference, and a note naming the extra."""
    monkeypatch.setitem(sys.modules, "statsmodels.stats.proportion", None)
    table = analysis.sensitivity([Variant("kdigo", "definition", {})])
    other = [r for r in table.to_dicts() if r["ARM"] != r["REFERENCE"]]
    assert other
    assert all(
        r["DIFF_LOW"] is None and "lupusscore[stats]" in r["NOTE"] for r in other
    )


def test_cli_sensitivity(capsys: pytest.CaptureFixture[str]) -> None:
    """``report --sensitivity`` prints every shipped definition, provisional flagged."""
    assert main(["report", "--sensitivity"]) == 0
    out = capsys.readouterr().out
    for d in list_definitions():
        assert f"definition: {d.id}" in out
        assert (f"definition: {d.id} [PROVISIONAL]" in out) == d.provisional
    assert "missing policy: locf" in out
    assert main(["report", "--sensitivity", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["VARIANT"] for r in data} >= {d.id for d in list_definitions()}


def test_render_rejects_an_unknown_format(analysis: ls.Analysis) -> None:
    """render_sensitivity accepts text, json and csv."""
    table = analysis.sensitivity([Variant("kdigo", "definition", {})])
    assert render_sensitivity(table, "csv").startswith("VARIANT,KIND,")
    with pytest.raises(InvalidValueError):
        render_sensitivity(table, "xml")


def test_estimand_strategies_are_variants(analysis: ls.Analysis) -> None:
    """Each strategy is a variant over every event where it is meaningful.

    Death keeps the analysis' own strategy under treatment policy and
    hypothetical (refused for death); each row equals analyse() with the
    variant's strategies.
    """
    variants = [v for v in default_variants(analysis) if v.kind == "estimand strategy"]
    assert [v.name for v in variants] == [
        "composite (every event)",
        "treatment_policy (every event but death)",
        "while_on_treatment (every event)",
        "hypothetical (every event but death)",
    ]
    by_name = {v.name: v for v in variants}
    kept = by_name["hypothetical (every event but death)"].options["strategies"]
    assert kept["death"] == "composite"
    assert kept["rescue"] == "hypothetical"
    table = analysis.sensitivity()
    for v in variants:
        other = ls.analyse(analysis.cohort, strategies=v.options["strategies"])
        primary = {
            r.arm: r for r in other.outcome_table().rows if r.section == "primary"
        }
        rows = [r for r in table.to_dicts() if r["VARIANT"] == v.name]
        assert len(rows) == len(analysis.cohort.arms)
        for row in rows:
            assert row["KIND"] == "estimand strategy"
            assert (row["COUNT"], row["N"]) == (
                primary[row["ARM"]].count,
                primary[row["ARM"]].n,
            )
