"""Telling staff that work has arrived: one email per piece of work, or a daily digest.

Every message goes through the deadlines outbox (``deadlines.notifications``): a natural
key makes it once-only, delivery happens after commit, and a failed send is retried by
the sweep. A person who chose the daily digest gets a ``DigestItem`` under the same key
instead, and ``digests_send`` puts one message a day in the outbox for all of them.

Only people who may see the case are told (``cases.selectors.user_can_see_case``), and
messages name the case by its reference, never the applicant or anyone else in it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseState, InvolvementRole
from cases.selectors import case_visible_to
from deadlines.constants import NotificationKind
from deadlines.notifications import notification_queue
from partnerships.constants import Role
from partnerships.models import User
from partnerships.selectors import role_holders, spocs_of
from work.constants import Frequency, WorkKind
from work.models import DigestItem, NotificationPreference


@dataclass(frozen=True)
class WorkNotice:
    """What one person is told about one piece of work."""

    key: str
    kind: str
    user: object
    summary: str
    what_to_do: str
    link: str
    link_label: str
    case: object = None


def frequency_for(user) -> str:
    preference = NotificationPreference.objects.filter(user=user).only("frequency").first()
    return preference.frequency if preference else Frequency.IMMEDIATE


def notify(notice: WorkNotice) -> bool:
    """Tell one person about one piece of work, once (True if this call queued it).

    Nobody is told about a case they may not see, and an inactive account or one with
    no email address is not written to."""
    user = notice.user
    if user is None or not user.is_active or not user.email:
        return False
    if (
        notice.case is not None
        and not case_visible_to(user=user).filter(pk=notice.case.pk).exists()
    ):
        return False
    key = f"work:{notice.key}"[:255]
    if frequency_for(user) == Frequency.DAILY:
        if DigestItem.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                DigestItem.objects.create(
                    key=key,
                    kind=notice.kind,
                    user=user,
                    case=notice.case,
                    summary=notice.summary[:300],
                    link=notice.link[:500],
                )
        except IntegrityError:
            return False
        return True
    _, created = notification_queue(
        key=key,
        kind=NotificationKind.WORK,
        template="work",
        context={
            "recipient_name": str(user),
            "summary": notice.summary,
            "what_to_do": notice.what_to_do,
            "link": notice.link,
            "link_label": notice.link_label,
            "case": notice.case,
        },
        recipient_email=user.email,
        recipient_name=str(user),
        recipient_user=user,
        case=notice.case,
    )
    return created


def _case_link(case) -> str:
    return reverse("cases:detail", args=[case.reference])


# -- the pieces of work ---------------------------------------------------------------


def notify_new_application(case) -> int:
    """A new application: every case officer of the area who can see it is told."""
    officers = role_holders(area_id=case.area_id, role=Role.CASE_OFFICER)
    sent = 0
    for officer in officers:
        sent += notify(
            WorkNotice(
                key=f"{WorkKind.NEW_APPLICATION}:{case.pk}:{officer.pk}",
                kind=WorkKind.NEW_APPLICATION,
                user=officer,
                case=case,
                summary=f"A new application for a case review in {case.area.name}: "
                f"case {case.reference}.",
                what_to_do="Acknowledge it and send the applicant the acknowledgement letter.",
                link=_case_link(case),
                link_label=f"Open case {case.reference}",
            )
        )
    return sent


def notify_information_requested(case, involvement) -> int:
    """A relevant body is asked for its information: each of its SPOCs gets the link to
    the response page. A body with no SPOC in the system gets the CR5 form instead."""
    sent = 0
    asked_on = involvement.notified_on or timezone.localdate()
    for spoc in spocs_of(agency=involvement.agency, area=case.area):
        sent += notify(
            WorkNotice(
                key=f"{WorkKind.INFORMATION_REQUESTED}:{case.pk}:{involvement.agency_id}:"
                f"{spoc.pk}:{asked_on.isoformat()}",
                kind=WorkKind.INFORMATION_REQUESTED,
                user=spoc,
                case=case,
                summary=f"{involvement.agency.name} is asked what it knows for the case review "
                f"{case.reference} ({case.area.name}).",
                what_to_do="Give your agency's response: the reports it holds, with their dates "
                "and references, what it has done, its view on the threshold and any risk "
                "it knows of.",
                link=reverse("work:respond", args=[case.reference]),
                link_label="Give your agency's response",
            )
        )
    return sent


def notify_listed_for_panel(member) -> bool:
    """Someone is put on a case's panel: they must sign the declaration before it opens."""
    listing = member.listing
    return notify(
        WorkNotice(
            key=f"{WorkKind.LISTED_FOR_PANEL}:{member.pk}",
            kind=WorkKind.LISTED_FOR_PANEL,
            user=member.user,
            case=listing.case,
            summary=f"You are on the panel for case {listing.case.reference} at the "
            f"{listing.meeting}.",
            what_to_do="Read the case and sign the information-sharing declaration before "
            "the meeting.",
            link=listing.get_absolute_url(),
            link_label="Open the panel and sign the declaration",
        )
    )


def notify_reviewer_appointed(appeal) -> bool:
    """An appeal reviewer is appointed: they are told where the appeal is."""
    return notify(
        WorkNotice(
            key=f"{WorkKind.REVIEWER_APPOINTED}:{appeal.pk}:{appeal.reviewer_id}",
            kind=WorkKind.REVIEWER_APPOINTED,
            user=appeal.reviewer,
            case=appeal.case,
            summary=f"You are appointed to review the appeal on case {appeal.case.reference}.",
            what_to_do="Read the appeal and work through its stages by their due dates.",
            link=reverse("appeals:detail", args=[appeal.pk]),
            link_label="Open the appeal",
        )
    )


