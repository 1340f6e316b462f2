"""Issue 18 item 5: the trial tiers looked up, what is shipped and what is not.

None of the nine tiers and rules could be confirmed in a primary source (see
docs/unverified-tiers.md), so these tests pin that each stays unshipped, that
the definitions say so in their notes, and that the docs page lists every item
with where it was looked for and what was found.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import lupusscore as ls
from lupusscore.response import list_flare_definitions
from lupusscore.response._shipped import UNCONFIRMED, UNVERIFIED_DOC, Unconfirmed

ROOT = Path(__file__).parents[1]
DOC = (ROOT / UNVERIFIED_DOC).read_text(encoding="utf-8")

#: The nine items issue 18 item 5 names, by their keys.
ISSUE_ITEMS = {
    "aurora-prr",
    "lunar-prr",
    "nobility-prr",
    "acr-2024-prr",
    "alms-complete-remission",
    "kdigo-paediatric-cr",
    "eular-2012-flare",
    "bliss-ln-week-100",
    "sledai-2k-ri-50",
}


def _section(key: str) -> str:
    """Return the text of the docs section headed ``## key``."""
    match = re.search(rf"^## {re.escape(key)}\n(.*?)(?=^## |\Z)", DOC, re.M | re.S)
    assert match is not None, f"no section '## {key}' in {UNVERIFIED_DOC}"
    return match.group(1)


def test_every_issue_item_is_accounted_for() -> None:
    """The unconfirmed list holds exactly the nine items the issue names, once each."""
    keys = [u.key for u in UNCONFIRMED]
    assert len(keys) == len(set(keys))
    assert set(keys) == ISSUE_ITEMS


@pytest.mark.parametrize("u", UNCONFIRMED, ids=lambda u: u.key)
def test_docs_say_where_each_item_was_looked_for(u: Unconfirmed) -> None:
    """Each item has a docs section naming the sources read and what they said."""
    text = _section(u.key)
    assert "*Looked in*:" in text
    assert "*Found*:" in text
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{u.key}` |"))
    assert "unverified" in row


@pytest.mark.parametrize(
    "u", [u for u in UNCONFIRMED if u.tier is not None], ids=lambda u: u.key
)
def test_unconfirmed_tier_is_not_shipped(u: Unconfirmed) -> None:
    """A tier that could not be confirmed is absent from its shipped definition."""
    assert u.definition is not None
    d = ls.get_definition(u.definition)
    assert getattr(d, u.tier) is None
    other = "partial" if u.tier == "complete" else "complete"
    assert getattr(d, other) is not None, "the confirmed tier stays shipped"


@pytest.mark.parametrize(
    "u", [u for u in UNCONFIRMED if u.definition is not None], ids=lambda u: u.key
)
def test_definition_notes_point_to_the_docs(u: Unconfirmed) -> None:
    """The definition a missing tier belongs to says so and where to read why."""
    assert u.definition is not None
    notes = ls.get_definition(u.definition).notes
    note = next(n for n in notes if n.startswith(u.item))
    assert "is not shipped" in note
    assert u.reason in note
    assert UNVERIFIED_DOC in note


def test_aurora_partial_reduction_gives_no_partial_category() -> None:
    """A >= 50% UPCR fall that misses AURORA's CRR is 'none', not a guessed PRR."""
    r = ls.classify_renal_response(
        "aurora",
        upcr_g_g=1.0,
        baseline_upcr_g_g=4.0,
        egfr=90,
        reference_egfr=90,
        glucocorticoid_mg_day=5,
        rescue_therapy=False,
        withdrawn=False,
        egfr_decline_confirmed=False,
    )
    assert r.category.value == "none"
    assert r.partial is None


def test_no_paediatric_definition_is_shipped() -> None:
    """No shipped definition or tier is a KDIGO paediatric complete response."""
    for d in ls.list_definitions():
        names = " ".join([d.id, d.title, *(t.label for t in d.tiers())]).lower()
        assert "paediatric" not in names
        assert "pediatric" not in names
        assert "child" not in names


def test_no_flare_rule_is_labelled_eular_2012() -> None:
    """No renal flare definition claims the EULAR/ERA-EDTA 2012 source."""
    for d in list_flare_definitions():
        text = d.model_dump_json()
        assert "eular" not in d.id
        assert "EULAR" not in text
        assert "Bertsias" not in text


def test_bliss_ln_week_104_needs_no_week_100_confirmation() -> None:
    """BLISS-LN decides on the week-104 values alone; no confirmation is applied."""
    d = ls.get_definition("bliss-ln")
    for tier in d.tiers():
        for part in tier.criteria:
            assert not getattr(part, "confirmation_required", False), part.kind
    r = ls.classify_renal_response(
        d,
        upcr_g_g=0.6,
        baseline_upcr_g_g=3.0,
        egfr=80,
        reference_egfr=85,
        glucocorticoid_mg_day=5,
        rescue_therapy=False,
    )
    assert r.category.value == "partial"


def test_sledai_2k_ri_50_is_not_implemented() -> None:
    """Without the per-descriptor rules there is no RI-50 module or public name."""
    assert importlib.util.find_spec("lupusscore.activity._ri50") is None
    public = [*dir(ls), *dir(ls.activity)]
    assert not [n for n in public if re.search(r"ri_?50", n, re.I)]


@pytest.mark.parametrize(
    "definition_id", ["aurora", "lunar", "nobility", "bliss-ln", "acr-2024", "alms"]
)
def test_confirmed_trial_tiers_are_listed(definition_id: str) -> None:
    """Each shipped [V] trial or guideline tier has a row in the confirmed table."""
    table = DOC.split("## Confirmed trial tiers", 1)[1]
    assert f"| `{definition_id}` |" in table
    assert (ls.get_definition(definition_id).evidence or "").startswith("[V]")


def test_renal_response_docs_link_the_page() -> None:
    """The renal-response page points to the unverified-tiers page."""
    text = (ROOT / "docs" / "renal-response.md").read_text(encoding="utf-8")
    assert "(unverified-tiers.md)" in text
