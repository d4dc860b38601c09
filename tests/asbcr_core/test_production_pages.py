"""Pages render with production's static storage (hashed names, DEBUG off).

``CompressedManifestStaticFilesStorage`` raises for a ``{% static %}`` name the manifest
does not know, so a page that works in development can be a 500 in production. This
walks the public pages and every staff page as a case officer with the files collected
for real.
"""

import pytest
from django.test import Client

from tests.factories import IncidentInputFactory, receive_case
from tests.test_staff_urls import staff_patterns, to_url

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/apply/", "/apply/postcode/", "/apply/area/", "/statistics/", "/nope/"]


def _hashed_links(page: str) -> bool:
    return "/static/govuk/css/govuk-frontend." in page and 'govuk-frontend.css"' not in page


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages(reference, production_static, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code in (200, 302, 404), url
    if response.status_code != 302:
        assert _hashed_links(response.content.decode())


def test_every_staff_page_as_an_officer(reference, production_static):
    users = reference["users"]
    officer = users["hertsmere.officer"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    case = receive_case(
        area=reference["areas"]["hertsmere"],
        by=officer,
        incidents=[IncidentInputFactory(reported_to=police)],
    )
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    problems = []
    for route, _name in staff_patterns():
        url = to_url(route, case.reference)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            if not _hashed_links(response.content.decode()):
                problems.append(f"{url}: unhashed static links")
    assert problems == []
