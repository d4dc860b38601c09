"""The area admin's page: the chain check, erasure due next month, legal holds."""

import datetime as dt

import pytest
import time_machine
from django.db import models
from django.urls import reverse

from audit import erasure
from cases.constants import EventKind
from cases.models import TimelineEvent
from tests.audit.test_retention import closed_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users):
    return users["hertsmere.admin"]


def test_only_the_areas_admin_can_open_it(client, area, officer, users):
    url = reverse("audit:area", args=[area.slug])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    client.force_login(users["merton.admin"])
    assert client.get(url).status_code == 403
    client.force_login(users["hertsmere.admin"])
    assert client.get(url).status_code == 200


def test_it_lists_what_is_due_next_month_and_a_broken_chain(client, area, officer, admin):
    case = closed_case(area, officer)
    row = models.QuerySet(TimelineEvent).filter(case=case, kind=EventKind.NOTE).first()
    with erasure.permitted(reason="test: tamper"):
        models.QuerySet(TimelineEvent).filter(pk=row.pk).update(reason="Changed")
    with time_machine.travel(dt.datetime(2032, 5, 10, 12), tick=False):
        client.force_login(admin)
        page = client.get(reverse("audit:area", args=[area.slug])).content.decode()
    assert "Due for erasure in June 2032" in page
    assert case.reference in page and "1 June 2032" in page
    assert f"Timeline entry {row.pk}" in page and "was changed after it was written" in page


def test_a_legal_hold_is_placed_and_lifted_from_the_page(client, area, officer, admin):
    case = closed_case(area, officer)
    client.force_login(admin)
    url = reverse("audit:legal_hold", args=[area.slug])
    response = client.post(
        url, {"reference": case.reference.lower(), "action": "set", "reason": "Civil claim"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.legal_hold and case.legal_hold_reason == "Civil claim"
    page = client.get(reverse("audit:area", args=[area.slug])).content.decode()
    assert "Civil claim" in page
    client.post(url, {"reference": case.reference, "action": "clear", "reason": "Settled"})
    case.refresh_from_db()
    assert not case.legal_hold


def test_a_bad_reference_or_no_reason_is_shown_at_the_field(client, area, admin):
    client.force_login(admin)
    url = reverse("audit:legal_hold", args=[area.slug])
    page = client.post(url, {"reference": "NOPE-1", "action": "set", "reason": "x"})
    assert page.status_code == 200 and "There is no case NOPE-1" in page.content.decode()
    page = client.post(url, {"reference": "NOPE-1", "action": "set", "reason": ""})
    assert page.status_code == 200 and "NOPE-1" in page.content.decode()
