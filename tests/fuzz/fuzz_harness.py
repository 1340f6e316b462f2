"""Fuzz harness: discover every public entry point and check the error contract.

The contract (README, ``lupusscore.errors``, issue 10):

- a call either returns, or raises :class:`lupusscore.errors.LupusScoreError`
  (or, for model construction, :class:`pydantic.ValidationError`);
- the only warning it may emit is
  :class:`lupusscore.errors.OutsideValidatedRangeWarning`;
- it finishes within :data:`CALL_TIMEOUT_SECONDS`;
- a call made only of valid, finite inputs does not return NaN or infinity;
- ``lupusscore.cli.main`` returns an exit status (or exits through argparse
  for a usage error), never tracebacks, and writes nothing to stdout when it
  fails.

Everything else (``TypeError``, ``KeyError``, ``AttributeError``,
``OverflowError``, ``ZeroDivisionError``, ``RecursionError``, a bare
``ValueError``, a numpy ``RuntimeWarning``, a hang) is a *violation*.

Entry points are discovered from ``__all__`` of the package and its public
subpackages (:data:`PUBLIC_MODULES`), so a new function is fuzzed the day it
is exported. Calls are built from the signature: each parameter gets a known
good value (:func:`valid_value` -- by parameter name, by annotation, or taken
from real instances harvested from the bundled example data) or, with some
probability, a hostile one from ``tests/strategies.py``.

Entry points that violate the contract on today's code are listed, with a
minimal reproducer and the exception, in ``known_violations.KNOWN_VIOLATIONS``;
the pytest slice marks them ``xfail`` (non-strict). Empty that mapping as fixes
land.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import importlib
import inspect
import io
import json
import math
import re
import reprlib
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pydantic
from hypothesis import HealthCheck, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import lupusscore
import strategies as hs
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import (
    LabDateWarning,
    LupusScoreError,
    OutsideValidatedRangeWarning,
)

#: Modules whose ``__all__`` is the public surface.
PUBLIC_MODULES: tuple[str, ...] = (
    "lupusscore",
    "lupusscore.kidney",
    "lupusscore.activity",
    "lupusscore.serology",
    "lupusscore.response",
    "lupusscore.outcomes",
    "lupusscore.cohort",
    "lupusscore.units",
    "lupusscore.analytes",
    "lupusscore.models",
    "lupusscore.results",
    "lupusscore.report",
    "lupusscore.cli",
)

#: Callables in ``__all__`` that are not lupusscore entry points, with why.
EXCLUDED: Mapping[str, str] = {
    "lupusscore.units.ureg": "pint's UnitRegistry re-exported for convenience",
    "lupusscore.units.Q_": "pint's Quantity class re-exported for convenience",
}

#: Entry points whose result marks "not evaluable" per element with NaN, by
#: design and documented (a NaN there is not a violation), with why.
NAN_MEANS_MISSING: Mapping[str, str] = {
    "lupusscore.cohort.visit_egfr": "NaN marks a visit whose eGFR is not evaluable",
}

#: A call slower than this is a hang (a violation).
CALL_TIMEOUT_SECONDS = 5.0

#: Examples per target in the ``make test`` slice (derandomised).
CI_EXAMPLES = 12

#: Relative weight of a target in the ``fuzz`` profile (default 1.0).
WEIGHTS: Mapping[str, float] = {
    "lupusscore.cli.main": 0.3,
    "lupusscore.build_outcome_table": 0.3,
    "lupusscore.cli.load_example_trial": 0.01,
    "lupusscore.cli.load_example_participant": 0.05,
    "lupusscore.list_definitions": 0.05,
    "lupusscore.response.list_flare_definitions": 0.05,
}

#: Base examples per target of the ``fuzz`` profile (``make fuzz``); with the
#: weights below this gives well over 100,000 examples in total.
FUZZ_BASE_EXAMPLES = 700
settings.register_profile(
    "fuzz",
    max_examples=FUZZ_BASE_EXAMPLES,
    derandomize=False,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

#: Warnings inside the contract: a formula outside its validated population,
#: a lab far from its visit, and the documented deprecation of an old name.
ALLOWED_WARNINGS: tuple[type[Warning], ...] = (
    OutsideValidatedRangeWarning,
    LabDateWarning,
    DeprecationWarning,
)


class FuzzTimeoutError(BaseException):
    """Raised by the alarm when one call runs longer than the timeout.

    A ``BaseException`` so that library code catching ``Exception`` cannot
    swallow it.
    """


# ------------------------------------------------------------------ discovery


@dataclasses.dataclass(frozen=True)
class Target:
    """One public entry point."""

    name: str
    obj: Callable[..., Any]

    @property
    def is_class(self) -> bool:
        """Whether calling the target constructs an object."""
        return inspect.isclass(self.obj)

    @property
    def short(self) -> str:
        """The name without the package prefix, for tables."""
        return self.name.removeprefix("lupusscore.")


def _is_entry_point(obj: Any) -> bool:
    if inspect.isclass(obj):
        return not issubclass(obj, (enum.Enum, BaseException))
    return inspect.isroutine(obj)


def discover() -> list[Target]:
    """Return every public callable entry point, each once, in a stable order."""
    seen: set[int] = set()
    targets: list[Target] = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr, None)
            name = f"{module_name}.{attr}"
            if obj is None or id(obj) in seen or name in EXCLUDED:
                continue
            if not _is_entry_point(obj):
                continue
            seen.add(id(obj))
            targets.append(Target(name, obj))
    return targets


# ------------------------------------------------------------ seed instances

_SEEDS: dict[str, list[Any]] = {}
_TYPES: dict[str, type] = {}


def _walk(obj: Any, depth: int = 0) -> None:
    """Register lupusscore instances found in *obj* (depth-limited)."""
    if depth > 6:
        return
    cls = type(obj)
    if cls.__module__.startswith("lupusscore") and not isinstance(obj, enum.Enum):
        bucket = _SEEDS.setdefault(cls.__name__, [])
        _TYPES[cls.__name__] = cls
        if len(bucket) >= 12 or any(x is obj for x in bucket):
            return
        bucket.append(obj)
        if isinstance(obj, pydantic.BaseModel):
            for field in type(obj).model_fields:
                _walk(getattr(obj, field, None), depth + 1)
        elif dataclasses.is_dataclass(obj):
            for field in dataclasses.fields(obj):
                _walk(getattr(obj, field.name, None), depth + 1)
        return
    if isinstance(obj, (tuple, list, frozenset, set)):
        for item in list(obj)[:12]:
            _walk(item, depth + 1)
    elif isinstance(obj, Mapping):
        for item in list(obj.values())[:40]:
            _walk(item, depth + 1)


def _try(build: Callable[[], Any]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = build()
    except Exception:  # seeds are best effort: the API may be changing
        return None
    _walk(result)
    return result


def seeds() -> dict[str, list[Any]]:
    """Return real instances of lupusscore types, by class name (built once)."""
    if _SEEDS:
        return _SEEDS
    import lupusscore.activity as act
    import lupusscore.kidney as kid
    import lupusscore.outcomes as out
    import lupusscore.response as resp
    import lupusscore.serology as ser
    from lupusscore import cli, report, units

    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr, None)
            if not callable(value) or isinstance(value, enum.Enum):
                _walk(value)
    participant = _try(cli.load_example_participant)
    trial = _try(cli.load_example_trial)
    if trial is not None:
        small = _try(
            lambda: trial.model_copy(
                update={"participants": (trial.participants[0], trial.participants[-1])}
            )
        )
        _SEEDS["SmallTrial"] = [small]
        if small is not None:
            cohort = _try(lambda: lupusscore.Cohort.from_trial(small))
            _SEEDS.setdefault("Cohort", []).append(cohort)
            _SEEDS.setdefault("Analysis", []).append(
                _try(lambda: lupusscore.analyse(small))
            )
        table = _try(lambda: report.build_outcome_table(small))
        _try(lambda: report.render(table))
    if participant is not None:
        patient, visits = participant.patient, participant.visits
        for visit in visits:
            _try(lambda v=visit: lupusscore.egfr(patient, v))
            _try(lambda v=visit: lupusscore.proteinuria(v))
            _try(lambda v=visit: act.sledai_2k_visit(v, visits))
        last = visits[-1]
        for definition in ("kdigo-2024", "aurora"):
            _try(
                lambda d=definition: resp.evaluate_renal_response(
                    d, patient, visits, assessment_date=last.date
                )
            )
        labs = [lab for visit in visits for lab in visit.labs]
        _try(lambda: ser.serological_activity(labs))
        by_analyte: dict[Any, list[Any]] = {}
        for lab in labs:
            by_analyte.setdefault(lab.analyte, []).append(lab)
        for same in by_analyte.values():
            first, second = same[0], same[-1]
            _try(lambda a=first, b=second: ser.lab_change(a, b))
            _try(lambda a=first, b=second: ser.seroconversion(a, b))
        for lab in labs:
            _try(lambda x=lab: ser.low_complement(x))
        _try(lambda: out.time_to_death(participant))
        _try(lambda: out.participant_events(participant))
    sledai = _try(lambda: act.sledai_2k({"arthritis": True, "rash": False}))
    _try(lambda: act.lldas(sledai, pga=0.5, glucocorticoid_mg_day=5.0))
    _try(lambda: act.sri(10, 4))
    _try(lambda: act.sledai_2k_cohort(np.zeros((2, 24), dtype=bool)))
    _try(lambda: kid.eskd(10.0, dialysis=False))
    _try(lambda: kid.creatinine_doubled(2.4, 1.0))
    _try(lambda: kid.change_from_reference("egfr", 50.0, 60.0))
    _try(lupusscore.list_definitions)
    _try(resp.list_flare_definitions)
    _try(lambda: ser.parse_ana_titer("1:160"))
    _try(lambda: ser.classify_sle_eular_acr_2019(ana=True, criteria={}))
    _try(lambda: resp.get_flare_definition("kdigo-2012"))
    _try(
        lambda: resp.classify_renal_response(
            "kdigo-2024",
            upcr_g_g=[0.3, 2.0],
            baseline_upcr_g_g=[3.0, 3.0],
            egfr=[80.0, 80.0],
            reference_egfr=[85.0, 85.0],
        )
    )
    _try(
        lambda: resp.classify_renal_flare(
            "kdigo-2012", upcr_g_g=[2.0, 0.3], reference_upcr_g_g=[0.3, 0.3]
        )
    )
    assessments = [
        out.Assessment(day=d, status=s)
        for d, s in (
            (91, lupusscore.Status.NOT_MET),
            (182, lupusscore.Status.MET),
            (365, lupusscore.Status.MET),
            (730, lupusscore.Status.MET),
        )
    ]
    _walk(assessments)
    _try(lambda: out.DatedEvent(day=400, type=lupusscore.EventType.DEATH))
    _try(lambda: out.kaplan_meier([1, 3, 3, 4, 6], [True, True, False, True, False]))
    _try(lambda: out.proportion(3, 10))
    _try(lambda: out.responder_proportion([True, False, None]))
    _try(lambda: out.summarize([1.0, 2.0, 3.0]))
    _try(
        lambda: out.achieve_and_maintain(
            assessments,
            by_day=365,
            through=lupusscore.Timepoint(label="month 24", day=730, window_days=30),
        )
    )
    _try(
        lambda: out.Estimand(
            arms=("A", "B"),
            definition="kdigo-2024",
            definition_version="1",
            response="complete renal response",
            achieve_by="month 12",
            maintain_through="month 24",
            strategies=out.Strategies(rescue="while_on_treatment"),
            missing_policy="non_responder",
            ci_method="wilson",
        )
    )
    _try(lambda: units.resolve_unit("mg/dL", "creatinine"))
    _try(lambda: units.conversion("mg/dL", "umol/L", analyte="creatinine"))
    _try(lambda: lupusscore.analyte_spec("upcr"))
    _try(lambda: lupusscore.RowProblem("labs", 0, "P1", "LBORRES", "<5", "a number"))
    return _SEEDS


def seed_values(type_name: str) -> list[Any]:
    """Return harvested instances of the lupusscore type *type_name*."""
    return seeds().get(type_name, [])


# ------------------------------------------------------------ valid values


def _floats(low: float, high: float) -> st.SearchStrategy[Any]:
    """Return a valid number: a finite float, an int, or a short float array."""
    scalar = hs.valid_floats(low, high)
    return st.one_of(
        scalar,
        st.integers(math.ceil(low), math.floor(high)) if high - low >= 1 else scalar,
        st.lists(scalar, min_size=3, max_size=3).map(np.asarray),
    )


def _sampled(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values) if values else st.none()


def _labs(analyte: str | None = None) -> st.SearchStrategy[Any]:
    labs = seed_values("LabResult")
    if analyte is not None:
        labs = [lab for lab in labs if lab.analyte.value == analyte] or labs
    return _sampled(labs)


def _visit_pga(visit: Any) -> Any:
    """Measure a visit by its physician global assessment."""
    return visit.pga


def _visit_glucocorticoid(visit: Any) -> Any:
    """Measure a visit by its glucocorticoid dose."""
    return visit.glucocorticoid_mg_day


def _same_day(day: Any) -> Any:
    """Return a candidate's day unchanged (for ``select_nearest``)."""
    return day


