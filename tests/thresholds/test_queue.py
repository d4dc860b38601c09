"""The detection queue page: a county's suggestions a page at a time, only the user's areas."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from thresholds.models import ReviewSuggestion

URL = reverse("thresholds:queue")


def _suggest(area, count: int, prefix: str = "v"):
    ReviewSuggestion.objects.bulk_create(
        ReviewSuggestion(
            area=area,
            complainant_key=f"{prefix}-{n:03}",
            latest_incident_date=dt.date(2026, 8, 1),
            explanation={"met": True, "reasons_text": f"Reasons for {prefix}-{n:03}."},
            incident_ids=[],
        )
        for n in range(count)
    )


def test_the_queue_shows_a_page_of_suggestions_at_a_time(client, area, officer):
    _suggest(area, 30)
    client.force_login(officer)
    first = client.get(URL).content.decode()
    assert "30 victims suggested, page 1 of 2" in first
    assert first.count("Reasons for v-") == 25
    assert 'href="?page=2"' in first and 'aria-label="Pages of suggestions"' in first
    second = client.get(URL, {"page": 2, "notices_page": 1}).content.decode()
    assert second.count("Reasons for v-") == 5
    # Each list's links keep the other list's page.
    assert 'href="?notices_page=1&amp;page=1"' in second
    shown = re.findall(r"Reasons for (v-\d+)", first + second)
    assert sorted(shown) == [f"v-{n:03}" for n in range(30)]  # each once, none missed


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "9" * 40, "1.5"])
def test_any_page_number_gives_a_page(client, area, officer, page):
    _suggest(area, 30)
    client.force_login(officer)
    response = client.get(URL, {"page": page, "notices_page": page})
    assert response.status_code == 200
    assert response.content.decode().count("Reasons for v-") in (25, 5)


def test_a_nul_in_the_page_number_is_a_bad_request(client, area, officer):
    client.force_login(officer)
    assert client.get(URL, {"page": "1\x00"}).status_code == 400


def test_the_queue_holds_only_the_users_areas(client, reference, area, officer):
    _suggest(area, 2, prefix="herts")
    _suggest(reference["areas"]["merton"], 2, prefix="merton")
    client.force_login(officer)
    page = client.get(URL).content.decode()
    assert "Reasons for herts-000" in page and "2 victims suggested" in page
    assert "merton-" not in page
