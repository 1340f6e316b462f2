"""lupusscore.plot: the drawn data match the analysis (not pixels), figures save."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import matplotlib as mpl

mpl.use("Agg")

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import lupusscore as ls
from lupusscore import plot
from lupusscore.cli import _example_text, load_example_trial
from lupusscore.cohort import Analysis, Cohort
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.models import Trial
from lupusscore.outcomes import kaplan_meier
from lupusscore.response import list_definitions


@pytest.fixture(scope="module")
def trial() -> Trial:
    """The bundled synthetic example trial."""
    return load_example_trial()


@pytest.fixture(scope="module")
def analysis(trial: Trial) -> Analysis:
    """The default analysis of the example trial."""
    return ls.analyse(trial)


def _line(ax: Axes, gid: str) -> Any:
    found = [line for line in ax.get_lines() if line.get_gid() == gid]
    assert len(found) == 1, gid
    return found[0]


def _adtte(analysis: Analysis, code: str, arm: str) -> tuple[Any, Any]:
    t = analysis.adtte
    rows = t.filter((t["PARAMCD"] == code) & (t["TRT01P"] == arm))
    return rows["AVAL"].astype(float), rows["CNSR"] == 0


# --- Kaplan-Meier -----------------------------------------------------------


@pytest.mark.parametrize("code", ["TTCRR", "TTDEATH", "TTESKD"])
def test_km_steps_are_the_kaplan_meier_table_of_each_arm(
    analysis: Analysis, code: str
) -> None:
    """Each arm's step line runs through the KM table's event times and survival."""
    ax = plot.km(analysis, parameter=code)
    for i, arm in enumerate(analysis.cohort.arms):
        t, event = _adtte(analysis, code, arm)
        fit = kaplan_meier(t, event)
        line = _line(ax, f"km-{i}")
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        assert line.get_drawstyle() == "steps-post"
        assert x[0] == 0.0
        assert y[0] == 1.0
        np.testing.assert_allclose(x[1 : 1 + len(fit.time)], fit.time)
        np.testing.assert_allclose(y[1 : 1 + len(fit.time)], fit.survival)
        assert x[-1] == t.max()  # the curve ends at the last observed time


def test_km_agrees_with_the_outcome_table_survival_rows(analysis: Analysis) -> None:
    """The drawn overall-survival curve at each timepoint is the table's KM estimate."""
    ax = plot.km(analysis, parameter="TTDEATH")
    rows = [
        r
        for r in analysis.outcome_table().rows
        if r.section == "survival" and r.outcome.startswith("overall survival")
    ]
    assert rows
    for r in rows:
        i = analysis.cohort.arms.index(r.arm)
        x, y = (np.asarray(v, dtype=float) for v in _line(ax, f"km-{i}").get_data())
        drawn = y[np.searchsorted(x, r.day, side="right") - 1]
        assert drawn == pytest.approx(r.estimate)


def test_km_censoring_marks_sit_on_the_curve(analysis: Analysis) -> None:
    """One mark per distinct censoring time, at the curve's height there."""
    ax = plot.km(analysis)
    for i, arm in enumerate(analysis.cohort.arms):
        t, event = _adtte(analysis, "TTCRR", arm)
        fit = kaplan_meier(t, event)
        marks = _line(ax, f"km-censor-{i}")
        x, y = (np.asarray(v, dtype=float) for v in marks.get_data())
        np.testing.assert_array_equal(x, np.unique(t[~event]))
        for tx, ty in zip(x, y, strict=True):
            before = [s for u, s in zip(fit.time, fit.survival, strict=True) if u <= tx]
            assert ty == pytest.approx(before[-1] if before else 1.0)
        assert marks.get_marker() == "|"


def test_km_numbers_at_risk_are_the_risk_sets(analysis: Analysis) -> None:
    """Every at-risk number under the axis counts the arm's times >= that day."""
    ax = plot.km(analysis)
    days = [0, *(tp.day for tp in analysis.cohort.schedule)]
    checked = 0
    for i, arm in enumerate(analysis.cohort.arms):
        t, _ = _adtte(analysis, "TTCRR", arm)
        for day in days:
            if day > t.max():
                continue
            texts = [x for x in ax.texts if x.get_gid() == f"km-risk-{i}-{day:g}"]
            assert len(texts) == 1
            assert int(texts[0].get_text()) == int(np.sum(t >= day))
            assert texts[0].get_position()[0] == day
            checked += 1
    assert checked >= 2 * len(days) - 2
    assert list(ax.get_xticks()) == pytest.approx(
        sorted({0.0, *(d for d in days if d <= analysis.adtte["AVAL"].max())})
    )


