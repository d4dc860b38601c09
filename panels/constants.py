from django.db import models


class MeetingKind(models.TextChoices):
    STANDING = "standing", "Standing monthly meeting"
    AD_HOC = "ad_hoc", "Ad hoc meeting"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class ListingKind(models.TextChoices):
    REVIEW = "review", "Case review"
    FOLLOW_UP = "follow_up", "Follow-up review"


class ListingStatus(models.TextChoices):
    LISTED = "listed", "Listed"
    OPEN = "open", "Meeting open"
    ADJOURNED = "adjourned", "Adjourned"
    MINUTED = "minuted", "Minuted (draft plan)"
    FINAL = "final", "Action plan final"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Panel member"
    MINUTE_TAKER = "minute_taker", "Minute taker"
    ADVISER = "adviser", "Adviser (other agency)"


class Attendance(models.TextChoices):
    INVITED = "invited", "Invited"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"


class VictimAttendance(models.TextChoices):
    NOT_RECORDED = "", "Not recorded"
    VICTIM_IN_PERSON = "victim_in_person", "The victim attended in person"
    VICTIM_VIRTUAL = "victim_virtual", "The victim attended virtually"
    ADVOCATE = "advocate", "An advocate or representative attended"
    STATEMENT_ONLY = "statement_only", "Did not attend: sent an impact statement"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DELAYED = "delayed", "Delayed"
    REPORTED = "reported", "Completion reported (awaiting acceptance)"
    DONE = "done", "Done"
    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed"
    BUSINESS_AS_USUAL = "business_as_usual", "Handed to business as usual"


RESOLVED_ACTION_STATUSES = frozenset(
    {ActionStatus.DONE, ActionStatus.NO_LONGER_NEEDED, ActionStatus.BUSINESS_AS_USUAL}
)
"""An action in one of these no longer blocks closing the case and no longer escalates."""

OWNER_SETTABLE_STATUSES = (
    ActionStatus.IN_PROGRESS,
    ActionStatus.DELAYED,
    ActionStatus.REPORTED,
    ActionStatus.NO_LONGER_NEEDED,
)
"""What an action owner may report. Only the administering body marks an action done."""


class ConsultationMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    MEETING = "meeting", "In person"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    VIA_ADVOCATE = "via_advocate", "Through their advocate"
    NOT_REACHED = "not_reached", "Could not be reached after reasonable efforts"


class Vote(models.TextChoices):
    MET = "met", "Threshold met"
    NOT_MET = "not_met", "Threshold not met"
