"""Writes for letters: render, store, send on the right channel, and record it.

A letter is rendered from the case (``letters.context``), stored with its SHA-256 as an
immutable ``Letter``, emailed as an attachment or queued for printing, and written on the
case's timeline; a letter that ends a deadline meets it (``deadlines.services``).
"""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from pypdf import PdfReader

from asbcr.concurrency import GENERIC_MESSAGE, ConflictError, conflict_message, lock
from asbcr.queue import enqueue, task
from cases.constants import AccessKind, EventKind
from cases.models import Case, TimelineEvent
from cases.selectors import user_can_see_case
from cases.services import access_log_record, case_transition, timeline_record
from letters import context as letter_context
from letters import language as letter_language
from letters import placeholders, rendering, wording
from letters.constants import (
    CHAIRS_PACK_TEMPLATE,
    DEADLINE_EVENTS,
    LETTER_TRANSITIONS,
    TEMPLATES,
    LetterChannel,
    LetterKind,
    reader_name,
)
from letters.language import LetterLanguage
from letters.models import AreaLetterSettings, Letter, LetterWording, PrintJob

SEND_PERMISSION = "letters.send_letter"
MANAGE_TEMPLATES_PERMISSION = "letters.manage_templates"

logger = logging.getLogger(__name__)


class LetterError(Exception):
    """A letter that cannot be produced or sent, with a message fit to show the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LetterWordingError(LetterError):
    """An area's wording that cannot be saved: each problem in plain English."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class LetterConflict(LetterError, ConflictError):
    """The same letter was sent a moment ago (a double click, or two officers at once)."""


# The template an area's own wording goes into: the standard letterhead, address,
# sign-off and footer, with the wording (already escaped HTML) as the body.
AREA_WORDING_TEMPLATE = "letters/area_wording.html"

WORDING_MAX_LENGTH = 20_000


def wording_check(*, kind: str, body: str) -> None:
    """Refuse wording with a placeholder this letter cannot use, or any template code."""
    problems = placeholders.problems(body, wording.allowed_names(kind))
    if len(body) > WORDING_MAX_LENGTH:
        problems.insert(0, f"The wording must be {WORDING_MAX_LENGTH:,} characters or fewer.")
    if problems:
        raise LetterWordingError(problems)


def wording_html(*, body: str, context: dict, values: dict) -> str:
    """An area's wording filled in with ``values`` inside the standard letterhead. The
    wording is never a template: placeholders are filled from the flat ``values``."""
    context = {**context, "wording_html": placeholders.render_html(body, values)}
    return render_to_string(AREA_WORDING_TEMPLATE, context)


def wording_pdf(*, body: str, context: dict, values: dict) -> bytes:
    return rendering.html_to_pdf(wording_html(body=body, context=context, values=values))


def letter_html(
    *, case: Case, kind: str, context: dict, language: str = LetterLanguage.ENGLISH
) -> tuple[str, str]:
    """The letter as HTML, before it becomes a PDF, and which wording it used ("standard"
    or "area"). The readability test measures this. In Welsh the standard Welsh letter is
    used (an area's own wording is English), rendered with Welsh dates; build ``context``
    with Welsh active too, so the words it carries are Welsh."""
    if language == LetterLanguage.WELSH:
        with translation.override("cy"):
            return render_to_string(letter_language.welsh_template(kind), context), "standard"
    area_wording = LetterWording.objects.filter(area=case.area, kind=kind).first()
    if area_wording is None:
        with translation.override("en"):
            return render_to_string(TEMPLATES[LetterKind(kind)], context), "standard"
    values = wording.values_for(kind, context)
    return wording_html(body=area_wording.body, context=context, values=values), "area"


