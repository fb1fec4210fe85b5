"""Privacy pages, mounted at /workspace/account/privacy/ in the "workspace" namespace."""

from django.urls import URLPattern, URLResolver, path

from innohub.privacy import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.privacy_home, name="privacy"),
    path("consents/<slug:code>/", views.consent_set, name="privacy-consent"),
    path("export/", views.export_start, name="privacy-export-start"),
    path("export/<uuid:uuid>/", views.export_detail, name="privacy-export"),
    path("export/<uuid:uuid>/progress/", views.export_progress, name="privacy-export-progress"),
    path("export/<uuid:uuid>/download/", views.export_download, name="privacy-export-download"),
    path("delete/", views.erase, name="privacy-erase"),
    path("access-log/", views.access_log, name="privacy-access-log"),
    path("requests/", views.requests_list, name="privacy-requests"),
    path("requests/<uuid:uuid>/", views.request_decide, name="privacy-request-decide"),
]
