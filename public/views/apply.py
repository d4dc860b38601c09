"""The online application: start page, area, each question, incidents, check and send, save and resume."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asbcr.addresses import addresses_at, lookup_for
from asbcr.net import ratelimit_key
from cases.locations import clean_postcode
from public import explain, flow, selectors, services
from public import forms as f
from public.views.common import (
    SESSION_DRAFT,
    SESSION_SENT,
    _after_save,
    _draft,
    _limited,
    _needs_draft,
    _not_saved,
    _private,
    _refuse,
    _render_form,
    _too_many,
)


def apply_start(request):
    """What a case review is, what you need, and the way in."""
    return render(
        request,
        "public/apply/start.html",
        {"draft": _draft(request), "areas": selectors.areas_for_applications()},
    )


def _start_or_update(request, area, draft, *, answers: dict | None = None):
    """The draft for the area chosen, holding ``answers`` (key: value) if given: a new
    draft starts with them (one insert), an existing one moves to the area and keeps them."""
    if draft is not None:
        draft = services.draft_change_area(draft=draft, area=area)
        for key, value in (answers or {}).items():
            draft = services.draft_save(draft=draft, key=key, value=value)
        return draft
    draft, token = services.draft_start(area=area, ip=ratelimit_key(None, request), data=answers)
    request.session[SESSION_DRAFT] = token
    # Written now, so in the caller's transaction with the draft when it has one (one
    # commit); the session middleware does not write it again (asbcr/sessions.py).
    request.session.save()
    return draft


@_private
def apply_postcode(request):
    draft = _draft(request)
    form = f.PostcodeForm(
        request.POST or None, initial=(draft.data.get("postcode") if draft else None)
    )
    if request.method == "POST":
        if _limited(request, "public-post"):
            _refuse(form)
        elif form.is_valid():
            try:
                # One transaction for starting the draft and keeping the postcode: one
                # commit, and never a draft without the answer that started it.
                with transaction.atomic():
                    _start_or_update(
                        request, form.found_area, draft, answers={"postcode": form.cleaned_data}
                    )
            except services.TooManyDrafts:
                _refuse(form)
            else:
                return redirect("public:case_review")
    return _render_form(
        request,
        draft,
        form=form,
        title=form.title,
        back=reverse("public:apply"),
        template="public/apply/postcode.html",
    )


@_private
def apply_area(request):
    draft = _draft(request)
    areas = list(selectors.areas_for_applications())
    initial = {"area": draft.area.slug} if draft else None
    form = f.AreaChoiceForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST":
        if _limited(request, "public-post"):
            _refuse(form)
        elif form.is_valid():
            area = next(a for a in areas if a.slug == form.cleaned_data["area"])
            try:
                _start_or_update(request, area, draft)
            except services.TooManyDrafts:
                _refuse(form)
            else:
                return redirect("public:case_review")
    return _render_form(
        request, draft, form=form, title=form.title, back=reverse("public:postcode")
    )


@_needs_draft
def apply_case_review(request, draft):
    """Before anything else: what a case review is and is not, and this area's threshold."""
    if request.method == "POST":
        services.draft_save(draft=draft, key="case-review", value=True)
        return redirect(flow.next_url(draft.data, "case-review"))
    section = draft.area.procedure.current_version.section("threshold")
    return render(
        request,
        "public/apply/case_review.html",
        {
            "draft": draft,
            "area": draft.area,
            "threshold": explain.threshold_summary(section),
            "back": reverse("public:postcode"),
        },
    )


def _lines(*parts: str) -> str:
    """The non-empty parts, one to a line (check-your-answers shows them as lines)."""
    return "\n".join(p for p in parts if p)


def _name_and_address(details: dict) -> str:
    return _lines(
        details["name"],
        details.get("organisation_contact", ""),
        details["address"],
        details["postcode"],
    )


def _form_kwargs(draft, step):
    kwargs = {"area": draft.area}
    if step.key in ("your-details", "victim-details"):
        kind = draft.data.get("victim-type", {}).get("kind", "person")
        if step.key == "your-details" and flow.third_party(draft.data):
            kind = "person"
        kwargs.update(kind=kind, title=step.title)
    return kwargs


ADDRESS_STEPS = ("your-details", "victim-details")


