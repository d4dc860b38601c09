"""manage.py evaluate_threshold and import_incidents."""

import json

import pytest
from django.core.management import CommandError, call_command

from cases.models import Incident

COMPLAINTS = [
    {
        "id": "a",
        "incident_date": "2026-04-01",
        "reported_date": "2026-04-02",
        "agency": "police",
        "kind": "report",
        "hate": False,
        "complainant": "v1",
        "issue": "noise",
        "same_incident_as": None,
        "extra": "ignored",
    },
    {
        "id": "b",
        "incident_date": "2026-04-01",
        "reported_date": "2026-04-05",
        "agency": "council",
        "kind": "report",
        "hate": False,
        "complainant": "v1",
        "issue": "noise",
        "same_incident_as": "a",
    },
    {
        "id": "c",
        "incident_date": "2026-05-01",
        "reported_date": "2026-06-15",
        "agency": "council",
        "kind": "report",
        "hate": False,
        "complainant": "v1",
        "issue": "noise",
        "same_incident_as": None,
    },
    {
        "id": "d",
        "incident_date": "2026-06-01",
        "reported_date": "2026-06-01",
        "agency": "council",
        "kind": "diary_sheet",
        "hate": False,
        "complainant": "v1",
        "issue": "noise",
        "same_incident_as": None,
    },
]


def run(capsys, *args):
    call_command("evaluate_threshold", *args)
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_evaluate_threshold_from_the_fixture_on_a_fresh_database(tmp_path, capsys):
    path = tmp_path / "complaints.json"
    path.write_text(json.dumps(COMPLAINTS))
    out = run(
        capsys,
        "--procedure",
        "hertsmere",
        "--application-date",
        "2026-09-01",
        "--complaints",
        str(path),
    )
    assert out["met"] is False
    assert out["rules_from"] == "fixtures/procedures/hertsmere.yaml"
    reasons = {c["id"]: c["reasons"] for c in out["complaints"]}
    assert reasons["b"] == ["duplicate of #a (the same incident counts once)"]
    assert "late report" in reasons["c"][0]
    assert "diary sheet" in reasons["d"][0]
    out = run(
        capsys,
        "--procedure",
        "hertsmere",
        "--application-date",
        "2026-09-01",
        "--complaints",
        str(path),
        "--factors",
        '{"discretionary": {"persistence": "Nightly"}}',
    )
    assert out["met"] is True and out["met_by"] == ["discretion"]


def test_evaluate_threshold_uses_the_database_version(reference, tmp_path, capsys):
    path = tmp_path / "complaints.json"
    path.write_text(json.dumps(COMPLAINTS))
    out = run(
        capsys,
        "--procedure",
        "merton",
        "--application-date",
        "2026-09-01",
        "--complaints",
        str(path),
    )
    assert out["rules_from"].startswith("database version")
    # Merton: no report lag, so the late "c" counts; "b" is a duplicate, "d" a diary sheet.
    assert out["met"] is False and out["count"] == 2


@pytest.mark.django_db
def test_evaluate_threshold_rejects_bad_input(tmp_path):
    path = tmp_path / "complaints.json"
    path.write_text(json.dumps([{"id": "a", "incident_date": "1 April"}]))
    with pytest.raises(CommandError, match="incident_date must be a date"):
        call_command(
            "evaluate_threshold",
            "--procedure",
            "hertsmere",
            "--application-date",
            "2026-09-01",
            "--complaints",
            str(path),
        )
    with pytest.raises(CommandError, match="No procedure"):
        call_command(
            "evaluate_threshold",
            "--procedure",
            "nowhere",
            "--application-date",
            "2026-09-01",
            "--complaints",
            str(path),
        )


CSV = """reference,incident_date,reported_date,complainant_key,description,kind,issue,location,hate_motivated,same_incident_as
P1,2026-04-01,2026-04-02,victim-9,Shouting,report,noise,1 Elm Road,no,
P2,02/05/2026,2026-05-03,victim-9,Music,report,noise,1 Elm Road,no,
P3,2026-05-02,2026-05-04,victim-9,Music again,report,noise,1 Elm Road,yes,P2
"""


def test_import_incidents_is_idempotent(reference, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(CSV)
    call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    assert "3 incident(s) imported" in capsys.readouterr().out
    call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    assert "0 incident(s) imported, 3 already" in capsys.readouterr().out
    assert Incident.objects.filter(source="import").count() == 3
    p3 = Incident.objects.get(import_key="hertfordshire-constabulary:P3")
    assert p3.same_incident_as.agency_reference == "P2" and p3.hate_motivated
    assert p3.area.slug == "hertsmere" and p3.case is None


def test_import_with_a_bad_row_imports_nothing_and_names_row_and_column(
    reference, tmp_path, capsys
):
    bad = CSV + "P4,2026-13-01,,victim-9,Bad date,report,noise,,maybe,\n"
    path = tmp_path / "export.csv"
    path.write_text(bad)
    with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
        call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    err = capsys.readouterr().err
    assert "Row 5, column 'incident_date': not a date" in err
    assert "Row 5, column 'hate_motivated': use yes or no" in err
    assert Incident.objects.filter(source="import").count() == 0


def test_import_reports_a_missing_column(reference, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("reference,incident_date\nP1,2026-01-01\n")
    with pytest.raises(CommandError):
        call_command("import_incidents", str(path), "--agency", "hertfordshire-constabulary")
    assert "Header, column 'complainant_key': this column is missing" in capsys.readouterr().err
