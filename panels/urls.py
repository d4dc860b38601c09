from django.urls import path

import asbcr.converters  # noqa: F401  (registers the path converters)
from panels import views

app_name = "panels"

urlpatterns = [
    path("meetings/", views.meetings_view, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_view, name="meeting"),
    path("cases/<reference:reference>/list/", views.list_case_view, name="list_case"),
    path(
        "cases/<reference:reference>/interim-action/",
        views.interim_action_view,
        name="interim_action",
    ),
    path("panel/<int:pk>/", views.listing_view, name="listing"),
    path("panel/<int:pk>/chairs-pack/", views.chairs_pack_view, name="chairs_pack"),
    path("actions/", views.my_actions_view, name="my_actions"),
    path("actions/<int:pk>/", views.action_view, name="action"),
]
