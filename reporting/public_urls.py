from django.urls import path

from reporting import views

app_name = "statistics"

urlpatterns = [
    path("", views.public_index_view, name="index"),
    path("<slug:slug>/", views.public_area_view, name="area"),
]