_ANALYTE_NAMES = [a.value for a in lupusscore.Analyte]
_DEFINITION_IDS = ["kdigo-2024", "kdigo-2012", "aurora", "eular-2019", "bliss-ln"]
_FLARE_IDS = ["kdigo-2012", "aurora-2", "upcr-doubling", "creatinine-doubling"]

#: Valid values by parameter name, shared by every entry point.
VALID_BY_PARAM: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "creatinine_mg_dl": lambda: _floats(0.4, 4.0),
    "reference_creatinine_mg_dl": lambda: _floats(0.4, 4.0),
    "cystatin_c_mg_l": lambda: _floats(0.6, 3.0),
    "age_years": lambda: _floats(20, 70),
    "height_m": lambda: _floats(1.0, 1.9),
    "height_cm": lambda: _floats(100, 190),
    "female": st.booleans,
    "black": st.booleans,
    "strict": st.booleans,
    "idms": st.booleans,
    "upcr_g_g": lambda: _floats(0.05, 8.0),
    "baseline_upcr_g_g": lambda: _floats(0.5, 8.0),
    "reference_upcr_g_g": lambda: _floats(0.1, 8.0),
    "egfr": lambda: _floats(10, 120),
    "reference_egfr": lambda: _floats(10, 120),
    "urine_rbc_hpf": lambda: _floats(0, 50),
    "reference_urine_rbc_hpf": lambda: _floats(0, 50),
    "protein_24h_g_day": lambda: _floats(0.05, 8.0),
    "urine_wbc_hpf": lambda: _floats(0, 50),
    "temperature_c": lambda: _floats(35, 41),
    "platelets_10e9_l": lambda: _floats(20, 400),
    "wbc_10e9_l": lambda: _floats(1, 15),
    "pga": lambda: hs.valid_floats(0, 3),
    "baseline_pga": lambda: hs.valid_floats(0, 3),
    "followup_pga": lambda: hs.valid_floats(0, 3),
    "glucocorticoid_mg_day": lambda: hs.valid_floats(0, 30),
    "confidence": lambda: st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    "successes": lambda: st.integers(0, 5),
    "n": lambda: st.integers(5, 40),
    "window_days": lambda: st.integers(0, 60),
    "baseline_window_days": lambda: st.integers(0, 60),
    "min_days_apart": lambda: st.integers(0, 120),
    "min_days_to_confirm": lambda: st.integers(0, 120),
    "by_day": lambda: st.integers(30, 400),
    "until_day": lambda: st.integers(30, 800),
    "end_day": lambda: st.integers(30, 800),
    "last_day": lambda: st.integers(30, 800),
    "decline_percent": lambda: st.sampled_from([30.0, 40.0, 50.0, 57.0]),
    "threshold": lambda: st.sampled_from([40, 80, 160]),
    "inflamed_joints": lambda: st.integers(0, 10),
    "arthritis_min_joints": lambda: st.integers(1, 4),
    "new_bilag_a": lambda: st.integers(0, 2),
    "new_bilag_b": lambda: st.integers(0, 3),
    "patient": lambda: _sampled(seed_values("Patient")),
    "visit": lambda: _sampled(seed_values("Visit")),
    "visits": lambda: st.lists(_sampled(seed_values("Visit")), min_size=1, max_size=4),
    "history": lambda: st.lists(_sampled(seed_values("Visit")), max_size=4),
    "participant": lambda: _sampled(seed_values("Participant")),
    "trial": lambda: _sampled(seed_values("SmallTrial")),
    "table": lambda: _sampled(seed_values("OutcomeTable")),
    "timepoint": lambda: _sampled(seed_values("Timepoint")),
    "through": lambda: _sampled(seed_values("Timepoint")),
    "assessments": lambda: st.lists(_sampled(seed_values("Assessment")), max_size=5),
    "events": lambda: st.lists(_sampled(seed_values("DatedEvent")), max_size=2),
    "times": lambda: st.lists(_sampled(seed_values("TimeToEvent")), max_size=4),
    "labs": lambda: st.lists(_labs(), max_size=5),
    "lab": _labs,
    "first": _labs,
    "second": _labs,
    "earlier": _labs,
    "later": _labs,
    "sledai": lambda: _sampled(seed_values("SledaiResult")),
    "titer": lambda: _sampled(seed_values("AnaTiter")),
    "cutoff": lambda: _sampled([None, *seed_values("AssayCutoff")]),
    "analyte": lambda: st.sampled_from(_ANALYTE_NAMES + list(lupusscore.Analyte)),
    "name": lambda: st.sampled_from(_ANALYTE_NAMES),
    "definition": lambda: st.sampled_from(_DEFINITION_IDS),
    "definition_id": lambda: st.sampled_from(_DEFINITION_IDS),
    "variant": lambda: st.sampled_from(["sledai-2k", "selena-sledai", "sledai-2k-30d"]),
    "equation": lambda: st.sampled_from(["ckd-epi-2021", "ckd-epi-2009", "mdrd"]),
    "specimen": lambda: st.sampled_from([None, "spot_urine", "urine_24h"]),
    "policy": lambda: st.sampled_from(["non_responder", "locf", "observed_only"]),
    "method": lambda: st.sampled_from(["wilson", "exact"]),
    "ci_method": lambda: st.sampled_from(["wilson", "exact"]),
    "ci": lambda: st.sampled_from(["log-log", "linear"]),
    "fmt": lambda: st.sampled_from(["text", "json", "csv"]),
    "reference_kind": lambda: st.sampled_from(["baseline", "nadir"]),
    "quantity": lambda: st.sampled_from(["egfr", "creatinine", "upcr"]),
    "unit": hs.valid_units,
    "from_unit": hs.valid_units,
    "to_unit": hs.valid_units,
    "on": hs.valid_dates,
    "day0": hs.valid_dates,
    "assessment_date": hs.valid_dates,
    "baseline_date": hs.valid_dates,
    "text": lambda: st.sampled_from(["1:80", "1:160", "<1:40", ">1:1280", "negative"]),
    "dilution": lambda: _floats(10, 2560),
    "outcome": lambda: st.sampled_from(["death", "response"]),
    "statuses": lambda: st.lists(
        st.sampled_from([True, False, None, *lupusscore.Status]), max_size=6
    ),
    "items": lambda: st.lists(st.sampled_from(list(lupusscore.Status)), max_size=4),
    "comparator": lambda: st.sampled_from(list(lupusscore.Comparator)),
    "measure": lambda: st.sampled_from([_visit_pga, _visit_glucocorticoid]),
    "day": lambda: st.sampled_from([int, _same_day]),
    "candidates": lambda: st.lists(st.integers(0, 800), max_size=5),
    "durations": lambda: st.lists(hs.valid_floats(0.5, 100), min_size=1, max_size=6),
    "values": lambda: st.lists(hs.valid_floats(-50, 500), max_size=6),
    "argv": lambda: st.sampled_from([["schema"], ["example"], ["report", "--help"]]),
    "progress": lambda: st.just(None),
    "data": lambda: _sampled(
        [s.model_dump(mode="json") for s in seed_values("SmallTrial") if s]
    ),
    "source": lambda: _sampled(
        [d.model_dump(mode="json") for d in seed_values("RenalResponseDefinition")]
    ),
}

