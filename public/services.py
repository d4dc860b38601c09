"""Writes for the public pages: drafts, submission, tracking links, and what the applicant
does on the tracking page. Every write is bounded (rate, size, count) so that a flood of
requests cannot fill the database."""

import datetime as dt
import hashlib
import hmac
import inspect
import json
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asbcr.concurrency import DOUBLE_SUBMIT_WINDOW, ConflictError, lock
from asbcr.templatetags.words import long_date
from cases import services as case_services
from cases.constants import ApplicantType, Channel, EventKind, PartyKind
from cases.models import Case
from partnerships.models import Agency
from public.models import AppealRequest, DraftApplication, TrackingLink, new_token, token_hash
from public.selectors import appeal_window

logger = logging.getLogger(__name__)

DRAFT_LIFETIME = dt.timedelta(days=30)


def _setting(name: str, default):
    return getattr(settings, name, default)


class TooManyDrafts(Exception):
    """Refused: this address, or the service as a whole, has started too many applications."""


def ip_hash(ip: str) -> str:
    """A keyed hash of the client address: enough to rate-limit, useless to identify anyone."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def draft_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete drafts past their expiry, and the answers of sent ones (data minimisation)."""
    now = now or timezone.now()
    deleted, _detail = DraftApplication.objects.filter(expires_at__lte=now).delete()
    return deleted


def _check_draft_size(data: dict) -> None:
    """Refuse answers that would make a draft larger than PUBLIC_MAX_DRAFT_BYTES."""
    if len(json.dumps(data, default=str)) > _setting("PUBLIC_MAX_DRAFT_BYTES", 200_000):
        raise ValidationError(_("Your application is too long. Shorten some of your answers."))


def _drafts_up_to(limit: int) -> int:
    """How many drafts the table holds, counted no further than ``limit``: the check on
    every start reads at most that many index entries, however many a flood has left."""
    return DraftApplication.objects.order_by().values("pk")[:limit].count()


def draft_start(*, area, ip: str, data: dict | None = None) -> tuple[DraftApplication, str]:
    """Start a draft for an area, holding ``data`` (the answer that started it). At most
    PUBLIC_DRAFTS_PER_IP_PER_HOUR per address and PUBLIC_MAX_LIVE_DRAFTS in all, so a
    flood cannot fill the database.

    Expired drafts are deleted by the daily ``purge_expired_drafts`` task, and here only
    when the service is full, so that drafts nobody can open any more never keep it full;
    a start does not pay for a purge otherwise."""
    now = timezone.now()
    hashed = ip_hash(ip)
    recent = DraftApplication.objects.filter(
        ip_hash=hashed, created_at__gte=now - dt.timedelta(hours=1)
    ).count()
    if recent >= _setting("PUBLIC_DRAFTS_PER_IP_PER_HOUR", 10):
        raise TooManyDrafts("per address")
    most = _setting("PUBLIC_MAX_LIVE_DRAFTS", 5000)
    if _drafts_up_to(most) >= most:
        draft_purge_expired(now=now)
        if _drafts_up_to(most) >= most:
            raise TooManyDrafts("service")
    data = data or {}
    _check_draft_size(data)
    token = new_token()
    draft = DraftApplication.objects.create(
        resume_token_hash=token_hash(token),
        area=area,
        ip_hash=hashed,
        data=data,
        created_at=now,
        updated_at=now,
        expires_at=now + DRAFT_LIFETIME,
    )
    return draft, token


def draft_change_area(*, draft: DraftApplication, area) -> DraftApplication:
    """The applicant went back and chose another area; incidents' agencies no longer apply."""
    if area.pk != draft.area_id:
        draft.area = area
        for incident in draft.data.get("incidents", []):
            incident["reported_to"] = ""
        draft.save(update_fields=["area", "data"])
    return draft


