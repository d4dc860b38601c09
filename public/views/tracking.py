"""The applicant's tracking page: where the case is, their statement, contact details, an appeal, letters."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from asbcr.forms import attach_errors
from public import forms as f
from public import selectors, services
from public.views.common import _limited, _private, _refuse, _render_form


def _tracked(view):
    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        found = selectors.tracking_case(token=token)
        if found is None:
            return render(request, "public/track/invalid.html", status=404)
        link, case = found
        services.tracking_link_used(link=link)
        return view(request, token, case, *args, **kwargs)

    return _private(never_cache(wrapped))


@_tracked
def track(request, token, case):
    return render(
        request, "public/track/case.html", {**selectors.tracking_summary(case=case), "token": token}
    )


def _applicant_form(request, form, token, write, done: str, *, template, **ctx):
    """A tracking-page form sent by the applicant: rate-limited, validated, written by
    ``write(cleaned_data)``; success goes to the tracking page with ``done``, and a
    refusal back to the form, at its fields (``attach_errors``), with what was typed."""
    if request.method == "POST":
        if _limited(request, "public-post"):
            _refuse(form)
        elif form.is_valid():
            try:
                write(form.cleaned_data)
            except ValidationError as exc:  # for example, changed in another window meanwhile
                attach_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("public:track", token)
    return _render_form(
        request,
        None,
        form=form,
        title=form.title,
        back=reverse("public:track", args=[token]),
        template=template,
        **ctx,
    )


@_tracked
def track_statement(request, token, case):
    form = f.ImpactStatementForm(request.POST or None, request.FILES or None)
    return _applicant_form(
        request,
        form,
        token,
        lambda d: services.applicant_impact_statement_add(
            case=case, text=d["text"], attachment=d["attachment"]
        ),
        _("Your statement has been sent. Thank you."),
        template="public/track/form.html",
        multipart=True,
    )


@_tracked
def track_contact(request, token, case):
    person = case.applicant
    initial = {n: getattr(person, n) for n in services.CONTACT_FIELDS}
    form = f.ContactUpdateForm(request.POST or None, initial=initial)
    return _applicant_form(
        request,
        form,
        token,
        lambda d: services.applicant_contact_update(
            case=case, changes={n: d.get(n, "") for n in services.CONTACT_FIELDS}
        ),
        _("Your contact details have been updated."),
        template="public/track/form.html",
    )


@_tracked
def track_appeal(request, token, case):
    summary = selectors.tracking_summary(case=case)
    window = summary["appeal"]
    if window is None:
        return redirect("public:track", token)
    if request.method == "GET" and not window["can_ask"]:
        # Not offered now (too late, or already asked for): say so before anything is
        # typed, not after. A form sent anyway is refused by the service, with the reason.
        if window["requested"]:
            messages.info(request, _("You have already asked for an appeal against this decision."))
        return redirect("public:track", token)
    form = f.AppealForm(request.POST or None, grounds=window["grounds"])
    return _applicant_form(
        request,
        form,
        token,
        lambda d: services.appeal_request(case=case, grounds=d["grounds"], details=d["details"]),
        _("We have your request for an appeal. We will write to you about what happens next."),
        template="public/track/appeal.html",
        window=window,
    )


@_tracked
def track_letter(request, token, case, letter_id):
    letter = selectors.letter_for_applicant(case=case, letter_id=letter_id)
    if letter is None or not letter.pdf:
        raise Http404
    services.letter_download_record(case=case, letter=letter)
    return FileResponse(
        letter.pdf.open("rb"), as_attachment=True, filename=f"{case.reference}-{letter.kind}.pdf"
    )
