import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from reporting.models import Publication


def run(*args) -> str:
    out = io.StringIO()
    call_command("statistics", *args, stdout=out)
    return out.getvalue()


def test_json(year_2026):
    data = json.loads(run("--area", "hertsmere", "--year", "2026", "--format", "json"))
    assert data["period"] == {"label": "2026-27", "start": "2026-04-01", "end": "2027-03-31"}
    assert data["figures"]["applications"] == 6
    assert data["figures"]["threshold_not_met"] == 3
    assert data["figures"]["reviews"] == 3
    assert data["figures"]["reviews_with_recommendations"] == 1
    assert data["repeat_applications"] == 1


def test_csv_several_areas(year_2026):
    rows = list(
        csv.DictReader(
            io.StringIO(
                run("--area", "hertsmere", "--area", "luton", "--year", "2026", "--format", "csv")
            )
        )
    )
    by_figure = {r["figure"]: int(r["count"]) for r in rows}
    assert by_figure["applications"] == 7
    assert by_figure["threshold_not_met"] == 4
    assert rows[0]["area"] == "hertsmere+luton"


def test_date_range(year_2026):
    data = json.loads(run("--area", "hertsmere", "--from", "2027-03-31", "--to", "2027-04-01"))
    assert data["figures"]["applications"] == 2  # A and B


def test_unknown_area(reference):
    with pytest.raises(CommandError):
        run("--area", "atlantis", "--year", "2026")


def test_demo_publishes_each_area_once(reference):
    from reporting.demo import load_demo

    load_demo(io.StringIO())
    load_demo(io.StringIO())
    assert Publication.objects.count() == len(reference["areas"])
    assert all(p.published_by is not None for p in Publication.objects.all())


def test_csv_writes_formula_like_text_as_inert_text(year_2026):
    from partnerships.models import Area

    Area.objects.filter(slug="hertsmere").update(slug="=cmd")
    rows = list(csv.reader(io.StringIO(run("--area", "=cmd", "--year", "2026", "--format", "csv"))))
    assert rows[1][0] == "'=cmd"
    assert rows[1][-1].isdigit()  # counts stay plain numbers


@pytest.mark.django_db
def test_a_year_beyond_the_statistics_is_a_plain_error(reference):
    with pytest.raises(CommandError, match="financial years 2000 to 2099"):
        call_command("statistics", "--area", "hertsmere", "--year", "99999", stdout=io.StringIO())
