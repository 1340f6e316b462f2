"""Issue 15 item 1: every public object displays briefly in a notebook.

The public classes are enumerated from ``__all__`` of lupusscore and its
public modules, so a new class without a display (or without an example
instance here) fails. Each example instance is built from the bundled example
trial and shown through IPython's own display formatter: the text is under
2,000 characters, the HTML is well-formed static HTML (no script, no event
handler) with a real ``<table>`` and ``<caption>``, and Markdown is given.
"""

from __future__ import annotations

import dataclasses
import enum
import html.parser
import importlib
import inspect
import pickle
import pkgutil
from collections.abc import Iterator, Mapping
from functools import cache

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter

import lupusscore as ls
from lupusscore import activity, kidney, outcomes, response, serology, units
from lupusscore.change import change
from lupusscore.cli import load_example_trial
from lupusscore.errors import RowProblem
from lupusscore.models import Trial
from lupusscore.outcomes import Assessment, DatedEvent
from lupusscore.results import ExplainedResult, FrozenModel, ValueResult

#: The issue's limit on the plain-text display of one object.
TEXT_LIMIT = 2000
#: Elements that never close (HTML void elements).
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "wbr"})


def _public_modules() -> list[str]:
    names = [
        f"lupusscore.{m.name}"
        for m in pkgutil.iter_modules(ls.__path__)
        if not m.name.startswith("_")
    ]
    return ["lupusscore", *sorted(names)]


def _public_classes() -> list[type]:
    """Every class in a public ``__all__`` that users hold (not enums, errors)."""
    found: dict[type, None] = {}
    for name in _public_modules():
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if (
                inspect.isclass(obj)
                and obj.__module__.startswith("lupusscore")
                and not issubclass(obj, BaseException | enum.Enum)
            ):
                found[obj] = None
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


PUBLIC = _public_classes()


# --- example instances ------------------------------------------------------------


def _children(obj: object) -> Iterator[object]:
    if isinstance(obj, FrozenModel):
        for name in type(obj).model_fields:
            yield getattr(obj, name)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if not f.name.startswith("_"):
                yield getattr(obj, f.name)
    elif isinstance(obj, Mapping):
        yield from obj.values()
    elif isinstance(obj, tuple | list):
        yield from obj


def _walk(roots: list[object], found: dict[type, object]) -> None:
    """Record the first instance of each class reachable from *roots*."""
    stack = list(reversed(roots))
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, str | bytes | np.ndarray):
            continue
        seen.add(id(obj))
        found.setdefault(type(obj), obj)
        stack.extend(reversed(list(_children(obj))))


@cache
def _examples() -> dict[type, object]:
    """One instance of each public class, from the bundled example trial."""
    trial = load_example_trial()
    p = next(q for q in trial.participants if q.events and len(q.visits) > 4)
    visit = p.visits[4]
    table = ls.build_outcome_table(trial)
    analysis = ls.analyse(trial)
    kdigo = ls.get_definition("kdigo-2024")
    flare_def = response.list_flare_definitions()[0]
    sledai = ls.sledai_2k_visit(visit, p.visits[:4])
    egfr = ls.egfr(p.patient, visit)
    labs = {lab.analyte: lab for lab in p.visits[0].labs}
    later = {lab.analyte: lab for v in p.visits[1:] for lab in v.labs}
    dsdna = ls.Analyte.ANTI_DSDNA
    km = ls.kaplan_meier([100, 200, 300, 400], [1, 0, 1, 0])
    c = analysis.cohort
    roots: list[object] = [
        trial,
        table,
        analysis,
        c,
        kdigo,
        *ls.list_definitions(),
        *response.list_flare_definitions(),
        sledai,
        egfr,
        ls.proteinuria(visit),
        ls.evaluate_renal_response(
            "kdigo-2024", p.patient, p.visits, assessment_date=visit.date
        ),
        ls.classify_renal_response(
            kdigo,
            upcr_g_g=[0.3, 1.0, np.nan],
            baseline_upcr_g_g=[3.0, 3.0, 3.0],
            egfr=[90.0, 80.0, 85.0],
            reference_egfr=[90.0, 90.0, 90.0],
        ),
        ls.classify_renal_flare(flare_def, upcr_g_g=1.0, reference_upcr_g_g=0.3),
        ls.classify_renal_flare(
            flare_def, upcr_g_g=[1.0, 0.2], reference_upcr_g_g=[0.3, 0.3]
        ),
        activity.lldas(sledai, pga=0.5, glucocorticoid_mg_day=5.0),
        activity.sledai_2k_cohort(np.zeros((3, 24), dtype=bool)),
        activity.sledai_2k_visits(
            **{k: getattr(c, k) for k in activity.SLEDAI_VISITS_COLUMNS}
        ),
        kidney.change_from_reference("egfr", 80.0, 90.0),
        kidney.eskd(egfr),
        outcomes.first_response(
            [Assessment(day=91, status="met"), Assessment(day=182, status="met")]
        ),
        Assessment(day=91, status="not_evaluable", reason="<no UPCR>"),
        DatedEvent(day=100, type="death"),
        km,
        km.at(250),
        outcomes.proportion(3, 10),
        outcomes.summarize([1.0, 2.0, 4.0]),
        outcomes.responder_proportion([True, False, None]),
        outcomes.time_to_death(p),
        outcomes.observation_at(p, trial.schedule[2], "creatinine"),
        serology.lab_change(labs[ls.Analyte.C3], later[ls.Analyte.C3]),
        serology.seroconversion(labs[dsdna], later[dsdna]),
        serology.classify_sle_eular_acr_2019(ana=True, criteria={}),
        ls.classify_sle_slicc_2012(),
        serology.parse_ana_titer("1:160"),
        units.conversion("mg/dL", "µmol/L", analyte="creatinine"),
        units.parse_unit("mg/dL"),
        units.resolve_unit("mg/dL", "creatinine"),
        change(reference=2.0, value=1.0),
        ls.Table({"id": ["<script>", "b"], "x": [1.0, 2.0]}, name="demo"),
        RowProblem(
            table="labs",
            row=3,
            participant="<script>",
            column="AVAL",
            value="x",
            expected="a number",
        ),
        ExplainedResult(status="met", source="demo"),
        ValueResult(value=1.0, unit="g/g"),
        FrozenModel(),
    ]
    roots.append(_fhir_example())
    roots += _dask_examples()
    roots += _stats_examples(analysis)
    for name in _public_modules():
        module = importlib.import_module(name)
        roots += [getattr(module, attr) for attr in getattr(module, "__all__", ())]
    found: dict[type, object] = {}
    _walk([r for r in roots if r is not None], found)
    return found


