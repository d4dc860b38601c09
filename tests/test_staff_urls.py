"""Every staff URL, across every app, walked as every demo user.

For each URL pattern under /staff/ that needs nothing but a case reference (or nothing at
all), as every demo user: no response is a server error; anonymous visitors are sent to
sign in; and a user outside the case's circle (agency not involved, not the area's
partnership admin, not named on the case) never gets a page of that case.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cases.selectors import user_can_see_case
from tests.factories import IncidentInputFactory, receive_case


def staff_patterns():
    """(route, name) for every staff URL whose only argument may be a case reference."""
    found = []

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not route.startswith("staff/") or "sign-" in route:
                    continue
                params = set(p.pattern.converters)
                if params <= {"reference"}:
                    found.append((route, f"{namespace}:{p.name}" if namespace else p.name))

    walk(get_resolver().url_patterns)
    return found


def to_url(route: str, reference: str) -> str:
    return "/" + route.replace("<reference:reference>", reference)


@pytest.mark.django_db
def test_no_staff_url_errors_or_leaks_a_case(client, reference):
    users = reference["users"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=users["hertsmere.officer"],
        incidents=[IncidentInputFactory(reported_to=police)],
    )
    patterns = staff_patterns()
    assert len(patterns) > 10
    problems = []
    for route, _name in patterns:
        url = to_url(route, case.reference)
        response = client.get(url)
        if response.status_code not in (302, 403, 404, 405):
            problems.append(f"anonymous GET {url}: {response.status_code}")
    for username, user in users.items():
        client.force_login(user)
        sees = user_can_see_case(user, case)
        for route, _name in patterns:
            if "<reference:reference>" not in route:
                continue
            url = to_url(route, case.reference)
            response = client.get(url)
            if response.status_code >= 500:
                problems.append(f"{username} GET {url}: {response.status_code}")
            elif not sees and response.status_code == 200:
                problems.append(f"{username} outside the case's circle got {url}")
    assert not problems, "\n".join(problems)
