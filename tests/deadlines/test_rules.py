"""Validation of the timescales and action_escalation sections (no database)."""

import pytest

from deadlines.rules import ladder, timescales, validate_ladder, validate_section
from partnerships.procedures import parse_yaml

GOOD = {
    "acknowledge": {
        "amount": 3,
        "unit": "working_days",
        "starts": "received",
        "ends": "acknowledged",
        "responsible": "administering_body",
        "rule": "CR1 within 3 working days",
    }
}


def _paths(errors):
    return [e.path for e in errors]


def test_a_good_section_has_no_errors():
    assert validate_section(GOOD, "timescales") == []
    assert timescales({"timescales": GOOD})[0].amount == 3


@pytest.mark.parametrize(
    "change,path",
    [
        ({"amount": 0}, "timescales.acknowledge.amount"),
        ({"amount": "3"}, "timescales.acknowledge.amount"),
        ({"unit": "fortnights"}, "timescales.acknowledge.unit"),
        ({"starts": "whenever"}, "timescales.acknowledge.starts"),
        ({"ends": "received"}, "timescales.acknowledge.ends"),
        ({"responsible": "nobody"}, "timescales.acknowledge.responsible"),
        ({"rule": ""}, "timescales.acknowledge.rule"),
        ({"colour": "red"}, "timescales.acknowledge.colour"),
    ],
)
def test_each_error_names_the_field(change, path):
    spec = {**GOOD["acknowledge"], **change}
    assert _paths(validate_section({"acknowledge": spec}, "timescales")) == [path]


def test_section_shape_errors():
    assert _paths(validate_section([], "timescales")) == ["timescales"]
    assert _paths(validate_section({"x": 3}, "timescales")) == ["timescales.x"]


def test_ladder_validation():
    good = [
        {"after": {"amount": 0, "unit": "days"}, "to": "owner"},
        {"after": {"amount": 3, "unit": "weeks"}, "to": "line_manager"},
        {"after": {"amount": 2, "unit": "months"}, "to": "head_of_service"},
    ]
    assert validate_ladder(good, "action_escalation") == []
    assert [r.to for r in ladder({"action_escalation": good})] == [
        "owner",
        "line_manager",
        "head_of_service",
    ]
    assert _paths(validate_ladder([], "action_escalation")) == ["action_escalation"]
    bad_to = [{"after": {"amount": 0, "unit": "days"}, "to": "the mayor"}]
    assert _paths(validate_ladder(bad_to, "action_escalation")) == ["action_escalation[0].to"]
    backwards = [good[1], good[0]]
    assert _paths(validate_ladder(backwards, "action_escalation")) == ["action_escalation[1].after"]
    working = [{"after": {"amount": 5, "unit": "working_days"}, "to": "owner"}]
    assert _paths(validate_ladder(working, "action_escalation")) == [
        "action_escalation[0].after.unit"
    ]


def test_a_procedure_file_with_a_bad_timescale_is_refused():
    from pathlib import Path

    from partnerships.procedures import InvalidProcedure

    text = (Path(__file__).resolve().parents[2] / "fixtures/procedures/merton.yaml").read_text()
    broken = text.replace("acknowledge: {amount: 2,", "acknowledge: {amount: -2,")
    with pytest.raises(InvalidProcedure) as excinfo:
        parse_yaml(broken)
    assert "timescales.acknowledge.amount" in str(excinfo.value)
