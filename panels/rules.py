"""The procedure's panel rules: the section's validator, and a pure evaluation of a panel.

Nothing here touches the database, so the rules are fast and tested without one.
``panels.selectors.panel_facts`` gathers the facts; ``evaluate_panel`` says, in plain
English, which rules are met, which block the meeting from opening, and which only warn.
"""

from dataclasses import dataclass, field

from partnerships.constants import RELEVANT_BODY_KINDS, AgencyKind

BLOCK = "block"
WARN = "warn"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def validate_section(value, path) -> list:
    """Validate the procedure's ``panel`` section, naming the exact field at fault."""
    from partnerships.procedure_schema import QUORUM_MAX, ProcedureError, whole_number_errors

    if not isinstance(value, dict):
        return [ProcedureError(path, "Give the panel rules as a mapping.")]
    errors = []
    known = {
        "quorum",
        "core_agencies",
        "chair_independent",
        "youth_offending_if_under_18",
        "health_if_vulnerable",
        "standing_meeting",
    }
    for key in sorted(set(value) - known):
        errors.append(
            ProcedureError(f"{path}.{key}", f"Unknown rule; use {', '.join(sorted(known))}.")
        )
    quorum = value.get("quorum")
    errors += whole_number_errors(
        quorum, f"{path}.quorum", minimum=1, maximum=QUORUM_MAX, what="the quorum as a whole number"
    )
    core = value.get("core_agencies")
    if core is not None:
        if not isinstance(core, list) or not all(isinstance(s, str) and s for s in core):
            errors.append(ProcedureError(f"{path}.core_agencies", "Give a list of agency slugs."))
        elif len(set(core)) != len(core):
            errors.append(ProcedureError(f"{path}.core_agencies", "An agency is listed twice."))
        elif isinstance(quorum, int) and not isinstance(quorum, bool) and quorum > len(core):
            errors.append(
                ProcedureError(f"{path}.quorum", "Cannot be more than the number of core agencies.")
            )
    for key in ("chair_independent", "youth_offending_if_under_18", "health_if_vulnerable"):
        if key not in value:
            errors.append(ProcedureError(f"{path}.{key}", "This rule is required: true or false."))
        elif not isinstance(value[key], bool):
            errors.append(ProcedureError(f"{path}.{key}", "Use true or false."))
    standing = value.get("standing_meeting")
    if standing is not None:
        here = f"{path}.standing_meeting"
        if not isinstance(standing, dict):
            errors.append(ProcedureError(here, "Give weekday, week_of_month and time."))
        else:
            if standing.get("weekday") not in WEEKDAYS:
                errors.append(
                    ProcedureError(f"{here}.weekday", f"Use one of {', '.join(WEEKDAYS)}.")
                )
            week = standing.get("week_of_month")
            if not isinstance(week, int) or isinstance(week, bool) or not 1 <= week <= 4:
                errors.append(ProcedureError(f"{here}.week_of_month", "Give 1, 2, 3 or 4."))
            time = standing.get("time")
            if not isinstance(time, str) or not _is_time(time):
                errors.append(ProcedureError(f"{here}.time", 'Give a 24-hour time, e.g. "10:00".'))
    return errors


def _is_time(text: str) -> bool:
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return False
    return 0 <= int(parts[0]) < 24 and 0 <= int(parts[1]) < 60


@dataclass(frozen=True)
class MemberFact:
    name: str
    agency_slug: str
    agency_name: str
    agency_kind: str
    role: str
    attendance: str
    declared: bool = False


@dataclass(frozen=True)
class PanelFacts:
    """What the rules need to know about one case's panel."""

    config: dict
    members: list[MemberFact]
    directly_involved: frozenset[str] = frozenset()
    """Slugs of agencies with direct involvement in the case."""
    area_relevant_bodies: frozenset[str] = frozenset()
    """Slugs of the relevant bodies (council, police, housing, health) of the case's area."""
    involved_kinds: frozenset[str] = frozenset()
    """Kinds of every agency involved in the case (its responses count as involvement)."""
    perpetrator_under_18: bool = False
    victim_health_vulnerability: bool = False
    agency_names: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    key: str
    ok: bool
    severity: str
    message: str

    @property
    def blocks(self) -> bool:
        return not self.ok and self.severity == BLOCK

    @property
    def warns(self) -> bool:
        return not self.ok and self.severity == WARN


def _present(member: MemberFact, at_opening: bool) -> bool:
    if at_opening:
        return member.attendance == "attended"
    return member.attendance != "apologies"


def evaluate_panel(facts: PanelFacts, *, at_opening: bool = False) -> list[RuleResult]:
    """Check a case's panel against the procedure's panel rules, each result explained.

    Before the meeting (``at_opening=False``) everyone invited who has not sent apologies
    is expected; when the meeting opens only those marked as attending count.
    """
    config = facts.config
    results = [_quorum(facts, at_opening), _chair(facts)]
    if config.get("youth_offending_if_under_18") and facts.perpetrator_under_18:
        results.append(_youth_offending(facts))
    if config.get("health_if_vulnerable") and facts.victim_health_vulnerability:
        results.append(_health(facts))
    results.append(_declarations(facts, at_opening))
    return results


