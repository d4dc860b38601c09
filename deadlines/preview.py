"""Every step's due date for a procedure and a receipt date, for admins checking a procedure.

Pure apart from the calendar: each step starts on its event's date; an event that ends
another step is assumed to happen on that step's due date (the latest it may), and the
events that follow a decision are assumed to happen with it. Steps whose starting event
cannot be placed this way (a withdrawal) are dated from receipt, and say so.
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


def _event_dates(timescales, received: dt.date, calendar: WorkingCalendar) -> dict[str, dt.date]:
    dates = {"received": received}
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
    dates = _event_dates(timescales, received, calendar)
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
        "appeal lodged with the decision letter"
        if "appeal_lodged" in dates
        else "appeal lodged on the day of receipt (no decision date to place it)"
    )
    for stage in (data.get("appeal") or {}).get("stages") or []:
        if not isinstance(stage, dict) or "amount" not in stage or "unit" not in stage:
            continue
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
