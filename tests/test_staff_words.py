"""No internal words on any staff page a person reads.

The demo is loaded once, then each role's demo user walks the staff pages from the home
page and every list page, following the links a person would follow (a few pages per URL
pattern). On every page the visible text is read (no tags, scripts, attribute values,
`<code>` blocks or typed text areas; URLs and case reference numbers taken out) and
checked for words that belong to the code, not the reader: agency and area slugs, snake
case keys, ISO dates, state transitions written as arrows between codes, Django's
"---------" empty choice, and a word written twice ("the the").
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.demo_data import load_demo

# One user for each role the demo has (a person may hold more than one).
ROLE_USERS = {
    "case officer": "hertsmere.officer",
    "single point of contact and panel member": "hertsmere.spoc",
    "panel chair": "hertsmere.chair",
    "appeal reviewer": "hertsmere.reviewer",
    "partnership admin": "hertsmere.admin",
    "monitor": "staffordshire.monitor",
}

# Where a walk starts: pages reached from the navigation, not from a case.
START_PAGES = [
    "/staff/",
    "/staff/cases/",
    "/staff/cases/access-log/",
    "/staff/thresholds/queue/",
    "/staff/deadlines/mine/",
    "/staff/letters/print-queue/",
    "/staff/panels/meetings/",
    "/staff/panels/actions/",
    "/staff/appeals/",
    "/staff/reporting/",
    "/staff/reporting/publish/",
    "/staff/reporting/monitoring/",
    "/staff/partnerships/procedures/",
]

# Pages of each URL pattern opened per user: enough to meet each kind of page, few
# enough to run in well under a minute.
PER_PATTERN = 3

# Not pages a person reads as HTML, or pages someone else owns.
SKIP_ROUTE = re.compile(
    r"(\.pdf|\.csv|export|download|sign-in|sign-out|/preview|/bundle|chairs-pack)"
)

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ARROW = re.compile(r"\b[a-z][a-z_]*\s*(?:→|->|=>)\s*[a-z][a-z_]*\b")
EMPTY_CHOICE = re.compile(r"-{5,}")
DOUBLED = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.IGNORECASE)
URL = re.compile(r"(?:https?://|/staff/|/static/)\S*")
RAW_ID = re.compile(r"\b\w+:[\w-]+:[\w-]+\b")
RECORD_NUMBER = re.compile(r"\b(?:letter|appeal|complaint) \d+\b", re.I)
CASE_REFERENCE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{3,}\b")

# Words that look like codes but are what a reader is meant to see, each with why.
ALLOWED = {
    # The import page lists the values a person types into the CSV's "kind" column.
    ("/staff/thresholds/import/", "diary_sheet"): "a value typed into the import file",
}


class VisibleText(HTMLParser):
    """The text a sighted reader sees: no tags, attributes, scripts or code blocks."""

    HIDDEN = {"script", "style", "code", "pre", "textarea", "template", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden_depth += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        if tag in {"p", "div", "li", "td", "th", "dt", "dd", "br", "option", "h1", "h2", "h3"}:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if tag in {"p", "div", "li", "td", "th", "dt", "dd", "option", "span", "a"}:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)

    def text(self):
        return "".join(self.parts)


def offending_words(text: str, slugs: set[str], path: str = "") -> list[str]:
    text = CASE_REFERENCE.sub(" ", URL.sub(" ", text))
    found = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        for slug in slugs:
            if re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", line):
                found.append(f"slug {slug!r} in {line!r}")
        for pattern, what in (
            (ARROW, "state transition"),
            (SNAKE, "code"),
            (ISO_DATE, "ISO date"),
            (EMPTY_CHOICE, "empty choice"),
            (RAW_ID, "raw id"),
            (RECORD_NUMBER, "database id"),
        ):
            for match in pattern.finditer(line):
                if (path, match.group(0)) not in ALLOWED:
                    found.append(f"{what} {match.group(0)!r} in {line!r}")
        for match in DOUBLED.finditer(line):
            found.append(f"doubled word {match.group(0)!r} in {line!r}")
    return found


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
        yield
        # Leave the database as the next module expects it: empty, content types fresh.
        from django.contrib.contenttypes.models import ContentType

        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.clear_cache()


@pytest.mark.django_db
def test_staff_pages_speak_in_words_not_codes(demo, client):
    from django.contrib.auth import get_user_model

    from partnerships.models import Agency, Area

    slugs = {s for s in Agency.objects.values_list("slug", flat=True) if "-" in s}
    slugs |= {s for s in Area.objects.values_list("slug", flat=True) if "-" in s}
    assert "hertfordshire-constabulary" in slugs

    from cases.models import Case

    # One case in each state, so each kind of case page is met, not just the newest.
    case_pages = []
    hertsmere = Case.objects.filter(area__slug="hertsmere")
    for state in hertsmere.order_by().values_list("state", flat=True).distinct():
        case = hertsmere.filter(state=state).order_by("pk").first()
        case_pages.append(f"/staff/cases/{case.reference}/")
        case_pages.append(f"/staff/thresholds/case/{case.reference}/")

    problems = defaultdict(list)
    pages_read = 0
    routes_read = set()
    User = get_user_model()
    for role, username in ROLE_USERS.items():
        client.force_login(User.objects.get(username=username))
        queue = list(START_PAGES) + case_pages
        seen = set()
        per_pattern = defaultdict(int)
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            route = pattern_of(path)
            if route is None or SKIP_ROUTE.search(path):
                continue
            if per_pattern[route] >= PER_PATTERN:
                continue
            response = client.get(path)
            assert response.status_code < 500, f"{role} GET {path}: {response.status_code}"
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            per_pattern[route] += 1
            routes_read.add(route)
            pages_read += 1
            parser = VisibleText()
            parser.feed(response.content.decode())
            for word in offending_words(parser.text(), slugs, path):
                problems[f"{path} as {role} ({username})"].append(word)
            for href in parser.links:
                href = urldefrag(href)[0]
                parts = urlsplit(href)
                if parts.netloc or not parts.path.startswith("/staff/"):
                    continue
                if parts.path not in seen:
                    queue.append(parts.path)
    # The walk reached most kinds of staff page (about 220 pages of 54 kinds today).
    assert pages_read > 150 and len(routes_read) > 45, sorted(routes_read)
    report = [
        f"{page}:\n    " + "\n    ".join(sorted(set(words))) for page, words in problems.items()
    ]
    assert not problems, f"{len(problems)} pages with internal words:\n" + "\n".join(report)