def _quorum(facts: PanelFacts, at_opening: bool) -> RuleResult:
    quorum = facts.config.get("quorum", 3)
    present = [m for m in facts.members if _present(m, at_opening)]
    word = "attending" if at_opening else "expected"
    core = facts.config.get("core_agencies")
    if core:
        here = {m.agency_slug for m in present}
        missing = [facts.agency_names.get(s, s) for s in core if s not in here]
        count = len([s for s in core if s in here])
        ok = count >= quorum and not missing
        message = (
            f"Quorum: the core panel is fixed ({', '.join(facts.agency_names.get(s, s) for s in core)}); "
            f"{count} of {len(core)} {word}."
        )
        if missing:
            message += f" Missing: {', '.join(missing)}. The meeting cannot proceed without them."
        return RuleResult("quorum", ok, BLOCK, message)
    bodies = sorted({m.agency_name for m in present if m.agency_kind in RELEVANT_BODY_KINDS})
    ok = len(bodies) >= quorum
    message = (
        f"Quorum: at least {quorum} relevant bodies are needed; {len(bodies)} {word}"
        + (f" ({', '.join(bodies)})" if bodies else "")
        + "."
    )
    if not ok:
        message += " The meeting will not proceed without the quorum."
    return RuleResult("quorum", ok, BLOCK, message)


def _chair(facts: PanelFacts) -> RuleResult:
    chairs = [m for m in facts.members if m.role == "chair"]
    if not chairs:
        return RuleResult("chair", False, BLOCK, "Chair: name a chair for the meeting.")
    chair = chairs[0]
    if not facts.config.get("chair_independent"):
        return RuleResult(
            "chair",
            True,
            BLOCK,
            f"Chair: {chair.name} ({chair.agency_name}); this procedure does not require an "
            "independent chair.",
        )
    if chair.agency_slug in facts.directly_involved:
        all_involved = bool(facts.area_relevant_bodies) and (
            facts.area_relevant_bodies <= facts.directly_involved
        )
        advice = (
            " Every relevant body in the area was involved, so the chair must come from "
            "another agency (such as fire and rescue) or from another area."
            if all_involved
            else " Choose a chair from a body that was not involved."
        )
        return RuleResult(
            "chair",
            False,
            BLOCK,
            f"Chair: {chair.name}'s agency, {chair.agency_name}, had direct involvement in the "
            f"case, so they are not independent.{advice}",
        )
    return RuleResult(
        "chair",
        True,
        BLOCK,
        f"Chair: {chair.name} ({chair.agency_name}) is independent: their agency had no "
        "direct involvement in the case.",
    )


def _youth_offending(facts: PanelFacts) -> RuleResult:
    invited = [m for m in facts.members if m.agency_kind == AgencyKind.YOUTH_OFFENDING_TEAM]
    if invited:
        return RuleResult(
            "youth_offending",
            True,
            BLOCK,
            f"Youth offending team: a perpetrator is under 18 and {invited[0].agency_name} "
            "is invited.",
        )
    return RuleResult(
        "youth_offending",
        False,
        BLOCK,
        "Youth offending team: a perpetrator is under 18, so the youth offending team must "
        "be invited to the panel.",
    )


def _health(facts: PanelFacts) -> RuleResult:
    on_panel = [m for m in facts.members if m.agency_kind == AgencyKind.HEALTH_BOARD]
    if on_panel:
        return RuleResult(
            "health",
            True,
            BLOCK,
            f"Health: the victim has health-related vulnerabilities and {on_panel[0].agency_name} "
            "is on the panel.",
        )
    if AgencyKind.HEALTH_BOARD in facts.involved_kinds:
        return RuleResult(
            "health",
            True,
            BLOCK,
            "Health: the victim has health-related vulnerabilities; health services are "
            "involved in the case (their evidence or statement counts) but not on the panel.",
        )
    return RuleResult(
        "health",
        False,
        BLOCK,
        "Health: the victim has health-related vulnerabilities, so health services must be "
        "involved (on the panel, or by evidence or a statement).",
    )


def _declarations(facts: PanelFacts, at_opening: bool) -> RuleResult:
    """Everyone at the meeting has signed the information-sharing declaration: before
    the meeting a warning, and when it opens a rule, since the meeting shares the
    victim's personal data with everyone in the room."""
    present = [m for m in facts.members if _present(m, at_opening)]
    missing = sorted(m.name for m in present if not m.declared)
    severity = BLOCK if at_opening else WARN
    if missing:
        return RuleResult(
            "declarations",
            False,
            severity,
            "Information-sharing declarations: not yet signed by "
            + ", ".join(missing)
            + (
                ". Everyone attending must sign before the meeting opens."
                if at_opening
                else ". They cannot see the chair's pack until they sign."
            ),
        )
    return RuleResult(
        "declarations",
        True,
        severity,
        "Information-sharing declarations: signed by everyone "
        + ("attending." if at_opening else "expected."),
    )


def blockers(results: list[RuleResult]) -> list[str]:
    return [r.message for r in results if r.blocks]


def warnings(results: list[RuleResult]) -> list[str]:
    return [r.message for r in results if r.warns]


def vote_outcome(decision: dict, votes: list[str]) -> bool | None:
    """Merton: the threshold is met when ``required`` of ``of`` core partners vote met.

    Returns None while the result is still open (not enough votes cast either way).
    """
    required = decision.get("required", 2)
    of = decision.get("of", 3)
    met = votes.count("met")
    not_met = votes.count("not_met")
    if met >= required:
        return True
    if not_met > of - required:
        return False
    return None
