"""Demo letters: the letters each demo case would have had by now, sent on the victim's
preferred channel (used by ``manage.py load_demo``). Idempotent: a letter of a kind
already on a case (for that body, for CR5) is not sent again."""

from django.db import transaction

from cases.constants import CaseState
from cases.models import Case
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind
from letters.models import Letter
from partnerships.models import User

S = CaseState
# The letters a case has had by the time it reaches each state.
HISTORY = {
    S.ACKNOWLEDGED: [LetterKind.CR1],
    S.GATHERING_INFORMATION: [LetterKind.CR1, LetterKind.CR5],
    S.THRESHOLD_MET: [LetterKind.CR4],
    S.PANEL_ARRANGED: [LetterKind.CR4],
    S.THRESHOLD_NOT_MET: [LetterKind.CR3],
    S.WITHDRAWN: [LetterKind.WITHDRAWAL],
}


def _officer(case: Case):
    return case.case_officer or (
        User.objects.filter(role_assignments__area=case.area, role_assignments__role="case_officer")
        .order_by("username")
        .first()
    )


def load_demo(stdout) -> None:
    sent = 0
    for case in Case.objects.select_related("area", "applicant", "victim").order_by("pk"):
        kinds = HISTORY.get(case.state, [])
        officer = _officer(case)
        if not kinds or officer is None:
            continue
        for kind in kinds:
            # A letter that no longer fits the state (CR1 after gathering) is history, so it
            # is rendered as sent then; only letters that fit now are sent through the service.
            if kind not in letter_context.letters_for_case(case):
                continue
            bodies = letter_context.relevant_bodies(case) if kind == LetterKind.CR5 else [None]
            for body in bodies:
                if Letter.objects.filter(case=case, kind=kind, agency=body).exists():
                    continue
                try:
                    with transaction.atomic():
                        services.letter_send(case=case, kind=kind, by=officer, agency=body)
                except services.LetterError as exc:
                    stdout.write(f"Demo letter {kind} on {case.reference} not sent: {exc.message}")
                    continue
                sent += 1
    stdout.write(f"Demo letters: {sent} sent.")
