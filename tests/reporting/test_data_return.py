"""The data return for the Home Office and the Commissioner: built from the published
measures, suppressed, versioned, valid against its published JSON Schema, and kept as
an immutable record produced by the command or the publication page's button."""

import copy
import csv
import datetime as dt
import io
import json

import jsonschema
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse

from asbcr.models import AppendOnlyError
from audit import triggers
from cases.constants import AccessKind
from cases.models import AccessLogEntry
from partnerships.models import Area
from reporting import returns, selectors
from reporting.models import DataReturn, Publication
from reporting.periods import Period, last_complete_financial_year
from reporting.returns import v1
from reporting.services import DataReturnError, data_return_produce, publication_publish
from reporting.suppression import suppress_group
from tests.reporting.factories import LONDON, case_on

DEMO_MODULES = [
    "partnerships.demo",
    "cases.demo",
    "thresholds.demo",
    "deadlines.demo",
    "panels.demo",
    "appeals.demo",
    "reporting.demo",
]
"""The demo loaders with figures in them (letters and the rest only add documents)."""

AFTER_YEAR = dt.datetime(2027, 6, 1, 10, tzinfo=LONDON)
"""A day after financial year 2026 has ended."""

SCHEMA = json.loads(v1.SCHEMA_PATH.read_text())
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validate(document: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(document, SCHEMA, format_checker=FORMATS)


def produce(area, year=2026, by=None):
    with time_machine.travel(AFTER_YEAR, tick=False):
        return data_return_produce(area=area, year=year, by=by)


def command(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("data_return", *args, stdout=out, stderr=err)
    return out.getvalue()


# -- suppression -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([6, 2, 0], [None, None, 0]),  # 2 alone would be 8 - 6: the 6 goes too
        ([6, 2, 3], [6, None, None]),  # two small ones hide each other
        ([9, 7, 2], [9, None, None]),  # the smallest other count is withheld
        ([7, 8, 0], [7, 8, 0]),
        ([0, 0], [0, 0]),
        ([3], [None]),
        ([], []),
    ],
)
def test_a_breakdown_never_gives_away_a_withheld_count(values, shown):
    assert suppress_group(values, 5) == shown


# -- the document ----------------------------------------------------------------------


def test_demo_area_return_validates_against_its_published_schema(db):
    """The done-when: the data return of a demo area (the demo cases, panels and appeals,
    and the return the demo produces) meets the JSON Schema published in docs/, as the
    command prints it and as stored."""
    import importlib

    from partnerships.reference import load_reference_data

    load_reference_data(with_users=True)
    for name in DEMO_MODULES:
        importlib.import_module(name).load_demo(io.StringIO())
    year = last_complete_financial_year()
    kept = DataReturn.objects.get(area__slug="hertsmere", year=year)
    validate(kept.document)
    assert DataReturn.objects.filter(year=year).count() == Area.objects.count()
    out = command("--area", "hertsmere", "--year", str(year))
    document = json.loads(out)
    validate(document)
    assert document["area"]["slug"] == "hertsmere"
    assert document["financial_year"]["year"] == year
    assert DataReturn.objects.get(area__slug="hertsmere", year=year).json_text == out


def test_figures_are_the_published_measures_with_small_counts_withheld(year_2026, reference):
    record, created = produce(reference["areas"]["hertsmere"])
    assert created
    document = record.document
    validate(document)
    # applications 6, not met 3, reviews 3 (E, F, G), with recommendations 1 (E)
    assert document["statutory_figures"] == {
        "applications": 6,
        "threshold_not_met": None,
        "reviews": None,
        "reviews_with_recommendations": None,
    }
    assert document["appeals"]["received"] is None  # 2
    assert document["repeat_applications"] is None  # 1
    assert document["suppression"]["threshold"] == 5
    by_channel = {row["channel"]: row["count"] for row in document["by_channel"]}
    assert by_channel["phone"] == 6 and by_channel["online"] == 0
    by_outcome = {row["outcome"]: row["count"] for row in document["by_outcome"]}
    assert by_outcome["reviewed"] is None and by_outcome["referred_back"] == 0
    # Luton's case is not in Hertsmere's return.
    assert document["area"]["name"] == "Hertsmere"


