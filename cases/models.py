"""The case review record, its people and incidents, the timeline and the access log.

The case's state is driven by django-fsm-2. Transition methods hold only conditions,
the permission and assignments to the case's own fields; ``cases.services`` runs them
(lock, permission check, transition, save, timeline, follow-up work after commit).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from asbcr.files import RandomUploadTo
from asbcr.models import AppendOnlyModel, AuditedModel, TimeStampedModel
from asbcr.templatetags.words import long_datetime
from cases.constants import (
    AccessKind,
    ApplicantType,
    CaseState,
    Channel,
    ContactMethod,
    EventKind,
    Exclusion,
    IncidentKind,
    IncidentSource,
    InvolvementRole,
    PartyKind,
    Relationship,
    RiskLevel,
    RiskSubject,
)

S = CaseState


def in_area(perm: str):
    """A transition permission held in the case's own area.

    django-fsm-2 would accept a permission string held in *any* area (it falls back to
    ``user.has_perm(perm)`` without the object), so transitions use this instead.
    """

    def check(case, user) -> bool:
        return user.has_perm(perm, case)

    check.__name__ = f"in_area({perm})"
    return check


MANAGE = in_area("cases.manage_case")
DECIDE = in_area("thresholds.decide_threshold")
APPEALS = in_area("appeals.manage_appeal")


def _decision_at_meeting(case) -> bool:
    """Merton: the threshold is decided by the core panel at the meeting."""
    return bool(case.procedure_version.section("decision").get("at_meeting"))


def _decision_before_meeting(case) -> bool:
    return not _decision_at_meeting(case)


def _has_reason(case) -> bool:
    return bool(case.pending_reason.strip())


def _has_referral(case) -> bool:
    return bool(case.referred_back_reason.strip() and case.recommended_course.strip())


def _has_incidents(case) -> bool:
    return case.pk is not None and case.incidents.exists()


def _no_open_blockers(case) -> bool:
    """Other apps (actions in panels) say whether the case may close; see cases.hooks."""
    from cases.hooks import close_blockers

    return not close_blockers(case)


class Person(TimeStampedModel):
    """A victim, applicant, complainant or perpetrator: a person, business or group."""

    kind = models.CharField(max_length=20, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(max_length=200)
    organisation_contact = models.CharField(
        max_length=200, blank=True, help_text="Named contact, for a business or group."
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.EMAIL
    )
    date_of_birth = models.DateField(null=True, blank=True)
    accessibility_needs = models.TextField(blank=True)
    language = models.CharField(max_length=50, blank=True, help_text="If not English.")
    health_vulnerability = models.BooleanField(
        default=False, help_text="Has health-related vulnerabilities (health must be involved)."
    )
    vulnerability_notes = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [
            # The statistics' repeat applications: people who share a name and postcode
            # (as the rule compares them, upper-cased), read in this order with nothing
            # else of the row (so the id, name and postcode are included), instead of sorting
            # every application by its victim's name.
            models.Index(
                Upper("name"),
                Upper("postcode"),
                name="cases_person_name_postcode",
                include=["id", "name", "postcode"],
                condition=~models.Q(postcode=""),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def normalised_postcode(self) -> str:
        return self.postcode.replace(" ", "").upper()


class Case(ConcurrentTransitionMixin, TimeStampedModel):
    """An application for an ASB case review, and the review that follows it."""

    reference = models.CharField(max_length=20, unique=True)
    area = models.ForeignKey("partnerships.Area", on_delete=models.PROTECT, related_name="cases")
    procedure_version = models.ForeignKey(
        "partnerships.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The version of the procedure the case was received under; never changes.",
    )
    state = FSMField(default=S.RECEIVED, choices=CaseState.choices, protected=True, db_index=True)
    lock_version = models.PositiveIntegerField(
        default=0, help_text="Optimistic lock for edits that are not transitions."
    )

    # Receipt
    channel = models.CharField(max_length=20, choices=Channel.choices)
    received_on = models.DateField(db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_by_agency = models.ForeignKey(
        "partnerships.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="For applications received via another relevant body.",
    )
    forwarding_agency_received_on = models.DateField(null=True, blank=True)
    forwarded_on = models.DateField(null=True, blank=True)

    # Who
    applicant_type = models.CharField(max_length=20, choices=ApplicantType.choices)
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases_as_victim")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    victim_consent = models.BooleanField(null=True, blank=True)
    consent_missing_reason = models.TextField(blank=True)

    # What
    summary = models.TextField(help_text="The applicant's account of the problem.")
    impact = models.TextField(blank=True)
    wants_to_attend = models.BooleanField(null=True, blank=True)
    wants_to_send_statement = models.BooleanField(null=True, blank=True)
    asb_persists = models.BooleanField(null=True, blank=True)

    # Handling
    case_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_risk_level = models.CharField(
        max_length=10, choices=RiskLevel.choices, blank=True, db_index=True
    )
    referred_back_reason = models.TextField(blank=True)
    recommended_course = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)
    closing_summary = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    pending_reason = models.TextField(
        blank=True, editable=False, help_text="Reason given for the transition in progress."
    )

    # Retention (audit.retention): a legal hold stops erasure; erased_on says it happened.
    legal_hold = models.BooleanField(default=False, editable=False)
    legal_hold_reason = models.TextField(blank=True, editable=False)
    legal_hold_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    legal_hold_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    erased_on = models.DateField(
        null=True, blank=True, editable=False, help_text="Personal data erased under retention."
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            # The work queues: an area's new applications (state received), and the
            # case steps that leave them out, without reading the area's other cases;
            # with the id, the visibility rule's "cases in my areas" (an area-wide
            # role) is read from the index alone.
            models.Index(fields=["area", "state", "id"], name="cases_case_area_state"),
            # The case list's default order (newest received first): its first pages
            # are read in this order, each case tested against the visibility rule,
            # instead of sorting every case the user may see.
            models.Index(
                models.F("received_on").desc(),
                models.F("id").desc(),
                name="cases_case_newest_first",
            ),
        ]
        permissions = [
            ("view_case_list", "Can list the cases they may see"),
            ("receive_case", "Can record an application"),
            ("manage_case", "Can run the case workflow"),
            ("respond_for_agency", "Can give an agency's response"),
            ("assess_risk", "Can record a risk assessment"),
            ("view_access_log", "Can read the access log"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        from cases.constants import OPEN_STATES

        return self.state in OPEN_STATES

    # -- transitions (conditions, permission and own fields only) -----------------

    @transition(field=state, source=S.RECEIVED, target=S.ACKNOWLEDGED, permission=MANAGE)
    def acknowledge(self):
        """Acknowledge receipt (CR1): Hertsmere 3 working days, Merton 2."""

    @transition(
        field=state,
        source=S.ACKNOWLEDGED,
        target=S.GATHERING_INFORMATION,
        permission=MANAGE,
        conditions=[_has_incidents],
    )
    def start_gathering(self):
        """Notify the relevant bodies and ask for their responses (CR5)."""

    @transition(
        field=state,
        source=[S.GATHERING_INFORMATION, S.REOPENED],
        target=S.THRESHOLD_MET,
        permission=DECIDE,
        conditions=[_decision_before_meeting],
    )
    def record_threshold_met(self):
        """The threshold decision is met (CR4 follows)."""

    @transition(
        field=state,
        source=[S.GATHERING_INFORMATION, S.REOPENED, S.PANEL_ARRANGED],
        target=S.THRESHOLD_NOT_MET,
        permission=DECIDE,
        conditions=[_has_reason],
    )
    def record_threshold_not_met(self):
        """The threshold is not met; the reasons go into the CR3 letter."""

    @transition(
        field=state,
        source=[S.RECEIVED, S.ACKNOWLEDGED, S.GATHERING_INFORMATION],
        target=S.REFERRED_BACK,
        permission=MANAGE,
        conditions=[_has_referral],
    )
    def refer_back(self):
        """Out of scope: referred back with a reason and a recommended course."""

    @transition(
        field=state,
        source=[
            S.RECEIVED,
            S.ACKNOWLEDGED,
            S.GATHERING_INFORMATION,
            S.THRESHOLD_MET,
            S.PANEL_ARRANGED,
            S.REOPENED,
        ],
        target=S.WITHDRAWN,
        permission=MANAGE,
        conditions=[_has_reason],
    )
    def withdraw(self):
        """Withdrawn by the applicant, or the victim cannot be reached after reasonable efforts."""
        self.withdrawn_reason = self.pending_reason

    @transition(
        field=state,
        source=[S.THRESHOLD_MET, S.REOPENED],
        target=S.PANEL_ARRANGED,
        permission=MANAGE,
    )
    def arrange_panel(self):
        """A panel meeting is arranged for the case."""

    @transition(
        field=state,
        source=S.GATHERING_INFORMATION,
        target=S.PANEL_ARRANGED,
        permission=MANAGE,
        conditions=[_decision_at_meeting],
    )
    def arrange_panel_for_decision(self):
        """Merton: the panel meets to vote on the threshold and review the case together."""

    @transition(field=state, source=S.PANEL_ARRANGED, target=S.REVIEWED, permission=MANAGE)
    def record_review(self):
        """The panel has reviewed the case and agreed an action plan."""

    @transition(field=state, source=S.REVIEWED, target=S.OUTCOME_SENT, permission=MANAGE)
    def send_outcome(self):
        """The applicant has been told the outcome and recommendations."""

    @transition(field=state, source=S.OUTCOME_SENT, target=S.MONITORING, permission=MANAGE)
    def start_monitoring(self):
        """The action plan's actions are being monitored."""

    @transition(
        field=state,
        source=[S.OUTCOME_SENT, S.MONITORING, S.THRESHOLD_NOT_MET, S.WITHDRAWN, S.REFERRED_BACK],
        target=S.CLOSED,
        permission=MANAGE,
        conditions=[_has_reason, _no_open_blockers],
    )
    def close(self):
        """Close the case with a closing summary, once every action is resolved."""
        self.closing_summary = self.pending_reason
        self.closed_on = timezone.localdate()

    @transition(
        field=state,
        source=[S.THRESHOLD_NOT_MET, S.OUTCOME_SENT, S.MONITORING, S.CLOSED],
        target=S.REOPENED,
        permission=APPEALS,
        conditions=[_has_reason],
    )
    def reopen_after_appeal(self):
        """An appeal referred the case back to the relevant bodies."""
        self.closed_on = None

    @transition(field=state, source=S.REOPENED, target=S.GATHERING_INFORMATION, permission=MANAGE)
    def reconsider_threshold(self):
        """After an appeal: gather information again and re-take the threshold decision."""


