"""The subject access requests page: soonest due first, a page at a time, one area only."""

import re

import pytest
from django.urls import reverse

from tests.privacy.test_services import open_request

pytestmark = pytest.mark.django_db


def _url(area):
    return reverse("privacy:list", args=[area.slug])


def _shown(page: str) -> list[str]:
    return re.findall(r'href="/staff/privacy/requests/(\d+)/"', page)


@pytest.fixture
def admin(users):
    return users["hertsmere.admin"]


def test_the_page_shows_25_requests_at_a_time_soonest_due_first(client, area, admin):
    made = [open_request(area=area, by=admin, subject_name=f"Person {n}") for n in range(27)]
    client.force_login(admin)
    first = client.get(_url(area)).content.decode()
    assert "27 requests, page 1 of 2" in first
    assert len(_shown(first)) == 25
    assert 'href="?page=2"' in first and 'aria-label="Pages of requests"' in first
    second = client.get(_url(area), {"page": "2"}).content.decode()
    assert len(_shown(second)) == 2
    # All received today, so due the same day: oldest recorded first, each shown once.
    assert [int(pk) for pk in _shown(first) + _shown(second)] == [s.pk for s in made]


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "9" * 40])
def test_any_page_number_gives_a_page(client, area, admin, page):
    for n in range(26):
        open_request(area=area, by=admin, subject_name=f"Person {n}")
    client.force_login(admin)
    response = client.get(_url(area), {"page": page})
    assert response.status_code == 200 and len(_shown(response.content.decode())) in (25, 1)


def test_another_areas_requests_are_not_listed(client, reference, area, admin, users):
    open_request(area=area, by=admin, subject_name="Hertsmere Person")
    merton = reference["areas"]["merton"]
    client.force_login(users["merton.admin"])
    assert client.get(_url(area)).status_code == 403
    page = client.get(_url(merton)).content.decode()
    assert "Hertsmere Person" not in page and "No requests recorded." in page