def test_without_suppression_every_count_is_the_statistics_pages_count(
    year_2026, reference, settings
):
    settings.REPORTING_SUPPRESSION_THRESHOLD = 0
    area = reference["areas"]["hertsmere"]
    record, _ = produce(area)
    document = record.document
    validate(document)
    period = Period.financial_year(2026)
    with time_machine.travel(AFTER_YEAR, tick=False):
        report = selectors.report(areas=[area], periods=[period])
    expected = {key: values[period.label] for key, values in report["figures"].items()}
    assert document["statutory_figures"] == {
        "applications": 6,
        "threshold_not_met": 3,
        "reviews": 3,
        "reviews_with_recommendations": 1,
    }
    assert document["appeals"]["received"] == expected["appeals"] == 2
    assert document["appeals"]["upheld"] == expected["appeals_upheld"] == 1
    assert document["repeat_applications"] == report["repeat_applications"] == 1
    assert [row["count"] for row in document["by_outcome"]] == [n for _, n in report["by_outcome"]]
    assert [row["count"] for row in document["by_channel"]] == [n for _, n in report["by_channel"]]
    assert sum(row["count"] for row in document["by_channel"]) == 6
    assert sum(row["count"] for row in document["appeals"]["by_outcome"]) == 2


def test_the_schema_is_not_a_formality(year_2026, reference):
    """A return that is wrong in any of these ways fails the published schema."""
    good = produce(reference["areas"]["hertsmere"])[0].document
    breakages = [
        lambda d: d["statutory_figures"].update(applications=-1),
        lambda d: d["statutory_figures"].update(applications="fewer than 5"),
        lambda d: d["statutory_figures"].pop("reviews"),
        lambda d: d.update(format_version="2"),
        lambda d: d["financial_year"].update(start="2026-05-01"),
        lambda d: d["by_channel"].append({"channel": "pigeon", "label": "", "count": 1}),
        lambda d: d.update(victim_names=["someone"]),
    ]
    for index, breakage in enumerate(breakages):
        document = copy.deepcopy(good)
        breakage(document)
        with pytest.raises(jsonschema.ValidationError):
            validate(document)
        assert index >= 0


def test_csv_is_one_value_a_row_with_the_withheld_marker(year_2026, reference):
    record, _ = produce(reference["areas"]["hertsmere"])
    rows = list(csv.DictReader(io.StringIO(record.csv_text)))
    assert list(rows[0]) == v1.CSV_HEADER
    figures = {r["category"]: r["value"] for r in rows if r["section"] == "statutory_figures"}
    assert figures == {
        "applications": "6",
        "threshold_not_met": "[c]",
        "reviews": "[c]",
        "reviews_with_recommendations": "[c]",
    }
    assert {r["area"] for r in rows} == {"hertsmere"}
    assert {r["financial_year"] for r in rows} == {"2026-27"}
    assert {r["format_version"] for r in rows} == {"1"}


def test_an_agency_name_that_looks_like_a_formula_stays_text_in_the_csv(year_2026, reference):
    from cases.models import Incident

    area = reference["areas"]["hertsmere"]
    agency = area.agencies.first()
    agency.name = "=HYPERLINK(1)"
    agency.save()
    for case in year_2026.values():
        if case.area_id == area.pk:
            Incident.objects.filter(case=case).update(reported_to=agency)
    record, _ = produce(area)
    assert "'=HYPERLINK(1)" in record.csv_text
    assert any(r["agency"] == "=HYPERLINK(1)" for r in record.document["by_agency_reported_to"])


def test_the_mapping_is_versioned_in_one_place():
    assert returns.format_for(returns.CURRENT) is v1
    with pytest.raises(ValueError):
        returns.format_for("0")


# -- producing and keeping it ------------------------------------------------------------


