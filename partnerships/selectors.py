from collections import defaultdict

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.constants import WORKING_ROLES, PickPurpose, Role
from partnerships.models import Agency, Area, RoleAssignment, User

HOME_LINKS = {
    # role: [(label, url name, takes the area slug?)]
    Role.CASE_OFFICER: [
        ("Cases", "cases:list", False),
        ("Record an application", "cases:receive", False),
        ("My work: deadlines", "deadlines:mine", False),
        ("Deadlines dashboard", "deadlines:dashboard", True),
        ("Review suggested from the incident log", "thresholds:queue", False),
        ("Panel meetings", "panels:meetings", False),
        ("Letters to print and post", "letters:print_queue", False),
        ("Appeals", "appeals:list", False),
    ],
    Role.SPOC: [
        ("Cases involving my agency", "cases:list", False),
        ("Record an application", "cases:receive", False),
        ("My work: deadlines", "deadlines:mine", False),
        ("My actions", "panels:my_actions", False),
    ],
    Role.PANEL_CHAIR: [
        ("Cases I chair or can see", "cases:list", False),
        ("My actions", "panels:my_actions", False),
    ],
    Role.PANEL_MEMBER: [
        ("My actions", "panels:my_actions", False),
        ("Cases I can see", "cases:list", False),
    ],
    Role.APPEAL_REVIEWER: [("Appeals routed to me", "appeals:list", False)],
    Role.AREA_ADMIN: [
        ("All cases in the area", "cases:list", False),
        ("Deadlines dashboard", "deadlines:dashboard", True),
        ("The area's procedure", "partnerships:procedure", True),
        ("Letter wording and branding", "letters:area_settings", True),
        ("Import incidents from an agency", "thresholds:import", False),
        ("Review suggested from the incident log", "thresholds:queue", False),
        ("Statistics", "reporting:index", False),
        ("Publish the year's figures", "reporting:publish_list", False),
        ("Access log", "cases:access_log", False),
        ("Staff sign-in: lockouts and second factors", "partnerships:sign_in", True),
        ("Subject access requests", "privacy:list", True),
        ("Audit trail check, erasure due and legal holds", "audit:area", True),
        ("Agency system credentials (API)", "api_clients:list", True),
    ],
    Role.MONITOR: [
        ("Monitoring across the force area", "reporting:monitoring", False),
        ("Statistics", "reporting:index", False),
    ],
}


def user_roles_by_area(*, user) -> list[tuple[Area, list[str]]]:
    by_area: dict[int, list[str]] = defaultdict(list)
    for assignment in user.role_assignments.all():
        by_area[assignment.area_id].append(assignment.get_role_display())
    areas = Area.objects.in_bulk(list(by_area))
    return [(areas[a], sorted(roles)) for a, roles in by_area.items()]


def home_summary(*, user) -> dict:
    """What the staff home page shows: the user's agency, and per area the pages their
    roles there lead to (each page still checks its own permission)."""
    by_area: dict[int, set[str]] = defaultdict(set)
    for role, area_id in user.role_pairs:
        by_area[area_id].add(role)
    areas = Area.objects.in_bulk(list(by_area))
    sections = []
    for area_id, roles in sorted(by_area.items(), key=lambda item: areas[item[0]].name):
        area = areas[area_id]
        links, seen = [], set()
        for role in Role.values:
            if role not in roles:
                continue
            for label, name, takes_area in HOME_LINKS[role]:
                url = reverse(name, args=[area.slug]) if takes_area else reverse(name)
                if url not in seen:
                    seen.add(url)
                    links.append((label, url))
        labels = sorted(Role(r).label for r in roles)
        sections.append({"area": area, "roles": labels, "links": links})
    return {
        "agency": user.agency,
        "sections": sections,
        "role_codes": sorted({r for r, _ in user.role_pairs}),
    }


# -- pick-lists ----------------------------------------------------------------
# A name and an agency are personal data too: every drop-down that offers staff or
# agencies for a case is scoped here, and the services check a chosen id against the
# same scope, so an id from another area is refused even if it was never in the list.

_ROLE_FOR_PURPOSE = {
    PickPurpose.CASE_OFFICER: Role.CASE_OFFICER,
    PickPurpose.APPEAL_REVIEWER: Role.APPEAL_REVIEWER,
}


def _area_id(case, area) -> int:
    if case is not None:
        return case.area_id
    if area is None:
        raise ValueError("Give the case or the area the pick-list is for.")
    return getattr(area, "pk", area)