def test_km_risk_days_and_cumulative(analysis: Analysis) -> None:
    """Chosen risk days set the table and ticks; cumulative draws 1 - S."""
    plain = plot.km(analysis)
    flipped = plot.km(analysis, cumulative=True, risk_days=[100, 0, 400])
    _, y0 = _line(plain, "km-0").get_data()
    _, y1 = _line(flipped, "km-0").get_data()
    np.testing.assert_allclose(np.asarray(y1), 1.0 - np.asarray(y0))
    assert list(flipped.get_xticks()) == [0.0, 100.0, 400.0]
    assert {x.get_gid() for x in flipped.texts if x.get_gid()} >= {
        "km-risk-0-100",
        "km-risk-1-400",
    }


def test_km_arms_differ_without_colour(analysis: Analysis) -> None:
    """Arms have distinct line styles, not only colours."""
    ax = plot.km(analysis)
    styles = {_line(ax, f"km-{i}").get_linestyle() for i in range(2)}
    assert len(styles) == 2


def test_km_of_a_trial_and_of_a_cohort_is_the_default_analysis(
    trial: Trial, analysis: Analysis
) -> None:
    """A Trial (via Cohort.from_trial) or a Cohort draws what its analysis draws."""
    want = _line(plot.km(analysis), "km-1").get_data()
    for data in (trial, Cohort.from_trial(trial)):
        got = _line(plot.km(data), "km-1").get_data()
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


def test_km_does_not_depend_on_participant_order(trial: Trial) -> None:
    """Reversing the participants draws the same curves and risk numbers."""
    flipped = trial.model_copy(update={"participants": trial.participants[::-1]})
    a, b = plot.km(trial), plot.km(flipped)
    for gid in ("km-0", "km-1", "km-censor-0", "km-censor-1"):
        np.testing.assert_array_equal(
            _line(a, gid).get_data(), _line(b, gid).get_data()
        )
    assert [t.get_text() for t in a.texts] == [t.get_text() for t in b.texts]


def test_km_draws_on_the_given_axes(analysis: Analysis) -> None:
    """With ax given, km draws there and returns it."""
    fig = Figure()
    ax = fig.add_subplot()
    assert plot.km(analysis, ax=ax) is ax
    assert _line(ax, "km-0") is not None


# --- swimmer ----------------------------------------------------------------


def test_swimmer_bars_are_the_response_state_at_each_timepoint(
    analysis: Analysis,
) -> None:
    """Every bar is one ADRS assessment: its lane, start day and state."""
    ax = plot.swimmer(analysis)
    ids = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(ids) == sorted(analysis.adsl["USUBJID"].tolist())
    drawn: dict[tuple[str, float], str] = {}
    labels = {label: key for key, (label, _, _) in plot.RESPONSE_STATES.items()}
    for container in ax.containers:
        state = labels[container.get_label()]
        for rect in container.patches:
            lane = round(rect.get_y() + rect.get_height() / 2)
            drawn[(ids[lane], rect.get_x())] = state
            assert rect.get_width() >= 0
    adrs = analysis.adrs
    rows = adrs.filter(adrs["PARAMCD"] == "CRR")
    want = {}
    for r in rows.to_dicts():
        day = r["AVISITN"] if r["DAY"] is None else r["DAY"]
        want[(r["USUBJID"], float(day))] = r["AVALC"]
    assert drawn == want


def test_swimmer_lanes_are_grouped_by_arm_then_id(analysis: Analysis) -> None:
    """Lanes run arm by arm (the cohort's order), ids sorted within an arm."""
    ax = plot.swimmer(analysis)
    ids = [t.get_text() for t in ax.get_yticklabels()]
    arm_of = dict(
        zip(
            analysis.adsl["USUBJID"].tolist(),
            analysis.adsl["TRT01P"].tolist(),
            strict=True,
        )
    )
    rank = {a: i for i, a in enumerate(analysis.cohort.arms)}
    assert ids == sorted(ids, key=lambda p: (rank[arm_of[p]], p))