def test_asking_again_unchanged_keeps_one_record_and_a_change_supersedes_it(
    year_2026, reference, users
):
    area = reference["areas"]["hertsmere"]
    first, created = produce(area, by=users["hertsmere.admin"])
    again, created_again = produce(area, by=users["hertsmere.admin"])
    assert created and not created_again and again.pk == first.pk
    case_on(area=area, by=users["hertsmere.officer"], received_on=dt.date(2026, 10, 1))
    second, created = produce(area, by=users["hertsmere.admin"])
    assert created and second.supersedes_id == first.pk
    assert second.document["statutory_figures"]["applications"] == 7
    assert first.document["statutory_figures"]["applications"] == 6  # kept as produced
    assert second.produced_by == users["hertsmere.admin"]


def test_a_year_that_has_not_ended_is_refused(reference):
    with (
        time_machine.travel(dt.datetime(2027, 3, 31, 12, tzinfo=LONDON), tick=False),
        pytest.raises(DataReturnError, match="has not ended"),
    ):
        data_return_produce(area=reference["areas"]["hertsmere"], year=2026, by=None)


@pytest.mark.parametrize(
    "username", ["hertsmere.officer", "hertsmere.spoc", "staffordshire.monitor", "merton.officer"]
)
def test_only_the_areas_admin_may_produce_it(reference, users, username):
    with pytest.raises(PermissionDenied):
        produce(reference["areas"]["hertsmere"], by=users[username])


def test_another_areas_admin_may_not_produce_it(reference, users):
    admin = next(
        u for name, u in users.items() if name.endswith(".admin") and "hertsmere" not in name
    )
    with pytest.raises(PermissionDenied):
        produce(reference["areas"]["hertsmere"], by=admin)


def test_a_return_cannot_be_changed_or_removed(year_2026, reference):
    record, _ = produce(reference["areas"]["hertsmere"])
    with time_machine.travel(AFTER_YEAR, tick=False):
        publication_publish(area=reference["areas"]["hertsmere"], year=2026, by=None)
    kept = record.json_text
    record.json_text = "{}"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        DataReturn.objects.all().delete()
    plain = models.QuerySet(DataReturn)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain.update(json_text="{}")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        plain._raw_delete(connection.alias)
    for sql in (
        "UPDATE \"reporting_datareturn\" SET json_text = '{}'",
        'DELETE FROM "reporting_datareturn"',
        "UPDATE \"reporting_publication\" SET figures = '{}'",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert DataReturn.objects.get().json_text == kept


@pytest.mark.services
def test_a_return_cannot_be_changed_truncated_or_removed_on_postgresql(year_2026, reference):
    assert connection.vendor == "postgresql"
    assert {"reporting_datareturn", "reporting_publication"} <= triggers.installed(connection)
    record, _ = produce(reference["areas"]["hertsmere"])
    with time_machine.travel(AFTER_YEAR, tick=False):
        publication_publish(area=reference["areas"]["hertsmere"], year=2026, by=None)
    for sql in (
        "UPDATE \"reporting_datareturn\" SET json_text = '{}'",
        'DELETE FROM "reporting_datareturn"',
        'TRUNCATE "reporting_datareturn" CASCADE',
        "UPDATE \"reporting_publication\" SET figures = '{}'",
        'TRUNCATE "reporting_publication" CASCADE',
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    assert DataReturn.objects.get().sha256 == record.sha256
    assert Publication.objects.count() == 1


# -- the command ------------------------------------------------------------------------


def test_command_prints_json_or_csv_and_keeps_one_record(year_2026, reference, tmp_path):
    with time_machine.travel(AFTER_YEAR, tick=False):
        document = json.loads(command("--area", "hertsmere", "--year", "2026"))
        text = command("--area", "hertsmere", "--year", "2026", "--format", "csv")
        target = tmp_path / "return.json"
        said = command("--area", "hertsmere", "--year", "2026", "--output", str(target))
    validate(document)
    assert text.startswith(",".join(v1.CSV_HEADER))
    assert json.loads(target.read_text()) == document
    assert "Unchanged since data return" in said
    assert DataReturn.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "atlantis"], "No area"),
        (["--area", "hertsmere", "--year", "1999"], "2000 to 2099"),
        (["--area", "hertsmere", "--year", "2027"], "has not ended"),
    ],
)
def test_command_refuses_bad_input_in_words(reference, args, message):
    with time_machine.travel(AFTER_YEAR, tick=False), pytest.raises(CommandError, match=message):
        command(*args)


