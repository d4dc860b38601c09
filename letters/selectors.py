"""Reads for letters: who may see which letters, the print queue, the chair's pack rule."""

from django.db.models import QuerySet

from cases.constants import CaseState
from cases.selectors import case_visible_to, user_can_see_case
from letters import context as letter_context
from letters.constants import LetterKind
from letters.models import Letter, PrintJob

S = CaseState
CHAIRS_PACK_STATES = frozenset(
    {S.PANEL_ARRANGED, S.REVIEWED, S.OUTCOME_SENT, S.MONITORING, S.CLOSED}
)


def letters_for(*, case, user) -> QuerySet[Letter]:
    """The letters sent on a case, for someone who may see it."""
    if not user_can_see_case(user, case):
        return Letter.objects.none()
    return case.letters.select_related("sent_by", "agency", "print_job").order_by("-sent_at")


def letter_get(*, user, pk: int) -> Letter:
    """A letter on a case the user may see (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Letter.objects.select_related("case", "case__area").filter(
            case__in=case_visible_to(user=user)
        ),
        pk=pk,
    )


def print_queue(*, user) -> QuerySet[PrintJob]:
    """Letters for post waiting to be printed, on cases the user may send letters for."""
    jobs = PrintJob.objects.filter(
        printed_at=None, letter__case__in=case_visible_to(user=user)
    ).select_related("letter", "letter__case", "letter__case__area", "letter__sent_by")
    if user.is_superuser:
        return jobs
    from partnerships.models import Area

    areas = [a.pk for a in Area.objects.all() if user.has_perm("letters.send_letter", a)]
    return jobs.filter(letter__case__area_id__in=areas)


def can_send(user, case) -> bool:
    return user.is_superuser or user.has_perm("letters.send_letter", case)


def can_open_chairs_pack(user, case) -> bool:
    """The case officer, the area's admin and the panel chair, once a panel is arranged."""
    if case.state not in CHAIRS_PACK_STATES or not user_can_see_case(user, case):
        return False
    return user.is_superuser or any(
        user.has_perm(perm, case) for perm in ("cases.manage_case", "panels.chair_panel")
    )


def letters_offered(case) -> list[LetterKind]:
    return [LetterKind(k) for k in letter_context.letters_for_case(case)]
