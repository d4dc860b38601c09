"""The pages these tests need, so that another app's unfinished pages cannot break them."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from asbcr import views

urlpatterns = [
    path("", views.start, name="start"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", views.home, name="home"),
    path("staff/sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("staff/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/cases/", include("cases.urls")),
    path("", include("public.urls")),
    path("statistics/", include("reporting.public_urls")),
    # Emails a new application sends to staff link to their work queue.
    path("staff/work/", include("work.urls")),
    path("staff/appeals/", include("appeals.urls")),
    path("staff/panels/", include("panels.urls")),
    path("staff/deadlines/", include("deadlines.urls")),
]

handler400 = "asbcr.errors.bad_request"
handler403 = "asbcr.errors.permission_denied"
handler404 = "asbcr.errors.page_not_found"
handler500 = "asbcr.errors.server_error"
