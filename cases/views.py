"""Staff pages for the case workflow. Every page goes through the visibility selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from asbcr.exports import csv_writer
from asbcr.files import content_type_of, file_response
from asbcr.forms import attach_errors, submitted
from asbcr.pagination import page_of
from cases import selectors, services
from cases.case_pages import DONE_BY_EVIDENCE, TRANSITION_LABELS
from cases.constants import AccessKind, CaseState, RiskLevel
from cases.forms import (
    AgencyResponseForm,
    ApplicationForm,
    AssignOfficerForm,
    CaseEditForm,
    CaseFilterForm,
    EvidenceForm,
    ExclusionsForm,
    IncidentForm,
    IncidentFormSet,
    NoteForm,
    PersonForm,
    ReasonForm,
    ReceiptForm,
    RiskForm,
    VictimContactForm,
)
from cases.models import EvidenceFile, ImpactStatement
from cases.risk import matrix_for
from cases.services import ApplicationInput, CaseWorkflowError, StaleCase
from partnerships.constants import PickPurpose
from partnerships.models import Agency, Area, User
from partnerships.selectors import agencies_choosable_for, staff_choosable_for

PAGE_SIZE = 25

# The case list's columns: (sort key, heading); a key of None is not sortable.
CASE_LIST_COLUMNS = [
    ("reference", "Reference"),
    ("victim", "Victim"),
    ("area", "Area"),
    ("received", "Received"),
    ("state", "State"),
    ("deadline", "Next deadline"),
    ("officer", "Officer"),
    ("risk", "Risk"),
]
# Columns whose first click sorts the most pressing first (newest, highest risk).
DESC_FIRST = {"received", "risk"}


def _user_areas(user):
    if user.is_superuser:
        return Area.objects.all()
    return Area.objects.filter(pk__in={a for _, a in user.role_pairs})


@login_required
def case_list_view(request):
    if not (request.user.has_perm("cases.view_case_list") or request.user.is_superuser):
        raise PermissionDenied
    areas = _user_areas(request.user).order_by("name")
    form = CaseFilterForm(request.GET or None)
    if len(areas) > 1:
        form.fields["area"].choices = [("", "All my areas")] + [(a.slug, a.name) for a in areas]
    else:
        del form.fields["area"]  # one area: "all my areas" and that area are the same list
    form.fields["state"].choices = [("", "Any"), ("open", "Any open state")] + list(
        CaseState.choices
    )
    form.fields["risk"].choices = [("", "Any")] + list(RiskLevel.choices)
    officers = User.objects.filter(
        role_assignments__role="case_officer", role_assignments__area__in=areas
    ).distinct()
    form.fields["officer"].choices = [("", "Anyone")] + [(str(u.pk), str(u)) for u in officers]
    agencies = Agency.objects.filter(areas__in=areas).distinct().order_by("name")
    form.fields["agency"].choices = [("", "Any")] + [(a.slug, a.name) for a in agencies]
    filters = form.cleaned_data if form.is_valid() else {}
    sort_column, descending = selectors.case_list_sort(submitted(request.GET, "sort"))
    sort = f"-{sort_column}" if descending else sort_column
    cases = selectors.case_list(user=request.user, filters=filters, sort=sort)
    # With no filter the list is every case the user may see: count the rule's ids alone.
    unfiltered = not any(filters.values())
    count_of = selectors.visible_case_ids(request.user) if unfiltered else None
    in_index_order = (
        selectors.case_list_newest_first(request.user)
        if unfiltered and sort == selectors.DEFAULT_SORT
        else None
    )
    paginator = selectors.CaseListPaginator(
        cases, PAGE_SIZE, count_of=count_of, in_index_order=in_index_order
    )
    listed = page_of(request, paginator=paginator)
    if filters.get("q"):
        services.access_log_record(user=request.user, kind=AccessKind.SEARCH, query=filters["q"])
    unsorted = request.GET.copy()
    unsorted.pop("page", None)
    unsorted.pop("sort", None)
    columns = []
    for key, label in CASE_LIST_COLUMNS:
        if key is None:
            columns.append({"label": label})
            continue
        here = key == sort_column
        link = unsorted.copy()
        link["sort"] = (
            key if (here and descending) or (not here and key not in DESC_FIRST) else f"-{key}"
        )
        columns.append(
            {
                "label": label,
                "href": "?" + link.urlencode(),
                "aria_sort": ("descending" if descending else "ascending") if here else "none",
            }
        )
    return render(
        request,
        "cases/list.html",
        {
            **listed,
            "form": form,
            "columns": columns,
            "today": timezone.localdate(),
            "sort": sort,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_receive_view(request):
    areas = [a for a in _user_areas(request.user) if request.user.has_perm("cases.receive_case", a)]
    if not areas:
        raise PermissionDenied
    area_slug = submitted(request.POST, "area") or submitted(request.GET, "area") or areas[0].slug
    area = next((a for a in areas if a.slug == area_slug), areas[0])
    data = request.POST if request.method == "POST" else None
    receipt = ReceiptForm(data, area=area, prefix="receipt")
    application = ApplicationForm(data, prefix="application")
    applicant = PersonForm(data, prefix="applicant")
    victim = PersonForm(data, prefix="victim")
    incidents = IncidentFormSet(data, area=area, prefix="incidents")
    if request.method == "POST":
        third_party = request.POST.get("application-applicant_type") == "third_party"
        forms_ok = all(
            [receipt.is_valid(), application.is_valid(), applicant.is_valid(), incidents.is_valid()]
            + ([victim.is_valid()] if third_party else [])
        )
        if forms_ok:
            app = application.cleaned_data
            perpetrators = []
            if app.get("perpetrator_description"):
                perpetrators.append(
                    {
                        "description": app["perpetrator_description"],
                        "under_18": app["perpetrator_under_18"],
                    }
                )
            payload = ApplicationInput(
                channel=receipt.cleaned_data["channel"],
                received_on=receipt.cleaned_data["received_on"],
                forwarded_by_agency=receipt.cleaned_data.get("forwarded_by_agency"),
                forwarding_agency_received_on=receipt.cleaned_data.get(
                    "forwarding_agency_received_on"
                ),
                forwarded_on=receipt.cleaned_data.get("forwarded_on"),
                applicant_type=app["applicant_type"],
                applicant=applicant.to_input(),
                victim=victim.to_input() if third_party else None,
                relationship=app.get("relationship", ""),
                victim_consent=application.consent,
                consent_missing_reason=app.get("consent_missing_reason", ""),
                summary=app["summary"],
                impact=app.get("impact", ""),
                wants_to_attend=application.attend,
                wants_to_send_statement=application.statement,
                incidents=[f.to_input() for f in incidents.filled_forms()],
                perpetrators=perpetrators,
            )
            try:
                case = services.case_receive(by=request.user, area=area, data=payload)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    target = receipt if field in receipt.fields else application
                    if field == "incidents":
                        for error in errors:
                            incidents._non_form_errors = incidents.error_class(
                                list(incidents.non_form_errors()) + error.messages
                            )
                        continue
                    for error in errors:
                        target.add_error(field if field in target.fields else None, error.messages)
            else:
                messages.success(request, f"Application recorded as {case.reference}.")
                return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/receive.html",
        {
            "areas": areas,
            "area": area,
            "receipt": receipt,
            "application": application,
            "applicant": applicant,
            "victim": victim,
            "incidents": incidents,
            "all_forms": [receipt, application, applicant, victim],
        },
    )


@login_required
def timeline_export_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    services.access_log_record(
        user=request.user, kind=AccessKind.EXPORT, case=case, target="timeline.csv"
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-timeline.csv"'
    writer = csv_writer(response)
    writer.writerow(
        [
            "when",
            "who",
            "kind",
            "summary",
            "from",
            "to",
            "reason",
            "agency",
            "address",
            "row hash",
            "previous row hash",
        ]
    )
    for event in selectors.timeline_for(case=case, kind=submitted(request.GET, "kind")):
        writer.writerow(
            [
                event.at.isoformat(),
                str(event.actor or "system"),
                event.kind,
                event.summary,
                event.from_state,
                event.to_state,
                event.reason,
                str(event.actor_agency or ""),
                event.ip_address or "",
                event.row_hash,
                event.prev_hash,
            ]
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_transition_view(request, reference, name):
    case = selectors.case_get(user=request.user, reference=reference)
    if name in DONE_BY_EVIDENCE:
        return render(
            request,
            "cases/done_by_evidence.html",
            {"case": case, "explanation": DONE_BY_EVIDENCE[name], "name": name},
        )
    if name not in TRANSITION_LABELS:
        raise PermissionDenied
    label, needs_reason = TRANSITION_LABELS[name]
    form = ReasonForm(request.POST or None, initial={"expected_state": case.state})
    blockers = services.transition_blockers(case, name)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        if needs_reason and not reason:
            form.add_error("reason", "Give a reason.")
        elif name == "refer_back" and not form.cleaned_data["recommended_course"].strip():
            form.add_error("recommended_course", "Give the recommended course of action.")
        else:
            try:
                if name == "refer_back":
                    services.case_refer_back(
                        case=case,
                        by=request.user,
                        reason=reason,
                        recommended_course=form.cleaned_data["recommended_course"],
                        expected_state=form.cleaned_data["expected_state"],
                    )
                else:
                    services.case_transition(
                        case=case,
                        name=name,
                        by=request.user,
                        reason=reason,
                        expected_state=form.cleaned_data["expected_state"],
                    )
            except StaleCase as exc:
                form.add_error(None, exc.message)
            except CaseWorkflowError as exc:
                form.add_error(None, exc.message)
                for r in exc.reasons:
                    form.add_error(None, r)
            else:
                messages.success(request, f"Done: {label.lower()}.")
                return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/transition.html",
        {
            "case": case,
            "form": form,
            "label": label,
            "name": name,
            "needs_reason": needs_reason,
            "blockers": blockers,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    initial = {
        "summary": case.summary,
        "impact": case.impact,
        "asb_persists": {True: "yes", False: "no"}.get(case.asb_persists, ""),
        "lock_version": case.lock_version,
    }
    form = CaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.case_update_details(
                case=case,
                by=request.user,
                lock_version=d["lock_version"],
                changes={
                    "summary": d["summary"],
                    "impact": d["impact"],
                    "asb_persists": {"yes": True, "no": False}.get(d["asb_persists"]),
                },
            )
        except StaleCase as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Details saved.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request, "cases/form_page.html", {"case": case, "form": form, "title": "Edit details"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_note_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.case_add_note(
            case=case,
            by=request.user,
            text=form.cleaned_data["text"],
            contact_attempt=form.cleaned_data["contact_attempt"],
        )
        messages.success(request, "Note added to the timeline.")
        return redirect("cases:detail", reference=case.reference)
    return render(
        request, "cases/form_page.html", {"case": case, "form": form, "title": "Add a note"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def victim_contact_view(request, reference):
    """Record that the officer spoke to the victim (meets the victim-contact deadline)."""
    case = selectors.case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    form = VictimContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_record_victim_contact(
                case=case, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Conversation with the victim recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": "Record that you spoke to the victim"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_add_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    if not (
        request.user.has_perm("cases.manage_case", case)
        or request.user.has_perm("cases.respond_for_agency", case)
    ):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_add(case=case, by=request.user, data=form.to_input())
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Incident recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request, "cases/form_page.html", {"case": case, "form": form, "title": "Record an incident"}
    )


@login_required
@require_http_methods(["GET", "POST"])
def exclusions_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    exclusions = case.procedure_version.data.get("exclusions", [])
    form = ExclusionsForm(request.POST or None, exclusions=exclusions)
    if request.method == "POST" and form.is_valid():
        services.case_record_exclusions(case=case, by=request.user, checks=form.checks())
        messages.success(request, "Exclusion checks recorded.")
        return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": "Check exclusions and scope"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def risk_assess_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.assess_risk", case):
        raise PermissionDenied
    matrices = case.procedure_version.data.get("risk_matrices", [])
    key = (
        request.GET.get("matrix")
        or request.POST.get("matrix")
        or (matrices[0]["key"] if matrices else "")
    )
    matrix = matrix_for(case.procedure_version.data, key)
    if matrix is None:
        raise PermissionDenied("This area has no risk matrix.")
    form = RiskForm(request.POST or None, matrix=matrix, initial={"subject": matrix["subject"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assess(
                case=case,
                by=request.user,
                subject=form.cleaned_data["subject"],
                matrix_key=key,
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Risk assessment recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": matrix["name"], "hidden": {"matrix": key}},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_response_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    agencies = agencies_choosable_for(case=case)
    if request.user.has_perm("cases.manage_case", case):
        pass
    elif request.user.has_perm("cases.respond_for_agency", case) and request.user.agency_id:
        agencies = agencies.filter(pk=request.user.agency_id)
    else:
        raise PermissionDenied
    form = AgencyResponseForm(
        request.POST or None,
        agencies=agencies,
        initial={
            "agency": request.user.agency_id,
            "version": services.agency_responses_version(case),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_response_record(
                case=case,
                by=request.user,
                agency=form.cleaned_data["agency"],
                reports_held=form.cleaned_data["reports_held"],
                actions_taken=form.cleaned_data["actions_taken"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as exc:
            form.add_error("agency", str(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Agency response recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": "Record an agency response (CR5)"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign_officer_view(request, reference):
    case = selectors.case_get(user=request.user, reference=reference)
    if not request.user.has_perm("cases.manage_case", case):
        raise PermissionDenied
    officers = staff_choosable_for(case=case, purpose=PickPurpose.CASE_OFFICER)
    form = AssignOfficerForm(
        request.POST or None,
        officers=officers,
        initial={
            "officer": case.case_officer_id,
            "version": services.officer_allocations_version(case),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign_officer(
                case=case,
                by=request.user,
                officer=form.cleaned_data["officer"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Case officer allocated.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": "Allocate a case officer"},
    )


@login_required
def access_log_view(request):
    entries = selectors.access_log_for(user=request.user)
    return render(
        request, "cases/access_log.html", {"entries": page_of(request, entries, per_page=50)}
    )


def _can_attach(user, case) -> bool:
    return user.has_perm("cases.manage_case", case) or user.has_perm(
        "cases.respond_for_agency", case
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_add_view(request, reference):
    """Attach a file (photo, diary sheet, letter from another body) to the case."""
    case = selectors.case_get(user=request.user, reference=reference)
    if not _can_attach(request.user, case):
        raise PermissionDenied
    form = EvidenceForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_attach(
                case=case,
                by=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                incident=form.cleaned_data["incident"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Evidence attached.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/form_page.html",
        {"case": case, "form": form, "title": "Attach evidence", "multipart": True},
    )


@login_required
def evidence_download_view(request, reference, pk):
    """An evidence file, to people who can see the case; every download is logged."""
    case = selectors.case_get(user=request.user, reference=reference)
    evidence = get_object_or_404(EvidenceFile, case=case, pk=pk)
    services.access_log_record(
        user=request.user,
        kind=AccessKind.DOWNLOAD,
        case=case,
        target=f"Evidence file {evidence.pk}: {evidence.original_name}",
    )
    return file_response(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
def impact_statement_download_view(request, reference, pk):
    """The file an applicant sent as their impact statement; every download is logged."""
    case = selectors.case_get(user=request.user, reference=reference)
    statement = get_object_or_404(ImpactStatement, case=case, pk=pk)
    if not statement.attachment:
        raise Http404("This statement has no file.")
    name = statement.attachment_name or f"{case.reference}-impact-statement-{statement.pk}"
    services.access_log_record(
        user=request.user,
        kind=AccessKind.DOWNLOAD,
        case=case,
        target=f"Impact statement file {statement.pk}: {name}",
    )
    return file_response(
        statement.attachment,
        filename=name,
        content_type=content_type_of(statement.attachment, statement.attachment_content_type),
    )