def draft_save(*, draft: DraftApplication, key: str, value) -> DraftApplication:
    """Store the answers to one page. Refuses a draft larger than PUBLIC_MAX_DRAFT_BYTES."""
    data = dict(draft.data)
    data[key] = value
    _check_draft_size(data)
    draft.data = data
    draft.updated_at = timezone.now()
    draft.expires_at = draft.updated_at + DRAFT_LIFETIME
    draft.save(update_fields=["data", "updated_at", "expires_at"])
    return draft


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    def send():
        try:
            send_mail(
                subject,
                render_to_string(template, context),
                settings.DEFAULT_FROM_EMAIL,
                [to],
            )
        except Exception:  # a mail outage must never undo an application
            logger.exception("public email not sent")

    transaction.on_commit(send)


def draft_send_resume_link(*, draft: DraftApplication, token: str, email: str) -> None:
    """Email the applicant a link to come back to their draft."""
    if draft.resume_token_hash != token_hash(token):
        raise ValidationError("The token does not open this draft.")
    link = _site_url(reverse("public:resume", args=[token]))
    _send(
        to=email,
        subject=_("Your ASB case review application: continue later"),
        template="public/email/resume.txt",
        context={"link": link, "expires_at": draft.expires_at, "area": draft.area},
    )


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _language_chosen() -> str:
    """An application sent from the Welsh pages asks for Welsh: the letters in an area in
    Wales then default to Welsh (letters.language)."""
    return "Cymraeg (Welsh)" if (get_language() or "").startswith("cy") else ""


def application_input(*, draft: DraftApplication) -> case_services.ApplicationInput:
    """Turn a complete draft into the same ApplicationInput staff-entered applications use."""
    data = draft.data
    who = data["who"]["applicant_type"]
    kind = data["victim-type"]["kind"]
    contact = data["contact"]
    needs = data.get("needs", {})
    you = data["your-details"]
    applicant = case_services.PersonInput(
        name=you["name"],
        kind=kind if who == ApplicantType.VICTIM else PartyKind.PERSON,
        organisation_contact=you.get("organisation_contact", "") if who == "victim" else "",
        address=you["address"],
        postcode=you["postcode"],
        phone=contact.get("phone", ""),
        email=contact.get("email", ""),
        preferred_contact=contact["preferred_contact"],
        accessibility_needs=needs.get("accessibility_needs", ""),
        language=needs.get("language", "") or _language_chosen(),
    )
    victim = None
    relationship, consent, consent_reason = "", None, ""
    if who == ApplicantType.THIRD_PARTY:
        v = data["victim-details"]
        victim = case_services.PersonInput(
            name=v["name"],
            kind=kind,
            organisation_contact=v.get("organisation_contact", ""),
            address=v["address"],
            postcode=v["postcode"],
            preferred_contact="post",
        )
        relationship = data["relationship"]["relationship"]
        consent = data["consent"]["victim_consent"] == "yes"
        consent_reason = data["consent"].get("consent_missing_reason", "")
    agencies = {a.slug: a for a in Agency.objects.filter(areas=draft.area)}
    incidents = [
        case_services.IncidentInput(
            incident_date=_date(i["incident_date"]),
            reported_date=_date(i.get("reported_date")),
            reported_to=agencies.get(i.get("reported_to") or ""),
            agency_reference=i.get("agency_reference", ""),
            description=i["description"],
            location=i.get("location", ""),
            postcode=i.get("postcode", ""),
        )
        for i in data.get("incidents", [])
    ]
    involvement = data["involvement"]["involvement"]
    return case_services.ApplicationInput(
        channel=Channel.ONLINE,
        received_on=timezone.localdate(),
        applicant_type=who,
        applicant=applicant,
        victim=victim,
        relationship=relationship,
        victim_consent=consent,
        consent_missing_reason=consent_reason,
        summary=data["problem"]["summary"],
        impact=data["impact"]["impact"],
        incidents=incidents,
        wants_to_attend="attend" in involvement,
        wants_to_send_statement="statement" in involvement,
    )


