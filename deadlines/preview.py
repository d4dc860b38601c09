"""Every step's due date for a procedure and a receipt date, for admins checking a procedure.

Pure apart from the calendar: each step starts on its event's date; an event that ends
another step is assumed to happen on that step's due date (the latest it may), and the
events that follow a decision are assumed to happen with it. An event on a case's usual
path that no step ends (a panel meeting with no target of its own) is assumed on the
latest date of the events before it on that path, so the later steps are dated in the
order they happen: the outcome is never before the threshold decision. Steps whose
starting event is off that path (a withdrawal) are dated from receipt, and say so.
"""

import datetime as dt

from asbcr.calendar import WorkingCalendar
from deadlines import rules

SAME_DAY_AS = {
    # event: the events it is assumed to happen with, first match wins
    "threshold_met": ("threshold_decided",),
    "threshold_not_met": ("threshold_decided",),
    "threshold_decided": ("threshold_met", "threshold_not_met"),
    "decision_letter_sent": ("threshold_decided", "threshold_met"),
    "gathering_started": ("acknowledged",),
    "panel_arranged": ("threshold_met", "threshold_decided"),
    "monitoring_started": ("outcome_sent",),
    "appeal_lodged": ("decision_letter_sent",),
}


PATH = (
    "received_by_partner",
    "received",
    "acknowledged",
    "gathering_started",
    "agency_responses_in",
    "officer_allocated",
    "threshold_decided",
    "threshold_met",
    "threshold_not_met",
    "decision_letter_sent",
    "victim_contacted",
    "panel_arranged",
    "panel_held",
    "minutes_circulated",
    "outcome_sent",
    "monitoring_started",
    "appeal_lodged",
    "appeal_decided",
)
"""The events of a case in the order they happen on its usual path (withdrawal, referral
and closure can come at any point, so they are not on it)."""


def _stages(data: dict) -> list[dict]:
    return [
        stage
        for stage in (data.get("appeal") or {}).get("stages") or []
        if isinstance(stage, dict) and "amount" in stage and "unit" in stage
    ]


def _event_dates(
    timescales, received: dt.date, calendar: WorkingCalendar, stages=()
) -> dict[str, dt.date]:
    dates = _follow(timescales, {"received": received}, calendar)
    needed = {ts.starts for ts in timescales} | {"appeal_lodged"}
    for i, event in enumerate(PATH):
        if event in dates or event not in needed:
            continue
        if event == "appeal_decided" and stages and "appeal_lodged" in dates:
            day = dates["appeal_lodged"]  # decided when the last stage is due
            for stage in stages:
                day = calendar.due(day, stage["amount"], stage["unit"])
            dates[event] = day
        else:
            before = [dates[e] for e in PATH[:i] if e in dates]
            if not before:
                continue
            dates[event] = max(before)
        dates = _follow(timescales, dates, calendar)
    return dates


def _follow(timescales, dates, calendar: WorkingCalendar) -> dict[str, dt.date]:
    """Place every event a placed one leads to: a step's end on its due date, and the
    events that happen with another on the same day."""
    dates = dict(dates)
    for _ in range(len(timescales) + len(SAME_DAY_AS) + 2):
        changed = False
        for ts in timescales:
            if ts.starts in dates and ts.ends not in dates:
                dates[ts.ends] = calendar.due(dates[ts.starts], ts.amount, ts.unit)
                changed = True
        for event, sources in SAME_DAY_AS.items():
            if event not in dates:
                for source in sources:
                    if source in dates:
                        dates[event] = dates[source]
                        changed = True
                        break
        if not changed:
            break
    return dates


def preview(data: dict, *, received: dt.date, calendar: WorkingCalendar) -> list[dict]:
    """[{step, due, rule, starts, starts_on, unit, amount, assumed}] in procedure order,
    then the appeal stages one after another from the decision letter."""
    timescales = rules.timescales(data)
    dates = _event_dates(timescales, received, calendar, _stages(data))
    rows = []
    for ts in timescales:
        start = dates.get(ts.starts)
        assumed = "" if ts.starts == "received" else f"{ts.starts} on {start}"
        if start is None:
            start = received
            assumed = f"{ts.starts} assumed on the day of receipt"
        rows.append(
            {
                "step": ts.step,
                "due": calendar.due(start, ts.amount, ts.unit).isoformat(),
                "rule": ts.rule,
                "starts": ts.starts,
                "starts_on": start.isoformat(),
                "amount": ts.amount,
                "unit": ts.unit,
                "responsible": ts.responsible,
                "assumed": assumed,
            }
        )
    stage_start = dates.get("appeal_lodged", received)
    starts = "appeal_lodged"
    lodged = (
        f"appeal lodged on {stage_start.isoformat()}, when the decision or outcome is sent"
        if "appeal_lodged" in dates
        else "appeal lodged on the day of receipt (no decision date to place it)"
    )
    for stage in _stages(data):
        due = calendar.due(stage_start, stage["amount"], stage["unit"])
        rows.append(
            {
                "step": f"appeal.{stage.get('key', len(rows))}",
                "due": due.isoformat(),
                "rule": stage.get("rule", ""),
                "starts": starts,
                "starts_on": stage_start.isoformat(),
                "amount": stage["amount"],
                "unit": stage["unit"],
                "responsible": "appeal_reviewer",
                "assumed": f"{lodged}; each stage starts when the one before is due",
            }
        )
        stage_start, starts = due, "previous_stage_due"
    return rows