def _stats_examples(analysis: ls.Analysis) -> list[object]:
    """Comparisons, an estimate and sensitivity variants (the ``stats`` extra)."""
    from lupusscore import stats

    return [
        stats.with_comparisons(analysis),
        stats.compare_proportions(8, 40, 10, 40),
        stats.default_variants(analysis),
    ]


def _dask_examples() -> list[object]:
    """A lazy Dask analysis, its options and one part's result (the ``dask`` extra)."""
    from lupusscore import dask as ldask
    from lupusscore.example import synthetic_schedule, synthetic_tables

    try:
        import dask.dataframe as dd
        import pandas as pd
    except ImportError:  # the dask extra is not installed: nothing to show
        return []
    frames = {k: pd.DataFrame(v) for k, v in synthetic_tables(6, seed=1).items()}
    frames["participants"]["BLACK"] = frames["participants"]["BLACK"].astype("boolean")
    options = ldask.Options(schedule=synthetic_schedule(), name="<script>")
    part = ldask.analyse_partition(
        frames["labs"],
        frames["participants"],
        visits=frames["visits"],
        events=frames["events"],
        options=options,
    )
    lazy = ldask.analyse(
        dd.from_pandas(frames["labs"], npartitions=1),
        dd.from_pandas(frames["participants"], npartitions=1),
        schedule=synthetic_schedule(),
    )
    return [ldask.Options(name="<script>"), part, lazy]


def _fhir_example() -> object:
    """A project-written Bundle: used, missing, unmapped and unusable results."""
    from lupusscore.fhir import patient_visits

    def obs(oid: str, code: str, **value: object) -> dict[str, object]:
        return {
            "resourceType": "Observation",
            "id": oid,
            "status": "final",
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
            "subject": {"reference": "Patient/<script>"},
            "effectiveDateTime": "2020-01-08",
            **value,
        }

    ucum = "http://unitsofmeasure.org"
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "<script>",
                    "gender": "female",
                    "birthDate": "1980-03-01",
                }
            },
            {
                "resource": obs(
                    "a",
                    "2160-0",
                    valueQuantity={"value": 0.9, "system": ucum, "code": "mg/dL"},
                )
            },
            {"resource": obs("b", "2160-0", dataAbsentReason={"text": "haemolysed"})},
            {
                "resource": obs(
                    "c", "1234-5", valueQuantity={"value": 1, "system": ucum}
                )
            },
            {
                "resource": obs(
                    "d",
                    "2160-0",
                    valueQuantity={"value": 1, "system": ucum, "code": "furlong"},
                )
            },
        ],
    }
    return patient_visits(bundle, validate=False)


def _example(cls: type) -> object:
    got = _examples().get(cls)
    if got is None:
        pytest.fail(f"no example instance of {cls.__name__}: add one to _examples()")
    return got


# --- HTML check --------------------------------------------------------------------


