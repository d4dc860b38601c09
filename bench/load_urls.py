"""The product's URLs plus a bare Django view, served by the same gunicorn workers with
the same middleware, settings and database, so the public form's request rate can be
read as a ratio to what Django alone manages on this machine in the same run."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from asbcr.urls import urlpatterns as product

_PAGE = engines["django"].from_string(
    "<!DOCTYPE html><html lang=en><title>{{ title }}</title><main><h1>{{ title }}</h1>"
    "<form method=post><input name=postcode></form></main></html>"
)


def bare(request):
    """Django's least per request: one small template, no session, no database."""
    return HttpResponse(_PAGE.render({"title": "What is your postcode?"}))


urlpatterns = [path("bench/bare/", bare), *product]
