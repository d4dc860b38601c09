"""The CR5 form emailed to a relevant body speaks to the agency, not to the applicant."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.services import case_involve_agency
from letters import services
from letters.constants import LetterKind
from partnerships.models import Agency
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db


def test_the_police_spoc_is_sent_to_the_response_page_not_told_to_reply_for_a_posted_copy(
    area, officer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8120"
    case = case_in_state(area=area, by=officer, state="gathering_information")
    police = Agency.objects.get(slug="hertfordshire-constabulary")
    case_involve_agency(case=case, agency=police, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_send(case=case, kind=LetterKind.CR5, by=officer, agency=police)
    (email,) = [m for m in mail.outbox if m.attachments]
    assert "post it" not in email.body
    assert "your anti-social behaviour case review" not in email.body
    assert police.name in email.body
    link = "http://127.0.0.1:8120" + reverse("work:respond", args=[case.reference])
    assert link in email.body


def test_a_body_with_nobody_in_the_system_is_asked_to_return_the_form(
    area, officer, django_capture_on_commit_callbacks
):
    case = case_in_state(area=area, by=officer, state="gathering_information")
    fire = Agency.objects.get(slug="herts-west-essex-icb")  # nobody of it signs in here
    fire.spoc_email = "asb@icb.example"
    fire.save()
    case_involve_agency(case=case, agency=fire, by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_send(case=case, kind=LetterKind.CR5, by=officer, agency=fire)
    (email,) = [m for m in mail.outbox if m.attachments]
    assert "post it" not in email.body
    assert "reply to this email" in email.body.lower()
    assert reverse("work:respond", args=[case.reference]) not in email.body
