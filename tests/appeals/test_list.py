"""The appeals page: open appeals first, a page at a time, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from appeals.constants import AppealStatus
from appeals.models import Appeal, AppealStage
from tests.appeals.factories import lodge_appeal, threshold_not_met_case

pytestmark = pytest.mark.django_db

URL = reverse("appeals:list")


@pytest.fixture
def lodged(reference):
    """One appeal lodged the proper way on a Devon & Cornwall case, routed to the reviewer."""
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    return lodge_appeal(case, reference["users"]["devon.officer"])


def _copies(appeal, count: int, *, status=None, days_back=0):
    """More appeals like ``appeal`` (each with its stages), lodged on earlier days."""
    stages = list(appeal.stages.all())
    made = []
    for n in range(count):
        copy = Appeal.objects.get(pk=appeal.pk)
        copy.pk = None
        copy.lodged_on = appeal.lodged_on - dt.timedelta(days=days_back + n + 1)
        if status:
            copy.status = status
        copy.save()
        AppealStage.objects.bulk_create(
            AppealStage(
                appeal=copy,
                order=s.order,
                key=s.key,
                rule=s.rule,
                amount=s.amount,
                unit=s.unit,
                runs_from=s.runs_from,
                starts_on=s.starts_on,
                due_on=s.due_on,
                completed_on=s.completed_on,
            )
            for s in stages
        )
        made.append(copy)
    return made


def _links(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/staff/appeals/(\d+)/"', page)]


def test_the_page_costs_the_same_queries_for_two_appeals_or_twenty(
    client, reference, lodged, django_assert_max_num_queries
):
    client.force_login(reference["users"]["devon.reviewer"])
    _copies(lodged, 1)
    with django_assert_max_num_queries(40) as few:
        assert client.get(URL).status_code == 200
    _copies(lodged, 18, days_back=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert len(_links(page)) == 20
    # The current stage and its due date are still shown for each row.
    stage = lodged.stages.filter(completed_on__isnull=True).order_by("order").first()
    assert page.count(f'<td class="govuk-table__cell">{stage.rule}</td>') == 20


def test_open_appeals_come_before_decided_ones_newest_first(client, reference, lodged):
    decided = _copies(lodged, 2, status=AppealStatus.DECIDED)  # lodged 1 and 2 days ago
    older_open = _copies(lodged, 1, days_back=5)  # lodged 6 days ago, still open
    client.force_login(reference["users"]["devon.reviewer"])
    page = client.get(URL).content.decode()
    assert _links(page) == [lodged.pk, older_open[0].pk, decided[0].pk, decided[1].pk]


def test_the_page_shows_25_appeals_at_a_time(client, reference, lodged):
    _copies(lodged, 29)
    client.force_login(reference["users"]["devon.reviewer"])
    first = client.get(URL).content.decode()
    assert "30 appeals, page 1 of 2" in first
    assert len(_links(first)) == 25
    assert 'href="?page=2"' in first and 'aria-label="Pages of appeals"' in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert len(_links(second)) == 5
    assert sorted(_links(first) + _links(second)) == sorted(
        Appeal.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "9" * 40, "1.5"])
def test_any_page_number_gives_a_page(client, reference, lodged, page):
    _copies(lodged, 29)
    client.force_login(reference["users"]["devon.reviewer"])
    response = client.get(URL, {"page": page})
    assert response.status_code == 200
    assert len(_links(response.content.decode())) in (25, 5)


def test_a_nul_in_the_page_number_is_a_bad_request(client, reference):
    client.force_login(reference["users"]["devon.reviewer"])
    assert client.get(URL, {"page": "1\x00"}).status_code == 400


def test_an_officer_elsewhere_sees_none_of_them(client, reference, lodged):
    _copies(lodged, 3)
    client.force_login(reference["users"]["hertsmere.officer"])
    page = client.get(URL).content.decode()
    assert _links(page) == [] and "There are no appeals for you." in page
    assert lodged.case.reference not in page
