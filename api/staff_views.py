"""The area admin's page of the agencies' system credentials: list, create, revoke.

Permission: ``partnerships.administer_area`` in the area. A new secret is shown once, on
the page that follows its creation, and never again (only its hash is kept).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import selectors, services
from api.forms import ApiClientForm
from api.models import ApiClient
from asbcr.forms import attach_errors
from partnerships.models import Area

ADMINISTER = services.ADMINISTER


def _area_for_admin(request, slug) -> Area:
    area = get_object_or_404(Area, slug=slug)
    if not (request.user.is_superuser or request.user.has_perm(ADMINISTER, area)):
        raise PermissionDenied("Only the area's partnership admin can manage its API clients.")
    return area


@login_required
@require_GET
def client_areas(request):
    """The areas whose API clients this user manages (one: straight to it)."""
    areas = [
        a
        for a in Area.objects.order_by("name")
        if request.user.is_superuser or request.user.has_perm(ADMINISTER, a)
    ]
    if not areas:
        raise PermissionDenied("You are not a partnership admin in any area.")
    if len(areas) == 1:
        return redirect("api_clients:list", area=areas[0].slug)
    return render(request, "api/client_areas.html", {"areas": areas})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def client_list(request, area):
    area = _area_for_admin(request, area)
    agencies = area.agencies.order_by("name")
    form = ApiClientForm(request.POST or None, agencies=agencies)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            client, secret = services.api_client_create(
                area=area,
                agency=form.cleaned_data["agency"],
                name=form.cleaned_data["name"],
                permissions=form.cleaned_data["permissions"],
                by=request.user,
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            created = {"client": client, "secret": secret}
            form = ApiClientForm(agencies=agencies)
    return render(
        request,
        "api/client_list.html",
        {
            "area": area,
            "clients": selectors.api_clients_for_area(area=area),
            "calls": selectors.api_calls_for_area(area=area),
            "form": form,
            "created": created,
        },
    )


@login_required
@require_POST
def client_revoke(request, area, pk):
    area = _area_for_admin(request, area)
    client = get_object_or_404(ApiClient, pk=pk, area=area)
    services.api_client_revoke(client=client, by=request.user)
    messages.success(request, f"The credential for {client.name} no longer works.")
    return redirect("api_clients:list", area=area.slug)
