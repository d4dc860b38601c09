from pathlib import Path

import pytest
import yaml

from appeals.rules import validate_section

PROCEDURES = Path(__file__).resolve().parents[2] / "fixtures" / "procedures"


@pytest.mark.parametrize("path", sorted(PROCEDURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_seed_appeal_section_is_valid(path):
    section = yaml.safe_load(path.read_text())["appeal"]
    assert validate_section(section, "appeal") == []


def _paths(section):
    return {e.path for e in validate_section(section, "appeal")}


def test_errors_name_the_field_at_fault():
    section = {
        "window": {"amount": 0, "unit": "fortnights"},
        "grounds": [{"key": "A", "label": "x"}, {"key": "A", "label": ""}],
        "reviewer": {"default": "", "areas": {"luton": ""}},
        "stages": [{"key": "s", "amount": 5, "unit": "working_days", "rule": "r", "from": "x"}],
        "follow_up": {"amount": 3},
        "colour": "blue",
    }
    assert _paths(section) == {
        "appeal.window.amount",
        "appeal.window.unit",
        "appeal.grounds[1].key",
        "appeal.grounds[1].label",
        "appeal.reviewer.default",
        "appeal.reviewer.areas.luton",
        "appeal.stages[0].from",
        "appeal.follow_up.unit",
        "appeal.colour",
    }


def test_missing_parts_are_named():
    assert _paths({}) == {
        "appeal.window",
        "appeal.grounds",
        "appeal.reviewer",
        "appeal.stages",
    }
    assert _paths("nope") == {"appeal"}


def test_an_unquoted_comma_in_a_ground_is_reported_at_the_stray_field():
    import yaml

    from appeals.rules import validate_section

    section = yaml.safe_load(
        "window: {amount: 28, unit: days}\n"
        "grounds:\n"
        "  - {key: process, label: The process, policy or protocol was not considered}\n"
        "reviewer: {default: Someone independent}\n"
        "stages:\n"
        "  - {key: heard, amount: 15, unit: working_days, rule: Heard}\n"
    )
    errors = validate_section(section, "appeal")
    assert [e.path for e in errors] == ["appeal.grounds[0].policy or protocol was not considered"]
    assert "quotes" in errors[0].message
