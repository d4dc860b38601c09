from django.urls import path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    path("mine/", views.my_work_view, name="mine"),
    path("area/<slug:slug>/", views.area_dashboard_view, name="dashboard"),
    path("<int:pk>/delay/", views.delay_view, name="delay"),
    path("<int:pk>/waive/", views.waive_view, name="waive"),
    path("<int:pk>/done/", views.meet_view, name="meet"),
]
