from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from work import views

app_name = "work"

urlpatterns = [
    path("notifications/", views.preferences_view, name="preferences"),
    path("respond/<reference:reference>/", views.respond_view, name="respond"),
    path("outbox/", views.outbox_view, name="outbox"),
    path("outbox/<str:name>/", views.outbox_message_view, name="outbox_message"),
]
