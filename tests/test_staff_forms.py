"""Every staff form to the GOV.UK pattern, walked as every demo role.

The demo is loaded once; each role's user walks the staff pages as the word test does
(``tests/test_staff_words.py``), one page per URL pattern. On each page:

- no native date picker (``type="date"``): dates are the GOV.UK day, month, year boxes;
- no select offering five choices or fewer in a form that acts: those are radios, seen
  without opening anything (the GOV.UK select is a last resort); no filter offering one
  choice, which filters nothing;
- each form that posts is sent back as a person would who pressed its button without
  filling anything in: the page that comes back never shows one of Django's generic
  messages ("This field is required.", "Select a valid choice", "day is out of range for
  month"), and shows "Error: " in its title when it shows an error summary; an action
  that succeeds (a redirect) is followed by a page with a notification banner, so the
  person is told what happened;
- each text box of each form is sent one character over the limit the page gives it
  (``maxlength``), or 1 MB where it gives none, the other boxes answered ordinarily
  (``tests.fuzz.walker.overlong``): the page comes back with the form, a message in plain
  words at that field and in the error summary (never Django's "Ensure this value has at
  most..."), and the text typed still in the box, to shorten. No limit on the page may
  accept the long text, but never with a 5xx or a bare 400.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from tests.fuzz.walker import forms_on, overlong, overlong_problems, post_rolled_back
from tests.test_staff_words import (  # noqa: F401  (demo is a fixture)
    ROLE_USERS,
    SKIP_ROUTE,
    START_PAGES,
    VisibleText,
    demo,
    pattern_of,
)

RAW_MESSAGES = [
    "This field is required.",
    "Select a valid choice",
    "Enter a valid date",
    "Enter a valid value",
    "Enter a whole number",
    "out of range for month",
    "Ensure this value",
    "Null characters are not allowed",
]
# Posts that are not actions on the service's records, or that end the walk.
SKIP_POST = re.compile(r"(sign-out|sign-in|/i18n/|backup-codes|/admin/)")


class Forms(HTMLParser):
    """The forms that post on a page: action and the hidden fields each sends."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "data": {}}
        elif tag == "input" and self._current is not None:
            if attrs.get("type") == "hidden" and attrs.get("name"):
                self._current["data"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "button" and self._current is not None and attrs.get("name"):
            self._current["data"][attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


# GOV.UK: a select is a last resort; a few options are radios, seen all at once.
MOST_OPTIONS_FOR_RADIOS = 5


class Selects(HTMLParser):
    """Each <select> on a page: its name, how many real choices it offers, and whether it
    is in a form that posts (an action) or one that gets (a filter)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.selects = []
        self._current = None
        self._posts = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._posts = (attrs.get("method") or "").lower() == "post"
        elif tag == "select":
            self._current = {"name": attrs.get("name") or "", "choices": 0, "posts": self._posts}
        elif tag == "option" and self._current is not None and attrs.get("value"):
            self._current["choices"] += 1

    def handle_endtag(self, tag):
        if tag == "select" and self._current is not None:
            self.selects.append(self._current)
            self._current = None


def _few_option_selects(html):
    parser = Selects()
    parser.feed(html)
    found = []
    for select in parser.selects:
        if select["posts"] and select["choices"] <= MOST_OPTIONS_FOR_RADIOS:
            found.append(
                f"a select ‘{select['name']}’ offering {select['choices']} choices (use radios)"
            )
        elif not select["posts"] and select["choices"] == 1:
            found.append(f"a filter ‘{select['name']}’ with only one choice")
    return found


def _send_overlong(client, path, html, done, problems, exercised):
    """Each text box of each form on the page, sent over-long once (rolled back)."""
    for form in forms_on(path, html):
        route = pattern_of(form.action)
        op = next((f.baseline[0] for n, f in form.fields.items() if n == "op" and f.baseline), "")
        key = (route, op, tuple(sorted(form.fields)))
        if route is None or SKIP_POST.search(form.action) or key in done:
            continue
        done.add(key)
        for field, typed, data in overlong(form, timezone.localdate()):
            reply = post_rolled_back(client, form.action, data)
            exercised[(route, op)].add(field.name)
            for problem in overlong_problems(reply, field, typed, RAW_MESSAGES):
                limit = f"{field.max_length:,}" if field.max_length is not None else "no limit"
                problems[f"POST {form.action} {field.name} ({limit})"].append(problem)


def _links(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.links


@pytest.mark.django_db
def test_staff_forms_use_gov_uk_patterns_and_every_action_is_told(demo, client):  # noqa: F811
    from django.contrib.auth import get_user_model

    User = get_user_model()
    problems = defaultdict(list)
    too_long = defaultdict(list)
    exercised = defaultdict(set)  # (route, op) -> the fields sent over-long
    done_long = set()  # each form once, as the first role that sees it
    posted = told = 0
    for role, username in ROLE_USERS.items():
        user = User.objects.get(username=username)
        client.force_login(user)
        queue = list(START_PAGES)
        seen, done_patterns, done_posts = set(), set(), set()
        long_client = Client(raise_request_exception=False)  # a 5xx is a finding, not a crash
        long_client.force_login(user)
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            route = pattern_of(path)
            if route is None or SKIP_ROUTE.search(path) or route in done_patterns:
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            done_patterns.add(route)
            html = response.content.decode()
            where = f"{path} as {role}"
            if 'type="date"' in html:
                problems[where].append("a native date picker")
            for few in _few_option_selects(html):
                problems[where].append(few)
            for href in _links(html):
                parts = urlsplit(urldefrag(href)[0])
                if not parts.netloc and parts.path.startswith("/staff/"):
                    queue.append(parts.path)
            _send_overlong(long_client, path, html, done_long, too_long, exercised)
            forms = Forms()
            forms.feed(html)
            for form in forms.forms:
                action = urljoin(path, form["action"]) if form["action"] else path
                key = (pattern_of(urlsplit(action).path), form["data"].get("op"))
                if SKIP_POST.search(action) or key in done_posts or key[0] is None:
                    continue
                done_posts.add(key)
                posted += 1
                reply = client.post(action, form["data"], follow=True)
                client.force_login(user)  # an action may have ended the session
                assert reply.status_code < 500, f"{where}: POST {action} {form['data']}"
                if "html" not in reply.get("Content-Type", ""):
                    continue  # a download (a letter, an export)
                body = reply.content.decode()
                for few in _few_option_selects(body):
                    problems[f"POST {action} as {role}"].append(few)
                for raw in RAW_MESSAGES:
                    if raw in body:
                        problems[f"POST {action} {form['data']} as {role}"].append(raw)
                if 'class="govuk-error-summary"' in body and "<title>Error: " not in body:
                    problems[f"POST {action} as {role}"].append("no 'Error: ' in the title")
                if reply.redirect_chain and "html" in reply.get("Content-Type", ""):
                    final = reply.redirect_chain[-1][0]
                    if "sign-in" in final:
                        continue
                    told += 1
                    if "govuk-notification-banner" not in body:
                        problems[f"POST {action} {form['data']} as {role}"].append(
                            f"no banner after the action (landed on {final})"
                        )
    assert posted > 40, posted
    assert told > 5, told
    report = [
        f"{k}:\n    " + "\n    ".join(sorted(set(v)))
        for k, v in [*problems.items(), *too_long.items()]
    ]
    assert not problems and not too_long, (
        f"{len(problems)} pattern problems, {len(too_long)} over-long answers wrong:\n"
        + "\n".join(report)
    )
    fields = sum(len(names) for names in exercised.values())
    assert len(exercised) >= 30 and fields >= 120, (len(exercised), fields)
