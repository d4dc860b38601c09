"""Incident locations: the shared checks, the incident forms and import, and the links an
officer records on a case (with a reason, on the timeline, through a service that locks)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from asbcr.concurrency import ConflictError
from cases.forms import IncidentForm
from cases.locations import clean_place, clean_postcode, clean_uprn
from cases.models import Incident, TimelineEvent
from public.forms import IncidentForm as PublicIncidentForm
from tests.concurrency.race import TRIALS, race
from tests.factories import receive_case
from thresholds import selectors, services
from thresholds.models import LocationLink


@pytest.mark.parametrize(
    "given,stored",
    [("wd61ab", "WD6 1AB"), (" WD6  1AB ", "WD6 1AB"), ("ec1a1bb", "EC1A 1BB"), ("", "")],
)
def test_a_postcode_is_stored_in_its_standard_form(given, stored):
    assert clean_postcode(given) == stored


@pytest.mark.parametrize("bad", ["WD6", "12345", "WD6 1AB1", "WD6\x001AB", "W" * 40])
def test_a_postcode_that_is_not_one_is_refused_in_plain_english(bad):
    with pytest.raises(ValidationError, match="Enter a real postcode, like WD6 1AB"):
        clean_postcode(bad)


def test_a_uprn_is_digits_and_a_place_is_bounded():
    assert clean_uprn(" 100021 ") == "100021"
    for bad in ("12a", "1" * 13, "\x00"):
        with pytest.raises(ValidationError, match="A UPRN is a number of up to 12 digits"):
            clean_uprn(bad)
    assert clean_place("12  High\nStreet") == "12 High Street"
    with pytest.raises(ValidationError, match="Shorten the place to 300"):
        clean_place("x" * 301)
    with pytest.raises(ValidationError, match="hidden character"):
        clean_place("a\x00b")


def _staff_form(**extra):
    data = {
        "incident_date_0": "1",
        "incident_date_1": "6",
        "incident_date_2": "2026",
        "description": "Shouting",
        "kind": "report",
        **extra,
    }
    return IncidentForm(data)


def test_the_staff_incident_form_takes_a_location_and_names_a_bad_postcode(db):
    form = _staff_form(
        location=" 12  High Street ", postcode="wd61ab", building="Elm Court", uprn="100021"
    )
    assert form.is_valid(), form.errors
    data = form.to_input()
    assert (data.location, data.postcode, data.building, data.uprn) == (
        "12 High Street",
        "WD6 1AB",
        "Elm Court",
        "100021",
    )
    bad = _staff_form(postcode="not one", uprn="12a", location="x" * 301)
    assert not bad.is_valid()
    assert bad.errors["postcode"] == ["Enter a real postcode, like WD6 1AB, or leave it blank."]
    assert "up to 12 digits" in bad.errors["uprn"][0]
    assert bad.errors["location"] == [
        "Your answer to ‘Where? (the address or place name)’ must be 300 characters or fewer"
    ]
    assert "Null characters" in _staff_form(location="a\x00b").errors["location"][0]


def test_the_public_incident_form_takes_a_place_and_a_postcode(db):
    data = {
        "description": "Shouting",
        "incident_date_0": "1",
        "incident_date_1": "6",
        "incident_date_2": "2026",
        "location": "The play area on Park Road",
        "postcode": "en6 1aa",
    }
    form = PublicIncidentForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["postcode"] == "EN6 1AA"
    form = PublicIncidentForm({**data, "postcode": "nowhere"})
    assert not form.is_valid() and "real postcode" in form.errors["postcode"][0]


CSV = (
    "reference,incident_date,complainant_key,description,location,postcode,building,uprn\n"
    'L1,2026-04-01,v-1,Shouting,"Flat 2, Elm Court",wd61ab,Elm Court,100021\n'
)


def test_the_import_takes_a_location_and_names_a_bad_postcode_at_its_row(
    reference, tmp_path, capsys
):
    path = tmp_path / "export.csv"
    path.write_text(CSV)
    call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    incident = Incident.objects.get(import_key="hertfordshire-constabulary:L1")
    assert (incident.location, incident.postcode, incident.building, incident.uprn) == (
        "Flat 2, Elm Court",
        "WD6 1AB",
        "Elm Court",
        "100021",
    )
    path.write_text(CSV + "L2,2026-04-02,v-1,Music,Shop,nowhere,,12a\n")
    with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
        call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    err = capsys.readouterr().err
    assert "Row 3, column 'postcode': Enter a real postcode, like WD6 1AB" in err
    assert "Row 3, column 'uprn': A UPRN is a number of up to 12 digits" in err


# -- links an officer records -----------------------------------------------------------------


def _case(area, officer):
    case = receive_case(area=area, by=officer)
    first, second, third = case.incidents.order_by("incident_date", "id")[:3]
    Incident.objects.filter(pk=first.pk).update(location="Elm Court car park")
    Incident.objects.filter(pk=second.pk).update(location="Flat 9, Elm Court")
    return case, first, second, third


def test_an_officer_links_two_locations_with_a_reason_on_the_timeline(area, officer):
    case, first, second, _ = _case(area, officer)
    link = services.location_link(
        case=case,
        first=second,
        second=first,
        reason="The car park belongs to the block.",
        by=officer,
    )
    assert (link.first, link.second) == (first, second)  # stored in order, once per pair
    event = TimelineEvent.objects.filter(case=case).order_by("-id").first()
    assert event.summary == "The locations of two incidents linked"
    assert event.reason == "The car park belongs to the block."
    complaints = {c.id: c for c in selectors.case_complaints(case)}
    assert complaints[str(first.pk)].location_links == (str(second.pk),)
    assert complaints[str(second.pk)].location_links == (str(first.pk),)
    with pytest.raises(ConflictError, match="already recorded"):
        services.location_link(case=case, first=first, second=second, reason="Again", by=officer)


def test_a_link_needs_a_reason_two_incidents_of_the_case_and_permission(area, officer, users):
    case, first, second, _ = _case(area, officer)
    other, elsewhere, _, _ = _case(area, officer)
    with pytest.raises(ValidationError) as caught:
        services.location_link(case=case, first=first, second=first, reason=" ", by=officer)
    assert caught.value.message_dict == {
        "reason": ["Say why these locations are linked."],
        "second": ["Choose two different incidents."],
    }
    with pytest.raises(ValidationError, match="Choose two incidents recorded on this case"):
        services.location_link(case=case, first=first, second=elsewhere, reason="x", by=officer)
    with pytest.raises(PermissionDenied):
        services.location_link(
            case=case, first=first, second=second, reason="x", by=users["merton.officer"]
        )
    assert not LocationLink.objects.exists()


def test_a_linked_location_counts_on_a_route_that_lists_officer_links(area, officer):
    case, first, second, third = _case(area, officer)
    Incident.objects.filter(pk=third.pk).update(location="Corner shop")
    from thresholds.engine import evaluate

    rules = {
        "routes": [
            {
                "key": "place",
                "kind": "all_of",
                "conditions": [
                    {"incidents": 2},
                    {"same_location": {"linked_by": ["officer"]}},
                    {"window": {"amount": 12, "unit": "months"}},
                ],
            }
        ]
    }
    before = evaluate(rules, selectors.case_complaints(case), case.received_on)
    assert not before.met
    services.location_link(case=case, first=first, second=second, reason="Same block", by=officer)
    after = evaluate(rules, selectors.case_complaints(case), case.received_on)
    assert after.met and sorted(after.routes[0].counted) == sorted([str(first.pk), str(second.pk)])


def test_the_link_page_is_for_the_case_team_only(client, area, officer, users):
    case, first, second, _ = _case(area, officer)
    url = reverse("thresholds:link_locations", args=[case.reference])
    client.force_login(users["merton.officer"])
    assert client.get(url).status_code == 404
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Link the locations of two incidents" in page
    # Incidents by date, not by id (a radio's label or a select's option).
    assert re.search(rf">\s*{first.incident_date.day} {first.incident_date:%B %Y}", page)
    response = client.post(url, {"first": first.pk, "second": second.pk, "reason": ""})
    assert "Say why these locations are linked." in response.content.decode()
    response = client.post(url, {"first": first.pk, "second": second.pk, "reason": "Same block"})
    assert response.status_code == 302
    page = client.get(reverse("thresholds:case", args=[case.reference])).content.decode()
    assert "Same block" in page and "Linked locations" in page


@pytest.mark.services
def test_two_officers_linking_the_same_pair_at_once_record_one_link(
    transactional_db, reference, area, users
):
    a, b = users["hertsmere.officer"], users["hertsmere.manager"]
    for trial in range(TRIALS):
        case, first, second, _ = _case(area, a)
        outcomes = race(
            *(
                lambda who=who, c=case, f=first, s=second, t=trial: services.location_link(
                    case=c, first=f, second=s, reason=f"trial {t}", by=who
                )
                for who in (a, b)
            )
        )
        errors = [exc for _, exc in outcomes if exc is not None]
        assert len(errors) == 1 and isinstance(errors[0], ConflictError), outcomes
        assert LocationLink.objects.filter(case=case).count() == 1
        assert TimelineEvent.objects.filter(case=case, summary__contains="locations").count() == 1
