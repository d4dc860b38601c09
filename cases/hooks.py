"""Where other apps plug into the case workflow, explicitly and synchronously.

``cases`` must not import ``panels``, ``deadlines`` or ``letters`` (they depend on it).
Instead each of them registers, in its ``AppConfig.ready()``:

- ``after_transition(fn)``: ``fn(case, transition_name, by)`` runs inside the
  transition's database transaction, after the timeline entry is written. Use it for
  bookkeeping rows (deadlines started and met). Enqueue Celery work with
  ``transaction.on_commit`` inside it, never directly.
- ``overdue_filter(fn)``: ``fn(today) -> Q`` on ``Case`` selecting cases with a breached
  deadline (the deadlines app provides it; the case list's "overdue" filter uses it).
- ``close_blocker(fn)``: ``fn(case) -> list[str]`` returns plain-English reasons the
  case cannot close yet (for example, actions still open). Empty means no objection.

- ``case_section(fn)``: ``fn(case, user) -> dict | None`` adds a section to the staff
  case page: ``{"title": ..., "template": ..., "context": {...}, "order": int}``.
  Return None when the section has nothing for this user. Each app checks its own
  permissions inside ``fn``; the case page only shows what is returned.

- ``work_arrived(fn)``: ``fn(kind, obj)`` runs inside the transaction that gave someone
  new work (``"listed_for_panel"`` with the panel seat, ``"action_assigned"`` with the
  action, ``"reviewer_appointed"`` and ``"appeal_lodged"`` with the appeal). The work
  app tells the person after commit; panels and appeals need not know it exists.

These are not Django signals on purpose: the list of hooks is visible in one place and
each hook is a service function that can be tested on its own.
"""

from collections.abc import Callable

_after_transition: list[Callable] = []
_close_blockers: list[Callable] = []
_overdue_filter: list[Callable] = []
_case_sections: list[Callable] = []
_work_arrived: list[Callable] = []


def after_transition(fn: Callable) -> Callable:
    if fn not in _after_transition:
        _after_transition.append(fn)
    return fn


def close_blocker(fn: Callable) -> Callable:
    if fn not in _close_blockers:
        _close_blockers.append(fn)
    return fn


def run_after_transition(case, transition_name: str, by) -> None:
    for fn in _after_transition:
        fn(case, transition_name, by)


def close_blockers(case) -> list[str]:
    reasons: list[str] = []
    for fn in _close_blockers:
        reasons.extend(fn(case))
    return reasons


def overdue_filter(fn: Callable) -> Callable:
    _overdue_filter[:] = [fn]
    return fn


def overdue_case_filter(*, today):
    from django.db.models import Q

    if not _overdue_filter:
        return Q(pk__in=[])
    return _overdue_filter[0](today)


def case_section(fn: Callable) -> Callable:
    if fn not in _case_sections:
        _case_sections.append(fn)
    return fn


def case_sections(case, user) -> list[dict]:
    sections = [s for fn in _case_sections if (s := fn(case, user))]
    return sorted(sections, key=lambda s: s.get("order", 100))


def work_arrived(fn: Callable) -> Callable:
    if fn not in _work_arrived:
        _work_arrived.append(fn)
    return fn


def run_work_arrived(kind: str, obj) -> None:
    for fn in _work_arrived:
        fn(kind, obj)
