from django.db import models


class Nation(models.TextChoices):
    """Whose bank holidays count when working days are added."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class AgencyKind(models.TextChoices):
    COUNCIL = "council", "Council"
    POLICE = "police", "Police"
    HOUSING_PROVIDER = "housing_provider", "Housing provider"
    HEALTH_BOARD = "health_board", "Health board (integrated care board)"
    YOUTH_OFFENDING_TEAM = "youth_offending_team", "Youth offending team"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    PCC = "pcc", "Police and Crime Commissioner"
    OTHER = "other", "Other"


RELEVANT_BODY_KINDS = frozenset(
    {
        AgencyKind.COUNCIL,
        AgencyKind.POLICE,
        AgencyKind.HOUSING_PROVIDER,
        AgencyKind.HEALTH_BOARD,
    }
)
"""The kinds the 2014 Act (Schedule 4) names as relevant bodies."""


class Role(models.TextChoices):
    """The staff roles of DESIGN.md section 2. A role is held in one area."""

    SPOC = "spoc", "Single point of contact (SPOC)"
    CASE_OFFICER = "case_officer", "Case officer (CSIO)"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member / action owner"
    APPEAL_REVIEWER = "appeal_reviewer", "Appeal reviewer"
    AREA_ADMIN = "area_admin", "Partnership admin"
    MONITOR = "monitor", "Commissioner's office / monitor"


class EscalationLevel(models.TextChoices):
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    CHIEF_EXECUTIVE = "chief_executive", "Chief executive"


class PickPurpose(models.TextChoices):
    """What a staff pick-list chooses someone for; each purpose has its own scope."""

    CASE_OFFICER = "case_officer", "Case officer"
    PANEL_MEMBER = "panel_member", "Panel member"
    ACTION_OWNER = "action_owner", "Action owner"
    APPEAL_REVIEWER = "appeal_reviewer", "Appeal reviewer"


WORKING_ROLES = frozenset(Role.values) - {Role.MONITOR}
"""Roles that work on cases. A monitor sees statistics only, never a person's details."""
