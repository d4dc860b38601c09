"""Reads that decide who sees what. Views never query ``Case.objects`` directly."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as Case_
from django.db.models import F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from cases.constants import OPEN_STATES, CaseState, RiskLevel
from cases.models import AccessLogEntry, Case, CaseAccessGrant, CaseAgency
from cases.search import case_search_filter
from partnerships.permissions import AREA_WIDE_ROLES


def case_involves_agency_filter(agency_id) -> Q:
    """Cases the agency is involved in: the part of the visibility rule an agency's own
    system (an API client, which is no person) is held to.

    """
    return Q(pk__in=CaseAgency.objects.filter(agency_id=agency_id).values("case_id"))


def _ways_in(user) -> list[QuerySet] | None:
    """The visibility rule's ways in for this user, each a query of case ids: named on
    the case, their agency involved, an area-wide role in its area. None for a superuser
    (every case). The caller has refused anyone not signed in or inactive.

    Built once per user object and kept on it while what they depend on is unchanged
    (as the roles themselves are read once per user object): a staff page asks for the
    rule up to seven times (the list, its count, every queue of the navigation's work
    count), and building the querysets cost more than running them. The querysets are
    never evaluated here, only used as subqueries, so whoever is named on a case since
    is still found when each one runs."""
    key = (user.pk, user.is_superuser, user.agency_id, user.role_pairs)
    kept = getattr(user, "_case_ways_in", None)  # through request.user's lazy wrapper
    if kept is not None and kept[0] == key:
        return kept[1]
    ways_in = _build_ways_in(user)
    user._case_ways_in = (key, ways_in)
    return ways_in


def _build_ways_in(user) -> list[QuerySet] | None:
    if user.is_superuser:
        return None
    ways_in = [CaseAccessGrant.objects.filter(user=user).order_by().values("case_id")]
    if user.agency_id:
        ways_in.append(
            CaseAgency.objects.filter(agency_id=user.agency_id).order_by().values("case_id")
        )
    areas = list(user.areas_with_role(*AREA_WIDE_ROLES))
    if areas:
        ways_in.append(Case.objects.filter(area_id__in=areas).order_by().values("pk"))
    return ways_in


def _ids_visible(user) -> QuerySet | None:
    """The case ids of the rule's ways in for this user; None for a superuser (every case)."""
    ways_in = _ways_in(user)
    if ways_in is None:
        return None
    # One list of case ids, a UNION of the three ways in: PostgreSQL joins it once and
    # estimates its size well, where an OR of subqueries is read once per case and
    # estimated as most of the table (which also sets off its JIT compiler).
    return ways_in[0].union(*ways_in[1:]) if len(ways_in) > 1 else ways_in[0]


def case_visibility_probe(user) -> Q:
    """The same rule as ``case_visibility_filter``, from the same ways in, as a test of
    each case (an OR of the ways in) rather than one set of ids: for reading cases in an
    index's order and stopping at a page, where joining the whole set then sorting it
    reads every case the user may see to keep a handful."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    ways_in = _ways_in(user)
    if ways_in is None:
        return Q()
    probe = Q(pk__in=ways_in[0])
    for way in ways_in[1:]:
        probe |= Q(pk__in=way)
    return probe


def case_visibility_filter(user) -> Q:
    """The case-visibility rule, written once.

    A user sees a case if they hold an area-wide role (partnership admin) in its area,
    or their agency is involved in it, or they were named on it (a panel chair from
    another agency, an appeal reviewer). Anyone else, including the Commissioner's
    monitors, sees no case and no personal data.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    ids = _ids_visible(user)
    return Q() if ids is None else Q(pk__in=ids)


