import pytest
from django.urls import reverse
from django.utils import timezone

from appeals.constants import AppealStatus
from appeals.models import Appeal
from appeals.services import appeal_lodge
from cases.constants import Channel
from cases.models import AccessLogEntry
from cases.selectors import case_visible_to
from tests.appeals.factories import threshold_not_met_case

pytestmark = pytest.mark.django_db


def _lodge(case, by):
    return appeal_lodge(
        case=case,
        by=by,
        grounds=["A"],
        applicant_words="Nobody listened.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )


def test_officer_records_an_appeal_from_the_case_page(client, reference):
    officer = reference["users"]["devon.officer"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    client.force_login(officer)
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert page.status_code == 200
    assert reverse("appeals:lodge", args=[case.reference]).encode() in page.content
    today = timezone.localdate()
    response = client.post(
        reverse("appeals:lodge", args=[case.reference]),
        {
            "grounds": ["A", "C"],
            "applicant_words": "The incidents were not all counted.",
            "lodged_on_0": today.day,
            "lodged_on_1": today.month,
            "lodged_on_2": today.year,
            "channel": Channel.LETTER,
        },
    )
    appeal = Appeal.objects.get(case=case)
    assert response.status_code == 302 and response.url == reverse(
        "appeals:detail", args=[appeal.pk]
    )
    assert appeal.grounds == ["A", "C"] and appeal.status == AppealStatus.UNDER_REVIEW


def test_bad_input_keeps_what_was_typed(client, reference):
    officer = reference["users"]["devon.officer"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    client.force_login(officer)
    response = client.post(
        reverse("appeals:lodge", args=[case.reference]),
        {"grounds": ["A"], "applicant_words": "Keep these words", "channel": Channel.LETTER},
    )
    assert response.status_code == 200
    assert b"Keep these words" in response.content
    assert not Appeal.objects.exists()


def test_reviewer_sees_only_the_cases_routed_to_them(client, reference):
    users = reference["users"]
    reviewer = users["devon.reviewer"]
    routed = threshold_not_met_case(reference, "devon-and-cornwall")
    other = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _lodge(routed, users["devon.officer"])
    assert list(case_visible_to(user=reviewer)) == [routed]
    client.force_login(reviewer)
    listing = client.get(reverse("appeals:list"))
    assert routed.reference.encode() in listing.content
    assert other.reference.encode() not in listing.content
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[routed.reference])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.reference])).status_code == 404
    other_appeal = _lodge(other, users["devon.officer"])
    other_appeal.reviewer = None
    Appeal.objects.filter(pk=other_appeal.pk).update(reviewer=None)
    assert client.get(reverse("appeals:detail", args=[other_appeal.pk])).status_code == 404


def test_reviewer_downloads_the_bundle_and_it_is_logged(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _lodge(case, users["devon.officer"])
    client.force_login(users["devon.reviewer"])
    response = client.get(reverse("appeals:bundle", args=[appeal.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(user=users["devon.reviewer"], case=case).exists()


def test_someone_else_in_the_area_cannot_open_an_appeal(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = _lodge(case, users["devon.officer"])
    client.force_login(users["devon.monitor"])
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
