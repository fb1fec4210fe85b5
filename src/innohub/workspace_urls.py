from django.urls import path

from innohub.portal import views

app_name = "workspace"

urlpatterns = [
    path("", views.home, name="home"),
]
