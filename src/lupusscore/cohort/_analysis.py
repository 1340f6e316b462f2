"""``lupusscore.analyse``: a trial or cohort in, ADaM-shaped tables out.

The tables are shaped like CDISC ADaM datasets so that statisticians and trial
systems recognise them (``docs/cohort.md`` lists every column):

- ``adsl``: one row per participant (subject level);
- ``adlb``: one row per participant, parameter and visit (lab values in
  canonical units and the derived eGFR and SLEDAI-2K), with baseline, change
  and reference range indicator;
- ``adrs``: one row per participant, response parameter and timepoint, with
  ``AVALC`` ``Y``/``N``/``NE``, the not-evaluable reason and one flag per
  criterion of the renal response definition;
- ``adtte``: time to first complete response, renal flare, ESKD and death,
  with censoring.

They are shaped like ADaM, not validated ADaM datasets: no define.xml, and
variable names follow the ADaM IG where one fits (``USUBJID``, ``TRT01P``,
``PARAMCD``, ``AVAL``, ``ADT``, ``ADY``, ``AVISIT``, ``BASE``, ``ABLFL``,
``CHG``, ``PCHG``, ``ANRIND``, ``AVALC``, ``CNSR``, ``STARTDT``,
``EVNTDESC``). Study days: ``ADY`` follows CDISC (no day 0: day 1 is the
reference date); ``DAY`` is lupusscore's study day (day 0 is the reference
date), the day every rule uses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_choice, describe
from lupusscore._display import Displayable, View
from lupusscore.analytes import ANALYTES, Analyte
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort, analysis_population
from lupusscore.cohort._engine import (
    CODE,
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    baseline_visit,
    flare_status,
    take,
    timepoint_visit,
)
from lupusscore.cohort._longitudinal import (
    Assessments,
    Result,
    achieve_and_maintain_codes,
    status_at_codes,
)
from lupusscore.cohort._outcomes import (
    Derived,
    Unmeasured,
    check_plan,
    derive,
    outcome_table_of,
    unmeasured_arms,
)
from lupusscore.cohort._tte import first_event_times, first_met_times
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Timepoint, Trial
from lupusscore.outcomes._args import check_callable, check_switch
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod
from lupusscore.outcomes._strategies import (
    DEFAULT_STRATEGIES,
    Strategies,
    resolve_strategies,
)
from lupusscore.outcomes._table import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    OutcomeTable,
    resolve_table_definition,
)
from lupusscore.outcomes._tte import (
    DEFAULT_CENSORING,
    ESKD_EVENTS,
    time_to_first_segments,
)
from lupusscore.response import RenalFlareDefinition, RenalResponseDefinition
from lupusscore.response._shipped import resolve_flare_definition
from lupusscore.table import Table

if TYPE_CHECKING:
    from lupusscore.stats import Variant

__all__ = ["FLARE_REFERENCES", "Analysis", "analyse"]

#: What a flare is measured against (a named protocol choice, see ``analyse``).
FLARE_REFERENCES: Final = ("response", "baseline")

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

#: ADaM-style parameter code of each analyte (at most 8 characters).
PARAMCD: Final[dict[Analyte, str]] = {
    Analyte.CREATININE: "CREAT",
    Analyte.CYSTATIN_C: "CYSC",
    Analyte.UPCR: "UPCR",
    Analyte.UACR: "UACR",
    Analyte.PROTEIN_24H: "PROT24H",
    Analyte.ALBUMIN: "ALB",
    Analyte.C3: "C3",
    Analyte.C4: "C4",
    Analyte.CH50: "CH50",
    Analyte.ANTI_DSDNA: "DSDNA",
    Analyte.ANA: "ANA",
    Analyte.PLATELETS: "PLAT",
    Analyte.WBC: "WBC",
    Analyte.HEMOGLOBIN: "HGB",
    Analyte.URINE_RBC: "URBC",
    Analyte.URINE_WBC: "UWBC",
    Analyte.BODY_TEMPERATURE: "TEMP",
}


def _lookup(mapping: dict[int, str]) -> npt.NDArray[np.object_]:
    out = np.empty(max(mapping) + 1, dtype=object)
    for code, text in mapping.items():
        out[code] = text
    return out


#: Text of each status code (indexed by the code).
_YN = _lookup({MET: "Y", NOT_MET: "N", NOT_EVALUABLE: "NE"})
_FLAG = _lookup({MET: "Y", NOT_MET: "N", NOT_EVALUABLE: ""})

ADSL_LABELS: Final = {
    "STUDYID": "Study Identifier",
    "USUBJID": "Unique Subject Identifier",
    "TRT01P": "Planned Treatment for Period 01",
    "SEX": "Sex",
    "BRTHDT": "Date of Birth",
    "AGE": "Age at Day 0 (whole years)",
    "AGEU": "Age Units",
    "HEIGHT": "Height (cm)",
    "TRTSDT": "Date of Study Day 0",
    "LSTCNTDY": "Last Contact Study Day (day 0 = TRTSDT)",
    "EOSSTT": "End of Study Status",
    "DCSREAS": "Reason for Discontinuation from Study",
    "DTHFL": "Subject Death Flag",
    "DTHDT": "Date of Death",
    "ESKDFL": "ESKD Flag (chronic dialysis/transplant)",
    "ESKDDT": "Date of End-Stage Kidney Disease",
    "ITTFL": "Intent-To-Treat Population Flag",
}
ADLB_LABELS: Final = {
    "USUBJID": "Unique Subject Identifier",
    "TRT01P": "Planned Treatment for Period 01",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "PARAMTYP": "Parameter Type",
    "AVAL": "Analysis Value",
    "AVALU": "Analysis Value Unit",
    "ADT": "Analysis Date",
    "ADY": "Analysis Relative Day (CDISC: no day 0)",
    "DAY": "Study Day (day 0 = TRTSDT)",
    "VISIT": "Visit Name",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N): target study day",
    "ANL01FL": "Analysis Flag 01 (the visit for AVISIT)",
    "ABLFL": "Baseline Record Flag",
    "BASE": "Baseline Value",
    "CHG": "Change from Baseline",
    "PCHG": "Percent Change from Baseline",
    "ANRLO": "Analysis Normal Range Lower Limit",
    "ANRHI": "Analysis Normal Range Upper Limit",
    "ANRIND": "Analysis Reference Range Indicator",
    "DTYPE": "Derivation Type",
    "SRCROW": "Source lab row (input row index)",
}
ADRS_LABELS: Final = {
    "USUBJID": "Unique Subject Identifier",
    "TRT01P": "Planned Treatment for Period 01",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "AVISIT": "Analysis Visit",
    "AVISITN": "Analysis Visit (N): target study day",
    "ADT": "Analysis Date (the assessment used)",
    "ADY": "Analysis Relative Day (CDISC: no day 0)",
    "DAY": "Study Day (day 0 = TRTSDT)",
    "AVALC": "Analysis Value (Y / N / NE)",
    "NEREAS": "Reason Not Evaluable",
    "IMPUTFL": "Imputed as Non-Responder Flag",
    "ICEFL": "Non-Responder by Intercurrent Event Flag",
    "ONSETDY": "Study Day Response First Reached",
    "DEFID": "Response Definition",
    "DEFVER": "Response Definition Version",
    "POLICY": "Missing-Visit Policy",
    "ICESTRAT": "Intercurrent Event Strategies",
}
ADTTE_LABELS: Final = {
    "USUBJID": "Unique Subject Identifier",
    "TRT01P": "Planned Treatment for Period 01",
    "PARAMCD": "Parameter Code",
    "PARAM": "Parameter",
    "STARTDT": "Time-to-Event Origin Date (study day 0)",
    "ADT": "Analysis Date (event or censoring)",
    "AVAL": "Analysis Value (days from STARTDT)",
    "CNSR": "Censor (0 = event, 1 = censored)",
    "EVNTDESC": "Event or Censoring Description",
    "SRCDOM": "Source of the Event",
}


def _objects(items: list[Any]) -> npt.NDArray[np.object_]:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def _cdisc_day(day: Ints) -> Ints:
    """CDISC relative day: day 0 becomes 1, later days + 1, earlier unchanged."""
    return np.where(day >= 0, day + 1, day)


@dataclass(frozen=True, eq=False)
class Analysis(Displayable):
    """A cohort analysed under one renal response definition and policy.

    Build one with :func:`lupusscore.analyse`. The tables are computed on
    first access and kept; :meth:`outcome_table` gives the trial's outcome
    table (the same as :func:`lupusscore.build_outcome_table`).

    Attributes
    ----------
    cohort : Cohort
        The data.
    definition : RenalResponseDefinition
        The renal response definition.
    achieve_by, maintain_through : str
        Timepoints of the primary outcome.
    policy : MissingPolicy
        Missing-visit policy.
    ci_method : CiMethod
        Interval for proportions.
    use_unscheduled : bool
        Whether unscheduled visits may stand for a timepoint.
    flare_definition : RenalFlareDefinition
        The renal flare definition of ``adtte``'s ``TTFLARE``.
    flare_reference : {"response", "baseline"}
        What a flare is measured against (see :func:`analyse`).
    not_analysed : Cohort or None
        Participants without a study day 0 (SDTM screen failures), outside
        the analysis population: in ADSL only (``ITTFL`` ``N``) and counted
        in the outcome table's notes (see
        :func:`~lupusscore.cohort.analysis_population`).
    strategies : Strategies
        The intercurrent-event strategy of each event (see :func:`analyse`).
    """

    cohort: Cohort
    definition: RenalResponseDefinition
    achieve_by: str
    maintain_through: str
    policy: MissingPolicy
    ci_method: CiMethod
    use_unscheduled: bool
    _derived: Derived
    flare_definition: RenalFlareDefinition | None = None
    flare_reference: str = "response"
    not_analysed: Cohort | None = None
    _tables: dict[str, Any] = field(default_factory=dict)
    strategies: Strategies = DEFAULT_STRATEGIES
    #: The arms whose renal endpoint is unmeasured (None: from this cohort).
    #: A part of a larger cohort is given the whole cohort's.
    _unmeasured: Unmeasured | None = None

    def __repr__(self) -> str:
        return (
            f"<Analysis of {self.cohort.name!r}: {self.cohort.n_participants} "
            f"participants; {self.definition.id} v{self.definition.version}; "
            f"achieved by {self.achieve_by}, maintained through "
            f"{self.maintain_through}; {self.policy.value}; tables adsl, adlb, "
            "adrs, adtte>"
        )

    def _display_view(self) -> View:
        """Show what was analysed and how (no table is computed to show it)."""
        c = self.cohort
        flare = self.flare_definition
        facts = (
            ("cohort", f"{c.name} ({c.n_participants} participants)"),
            ("arms", ", ".join(c.arms)),
            (
                "definition",
                f"{self.definition.id} version {self.definition.version}",
            ),
            ("source", self.definition.citation),
            (
                "primary",
                f"achieved by {self.achieve_by}, maintained through "
                f"{self.maintain_through}",
            ),
            ("missing-visit policy", str(self.policy.value)),
            ("confidence interval", str(self.ci_method.value)),
            ("unscheduled visits", "used" if self.use_unscheduled else "not used"),
            ("flare definition", flare.id if flare is not None else "-"),
            ("tables", "outcome_table(), adsl, adlb, adrs, adtte"),
        )
        return View(title=f"Analysis of {c.name}", facts=facts)

    def _cached(self, name: str, build: Callable[[], Any]) -> Any:
        got = self._tables.get(name)
        if got is None:
            got = self._tables.setdefault(name, build())
        return got

    @property
    def _complete(self) -> bool:
        return self.definition.complete is not None

    @property
    def estimand(self) -> Estimand:
        """The primary outcome's estimand (ICH E9(R1)); ``.describe()`` words it."""
        got = self.outcome_table().estimand
        assert got is not None
        return got

    def _assessed(self) -> Assessments:
        return self._derived.assessments(
            self.policy,
            use_unscheduled=self.use_unscheduled,
            strategies=self.strategies,
        )

    def outcome_table(self) -> OutcomeTable:
        """Return the trial's outcome table (:func:`lupusscore.build_outcome_table`)."""
        return cast(
            OutcomeTable,
            self._cached(
                "outcome_table",
                lambda: outcome_table_of(
                    self.cohort,
                    definition=self.definition,
                    achieve_by=self.achieve_by,
                    maintain_through=self.maintain_through,
                    policy=self.policy,
                    ci_method=self.ci_method,
                    use_unscheduled=self.use_unscheduled,
                    derived=self._derived,
                    not_analysed=self.not_analysed,
                    strategies=self.strategies,
                ),
            ),
        )

    def comparisons(
        self, reference: str | None = None, *, alpha: float = 0.05
    ) -> Table:
        """Between-arm comparisons of every outcome (the optional extra ``stats``).

        Each arm against the reference arm (default: the trial's control arm,
        else the first arm in sorted order): for each proportion row the
        difference (Newcombe and Miettinen-Nurminen CIs), odds ratio and risk
        ratio; with stratification factors also the CMH test, Mantel-Haenszel
        odds ratio, Breslow-Day test and an adjusted logistic odds ratio for
        the primary and renal response rows; for each time-to-event parameter
        the log-rank test and the Cox hazard ratio. Not estimable cells say
        why in ``NOTE``. See :func:`lupusscore.stats.comparisons_of` and
        ``docs/statistics.md``.

        Raises
        ------
        MissingExtraError
            statsmodels (``pip install 'lupusscore[stats]'``) is not installed.
        InvalidValueError
            An unknown reference arm, or fewer than two arms.
        """
        from lupusscore.stats import (  # noqa: PLC0415 - optional extra
            comparisons_of,
            comparisons_table,
        )

        return comparisons_table(comparisons_of(self, reference, alpha=alpha))

    def sensitivity(
        self,
        variants: Sequence[Variant] | None = None,
        *,
        reference: str | None = None,
        alpha: float = 0.05,
    ) -> Table:
        """Tabulate the primary outcome by arm under every variant, side by side.

        Default variants: every shipped renal response definition, this
        analysis' own definition when it is a protocol's, and every
        missing-data policy (see :func:`lupusscore.stats.sensitivity_of`).
        One row per variant and arm with the difference to the reference arm
        (with its Newcombe CI when the extra ``stats`` is installed).
        """
        from lupusscore.stats import sensitivity_of  # noqa: PLC0415

        return sensitivity_of(self, variants, reference=reference, alpha=alpha)

    # --- ADSL -----------------------------------------------------------------

    @property
    def adsl(self) -> Table:
        """Subject level: one row per participant."""
        return cast(Table, self._cached("adsl", self._adsl))

    def _adsl(self) -> Table:
        c, d = self.cohort, self._derived
        n = c.n_participants
        ev = d.events

        def first(types: set[str]) -> Ints:
            out = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
            hit = np.isin(ev.type.astype(str), sorted(types))
            np.minimum.at(out, ev.participant[hit], ev.day[hit])
            return out

        none = np.iinfo(np.int64).max
        death = first({EventType.DEATH.value})
        eskd = first({t.value for t in ESKD_EVENTS})
        withdrawal = first({EventType.WITHDRAWAL.value})
        died = death != none
        withdrew = withdrawal != none
        last_tp = max(c.schedule, key=lambda tp: tp.day) if c.schedule else None
        if last_tp is not None:
            v = timepoint_visit(c, last_tp, None, use_unscheduled=True)
            completed = v >= 0
        else:
            completed = np.zeros(n, dtype=bool)
        status = np.where(
            died | withdrew,
            "DISCONTINUED",
            np.where(completed, "COMPLETED", "ONGOING"),
        )
        reason = np.where(
            died & (~withdrew | (death <= withdrawal)),
            "DEATH",
            np.where(withdrew, "WITHDRAWAL", ""),
        )

        def date_of(day: Ints) -> npt.NDArray[np.datetime64]:
            out = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            has = day != none
            out[has] = c.day0[has] + day[has].astype("timedelta64[D]")
            return out

        age = _whole_years(c.birth_date, c.day0)
        return _with_not_analysed(
            {
                "STUDYID": np.full(n, c.name, dtype=object),
                "USUBJID": c.participant_id,
                "TRT01P": c.arm,
                "SEX": np.where(c.sex == "female", "F", "M").astype(object),
                "BRTHDT": c.birth_date,
                "AGE": age,
                "AGEU": np.full(n, "YEARS", dtype=object),
                "HEIGHT": c.height_cm,
                "TRTSDT": c.day0,
                "LSTCNTDY": d.last_contact,
                "EOSSTT": status.astype(object),
                "DCSREAS": reason.astype(object),
                "DTHFL": np.where(died, "Y", "").astype(object),
                "DTHDT": date_of(death),
                "ESKDFL": np.where(eskd != none, "Y", "").astype(object),
                "ESKDDT": date_of(eskd),
                "ITTFL": np.full(n, "Y", dtype=object),
            },
            self.not_analysed,
        )

    # --- ADLB -----------------------------------------------------------------

    @property
    def adlb(self) -> Table:
        """Laboratory analysis: one row per participant, parameter and visit."""
        return cast(Table, self._cached("adlb", self._adlb))

    def _parameters(self) -> list[dict[str, Any]]:
        """Each parameter: code, label, unit, value per visit, lab rows, type."""
        c, d = self.cohort, self._derived
        params: list[dict[str, Any]] = []
        present = np.unique(
            np.stack([c.lab_analyte.astype(np.int64), _family_codes(c)], axis=1)
            if c.n_labs
            else np.zeros((0, 2), dtype=np.int64),
            axis=0,
        )
        for code, fam in present.tolist():
            analyte = ANALYTE_CODES[code]
            spec = ANALYTES[analyte]
            family = spec.families[fam]
            rows = d.latest[:, CODE[analyte]].copy()
            has = rows >= 0
            has[has] = _family_codes(c, rows[has]) == fam
            rows[~has] = -1
            suffix = "" if fam == 0 else str(fam + 1)
            params.append(
                {
                    "PARAMCD": PARAMCD[analyte] + suffix,
                    "PARAM": f"{spec.label} ({family.canonical_unit})",
                    "unit": family.canonical_unit,
                    "rows": rows,
                    "value": take(c.lab_canonical, rows),
                    "type": "",
                }
            )
        params.append(
            {
                "PARAMCD": "EGFR",
                "PARAM": "eGFR, CKD-EPI 2021 creatinine (mL/min/1.73m2)",
                "unit": "mL/min/1.73m2",
                "rows": np.full(c.n_visits, -1),
                "value": d.egfr_measure(),
                "type": "DERIVED",
            }
        )
        params.append(
            {
                "PARAMCD": "SLEDAI",
                "PARAM": "SLEDAI-2K score (points; complete scores only)",
                "unit": "points",
                "rows": np.full(c.n_visits, -1),
                "value": d.sledai,
                "type": "DERIVED",
            }
        )
        return params

    def _adlb(self) -> Table:
        c = self.cohort
        parts: dict[str, list[npt.NDArray[Any]]] = {k: [] for k in ADLB_LABELS}
        day = c.visit_day
        for p in self._parameters():
            value: Floats = p["value"]
            has = ~np.isnan(value)
            base_v = baseline_visit(c, has)
            base = take(value, base_v)
            visits = np.flatnonzero(has)
            vp = c.visit_participant[visits]
            avisit = np.full(len(visits), "", dtype=object)
            avisitn = np.full(len(visits), np.nan)
            anl = np.full(len(visits), "", dtype=object)
            is_base = base_v[vp] == visits
            avisit[is_base] = "Baseline"
            avisitn[is_base] = 0.0
            anl[is_base] = "Y"
            where = np.full(c.n_visits, -1, dtype=np.int64)
            where[visits] = np.arange(len(visits))
            for tp in c.schedule:
                chosen = timepoint_visit(
                    c, tp, has, use_unscheduled=self.use_unscheduled
                )
                hit = where[chosen[chosen >= 0]]
                avisit[hit] = tp.label
                avisitn[hit] = float(tp.day)
                anl[hit] = "Y"
            b = base[vp]
            post = (day[visits] > 0) & ~np.isnan(b)
            aval = value[visits]
            chg = np.where(post, aval - b, np.nan)
            with np.errstate(divide="ignore", invalid="ignore"):
                pchg = np.where(post & (b != 0), 100.0 * chg / b, np.nan)
            rows = p["rows"][visits]
            lo = np.full(len(visits), np.nan)
            hi = np.full(len(visits), np.nan)
            lab = rows >= 0
            lo[lab] = c.lab_reference_low_canonical[rows[lab]]
            hi[lab] = c.lab_reference_high_canonical[rows[lab]]
            ind = np.full(len(visits), "", dtype=object)
            ranged = ~np.isnan(lo) | ~np.isnan(hi)
            low = ~np.isnan(lo) & (aval < lo)
            high = ~np.isnan(hi) & (aval > hi)
            ind[ranged] = "NORMAL"
            ind[low] = "LOW"
            ind[high] = "HIGH"
            n = len(visits)
            parts["USUBJID"].append(c.participant_id[vp])
            parts["TRT01P"].append(c.arm[vp])
            parts["PARAMCD"].append(np.full(n, p["PARAMCD"], dtype=object))
            parts["PARAM"].append(np.full(n, p["PARAM"], dtype=object))
            parts["PARAMTYP"].append(np.full(n, p["type"], dtype=object))
            parts["AVAL"].append(aval)
            parts["AVALU"].append(np.full(n, p["unit"], dtype=object))
            parts["ADT"].append(c.visit_date[visits])
            parts["ADY"].append(_cdisc_day(day[visits]))
            parts["DAY"].append(day[visits])
            parts["VISIT"].append(c.visit_label[visits])
            parts["AVISIT"].append(avisit)
            parts["AVISITN"].append(avisitn)
            parts["ANL01FL"].append(anl)
            parts["ABLFL"].append(np.where(is_base, "Y", "").astype(object))
            parts["BASE"].append(b)
            parts["CHG"].append(chg)
            parts["PCHG"].append(pchg)
            parts["ANRLO"].append(lo)
            parts["ANRHI"].append(hi)
            parts["ANRIND"].append(ind)
            parts["DTYPE"].append(np.full(n, p["type"], dtype=object))
            parts["SRCROW"].append(take(c.lab_source_row, rows, -1))
        columns = {k: np.concatenate(v) if v else np.zeros(0) for k, v in parts.items()}
        order = np.lexsort(
            (
                columns["DAY"],
                columns["PARAMCD"].astype(str),
                columns["USUBJID"].astype(str),
            )
        )
        return Table(
            {k: v[order] for k, v in columns.items()}, labels=ADLB_LABELS, name="adlb"
        )

    # --- ADRS -----------------------------------------------------------------

    @property
    def adrs(self) -> Table:
        """Response analysis: one row per participant, parameter and timepoint."""
        return cast(Table, self._cached("adrs", self._adrs))

    def _adrs(self) -> Table:
        c, d = self.cohort, self._derived
        r = d.renal
        n = c.n_participants
        what = "CRR" if self._complete else "RR"
        name = (
            f"Complete renal response ({self.definition.id})"
            if self._complete
            else f"Renal response, any tier ({self.definition.id})"
        )
        crit_names = list(r.criteria)
        # the assessment of each (participant, day)
        a_part = c.visit_participant[r.visit]
        a_day = c.visit_day[r.visit]
        span = np.int64(1 << 32)
        a_key = a_part * span + a_day
        assessed = self._assessed()
        blocks: list[tuple[str, str, Timepoint, Result]] = []
        for tp in c.schedule:
            got = status_at_codes(assessed, tp)
            blocks.append((what, name, tp, got))
        by_tp = c.timepoint(self.achieve_by)
        end_tp = c.timepoint(self.maintain_through)
        got = achieve_and_maintain_codes(
            assessed,
            by_day=min(by_tp.last_day, end_tp.day),
            through=end_tp,
        )
        blocks.append(
            (
                what + "SUS",
                f"{name} achieved by {by_tp.label} and maintained through "
                f"{end_tp.label}",
                end_tp,
                got,
            )
        )
        parts: dict[str, list[npt.NDArray[Any]]] = {
            k: []
            for k in [*ADRS_LABELS, *(f"CRIT{i + 1}" for i in range(len(crit_names)))]
        }
        for i in range(len(crit_names)):
            parts[f"CRIT{i + 1}FL"] = []
        labels = dict(ADRS_LABELS)
        for i, cname in enumerate(crit_names):
            labels[f"CRIT{i + 1}"] = f"Criterion {i + 1}: {cname}"
            labels[f"CRIT{i + 1}FL"] = f"Criterion {i + 1} Met (Y / N / blank: NE)"
        people = np.arange(n)
        unmeasured = self._unmeasured or unmeasured_arms(
            d, use_unscheduled=self.use_unscheduled
        )
        for code, label, tp, given in blocks:
            res = given
            if unmeasured.reasons:
                hit = unmeasured.participants
                why = np.array(
                    [unmeasured.reasons.get(a, "") for a in c.arm.tolist()],
                    dtype=object,
                )
                res = Result(
                    status=np.where(hit, NOT_EVALUABLE, res.status).astype(np.int8),
                    imputed=res.imputed & ~hit,
                    day=np.where(hit, -1, res.day),
                    end_day=np.where(hit, -1, res.end_day),
                    reason=np.where(hit, why, res.reason).astype(object),
                    intercurrent=None
                    if res.intercurrent is None
                    else res.intercurrent & ~hit,
                )
            end = res.end_day
            found = np.searchsorted(a_key, people * span + end)
            found = np.minimum(found, max(len(a_key) - 1, 0))
            has = (end >= 0) & (len(a_key) > 0)
            if len(a_key):
                has &= a_key[found] == people * span + end
            adt = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            adt[has] = c.visit_date[r.visit[found[has]]]
            dayv = np.where(has, end, -(10**9))
            parts["USUBJID"].append(c.participant_id)
            parts["TRT01P"].append(c.arm)
            parts["PARAMCD"].append(np.full(n, code, dtype=object))
            parts["PARAM"].append(np.full(n, label, dtype=object))
            parts["AVISIT"].append(np.full(n, tp.label, dtype=object))
            parts["AVISITN"].append(np.full(n, tp.day, dtype=np.int64))
            parts["ADT"].append(adt)
            parts["ADY"].append(np.where(has, _cdisc_day(dayv), np.nan))
            parts["DAY"].append(np.where(has, dayv, np.nan))
            parts["AVALC"].append(_YN[res.status])
            reason = res.reason.copy()
            reason[res.status != NOT_EVALUABLE] = None
            parts["NEREAS"].append(reason)
            parts["IMPUTFL"].append(
                np.where(res.imputed & (res.status == NOT_MET), "Y", "").astype(object)
            )
            ice = (
                np.zeros(n, dtype=bool)
                if res.intercurrent is None
                else res.intercurrent & (res.status == NOT_MET)
            )
            parts["ICEFL"].append(np.where(ice, "Y", "").astype(object))
            parts["ONSETDY"].append(np.where(res.day >= 0, res.day, np.nan))
            parts["DEFID"].append(np.full(n, self.definition.id, dtype=object))
            parts["DEFVER"].append(np.full(n, self.definition.version, dtype=object))
            parts["POLICY"].append(np.full(n, self.policy.value, dtype=object))
            parts["ICESTRAT"].append(
                np.full(n, self.strategies.compact(), dtype=object)
            )
            for i, cname in enumerate(crit_names):
                codes = r.criteria[cname]
                flag = np.full(n, "", dtype=object)
                flag[has] = _FLAG[codes[found[has]]]
                parts[f"CRIT{i + 1}"].append(np.full(n, cname, dtype=object))
                parts[f"CRIT{i + 1}FL"].append(flag)
        columns = {k: np.concatenate(v) for k, v in parts.items()}
        return Table(columns, labels=labels, name="adrs")

    # --- ADTTE ----------------------------------------------------------------

    @property
    def adtte(self) -> Table:
        """Time to event: first complete response, ESKD and death."""
        return cast(Table, self._cached("adtte", self._adtte))

    def _adtte(self) -> Table:
        c, d = self.cohort, self._derived
        n = c.n_participants
        r = d.renal
        what = "complete renal response" if self._complete else "renal response"
        specs: list[tuple[str, str, Any, str]] = []
        day, event, desc = first_met_times(
            n,
            participant=c.visit_participant[r.visit],
            day=c.visit_day[r.visit],
            status=r.status,
            unscheduled=c.visit_unscheduled[r.visit],
            use_unscheduled=self.use_unscheduled,
            events=d.events,
            censor_on=DEFAULT_CENSORING,
        )
        specs.append(
            (
                "TTCRR" if self._complete else "TTRR",
                f"Time to first {what} ({self.definition.id}) (days)",
                (day, event, desc),
                "ADRS",
            )
        )
        for code, label, hits, censor, source in (
            (
                "TTESKD",
                "Time to ESKD: chronic dialysis or transplant (days)",
                ESKD_EVENTS,
                DEFAULT_CENSORING,
                "DS",
            ),
            (
                "TTDEATH",
                "Time to death (days)",
                frozenset({EventType.DEATH}),
                frozenset(),
                "DS",
            ),
        ):
            got = first_event_times(
                n,
                d.events,
                event_types=hits,
                censor_on=censor,
                last_day=d.last_contact,
            )
            specs.append((code, label, got, source))
        parts: dict[str, list[npt.NDArray[Any]]] = {k: [] for k in ADTTE_LABELS}
        everyone = np.arange(n)
        origin = np.zeros(n, dtype=np.int64)
        for code, label, (day, event, desc), source in specs:
            self._tte_rows(
                parts, everyone, origin, code, label, day, event, desc, source
            )
        if self.flare_definition is not None:
            self._flare_rows(parts)
        columns = {k: np.concatenate(v) for k, v in parts.items()}
        return Table(columns, labels=ADTTE_LABELS, name="adtte")

    def _tte_rows(  # noqa: PLR0917 - one ADTTE parameter's columns
        self,
        parts: dict[str, list[npt.NDArray[Any]]],
        who: Ints,
        origin: Ints,
        code: str,
        label: str,
        day: Ints,
        event: npt.NDArray[np.bool_],
        desc: npt.NDArray[np.object_],
        source: str,
    ) -> None:
        """Append one parameter's rows (participants *who*, time from *origin*)."""
        c = self.cohort
        m = len(who)
        start = c.day0[who] + origin.astype("timedelta64[D]")
        parts["USUBJID"].append(c.participant_id[who])
        parts["TRT01P"].append(c.arm[who])
        parts["PARAMCD"].append(np.full(m, code, dtype=object))
        parts["PARAM"].append(np.full(m, label, dtype=object))
        parts["STARTDT"].append(start)
        parts["ADT"].append(c.day0[who] + day.astype("timedelta64[D]"))
        parts["AVAL"].append(np.maximum(day - origin, 0).astype(np.float64))
        parts["CNSR"].append(np.where(event, 0, 1).astype(np.int64))
        parts["EVNTDESC"].append(desc)
        parts["SRCDOM"].append(np.where(event, source, "").astype(object))

    def _flare_rows(self, parts: dict[str, list[npt.NDArray[Any]]]) -> None:
        """TTFLARE: time to the first renal flare against the chosen reference.

        ``flare_reference="response"``: from the first assessment at which the
        renal response (the analysis' definition, complete tier) is met; only
        participants who responded are at risk (the others have no row).
        ``"baseline"``: from study day 0 against the baseline visit. Visits
        after the reference (scheduled ones unless ``use_unscheduled``) are
        assessed; death and withdrawal censor; without a flare, follow-up
        ends at the last visit whose flare status is evaluable.
        """
        c, d = self.cohort, self._derived
        fd = self.flare_definition
        assert fd is not None
        n = c.n_participants
        day = c.visit_day
        usable = self.use_unscheduled | ~c.visit_unscheduled
        if self.flare_reference == "baseline":
            ref = d.base
            origin = np.zeros(n, dtype=np.int64)
        else:
            r = d.renal
            a_day = c.visit_day[r.visit]
            ok = (r.status == MET) & usable[r.visit]
            ref = np.full(n, -1, dtype=np.int64)
            rows = np.flatnonzero(ok)[::-1]  # the first met assessment wins
            ref[c.visit_participant[r.visit[rows]]] = r.visit[rows]
            origin = np.where(ref >= 0, take(day, ref, 0), 0).astype(np.int64)
            del a_day
        at_risk = ref[c.visit_participant] >= 0
        ref_day = take(day, ref[c.visit_participant], 0)
        after = np.where(self.flare_reference == "baseline", day > 0, day > ref_day)
        visits = np.flatnonzero(at_risk & after & usable)
        status = flare_status(
            c,
            fd,
            latest=d.latest,
            visit=visits,
            reference=ref[c.visit_participant[visits]],
        )
        seg = c.visit_participant[visits]
        evaluable = status != NOT_EVALUABLE
        follow = origin.copy()
        np.maximum.at(follow, seg[evaluable], day[visits][evaluable])
        met = status == MET
        out = time_to_first_segments(
            n,
            met_seg=seg[met],
            met_day=day[visits][met],
            event_seg=d.events.participant,
            event_day=d.events.day,
            event_type=d.events.type,
            event_types=frozenset(),
            censor_on=DEFAULT_CENSORING,
            last_day=follow,
        )
        who = np.flatnonzero(ref >= 0)
        reason = np.array(
            [
                text.replace(
                    "event: met on day", f"event: renal flare ({fd.id}) on day"
                )
                for text in out.reason[who].tolist()
            ],
            dtype=object,
        )
        after_what = (
            f"after {self.definition.id} response"
            if self.flare_reference == "response"
            else "from day 0, against baseline"
        )
        self._tte_rows(
            parts,
            who,
            origin[who],
            "TTFLARE",
            f"Time to first renal flare ({fd.id}; {after_what}) (days)",
            out.day[who],
            out.event[who],
            reason,
            "ADLB",
        )


