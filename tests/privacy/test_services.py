import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from cases.constants import AccessKind
from cases.models import AccessLogEntry
from privacy import selectors, services
from privacy.constants import POLICE_NOTE, SarStatus
from privacy.services import SarInput
from tests.privacy.factories import ANNA, BRENDA, BRENDA_TRACES, PERPETRATOR, two_person_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(users):
    return users["hertsmere.admin"]


@pytest.fixture
def case(area, officer):
    return two_person_case(area=area, by=officer)


def open_request(*, area, by, **subject):
    details = {
        "subject_name": ANNA["name"],
        "subject_email": ANNA["email"],
        "subject_phone": ANNA["phone"],
        "subject_postcode": ANNA["postcode"],
    }
    details.update(subject)
    return services.sar_open(
        by=by,
        area=area,
        data=SarInput(
            requester_name=details["subject_name"] or "A person",
            received_on=dt.date.today(),
            **details,
        ),
    )


def export_everything(sar, by):
    matches = services.sar_search(sar=sar, by=by)
    sar = services.sar_confirm(sar=sar, by=by, keys=[m.key for m in matches if m.strong])
    as_json = services.sar_export(sar=sar, by=by, fmt="json").content.decode()
    pdf = services.sar_export(sar=sar, by=by, fmt="pdf").content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return as_json, text


def test_export_holds_every_record_about_the_victim_and_nothing_about_the_applicant(
    case, area, admin
):
    sar = open_request(area=area, by=admin)
    as_json, pdf_text = export_everything(sar, admin)
    data = json.loads(as_json)
    titles = [r["record"] for r in data["records"]]
    for expected in (
        "Your details as recorded",
        "Application",
        "Incident report",
        "Impact statement",
        "Panel meeting minutes",
        "Letter sent to you",
        "Case history entry",
    ):
        assert expected in titles, expected
    assert titles.count("Incident report") == 2
    for document in (as_json, pdf_text):
        assert ANNA["email"] in document
        assert case.reference in document
        for trace in [*BRENDA_TRACES, PERPETRATOR]:
            assert trace not in document, trace
    assert "[another person]" in as_json and "[another person]" in pdf_text
    assert data["redactions"] > 0


def test_a_record_the_police_provided_is_flagged_for_the_forces_data_protection_officer(
    case, area, admin
):
    sar = open_request(area=area, by=admin)
    data = json.loads(export_everything(sar, admin)[0])
    incidents = [r for r in data["records"] if r["record"] == "Incident report"]
    flagged = [r for r in incidents if r["police_information"] == POLICE_NOTE]
    assert len(flagged) == 1
    assert "Hertfordshire Constabulary" in json.dumps(flagged[0])
    assert data["police_records"] == 1


def test_the_perpetrators_own_export_names_neither_the_victim_nor_the_applicant(case, area, admin):
    sar = open_request(
        area=area,
        by=admin,
        subject_name="carl   DEMPSEY",
        subject_email="",
        subject_phone="",
        subject_postcode="",
    )
    matches = services.sar_search(sar=sar, by=admin)
    kinds = {m.kind for m in matches}
    assert {"perpetrator", "incident"} <= kinds
    as_json, pdf_text = export_everything(sar, admin)
    assert "Lives at number 14." in as_json
    for document in (as_json, pdf_text):
        for trace in ["Anna", "Kowalski", *BRENDA_TRACES]:
            assert trace not in document, trace


def test_each_detail_matches_in_its_normal_form_and_says_why(case, area, admin):
    sar = open_request(
        area=area,
        by=admin,
        subject_name="  anna \t KOWALSKI ",
        subject_email=" Anna.Kowalski@EXAMPLE.org ",
        subject_phone="+44 (0)7700-900222",
        subject_postcode="wd61aa",
    )
    person = next(m for m in services.sar_search(sar=sar, by=admin) if m.kind == "person")
    assert person.obj.pk == case.victim_id
    assert person.reasons == [
        "name matches",
        "email matches",
        "phone number matches",
        "postcode matches",
    ]


