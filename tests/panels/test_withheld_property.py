"""A rule every document holds (issue 20, part 3): an action withheld from the victim
(it would identify the perpetrator's protected data) is in the chair's pack, on screen and
in the PDF, and in the minutes; it is in nothing the applicant can reach: the outcome
letter, the appeal outcome letter, the tracking page, every letter they can download and
every email sent to them.

Hypothesis generates the cases: the area (its procedure), how many actions, their words,
which are withheld and which were interim. The default run tries a few cases;
``ASBCR_PROPERTY_BUDGET=deep`` tries many more.
"""

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letters import services as letter_services
from panels import services
from panels.services import ActionInput
from public import selectors as public_selectors
from public import services as public_services
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, fresh, meeting_in, seat
from tests.panels.test_e2e import people
from tests.system import needs_poppler, pdf_words

pytestmark = pytest.mark.django_db

DEEP = os.environ.get("ASBCR_PROPERTY_BUDGET", "").lower() == "deep"
EXAMPLES = 25 if DEEP else 2
AREAS = ["hertsmere", "devon-and-cornwall", "staffordshire", "bedford"]

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)
ACTION = st.fixed_dictionaries(
    {
        "words": st.lists(WORD, min_size=2, max_size=6),
        "withhold": st.booleans(),
        "interim": st.booleans(),
    }
)


def html_words(page: bytes | str) -> str:
    import html

    page = page.decode() if isinstance(page, bytes) else page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _email_words(message) -> str:
    parts = [message.subject, message.body]
    parts += [body for body, _type in getattr(message, "alternatives", [])]
    for _name, content, mimetype in message.attachments:
        if mimetype == "application/pdf":
            parts.append(pdf_words(content))
    return " ".join(" ".join(parts).split())


def _build(reference, area_slug, actions, serial):
    area, officer, members, chair = people(reference, area_slug)
    case = case_ready_for_panel(area=area, officer=officer)
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, days=5 + serial % 20, by=officer), by=officer
    )
    seat(listing, [(officer, MEMBER)] + [(m, MEMBER) for m in members], by=officer)
    seat(listing, [(chair, CHAIR)], by=officer)
    services.listing_open(listing=listing, by=chair)
    today = timezone.localdate()
    texts = []
    for n, spec in enumerate(actions):
        # A token no other text on the case holds, so a find is this action's text.
        token = f"Qx{serial}z{n}w"
        what = f"{token} {' '.join(spec['words'])}"
        data = ActionInput(
            what=what,
            why="Agreed by the panel",
            owner=members[0],
            due_on=today + dt.timedelta(days=7 + n),
            withhold_from_victim=spec["withhold"],
        )
        if spec["interim"]:
            services.action_add(case=case, by=officer, data=data, interim=True)
        else:
            services.action_add(case=case, by=officer, listing=listing, data=data)
        texts.append((token, what, spec["withhold"]))
    services.minutes_record(
        listing=listing,
        by=chair,
        summary="Agencies reviewed the history.",
        decisions="An action plan is agreed.",
        recommendations="Joint patrols on Friday nights.",
    )
    services.minutes_circulate(listing=listing, by=officer)
    services.victim_consultation_record(
        listing=listing,
        by=officer,
        method="phone",
        consulted_on=today,
        what_they_said="Agrees with the plan.",
    )
    services.plan_finalise(listing=listing, by=officer)
    return case, listing, officer, chair, texts


def _applicant_artefacts(case, officer) -> dict[str, str]:
    mail.outbox = []
    # Emails go when the transaction commits; the test's never does, so run them now.
    with TestCase.captureOnCommitCallbacks(execute=True):
        # Sending the outcome letter is what moves the case to "outcome sent".
        letter_services.letter_send(case=fresh(case), kind="outcome", by=officer)
    found = {}
    outcome, _context = letter_services.letter_render(case=fresh(case), kind="outcome")
    found["outcome letter"] = pdf_words(outcome)
    appeal_outcome, _context = letter_services.letter_render(
        case=fresh(case), kind="appeal_outcome"
    )
    found["appeal outcome letter"] = pdf_words(appeal_outcome)
    token = public_services.tracking_link_issue(case=fresh(case), by=officer)
    visitor = Client()
    found["tracking page"] = html_words(visitor.get(f"/track/{token}/").content)
    for letter in public_selectors.letters_for_applicant(case=fresh(case)):
        response = visitor.get(f"/track/{token}/letters/{letter.pk}/")
        assert response.status_code == 200
        found[f"downloaded {letter.get_kind_display()}"] = pdf_words(
            b"".join(response.streaming_content)
        )
    emails = [m for m in mail.outbox if case.applicant.email in m.to]
    assert emails, "the applicant was emailed the outcome"
    for n, message in enumerate(emails):
        found[f"email {n + 1}: {message.subject}"] = _email_words(message)
    return found


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not DEEP,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    area_slug=st.sampled_from(AREAS),
    actions=st.lists(ACTION, min_size=1, max_size=4).filter(
        lambda xs: any(a["withhold"] for a in xs)
    ),
)
@needs_poppler
def test_a_withheld_action_reaches_the_panel_and_never_the_applicant(
    reference, media_root, area_slug, actions
):
    serial = next(SERIALS)
    case, listing, officer, chair, texts = _build(reference, area_slug, actions, serial)

    staff = Client()
    staff.force_login(chair)
    panel_side = {
        "chair's pack page": html_words(
            staff.get(reverse("panels:chairs_pack", args=[listing.pk])).content
        ),
        "chair's pack PDF": pdf_words(
            b"".join(staff.get(reverse("letters:chairs_pack", args=[case.reference])))
        ),
        "minutes": html_words(staff.get(reverse("panels:listing", args=[listing.pk])).content),
    }
    applicant_side = _applicant_artefacts(case, officer)

    for token, what, withheld in texts:
        for name, words in panel_side.items():
            assert token in words, f"{what!r} is missing from the {name}"
        if withheld:
            for name, words in applicant_side.items():
                assert token not in words and what not in words, f"{what!r} reached the {name}"
        else:
            assert token in applicant_side["outcome letter"]


SERIALS = iter(range(1, 10_000))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