def _with_not_analysed(columns: dict[str, Any], left_out: Cohort | None) -> Table:
    """ADSL with a row (``ITTFL`` ``N``) per participant outside the population.

    They have no day 0, so nothing after DM is derived for them: dates, age,
    height, last contact day and end-of-study status are missing (as
    admiral leaves ``EOSSTT`` of a screen failure missing). ``LSTCNTDY``
    becomes a float column to hold them.
    """
    if left_out is None:
        return Table(columns, labels=ADSL_LABELS, name="adsl")
    m = left_out.n_participants
    sex = np.array([{"female": "F", "male": "M"}.get(str(x)) for x in left_out.sex])
    extra: dict[str, Any] = {
        "USUBJID": left_out.participant_id,
        "TRT01P": left_out.arm,
        "SEX": sex.astype(object),
        "BRTHDT": left_out.birth_date,
        "AGEU": np.full(m, "YEARS", dtype=object),
        "ITTFL": np.full(m, "N", dtype=object),
    }
    out: dict[str, Any] = {}
    for name, given in columns.items():
        col = np.asarray(given)
        if name == "LSTCNTDY":
            col = col.astype(np.float64)
        if name in extra:
            add = np.asarray(extra[name])
        elif col.dtype.kind == "M":
            add = np.full(m, np.datetime64("NaT"), dtype=col.dtype)
        elif col.dtype.kind == "f":
            add = np.full(m, np.nan)
        elif name == "STUDYID":
            add = np.full(m, col[0] if len(col) else left_out.name, dtype=object)
        else:
            add = np.full(m, "", dtype=object)
        out[name] = np.concatenate([col.astype(add.dtype, copy=False), add])
    order = np.argsort(out["USUBJID"].astype(str), kind="stable")
    return Table({k: v[order] for k, v in out.items()}, labels=ADSL_LABELS, name="adsl")


