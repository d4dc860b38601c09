"""Each person's work queue: what is waiting for them, overdue first, then by due date.

A queue is a query per kind of work, each limited to the cases the person may see
(``cases.selectors.case_visible_to``), so the number of queries does not grow with the
number of items. ``work_count`` is the figure the navigation shows: the same queries,
counted together in one statement.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from appeals.constants import OPEN_APPEAL_STATUSES
from appeals.models import Appeal, AppealStage
from cases.constants import CaseState, InvolvementRole
from cases.models import Case, CaseAgency
from cases.selectors import case_visibility_probe, visible_case_ids
from deadlines.constants import LIVE_STATES, Responsible
from deadlines.models import Deadline
from panels.constants import ActionStatus, ListingStatus, MeetingStatus, MemberRole
from panels.models import Action, Listing, PanelMember
from partnerships.constants import Role
from partnerships.selectors import role_holders

SHOWN = 50
"""At most this many items of one kind are listed; the count is still the whole number."""

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DELAYED)
WAITING_LISTINGS = (ListingStatus.LISTED, ListingStatus.OPEN, ListingStatus.ADJOURNED)
ASKED_STATES = (CaseState.GATHERING_INFORMATION, CaseState.REOPENED)
RESPONSE_ROLES = (Responsible.RELEVANT_BODIES, Responsible.POLICE_SPOC)


@dataclass
class Item:
    """One piece of work: what to do, on which case, by when, and where to do it."""

    title: str
    url: str
    due: dt.date | None = None
    case_reference: str = ""
    detail: str = ""
    overdue: bool = False


@dataclass
class Queue:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    count: int = 0
    empty: str = "Nothing waiting."
    counts_as_work: bool = True

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.overdue)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


def _sorted(items: list[Item], today: dt.date) -> list[Item]:
    for item in items:
        item.overdue = item.due is not None and item.due < today
    return sorted(items, key=lambda i: (i.due is None, i.due or dt.date.max))


# -- where the work is done ------------------------------------------------------------

_SUBJECT_PAGES = {("panels", "action"): "panels:action", ("appeals", "appeal"): "appeals:detail"}


def _deadline_url(deadline: Deadline) -> str:
    """The page where the step is done: its subject's own page (an action), else the case.
    The content type comes from Django's cache, so this asks the database nothing new."""
    if deadline.subject_type_id and deadline.subject_id:
        model = ContentType.objects.get_for_id(deadline.subject_type_id)
        name = _SUBJECT_PAGES.get((model.app_label, model.model))
        if name is not None:
            return reverse(name, args=[deadline.subject_id])
    return reverse("cases:detail", args=[deadline.case.reference])


def _deadline_item(deadline: Deadline) -> Item:
    return Item(
        title=deadline.rule,
        url=_deadline_url(deadline),
        due=deadline.due,
        case_reference=deadline.case.reference,
        detail=deadline.responsible_label,
    )


def _live_deadlines(user):
    return (
        Deadline.objects.filter(state__in=LIVE_STATES, case__in=visible_case_ids(user))
        .select_related("case", "responsible_user", "responsible_agency")
        .order_by("due", "id")
    )


# -- the kinds of work (each: a queryset, and how a row becomes an item) ----------------


def new_applications(*, user, areas):
    """Officer: applications in my areas not yet acknowledged (due: the acknowledgement)."""
    # The earliest live deadline as a subquery, not a grouped join: the list reads it
    # for the rows it shows, and the count (the navigation's, on every staff page)
    # leaves it out and counts the cases alone.
    due = (
        Deadline.objects.filter(case=OuterRef("pk"), state__in=LIVE_STATES)
        .order_by("due")
        .values("due")[:1]
    )
    # The rule tested on each new application (few, read from the area-and-state
    # index), not the user's whole set of visible ids built to find them.
    qs = (
        Case.objects.filter(case_visibility_probe(user))
        .filter(area_id__in=areas, state=CaseState.RECEIVED)
        .annotate(due=Subquery(due))
        .select_related("area")
        .order_by(F("due").asc(nulls_last=True), "id")
    )

    def item(case: Case) -> Item:
        return Item(
            title="Acknowledge the new application",
            url=reverse("cases:detail", args=[case.reference]),
            due=case.due,
            case_reference=case.reference,
            detail=f"Received {case.received_on:%-d %B %Y} ({case.area.name})",
        )

    return qs, item


