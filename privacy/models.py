"""Subject access requests (UK GDPR Article 15) handled by a partnership admin.

The request records who asked, when it was received, the details searched on and the
date it is due (one calendar month, Article 12(3)). The status moves with django-fsm-2;
``privacy.services`` runs the transitions and writes the access log.
"""

from django.conf import settings
from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from asbcr.models import AuditedModel
from privacy.constants import RequesterKind, SarStatus

S = SarStatus


def _in_area(sar, user) -> bool:
    return user.has_perm("privacy.handle_subject_access", sar.area)


class SubjectAccessRequest(ConcurrentTransitionMixin, AuditedModel):
    """One person's request for a copy of the personal data the partnership holds on them."""

    area = models.ForeignKey(
        "partnerships.Area", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    status = FSMField(default=S.RECEIVED, choices=SarStatus.choices, protected=True, db_index=True)

    # Who asked, and when.
    requester_kind = models.CharField(
        max_length=20, choices=RequesterKind.choices, default=RequesterKind.SUBJECT
    )
    requester_name = models.CharField(max_length=200)
    requester_contact = models.TextField(
        blank=True, help_text="Where to send the reply: email or postal address."
    )
    received_on = models.DateField(db_index=True)
    due_on = models.DateField(
        help_text="One calendar month after receipt (UK GDPR Art. 12(3)), next working day."
    )
    identity_checked = models.BooleanField(default=False)

    # The person's details searched on.
    subject_name = models.CharField(max_length=200, blank=True)
    subject_email = models.CharField(max_length=200, blank=True)
    subject_phone = models.CharField(max_length=50, blank=True)
    subject_postcode = models.CharField(max_length=10, blank=True)

    notes = models.TextField(blank=True)
    confirmed_matches = models.JSONField(
        default=list, blank=True, help_text="Keys of the matches the officer confirmed."
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exported_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        permissions = [
            ("handle_subject_access", "Can handle subject access requests in the area"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"SAR-{self.area.reference_prefix}-{self.pk or 0:04d}"

    # -- transitions (conditions, permission and own fields only) -----------------

    @transition(
        field=status,
        source=[S.RECEIVED, S.CONFIRMED, S.EXPORTED],
        target=S.CONFIRMED,
        permission=_in_area,
    )
    def confirm(self):
        """The officer has looked at the matches and confirmed which are this person."""

    @transition(
        field=status, source=[S.CONFIRMED, S.EXPORTED], target=S.EXPORTED, permission=_in_area
    )
    def export(self):
        """The confirmed records were exported (PDF and JSON) for disclosure."""

    @transition(
        field=status,
        source=[S.RECEIVED, S.CONFIRMED, S.EXPORTED],
        target=S.CLOSED,
        permission=_in_area,
    )
    def close(self):
        """The reply was sent, or the request was withdrawn or refused (reason recorded)."""