class CaseAgency(TimeStampedModel):
    """An agency involved in a case: the administering body or a relevant body/partner."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("partnerships.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=InvolvementRole.choices)
    direct_involvement = models.BooleanField(
        default=True, help_text="Had direct involvement in the case (bars its staff from chairing)."
    )
    notified_on = models.DateField(null=True, blank=True)
    response_received_on = models.DateField(null=True, blank=True)
    reports_held = models.TextField(blank=True, help_text="The reports this body holds.")
    actions_taken = models.TextField(blank=True)
    risk_known = models.TextField(
        blank=True, help_text="Any risk to the victim or others this body knows of."
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "agency"], name="one_involvement_per_agency")
        ]
        indexes = [
            # The visibility rule's "cases my agency is involved in": the case ids read
            # from the index alone, on every staff page (the list, its total, the work
            # count in the navigation).
            models.Index(fields=["agency", "case"], name="cases_caseagency_agency_case"),
        ]

    def __str__(self):
        return f"{self.agency} on {self.case}"


class CaseAccessGrant(TimeStampedModel):
    """A named person outside the involved agencies who may see the case (chair, reviewer)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="one_grant_per_user")]


class Perpetrator(TimeStampedModel):
    """A person the ASB is attributed to. Personal data: shown only inside the case's circle."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    name = models.CharField(max_length=200, blank=True, help_text="Leave blank if not known.")
    description = models.TextField(blank=True)
    address = models.TextField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    under_18 = models.BooleanField(default=False)

    def __str__(self):
        return self.name or "Unknown person"


class Incident(AuditedModel):
    """An ASB incident as reported: one row per report to one agency.

    The incident log holds incidents listed on applications, entered by staff, and
    imported from agencies' records; ``case`` is empty for those not (yet) on a case.
    The same incident reported to several agencies is linked with ``same_incident_as``.
    """

    area = models.ForeignKey(
        "partnerships.Area", on_delete=models.PROTECT, related_name="incidents"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="incidents"
    )
    source = models.CharField(max_length=20, choices=IncidentSource.choices)
    kind = models.CharField(
        max_length=20, choices=IncidentKind.choices, default=IncidentKind.REPORT
    )
    incident_date = models.DateField(db_index=True)
    reported_date = models.DateField(null=True, blank=True)
    reported_to = models.ForeignKey(
        "partnerships.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency_reference = models.CharField(max_length=100, blank=True)
    description = models.TextField()
    issue = models.CharField(max_length=200, blank=True, help_text="Short name of the problem.")
    location = models.CharField(
        max_length=300, blank=True, help_text="The address or place name, as given."
    )
    postcode = models.CharField(max_length=8, blank=True, help_text="As WD6 1AB.")
    building = models.CharField(
        max_length=200, blank=True, help_text="The building or block, if it is one."
    )
    uprn = models.CharField(
        "UPRN", max_length=12, blank=True, help_text="Unique Property Reference Number."
    )
    hate_motivated = models.BooleanField(default=False)
    complainant = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    complainant_key = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="Stable key identifying the complainant across agencies' records.",
    )
    same_incident_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicate_reports",
        help_text="An earlier report of the same incident (counts once).",
    )
    import_key = models.CharField(max_length=200, blank=True, null=True, unique=True)

    class Meta:
        ordering = ["incident_date", "id"]
        indexes = [
            # One victim's log in an area, and detection's per-area passes in victim order
            # (thresholds.detection): the grouped candidate query and the second-report
            # counts of earlier reports read every column they need from this index alone
            # (an index-only scan, in victim order), where through the heap each read pages
            # across the whole table, an area's incidents being spread over all of it.
            models.Index(
                fields=["area", "complainant_key", "incident_date"],
                include=["kind", "reported_date", "same_incident_as", "hate_motivated", "id"],
                name="cases_incident_victim_log",
            ),
            # Detection's "who in this area has an open case" (thresholds.detection): an
            # area's incidents are spread over the whole table, and few are on a case.
            models.Index(
                fields=["area", "case"],
                include=["complainant_key"],
                condition=models.Q(case__isnull=False),
                name="cases_incident_area_on_case",
            ),
            # Detection's rerun: what changed in the area since its last run.
            models.Index(fields=["area", "updated_at"], name="cases_incident_area_updated"),
            # Detection's "reports just made" (second reports): by the day reported.
            models.Index(
                models.F("area"),
                Coalesce("reported_date", "incident_date"),
                condition=models.Q(kind=IncidentKind.REPORT, same_incident_as__isnull=True),
                name="cases_incident_area_report_day",
            ),
        ]

    def __str__(self):
        return f"{self.incident_date}: {self.description[:40]}"


class ExclusionCheck(AuditedModel):
    """The recorded check of one exclusion on one application, with reasons."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exclusion_checks")
    exclusion = models.CharField(max_length=30, choices=Exclusion.choices)
    applies = models.BooleanField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]


