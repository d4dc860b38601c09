"""Staff pages for appeals. Cases are reached only through the visibility selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from appeals import bundle, forms, selectors, services
from appeals.audit import compliance_checklist
from appeals.constants import AppealOutcome, AppealStatus
from asbcr.concurrency import ConflictError
from asbcr.forms import attach_errors
from asbcr.pagination import page_of
from cases.constants import AccessKind
from cases.selectors import case_get
from cases.services import access_log_record
from partnerships.constants import PickPurpose
from partnerships.selectors import agencies_choosable_for, staff_choosable_for


def _add_reasons(form, exc: services.AppealError) -> None:
    if isinstance(exc, ConflictError):
        attach_errors(form, exc)  # at the top of the form, its version moved on
        return
    for reason in exc.reasons or [exc.message]:
        form.add_error(None, reason)


def _page(request, *, appeal=None, case=None, form, title, intro=""):
    return render(
        request,
        "appeals/form_page.html",
        {
            "appeal": appeal,
            "case": case or appeal.case,
            "form": form,
            "title": title,
            "intro": intro,
        },
    )


@login_required
def appeal_list_view(request):
    """The reviewer's page: their appeals with each stage's deadline (and officers' appeals)."""
    appeals = page_of(request, selectors.appeal_rows(user=request.user))
    rows = [
        {
            "appeal": a,
            "stage": selectors.open_stage(a),
            "reviewing": a.reviewer_id == request.user.pk,
        }
        for a in appeals["page"]
    ]
    return render(
        request,
        "appeals/list.html",
        {"appeals": appeals, "rows": rows, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def appeal_lodge_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if not selectors.can_manage_appeals(request.user, case):
        raise PermissionDenied
    section = case.procedure_version.section("appeal")
    form = forms.LodgeForm(request.POST or None, grounds=section.get("grounds", []))
    decision = selectors.appealable_decision(case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = services.appeal_lodge(
                case=case,
                by=request.user,
                grounds=data["grounds"],
                applicant_words=data["applicant_words"],
                lodged_on=data["lodged_on"],
                channel=data["channel"],
                accept_out_of_time_reason=data["accept_out_of_time_reason"],
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            if appeal.status == AppealStatus.REFUSED_OUT_OF_TIME:
                messages.warning(
                    request, f"The appeal was recorded and refused: {appeal.refusal_reason}"
                )
            else:
                messages.success(request, "Appeal recorded.")
            return redirect("appeals:detail", pk=appeal.pk)
    intro = ""
    if decision:
        window = section.get("window", {})
        intro = (
            f"Against the {decision.label} of {decision.on:%-d %B %Y}. The procedure allows "
            f"{window.get('amount')} {str(window.get('unit', '')).replace('_', ' ')} to appeal."
        )
    return _page(request, case=case, form=form, title="Record an appeal", intro=intro)


@login_required
def appeal_detail_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    user = request.user
    reviewing = selectors.can_review(user, appeal)
    managing = selectors.can_manage_appeals(user, appeal.case)
    context = {
        "appeal": appeal,
        "case": appeal.case,
        "stages": list(appeal.stages.order_by("order")),
        "items": bundle.bundle_items(appeal),
        "checklist": compliance_checklist(appeal),
        "recommendations": list(appeal.recommendations.select_related("body")),
        "reviewing": reviewing,
        "managing": managing,
        "today": timezone.localdate(),
        "grounds": appeal.grounds_labels(),
        "user_agency": user.agency_id,
        "can_reopen": managing
        and appeal.outcome == AppealOutcome.REFER_BACK
        and not appeal.case_reopened,
    }
    return render(request, "appeals/detail.html", context)


@login_required
@require_POST
def stage_complete_view(request, pk, stage_pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    stage = get_object_or_404(appeal.stages, pk=stage_pk)
    try:
        services.appeal_stage_complete(stage=stage, by=request.user)
    except services.AppealError as exc:
        messages.error(request, " ".join(exc.reasons or [exc.message]))
    else:
        messages.success(request, f"Stage done: {stage.rule}.")
    return redirect("appeals:detail", pk=appeal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def stage_delay_view(request, pk, stage_pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    stage = get_object_or_404(appeal.stages, pk=stage_pk)
    form = forms.DelayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_stage_record_delay(
                stage=stage, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "The applicant has been told about the delay.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title=f"Record a delay: {stage.rule}")


@login_required
@require_http_methods(["GET", "POST"])
def assign_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    if not selectors.can_manage_appeals(request.user, appeal.case):
        raise PermissionDenied
    reviewers = staff_choosable_for(case=appeal.case, purpose=PickPurpose.APPEAL_REVIEWER)
    form = forms.AssignReviewerForm(request.POST or None, reviewers=reviewers)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_assign_reviewer(
                appeal=appeal,
                reviewer=form.cleaned_data["reviewer"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Reviewer assigned and given access to the case.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(
        request, appeal=appeal, form=form, title="Assign a reviewer", intro=appeal.routing_note
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_note_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    form = forms.EvidenceNoteForm(
        request.POST or None,
        items=bundle.ITEMS,
        initial={
            "item": request.GET.get("item"),
            "version": services.evidence_notes_version(appeal),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_evidence_note(
                appeal=appeal,
                by=request.user,
                item=form.cleaned_data["item"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Reason recorded.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title="Explain missing evidence")


@login_required
@require_http_methods(["GET", "POST"])
def compliance_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    if not selectors.can_review(request.user, appeal):
        raise PermissionDenied
    checklist = compliance_checklist(appeal)
    form = forms.ComplianceForm(
        request.POST or None,
        checklist=checklist,
        initial={"version": services.compliance_version(appeal)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appeal_compliance_record(
                appeal=appeal,
                by=request.user,
                answers={
                    i.key: (data[f"{i.key}_answer"], data[f"{i.key}_note"]) for i in checklist
                },
                version=data["version"],
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Compliance audit saved.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title="Compliance audit (Appendix B)")


@login_required
@require_http_methods(["GET", "POST"])
def decide_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    bodies = agencies_choosable_for(case=appeal.case).filter(
        pk__in=appeal.case.involvements.values("agency_id")
    )
    form = forms.DecideForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recs = []
        if data["kind"] or data["text"]:
            recs.append(services.RecommendationInput(data["kind"], data["text"], data["body"]))
        try:
            services.appeal_decide(
                appeal=appeal,
                by=request.user,
                outcome=data["outcome"],
                summary=data["summary"],
                recommendations=recs,
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title="Record the outcome")


@login_required
@require_POST
def reopen_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    try:
        services.appeal_reopen_case(appeal=appeal, by=request.user)
    except services.AppealError as exc:
        messages.error(request, " ".join(exc.reasons or [exc.message]))
        return redirect("appeals:detail", pk=appeal.pk)
    messages.success(request, "The case is reopened with the appeal's recommendations.")
    return redirect("cases:detail", reference=appeal.case.reference)


@login_required
@require_http_methods(["GET", "POST"])
def respond_view(request, pk, rec_pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    rec = get_object_or_404(appeal.recommendations, pk=rec_pk)
    form = forms.ResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_respond(
                recommendation=rec, by=request.user, response=form.cleaned_data["response"]
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Response recorded.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title=f"Respond for {rec.body}", intro=rec.text)


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_view(request, pk):
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    form = forms.FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_follow_up_record(
                appeal=appeal,
                by=request.user,
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
            )
        except services.AppealError as exc:
            _add_reasons(form, exc)
        else:
            messages.success(request, "Follow-up recorded.")
            return redirect("appeals:detail", pk=appeal.pk)
    return _page(request, appeal=appeal, form=form, title="Record the 3-month follow-up")


@login_required
def bundle_pdf_view(request, pk):
    """The evidence bundle as one PDF; every download is on the access log."""
    appeal = selectors.appeal_get(user=request.user, pk=pk)
    pdf = bundle.render_bundle_pdf(bundle.bundle_context(appeal))
    access_log_record(
        user=request.user,
        kind=AccessKind.EXPORT,
        case=appeal.case,
        target=f"Appeal {appeal.pk} evidence bundle",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{appeal.case.reference}-appeal-{appeal.pk}-bundle.pdf"'
    )
    return response
