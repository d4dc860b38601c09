"""The area admin's data-protection page: the audit trail check, what is due for
erasure next month, and legal holds (placed and lifted here)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from asbcr.forms import attach_errors
from audit import retention, verify
from audit.forms import LegalHoldForm
from cases.models import Case
from cases.services import CaseWorkflowError, case_legal_hold_clear, case_legal_hold_set
from partnerships.models import Area


def _admin_area(request, slug) -> Area:
    area = get_object_or_404(Area, slug=slug)
    if not (
        request.user.is_superuser or request.user.has_perm("partnerships.administer_area", area)
    ):
        raise PermissionDenied
    return area


def _next_month(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first + dt.timedelta(days=32)).replace(day=1)


def _page(request, area, form):
    month = _next_month(timezone.localdate())
    return render(
        request,
        "audit/area.html",
        {
            "area": area,
            "report": verify.verify(area=area),
            "month": month,
            "due": retention.due_in_month(month_start=month, areas=[area]),
            "holds": retention.legal_holds(areas=[area]).order_by("legal_hold_set_at"),
            "form": form,
        },
    )


@login_required
def area_view(request, slug):
    area = _admin_area(request, slug)
    return _page(request, area, LegalHoldForm())


@login_required
@require_http_methods(["POST"])
def legal_hold_view(request, slug):
    area = _admin_area(request, slug)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        case = Case.objects.filter(area=area, reference=data["reference"].strip().upper()).first()
        if case is None:
            form.add_error("reference", f"There is no case {data['reference']} in {area.name}.")
        else:
            service = case_legal_hold_set if data["action"] == "set" else case_legal_hold_clear
            try:
                service(case=case, by=request.user, reason=data["reason"])
            except ValidationError as exc:
                attach_errors(form, exc)
            except CaseWorkflowError as exc:
                form.add_error(None, exc.message)
            else:
                done = "placed on" if data["action"] == "set" else "lifted from"
                messages.success(request, f"Legal hold {done} {case.reference}.")
                return redirect("audit:area", slug=area.slug)
    return _page(request, area, form)
