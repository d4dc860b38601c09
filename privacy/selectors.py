"""Reads for subject access: which requests a user may handle, and where a person's data
lives in one area. Every query here is restricted to the request's own area."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Replace, Upper
from django.http import Http404
from django.utils import timezone

from cases.models import Case, ImpactStatement, Incident, Perpetrator, Person
from letters.models import Letter
from panels.models import Listing
from partnerships.models import Area
from privacy import matching
from privacy.matching import Criteria
from privacy.models import SubjectAccessRequest
from public.models import DraftApplication

PERMISSION = "privacy.handle_subject_access"


def sar_areas(*, user) -> QuerySet[Area]:
    """The areas whose subject access requests this user handles (partnership admins)."""
    if user.is_superuser:
        return Area.objects.order_by("name")
    ids = [a for _, a in user.role_pairs if user.has_perm(PERMISSION, Area(pk=a))]
    return Area.objects.filter(pk__in=ids).order_by("name")


def sar_area_get(*, user, slug: str) -> Area:
    try:
        return sar_areas(user=user).get(slug=slug)
    except Area.DoesNotExist as exc:
        raise PermissionDenied("You do not handle subject access requests for that area.") from exc


def sar_list(*, user, area: Area) -> QuerySet[SubjectAccessRequest]:
    if not (user.is_superuser or user.has_perm(PERMISSION, area)):
        raise PermissionDenied
    return SubjectAccessRequest.objects.filter(area=area).select_related("area", "created_by")


def sar_get(*, user, pk: int) -> SubjectAccessRequest:
    """The request, if it belongs to an area the user handles (404 hides it otherwise)."""
    try:
        return (
            SubjectAccessRequest.objects.select_related("area")
            .filter(area__in=sar_areas(user=user))
            .get(pk=pk)
        )
    except SubjectAccessRequest.DoesNotExist as exc:
        raise Http404("No subject access request with that number that you can see.") from exc


def sar_criteria(sar: SubjectAccessRequest) -> Criteria:
    return Criteria.from_details(
        name=sar.subject_name,
        email=sar.subject_email,
        phone=sar.subject_phone,
        postcode=sar.subject_postcode,
    )


# -- where a person's data lives -------------------------------------------------


@dataclass
class Match:
    """One record that may be about the person, and why it matched."""

    key: str
    kind: str
    title: str
    case_reference: str
    shown: str
    reasons: list[str] = field(default_factory=list)
    strong: bool = False  # name, email or phone matched (not a postcode alone)
    obj: object = None

    @property
    def reasons_text(self) -> str:
        return ", ".join(self.reasons)


def _digits(expression: str):
    """The stored phone number with the usual separators taken out, in the database."""
    expr = F(expression)
    for ch in (" ", "-", "(", ")", "+", "."):
        expr = Replace(expr, Value(ch), Value(""), output_field=TextField())
    return expr


def _compact(expression: str):
    return Replace(Upper(expression), Value(" "), Value(""), output_field=TextField())


def _contact_reasons(
    c: Criteria, *, name="", email="", phone="", postcode="", address=""
) -> tuple[list[str], bool]:
    reasons, strong = [], False
    if c.name and matching.same_name(name, c.name):
        reasons.append("name matches")
        strong = True
    if c.email and email and matching.normalise_email(email) == c.email:
        reasons.append("email matches")
        strong = True
    if c.phone and matching.same_phone(phone, c.phone):
        reasons.append("phone number matches")
        strong = True
    if c.postcode and (
        matching.same_postcode(postcode, c.postcode) or matching.postcode_in(address, c.postcode)
    ):
        reasons.append("postcode matches")
    return reasons, strong


def _contact_prefilter(
    c: Criteria, *, name=None, email=None, phone=None, postcode=None, address=None
) -> Q:
    q = Q(pk__in=[])
    if c.name and name:
        q |= Q(**{f"{name}__icontains": c.longest_name_token})
    if c.email and email:
        q |= Q(**{f"{email}__iexact": c.email})
    if c.phone and phone:
        q |= Q(_phone_digits__endswith=c.phone[-9:])
    if c.postcode and postcode:
        q |= Q(_postcode_compact=c.postcode)
    if c.postcode and address:
        q |= Q(_address_compact__contains=c.postcode)
    return q


def _annotated(qs, *, phone=None, postcode=None, address=None):
    annotations = {}
    if phone:
        annotations["_phone_digits"] = _digits(phone)
    if postcode:
        annotations["_postcode_compact"] = _compact(postcode)
    if address:
        annotations["_address_compact"] = _compact(address)
    return qs.annotate(**annotations) if annotations else qs


DRAFT_SIDES = {"applicant": "applicant", "victim": "victim"}


def draft_people(data: dict) -> dict[str, dict]:
    """The applicant's and (for a third party) the victim's details in a draft's answers."""
    you = data.get("your-details") or {}
    contact = data.get("contact") or {}
    victim = data.get("victim-details") or {}
    people = {
        "applicant": {
            "name": str(you.get("name") or ""),
            "email": str(contact.get("email") or ""),
            "phone": str(contact.get("phone") or ""),
            "postcode": str(you.get("postcode") or ""),
        }
    }
    if victim:
        people["victim"] = {
            "name": str(victim.get("name") or ""),
            "email": "",
            "phone": "",
            "postcode": str(victim.get("postcode") or ""),
        }
    return people


