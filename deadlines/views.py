"""Staff pages: "my work", the area dashboard, and the delay and waive actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from asbcr.forms import attach_errors
from deadlines import selectors, services
from deadlines.forms import DelayForm, MeetForm, WaiveForm
from partnerships.models import Area


def case_deadlines_section(case, user) -> dict | None:
    """The cases.hooks.case_section hook: the case's deadlines on the staff case page."""
    deadlines = list(selectors.deadlines_for_case(case=case))
    if not deadlines:
        return None
    return {
        "title": "Deadlines",
        "template": "deadlines/_case_section.html",
        "context": {
            "case": case,
            "deadlines": deadlines,
            "can_manage": user.has_perm(services.MANAGE, case),
        },
        "order": 20,
    }


@login_required
def my_work_view(request):
    """The live deadlines the signed-in user answers for: overdue, today, this week, later."""
    return render(request, "deadlines/my_work.html", selectors.my_work(user=request.user))


@login_required
def area_dashboard_view(request, slug):
    """An area's deadlines: counts, overdue by officer and agency (the user's visible cases)."""
    area = get_object_or_404(Area, slug=slug)
    if not request.user.is_superuser and area.pk not in {a for _r, a in request.user.role_pairs}:
        raise Http404("No such area.")
    context = selectors.area_dashboard(user=request.user, area=area)
    return render(request, "deadlines/dashboard.html", {"area": area, **context})


def _deadline_for(request, pk):
    deadline = selectors.deadlines_visible_to(user=request.user).filter(pk=pk).first()
    if deadline is None:
        raise Http404("No such deadline.")
    if not request.user.has_perm(services.MANAGE, deadline.case):
        raise PermissionDenied
    return deadline


@login_required
@require_http_methods(["GET", "POST"])
def delay_view(request, pk):
    deadline = _deadline_for(request, pk)
    form = DelayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_record_delay(
                deadline=deadline,
                new_due=form.cleaned_data["new_due"],
                reason=form.cleaned_data["reason"],
                notify_applicant=form.cleaned_data["notify_applicant"],
                by=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Delay recorded.")
            return redirect("cases:detail", deadline.case.reference)
    return render(
        request,
        "deadlines/form_page.html",
        {"form": form, "deadline": deadline, "case": deadline.case, "title": "Record a delay"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def waive_view(request, pk):
    deadline = _deadline_for(request, pk)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_waive(
                deadline=deadline, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Deadline waived.")
            return redirect("cases:detail", deadline.case.reference)
    return render(
        request,
        "deadlines/form_page.html",
        {"form": form, "deadline": deadline, "case": deadline.case, "title": "Waive a deadline"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meet_view(request, pk):
    """Record that a step was done on a date (met on time or late by that date)."""
    deadline = _deadline_for(request, pk)
    form = MeetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not deadline.is_live:
            form.add_error(None, "This deadline is already met or waived.")
        elif form.cleaned_data["met_on"] < deadline.started_on:
            form.add_error("met_on", "The date cannot be before the step started")
        else:
            services.deadline_meet(
                deadline=deadline, on=form.cleaned_data["met_on"], by=request.user
            )
            messages.success(request, "Recorded as done.")
            return redirect("cases:detail", deadline.case.reference)
    return render(
        request,
        "deadlines/form_page.html",
        {
            "form": form,
            "deadline": deadline,
            "case": deadline.case,
            "title": "Record that it was done",
        },
    )
