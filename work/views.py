"""Staff pages: a person's notification choice, the agency response page (CR5), and
the local outbox (under ``make run`` only)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from asbcr.forms import attach_errors
from cases.selectors import case_get
from cases.services import agency_responses_version
from work import mail, selectors, services
from work.constants import Frequency
from work.forms import AgencyResponseForm, PreferenceForm
from work.models import NotificationPreference


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request):
    """Choose an email for each piece of work, or one a day."""
    preference = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(
        request.POST or None,
        initial={
            "frequency": preference.frequency if preference else Frequency.IMMEDIATE,
            "version": preference.version if preference else 0,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(
                user=request.user,
                frequency=form.cleaned_data["frequency"],
                version=form.cleaned_data["version"] if preference else None,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Your choice is saved.")
            return redirect("home")
    return render(request, "work/preferences.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def respond_view(request, reference):
    """A relevant body's SPOC gives its response to the case review (CR5) in the system."""
    case = case_get(user=request.user, reference=reference)
    involvement = selectors.involvement_for_spoc(user=request.user, case=case)
    if involvement is None:
        raise PermissionDenied("Only a SPOC of a body asked on this case can give its response.")
    initial = {
        "reports_held": involvement.reports_held,
        "actions_taken": involvement.actions_taken,
        "risk_known": involvement.risk_known,
        "version": agency_responses_version(case),
    }
    form = AgencyResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_response_submit(
                case=case, by=request.user, **{k: form.cleaned_data[k] for k in form.fields}
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"{involvement.agency.name}'s response is recorded.")
            return redirect("home")
    return render(
        request,
        "work/respond.html",
        {
            "case": case,
            "involvement": involvement,
            "form": form,
            "incidents": case.incidents.select_related("reported_to").order_by(
                "incident_date", "id"
            ),
        },
    )


def case_responses_section(case, user) -> dict | None:
    """The cases.hooks.case_section hook: what each asked body said, on the case page."""
    if not (
        user.has_perm("cases.manage_case", case) or user.has_perm("cases.respond_for_agency", case)
    ):
        return None
    responses = selectors.agency_responses(case=case)
    if not responses:
        return None
    return {
        "title": "Agency responses",
        "template": "work/_responses_section.html",
        "context": {"case": case, "responses": responses},
        "order": 15,
    }


def _outbox_on():
    if not getattr(settings, "LOCAL_OUTBOX", False):
        raise Http404("No such page.")


@login_required
def outbox_view(request):
    """Every email the local server has 'sent': yours, or everyone's for an administrator."""
    _outbox_on()
    show_all = request.user.is_superuser and request.GET.get("all") == "1"
    to = None if show_all else (request.user.email or "\x00no address")
    return render(
        request,
        "work/outbox.html",
        {"emails": mail.outbox_messages(to=to), "show_all": show_all},
    )


@login_required
def outbox_message_view(request, name):
    _outbox_on()
    message = mail.outbox_message(name)
    if message is None:
        raise Http404("No such email.")
    if not request.user.is_superuser and (
        not request.user.email or request.user.email.lower() not in message.to.lower()
    ):
        raise Http404("No such email.")
    return render(request, "work/outbox_message.html", {"email": message})