#: Overrides by ``(entry point, parameter)`` where a name means different things.
VALID_BY_TARGET: dict[tuple[str, str], Callable[[], st.SearchStrategy[Any]]] = {
    ("lupusscore.kidney.egfr_ckid_u25_cr", "age_years"): lambda: _floats(2, 24),
    ("lupusscore.kidney.egfr_ckid_u25_cys", "age_years"): lambda: _floats(2, 24),
    ("lupusscore.kidney.egfr_ckid_u25_cr_cys", "age_years"): lambda: _floats(2, 24),
    ("lupusscore.kidney.egfr_schwartz_bedside", "age_years"): lambda: _floats(2, 17),
    ("lupusscore.kidney.albuminuria_category", "unit"): lambda: st.sampled_from(
        ["mg/g", "mg/mmol"]
    ),
    ("lupusscore.kidney.upcr_g_g", "unit"): lambda: st.sampled_from(
        ["mg/mg", "g/g", "mg/mmol", "mg/g"]
    ),
    ("lupusscore.kidney.protein_24h_g_day", "unit"): lambda: st.sampled_from(
        ["g/day", "mg/day", "g/24h"]
    ),
    ("lupusscore.kidney.protein_24h_g_day", "value"): lambda: _floats(0.05, 8),
    ("lupusscore.kidney.upcr_g_g", "value"): lambda: _floats(0.05, 8),
    ("lupusscore.kidney.albuminuria_category", "value"): lambda: _floats(1, 500),
    ("lupusscore.kidney.albuminuria_category", "analyte"): lambda: st.just("uacr"),
    ("lupusscore.kidney.absolute_change", "value"): lambda: _floats(1, 200),
    ("lupusscore.kidney.absolute_change", "reference"): lambda: _floats(1, 200),
    ("lupusscore.kidney.percent_change", "value"): lambda: _floats(1, 200),
    ("lupusscore.kidney.percent_change", "reference"): lambda: _floats(1, 200),
    ("lupusscore.kidney.change_from_reference", "value"): lambda: hs.valid_floats(
        1, 200
    ),
    ("lupusscore.kidney.change_from_reference", "reference"): lambda: hs.valid_floats(
        1, 200
    ),
    ("lupusscore.kidney.creatinine_doubled", "creatinine"): lambda: hs.valid_floats(
        0.4, 6
    ),
    ("lupusscore.kidney.creatinine_doubled", "reference"): lambda: hs.valid_floats(
        0.4, 6
    ),
    ("lupusscore.kidney.confirmed_egfr_decline", "reference"): lambda: hs.valid_floats(
        20, 120
    ),
    ("lupusscore.kidney.confirmed_egfr_decline", "measurements"): lambda: st.lists(
        st.tuples(hs.valid_dates(), hs.valid_floats(5, 120)), max_size=4
    ),
    ("lupusscore.kidney.eskd", "egfr"): lambda: hs.valid_floats(1, 120),
    ("lupusscore.kidney.gfr_category", "egfr"): lambda: _floats(1, 150),
    ("lupusscore.serology.compare", "observed"): lambda: _floats(0.1, 500),
    ("lupusscore.serology.compare", "threshold"): lambda: _floats(0.1, 500),
    ("lupusscore.results.compare", "observed"): lambda: _floats(0.1, 500),
    ("lupusscore.results.compare", "threshold"): lambda: _floats(0.1, 500),
    ("lupusscore.results.snap", "x"): lambda: _floats(0.1, 500),
    ("lupusscore.serology.relative_change", "baseline"): lambda: _floats(1, 500),
    ("lupusscore.serology.relative_change", "follow_up"): lambda: _floats(1, 500),
    ("lupusscore.serology.ana_positive", "value"): lambda: st.sampled_from(
        ["1:80", "1:160", "1:40", *seed_values("AnaTiter")]
    ),
    ("lupusscore.serology.ana_positive_kernel", "threshold"): lambda: st.just(80.0),
    ("lupusscore.serology.classify_sle_eular_acr_2019", "ana"): lambda: st.sampled_from(
        [True, False, None]
    ),
    ("lupusscore.serology.classify_sle_eular_acr_2019", "criteria"): lambda: (
        st.dictionaries(
            st.sampled_from(["fever", "leukopenia", "lupus_nephritis_class_iii_iv"]),
            st.sampled_from([True, False, None]),
            max_size=3,
        )
    ),
    ("lupusscore.serology.complement_change", "baseline"): lambda: _labs("c3"),
    ("lupusscore.serology.complement_change", "follow_up"): lambda: _labs("c3"),
    ("lupusscore.serology.complement_normalised", "baseline"): lambda: _labs("c3"),
    ("lupusscore.serology.complement_normalised", "follow_up"): lambda: _labs("c3"),
    ("lupusscore.serology.dsdna_change", "baseline"): lambda: _labs("anti_dsdna"),
    ("lupusscore.serology.dsdna_change", "follow_up"): lambda: _labs("anti_dsdna"),
    ("lupusscore.serology.lab_change", "baseline"): lambda: _labs("c3"),
    ("lupusscore.serology.lab_change", "follow_up"): lambda: _labs("c3"),
    ("lupusscore.activity.sri", "baseline"): lambda: st.integers(0, 20),
    ("lupusscore.activity.sri", "followup"): lambda: st.integers(0, 20),
    ("lupusscore.activity.sri", "threshold"): lambda: st.just(4),
    ("lupusscore.activity.sri", "variant"): lambda: st.just("selena-sledai"),
    ("lupusscore.sledai_2k", "descriptors"): lambda: st.dictionaries(
        st.sampled_from(["arthritis", "rash", "fever", "proteinuria"]),
        st.sampled_from([True, False, None]),
        max_size=4,
    ),
    ("lupusscore.sledai_2k", "new_or_recurrent"): lambda: st.just(None),
    ("lupusscore.sledai_2k_visit", "new_or_recurrent"): lambda: st.just(None),
    ("lupusscore.activity.sledai_2k_cohort", "present"): lambda: st.integers(1, 3).map(
        lambda n: np.zeros((n, 24), dtype=bool)
    ),
    ("lupusscore.activity.sledai_2k_cohort", "new_or_recurrent"): lambda: st.just(None),
    ("lupusscore.activity.doris_2017_complete_remission", "serological_activity"): (
        lambda: st.sampled_from([True, False, None])
    ),
    ("lupusscore.activity.doris_remission", "glucocorticoid_comparator"): (
        lambda: st.sampled_from(["<=", "<"])
    ),
    ("lupusscore.classify_renal_flare", "definition"): lambda: st.sampled_from(
        _FLARE_IDS
    ),
    ("lupusscore.get_flare_definition", "definition_id"): lambda: st.sampled_from(
        _FLARE_IDS
    ),
    ("lupusscore.evaluate_renal_response", "visits"): lambda: _sampled(
        [p.visits for p in seed_values("Participant")]
    ),
    ("lupusscore.evaluate_renal_response", "patient"): lambda: _sampled(
        [p.patient for p in seed_values("Participant")]
    ),
    ("lupusscore.evaluate_renal_response", "assessment_date"): lambda: _sampled(
        [v.date for v in seed_values("Visit")]
    ),
    ("lupusscore.evaluate_renal_response", "baseline_date"): lambda: st.just(None),
    ("lupusscore.evaluate_renal_response", "pre_flare_egfr"): lambda: hs.valid_floats(
        20, 120
    ),
    ("lupusscore.evaluate_renal_response", "pre_flare_creatinine_mg_dl"): (
        lambda: hs.valid_floats(0.4, 4)
    ),
    ("lupusscore.outcomes.time_to_first", "event_types"): lambda: st.just(
        frozenset({lupusscore.EventType.DEATH})
    ),
    ("lupusscore.kaplan_meier", "events"): lambda: st.lists(
        st.booleans(), min_size=1, max_size=6
    ),
    ("lupusscore.outcomes.study_day", "on"): hs.valid_dates,
    ("lupusscore.outcomes.visit_day", "visit"): lambda: _sampled(
        [v for p in seed_values("Participant") for v in p.visits]
    ),
    ("lupusscore.Table", "columns"): lambda: st.integers(0, 4).flatmap(
        lambda n: st.fixed_dictionaries(
            {
                "USUBJID": st.lists(
                    st.one_of(st.none(), st.text(max_size=6)), min_size=n, max_size=n
                ),
                "AVAL": st.lists(hs.valid_floats(0, 500), min_size=n, max_size=n),
                "ADT": st.lists(hs.valid_dates(), min_size=n, max_size=n),
            }
        )
    ),
    ("lupusscore.units.to_canonical", "value"): lambda: hs.valid_floats(0.1, 100),
    ("lupusscore.units.to_canonical", "field"): lambda: st.just("value"),
    ("lupusscore.units.parse_unit", "unit"): hs.valid_units,
    ("lupusscore.convert", "value"): lambda: _floats(0.1, 100),
    ("lupusscore.convert", "analyte"): lambda: st.sampled_from(
        [None, "creatinine", "upcr", "c3"]
    ),
    ("lupusscore.units.conversion", "analyte"): lambda: st.sampled_from(
        [None, "creatinine", "upcr", "c3"]
    ),
    ("lupusscore.analyte_spec", "name"): lambda: st.sampled_from(_ANALYTE_NAMES),
    ("lupusscore.kidney.change", "reference"): lambda: hs.valid_floats(0.1, 100),
    ("lupusscore.kidney.change", "value"): lambda: hs.valid_floats(0.1, 100),
    ("lupusscore.serology.change", "reference"): lambda: hs.valid_floats(0.1, 100),
    ("lupusscore.serology.change", "value"): lambda: hs.valid_floats(0.1, 100),
}