def letter_render(
    *,
    case: Case,
    kind: str,
    agency=None,
    extra_context: dict | None = None,
    language: str | None = None,
) -> tuple[bytes, dict]:
    """The PDF of a letter as it would be sent now, and the context it came from, in the
    language asked for (``letters.language``: English, Welsh, or both, Welsh first)."""
    if kind == LetterKind.CR5 and agency is None:
        raise LetterError("Choose the relevant body the agency response form is for.")
    try:
        language = letter_language.choose(case=case, kind=kind, language=language)
    except ValueError as exc:
        raise LetterError(str(exc)) from exc

    def build(lang):
        with translation.override(lang):
            return letter_context.letter_context(
                case=case, kind=kind, agency=agency, extra=extra_context
            )

    try:
        if language == LetterLanguage.ENGLISH:
            context = build("en")
            html, used = letter_html(case=case, kind=kind, context=context)
        else:
            welsh, _ = letter_html(
                case=case, kind=kind, context=build("cy"), language=LetterLanguage.WELSH
            )
            context = build("en")
            if language == LetterLanguage.WELSH:
                html, used = welsh, "standard"
            else:
                english, used = letter_html(case=case, kind=kind, context=context)
                html = letter_language.join_bilingual(welsh, english)
    except ImportError as exc:
        raise LetterError(
            f"This letter needs the {exc.name} part of the service, which is not installed."
        ) from exc
    context["wording"] = used
    context["language"] = str(language)
    return rendering.html_to_pdf(html), context


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def page_count(data: bytes) -> int:
    from io import BytesIO

    return len(PdfReader(BytesIO(data)).pages)


# -- sending ---------------------------------------------------------------------


def _channel_for(recipient: dict, requested: str | None, note: str = "") -> str:
    """The requested channel, else the recipient's preferred one, else whatever we can use.

    Chosen automatically (another app sends the letter), a phone preference without a
    note of the call becomes post, and email without an address becomes post."""
    if requested:
        if requested == LetterChannel.EMAIL and not recipient["email"]:
            raise LetterError("There is no email address for this person: send it by post.")
        if requested == LetterChannel.POST and not recipient["address"].strip():
            raise LetterError("There is no postal address for this person: send it by email.")
        return requested
    preferred = recipient.get("preferred") or LetterChannel.EMAIL
    if preferred == LetterChannel.PHONE and not note.strip():
        preferred = LetterChannel.POST if recipient["address"].strip() else LetterChannel.EMAIL
    if preferred == LetterChannel.EMAIL and not recipient["email"]:
        preferred = LetterChannel.POST
    return preferred


def _record_deadline_event(case: Case, kind: str, by) -> None:
    """Record the deadline events this letter is the evidence for, if the deadlines app is
    there and knows them."""
    events = DEADLINE_EVENTS.get(LetterKind(kind), ())
    if not events:
        return
    try:
        from deadlines.rules import EVENTS
        from deadlines.services import record_event
    except ImportError:
        return
    for event in events:
        if event in EVENTS:
            record_event(case=case, event=event, by=by)


def _complete_step(case: Case, kind: str, by) -> Case:
    """Move the case on when this letter is what its current step was waiting for (the
    CR1 acknowledges, the outcome letter records the outcome sent): one action, not two."""
    waiting = LETTER_TRANSITIONS.get(LetterKind(kind))
    if waiting is None or case.state != waiting[0]:
        return case
    if not (by.is_superuser or by.has_perm("cases.manage_case", case)):
        return case
    return case_transition(case=case, name=waiting[1], by=by, expected_state=waiting[0])


def letters_sent_version(case: Case, kind: str) -> int:
    """How many letters of this kind the case has had: the send form's version."""
    return Letter.objects.filter(case=case, kind=kind).count()


