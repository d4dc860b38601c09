"""Staff pages for letters: preview, send, download, the print queue, the chair's pack,
and the area admin's letter settings and wording (previewed on sample data)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from asbcr.forms import submitted
from asbcr.pagination import page_of
from cases.selectors import case_get
from letters import context as letter_context
from letters import language as letter_language
from letters import selectors, services
from letters.constants import LetterKind
from letters.forms import AreaLetterSettingsForm, LetterWordingForm, SendLetterForm
from letters.models import AreaLetterSettings, LetterWording
from letters.wording import PLACEHOLDERS, STARTING_WORDING
from partnerships.models import Area


def _pdf(data: bytes, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _kind(kind: str) -> LetterKind:
    try:
        return LetterKind(kind)
    except ValueError as exc:
        raise Http404("No such letter.") from exc


def _agency(case, value):
    if not value:
        return None
    bodies = {str(b.pk): b for b in letter_context.relevant_bodies(case)}
    if str(value) not in bodies:
        raise Http404("That body is not involved in this case.")
    return bodies[str(value)]


def _send_form(request, case, kind):
    return SendLetterForm(
        request.POST or None,
        kind=kind,
        bodies=letter_context.relevant_bodies(case),
        timescales=case.procedure_version.section("timescales"),
        languages=letter_language.languages_for(area=case.area, kind=kind),
        initial={
            "channel": _preferred_channel(case, kind),
            "version": services.letters_sent_version(case, kind),
            "language": letter_language.default_language(case=case, kind=kind),
        },
    )


def _preferred_channel(case, kind):
    if kind == LetterKind.CR5:
        return "email"
    person = case.victim if kind == LetterKind.CR4 else case.applicant
    return person.preferred_contact


@login_required
def letter_preview_view(request, reference, kind):
    """The letter as it would be sent now, rendered on the fly (nothing is kept)."""
    case = case_get(user=request.user, reference=reference)
    kind = _kind(kind)
    if not selectors.can_send(request.user, case):
        raise PermissionDenied
    extra = {}
    for key in ("timescale", "reason", "new_date", "appeal_reasons"):
        if value := submitted(request.GET, key):
            extra[key] = value
    if submitted(request.GET, "appeal_upheld") in ("yes", "no"):
        extra["appeal_upheld"] = request.GET["appeal_upheld"] == "yes"
    agency = _agency(case, submitted(request.GET, "agency"))
    if kind == LetterKind.CR5 and agency is None:
        bodies = letter_context.relevant_bodies(case)
        agency = bodies[0] if bodies else None
    try:
        pdf = services.letter_preview(
            case=case,
            kind=kind,
            user=request.user,
            agency=agency,
            extra_context=extra,
            language=submitted(request.GET, "language") or None,
        )
    except services.LetterError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", reference=case.reference)
    return _pdf(pdf, f"{case.reference}-{kind.value}-preview.pdf", inline=True)


@login_required
def letter_send_view(request, reference, kind):
    case = case_get(user=request.user, reference=reference)
    kind = _kind(kind)
    if not selectors.can_send(request.user, case):
        raise PermissionDenied
    form = _send_form(request, case, kind)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_send(
                case=case,
                kind=kind,
                by=request.user,
                channel=form.cleaned_data["channel"],
                agency=_agency(case, form.cleaned_data.get("agency")),
                extra_context=form.extra_context(),
                note=form.cleaned_data.get("note", ""),
                version=form.cleaned_data.get("version"),
                language=form.cleaned_data.get("language"),
            )
        except services.LetterError as exc:
            form.add_error(None, exc.message)
            if getattr(exc, "version", None) is not None:
                form.show_version(exc.version)
        else:
            messages.success(
                request,
                f"{letter.get_kind_display()} letter sent by {letter.get_channel_display()}.",
            )
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "letters/send.html",
        {
            "case": case,
            "kind": kind,
            "form": form,
            "offered": kind in selectors.letters_offered(case),
            "title": f"Send the {kind.label} letter",
        },
    )


@login_required
def letter_download_view(request, pk):
    letter = selectors.letter_get(user=request.user, pk=pk)
    pdf = services.letter_open(letter=letter, user=request.user)
    return _pdf(pdf, letter.filename, inline=request.GET.get("inline") == "1")


@login_required
def chairs_pack_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if not selectors.can_open_chairs_pack(request.user, case):
        raise PermissionDenied
    pdf = services.chairs_pack_open(case=case, user=request.user)
    return _pdf(pdf, f"{case.reference}-chairs-pack.pdf", inline=False)


@login_required
def print_queue_view(request):
    return render(
        request,
        "letters/print_queue.html",
        {
            "jobs": page_of(request, selectors.print_queue(user=request.user)),
            "title": "Letters to print and post",
        },
    )


@login_required
@require_POST
def mark_printed_view(request, pk):
    letter = selectors.letter_get(user=request.user, pk=pk)
    services.letter_mark_printed(letter=letter, by=request.user)
    messages.success(request, f"Marked as posted: {letter}.")
    return redirect("letters:print_queue")


# -- the area admin's settings -----------------------------------------------------


def _admin_area(request, slug) -> Area:
    area = get_object_or_404(Area, slug=slug)
    if not (request.user.is_superuser or request.user.has_perm("letters.manage_templates", area)):
        raise PermissionDenied
    return area


@login_required
def area_settings_view(request, slug):
    area = _admin_area(request, slug)
    current = AreaLetterSettings.objects.filter(area=area).first()
    form = AreaLetterSettingsForm(
        request.POST or None,
        request.FILES or None,
        initial=AreaLetterSettingsForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "logo"}
        if "preview" in request.POST:
            draft = AreaLetterSettings(area=area, **values)
            if form.cleaned_data.get("logo"):
                draft.logo = form.cleaned_data["logo"]
            elif current is not None:
                draft.logo = current.logo
            pdf = services.rendering.render_pdf(
                "letters/cr4.html",
                services_sample(area, LetterKind.CR4, draft),
            )
            return _pdf(pdf, f"{area.slug}-sample.pdf", inline=True)
        try:
            services.letter_settings_save(
                area=area, by=request.user, values=values, logo=form.cleaned_data.get("logo")
            )
        except ValidationError as exc:  # a letterhead that breaks the layout is refused
            form.add_error(None, exc)
        else:
            messages.success(request, "Letter settings saved.")
            return redirect("letters:area_settings", slug=area.slug)
    wordings = {w.kind: w for w in LetterWording.objects.filter(area=area)}
    return render(
        request,
        "letters/area_settings.html",
        {
            "area": area,
            "form": form,
            "kinds": [(k, wordings.get(k)) for k in LetterKind],
            "title": f"Letters for {area.name}",
        },
    )


def services_sample(area, kind, settings):
    from letters.sample import sample_context

    return sample_context(area=area, kind=kind, settings=settings)


@login_required
def wording_view(request, slug, kind):
    """Edit an area's wording for one letter; preview it with example values. Wording with
    a placeholder the letter cannot use, or any template code, is refused at the field and
    nothing is saved."""
    area = _admin_area(request, slug)
    kind = _kind(kind)
    current = LetterWording.objects.filter(area=area, kind=kind).first()
    form = LetterWordingForm(
        request.POST or None, initial={"body": current.body if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        try:
            if "preview" in request.POST:
                if not body.strip():
                    pdf = services.rendering.render_pdf(
                        f"letters/{kind.value.lower()}.html", services_sample(area, kind, None)
                    )
                else:
                    pdf = services.wording_preview(area=area, kind=kind, body=body)
                return _pdf(pdf, f"{area.slug}-{kind.value}-sample.pdf", inline=True)
            services.letter_wording_save(area=area, kind=kind, body=body, by=request.user)
        except services.LetterWordingError as exc:
            for problem in exc.problems:
                form.add_error("body", problem)
        else:
            messages.success(request, f"Wording for the {kind.label} letter saved.")
            return redirect("letters:area_settings", slug=area.slug)
    return render(
        request,
        "letters/wording.html",
        {
            "area": area,
            "kind": kind,
            "form": form,
            "placeholders": [
                {
                    "token": f"(({name}))",
                    "meaning": info.meaning,
                    "example": info.example
                    if isinstance(info.example, str)
                    else "; ".join(info.example),
                }
                for name, info in PLACEHOLDERS[kind].items()
            ],
            "starting_wording": STARTING_WORDING[kind],
            "conversion_report": current.conversion_report.splitlines() if current else [],
            "title": f"{kind.label} wording for {area.name}",
        },
    )