class RiskAssessment(AuditedModel):
    """A scored risk assessment of the victim or perpetrator, on the area's matrix."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    subject = models.CharField(max_length=20, choices=RiskSubject.choices)
    matrix = models.CharField(max_length=100, help_text="The procedure's matrix used.")
    answers = models.JSONField(default=dict)
    score = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    assessed_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]


class TimelineEvent(AppendOnlyModel):
    """The append-only history of a case: every transition, note, contact, document, letter."""

    # No index of its own: ``cases_timeline_chain`` (case, id) leads with it and serves
    # every read by case, so a second index would only be written (the sweep appends
    # tens of thousands of entries a run).
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="timeline", db_index=False
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30, blank=True)
    summary = models.CharField(max_length=300)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    visible_to_applicant = models.BooleanField(
        default=False, help_text="Shown on the applicant's tracking page."
    )
    # Standing alone in court: the actor's agency at the time, the client's address,
    # and the hash chain (asbcr.audit_chain). Written once, in cases.services.timeline_record.
    actor_agency = models.ForeignKey(
        "partnerships.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    personal_hash = models.CharField(max_length=64, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The end of a case's hash chain (its last id): read before every append.
            # Without it PostgreSQL walks the primary key backwards from the newest row.
            models.Index(fields=["case", "id"], name="cases_timeline_chain"),
            # The cases that ever moved into a state (the statistics' outcome of each
            # application): read per state, it is a range of this index, where without
            # it each state is a scan of the whole timeline.
            models.Index(
                fields=["to_state", "case"],
                name="cases_timeline_reached",
                condition=models.Q(kind="transition"),
            ),
        ]

    def __str__(self):
        return f"{long_datetime(self.at)} {self.summary}"


class AccessLogEntry(AppendOnlyModel):
    """Who opened which case, letter or export, and who searched for what."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    area = models.ForeignKey(
        "partnerships.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )
    target = models.CharField(max_length=300, blank=True, help_text="Letter, export or page.")
    query = models.CharField(max_length=300, blank=True, help_text="What was searched for.")
    user_agency = models.ForeignKey(
        "partnerships.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    chain = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    personal_hash = models.CharField(max_length=64, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "access log entries"


class ImpactStatement(AuditedModel):
    """The victim's voice: a written statement, or a note of what they said."""

    class Source(models.TextChoices):
        WRITTEN_ONLINE = "written_online", "Written by the victim (tracking page)"
        WRITTEN_PAPER = "written_paper", "Written statement received by staff"
        NOTED_AT_MEETING = "noted_at_meeting", "Noted from what they said at the meeting"
        NOTED_BY_PHONE = "noted_by_phone", "Noted from a phone call"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="impact_statements")
    source = models.CharField(max_length=30, choices=Source.choices)
    given_by = models.CharField(
        max_length=200, blank=True, help_text="The victim, or their advocate's name."
    )
    text = models.TextField()
    attachment = models.FileField(upload_to=RandomUploadTo("impact-statements"), blank=True)
    attachment_name = models.CharField(
        max_length=200, blank=True, help_text="The file's name as the victim sent it."
    )
    attachment_content_type = models.CharField(
        max_length=100, blank=True, help_text="What the file is, found from its content."
    )
    received_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["received_on", "id"]


class EvidenceFile(models.Model):
    """A file staff attach to a case or one of its incidents: a photograph, a diary
    sheet, a letter from another body. Stored under a random name; opened only through
    the case's download view, which writes to the access log."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence_files")
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        help_text="The incident it is evidence of, if one.",
    )
    file = models.FileField(upload_to=RandomUploadTo("evidence"))
    original_name = models.CharField(max_length=200, help_text="The file's name when uploaded.")
    content_type = models.CharField(max_length=100, help_text="Found from the file's content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=500)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.original_name} ({self.description})"
