"""Staff pages for subject access requests (partnership admins) and rectification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from asbcr.forms import attach_errors
from asbcr.pagination import page_of
from cases.models import Person
from cases.selectors import case_visible_to
from privacy import selectors, services
from privacy.constants import RECTIFIABLE_FIELDS, SarStatus
from privacy.forms import RectifyForm, SarCloseForm, SarConfirmForm, SarOpenForm


@login_required
def sar_list_view(request, area):
    area = selectors.sar_area_get(user=request.user, slug=area)
    requests = page_of(request, selectors.sar_list(user=request.user, area=area))
    return render(request, "privacy/list.html", {"area": area, "requests": requests})


@login_required
@require_http_methods(["GET", "POST"])
def sar_open_view(request, area):
    area = selectors.sar_area_get(user=request.user, slug=area)
    form = SarOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sar = services.sar_open(
                by=request.user, area=area, data=services.SarInput(**form.cleaned_data)
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Request recorded as {sar.reference}.")
            return redirect("privacy:detail", pk=sar.pk)
    return render(
        request,
        "privacy/form_page.html",
        {
            "area": area,
            "form": form,
            "title": "Record a subject access request",
            "back": ("privacy:list", area.slug),
            "button": "Record the request",
        },
    )


def _results_context(request, sar, matches, form=None):
    confirmed = set(sar.confirmed_matches or [])
    rows = [
        {
            "match": m,
            "checked": (m.key in confirmed) if confirmed else m.strong,
            "person_id": m.obj.pk if m.kind == "person" else None,
        }
        for m in matches
    ]
    return {
        "sar": sar,
        "rows": rows,
        "form": form,
        "can_export": bool(confirmed) and sar.status != SarStatus.CLOSED,
        "is_open": sar.status != SarStatus.CLOSED,
    }


@login_required
def sar_detail_view(request, pk):
    sar = selectors.sar_get(user=request.user, pk=pk)
    matches = services.sar_search(sar=sar, by=request.user)
    return render(request, "privacy/detail.html", _results_context(request, sar, matches))


@login_required
@require_POST
def sar_confirm_view(request, pk):
    sar = selectors.sar_get(user=request.user, pk=pk)
    matches = services.sar_search(sar=sar, by=request.user)
    form = SarConfirmForm(request.POST, choices=[(m.key, m.key) for m in matches])
    if form.is_valid():
        try:
            services.sar_confirm(sar=sar, by=request.user, keys=form.cleaned_data["matches"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Matches confirmed: only these records will be exported.")
            return redirect("privacy:detail", pk=sar.pk)
    return render(request, "privacy/detail.html", _results_context(request, sar, matches, form))


@login_required
@require_POST
def sar_export_view(request, pk, fmt):
    sar = selectors.sar_get(user=request.user, pk=pk)
    try:
        result = services.sar_export(sar=sar, by=request.user, fmt=fmt)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("privacy:detail", pk=sar.pk)
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def sar_close_view(request, pk):
    sar = selectors.sar_get(user=request.user, pk=pk)
    form = SarCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sar_close(sar=sar, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"{sar.reference} closed.")
            return redirect("privacy:list", area=sar.area.slug)
    return render(
        request,
        "privacy/form_page.html",
        {
            "sar": sar,
            "form": form,
            "title": f"Close {sar.reference}",
            "back": ("privacy:detail", sar.pk),
            "button": "Close the request",
        },
    )


def _person_for(user, person_id) -> tuple[Person, list]:
    """The person, if the user can see at least one case they are on (404 otherwise)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    cases = services.person_cases(person)
    visible = set(
        case_visible_to(user=user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)
    )
    if not visible:
        raise Http404("No such person on a case you can see.")
    return person, cases


@login_required
@require_http_methods(["GET", "POST"])
def person_rectify_view(request, person_id):
    person, cases = _person_for(request.user, person_id)
    if not all(request.user.has_perm("cases.manage_case", c) for c in cases) and not (
        request.user.is_superuser
    ):
        raise PermissionDenied
    back_case = request.GET.get("case", "")
    back_sar = request.GET.get("sar", "")
    case_refs = {c.reference for c in cases}
    if back_case in case_refs:
        back = ("cases:detail", back_case)
    elif back_sar.isdigit():
        back = ("privacy:detail", int(back_sar))
    else:
        back = ("cases:detail", cases[0].reference)
    initial = {f: getattr(person, f) for f in RECTIFIABLE_FIELDS}
    initial["version"] = services.person_version(person)
    form = RectifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.person_rectify(
                person=person,
                by=request.user,
                changes={f: d[f] for f in RECTIFIABLE_FIELDS},
                reason=d["reason"],
                expected_version=d["version"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except services.StaleRecord as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Details corrected. The change is on each case's timeline.")
            return redirect(back[0], back[1])
    return render(
        request,
        "privacy/rectify.html",
        {
            "person": person,
            "cases": cases,
            "form": form,
            "back": back,
            "history": [
                {
                    "event": e,
                    "changes": [
                        (RECTIFIABLE_FIELDS.get(name, name), c.get("before"), c.get("after"))
                        for name, c in (e.detail.get("changes") or {}).items()
                    ],
                }
                for e in services.rectification_history(person)
            ],
        },
    )
