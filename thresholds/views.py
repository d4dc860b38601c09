"""Staff pages: the threshold on a case (evaluate, views, decision), the incident import,
and the detection queues. Cases are reached only through ``cases.selectors``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from asbcr.concurrency import ConflictError
from asbcr.forms import attach_errors
from asbcr.pagination import page_of
from cases.selectors import case_get
from cases.services import CaseWorkflowError, incident_link_duplicate
from partnerships.models import Agency
from partnerships.procedures import version_problems
from partnerships.selectors import agencies_choosable_for
from thresholds import detection, importing, selectors, services
from thresholds.forms import (
    BodyViewForm,
    DecisionForm,
    DismissForm,
    IncidentImportForm,
    LocationLinkForm,
    SameIncidentForm,
)
from thresholds.models import ReviewSuggestion, SecondReportNotice


def _threshold_context(case, user) -> dict:
    preview = services.threshold_preview(case=case)
    outcome, views = services.vote_outcome(case)
    return {
        "case": case,
        "explanation": preview.explanation(),
        "views": views,
        "outcome": outcome,
        "decisions": selectors.case_decisions(case),
        "decision_rule": case.procedure_version.data.get("decision", {}),
        "can_decide": user.is_superuser or user.has_perm(services.DECIDE, case),
        "can_view": user.is_superuser
        or user.has_perm(services.RECORD_VIEW, case)
        or user.has_perm(services.DECIDE, case),
        "can_link": user.is_superuser or user.has_perm("cases.manage_case", case),
        "location_links": selectors.case_location_links(case),
    }


def _unevaluable(request, case):
    """The page to show instead when the case's pinned procedure version cannot be evaluated."""
    problems = version_problems(case.procedure_version)
    if not problems:
        return None
    return render(
        request, "thresholds/unevaluable.html", {"case": case, "procedure_problems": problems}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_threshold_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if refused := _unevaluable(request, case):
        return refused
    if request.method == "POST":
        try:
            services.threshold_evaluate(case=case, by=request.user)
        except ConflictError as exc:
            attach_errors(None, exc, request)
            return redirect("thresholds:case", reference=case.reference)
        messages.success(request, "Threshold evaluated and recorded on the timeline.")
        return redirect("thresholds:case", reference=case.reference)
    return render(request, "thresholds/case.html", _threshold_context(case, request.user))


@login_required
@require_POST
def link_duplicate_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if refused := _unevaluable(request, case):
        return refused
    if not (request.user.is_superuser or request.user.has_perm("cases.manage_case", case)):
        raise PermissionDenied
    form = SameIncidentForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, "Choose two incidents recorded on this case to link.")
        return redirect("thresholds:case", reference=case.reference)
    first, second = form.cleaned_data["first"], form.cleaned_data["second"]
    try:
        incident_link_duplicate(incident=second, same_as=first, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"#{second.pk} linked as the same incident as #{first.pk}.")
    return redirect("thresholds:case", reference=case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def link_locations_view(request, reference):
    """An officer links the locations of two incidents on the case, with a reason."""
    case = case_get(user=request.user, reference=reference)
    if not (request.user.is_superuser or request.user.has_perm("cases.manage_case", case)):
        raise PermissionDenied
    form = LocationLinkForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.location_link(case=case, by=request.user, **form.cleaned_data)
        except ConflictError as exc:
            attach_errors(None, exc, request)
            return redirect("thresholds:case", reference=case.reference)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "The locations are linked and the link is on the timeline.")
            return redirect("thresholds:case", reference=case.reference)
    return render(
        request,
        "thresholds/form_page.html",
        {"case": case, "form": form, "title": "Link the locations of two incidents"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_view_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if refused := _unevaluable(request, case):
        return refused
    ctx = _threshold_context(case, request.user)
    if not ctx["can_view"]:
        raise PermissionDenied
    bodies = agencies_choosable_for(case=case).filter(
        pk__in=[a.pk for a in services.involved_bodies(case)]
    )
    if not ctx["can_decide"] and not request.user.is_superuser:
        bodies = bodies.filter(pk=request.user.agency_id)
    initial = {"agency": request.user.agency_id} if request.user.agency_id else {}
    form = BodyViewForm(request.POST or None, bodies=bodies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_view_record(
                case=case,
                agency=form.cleaned_data["agency"],
                by=request.user,
                view=form.cleaned_data["view"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "View recorded.")
            return redirect("thresholds:case", reference=case.reference)
    return render(
        request,
        "thresholds/form_page.html",
        {**ctx, "form": form, "title": "Record a body's view on the threshold"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if refused := _unevaluable(request, case):
        return refused
    ctx = _threshold_context(case, request.user)
    if not ctx["can_decide"]:
        raise PermissionDenied
    threshold = case.procedure_version.data["threshold"]
    form = DecisionForm(request.POST or None, threshold=threshold)
    if request.method == "POST" and form.is_valid():
        try:
            services.threshold_decide(
                case=case,
                by=request.user,
                discretionary=form.discretionary(),
                senior_manager=form.senior_manager(),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except CaseWorkflowError as exc:
            form.add_error(None, str(exc))
            for reason in getattr(exc, "reasons", []) or []:
                form.add_error(None, reason)
        else:
            messages.success(request, "Threshold decision recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "thresholds/decide.html",
        {**ctx, "form": form, "title": "Record the threshold decision"},
    )


def _import_agencies(user):
    if user.is_superuser:
        return Agency.objects.all()
    areas = user.areas_with_role("area_admin")
    if not areas:
        raise PermissionDenied
    return Agency.objects.filter(areas__in=areas).distinct()


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """An area admin uploads an agency's incident export (all or nothing)."""
    agencies = _import_agencies(request.user)
    form = IncidentImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    result = None
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.add_error("file", "The file must be a CSV saved as UTF-8.")
        else:
            result = importing.incident_import(
                text=text, agency=form.cleaned_data["agency"], by=request.user
            )
            if result.errors:
                for error in result.errors[:50]:
                    form.add_error("file", str(error))
            else:
                messages.success(
                    request,
                    f"{result.created} incidents imported; {result.unchanged} were already "
                    "in the log.",
                )
                return redirect("thresholds:import")
    return render(
        request,
        "thresholds/import.html",
        {"form": form, "columns": importing.COLUMNS, "result": result},
    )


@login_required
def queue_view(request):
    if not (request.user.is_superuser or request.user.has_perm("cases.view_case_list")):
        raise PermissionDenied
    return render(
        request,
        "thresholds/queue.html",
        {
            "suggestions": page_of(
                request, selectors.suggestion_list(user=request.user), param="page"
            ),
            "notices": page_of(
                request,
                selectors.second_report_notice_list(user=request.user),
                param="notices_page",
            ),
        },
    )


def _own_area(user, obj):
    allowed = user.is_superuser or obj.area_id in user.areas_with_role("case_officer", "area_admin")
    if not allowed:
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def dismiss_suggestion_view(request, pk):
    suggestion = get_object_or_404(ReviewSuggestion, pk=pk)
    _own_area(request.user, suggestion)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            detection.suggestion_dismiss(
                suggestion=suggestion, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ConflictError as exc:  # dismissed, or closed, since the page was loaded
            attach_errors(form, exc)
        else:
            messages.success(request, "Suggestion dismissed.")
            return redirect("thresholds:queue")
    elif request.method == "GET" and (
        handled := detection.suggestion_handled(suggestion, by=request.user)
    ):
        messages.info(request, handled)
        return redirect("thresholds:queue")
    return render(
        request,
        "thresholds/form_page.html",
        {"form": form, "title": "Dismiss a review suggestion", "case": None},
    )


@login_required
@require_POST
def notice_told_view(request, pk):
    notice = get_object_or_404(SecondReportNotice, pk=pk)
    _own_area(request.user, notice)
    try:
        detection.second_report_notice_mark_told(notice=notice, by=request.user)
    except ConflictError as exc:  # a second click, or another officer first
        attach_errors(None, exc, request)
    else:
        messages.success(request, "Recorded that the victim was told about the case review.")
    return redirect("thresholds:queue")
