"""Center network pages of the workspace, mounted at /workspace/centers/ in the "workspace" namespace."""

from django.urls import URLPattern, URLResolver, path

from innohub.centers import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.center_list, name="centers-list"),
    path("<slug:slug>/new/", views.center_create, name="centers-create"),
    path("<slug:slug>/edit/", views.center_edit, name="centers-edit"),
    path("<slug:slug>/deactivate/", views.center_deactivate, name="centers-deactivate"),
]
