"""Staff pages for panels and action plans. Every page goes through the visibility selectors."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from asbcr.forms import attach_errors, submitted
from cases.constants import AccessKind
from cases.selectors import agencies_involved, case_get
from cases.services import access_log_record
from panels import forms as panel_forms
from panels import rules, selectors, services
from panels.constants import ListingStatus, MeetingStatus
from panels.models import Meeting
from panels.pack import chairs_pack_sections
from panels.services import ActionInput, PanelError
from partnerships.constants import Role
from partnerships.models import Area
from partnerships.selectors import agencies_choosable_for


def _panel_error(request, exc: PanelError):
    messages.error(request, " ".join([exc.message, *exc.reasons]))


def _arranging_areas(user):
    areas = (
        Area.objects.all()
        if user.is_superuser
        else Area.objects.filter(pk__in={a for _, a in user.role_pairs})
    )
    return [
        a
        for a in areas.order_by("name")
        if user.is_superuser or user.has_perm("panels.arrange_panel", a)
    ]


def _sits_on_panels(user) -> bool:
    return any(role in (Role.PANEL_CHAIR, Role.PANEL_MEMBER) for role, _ in user.role_pairs)


@login_required
@require_http_methods(["GET", "POST"])
def meetings_view(request):
    """The meetings the user sits on (a chair's or member's list), and the meeting diary
    of each area they arrange panels for."""
    user = request.user
    areas = _arranging_areas(user)
    mine = list(selectors.meetings_sat_on(user=user))
    if not areas and not mine and not _sits_on_panels(user):
        raise PermissionDenied
    form = panel_forms.AdHocMeetingForm(request.POST or None)
    if request.method == "POST":
        area = get_object_or_404(Area, slug=submitted(request.POST, "area", ""))
        if area not in areas:
            raise PermissionDenied
        if request.POST.get("op") == "standing":
            made = services.meeting_schedule_standing(area=area, by=user)
            messages.success(request, f"{len(made)} standing meetings are in the diary.")
            return redirect("panels:meetings")
        if form.is_valid():
            starts_at = timezone.make_aware(
                dt.datetime.combine(form.cleaned_data["day"], form.cleaned_data["time"])
            )
            try:
                meeting = services.meeting_schedule_ad_hoc(
                    area=area,
                    by=user,
                    starts_at=starts_at,
                    purpose=form.cleaned_data["purpose"],
                    location=form.cleaned_data["location"],
                )
            except ValidationError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, "Ad hoc meeting scheduled.")
                return redirect("panels:meeting", meeting.pk)
    diary = [(a, selectors.meetings_for_area(area=a)) for a in areas]
    return render(
        request,
        "panels/meetings.html",
        {
            "diary": diary,
            "form": form,
            "areas": areas,
            "chosen_area": request.POST.get("area", "") if request.method == "POST" else "",
            "mine": mine,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_view(request, pk):
    """One meeting: each case at it, what blocks opening, and the user's declarations."""
    meeting = get_object_or_404(Meeting.objects.select_related("area"), pk=pk)
    can_arrange = request.user.is_superuser or request.user.has_perm(
        "panels.arrange_panel", meeting.area
    )
    rows = selectors.meeting_rows_for(meeting=meeting, user=request.user)
    if not can_arrange and not rows:
        raise PermissionDenied
    form = panel_forms.ReasonForm(request.POST or None)
    if request.method == "POST":
        if not can_arrange:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.meeting_cancel(
                    meeting=meeting, by=request.user, reason=form.cleaned_data["reason"]
                )
            except PanelError as exc:
                _panel_error(request, exc)
            else:
                messages.success(request, "Meeting cancelled.")
                return redirect("panels:meetings")
    return render(
        request,
        "panels/meeting.html",
        {"meeting": meeting, "rows": rows, "form": form, "can_arrange": can_arrange},
    )


