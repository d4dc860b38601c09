"""Hostile procedure YAML is a plain message at the field; no stored version crashes a page.

The YAML loader refuses tags and values the schema does not need (timestamps, ``!!int``,
``!!float``), caps depth and size, and every number in the schema has a realistic bound
(docs/procedures.md, "Bounds"). A version written straight to the database, bypassing
all that, still gives a clear message on the case and threshold pages, not a 500.
"""

import copy

import pytest
from django.urls import reverse

from partnerships.models import ProcedureVersion
from partnerships.procedures import InvalidProcedure, parse_yaml
from tests.factories import receive_case

pytestmark = pytest.mark.django_db

MINIMAL = """\
slug: testshire
name: Testshire procedure
source: Testshire CSP
threshold:
  routes:
    - {key: three, kind: complaints_in_window, count: 3, window: {amount: 6, unit: months}}
decision: {rule: administering_body}
timescales: {}
"""


def errors_of(text):
    with pytest.raises(InvalidProcedure) as caught:
        parse_yaml(text)
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize(
    "extra",
    [
        "x: 2026-02-30",
        "x: 0000-00-00",
        "x: 2026-01-01",
        "x: !!int 0x",
        "x: !!float abc",
        "x: !!binary AAAA",
        "x: !!timestamp 2026-01-01",
        "x: !!python/object:os.system {}",
        "x: &a [*a]",
        "x: .inf",
        "x: .nan",
    ],
)
def test_a_value_the_schema_does_not_need_is_a_plain_message(extra):
    errors = errors_of(MINIMAL + extra + "\n")
    assert errors and all("line" in e or "x" in e for e in errors), errors


def test_deep_nesting_is_refused_plainly():
    errors = errors_of(MINIMAL + "x: " + "[" * 3000 + "]" * 3000 + "\n")
    assert any("nested too deeply" in e for e in errors), errors


def test_a_huge_file_is_refused_plainly():
    errors = errors_of(MINIMAL + "# " + "x" * 300_000 + "\n")
    assert any("too long" in e for e in errors), errors


def test_many_aliases_cannot_blow_up_memory():
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for name in "bcdefghi":
        prev = chr(ord(name) - 1)
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    errors = errors_of(MINIMAL + bomb)
    # Refused from the file's shape when it is read, before anything walks the 50 million
    # values the aliases stand for (the validator used to walk them: 38 seconds of CPU).
    assert any("aliases (*name) stand for more than 50,000 values" in e for e in errors), errors


@pytest.mark.parametrize(
    "old, new, path",
    [
        (
            "window: {amount: 6, unit: months}",
            "window: {amount: 999999999999, unit: months}",
            "threshold.routes[0].window.amount",
        ),
        ("count: 3", "count: 999999999999", "threshold.routes[0].count"),
        (
            "timescales: {}",
            "timescales: {acknowledge: {amount: 99999999, unit: working_days, "
            "starts: received, ends: acknowledged, rule: Three days}}",
            "timescales.acknowledge.amount",
        ),
    ],
)
def test_an_absurd_number_is_refused_at_its_field(old, new, path):
    errors = errors_of(MINIMAL.replace(old, new))
    assert any(e.startswith(path + ":") and "from 1 to" in e for e in errors), errors


def _broken_version(area, **change):
    current = area.procedure.current_version
    data = copy.deepcopy(current.data)
    data["threshold"]["routes"][0]["window"] = {"amount": 999999999999, "unit": "months"}
    return ProcedureVersion.objects.create(
        procedure=area.procedure,
        number=current.number + 1,
        data=data,
        source_yaml=current.source_yaml,
        change_note="written straight to the database",
    )


def test_a_case_pinned_to_a_version_that_cannot_be_evaluated_shows_a_message(
    client, reference, officer
):
    area = reference["areas"]["hertsmere"]
    version = _broken_version(area)
    case = receive_case(area=area, by=officer)
    type(case).objects.filter(pk=case.pk).update(procedure_version=version)
    client.force_login(officer)
    for url in (
        reverse("cases:detail", args=[case.reference]),
        reverse("thresholds:case", args=[case.reference]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "This case's procedure version cannot be evaluated" in html, url
        assert "threshold.routes[0].window.amount" in html
        assert "Ask the partnership admin" in html
    for name in ("thresholds:record_view", "thresholds:decide"):
        response = client.get(reverse(name, args=[case.reference]))
        assert "This case's procedure version cannot be evaluated" in response.content.decode()
    response = client.post(reverse("thresholds:case", args=[case.reference]))
    assert response.status_code == 200
    assert "Ask the partnership admin" in response.content.decode()
    client.force_login(reference["users"]["hertsmere.admin"])
    page = client.get(reverse("partnerships:procedure_version", args=["hertsmere", version.number]))
    assert page.status_code == 200
