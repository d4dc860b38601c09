"""Where other apps plug into the case workflow, explicitly and synchronously.

``cases`` must not import ``panels``, ``deadlines`` or ``letters`` (they depend on it).
Instead each of them registers, in its ``AppConfig.ready()``:

- ``after_transition(fn)``: ``fn(case, transition_name, by)`` runs inside the
  transition's database transaction, after the timeline entry is written. Use it for
  bookkeeping rows (deadlines started and met). Enqueue Celery work with
  ``transaction.on_commit`` inside it, never directly.
- ``overdue_filter(fn)``: ``fn(today) -> Q`` on ``Case`` selecting cases with a breached
  deadline (the deadlines app provides it; the case list's "overdue" filter uses it).
- ``next_due(fn)``: ``fn() -> expression`` on ``Case``: the date its earliest live
  deadline is due, or NULL (the deadlines app provides it; the case list's "next
  deadline" column shows and sorts by it).
- ``access_gate(fn)``: ``fn(user, case) -> PermissionDenied | None``: a reason this
  user, who may see the case, may not read its personal data yet (a panel member who
  has not signed the information-sharing declaration). ``cases.selectors.case_get``
  raises the first one, so every page that opens a case is held to it.
- ``close_blocker(fn)``: ``fn(case) -> list[str]`` returns plain-English reasons the
  case cannot close yet (for example, actions still open). Empty means no objection.
- ``transition_evidence(name, fn)``: ``fn(case, since) -> list[str]`` returns what is
  missing for transition ``name``: a step is done when what proves it exists, not when
  a button is pressed. ``since`` is when the case entered its current state (None if the
  timeline does not say), so evidence from an earlier round (a reopened case) does not
  count. The panels app requires a final action plan before ``record_review``; the
  letters app an outcome letter before ``send_outcome``. Checked by
  ``cases.services.transition_blockers``, so no caller can skip it.

- ``case_section(fn)``: ``fn(case, user) -> dict | None`` adds a section to the staff
  case page: ``{"title": ..., "template": ..., "context": {...}, "order": int}``.
  ``case_section(fn, tab="panel")`` puts it on that sub-page of the case (the keys of
  ``cases.case_pages.TABS``); the default is the summary. Return None when the
  section has nothing for this user. Each app checks its own permissions inside
  ``fn``; the case page only shows what is returned.

- ``case_steps(fn)``: ``fn(case, user, facts) -> list[cases.steps.Step]`` adds the
  steps this app owns to the case's task list (``cases.steps.task_list``). ``facts`` is
  a dict the hub fills once per page (when each transition last ran, today) so
  apps do not query the same thing twice. Return only steps the procedure has.
- ``step_annotator(fn)``: ``fn(case, steps) -> None`` fills in what another app knows
  about every step (the deadlines app: due date, owner and lateness from the deadline
  whose ending event the step names).

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
_case_sections: list[tuple[Callable, str]] = []
_case_steps: list[Callable] = []
_step_annotators: list[Callable] = []
_next_due: list[Callable] = []
_access_gates: list[Callable] = []
_transition_evidence: dict[str, list[Callable]] = {}


def access_gate(fn: Callable) -> Callable:
    if fn not in _access_gates:
        _access_gates.append(fn)
    return fn


def access_refusal(user, case):
    """The first gate's refusal of ``user`` for ``case``, or None."""
    for fn in _access_gates:
        if (refusal := fn(user, case)) is not None:
            return refusal
    return None


_work_arrived: list[Callable] = []


def after_transition(fn: Callable) -> Callable:
    if fn not in _after_transition:
        _after_transition.append(fn)
    return fn


def close_blocker(fn: Callable) -> Callable:
    if fn not in _close_blockers:
        _close_blockers.append(fn)
    return fn


def transition_evidence(name: str, fn: Callable) -> Callable:
    registered = _transition_evidence.setdefault(name, [])
    if fn not in registered:
        registered.append(fn)
    return fn


def evidence_missing(case, name: str, since) -> list[str]:
    """What each app says is still missing before transition ``name`` may run."""
    reasons: list[str] = []
    for fn in _transition_evidence.get(name, ()):
        reasons.extend(fn(case, since))
    return reasons


def needs_evidence(name: str) -> bool:
    return bool(_transition_evidence.get(name))


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


def next_due(fn: Callable) -> Callable:
    _next_due[:] = [fn]
    return fn


def next_due_expression():
    from django.db.models import DateField, Value

    if not _next_due:
        return Value(None, output_field=DateField())
    return _next_due[0]()


def case_section(fn: Callable, *, tab: str = "summary") -> Callable:
    if fn not in [f for f, _ in _case_sections]:
        _case_sections.append((fn, tab))
    return fn


def case_sections(case, user, *, tab: str | None = None) -> list[dict]:
    """The sections for one sub-page of the case (``tab``), or for every page."""
    sections = [
        s for fn, where in _case_sections if (tab is None or where == tab) and (s := fn(case, user))
    ]
    return sorted(sections, key=lambda s: s.get("order", 100))


def case_steps(fn: Callable) -> Callable:
    if fn not in _case_steps:
        _case_steps.append(fn)
    return fn


def step_annotator(fn: Callable) -> Callable:
    if fn not in _step_annotators:
        _step_annotators.append(fn)
    return fn


def steps_for(case, user, facts: dict) -> list:
    steps = [step for fn in _case_steps for step in fn(case, user, facts)]
    for fn in _step_annotators:
        fn(case, steps)
    return steps


def work_arrived(fn: Callable) -> Callable:
    if fn not in _work_arrived:
        _work_arrived.append(fn)
    return fn


def run_work_arrived(kind: str, obj) -> None:
    for fn in _work_arrived:
        fn(kind, obj)