class _Checker(html.parser.HTMLParser):
    """Check HTML is well formed and static (no script, no handler, no URL)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in {"script", "iframe", "object", "embed", "img", "link"}:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or ""):
                self.problems.append(f"{tag} {name}")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_html(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.stack, f"unclosed {checker.stack}"
    return checker


# --- tests --------------------------------------------------------------------------


def test_the_public_classes_are_found() -> None:
    """The enumeration sees the main classes (a guard on the enumeration itself)."""
    names = {c.__name__ for c in PUBLIC}
    assert {"Trial", "OutcomeTable", "SledaiResult", "Cohort", "Analysis"} <= names
    assert {"Table", "RenalResponseDefinition", "Criterion"} <= names


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_public_class_declares_notebook_displays(cls: type) -> None:
    """Each public class has ``_repr_html_``, ``_repr_markdown_`` and its own repr."""
    assert callable(getattr(cls, "_repr_html_", None))
    assert callable(getattr(cls, "_repr_markdown_", None))
    assert cls.__repr__ is not object.__repr__


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_example_displays_briefly_with_ipython(cls: type) -> None:
    """Through IPython: text < 2,000 characters, static well-formed HTML, Markdown."""
    obj = _example(cls)
    shown, _ = DisplayFormatter().format(obj)
    text = shown["text/plain"]
    assert 0 < len(text) < TEXT_LIMIT, (len(text), text[:200])
    page = shown["text/html"]
    checker = _check_html(page)
    assert "table" in checker.tags or "p" in checker.tags
    if "table" in checker.tags:
        assert "caption" in checker.tags
    assert "color:inherit" in page
    assert "<script" not in page.lower()
    assert shown["text/markdown"].strip()


def test_the_example_trial_displays_under_2000_characters() -> None:
    """The Trial that printed 2.1 million characters now prints a few lines."""
    trial = load_example_trial()
    text = DisplayFormatter().format(trial)[0]["text/plain"]
    assert len(text) < TEXT_LIMIT
    assert "80 participants" in text
    assert "MSC infusion 40" in text
    assert "Prednisone 40" in text


def test_trial_display_shows_arms_visits_dates_and_missing() -> None:
    """A Trial's HTML has participants and visits per arm, date span and missing."""
    trial = load_example_trial()
    checker = _check_html(trial._repr_html_())
    text = " ".join(checker.text)
    for arm in trial.arm_names:
        members = [p for p in trial.participants if p.arm == arm]
        visits = sum(len(p.visits) for p in members)
        assert arm in text
        assert str(visits) in text
    dates = sorted(v.date for p in trial.participants for v in p.visits)
    assert f"{dates[0].isoformat()} to {dates[-1].isoformat()}" in text
    assert "no UPCR" in text
    assert "no baseline visit" in text
    assert "th" in checker.tags


def test_outcome_table_display_shows_the_table() -> None:
    """An OutcomeTable's HTML and Markdown hold every cell of the text report."""
    table = ls.build_outcome_table(load_example_trial())
    text = " ".join(_check_html(table._repr_html_()).text)
    markdown = table._repr_markdown_()
    for row in table.rows:
        assert row.cell() in text
        assert row.cell() in markdown
    primary = [r.cell() for r in table.rows if r.section == "primary"]
    assert all(cell in repr(table) for cell in primary)


def test_display_escapes_a_hostile_participant_id() -> None:
    """A participant id like ``<script>`` is shown as text, never as markup."""
    trial = load_example_trial()
    data = trial.model_dump(mode="json")
    data["participants"][0]["patient"]["id"] = "<script>alert(1)</script>"
    for v in data["participants"][0]["visits"]:
        v["participant_id"] = "<script>alert(1)</script>"
    data["arms"] = ["<b>MSC</b>", "Prednisone"]
    for p in data["participants"]:
        if p["arm"] == "MSC infusion":
            p["arm"] = "<b>MSC</b>"
    hostile = Trial.model_validate(data)
    participant = hostile.participants[0]
    for obj in (hostile, participant, participant.patient, participant.visits[0]):
        shown, _ = DisplayFormatter().format(obj)
        page = shown["text/html"]
        checker = _check_html(page)
        assert "script" not in checker.tags
        assert "<script" not in page
        assert "<b>" not in page
        assert "<script" not in shown["text/markdown"]
        assert "<b>" not in shown["text/markdown"]
    assert "&lt;b&gt;MSC&lt;/b&gt;" in hostile._repr_html_()


def test_displays_do_not_change_equality_pickling_or_json() -> None:
    """Displaying leaves equality, pickling, JSON and model_dump as they were."""
    trial = load_example_trial()
    table = ls.build_outcome_table(trial)
    for obj in (trial, table, trial.participants[0]):
        dumped = obj.model_dump()
        as_json = obj.model_dump_json()
        DisplayFormatter().format(obj)
        assert obj.model_dump() == dumped
        assert obj.model_dump_json() == as_json
        assert type(obj).model_validate_json(as_json) == obj
        assert pickle.loads(pickle.dumps(obj)) == obj
        assert "_repr_html_" not in dumped


def test_small_model_keeps_pydantic_repr() -> None:
    """A small model prints exactly as pydantic prints it (doctests unchanged)."""
    c = ls.Criterion(name="upcr", status="met", observed=0.3, threshold=0.5)
    assert repr(c) == (
        "Criterion(name='upcr', status=<Status.MET: 'met'>, observed=0.3, "
        "threshold=0.5, comparator=None, unit=None, reason=None, source=None)"
    )