def staff_choosable_for(*, purpose: str, case=None, area=None) -> QuerySet[User]:
    """The people a pick-list may offer for a case (least privilege).

    Case officers and appeal reviewers: people holding that role in the case's area. A
    reviewer or chair from another partnership (Hertsmere's appeals are heard by Watford)
    is offered because the area gave them the role, not because of their agency.
    Panel members and action owners: people with a working role in the case's area, and
    staff of the agencies involved in the case; never a monitor who only sees statistics.
    """
    area_id = _area_id(case, area)
    people = User.objects.filter(is_active=True)
    role = _ROLE_FOR_PURPOSE.get(purpose)
    if role is not None:
        holders = RoleAssignment.objects.filter(area_id=area_id, role=role)
        return (
            people.filter(pk__in=holders.values("user_id"))
            .select_related("agency")
            .order_by("last_name", "first_name", "username")
        )
    if purpose not in (PickPurpose.PANEL_MEMBER, PickPurpose.ACTION_OWNER):
        raise ValueError(f"No pick-list scope for {purpose!r}.")
    working_here = RoleAssignment.objects.filter(area_id=area_id, role__in=WORKING_ROLES)
    rule = Q(pk__in=working_here.values("user_id"))
    if case is not None:
        working_anywhere = RoleAssignment.objects.filter(role__in=WORKING_ROLES)
        monitors_only = RoleAssignment.objects.filter(role=Role.MONITOR).exclude(
            user_id__in=working_anywhere.values("user_id")
        )
        rule |= Q(agency_id__in=case.involvements.values("agency_id")) & ~Q(
            pk__in=monitors_only.values("user_id")
        )
    return (
        people.filter(agency__isnull=False)
        .filter(rule)
        .select_related("agency")
        .order_by("last_name", "first_name", "username")
    )


def agencies_choosable_for(*, case=None, area=None) -> QuerySet[Agency]:
    """The agencies a pick-list may offer for a case: the area's agencies, its
    administering body and the agencies involved in the case (never another area's)."""
    area_id = _area_id(case, area)
    rule = Q(areas__id=area_id) | Q(administered_areas__id=area_id)
    if case is not None:
        rule |= Q(pk__in=case.involvements.values("agency_id"))
    ids = Agency.objects.filter(rule).values("pk")
    return Agency.objects.filter(pk__in=ids).order_by("name")


def staff_choosable_check(*, purpose: str, person, field: str, case=None, area=None) -> None:
    """Refuse a person outside the pick-list's scope (the message does not name them)."""
    if person is None:
        return
    if not staff_choosable_for(purpose=purpose, case=case, area=area).filter(pk=person.pk).exists():
        where = case.area.name if case is not None else Area.objects.get(pk=_area_id(case, area))
        raise ValidationError(
            {
                field: f"Choose a {PickPurpose(purpose).label.lower()} from the list: that "
                f"person cannot be chosen for a case in {where}."
            }
        )


def agency_choosable_check(*, agency, field: str, case=None, area=None) -> None:
    """Refuse an agency outside the case's area and the agencies involved in it."""
    if agency is None:
        return
    if not agencies_choosable_for(case=case, area=area).filter(pk=agency.pk).exists():
        raise ValidationError(
            {field: "Choose an agency from the list: that agency does not work on this case."}
        )


def area_staff_sign_in(*, area) -> list[dict]:
    """Each person with a role in ``area``: locked out after wrong passwords, whether they have
    set up an authenticator app, and how many backup codes they have left."""
    users = list(
        User.objects.filter(role_assignments__area=area)
        .distinct()
        .order_by("last_name", "first_name")
    )
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = dict(
        AccessAttempt.objects.filter(
            username__in=[u.username for u in users], attempt_time__gte=since
        )
        .values_list("username")
        .annotate(n=Sum("failures_since_start"))
    )
    with_app = set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )
    codes_left: dict[int, int] = defaultdict(int)
    for user_id in StaticToken.objects.filter(device__user__in=users).values_list(
        "device__user_id", flat=True
    ):
        codes_left[user_id] += 1
    return [
        {
            "user": u,
            "locked": failures.get(u.username, 0) >= settings.AXES_FAILURE_LIMIT,
            "failures": failures.get(u.username, 0),
            "has_app": u.pk in with_app,
            "backup_codes_left": codes_left[u.pk],
            "manageable": not (u.is_staff or u.is_superuser),
        }
        for u in users
    ]


def agency_name_for_slug(slug) -> str | None:
    """An agency's name from its slug (the ``agency_name`` word filter), or None."""
    return Agency.objects.filter(slug=slug).values_list("name", flat=True).first()


def role_holders(*, area_id: int, role: str) -> QuerySet:
    """The active staff holding ``role`` in the area (each once)."""
    return User.objects.filter(
        is_active=True, role_assignments__area_id=area_id, role_assignments__role=role
    ).distinct()


def spocs_of(*, agency, area) -> list:
    """The people who answer for an agency on a case in this area: its SPOCs there."""
    return list(role_holders(area_id=area.pk, role=Role.SPOC).filter(agency=agency))
