from django.urls import path
from drf_spectacular.views import SpectacularAPIView

import asbcr.converters  # noqa: F401  (registers the path converters)
from api import views

app_name = "api"

urlpatterns = [
    path("", views.reference_view, name="reference"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("incidents/", views.IncidentSubmitView.as_view(), name="incidents"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<reference:reference>/", views.CaseDetailView.as_view(), name="case"),
    path(
        "actions/<int:pk>/completion/",
        views.ActionCompletionView.as_view(),
        name="action_completion",
    ),
    path(
        "statistics/<slug:area>/<int:year>/",
        views.StatisticsView.as_view(),
        name="statistics",
    ),
]