def _address_finder(request, draft, key) -> tuple[dict | None, dict]:
    """The "find the address by its postcode" block above the address boxes, when the
    area has a look-up (asbcr.addresses; off by default), and the boxes filled from the
    address chosen. Returns (what the block shows, values for the boxes)."""
    if key not in ADDRESS_STEPS or lookup_for(draft.area) is None:
        return None, {}
    finder = {"postcode": "", "error": "", "searched": False, "results": []}
    raw = request.GET.get("find")
    if raw is None:
        return finder, {}
    finder["postcode"] = raw[:20].replace("\x00", "")
    try:
        postcode = clean_postcode(raw[:20])
    except ValidationError:
        postcode = ""
    if not postcode:
        finder["error"] = _("Enter a real postcode, like WD6 1AA")
        return finder, {}
    finder.update(postcode=postcode, searched=True, results=addresses_at(draft.area, postcode))
    use = request.GET.get("use", "")
    if use.isdigit() and int(use) < len(finder["results"]):
        chosen = finder["results"][int(use)]
        return finder, {
            "address_line_1": chosen.line_1,
            "address_line_2": chosen.line_2,
            "town": chosen.town,
            "county": chosen.county,
            "postcode": chosen.postcode or postcode,
        }
    return finder, {}


@_needs_draft
def apply_step(request, draft, key):
    step = flow.BY_KEY.get(key)
    if step is None or step.form_class is None or not step.applies(draft.data):
        raise Http404
    kwargs = _form_kwargs(draft, step)
    finder, found = _address_finder(request, draft, key)
    if request.method == "POST":
        form = step.form_class(request.POST, **kwargs)
        if _limited(request, "public-post"):
            _refuse(form)
        elif form.is_valid():
            try:
                services.draft_save(draft=draft, key=key, value=flow.to_json(form.cleaned_data))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _after_save(request, draft, key)
        elif "save_for_later" in request.POST:
            _not_saved(form)
    else:
        form = step.form_class(
            initial={**flow.from_json(step.form_class, draft.data.get(key)), **found}, **kwargs
        )
    return _render_form(
        request,
        draft,
        form=form,
        title=form.title,
        back=reverse("public:check")
        if request.GET.get("change")
        else flow.previous_url(draft.data, key),
        finder=finder,
    )


@_needs_draft
def apply_incident(request, draft, index):
    incidents = list(draft.data.get("incidents", []))
    if index > len(incidents) or index >= flow.MAX_INCIDENTS:
        return redirect("public:incidents")
    agencies = draft.area.agencies.order_by("name")
    stored = incidents[index] if index < len(incidents) else None
    if request.method == "POST":
        form = f.IncidentForm(request.POST, area=draft.area, agencies=agencies)
        if _limited(request, "public-post"):
            _refuse(form)
        elif form.is_valid():
            value = flow.to_json(form.cleaned_data)
            if index < len(incidents):
                incidents[index] = value
            else:
                incidents.append(value)
            try:
                services.draft_save(draft=draft, key="incidents", value=incidents)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if "save_for_later" in request.POST:
                    return redirect("public:save")
                return redirect("public:incidents")
        elif "save_for_later" in request.POST:
            _not_saved(form)
    else:
        form = f.IncidentForm(
            initial=flow.from_json(f.IncidentForm, stored), area=draft.area, agencies=agencies
        )
    number = index + 1
    return _render_form(
        request,
        draft,
        form=form,
        title=_("Incident %(n)d") % {"n": number},
        caption=_("Tell us about one incident at a time."),
        back=reverse("public:incidents")
        if incidents
        else flow.previous_url(draft.data, "incidents"),
    )


