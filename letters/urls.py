from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("print-queue/", views.print_queue_view, name="print_queue"),
    path("letter/<int:pk>.pdf", views.letter_download_view, name="download"),
    path("letter/<int:pk>/printed/", views.mark_printed_view, name="mark_printed"),
    path("case/<str:reference>/chairs-pack.pdf", views.chairs_pack_view, name="chairs_pack"),
    path(
        "case/<str:reference>/<str:kind>/preview.pdf",
        views.letter_preview_view,
        name="preview",
    ),
    path("case/<str:reference>/<str:kind>/send/", views.letter_send_view, name="send"),
    path("areas/<slug:slug>/", views.area_settings_view, name="area_settings"),
    path("areas/<slug:slug>/<str:kind>/", views.wording_view, name="wording"),
]
