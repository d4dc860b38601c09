"""A NUL byte in a case reference, a query parameter or a posted value is refused
plainly (404 or 400), never passed to PostgreSQL, which raises on NUL in any text.

SQLite accepts NUL, so CI runs these against PostgreSQL too (``make test-services``).
"""

import pytest
from django.http import Http404
from django.urls import URLPattern, URLResolver, get_resolver

from asbcr.converters import CaseReferenceConverter
from cases.selectors import case_get
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


def reference_routes(with_converter=False) -> list:
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "reference" in p.pattern.converters:
                    converter = p.pattern.converters["reference"]
                    found.append((route, converter) if with_converter else route)

    walk(get_resolver().url_patterns)
    return found


def test_every_route_with_a_case_reference_uses_the_reference_converter():
    routes = reference_routes(with_converter=True)
    assert len(routes) >= 19
    for route, converter in routes:
        assert isinstance(converter, CaseReferenceConverter), route


@pytest.mark.parametrize("bad", ["%00", "HER%00", "a%00b"])
def test_a_nul_in_a_case_reference_is_not_found(client, reference, bad):
    client.force_login(reference["users"]["hertsmere.officer"])
    for route in reference_routes():
        url = "/" + route.replace("<reference:reference>", bad)
        url = url.replace("<slug:kind>", "CR1").replace("<slug:name>", "close")
        response = client.get(url)
        assert response.status_code in (400, 404), (url, response.status_code)


def test_the_selector_refuses_a_nul_itself(reference):
    with pytest.raises(Http404):
        case_get(user=reference["users"]["hertsmere.officer"], reference="HER\x00")


@pytest.mark.parametrize("page", ["cases:detail", "cases:timeline_export"])
def test_a_nul_in_a_query_parameter_is_a_bad_request(client, reference, page):
    from django.urls import reverse

    officer = reference["users"]["hertsmere.officer"]
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    client.force_login(officer)
    url = reverse(page, args=[case.reference])
    assert client.get(url + "?kind=%00").status_code == 400
    assert client.get(url + "?kind=a%00b").status_code == 400
    assert client.get(url + "?kind=note").status_code == 200


def test_a_nul_posted_to_the_meetings_form_is_a_bad_request(client, reference):
    client.force_login(reference["users"]["hertsmere.officer"])
    response = client.post("/staff/panels/meetings/", {"area": "\x00", "op": "standing"})
    assert response.status_code == 400


def test_a_nul_in_the_path_anywhere_is_a_bad_request(client, reference):
    client.force_login(reference["users"]["hertsmere.officer"])
    assert client.get("/staff/deadlines/area/hertsmere%00/").status_code in (400, 404)
    assert client.get("/statistics/?q=%00").status_code == 400