def test_swimmer_marks_every_event_on_its_day(trial: Trial) -> None:
    """Each recorded event is a marker on its participant's lane, on its day."""
    ax = plot.swimmer(trial)
    ids = [t.get_text() for t in ax.get_yticklabels()]
    drawn = set()
    for coll in ax.collections:
        gid = coll.get_gid() or ""
        if gid.startswith("swimmer-"):
            for x, y in coll.get_offsets():
                drawn.add((gid.removeprefix("swimmer-"), ids[round(y)], int(x)))
    want = set()
    for p in trial.participants:
        for ev in p.events:
            day0 = p.day0
            assert day0 is not None
            want.add((ev.type.value, p.patient.id, (ev.date - day0).days))
    assert want
    assert drawn == want


# --- trajectory ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("UPCR", "UPCR"),
        ("eGFR", "EGFR"),
        ("C3", "C3"),
        ("c4", "C4"),
        ("anti-dsDNA", "DSDNA"),
        ("SLEDAI-2K", "SLEDAI"),
    ],
)
def test_trajectory_median_and_iqr_per_timepoint(
    analysis: Analysis, name: str, code: str
) -> None:
    """The median line and the IQR band are the per-timepoint quartiles of ADLB."""
    ax = plot.trajectory(analysis, name)
    adlb = analysis.adlb
    for i, arm in enumerate(analysis.cohort.arms):
        mine = (
            (adlb["PARAMCD"] == code)
            & (adlb["ANL01FL"] == "Y")
            & (adlb["TRT01P"] == arm)
            & ~np.isnan(adlb["AVAL"].astype(float))
        )
        x_all = adlb["AVISITN"][mine].astype(float)
        y_all = adlb["AVAL"][mine].astype(float)
        days = np.unique(x_all)
        line = _line(ax, f"trajectory-{i}")
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        np.testing.assert_array_equal(x, days)
        np.testing.assert_allclose(y, [np.median(y_all[x_all == d]) for d in days])
        band = [c for c in ax.collections if c.get_gid() == f"trajectory-iqr-{i}"]
        assert len(band) == 1
        verts = band[0].get_paths()[0].vertices
        for d in days:
            q1, q3 = np.percentile(y_all[x_all == d], [25, 75])
            at = verts[np.isclose(verts[:, 0], d), 1]
            assert np.isclose(at.min(), q1)
            assert np.isclose(at.max(), q3)
        assert line.get_marker() != _line(ax, f"trajectory-{1 - i}").get_marker()


def test_trajectory_change_from_baseline(analysis: Analysis) -> None:
    """value='CHG' draws the median change (no baseline point: it has none)."""
    ax = plot.trajectory(analysis, "UPCR", value="CHG")
    adlb = analysis.adlb
    mine = (
        (adlb["PARAMCD"] == "UPCR")
        & (adlb["ANL01FL"] == "Y")
        & (adlb["TRT01P"] == analysis.cohort.arms[0])
    )
    chg = adlb["CHG"][mine].astype(float)
    x_all = adlb["AVISITN"][mine].astype(float)
    x, y = (np.asarray(v, dtype=float) for v in _line(ax, "trajectory-0").get_data())
    assert 0.0 not in x
    np.testing.assert_allclose(y, [np.nanmedian(chg[x_all == d]) for d in x])


# --- forest -----------------------------------------------------------------


def test_forest_points_are_the_primary_proportion_under_every_definition(
    trial: Trial, analysis: Analysis
) -> None:
    """One point per arm and shipped definition, at the table's estimate and CI."""
    ax = plot.forest(analysis)
    ids = [d.id for d in list_definitions()]
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert len(ticks) == len(ids)
    for k, ident in enumerate(ids):
        assert ticks[k].startswith(f"{ident} v")
    for j, arm in enumerate(analysis.cohort.arms):
        (container,) = [c for c in ax.containers if c.get_label() == arm]
        x, y = (np.asarray(v, dtype=float) for v in container.lines[0].get_data())
        want = []
        for ident in ids:
            table = ls.build_outcome_table(trial, definition=ident)
            (row,) = [r for r in table.rows if r.section == "primary" and r.arm == arm]
            want.append((row.estimate, row.ci_low, row.ci_high))
        np.testing.assert_allclose(x, [w[0] for w in want])
        assert np.all(np.diff(y) > 0)  # one point per definition, in order
        assert np.all(np.abs(y - np.arange(len(ids))) < 0.5)
        segments = container.lines[2][0].get_segments()
        np.testing.assert_allclose([s[0][0] for s in segments], [w[1] for w in want])
        np.testing.assert_allclose([s[1][0] for s in segments], [w[2] for w in want])
        del j


