"""What every panel service shares: permissions, errors, row locks, the procedure's timescales."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied

from asbcr.calendar import calendar_for_area
from asbcr.concurrency import (
    GENERIC_MESSAGE,
    ConflictError,
    conflict,
    lock,
    refresh_from,
)
from cases.models import Case, TimelineEvent
from panels.constants import (
    ListingStatus,
    MemberRole,
)
from panels.models import (
    Listing,
)

log = logging.getLogger(__name__)


ARRANGE = "panels.arrange_panel"


ACCEPT = "panels.accept_action"


UPDATE = "panels.update_action"


DECLARATION_TEXT = (
    "I will use the information in this case review only for the purpose of the review, "
    "keep it secure and confidential, and share it only under the partnership's "
    "information-sharing agreement (Crime and Disorder Act 1998 s.115, Schedule 4 of the "
    "Anti-social Behaviour, Crime and Policing Act 2014, UK GDPR and the Data Protection "
    "Act 2018)."
)


ACTIVE_LISTING_STATUSES = (ListingStatus.LISTED, ListingStatus.OPEN, ListingStatus.MINUTED)


class PanelError(Exception):
    """A panel step that cannot happen now, with the reasons to show the user."""

    def __init__(self, message: str, *, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []


def _require(user, perm: str, case: Case) -> None:
    if not (user.is_superuser or user.has_perm(perm, case)):
        raise PermissionDenied


def _record_event(case: Case, event: str, on: dt.date | None = None, by=None) -> None:
    """Tell the deadlines app something happened (meets and starts procedure timescales)."""
    from deadlines.services import record_event

    record_event(case=case, event=event, on=on, by=by)


def _due(case: Case, start: dt.date, amount: int, unit: str) -> dt.date:
    return calendar_for_area(case.area).due(start, amount, unit)


def _timescale(case: Case, key: str) -> dict | None:
    return (case.procedure_version.section("timescales") or {}).get(key)


def _is_chair_or_arranger(user, listing: Listing) -> bool:
    if user.is_superuser or user.has_perm(ARRANGE, listing.case):
        return True
    return listing.members.filter(user=user, role=MemberRole.CHAIR).exists()


def _listing_lock(listing: Listing, *, by, watch: tuple[str, ...] = ()) -> Listing:
    """Lock the listing's row; refuse if its status (or a watched field) changed since the
    caller loaded it, naming who changed it and when. The caller's object is brought up
    to date either way."""
    locked = lock(listing)
    changed = any(getattr(locked, f) != getattr(listing, f) for f in ("status", *watch))
    refresh_from(listing, locked)
    if changed:
        raise _listing_conflict(locked, by)
    return locked


def _listing_conflict(listing: Listing, by, *, what: str = "updated this panel") -> ConflictError:
    event = (
        TimelineEvent.objects.filter(case_id=listing.case_id, detail__listing_id=listing.pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ConflictError(GENERIC_MESSAGE)
    return conflict(what=what, at=event.at, actor=event.actor, by=by, outcome=event.summary)
