"""A new area from one YAML file: checked first, then all of it created or none of it, by
the management command or the system admin's page (docs/new-area.md)."""

from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from partnerships.models import Agency, Area, Procedure, RoleAssignment, User
from partnerships.new_area import new_area_check

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "new-area.yaml"

pytestmark = pytest.mark.django_db


def example(**changes) -> str:
    data = yaml.safe_load(EXAMPLE.read_text())
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return yaml.safe_dump(data, sort_keys=False)


def test_the_documented_example_creates_the_whole_area(reference, capsys):
    call_command("new_area", str(EXAMPLE))
    out = capsys.readouterr().out
    assert "Created Three Rivers Community Safety Partnership (three-rivers)" in out
    area = Area.objects.get(slug="three-rivers")
    assert area.nation == "england" and area.reference_prefix == "TRV"
    assert area.postcode_districts == ["WD3", "WD4", "WD5"]
    assert area.administering_agency.slug == "three-rivers-district-council"
    council = Agency.objects.get(slug="three-rivers-district-council")
    assert council.spoc_email == "asb.casereview@threerivers.example"
    police = Agency.objects.get(slug="hertfordshire-constabulary")
    assert {a.slug for a in police.areas.all()} >= {"hertsmere", "three-rivers"}
    assert set(Agency.objects.filter(areas=area).values_list("slug", flat=True)) == {
        "three-rivers-district-council",
        "thrive-homes-example",
        "hertfordshire-constabulary",
    }
    shah = User.objects.get(username="p.shah")
    assert shah.agency == council and not shah.has_usable_password()
    assert set(
        RoleAssignment.objects.filter(user=shah, area=area).values_list("role", flat=True)
    ) == {"case_officer", "area_admin"}
    assert shah.has_perm("partnerships.administer_area", area)
    version = area.procedure.current_version
    assert area.procedure.slug == "three-rivers" and version.number == 1
    hertsmere = Procedure.objects.get(slug="hertsmere").current_version
    assert version.data["threshold"] == hertsmere.data["threshold"]
    assert version.data["name"] == "Three Rivers ASB Case Review procedure"
    assert "Copied from hertsmere version" in version.change_note


def test_check_only_creates_nothing(reference, capsys):
    call_command("new_area", str(EXAMPLE), "--check")
    assert "everything is right; nothing created" in capsys.readouterr().out
    assert not Area.objects.filter(slug="three-rivers").exists()


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"area__nation": "france"}, "Line 4, area.nation: Use one of england, wales"),
        ({"area__slug": "hertsmere"}, "area.slug: An area 'hertsmere' already exists."),
        ({"area__administering_agency": "nobody"}, "area.administering_agency: Name one of"),
        ({"area__reference_prefix": "her"}, "area.reference_prefix: Use 2 to 6 capital letters"),
        ({"area__postcode_districts": ["WD3", "not a district"]}, "area.postcode_districts[1]"),
        ({"procedure__copy": "nowhere"}, "procedure.copy: Name a procedure to copy: one of"),
        ({"agencies__0__kind": "bakery"}, "agencies[0].kind: Use one of council, police"),
        (
            {"agencies__0__spoc": {"email": "not-an-email"}},
            "agencies[0].spoc.email: Enter an email",
        ),
        ({"agencies__2__slug": "no-such-force"}, "There is no agency 'no-such-force'"),
        ({"staff__0__roles": ["boss"]}, "staff[0].roles[0]: Use one of spoc, case_officer"),
        ({"staff__1__agency": "elsewhere"}, "staff[1].agency: Name one of the agencies"),
        ({"staff__1__username": "p.shah"}, "staff[1].username: The username 'p.shah' is taken."),
        ({"staff__0__first_name": "Pri\x00ya"}, "staff[0].first_name: Remove the hidden (NUL)"),
        ({"staff__0__roles": ["case_officer"]}, "staff: Give at least one person the area_admin"),
        ({"staff__0__shoe_size": 9}, "staff[0].shoe_size: 'shoe_size' is not a field here."),
    ],
)
def test_every_problem_is_named_with_its_field_and_nothing_is_created(
    reference, tmp_path, capsys, changes, expected
):
    path = tmp_path / "area.yaml"
    path.write_text(example(**changes))
    with pytest.raises(CommandError, match="Nothing created"):
        call_command("new_area", str(path))
    assert expected in capsys.readouterr().err
    assert (
        not Area.objects.filter(slug__in=["three-rivers", "hertsmere-2"])
        .exclude(slug="hertsmere")
        .exists()
    )
    assert not User.objects.filter(username="t.ellis").exists()
    assert not Agency.objects.filter(slug="thrive-homes-example").exists()
    assert not Procedure.objects.filter(slug="three-rivers").exists()


