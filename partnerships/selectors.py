from collections import defaultdict

from django.urls import reverse

from partnerships.constants import Role
from partnerships.models import Area

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
        ("Audit trail check, erasure due and legal holds", "audit:area", True),
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
