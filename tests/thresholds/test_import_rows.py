"""The import's row rules, shared by the CSV import and the API: NUL bytes and values too
long for the incident log are refused at the row and column, never a database error."""

import datetime as dt

import pytest

from cases.models import Incident
from partnerships.models import Agency
from thresholds.importing import incident_import

pytestmark = pytest.mark.django_db

HEADER = "reference,incident_date,complainant_key,description,location\n"


def test_nul_and_overlong_values_are_row_errors(reference, officer):
    police = Agency.objects.get(slug="hertfordshire-constabulary")
    text = HEADER + "R1,2026-01-05,V1,a\x00b,x\n" + f"R2,2026-01-05,V1,ok,{'y' * 301}\n"
    result = incident_import(text=text, agency=police, by=officer, today=dt.date(2026, 2, 1))
    assert [str(e) for e in result.errors] == [
        "Row 2, column 'description': contains a NUL character; remove it",
        "Row 3, column 'location': is too long: at most 300 characters",
    ]
    assert not Incident.objects.exists()
