"""The evidence a step needs, for tests that walk a case through its states directly.

A case is recorded as reviewed only when the panel's action plan is final, and the outcome
as sent only when the outcome letter is (``cases.hooks.transition_evidence``). Tests that
are about something else (reporting, appeals, deadlines) still need cases in those
states: ``with_evidence`` makes the record that proves the step (a final plan on a
listing, an outcome letter on file), as the real journey would have left it, just before
the step runs. The journeys themselves (panels and letters end-to-end tests) make it
through the services.
"""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from letters.constants import LetterChannel, LetterKind
from letters.models import Letter
from panels.constants import ListingStatus, MeetingKind
from panels.models import Listing, Meeting, VictimConsultation

# The transitions that need evidence, and what makes it.
NEEDS_EVIDENCE = ("record_review", "send_outcome")

MINIMAL_PDF = b"%PDF-1.4\n% a stand-in outcome letter made by the tests\n%%EOF\n"


def final_plan(case, by) -> Listing:
    """The case's latest listing held, minuted, the victim consulted, the minutes
    circulated and the action plan made final, as ``panels.services`` leave it (a listing
    is made on an ad hoc meeting if the case was put in "panel arranged" without one)."""
    now = timezone.now()
    listing = case.panel_listings.order_by("-id").first()
    if listing is None:
        meeting = Meeting.objects.create(
            area=case.area,
            kind=MeetingKind.AD_HOC,
            starts_at=now,
            purpose="Case review",
            created_by=by,
        )
        listing = Listing.objects.create(meeting=meeting, case=case, created_by=by)
    if not listing.consultations.exists():
        VictimConsultation.objects.create(
            listing=listing,
            method="phone",
            consulted_on=timezone.localdate(now),
            what_they_said="Agrees with the draft plan.",
            created_by=by,
        )
    Listing.objects.filter(pk=listing.pk).update(
        status=ListingStatus.FINAL,
        opened_at=listing.opened_at or now,
        summary=listing.summary or "The panel reviewed the case.",
        decisions=listing.decisions or "An action plan was agreed.",
        circulated_on=listing.circulated_on or timezone.localdate(now),
        plan_final_at=now,
    )
    listing.refresh_from_db()
    return listing


def outcome_letter(case, by) -> Letter:
    """An outcome letter on file, sent now, as ``letters.services.letter_send`` keeps it."""
    applicant = case.applicant
    letter = Letter(
        case=case,
        kind=LetterKind.OUTCOME,
        recipient_name=applicant.name[:200] if applicant else "The applicant",
        channel=LetterChannel.POST,
        sent_at=timezone.now(),
        sent_by=by,
        sha256=hashlib.sha256(MINIMAL_PDF).hexdigest(),
    )
    letter.pdf.save(f"{case.reference}-outcome.pdf", ContentFile(MINIMAL_PDF), save=False)
    letter.save()
    return letter


def with_evidence(case, name: str, by) -> None:
    """Make what proves transition ``name`` on ``case``, if it needs anything."""
    if name == "record_review":
        final_plan(case, by)
    elif name == "send_outcome":
        outcome_letter(case, by)