@_needs_draft
def apply_incidents(request, draft):
    """The incidents so far, and 'do you need to add another?'."""
    incidents = draft.data.get("incidents", [])
    if not incidents:
        return redirect("public:incident", 0)
    form = f.AddAnotherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["add_another"] == "yes" and len(incidents) < flow.MAX_INCIDENTS:
            return redirect("public:incident", len(incidents))
        return _after_save(request, draft, "incidents")
    agencies = {a.slug: a.name for a in draft.area.agencies.all()}
    rows = [
        {
            "number": i + 1,
            "index": i,
            "description": inc["description"],
            "incident_date": flow.from_json(f.IncidentForm, inc)["incident_date"],
            "reported_to": agencies.get(inc.get("reported_to") or "", ""),
        }
        for i, inc in enumerate(incidents)
    ]
    return render(
        request,
        "public/apply/incidents.html",
        {
            "draft": draft,
            "form": form,
            "rows": rows,
            "can_add": len(incidents) < flow.MAX_INCIDENTS,
            "max_incidents": flow.MAX_INCIDENTS,
            "back": flow.previous_url(draft.data, "incidents"),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@_needs_draft
def apply_incident_remove(request, draft, index):
    incidents = list(draft.data.get("incidents", []))
    if 0 <= index < len(incidents):
        incidents.pop(index)
        services.draft_save(draft=draft, key="incidents", value=incidents)
    return redirect("public:incidents")


def _answers(draft) -> list[dict]:
    """Rows for 'check your answers': question, answer, and where to change it."""
    data = draft.data
    rows = []

    def choice_label(form_class, name, value):
        choices = dict(form_class.base_fields[name].choices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))

    def add(key, question, answer):
        rows.append(
            {"question": question, "answer": answer, "url": flow.step_url(key) + "?change=1"}
        )

    rows.append(
        {"question": _("Area"), "answer": draft.area.name, "url": reverse("public:postcode")}
    )
    add(
        "who",
        _("Who is applying"),
        choice_label(f.WhoForm, "applicant_type", data["who"]["applicant_type"]),
    )
    if flow.third_party(data):
        add(
            "relationship",
            _("How you know the victim"),
            choice_label(f.RelationshipForm, "relationship", data["relationship"]["relationship"]),
        )
        consent = data["consent"]
        answer = (
            _("Yes")
            if consent["victim_consent"] == "yes"
            else _("No: %(reason)s") % {"reason": consent.get("consent_missing_reason", "")}
        )
        add("consent", _("The victim agrees"), answer)
    add(
        "victim-type",
        _("Who is affected"),
        choice_label(f.VictimKindForm, "kind", data["victim-type"]["kind"]),
    )
    if flow.third_party(data):
        add("victim-details", _("The victim"), _name_and_address(data["victim-details"]))
    add("your-details", _("Your name and address"), _name_and_address(data["your-details"]))
    c = data["contact"]
    add(
        "contact",
        _("How to contact you"),
        _lines(
            choice_label(f.ContactForm, "preferred_contact", c["preferred_contact"]),
            c.get("email", ""),
            c.get("phone", ""),
        ),
    )
    n = data.get("needs", {})
    add(
        "needs",
        _("Help you need"),
        _lines(n.get("accessibility_needs", ""), n.get("language", "")) or _("None given"),
    )
    add("problem", _("The anti-social behaviour"), data["problem"]["summary"])
    rows.append(
        {
            "question": _("Incidents"),
            "answer": ngettext_count(len(data["incidents"])),
            "url": reverse("public:incidents"),
        }
    )
    add("impact", _("How it has affected you"), data["impact"]["impact"])
    add(
        "involvement",
        _("How you want to take part"),
        choice_label(f.InvolvementForm, "involvement", data["involvement"]["involvement"]),
    )
    return rows


def ngettext_count(n: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(n)d incident", "%(n)d incidents", n) % {"n": n}


@_needs_draft
def apply_check(request, draft):
    missing = flow.first_incomplete_url(draft.data)
    if missing:
        return redirect(missing)
    form = f.SubmitForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if _limited(request, "public-submit"):
            return _too_many(request)
        if not form.is_valid() or form.cleaned_data.get("website"):
            # The honeypot was filled in: a robot. Nothing is stored.
            return HttpResponseBadRequest(_("Your application could not be sent."))
        try:
            case, token = services.draft_submit(draft=draft)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            request.session.pop(SESSION_DRAFT, None)
            request.session[SESSION_SENT] = {
                "reference": case.reference,
                "token": token,
                "channel": case.applicant.preferred_contact,
            }
            return redirect("public:confirmation")
    section = draft.area.procedure.current_version.section("threshold")
    return render(
        request,
        "public/apply/check.html",
        {
            "draft": draft,
            "rows": _answers(draft),
            "form": form,
            "error": error,
            "threshold": explain.threshold_summary(section),
            "back": flow.step_url(flow.applicable(draft.data)[-1].key),
        },
    )


@_private
def apply_confirmation(request):
    sent = request.session.get(SESSION_SENT)
    if not sent:
        return redirect("public:apply")
    return render(
        request,
        "public/apply/confirmation.html",
        {
            "reference": sent["reference"],
            "track_url": reverse("public:track", args=[sent["token"]]),
            "channel": sent.get("channel", ""),
        },
    )


@_needs_draft
def apply_save(request, draft):
    initial = {"email": draft.data.get("contact", {}).get("email", "")}
    form = f.SaveForLaterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _limited(request, "public-save"):
            _refuse(form)
        elif form.is_valid():
            services.draft_send_resume_link(
                draft=draft, token=request.session[SESSION_DRAFT], email=form.cleaned_data["email"]
            )
            return render(
                request,
                "public/apply/saved.html",
                {"email": form.cleaned_data["email"], "draft": draft},
            )
    return _render_form(
        request,
        draft,
        form=form,
        title=form.title,
        back=flow.first_incomplete_url(draft.data) or reverse("public:check"),
        template="public/apply/save.html",
    )


@_private
def apply_resume(request, token):
    draft = selectors.draft_for_token(token=token)
    if draft is None:
        return render(request, "public/apply/resume_invalid.html", status=404)
    request.session[SESSION_DRAFT] = token
    return redirect(flow.first_incomplete_url(draft.data) or reverse("public:check"))