def test_a_clash_found_only_when_creating_rolls_everything_back(reference, monkeypatch):
    from partnerships import new_area

    real = new_area.RoleAssignment.objects.bulk_create

    def fail(rows, **kwargs):
        raise RuntimeError("the database refused a row")

    monkeypatch.setattr(new_area.RoleAssignment.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        new_area.new_area_create(text=EXAMPLE.read_text())
    monkeypatch.setattr(new_area.RoleAssignment.objects, "bulk_create", real)
    assert not Area.objects.filter(slug="three-rivers").exists()
    assert not Agency.objects.filter(slug="thrive-homes-example").exists()
    assert not Procedure.objects.filter(slug="three-rivers").exists()
    assert not User.objects.filter(username="p.shah").exists()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("area: [unclosed", "Not valid YAML"),
        ("- just a list", "(file): Give the sections area, procedure, agencies, staff."),
        ("area: {}\nextra: 1\n", "extra: Unknown section."),
    ],
)
def test_hostile_files_get_messages_not_exceptions(reference, text, expected):
    plan, problems = new_area_check(text)
    assert plan is None and any(expected in p for p in problems), problems


# -- the system admin's page -----------------------------------------------------------------

URL = "/staff/partnerships/new-area/"


def test_only_the_system_admin_reaches_the_page(client, users):
    response = client.get(URL)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    for name in ("hertsmere.admin", "hertsmere.officer"):
        client.force_login(users[name])
        assert client.get(URL).status_code == 403, name
        assert client.post(URL, {"text": EXAMPLE.read_text(), "step": "create"}).status_code == 403
    assert not Area.objects.filter(slug="three-rivers").exists()
    done = reverse("partnerships:new_area_done", args=["hertsmere"])
    assert client.get(done).status_code == 403


def test_the_page_checks_then_shows_what_it_will_create_then_creates_it(client, users):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert "Set up a new area" in page and "Check the file" in page
    bad = client.post(URL, {"text": example(area__nation="france"), "step": "check"})
    text = bad.content.decode()
    assert "There is a problem" in text and "area.nation: Use one of england" in text
    assert "france" in text  # what was typed is kept
    checked = client.post(URL, {"text": EXAMPLE.read_text(), "step": "check"}).content.decode()
    assert "Check the new area before you create it" in checked
    assert "Three Rivers District Council (new), administers case reviews" in checked
    assert "Case officer (CSIO), Partnership admin" in checked
    assert "Hertfordshire Constabulary (already set up; joins this area)" in checked
    assert "hertfordshire-constabulary" not in checked.split("<textarea")[0]  # no slugs shown
    assert not Area.objects.filter(slug="three-rivers").exists()
    created = client.post(URL, {"text": EXAMPLE.read_text(), "step": "create"})
    assert created.status_code == 302
    done = client.get(created["Location"]).content.decode()
    assert "Three Rivers Community Safety Partnership is set up" in done
    assert Area.objects.filter(slug="three-rivers").exists()
    again = client.post(URL, {"text": EXAMPLE.read_text(), "step": "create"}).content.decode()
    assert "An area &#x27;three-rivers&#x27; already exists." in again


def test_the_postcode_districts_help_text_shows_valid_json():
    import json
    import re

    text = Area._meta.get_field("postcode_districts").help_text
    example = re.search(r"e\.g\. (\[.*\])", text).group(1)
    assert json.loads(example) == ["WD6", "EN6"]


@pytest.mark.parametrize(
    "changes",
    [
        {"staff__0__roles": [{"a": 1}]},
        {"staff__0__agency": ["x"]},
        {"area__administering_agency": {"x": 1}},
        {"agencies__0__slug": ["x"]},
        {"procedure__copy": ["hertsmere"]},
        {"agencies__0__spoc": "Priya"},
    ],
)
def test_values_of_the_wrong_shape_are_named_not_a_crash(reference, changes):
    plan, problems = new_area_check(example(**changes))
    assert plan is None and problems


def test_a_file_over_the_limit_is_refused_in_plain_words():
    from partnerships.forms import NewAreaForm

    form = NewAreaForm({"text": "x" * 200_001})
    assert not form.is_valid()
    assert form.errors["text"] == ["The new area's file must be 200,000 characters or fewer"]
