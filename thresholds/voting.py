"""The procedure's decision rule applied to the bodies' views (pure, no database).

Rules come from the procedure's ``decision`` section (validated by
``partnerships.procedure_schema.validate_decision``):

- ``any_one``: met as soon as any one body says met (Staffordshire); not met when every
  involved body has given a view and none says met.
- ``majority`` with ``required`` of ``of``: met when ``required`` bodies say met (Merton 2
  of 3); not met once so many have said not met or abstained that ``required`` can no
  longer be reached.
- ``administering_body``: the administering body's view decides (Hertsmere, Bedfordshire,
  Devon and Cornwall); the others' views are recorded for the file.
- ``unanimous``: met when every involved body says met; not met when any says not met.
  An abstention leaves a unanimous decision short of met.

``None`` means the views so far do not decide it yet; the reason says what is missing.
"""

from dataclasses import dataclass

MET, NOT_MET, ABSTAIN = "met", "not_met", "abstain"


@dataclass(frozen=True)
class VoteOutcome:
    met: bool | None
    reason: str


def apply_decision_rule(
    rule: dict,
    views: dict[str, str],
    *,
    involved: list[str],
    administering: str | None,
) -> VoteOutcome:
    """``views`` maps a body's name to met / not_met / abstain; ``involved`` names every body
    entitled to a view; ``administering`` names the administering body."""
    kind = rule.get("rule")
    said_met = sorted(b for b, v in views.items() if v == MET)
    said_not = sorted(b for b, v in views.items() if v == NOT_MET)
    waiting = sorted(b for b in involved if b not in views)
    if kind == "any_one":
        if said_met:
            return VoteOutcome(
                True, f"{', '.join(said_met)} considered it met, and any one body is enough."
            )
        if waiting:
            return VoteOutcome(None, f"Waiting for a view from {', '.join(waiting)}.")
        return VoteOutcome(False, "No relevant body considered the threshold met.")
    if kind == "majority":
        required, of = int(rule["required"]), int(rule["of"])
        if len(said_met) >= required:
            return VoteOutcome(
                True,
                f"{len(said_met)} of {of} core partners considered it met "
                f"({', '.join(said_met)}); {required} were needed.",
            )
        against = len(views) - len(said_met)
        if of - against < required:
            return VoteOutcome(
                False,
                f"Only {len(said_met)} of {of} core partners considered it met; "
                f"{required} were needed.",
            )
        return VoteOutcome(
            None,
            f"{len(said_met)} of {required} needed so far; {of - len(views)} partner(s) "
            "still to vote.",
        )
    if kind == "administering_body":
        if not administering:
            return VoteOutcome(None, "The area has no administering body recorded.")
        view = views.get(administering)
        if view == MET:
            return VoteOutcome(True, f"The administering body ({administering}) decided it is met.")
        if view == NOT_MET:
            return VoteOutcome(
                False, f"The administering body ({administering}) decided it is not met."
            )
        return VoteOutcome(
            None, f"The administering body ({administering}) has not given its view yet."
        )
    if kind == "unanimous":
        if said_not:
            return VoteOutcome(False, f"{', '.join(said_not)} considered it not met.")
        if waiting:
            return VoteOutcome(None, f"Waiting for a view from {', '.join(waiting)}.")
        if said_met and len(said_met) == len(views):
            return VoteOutcome(True, "Every relevant body considered it met.")
        return VoteOutcome(False, "Not every relevant body considered it met.")
    return VoteOutcome(None, f"Unknown decision rule {kind!r}.")
