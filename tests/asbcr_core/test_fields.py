"""The one date field every form uses: a bad date is a message at the field, never a 500."""

import datetime as dt

import pytest
from django import forms

from asbcr.fields import DateInputField, TypedDateField

HUGE = "9" * 29


class IncidentDateForm(forms.Form):
    happened = DateInputField(label="When?", error_name="the date the incident happened")


def _errors(day, month, year):
    form = IncidentDateForm({"happened_0": day, "happened_1": month, "happened_2": year})
    assert not form.is_valid()
    return form.errors["happened"]


@pytest.mark.parametrize(
    "day, month, year",
    [
        ("1", "1", HUGE),
        (HUGE, "1", "2026"),
        ("1", HUGE, "2026"),
        ("30", "2", "2026"),
        ("1", "13", "2026"),
        ("0", "1", "2026"),
        ("-1", "1", "2026"),
        ("a\x00", "1", "2026"),
        ("1", "1", "\U0001f600"),
        ("1", "1", "1e9"),
    ],
)
def test_an_impossible_date_is_a_plain_message_at_the_field(day, month, year):
    assert _errors(day, month, year) == [
        "The date the incident happened must be a real date"
        + (", with a year of 4 numbers" if year in (HUGE, "\U0001f600", "1e9") else "")
    ]


@pytest.mark.parametrize("year", ["0001", "1899", "2101", "9999"])
def test_years_are_bounded(year):
    assert _errors("1", "1", year) == [
        "The date the incident happened must be a real date between 1900 and 2100"
    ]


def test_a_missing_part_is_named():
    assert _errors("", "3", "2026") == ["The date the incident happened must include a day"]
    assert _errors("", "", "2026") == [
        "The date the incident happened must include a day and a month"
    ]
    form = IncidentDateForm({})
    assert form.errors["happened"] == ["Enter the date the incident happened"]


def test_a_real_date_is_a_date():
    form = IncidentDateForm({"happened_0": " 7 ", "happened_1": "03", "happened_2": "2026"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["happened"] == dt.date(2026, 3, 7)


def test_what_was_typed_is_kept_in_the_boxes():
    form = IncidentDateForm({"happened_0": "1", "happened_1": "1", "happened_2": HUGE})
    assert not form.is_valid()
    assert f'value="{HUGE}"' in str(form["happened"])


class RangeForm(forms.Form):
    start = TypedDateField(error_name="the start date", required=False)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "a\x00", HUGE])
def test_a_date_typed_in_one_box_is_bounded_too(value):
    form = RangeForm({"start": value})
    assert not form.is_valid()
    assert form.errors["start"][0].startswith("The start date must be a real date")


@pytest.mark.django_db
def test_a_huge_id_in_a_multiple_choice_is_refused_not_an_overflow():
    from django.contrib.auth.models import Group, Permission

    class GroupForm(forms.ModelForm):
        class Meta:
            model = Group
            fields = ["name", "permissions"]

    pk = Permission.objects.first().pk
    form = GroupForm({"name": "x", "permissions": [str(pk), HUGE]})
    assert not form.is_valid()
    assert "permissions" in form.errors
    assert list(Permission.objects.filter(pk__in=[pk, int(HUGE)])) == [
        Permission.objects.get(pk=pk)
    ]
    assert not Permission.objects.filter(pk__in=[int(HUGE)]).exists()
