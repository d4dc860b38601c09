import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from asbcr.models import AppendOnlyError
from cases import selectors, services
from cases.constants import ApplicantType, CaseState, Channel, EventKind, RiskLevel
from cases.models import AccessLogEntry, Case, TimelineEvent
from cases.services import StaleCase
from tests.factories import IncidentInputFactory, PersonInputFactory, application, receive_case

TODAY = timezone.localdate()


@pytest.mark.django_db
def test_a_case_pins_the_procedure_version_it_was_received_under(reference, officer):
    from partnerships.procedures import procedure_export, procedure_save_version

    area = reference["areas"]["hertsmere"]
    case = receive_case(area=area, by=officer)
    before = case.procedure_version
    text = procedure_export("hertsmere").replace("count: 3", "count: 4", 1)
    new = procedure_save_version(text=text, change_note="Raise the count")
    assert new.number == before.number + 1
    case.refresh_from_db()
    assert case.procedure_version == before
    assert receive_case(area=area, by=officer).procedure_version == new


@pytest.mark.django_db
def test_receipt_records_everything_and_starts_the_timeline(reference, officer):
    area = reference["areas"]["hertsmere"]
    police = reference["agencies"]["hertfordshire-constabulary"]
    data = application(
        channel=Channel.OTHER_BODY,
        forwarded_by_agency=police,
        forwarding_agency_received_on=TODAY - dt.timedelta(days=2),
        forwarded_on=TODAY - dt.timedelta(days=1),
        incidents=[IncidentInputFactory(reported_to=police)],
    )
    case = services.case_receive(by=officer, area=area, data=data)
    assert case.reference.startswith(f"HER-{TODAY.year}-")
    assert case.state == CaseState.RECEIVED
    assert set(case.involvements.values_list("agency__slug", flat=True)) == {
        "hertsmere-borough-council",
        "hertfordshire-constabulary",
    }
    event = case.timeline.first()
    assert (event.kind, event.actor, event.to_state) == (EventKind.RECEIVED, officer, "received")


@pytest.mark.django_db
def test_references_are_sequential_per_area_and_year(reference, officer):
    area = reference["areas"]["hertsmere"]
    refs = [receive_case(area=area, by=officer).reference for _ in range(3)]
    assert [r[-4:] for r in refs] == ["0001", "0002", "0003"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"received_on": TODAY + dt.timedelta(days=1)}, "received_on", "cannot be in the future"),
        ({"incidents": []}, "incidents", "Add at least one incident"),
        (
            {
                "incidents": [
                    IncidentInputFactory(
                        incident_date=TODAY - dt.timedelta(days=3),
                        reported_date=TODAY - dt.timedelta(days=5),
                    )
                ]
            },
            "incidents",
            "reported before it happened",
        ),
        (
            {
                "incidents": [
                    IncidentInputFactory(
                        incident_date=TODAY + dt.timedelta(days=2), reported_date=None
                    )
                ]
            },
            "incidents",
            "cannot be in the future",
        ),
        (
            {
                "applicant_type": ApplicantType.THIRD_PARTY,
                "relationship": "councillor",
                "victim_consent": False,
            },
            "victim_consent",
            "consent",
        ),
        ({"channel": Channel.OTHER_BODY}, "forwarded_by_agency", "which body"),
    ],
)
def test_bad_applications_are_refused_at_the_field(reference, officer, overrides, field, message):
    if overrides.get("applicant_type") == ApplicantType.THIRD_PARTY:
        overrides["victim"] = PersonInputFactory()
    with pytest.raises(ValidationError) as exc:
        services.case_receive(
            by=officer, area=reference["areas"]["hertsmere"], data=application(**overrides)
        )
    assert message in " ".join(exc.value.message_dict[field])
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_third_party_without_consent_but_with_a_reason_is_accepted(reference, officer):
    case = services.case_receive(
        by=officer,
        area=reference["areas"]["hertsmere"],
        data=application(
            applicant_type=ApplicantType.THIRD_PARTY,
            relationship="carer",
            victim=PersonInputFactory(name="Edna Victim"),
            victim_consent=None,
            consent_missing_reason="Victim lacks capacity; carer holds power of attorney.",
        ),
    )
    assert case.victim.name == "Edna Victim" and case.applicant != case.victim


@pytest.mark.django_db
def test_timeline_and_access_log_are_append_only(reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    event = case.timeline.first()
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.filter(case=case).update(summary="x")
    with pytest.raises(AppendOnlyError):
        TimelineEvent.objects.filter(case=case).delete()
    entry = services.access_log_record(user=officer, kind="view_case", case=case)
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().update(query="x")


@pytest.mark.django_db
def test_stale_edit_is_refused(reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    services.case_update_details(case=case, by=officer, lock_version=0, changes={"impact": "First"})
    with pytest.raises(StaleCase):
        services.case_update_details(
            case=case, by=officer, lock_version=0, changes={"impact": "Second"}
        )
    case.refresh_from_db()
    assert case.impact == "First"


@pytest.mark.django_db
def test_risk_assessment_scores_on_the_area_matrix_and_updates_the_case(reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    answers = {"repeat": "Often", "vulnerable": "Yes", "fear": "Yes", "impact": "Low"}
    assessment = services.risk_assess(
        case=case,
        by=officer,
        subject="victim",
        matrix_key="hertsmere-victim",
        answers=answers,
        assessed_on=TODAY,
    )
    assert (assessment.score, assessment.level) == (16, RiskLevel.HIGH)
    assert Case.objects.get(pk=case.pk).current_risk_level == RiskLevel.HIGH
    services.risk_assess(
        case=case,
        by=officer,
        subject="victim",
        matrix_key="hertsmere-victim",
        answers={**answers, "vulnerable": "No", "fear": "No"},
        assessed_on=TODAY,
    )
    assert Case.objects.get(pk=case.pk).current_risk_level == RiskLevel.LOW
    with pytest.raises(ValidationError) as exc:
        services.risk_assess(
            case=case,
            by=officer,
            subject="victim",
            matrix_key="hertsmere-victim",
            answers={"repeat": "Often"},
            assessed_on=TODAY,
        )
    assert "vulnerable" in exc.value.message_dict


@pytest.mark.django_db
def test_repeat_applications_are_detected(reference, officer):
    area = reference["areas"]["hertsmere"]
    person = PersonInputFactory(name="Jo Bloggs", postcode="WD6 2BB")
    first = services.case_receive(
        by=officer,
        area=area,
        data=application(applicant=person, received_on=TODAY - dt.timedelta(days=90)),
    )
    second = services.case_receive(
        by=officer,
        area=area,
        data=application(applicant=PersonInputFactory(name="jo bloggs", postcode="WD6 2BB")),
    )
    assert list(selectors.possible_repeat_applications(second)) == [first]
    assert list(selectors.possible_repeat_applications(first)) == []


@pytest.mark.django_db
def test_exclusions_and_referral_back(reference, officer):
    case = receive_case(area=reference["areas"]["hertsmere"], by=officer)
    services.case_record_exclusions(
        case=case, by=officer, checks={"cps_or_court": (True, "Wants the sentence reviewed")}
    )
    referred = services.case_refer_back(
        case=case,
        by=officer,
        reason="Asks for a review of a court sentence.",
        recommended_course="Contact the Victim Contact Scheme.",
    )
    assert referred.state == CaseState.REFERRED_BACK
    assert referred.recommended_course == "Contact the Victim Contact Scheme."