def notify_action_assigned(action) -> bool:
    """An action on the plan is given to its owner."""
    return notify(
        WorkNotice(
            key=f"{WorkKind.ACTION_ASSIGNED}:{action.pk}:{action.owner_id}",
            kind=WorkKind.ACTION_ASSIGNED,
            user=action.owner,
            case=action.case,
            summary=f"An action on case {action.case.reference} is yours, due "
            f"{action.due_on:%-d %B %Y}.",
            what_to_do="Do the action and report on it by the due date.",
            link=action.get_absolute_url(),
            link_label="Open the action",
        )
    )


def notify_appeal_lodged(appeal) -> bool:
    """An appeal is lodged: the case's officer is told."""
    case = appeal.case
    officer = case.case_officer
    if officer is None:
        return False
    return notify(
        WorkNotice(
            key=f"{WorkKind.APPEAL_LODGED}:{appeal.pk}:{officer.pk}",
            kind=WorkKind.APPEAL_LODGED,
            user=officer,
            case=case,
            summary=f"An appeal is lodged on your case {case.reference}.",
            what_to_do="Check the appeal has a reviewer and send the evidence they need.",
            link=reverse("appeals:detail", args=[appeal.pk]),
            link_label="Open the appeal",
        )
    )


def on_commit(fn, *args) -> None:
    """Queue a notification once the work that caused it has committed."""
    transaction.on_commit(lambda: fn(*args))


# -- the case workflow ----------------------------------------------------------------

GATHERING_STEPS = {"start_gathering", "reopen_after_appeal"}


def relevant_bodies_ask(*, case, by=None) -> list:
    """Ask every involved body at once (CR5): each is marked notified today and its
    SPOCs are told, after commit. Returns the involvements asked."""
    today = timezone.localdate()
    bodies = list(
        case.involvements.exclude(role=InvolvementRole.ADMINISTERING).select_related("agency")
    )
    for involvement in bodies:
        if involvement.notified_on != today:
            involvement.notified_on = today
            involvement.save(update_fields=["notified_on", "updated_at"])
        on_commit(notify_information_requested, case, involvement)
    return bodies


WORK_ARRIVED = {
    "listed_for_panel": notify_listed_for_panel,
    "action_assigned": notify_action_assigned,
    "reviewer_appointed": notify_reviewer_appointed,
    "appeal_lodged": notify_appeal_lodged,
}


def on_work_arrived(kind: str, obj) -> None:
    """The cases.hooks.work_arrived hook: tell the person once the work has committed."""
    notify_it = WORK_ARRIVED.get(kind)
    if notify_it is not None:
        on_commit(notify_it, obj)


def on_case_transition(case, name: str, by) -> None:
    """The cases.hooks.after_transition hook: work that a case step gives other people."""
    if name == "receive" and case.state == CaseState.RECEIVED:
        on_commit(notify_new_application, case)
    elif name in GATHERING_STEPS:
        relevant_bodies_ask(case=case, by=by)


# -- the daily digest ----------------------------------------------------------------


def digests_send(*, today: dt.date | None = None) -> int:
    """One email per person holding undigested work, listing it all (once a day: the
    outbox key is the person and the day, so a second run sends nothing new)."""
    today = today or timezone.localdate()
    sent = 0
    user_ids = DigestItem.objects.filter(digest_key="").values_list("user_id", flat=True).distinct()
    for user in User.objects.filter(pk__in=list(user_ids)):
        key = f"work:digest:{user.pk}:{today.isoformat()}"
        with transaction.atomic():
            items = list(
                DigestItem.objects.select_for_update()
                .filter(user=user, digest_key="")
                .order_by("created_at", "id")
            )
            if not items or not user.is_active or not user.email:
                continue
            _, created = notification_queue(
                key=key,
                kind=NotificationKind.DIGEST,
                template="work_digest",
                context={
                    "recipient_name": str(user),
                    "items": items,
                    "today": today,
                    "link": reverse("home"),
                    "link_label": "Open your work",
                },
                recipient_email=user.email,
                recipient_name=str(user),
                recipient_user=user,
            )
            if not created:
                continue  # today's digest went already; these wait for tomorrow's
            DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(digest_key=key)
            sent += 1
    return sent


_DEADLINE_WORK = {
    NotificationKind.REMINDER: WorkKind.DUE_SOON,
    NotificationKind.BREACH: WorkKind.OVERDUE,
    NotificationKind.ESCALATION: WorkKind.ESCALATED,
}


def digest_deadline_messages(pending) -> set[str]:
    """The sweep's reminders, breach notices and escalations to people who chose a daily
    digest: each becomes an item of the digest (under the message's own key, so it is
    listed once), and its key is returned so the outbox keeps it without sending it
    (registered with ``deadlines.notifications.register_digest``)."""
    daily = set(
        NotificationPreference.objects.filter(
            user_id__in={message.recipient_user.pk for message, _n, _l in pending},
            frequency=Frequency.DAILY,
        ).values_list("user_id", flat=True)
    )
    items = [
        DigestItem(
            key=notification.key,
            kind=_DEADLINE_WORK[message.kind],
            user=message.recipient_user,
            case_id=getattr(message.case, "pk", None),
            summary=notification.subject[:300],
            link=link[:500],
        )
        for message, notification, link in pending
        if message.recipient_user.pk in daily
        and message.recipient_user.is_active
        and message.recipient_user.email
    ]
    DigestItem.objects.bulk_create(items, ignore_conflicts=True)
    return {item.key for item in items}