def my_case_steps(*, user, areas):
    """Officer: every live step on the cases I hold, whoever owns it (an agency, the
    relevant bodies), and anything else named as mine; new applications are listed
    above, not twice."""
    # "Cases I hold" read first (one small query on its index), so that "on a case I
    # hold or named as mine" is two index conditions the database can combine (a hashed
    # subquery in an OR makes it read every live deadline); the new applications left
    # out as a set of case ids, not the cases joined in to test each deadline.
    held = list(Case.objects.filter(case_officer=user).order_by().values_list("pk", flat=True))
    new = Case.objects.filter(area_id__in=areas, state=CaseState.RECEIVED).order_by().values("pk")
    qs = (
        _live_deadlines(user)
        .filter(Q(case_id__in=held) | Q(responsible_user=user))
        .exclude(case__in=new)
    )
    return qs, _deadline_item


def my_deadlines(*, user):
    """Anyone: live steps named as theirs."""
    return _live_deadlines(user).filter(responsible_user=user), _deadline_item


def responses_owed(*, user, areas):
    """SPOC: the cases where my agency is asked for its response and has not given it."""
    due = (
        Deadline.objects.filter(
            case=OuterRef("case"), state__in=LIVE_STATES, responsible_role__in=RESPONSE_ROLES
        )
        .order_by("due")
        .values("due")[:1]
    )
    qs = (
        CaseAgency.objects.filter(
            agency_id=user.agency_id,
            case__in=visible_case_ids(user),
            case__area_id__in=areas,
            case__state__in=ASKED_STATES,
            response_received_on__isnull=True,
        )
        .exclude(role=InvolvementRole.ADMINISTERING)
        .annotate(due=Subquery(due))
        .select_related("case", "agency")
        .order_by(F("due").asc(nulls_last=True), "id")
    )

    def item(involvement: CaseAgency) -> Item:
        return Item(
            title=f"Give {involvement.agency.name}'s response",
            url=reverse("work:respond", args=[involvement.case.reference]),
            due=involvement.due,
            case_reference=involvement.case.reference,
            detail="Asked on " + f"{involvement.notified_on:%-d %B %Y}"
            if involvement.notified_on
            else "",
        )

    return qs, item


def _action_item(action: Action) -> Item:
    return Item(
        title=action.what[:120],
        url=action.get_absolute_url(),
        due=action.due_on,
        case_reference=action.case.reference,
        detail=f"{action.agency.name}, {action.owner}",
    )


def agency_actions(*, user):
    """SPOC: open actions my agency owns (whoever in it holds them)."""
    qs = (
        Action.objects.filter(
            agency_id=user.agency_id,
            status__in=OPEN_ACTION_STATUSES,
            case__in=visible_case_ids(user),
        )
        .select_related("case", "agency", "owner")
        .order_by("due_on", "id")
    )
    return qs, _action_item


def my_actions(*, user):
    """Anyone: open actions I own."""
    qs = (
        Action.objects.filter(
            owner=user, status__in=OPEN_ACTION_STATUSES, case__in=visible_case_ids(user)
        )
        .select_related("case", "agency", "owner")
        .order_by("due_on", "id")
    )
    return qs, _action_item


def _upcoming_listings(user, today):
    return (
        Listing.objects.filter(
            status__in=WAITING_LISTINGS,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__date__gte=today,
            case__in=visible_case_ids(user),
        )
        .select_related("case", "meeting")
        .order_by("meeting__starts_at", "id")
    )


def _listing_item(title: str, url_name: str):
    def item(listing: Listing) -> Item:
        return Item(
            title=title,
            url=reverse(url_name, args=[listing.pk]),
            due=timezone.localdate(listing.meeting.starts_at),
            case_reference=listing.case.reference,
            detail=str(listing.meeting),
        )

    return item


def agency_panels(*, user, today):
    """SPOC: coming panels my agency sits on."""
    qs = _upcoming_listings(user, today).filter(
        pk__in=PanelMember.objects.filter(agency_id=user.agency_id).values("listing_id")
    )
    return qs, _listing_item("Panel meeting", "panels:listing")


def meetings_i_chair(*, user, today):
    """Chair: coming panels I chair."""
    qs = _upcoming_listings(user, today).filter(
        pk__in=PanelMember.objects.filter(user=user, role=MemberRole.CHAIR).values("listing_id")
    )
    return qs, _listing_item("Chair the panel", "panels:listing")


def packs_to_read(*, user, today):
    """Chair: the chair's pack of each coming panel I chair."""
    qs = _upcoming_listings(user, today).filter(
        pk__in=PanelMember.objects.filter(user=user, role=MemberRole.CHAIR).values("listing_id")
    )
    return qs, _listing_item("Read the chair's pack", "panels:chairs_pack")


def declarations_outstanding(*, user, today):
    """Anyone on a coming panel: the information-sharing declaration not yet signed."""
    qs = _upcoming_listings(user, today).filter(
        pk__in=PanelMember.objects.filter(user=user, declared_at__isnull=True).values("listing_id")
    )
    return qs, _listing_item("Sign the declaration", "panels:listing")


