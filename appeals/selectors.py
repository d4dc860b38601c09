"""Reads for appeals. An appeal reviewer sees only the appeals (and cases) routed to them."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from appeals.constants import OPEN_APPEAL_STATUSES, AppealAgainst
from appeals.models import Appeal, AppealStage
from cases.constants import CaseState, EventKind
from cases.selectors import case_visible_to
from partnerships.constants import PickPurpose, Role
from partnerships.selectors import staff_choosable_for

REVIEW = "appeals.review_appeal"
MANAGE = "appeals.manage_appeal"


def can_manage_appeals(user, case) -> bool:
    """Officers and partnership admins of the case's area record and route appeals."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.has_perm(MANAGE, case)


def can_review(user, appeal: Appeal) -> bool:
    """Only the reviewer the appeal was routed to, holding the reviewer role in that area."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return appeal.reviewer_id == user.pk and user.has_perm(REVIEW, appeal.case)


@dataclass(frozen=True)
class AppealableDecision:
    against: str
    on: dt.date
    label: str


def appealable_decision(case) -> AppealableDecision | None:
    """The latest threshold-not-met decision or review outcome on the case's timeline."""
    event = (
        case.timeline.filter(
            kind=EventKind.TRANSITION,
            to_state__in=[CaseState.THRESHOLD_NOT_MET, CaseState.OUTCOME_SENT],
        )
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    if event.to_state == CaseState.THRESHOLD_NOT_MET:
        return AppealableDecision(
            AppealAgainst.THRESHOLD_NOT_MET,
            timezone.localdate(event.at),
            "decision that the threshold was not met",
        )
    return AppealableDecision(
        AppealAgainst.REVIEW_OUTCOME, timezone.localdate(event.at), "outcome of the review"
    )


def reviewer_candidates(case, *, only=None) -> tuple[list, list[str]]:
    """Appeal reviewers for the case's area who are independent of it, and why others are not.

    A reviewer must hold the appeal reviewer role in the case's area and must not work for
    an agency involved in the case (the administering body included).
    """
    involved = {i.agency_id: i.agency.name for i in case.involvements.select_related("agency")}
    qs = (
        staff_choosable_for(case=case, purpose=PickPurpose.APPEAL_REVIEWER)
        .annotate(
            open_appeals=Count(
                "appeals_to_review",
                filter=Q(appeals_to_review__status__in=OPEN_APPEAL_STATUSES),
            )
        )
        .order_by("open_appeals", "username")
    )
    refused: list[str] = []
    if only is not None:
        if not qs.filter(pk=only.pk).exists():
            return [], [f"{only} is not an appeal reviewer in {case.area.name}."]
        qs = qs.filter(pk=only.pk)
    eligible = []
    for user in qs:
        if user.agency_id in involved:
            refused.append(
                f"{user} works for {involved[user.agency_id]}, which is involved in the case, "
                "so cannot review it independently."
            )
        else:
            eligible.append(user)
    return eligible, refused


def appeal_list(*, user) -> QuerySet[Appeal]:
    """Appeals routed to the user, plus (for officers) every appeal on cases they can see."""
    base = Appeal.objects.select_related("case__area", "reviewer").prefetch_related("stages")
    if not user.is_authenticated:
        return base.none()
    if user.is_superuser:
        return base
    managed_areas = {a for r, a in user.role_pairs if r in (Role.CASE_OFFICER, Role.AREA_ADMIN)}
    rule = Q(reviewer=user)
    if managed_areas:
        rule |= Q(case__area_id__in=managed_areas, case__in=case_visible_to(user=user))
    return base.filter(rule)


def appeal_get(*, user, pk: int) -> Appeal:
    """The appeal, if routed to the user or on a case in their area they manage (else 404)."""
    try:
        appeal = appeal_list(user=user).get(pk=pk)
    except Appeal.DoesNotExist as exc:
        raise Http404("No appeal with that number that you can see.") from exc
    if not (can_review(user, appeal) or can_manage_appeals(user, appeal.case)):
        raise Http404("No appeal with that number that you can see.")
    return appeal


def appeal_rows(*, user) -> QuerySet[Appeal]:
    """The appeals page's rows: open appeals first, then the rest, newest lodged first in
    each, each with its open stage read in one query for the whole page (``open_stage``)."""
    open_first = Case(When(status__in=OPEN_APPEAL_STATUSES, then=0), default=1)
    return (
        appeal_list(user=user)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "stages",
                queryset=AppealStage.objects.filter(completed_on__isnull=True).order_by("order"),
                to_attr="open_stages",
            )
        )
        .order_by(open_first, "-lodged_on", "-id")
    )


def open_stage(appeal: Appeal):
    """The appeal's first stage not yet completed, or None (from ``appeal_rows`` if read)."""
    if hasattr(appeal, "open_stages"):
        return appeal.open_stages[0] if appeal.open_stages else None
    return appeal.stages.filter(completed_on__isnull=True).order_by("order").first()


@dataclass(frozen=True)
class AppealOptions:
    """What the applicant's tracking page needs to offer an appeal."""

    decision: AppealableDecision
    window_ends_on: dt.date
    grounds: list[dict]
    reviewing_body: str
    open_appeal: Appeal | None


def reviewing_body_for(case) -> str:
    """The procedure's reviewer for the case's area (Bedfordshire names one per area)."""
    reviewer = case.procedure_version.section("appeal").get("reviewer", {})
    return reviewer.get("areas", {}).get(case.area.slug) or reviewer.get("default", "")


def appeal_options_for_applicant(case) -> AppealOptions | None:
    """The decision the applicant may appeal, the last day to do it, and the grounds.

    None when there is nothing to appeal or the procedure has no appeal route. Appeals
    made after ``window_ends_on`` are still accepted by ``appeal_lodge`` and refused.
    """
    from appeals.dates import add_period

    section = case.procedure_version.section("appeal")
    decision = appealable_decision(case)
    if not section or decision is None:
        return None
    window = section["window"]
    return AppealOptions(
        decision=decision,
        window_ends_on=add_period(
            decision.on, amount=window["amount"], unit=window["unit"], area=case.area
        ),
        grounds=list(section.get("grounds", [])),
        reviewing_body=reviewing_body_for(case),
        open_appeal=case.appeals.filter(status__in=OPEN_APPEAL_STATUSES).first(),
    )


def latest_appeal(case):
    """The case's most recent appeal, or None (what its letters say about the appeal)."""
    return Appeal.objects.filter(case=case).order_by("-lodged_on", "-id").first()
