"""The agency response page (CR5), the notification choice, the local outbox, the nav."""

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import CaseAgency
from thresholds.models import BodyView
from work.models import NotificationPreference

pytestmark = pytest.mark.django_db

ANSWER = {
    "reports_held": "12 March 2026, ref HC/123: noise. 2 April 2026, ref HC/140: threats.",
    "actions_taken": "Warning given on 5 April 2026.",
    "view": "met",
    "view_reasons": "Three reports in six months.",
    "risk_known": "None known",
}


def respond_url(case):
    return reverse("work:respond", args=[case.reference])


def post(client, case, **changes):
    data = {**ANSWER, "version": 0, **changes}
    return client.post(respond_url(case), data)


def test_the_police_spoc_responds_in_the_system_and_the_officer_and_threshold_see_it(
    client, gathering, users, officer, police
):
    spoc = users["hertsmere.spoc"]
    client.force_login(spoc)
    page = client.get(respond_url(gathering))
    assert page.status_code == 200
    assert "Give Hertfordshire" in page.content.decode()
    response = post(client, gathering)
    assert response.status_code == 302, response.content.decode()[-3000:]
    involvement = CaseAgency.objects.get(case=gathering, agency=police)
    assert involvement.reports_held == ANSWER["reports_held"]
    assert involvement.risk_known == "None known"
    assert involvement.responded_by == spoc
    view = BodyView.objects.get(case=gathering, agency=police)
    assert view.view == "met" and view.reasons == ANSWER["view_reasons"]
    # The officer's case page shows what was submitted; the SPOC's queue no longer owes it.
    client.force_login(officer)
    case_page = client.get(reverse("cases:detail", args=[gathering.reference])).content.decode()
    assert "HC/123" in case_page and "Three reports in six months." in case_page
    threshold = client.get(reverse("thresholds:case", args=[gathering.reference]))
    assert "Three reports in six months." in threshold.content.decode()
    client.force_login(spoc)
    home = client.get(reverse("home")).content.decode()
    assert respond_url(gathering) not in home


def test_only_spocs_of_an_involved_agency_may_respond(client, gathering, users, officer):
    # Clarion's SPOC works in Hertsmere but Clarion is not on this case: refused.
    client.force_login(users["hertsmere.housing"])
    assert client.get(respond_url(gathering)).status_code in (403, 404)
    assert post(client, gathering).status_code in (403, 404)
    # Another area's SPOC cannot even see the case.
    client.force_login(users["staffordshire.spoc"])
    assert client.get(respond_url(gathering)).status_code in (403, 404)
    # The officer's own agency is the administering body: not a response it owes.
    client.force_login(officer)
    assert client.get(respond_url(gathering)).status_code == 403
    assert not BodyView.objects.filter(case=gathering).exists()


def test_the_response_page_in_the_spocs_queue(client, gathering, users):
    client.force_login(users["hertsmere.spoc"])
    home = client.get(reverse("home")).content.decode()
    assert respond_url(gathering) in home
    assert 'aria-current="page"' in home


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("reports_held", "x" * 10001, "10000"),
        ("view_reasons", "x" * 5001, "5000"),
        ("risk_known", "", "None known"),
        ("view", "maybe", "Select an answer to"),
        ("reports_held", "bad\x00byte", "Null characters"),
    ],
)
def test_every_field_is_validated_and_what_was_typed_is_kept(
    client, gathering, users, field, value, message
):
    client.force_login(users["hertsmere.spoc"])
    response = post(client, gathering, **{field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page[:3000]
    assert ANSWER["actions_taken"] in page
    assert not BodyView.objects.filter(case=gathering).exists()


def test_a_second_submission_from_a_stale_page_is_refused_plainly(client, gathering, users):
    client.force_login(users["hertsmere.spoc"])
    assert post(client, gathering).status_code == 302
    again = post(client, gathering, reports_held="Something else")
    assert again.status_code == 200
    assert "You already recorded" in again.content.decode()
    assert (
        CaseAgency.objects.get(
            case=gathering, agency__slug="hertfordshire-constabulary"
        ).reports_held
        == ANSWER["reports_held"]
    )


def test_the_notification_choice_is_saved_and_bad_values_refused(client, users):
    user = users["hertsmere.spoc"]
    client.force_login(user)
    url = reverse("work:preferences")
    assert client.get(url).status_code == 200
    assert client.post(url, {"frequency": "hourly"}).status_code == 200
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert client.post(url, {"frequency": "daily", "version": 0}).status_code == 302
    assert NotificationPreference.objects.get(user=user).frequency == "daily"


def test_the_local_outbox_is_off_unless_local_settings_turn_it_on(client, users, settings):
    client.force_login(users["hertsmere.spoc"])
    settings.LOCAL_OUTBOX = False
    assert client.get(reverse("work:outbox")).status_code == 404


def test_the_local_outbox_shows_each_person_their_own_emails(client, users, settings, tmp_path):
    settings.LOCAL_OUTBOX = True
    settings.LOCAL_OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "work.mail.OutboxBackend"
    spoc, chair = users["hertsmere.spoc"], users["hertsmere.chair"]
    mail.send_mail("For the SPOC", "Open http://127.0.0.1:8120/staff/", None, [spoc.email])
    mail.send_mail("For the chair", "Hello", None, [chair.email])
    client.force_login(spoc)
    page = client.get(reverse("work:outbox")).content.decode()
    assert "For the SPOC" in page and "For the chair" not in page
    names = sorted(p.name for p in tmp_path.iterdir())
    chair_file = [n for n in names if "chair" in (tmp_path / n).read_text()][0]
    assert client.get(reverse("work:outbox_message", args=[chair_file])).status_code == 404
    assert client.get(reverse("work:outbox_message", args=["..%2Fsecret.eml"])).status_code == 404
    client.force_login(chair)
    message = client.get(reverse("work:outbox_message", args=[chair_file]))
    assert message.status_code == 200 and "Hello" in message.content.decode()


@pytest.mark.services
def test_a_nul_byte_in_a_response_is_refused_at_the_field_on_postgresql(gathering, users):
    """psycopg refuses NUL in text: the service refuses it first, with a message."""
    from django.core.exceptions import ValidationError

    from work.services import agency_response_submit

    with pytest.raises(ValidationError) as exc:
        agency_response_submit(
            case=gathering, by=users["hertsmere.spoc"], **{**ANSWER, "risk_known": "a\x00b"}
        )
    assert "risk_known" in exc.value.message_dict
    assert not BodyView.objects.filter(case=gathering).exists()


@pytest.mark.services
def test_two_responses_at_once_record_one_on_postgresql(gathering, users):
    """The second submission of the same page waits for the case lock, then is refused."""
    from work.services import agency_response_submit

    spoc = users["hertsmere.spoc"]
    agency_response_submit(case=gathering, by=spoc, version=0, **ANSWER)
    from asbcr.concurrency import ConflictError

    with pytest.raises(ConflictError):
        agency_response_submit(case=gathering, by=spoc, version=0, **ANSWER)
    assert BodyView.objects.filter(case=gathering).count() == 1