def _annotation_text(param: inspect.Parameter) -> str:
    annotation = param.annotation
    if annotation is inspect.Parameter.empty:
        return ""
    return annotation if isinstance(annotation, str) else repr(annotation)


def _from_annotation(text: str) -> st.SearchStrategy[Any] | None:
    """Return a valid-value strategy guessed from an annotation, if any."""
    options: list[st.SearchStrategy[Any]] = []
    for type_name, values in seeds().items():
        if values and re.search(rf"\b{re.escape(type_name)}\b", text):
            options.append(st.sampled_from(values))
    if options:
        return st.one_of(options)
    base = text.split("|", maxsplit=1)[0].strip().strip("'")
    simple: dict[str, st.SearchStrategy[Any]] = {
        "float": hs.valid_floats(0.1, 100),
        "int": st.integers(0, 100),
        "bool": st.booleans(),
        "str": st.text(min_size=1, max_size=8),
        "dt.date": hs.valid_dates(),
        "datetime.date": hs.valid_dates(),
        "date": hs.valid_dates(),
    }
    for key, strategy in simple.items():
        if base == key or base.endswith(f".{key}") or base == f"<class '{key}'>":
            return strategy
    return None


#: One visit with one platelet result and every descriptor entered (a
#: complete, finite score): coherent valid columns for sledai_2k_visits (each
#: parameter is drawn on its own, so each is fixed).
_ONE_VISIT_COLUMNS: dict[str, Any] = {
    "visit_participant": np.array([0]),
    "visit_date": np.array(["2024-01-10"], dtype="datetime64[D]"),
    "visit_descriptors": {
        name: np.array([0], dtype=np.int8) for name in SLEDAI_2K_DESCRIPTOR_NAMES
    },
    "visit_exclusions": np.array([None], dtype=object),
    "lab_participant": np.array([0]),
    "lab_visit": np.array([0]),
    "lab_analyte": np.array([11]),
    "lab_datetime": np.array(["2024-01-09T08:00"], dtype="datetime64[s]"),
    "lab_canonical": np.array([85.0]),
    "lab_reference_low_canonical": np.array([np.nan]),
    "lab_reference_high_canonical": np.array([np.nan]),
    "lab_family": np.array(["count_concentration"], dtype=object),
}
VALID_BY_TARGET.update(
    {
        ("lupusscore.activity.sledai_2k_visits", name): (
            lambda value=value: st.just(value)
        )
        for name, value in _ONE_VISIT_COLUMNS.items()
    }
)
VALID_BY_TARGET.update(
    {
        ("lupusscore.activity.SledaiVisitScores", name): (
            lambda value=value: st.just(value)
        )
        for name, value in {
            "score": np.zeros(1),
            "lower_bound": np.zeros(1),
            "upper_bound": np.zeros(1),
            "complete": np.ones(1, dtype=bool),
            "present": {},
            "source": {},
        }.items()
    }
)


