from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list_view, name="list"),
    path("case/<reference:reference>/new/", views.appeal_lodge_view, name="lodge"),
    path("<int:pk>/", views.appeal_detail_view, name="detail"),
    path("<int:pk>/reviewer/", views.assign_view, name="assign"),
    path("<int:pk>/stage/<int:stage_pk>/done/", views.stage_complete_view, name="stage_complete"),
    path("<int:pk>/stage/<int:stage_pk>/delay/", views.stage_delay_view, name="stage_delay"),
    path("<int:pk>/evidence/", views.evidence_note_view, name="evidence_note"),
    path("<int:pk>/compliance/", views.compliance_view, name="compliance"),
    path("<int:pk>/outcome/", views.decide_view, name="decide"),
    path("<int:pk>/reopen/", views.reopen_view, name="reopen"),
    path("<int:pk>/recommendation/<int:rec_pk>/", views.respond_view, name="respond"),
    path("<int:pk>/follow-up/", views.follow_up_view, name="follow_up"),
    path("<int:pk>/bundle.pdf", views.bundle_pdf_view, name="bundle"),
]