def letter_send(
    *,
    case: Case,
    kind: str,
    by,
    channel: str | None = None,
    extra_context: dict | None = None,
    agency=None,
    note: str = "",
    version: int | None = None,
    language: str | None = None,
) -> Letter:
    """Render a letter, keep it, send it on the recipient's preferred channel (email
    attachment, print queue for post, or a phone note), and put it on the timeline.

    ``version`` is ``letters_sent_version`` as the send page showed it: if the same
    letter has been sent since (a double click, or another officer), it is not sent again.
    A deliberate resend from a freshly loaded page is a new letter."""
    if not (by.is_superuser or by.has_perm(SEND_PERMISSION, case)):
        raise PermissionDenied("You cannot send letters on this case.")
    if not by.is_superuser and not user_can_see_case(by, case):
        raise PermissionDenied("You cannot see this case.")
    kind = LetterKind(kind)
    if kind not in letter_context.letters_for_case(case):
        raise LetterError(
            f"A {kind.label} letter does not fit a case that is ‘{case.get_state_display()}’."
        )
    if kind == LetterKind.OFFICER and case.case_officer_id is None:
        raise LetterError("Allocate a case officer before sending their details.")
    if kind == LetterKind.CR5 and agency is not None:
        if agency not in letter_context.relevant_bodies(case):
            raise LetterError(f"{agency} is not a relevant body on this case.")
    pdf, context = letter_render(
        case=case, kind=kind, agency=agency, extra_context=extra_context, language=language
    )
    recipient = context["recipient"]
    channel = _channel_for(recipient, channel, note)
    if channel == LetterChannel.PHONE and not note.strip():
        raise LetterError("Write a note of what you told them on the phone.")
    digest = sha256_of(pdf)
    with transaction.atomic():
        # Two sends of the same letter at once: the second waits here, then finds the first.
        lock(case)
        if version is not None and letters_sent_version(case, kind) != version:
            same = (
                Letter.objects.filter(case=case, kind=kind)
                .select_related("sent_by")
                .order_by("-sent_at", "-id")
                .first()
            )
            error = LetterConflict(
                GENERIC_MESSAGE
                if same is None
                else conflict_message(
                    what=f"sent this letter to {same.recipient_name}",
                    at=same.sent_at,
                    actor=same.sent_by,
                    by=by,
                    kept_input=False,
                )
            )
            error.version = letters_sent_version(case, kind)  # a knowing resend then works
            raise error
        letter = Letter(
            case=case,
            kind=kind,
            recipient_name=recipient["name"][:200],
            recipient_address=recipient["address"],
            recipient_email=recipient["email"] or "",
            recipient_phone=(recipient["phone"] or "")[:50],
            agency=agency,
            channel=channel,
            sent_at=timezone.now(),
            sent_by=by,
            sha256=digest,
            pages=page_count(pdf),
            wording=context["wording"],
            note=note,
            context_summary=_summary(context, extra_context),
        )
        letter.pdf.save(f"{case.reference}-{kind.value}.pdf", ContentFile(pdf), save=False)
        letter.save()
        if channel == LetterChannel.POST:
            if _notify_posts_letters():
                transaction.on_commit(lambda: letter_enqueue(letter.pk))
            else:
                PrintJob.objects.create(letter=letter)
        timeline_record(
            case=case,
            kind=EventKind.LETTER,
            summary=f"{reader_name(kind)} sent to {recipient['name']} by "
            f"{LetterChannel(channel).label.lower()}",
            by=by,
            reason=note,
            detail={"letter": letter.pk, "kind": kind.value, "channel": channel, "sha256": digest},
            visible_to_applicant=kind != LetterKind.CR5,
        )
        case = _complete_step(lock(case), kind, by)
        _record_deadline_event(case, kind, by)
        if channel == LetterChannel.EMAIL:
            transaction.on_commit(lambda: enqueue("letters.tasks.deliver_letter_email", letter.pk))
    return letter


def _notify_posts_letters() -> bool:
    """GOV.UK Notify posts letters instead of the print queue (``notify.services``)."""
    try:
        from notify.services import posts_letters
    except ImportError:
        return False
    return posts_letters()


# -- posting through GOV.UK Notify ------------------------------------------------


def letter_to_print_queue(*, letter, problems: list[str]) -> None:
    """Notify cannot post this letter: put it in the print queue, and say why on the
    case timeline, so the officer posts it by hand."""
    with transaction.atomic():
        _, created = PrintJob.objects.get_or_create(letter=letter)
        if not created:
            return
        timeline_record(
            case=letter.case,
            kind=EventKind.LETTER,
            summary=f"{letter.reader_name} could not go through GOV.UK Notify and is in "
            "the print queue to post by hand",
            reason=" ".join(problems),
            detail={"letter": letter.pk, "notify_problems": problems},
        )