def valid_value(target: Target, param: inspect.Parameter) -> st.SearchStrategy[Any]:
    """Return a strategy of known-good values for one parameter of *target*."""
    override = VALID_BY_TARGET.get((target.name, param.name))
    if override is not None:
        return override()
    by_name = VALID_BY_PARAM.get(param.name)
    if by_name is not None and not target.is_class:
        return by_name()
    guessed = _from_annotation(_annotation_text(param))
    if guessed is not None:
        return guessed
    if by_name is not None:
        return by_name()
    if param.default is not inspect.Parameter.empty:
        return st.just(param.default)
    return st.none()


def _seed_kwargs(target: Target) -> list[dict[str, Any]]:
    """Return constructor arguments of real instances of a class target."""
    cls = target.obj
    out: list[dict[str, Any]] = []
    for instance in seed_values(cls.__name__):
        if type(instance) is not cls:
            continue
        if isinstance(instance, pydantic.BaseModel):
            fields = type(instance).model_fields
            out.append({name: getattr(instance, name) for name in fields})
        elif dataclasses.is_dataclass(instance):
            out.append(
                {
                    f.name: getattr(instance, f.name)
                    for f in dataclasses.fields(instance)
                    if f.init
                }
            )
    return out


# ---------------------------------------------------------- hostile values


