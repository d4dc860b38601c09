from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_receive_view, name="receive"),
    path("access-log/", views.access_log_view, name="access_log"),
    path("<str:reference>/", views.case_detail_view, name="detail"),
    path("<str:reference>/timeline.csv", views.timeline_export_view, name="timeline_export"),
    path("<str:reference>/step/<str:name>/", views.case_transition_view, name="transition"),
    path("<str:reference>/edit/", views.case_edit_view, name="edit"),
    path("<str:reference>/note/", views.case_note_view, name="note"),
    path("<str:reference>/incident/", views.incident_add_view, name="incident_add"),
    path("<str:reference>/exclusions/", views.exclusions_view, name="exclusions"),
    path("<str:reference>/risk/", views.risk_assess_view, name="risk"),
    path("<str:reference>/agency-response/", views.agency_response_view, name="agency_response"),
    path("<str:reference>/officer/", views.assign_officer_view, name="assign_officer"),
    path("<str:reference>/evidence/", views.evidence_add_view, name="evidence_add"),
    path(
        "<str:reference>/evidence/<int:pk>/download/",
        views.evidence_download_view,
        name="evidence_download",
    ),
    path(
        "<str:reference>/impact-statement/<int:pk>/download/",
        views.impact_statement_download_view,
        name="impact_statement_download",
    ),
]