def appeals_to_review(*, user):
    """Reviewer: open appeals routed to me, each with its next stage and due date."""
    stage = AppealStage.objects.filter(appeal=OuterRef("pk"), completed_on__isnull=True).order_by(
        "order"
    )
    qs = (
        Appeal.objects.filter(
            reviewer=user, status__in=OPEN_APPEAL_STATUSES, case__in=visible_case_ids(user)
        )
        .annotate(stage_rule=Subquery(stage.values("rule")[:1]))
        .annotate(due=Subquery(stage.values("due_on")[:1]))
        .select_related("case")
        .order_by(F("due").asc(nulls_last=True), "id")
    )

    def item(appeal: Appeal) -> Item:
        return Item(
            title=appeal.stage_rule or "Review the appeal",
            url=reverse("appeals:detail", args=[appeal.pk]),
            due=appeal.due,
            case_reference=appeal.case.reference,
            detail="Appeal lodged " + f"{appeal.lodged_on:%-d %B %Y}",
        )

    return qs, item


def area_breaches(*, user, areas, today):
    """Partnership admin: steps past their due date on cases in my areas."""
    qs = _live_deadlines(user).filter(case__area_id__in=areas, due__lt=today)
    return qs, _deadline_item


# -- the queues, by role --------------------------------------------------------------


def _queues_for(user, today):
    """(key, title, empty text, builder) for every queue the user's roles give them."""
    officer = user.areas_with_role(Role.CASE_OFFICER)
    spoc = user.areas_with_role(Role.SPOC) if user.agency_id else set()
    admin = user.areas_with_role(Role.AREA_ADMIN)
    chair = user.areas_with_role(Role.PANEL_CHAIR)
    reviewer = user.areas_with_role(Role.APPEAL_REVIEWER)
    queues = []
    if officer:
        queues.append(
            (
                "new_applications",
                "New applications to acknowledge",
                "No new applications.",
                lambda: new_applications(user=user, areas=officer),
            )
        )
        queues.append(
            (
                "case_steps",
                "Next steps on my cases",
                "No steps waiting on your cases.",
                lambda: my_case_steps(user=user, areas=officer),
            )
        )
    else:
        queues.append(
            (
                "my_deadlines",
                "Steps named as yours",
                "No steps named as yours.",
                lambda: my_deadlines(user=user),
            )
        )
    if spoc:
        queues.append(
            (
                "responses_owed",
                "Responses my agency owes",
                "Your agency owes no responses.",
                lambda: responses_owed(user=user, areas=spoc),
            )
        )
        queues.append(
            (
                "agency_actions",
                "Actions my agency owns",
                "Your agency has no open actions.",
                lambda: agency_actions(user=user),
            )
        )
        queues.append(
            (
                "agency_panels",
                "Panels my agency sits on",
                "Your agency is on no coming panels.",
                lambda: agency_panels(user=user, today=today),
            )
        )
    else:
        queues.append(
            (
                "my_actions",
                "My actions",
                "No open actions are yours.",
                lambda: my_actions(user=user),
            )
        )
    if chair:
        queues.append(
            (
                "meetings_i_chair",
                "Meetings I chair",
                "You chair no coming panels.",
                lambda: meetings_i_chair(user=user, today=today),
            )
        )
        queues.append(
            (
                "packs_to_read",
                "Chair's packs to read",
                "No packs to read.",
                lambda: packs_to_read(user=user, today=today),
            )
        )
    queues.append(
        (
            "declarations",
            "Declarations to sign",
            "No declarations waiting for you.",
            lambda: declarations_outstanding(user=user, today=today),
        )
    )
    if reviewer:
        queues.append(
            (
                "appeals",
                "Appeals to review",
                "No appeals routed to you.",
                lambda: appeals_to_review(user=user),
            )
        )
    if admin:
        queues.append(
            (
                "breaches",
                "Steps overdue in my areas",
                "Nothing overdue in your areas.",
                lambda: area_breaches(user=user, areas=admin, today=today),
            )
        )
    return queues, admin


def publication_due(*, user, today) -> Queue:
    """Partnership admin: the last financial year's figures, if not yet published."""
    from partnerships.models import Area
    from reporting.models import Publication

    year = today.year - 1 if today.month >= 4 else today.year - 2
    areas = Area.objects.filter(pk__in=user.areas_with_role(Role.AREA_ADMIN)).order_by("name")
    published = set(
        Publication.objects.filter(area__in=areas, year=year).values_list("area_id", flat=True)
    )
    items = [
        Item(
            title=f"Publish the {year}–{(year + 1) % 100:02d} figures",
            url=reverse("reporting:publish", args=[area.slug]),
            detail=area.name,
        )
        for area in areas
        if area.pk not in published
    ]
    return Queue(
        key="publication",
        title="Figures to publish",
        items=items,
        count=len(items),
        empty="Last year's figures are published.",
    )