def _cli_documents() -> st.SearchStrategy[bytes]:
    """Return trial files: valid, with one hostile leaf, or hostile as a whole."""
    base = [s.model_dump(mode="json") for s in seed_values("SmallTrial") if s]
    whole: list[bytes] = [
        b"",
        b"\xff\xfe\x00garbage",
        b"[]",
        b"{}",
        b"null",
        b"1e400",
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 3000 + b"1" + b"}" * 3000,
        b'{"name": "x", "participants": []}',
        b'{"name": "x", "synthetic": true}',
        json.dumps({"name": "x", "participants": [{"patient": {}}]}).encode(),
        ("9" * 400).encode(),
        b"NaN",
    ]
    if not base:
        return st.sampled_from(whole)
    return st.one_of(
        st.sampled_from(whole),
        _mutated_documents(base[0]).map(
            lambda d: json.dumps(d, allow_nan=True).encode()
        ),
        _mutated_documents(base[0]).map(
            lambda d: json.dumps(d).replace('"mg/dL"', "1e400").encode()
        ),
    )


def _leaf_paths(doc: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield (*prefix, key)
            yield from _leaf_paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc[:3]):
            yield (*prefix, index)
            yield from _leaf_paths(value, (*prefix, index))


def _json_hostile() -> st.SearchStrategy[Any]:
    nested: Any = 1
    for _ in range(100):
        nested = [nested]
    return st.one_of(
        st.sampled_from(
            [
                None,
                True,
                0,
                -1,
                10**400,
                1e308,
                "",
                "1e400 umol/L",
                "MG/DL",
                "mg/g{creat}",
                "µmol/L",
                "0001-01-01",
                "9999-12-31T23:59:59+14:00",
                "2024-02-30",
                "yes",
                "NaN",
                [],
                {},
                nested,
                float("nan"),
                float("inf"),
            ]
        ),
        hs.hostile_strings(),
        st.integers(),
    )


