import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from asbcr.models import AppendOnlyError
from cases.constants import AccessKind, EventKind
from cases.models import AccessLogEntry, TimelineEvent
from cases.services import agency_response_record, case_assign_officer, impact_statement_add
from letters import services
from letters.constants import LetterChannel, LetterKind
from letters.models import Letter, LetterWording, PrintJob
from panels.pack import SECTION_TITLES
from tests.factories import PersonInputFactory
from tests.letters.factories import case_in_state
from tests.letters.test_letters import pdf_text

pytestmark = pytest.mark.django_db


def stored_bytes(letter: Letter) -> bytes:
    with letter.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def received(area, officer):
    return case_in_state(area=area, by=officer, state="received")


def test_email_letter_is_kept_with_its_hash_and_sent_as_an_attachment(
    received, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_send(case=received, kind=LetterKind.CR1, by=officer)
    assert letter.channel == LetterChannel.EMAIL
    data = stored_bytes(letter)
    assert letter.sha256 == hashlib.sha256(data).hexdigest()
    assert letter.recipient_email == received.applicant.email
    assert len(mail.outbox) == 1
    (name, content, mimetype) = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf" and content == data
    assert mail.outbox[0].to == [received.applicant.email]
    services.letter_email_deliver(letter=letter)  # a retried task sends nothing more
    assert len(mail.outbox) == 1
    assert TimelineEvent.objects.filter(case=received, kind=EventKind.EMAIL).count() == 1
    event = TimelineEvent.objects.get(case=received, kind=EventKind.LETTER)
    assert event.detail["letter"] == letter.pk and event.detail["sha256"] == letter.sha256
    assert event.visible_to_applicant
    assert not PrintJob.objects.exists()


def test_post_goes_to_the_print_queue_and_is_marked_posted(area, officer):
    case = case_in_state(
        area=area,
        by=officer,
        state="received",
        applicant=PersonInputFactory(preferred_contact="post"),
    )
    letter = services.letter_send(case=case, kind=LetterKind.CR1, by=officer)
    assert letter.channel == LetterChannel.POST
    assert letter.print_job.printed_at is None
    assert not mail.outbox
    services.letter_mark_printed(letter=letter, by=officer)
    letter.print_job.refresh_from_db()
    assert letter.print_job.printed_by == officer


def test_email_preference_without_an_address_falls_back_to_post(area, officer):
    case = case_in_state(
        area=area, by=officer, state="received", applicant=PersonInputFactory(email="")
    )
    assert services.letter_send(case=case, kind="CR1", by=officer).channel == "post"
    with pytest.raises(services.LetterError):
        services.letter_send(case=case, kind="CR1", by=officer, channel="email")


def test_phone_note_needs_what_was_said(received, officer):
    with pytest.raises(services.LetterError):
        services.letter_send(case=received, kind="CR1", by=officer, channel="phone")
    letter = services.letter_send(
        case=received, kind="CR1", by=officer, channel="phone", note="Read the letter out."
    )
    assert letter.note == "Read the letter out." and not mail.outbox


def test_a_letter_can_never_be_edited_or_deleted_and_resending_makes_a_new_record(
    received, officer
):
    first = services.letter_send(case=received, kind="CR1", by=officer)
    first.recipient_name = "Someone else"
    with pytest.raises(AppendOnlyError):
        first.save()
    with pytest.raises(AppendOnlyError):
        Letter.objects.filter(pk=first.pk).update(recipient_name="Someone else")
    with pytest.raises(AppendOnlyError):
        first.delete()
    with pytest.raises(AppendOnlyError):
        Letter.objects.filter(pk=first.pk).delete()
    second = services.letter_send(case=received, kind="CR1", by=officer)
    assert second.pk != first.pk
    assert Letter.objects.filter(case=received, kind="CR1").count() == 2
    assert Letter.objects.get(pk=first.pk).recipient_name != "Someone else"


def test_letter_that_does_not_fit_the_state_is_refused(received, officer):
    with pytest.raises(services.LetterError, match="does not fit"):
        services.letter_send(case=received, kind=LetterKind.CR4, by=officer)


def test_only_staff_with_the_send_permission_in_the_area_can_send(received, users):
    with pytest.raises(PermissionDenied):
        services.letter_send(case=received, kind="CR1", by=users["merton.officer"])
    with pytest.raises(PermissionDenied):
        services.letter_send(case=received, kind="CR1", by=users["hertsmere.spoc"])


def test_user_text_is_escaped_in_the_letter(area, officer):
    case = case_in_state(
        area=area,
        by=officer,
        state="threshold_not_met",
        reason='<img src="https://evil.example/x.png"> & <b>not bold</b>',
    )
    pdf, _ = services.letter_render(case=case, kind="CR3")
    text = pdf_text(pdf)
    assert '<img src="https://evil.example/x.png"> & <b>not bold</b>' in text


def test_cr5_goes_to_the_relevant_body_with_its_incidents(
    area, officer, django_capture_on_commit_callbacks
):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    body = case.involvements.exclude(role="administering").first().agency
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.letter_send(case=case, kind="CR5", by=officer, agency=body)
    assert letter.agency == body and letter.channel == "email"
    assert mail.outbox[0].to == [body.spoc_email]
    text = pdf_text(stored_bytes(letter))
    assert body.name in text
    assert "Loud music and shouting late at night" in text
    assert not TimelineEvent.objects.get(kind=EventKind.LETTER, case=case).visible_to_applicant


def test_cr5_to_an_uninvolved_body_is_refused(area, officer, reference):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    outsider = reference["agencies"]["merton-police"]
    with pytest.raises(services.LetterError):
        services.letter_send(case=case, kind="CR5", by=officer, agency=outsider)


def test_outcome_letter_leaves_out_actions_withheld_from_the_victim(area, officer, users):
    from panels.constants import MeetingKind
    from panels.models import Action, Listing, Meeting

    case = case_in_state(area=area, by=officer, state="reviewed")
    meeting = Meeting.objects.create(
        area=area, kind=MeetingKind.AD_HOC, starts_at=timezone.now(), created_by=officer
    )
    listing = Listing.objects.create(meeting=meeting, case=case, created_by=officer)
    body = case.involvements.exclude(role="administering").first().agency
    due = timezone.localdate() + dt.timedelta(days=14)
    common = {"case": case, "listing": listing, "agency": body, "owner": officer, "due_on": due}
    Action.objects.create(what="Fit a door camera at the victim's home", why="Evidence", **common)
    Action.objects.create(
        what="Refer the named neighbour to mental health services",
        why="Underlying need",
        withhold_from_victim=True,
        **common,
    )
    letter = services.letter_send(case=case, kind=LetterKind.OUTCOME, by=officer)
    text = pdf_text(stored_bytes(letter))
    assert "Fit a door camera" in text
    assert "mental health" not in text
    assert "neighbour" not in text


def test_a_letter_that_is_due_closes_its_deadline(area, officer):
    from deadlines.constants import DeadlineState

    case = case_in_state(area=area, by=officer, state="withdrawn")
    deadline = case.deadlines.get(step="withdrawal_letter")
    assert deadline.state == DeadlineState.OPEN
    services.letter_send(case=case, kind=LetterKind.WITHDRAWAL, by=officer)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET_ON_TIME
    assert deadline.met_on == timezone.localdate()


def test_decision_letter_starts_the_appeal_window(area, officer):
    case = case_in_state(area=area, by=officer, state="threshold_not_met")
    assert not case.deadlines.filter(step="appeal_window").exists()
    services.letter_send(case=case, kind=LetterKind.CR3, by=officer)
    assert case.deadlines.filter(step="appeal_window", state="open").exists()


def test_opening_a_letter_is_logged(received, officer):
    letter = services.letter_send(case=received, kind="CR1", by=officer)
    data = services.letter_open(letter=letter, user=officer)
    assert data.startswith(b"%PDF")
    entry = AccessLogEntry.objects.get(kind=AccessKind.VIEW_LETTER)
    assert entry.case == received and entry.user == officer


def test_area_wording_is_used_and_wording_with_template_code_is_refused(
    area, received, users, officer
):
    admin = users["hertsmere.admin"]
    with pytest.raises(services.LetterWordingError, match="do not work in letters"):
        services.letter_wording_save(area=area, kind="CR1", body="<p>{% if %}</p>", by=admin)
    with pytest.raises(services.LetterWordingError, match="not a placeholder this letter"):
        services.letter_wording_save(area=area, kind="CR1", body="((reasons))", by=admin)
    assert not LetterWording.objects.exists()
    with pytest.raises(PermissionDenied):
        services.letter_wording_save(area=area, kind="CR1", body="Hi", by=officer)
    services.letter_wording_save(
        area=area,
        kind="CR1",
        body="Hertsmere thanks you. Ref ((reference)).\n\n# Help\n\n((support_services))",
        by=admin,
    )
    letter = services.letter_send(case=received, kind="CR1", by=officer)
    text = pdf_text(stored_bytes(letter))
    assert f"Hertsmere thanks you. Ref {received.reference}." in text
    assert "Herts Victim Care Centre" in text
    assert letter.wording == "area"


def test_area_settings_change_the_letterhead_and_support_services(area, received, users, officer):
    services.letter_settings_save(
        area=area,
        by=users["hertsmere.admin"],
        values={
            "sender_organisation": "Hertsmere Community Safety Partnership",
            "sender_name": "Pat Example",
            "support_services": [{"name": "Local Advocacy Service", "contact": "01234 111222"}],
        },
    )
    case = case_in_state(area=area, by=officer, state="threshold_met")
    case_assign_officer(case=case, by=officer, officer=officer)
    pdf, _ = services.letter_render(case=case, kind="CR4")
    text = pdf_text(pdf)
    assert "Hertsmere Community Safety Partnership" in text
    assert "Pat Example" in text
    assert "Local Advocacy Service" in text
    assert "Herts Victim Care Centre" not in text


def test_chairs_pack_has_contents_and_every_section(area, officer):
    case = case_in_state(area=area, by=officer, state="panel_arranged")
    body = case.involvements.exclude(role="administering").first().agency
    agency_response_record(
        case=case,
        agency=body,
        by=officer,
        reports_held="Three noise reports",
        actions_taken="Visit",
    )
    impact_statement_add(
        case=case, by=officer, source="written_paper", text="I cannot sleep at night."
    )
    pdf = services.chairs_pack_open(case=case, user=officer)
    text = pdf_text(pdf)
    for heading in (
        "Contents",
        *(f"{n}. {title}" for n, (_key, title) in enumerate(SECTION_TITLES, start=1)),
    ):
        assert heading in text
    assert "Three noise reports" in text
    assert "Closure order" in text
    assert case.summary in text
    assert "I cannot sleep at night." in text
    assert AccessLogEntry.objects.filter(case=case, target="Chair's pack").exists()


def test_sent_automatically_to_someone_who_prefers_phone_it_goes_by_post(area, officer):
    case = case_in_state(
        area=area,
        by=officer,
        state="received",
        applicant=PersonInputFactory(preferred_contact="phone"),
    )
    letter = services.letter_send(case=case, kind="CR1", by=officer)
    assert letter.channel == "post" and PrintJob.objects.filter(letter=letter).exists()
    noted = services.letter_send(case=case, kind="CR1", by=officer, note="Phoned and read it out.")
    assert noted.channel == "phone"


def test_officer_letter_needs_an_allocated_officer(area, officer):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    with pytest.raises(services.LetterError, match="Allocate a case officer"):
        services.letter_send(case=case, kind=LetterKind.OFFICER, by=officer)
    case_assign_officer(case=case, by=officer, officer=officer)
    letter = services.letter_send(case=case, kind=LetterKind.OFFICER, by=officer)
    assert officer.get_full_name() in pdf_text(stored_bytes(letter))


def test_delay_letter_without_details_still_reads_properly(area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    text = pdf_text(services.letter_render(case=case, kind=LetterKind.DELAY)[0])
    assert "One of the steps of your case review" in text
    text = pdf_text(
        services.letter_render(
            case=case,
            kind=LetterKind.DELAY,
            extra_context={"timescale": "threshold_decision", "reason": "Waiting for police."},
        )[0]
    )
    assert "We tell you if your case can have a review" in text
    assert "Waiting for police." in text
