from django.db import models


class AppealAgainst(models.TextChoices):
    """What an appeal challenges (Schedule 4 para 1(2)(f): how an application was dealt with
    or how a review was carried out)."""

    THRESHOLD_NOT_MET = "threshold_not_met", "The decision that the threshold was not met"
    REVIEW_OUTCOME = "review_outcome", "The outcome of the case review"


class AppealStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    REFUSED_OUT_OF_TIME = "refused_out_of_time", "Refused: out of time"
    UNDER_REVIEW = "under_review", "Under review"
    DECIDED = "decided", "Decided"


OPEN_APPEAL_STATUSES = frozenset({AppealStatus.RECEIVED, AppealStatus.UNDER_REVIEW})


class AppealOutcome(models.TextChoices):
    """Staffordshire: uphold the decision, or uphold the appeal and refer back.
    Devon & Cornwall: the PCC refers back with recommendations (a), (b), (c)."""

    UPHOLD_DECISION = "uphold_decision", "Uphold the original decision"
    REFER_BACK = "refer_back", "Refer back to the relevant bodies with recommendations"


class RecommendationKind(models.TextChoices):
    """Devon & Cornwall OPCC pack, section 2.3, actions (a) to (c)."""

    THRESHOLD_MET = "threshold_met", "The application met the threshold: carry out a review"
    CONSIDER_PROCESS = "consider_process", "Consider a process, policy or protocol"
    CONSIDER_INFORMATION = "consider_information", "Consider further information"


class AuditAnswer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not shown by the record"
