from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("areas/<slug:area>/requests/", views.sar_list_view, name="list"),
    path("areas/<slug:area>/requests/new/", views.sar_open_view, name="open"),
    path("requests/<int:pk>/", views.sar_detail_view, name="detail"),
    path("requests/<int:pk>/confirm/", views.sar_confirm_view, name="confirm"),
    path("requests/<int:pk>/export/<slug:fmt>/", views.sar_export_view, name="export"),
    path("requests/<int:pk>/close/", views.sar_close_view, name="close"),
    path("people/<int:person_id>/correct/", views.person_rectify_view, name="rectify"),
]