def test_a_postcode_alone_is_shown_but_not_taken_as_the_person(case, area, admin):
    sar = open_request(
        area=area,
        by=admin,
        subject_name="",
        subject_email="",
        subject_phone="",
        subject_postcode=BRENDA["postcode"],
    )
    matches = services.sar_search(sar=sar, by=admin)
    person = next(m for m in matches if m.kind == "person")
    assert person.obj.pk == case.applicant_id
    assert person.reasons == ["postcode matches"] and not person.strong


def test_a_hertsmere_admin_never_sees_merton_records(reference, users, officer):
    hertsmere, merton = reference["areas"]["hertsmere"], reference["areas"]["merton"]
    two_person_case(area=merton, by=users["merton.officer"])
    admin = users["hertsmere.admin"]
    sar = open_request(area=hertsmere, by=admin)
    assert services.sar_search(sar=sar, by=admin) == []
    with pytest.raises(PermissionDenied):
        open_request(area=merton, by=admin)
    merton_sar = open_request(area=merton, by=users["merton.admin"])
    assert services.sar_search(sar=merton_sar, by=users["merton.admin"])
    with pytest.raises(PermissionDenied):
        services.sar_search(sar=merton_sar, by=admin)
    with pytest.raises(PermissionDenied):
        services.sar_export(sar=merton_sar, by=admin, fmt="json")
    assert list(selectors.sar_areas(user=admin)) == [hertsmere]


def test_case_officers_do_not_handle_subject_access_requests(area, officer):
    with pytest.raises(PermissionDenied):
        open_request(area=area, by=officer)


def test_the_request_the_search_and_each_export_are_on_the_access_log(case, area, admin):
    sar = open_request(area=area, by=admin)
    export_everything(sar, admin)
    rows = list(AccessLogEntry.objects.filter(user=admin).order_by("at", "id"))
    assert [r.kind for r in rows] == [
        AccessKind.VIEW_DOCUMENT,
        AccessKind.SEARCH,
        AccessKind.EXPORT,
        AccessKind.EXPORT,
    ]
    assert all(r.area == area for r in rows)
    assert all(sar.reference in r.target for r in rows)
    assert "JSON" in rows[2].target and "PDF" in rows[3].target
    assert "name: anna kowalski" in rows[1].query


def test_export_needs_confirmed_matches_and_only_exports_those(case, area, admin):
    sar = open_request(area=area, by=admin)
    with pytest.raises(ValidationError):
        services.sar_export(sar=sar, by=admin, fmt="pdf")
    matches = services.sar_search(sar=sar, by=admin)
    person = next(m for m in matches if m.kind == "person")
    sar = services.sar_confirm(sar=sar, by=admin, keys=[person.key, "letter:999999"])
    assert sar.confirmed_matches == [person.key]
    assert sar.status == SarStatus.CONFIRMED
    data = json.loads(services.sar_export(sar=sar, by=admin, fmt="json").content)
    assert "Panel meeting minutes" not in [r["record"] for r in data["records"]]
    sar.refresh_from_db()
    assert sar.status == SarStatus.EXPORTED and sar.exported_at


@pytest.mark.parametrize(
    "received, due",
    [
        (dt.date(2026, 3, 3), dt.date(2026, 4, 7)),  # 3 April is Good Friday, 6 April Easter Monday
        (dt.date(2026, 1, 31), dt.date(2026, 3, 2)),  # no 31 February; 28th is a Saturday
        (dt.date(2026, 6, 10), dt.date(2026, 7, 10)),
    ],
)
def test_the_reply_is_due_one_calendar_month_after_receipt(area, admin, received, due):
    with time_machine.travel(dt.datetime(2026, 7, 1, 12, 0), tick=False):
        sar = services.sar_open(
            by=admin,
            area=area,
            data=SarInput(
                requester_name="Anna Kowalski", received_on=received, subject_name="Anna Kowalski"
            ),
        )
    assert sar.due_on == due


