"""The threshold engine: a pure function from rules and complaints to an explained decision.

No database, no clock, no I/O: ``evaluate(rules, complaints, application_date, factors)``
takes the procedure's ``threshold`` section (a dict, as validated by
``thresholds.rules.validate_section``), a list of ``Complaint`` and the application date,
and returns a ``Decision`` whose ``explanation()`` is JSON-ready. The same function is
used on a case, by ``manage.py evaluate_threshold`` and by the detection job, so there is
one definition of every rule. ``docs/thresholds.md`` explains each rule with examples.

Boundaries (all inclusive, see docs/thresholds.md):
- a window of W months ending on the application date A covers A minus W calendar months
  (day clamped to the month's end) up to A, both days included;
- a report lag of D days allows the report on day D after the incident (day 0 is the
  incident date); a lag of one calendar month allows the same day number next month,
  clamped (31 August -> 30 September).

Modules: ``dates`` (calendar months and periods in words), ``model`` (the complaint, a
route's result, the decision, duplicates counted once), ``route``
(one route evaluated, with a reason for every complaint) and ``decision`` (discretion,
the senior manager's route, the whole decision and its paragraph). No module imports a
later one, and none imports Django (``lint-imports`` checks both).
"""

from thresholds.engine.dates import (  # noqa: F401
    DIARY_SHEET,
    DISCRETIONARY_FACTORS,
    KIND_LABELS,
    REPORT,
    add_months,
    describe_period,
    plural,
    shift,
)
from thresholds.engine.decision import (  # noqa: F401
    evaluate,
    reasons_paragraph,
)
from thresholds.engine.model import (  # noqa: F401
    Complaint,
    Decision,
    RouteResult,
    incident_groups,
    possible_duplicates,
    primary_route,
)
from thresholds.engine.route import (  # noqa: F401
    GROUP_PARTS,
    evaluate_route,
    has_location,
    location_components,
    norm_address,
    norm_postcode,
)
from thresholds.route_fields import (  # noqa: F401 (re-exported: the engine's vocabulary)
    ALL_OF,
    COMMUNITY,
    COMPLAINTS_IN_WINDOW,
    NEEDED_FIELD,
    ROUTE_FIELDS,
    ROUTE_KINDS,
    RouteField,
    setting,
)
