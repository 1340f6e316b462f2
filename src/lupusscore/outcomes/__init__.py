"""Trial outcomes over time: windows, longitudinal rules, time to event, cohorts.

Layer 4 of the design. The rules work on tri-state per-visit statuses
(:class:`Assessment`), so any response definition can feed them; participant
helpers turn dated visits into study days; cohort helpers aggregate by arm with
confidence intervals. See ``docs/outcomes.md`` for every convention.

- Windows: :func:`study_day`, :func:`select_nearest` (nearest visit in
  ``target +/- window``, earlier on ties).
- Rules: :func:`status_at`, :func:`first_response`,
  :func:`achieve_and_maintain`, :func:`confirmed_response`, with a
  :class:`MissingPolicy` (non-responder imputation by default).
- Time to event: :func:`time_to_first`, :func:`time_to_death`,
  :func:`time_to_eskd`, :func:`time_to_creatinine_doubling`.
- Statistics: :func:`wilson_interval`, :func:`clopper_pearson_interval`,
  :func:`proportion`, :func:`kaplan_meier`, :func:`summarize`.
- Cohorts: :func:`by_arm`, :func:`responder_proportion`,
  :func:`kaplan_meier_of`.
- Participant values: :func:`baseline_observation` and
  :func:`observation_at` return an :class:`Observation` (value, unit, date,
  study day, visit and lab); :func:`visit_egfrs`,
  :func:`renal_response_assessments`.
- Estimands (ICH E9(R1)): :class:`Estimand`, :class:`Strategies` (a
  :class:`Strategy` per :class:`IntercurrentEvent`), :func:`resolve_strategies`.
- The trial table: :func:`build_outcome_table` derives an
  :class:`OutcomeTable` (rendered by :func:`lupusscore.render`).
"""

from lupusscore.models import Timepoint
from lupusscore.outcomes._cohort import (
    ResponderCount,
    by_arm,
    kaplan_meier_of,
    responder_proportion,
)
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import (
    DEFAULT_INTERCURRENT,
    Assessment,
    DatedEvent,
    LongitudinalResult,
    MissingPolicy,
    achieve_and_maintain,
    confirmed_response,
    first_response,
    status_at,
)
from lupusscore.outcomes._renal import (
    renal_response_assessments,
    visit_egfr,
    visit_egfrs,
)
from lupusscore.outcomes._stats import (
    CiMethod,
    KaplanMeier,
    Proportion,
    Summary,
    SurvivalCi,
    SurvivalPoint,
    clopper_pearson_interval,
    kaplan_meier,
    proportion,
    summarize,
    wilson_interval,
)
from lupusscore.outcomes._strategies import (
    IntercurrentEvent,
    Strategies,
    Strategy,
    resolve_strategies,
)
from lupusscore.outcomes._table import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    ArmSize,
    ComparisonRow,
    OutcomeRow,
    OutcomeTable,
    build_outcome_table,
    resolve_table_definition,
)
from lupusscore.outcomes._trial import (
    Measure,
    Observation,
    baseline_lab,
    baseline_observation,
    baseline_value,
    baseline_visit,
    lab_at,
    last_contact_day,
    observation_at,
    participant_events,
    value_at,
    visit_day,
)
from lupusscore.outcomes._tte import (
    CREATININE_DOUBLING_FACTOR,
    DEFAULT_CENSORING,
    ESKD_EVENTS,
    TimeToEvent,
    time_to_creatinine_doubling,
    time_to_death,
    time_to_eskd,
    time_to_first,
)
from lupusscore.outcomes._windows import select_nearest, study_day

__all__ = [
    "CREATININE_DOUBLING_FACTOR",
    "DEFAULT_ACHIEVE_BY",
    "DEFAULT_CENSORING",
    "DEFAULT_DEFINITION",
    "DEFAULT_INTERCURRENT",
    "DEFAULT_MAINTAIN_THROUGH",
    "ESKD_EVENTS",
    "ArmSize",
    "Assessment",
    "CiMethod",
    "ComparisonRow",
    "DatedEvent",
    "Estimand",
    "IntercurrentEvent",
    "KaplanMeier",
    "LongitudinalResult",
    "Measure",
    "MissingPolicy",
    "Observation",
    "OutcomeRow",
    "OutcomeTable",
    "Proportion",
    "ResponderCount",
    "Strategies",
    "Strategy",
    "Summary",
    "SurvivalCi",
    "SurvivalPoint",
    "TimeToEvent",
    "Timepoint",
    "achieve_and_maintain",
    "baseline_lab",
    "baseline_observation",
    "baseline_value",
    "baseline_visit",
    "build_outcome_table",
    "by_arm",
    "clopper_pearson_interval",
    "confirmed_response",
    "first_response",
    "kaplan_meier",
    "kaplan_meier_of",
    "lab_at",
    "last_contact_day",
    "observation_at",
    "participant_events",
    "proportion",
    "renal_response_assessments",
    "resolve_strategies",
    "resolve_table_definition",
    "responder_proportion",
    "select_nearest",
    "status_at",
    "study_day",
    "summarize",
    "time_to_creatinine_doubling",
    "time_to_death",
    "time_to_eskd",
    "time_to_first",
    "value_at",
    "visit_day",
    "visit_egfr",
    "visit_egfrs",
    "wilson_interval",
]