@pytest.mark.parametrize(
    "field, value",
    [
        ("subject_name", "Anna\x00Kowalski"),
        ("subject_name", "A" * 100_000),
        ("subject_email", "x" * 100_000),
        ("requester_name", "\x00"),
        ("notes", "\x00" * 10),
    ],
)
def test_a_hostile_request_is_refused_with_a_message(area, admin, field, value):
    values = {"requester_name": "Anna", "received_on": dt.date.today(), "subject_name": "Anna"}
    values[field] = value
    with pytest.raises(ValidationError) as exc:
        services.sar_open(by=admin, area=area, data=SarInput(**values))
    assert field in exc.value.message_dict


def test_a_request_needs_something_to_search_on(area, admin):
    with pytest.raises(ValidationError) as exc:
        services.sar_open(
            by=admin, area=area, data=SarInput(requester_name="Anna", received_on=dt.date.today())
        )
    assert "at least one" in exc.value.message_dict["subject_name"][0]


def test_another_person_sharing_part_of_the_subjects_name_does_not_eat_it(area, officer, admin):

    two_person_case(area=area, by=officer, applicant={**BRENDA, "name": "Anna"})
    sar = open_request(area=area, by=admin)
    as_json, _ = export_everything(sar, admin)
    assert "Anna Kowalski no longer sleeps" in as_json


def test_a_person_named_only_in_a_perpetrators_description_is_found(area, officer, admin):
    from cases.models import Perpetrator

    case = two_person_case(area=area, by=officer)
    Perpetrator.objects.create(case=case, description="The lodger at Dan Fisher's house, 14.")
    sar = open_request(
        area=area,
        by=admin,
        subject_name="Dan Fisher",
        subject_email="",
        subject_phone="",
        subject_postcode="",
    )
    [match] = [m for m in services.sar_search(sar=sar, by=admin) if m.kind == "perpetrator"]
    assert match.reasons == ["named in the description"] and match.strong
    as_json, pdf_text = export_everything(sar, admin)
    assert "The lodger at Dan Fisher's house, 14." in as_json
    for document in (as_json, pdf_text):
        assert PERPETRATOR not in document and "Lives at number 14." not in document


def test_an_online_application_in_progress_is_found_and_the_other_persons_pages_withheld(
    area, admin
):
    from public import services as public_services

    draft, _ = public_services.draft_start(area=area, ip="192.0.2.9")
    for key, value in {
        "who": {"applicant_type": "third_party"},
        "your-details": {
            "name": BRENDA["name"],
            "address": BRENDA["address"],
            "postcode": BRENDA["postcode"],
        },
        "contact": {"email": BRENDA["email"], "phone": BRENDA["phone"]},
        "victim-details": {
            "name": "anna kowalski",
            "address": ANNA["address"],
            "postcode": ANNA["postcode"],
        },
        "problem": {"summary": f"{BRENDA['name']} writes: Anna Kowalski is scared at night."},
    }.items():
        draft = public_services.draft_save(draft=draft, key=key, value=value)
    sar = open_request(area=area, by=admin)
    [match] = services.sar_search(sar=sar, by=admin)
    assert match.kind == "draft" and match.reasons[0] == "as the victim: name matches"
    as_json, pdf_text = export_everything(sar, admin)
    assert "Anna Kowalski is scared at night." in as_json
    assert ANNA["address"].split("\n")[0] in as_json
    for document in (as_json, pdf_text):
        for trace in BRENDA_TRACES:
            assert trace not in document, trace


def test_an_appeal_asked_for_on_the_tracking_page_is_in_the_applicants_export(case, area, admin):
    from public.models import AppealRequest

    AppealRequest.objects.create(case=case, details=f"Unfair. {ANNA['name']} is still scared.")
    sar = open_request(
        area=area,
        by=admin,
        subject_name=BRENDA["name"],
        subject_email="",
        subject_phone="",
        subject_postcode="",
    )
    data = json.loads(export_everything(sar, admin)[0])
    [record] = [
        r for r in data["records"] if r["record"] == "Appeal asked for on the tracking page"
    ]
    assert record["fields"][-1]["value"] == "Unfair. [another person] is still scared."
    assert ANNA["name"] not in json.dumps(data) and ANNA["email"] not in json.dumps(data)
