from django.urls import path

from api import staff_views

app_name = "api_clients"

urlpatterns = [
    path("", staff_views.client_areas, name="areas"),
    path("areas/<slug:area>/", staff_views.client_list, name="list"),
    path("areas/<slug:area>/<int:pk>/revoke/", staff_views.client_revoke, name="revoke"),
]
