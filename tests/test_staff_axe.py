"""axe-core on the staff pages of the demo, as every role: 0 WCAG 2.2 A/AA violations.

The pages are found as the word test finds them (``tests/test_staff_words.py``): each
role's demo user walks from the navigation's pages, following links. Each URL pattern is
checked once, as the first role that reaches it, plus every role's home page and case
list, so the run stays bounded (about a minute of browser time); every role's own view
of the shared pages (home, cases, meetings) is still checked.
"""

import os
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.conftest import chromium_path
from tests.public.browser import CHROMIUM_ARGS, DESKTOP, check_axe
from tests.test_staff_words import (  # noqa: F401  (demo is a fixture)
    ROLE_USERS,
    SKIP_ROUTE,
    START_PAGES,
    VisibleText,
    demo,
    pattern_of,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERY_ROLE = {"/staff/", "/staff/cases/", "/staff/panels/meetings/"}


def pages_per_role(client, users):
    """(role, user, [paths]) with each URL pattern once across the roles."""
    met = set()
    plan = []
    for role, user in users:
        client.force_login(user)
        queue, seen, paths = list(START_PAGES), set(), []
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            route = pattern_of(path)
            if route is None or SKIP_ROUTE.search(path):
                continue
            if route in met and path not in EVERY_ROLE:
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            met.add(route)
            paths.append(path)
            parser = VisibleText()
            parser.feed(response.content.decode())
            for href in parser.links:
                parts = urlsplit(urldefrag(href)[0])
                if not parts.netloc and parts.path.startswith("/staff/"):
                    queue.append(parts.path)
        plan.append((role, user, paths))
    return plan


def test_axe_finds_nothing_on_any_staff_page_as_any_role(demo, client, live_server):  # noqa: F811
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from playwright.sync_api import sync_playwright

    User = get_user_model()
    users = [(role, User.objects.get(username=name)) for role, name in ROLE_USERS.items()]
    plan = pages_per_role(client, users)
    checked = 0
    failures = []
    host = urlsplit(live_server.url).hostname
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for role, user, paths in plan:
                client.force_login(user)
                session = client.cookies[settings.SESSION_COOKIE_NAME].value
                context = browser.new_context(viewport=DESKTOP)
                context.set_default_timeout(20_000)
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": session,
                            "domain": host,
                            "path": "/",
                        }
                    ]
                )
                page = context.new_page()
                for path in paths:
                    page.goto(live_server.url + path)
                    try:
                        check_axe(page)
                    except AssertionError as exc:
                        failures.append(f"as {role}: {exc}")
                    checked += 1
                context.close()
        finally:
            browser.close()
    assert checked > 50, checked
    assert not failures, f"{len(failures)} pages with violations:\n" + "\n".join(failures)
