"""Demo publications and data returns: the last complete financial year published, and
its data return produced, for every demo area.

Idempotent: a year already published for an area is left alone, and a data return is
only kept again when its figures have changed.
"""

from partnerships.constants import Role
from partnerships.models import Area, RoleAssignment
from reporting.models import Publication
from reporting.periods import last_complete_financial_year
from reporting.services import data_return_produce, publication_publish


def load_demo(stdout) -> None:
    year = last_complete_financial_year()
    published = returned = 0
    for area in Area.objects.order_by("name"):
        admin = (
            RoleAssignment.objects.filter(area=area, role=Role.AREA_ADMIN)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        by = admin.user if admin else None
        if not Publication.objects.filter(area=area, year=year).exists():
            publication_publish(area=area, year=year, by=by)
            published += 1
        returned += data_return_produce(area=area, year=year, by=by)[1]
    label = f"{year}-{str(year + 1)[-2:]}"
    stdout.write(
        f"reporting: published {label} figures for {published} areas, "
        f"produced {returned} data returns"
    )