def monitor_figures(*, user, today) -> Queue:
    """Monitor: the figures of each area they watch (counts only, never a person)."""
    from django.db.models import Count

    from cases.constants import OPEN_STATES
    from partnerships.models import Area

    areas = Area.objects.filter(pk__in=user.areas_with_role(Role.MONITOR)).order_by("name")
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    counts = {
        row["area_id"]: row
        for row in Case.objects.filter(area__in=areas)
        .values("area_id")
        .annotate(
            this_year=Count("pk", filter=Q(received_on__gte=start)),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        )
    }
    items = []
    for area in areas:
        row = counts.get(area.pk, {"this_year": 0, "open": 0})
        items.append(
            Item(
                title=f"{area.name}: {row['this_year']} applications since "
                f"{start:%-d %B %Y}, {row['open']} open",
                url=reverse("reporting:monitoring"),
            )
        )
    return Queue(
        key="figures",
        title="Figures",
        items=items,
        count=len(items),
        empty="No areas to monitor.",
        counts_as_work=False,
    )


def work_queue(*, user, today: dt.date | None = None) -> dict:
    """Every queue the user's roles give them, each overdue first then by due date."""
    today = today or timezone.localdate()
    built, admin = _queues_for(user, today)
    queues = []
    for key, title, empty, builder in built:
        qs, to_item = builder()
        rows = list(qs[: SHOWN + 1])
        count = len(rows) if len(rows) <= SHOWN else qs.count()
        items = _sorted([to_item(r) for r in rows[:SHOWN]], today)
        queues.append(Queue(key=key, title=title, items=items, count=count, empty=empty))
    if admin:
        queues.append(publication_due(user=user, today=today))
    if user.areas_with_role(Role.MONITOR):
        queues.append(monitor_figures(user=user, today=today))
    work = [q for q in queues if q.counts_as_work]
    return {
        "today": today,
        "queues": queues,
        "total": sum(q.count for q in work),
        "overdue": sum(q.overdue for q in work),
    }


def work_count(*, user, today: dt.date | None = None) -> int:
    """The number the navigation shows next to "Your work": the same queues, counted."""
    if not user.is_authenticated:
        return 0
    today = today or timezone.localdate()
    built, admin = _queues_for(user, today)
    total = _count_together([builder()[0] for _key, _title, _empty, builder in built])
    if admin:
        total += publication_due(user=user, today=today).count
    return total


def _count_together(querysets) -> int:
    """The sum of the querysets' counts, asked of the database in one statement: the
    navigation shows it on every staff page, and one round trip per queue (up to ten)
    cost more than the counting."""
    parts, params = [], []
    for qs in querysets:
        try:
            sql, sql_params = qs.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # e.g. ``pk__in=[]``: nothing to count
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q{len(parts)})")
        params.extend(sql_params)
    if not parts:
        return 0
    with connections[Case.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(parts), params)
        return cursor.fetchone()[0]


# -- the agency response (CR5) ---------------------------------------------------------


def involvement_for_spoc(*, user, case) -> CaseAgency | None:
    """The user's agency on this case, if they are its SPOC in the case's area and the
    agency is involved (else None: the response page is then not theirs)."""
    if not user.is_authenticated or not user.agency_id:
        return None
    if not user.has_role(Role.SPOC, case.area_id):
        return None
    return (
        CaseAgency.objects.filter(case=case, agency_id=user.agency_id)
        .select_related("agency", "responded_by")
        .first()
    )


def agency_responses(*, case) -> list[dict]:
    """Each body asked on the case: when, whether it answered, what it said, its view on
    the threshold, and whether anyone in the system can answer for it (else the CR5 form
    goes to it by post or email). The caller has checked the user may see the case."""
    from thresholds.selectors import current_views

    bodies = list(
        case.involvements.exclude(role=InvolvementRole.ADMINISTERING)
        .select_related("agency", "responded_by")
        .order_by("agency__name")
    )
    views = {v.agency_id: v for v in current_views(case)}
    in_system = set(
        role_holders(area_id=case.area_id, role=Role.SPOC)
        .filter(agency_id__in=[b.agency_id for b in bodies])
        .values_list("agency_id", flat=True)
    )
    return [
        {
            "involvement": body,
            "view": views.get(body.agency_id),
            "in_system": body.agency_id in in_system,
        }
        for body in bodies
    ]
