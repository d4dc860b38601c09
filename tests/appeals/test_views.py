import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals.constants import AppealStatus
from appeals.models import Appeal
from appeals.services import appeal_lodge
from cases.constants import Channel
from cases.models import AccessLogEntry
from cases.selectors import case_visible_to
from tests.appeals.factories import lodge_appeal, threshold_not_met_case

pytestmark = pytest.mark.django_db


def test_officer_records_an_appeal_from_the_case_page(client, reference):
    officer = reference["users"]["devon.officer"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    client.force_login(officer)
    page = client.get(reverse("cases:appeals", args=[case.reference]))
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
    appeal = lodge_appeal(routed, users["devon.officer"])
    assert list(case_visible_to(user=reviewer)) == [routed]
    client.force_login(reviewer)
    listing = client.get(reverse("appeals:list"))
    assert routed.reference.encode() in listing.content
    assert other.reference.encode() not in listing.content
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 200
    assert client.get(reverse("cases:detail", args=[routed.reference])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.reference])).status_code == 404
    other_appeal = lodge_appeal(other, users["devon.officer"])
    other_appeal.reviewer = None
    Appeal.objects.filter(pk=other_appeal.pk).update(reviewer=None)
    assert client.get(reverse("appeals:detail", args=[other_appeal.pk])).status_code == 404


def test_reviewer_downloads_the_bundle_and_it_is_logged(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge_appeal(case, users["devon.officer"])
    client.force_login(users["devon.reviewer"])
    response = client.get(reverse("appeals:bundle", args=[appeal.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(user=users["devon.reviewer"], case=case).exists()


def test_someone_else_in_the_area_cannot_open_an_appeal(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge_appeal(case, users["devon.officer"])
    client.force_login(users["devon.monitor"])
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404


def test_reviewer_completes_the_audit_and_records_the_outcome(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge_appeal(case, users["devon.officer"])
    client.force_login(users["devon.reviewer"])
    page = client.get(reverse("appeals:compliance", args=[appeal.pk]))
    assert page.status_code == 200 and b"The record suggests" in page.content
    from appeals.audit import QUESTIONS

    data = {f"{key}_answer": "yes" for key, *_ in QUESTIONS}
    data["risk_before_answer"] = "no"
    data["risk_before_note"] = "No written assessment before the decision."
    assert client.post(reverse("appeals:compliance", args=[appeal.pk]), data).status_code == 302
    assert appeal.compliance.get(item="risk_before").answer == "no"

    body = case.area.administering_agency
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        {
            "outcome": "refer_back",
            "summary": "No risk assessment was done before the decision.",
            "kind": "consider_process",
            "text": "Use the risk matrix before every threshold decision.",
            "body": body.pk,
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "refer_back"
    assert appeal.recommendations.get().body == body


def test_refer_back_without_a_recommendation_is_explained(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    appeal = lodge_appeal(case, users["devon.officer"])
    client.force_login(users["devon.officer"])
    response = client.post(
        reverse("appeals:decide", args=[appeal.pk]),
        {"outcome": "refer_back", "summary": "Look again."},
    )
    assert response.status_code == 200
    assert b"at least one recommendation" in response.content
    assert b"Look again." in response.content


def test_officer_assigns_an_independent_reviewer_and_is_told_why_not_another(client, reference):
    users = reference["users"]
    case = threshold_not_met_case(reference, "bedford")
    appeal = appeal_lodge(
        case=case,
        by=users["bedford.officer"],
        grounds=["threshold_decision"],
        applicant_words="x",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    client.force_login(users["bedford.officer"])
    response = client.post(
        reverse("appeals:assign", args=[appeal.pk]), {"reviewer": users["bedford.reviewer"].pk}
    )
    assert response.status_code == 200
    assert b"which is involved in the case" in response.content


def test_an_open_appeal_blocks_closing_the_case(reference):
    from cases.services import CaseWorkflowError, case_transition

    users = reference["users"]
    case = threshold_not_met_case(reference, "devon-and-cornwall")
    lodge_appeal(case, users["devon.officer"])
    with pytest.raises(CaseWorkflowError) as exc:
        case_transition(case=case, name="close", by=users["devon.officer"], reason="Done.")
    assert "appeal on this case is under way" in " ".join(exc.value.reasons)


def test_the_tracking_page_can_offer_an_appeal(reference):
    from appeals.selectors import appeal_options_for_applicant

    case = threshold_not_met_case(reference, "devon-and-cornwall")
    options = appeal_options_for_applicant(case)
    assert [g["key"] for g in options.grounds] == ["A", "B", "C"]
    assert options.window_ends_on >= options.decision.on + dt.timedelta(weeks=4)
    assert options.open_appeal is None
    assert "Police and Crime Commissioner" in options.reviewing_body
