import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services as case_services
from cases.constants import CaseState, EventKind
from cases.models import ImpactStatement
from public import services
from public.models import AppealRequest, TrackingLink
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(area, officer):
    case = receive_case(area=area, by=officer)
    token = services.tracking_link_issue(case=case, by=officer)
    return case, token


def test_tracking_page_shows_only_what_the_applicant_may_see(client, tracked, officer):
    case, token = tracked
    case_services.case_add_note(case=case, by=officer, text="Agency-only: perpetrator is Mr X")
    body = client.get(f"/track/{token}/").content.decode()
    assert case.reference in body
    assert "We have received your application" in body
    assert "Mr X" not in body and "Agency-only" not in body
    assert case.applicant.name not in body  # no personal details on the page itself


def test_unknown_and_revoked_tokens_show_nothing(client, tracked, officer):
    case, token = tracked
    assert client.get("/track/nonsense/").status_code == 404
    services.tracking_link_revoke(case=case, by=officer)
    r = client.get(f"/track/{token}/")
    assert r.status_code == 404 and case.reference not in r.content.decode()


def test_reissue_replaces_the_link_and_emails_it(
    client, tracked, officer, django_capture_on_commit_callbacks
):
    case, old = tracked
    with django_capture_on_commit_callbacks(execute=True):
        new = services.tracking_link_issue(case=case, by=officer)
    assert client.get(f"/track/{old}/").status_code == 404
    assert client.get(f"/track/{new}/").status_code == 200
    assert new in mail.outbox[-1].body
    assert TrackingLink.objects.filter(case=case, revoked_at__isnull=True).count() == 1


def test_officer_revokes_and_reissues_from_the_case_page(client, tracked, officer, users, settings):
    settings.ROOT_URLCONF = "asbcr.urls"  # the confirmation page has the whole staff menu
    case, token = tracked
    from django.template.loader import render_to_string

    from cases.hooks import case_sections

    section = next(
        s for s in case_sections(case, officer) if s["title"] == "Applicant's tracking link"
    )
    html = render_to_string(section["template"], {"ctx": section["context"]})
    assert "A tracking link is live" in html and "Revoke the link" in html
    assert not any(
        s["title"] == "Applicant's tracking link"
        for s in case_sections(case, users["merton.officer"])
    )
    client.force_login(officer)
    # First the confirmation page: nothing is revoked until the person confirms.
    r = client.post(f"/staff/tracking/{case.reference}/revoke/")
    assert r.status_code == 200 and "cannot be turned back on" in r.content.decode()
    assert TrackingLink.objects.filter(case=case, revoked_at__isnull=True).exists()
    r = client.post(f"/staff/tracking/{case.reference}/revoke/", {"confirmed": "yes"})
    assert r.status_code == 302
    assert any("no longer works" in str(m) for m in get_messages(r.wsgi_request))
    assert not TrackingLink.objects.filter(case=case, revoked_at__isnull=True).exists()
    client.post(f"/staff/tracking/{case.reference}/issue/")
    assert TrackingLink.objects.filter(case=case, revoked_at__isnull=True).count() == 1
    # Someone from another area cannot touch the link.
    client.force_login(users["merton.officer"])
    r = client.post(f"/staff/tracking/{case.reference}/revoke/", {"confirmed": "yes"})
    assert r.status_code in (403, 404)


def test_impact_statement_upload(client, tracked):
    case, token = tracked
    upload = SimpleUploadedFile("statement.txt", b"I cannot sleep at night.", "text/plain")
    r = client.post(f"/track/{token}/statement/", {"text": "", "attachment": upload})
    assert r.status_code == 302
    statement = ImpactStatement.objects.get(case=case)
    assert statement.source == "written_online" and statement.attachment
    assert case.timeline.filter(kind=EventKind.DOCUMENT, visible_to_applicant=True).exists()


def test_impact_statement_refuses_other_files(client, tracked):
    case, token = tracked
    upload = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    r = client.post(f"/track/{token}/statement/", {"text": "", "attachment": upload})
    assert r.status_code == 400
    assert not ImpactStatement.objects.exists()


def test_contact_update(client, tracked):
    case, token = tracked
    r = client.post(
        f"/track/{token}/contact/",
        {
            "preferred_contact": "phone",
            "phone": "07700 900123",
            "email": "",
            "address": "",
            "postcode": "",
        },
    )
    assert r.status_code == 302
    case.applicant.refresh_from_db()
    assert case.applicant.phone == "07700 900123" and case.applicant.preferred_contact == "phone"


def _not_met(case, officer):
    case_services.incident_add  # noqa: B018 (the case already has incidents)
    case_services.case_transition(case=case, name="acknowledge", by=officer)
    case_services.case_transition(case=case, name="start_gathering", by=officer)
    case_services.case_transition(
        case=case, name="record_threshold_not_met", by=officer, reason="Only two qualify"
    )
    case.refresh_from_db()
    assert case.state == CaseState.THRESHOLD_NOT_MET


def test_appeal_request_within_the_window(client, tracked, users):
    case, token = tracked
    _not_met(case, users["hertsmere.officer"])
    body = client.get(f"/track/{token}/").content.decode()
    assert "Ask for an appeal" in body
    grounds = [g["key"] for g in case.procedure_version.section("appeal")["grounds"]]
    r = client.post(
        f"/track/{token}/appeal/", {"grounds": [grounds[0]], "details": "Reports were ignored."}
    )
    assert r.status_code == 302
    request = AppealRequest.objects.get(case=case)
    assert request.grounds == [grounds[0]]
    assert case.timeline.filter(kind=EventKind.APPEAL, visible_to_applicant=True).exists()
    if services._appeal_lodge_service() is not None:
        appeal = case.appeals.get()  # lodged in the appeals app, the same as a staff-entered one
        assert request.lodged_appeal_id == appeal.pk and appeal.channel == "online"
    assert "Ask for an appeal</a>" not in client.get(f"/track/{token}/").content.decode()
    # Only once per decision.
    r = client.post(f"/track/{token}/appeal/", {"grounds": [grounds[0]], "details": "Again"})
    assert r.status_code == 400


def test_appeal_refused_after_the_window(client, tracked, users):
    case, token = tracked
    _not_met(case, users["hertsmere.officer"])
    grounds = [g["key"] for g in case.procedure_version.section("appeal")["grounds"]]
    later = timezone.now() + dt.timedelta(days=60)
    with time_machine.travel(later):
        assert "Ask for an appeal</a>" not in client.get(f"/track/{token}/").content.decode()
        r = client.post(f"/track/{token}/appeal/", {"grounds": [grounds[0]], "details": "Late"})
    assert r.status_code == 400
    assert not AppealRequest.objects.exists()


def test_no_appeal_while_the_case_is_open(client, tracked):
    case, token = tracked
    assert client.get(f"/track/{token}/appeal/").status_code == 302