def _whole_years(
    born: npt.NDArray[np.datetime64], on: npt.NDArray[np.datetime64]
) -> Floats:
    """Calendar age in whole years on *on* (the birthday counts that day)."""
    by, bm, bd = _ymd(born)
    oy, om, od = _ymd(on)
    before_birthday = (om < bm) | ((om == bm) & (od < bd))
    years = (oy - by - before_birthday).astype(np.float64)
    return np.where(np.isnat(born) | np.isnat(on), np.nan, years)


def _ymd(days: npt.NDArray[np.datetime64]) -> tuple[Ints, Ints, Ints]:
    """Year, month and day of each date (NaT gives 0s; callers mask it)."""
    safe = np.where(np.isnat(days), np.datetime64("1970-01-01"), days)
    year = safe.astype("datetime64[Y]").astype(np.int64) + 1970
    month = safe.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (safe - safe.astype("datetime64[M]")).astype(np.int64) + 1
    return year, month, day


def _family_codes(c: Cohort, rows: Ints | None = None) -> Ints:
    """Index of each lab row's unit family among its analyte's families."""
    idx = slice(None) if rows is None else rows
    analytes = c.lab_analyte[idx].astype(np.int64)
    names, inverse = np.unique(c.lab_family[idx].astype(str), return_inverse=True)
    table = np.full((len(ANALYTE_CODES), max(len(names), 1)), -1, dtype=np.int64)
    for code, a in enumerate(ANALYTE_CODES):
        for k, fam in enumerate(ANALYTES[a].families):
            hit = np.flatnonzero(names == fam.name)
            if len(hit):
                table[code, hit[0]] = k
    return table[analytes, inverse.reshape(-1)] if len(analytes) else analytes


