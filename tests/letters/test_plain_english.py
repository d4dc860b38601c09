"""Letters speak to the reader: a contact line that reads as a sentence, letters named in
words for the applicant, and no past date shown as a promise."""

import datetime as dt
from types import SimpleNamespace

import pytest

from cases.constants import EventKind
from cases.models import TimelineEvent
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind, reader_name
from public.selectors import applicant_summary
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db


def _html(case, kind, **extra):
    context = letter_context.letter_context(case=case, kind=kind, extra=extra)
    return services.letter_html(case=case, kind=kind, context=context)[0]


def test_the_contact_line_gives_the_areas_phone_and_email_as_a_sentence(reference, officer):
    case = case_in_state(area=reference["areas"]["hertsmere"], by=officer, state="received")
    html = _html(case, LetterKind.CR1)
    assert (
        "Call us on 01632 960 202 or email community.safety@hertsmere.example. "
        f"Please quote {case.reference}." in " ".join(html.split())
    )
    assert "contact us or at" not in html


def test_without_a_phone_the_contact_line_still_reads(reference, officer):
    area = reference["areas"]["hertsmere"]
    area.administering_agency.spoc_phone = ""
    area.administering_agency.save()
    case = case_in_state(area=area, by=officer, state="received")
    html = " ".join(_html(case, LetterKind.CR1).split())
    assert "Email us at community.safety@hertsmere.example." in html
    assert " or at " not in html and "Call us" not in html


def test_an_action_past_its_date_is_not_shown_as_a_promise():
    today = dt.date(2026, 12, 1)
    late = SimpleNamespace(
        what="Fit a doorbell",
        agency=None,
        status="open",
        due_on=today.replace(day=1) - dt.timedelta(days=59),
    )
    soon = SimpleNamespace(
        what="Visit", agency=None, status="in_progress", due_on=dt.date(2026, 12, 20)
    )
    done = SimpleNamespace(what="Call", agency=None, status="done", due_on=dt.date(2026, 10, 3))
    assert letter_context.action_when(late, today).startswith(
        "We aimed to do this by 3 October 2026."
    )
    assert letter_context.action_when(soon, today) == "By 20 December 2026"
    assert letter_context.action_when(done, today) == "Done"


def test_an_appeal_result_date_that_has_passed_says_we_aimed(reference, officer):
    case = case_in_state(
        area=reference["areas"]["hertsmere"], by=officer, state="threshold_not_met"
    )
    html = " ".join(_html(case, LetterKind.CR3A, appeal_received_on=dt.date(2020, 1, 6)).split())
    assert "We aimed to tell you the result by" in html
    assert "We aim to tell you" not in html


def test_letters_are_named_in_words_for_the_applicant(reference, officer):
    case = case_in_state(area=reference["areas"]["hertsmere"], by=officer, state="received")
    letter = services.letter_send(case=case, kind=LetterKind.CR1, by=officer, channel="post")
    assert letter.reader_name == "Letter confirming we received your application"
    # Sending the CR1 acknowledges the case too; the letter's own entry names it in words.
    event = TimelineEvent.objects.filter(
        case=case, visible_to_applicant=True, kind=EventKind.LETTER
    ).last()
    assert event.summary.startswith("Letter confirming we received your application sent to")
    assert "CR1" not in event.summary
    assert reader_name("not-a-kind") == "Letter"


def test_timeline_lines_written_with_a_letter_code_read_in_words():
    assert applicant_summary("CR1 Acknowledgement letter sent to Ann by post") == (
        "Letter confirming we received your application sent to Ann by post"
    )
    assert applicant_summary("CR3a Appeal received letter printed and posted") == (
        "Letter confirming we received your appeal printed and posted"
    )
    assert applicant_summary("Application received") == "Application received"


def test_when_the_reports_met_the_rule_the_cr3_gives_the_bodies_own_reasons(reference, users):
    from tests.letters.factories import gathering_case
    from thresholds.services import body_view_record, involved_bodies, threshold_decide

    admin = users["hertsmere.officer"]
    case = gathering_case(area=reference["areas"]["hertsmere"], by=admin)
    for agency in involved_bodies(case):
        body_view_record(
            case=case, agency=agency, by=admin, view="not_met", reasons="The noise has stopped."
        )
    threshold_decide(case=case, by=admin)
    case.refresh_from_db()
    assert case.state == "threshold_not_met"
    html = " ".join(_html(case, LetterKind.CR3).split())
    assert "We counted three reports." in html
    assert "They decided a case review would not help." in html
    assert ": The noise has stopped." in html
    assert "qualifying" not in html and "The rule asks for" not in html
