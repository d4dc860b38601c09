from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.reporting_view, name="index"),
    path("export.<str:fmt>", views.export_view, name="export"),
    path(
        "annual-report/<slug:slug>/<int:year>.pdf",
        views.annual_report_view,
        name="annual_report",
    ),
    path("publish/", views.publish_list_view, name="publish_list"),
    path("publish/<slug:slug>/", views.publish_view, name="publish"),
    path("monitoring/", views.monitoring_view, name="monitoring"),
    path("monitoring/export.<str:fmt>", views.monitoring_export_view, name="monitoring_export"),
]
