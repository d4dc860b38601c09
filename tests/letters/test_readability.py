"""Every letter of every demo case is written for the person who reads it.

The body of each letter (the HTML before it becomes a PDF, without the letterhead,
addresses, reference lines and tables of dates) must score grade 8 or below on the
Flesch-Kincaid formula. Letters and tracking pages the applicant sees must not call the
reader "the victim" or "the applicant", nor show internal codes (CR1..CR9, snake_case
keys) or ISO dates.
"""

import re
from html.parser import HTMLParser

import pytest
import textstat

from cases.models import Case
from letters import context as letter_context
from letters import services
from letters.constants import LetterKind
from public.demo import demo_token
from tests.demo_data import load_demo

pytestmark = pytest.mark.django_db

MAX_GRADE = 8
# Elements that end a block of text; inline ones (strong, a, span) do not.
BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "table", "td", "th", "tr", "dl", "dt", "dd"}
BLOCKS |= {"div", "header", "body", "main", "section", "span", "br", "title", "head"}
FORBIDDEN = [
    (re.compile(r"\bthe victim\b", re.I), "says “the victim”"),
    (re.compile(r"\bthe applicant\b", re.I), "says “the applicant”"),
    (re.compile(r"\bCR\d[a-z]?\b"), "shows a letter code"),
    (re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"), "shows a snake_case key"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "shows an ISO date"),
]
EMAILS_AND_LINKS = re.compile(r"\S+@\S+|https?://\S+")


class LetterText(HTMLParser):
    """The text of a rendered letter, as blocks: all of it, and the body only."""

    def __init__(self):
        super().__init__()
        self.all, self.body = [], []
        self._stack = []  # (tag, in_body, skipped)
        self._current = []

    def _in(self, what):
        return any(entry[what] for entry in self._stack)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in BLOCKS:
            self._flush()
        if tag in {"br", "img", "meta", "link"}:
            return
        in_body = "letter-body" in classes
        skipped = tag in {"table", "style", "title", "head"}
        self._stack.append({"tag": tag, "body": in_body, "skip": skipped})

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self._flush()
        while self._stack:
            if self._stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        if any(entry["tag"] in {"style", "title", "head"} for entry in self._stack):
            return
        self._current.append(data)

    def _flush(self):
        text = " ".join("".join(self._current).split())
        self._current = []
        if not text:
            return
        self.all.append(text)
        if self._in("body") and not self._in("skip"):
            self.body.append(text if text[-1] in ".?!:" else text + ".")


def letter_text(html: str) -> LetterText:
    parser = LetterText()
    parser.feed(html)
    parser.close()
    return parser


def demo_letters():
    """(case, kind, agency, html) for every letter that fits every demo case."""
    for case in Case.objects.select_related("area", "applicant", "victim").order_by("reference"):
        for kind in letter_context.letters_for_case(case):
            bodies = letter_context.relevant_bodies(case) if kind == LetterKind.CR5 else [None]
            for agency in bodies:
                context = letter_context.letter_context(case=case, kind=kind, agency=agency)
                html, _ = services.letter_html(case=case, kind=kind, context=context)
                yield case, kind, agency, html


@pytest.fixture
def demo(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    load_demo()


def problems_in(text: str) -> list[str]:
    text = EMAILS_AND_LINKS.sub(" ", text)
    found = []
    for pattern, what in FORBIDDEN:
        match = pattern.search(text)
        if match:
            start = max(match.start() - 40, 0)
            found.append(f"{what}: …{text[start : match.end() + 40]}…")
    return found


def test_the_body_extraction_leaves_out_letterhead_addresses_and_tables():
    html = (
        '<html><head><title>CR1 – X</title></head><body><header class="letterhead">'
        "Council</header><div class='address-block'>Alex</div><dl class='meta'><dt>Date</dt>"
        '<dd>1 May 2026</dd></dl><div class="letter-body"><h1>Your letter</h1><p>We wrote.'
        "</p><table><tr><td>within 10 working days</td></tr></table><ul><li>Call us</li>"
        "</ul></div><div class='signature'>Yours</div></body></html>"
    )
    assert letter_text(html).body == ["Your letter.", "We wrote.", "Call us."]


def test_every_demo_letter_reads_at_grade_8_or_below(demo):
    grades, too_hard = {}, []
    for case, kind, agency, html in demo_letters():
        body = " ".join(letter_text(html).body)
        assert body, f"{kind} on {case.reference} has no body text"
        grade = textstat.flesch_kincaid_grade(body)
        name = f"{kind} {case.reference}{f' to {agency.name}' if agency else ''}"
        grades[name] = grade
        if grade > MAX_GRADE:
            too_hard.append(f"{name}: grade {grade}")
    assert len(grades) > 10
    assert {k.split()[0] for k in grades} >= {"CR1", "CR3", "CR4", "CR5", "outcome"}
    print("Flesch-Kincaid grade, highest first:")
    for name, grade in sorted(grades.items(), key=lambda item: -item[1])[:12]:
        print(f"  {grade:5.1f}  {name}")
    assert not too_hard, "Letters above grade 8:\n" + "\n".join(too_hard)


def test_letters_to_the_applicant_use_no_internal_words_codes_or_iso_dates(demo):
    found = []
    for case, kind, _, html in demo_letters():
        if kind == LetterKind.CR5:  # to a relevant body, not the applicant
            continue
        for problem in problems_in(" ".join(letter_text(html).all)):
            found.append(f"{kind} {case.reference}: {problem}")
    assert not found, "\n".join(found)


def test_tracking_pages_use_no_internal_words_codes_or_iso_dates(demo, client):
    found, pages = [], 0
    for case in Case.objects.order_by("reference"):
        response = client.get(f"/track/{demo_token(case.reference)}/")
        if response.status_code != 200:
            continue
        pages += 1
        text = " ".join(letter_text(response.content.decode()).all)
        assert "Letters we have sent you" in text
        for problem in problems_in(text):
            found.append(f"{case.reference}: {problem}")
    assert pages > 5
    assert not found, "\n".join(found)


def test_the_tracking_page_names_letters_in_words(demo, client):
    from letters.models import Letter

    letter = Letter.objects.filter(kind=LetterKind.CR1).select_related("case").first()
    response = client.get(f"/track/{demo_token(letter.case.reference)}/")
    assert "Letter confirming we received your application" in response.content.decode()