def visible_case_ids(user) -> QuerySet:
    """The ids of the cases the user may see (``case_visibility_filter`` as a set of ids),
    for filtering records that belong to a case: ``case__in=visible_case_ids(user)``.
    The set itself, not the cases table filtered by it, so the database need not read
    the cases to find them."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none().values("pk")
    ids = _ids_visible(user)
    return Case.objects.order_by().values("pk") if ids is None else ids


def case_visible_to(*, user) -> QuerySet[Case]:
    return Case.objects.filter(case_visibility_filter(user))


def user_can_see_case(user, case: Case) -> bool:
    return case_visible_to(user=user).filter(pk=case.pk).exists()


def case_get(*, user, reference: str) -> Case:
    """The case with this reference, if the user may see it (404 hides its existence)."""
    if not user.has_perm("cases.view_case_list") and not user.is_superuser:
        raise PermissionDenied
    if "\x00" in reference:  # PostgreSQL refuses NUL in text; no reference holds one
        raise Http404("No case with that reference that you can see.")
    try:
        case = (
            case_visible_to(user=user)
            .select_related(
                "area",
                "procedure_version__procedure",
                "applicant",
                "victim",
                "case_officer",
                "forwarded_by_agency",
            )
            .get(reference=reference)
        )
    except Case.DoesNotExist as exc:
        raise Http404("No case with that reference that you can see.") from exc
    from cases.hooks import access_refusal

    if (refusal := access_refusal(user, case)) is not None:
        raise refusal
    return case


def case_seen_through_own_work(user, case: Case) -> bool:
    """The user sees the case through their area-wide role or their agency's involvement,
    not only because they were named on it (a panel chair or member from another agency,
    an appeal reviewer)."""
    if user.is_superuser:
        return True
    if case.area_id in set(user.areas_with_role(*AREA_WIDE_ROLES)):
        return True
    return bool(
        user.agency_id
        and CaseAgency.objects.filter(case_id=case.pk, agency_id=user.agency_id).exists()
    )


# The columns the case list can be sorted by: what the page's ?sort= may name, and
# nothing else (an unknown or hostile value sorts by the default).
_STATE_ORDER = Case_(
    *[When(state=state, then=Value(i)) for i, state in enumerate(CaseState.values)],
    default=Value(len(CaseState.values)),
)
_RISK_ORDER = Case_(
    When(current_risk_level=RiskLevel.HIGH, then=Value(3)),
    When(current_risk_level=RiskLevel.MEDIUM, then=Value(2)),
    When(current_risk_level=RiskLevel.LOW, then=Value(1)),
    default=Value(0),
)
CASE_LIST_SORTS = {
    "reference": ("reference",),
    "victim": ("victim__name",),
    "area": ("area__name",),
    "received": ("received_on",),
    "state": (_STATE_ORDER,),
    "deadline": ("next_due",),
    "officer": ("case_officer__last_name", "case_officer__first_name"),
    "risk": (_RISK_ORDER,),
}
DEFAULT_SORT = "-received"


def case_list_sort(value: str | None) -> tuple[str, bool]:
    """(column, descending) for a ?sort= value; the default for anything unknown."""
    value = value or DEFAULT_SORT
    column, descending = value.removeprefix("-"), value.startswith("-")
    if column not in CASE_LIST_SORTS:
        return case_list_sort(DEFAULT_SORT)
    return column, descending


def _ordering(column: str, descending: bool) -> list:
    out = []
    for key in CASE_LIST_SORTS[column]:
        expr = F(key) if isinstance(key, str) else key
        out.append(expr.desc(nulls_last=True) if descending else expr.asc(nulls_last=True))
    tiebreak = "-id" if descending else "id"
    return [*out, tiebreak]


CASE_LIST_RELATED = ("area", "victim", "case_officer")


def case_list_rows(ids) -> list[Case]:
    """The case list's rows for these case ids (taken from ``case_list``, so already
    visible to the user), in the order given, each with its area, victim, officer and
    ``next_due``."""
    from cases.hooks import next_due_expression

    rows = Case.objects.filter(pk__in=ids).select_related(*CASE_LIST_RELATED).order_by()
    by_id = {case.pk: case for case in rows.annotate(next_due=next_due_expression())}
    return [by_id[pk] for pk in ids if pk in by_id]


# When pages are read in index order: each case passed over costs a probe, so far pages,
# and users who see few cases (whose cases lie far apart in the index), are cheaper
# sorted from the rule's ids, which are then few.
INDEX_ORDER_ROWS = 500
INDEX_ORDER_MIN_CASES = 2000


def case_list_newest_first(user) -> QuerySet[Case]:
    """The cases the user may see, newest received first (``case_list``'s default order,
    with no filter), tested one by one against the visibility rule as the cases'
    newest-first index is read: the first page is read without sorting them all."""
    # The list's order, less its NULLS LAST: received_on is never null, and the index
    # (which SQLite cannot write with NULLS LAST) is in plain descending order.
    return Case.objects.filter(case_visibility_probe(user)).order_by("-received_on", "-id")


class CaseListPaginator(Paginator):
    """Pages of ``case_list``: the page's case ids first, sorted and cut on the cases
    alone, then those rows with their area, victim and officer (``case_list_rows``).

    One query more than a plain paginator, but the database no longer joins every case
    the user can see (thousands, for an officer) to its victim and officer only to sort
    them and keep one page."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_of: QuerySet | None = None,
        in_index_order: QuerySet | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.count_of = count_of
        self.in_index_order = in_index_order

    def page(self, number):
        """With ``in_index_order`` (``case_list_newest_first``, for the list in its
        default order with no filter), the first pages of a user who sees many cases are
        read from the cases' newest-first index, testing each case against the rule
        until the page is full; other pages and lists sort the ids the rule gives."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if (
            self.in_index_order is not None
            and top <= INDEX_ORDER_ROWS
            and self.count >= INDEX_ORDER_MIN_CASES
        ):
            ids = list(self.in_index_order.values_list("pk", flat=True)[bottom:top])
            return self._get_page(case_list_rows(ids), number, self)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        """With ``count_of`` (the user's ``visible_case_ids``, for a list with no filter),
        the number of ids in that set: the same number, without reading the cases."""
        if self.count_of is not None:
            return self.count_of.count()
        return Paginator.count.func(self)

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            object_list = case_list_rows(list(object_list.values_list("pk", flat=True)))
        return super()._get_page(object_list, number, paginator)


def case_list(*, user, filters: dict | None = None, sort: str | None = None) -> QuerySet[Case]:
    """Cases the user may see, filtered and sorted; a constant number of queries whatever
    the page size. Each case carries ``next_due``, its earliest live deadline (or None)."""
    filters = filters or {}
    qs = case_visible_to(user=user).select_related(*CASE_LIST_RELATED)
    if area := filters.get("area"):
        qs = qs.filter(area__slug=area)
    if state := filters.get("state"):
        if state == "open":
            qs = qs.filter(state__in=OPEN_STATES)
        else:
            qs = qs.filter(state=state)
    if officer := filters.get("officer"):
        qs = qs.filter(case_officer_id=officer)
    if agency := filters.get("agency"):
        qs = qs.filter(pk__in=CaseAgency.objects.filter(agency__slug=agency).values("case_id"))
    if risk := filters.get("risk"):
        qs = qs.filter(current_risk_level=risk)
    if received_from := filters.get("received_from"):
        qs = qs.filter(received_on__gte=received_from)
    if received_to := filters.get("received_to"):
        qs = qs.filter(received_on__lte=received_to)
    if filters.get("overdue"):
        from cases.hooks import overdue_case_filter

        qs = qs.filter(overdue_case_filter(today=timezone.localdate()))
    if q := (filters.get("q") or "").strip():
        found = qs.filter(case_search_filter(q))
        if not found.exists():  # nothing: try names spelt differently
            found = qs.filter(case_search_filter(q, fuzzy=True))
        qs = found
    from cases.hooks import next_due_expression

    qs = qs.annotate(next_due=next_due_expression())
    return qs.order_by(*_ordering(*case_list_sort(sort)))


def possible_repeat_applications(case: Case) -> QuerySet[Case]:
    """Earlier applications for the same victim (same name and postcode) in the same area."""
    victim = case.victim
    same = Q(victim_id=victim.pk)
    if victim.postcode:
        same |= Q(victim__name__iexact=victim.name, victim__postcode__iexact=victim.postcode)
    return (
        Case.objects.filter(area_id=case.area_id)
        .filter(same)
        .exclude(pk=case.pk)
        .filter(received_on__lte=case.received_on)
        .order_by("-received_on")
    )


def agencies_involved(case: Case) -> QuerySet[CaseAgency]:
    return case.involvements.select_related("agency").order_by("role", "agency__name")


def timeline_for(*, case: Case, kind: str | None = None):
    qs = case.timeline.select_related("actor", "actor_agency")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def officer_details(case: Case) -> dict | None:
    """The case officer's name and contacts, as letters and the chair's pack give them."""
    officer = case.case_officer
    if officer is None:
        return None
    return {
        "name": str(officer),
        "title": officer.job_title,
        "phone": officer.phone,
        "email": officer.email,
        "agency": officer.agency.name if officer.agency_id else "",
    }


def access_log_for(*, user) -> QuerySet[AccessLogEntry]:
    """The access log entries the user may read, newest first: everything for a superuser;
    for an area admin, what happened in their areas, and the searches (which belong to no
    area) made by anyone with a role in them. Anyone else is refused.

    One ``IN`` on the users with a role there, not a join: a join to the role assignments
    repeats an entry once per role its user holds, and the ``DISTINCT`` that undoes it
    sorts the whole log before the page count can be taken (0.9 s on two million entries).
    """
    from partnerships.models import Area, RoleAssignment

    entries = AccessLogEntry.objects.select_related("user", "user_agency", "case", "area")
    if user.is_superuser:
        return entries
    areas = [
        area.pk
        for area in Area.objects.filter(pk__in={a for _, a in user.role_pairs})
        if user.has_perm("cases.view_access_log", area)
    ]
    if not areas:
        raise PermissionDenied
    staff_there = RoleAssignment.objects.filter(area_id__in=areas).values("user_id")
    return entries.filter(Q(area_id__in=areas) | Q(area__isnull=True, user_id__in=staff_there))
