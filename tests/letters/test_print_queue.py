"""The print queue: oldest first, a page at a time, in a constant number of queries."""

import re

import pytest
from django.urls import reverse

from letters.models import Letter, PrintJob
from tests.letters.factories import case_in_state

pytestmark = pytest.mark.django_db

URL = reverse("letters:print_queue")


@pytest.fixture
def posted(client, area, officer):
    """One CR1 sent by post the proper way, waiting in the print queue."""
    case = case_in_state(area=area, by=officer, state="received")
    client.force_login(officer)
    client.post(reverse("letters:send", args=[case.reference, "CR1"]), {"channel": "post"})
    return Letter.objects.get(case=case)


def _copies(letter, count: int) -> list[Letter]:
    made = []
    for _ in range(count):
        copy = Letter.objects.get(pk=letter.pk)
        copy.pk = None
        copy.save()
        PrintJob.objects.create(letter=copy)
        made.append(copy)
    return made


def _queued(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'action="/staff/letters/letter/(\d+)/printed/"', page)]


def test_the_queue_shows_25_letters_at_a_time_oldest_first(client, posted):
    made = _copies(posted, 29)
    first = client.get(URL).content.decode()
    assert "30 letters to post, page 1 of 2" in first
    assert len(_queued(first)) == 25
    assert 'href="?page=2"' in first and 'aria-label="Pages of letters to post"' in first
    second = client.get(URL, {"page": "2"}).content.decode()
    assert _queued(first) + _queued(second) == [posted.pk] + [c.pk for c in made]


def test_the_page_costs_the_same_queries_for_two_letters_or_twenty(
    client, posted, django_assert_max_num_queries
):
    _copies(posted, 1)
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    _copies(posted, 18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_queued(client.get(URL).content.decode())) == 20


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "9" * 40])
def test_any_page_number_gives_a_page(client, posted, page):
    _copies(posted, 25)
    response = client.get(URL, {"page": page})
    assert response.status_code == 200 and len(_queued(response.content.decode())) in (25, 1)


def test_another_areas_officer_sees_none_of_them(client, posted, users):
    client.force_login(users["merton.officer"])
    page = client.get(URL).content.decode()
    assert _queued(page) == [] and "Nothing to print." in page
    assert posted.case.reference not in page
