from django.urls import path

import reporting.converters  # noqa: F401  (registers the financial_year converter)
from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.reporting_view, name="index"),
    path("export.<slug:fmt>", views.export_view, name="export"),
    path(
        "annual-report/<slug:slug>/<financial_year:year>.pdf",
        views.annual_report_view,
        name="annual_report",
    ),
    path("publish/", views.publish_list_view, name="publish_list"),
    path("publish/<slug:slug>/", views.publish_view, name="publish"),
    path("data-return/<slug:slug>/", views.data_return_produce_view, name="data_return_produce"),
    path(
        "data-return/download/<int:pk>.<slug:fmt>",
        views.data_return_download_view,
        name="data_return_download",
    ),
    path("monitoring/", views.monitoring_view, name="monitoring"),
    path("monitoring/export.<slug:fmt>", views.monitoring_export_view, name="monitoring_export"),
]
