from collections import defaultdict

from partnerships.constants import Role
from partnerships.models import Area

HOME_LINKS = {
    Role.CASE_OFFICER: [("Cases", "cases:list"), ("Record an application", "cases:receive")],
    Role.SPOC: [
        ("Cases involving my agency", "cases:list"),
        ("Record an application", "cases:receive"),
    ],
    Role.PANEL_CHAIR: [("Cases I can see", "cases:list")],
    Role.PANEL_MEMBER: [("Cases I can see", "cases:list")],
    Role.APPEAL_REVIEWER: [("Cases routed to me", "cases:list")],
    Role.AREA_ADMIN: [
        ("All cases in my area", "cases:list"),
        ("Manage the area's procedure", "partnerships:procedures"),
        ("Access log", "cases:access_log"),
    ],
    Role.MONITOR: [],
}


def user_roles_by_area(*, user) -> list[tuple[Area, list[str]]]:
    by_area: dict[int, list[str]] = defaultdict(list)
    for assignment in user.role_assignments.all():
        by_area[assignment.area_id].append(assignment.get_role_display())
    areas = Area.objects.in_bulk(list(by_area))
    return [(areas[a], sorted(roles)) for a, roles in by_area.items()]


def home_summary(*, user) -> dict:
    """What the staff home page shows for this user."""
    roles = {r for r, _ in user.role_pairs}
    links = []
    seen = set()
    for role in Role.values:
        if role in roles:
            for label, name in HOME_LINKS[role]:
                if name not in seen:
                    seen.add(name)
                    links.append((label, name))
    return {
        "agency": user.agency,
        "roles_by_area": user_roles_by_area(user=user),
        "role_codes": sorted(roles),
        "links": links,
    }
