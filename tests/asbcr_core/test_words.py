"""The words filters: every stored code a page shows has one label, from one place."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from asbcr.templatetags import words
from cases.constants import EventKind


def test_states_views_routes_and_rules_read_as_labels():
    assert words.state_label("gathering_information") == "Gathering information"
    assert words.state_label("reopened") == "Reopened after appeal"
    assert words.view_label("not_met") == "Not met"
    assert words.route_name({"key": "three_complaints"}) == "Three complaints"
    assert words.route_name({"key": "x", "name": "Three in six months"}) == "Three in six months"
    assert words.decision_rule_label("administering_body") == "the administering body decides"
    # A code nobody labelled still reads as words, never as the code.
    assert words.state_label("some_new_state") == "Some new state"


def test_dates_are_written_day_month_year():
    assert words.long_date(dt.date(2026, 10, 3)) == "3 October 2026"
    assert words.long_date("2026-10-03") == "3 October 2026"
    assert words.long_date(None) == ""
    moment = dt.datetime(2026, 12, 1, 10, 49, tzinfo=dt.UTC)
    assert words.long_datetime(moment) == "1 December 2026 at 10:49am"
    assert words.long_datetime(dt.datetime(2026, 7, 1, 0, 5, tzinfo=dt.UTC)) == (
        "1 July 2026 at 1:05am"  # British Summer Time
    )


@pytest.mark.django_db
def test_agency_slug_reads_as_its_name(reference):
    assert words.agency_name("hertfordshire-constabulary") == "Hertfordshire Constabulary"


def test_a_stored_details_summary_is_rebuilt_in_words():
    event = SimpleNamespace(
        kind=EventKind.DETAILS,
        summary="Details changed: asb_persists",
        detail={"fields": ["asb_persists"]},
    )
    assert words.event_summary(event) == "Details changed: whether the ASB still persists"


def test_records_are_numbered_by_their_place_in_the_list_not_their_id():
    html = Template("{% load words %}{% number_in items 148 %}").render(
        Context({"items": [{"id": "147"}, {"id": "148"}]})
    )
    assert html == "2"


@pytest.mark.django_db
def test_pick_lists_offer_a_choice_in_words_not_dashes(reference):
    from partnerships.forms import AgencyChoiceField, StaffChoiceField
    from partnerships.models import Agency

    assert StaffChoiceField(queryset=None).empty_label == "Choose a person"
    field = AgencyChoiceField(queryset=Agency.objects.all())
    assert "---------" not in field.widget.render("agency", None)


@pytest.mark.django_db
def test_the_complaints_table_names_each_agency_once_per_page(django_assert_num_queries):
    """The threshold page's table looked an agency up once per row (a query per complaint)."""
    from django.template.loader import render_to_string

    complaints = [
        {"id": str(n), "incident_date": "2026-10-03", "agency": "hertfordshire-constabulary"}
        for n in range(20)
    ]
    with django_assert_num_queries(1):
        html = render_to_string(
            "thresholds/_explanation.html",
            {"explanation": {"routes": [], "complaints": complaints}},
        )
    # No agency in this database, so the slug is written as words: on every row.
    assert html.count("Hertfordshire constabulary") == 20
