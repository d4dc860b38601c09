from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from public import views

app_name = "public"

urlpatterns = [
    path("apply/", views.apply_start, name="apply"),
    path("apply/postcode/", views.apply_postcode, name="postcode"),
    path("apply/area/", views.apply_area, name="area"),
    path("apply/case-review/", views.apply_case_review, name="case_review"),
    path("apply/incidents/", views.apply_incidents, name="incidents"),
    path("apply/incidents/<int:index>/", views.apply_incident, name="incident"),
    path(
        "apply/incidents/<int:index>/remove/", views.apply_incident_remove, name="incident_remove"
    ),
    path("apply/check/", views.apply_check, name="check"),
    path("apply/sent/", views.apply_confirmation, name="confirmation"),
    path("apply/save/", views.apply_save, name="save"),
    path("apply/resume/<slug:token>/", views.apply_resume, name="resume"),
    path("apply/<slug:key>/", views.apply_step, name="step"),
    path("track/<slug:token>/", views.track, name="track"),
    path("track/<slug:token>/statement/", views.track_statement, name="track_statement"),
    path("track/<slug:token>/contact/", views.track_contact, name="track_contact"),
    path("track/<slug:token>/appeal/", views.track_appeal, name="track_appeal"),
    path("track/<slug:token>/letters/<int:letter_id>/", views.track_letter, name="track_letter"),
    path(
        "staff/tracking/<reference:reference>/issue/",
        views.staff_tracking_issue,
        name="staff_tracking_issue",
    ),
    path(
        "staff/tracking/<reference:reference>/revoke/",
        views.staff_tracking_revoke,
        name="staff_tracking_revoke",
    ),
]