def _set_path(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(doc))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def _mutated_documents(base: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return *base* with one field replaced: any field, or a lab's unit."""
    paths = list(_leaf_paths(base))
    unit_paths = [p for p in paths if p[-1] == "unit"]
    any_field = st.tuples(st.sampled_from(paths), _json_hostile())
    if not unit_paths:
        return any_field.map(lambda pv: _set_path(base, pv[0], pv[1]))
    unit_field = st.tuples(st.sampled_from(unit_paths), hs.hostile_units())
    return st.one_of(any_field, unit_field).map(
        lambda pv: _set_path(base, pv[0], pv[1])
    )


# ---------------------------------------------------------------- calls


@dataclasses.dataclass
class Call:
    """One call: arguments, whether all are known good, and a reproducer."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    valid: bool
    stdin_file: Path | None = None
    note: str = ""

    def reproducer(self, target: Target) -> str:
        """Return the call as Python source (repr of each argument)."""
        parts = [_short_repr(a) for a in self.args]
        parts += [f"{k}={_short_repr(v)}" for k, v in self.kwargs.items()]
        call = f"{target.name}({', '.join(parts)})"
        return f"{call}  # {self.note}" if self.note else call


class _Repr(reprlib.Repr):
    """Short reprs; lupusscore objects print as ``<Visit example>``."""

    def repr1(self, x: Any, level: int) -> str:
        cls = type(x)
        if cls.__module__.startswith("lupusscore") and not isinstance(x, enum.Enum):
            return f"<{cls.__name__} example>"
        if isinstance(x, enum.Enum):
            return f"{cls.__name__}.{x.name}"
        return super().repr1(x, level)

    def repr_int(self, x: int, level: int) -> str:
        digits = len(str(abs(x)))
        if digits <= 30:
            return repr(x)
        sign = "-" if x < 0 else ""
        if abs(x) == 10 ** (digits - 1):
            return f"{sign}10**{digits - 1}"
        return f"{sign}<{digits}-digit int>"

    def repr_function(self, x: Any, level: int) -> str:
        return f"<function {x.__qualname__}>"

    def repr_builtin_function_or_method(self, x: Any, level: int) -> str:
        return f"<built-in {x.__qualname__}>"


_REPR = _Repr()
_REPR.maxlevel = 8
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 40
_REPR.maxstring = 300
_REPR.maxother = 600
_REPR.maxlong = 60


def _short_repr(value: Any) -> str:
    try:
        text = _REPR.repr(value)
    except (RecursionError, ValueError):
        text = f"<unreprable {type(value).__name__}>"
    return text if len(text) <= 600 else text[:400] + " ... " + text[-100:]


def _signature(target: Target) -> inspect.Signature | None:
    try:
        return inspect.signature(target.obj)
    except (TypeError, ValueError):
        return None


def draw_call(data: st.DataObject, target: Target, tmpdir: Path) -> Call:
    """Draw one call of *target*: valid arguments with some made hostile."""
    if target.name == "lupusscore.cli.main":
        return _draw_cli_call(data, tmpdir)
    if target.name == "lupusscore.cli.load_trial":
        base = [s.model_dump(mode="json") for s in seed_values("SmallTrial") if s]
        doc = data.draw(
            st.one_of(
                _mutated_documents(base[0]) if base else st.nothing(),
                hs.hostile(),
            ),
            label="data",
        )
        return Call((doc,), {}, valid=False)
    signature = _signature(target)
    if signature is None:
        return Call((), {}, valid=True)
    hostile_rate = data.draw(st.sampled_from([0.0, 0.2, 0.5, 1.0]), label="rate")
    seeded = _seed_kwargs(target) if target.is_class else []
    base = data.draw(st.sampled_from(seeded), label="seed") if seeded else {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    valid = True
    for param in signature.parameters.values():
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            if data.draw(st.booleans(), label=f"extra {param.name}"):
                key = data.draw(
                    st.sampled_from(["egfr_tolerance", "threshold", "x", ""]),
                    label="extra key",
                )
                kwargs[key] = data.draw(
                    st.one_of(hs.valid_floats(0.01, 0.5), hs.hostile()), label=key
                )
                valid = False
            continue
        optional = param.default is not inspect.Parameter.empty
        # Draws are arranged so that hypothesis shrinks towards fewer
        # arguments and towards valid values: a minimal reproducer.
        if optional and not data.draw(st.booleans(), label=f"pass {param.name}"):
            if isinstance(param.default, float) and not math.isfinite(param.default):
                valid = False  # a NaN default means "missing"
            continue
        if (
            data.draw(st.floats(0, 1), label=f"hostile? {param.name}")
            > 1 - hostile_rate
        ):
            value = data.draw(hs.hostile(), label=param.name)
            valid = False
        elif param.name in base:
            value = base[param.name]
        else:
            value = data.draw(valid_value(target, param), label=param.name)
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[param.name] = value
    return Call(tuple(args), kwargs, valid)


def _draw_cli_call(data: st.DataObject, tmpdir: Path) -> Call:
    kind = data.draw(st.sampled_from(["file", "argv", "stdin"]), label="kind")
    if kind == "argv":
        argv = data.draw(
            st.lists(
                st.one_of(
                    st.sampled_from(
                        [
                            "report",
                            "demo",
                            "example",
                            "schema",
                            "--format",
                            "json",
                            "--definition",
                            "nope",
                            "--ci",
                            "--missing",
                            "--achieve-by",
                            "month 99",
                            "-",
                            "--version",
                            "definitions",
                            "/nonexistent/file.json",
                            str(tmpdir),
                        ]
                    ),
                    hs.hostile_strings(),
                ),
                max_size=5,
            ),
            label="argv",
        )
        return Call((argv,), {}, valid=False)
    document = data.draw(_cli_documents(), label="document")
    path = tmpdir / "trial.json"
    path.write_bytes(document)
    options = data.draw(
        st.sampled_from(
            [
                [],
                ["--format", "json"],
                ["--format", "csv"],
                ["--definition", "aurora"],
                ["--ci", "exact"],
                ["--missing", "locf"],
            ]
        ),
        label="options",
    )
    note = f"{path.name} = {_short_repr(document)}"
    if kind == "stdin":
        return Call((["report", "-", *options],), {}, False, stdin_file=path, note=note)
    return Call((["report", str(path), *options],), {}, valid=False, note=note)


# ------------------------------------------------------------ the contract


@dataclasses.dataclass
class Violation:
    """One class of contract violation of one target, with its smallest call."""

    kind: str
    where: str
    message: str
    reproducer: str
    count: int = 0


@dataclasses.dataclass
class Stats:
    """What fuzzing one target found."""

    target: str
    examples: int = 0
    raised_ok: int = 0
    violations: dict[tuple[str, str], Violation] = dataclasses.field(
        default_factory=dict
    )

    @property
    def violation_count(self) -> int:
        """Total calls that broke the contract."""
        return sum(v.count for v in self.violations.values())

    def record(self, kind: str, where: str, message: str, reproducer: str) -> None:
        """Count one violation; keep the shortest reproducer of its class."""
        key = (kind, where)
        found = self.violations.get(key)
        if found is None:
            found = self.violations[key] = Violation(kind, where, message, reproducer)
        elif len(reproducer) < len(found.reproducer):
            found.reproducer, found.message = reproducer, message
        found.count += 1

    def describe(self) -> str:
        """Return a readable list of the violations."""
        lines = [f"{self.target}: {self.violation_count} violation(s)"]
        for v in sorted(self.violations.values(), key=lambda v: -v.count):
            lines.append(f"  {v.kind} at {v.where} (x{v.count}): {v.message[:200]}")
            lines.append(f"    {v.reproducer[:600]}")
        return "\n".join(lines)


def _where(tb: Any) -> str:
    frames = traceback.extract_tb(tb)
    inside = [
        f for f in frames if "lupusscore" in f.filename and "tests" not in f.filename
    ]
    if not inside:
        # Raised at the call itself: C code such as an lru_cache wrapper
        # hashing the argument, or the signature binding.
        return "call boundary (C code, e.g. lru_cache)"
    frame = inside[-1]
    filename = frame.filename.split("src/")[-1]
    return f"{filename}:{frame.lineno}"


def _alarm(_signum: int, _frame: Any) -> None:
    raise FuzzTimeoutError


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    usable = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "setitimer"
    )
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _non_finite(value: Any, depth: int = 0) -> str | None:
    """Return a path to a NaN/inf float inside *value*, if any."""
    if depth > 4:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isfinite(value) else repr(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
            return "array with NaN/inf"
        return None
    if isinstance(value, pydantic.BaseModel):
        for name in type(value).model_fields:
            found = _non_finite(getattr(value, name, None), depth + 1)
            if found:
                return (
                    f".{name}{found}"
                    if found.startswith((".", "["))
                    else f".{name}={found}"
                )
        return None
    if isinstance(value, (tuple, list)):
        for index, item in enumerate(value[:50]):
            found = _non_finite(item, depth + 1)
            if found:
                return f"[{index}]={found}"
    return None


class _StdinFile:
    """Swap ``sys.stdin`` for a file's bytes during one CLI call."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.saved: Any = None

    def __enter__(self) -> None:
        if self.path is not None:
            self.saved = sys.stdin
            raw = io.BytesIO(self.path.read_bytes())
            sys.stdin = io.TextIOWrapper(raw, encoding="utf-8")

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            sys.stdin = self.saved


def check_call(target: Target, call: Call, stats: Stats) -> None:
    """Run one call of *target* and record whether it kept the contract."""
    stats.examples += 1
    reproducer = call.reproducer(target)
    out, err = io.StringIO(), io.StringIO()
    result: Any = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with (
                _time_limit(CALL_TIMEOUT_SECONDS),
                contextlib.redirect_stdout(out),
                contextlib.redirect_stderr(err),
                _StdinFile(call.stdin_file),
            ):
                result = target.obj(*call.args, **call.kwargs)
        except FuzzTimeoutError:
            stats.record("Timeout", "?", f"> {CALL_TIMEOUT_SECONDS} s", reproducer)
            return
        except LupusScoreError:
            stats.raised_ok += 1
            return
        except pydantic.ValidationError as exc:
            if target.is_class or target.name == "lupusscore.cli.load_trial":
                stats.raised_ok += 1
                return
            stats.record(
                "ValidationError", _where(exc.__traceback__), str(exc), reproducer
            )
            return
        except SystemExit as exc:
            if target.name == "lupusscore.cli.main" and isinstance(exc.code, int):
                stats.raised_ok += 1
                return
            stats.record("SystemExit", _where(exc.__traceback__), str(exc), reproducer)
            return
        except Exception as exc:  # the point: anything else is a violation
            stats.record(
                type(exc).__name__, _where(exc.__traceback__), str(exc), reproducer
            )
            return
    for warning in caught:
        if not issubclass(warning.category, ALLOWED_WARNINGS):
            where = f"{Path(warning.filename).name}:{warning.lineno}"
            stats.record(
                f"warning:{warning.category.__name__}",
                where,
                str(warning.message),
                reproducer,
            )
    if target.name == "lupusscore.cli.main":
        _check_cli(result, out.getvalue(), err.getvalue(), reproducer, stats)
    elif call.valid and target.name not in NAN_MEANS_MISSING:
        found = _non_finite(result)
        if found:
            stats.record("NonFiniteResult", found, "finite valid input", reproducer)


def _check_cli(status: Any, out: str, err: str, reproducer: str, stats: Stats) -> None:
    if not isinstance(status, int):
        stats.record("CliStatus", "main", f"returned {status!r}", reproducer)
    elif status != 0 and out:
        stats.record("CliStdout", "main", "wrote to stdout on failure", reproducer)
    if "Traceback" in err:
        stats.record("CliTraceback", "main", err[-300:], reproducer)


# --------------------------------------------------------------- running


def fuzz_settings(max_examples: int, *, derandomize: bool) -> settings:
    """Return hypothesis settings for one target run."""
    return settings(
        max_examples=max_examples,
        derandomize=derandomize,
        deadline=None,
        database=None,
        print_blob=False,
        suppress_health_check=list(HealthCheck),
    )


def run_target(target: Target, max_examples: int, *, derandomize: bool) -> Stats:
    """Fuzz one target; never raise for a violation, return the counts."""
    stats = Stats(target.name)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)

        @fuzz_settings(max_examples, derandomize=derandomize)
        @given(st.data())
        def fuzz(data: st.DataObject) -> None:
            call = draw_call(data, target, tmpdir)
            check_call(target, call, stats)

        fuzz()
    return stats


