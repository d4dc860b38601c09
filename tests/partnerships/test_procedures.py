"""Procedures as data: validation names the field at fault, import/export round-trips."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from partnerships.models import Area, Procedure, ProcedureVersion
from partnerships.procedures import (
    InvalidProcedure,
    error_line,
    parse_yaml,
    procedure_export,
    procedure_save_version,
    validate_procedure,
)

PROCEDURES = Path(settings.BASE_DIR) / "fixtures" / "procedures"
SEEDS = ("staffordshire", "hertsmere", "devon-and-cornwall", "bedfordshire", "merton")

MINIMAL = """\
# A small procedure for tests.
slug: testshire
name: Testshire procedure
source: Testshire CSP
threshold:
  routes:
    - {key: three, kind: complaints_in_window, count: 3, window: {amount: 6, unit: months}}
decision: {rule: administering_body}
timescales: {}
"""


def paths(text):
    try:
        parse_yaml(text)
    except InvalidProcedure as exc:
        return {e.path: e.message for e in exc.errors}
    return {}


@pytest.mark.parametrize("name", [*SEEDS, "national-default"])
def test_every_shipped_procedure_is_valid_and_cites_its_source(name):
    text = (PROCEDURES / f"{name}.yaml").read_text()
    data = parse_yaml(text)
    assert data["slug"] == name
    assert text.startswith("#")
    for section in ("exclusions", "decision", "risk_matrices", "support_services"):
        assert section in data, section
    # Every section this module owns is introduced by a comment saying where it comes from.
    lines = text.splitlines()
    for section in ("exclusions:", "decision:", "risk_matrices:"):
        at = next(i for i, line in enumerate(lines) if line.startswith(section))
        assert lines[at - 1].startswith("#"), f"{name}: no source comment above {section}"


def test_staffordshire_uses_thrive_for_victim_and_perpetrator():
    data = parse_yaml((PROCEDURES / "staffordshire.yaml").read_text())
    thrive = {m["subject"]: m for m in data["risk_matrices"]}
    assert set(thrive) == {"victim", "perpetrator"}
    keys = [q["key"] for q in thrive["victim"]["questions"]]
    assert keys == ["threat", "harm", "risk", "investigation", "vulnerability", "engagement"]
    assert data["decision"]["rule"] == "any_one"


def test_merton_decides_two_of_three_at_the_meeting_and_the_spoc_scores_risk_on_receipt():
    data = parse_yaml((PROCEDURES / "merton.yaml").read_text())
    assert data["decision"] == {
        "rule": "majority",
        "required": 2,
        "of": 3,
        "at_meeting": True,
        "who": data["decision"]["who"],
    }
    assert "SPOC" in data["risk_matrices"][0]["completed_by"]


def test_national_default_has_the_statutory_threshold_and_an_optional_hate_route():
    data = parse_yaml((PROCEDURES / "national-default.yaml").read_text())
    routes = {r["key"]: r for r in data["threshold"]["routes"]}
    assert routes["three_complaints"]["count"] == 3
    assert routes["three_complaints"]["window"] == {"amount": 6, "unit": "months"}
    assert routes["single_hate_incident"]["count"] == 1
    assert routes["single_hate_incident"]["hate_only"] is True


def test_a_typo_in_a_section_name_is_reported_by_name():
    errors = paths(MINIMAL.replace("timescales:", "timescale:"))
    assert "timescale" in errors
    assert "Did you mean 'timescales'?" in errors["timescale"]
    assert errors["timescales"] == "This section is required."


def test_a_key_given_twice_is_reported_with_its_line():
    errors = paths(MINIMAL + "decision: {rule: any_one}\n")
    ((where, message),) = errors.items()
    assert where.startswith("line 10")
    assert "'decision' is given twice (first on line 8)" in message


def test_broken_yaml_names_the_line():
    errors = paths(MINIMAL + "exclusions: [anonymous\n")
    ((where, message),) = errors.items()
    assert where.startswith("line ")
    assert message.startswith("Not valid YAML")


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("exclusions: [anonymous, anonymus]", {"exclusions[1]"}),
        ("exclusions: [repeat, repeat]", {"exclusions[1]"}),
        ("exclusions: anonymous", {"exclusions"}),
        ("support_services: [{name: Victim Support}]", {"support_services[0].contact"}),
        (
            "support_services: [{name: VS, phone: '0808'}]",
            {"support_services[0].phone", "support_services[0].contact"},
        ),
        ("enforcement_options: [Closure order, Closure order]", {"enforcement_options[1]"}),
        ("enforcement_options: [Closure order, 3]", {"enforcement_options[1]"}),
        ("terms_of_reference: ''", {"terms_of_reference"}),
        ("terms_of_reference: [a, b]", {"terms_of_reference"}),
    ],
)
def test_each_field_at_fault_is_named(section, expected):
    assert set(paths(MINIMAL + section + "\n")) == expected


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        ("{rule: majority, required: 3, of: 2}", {"decision.required"}),
        ("{rule: majority, of: 3}", {"decision.required"}),
        ("{rule: majority, reqiured: 2, of: 3}", {"decision.reqiured", "decision.required"}),
        ("{rule: everyone}", {"decision.rule"}),
        ("{at_meeting: true}", {"decision.rule"}),
        ("{rule: any_one, at_meeting: 'yes'}", {"decision.at_meeting"}),
        ("{rule: any_one, required: 2}", {"decision.required"}),
    ],
)
def test_decision_errors_name_the_field(decision, expected):
    text = MINIMAL.replace("decision: {rule: administering_body}", f"decision: {decision}")
    assert set(paths(text)) == expected


def test_the_suggestion_for_a_misspelt_decision_field():
    text = MINIMAL.replace("{rule: administering_body}", "{rule: majority, reqiured: 2, of: 3}")
    assert "Did you mean 'required'?" in paths(text)["decision.reqiured"]


MATRIX = """\
risk_matrices:
  - key: m
    name: Matrix
    subject: victim
    questions:
      - {key: a, text: "A?", options: {"No": 0, "Yes": 4}}
      - {key: b, text: "B?", options: {"No": 0, "Yes": 4}}
    medium_from: 4
    high_from: 8
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("high_from: 8", "high_from: 9", {"risk_matrices[0].high_from"}),
        ("high_from: 8", "high_from: 3", {"risk_matrices[0].high_from"}),
        (
            '"Yes": 4}}\n      - {key: b',
            '"Yes": -1}}\n      - {key: b',
            {"risk_matrices[0].questions[0].options.Yes"},
        ),
        ("key: b,", "key: a,", {"risk_matrices[0].questions[1].key"}),
        ("subject: victim", "subject: neighbour", {"risk_matrices[0].subject"}),
        ("    medium_from: 4\n", "", {"risk_matrices[0].medium_from"}),
        ("    name: Matrix\n", "    name: Matrix\n    colour: red\n", {"risk_matrices[0].colour"}),
        ('{key: b, text: "B?", ', "{key: b, ", {"risk_matrices[0].questions[1].text"}),
        (
            'options: {"No": 0, "Yes": 4}}\n    medium',
            "options: {}}\n    medium",
            {"risk_matrices[0].questions[1].options"},
        ),
    ],
)
def test_risk_matrix_errors_name_the_field(old, new, expected):
    assert old in MATRIX
    assert set(paths(MINIMAL + MATRIX.replace(old, new, 1))) == expected


