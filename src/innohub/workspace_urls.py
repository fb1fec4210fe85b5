"""Staff and member workspace (signed-in daily work). Each app contributes its own url module."""

from django.urls import URLPattern, URLResolver, include, path

from innohub.accounts.dashboard import workspace_home

app_name = "workspace"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", workspace_home, name="home"),
    path("directory/", include("innohub.directory.workspace_urls")),
    path("import/", include("innohub.directory.import_urls")),
    path("account/", include("innohub.accounts.urls")),
    path("account/privacy/", include("innohub.privacy.urls")),
    path("centers/", include("innohub.centers.workspace_urls")),
    path("programmes/", include("innohub.programs.urls_calls")),
    path("programmes/", include("innohub.programs.urls_review")),
]
