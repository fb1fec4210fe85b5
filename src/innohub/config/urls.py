import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from innohub.config.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ops/admin/", admin.site.urls),
]
# Sign-in, sign-up and account pages exist in every UI language (/accounts/… in Vietnamese,
# /en/accounts/…, /ko/accounts/…), like the portal and the workspace.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("workspace/", include("innohub.workspace_urls")),
    path("", include("innohub.portal.urls")),
    prefix_default_language=False,
)

# Public uploads (logos, news covers) through a view that sets nosniff, a sandboxing CSP and
# attachment for anything that is not an accepted image; private uploads (applications' files, data
# exports) are 404 here and go through their permission-checked download views (core/media.py).
# With an absolute MEDIA_URL (a separate media host) Django serves no media at all.
if settings.MEDIA_URL.startswith("/"):
    from innohub.core.media import serve_public_media

    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            serve_public_media,
            name="public-media",
        )
    )
