"""The chair's pack: built once as data and rendered to the screen page and the PDF with
the same sections in the same order; every action, withheld ones marked; the impact
statement's text and file; the threshold decision and the victim's wishes on both."""

import datetime as dt
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.services import impact_statement_add
from letters import services as letter_services
from panels import services
from panels.pack import SECTION_TITLES, WITHHELD_MARK, chairs_pack_sections
from panels.services import ActionInput
from tests.panels.factories import CHAIR, MEMBER, case_ready_for_panel, meeting_in, seat
from tests.system import needs_poppler, pdf_words, pdftotext

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HEADINGS = [f"{n}. {title}" for n, (_key, title) in enumerate(SECTION_TITLES, start=1)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pack_case(area, officer, users):
    case = case_ready_for_panel(area=area, officer=officer)
    Case.objects.filter(pk=case.pk).update(wants_to_attend=True, wants_to_send_statement=True)
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    chair = users["hertsmere.chair"]
    seat(
        listing,
        [
            (chair, CHAIR),
            (officer, MEMBER),
            (users["hertsmere.spoc"], MEMBER),
            (users["hertsmere.housing"], MEMBER),
        ],
        by=officer,
    )
    services.listing_open(listing=listing, by=officer)
    today = timezone.localdate()
    services.action_add(
        case=case,
        by=officer,
        interim=True,
        data=ActionInput(
            what="Move the victim's bedroom window lock order up",
            why="Immediate risk",
            owner=officer,
            due_on=today + dt.timedelta(days=2),
            withhold_from_victim=True,
        ),
    )
    services.action_add(
        case=case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Refer the perpetrator to the crisis team",
            why="Root cause",
            owner=officer,
            due_on=today + dt.timedelta(days=14),
            withhold_from_victim=True,
        ),
    )
    services.action_add(
        case=case,
        by=officer,
        listing=listing,
        data=ActionInput(
            what="Install CCTV at the entrance",
            why="Evidence",
            owner=officer,
            due_on=today + dt.timedelta(days=21),
        ),
    )
    impact_statement_add(
        case=case,
        by=officer,
        source="written_paper",
        text="I cannot sleep at night.",
        attachment=SimpleUploadedFile("my-statement.pdf", PDF, "application/pdf"),
    )
    return Case.objects.get(pk=case.pk), listing, chair


def screen_headings(page: str) -> list[str]:
    found = re.findall(r'<h2 class="govuk-heading-m">(\d+\. [^<]+)</h2>', page)
    return [html.unescape(h) for h in found]


def pdf_headings(text: str) -> list[str]:
    # A section heading is a line of its own; the contents lines carry leaders and a page.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return [line for line in lines if re.fullmatch(r"\d+\. .+", line) and line in HEADINGS]


@needs_poppler
def test_the_page_and_the_pdf_have_the_same_sections_in_the_same_order(client, pack_case):
    case, listing, chair = pack_case
    client.force_login(chair)
    page = client.get(reverse("panels:chairs_pack", args=[listing.pk])).content.decode()
    pdf = client.get(reverse("letters:chairs_pack", args=[case.reference])).content
    built = [s.heading for s in chairs_pack_sections(case)]
    assert built == HEADINGS
    assert screen_headings(page) == built
    assert pdf_headings(pdftotext(pdf)) == built


@needs_poppler
def test_every_action_is_in_the_pack_and_the_withheld_ones_are_marked(client, pack_case):
    case, listing, chair = pack_case
    client.force_login(chair)
    page = html.unescape(
        client.get(reverse("panels:chairs_pack", args=[listing.pk])).content.decode()
    )
    text = pdf_words(letter_services.chairs_pack_render(case=case))
    for words in (page, text):
        assert "Move the victim's bedroom window lock order up" in words  # interim, withheld
        assert "Refer the perpetrator to the crisis team" in words  # plan, withheld
        assert "Install CCTV at the entrance" in words
        assert words.count(WITHHELD_MARK) == 2  # the interim one is carried in at minuting
    sections = {s.key: s for s in chairs_pack_sections(case)}
    plan_rows = sections["plan"].blocks[0].rows
    marks = {row[0].text: row[0].mark for row in plan_rows}
    assert marks["Install CCTV at the entrance"] == ""
    assert marks["Refer the perpetrator to the crisis team"] == WITHHELD_MARK


@needs_poppler
def test_the_impact_statement_file_threshold_and_wishes_are_on_both(client, pack_case):
    case, listing, chair = pack_case
    client.force_login(chair)
    page = html.unescape(
        client.get(reverse("panels:chairs_pack", args=[listing.pk])).content.decode()
    )
    text = pdf_words(letter_services.chairs_pack_render(case=case))
    statement = case.impact_statements.get()
    download = reverse("cases:impact_statement_download", args=[case.reference, statement.pk])
    assert download in page  # the file opens from the screen page
    for words in (page, " ".join(page.split()), text):
        assert "I cannot sleep at night." in words
    for words in (" ".join(re.sub(r"<[^>]+>", " ", page).split()), text):
        assert "With a file: my-statement.pdf" in words
        assert "The threshold decision and its reasons Three incidents" in words
        assert "Wants to attend the meeting Yes" in words
        assert "Wants to send an impact statement Yes" in words


def test_the_pack_still_waits_for_the_declaration(client, area, officer, users):
    case = case_ready_for_panel(area=area, officer=officer)
    listing = services.case_list_for_meeting(
        case=case, meeting=meeting_in(area, by=officer), by=officer
    )
    chair = users["hertsmere.chair"]
    seat(listing, [(chair, CHAIR)], by=officer, declared=False)
    client.force_login(chair)
    assert client.get(reverse("panels:chairs_pack", args=[listing.pk])).status_code == 403
    assert client.get(reverse("letters:chairs_pack", args=[case.reference])).status_code == 403


def test_previous_reviews_of_the_same_victim_are_listed(area, officer, pack_case):
    case, _listing, _chair = pack_case
    from tests.factories import receive_case

    later = receive_case(area=area, by=officer)
    Case.objects.filter(pk=later.pk).update(victim=case.victim, received_on=case.received_on)
    sections = {s.key: s for s in chairs_pack_sections(Case.objects.get(pk=later.pk))}
    rows = sections["previous"].blocks[0].rows
    assert [r[0].text for r in rows] == [case.reference]
    assert rows[0][2].text == "same victim"
