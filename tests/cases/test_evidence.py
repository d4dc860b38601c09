"""Files on a case: staff evidence and the applicant's impact statement file. Attached
with the one upload check, stored under random names, opened only through a
permission-checked, logged download, and listed (never their content) in the chair's
pack and the appeal bundle."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.constants import AccessKind, Channel, EventKind
from cases.models import AccessLogEntry, EvidenceFile, ImpactStatement
from cases.services import evidence_attach
from letters.context import chairs_pack_context
from public import services as public_services
from tests.factories import IncidentInputFactory, receive_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(area, officer, reference):
    police = reference["agencies"]["hertfordshire-constabulary"]
    return receive_case(area=area, by=officer, incidents=[IncidentInputFactory(reported_to=police)])


def pdf(name="Letter from Clarion.pdf", data=PDF):
    return SimpleUploadedFile(name, data, "application/pdf")


def download(client, evidence):
    return client.get(
        reverse("cases:evidence_download", args=[evidence.case.reference, evidence.pk])
    )


def test_an_officer_attaches_evidence_to_an_incident_from_the_case_page(
    client, case, officer, media
):
    client.force_login(officer)
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    url = reverse("cases:evidence_add", args=[case.reference])
    assert url in detail
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form
    incident = case.incidents.get()
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("IMG_0042 (Mrs Smith).jpg", JPEG, "image/jpeg"),
            "description": "Photo of the damaged door",
            "incident": incident.pk,
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get(case=case)
    assert evidence.incident == incident
    assert evidence.original_name == "IMG_0042 (Mrs Smith).jpg"
    assert evidence.content_type == "image/jpeg" and evidence.size == len(JPEG)
    assert evidence.uploaded_by == officer and len(evidence.sha256) == 64
    # Stored under a random name, not the user's.
    assert "Smith" not in evidence.file.name and evidence.file.name.startswith("evidence/")
    assert (media / evidence.file.name).read_bytes() == JPEG
    event = case.timeline.get(kind=EventKind.DOCUMENT)
    assert "Photo of the damaged door" in event.summary
    assert event.detail["evidence_file_id"] == evidence.pk
    # Listed with its incident, on the case's incidents page.
    detail = client.get(reverse("cases:incidents", args=[case.reference])).content.decode()
    assert "IMG_0042 (Mrs Smith).jpg" in detail
    assert reverse("cases:evidence_download", args=[case.reference, evidence.pk]) in detail
    assert "/media/" not in detail


def test_a_web_page_named_pdf_is_refused_at_the_field_and_nothing_is_kept(
    client, case, officer, media
):
    client.force_login(officer)
    response = client.post(
        reverse("cases:evidence_add", args=[case.reference]),
        {"file": pdf("letter.pdf", b"<html><script>alert(1)</script></html>"), "description": "x"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The file must be a PDF" in body
    assert 'value="x"' in body  # what was typed is kept
    assert not EvidenceFile.objects.exists()
    assert not any(media.rglob("*.*"))


def test_the_download_is_an_attachment_typed_unsniffed_uncached_and_logged(client, case, officer):
    evidence = evidence_attach(case=case, by=officer, upload=pdf(), description="Letter")
    client.force_login(officer)
    response = download(client, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Letter from Clarion.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(kind=AccessKind.DOWNLOAD)
    assert entry.user == officer and entry.case == case
    assert "Letter from Clarion.pdf" in entry.target
    download(client, evidence)
    assert AccessLogEntry.objects.filter(kind=AccessKind.DOWNLOAD).count() == 2


def test_who_can_download_evidence(client, case, officer, users):
    evidence = evidence_attach(case=case, by=officer, upload=pdf(), description="Letter")
    expected = {
        "hertsmere.officer": 200,
        "hertsmere.spoc": 200,  # the police are involved in the case
        "hertsmere.admin": 200,
        "merton.officer": 404,  # another area's officer: the case does not exist for them
        "devon.officer": 404,
        "staffordshire.monitor": 403,  # statistics only: no case pages at all
        "hertsmere.chair": 404,  # not on this case's panel
    }
    for username, status in expected.items():
        client.force_login(users[username])
        got = download(client, evidence).status_code
        assert got == status, f"{username}: {got}"
    logged = set(
        AccessLogEntry.objects.filter(kind=AccessKind.DOWNLOAD).values_list(
            "user__username", flat=True
        )
    )
    assert logged == {"hertsmere.officer", "hertsmere.spoc", "hertsmere.admin"}
    client.logout()
    response = download(client, evidence)
    assert response.status_code == 302 and "/staff/sign-in/" in response.url


def test_a_file_is_reached_only_through_its_own_case(client, area, case, officer):
    other = receive_case(area=area, by=officer)
    evidence = evidence_attach(case=case, by=officer, upload=pdf(), description="Letter")
    client.force_login(officer)
    url = reverse("cases:evidence_download", args=[other.reference, evidence.pk])
    assert client.get(url).status_code == 404


def test_the_service_checks_the_file_even_without_a_form(case, officer, users, area):
    with pytest.raises(ValidationError) as exc:
        evidence_attach(
            case=case, by=officer, upload=pdf("x.pdf", b"<html></html>"), description="x"
        )
    assert "file" in exc.value.error_dict
    other = receive_case(area=area, by=officer)
    with pytest.raises(ValidationError) as exc:
        evidence_attach(
            case=case,
            by=officer,
            upload=pdf(),
            description="Letter",
            incident=other.incidents.first(),
        )
    assert "incident" in exc.value.error_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        evidence_attach(case=case, by=users["merton.officer"], upload=pdf(), description="x")


def test_the_applicants_impact_statement_file_can_be_opened_by_staff(client, case, officer, users):
    token = public_services.tracking_link_issue(case=case, by=officer)
    response = client.post(
        f"/track/{token}/statement/",
        {"text": "", "attachment": pdf("my statement.pdf")},
    )
    assert response.status_code == 302
    statement = ImpactStatement.objects.get(case=case)
    assert statement.attachment_name == "my statement.pdf"
    assert statement.attachment_content_type == "application/pdf"
    assert "statement" not in statement.attachment.name.rsplit("/", 1)[1]
    url = reverse("cases:impact_statement_download", args=[case.reference, statement.pk])
    client.force_login(officer)
    detail = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert url in detail and "my statement.pdf" in detail
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AccessLogEntry.objects.filter(kind=AccessKind.DOWNLOAD, case=case, user=officer).exists()
    client.force_login(users["merton.officer"])
    assert client.get(url).status_code == 404


def test_an_html_statement_named_pdf_is_refused_on_the_public_form(client, case, officer):
    token = public_services.tracking_link_issue(case=case, by=officer)
    response = client.post(
        f"/track/{token}/statement/",
        {"text": "", "attachment": pdf("statement.pdf", b"<!doctype html><script></script>")},
    )
    assert response.status_code == 400
    assert "The file must be a PDF" in response.content.decode()
    assert not ImpactStatement.objects.exists()


def test_the_chairs_pack_lists_evidence_but_not_its_content(case, officer):
    secret = b"%PDF-1.7 THE-CONTENT-OF-THE-FILE"
    evidence_attach(
        case=case,
        by=officer,
        upload=pdf("diary.pdf", secret),
        description="Diary sheet for March",
        incident=case.incidents.get(),
    )
    html = render_to_string("letters/chairs_pack.html", chairs_pack_context(case=case))
    assert "diary.pdf" in html and "Diary sheet for March" in html
    assert timezone.localdate().strftime("%-d %b %Y") in html
    assert "THE-CONTENT-OF-THE-FILE" not in html


def test_the_appeal_bundle_lists_evidence_with_its_download_link(reference, users):
    from appeals.bundle import bundle_attachments, bundle_items
    from appeals.services import appeal_lodge
    from tests.appeals.factories import threshold_not_met_case

    case = threshold_not_met_case(reference, "hertsmere")
    officer = users["hertsmere.officer"]
    evidence = evidence_attach(
        case=case, by=officer, upload=pdf("cctv-still.pdf"), description="Still from CCTV"
    )
    appeal = appeal_lodge(
        case=case,
        by=officer,
        grounds=[case.procedure_version.section("appeal")["grounds"][0]["key"]],
        applicant_words="Nobody listened.",
        lodged_on=timezone.localdate(),
        channel=Channel.EMAIL,
    )
    other = next(i for i in bundle_items(appeal) if i.key == "other")
    entries = [e for e in other.entries if "cctv-still.pdf" in e.label]
    assert len(entries) == 1
    assert "Still from CCTV" in entries[0].label
    assert entries[0].url == reverse("cases:evidence_download", args=[case.reference, evidence.pk])
    assert entries[0].on == timezone.localdate()
    # Listed, not appended: the bundle PDF carries letters and statements, not evidence.
    assert not any("cctv" in label for label, _ in bundle_attachments(case))
