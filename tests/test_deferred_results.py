"""Results whose explanations are built on first access equal the eager ones.

``classify_renal_response``, ``classify_renal_flare`` and ``sledai_2k_visit``
return results whose criteria, reason texts and descriptor explanations are
built the first time any field store read needs them
(:class:`lupusscore.results.DeferredFields`). These tests pin that nothing a
caller can see changes: the JSON of 1,080 results equals what the eager
construction wrote (``tests/golden/deferred_results.json``, see
``tests/_deferred_cases.py``), and equality, hashing, pickling, copying,
``model_dump`` of a model holding the result, the set of fields given and
reads from several threads at once behave as for an eager result.
"""

from __future__ import annotations

import copy
import json
import pickle
import threading
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from tests._deferred_cases import GOLDEN, all_cases, digest, renal_cases, sledai_cases

import lupusscore as ls
from lupusscore.activity._sledai import SledaiResult
from lupusscore.response import RenalFlareResult, RenalResponseResult
from lupusscore.results import _DEFERRED, _FIELD_STORE

_PINS: dict[str, str] = json.loads(GOLDEN.read_text())


def _cases() -> list[tuple[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(all_cases())


def _fresh(call: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call()


def _deferred(result: object) -> bool:
    return _DEFERRED in _FIELD_STORE.__get__(result)


def test_json_equals_the_eager_construction() -> None:
    """Every case's JSON is the one the eager construction wrote (1,080 pins)."""
    cases = _cases()
    assert {name for name, _ in cases} == set(_PINS)
    changed = [name for name, call in cases if digest(_fresh(call)) != _PINS[name]]
    assert changed == []


def test_explanations_wait_for_first_access() -> None:
    """A fresh result holds its explanation unbuilt; one read completes it."""
    for results, eager, deferred in (
        (renal_cases(), "category", "tiers"),
        (sledai_cases(), "score", "descriptors"),
    ):
        _, call = next(results)
        r = _fresh(call)
        assert _deferred(r)
        getattr(r, eager)  # a field set at once leaves the rest unbuilt
        assert _deferred(r)
        assert isinstance(getattr(r, deferred), tuple)
        assert not _deferred(r)


def test_every_read_sees_the_built_fields() -> None:
    """Equality, hash, pickle, copy, dump, iteration and vars see every field."""
    for name, call in _cases()[::7]:
        built = _fresh(call)
        built.model_dump()  # completed
        for what, read in _READS.items():
            fresh = _fresh(call)
            assert read(fresh, built), (name, what)
            assert list(vars(fresh)) == list(type(fresh).model_fields), (name, what)


_READS: dict[str, Any] = {
    "eq": lambda r, built: r == built,
    "eq reversed": lambda r, built: built == r,
    "hash": lambda r, built: hash(r) == hash(built),
    "pickle": lambda r, built: pickle.loads(pickle.dumps(r)) == built,
    "copy": lambda r, built: copy.copy(r) == built,
    "deepcopy": lambda r, built: copy.deepcopy(r) == built,
    "model_copy": lambda r, built: r.model_copy() == built,
    "dump": lambda r, built: r.model_dump() == built.model_dump(),
    "json": lambda r, built: r.model_dump_json() == built.model_dump_json(),
    "iter": lambda r, built: dict(r) == dict(built),
    "repr": lambda r, built: repr(r) == repr(built),
    "vars": lambda r, built: vars(r) == vars(built),
    "fields set": lambda r, built: r.model_fields_set == built.model_fields_set,
    "validated": lambda r, built: type(r).model_validate(r.model_dump()) == built,
}


class _Holder(BaseModel):
    renal: RenalResponseResult
    flare: RenalFlareResult
    sledai: SledaiResult


def test_a_model_holding_fresh_results_dumps_them_whole() -> None:
    """pydantic serialises a held result through its completed fields."""
    renal = next(iter(renal_cases()))[1]
    flare = next(c for n, c in _cases() if n.startswith("flare/"))
    sledai = next(iter(sledai_cases()))[1]
    held = _Holder(renal=_fresh(renal), flare=_fresh(flare), sledai=_fresh(sledai))
    expected = _Holder(
        renal=_fresh(renal).model_copy(),
        flare=_fresh(flare).model_copy(),
        sledai=_fresh(sledai).model_copy(),
    )
    assert held.model_dump_json() == expected.model_dump_json()
    assert held.model_dump() == expected.model_dump()


def test_fields_given_are_those_of_the_eager_construction() -> None:
    """``model_fields_set`` names every field but the defaults left alone."""
    r = _fresh(next(iter(renal_cases()))[1])
    assert r.model_fields_set == set(RenalResponseResult.model_fields) - {"notes"}
    s = _fresh(next(iter(sledai_cases()))[1])
    assert s.model_fields_set == set(SledaiResult.model_fields) - {"notes"}


@pytest.mark.parametrize("which", ["renal", "sledai"])
def test_threads_reading_at_once_get_the_same_values(which: str) -> None:
    """Eight threads reading one fresh result get the very same built objects."""
    cases = renal_cases() if which == "renal" else sledai_cases()
    _, call = next(cases)
    for _ in range(20):
        r = _fresh(call)
        start = threading.Barrier(8)
        seen: list[object] = []

        def read(
            r: Any = r, start: threading.Barrier = start, seen: list[object] = seen
        ) -> None:
            start.wait()
            seen.append(r.tiers if which == "renal" else r.descriptors)

        threads = [threading.Thread(target=read) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(seen) == 8
        assert all(x is seen[0] for x in seen)


_LEVEL = st.none() | st.sampled_from([0.0, 0.5, 0.7, 60.0]) | st.floats(0, 150)


@given(
    definition=st.sampled_from(ls.list_definitions()),
    upcr=_LEVEL,
    base=_LEVEL,
    egfr=_LEVEL,
    ref=_LEVEL,
    gc=_LEVEL,
    rescue=st.none() | st.booleans(),
    order=st.permutations(list(RenalResponseResult.model_fields)),
)
def test_fields_read_in_any_order_match_the_validated_copy(
    definition: str,
    upcr: float | None,
    base: float | None,
    egfr: float | None,
    ref: float | None,
    gc: float | None,
    rescue: bool | None,
    order: list[str],
) -> None:
    """Reading fields one by one, in any order, gives the validated result."""
    kw = {
        "upcr_g_g": upcr,
        "baseline_upcr_g_g": base,
        "egfr": egfr,
        "reference_egfr": ref,
        "glucocorticoid_mg_day": gc,
        "rescue_therapy": rescue,
    }
    r = ls.classify_renal_response(definition, **kw)
    reads = {name: getattr(r, name) for name in order}
    again = ls.classify_renal_response(definition, **kw)
    validated = RenalResponseResult.model_validate(json.loads(again.model_dump_json()))
    assert reads == {name: getattr(validated, name) for name in order}
    assert r == validated


def test_an_unvalidated_visit_s_descriptors_are_still_checked() -> None:
    """A Visit built without validation has its descriptors read and checked."""
    visit = ls.Visit.model_construct(
        participant_id="P01",
        date=ls.Visit(participant_id="P01", date="2024-03-01").date,
        labs=(),
        descriptors={"rash": "yes"},
        exclusions={},
    )
    with pytest.raises(ls.errors.InvalidValueError, match="rash"):
        ls.sledai_2k_visit(visit)
