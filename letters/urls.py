from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from letters import views

app_name = "letters"

urlpatterns = [
    path("print-queue/", views.print_queue_view, name="print_queue"),
    path("letter/<int:pk>.pdf", views.letter_download_view, name="download"),
    path("letter/<int:pk>/printed/", views.mark_printed_view, name="mark_printed"),
    path("case/<reference:reference>/chairs-pack.pdf", views.chairs_pack_view, name="chairs_pack"),
    path(
        "case/<reference:reference>/<slug:kind>/preview.pdf",
        views.letter_preview_view,
        name="preview",
    ),
    path("case/<reference:reference>/<slug:kind>/send/", views.letter_send_view, name="send"),
    path("areas/<slug:slug>/", views.area_settings_view, name="area_settings"),
    path("areas/<slug:slug>/<slug:kind>/", views.wording_view, name="wording"),
]
