from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from asbcr import views
from asbcr.signin import views as signin

handler400 = "asbcr.errors.bad_request"
handler403 = "asbcr.errors.permission_denied"
handler404 = "asbcr.errors.page_not_found"
handler500 = "asbcr.errors.server_error"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", views.home, name="home"),
    path("staff/sign-in/", signin.SignInView.as_view(), name="login"),
    path("staff/sign-in/code/", signin.second_factor, name="second_factor"),
    path("staff/sign-in/set-up/", signin.second_factor_setup, name="second_factor_setup"),
    path("staff/sign-in/backup-codes/", signin.backup_codes, name="backup_codes"),
    path("staff/sign-in/backup-codes/new/", signin.backup_codes_new, name="backup_codes_new"),
    path("staff/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin has no sign-in of its own: it uses the staff one, second factor included.
    path("admin/login/", signin.admin_login),
    path("staff/cases/", include("cases.urls")),
    path("admin/", admin.site.urls),
]

# Each domain app adds its pages here when it has them.
for _module, _prefix in [
    ("partnerships.urls", "staff/partnerships/"),
    ("thresholds.urls", "staff/thresholds/"),
    ("deadlines.urls", "staff/deadlines/"),
    ("letters.urls", "staff/letters/"),
    ("panels.urls", "staff/panels/"),
    ("appeals.urls", "staff/appeals/"),
    ("reporting.urls", "staff/reporting/"),
    ("privacy.urls", "staff/privacy/"),
    ("audit.urls", "staff/data-protection/"),
    ("public.urls", ""),
    ("reporting.public_urls", "statistics/"),
    ("api.staff_urls", "staff/api-clients/"),
    ("api.urls", "api/v1/"),
    ("notify.urls", "notify/"),
    ("work.urls", "staff/work/"),
]:
    try:
        __import__(_module)
    except ModuleNotFoundError as exc:
        if exc.name != _module:
            raise
        continue
    urlpatterns.append(path(_prefix, include(_module)))

# Uploaded files are never served from /media/, not even in DEBUG: each one leaves only
# through a view that checks who is asking and writes to the access log (asbcr/files.py).
