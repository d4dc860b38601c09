from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [path("callback/", views.callback_view, name="callback")]
