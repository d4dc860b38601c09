"""Records in the states the races need, built with the real services."""

import datetime as dt

from django.utils import timezone

from panels import services as panel_services
from panels.services import ActionInput
from tests.factories import receive_case
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat


def listed(area, users, *, declared=True):
    """A Hertsmere case listed for a meeting, its full panel seated and present."""
    officer = users["hertsmere.officer"]
    case = case_ready_for_panel(area=area, officer=officer)
    listing = panel_services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    seat(
        listing,
        [
            (users["hertsmere.chair"], CHAIR),
            (officer, MEMBER),
            (users["hertsmere.spoc"], MEMBER),
            (users["hertsmere.housing"], MEMBER),
        ],
        by=officer,
        declared=declared,
    )
    return listing


def opened(area, users):
    listing = listed(area, users)
    panel_services.listing_open(listing=listing, by=users["hertsmere.chair"])
    listing.refresh_from_db()
    return listing


def new_action(area, users):
    listing = opened(area, users)
    return panel_services.action_add(
        case=listing.case,
        by=users["hertsmere.officer"],
        listing=listing,
        data=ActionInput(
            what="Visit the perpetrator",
            why="Warn about conduct",
            owner=users["hertsmere.spoc"],
            due_on=timezone.localdate() + dt.timedelta(days=14),
        ),
    )


def received(area, users):
    return receive_case(area=area, by=users["hertsmere.officer"])


def second_spoc(users):
    """Another SPOC of the same police force as hertsmere.spoc (Owen Pryce)."""
    from partnerships.models import RoleAssignment, User

    spoc = users["hertsmere.spoc"]
    other, _ = User.objects.get_or_create(
        username="hertsmere.spoc2",
        defaults={"first_name": "Nia", "last_name": "Hughes", "agency": spoc.agency},
    )
    for assignment in RoleAssignment.objects.filter(user=spoc):
        RoleAssignment.objects.get_or_create(user=other, role=assignment.role, area=assignment.area)
    return other