def test_error_line_points_at_the_field():
    text = MINIMAL + MATRIX
    lines = text.splitlines()
    assert lines[error_line(text, "risk_matrices[0].high_from") - 1].strip() == "high_from: 8"
    assert "key: b" in lines[error_line(text, "risk_matrices[0].questions[1].options") - 1]
    assert error_line(text, "nowhere") is None


def test_validate_procedure_rejects_a_list():
    assert [str(e) for e in validate_procedure([1, 2])] == [
        "(top): The file must be a mapping of sections."
    ]


@pytest.mark.django_db
def test_save_makes_a_new_version_only_when_something_changed(tmp_path):
    first = procedure_save_version(text=MINIMAL, change_note="first")
    assert first.number == 1
    assert procedure_save_version(text=MINIMAL.replace("\n", "\r\n")).pk == first.pk
    second = procedure_save_version(text=MINIMAL.replace("count: 3", "count: 4"))
    assert second.number == 2
    assert second.data["threshold"]["routes"][0]["count"] == 4
    assert ProcedureVersion.objects.get(pk=first.pk).data["threshold"]["routes"][0]["count"] == 3


@pytest.mark.django_db
def test_save_refuses_a_stale_edit_and_a_changed_slug():
    procedure_save_version(text=MINIMAL)
    procedure_save_version(text=MINIMAL.replace("count: 3", "count: 4"))
    with pytest.raises(InvalidProcedure) as stale:
        procedure_save_version(text=MINIMAL.replace("count: 3", "count: 5"), based_on=1)
    assert stale.value.errors[0].path == "(version)"
    with pytest.raises(InvalidProcedure) as slug:
        procedure_save_version(
            text=MINIMAL.replace("slug: testshire", "slug: other"), expected_slug="testshire"
        )
    assert slug.value.errors[0].path == "slug"
    assert Procedure.objects.filter(slug="other").count() == 0
    assert ProcedureVersion.objects.count() == 2


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_prints_every_error_and_saves_nothing(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        MINIMAL.replace("timescales:", "timescale:").replace(
            "{rule: administering_body}", "{rule: majority, required: 3, of: 2}"
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_procedure", str(path), stdout=io.StringIO(), stderr=err)
    assert "nothing was saved" in str(exc.value)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("timescale: 'timescale' is not a section") for line in lines)
    assert "timescales: This section is required." in lines
    assert "decision.required: Cannot be more than 'of'." in lines
    assert not Procedure.objects.filter(slug="testshire").exists()


@pytest.mark.django_db
def test_import_exits_non_zero_from_the_command_line(tmp_path):
    from django.core.management import execute_from_command_line

    path = tmp_path / "bad.yaml"
    path.write_text("slug: Bad Slug\n")
    with pytest.raises(SystemExit) as exc:
        execute_from_command_line(["manage.py", "import_procedure", str(path)])
    assert exc.value.code != 0


@pytest.mark.django_db
def test_import_creates_versions_only_when_the_content_changed(tmp_path):
    path = tmp_path / "testshire.yaml"
    path.write_text(MINIMAL)
    assert run("import_procedure", str(path))[0].strip() == "testshire: saved version 1."
    assert "no change; the current version is still 1" in run("import_procedure", str(path))[0]
    path.write_text(MINIMAL.replace("count: 3", "count: 4"))
    out, _ = run("import_procedure", str(path), "--note", "Count raised")
    assert out.strip() == "testshire: saved version 2."
    assert Procedure.objects.get(slug="testshire").current_version.change_note == "Count raised"


@pytest.mark.django_db
def test_import_check_only_validates(tmp_path):
    path = tmp_path / "testshire.yaml"
    path.write_text(MINIMAL)
    assert "valid" in run("import_procedure", str(path), "--check")[0]
    assert not Procedure.objects.filter(slug="testshire").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SEEDS)