def test_forest_of_a_subset_of_definitions(analysis: Analysis) -> None:
    """definitions= picks the rows; an unknown id is a library error."""
    ax = plot.forest(analysis, definitions=["kdigo-2024", "alms"])
    assert [t.get_text().split(" ")[0] for t in ax.get_yticklabels()] == [
        "kdigo-2024",
        "alms",
    ]
    with pytest.raises(LupusScoreError):
        plot.forest(analysis, definitions=["no-such-definition"])
    with pytest.raises(InvalidValueError):
        plot.forest(analysis, definitions=[3])  # type: ignore[list-item]


# --- every figure saves; errors -------------------------------------------------

_PLOTS = {
    "km": plot.km,
    "swimmer": plot.swimmer,
    "trajectory": plot.trajectory,
    "forest": plot.forest,
}


@pytest.mark.parametrize("name", sorted(_PLOTS))
def test_each_figure_saves_to_png_and_svg(analysis: Analysis, name: str) -> None:
    """Every plot returns Axes whose Figure saves as PNG and as SVG."""
    ax = _PLOTS[name](analysis)
    assert isinstance(ax, Axes)
    fig = ax.figure
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=50)
    fig.savefig(svg, format="svg")
    assert png.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in svg.getvalue()
    inline = plot.svg_text(fig)  # type: ignore[arg-type]
    assert inline.startswith("<svg")
    assert "<metadata" not in inline


@pytest.mark.parametrize("name", sorted(_PLOTS))
def test_without_matplotlib_each_plot_names_the_extra(
    analysis: Analysis, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """matplotlib absent: MissingExtraError naming the 'plot' extra."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(MissingExtraError, match=r"lupusscore\[plot\]") as info:
        _PLOTS[name](analysis)
    assert info.value.extra == "plot"


@pytest.mark.parametrize("name", sorted(_PLOTS))
@pytest.mark.parametrize("bad", [None, "trial", {}, 3])
def test_bad_data_is_a_library_error(name: str, bad: object) -> None:
    """Not an Analysis, Trial or Cohort: InvalidValueError naming 'data'."""
    with pytest.raises(InvalidValueError, match="data"):
        _PLOTS[name](bad)


def test_bad_options_are_library_errors(analysis: Analysis) -> None:
    """Unknown parameter, analyte, value, risk days or ax: InvalidValueError."""
    cases = [
        lambda: plot.km(analysis, parameter="TTXX"),
        lambda: plot.km(analysis, cumulative="yes"),  # type: ignore[arg-type]
        lambda: plot.km(analysis, risk_days=[-1]),
        lambda: plot.km(analysis, risk_days=[float("nan")]),
        lambda: plot.km(analysis, ax="axes"),  # type: ignore[arg-type]
        lambda: plot.trajectory(analysis, "glucose"),
        lambda: plot.trajectory(analysis, 3),  # type: ignore[arg-type]
        lambda: plot.trajectory(analysis, "UPCR", value="AVALC"),
        lambda: plot.swimmer(analysis, ax=object()),  # type: ignore[arg-type]
    ]
    for case in cases:
        with pytest.raises(InvalidValueError):
            case()


def test_forest_says_not_evaluable_instead_of_a_point() -> None:
    """An arm with no evaluable participant gets a 'not evaluable' note, no 0%."""
    data = json.loads(_example_text())
    for p in data["participants"]:
        p["events"] = []
        for v in p["visits"]:
            v["labs"] = [lab for lab in v.get("labs", []) if lab["analyte"] != "upcr"]
            v["rescue_therapy"] = False
    analysis = ls.analyse(Trial.model_validate(data), policy="observed_only")
    rows = {r.arm: r for r in analysis.outcome_table().rows if r.section == "primary"}
    ax = plot.forest(analysis, definitions=["kdigo-2024"])
    for j, arm in enumerate(analysis.cohort.arms):
        notes = [t for t in ax.texts if t.get_gid() == f"forest-ne-{j}-0"]
        drawn = [c for c in ax.containers if c.get_label() == arm]
        if rows[arm].n == 0:
            assert [t.get_text() for t in notes] == [f"{arm}: not evaluable"]
            assert drawn == []
        else:
            assert notes == []
            assert len(drawn) == 1
    assert any(r.n == 0 for r in rows.values())
