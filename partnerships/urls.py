from django.urls import path

from partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("procedures/", views.procedure_areas, name="procedures"),
    path("new-area/", views.new_area, name="new_area"),
    path("new-area/<slug:area>/created/", views.new_area_done, name="new_area_done"),
    path("areas/<slug:area>/procedure/", views.procedure_detail, name="procedure"),
    path(
        "areas/<slug:area>/procedure/versions/<int:number>/",
        views.procedure_detail,
        name="procedure_version",
    ),
    path("areas/<slug:area>/procedure/edit/", views.procedure_edit, name="procedure_edit"),
    path("areas/<slug:area>/procedure/diff/", views.procedure_diff, name="procedure_diff"),
    path("areas/<slug:area>/sign-in/", views.area_sign_in, name="sign_in"),
    path(
        "areas/<slug:area>/sign-in/<int:user_id>/unlock/",
        views.area_sign_in_unlock,
        name="sign_in_unlock",
    ),
    path(
        "areas/<slug:area>/sign-in/<int:user_id>/reset-second-factor/",
        views.area_second_factor_reset,
        name="second_factor_reset",
    ),
]
