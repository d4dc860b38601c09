import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asbcr.models import AppendOnlyError
from cases.constants import EventKind
from cases.models import Person, TimelineEvent
from privacy import services
from privacy.services import StaleRecord, person_rectify
from tests.factories import receive_case
from tests.privacy.factories import ANNA, BRENDA, two_person_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(area, officer):
    return two_person_case(area=area, by=officer)


def test_a_correction_is_recorded_with_the_values_before_and_after(case, officer):
    victim = case.victim
    person_rectify(
        person=victim,
        by=officer,
        changes={"phone": "07700 900999", "name": "Anna Kowalska"},
        reason="She told us her new number and the correct spelling on 2 March.",
    )
    victim.refresh_from_db()
    assert victim.phone == "07700 900999" and victim.name == "Anna Kowalska"
    event = case.timeline.get(kind=EventKind.RECTIFICATION)
    assert event.actor == officer
    assert event.detail == {
        "person_id": victim.pk,
        "changes": {
            "phone": {"before": ANNA["phone"], "after": "07700 900999"},
            "name": {"before": ANNA["name"], "after": "Anna Kowalska"},
        },
        "reason": "She told us her new number and the correct spelling on 2 March.",
    }
    assert "phone number" in event.summary and "name" in event.summary


def test_each_correction_adds_to_the_history_and_never_rewrites_it(case, officer):
    victim = case.victim
    person_rectify(person=victim, by=officer, changes={"email": "a1@example.org"}, reason="One")
    victim.refresh_from_db()
    person_rectify(person=victim, by=officer, changes={"email": "a2@example.org"}, reason="Two")
    history = list(services.rectification_history(victim))
    assert [e.detail["changes"]["email"] for e in history] == [
        {"before": ANNA["email"], "after": "a1@example.org"},
        {"before": "a1@example.org", "after": "a2@example.org"},
    ]
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.filter(pk=history[0].pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        history[0].delete()


def test_a_correction_is_on_every_case_the_person_is_on(area, officer):
    first = receive_case(area=area, by=officer)
    second = receive_case(area=area, by=officer)
    from cases.models import Case

    Case.objects.filter(pk=second.pk).update(victim=first.victim, applicant=first.victim)
    person_rectify(person=first.victim, by=officer, changes={"postcode": "WD6 9ZZ"}, reason="Moved")
    assert first.timeline.filter(kind=EventKind.RECTIFICATION).count() == 1
    assert second.timeline.filter(kind=EventKind.RECTIFICATION).count() == 1


def test_a_correction_made_on_details_someone_else_has_since_changed_is_refused(case, officer):
    loaded = Person.objects.get(pk=case.victim_id)
    version = services.person_version(loaded)
    person_rectify(person=case.victim, by=officer, changes={"phone": "01707 111111"}, reason="A")
    with pytest.raises(StaleRecord):
        person_rectify(
            person=loaded,
            by=officer,
            changes={"phone": "01707 222222"},
            reason="B",
            expected_version=version,
        )
    loaded.refresh_from_db()
    assert loaded.phone == "01707 111111"
    assert case.timeline.filter(kind=EventKind.RECTIFICATION).count() == 1


def test_only_staff_who_manage_the_case_can_correct_details(case, users):
    for username in ("merton.officer", "hertsmere.spoc", "hertsmere.chair"):
        with pytest.raises(PermissionDenied):
            person_rectify(
                person=case.victim, by=users[username], changes={"name": "X"}, reason="No"
            )
    person_rectify(
        person=case.applicant,
        by=users["hertsmere.admin"],
        changes={"postcode": "WD6 3CC"},
        reason="Corrected by the partnership admin after a subject access request",
    )
    assert Person.objects.get(pk=case.applicant_id).postcode == "WD6 3CC"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": "Anna\x00"}, "name"),
        ({"name": "A" * 100_000}, "name"),
        ({"name": "   "}, "name"),
        ({"email": "not an email"}, "email"),
        ({"phone": "\x00" * 5}, "phone"),
    ],
)
def test_a_hostile_correction_is_refused_with_a_message(case, officer, changes, field):
    with pytest.raises(ValidationError) as exc:
        person_rectify(person=case.victim, by=officer, changes=changes, reason="Because")
    assert field in exc.value.message_dict
    assert not case.timeline.filter(kind=EventKind.RECTIFICATION).exists()


def test_a_correction_needs_a_reason_and_a_change(case, officer):
    with pytest.raises(ValidationError) as exc:
        person_rectify(person=case.victim, by=officer, changes={"name": "Anna K"}, reason=" ")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        person_rectify(
            person=case.victim, by=officer, changes={"name": ANNA["name"]}, reason="Same"
        )
    with pytest.raises(ValidationError):
        person_rectify(
            person=case.victim, by=officer, changes={"health_vulnerability": True}, reason="No"
        )


def test_the_export_shows_a_correction_made_after_a_subject_access_request(case, area, users):
    import datetime as dt
    import json

    admin = users["hertsmere.admin"]
    person_rectify(
        person=case.victim, by=admin, changes={"phone": "07700 900333"}, reason="She asked"
    )
    sar = services.sar_open(
        by=admin,
        area=area,
        data=services.SarInput(
            requester_name="Anna", received_on=dt.date.today(), subject_name=ANNA["name"]
        ),
    )
    matches = services.sar_search(sar=sar, by=admin)
    sar = services.sar_confirm(sar=sar, by=admin, keys=[m.key for m in matches if m.strong])
    data = json.loads(services.sar_export(sar=sar, by=admin, fmt="json").content)
    text = json.dumps(data)
    assert "Personal details corrected: phone number" in text
    assert "07700 900333" in text and BRENDA["phone"] not in text


def test_the_applicants_own_change_on_the_tracking_page_keeps_the_values_before(case):
    from public.services import applicant_contact_update

    applicant = case.applicant
    changed = applicant_contact_update(
        case=case, changes={"phone": "01707 123456", "email": applicant.email}
    )
    assert changed == ["phone"]
    event = case.timeline.get(kind=EventKind.RECTIFICATION)
    assert event.actor is None and event.visible_to_applicant
    assert event.detail["changes"] == {
        "phone": {"before": BRENDA["phone"], "after": "01707 123456"}
    }
    assert applicant_contact_update(case=case, changes={"phone": "01707 123456"}) == []