def people_in_area(area: Area) -> QuerySet[Person]:
    """Everyone recorded as an applicant, victim or complainant on the area's records."""
    cases = Case.objects.filter(area=area)
    return Person.objects.filter(
        Q(pk__in=cases.values("applicant_id"))
        | Q(pk__in=cases.values("victim_id"))
        | Q(pk__in=Incident.objects.filter(area=area).values("complainant_id"))
    )


def person_roles(person: Person, area: Area) -> list[tuple[str, Case | None]]:
    """(role, case) for each place the person appears in the area's records."""
    roles: list[tuple[str, Case | None]] = []
    for case in Case.objects.filter(area=area).filter(Q(applicant=person) | Q(victim=person)):
        if case.victim_id == person.pk and case.applicant_id == person.pk:
            roles.append(("Victim and applicant", case))
        elif case.victim_id == person.pk:
            roles.append(("Victim", case))
        else:
            roles.append(("Applicant on the victim's behalf", case))
    on_cases = {c.pk for _, c in roles if c}
    for incident in (
        Incident.objects.filter(area=area, complainant=person)
        .exclude(case_id__in=on_cases)
        .select_related("case")
    ):
        roles.append(("Complainant in an incident report", incident.case))
    return roles


def sar_matches(*, area: Area, criteria: Criteria) -> list[Match]:
    """Every record in the area that matches the person's details, each with its reasons."""
    if criteria.is_empty():
        return []
    c = criteria
    matches: list[Match] = []

    # People recorded as applicant, victim or complainant.
    people = _annotated(people_in_area(area), phone="phone", postcode="postcode")
    people = people.filter(
        _contact_prefilter(c, name="name", email="email", phone="phone", postcode="postcode")
    )
    person_ids = set()
    for person in people.order_by("id"):
        reasons, strong = _contact_reasons(
            c, name=person.name, email=person.email, phone=person.phone, postcode=person.postcode
        )
        if not reasons:
            continue
        person_ids.add(person.pk)
        roles = person_roles(person, area)
        where = "; ".join(role if case else f"{role} (not on a case)" for role, case in roles)
        matches.append(
            Match(
                key=f"person:{person.pk}",
                kind="person",
                title=f"Person: {where or 'recorded'}",
                case_reference=", ".join(sorted({case.reference for _, case in roles if case})),
                shown=", ".join(
                    v for v in (person.name, person.email, person.phone, person.postcode) if v
                ),
                reasons=reasons,
                strong=strong,
                obj=person,
            )
        )

    # Perpetrators named or described on cases.
    perps = _annotated(
        Perpetrator.objects.filter(case__area=area).select_related("case"), address="address"
    ).filter(
        _contact_prefilter(c, name="name", address="address")
        | (Q(description__icontains=c.longest_name_token) if c.name else Q(pk__in=[]))
    )
    for perp in perps.order_by("id"):
        reasons, strong = _contact_reasons(c, name=perp.name, address=perp.address)
        if c.name and matching.mentions_name(perp.description, c.name):
            reasons.append("named in the description")
            strong = True
        if reasons:
            matches.append(
                Match(
                    key=f"perpetrator:{perp.pk}",
                    kind="perpetrator",
                    title="Perpetrator named on a case",
                    case_reference=perp.case.reference,
                    shown=perp.name or "Name not known",
                    reasons=reasons,
                    strong=strong,
                    obj=perp,
                )
            )

    if c.name:
        token = c.longest_name_token
        # Impact statements given by them (for example as the victim's advocate).
        for statement in (
            ImpactStatement.objects.filter(case__area=area, given_by__icontains=token)
            .select_related("case")
            .order_by("id")
        ):
            if matching.same_name(statement.given_by, c.name):
                matches.append(
                    Match(
                        key=f"impact_statement:{statement.pk}",
                        kind="impact_statement",
                        title="Impact statement given by them",
                        case_reference=statement.case.reference,
                        shown=f"Received {statement.received_on:%-d %B %Y}",
                        reasons=["given by: name matches"],
                        strong=True,
                        obj=statement,
                    )
                )
        # Panel minutes naming them, or recording them at the meeting.
        minutes = Q()
        for f in ("victim_attendee_name", "apologies", "summary", "decisions", "recommendations"):
            minutes |= Q(**{f"{f}__icontains": token})
        for listing in (
            Listing.objects.filter(case__area=area)
            .filter(minutes)
            .select_related("case", "meeting")
            .order_by("id")
        ):
            reasons = []
            if matching.same_name(listing.victim_attendee_name, c.name):
                reasons.append("attended the meeting: name matches")
            for f, label in (
                ("apologies", "apologies"),
                ("summary", "minutes"),
                ("decisions", "decisions"),
                ("recommendations", "recommendations"),
            ):
                if matching.mentions_name(getattr(listing, f), c.name):
                    reasons.append(f"named in the {label}")
            if reasons:
                matches.append(
                    Match(
                        key=f"listing:{listing.pk}",
                        kind="listing",
                        title="Panel meeting minutes",
                        case_reference=listing.case.reference,
                        shown=f"Meeting of {listing.meeting.starts_at:%-d %B %Y}",
                        reasons=reasons,
                        strong=True,
                        obj=listing,
                    )
                )
        # Incident reports naming them (not their own complaints: those come with them).
        for incident in (
            Incident.objects.filter(area=area, description__icontains=token)
            .exclude(complainant_id__in=person_ids)
            .select_related("case")
            .order_by("id")
        ):
            if matching.mentions_name(incident.description, c.name):
                matches.append(
                    Match(
                        key=f"incident:{incident.pk}",
                        kind="incident",
                        title="Named in an incident report",
                        case_reference=incident.case.reference if incident.case else "",
                        shown=f"Incident of {incident.incident_date:%-d %B %Y}",
                        reasons=["named in the description"],
                        strong=True,
                        obj=incident,
                    )
                )

    # Online applications in progress (or sent, until the draft expires).
    for draft in (
        DraftApplication.objects.filter(area=area, expires_at__gt=timezone.now())
        .only("id", "data", "updated_at", "submitted_at", "expires_at")
        .order_by("id")
    ):
        for side, details in draft_people(draft.data).items():
            reasons, strong = _contact_reasons(c, **details)
            if reasons:
                matches.append(
                    Match(
                        key=f"draft:{draft.pk}:{side}",
                        kind="draft",
                        title=(
                            "Online application, sent (answers kept until the draft expires)"
                            if draft.submitted_at
                            else "Online application, not sent yet"
                        ),
                        case_reference="",
                        shown=f"{details['name'] or 'No name yet'}, last changed "
                        f"{timezone.localtime(draft.updated_at):%-d %B %Y}",
                        reasons=[f"as the {DRAFT_SIDES[side]}: {r}" for r in reasons],
                        strong=strong,
                        obj=draft,
                    )
                )

    # Letters addressed to them.
    letters = _annotated(
        Letter.objects.filter(case__area=area).select_related("case"),
        phone="recipient_phone",
        address="recipient_address",
    ).filter(
        _contact_prefilter(
            c,
            name="recipient_name",
            email="recipient_email",
            phone="recipient_phone",
            address="recipient_address",
        )
    )
    for letter in letters.order_by("sent_at", "id"):
        reasons, strong = _contact_reasons(
            c,
            name=letter.recipient_name,
            email=letter.recipient_email,
            phone=letter.recipient_phone,
            address=letter.recipient_address,
        )
        if reasons:
            matches.append(
                Match(
                    key=f"letter:{letter.pk}",
                    kind="letter",
                    title=f"Letter addressed to them: {letter.get_kind_display()}",
                    case_reference=letter.case.reference,
                    shown=f"{letter.recipient_name}, sent {letter.sent_at:%-d %B %Y}",
                    reasons=[f"addressee: {r}" for r in reasons],
                    strong=strong,
                    obj=letter,
                )
            )
    return matches
