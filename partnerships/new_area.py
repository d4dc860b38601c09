"""A new partnership from one small YAML file: the area, its agencies and their SPOCs, its
staff and their roles, and a copy of an existing procedure. All of it is checked first;
then everything is created in one transaction, or nothing (docs/new-area.md).

``new_area_check(text)`` returns the plan or the problems (each naming the line and field);
``new_area_create(*, text, by)`` checks again and creates. The management command
``new_area`` and the system admin's page both call these.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction

from partnerships.constants import AgencyKind, Nation, Role
from partnerships.models import Agency, Area, Procedure, RoleAssignment, User
from partnerships.procedures import (
    InvalidProcedure,
    ProcedureError,
    error_line,
    load_yaml,
    procedure_save_version,
)

SECTIONS = ("area", "procedure", "agencies", "staff")
AREA_FIELDS = {
    "slug": True,
    "name": True,
    "nation": True,
    "police_force_area": True,
    "reference_prefix": True,
    "postcode_districts": False,
    "administering_agency": True,
}
PROCEDURE_FIELDS = {"copy": True, "slug": False, "name": True}
AGENCY_FIELDS = {"slug": True, "name": False, "kind": False, "spoc": False, "existing": False}
SPOC_FIELDS = ("name", "email", "phone")
STAFF_FIELDS = {
    "username": True,
    "first_name": True,
    "last_name": True,
    "email": True,
    "agency": True,
    "job_title": False,
    "roles": True,
}
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
_PREFIX = re.compile(r"^[A-Z]{2,6}$")
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


@dataclass
class Plan:
    """What the file will create, checked: shown on the page before the admin confirms."""

    area: dict
    procedure: dict
    new_agencies: list[dict] = field(default_factory=list)
    existing_agencies: list[str] = field(default_factory=list)
    existing_names: dict[str, str] = field(default_factory=dict)
    staff: list[dict] = field(default_factory=list)


class NewAreaError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _text(value, path, errors, *, required=True, limit=200) -> str:
    if value is None or value == "":
        if required:
            errors.append(ProcedureError(path, "This is required."))
        return ""
    if not isinstance(value, str):
        errors.append(ProcedureError(path, "Write this as text."))
        return ""
    value = " ".join(value.split())
    if "\x00" in value:
        errors.append(ProcedureError(path, "Remove the hidden (NUL) character."))
    elif len(value) > limit:
        errors.append(ProcedureError(path, f"Shorten this to {limit} characters or fewer."))
    return value


def _slug(value, path, errors, *, limit=50) -> str:
    value = _text(value, path, errors, limit=limit)
    if value:
        try:
            validate_slug(value)
        except ValidationError:
            errors.append(
                ProcedureError(
                    path, "Use lower-case letters, numbers and hyphens only, e.g. three-rivers."
                )
            )
            return ""
    return value


def _mapping(value, path, allowed: dict | tuple, errors) -> dict:
    if not isinstance(value, dict):
        errors.append(ProcedureError(path, "Give this as a mapping of fields."))
        return {}
    for key in sorted(set(value) - set(allowed), key=str):
        errors.append(
            ProcedureError(
                f"{path}.{key}", f"'{key}' is not a field here. Use: {', '.join(allowed)}."
            )
        )
    return value


def _check(data) -> tuple[Plan | None, list[ProcedureError]]:
    errors: list[ProcedureError] = []
    if not isinstance(data, dict):
        return None, [ProcedureError("(file)", f"Give the sections {', '.join(SECTIONS)}.")]
    for key in sorted(set(data) - set(SECTIONS), key=str):
        errors.append(ProcedureError(str(key), f"Unknown section. Use: {', '.join(SECTIONS)}."))

    # -- the agencies: new ones with their SPOC, or existing ones joining the area ---------
    agencies = data.get("agencies")
    new_agencies, existing, slugs = [], [], set()
    if not isinstance(agencies, list) or not agencies:
        errors.append(ProcedureError("agencies", "List the area's agencies (at least one)."))
        agencies = []
    for i, row in enumerate(agencies):
        path = f"agencies[{i}]"
        row = _mapping(row, path, AGENCY_FIELDS, errors)
        slug = _slug(row.get("slug"), f"{path}.slug", errors)
        if slug in slugs:
            errors.append(ProcedureError(f"{path}.slug", f"'{slug}' is listed twice."))
        slugs.add(slug)
        if row.get("existing") is True:
            if slug and not Agency.objects.filter(slug=slug).exists():
                errors.append(
                    ProcedureError(
                        f"{path}.slug", f"There is no agency '{slug}' to add to this area."
                    )
                )
            for key in sorted(set(row) - {"slug", "existing"}):
                errors.append(
                    ProcedureError(
                        f"{path}.{key}", "An existing agency keeps its details; leave this out."
                    )
                )
            existing.append(slug)
            continue
        if "existing" in row and row["existing"] is not False:
            errors.append(ProcedureError(f"{path}.existing", "Use true or false."))
        if slug and Agency.objects.filter(slug=slug).exists():
            errors.append(
                ProcedureError(
                    f"{path}.slug",
                    f"An agency '{slug}' already exists. Add 'existing: true' to add it to this "
                    "area, or choose another slug.",
                )
            )
        kind = row.get("kind")
        if kind not in AgencyKind.values:
            errors.append(
                ProcedureError(f"{path}.kind", f"Use one of {', '.join(AgencyKind.values)}.")
            )
        spoc = _mapping(row.get("spoc", {}), f"{path}.spoc", SPOC_FIELDS, errors)
        email = _text(spoc.get("email"), f"{path}.spoc.email", errors, required=False, limit=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    ProcedureError(
                        f"{path}.spoc.email", "Enter an email address, like name@example.org."
                    )
                )
        new_agencies.append(
            {
                "slug": slug,
                "name": _text(row.get("name"), f"{path}.name", errors),
                "kind": kind,
                "spoc_name": _text(spoc.get("name"), f"{path}.spoc.name", errors, required=False),
                "spoc_email": email,
                "spoc_phone": _text(
                    spoc.get("phone"), f"{path}.spoc.phone", errors, required=False, limit=50
                ),
            }
        )

    # -- the area --------------------------------------------------------------------------
    area = _mapping(data.get("area"), "area", AREA_FIELDS, errors)
    for key, required in AREA_FIELDS.items():
        if required and key not in area:
            errors.append(ProcedureError(f"area.{key}", "This is required."))
    area_slug = _slug(area.get("slug"), "area.slug", errors) if area else ""
    if area_slug and Area.objects.filter(slug=area_slug).exists():
        errors.append(ProcedureError("area.slug", f"An area '{area_slug}' already exists."))
    if area and area.get("nation") not in Nation.values:
        errors.append(ProcedureError("area.nation", f"Use one of {', '.join(Nation.values)}."))
    prefix = (
        _text(area.get("reference_prefix"), "area.reference_prefix", errors, limit=6)
        if area
        else ""
    )
    if prefix and not _PREFIX.match(prefix):
        errors.append(
            ProcedureError("area.reference_prefix", "Use 2 to 6 capital letters, e.g. TRV.")
        )
    elif prefix and Area.objects.filter(reference_prefix=prefix).exists():
        errors.append(
            ProcedureError("area.reference_prefix", f"Another area's references start {prefix}.")
        )
    districts = area.get("postcode_districts", []) if area else []
    if not isinstance(districts, list):
        errors.append(ProcedureError("area.postcode_districts", "Give a list, e.g. [WD3, WD4]."))
        districts = []
    for i, d in enumerate(districts):
        if not isinstance(d, str) or not _OUTWARD.match(d.upper().strip()):
            errors.append(
                ProcedureError(f"area.postcode_districts[{i}]", "Give an outward code, e.g. WD3.")
            )
    administering = area.get("administering_agency") if area else None
    if not isinstance(administering, str):
        administering = None
    if area and administering not in slugs:
        errors.append(
            ProcedureError(
                "area.administering_agency",
                "Name one of the agencies listed under 'agencies' (its slug).",
            )
        )

    # -- the procedure to copy -------------------------------------------------------------
    proc = _mapping(data.get("procedure"), "procedure", PROCEDURE_FIELDS, errors)
    source = None
    copy = proc.get("copy")
    if proc and not (
        isinstance(copy, str) and (source := Procedure.objects.filter(slug=copy).first())
    ):
        known = ", ".join(Procedure.objects.order_by("slug").values_list("slug", flat=True))
        errors.append(
            ProcedureError("procedure.copy", f"Name a procedure to copy: one of {known}.")
        )
    proc_slug = _slug(proc.get("slug") or area_slug, "procedure.slug", errors) if proc else ""
    if proc_slug and Procedure.objects.filter(slug=proc_slug).exists():
        errors.append(
            ProcedureError(
                "procedure.slug", f"A procedure '{proc_slug}' already exists; choose another slug."
            )
        )
    proc_name = _text(proc.get("name"), "procedure.name", errors) if proc else ""

    # -- the staff and their roles ---------------------------------------------------------
    staff_rows = data.get("staff", [])
    staff, usernames = [], set()
    if not isinstance(staff_rows, list):
        errors.append(ProcedureError("staff", "List the staff, each with a username and roles."))
        staff_rows = []
    for i, row in enumerate(staff_rows):
        path = f"staff[{i}]"
        row = _mapping(row, path, STAFF_FIELDS, errors)
        username = _text(row.get("username"), f"{path}.username", errors, limit=150)
        if username and not _USERNAME.match(username):
            errors.append(
                ProcedureError(f"{path}.username", "Use letters, numbers and . @ + - _ only.")
            )
        elif username and (
            username in usernames or User.objects.filter(username=username).exists()
        ):
            errors.append(
                ProcedureError(f"{path}.username", f"The username '{username}' is taken.")
            )
        usernames.add(username)
        email = _text(row.get("email"), f"{path}.email", errors, limit=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    ProcedureError(
                        f"{path}.email", "Enter an email address, like name@example.org."
                    )
                )
        agency = row.get("agency")
        if not isinstance(agency, str) or agency not in slugs:
            errors.append(
                ProcedureError(
                    f"{path}.agency", "Name one of the agencies listed under 'agencies'."
                )
            )
        roles = row.get("roles")
        if isinstance(roles, list):
            roles = [r if isinstance(r, str) else repr(r) for r in roles]
        if not isinstance(roles, list) or not roles:
            errors.append(
                ProcedureError(f"{path}.roles", f"List one or more of {', '.join(Role.values)}.")
            )
            roles = []
        for j, role in enumerate(roles):
            if role not in Role.values:
                errors.append(
                    ProcedureError(f"{path}.roles[{j}]", f"Use one of {', '.join(Role.values)}.")
                )
        staff.append(
            {
                "username": username,
                "first_name": _text(row.get("first_name"), f"{path}.first_name", errors, limit=150),
                "last_name": _text(row.get("last_name"), f"{path}.last_name", errors, limit=150),
                "email": email,
                "agency": agency,
                "job_title": _text(
                    row.get("job_title"), f"{path}.job_title", errors, required=False
                ),
                "roles": list(dict.fromkeys(roles)),
                "role_labels": [Role(r).label for r in dict.fromkeys(roles) if r in Role.values],
            }
        )
    if staff and not any(Role.AREA_ADMIN in s["roles"] for s in staff):
        errors.append(ProcedureError("staff", "Give at least one person the area_admin role."))
    if errors:
        return None, errors
    return (
        Plan(
            area={
                "slug": area_slug,
                "name": _text(area["name"], "area.name", errors),
                "nation": area["nation"],
                "nation_label": Nation(area["nation"]).label,
                "police_force_area": _text(
                    area["police_force_area"], "area.police_force_area", errors, limit=100
                ),
                "reference_prefix": prefix,
                "postcode_districts": [d.upper().strip() for d in districts],
                "administering_agency": administering,
            },
            procedure={
                "copy": source.slug,
                "copy_version": source.current_version.number,
                "copy_name": source.name,
                "slug": proc_slug,
                "name": proc_name,
            },
            new_agencies=new_agencies,
            existing_agencies=existing,
            existing_names=dict(
                Agency.objects.filter(slug__in=existing).values_list("slug", "name")
            ),
            staff=staff,
        ),
        [],
    )


def _with_lines(text: str, errors: list[ProcedureError]) -> list[str]:
    out = []
    for e in errors:
        line = error_line(text, e.path)
        out.append(f"Line {line}, {e.path}: {e.message}" if line else f"{e.path}: {e.message}")
    return out


def new_area_check(text: str) -> tuple[Plan | None, list[str]]:
    """Read and check the whole file, writing nothing: (plan, []) or (None, problems), each
    problem naming the line and the field."""
    try:
        data = load_yaml(text)
    except InvalidProcedure as exc:
        return None, [str(e) for e in exc.errors]
    plan, errors = _check(data)
    return plan, _with_lines(text, errors)


def _copied_procedure(plan: Plan) -> str:
    source = Procedure.objects.get(slug=plan.procedure["copy"]).current_version.source_yaml
    text = re.sub(r"^slug:.*$", f"slug: {plan.procedure['slug']}", source, count=1, flags=re.M)
    return re.sub(
        r"^name:.*$", f"name: {json.dumps(plan.procedure['name'])}", text, count=1, flags=re.M
    )


def new_area_create(*, text: str, by=None) -> Area:
    """Create everything the file describes, in one transaction, or nothing: the copied
    procedure, the new agencies (and existing ones joining), the area, the staff and
    their roles. Staff get no usable password until the system admin gives each a first one
    (``manage.py changepassword``), so nobody can sign in as them before then."""
    plan, problems = new_area_check(text)
    if problems:
        raise NewAreaError(problems)
    with transaction.atomic():
        # Checked again under the lock of the new rows' unique keys: a clash raises and
        # rolls everything back.
        try:
            version = procedure_save_version(
                text=_copied_procedure(plan),
                by=by,
                change_note=(
                    f"Copied from {plan.procedure['copy']} version {plan.procedure['copy_version']}"
                ),
            )
        except InvalidProcedure as exc:
            raise NewAreaError([f"procedure: {e}" for e in exc.errors]) from exc
        if version.number != 1:
            raise NewAreaError([f"procedure.slug: '{plan.procedure['slug']}' already exists."])
        agencies = {a.slug: a for a in Agency.objects.filter(slug__in=plan.existing_agencies)}
        for row in plan.new_agencies:
            agencies[row["slug"]] = Agency.objects.create(**row)
        area = Area.objects.create(
            procedure=version.procedure,
            **{
                k: v
                for k, v in plan.area.items()
                if k not in ("administering_agency", "nation_label")
            },
        )
        area.administering_agency = agencies[plan.area["administering_agency"]]
        area.save(update_fields=["administering_agency", "updated_at"])
        for agency in agencies.values():
            agency.areas.add(area)
        for row in plan.staff:
            user = User(
                username=row["username"],
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
                job_title=row["job_title"],
                agency=agencies[row["agency"]],
            )
            user.set_unusable_password()
            user.save()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=user, role=role, area=area) for role in row["roles"]]
            )
    return area
