from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from thresholds import views

app_name = "thresholds"

urlpatterns = [
    path("queue/", views.queue_view, name="queue"),
    path("queue/suggestion/<int:pk>/dismiss/", views.dismiss_suggestion_view, name="dismiss"),
    path("queue/notice/<int:pk>/told/", views.notice_told_view, name="notice_told"),
    path("import/", views.import_view, name="import"),
    path("case/<reference:reference>/", views.case_threshold_view, name="case"),
    path("case/<reference:reference>/view/", views.record_view_view, name="record_view"),
    path("case/<reference:reference>/decide/", views.decide_view, name="decide"),
    path(
        "case/<reference:reference>/link-locations/",
        views.link_locations_view,
        name="link_locations",
    ),
    path(
        "case/<reference:reference>/same-incident/",
        views.link_duplicate_view,
        name="link_duplicate",
    ),
]
