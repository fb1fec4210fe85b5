"""Import and export of the directory, mounted at /workspace/import/ in the "workspace" namespace."""

from django.urls import URLPattern, URLResolver, path

from innohub.directory import import_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.import_start, name="import-start"),
    path("<uuid:progress_uuid>/", views.import_detail, name="import-detail"),
    path("<uuid:progress_uuid>/apply/", views.import_apply, name="import-apply"),
    path("<uuid:progress_uuid>/errors.csv", views.import_errors, name="import-errors"),
    path("progress/<uuid:progress_uuid>/", views.progress_status, name="import-progress"),
    path("template/<str:kind>.csv", views.import_template, name="import-template"),
    path("export/<str:kind>.<str:fmt>", views.export, name="import-export"),
]
