"""Reads for API clients: what an agency's system may see, by the staff visibility rule."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from api.models import ApiCallLog, ApiClient
from cases.models import Case
from cases.selectors import case_involves_agency_filter
from deadlines.constants import LIVE_STATES
from deadlines.models import Deadline
from panels.constants import RESOLVED_ACTION_STATUSES
from panels.models import Action


def api_clients_for_area(*, area) -> QuerySet[ApiClient]:
    return ApiClient.objects.filter(area=area).select_related("agency", "created_by", "revoked_by")


def api_calls_for_area(*, area, limit: int = 50) -> list[ApiCallLog]:
    """The latest calls by the area's clients, for its admin to see what each system did."""
    return list(
        ApiCallLog.objects.filter(client__area=area)
        .select_related("client", "case")
        .order_by("-at", "-id")[:limit]
    )


def cases_for_client(*, client: ApiClient) -> QuerySet[Case]:
    """Cases in the client's area that its agency is involved in (the staff rule for an
    agency's people, cases.selectors.case_involves_agency_filter); nothing else exists
    for it."""
    return (
        Case.objects.filter(case_involves_agency_filter(client.agency_id), area_id=client.area_id)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "deadlines",
                queryset=Deadline.objects.filter(state__in=LIVE_STATES).order_by("due", "id"),
                to_attr="live_deadlines",
            ),
            Prefetch(
                "panel_actions",
                queryset=Action.objects.exclude(status__in=RESOLVED_ACTION_STATUSES)
                .select_related("agency")
                .order_by("due_on", "id"),
                to_attr="outstanding_actions",
            ),
        )
        .order_by("-received_on", "-id")
    )


def case_get_for_client(*, client: ApiClient, reference: str) -> Case:
    """A case the client's agency is involved in; 404 hides any other's existence."""
    case = None
    if "\x00" not in reference:  # PostgreSQL refuses NUL in a query; no reference has one
        case = cases_for_client(client=client).filter(reference=reference).first()
    if case is None:
        raise Http404("No case with that reference that this system can see.")
    return case


def action_get_for_client(*, client: ApiClient, pk: int) -> Action:
    """An action owned by the client's agency on a case it can see (404 otherwise)."""
    action = (
        Action.objects.select_related("case__area", "owner", "agency")
        .filter(
            pk=pk,
            agency_id=client.agency_id,
            case__in=Case.objects.filter(
                case_involves_agency_filter(client.agency_id), area_id=client.area_id
            ),
        )
        .first()
    )
    if action is None:
        raise Http404("No action owned by this agency with that number.")
    return action
