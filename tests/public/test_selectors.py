import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from public import explain, selectors, services
from tests.factories import receive_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("postcode", "slug"),
    [
        ("WD6 1AA", "hertsmere"),
        ("wd61aa", "hertsmere"),
        ("SW19", "merton"),
        ("LU5 4AA", "central-bedfordshire"),
        ("LU1 1AA", "luton"),
        ("ST16 2AB", "staffordshire"),
        ("PL4 8AA", "devon-and-cornwall"),
    ],
)
def test_area_for_postcode(reference, postcode, slug):
    assert selectors.area_for_postcode(postcode=postcode).slug == slug


def test_area_for_unknown_postcode(reference):
    assert selectors.area_for_postcode(postcode="ZZ99 9ZZ") is None


def test_every_area_explains_its_threshold_in_plain_english(reference):
    for area in reference["areas"].values():
        summary = explain.threshold_summary(area.procedure.current_version.section("threshold"))
        assert summary["routes"], area.slug
        assert all(isinstance(line, str) and line for route in summary["routes"] for line in route)


def test_bedfordshire_threshold_mentions_twelve_months_and_the_latest_complaint():
    section = {
        "routes": [
            {
                "kind": "complaints_in_window",
                "count": 3,
                "window": {"amount": 12, "unit": "months"},
                "application_within_of_latest": {"amount": 6, "unit": "months"},
                "exclude_kinds": ["diary_sheet"],
            }
        ]
    }
    lines = explain.threshold_summary(section)["routes"][0]
    assert "12 months" in lines[0]
    assert any("6 months of the latest" in line for line in lines)
    assert any("diary" in line for line in lines)


def test_period_wording():
    assert explain.period({"amount": 1, "unit": "months"}) == "1 month"
    assert explain.period({"amount": 5, "unit": "working_days"}) == "5 working days"
    assert explain.period({"amount": 4, "unit": "weeks"}) == "4 weeks"


def test_add_period_calendar_month_end():
    assert selectors.add_period(dt.date(2026, 1, 31), {"amount": 1, "unit": "months"}) == dt.date(
        2026, 2, 28
    )
    assert selectors.add_period(
        dt.date(2026, 11, 20), {"amount": 2, "unit": "working_days"}
    ) == dt.date(2026, 11, 24)


def _letter(case, **kw):
    from django.apps import apps

    Letter = apps.get_model("letters", "Letter")
    values = {
        "case": case,
        "kind": "CR1",
        "recipient_name": case.applicant.name,
        "channel": "email",
        "pdf": SimpleUploadedFile("l.pdf", b"%PDF-1.4 test"),
        "sha256": "0" * 64,
        "sent_by": case.received_by,
    }
    values.update(kw)
    return Letter.objects.create(**values)


def test_letters_to_the_applicant_only_and_only_for_their_case(reference, area, officer, client):
    pytest.importorskip("letters.models")
    case = receive_case(area=area, by=officer)
    other = receive_case(area=area, by=officer)
    token = services.tracking_link_issue(case=case, by=officer)
    mine = _letter(case)
    agency = reference["areas"]["hertsmere"].agencies.first()
    to_agency = _letter(case, kind="CR5", agency=agency, recipient_name="SPOC")
    theirs = _letter(other)
    page = client.get(f"/track/{token}/").content.decode()
    assert f"/letters/{mine.pk}/" in page and f"/letters/{to_agency.pk}/" not in page
    r = client.get(f"/track/{token}/letters/{mine.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert case.timeline.filter(kind="letter", summary__contains="downloaded").exists()
    assert client.get(f"/track/{token}/letters/{to_agency.pk}/").status_code == 404
    assert client.get(f"/track/{token}/letters/{theirs.pk}/").status_code == 404


def test_next_deadline_is_one_the_applicant_waits_on(reference, area, officer):
    from django.apps import apps

    try:
        Deadline = apps.get_model("deadlines", "Deadline")
    except LookupError:
        pytest.skip("the deadlines app has no Deadline model")
    case = receive_case(area=area, by=officer)
    Deadline.objects.filter(case=case).delete()
    common = {"case": case, "rule": "r", "started_on": case.received_on, "state": "open"}
    Deadline.objects.create(
        key="a",
        step="agency_responses",
        due=case.received_on,
        original_due=case.received_on,
        **common,
    )
    later = case.received_on + dt.timedelta(days=3)
    Deadline.objects.create(key="b", step="acknowledge", due=later, original_due=later, **common)
    nxt = selectors.next_deadline(case=case)
    assert nxt == {
        "text": explain.next_step_text("acknowledge"),
        "due": later,
        "step": "acknowledge",
    }


def test_a_community_route_is_described_by_the_number_of_people_it_needs():
    """A community route states ``distinct_complainants`` (``count`` is refused on it)."""
    section = {
        "routes": [
            {
                "key": "community",
                "kind": "community",
                "distinct_complainants": 4,
                "window": {"amount": 6, "unit": "months"},
            }
        ]
    }
    lines = explain.threshold_summary(section)["routes"][0]
    assert lines[0] == (
        "At least 4 different people or households have reported the same or a similar "
        "problem in 6 months."
    )
