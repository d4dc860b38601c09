"""The Commissioner's monitoring view: figures across a force area, and no personal data."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.reporting.factories import (
    REASONS,
    SECRET_WORDS,
    TO_DECISION,
    appeal,
    at,
    case_on,
    step,
    victim,
)

D = dt.date
SUMMARY = "Mr Pomfrey-Quill at 12 Larkspur Row plays drums at 3am"


@pytest.fixture
def bedfordshire_cases(reference, users):
    cases = []
    for slug, officer in [("luton", "luton.officer"), ("bedford", "bedford.officer")]:
        area, by = reference["areas"][slug], users[officer]
        case = case_on(
            area=area, by=by, received_on=D(2026, 5, 1), victim=victim(), summary=SUMMARY
        )
        case = step(case, *TO_DECISION, "record_threshold_not_met", by=by, when=at(D(2026, 5, 20)))
        appeal(case, lodged_on=D(2026, 6, 1), decided_on=D(2026, 6, 22), outcome="uphold_decision")
        cases.append(case)
    return cases


def _secrets(cases):
    values = [SUMMARY, SECRET_WORDS, "Zebedee", "Quartermaine", "Secretive Lane", "WD6 9ZZ"]
    values += list(REASONS.values())
    values += [c.reference for c in cases]
    return values


@pytest.fixture
def monitor(client, users):
    client.force_login(users["bedfordshire.monitor"])
    return client


def test_monitoring_shows_every_partnership_in_the_force_area(monitor, bedfordshire_cases):
    response = monitor.get(reverse("reporting:monitoring"), {"force": "Bedfordshire", "year": 2026})
    assert response.status_code == 200
    report = response.context["report"]
    assert [a.slug for a in report["areas"]] == ["bedford", "central-bedfordshire", "luton"]
    per_area = {a.slug: v for a, v in report["per_area"]}
    assert per_area["luton"]["applications"] == 1
    assert per_area["bedford"]["threshold_not_met"] == 1
    assert per_area["central-bedfordshire"]["applications"] == 0
    assert report["figures"]["appeals"]["2026-27"] == 2
    assert len(report["escalations"]) == 2


def test_no_personal_data_on_the_page_or_in_exports(monitor, bedfordshire_cases):
    params = {"force": "Bedfordshire", "year": 2026}
    html = monitor.get(reverse("reporting:monitoring"), params).content.decode()
    csv_text = monitor.get(
        reverse("reporting:monitoring_export", args=["csv"]), params
    ).content.decode("utf-8-sig")
    book = load_workbook(
        io.BytesIO(
            monitor.get(reverse("reporting:monitoring_export", args=["xlsx"]), params).content
        )
    )
    xlsx_text = "\n".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
    )
    assert "Escalations" in book.sheetnames and "By area" in book.sheetnames
    assert "Not upheld: original decision stands" in csv_text
    for secret in _secrets(bedfordshire_cases):
        assert secret not in html, secret
        assert secret not in csv_text, secret
        assert secret not in xlsx_text, secret


def test_monitor_sees_no_other_force(client, users, reference):
    client.force_login(users["staffordshire.monitor"])
    response = client.get(reverse("reporting:monitoring"), {"force": "Bedfordshire"})
    assert response.status_code == 200
    assert response.context["report"] is None  # not a choice for this monitor
    client.force_login(users["bedford.officer"])
    assert client.get(reverse("reporting:monitoring")).status_code == 403


def test_monitor_cannot_open_cases(monitor, bedfordshire_cases):
    case = bedfordshire_cases[0]
    response = monitor.get(reverse("cases:detail", args=[case.reference]))
    assert response.status_code in (403, 404)
