"""The panel rules and the section validator: pure, no database."""

import pytest

from panels import rules
from panels.rules import MemberFact, PanelFacts

CONFIG = {
    "quorum": 3,
    "chair_independent": True,
    "youth_offending_if_under_18": True,
    "health_if_vulnerable": True,
}


def member(slug, kind, role="member", attendance="attended", declared=True):
    return MemberFact(
        name=f"{slug} person",
        agency_slug=slug,
        agency_name=slug.title(),
        agency_kind=kind,
        role=role,
        attendance=attendance,
        declared=declared,
    )


PANEL = [
    member("council", "council"),
    member("police", "police"),
    member("housing", "housing_provider"),
    member("fire", "fire_and_rescue", role="chair"),
]


def by_key(results):
    return {r.key: r for r in results}


def test_a_full_independent_panel_meets_every_rule():
    results = rules.evaluate_panel(
        PanelFacts(config=CONFIG, members=PANEL, directly_involved=frozenset({"council"})),
        at_opening=True,
    )
    assert rules.blockers(results) == []
    assert rules.warnings(results) == []


def test_quorum_counts_relevant_bodies_present_not_partners():
    members = [*PANEL[:2], member("housing", "housing_provider", attendance="apologies"), PANEL[3]]
    result = by_key(
        rules.evaluate_panel(PanelFacts(config=CONFIG, members=members), at_opening=True)
    )
    assert result["quorum"].blocks
    assert "2 attending" in result["quorum"].message
    assert "will not proceed" in result["quorum"].message


def test_before_the_meeting_invited_members_are_expected():
    members = [member(m.agency_slug, m.agency_kind, m.role, attendance="invited") for m in PANEL]
    facts = PanelFacts(config=CONFIG, members=members)
    assert by_key(rules.evaluate_panel(facts))["quorum"].ok
    assert by_key(rules.evaluate_panel(facts, at_opening=True))["quorum"].blocks


def test_merton_core_panel_is_fixed():
    config = {
        **CONFIG,
        "core_agencies": ["council", "police", "housing"],
        "chair_independent": False,
    }
    members = [
        PANEL[0],
        PANEL[1],
        member("health", "health_board"),
        member("c", "council", "chair"),
    ]
    result = by_key(
        rules.evaluate_panel(PanelFacts(config=config, members=members), at_opening=True)
    )
    assert result["quorum"].blocks
    assert "Missing: housing" in result["quorum"].message
    assert result["chair"].ok


def test_chair_from_an_involved_agency_is_not_independent():
    members = [*PANEL[:3], member("police2", "police", role="chair")]
    facts = PanelFacts(config=CONFIG, members=members, directly_involved=frozenset({"police2"}))
    result = by_key(rules.evaluate_panel(facts))["chair"]
    assert result.blocks
    assert "not independent" in result.message


def test_when_every_body_was_involved_the_chair_comes_from_elsewhere():
    members = [*PANEL[:3], member("police", "police", role="chair")]
    bodies = frozenset({"council", "police", "housing"})
    facts = PanelFacts(
        config=CONFIG, members=members, directly_involved=bodies, area_relevant_bodies=bodies
    )
    result = by_key(rules.evaluate_panel(facts))["chair"]
    assert result.blocks
    assert "another agency" in result.message and "another area" in result.message


def test_no_chair_blocks():
    result = by_key(rules.evaluate_panel(PanelFacts(config=CONFIG, members=PANEL[:3])))["chair"]
    assert result.blocks


def test_youth_offending_team_needed_only_for_an_under_18():
    facts = PanelFacts(config=CONFIG, members=PANEL, perpetrator_under_18=True)
    assert by_key(rules.evaluate_panel(facts))["youth_offending"].blocks
    with_yot = PanelFacts(
        config=CONFIG,
        members=[*PANEL, member("yot", "youth_offending_team", attendance="invited")],
        perpetrator_under_18=True,
    )
    assert by_key(rules.evaluate_panel(with_yot))["youth_offending"].ok
    assert "youth_offending" not in by_key(rules.evaluate_panel(PanelFacts(CONFIG, PANEL)))


def test_health_involvement_by_panel_or_evidence():
    facts = PanelFacts(config=CONFIG, members=PANEL, victim_health_vulnerability=True)
    assert by_key(rules.evaluate_panel(facts))["health"].blocks
    evidence = PanelFacts(
        config=CONFIG,
        members=PANEL,
        victim_health_vulnerability=True,
        involved_kinds=frozenset({"health_board"}),
    )
    assert by_key(rules.evaluate_panel(evidence))["health"].ok


def test_missing_declarations_warn_before_the_meeting_and_block_its_opening():
    members = [*PANEL[:3], member("fire", "fire_and_rescue", role="chair", declared=False)]
    facts = PanelFacts(config=CONFIG, members=members)
    before = rules.evaluate_panel(facts)
    assert rules.blockers(before) == []
    assert "fire person" in rules.warnings(before)[0]
    opening = rules.evaluate_panel(facts, at_opening=True)
    assert rules.warnings(opening) == []
    assert any("fire person" in b and "must sign" in b for b in rules.blockers(opening))


@pytest.mark.parametrize(
    "votes,expected",
    [
        ([], None),
        (["met"], None),
        (["met", "met"], True),
        (["met", "not_met"], None),
        (["not_met", "not_met"], False),
        (["met", "not_met", "not_met"], False),
    ],
)
def test_merton_vote_two_of_three(votes, expected):
    assert rules.vote_outcome({"rule": "majority", "required": 2, "of": 3}, votes) is expected


def paths(errors):
    return {e.path for e in errors}


def test_validator_accepts_the_seed_shapes():
    assert rules.validate_section(CONFIG, "panel") == []
    merton = {**CONFIG, "core_agencies": ["a", "b", "c"], "chair_independent": False}
    assert rules.validate_section(merton, "panel") == []


def test_validator_names_the_field_at_fault():
    bad = {
        "quorum": 0,
        "chair_independent": "yes",
        "youth_offending_if_under_18": True,
        "core_agencies": ["a", "a"],
        "standing_meeting": {"weekday": "sunday", "week_of_month": 5, "time": "25:00"},
        "quorom": 3,
    }
    assert paths(rules.validate_section(bad, "panel")) == {
        "panel.quorum",
        "panel.chair_independent",
        "panel.health_if_vulnerable",
        "panel.core_agencies",
        "panel.standing_meeting.weekday",
        "panel.standing_meeting.week_of_month",
        "panel.standing_meeting.time",
        "panel.quorom",
    }
    assert paths(rules.validate_section([], "panel")) == {"panel"}
    too_many = {**CONFIG, "core_agencies": ["a", "b"]}
    assert paths(rules.validate_section(too_many, "panel")) == {"panel.quorum"}
