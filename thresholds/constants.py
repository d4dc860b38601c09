from django.db import models


class View(models.TextChoices):
    """A relevant body's view on whether the threshold is met."""

    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    ABSTAIN = "abstain", "Abstain"


class DecidedBy(models.TextChoices):
    """How the final decision was reached."""

    RULE = "rule", "The procedure's decision rule applied to the bodies' views"
    SENIOR_MANAGER = "senior_manager", "A senior manager, to safeguard a vulnerable victim"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", "Waiting for the administering body"
    CASE_OPENED = "case_opened", "A case review was started"
    DISMISSED = "dismissed", "Dismissed with a reason"


DECISION_RULE_LABELS = {
    "any_one": "any one relevant body saying it is met is enough",
    "majority": "a majority of the core partners",
    "administering_body": "the administering body decides",
    "unanimous": "every relevant body must agree",
}


class DetectionJob(models.TextChoices):
    REVIEW_SUGGESTIONS = "review_suggestions", "Review suggestions"
    SECOND_REPORTS = "second_reports", "Second-report notices"
