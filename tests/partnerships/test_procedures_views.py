"""The area admin's procedure pages: view, history, edit as a new version, diff."""

import datetime as dt

import pytest
from django.urls import include, path
from django.utils import timezone

from asbcr import urls as project_urls
from partnerships.models import Procedure, ProcedureVersion
from tests.factories import receive_case
from thresholds.engine import Complaint, evaluate

# Until the project URLconf includes partnerships.urls, mount it here for these tests.
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "partnerships" for p in urlpatterns):
    urlpatterns.append(path("staff/partnerships/", include("partnerships.urls")))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PAGE = "/staff/partnerships/areas/{}/procedure/"


def signed_in(client, user):
    client.force_login(user)
    return client


def edit(client, area, text, note="Test change", based_on=None):
    version = ProcedureVersion.objects.filter(procedure__areas__slug=area).latest("number")
    return client.post(
        PAGE.format(area) + "edit/",
        {"text": text, "change_note": note, "based_on": based_on or version.number},
    )


def current_text(area_slug):
    return (
        ProcedureVersion.objects.filter(procedure__areas__slug=area_slug)
        .latest("number")
        .source_yaml
    )


def test_the_admin_sees_the_current_version_and_its_history(client, users):
    response = signed_in(client, users["hertsmere.admin"]).get(PAGE.format("hertsmere"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hertsmere ASB Case Review procedure" in body
    assert "Version 1 (current)" in body
    assert "Loaded from hertsmere.yaml" in body  # the change note in the history
    assert "s.6 &quot;Who is not suitable" in body  # the YAML with its comments


@pytest.mark.parametrize(
    "username", ["hertsmere.officer", "hertsmere.spoc", "merton.admin", "staffordshire.monitor"]
)
def test_only_the_areas_admin_may_open_or_edit_it(client, users, username):
    client = signed_in(client, users[username])
    assert client.get(PAGE.format("hertsmere")).status_code == 403
    assert client.get(PAGE.format("hertsmere") + "edit/").status_code == 403
    assert client.get(PAGE.format("hertsmere") + "diff/").status_code == 403
    response = client.post(PAGE.format("hertsmere") + "edit/", {"text": "x", "change_note": "x"})
    assert response.status_code == 403
    assert ProcedureVersion.objects.filter(procedure__slug="hertsmere").count() == 1


def test_signed_out_users_are_sent_to_sign_in(client, reference):
    response = client.get(PAGE.format("hertsmere"))
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]


def test_the_procedures_link_goes_to_the_admins_area(client, users):
    response = signed_in(client, users["merton.admin"]).get("/staff/partnerships/procedures/")
    assert response.status_code == 302
    assert response["Location"] == PAGE.format("merton")
    client.force_login(users["merton.officer"])
    assert client.get("/staff/partnerships/procedures/").status_code == 403


def test_editing_saves_a_new_version_with_its_note_and_author(client, users):
    client = signed_in(client, users["merton.admin"])
    text = current_text("merton").replace("high_from: 15", "high_from: 14")
    response = edit(client, "merton", text, note="High risk from 14 (board, 3 May)")
    assert response.status_code == 302
    latest = ProcedureVersion.objects.filter(procedure__slug="merton").latest("number")
    assert latest.number == 2
    assert latest.data["risk_matrices"][0]["high_from"] == 14
    assert latest.change_note == "High risk from 14 (board, 3 May)"
    assert latest.created_by == users["merton.admin"]
    assert "# &quot;Process&quot;, bullet 2" in client.get(PAGE.format("merton")).content.decode()
    page = client.get(PAGE.format("merton")).content.decode()
    assert "Version 2 (current)" in page and "High risk from 14 (board, 3 May)" in page


def test_errors_are_shown_at_the_field_with_the_path_and_nothing_is_saved(client, users):
    client = signed_in(client, users["merton.admin"])
    typed = (
        current_text("merton")
        .replace("timescales:", "timescale:")
        .replace("required: 2", "required: 4")
    )
    response = edit(client, "merton", typed, note="My careful note")
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    line = typed.splitlines().index("timescale:") + 1
    assert f"Line {line}, timescale: &#x27;timescale&#x27; is not a section" in body
    assert "Did you mean &#x27;timescales&#x27;?" in body
    assert "decision.required: Cannot be more than &#x27;of&#x27;." in body
    assert "timescale:\n" in response.context["form"]["text"].value()  # everything typed is kept
    assert "required: 4" in response.context["form"]["text"].value()
    assert 'value="My careful note"' in body
    assert ProcedureVersion.objects.filter(procedure__slug="merton").count() == 1


def test_a_missing_change_note_keeps_the_text(client, users):
    client = signed_in(client, users["merton.admin"])
    typed = current_text("merton").replace("high_from: 15", "high_from: 13")
    response = edit(client, "merton", typed, note="")
    assert response.status_code == 200
    assert "Say what changed and why." in response.content.decode()
    assert "high_from: 13" in response.context["form"]["text"].value()
    assert ProcedureVersion.objects.filter(procedure__slug="merton").count() == 1


def test_the_slug_cannot_be_changed_from_the_page(client, users):
    client = signed_in(client, users["merton.admin"])
    response = edit(client, "merton", current_text("merton").replace("slug: merton", "slug: mine"))
    assert response.status_code == 200
    assert "the slug cannot be changed" in response.content.decode()
    assert not Procedure.objects.filter(slug="mine").exists()
    assert ProcedureVersion.objects.filter(procedure__slug="merton").count() == 1


def test_two_admins_editing_at_once_cannot_overwrite_each_other(client, users):
    client = signed_in(client, users["merton.admin"])
    original = current_text("merton")
    assert (
        edit(client, "merton", original.replace("high_from: 15", "high_from: 14")).status_code
        == 302
    )
    late = original.replace("high_from: 15", "high_from: 16")
    response = edit(client, "merton", late, based_on=1)
    assert response.status_code == 200
    assert "You already saved version 2 at" in response.content.decode()
    assert "high_from: 16" in response.context["form"]["text"].value()
    assert ProcedureVersion.objects.filter(procedure__slug="merton").count() == 2


def test_saving_an_unchanged_procedure_makes_no_version(client, users):
    client = signed_in(client, users["merton.admin"])
    response = edit(client, "merton", current_text("merton"))
    assert response.status_code == 200
    assert "Nothing has changed" in response.content.decode()
    assert ProcedureVersion.objects.filter(procedure__slug="merton").count() == 1


def test_a_shared_procedure_warns_which_other_areas_it_changes(client, users):
    body = signed_in(client, users["luton.admin"]).get(PAGE.format("luton") + "edit/")
    text = body.content.decode()
    assert "shared with Bedford Borough" in text or "shared with Bedford" in text
    assert "Central Bedfordshire" in text


def test_the_diff_shows_what_changed(client, users):
    client = signed_in(client, users["merton.admin"])
    text = current_text("merton").replace("high_from: 15", "high_from: 14")
    edit(client, "merton", text)
    response = client.get(PAGE.format("merton") + "diff/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert ("removed", "-    high_from: 15") in rows
    assert ("added", "+    high_from: 14") in rows
    assert response.context["changed_sections"] == ["risk_matrices"]
    assert client.get(PAGE.format("merton") + "diff/?from=1&to=9").status_code == 404
    assert client.get(PAGE.format("merton") + "versions/1/").status_code == 200


def _complaints(case):
    return [
        Complaint(id=str(i.pk), incident_date=i.incident_date, reported_date=i.reported_date)
        for i in case.incidents.all()
    ]


def test_an_existing_case_keeps_its_version_and_is_judged_the_same(client, users):
    """Raise Hertsmere's count to 4: the case received before still meets the threshold."""
    officer, admin = users["hertsmere.officer"], users["hertsmere.admin"]
    received_on = timezone.localdate() - dt.timedelta(days=1)
    before = receive_case(
        area=officer.agency.areas.get(slug="hertsmere"), by=officer, received_on=received_on
    )
    pinned = before.procedure_version
    judged = evaluate(pinned.data["threshold"], _complaints(before), before.received_on)
    assert judged.met

    text = current_text("hertsmere").replace("      count: 3\n", "      count: 4\n", 1)
    assert edit(signed_in(client, admin), "hertsmere", text).status_code == 302

    before.refresh_from_db()
    assert before.procedure_version_id == pinned.pk
    assert before.procedure_version.data == pinned.data
    again = evaluate(
        before.procedure_version.data["threshold"], _complaints(before), before.received_on
    )
    assert again.met and again.explanation() == judged.explanation()

    after = receive_case(area=before.area, by=officer, received_on=received_on)
    assert after.procedure_version.number == pinned.number + 1
    assert not evaluate(
        after.procedure_version.data["threshold"], _complaints(after), after.received_on
    ).met