def analyse(
    data: Trial | Cohort,
    *,
    definition: str | os.PathLike[str] | RenalResponseDefinition = DEFAULT_DEFINITION,
    achieve_by: str = DEFAULT_ACHIEVE_BY,
    maintain_through: str = DEFAULT_MAINTAIN_THROUGH,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    ci_method: CiMethod | str = CiMethod.WILSON,
    use_unscheduled: bool = False,
    flare_definition: str | RenalFlareDefinition | None = None,
    flare_reference: str = "response",
    progress: Callable[[int, int], None] | None = None,
    strategies: Strategies | Mapping[str, str] | None = None,
) -> Analysis:
    """Analyse a trial or cohort: ADaM-shaped tables and the outcome table.

    Parameters
    ----------
    data : Trial or Cohort
        The trial (laid out with :meth:`Cohort.from_trial`) or a cohort.
    definition : str, os.PathLike or RenalResponseDefinition
        Renal response definition: a shipped id (default ``"kdigo-2024"``), a
        path to a protocol definition file, or a definition.
    achieve_by, maintain_through : str
        Schedule labels of the primary outcome.
    policy : MissingPolicy or str
        Missing-visit policy (default non-responder imputation).
    ci_method : CiMethod or str
        ``"wilson"`` (default) or ``"exact"``.
    use_unscheduled : bool
        Whether unscheduled visits may stand for a timepoint.
    flare_definition : str, RenalFlareDefinition or None
        Renal flare definition of ``adtte``'s ``TTFLARE`` (a flare id such as
        ``"kdigo-2012"``, ``"aurora-2"``, ``"upcr-doubling"``); None (default)
        leaves TTFLARE out. There is no default on purpose: a flare status is
        not evaluable where the definition needs data the cohort lacks
        (KDIGO 2012's mild grade needs acanthocytes, which routine tables
        rarely carry), and such visits never extend follow-up, so the right
        definition depends on what the trial recorded.
    progress : callable, optional
        Called as ``progress(done, total)`` (out of the number of
        participants) as the engine's passes complete.
    flare_reference : {"response", "baseline"}
        What a flare is measured against: ``"response"`` (default) the values
        at the first assessment meeting the renal response definition, time
        counted from it, responders only; ``"baseline"`` the baseline visit,
        time from day 0, everyone. A protocol choice the definitions leave
        open ("pre-flare or post-response value"), so it is named here.
    strategies : mapping or Strategies, optional
        The strategy (ICH E9(R1)) for each intercurrent event of the renal
        response rows: keys ``rescue``, ``discontinuation``, ``eskd``,
        ``death``, ``withdrawal``; values ``composite`` (default for every
        event: the event on or before the timepoint is non-response),
        ``treatment_policy``, ``while_on_treatment`` or ``hypothetical``.
        Events left out stay composite; death under treatment policy or
        hypothetical is refused. See ``docs/estimands.md``.

    Returns
    -------
    Analysis
        With ``adsl``, ``adlb``, ``adrs``, ``adtte`` and :meth:`Analysis.outcome_table`.
        Participants without a day 0 (SDTM screen failures) are split off
        first (:func:`~lupusscore.cohort.analysis_population`): they are in
        ``Analysis.not_analysed``, ADSL (``ITTFL`` ``N``) and a note of the
        outcome table, and in nothing else.

    Raises
    ------
    InvalidValueError
        Not a Trial or Cohort, an unknown definition, policy, CI method,
        timepoint label, intercurrent event or strategy, a refused strategy,
        no schedule, or no participant.

    Examples
    --------
    >>> import lupusscore as ls
    >>> from lupusscore.cli import load_example_trial
    >>> a = ls.analyse(load_example_trial())
    >>> a.outcome_table() == ls.build_outcome_table(load_example_trial())
    True
    >>> a.adsl["USUBJID"][:2].tolist(), a.adsl["TRT01P"][0]
    (['SYN-001', 'SYN-002'], 'MSC infusion')
    >>> b = ls.analyse(load_example_trial(), strategies={"rescue": "hypothetical"})
    >>> b.estimand.strategies.rescue
    <Strategy.HYPOTHETICAL: 'hypothetical'>
    """
    if isinstance(data, Trial):
        cohort = Cohort.from_trial(data)
    elif isinstance(data, Cohort):
        cohort = data
    else:
        raise InvalidValueError(
            field="data", value=describe(data), expected="a Trial or a Cohort"
        )
    cohort, not_analysed = analysis_population(cohort)
    chosen = resolve_table_definition(definition)
    how = cast(MissingPolicy, as_choice("policy", policy, MissingPolicy))
    ci = cast(CiMethod, as_choice("ci_method", ci_method, CiMethod))
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    chosen_strategies = resolve_strategies(strategies)
    check_plan(cohort, achieve_by, maintain_through)
    flare = (
        None if flare_definition is None else resolve_flare_definition(flare_definition)
    )
    reference = cast(
        str, as_choice("flare_reference", flare_reference, FLARE_REFERENCES)
    )
    if progress is not None:
        check_callable("progress", progress)
    derived = derive(
        cohort, chosen, include_partial=chosen.complete is None, progress=progress
    )
    return Analysis(
        cohort=cohort,
        definition=chosen,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        policy=how,
        ci_method=ci,
        use_unscheduled=use_unscheduled,
        _derived=derived,
        flare_definition=flare,
        flare_reference=reference,
        not_analysed=not_analysed,
        strategies=chosen_strategies,
    )
