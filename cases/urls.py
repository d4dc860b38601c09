from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from cases import case_pages, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_receive_view, name="receive"),
    path("access-log/", views.access_log_view, name="access_log"),
    path("<reference:reference>/", case_pages.case_detail_view, name="detail"),
    path("<reference:reference>/incidents/", case_pages.case_incidents_view, name="incidents"),
    path(
        "<reference:reference>/agency-responses/",
        case_pages.case_responses_view,
        name="responses",
    ),
    path("<reference:reference>/threshold/", case_pages.case_threshold_tab_view, name="threshold"),
    path("<reference:reference>/panel/", case_pages.case_panel_tab_view, name="panel"),
    path("<reference:reference>/letters/", case_pages.case_letters_tab_view, name="letters"),
    path("<reference:reference>/appeals/", case_pages.case_appeals_tab_view, name="appeals"),
    path("<reference:reference>/timeline/", case_pages.case_timeline_view, name="timeline"),
    path("<reference:reference>/victim-contact/", views.victim_contact_view, name="victim_contact"),
    path("<reference:reference>/timeline.csv", views.timeline_export_view, name="timeline_export"),
    path("<reference:reference>/step/<slug:name>/", views.case_transition_view, name="transition"),
    path("<reference:reference>/edit/", views.case_edit_view, name="edit"),
    path("<reference:reference>/note/", views.case_note_view, name="note"),
    path("<reference:reference>/incident/", views.incident_add_view, name="incident_add"),
    path("<reference:reference>/exclusions/", views.exclusions_view, name="exclusions"),
    path("<reference:reference>/risk/", views.risk_assess_view, name="risk"),
    path(
        "<reference:reference>/agency-response/", views.agency_response_view, name="agency_response"
    ),
    path("<reference:reference>/officer/", views.assign_officer_view, name="assign_officer"),
    path("<reference:reference>/evidence/", views.evidence_add_view, name="evidence_add"),
    path(
        "<reference:reference>/evidence/<int:pk>/download/",
        views.evidence_download_view,
        name="evidence_download",
    ),
    path(
        "<reference:reference>/impact-statement/<int:pk>/download/",
        views.impact_statement_download_view,
        name="impact_statement_download",
    ),
]
