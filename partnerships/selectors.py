from collections import defaultdict

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.constants import Role
from partnerships.models import Area, User

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
