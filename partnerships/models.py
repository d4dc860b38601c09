"""Areas (partnerships), agencies, staff users, their roles, and versioned procedures."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

from asbcr.models import AppendOnlyError, TimeStampedModel
from partnerships.constants import AgencyKind, EscalationLevel, Nation, Role


class Procedure(TimeStampedModel):
    """An area's published local procedure; its content lives in numbered versions."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def current_version(self) -> "ProcedureVersion":
        return self.versions.order_by("-number").first()


class ProcedureVersion(models.Model):
    """One immutable version of a procedure. A case pins the version it was received under."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField(help_text="The validated procedure, as loaded from YAML.")
    source_yaml = models.TextField(help_text="The YAML exactly as imported, comments kept.")
    change_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "partnerships.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version")
        ]

    def __str__(self):
        return f"{self.procedure.name} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("A procedure version cannot be changed: save a new version.")
        super().save(*args, **kwargs)

    def section(self, name: str, default=None):
        return self.data.get(name, default if default is not None else {})


class Area(TimeStampedModel):
    """A partnership: the local government area whose relevant bodies run reviews together."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="areas")
    administering_agency = models.ForeignKey(
        "partnerships.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="administered_areas",
        help_text="The body that administers case reviews (the Administrative Body).",
    )
    police_force_area = models.CharField(
        max_length=100, help_text="The police force area, for the Commissioner's view."
    )
    reference_prefix = models.CharField(
        max_length=6, help_text="Start of case references, e.g. HER."
    )
    postcode_districts = models.JSONField(
        default=list,
        blank=True,
        help_text='Outward codes as a JSON list, e.g. ["WD6", "EN6"].',
    )
    welsh_enabled = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Agency(TimeStampedModel):
    """A relevant body or partner, in one or more areas."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    areas = models.ManyToManyField(Area, related_name="agencies")
    spoc_name = models.CharField("SPOC name", max_length=200, blank=True)
    spoc_email = models.EmailField("SPOC email", blank=True)
    spoc_phone = models.CharField("SPOC phone", max_length=50, blank=True)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class EscalationContact(TimeStampedModel):
    """Who an overdue action climbs to inside an agency (above the owner's line manager)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="escalation_contacts")
    level = models.CharField(max_length=30, choices=EscalationLevel.choices)
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "level"], name="one_contact_per_level")
        ]

    def __str__(self):
        return f"{self.name} ({self.get_level_display()}, {self.agency})"


class User(AbstractUser):
    """A member of staff. Every staff user belongs to one agency."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def role_pairs(self) -> frozenset[tuple[str, int]]:
        """(role, area id) for every role this user holds; one query, cached per request."""
        return frozenset(self.role_assignments.values_list("role", "area_id"))

    def has_role(self, role: str, area=None) -> bool:
        area_id = getattr(area, "pk", area)
        return any(r == role and (area_id is None or a == area_id) for r, a in self.role_pairs)

    def areas_with_role(self, *roles: str) -> set[int]:
        return {a for r, a in self.role_pairs if r in roles}


class RoleAssignment(TimeStampedModel):
    """A role a user holds in one area (DESIGN.md section 2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="role_assignments")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="unique_role_in_area")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.area}"