# -- the button and the downloads -----------------------------------------------------------


@pytest.fixture
def after_year():
    """The whole test a day after the year ended (sign in inside it: sessions expire)."""
    with time_machine.travel(AFTER_YEAR, tick=False):
        yield


def _post(client, slug="hertsmere", year=2026):
    return client.post(
        reverse("reporting:data_return_produce", args=[slug]), {f"return-{slug}-year": year}
    )


def test_admin_produces_and_downloads_the_return_from_the_publication_page(
    client, year_2026, users, after_year
):
    admin = users["hertsmere.admin"]
    client.force_login(admin)
    page = client.get(reverse("reporting:publish_list")).content.decode()
    assert "Produce the data return for Hertsmere" in page
    response = _post(client)
    assert response.status_code == 302
    record = DataReturn.objects.get()
    assert record.produced_by == admin
    page = client.get(reverse("reporting:publish_list")).content.decode()
    assert "Data returns produced" in page and "Version 1" in page
    json_response = client.get(reverse("reporting:data_return_download", args=[record.pk, "json"]))
    assert json_response["Content-Type"] == "application/json"
    validate(json.loads(json_response.content))
    csv_response = client.get(reverse("reporting:data_return_download", args=[record.pk, "csv"]))
    assert csv_response.content.decode() == record.csv_text
    assert "attachment" in csv_response["Content-Disposition"]
    assert AccessLogEntry.objects.filter(
        user=admin, kind=AccessKind.EXPORT, target=record.filename("csv")
    ).exists()
    # A second click with nothing changed keeps the one record and says so.
    _post(client)
    assert DataReturn.objects.count() == 1


def test_bad_year_is_a_message_not_an_error(client, reference, users, after_year):
    client.force_login(users["hertsmere.admin"])
    for year in ("2027", "nonsense", "9" * 40, "\x00"):
        response = _post(client, year=year)
        assert response.status_code == 302
    assert DataReturn.objects.count() == 0


@pytest.mark.parametrize(
    "username",
    ["hertsmere.officer", "hertsmere.spoc", "hertsmere.chair", "staffordshire.monitor"],
)
def test_everyone_else_is_refused_the_button_and_the_downloads(
    client, year_2026, reference, users, username, after_year
):
    record, _ = produce(reference["areas"]["hertsmere"])
    client.force_login(users[username])
    assert _post(client).status_code == 403
    for fmt in ("json", "csv"):
        url = reverse("reporting:data_return_download", args=[record.pk, fmt])
        assert client.get(url).status_code == 403
    assert DataReturn.objects.count() == 1


def test_another_areas_admin_is_refused(client, year_2026, reference, users, after_year):
    record, _ = produce(reference["areas"]["hertsmere"])
    other = next(
        u for name, u in users.items() if name.endswith(".admin") and "hertsmere" not in name
    )
    client.force_login(other)
    assert _post(client).status_code == 403
    url = reverse("reporting:data_return_download", args=[record.pk, "json"])
    assert client.get(url).status_code == 403
    page = client.get(reverse("reporting:publish_list")).content.decode()
    assert "Hertsmere" not in page


def test_signed_out_and_unknown_downloads(client, year_2026, reference, users, after_year):
    record, _ = produce(reference["areas"]["hertsmere"])
    url = reverse("reporting:data_return_download", args=[record.pk, "json"])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(users["hertsmere.admin"])
    assert (
        client.get(reverse("reporting:data_return_download", args=[record.pk, "xlsx"])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("reporting:data_return_download", args=[record.pk + 99, "json"])
        ).status_code
        == 404
    )
