"""Every letter of the series renders for every seed area, with the right words in it."""

import io

import pytest
from pypdf import PdfReader

from cases.models import Case
from cases.services import case_assign_officer
from letters import services
from letters.constants import LetterKind
from tests.letters.factories import SEED_AREAS, case_in_state

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


# kind -> (state the case is in, words the letter must contain)
EXPECTED = {
    LetterKind.CR1: ("received", ["We have your application", "What happens next"]),
    LetterKind.CR3: (
        "threshold_not_met",
        ["does not meet the rules for a case review", "Reasons given by the officer.", "appeal"],
    ),
    LetterKind.CR3A: ("threshold_not_met", ["We have your appeal", "Who will look at your appeal"]),
    LetterKind.CR4: ("panel_arranged", ["Your voice at the review", "Helen", "Help and support"]),
    LetterKind.CR5: ("gathering_information", ["Agency response form", "Incidents to check"]),
    LetterKind.OFFICER: ("gathering_information", ["Your case officer is"]),
    LetterKind.DELAY: ("gathering_information", ["taking longer than planned"]),
    LetterKind.WITHDRAWAL: ("withdrawn", ["has stopped", "Reasons given by the officer."]),
    LetterKind.OUTCOME: ("reviewed", ["The result of your case review"]),
    LetterKind.APPEAL_OUTCOME: ("threshold_not_met", ["The result of your appeal"]),
}


@pytest.mark.parametrize("area_slug", list(SEED_AREAS))
def test_each_letter_renders_for_each_seed_area(reference, users, area_slug):
    area = reference["areas"][area_slug]
    officer = users[SEED_AREAS[area_slug]]
    cases: dict[str, Case] = {}
    for kind, (state, words) in EXPECTED.items():
        if state not in cases:
            cases[state] = case_in_state(area=area, by=officer, state=state)
            case_assign_officer(case=cases[state], by=officer, officer=officer)
            cases[state].refresh_from_db()
        case = cases[state]
        agency = None
        if kind == LetterKind.CR5:
            agency = case.involvements.exclude(role="administering").first().agency
        pdf, context = services.letter_render(case=case, kind=kind, agency=agency)
        text = pdf_text(pdf)
        assert case.reference in text, kind
        assert "Page 1 of" in text, kind
        for word in words:
            if word == "Helen":
                word = officer.first_name
            assert word in text, (area_slug, kind, word)
        assert context["brand"]["organisation"] in text
        pages = PdfReader(io.BytesIO(pdf)).pages
        if len(pages) > 1:  # the reference runs in the top margin after page 1
            assert f"Our reference: {case.reference}" in pages[1].extract_text()
