"""The project's letters meet GOV.UK Notify's rules for precompiled letters (A4, the
printable area, the address in the envelope window), checked on the PDFs themselves,
and a letter that breaks a rule is refused with a reason."""

import pytest

from letters import rendering, services
from letters.constants import LetterKind
from notify.letter_checks import address_lines, letter_problems
from tests.factories import receive_case
from tests.system import needs_poppler

pytestmark = [
    pytest.mark.django_db,
    needs_poppler,
]


@pytest.fixture
def case(area, officer):
    case = receive_case(area=area, by=officer)
    case.applicant.address = "Flat 3\n12 Station Road\nBorehamwood"
    case.applicant.postcode = "WD6 1AA"
    case.applicant.save()
    return case


@pytest.mark.parametrize(
    "kind", [LetterKind.CR1, LetterKind.CR3, LetterKind.CR4, LetterKind.OUTCOME, LetterKind.DELAY]
)
def test_every_letter_to_an_applicant_meets_notifys_rules(case, kind):
    pdf, context = services.letter_render(case=case, kind=kind)
    recipient = context["recipient"]
    lines = address_lines(recipient["name"], recipient["address"])
    assert letter_problems(pdf, address=lines) == []


def test_the_areas_own_wording_keeps_the_address_in_the_window(case, officer):
    from letters.models import LetterWording

    LetterWording.objects.create(
        area=case.area,
        kind=LetterKind.CR1,
        body="We have received your application.",
        updated_by=officer,
    )
    pdf, context = services.letter_render(case=case, kind=LetterKind.CR1)
    assert context["wording"] == "area"
    recipient = context["recipient"]
    assert (
        letter_problems(pdf, address=address_lines(recipient["name"], recipient["address"])) == []
    )


ADDRESS = ["Ada Lovelace", "12 Station Road", "Borehamwood", "WD6 1AA"]
WINDOW = (
    '<div style="position:absolute; top:18.5mm; left:5mm; font-size:9pt; line-height:1.2; '
    'white-space:pre-line">' + "\n".join(ADDRESS) + "</div>"
)


def pdf_of(page_css: str, body: str) -> bytes:
    return rendering.html_to_pdf(
        f"<html><head><style>@page {{ {page_css} }} body {{ margin: 0; font-family: "
        f"'Liberation Sans'; }}</style></head><body>{body}</body></html>"
    )


def test_a_letter_laid_out_to_the_rules_passes():
    assert (
        letter_problems(
            pdf_of(
                "size: A4; margin: 22mm 20mm", WINDOW + "<p style='margin-top:50mm'>Dear Ada</p>"
            ),
            address=ADDRESS,
        )
        == []
    )


def test_a_page_that_is_not_a4_is_refused():
    problems = letter_problems(pdf_of("size: A5; margin: 22mm 20mm", WINDOW), address=ADDRESS)
    assert any("A4 portrait" in p for p in problems)


def test_anything_printed_outside_the_printable_area_is_refused():
    body = (
        WINDOW
        + '<div style="position:absolute; left:-18mm; top:100mm; width:10mm; height:10mm; background:#000"></div>'
    )
    problems = letter_problems(pdf_of("size: A4; margin: 22mm 20mm", body), address=ADDRESS)
    assert any("within 15 mm of the left edge" in p for p in problems)
    footer = WINDOW + '<div style="position:absolute; top:272mm; left:30mm">Footer</div>'
    problems = letter_problems(pdf_of("size: A4; margin: 22mm 20mm", footer), address=ADDRESS)
    assert any("5 mm of the bottom edge" in p for p in problems)


def test_an_address_outside_the_window_or_with_company_is_refused():
    low = WINDOW.replace("top:18.5mm", "top:60mm")
    problems = letter_problems(pdf_of("size: A4; margin: 22mm 20mm", low), address=ADDRESS)
    assert any("address block" in p and "holds: nothing" in p for p in problems)
    crowded = WINDOW + '<div style="position:absolute; top:38mm; left:60mm">Reference HER-1</div>'
    problems = letter_problems(pdf_of("size: A4; margin: 22mm 20mm", crowded), address=ADDRESS)
    assert any("Reference HER-1" in p for p in problems)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        (["Ada Lovelace", "Borehamwood"], "3 to 7"),
        (["Ada", "1", "2", "3", "4", "5", "6", "WD6 1AA"], "3 to 7"),
        (["Ada Lovelace", "12 Station Road", "Borehamwood"], "UK postcode"),
    ],
)
def test_an_address_notify_cannot_post_to_is_refused(address, words):
    problems = letter_problems(pdf_of("size: A4; margin: 22mm 20mm", WINDOW), address=address)
    assert any(words in p for p in problems)


def test_something_that_is_not_a_pdf_is_refused():
    with pytest.raises(ValueError):
        letter_problems(b"not a pdf", address=ADDRESS)
