"""One loader for reference data (areas, agencies, procedures, demo staff).

Used by the test suite and by ``manage.py load_demo``; idempotent: running it again
updates what changed and duplicates nothing.
"""

import copy
import functools
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from partnerships.models import Agency, Area, EscalationContact, Procedure, RoleAssignment, User
from partnerships.procedures import procedure_save_version

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "case-review-demo"


def load_procedures(directory: Path | None = None) -> list:
    directory = directory or FIXTURES_DIR / "procedures"
    return [
        procedure_save_version(text=path.read_text(), change_note=f"Loaded from {path.name}")
        for path in sorted(directory.glob("*.yaml"))
    ]


@functools.lru_cache(maxsize=2)
def _parsed_reference(text: str) -> dict:
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _reference_yaml(text: str) -> dict:
    """reference.yaml as data, parsed once per process for the same text (libyaml when
    PyYAML has it); a deep copy, so the caller may change it."""
    return copy.deepcopy(_parsed_reference(text))


@transaction.atomic
def load_reference_data(*, with_users: bool = True) -> dict:
    """Load the seed areas, agencies, procedures and (optionally) demo staff."""
    data = _reference_yaml((FIXTURES_DIR / "reference.yaml").read_text())
    load_procedures(FIXTURES_DIR / data["procedures_dir"])
    procedures = {p.slug: p for p in Procedure.objects.all()}

    areas = {}
    for row in data["areas"]:
        area, _ = Area.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "nation": row["nation"],
                "procedure": procedures[row["procedure"]],
                "police_force_area": row["police_force_area"],
                "reference_prefix": row["reference_prefix"],
                "postcode_districts": row.get("postcode_districts", []),
            },
        )
        areas[area.slug] = area

    agencies = {}
    for row in data["agencies"]:
        agency, _ = Agency.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "spoc_email": row.get("spoc_email", ""),
                "spoc_name": row.get("spoc_name", ""),
                "spoc_phone": row.get("spoc_phone", ""),
            },
        )
        agency.areas.set([areas[a] for a in row["areas"]])
        agencies[agency.slug] = agency

    for row in data["areas"]:
        area = areas[row["slug"]]
        area.administering_agency = agencies[row["administering_agency"]]
        area.save(update_fields=["administering_agency", "updated_at"])

    for row in data.get("escalation_contacts", []):
        EscalationContact.objects.update_or_create(
            agency=agencies[row["agency"]],
            level=row["level"],
            defaults={"name": row["name"], "job_title": row["job_title"], "email": row["email"]},
        )

    users = {}
    if with_users:
        # Every demo user shares the published demo password: hash it once, not per user
        # (PBKDF2 is deliberately slow; 35 hashes made `make run` wait a minute).
        demo_hash = make_password(DEMO_PASSWORD)
        for row in data["users"]:
            user, created = User.objects.update_or_create(
                username=row["username"],
                defaults={
                    "first_name": row["first"],
                    "last_name": row["last"],
                    "email": f"{row['username']}@demo.example",
                    "agency": agencies[row["agency"]],
                    "job_title": row["title"],
                },
            )
            if created or not user.has_usable_password():
                user.password = demo_hash
                user.save(update_fields=["password"])
            for area_slug, roles in row["roles"].items():
                for role in roles:
                    RoleAssignment.objects.get_or_create(
                        user=user, role=role, area=areas[area_slug]
                    )
            users[user.username] = user
        for row in data["users"]:
            if manager := row.get("line_manager"):
                User.objects.filter(username=row["username"]).update(line_manager=users[manager])
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={
                "first_name": "System",
                "last_name": "Administrator",
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@demo.example",
            },
        )
        if created:
            admin.password = demo_hash
            admin.save(update_fields=["password"])
    return {"areas": areas, "agencies": agencies, "users": users}


def demo_users() -> list[dict]:
    data = yaml.safe_load((FIXTURES_DIR / "reference.yaml").read_text())
    return data["users"]
