"""Letters to the applicant in Welsh or in both languages, in areas in Wales (issue 19)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from letters import language, services
from letters.constants import TEMPLATES, LetterKind
from letters.language import LetterLanguage
from letters.models import Letter
from partnerships.models import Area, User
from tests.factories import PersonInputFactory
from tests.letters.factories import case_in_state
from tests.letters.test_letters import pdf_text

pytestmark = pytest.mark.django_db

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"
APPLICANT_LETTERS = [k for k in LetterKind if k not in language.ENGLISH_ONLY]
# What a letter in that state is, and a Welsh sentence it must say.
WELSH = {
    "received": (LetterKind.CR1, "Mae eich cais am adolygiad achos gennym"),
    "threshold_not_met": (LetterKind.CR3, "Ni all eich achos gael adolygiad achos"),
    "threshold_met": (LetterKind.CR4, "Bydd eich achos yn cael adolygiad achos"),
    "withdrawn": (LetterKind.WITHDRAWAL, "Mae eich adolygiad achos wedi dod i ben"),
}
WELSH_MONTHS = (
    r"(Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)"
)


@pytest.fixture
def cardiff(reference):
    return Area.objects.get(slug="cardiff")


@pytest.fixture
def cardiff_officer(reference):
    return User.objects.get(username="cardiff.officer")


def _variables(path: Path) -> set[str]:
    text = path.read_text()
    found = set(re.findall(r"{{\s*([a-z_]+)", text))
    found |= set(re.findall(r"{%\s*(?:el)?if\s+(?:not\s+)?([a-z_]+)", text))
    return found - {"forloop"}


@pytest.mark.parametrize("kind", APPLICANT_LETTERS, ids=str)
def test_every_applicant_letter_has_a_welsh_version_that_uses_the_same_facts(kind):
    """A Welsh letter that left out a date or a name the English one gives would be a
    worse letter: each Welsh template uses every variable its English one does."""
    english = TEMPLATE_DIR / TEMPLATES[kind]
    welsh = TEMPLATE_DIR / language.welsh_template(kind)
    assert welsh.exists(), f"no Welsh letter for {kind}: {welsh.name}"
    assert _variables(english) <= _variables(welsh)
    for part in ("_appeal", "_support", "_contact"):
        if f"letters/{part}.html" in english.read_text():
            assert f"letters/cy/{part}.html" in welsh.read_text()


@pytest.mark.parametrize("state", list(WELSH))
def test_welsh_letter_is_in_welsh_with_welsh_dates(cardiff, cardiff_officer, state):
    kind, heading = WELSH[state]
    case = case_in_state(area=cardiff, by=cardiff_officer, state=state)
    pdf, context = services.letter_render(case=case, kind=kind, language=LetterLanguage.WELSH)
    text = pdf_text(pdf)
    assert heading in text
    assert "Annwyl" in text and "Yn gywir" in text
    assert re.search(r"\d{1,2} " + WELSH_MONTHS + r" \d{4}", text)
    assert "Dear" not in text and "Yours sincerely" not in text
    assert context["language"] == "cy"


def test_welsh_next_steps_and_periods_are_welsh(cardiff, cardiff_officer):
    case = case_in_state(area=cardiff, by=cardiff_officer, state="received")
    pdf, _ = services.letter_render(case=case, kind=LetterKind.CR1, language="cy")
    text = pdf_text(pdf)
    assert "diwrnod gwaith" in text
    assert "working day" not in text


def test_bilingual_letter_is_welsh_first_then_english(cardiff, cardiff_officer):
    case = case_in_state(area=cardiff, by=cardiff_officer, state="received")
    pdf, context = services.letter_render(case=case, kind=LetterKind.CR1, language="cy+en")
    text = pdf_text(pdf)
    assert text.index("Mae eich cais am adolygiad achos gennym") < text.index(
        "We have your application for a case review"
    )
    assert "Yn gywir" in text and "Yours sincerely" in text
    assert context["language"] == "cy+en"


def test_default_in_wales_is_bilingual_or_welsh_if_asked_for(cardiff, cardiff_officer):
    case = case_in_state(area=cardiff, by=cardiff_officer, state="received")
    assert language.default_language(case=case, kind=LetterKind.CR1) == "cy+en"
    welsh = case_in_state(
        area=cardiff,
        by=cardiff_officer,
        state="received",
        applicant=PersonInputFactory(language="Cymraeg (Welsh)"),
    )
    assert language.default_language(case=welsh, kind=LetterKind.CR1) == "cy"
    assert language.languages_for(area=cardiff, kind=LetterKind.CR5) == ["en"]


def test_outside_wales_letters_are_english_and_welsh_is_refused(area, officer):
    case = case_in_state(area=area, by=officer, state="received")
    assert language.default_language(case=case, kind=LetterKind.CR1) == "en"
    with pytest.raises(services.LetterError):
        services.letter_render(case=case, kind=LetterKind.CR1, language="cy")


def test_staff_in_wales_send_a_welsh_letter_from_the_send_page(client, cardiff, cardiff_officer):
    case = case_in_state(area=cardiff, by=cardiff_officer, state="received")
    client.force_login(cardiff_officer)
    url = reverse("letters:send", args=[case.reference, "CR1"])
    page = client.get(url)
    assert page.status_code == 200, url
    body = page.content.decode()
    assert "Which language?" in body and "Welsh and English (bilingual)" in body
    version = services.letters_sent_version(case, LetterKind.CR1)
    r = client.post(url, {"channel": "post", "language": "cy", "version": version})
    assert r.status_code == 302, r.content.decode()[:2000]
    letter = Letter.objects.get(case=case, kind=LetterKind.CR1)
    assert letter.context_summary["language"] == "cy"
    with letter.pdf.open("rb") as handle:
        assert "Annwyl" in pdf_text(handle.read())