def _issue_link(*, case: Case, by=None) -> str:
    now = timezone.now()
    TrackingLink.objects.filter(case=case, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=by if getattr(by, "is_authenticated", False) else None
    )
    token = new_token()
    TrackingLink.objects.create(
        case=case,
        token_hash=token_hash(token),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    return token


def tracking_url(token: str) -> str:
    return _site_url(reverse("public:track", args=[token]))


def draft_submit(*, draft: DraftApplication) -> tuple[Case, str]:
    """Send a complete draft: the case enters the same workflow as a staff-entered one
    (channel online, acknowledgement clock started by ``case_receive``), a tracking link is
    issued and the applicant is emailed the reference and the link."""
    with transaction.atomic():
        locked = DraftApplication.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_live:
            raise ValidationError(_("This application has already been sent."))
        data = application_input(draft=locked)
        case = case_services.case_receive(by=None, area=locked.area, data=data)
        token = _issue_link(case=case)
        locked.submitted_at = timezone.now()
        locked.case = case
        locked.data = {}  # the answers now live on the case; keep no second copy
        locked.save(update_fields=["submitted_at", "case", "data"])
        if data.applicant.email:
            _send(
                to=data.applicant.email,
                subject=_("ASB case review application %(ref)s") % {"ref": case.reference},
                template="public/email/submitted.txt",
                context={"case": case, "link": tracking_url(token), "area": case.area},
            )
    return case, token


# -- tracking ------------------------------------------------------------------


def tracking_link_issue(*, case: Case, by) -> str:
    """Revoke any live tracking link and issue a new one, emailed to the applicant if they
    gave an email address. Returns the new token (shown once to the officer)."""
    with transaction.atomic():
        lock(case)  # two issues at once leave exactly one live link
        token = _issue_link(case=case, by=by)
        case_services.timeline_record(
            case=case,
            kind=EventKind.NOTE,
            summary="New tracking link issued to the applicant; the old one no longer works",
            by=by,
        )
        email = case.applicant.email
        if email:
            with translation.override(settings.LANGUAGE_CODE):
                _send(
                    to=email,
                    subject=_("A new link to follow your ASB case review %(ref)s")
                    % {"ref": case.reference},
                    template="public/email/new_link.txt",
                    context={"case": case, "link": tracking_url(token)},
                )
    return token


def tracking_link_revoke(*, case: Case, by) -> int:
    """Stop every live tracking link for the case working (for example, if it was shared)."""
    with transaction.atomic():
        lock(case)  # against an issue at the same moment: revoked means no live link
        count = TrackingLink.objects.filter(case=case, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        if count:
            case_services.timeline_record(
                case=case,
                kind=EventKind.NOTE,
                summary="Applicant's tracking link revoked",
                by=by,
            )
    return count


def tracking_link_used(*, link: TrackingLink) -> None:
    TrackingLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())


CONTACT_FIELDS = ("preferred_contact", "email", "phone", "address", "postcode")


def applicant_contact_update(*, case: Case, changes: dict) -> list[str]:
    """The applicant changes their own contact details from the tracking page: a recorded
    correction, with the values before and after on the timeline (UK GDPR Art. 16)."""
    from cases.people import person_changes_record

    person = case.applicant
    changed = [f for f in CONTACT_FIELDS if f in changes and getattr(person, f) != changes[f]]
    if not changed:
        return []
    with transaction.atomic():
        locked = lock(person)
        if any(getattr(locked, f) != getattr(person, f) for f in CONTACT_FIELDS):
            raise ConflictError(
                _(
                    "Your contact details were changed a moment ago, perhaps in another "
                    "window. Check them below and save again if they are still not right."
                )
            )
        person_changes_record(
            person=person,
            by=None,
            changes={f: changes[f] for f in changed},
            reason="Changed by the applicant on their tracking page.",
            summary="The applicant updated their contact details",
            visible_to_applicant=True,
        )
    return changed


def applicant_impact_statement_add(*, case: Case, text: str, attachment=None):
    """The applicant sends an impact statement from the tracking page."""
    if not case.is_open:
        raise ValidationError(_("This case is closed, so it cannot take a statement now."))
    if case.impact_statements.filter(source="written_online").count() >= _setting(
        "PUBLIC_MAX_STATEMENTS_PER_CASE", 20
    ):
        raise ValidationError(_("You have sent the most statements we can take online."))
    with transaction.atomic():
        lock(case)  # a double click sends one statement
        same = case.impact_statements.filter(
            source="written_online",
            text=text.strip(),
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        if text.strip() and attachment is None and same.exists():
            raise ConflictError(_("We already have this statement: you sent it a moment ago."))
        return _statement_add(case=case, text=text, attachment=attachment)


def _statement_add(*, case: Case, text: str, attachment=None):
    return case_services.impact_statement_add(
        case=case,
        by=None,
        source="written_online",
        text=text,
        given_by=case.applicant.name,
        attachment=attachment,
    )


def _appeal_lodge_service():
    try:
        from appeals import services as appeal_services
    except ImportError:
        return None
    return getattr(appeal_services, "appeal_lodge", None)


def _call_appeal_lodge(fn, *, case: Case, window: dict, grounds: list[str], details: str):
    """Call appeals.services.appeal_lodge with the arguments it declares."""
    offered = {
        "case": case,
        "by": None,
        "grounds": grounds,
        "applicant_words": details,
        "details": details,
        "channel": Channel.ONLINE,
        "lodged_on": timezone.localdate(),
        "against": window["against"],
        "decision_on": window["decided_on"],
    }
    params = inspect.signature(fn).parameters
    missing = [
        n
        for n, p in params.items()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        and n not in offered
    ]
    if missing:
        logger.warning("appeal_lodge needs %s; the request is kept in public only", missing)
        return None
    return fn(**{n: v for n, v in offered.items() if n in params})


def appeal_request(*, case: Case, grounds: list[str], details: str) -> AppealRequest:
    """The applicant asks for an appeal on the procedure's grounds, within its window.

    Lodged with ``appeals.services.appeal_lodge`` when that exists; always kept as an
    ``AppealRequest`` and on the timeline so the request is never lost."""
    window = appeal_window(case=case)
    if window is None:
        raise ValidationError(_("You cannot ask for an appeal at this stage."))
    if not window["open"]:
        raise ValidationError(
            _("The time to ask for an appeal ended on %(date)s. Contact us if you still want to.")
            % {"date": window["ends_on"].strftime("%d/%m/%Y")}
        )
    known = {key for key, _label in window["grounds"]}
    if not grounds or not set(grounds) <= known:
        raise ValidationError(_("Select at least one reason for your appeal"))
    if AppealRequest.objects.filter(
        case=case, requested_at__date__gte=window["decided_on"]
    ).exists():
        raise ValidationError(_("You have already asked for an appeal against this decision."))
    with transaction.atomic():
        lock(case)  # a double click asks once: the second finds the first request
        if AppealRequest.objects.filter(
            case=case, requested_at__date__gte=window["decided_on"]
        ).exists():
            raise ConflictError(_("You have already asked for an appeal against this decision."))
        request = AppealRequest.objects.create(case=case, grounds=grounds, details=details)
        lodge = _appeal_lodge_service()
        appeal = None
        if lodge is not None:
            try:
                appeal = _call_appeal_lodge(
                    lodge, case=case, window=window, grounds=grounds, details=details
                )
            except case_services.CaseWorkflowError as exc:
                # Nothing is kept: the applicant sees why and can contact the officer.
                raise ValidationError(exc.reasons or [exc.message])
        if appeal is not None and getattr(appeal, "pk", None):
            request.lodged_appeal_id = appeal.pk
            request.save(update_fields=["lodged_appeal_id"])
        else:
            case_services.timeline_record(
                case=case,
                kind=EventKind.APPEAL,
                summary="The applicant asked for an appeal (online)",
                reason=details,
                detail={"grounds": grounds, "appeal_request_id": request.pk},
                visible_to_applicant=True,
            )
    return request


def letter_download_record(*, case: Case, letter) -> None:
    """The applicant opened a letter from the tracking page (on the timeline, staff only)."""
    case_services.timeline_record(
        case=case,
        kind=EventKind.LETTER,
        summary=(
            f"The applicant downloaded the {letter.get_kind_display().lower()} letter of "
            f"{long_date(letter.sent_at)} from the tracking page"
        ),
        detail={"letter_id": letter.pk},
    )