@login_required
@require_http_methods(["GET", "POST"])
def list_case_view(request, reference):
    case = case_get(user=request.user, reference=reference)
    if not (request.user.is_superuser or request.user.has_perm("panels.arrange_panel", case)):
        raise PermissionDenied
    meetings = Meeting.objects.filter(
        area=case.area, status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now()
    ).order_by("starts_at")
    form = panel_forms.ListCaseForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.case_list_for_meeting(
                case=case,
                meeting=form.cleaned_data["meeting"],
                by=request.user,
                late_reason=form.cleaned_data["late_reason"],
                follow_up_reason=form.cleaned_data["follow_up_reason"],
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        except PanelError as exc:
            form.add_error(None, " ".join([exc.message, *exc.reasons]))
        else:
            messages.success(request, "The case is listed. Now choose the panel.")
            return redirect("panels:listing", listing.pk)
    return render(
        request,
        "panels/list_case.html",
        {"case": case, "form": form, "target": services.meeting_target_date(case)},
    )


LISTING_FORMS = {
    "member": panel_forms.MemberForm,
    "victim": panel_forms.VictimPartForm,
    "vote": panel_forms.VoteForm,
    "minutes": panel_forms.MinutesForm,
    "action": panel_forms.ActionForm,
    "consult": panel_forms.ConsultationForm,
    "adjourn": panel_forms.ReasonForm,
}


def _listing_forms(listing, data=None, op=None):
    case = listing.case
    core_slugs = case.procedure_version.section("panel").get("core_agencies") or []
    extra = {
        "member": {"case": case},
        "action": {"case": case},
        "vote": {"core": agencies_choosable_for(case=case).filter(slug__in=core_slugs)},
    }
    # The minutes form carries the version of the minutes it was loaded with.
    initial = {"minutes": {"version": listing.minutes_version}}
    return {
        name: cls(
            data if op == name else None,
            prefix=name,
            initial=initial.get(name),
            **extra.get(name, {}),
        )
        for name, cls in LISTING_FORMS.items()
    }


@login_required
@require_http_methods(["GET", "POST"])
def listing_view(request, pk):
    """One case's panel: the members, the rules, the meeting, the minutes and the plan."""
    listing = selectors.listing_get(user=request.user, pk=pk)
    case = listing.case
    user = request.user
    op = request.POST.get("op") if request.method == "POST" else None
    forms = _listing_forms(listing, request.POST, op)
    if op:
        try:
            done = _listing_post(request, listing, op, forms.get(op))
        except ValidationError as exc:
            if op in forms:
                attach_errors(forms[op], exc)
            else:
                messages.error(request, " ".join(exc.messages))
            done = None
        except PanelError as exc:
            _panel_error(request, exc)
            done = "error"
        if done:
            return redirect("panels:listing", listing.pk)
    results = selectors.panel_check(listing, at_opening=listing.status != ListingStatus.LISTED)
    opening_blockers = (
        rules.blockers(selectors.panel_check(listing, at_opening=True))
        if listing.status == ListingStatus.LISTED
        else []
    )
    return render(
        request,
        "panels/listing.html",
        {
            "listing": listing,
            "case": case,
            "forms": forms,
            "results": results,
            "opening_blockers": opening_blockers,
            "members": listing.members.select_related("user", "agency"),
            "member": selectors.member_for(listing, user),
            "actions": listing.actions.select_related("owner", "agency"),
            "interim": case.panel_actions.filter(listing__isnull=True),
            "votes": listing.votes.select_related("agency"),
            "vote_result": services.vote_result(listing),
            "decided_at_meeting": services.decided_at_meeting(case),
            "consultations": listing.consultations.all(),
            "can_arrange": user.is_superuser or user.has_perm("panels.arrange_panel", case),
            "can_chair": services._is_chair_or_arranger(user, listing),
            "can_see_pack": selectors.can_see_chairs_pack(user, case),
            "involvements": agencies_involved(case),
            "declaration_text": services.DECLARATION_TEXT,
            "declaration_needed": selectors.declaration_refusal(user, case) is not None,
        },
    )


# What the success banner says after each action on a panel's page.
LISTING_DONE = {
    "member": "Panel member added.",
    "remove": "Panel member removed.",
    "attendance": "Attendance recorded.",
    "declare": "Declaration signed: you can now read the chair's pack.",
    "open": "The meeting is open.",
    "adjourn": "The meeting is adjourned for this case.",
    "victim": "The victim's part in the meeting is recorded.",
    "vote": "Vote recorded.",
    "conclude_vote": "The threshold decision is recorded.",
    "minutes": "Minutes saved.",
    "action": "Action added to the plan.",
    "consult": "The victim's views on the draft plan are recorded.",
    "finalise": "The action plan is final and the case is recorded as reviewed.",
    "circulate": "Minutes and action plan circulated to the panel.",
    "agree": "Minutes recorded as agreed.",
}


def _listing_post(request, listing, op, form):
    user = request.user
    if form is not None and not form.is_valid():
        return None
    data = form.cleaned_data if form is not None else {}
    if op == "member":
        services.panel_member_add(
            listing=listing, by=user, user=data["user"], role=data["role"], agency=data["agency"]
        )
    elif op in ("remove", "attendance"):
        chosen = panel_forms.ChosenMemberForm(request.POST, listing=listing)
        if not chosen.is_valid():
            raise Http404("No such member of this panel.")
        member = chosen.cleaned_data["member"]
        if op == "remove":
            services.panel_member_remove(member=member, by=user)
            messages.success(request, LISTING_DONE[op])
            return "done"
        services.panel_attendance_record(
            member=member, by=user, attendance=request.POST.get("attendance", "")
        )
    elif op == "declare":
        services.declaration_sign(listing=listing, by=user)
    elif op == "open":
        _listing, warnings = services.listing_open(listing=listing, by=user)
        for warning in warnings:
            messages.warning(request, warning)
    elif op == "adjourn":
        services.listing_adjourn(listing=listing, by=user, reason=data["reason"])
    elif op == "victim":
        services.victim_part_record(listing=listing, by=user, **data)
    elif op == "vote":
        services.threshold_vote_cast(listing=listing, by=user, **data)
    elif op == "conclude_vote":
        services.threshold_vote_conclude(listing=listing, by=user)
    elif op == "minutes":
        services.minutes_record(listing=listing, by=user, **data)
    elif op == "action":
        services.action_add(
            case=listing.case,
            by=user,
            listing=listing,
            data=ActionInput(**data),
        )
    elif op == "consult":
        services.victim_consultation_record(listing=listing, by=user, **data)
    elif op == "finalise":
        services.plan_finalise(listing=listing, by=user)
    elif op == "circulate":
        services.minutes_circulate(listing=listing, by=user)
    elif op == "agree":
        services.minutes_agree(listing=listing, by=user)
    else:
        raise PermissionDenied
    messages.success(request, LISTING_DONE[op])
    return "done"


@login_required
def chairs_pack_view(request, pk):
    """The chair's pack on screen (the letters app renders it as a PDF)."""
    listing = selectors.listing_get(user=request.user, pk=pk)
    case = listing.case
    if not selectors.can_see_chairs_pack(request.user, case):
        raise selectors.chairs_pack_refusal(request.user, case)
    access_log_record(
        user=request.user, kind=AccessKind.VIEW_DOCUMENT, case=case, target="Chair's pack"
    )
    return render(
        request,
        "panels/chairs_pack.html",
        {"listing": listing, "case": case, "sections": chairs_pack_sections(case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interim_action_view(request, reference):
    """Record an interim action taken before the meeting for an immediate risk of harm."""
    case = case_get(user=request.user, reference=reference)
    if not (request.user.is_superuser or request.user.has_perm("panels.arrange_panel", case)):
        raise PermissionDenied
    form = panel_forms.ActionForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(
                case=case, by=request.user, data=ActionInput(**form.cleaned_data), interim=True
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Interim action recorded; it joins the plan at the meeting.")
            return redirect("cases:detail", case.reference)
    return render(
        request,
        "panels/form_page.html",
        {"case": case, "form": form, "title": "Record an interim action (immediate risk)"},
    )


@login_required
def my_actions_view(request):
    """The actions I own, across every case."""
    actions = selectors.actions_owned_by(
        user=request.user, include_closed=bool(request.GET.get("all"))
    )
    return render(
        request,
        "panels/my_actions.html",
        {"actions": actions, "today": timezone.localdate(), "all": request.GET.get("all")},
    )


def _version(data) -> int | None:
    """The version a button's form carried (a hidden field); None when absent or garbled."""
    try:
        return int(data.get("version", ""))
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def action_view(request, pk):
    """Update an action (owner), or accept its completion report (administering body).

    The reminder and escalation emails link here.
    """
    action = selectors.action_get(user=request.user, pk=pk)
    user = request.user
    op = request.POST.get("op") if request.method == "POST" else None
    seen = {"version": action.version}
    form = panel_forms.ActionUpdateForm(
        request.POST if op == "update" else None, prefix="update", initial=seen
    )
    reason_form = panel_forms.ActionReasonForm(
        request.POST if op in ("return", "bau") else None, prefix="reason", initial=seen
    )
    try:
        if op == "update" and form.is_valid():
            services.action_update(action=action, by=user, **form.cleaned_data)
            messages.success(request, "Action updated.")
            return redirect("panels:action", action.pk)
        if op == "accept":
            services.action_accept(action=action, by=user, version=_version(request.POST))
            messages.success(request, "Completion accepted: the action is done.")
            return redirect("panels:action", action.pk)
        if op in ("return", "bau") and reason_form.is_valid():
            service = (
                services.action_return_report
                if op == "return"
                else services.action_hand_to_business_as_usual
            )
            service(
                action=action,
                by=user,
                reason=reason_form.cleaned_data["reason"],
                version=reason_form.cleaned_data["version"],
            )
            return redirect("panels:action", action.pk)
    except ValidationError as exc:
        target = {"update": form, "return": reason_form, "bau": reason_form}.get(op)
        attach_errors(target, exc, request)
    except PanelError as exc:
        _panel_error(request, exc)
    except PermissionDenied:
        messages.error(
            request, "Only the owner, their agency or the administering body can do that."
        )
    return render(
        request,
        "panels/action.html",
        {
            "action": action,
            "form": form,
            "reason_form": reason_form,
            "can_accept": user.is_superuser or user.has_perm("panels.accept_action", action.case),
            "can_update": services._can_update(user, action),
            "deadlines": selectors.action_deadlines(action),
            "escalations": selectors.action_escalations(action),
        },
    )
