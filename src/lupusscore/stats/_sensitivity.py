"""Definition sensitivity: the primary outcome under named variants, side by side.

A :class:`Variant` is a name and a set of :func:`lupusscore.analyse` keyword
arguments that replace the analysis' own. :func:`default_variants` gives every
shipped renal response definition, the analysis' own definition when it is a
protocol's (not shipped), and every missing-data policy under the analysis'
definition; further variants (estimand strategies, for instance) are one
``Variant(name, kind, {"<argument>": value})`` each. :func:`sensitivity_of`
analyses the cohort under each and tabulates the primary outcome by arm and the
difference to the reference arm (Newcombe hybrid score interval when the extra
``stats`` is installed; the point difference alone otherwise).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from lupusscore._checks import as_choice, describe
from lupusscore._display import Displayable
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.models import FrozenMap
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._strategies import (
    REFUSED,
    IntercurrentEvent,
    Strategies,
    Strategy,
)
from lupusscore.outcomes._table import differs_from_shipped
from lupusscore.response import list_definitions
from lupusscore.stats._compare import NEEDS_EXTRA, reference_arm
from lupusscore.stats._methods import DEFAULT_ALPHA, compare_proportions
from lupusscore.table import Table

if TYPE_CHECKING:
    from lupusscore.cohort import Analysis

__all__ = [
    "SENSITIVITY_LABELS",
    "Variant",
    "default_variants",
    "render_sensitivity",
    "sensitivity_of",
]

#: Column labels of :func:`sensitivity_of`.
SENSITIVITY_LABELS: Final = {
    "VARIANT": "Variant",
    "KIND": "What the Variant Changes",
    "DEFID": "Response Definition",
    "DEFVER": "Response Definition Version",
    "PROVISIONAL": "Provisional Definition (Y: a tier not verified in a source)",
    "POLICY": "Missing-Visit Policy",
    "ARM": "Arm",
    "N": "Evaluable Participants",
    "COUNT": "Responders",
    "NE": "Not Evaluable",
    "ESTIMATE": "Proportion Responding",
    "CI_LOW": "Lower Confidence Limit",
    "CI_HIGH": "Upper Confidence Limit",
    "REFERENCE": "Reference Arm",
    "DIFF": "Difference to the Reference Arm",
    "DIFF_LOW": "Lower Confidence Limit of the Difference (Newcombe)",
    "DIFF_HIGH": "Upper Confidence Limit of the Difference (Newcombe)",
    "NOTE": "Note",
}


@dataclass(frozen=True)
class Variant(Displayable):
    """One variant of a sensitivity analysis.

    Attributes
    ----------
    name : str
        Shown in the table.
    kind : str
        What it varies (``"definition"``, ``"missing policy"``, ...).
    options : mapping of str to object
        :func:`lupusscore.analyse` keyword arguments replacing the analysis'
        own (e.g. ``{"definition": "aurora"}``).
    """

    name: str
    kind: str
    options: Mapping[str, Any] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        for attr in ("name", "kind"):
            value = getattr(self, attr)
            if not isinstance(value, str) or not value:
                raise InvalidValueError(
                    field=attr, value=describe(value), expected="non-empty text"
                )
        if not isinstance(self.options, Mapping) or not all(
            isinstance(k, str) for k in self.options
        ):
            raise InvalidValueError(
                field="options",
                value=describe(self.options),
                expected="a mapping of analyse() keyword argument to value",
            )
        object.__setattr__(self, "options", FrozenMap(self.options))


def default_variants(analysis: Analysis) -> list[Variant]:
    """Every shipped definition, the protocol's own, and every missing-data policy.

    The definitions are compared under the analysis' missing-data policy and
    estimand strategies; the policies under the analysis' definition and
    strategies; and each intercurrent-event strategy (ICH E9(R1)) applied to
    every event for which it is meaningful (death keeps the analysis' own
    strategy where the strategy is refused for it), under the analysis'
    definition and policy.
    """
    own = analysis.definition
    out = [
        Variant(d.id, "definition", {"definition": d.id}) for d in list_definitions()
    ]
    if own.id not in {d.id for d in list_definitions()} or differs_from_shipped(own):
        out.append(Variant(f"{own.id} (protocol)", "definition", {"definition": own}))
    out += [
        Variant(p.value, "missing policy", {"definition": own, "policy": p})
        for p in MissingPolicy
    ]
    own_strategies = getattr(analysis, "strategies", Strategies())
    for strategy in Strategy:
        chosen = {
            event.value: (
                getattr(own_strategies, event.value)
                if (event, strategy) in REFUSED
                else strategy
            )
            for event in IntercurrentEvent
        }
        kept = [e.value for e in IntercurrentEvent if (e, strategy) in REFUSED]
        name = f"{strategy.value} (every event" + (
            f" but {', '.join(kept)})" if kept else ")"
        )
        out.append(
            Variant(
                name, "estimand strategy", {"definition": own, "strategies": chosen}
            )
        )
    return out


def _base_options(analysis: Analysis) -> dict[str, Any]:
    """Return the keyword arguments that reproduce *analysis* (fields it records)."""
    base: dict[str, Any] = {
        "definition": analysis.definition,
        "achieve_by": analysis.achieve_by,
        "maintain_through": analysis.maintain_through,
        "policy": analysis.policy,
        "ci_method": analysis.ci_method,
        "use_unscheduled": analysis.use_unscheduled,
    }
    strategies = getattr(analysis, "strategies", None)  # estimand strategies
    if strategies is not None:
        base["strategies"] = strategies
    return base


def sensitivity_of(
    analysis: Analysis,
    variants: Sequence[Variant] | None = None,
    *,
    reference: str | None = None,
    alpha: float = DEFAULT_ALPHA,
) -> Table:
    """Tabulate the primary outcome by arm under each variant, with the difference.

    Parameters
    ----------
    analysis : Analysis
        The analysis whose options the variants change.
    variants : sequence of Variant, optional
        Default :func:`default_variants`.
    reference : str, optional
        Reference arm of the difference (see :func:`reference_arm`).
    alpha : float
        1 - confidence level of the difference's interval.

    Returns
    -------
    Table
        One row per variant and arm (columns :data:`SENSITIVITY_LABELS`); a
        variant that cannot be analysed (e.g. a definition needing data the
        cohort lacks) has its rows with the reason in ``NOTE``.
    """
    from lupusscore.cohort import analyse  # noqa: PLC0415 - same layer, no cycle

    chosen = default_variants(analysis) if variants is None else list(variants)
    for i, v in enumerate(chosen):
        if not isinstance(v, Variant):
            raise InvalidValueError(
                field=f"variants[{i}]", value=describe(v), expected="a Variant"
            )
    cohort = analysis.cohort
    ref = reference_arm(cohort, reference)[0] if len(cohort.arms) > 1 else None
    if reference is not None:
        as_choice("reference", reference, cohort.arms)
    base = _base_options(analysis)
    rows: list[dict[str, Any]] = []
    for v in chosen:
        options = {**base, **v.options}
        try:
            got = analyse(cohort, **options)
            table = got.outcome_table()
        except LupusScoreError as exc:
            rows += [_empty(v, arm, ref, f"not analysed: {exc}") for arm in cohort.arms]
            continue
        primary = {r.arm: r for r in table.rows if r.section == "primary"}
        about = {
            "VARIANT": v.name,
            "KIND": v.kind,
            "DEFID": got.definition.id,
            "DEFVER": got.definition.version,
            "PROVISIONAL": "Y"
            if (table.definition_provisional or got.definition.provisional)
            else "",
            "POLICY": got.policy.value,
        }
        base_row = primary.get(ref) if ref is not None else None
        for arm in cohort.arms:
            r = primary.get(arm)
            row = {
                **about,
                "ARM": arm,
                "N": r.n if r else 0,
                "COUNT": (r.count or 0) if r else 0,
                "NE": r.not_evaluable if r else 0,
                "ESTIMATE": _nan(r.estimate if r else None),
                "CI_LOW": _nan(r.ci_low if r else None),
                "CI_HIGH": _nan(r.ci_high if r else None),
                "REFERENCE": ref,
                "DIFF": np.nan,
                "DIFF_LOW": np.nan,
                "DIFF_HIGH": np.nan,
                "NOTE": None,
            }
            if ref is not None and arm != ref:
                _difference(row, r, base_row, alpha)
            rows.append(row)
    return _table(rows)


def _difference(row: dict[str, Any], r: Any, base: Any, alpha: float) -> None:
    """Fill the difference to the reference (Newcombe interval if statsmodels)."""
    if r is None or base is None or not r.n or not base.n:
        row["NOTE"] = "difference not estimable: an arm without evaluable participants"
        return
    row["DIFF"] = (r.count or 0) / r.n - (base.count or 0) / base.n
    try:
        got = compare_proportions(
            r.count or 0, r.n, base.count or 0, base.n, alpha=alpha
        )[0]
    except MissingExtraError:
        row["NOTE"] = "difference without CI: " + NEEDS_EXTRA
        return
    if got.estimable:
        row["DIFF_LOW"], row["DIFF_HIGH"] = got.ci_low, got.ci_high
    else:
        row["NOTE"] = f"difference CI {got.note}"


def _empty(v: Variant, arm: str, ref: str | None, note: str) -> dict[str, Any]:
    return {
        "VARIANT": v.name,
        "KIND": v.kind,
        "DEFID": None,
        "DEFVER": None,
        "PROVISIONAL": "",
        "POLICY": None,
        "ARM": arm,
        "N": 0,
        "COUNT": 0,
        "NE": 0,
        "ESTIMATE": np.nan,
        "CI_LOW": np.nan,
        "CI_HIGH": np.nan,
        "REFERENCE": ref,
        "DIFF": np.nan,
        "DIFF_LOW": np.nan,
        "DIFF_HIGH": np.nan,
        "NOTE": note,
    }


def _nan(x: float | None) -> float:
    return np.nan if x is None else x


def _table(rows: list[dict[str, Any]]) -> Table:
    columns: dict[str, Any] = {}
    for name in SENSITIVITY_LABELS:
        values = [r[name] for r in rows]
        if name in {"N", "COUNT", "NE"}:
            columns[name] = np.array(values, dtype=np.int64)
        elif name in {"ESTIMATE", "CI_LOW", "CI_HIGH", "DIFF", "DIFF_LOW", "DIFF_HIGH"}:
            columns[name] = np.array(values, dtype=np.float64)
        else:
            col = np.empty(len(values), dtype=object)
            col[:] = values
            columns[name] = col
    return Table(columns, labels=SENSITIVITY_LABELS, name="sensitivity")


def _pct(x: float) -> str:
    return "-" if np.isnan(x) else f"{100 * x:.1f}%"


def render_sensitivity(table: Table, fmt: str = "text") -> str:
    """Render :func:`sensitivity_of`'s table as ``"text"``, ``"json"`` or ``"csv"``.

    Text puts the variants one per line and the arms side by side, with the
    difference to the reference arm; provisional definitions are flagged.
    """
    how = as_choice("fmt", fmt, ("text", "json", "csv"))
    records = table.to_dicts()
    if how == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if how == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=list(table.columns), lineterminator="\n"
        )
        writer.writeheader()
        for r in records:
            writer.writerow({k: "" if v is None else v for k, v in r.items()})
        return buf.getvalue()
    arms = list(dict.fromkeys(r["ARM"] for r in records))
    ref = next((r["REFERENCE"] for r in records if r["REFERENCE"]), None)
    by_variant: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_variant.setdefault(r["VARIANT"], []).append(r)
    cells: list[list[str]] = []
    for name, group in by_variant.items():
        first = group[0]
        flag = " [PROVISIONAL]" if first["PROVISIONAL"] == "Y" else ""
        line = [f"{first['KIND']}: {name}{flag}"]
        for arm in arms:
            found = [g for g in group if g["ARM"] == arm]
            if not found or first["DEFID"] is None:
                line.append("-")
                continue
            cell = found[0]
            line.append(f"{cell['COUNT']}/{cell['N']} {_pct(_float(cell['ESTIMATE']))}")
        diffs = [g for g in group if g["ARM"] != ref]
        for g in diffs:
            d, lo, hi = _float(g["DIFF"]), _float(g["DIFF_LOW"]), _float(g["DIFF_HIGH"])
            text = _pct(d)
            if not np.isnan(lo):
                text += f" ({_pct(lo)} to {_pct(hi)})"
            line.append(text)
        notes = sorted({g["NOTE"] for g in group if g["NOTE"]})
        if notes:
            line.append("; ".join(notes))
        cells.append(line)
    others = [a for a in arms if a != ref]
    head = ["variant", *arms, *(f"{a} - {ref}" for a in others)]
    width = [
        max(
            len(head[i]) if i < len(head) else 0,
            *(len(c[i]) for c in cells if i < len(c)),
        )
        for i in range(max(len(head), *(len(c) for c in cells)))
    ]
    lines = [
        "Sensitivity of the primary outcome (responders/evaluable %; difference "
        f"to {ref} with 95% Newcombe CI)",
        "  ".join(h.ljust(width[i]) for i, h in enumerate(head)).rstrip(),
    ]
    lines += [
        "  ".join(c.ljust(width[i]) for i, c in enumerate(line)).rstrip()
        for line in cells
    ]
    return "\n".join(lines) + "\n"


def _float(x: object) -> float:
    return np.nan if x is None else float(x)  # type: ignore[arg-type]
