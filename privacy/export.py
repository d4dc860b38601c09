"""What a subject access export contains, built from the confirmed matches, and its two
renderings (JSON and PDF). ``export_data`` reads the database; the renderers are pure.

Exemptions applied:

- Another person's data: the names, emails, phone numbers and postcodes of the other
  people known on each case (applicant, victim, complainants, perpetrators, the person
  who gave an impact statement, the victim's companion at a meeting, letter addressees)
  are replaced with "[another person]" in every text, and their own records are left out.
- Police information: a record a police force provided (an incident reported to the
  police, a police force's response) is included but flagged for the force's data
  protection officer to decide before disclosure.
"""

import datetime as dt
import json

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases.constants import EventKind, RiskSubject
from cases.models import Case, Incident, Person
from partnerships.constants import AgencyKind
from privacy import matching
from privacy.constants import POLICE_NOTE, REDACTED
from privacy.matching import OtherPerson
from privacy.models import SubjectAccessRequest
from privacy.selectors import Match, draft_people, person_roles, sar_criteria

SUBJECT_TIMELINE_KINDS = {EventKind.NOTE, EventKind.CONTACT_ATTEMPT, EventKind.RECTIFICATION}


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y %H:%M")
    return value.strftime("%-d %B %Y")


def _yes_no(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")


def _is_police(agency) -> bool:
    return agency is not None and agency.kind == AgencyKind.POLICE


def _incident_from_police(incident: Incident) -> bool:
    creator_agency = getattr(incident.created_by, "agency", None)
    return _is_police(incident.reported_to) or _is_police(creator_agency)


class _Subject:
    """Who the export is about: the confirmed people and the name searched on."""

    def __init__(self, *, person_ids: set[int], names: set[str], people: list[Person]):
        self.person_ids = person_ids
        self.names = {matching.normalise_name(n) for n in names if n}
        self.emails = {matching.normalise_email(p.email) for p in people if p.email}
        self.phones = {matching.normalise_phone(p.phone) for p in people if p.phone}
        self.postcodes = {matching.normalise_postcode(p.postcode) for p in people if p.postcode}

    def is_subject_name(self, name: str) -> bool:
        """Their own name, or part of it (redacting "Anna" would eat "Anna Kowalski")."""
        if matching.normalise_name(name) in self.names:
            return True
        return any(matching.mentions_name(own, name) for own in self.names)


class _Redactor:
    """Redacts every other known person on a case from the texts exported for it."""

    def __init__(self, subject: _Subject):
        self.subject = subject
        self._cache: dict[int, list[OtherPerson]] = {}

    def others(self, case: Case | None) -> list[OtherPerson]:
        if case is None:
            return []
        if case.pk not in self._cache:
            self._cache[case.pk] = self._others(case)
        return self._cache[case.pk]

    def _other(self, *, name="", email="", phone="", postcode="") -> OtherPerson | None:
        s = self.subject
        name = "" if not name or s.is_subject_name(name) else name
        email = "" if matching.normalise_email(email) in s.emails else email
        phone = "" if matching.normalise_phone(phone) in s.phones else phone
        postcode = "" if matching.normalise_postcode(postcode) in s.postcodes else postcode
        if not (name or email or phone or postcode):
            return None
        return OtherPerson(name=name, email=email, phone=phone, postcode=postcode)

    def _others(self, case: Case) -> list[OtherPerson]:
        people = {case.applicant, case.victim}
        people |= {
            i.complainant for i in case.incidents.select_related("complainant") if i.complainant
        }
        found = []
        for person in people:
            if person.pk in self.subject.person_ids:
                continue
            other = self._other(
                name=person.name,
                email=person.email,
                phone=person.phone,
                postcode=person.postcode,
            )
            if other:
                found.append(other)
            if person.organisation_contact:
                other = self._other(name=person.organisation_contact)
                if other:
                    found.append(other)
        names = [p.name for p in case.perpetrators.all()]
        names += list(case.impact_statements.values_list("given_by", flat=True))
        names += list(case.panel_listings.values_list("victim_attendee_name", flat=True))
        for name in names:
            other = self._other(name=name)
            if other:
                found.append(other)
        for name, email, phone in case.letters.values_list(
            "recipient_name", "recipient_email", "recipient_phone"
        ):
            other = self._other(name=name, email=email, phone=phone)
            if other:
                found.append(other)
        return found

    def text(self, case: Case | None, value: str) -> tuple[str, int]:
        return matching.redact(value or "", self.others(case))


class _Record:
    """One exported record: a title, the case, why it is included, and its fields."""

    def __init__(self, *, title: str, case: Case | None, because: str, redactor: _Redactor):
        self.title = title
        self.case = case
        self.because = because
        self.redactor = redactor
        self.fields: list[list[str]] = []
        self.redactions = 0
        self.police = False

    def add(self, label: str, value, *, free_text: bool = False) -> None:
        if value is None or value == "":
            return
        value = str(value)
        if free_text:
            value, n = self.redactor.text(self.case, value)
            self.redactions += n
        self.fields.append([label, value])

    def as_dict(self) -> dict:
        return {
            "record": self.title,
            "case": self.case.reference if self.case else "",
            "included_because": self.because,
            "fields": [{"label": label, "value": value} for label, value in self.fields],
            "other_people_redacted": self.redactions,
            "police_information": POLICE_NOTE if self.police else "",
        }


def _person_record(person: Person, because: str, redactor: _Redactor) -> _Record:
    r = _Record(title="Your details as recorded", case=None, because=because, redactor=redactor)
    r.add("Name", person.name)
    r.add("Recorded as", person.get_kind_display())
    r.add("Named contact", person.organisation_contact)
    r.add("Address", person.address)
    r.add("Postcode", person.postcode)
    r.add("Phone", person.phone)
    r.add("Email", person.email)
    r.add("Preferred contact", person.get_preferred_contact_display())
    r.add("Date of birth", _date(person.date_of_birth))
    r.add("Accessibility needs", person.accessibility_needs)
    r.add("Language", person.language)
    r.add("Health-related vulnerabilities", _yes_no(person.health_vulnerability))
    r.add("Vulnerability notes", person.vulnerability_notes)
    return r


def _case_records(case: Case, person: Person, role: str, redactor: _Redactor) -> list[_Record]:
    """The records of a case on which the person is the victim or the applicant."""
    because = f"{role} on case {case.reference}"
    records = []
    is_victim = case.victim_id == person.pk
    is_applicant = case.applicant_id == person.pk

    r = _Record(title="Application", case=case, because=because, redactor=redactor)
    r.add("Received", f"{_date(case.received_on)} ({case.get_channel_display().lower()})")
    r.add("Status", case.get_state_display())
    r.add("Your part", role)
    if case.applicant_type == "third_party":
        r.add("Victim", "You" if is_victim else REDACTED)
        r.add("Applicant", "You" if is_applicant else REDACTED)
        r.add("Relationship", case.get_relationship_display())
        r.add("Victim's consent", _yes_no(case.victim_consent))
    r.add("The problem", case.summary, free_text=True)
    r.add("Impact", case.impact, free_text=True)
    r.add("Wants to attend the meeting", _yes_no(case.wants_to_attend))
    r.add("Referred back because", case.referred_back_reason, free_text=True)
    r.add("Recommended course", case.recommended_course, free_text=True)
    r.add("Withdrawn because", case.withdrawn_reason, free_text=True)
    r.add("Closing summary", case.closing_summary, free_text=True)
    records.append(r)

    for incident in case.incidents.select_related(
        "reported_to", "created_by__agency", "complainant"
    ).filter(complainant=person):
        records.append(_incident_record(incident, because, redactor))

    if is_victim:
        for statement in case.impact_statements.all():
            r = _Record(title="Impact statement", case=case, because=because, redactor=redactor)
            r.add("Received", _date(statement.received_on))
            r.add("How", statement.get_source_display())
            r.add("Given by", statement.given_by, free_text=True)
            r.add("Statement", statement.text, free_text=True)
            records.append(r)
        for assessment in case.risk_assessments.filter(subject=RiskSubject.VICTIM):
            r = _Record(title="Risk assessment", case=case, because=because, redactor=redactor)
            r.add("Assessed", _date(assessment.assessed_on))
            r.add("Matrix", assessment.matrix)
            r.add("Level", assessment.get_level_display())
            r.add("Score", assessment.score)
            r.add("Notes", assessment.notes, free_text=True)
            records.append(r)
        for listing in case.panel_listings.select_related("meeting"):
            for consultation in listing.consultations.all():
                r = _Record(
                    title="Consultation on the draft action plan",
                    case=case,
                    because=because,
                    redactor=redactor,
                )
                r.add("When", _date(consultation.consulted_on))
                r.add("How", consultation.get_method_display())
                r.add("What you said", consultation.what_they_said, free_text=True)
                records.append(r)

    for involvement in case.involvements.select_related("agency").exclude(
        reports_held="", actions_taken=""
    ):
        r = _Record(
            title=f"Response from {involvement.agency.name}",
            case=case,
            because=because,
            redactor=redactor,
        )
        r.add("Received", _date(involvement.response_received_on))
        r.add("Reports held", involvement.reports_held, free_text=True)
        r.add("Actions taken", involvement.actions_taken, free_text=True)
        r.police = _is_police(involvement.agency)
        records.append(r)

    for decision in case.threshold_decisions.all():
        r = _Record(title="Threshold decision", case=case, because=because, redactor=redactor)
        r.add("Decided", _date(decision.at))
        r.add("Outcome", "Met" if decision.met else "Not met")
        r.add("Reasons", decision.reasons_text, free_text=True)
        records.append(r)

    if is_applicant:
        for appeal in case.appeals.all():
            r = _Record(title="Appeal", case=case, because=because, redactor=redactor)
            r.add("Lodged", _date(appeal.lodged_on))
            r.add("Against", appeal.get_against_display())
            r.add("Your words", appeal.applicant_words, free_text=True)
            r.add("Outcome", appeal.get_outcome_display())
            r.add("Outcome summary", appeal.outcome_summary, free_text=True)
            records.append(r)

    if is_applicant:
        from public.models import AppealRequest

        for request in AppealRequest.objects.filter(case=case):
            r = _Record(
                title="Appeal asked for on the tracking page",
                case=case,
                because=because,
                redactor=redactor,
            )
            r.add("When", _date(request.requested_at))
            r.add("Your words", request.details, free_text=True)
            records.append(r)

    events = case.timeline.filter(Q(kind__in=SUBJECT_TIMELINE_KINDS) | Q(visible_to_applicant=True))
    for event in events.order_by("at", "id"):
        r = _Record(title="Case history entry", case=case, because=because, redactor=redactor)
        r.add("When", _date(event.at))
        r.add("What", event.summary, free_text=True)
        r.add("Details", event.reason, free_text=True)
        if event.kind == EventKind.RECTIFICATION:
            for name, change in (event.detail.get("changes") or {}).items():
                r.add(f"{name}: before", change.get("before"), free_text=True)
                r.add(f"{name}: after", change.get("after"), free_text=True)
        records.append(r)
    return records


def _incident_record(incident: Incident, because: str, redactor: _Redactor) -> _Record:
    r = _Record(title="Incident report", case=incident.case, because=because, redactor=redactor)
    r.add("Happened", _date(incident.incident_date))
    r.add("Reported", _date(incident.reported_date))
    r.add("Reported to", incident.reported_to.name if incident.reported_to else "")
    r.add("Their reference", incident.agency_reference)
    r.add("Location", incident.location, free_text=True)
    r.add("What happened", incident.description, free_text=True)
    r.add("Hate-motivated", _yes_no(incident.hate_motivated) if incident.hate_motivated else "")
    r.police = _incident_from_police(incident)
    return r


def _mention_record(match: Match, redactor: _Redactor) -> list[_Record]:
    obj = match.obj
    because = f"{match.title}: {match.reasons_text}"
    case = getattr(obj, "case", None)
    if match.kind == "perpetrator" and set(match.reasons) == {"named in the description"}:
        # They are named in the description of someone else: only that text is theirs.
        r = _Record(
            title="Named in the description of the person responsible",
            case=case,
            because=because,
            redactor=redactor,
        )
        r.add("Description", obj.description, free_text=True)
        return [r]
    if match.kind == "perpetrator":
        r = _Record(
            title="Recorded as the person responsible",
            case=case,
            because=because,
            redactor=redactor,
        )
        r.add("Name", obj.name)
        r.add("Description", obj.description, free_text=True)
        r.add("Address", obj.address)
        r.add("Date of birth", _date(obj.date_of_birth))
        r.add("Under 18", "Yes" if obj.under_18 else "")
        records = [r]
        for assessment in case.risk_assessments.filter(subject=RiskSubject.PERPETRATOR):
            ra = _Record(title="Risk assessment", case=case, because=because, redactor=redactor)
            ra.add("Assessed", _date(assessment.assessed_on))
            ra.add("Level", assessment.get_level_display())
            ra.add("Notes", assessment.notes, free_text=True)
            records.append(ra)
        return records
    if match.kind == "impact_statement":
        r = _Record(
            title="Impact statement you gave", case=case, because=because, redactor=redactor
        )
        r.add("Received", _date(obj.received_on))
        r.add("Given by", obj.given_by)
        r.add("Statement", obj.text, free_text=True)
        return [r]
    if match.kind == "listing":
        r = _Record(title="Panel meeting minutes", case=case, because=because, redactor=redactor)
        r.add("Meeting", _date(obj.meeting.starts_at))
        r.add("Attended the victim's part", obj.victim_attendee_name, free_text=True)
        r.add("Apologies", obj.apologies, free_text=True)
        r.add("Summary", obj.summary, free_text=True)
        r.add("Decisions", obj.decisions, free_text=True)
        r.add("Recommendations", obj.recommendations, free_text=True)
        return [r]
    if match.kind == "incident":
        return [_incident_record(obj, because, redactor)]
    if match.kind == "draft":
        return [_draft_record(match, redactor)]
    if match.kind == "letter":
        r = _Record(title="Letter sent to you", case=case, because=because, redactor=redactor)
        r.add("Letter", obj.get_kind_display())
        r.add("Sent", _date(obj.sent_at))
        r.add("By", obj.get_channel_display())
        r.add("Addressed to", obj.recipient_name)
        r.add("Address", obj.recipient_address)
        r.add("Email", obj.recipient_email)
        r.add("Note of what was said", obj.note, free_text=True)
        r.add("A copy as sent", f"Held on the case (SHA-256 {obj.sha256[:16]}…)")
        return [r]
    return []


DRAFT_PAGES_OF = {"applicant": ("your-details", "contact"), "victim": ("victim-details",)}


def _flatten(value, prefix: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            words = str(key).replace("-", " ").replace("_", " ").capitalize()
            yield from _flatten(item, f"{prefix}: {words.lower()}" if prefix else words)
    elif isinstance(value, list):
        for i, item in enumerate(value, start=1):
            yield from _flatten(item, f"{prefix} {i}")
    elif value not in (None, "", [], {}):
        yield prefix, str(value)


def _draft_record(match: Match, redactor: _Redactor) -> _Record:
    """A draft's answers; the other person's own pages are left out and their details
    redacted wherever else they appear."""
    draft = match.obj
    side = match.key.rsplit(":", 1)[1]
    other_side = "victim" if side == "applicant" else "applicant"
    people = draft_people(draft.data)
    because = f"{match.title}: {match.reasons_text}"
    r = _Record(title=match.title, case=None, because=because, redactor=redactor)
    others = []
    if other_side in people:
        d = people[other_side]
        other = redactor._other(**d)
        if other:
            others.append(other)
    withheld = DRAFT_PAGES_OF[other_side] if other_side in people else ()
    r.add("Last changed", _date(draft.updated_at))
    r.add("Kept until", _date(draft.expires_at))
    for page, answers in draft.data.items():
        if page in withheld:
            r.fields.append([page.replace("-", " ").capitalize(), REDACTED])
            continue
        for label, value in _flatten({page: answers}):
            text, n = matching.redact(value, others)
            r.redactions += n
            r.fields.append([label, text])
    return r


def export_data(
    *, sar: SubjectAccessRequest, matches: list[Match], today: dt.date | None = None
) -> dict:
    """The export as plain data: the request, every confirmed record, the exemptions."""
    people = [m.obj for m in matches if m.kind == "person"]
    names = {sar.subject_name} | {p.name for p in people}
    subject = _Subject(person_ids={p.pk for p in people}, names=names, people=people)
    redactor = _Redactor(subject)
    records: list[_Record] = []
    # A victim's own case already carries its impact statements.
    victim_cases = set(
        Case.objects.filter(area=sar.area, victim__in=people).values_list("pk", flat=True)
    )
    for match in matches:
        if match.kind == "person":
            person = match.obj
            records.append(_person_record(person, f"Matched on: {match.reasons_text}", redactor))
            seen_cases = set()
            for role, case in person_roles(person, sar.area):
                if case is None or case.pk in seen_cases:
                    continue
                if case.applicant_id == person.pk or case.victim_id == person.pk:
                    seen_cases.add(case.pk)
                    records.extend(_case_records(case, person, role, redactor))
            for incident in (
                Incident.objects.filter(area=sar.area, complainant=person)
                .exclude(case_id__in=seen_cases)
                .select_related("reported_to", "created_by__agency", "case")
            ):
                records.append(
                    _incident_record(incident, "Complainant in an incident report", redactor)
                )
        else:
            covered = match.kind == "impact_statement" and match.obj.case_id in victim_cases
            if not covered:
                records.extend(_mention_record(match, redactor))
    criteria = sar_criteria(sar)
    return {
        "request": {
            "reference": sar.reference,
            "area": sar.area.name,
            "received_on": _date(sar.received_on),
            "due_on": _date(sar.due_on),
            "searched_on": {
                "name": sar.subject_name,
                "email": sar.subject_email,
                "phone": sar.subject_phone,
                "postcode": sar.subject_postcode,
            },
            "normalised_search": criteria.describe(),
        },
        "prepared_on": _date(today or timezone.localdate()),
        "exemptions": {
            "other_people": (
                "Other people's names and contact details are replaced with "
                f"“{REDACTED}” (UK GDPR Art. 15(4); DPA 2018 Sch. 2 para. 16)."
            ),
            "police_information": (
                "Records marked with the police note were provided by a police force. "
                f"{POLICE_NOTE}."
            ),
        },
        "records": [r.as_dict() for r in records],
        "police_records": sum(1 for r in records if r.police),
        "redactions": sum(r.redactions for r in records),
    }


def render_json(data: dict) -> bytes:
    """The export as UTF-8 JSON (pure)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def render_pdf(data: dict) -> bytes:
    """The export as one PDF, laid out like the letters (pure: plain data in, bytes out)."""
    from letters.rendering import html_to_pdf

    return html_to_pdf(render_to_string("privacy/export_pdf.html", {"export": data}))
