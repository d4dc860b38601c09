from django.db import models


class Frequency(models.TextChoices):
    """How a member of staff wants to hear that work has arrived."""

    IMMEDIATE = "immediate", "An email for each piece of work, straight away"
    DAILY = (
        "daily",
        (
            "One email a day listing the new work and the deadlines due soon, overdue or "
            "escalated (a daily digest)"
        ),
    )


class WorkKind(models.TextChoices):
    """What a work notification is about (the natural key's first part)."""

    NEW_APPLICATION = "new_application", "A new application in your area"
    INFORMATION_REQUESTED = "information_requested", "Your agency is asked for information"
    LISTED_FOR_PANEL = "listed_for_panel", "You are on a panel: a declaration to sign"
    REVIEWER_APPOINTED = "reviewer_appointed", "You are appointed to review an appeal"
    ACTION_ASSIGNED = "action_assigned", "An action is assigned to you"
    APPEAL_LODGED = "appeal_lodged", "An appeal is lodged on your case"
    DUE_SOON = "due_soon", "A deadline you answer for is due soon"
    OVERDUE = "overdue", "A deadline you answer for is overdue"
    ESCALATED = "escalated", "An overdue item has climbed to you"
