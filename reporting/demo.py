"""Demo publications: the last complete financial year published for every demo area.

Idempotent: a year already published for an area is left alone.
"""

from partnerships.constants import Role
from partnerships.models import Area, RoleAssignment
from reporting.models import Publication
from reporting.periods import last_complete_financial_year
from reporting.services import publication_publish


def load_demo(stdout) -> None:
    year = last_complete_financial_year()
    published = 0
    for area in Area.objects.order_by("name"):
        if Publication.objects.filter(area=area, year=year).exists():
            continue
        admin = (
            RoleAssignment.objects.filter(area=area, role=Role.AREA_ADMIN)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        publication_publish(area=area, year=year, by=admin.user if admin else None)
        published += 1
    stdout.write(f"reporting: published {year}-{str(year + 1)[-2:]} figures for {published} areas")