def letter_enqueue(letter_id: int) -> None:
    """Hand a letter to the posting task; with the broker down, to the print queue."""
    try:
        task("letters.tasks.post_letter").apply_async((letter_id,), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure must not lose the letter
        logger.warning("Could not enqueue letter %s for Notify (%s).", letter_id, exc)
        letter_to_print_queue(
            letter=Letter.objects.select_related("case").get(pk=letter_id),
            problems=["The task queue was not reachable."],
        )


def _summary(context: dict, extra: dict | None) -> dict:
    """What the letter said that is not in the PDF's text already easy to query."""
    summary = {"wording": context.get("wording", "standard")}
    if context.get("language", "en") != "en":
        summary["language"] = context["language"]
    for key, value in (extra or {}).items():
        summary[key] = str(value)
    return summary


def letter_email_deliver(*, letter: Letter) -> None:
    """Email the stored PDF to the recipient as an attachment, once per letter: the
    timeline entry written after sending is the record that it went."""
    if letter.channel != LetterChannel.EMAIL or not letter.recipient_email:
        return
    already = TimelineEvent.objects.filter(
        case=letter.case, kind=EventKind.EMAIL, detail__letter=letter.pk
    )
    if already.exists():
        return
    message = EmailMessage(
        subject=f"{letter.reader_name}: ASB case review {letter.case.reference}",
        body=_cr5_email_body(letter)
        if letter.kind == LetterKind.CR5
        else (
            f"Dear {letter.recipient_name},\n\n"
            f"Please find attached a letter about your anti-social behaviour case review "
            f"(reference {letter.case.reference}).\n\n"
            "If you cannot open the attachment, reply to this email and we will post it.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.recipient_email],
    )
    with letter.pdf.open("rb") as handle:
        message.attach(letter.filename, handle.read(), "application/pdf")
    message.send()
    timeline_record(
        case=letter.case,
        kind=EventKind.EMAIL,
        summary=f"{letter.reader_name} emailed to {letter.recipient_name}",
        detail={"letter": letter.pk, "to": letter.recipient_email},
    )


def _cr5_email_body(letter: Letter) -> str:
    """The CR5 form goes to an agency's SPOC: it asks for the agency's response, in the
    system when someone there answers for the agency, else on the form sent back."""
    from django.urls import reverse

    from partnerships.selectors import spocs_of

    case, agency = letter.case, letter.agency
    name = agency.name if agency else "your agency"
    text = (
        f"Dear {letter.recipient_name},\n\n"
        f"A resident has asked for an anti-social behaviour case review (reference "
        f"{case.reference}, {case.area.name}). The attached form asks what {name} knows: "
        "the reports it holds, with their dates and references, what it has done, its view "
        "on whether the threshold for a review is met, and any risk it knows of.\n\n"
    )
    if agency is not None and spocs_of(agency=agency, area=case.area):
        link = settings.SITE_URL.rstrip("/") + reverse("work:respond", args=[case.reference])
        return text + (
            "Please give the response in the system, where the case officer and the "
            f"threshold decision see it: {link}\n"
        )
    return text + "Please fill in the attached form and reply to this email with it.\n"


def letter_mark_printed(*, letter: Letter, by) -> PrintJob:
    """The officer has printed and posted a letter from the print queue."""
    if not (by.is_superuser or by.has_perm(SEND_PERMISSION, letter.case)):
        raise PermissionDenied("You cannot manage this print queue.")
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().get(letter=letter)
        if job.printed_at is None:
            job.printed_at = timezone.now()
            job.printed_by = by
            job.save(update_fields=["printed_at", "printed_by", "updated_at"])
            timeline_record(
                case=letter.case,
                kind=EventKind.LETTER,
                summary=f"{letter.reader_name} printed and posted",
                by=by,
                detail={"letter": letter.pk},
            )
    return job


def letter_open(*, letter: Letter, user) -> bytes:
    """The stored PDF, for a user who may see the case; every opening is logged."""
    if not user_can_see_case(user, letter.case):
        raise PermissionDenied("You cannot see this case.")
    access_log_record(
        user=user,
        kind=AccessKind.VIEW_LETTER,
        case=letter.case,
        target=f"{letter.get_kind_display()} letter #{letter.pk}",
    )
    with letter.pdf.open("rb") as handle:
        return handle.read()


def letter_preview(
    *,
    case: Case,
    kind: str,
    user,
    agency=None,
    extra_context: dict | None = None,
    language: str | None = None,
) -> bytes:
    """A letter as it would be sent now, not kept; the viewing is logged."""
    if not user_can_see_case(user, case):
        raise PermissionDenied("You cannot see this case.")
    pdf, _ = letter_render(
        case=case, kind=kind, agency=agency, extra_context=extra_context, language=language
    )
    access_log_record(
        user=user, kind=AccessKind.VIEW_LETTER, case=case, target=f"Preview of {kind} letter"
    )
    return pdf


# -- the chair's pack ------------------------------------------------------------


def chairs_pack_render(*, case: Case) -> bytes:
    """The chair's pack as one PDF (pure apart from reading the case)."""
    return rendering.render_pdf(CHAIRS_PACK_TEMPLATE, letter_context.chairs_pack_context(case=case))


def chairs_pack_open(*, case: Case, user) -> bytes:
    """The chair's pack for someone who may see the case; every download is logged."""
    from panels.selectors import can_see_chairs_pack, chairs_pack_refusal

    if not can_see_chairs_pack(user, case):
        raise chairs_pack_refusal(user, case)
    pdf = chairs_pack_render(case=case)
    access_log_record(user=user, kind=AccessKind.VIEW_DOCUMENT, case=case, target="Chair's pack")
    return pdf


# -- the area's wording and branding ---------------------------------------------


def _check_admin(user, area) -> None:
    if not (user.is_superuser or user.has_perm(MANAGE_TEMPLATES_PERMISSION, area)):
        raise PermissionDenied("Only the area's admin can change its letters.")


def wording_preview(*, area, kind: str, body: str, settings=None) -> bytes:
    """The wording on the area's letterhead with the example value of every placeholder;
    raises LetterWordingError with the problems."""
    from letters.sample import sample_context

    wording_check(kind=kind, body=body)
    context = sample_context(area=area, kind=kind, settings=settings)
    return wording_pdf(body=body, context=context, values=wording.demo_values(kind))


def letter_wording_save(*, area, kind: str, body: str, by) -> LetterWording | None:
    """Save an area's own wording for a letter, only if it uses placeholders this letter
    has and no template code. Empty wording goes back to the standard letter."""
    _check_admin(by, area)
    kind = LetterKind(kind)
    if not body.strip():
        LetterWording.objects.filter(area=area, kind=kind).delete()
        return None
    wording_preview(area=area, kind=kind, body=body)
    saved, _ = LetterWording.objects.update_or_create(
        area=area,
        kind=kind,
        defaults={"body": body, "updated_by": by, "conversion_report": ""},
    )
    return saved


SETTINGS_NOT_RENDERED = (
    "These settings could not be used in a letter: a sample letter could not be made "
    "with them. Check the logo is a PNG, JPEG or SVG image that opens, then save again."
)


def letter_settings_save(*, area, by, values: dict, logo=None) -> AreaLetterSettings:
    """Save an area's letterhead, sender, support services and appeal route, after
    checking a sample letter still renders with them (``ValidationError`` in plain words
    if it does not)."""
    from letters.sample import sample_context

    _check_admin(by, area)
    current = AreaLetterSettings.objects.filter(area=area).first() or AreaLetterSettings(area=area)
    for key, value in values.items():
        setattr(current, key, value)
    if logo is not None:
        current.logo = logo
    try:
        rendering.render_pdf(
            TEMPLATES[LetterKind.CR4],
            sample_context(area=area, kind=LetterKind.CR4, settings=current),
        )
    except Exception as exc:  # the renderer's own words name files and code: logged only
        logger.exception("sample letter not rendered with %s's letter settings", area.slug)
        raise ValidationError(SETTINGS_NOT_RENDERED) from exc
    current.updated_by = by
    current.save()
    return current
