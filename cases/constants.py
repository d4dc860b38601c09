from django.db import models


class CaseState(models.TextChoices):
    """The states of a case review (DESIGN.md section 4)."""

    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    GATHERING_INFORMATION = "gathering_information", "Gathering information"
    THRESHOLD_MET = "threshold_met", "Threshold met"
    THRESHOLD_NOT_MET = "threshold_not_met", "Threshold not met"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REFERRED_BACK = "referred_back", "Referred back (out of scope)"
    PANEL_ARRANGED = "panel_arranged", "Panel arranged"
    REVIEWED = "reviewed", "Reviewed"
    OUTCOME_SENT = "outcome_sent", "Outcome sent"
    MONITORING = "monitoring", "Monitoring actions"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened after appeal"


OPEN_STATES = frozenset(
    {
        CaseState.RECEIVED,
        CaseState.ACKNOWLEDGED,
        CaseState.GATHERING_INFORMATION,
        CaseState.THRESHOLD_MET,
        CaseState.PANEL_ARRANGED,
        CaseState.REVIEWED,
        CaseState.OUTCOME_SENT,
        CaseState.MONITORING,
        CaseState.REOPENED,
    }
)


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    OTHER_BODY = "other_body", "Via another relevant body"
    LIVE_CHAT = "live_chat", "Live chat"


class ApplicantType(models.TextChoices):
    VICTIM = "victim", "The victim"
    THIRD_PARTY = "third_party", "Someone on the victim's behalf"


class Relationship(models.TextChoices):
    FRIEND = "friend", "Friend"
    RELATIVE = "relative", "Relative"
    CARER = "carer", "Carer"
    COUNCILLOR = "councillor", "Councillor"
    MP = "mp", "MP"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


class PartyKind(models.TextChoices):
    PERSON = "person", "A person"
    BUSINESS = "business", "A business"
    COMMUNITY_GROUP = "community_group", "A community group"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post"
    PHONE = "phone", "Phone"


class IncidentKind(models.TextChoices):
    REPORT = "report", "Report to an agency"
    DIARY_SHEET = "diary_sheet", "Diary sheet"


class IncidentSource(models.TextChoices):
    APPLICATION = "application", "Listed on an application"
    STAFF = "staff", "Entered by staff"
    IMPORT = "import", "Imported from an agency's records"


class Exclusion(models.TextChoices):
    """Reasons an application is out of scope (DESIGN.md section 4, step 1)."""

    ANONYMOUS = "anonymous", "Anonymous applicant"
    CPS_OR_COURT = "cps_or_court", "Asks for a review of a CPS or court decision"
    SERVICE_COMPLAINT = "service_complaint", "Only a complaint about service provision"
    OFFICER_CONDUCT = "officer_conduct", "Only about one officer's conduct"
    MALICIOUS = "malicious", "Malicious or vexatious"
    REPEAT = "repeat", "Repeat application without material change"


class InvolvementRole(models.TextChoices):
    ADMINISTERING = "administering", "Administering body"
    RELEVANT_BODY = "relevant_body", "Relevant body"
    PARTNER = "partner", "Partner"


class RiskSubject(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Perpetrator"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_ORDER = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class EventKind(models.TextChoices):
    """What a timeline entry records."""

    RECEIVED = "received", "Application received"
    TRANSITION = "transition", "State changed"
    NOTE = "note", "Note"
    CONTACT_ATTEMPT = "contact_attempt", "Contact attempt"
    DOCUMENT = "document", "Document"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email sent"
    EXCLUSION = "exclusion", "Exclusion check"
    RISK = "risk", "Risk assessment"
    INCIDENT = "incident", "Incident recorded"
    AGENCY = "agency", "Agency involvement"
    DECISION = "decision", "Decision"
    DEADLINE = "deadline", "Deadline"
    PANEL = "panel", "Panel"
    ACTION = "action", "Action"
    APPEAL = "appeal", "Appeal"
    DETAILS = "details", "Details changed"
    RECTIFICATION = "rectification", "Personal details corrected"
    LEGAL_HOLD = "legal_hold", "Legal hold"
    ERASURE = "erasure", "Personal data erased"


class AccessKind(models.TextChoices):
    VIEW_CASE = "view_case", "Opened a case"
    VIEW_LETTER = "view_letter", "Opened a letter"
    VIEW_DOCUMENT = "view_document", "Opened a document"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Downloaded a file"
    SEARCH = "search", "Searched"


TRANSITION_SUMMARIES = {
    "acknowledge": "Application acknowledged",
    "start_gathering": "Relevant bodies asked for their information and views",
    "record_threshold_met": "Threshold met",
    "record_threshold_not_met": "Threshold not met",
    "refer_back": "Referred back as out of scope",
    "withdraw": "Application withdrawn",
    "arrange_panel": "Case review meeting arranged",
    "arrange_panel_for_decision": "Core panel arranged to decide the threshold and review the case",
    "record_review": "Case reviewed by the panel",
    "send_outcome": "Outcome sent to the applicant",
    "start_monitoring": "Monitoring the action plan",
    "close": "Case closed",
    "reopen_after_appeal": "Case reopened after an appeal",
    "reconsider_threshold": "Threshold to be decided again",
}
"""What the timeline (and the applicant's tracking page) says for each transition."""


# The case details staff can edit, as the timeline names them when they change.
DETAIL_LABELS = {
    "summary": "the problem",
    "impact": "impact",
    "wants_to_attend": "whether they want to attend",
    "wants_to_send_statement": "whether they want to send an impact statement",
    "asb_persists": "whether the ASB still persists",
}


RECTIFIABLE_FIELDS = {
    "name": "Name",
    "organisation_contact": "Named contact",
    "address": "Address",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
}
"""The fields of a person on a case that a rectification may correct, with their labels."""
