"""The ``timescales`` and ``action_escalation`` procedure sections: validation and reading.

Pure functions, no database. The shape is documented in docs/deadlines.md:

    timescales:
      <step>: {amount: 3, unit: working_days, starts: received, ends: acknowledged,
               responsible: administering_body, rule: "CR1 within 3 working days"}

    action_escalation:
      - {after: {amount: 0, unit: days}, to: owner}
      - {after: {amount: 3, unit: weeks}, to: line_manager}
"""

from dataclasses import dataclass

from asbcr.calendar import UNITS
from deadlines.constants import LadderRung, Responsible

EVENTS = {
    # case workflow (recorded by the after_transition hook)
    "received_by_partner": "A relevant body other than the administering body received it",
    "received": "Application received by the administering body",
    "acknowledged": "Acknowledgement (CR1) sent",
    "gathering_started": "Relevant bodies notified and asked for their responses (CR5)",
    "agency_responses_in": "Every relevant body's response is in",
    "officer_allocated": "Case officer allocated",
    "threshold_met": "Threshold decided: met",
    "threshold_not_met": "Threshold decided: not met",
    "threshold_decided": "Threshold decision sent to the applicant (CR3 or CR4 letter)",
    "decision_letter_sent": "Threshold decision letter (CR3/CR4) or outcome letter sent",
    "victim_contacted": "Victim contacted after the threshold-met letter",
    "panel_arranged": "Panel meeting arranged",
    "panel_held": "Panel meeting held",
    "minutes_circulated": "Minutes and action plan circulated to members",
    "outcome_sent": "Outcome sent to the applicant",
    "monitoring_started": "Monitoring of actions started",
    "withdrawn": "Case withdrawn",
    "withdrawal_letter_sent": "Withdrawal letter sent",
    "referred_back": "Referred back as out of scope",
    "closed": "Case closed",
    "reopened": "Case reopened after an appeal",
    "appeal_lodged": "Appeal or escalation lodged",
    "appeal_decided": "Appeal or escalation decided (its outcome sent)",
    "appeal_window_closed": "Appeal window closed (or an appeal was lodged)",
    "escalation_update_sent": "Update sent on an escalation",
    "impact_statement_received": "Impact statement received",
}
"""The event vocabulary timescales start and end on (docs/deadlines.md)."""


@dataclass(frozen=True)
class Timescale:
    step: str
    amount: int
    unit: str
    starts: str
    ends: str
    responsible: str
    rule: str


@dataclass(frozen=True)
class Rung:
    index: int
    amount: int
    unit: str
    to: str


def _error(path: str, message: str):
    from partnerships.procedure_schema import ProcedureError

    return ProcedureError(path, message)


def _validate_period(value, path: str, *, allow_zero: bool) -> list:
    from partnerships.procedure_schema import period_errors

    return period_errors(value, path, units=UNITS, minimum=0 if allow_zero else 1)


def validate_section(value, path: str) -> list:
    """Check the ``timescales`` section; every error names the field at fault."""
    if not isinstance(value, dict):
        return [_error(path, "Timescales must be a mapping of step name to timescale.")]
    errors = []
    for step, spec in value.items():
        here = f"{path}.{step}"
        if not isinstance(step, str) or not step.replace("_", "").isalnum():
            errors.append(_error(here, "Name steps with letters, digits and underscores."))
            continue
        if not isinstance(spec, dict):
            errors.append(_error(here, "Each timescale is a mapping with amount, unit, starts..."))
            continue
        errors.extend(_validate_period(spec, here, allow_zero=False))
        for field in ("starts", "ends"):
            event = spec.get(field)
            if event not in EVENTS:
                errors.append(
                    _error(f"{here}.{field}", f"Unknown event {event!r}; see docs/deadlines.md.")
                )
        if spec.get("starts") is not None and spec.get("starts") == spec.get("ends"):
            errors.append(
                _error(f"{here}.ends", "A timescale cannot end on the event that starts it.")
            )
        if spec.get("responsible", Responsible.ADMINISTERING_BODY) not in Responsible.values:
            errors.append(
                _error(f"{here}.responsible", f"Use one of: {', '.join(Responsible.values)}.")
            )
        if not isinstance(spec.get("rule", ""), str) or not spec.get("rule", "").strip():
            errors.append(_error(f"{here}.rule", "Give the rule in the procedure's own words."))
        unknown = set(spec) - {"amount", "unit", "starts", "ends", "responsible", "rule"}
        for field in sorted(unknown):
            errors.append(_error(f"{here}.{field}", "Unknown field."))
    return errors


def validate_ladder(value, path: str) -> list:
    """Check ``action_escalation``: rungs in order of time, each climbing to a known level."""
    if not isinstance(value, list) or not value:
        return [_error(path, "The escalation ladder is a list of rungs, owner first.")]
    errors = []
    previous = None
    for index, rung in enumerate(value):
        here = f"{path}[{index}]"
        if not isinstance(rung, dict):
            errors.append(_error(here, "Each rung is a mapping with after and to."))
            continue
        after = rung.get("after")
        if not isinstance(after, dict):
            errors.append(_error(f"{here}.after", "Say how long after the due date."))
        else:
            errors.extend(_validate_period(after, f"{here}.after", allow_zero=True))
            if after.get("unit") == "working_days":
                errors.append(_error(f"{here}.after.unit", "Use days, weeks or months."))
        if rung.get("to") not in LadderRung.values:
            errors.append(_error(f"{here}.to", f"Use one of: {', '.join(LadderRung.values)}."))
        if isinstance(after, dict) and previous is not None and _approx_days(after) <= previous:
            errors.append(_error(f"{here}.after", "Each rung must come later than the one before."))
        if isinstance(after, dict) and isinstance(after.get("amount"), int):
            previous = _approx_days(after)
    return errors


def _approx_days(after: dict) -> int:
    per = {"days": 1, "working_days": 1, "weeks": 7, "months": 30}
    return int(after.get("amount") or 0) * per.get(after.get("unit"), 1)


def timescales(data: dict) -> list[Timescale]:
    """A procedure's timescales, in the order the procedure lists them."""
    return [
        Timescale(
            step=step,
            amount=spec["amount"],
            unit=spec["unit"],
            starts=spec["starts"],
            ends=spec["ends"],
            responsible=spec.get("responsible", Responsible.ADMINISTERING_BODY),
            rule=spec.get("rule", step.replace("_", " ").capitalize()),
        )
        for step, spec in (data.get("timescales") or {}).items()
    ]


def ladder(data: dict) -> list[Rung]:
    return [
        Rung(index=i, amount=r["after"]["amount"], unit=r["after"]["unit"], to=r["to"])
        for i, r in enumerate(data.get("action_escalation") or [])
    ]
