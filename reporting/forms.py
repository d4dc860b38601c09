"""Choosing what to report on: areas, and a financial year or any date range."""

from django import forms

from asbcr.fields import DateInputField
from asbcr.forms import StaffForm
from asbcr.plain_text import validate_no_template_code
from reporting.periods import (
    Period,
    PeriodOutOfRange,
    check_date,
    current_financial_year,
    financial_years,
)

FIRST_YEAR = 2020


def year_choices() -> list[tuple[int, str]]:
    return [
        (y, Period.financial_year(y).label + f" (1 April {y} to 31 March {y + 1})")
        for y in range(current_financial_year(), FIRST_YEAR - 1, -1)
    ]


class ReportForm(StaffForm):
    """Which areas, and which year or date range; defaults to the last complete year."""

    radios_for_few_choices = False  # a filter, laid out by its template

    areas = forms.MultipleChoiceField(
        label="Areas", widget=forms.CheckboxSelectMultiple, required=False
    )
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)
    date_from = DateInputField(
        label="Or from (date)",
        required=False,
        help_text="For example, 1 4 2026",
        error_name="the start date",
    )
    date_to = DateInputField(
        label="To (date)",
        required=False,
        help_text="For example, 30 6 2026",
        error_name="the end date",
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_objects = {a.slug: a for a in areas}
        self.fields["areas"].choices = [(a.slug, a.name) for a in areas]
        self.fields["year"].choices = year_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if bool(start) != bool(end):
            self.add_error(
                "date_to" if start else "date_from",
                "Give both dates for a date range, or neither to use the financial year.",
            )
        elif start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        for name, label in (("date_from", "The start date"), ("date_to", "The end date")):
            if data.get(name):
                try:
                    check_date(data[name], label)
                except PeriodOutOfRange as exc:
                    self.add_error(name, str(exc))
        return data

    def chosen_areas(self):
        slugs = self.cleaned_data.get("areas") or list(self.area_objects)
        return [self.area_objects[s] for s in slugs]

    def periods(self, *, default_year: int) -> list[Period]:
        """The chosen period last, after up to two earlier years for comparison."""
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if start and end:
            return [Period.between(start, end)]
        year = self.cleaned_data.get("year") or default_year
        return financial_years(year, count=3)


class MonitoringForm(StaffForm):
    radios_for_few_choices = False  # a filter, laid out by its template
    force = forms.ChoiceField(label="Police force area")
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)

    def __init__(self, *args, forces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["force"].choices = [(f, f) for f in forces]
        self.fields["year"].choices = year_choices()


class PublishForm(StaffForm):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)
    note = forms.CharField(
        label="What changed (for a correction)",
        required=False,
        validators=[validate_no_template_code],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only needed when the year has been published before.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [c for c in year_choices() if c[0] < current_financial_year()]


class DataReturnForm(forms.Form):
    """Which ended financial year the data return is for."""

    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [c for c in year_choices() if c[0] < current_financial_year()]