def examples_for(target: Target, base: int) -> int:
    """Return the example budget of *target* under a profile of *base* examples."""
    return max(1, round(base * WEIGHTS.get(target.name, 1.0)))


class _FoundViolationError(Exception):
    """Internal: stops a shrinking run at the first violation."""


def shrink_target(
    target: Target, max_examples: int, *, budget_seconds: float = 5.0
) -> Violation | None:
    """Return the smallest violating call hypothesis can find, or ``None``.

    Unlike :func:`run_target` this stops at the first violation and lets
    hypothesis shrink it, which gives a minimal reproducer. Shrinking stops
    after *budget_seconds*, keeping the smallest call found so far.
    """
    last: list[Violation] = []
    deadline = time.monotonic() + budget_seconds
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)

        @settings(
            fuzz_settings(max_examples, derandomize=True),
            verbosity=Verbosity.quiet,
            report_multiple_bugs=False,
        )
        @given(st.data())
        def fuzz(data: st.DataObject) -> None:
            call = draw_call(data, target, tmpdir)
            if time.monotonic() > deadline:
                return  # out of budget: let hypothesis give up shrinking
            stats = Stats(target.name)
            check_call(target, call, stats)
            if stats.violations:
                last[:] = list(stats.violations.values())[:1]
                raise _FoundViolationError

        try:
            fuzz()
        except (_FoundViolationError, Flaky):
            return last[0] if last else None
    return None


_HANG_PROBE = """
import sys
from lupusscore.errors import LupusScoreError
from lupusscore.units import parse_unit
try:
    parse_unit(sys.argv[1])
except LupusScoreError:
    pass
"""


_STARTUP: list[float] = []


def startup_seconds() -> float:
    """Wall time of ``python -m lupusscore --version`` here, now (measured once).

    The hang probes allow this on top of their own budget, so a loaded machine
    (slow interpreter start and imports) is not mistaken for a hang.
    """
    if not _STARTUP:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lupusscore", "--version"],
            capture_output=True,
            check=False,
            timeout=300,
        )
        _STARTUP.append(time.perf_counter() - start)
    return _STARTUP[0]


def hang_risk_violation(unit: str, timeout: float) -> str | None:
    """Parse *unit* in a subprocess; return what went wrong, or ``None``.

    A C-level computation such as ``10**10**8`` cannot be interrupted by a
    signal, so these strings are only ever tried in a child process.
    *timeout* is the budget beyond the interpreter's start-up time.
    """
    timeout += 2 * startup_seconds()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _HANG_PROBE, unit],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"Timeout: parse_unit({unit!r}) still running after {timeout} s"
    if done.returncode != 0:
        return f"parse_unit({unit!r}) crashed: {done.stderr.strip().splitlines()[-1]}"
    return None


def cli_hang_risk_violation(unit: str, timeout: float) -> str | None:
    """Run ``python -m lupusscore report`` on a trial whose first lab has *unit*.

    Returns what went wrong (a hang, a traceback), or ``None``. Runs in a
    subprocess for the same reason as :func:`hang_risk_violation`; *timeout*
    is likewise the budget beyond the interpreter's start-up time.
    """
    timeout += 2 * startup_seconds()
    trials = [t for t in seed_values("SmallTrial") if t is not None]
    if not trials:
        return "no example trial to mutate"
    doc = trials[0].model_dump(mode="json")
    doc["participants"][0]["visits"][0]["labs"][0]["unit"] = unit
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trial.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, "-m", "lupusscore", "report", str(path)],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return (
                f"Timeout: report on a lab in {unit!r} still running after {timeout} s"
            )
    if "Traceback" in done.stderr:
        return f"report on a lab in {unit!r} printed a traceback"
    if done.returncode != 0 and done.stdout:
        return f"report on a lab in {unit!r} failed but wrote to stdout"
    return None
