from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("<slug:slug>/", views.area_view, name="area"),
    path("<slug:slug>/legal-hold/", views.legal_hold_view, name="legal_hold"),
]