def test_export_then_import_creates_no_new_version(reference, tmp_path, slug):
    before = ProcedureVersion.objects.filter(procedure__slug=slug).count()
    exported, _ = run("export_procedure", slug)
    assert exported == (PROCEDURES / f"{slug}.yaml").read_text().rstrip("\n") + "\n"
    path = tmp_path / f"{slug}.yaml"
    path.write_text(exported)
    out, _ = run("import_procedure", str(path))
    assert "no change" in out
    assert ProcedureVersion.objects.filter(procedure__slug=slug).count() == before


@pytest.mark.django_db
def test_export_an_earlier_version_and_unknown_ones(tmp_path):
    procedure_save_version(text=MINIMAL)
    procedure_save_version(text=MINIMAL.replace("count: 3", "count: 4"))
    assert "count: 3" in run("export_procedure", "testshire", "--version", "1")[0]
    assert "count: 4" in run("export_procedure", "testshire")[0]
    with pytest.raises(CommandError, match="has no version 7"):
        run("export_procedure", "testshire", "--version", "7")
    with pytest.raises(CommandError, match="No procedure 'nowhere'"):
        run("export_procedure", "nowhere")
    assert procedure_export("testshire", version=1).startswith("# A small procedure")


@pytest.mark.django_db
def test_a_new_area_on_the_national_default_needs_no_code(users):
    """Import the default under a new slug, attach a new area, receive a case under it."""
    from tests.factories import receive_case

    text = (PROCEDURES / "national-default.yaml").read_text()
    version = procedure_save_version(
        text=text.replace("slug: national-default", "slug: newtown"), change_note="Adopted"
    )
    area = Area.objects.create(
        slug="newtown",
        name="Newtown",
        procedure=version.procedure,
        police_force_area="Newshire",
        reference_prefix="NEW",
    )
    case = receive_case(area=area, by=users["hertsmere.officer"])
    assert case.procedure_version == version
    assert case.procedure_version.section("threshold")["routes"][1]["hate_only"] is True


def test_the_annotated_example_in_the_docs_is_a_valid_procedure():
    docs = (Path(settings.BASE_DIR) / "docs" / "procedures.md").read_text()
    example = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    data = parse_yaml(example)
    assert data["slug"] == "newtown"
    assert data["risk_matrices"][0]["high_from"] == 8
