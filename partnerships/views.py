"""The area admin's procedure pages: the current version, its history, edit, and diff.

Permission: ``partnerships.administer_area`` in the area. A procedure may be shared by
several areas (Bedfordshire): the page says so before anyone saves.
"""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerships import selectors, services
from partnerships.forms import NewAreaForm, ProcedureEditForm
from partnerships.models import Area, ProcedureVersion, User
from partnerships.new_area import NewAreaError, new_area_check, new_area_create
from partnerships.procedures import InvalidProcedure, error_line, procedure_save_version

ADMINISTER = "partnerships.administer_area"


def _area_for_admin(request, slug) -> Area:
    area = get_object_or_404(Area.objects.select_related("procedure"), slug=slug)
    if not request.user.has_perm(ADMINISTER, area):
        raise PermissionDenied("Only the area's partnership admin can manage its procedure.")
    return area


def _versions(area):
    return area.procedure.versions.select_related("created_by").order_by("-number")


def _context(area, **extra):
    return {
        "area": area,
        "procedure": area.procedure,
        "sharing_areas": list(area.procedure.areas.exclude(pk=area.pk).order_by("name")),
        **extra,
    }


@login_required
@require_GET
def procedure_areas(request):
    """The areas whose procedure this user administers (one: straight to it)."""
    areas = [
        a
        for a in Area.objects.select_related("procedure").order_by("name")
        if request.user.has_perm(ADMINISTER, a)
    ]
    if not areas:
        raise PermissionDenied("You are not a partnership admin in any area.")
    if len(areas) == 1:
        return redirect("partnerships:procedure", area=areas[0].slug)
    return render(request, "partnerships/procedure_areas.html", {"areas": areas})


@login_required
@require_GET
def procedure_detail(request, area, number=None):
    """The current version (or ``number``) with the whole history and its change notes."""
    area = _area_for_admin(request, area)
    versions = list(_versions(area))
    if not versions:
        raise Http404("This procedure has no versions yet.")
    current = versions[0]
    if number is None:
        shown = current
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such version.")
    return render(
        request,
        "partnerships/procedure_detail.html",
        _context(area, versions=versions, current=current, shown=shown),
    )


@login_required
@require_http_methods(["GET", "POST"])
def procedure_edit(request, area):
    """Edit the YAML; a valid change is saved as a new version, an invalid one not at all."""
    area = _area_for_admin(request, area)
    current = area.procedure.current_version
    form = ProcedureEditForm(
        request.POST or None,
        initial={
            "text": current.source_yaml if current else "",
            "based_on": getattr(current, "number", None),
        },
    )
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        based_on = form.cleaned_data["based_on"]
        try:
            version = procedure_save_version(
                text=text,
                by=request.user,
                change_note=form.cleaned_data["change_note"],
                expected_slug=area.procedure.slug,
                based_on=based_on,
            )
        except InvalidProcedure as exc:
            for error in exc.errors:
                line = error_line(text, error.path)
                where = f"Line {line}, {error.path}" if line else error.path
                form.add_error("text", f"{where}: {error.message}")
        else:
            if based_on is not None and version.number == based_on:
                form.add_error(
                    "text", "Nothing has changed, so no new version was saved. Edit the text first."
                )
            else:
                messages.success(
                    request,
                    f"Version {version.number} saved. Cases already received keep the version "
                    "they were received under; new cases use this one.",
                )
                return redirect("partnerships:procedure", area=area.slug)
    return render(
        request, "partnerships/procedure_edit.html", _context(area, form=form, current=current)
    )


def _diff_rows(old: ProcedureVersion, new: ProcedureVersion) -> list[tuple[str, str]]:
    rows = []
    lines = difflib.unified_diff(
        old.source_yaml.splitlines(),
        new.source_yaml.splitlines(),
        fromfile=f"version {old.number}",
        tofile=f"version {new.number}",
        lineterm="",
        n=3,
    )
    for line in lines:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "added", "-": "removed", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


@login_required
@require_GET
def procedure_diff(request, area):
    """What changed between two versions (``?from=N&to=M``; default: the last change)."""
    area = _area_for_admin(request, area)
    versions = {v.number: v for v in _versions(area)}
    if not versions:
        raise Http404("This procedure has no versions yet.")
    try:
        to_number = int(request.GET.get("to") or max(versions))
        from_number = int(request.GET.get("from") or to_number - 1)
    except ValueError:
        raise Http404("Give version numbers.")
    if from_number not in versions or to_number not in versions:
        raise Http404("No such version.")
    old, new = versions[from_number], versions[to_number]
    sections = sorted(
        key for key in set(old.data) | set(new.data) if old.data.get(key) != new.data.get(key)
    )
    return render(
        request,
        "partnerships/procedure_diff.html",
        _context(
            area,
            old=old,
            new=new,
            rows=_diff_rows(old, new),
            changed_sections=sections,
            numbers=sorted(versions),
        ),
    )


# --- staff sign-in: the partnership admin unlocks and resets second factors ---


def _area_staff_member(request, area_slug, user_id):
    area = _area_for_admin(request, area_slug)
    user = get_object_or_404(
        User.objects.filter(role_assignments__area=area).distinct(), pk=user_id
    )
    if user.is_staff or user.is_superuser:
        raise PermissionDenied("A system administrator's account is managed in the Django admin.")
    return area, user


@login_required
@require_GET
def area_sign_in(request, area):
    """Who in the area is locked out, and who has set up an authenticator app."""
    area = _area_for_admin(request, area)
    return render(
        request,
        "partnerships/sign_in.html",
        {"area": area, "rows": selectors.area_staff_sign_in(area=area)},
    )


@login_required
@require_POST
def area_sign_in_unlock(request, area, user_id):
    area, user = _area_staff_member(request, area, user_id)
    services.staff_sign_in_unlock(user=user, by=request.user)
    messages.success(request, f"{user.get_full_name() or user.username} can sign in again.")
    return redirect("partnerships:sign_in", area=area.slug)


@login_required
@require_POST
def area_second_factor_reset(request, area, user_id):
    area, user = _area_staff_member(request, area, user_id)
    services.staff_second_factor_reset(user=user, by=request.user)
    messages.success(
        request,
        f"{user.get_full_name() or user.username} will set up an authenticator app the next "
        "time they sign in.",
    )
    return redirect("partnerships:sign_in", area=area.slug)


def _system_admin(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Only the system administrator can set up a new area.")


@login_required
@require_http_methods(["GET", "POST"])
def new_area(request):
    """Set up a new area in three steps: paste the file, check what it will create, create
    it (all or nothing). The same checks as ``manage.py new_area``."""
    _system_admin(request)
    form = NewAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        if request.POST.get("step") == "create":
            try:
                area = new_area_create(text=text, by=request.user)
            except NewAreaError as exc:
                for problem in exc.problems:
                    form.add_error("text", problem)
            else:
                return redirect("partnerships:new_area_done", area=area.slug)
        else:
            plan, problems = new_area_check(text)
            for problem in problems:
                form.add_error("text", problem)
            if not problems:
                return render(
                    request, "partnerships/new_area_check.html", {"plan": plan, "form": form}
                )
    return render(request, "partnerships/new_area.html", {"form": form})


@login_required
@require_GET
def new_area_done(request, area):
    _system_admin(request)
    area = get_object_or_404(Area.objects.select_related("procedure"), slug=area)
    staff = User.objects.filter(role_assignments__area=area).distinct().order_by("username")
    return render(request, "partnerships/new_area_done.html", {"area": area, "staff": staff})
