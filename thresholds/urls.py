from django.urls import path

from thresholds import views

app_name = "thresholds"

urlpatterns = [
    path("queue/", views.queue_view, name="queue"),
    path("queue/suggestion/<int:pk>/dismiss/", views.dismiss_suggestion_view, name="dismiss"),
    path("queue/notice/<int:pk>/told/", views.notice_told_view, name="notice_told"),
    path("import/", views.import_view, name="import"),
    path("case/<str:reference>/", views.case_threshold_view, name="case"),
    path("case/<str:reference>/view/", views.record_view_view, name="record_view"),
    path("case/<str:reference>/decide/", views.decide_view, name="decide"),
    path("case/<str:reference>/same-incident/", views.link_duplicate_view, name="link_duplicate"),
]
